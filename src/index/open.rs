//! Opening the live generation of an index, and the caches that live as long as it.
//!
//! [`open`] reads `CURRENT`, takes the generation's shared lock ([`GenerationLock`]) and
//! opens it. A build that finishes in between may have replaced `CURRENT` and removed the
//! generation it named: the open then starts again from `CURRENT`, so a reader never fails
//! on a generation that a concurrent build superseded.
//!
//! [`OpenIndex::cache`] gives the per-generation caches (one value per type, made on first
//! use); they are dropped with the generation.

use super::layout::{self, GenerationLock, META_FILE};
use super::{COMPILED_DICT, DOCS_FILE, DocInfo, FORMAT_VERSION, Fields, Meta};
use crate::analysis::{self, Segmenter};
use crate::{Error, Result};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tantivy::{Index, IndexReader, ReloadPolicy};

/// How many times [`open`] starts again when the generation it read vanished.
const OPEN_ATTEMPTS: usize = 20;

/// Values computed once per index generation, one per type (see [`OpenIndex::cache`]).
#[derive(Default)]
pub struct Caches {
    slots: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Caches")
    }
}

/// An opened index: tantivy's index and one reader for the process.
#[derive(Clone)]
pub struct OpenIndex {
    /// The tantivy index.
    pub index: Index,
    /// The one reader of the process; take a searcher per request.
    pub reader: IndexReader,
    /// Field handles.
    pub fields: Fields,
    /// What the index records about itself.
    pub meta: Meta,
    /// The segmenter the index was built with (compiled dictionary).
    pub segmenter: Arc<Segmenter>,
    /// Outlines of the documents.
    pub docs: Arc<Vec<DocInfo>>,
    /// The generation directory opened.
    pub generation: PathBuf,
    /// The per-generation caches.
    caches: Arc<Caches>,
    /// Held while the generation is open: cleanup keeps it.
    _lock: Arc<GenerationLock>,
}

impl std::fmt::Debug for OpenIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenIndex")
            .field("generation", &self.generation)
            .field("meta", &self.meta)
            .finish()
    }
}

impl OpenIndex {
    /// The generation's cache of type `T`, made (empty, by `Default`) on first use and
    /// shared by every later call on this generation; fill it once with a `OnceLock`
    /// inside `T`. Dropped with the generation.
    pub fn cache<T: Any + Send + Sync + Default>(&self) -> Arc<T> {
        let mut slots = match self.caches.slots.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let slot = slots
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()) as Arc<dyn Any + Send + Sync>)
            .clone();
        drop(slots);
        // The slot of `TypeId::of::<T>()` always holds a `T`.
        slot.downcast::<T>()
            .unwrap_or_else(|_| Arc::new(T::default()))
    }

    /// The global position (`seq`) of the first passage of each document, in document
    /// order, and the total: document `i` holds positions `bases[i]..bases[i + 1]`.
    pub fn doc_bases(&self) -> Arc<DocBases> {
        let c = self.cache::<DocBasesCache>();
        c.0.get_or_init(|| {
            let mut starts = Vec::with_capacity(self.docs.len() + 1);
            let mut base = 0u64;
            for d in self.docs.iter() {
                starts.push(base);
                base += d.passages as u64;
            }
            starts.push(base);
            Arc::new(DocBases { starts })
        })
        .clone()
    }
}

/// Where each document's passages start in the global order (see [`OpenIndex::doc_bases`]).
#[derive(Debug)]
pub struct DocBases {
    starts: Vec<u64>,
}

impl DocBases {
    /// The index of the document holding global position `seq`.
    pub fn doc_of(&self, seq: u64) -> Option<usize> {
        let i = self.starts.partition_point(|&s| s <= seq);
        (i >= 1 && i < self.starts.len()).then(|| i - 1)
    }

    /// The global position of the first passage of document `i`.
    pub fn base(&self, i: usize) -> Option<u64> {
        self.starts.get(i).copied()
    }
}

#[derive(Default)]
struct DocBasesCache(std::sync::OnceLock<Arc<DocBases>>);

/// What the live generation of `index_dir` records about itself, without opening the
/// index: reads `CURRENT` and the generation's `zhengce.json` and `stamps.json` only. Fails like [`open`]
/// on a missing, foreign or outdated index.
pub fn read_meta(index_dir: &Path) -> Result<Meta> {
    retry_superseded(index_dir, || {
        let (generation, mut meta) = live_meta(index_dir)?;
        let stamps: super::Stamps =
            read_json(&generation.join(super::STAMPS_FILE)).map_err(|reason| {
                Error::IndexCorrupt {
                    path: index_dir.to_path_buf(),
                    reason,
                }
            })?;
        meta.files = stamps.files;
        meta.dirs = stamps.dirs;
        Ok(meta)
    })
}

/// Runs `f` again (a bounded number of times) while it fails on a generation that a
/// concurrent build has replaced (`CURRENT` changed since the attempt began).
fn retry_superseded<T>(index_dir: &Path, mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let mut attempt = 0;
    loop {
        let before = layout::current_generation(index_dir);
        match f() {
            Ok(v) => return Ok(v),
            Err(e) => {
                attempt += 1;
                let after = layout::current_generation(index_dir);
                if attempt >= OPEN_ATTEMPTS || before == after || after.is_none() {
                    return Err(e);
                }
                tracing::debug!(error = %e, "the generation was superseded while opening; again");
            }
        }
    }
}

