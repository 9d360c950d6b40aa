//! The index: layout on disk, freshness, builds, opening.
//!
//! - [`layout`]: the directory (`CURRENT`, `gen-` generations, `tmp-` builds, the build
//!   lock) and its cleanup.
//! - [`freshness`]: file stamps (relative path, size, mtime) and the corpus fingerprint;
//!   [`check_fresh`].
//! - [`build`](mod@build): a build, under the build lock, published atomically.
//! - [`open`](mod@open): the live generation, opened under its shared lock, and its
//!   per-generation caches.
//!
//! A build writes everything into a `tmp-` directory, renames it to `gen-` and only then
//! points `CURRENT` at it, so a reader sees the old index or the new one, never half of one;
//! a build killed at any moment leaves `CURRENT` pointing at a complete generation.
//!
//! `zhengce.json` records the format version, the corpus fingerprint and the dictionary
//! hash; [`check_fresh`] compares them with the corpus on disk.

pub mod build;
pub mod freshness;
pub mod layout;
pub mod open;
mod schema;
pub mod terms;

pub use build::{BuildStats, build, build_with, load_corpus};
pub use freshness::{
    DirStamp, FINGERPRINT_CONTENT_LIMIT, FileStamp, check_fresh, corpus_fingerprint, corpus_stamps,
    read_domain_dict,
};
pub use layout::{GenerationLock, current_generation, exists};
pub use open::{Caches, DocBases, OpenIndex, open, read_meta};
pub use schema::{Fields, compact};

use crate::corpus::{DocMeta, Node};
use serde::{Deserialize, Serialize};

/// Bumped whenever the schema or the analysis changes meaning.
pub const FORMAT_VERSION: u32 = 12;
/// The domain dictionary's file name inside a corpus directory.
pub const DICT_FILE: &str = "terms.dic";
const COMPILED_DICT: &str = "dict.txt";
const DOCS_FILE: &str = "docs.json";
const STAMPS_FILE: &str = "stamps.json";

/// The stamps of a build, in `stamps.json` (see [`Meta::files`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Stamps {
    files: Vec<FileStamp>,
    dirs: Vec<DirStamp>,
}

/// What an index records about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// [`FORMAT_VERSION`] at build time.
    pub format: u32,
    /// Fingerprint of the corpus files (names, sizes, contents).
    pub corpus_hash: String,
    /// Hash of the dictionary (base + domain terms).
    pub dict_hash: String,
    /// Build time, seconds since the Unix epoch.
    pub built_at: u64,
    /// Build time as RFC 3339 (UTC).
    pub built_at_iso: String,
    /// Number of passages.
    pub passages: usize,
    /// Number of documents.
    pub documents: usize,
    /// The corpus directory it was built from.
    pub corpus_dir: String,
    /// Relative path, size and modification time of every corpus file at build time:
    /// when they all still match, [`check_fresh`] skips hashing the contents. Kept in
    /// `stamps.json` beside `zhengce.json`: [`read_meta`] reads them, an opened index
    /// ([`OpenIndex::meta`]) leaves them empty.
    #[serde(skip)]
    pub files: Vec<FileStamp>,
    /// Relative path and modification time of every corpus directory at build time (see
    /// [`freshness`]); kept with [`files`](Self::files).
    #[serde(skip)]
    pub dirs: Vec<DirStamp>,
    /// Bytes of passage text indexed.
    #[serde(default)]
    pub bytes: usize,
    /// The files that were not documents, with the reason.
    #[serde(default)]
    pub skipped: Vec<SkippedFile>,
}

/// A corpus file the build skipped, and why (as recorded in the meta).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    /// Path relative to the corpus directory.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}

/// A document's outline and page map, as stored beside the index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocInfo {
    /// Document id.
    pub id: String,
    /// Title as printed.
    pub title: String,
    /// Outline.
    pub outline: Vec<Node>,
    /// `(char offset, page)` starts of pages in the cleaned text.
    pub page_starts: Vec<(usize, u32)>,
    /// Number of passages.
    pub passages: usize,
    /// Date, enacting body, kind, source file.
    #[serde(flatten)]
    pub meta: DocMeta,
}

impl DocInfo {
    /// The key shared by the dated versions of one law: title and subtitle.
    pub fn version_key(&self) -> String {
        version_key(&self.title, &self.meta)
    }
}

/// The key shared by the dated versions of one law: title and subtitle.
pub fn version_key(title: &str, meta: &DocMeta) -> String {
    format!("{title}\u{1f}{}", meta.subtitle.as_deref().unwrap_or(""))
}

/// What a build reports as it goes: `(stage, done, total)`, stage `"parse"` or `"index"`.
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

/// Formats Unix seconds as RFC 3339 UTC.
pub fn iso8601(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}
