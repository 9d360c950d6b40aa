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
mod error;
pub mod filter;
#[cfg(feature = "http")]
pub mod http;
pub mod index;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod response;
pub mod search;

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
pub fn open_or_build(corpus_dir: &Path, index_dir: &Path) -> Result<(Engine, Option<String>)> {
    let note = if !index::exists(index_dir) {
        let empty_or_missing = std::fs::read_dir(index_dir)
            .map(|mut r| r.next().is_none())
            .unwrap_or(true);
        if !empty_or_missing {
            // Let `open` explain what is wrong with the directory.
            index::open(index_dir)?;
        }
        index::build(corpus_dir, index_dir)?;
        Some(format!(
            "built the index at {} (first use)",
            index_dir.display()
        ))
    } else {
        // Only the meta: the index itself is opened once, by `Engine::open` below.
        let open = index::read_meta(index_dir);
        let reason = match &open {
            Ok(meta) => index::check_fresh(meta, corpus_dir)?,
            Err(Error::IndexStale { reason, .. }) => Some(reason.clone()),
            Err(_) => None,
        };
        match (open, reason) {
            (Err(e @ Error::IndexCorrupt { .. }), _) => return Err(e),
            (_, Some(reason)) => {
                index::build(corpus_dir, index_dir)?;
                Some(format!(
                    "rebuilt the index at {}: {reason}",
                    index_dir.display()
                ))
            }
            (Ok(_), None) => None,
            (Err(e), None) => return Err(e),
        }
    };
    Ok((Engine::open(index_dir)?, note))
}
