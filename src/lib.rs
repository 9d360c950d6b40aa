//! zhengce (政策): search and retrieval for Chinese policy documents.
//!
//! # Layout
//!
//! - [`corpus`]: raw text → document tree (chapters, sections, sidebars, passages) with
//!   pages; no tantivy types.
//! - [`analysis`]: folding and jieba segmentation behind tantivy's tokenizer traits.
//! - [`index`]: the schema and atomic builds of the index directory.
//! - [`search`]: query parsing, ranking, snippets and result types ([`Engine`]).
//! - `http` (feature `http`): the HTTP API, its OpenAPI document and the search page (axum).
//! - [`cite`]: quote verification (where a quoted text stands, its pages, a citation).
//! - [`context`]: the best passages for a question with neighbours and sources, in a budget.
//! - [`response`]: the JSON shapes and error codes the front ends share.
//! - [`deadline`]: [`Deadline`], the point in time after which a request's work stops.
//! - [`filter`]: the `doc` and `type` filters of search, cite and context ([`DocFilter`]).
//! - `mcp` (feature `mcp`): an MCP server over stdio (tools `search`, `fetch`, `cite`).
//!
//! The front ends are cargo features, all on by default: `http`, `mcp` and `cli` (the
//! binary). Without them (`--no-default-features`) the library is the engine alone.
//!
//! ```no_run
//! use std::path::Path;
//! let (engine, _note) = zhengce::open_or_build(Path::new("corpus"), Path::new("index")).unwrap();
//! let res = engine.search(&zhengce::SearchRequest::new("以工代赈")).unwrap();
//! for hit in res.hits {
//!     println!("{} {}", hit.passage.citation, hit.snippet);
//! }
//! ```
#![warn(missing_docs)]

pub mod analysis;
pub mod cite;
pub mod context;
pub mod corpus;
pub mod deadline;
mod error;
pub mod filter;
#[cfg(feature = "http")]
pub mod http;
pub mod index;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod response;
pub mod search;

pub use deadline::Deadline;
pub use error::{Error, Result};
pub use filter::DocFilter;
pub use search::{Engine, SearchRequest, SearchResponse};

use std::path::{Path, PathBuf};

/// The corpus directory used when none is given: `./corpus` if it exists, else the
/// `corpus/` directory of the source tree this binary was built from.
pub fn default_corpus_dir() -> PathBuf {
    let local = PathBuf::from("corpus");
    if local.is_dir() {
        local
    } else {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
    }
}

/// The index directory used when none is given: `index/` beside the corpus directory.
pub fn default_index_dir(corpus_dir: &Path) -> PathBuf {
    match corpus_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join("index"),
        _ => PathBuf::from("index"),
    }
}

/// Opens the index of `corpus_dir` at `index_dir`, building it first if it is missing and
/// rebuilding it if the corpus or the dictionary changed. The note says what was done.
///
/// Safe to call from several processes at once: builds exclude each other (a build that
/// waited for another one of the same corpus uses its result), and the generation opened
/// is complete and stays on disk while it is open.
pub fn open_or_build(corpus_dir: &Path, index_dir: &Path) -> Result<(Engine, Option<String>)> {
    let meta = match index::read_meta(index_dir) {
        Ok(meta) => meta,
        Err(Error::IndexStale { reason, .. }) => return rebuild(corpus_dir, index_dir, reason),
        // No generation yet (a missing or empty directory, or one whose first build is
        // running): build, after the running build if there is one.
        Err(Error::IndexMissing(_)) => return rebuild(corpus_dir, index_dir, String::new()),
        Err(e) => return Err(e),
    };
    // The index opens while the corpus is checked (the two take about as long); an
    // engine opened on a stale index is dropped.
    let (fresh, engine) = std::thread::scope(|s| {
        let opening = s.spawn(|| Engine::open(index_dir));
        let fresh = index::check_fresh(&meta, corpus_dir);
        let engine = opening
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("opening the index panicked".into())));
        (fresh, engine)
    });
    match fresh? {
        None => Ok((engine?, None)),
        Some(reason) => {
            drop(engine);
            rebuild(corpus_dir, index_dir, reason)
        }
    }
}

/// Builds the index (or waits for a concurrent build of it), then opens it; the note says
/// what was done.
fn rebuild(
    corpus_dir: &Path,
    index_dir: &Path,
    reason: String,
) -> Result<(Engine, Option<String>)> {
    let first = !index::exists(index_dir);
    let stats = index::build(corpus_dir, index_dir)?;
    let note = match (first, stats.reused) {
        (_, true) => format!(
            "the index at {} was just built by another process",
            index_dir.display()
        ),
        (true, false) => format!("built the index at {} (first use)", index_dir.display()),
        (false, false) => format!("rebuilt the index at {}: {reason}", index_dir.display()),
    };
    Ok((Engine::open(index_dir)?, Some(note)))
}
