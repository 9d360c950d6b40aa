//! Search latency over a fixed mix of query kinds, with snippets, compared in the same run
//! with a naive tantivy + tantivy-jieba index (default `QueryParser` over one TEXT field
//! with the jieba tokenizer, no snippets); plus the index build on the plan.
//!
//! Every iteration asserts hits > 0 for every query, so a broken path cannot be timed.
//!
//! Run: `cargo bench --bench search`
//!
//! Both sides run on the allocator the binary ships with (mimalloc, the default feature),
//! as `zhengce search` and `zhengce serve` do.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, TantivyDocument, doc};
use zhengce::{Engine, SearchRequest};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The query mix: keywords, multi-word, questions, a quote, infixes, traditional variants.
pub const MIX: &[&str] = &[
    "以工代赈",
    "光伏",
    "赣州",
    "包头 稀土",
    "安置区配套设施有哪些",
    "如何保护利用革命文物",
    "\"让低收入人口和欠发达地区共享发展成果\"",
    "代赈",
    "老区",
    "以工代賑",
    "易地扶貧搬遷",
];

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
}

/// Our engine: every query of the mix with snippets; returns the total hits.
fn run_ours(engine: &Engine) -> usize {
    let mut hits = 0;
    for q in MIX {
        let res = engine.search(&SearchRequest::new(*q)).expect("search");
        assert!(!res.hits.is_empty(), "no hit for {q}");
        // (A hit may match by its heading only, so not every snippet has a mark.)
        assert!(
            res.hits.iter().any(|h| h.snippet.contains("<mark>")),
            "no mark for {q}"
        );
        hits += res.hits.len();
    }
    hits
}

struct Naive {
    reader: IndexReader,
    parser: QueryParser,
}

/// The naive setup: one TEXT field tokenized by tantivy-jieba (default dictionary),
/// the passages of the plan, tantivy's default query parser.
fn naive(texts: &[String]) -> Naive {
    let mut b = Schema::builder();
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("jieba")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    ) | STORED;
    let text = b.add_text_field("text", opts);
    let index = Index::create_in_ram(b.build());
    index
        .tokenizers()
        .register("jieba", tantivy_jieba::JiebaTokenizer::new());
    let mut w: tantivy::IndexWriter<TantivyDocument> = index.writer(50_000_000).expect("writer");
    for t in texts {
        w.add_document(doc!(text => t.as_str())).expect("add");
    }
    w.commit().expect("commit");
    let reader = index.reader().expect("reader");
    let parser = QueryParser::for_index(&index, vec![text]);
    Naive { reader, parser }
}

/// The naive setup on the same mix (no snippets; the stored text is not even loaded).
/// Some queries find nothing there (a question without spaces becomes one phrase of all
/// its words), so the bench checks the total number of hits instead of each query's.
fn run_naive(n: &Naive) -> usize {
    let searcher = n.reader.searcher();
    let mut hits = 0;
    for q in MIX {
        let query = n.parser.parse_query(q).expect("parse");
        let top = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .expect("search");
        hits += top.len();
    }
    hits
}

fn search(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let index_dir = tmp.path().join("index");
    zhengce::index::build(corpus(), &index_dir).expect("build");
    let engine = Engine::open(&index_dir).expect("open");
    let docs = zhengce::index::load_corpus(corpus()).expect("corpus");
    let texts: Vec<String> = docs
        .iter()
        .flat_map(|d| d.passages.iter().map(|p| p.text.clone()))
        .collect();
    let naive = naive(&texts);
    let naive_hits = run_naive(&naive);
    assert!(naive_hits > 0);
    for q in MIX {
        let searcher = naive.reader.searcher();
        let query = naive.parser.parse_query(q).expect("parse");
        let n = searcher
            .search(&query, &tantivy::collector::Count)
            .expect("count");
        eprintln!("naive: {n:>3} passages for {q}");
    }

    let mut g = c.benchmark_group("query_mix");
    g.throughput(Throughput::Elements(MIX.len() as u64));
    g.bench_function("ours_with_snippets", |b| {
        b.iter(|| black_box(run_ours(&engine)))
    });
    g.bench_function("naive_tantivy_jieba", |b| {
        b.iter(|| assert_eq!(black_box(run_naive(&naive)), naive_hits))
    });
    g.finish();

    // One query at a time, for the per-kind picture.
    let mut g = c.benchmark_group("query");
    for q in MIX {
        g.bench_function(*q, |b| {
            b.iter(|| {
                let res = engine.search(&SearchRequest::new(*q)).expect("search");
                assert!(!res.hits.is_empty());
                black_box(res)
            })
        });
    }
    g.finish();

    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let mut g = c.benchmark_group("index");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("build_plan", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let stats = zhengce::index::build(corpus(), &dir.path().join("index")).expect("build");
            assert_eq!(stats.passages, texts.len());
        })
    });
    g.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