/// The live generation's directory and meta.
fn live_meta(index_dir: &Path) -> Result<(PathBuf, Meta)> {
    let corrupt = |reason: String| Error::IndexCorrupt {
        path: index_dir.to_path_buf(),
        reason,
    };
    if !index_dir.exists() {
        return Err(missing(index_dir));
    }
    let Some(name) = layout::current_generation(index_dir) else {
        let ours = std::fs::read_dir(index_dir)
            .map(|r| {
                r.flatten()
                    .all(|e| layout::is_ours(&e.file_name().to_string_lossy()))
            })
            .unwrap_or(true);
        // A directory with only our files and no CURRENT: the first build is running
        // or died before it finished.
        return Err(if ours {
            missing(index_dir)
        } else {
            corrupt("no CURRENT file: not a zhengce index".into())
        });
    };
    if name.is_empty() || name.contains('/') || name.contains("..") || !name.starts_with("gen-") {
        return Err(corrupt(format!("CURRENT names {name:?}")));
    }
    let generation = index_dir.join(&name);
    let meta: Meta = read_json(&generation.join(META_FILE)).map_err(&corrupt)?;
    if meta.format != FORMAT_VERSION {
        return Err(Error::IndexStale {
            path: index_dir.to_path_buf(),
            reason: format!(
                "format version {} but this program writes {FORMAT_VERSION}",
                meta.format
            ),
        });
    }
    Ok((generation, meta))
}

fn missing(index_dir: &Path) -> Error {
    Error::IndexMissing(format!(
        "no index at {}; build it with `zhengce index`",
        index_dir.display()
    ))
}

/// Opens the live generation of `index_dir`.
pub fn open(index_dir: &Path) -> Result<OpenIndex> {
    retry_superseded(index_dir, || open_once(index_dir))
}

fn open_once(index_dir: &Path) -> Result<OpenIndex> {
    let corrupt = |reason: String| Error::IndexCorrupt {
        path: index_dir.to_path_buf(),
        reason,
    };
    let (generation, meta) = live_meta(index_dir)?;
    let lock = GenerationLock::acquire(&generation)
        .map_err(|e| corrupt(format!("{}: {e}", generation.display())))?;
    // Under the lock the generation cannot go away; a cleanup that removed it just before
    // the lock was taken is noticed here (and the open starts again).
    if !generation.join(META_FILE).is_file() {
        return Err(corrupt(format!("{} was removed", generation.display())));
    }
    // The dictionary, then tantivy's index, load on one thread while the outlines are
    // read on this one (the outlines take a little longer than the other two together).
    let (opened, docs) = std::thread::scope(|s| {
        let opened = s.spawn(|| {
            let dict = std::fs::read_to_string(generation.join(COMPILED_DICT))
                .map_err(|e| corrupt(format!("dictionary: {e}")))?;
            let segmenter = Segmenter::from_compiled(&dict, &meta.dict_hash)
                .map_err(|e| corrupt(format!("dictionary: {e}")))?;
            let segmenter = Arc::new(segmenter);
            let (index, reader, fields) = open_tantivy(&generation, &segmenter).map_err(corrupt)?;
            Ok((segmenter, index, reader, fields))
        });
        let docs = read_json::<Vec<DocInfo>>(&generation.join(DOCS_FILE)).map_err(&corrupt);
        let opened = opened.join().unwrap_or_else(|_| {
            Err(Error::Internal(
                "loading the dictionary and the index panicked".into(),
            ))
        });
        (opened, docs)
    });
    let (segmenter, index, reader, fields) = opened?;
    let docs = docs?;
    Ok(OpenIndex {
        index,
        reader,
        fields,
        meta,
        segmenter,
        docs: Arc::new(docs),
        generation,
        caches: Arc::default(),
        _lock: Arc::new(lock),
    })
}

/// Tantivy's index of a generation, its one reader and the field handles, with the
/// tokenizers of `segmenter` registered.
fn open_tantivy(
    generation: &Path,
    segmenter: &Arc<Segmenter>,
) -> std::result::Result<(Index, IndexReader, Fields), String> {
    let dir = tantivy::directory::MmapDirectory::open(generation).map_err(|e| format!("{e}"))?;
    let index = Index::open(dir).map_err(|e| format!("{e}"))?;
    let fields = Fields::from_schema(&index.schema())?;
    analysis::register(index.tokenizers(), segmenter);
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e: tantivy::TantivyError| format!("{e}"))?;
    Ok((index, reader, fields))
}

pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> std::result::Result<T, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_bases_map_positions_to_documents() {
        let b = DocBases {
            starts: vec![0, 3, 3, 10],
        };
        assert_eq!(b.doc_of(0), Some(0));
        assert_eq!(b.doc_of(2), Some(0));
        assert_eq!(b.doc_of(3), Some(2));
        assert_eq!(b.doc_of(9), Some(2));
        assert_eq!(b.doc_of(10), None);
        assert_eq!(b.base(1), Some(3));
    }
}
