//! Shared setup: one index of the repository's corpus per test binary.

use std::path::Path;
use std::sync::OnceLock;
use zhengce::Engine;

/// The engine over the repository's `corpus/`, indexed once into a temporary directory
/// under cargo's target tmp dir (kept for the process's life).
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    let (_, engine) = ENGINE.get_or_init(|| {
        let tmp = tempfile::TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let (engine, _) =
            zhengce::open_or_build(&corpus, &tmp.path().join("index")).expect("index builds");
        (tmp, engine)
    });
    engine
}
