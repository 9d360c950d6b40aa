//! Shared test fixtures: one index of the repository's corpus, built once per test binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use zhengce::Engine;

/// The repository's corpus directory.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
}

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine,
    index: PathBuf,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = dir.path().join("index");
    let (engine, note) = zhengce::open_or_build(&corpus_dir(), &index).expect("index builds");
    assert!(note.is_some(), "a fresh index is built");
    Fixture {
        _dir: dir,
        engine,
        index,
    }
});

/// The engine over the plan.
pub fn engine() -> &'static Engine {
    &FIXTURE.engine
}

/// The index directory of the shared engine.
pub fn index_dir() -> &'static Path {
    &FIXTURE.index
}

/// Removes fixture directories named `prefix…` that earlier runs left in the target's
/// temporary directory more than an hour ago.
pub fn remove_stale_fixtures(prefix: &str) {
    let Ok(rd) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for e in rd.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if old && e.file_name().to_string_lossy().starts_with(prefix) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Percent-encodes a query-string value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
