//! `search::query::parse` on arbitrary text, with the full dictionary built once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zhengce::analysis::Segmenter;

static SEG: LazyLock<Segmenter> = LazyLock::new(|| {
    Segmenter::full(include_str!("../../tests/fixtures/terms.dic")).expect("dictionary")
});

fuzz_target!(|data: &[u8]| {
    if let Ok(q) = std::str::from_utf8(data) {
        if let Ok(pq) = zhengce::search::query::parse(q, &SEG) {
            assert!(!pq.is_empty());
            assert!(pq.required.len() + pq.optional.len() <= zhengce::search::query::MAX_TERMS);
        }
    }
});
