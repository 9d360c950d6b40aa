//! Analysis throughput (MB/s of the plan's text): jieba-rs's precise cut alone (the floor
//! of word segmentation), the word tokenizer (fold + cut + offsets) and the gram tokenizer
//! (one token per character). Each iteration checks
//! the token count, so a broken tokenizer cannot be measured as a fast one.
//!
//! Run: `cargo bench --bench analysis`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;
use tantivy::tokenizer::{TokenStream, Tokenizer};
use zhengce::analysis::{GramTokenizer, PartTokenizer, Segmenter, WordTokenizer};

const PLAN: &str = include_str!("../corpus/special-regions-plan-2021.txt");
const TERMS: &str = include_str!("../tests/fixtures/terms.dic");

fn count(tok: &mut impl Tokenizer, text: &str) -> usize {
    let mut s = tok.token_stream(text);
    let mut n = 0;
    while s.advance() {
        n += 1;
    }
    n
}

fn analysis(c: &mut Criterion) {
    let seg = Arc::new(Segmenter::full(TERMS).expect("dictionary"));
    let mut words = WordTokenizer::new(seg.clone());
    let mut parts = PartTokenizer::new(seg.clone());
    let mut grams = GramTokenizer::default();
    let n_words = count(&mut words, PLAN);
    let n_parts = count(&mut parts, PLAN);
    let n_grams = count(&mut grams, PLAN);
    let word_chars = PLAN
        .chars()
        .filter(|c| zhengce::analysis::is_word_char(zhengce::analysis::fold_width(*c)))
        .count();
    assert!(n_words > 5_000, "{n_words} words");
    assert_eq!(n_grams, word_chars, "grams: one per word character");
    assert!(n_parts > 100, "{n_parts} parts");

    let jieba = jieba_rs::Jieba::with_dict(&mut std::io::BufReader::new(
        include_str!("../data/jieba-dict.txt").as_bytes(),
    ))
    .expect("jieba dictionary");
    let folded = zhengce::analysis::fold(PLAN);
    let n_cut = jieba.cut(&folded, false).len();
    assert!(n_cut > n_words, "{n_cut} tokens with punctuation");

    let mut g = c.benchmark_group("analysis");
    g.throughput(Throughput::Bytes(PLAN.len() as u64));
    g.bench_function("jieba_cut", |b| {
        b.iter(|| assert_eq!(jieba.cut(black_box(&folded), false).len(), n_cut))
    });
    // The tokenizers keep the last text's words (the words and parts fields of a passage
    // segment the same text): alternate two texts so that every iteration segments.
    let other = format!("{PLAN}。");
    let texts = [PLAN, other.as_str()];
    let mut i = 0;
    g.bench_function("words", |b| {
        b.iter(|| {
            i += 1;
            assert_eq!(count(&mut words, black_box(texts[i % 2])), n_words)
        })
    });
    g.bench_function("parts", |b| {
        b.iter(|| {
            i += 1;
            assert_eq!(count(&mut parts, black_box(texts[i % 2])), n_parts)
        })
    });
    g.bench_function("grams", |b| {
        b.iter(|| assert_eq!(count(&mut grams, black_box(PLAN)), n_grams))
    });
    g.finish();

    let mut g = c.benchmark_group("dictionary");
    g.sample_size(10);
    g.bench_function("full", |b| {
        b.iter(|| assert!(Segmenter::full(TERMS).expect("full").has_word("以工代赈")))
    });
    let compiled = seg
        .compile_for(std::iter::once(PLAN))
        .expect("full segmenter");
    g.bench_function("compiled", |b| {
        b.iter(|| {
            let s = Segmenter::from_compiled(&compiled, seg.hash()).expect("compiled");
            assert!(s.has_word("以工代赈"));
        })
    });
    g.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
