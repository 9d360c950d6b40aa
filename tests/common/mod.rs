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
