//! The index directory on disk: generations, `CURRENT`, the build lock, cleanup.
//!
//! ```text
//! index/
//!   LOCK               held exclusively by the one build running (an OS file lock)
//!   CURRENT            name of the live generation, replaced atomically (write + rename)
//!   gen-<time>-<pid>/  one complete build; its zhengce.json is held with a shared lock by
//!                      every process that has the generation open
//!   tmp-<time>-<pid>/  a build in progress; renamed to gen-… when complete
//! ```
//!
//! Builds exclude each other with the exclusive lock on `LOCK` ([`BuildLock`]); readers take
//! no lock on the directory and are never blocked. Cleanup runs only under the build lock:
//! every `tmp-` directory then belongs to a dead build, and a generation is removed only
//! when it is older than the one `CURRENT` names and no process holds its shared lock.

use crate::{Error, Result};
use fs4::fs_std::FileExt;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The file naming the live generation.
pub(crate) const CURRENT: &str = "CURRENT";
/// The build lock's file.
pub(crate) const LOCK: &str = "LOCK";
/// A generation's meta file; also the file its readers lock (shared).
pub(crate) const META_FILE: &str = "zhengce.json";

/// The exclusive lock of the build running in an index directory; released when dropped.
#[derive(Debug)]
pub(crate) struct BuildLock {
    file: File,
}

impl BuildLock {
    /// Takes the build lock of `index_dir` (created if needed). Returns the lock and
    /// whether another build held it, in which case this call waited for that build.
    pub(crate) fn acquire(index_dir: &Path) -> Result<(BuildLock, bool)> {
        let path = index_dir.join(LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        if FileExt::try_lock_exclusive(&file).map_err(|e| Error::io(&path, e))? {
            return Ok((BuildLock { file }, false));
        }
        tracing::info!(index = %index_dir.display(), "another build is running; waiting for it");
        FileExt::lock_exclusive(&file).map_err(|e| Error::io(&path, e))?;
        Ok((BuildLock { file }, true))
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = FileExt::unlock(&self.file);
    }
}

/// The shared lock a reader holds on an open generation: cleanup leaves the generation
/// alone while any process holds it. Released when dropped.
#[derive(Debug)]
pub struct GenerationLock {
    file: File,
}

impl GenerationLock {
    /// Takes the shared lock of the generation at `generation` (its meta file); fails when
    /// the generation is gone.
    pub(crate) fn acquire(generation: &Path) -> std::io::Result<GenerationLock> {
        let file = File::open(generation.join(META_FILE))?;
        FileExt::lock_shared(&file)?;
        Ok(GenerationLock { file })
    }
}

impl Drop for GenerationLock {
    fn drop(&mut self) {
        let _ = FileExt::unlock(&self.file);
    }
}

/// Whether a name in the index directory is one zhengce writes.
pub(crate) fn is_ours(name: &str) -> bool {
    name == CURRENT
        || name == LOCK
        || name.starts_with("CURRENT.tmp-")
        || name.starts_with("gen-")
        || name.starts_with("tmp-")
        || name == ".gitkeep"
}

/// Refuses to build into a directory that holds something other than our index.
pub(crate) fn check_owned(index_dir: &Path) -> Result<()> {
    let rd = std::fs::read_dir(index_dir).map_err(|e| Error::io(index_dir, e))?;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !is_ours(&name) {
            return Err(Error::IndexCorrupt {
                path: index_dir.to_path_buf(),
                reason: format!("it holds {name:?}, which zhengce did not write"),
            });
        }
    }
    Ok(())
}

/// The name of the live generation, if any.
pub fn current_generation(index_dir: &Path) -> Option<String> {
    std::fs::read_to_string(index_dir.join(CURRENT))
        .ok()
        .map(|s| s.trim().to_string())
}

/// Whether an index generation is live at `index_dir`.
pub fn exists(index_dir: &Path) -> bool {
    index_dir.join(CURRENT).is_file()
}

/// The `<millis>-<pid>` stamp of a new build: later builds sort after earlier ones.
pub(crate) fn new_stamp() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("{millis:015}-{}", std::process::id())
}

