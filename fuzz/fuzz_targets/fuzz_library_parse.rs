//! `corpus::parse_law` and `corpus::parse_policy` on arbitrary text: an error or a
//! document whose passages lie inside its text and follow one another, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhengce::corpus::{DocMeta, Document, parse_law, parse_policy};

fn check(doc: &Document) {
    let n = doc.text.chars().count();
    let mut last = 0;
    for p in &doc.passages {
        assert!(p.start <= p.end && p.end <= n, "{}..{} / {n}", p.start, p.end);
        assert!(p.start >= last, "passages out of order");
        last = p.start;
        assert!(!p.text.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(doc) = parse_law(&text, "fuzz", DocMeta::default()) {
        check(&doc);
    }
    if let Ok(doc) = parse_policy(&text, "fuzz", DocMeta::default()) {
        check(&doc);
    }
});
