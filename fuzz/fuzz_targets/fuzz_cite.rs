//! `cite::cite` on arbitrary text over an index of the plan (built once, in a temporary
//! directory): a result or a `BadRequest`, never a panic; an exact match's offsets and
//! spans lie inside its passages and its quote normalizes to the quote's normal form;
//! similarities stay in 0..=1; closest stretches are sorted best first.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zhengce::Engine;
use zhengce::cite::{MAX_CLOSEST, MAX_MATCHES, cite, normalize};

static ENGINE: LazyLock<(tempfile::TempDir, Engine)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus");
    let (engine, _) = zhengce::open_or_build(std::path::Path::new(corpus), &dir.path().join("ix"))
        .expect("index");
    (dir, engine)
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let engine = &ENGINE.1;
    let r = match cite(engine, &text) {
        Ok(r) => r,
        Err(zhengce::Error::BadRequest(_)) => return,
        Err(e) => panic!("{e}"),
    };
    if r.exact {
        assert!(r.total >= r.matches.len() && r.matches.len() <= MAX_MATCHES);
        let want: String = normalize(&text).into_iter().collect();
        for m in &r.matches {
            assert_eq!(m.similarity, 1.0);
            let got: String = normalize(&m.quote).into_iter().collect();
            assert_eq!(got, want, "{m:?}");
            assert!(!m.spans.is_empty());
            for s in &m.spans {
                let p = engine.passage(&s.id).expect("span passage");
                assert!(s.start < s.end && s.end <= p.text.chars().count(), "{s:?}");
            }
        }
    } else {
        assert_eq!(r.total, 0);
        assert!(r.matches.len() <= MAX_CLOSEST);
        for w in r.matches.windows(2) {
            assert!(w[0].similarity >= w[1].similarity);
        }
        for m in &r.matches {
            assert!((0.0..=1.0).contains(&m.similarity), "{}", m.similarity);
            assert!(m.start < m.end && m.end <= m.passage.text.chars().count());
        }
    }
});