/// The build time of a `gen-`/`tmp-` name, for ordering generations.
fn stamp_millis(name: &str) -> Option<u128> {
    let rest = name.strip_prefix("gen-")?;
    rest.split('-').next()?.parse().ok()
}

/// Points `CURRENT` at `gen_name`, atomically (write a temporary file, rename it).
pub(crate) fn publish(index_dir: &Path, gen_name: &str, stamp: &str) -> Result<()> {
    let cur_tmp = index_dir.join(format!("{CURRENT}.tmp-{stamp}"));
    super::build::write_synced(&cur_tmp, gen_name.as_bytes())?;
    std::fs::rename(&cur_tmp, index_dir.join(CURRENT)).map_err(|e| Error::io(index_dir, e))?;
    if let Ok(d) = File::open(index_dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes what dead builds left (`tmp-` directories, `CURRENT.tmp-` files) and the
/// generations older than the live one that no process has open. Call only while holding
/// the [`BuildLock`]. Returns the paths removed.
pub(crate) fn cleanup(index_dir: &Path, _lock: &BuildLock) -> Vec<PathBuf> {
    let live = current_generation(index_dir);
    let live_millis = live.as_deref().and_then(stamp_millis);
    let Ok(rd) = std::fs::read_dir(index_dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let leftover = name.starts_with("tmp-") || name.starts_with("CURRENT.tmp-");
        let superseded = name.starts_with("gen-")
            && Some(name.as_str()) != live.as_deref()
            && matches!((stamp_millis(&name), live_millis), (Some(g), Some(l)) if g < l);
        if leftover {
            remove(&path);
            removed.push(path);
        } else if superseded {
            // A reader holds the shared lock of a generation it has open: keep it.
            let Ok(meta) = File::open(path.join(META_FILE)) else {
                remove(&path);
                removed.push(path);
                continue;
            };
            if let Ok(true) = FileExt::try_lock_exclusive(&meta) {
                remove(&path);
                removed.push(path);
                let _ = FileExt::unlock(&meta);
            } else {
                tracing::debug!(path = %path.display(), "generation in use; kept");
            }
        }
    }
    removed
}

fn remove(path: &Path) {
    tracing::debug!(path = %path.display(), "removing leftover");
    let _ = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_order_builds() {
        let a = new_stamp();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_stamp();
        let (ma, mb) = (
            stamp_millis(&format!("gen-{a}")),
            stamp_millis(&format!("gen-{b}")),
        );
        assert!(ma.is_some() && ma < mb, "{a} {b}");
    }

    #[test]
    fn build_locks_exclude_each_other_and_readers_protect_generations() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let (lock, waited) = BuildLock::acquire(d).expect("lock");
        assert!(!waited);
        // A second build waits until the first releases the lock.
        let handle = {
            let d = d.to_path_buf();
            std::thread::spawn(move || BuildLock::acquire(&d).map(|(_, w)| w))
        };
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!handle.is_finished(), "the second build must wait");
        // Generations: an old one held by a reader, an old free one, the live one.
        for g in [
            "gen-000000000000001-1",
            "gen-000000000000002-1",
            "gen-000000000000003-1",
        ] {
            std::fs::create_dir(d.join(g)).expect("mkdir");
            std::fs::write(d.join(g).join(META_FILE), "{}").expect("meta");
        }
        std::fs::create_dir(d.join("tmp-000000000000004-1")).expect("mkdir");
        std::fs::write(d.join(CURRENT), "gen-000000000000003-1").expect("current");
        let reader = GenerationLock::acquire(&d.join("gen-000000000000001-1")).expect("reader");
        let removed = cleanup(d, &lock);
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(d.join("gen-000000000000001-1").exists(), "held by a reader");
        assert!(!d.join("gen-000000000000002-1").exists());
        assert!(d.join("gen-000000000000003-1").exists(), "live");
        assert!(!d.join("tmp-000000000000004-1").exists());
        drop(reader);
        let removed = cleanup(d, &lock);
        assert_eq!(removed.len(), 1);
        drop(lock);
        assert!(handle.join().expect("thread").expect("lock"), "it waited");
        check_owned(d).expect("only our files");
    }
}
