//! `corpus::parse_plan` on arbitrary text: an error or a document, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhengce::corpus::{Sidecar, parse_plan};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(doc) = parse_plan(&text, "fuzz", &Sidecar::default()) {
        let n = doc.text.chars().count();
        for p in &doc.passages {
            assert!(p.start <= p.end && p.end <= n);
        }
    }
});
