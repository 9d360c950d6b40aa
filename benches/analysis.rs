//! Analysis throughput (MB/s of the plan's text): the word tokenizer (jieba precise cut
//! over folded text) and the gram tokenizer (unigrams + bigrams). Each iteration checks
//! the token count, so a broken tokenizer cannot be measured as a fast one.
//!
//! Run: `cargo bench --bench analysis`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;
use tantivy::tokenizer::{TokenStream, Tokenizer};
use zhengce::analysis::{GramTokenizer, PartTokenizer, Segmenter, WordTokenizer};

const PLAN: &str = include_str!("../corpus/special-regions-plan-2021.txt");
const TERMS: &str = include_str!("../corpus/terms.dic");

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
    assert_eq!(
        n_grams,
        2 * word_chars - 1,
        "grams: a unigram and a bigram per char"
    );
    assert!(n_parts > 100, "{n_parts} parts");

    let mut g = c.benchmark_group("analysis");
    g.throughput(Throughput::Bytes(PLAN.len() as u64));
    g.bench_function("words", |b| {
        b.iter(|| assert_eq!(count(&mut words, black_box(PLAN)), n_words))
    });
    g.bench_function("parts", |b| {
        b.iter(|| assert_eq!(count(&mut parts, black_box(PLAN)), n_parts))
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
