//! Raw text → document tree with page spans.
//!
//! A [`Document`] is the parsed form of one corpus file: its title, an outline of
//! headings ([`Node`]: preface, chapters, sections, sidebars) and its body cut into
//! [`Passage`]s, the unit of retrieval and citation. Every passage knows its place in
//! the outline, its pages and its character offsets in the document's cleaned text
//! (the raw text with page markers removed), so any substring can be cited with its page.
//!
//! This module knows nothing about tantivy: it turns text into data.
//!
//! ```
//! let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/corpus/special-regions-plan-2021.txt")).unwrap();
//! let doc = zhengce::corpus::parse_plan(&raw, "tese2021", &Default::default()).unwrap();
//! assert_eq!(doc.chapters().count(), 9);
//! ```

mod law;
mod library;
mod numerals;
pub mod path;
mod plan;
mod policy;
mod sidecar;
mod structure;

pub use law::parse_law;
pub use library::{
    Format, Skipped, corpus_files, doc_type_for, iso_date_in, library_id, load_library,
    load_library_with, tidy_body,
};
pub use numerals::{chinese_numeral, chinese_numeral_string};
pub use path::{HeadingKind, PathHeading};
pub use plan::{MAX_PASSAGE_CHARS, parse_plan};
pub use policy::parse_policy;
pub use sidecar::Sidecar;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What went wrong while reading or parsing a corpus.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The text does not have the shape the parser expects.
    #[error("{file}: {message}")]
    Parse {
        /// The file (or document id) being parsed.
        file: String,
        /// What is missing or malformed.
        message: String,
    },
    /// A corpus file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The corpus directory holds no document.
    #[error("no documents found in {0} (expected .txt or .md files)")]
    Empty(PathBuf),
}

/// A heading's printed label and title, e.g. `第二章` / `加大欠发达地区帮扶力度`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct Heading {
    /// The label as printed: `第二章`, `第一节`, `专栏4`, `前言`.
    pub label: String,
    /// The title exactly as printed.
    pub title: String,
}

/// The kind of an outline node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// 前言.
    Preface,
    /// 第X章.
    Chapter,
    /// 第X节.
    Section,
    /// 专栏N, a boxed sidebar inside a section.
    Sidebar,
    /// 第X编 or 第X分编 of a law.
    Part,
    /// A numbered or plain heading of line-broken text (`一、`, `（一）`, `1.`, `## 案情回顾`).
    Heading,
}

/// One node of the outline.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct Node {
    /// Stable id, e.g. `tese2021-2`, `tese2021-2.1`, `tese2021-s4`.
    pub id: String,
    /// What kind of heading this is.
    pub kind: NodeKind,
    /// The printed label (`第二章`).
    pub label: String,
    /// The printed title.
    pub title: String,
    /// First and last page the node spans, when the source has pages.
    pub pages: Option<[u32; 2]>,
    /// Nested nodes (sections of a chapter, sidebars of a section).
    #[cfg_attr(feature = "http", schema(no_recursion))]
    pub children: Vec<Node>,
    /// Character offset where the heading starts in the cleaned text.
    #[serde(skip)]
    pub start: usize,
    /// Character offset where the node's content ends in the cleaned text.
    #[serde(skip)]
    pub end: usize,
}

/// The kind of a passage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PassageKind {
    /// Text of the preface.
    Preface,
    /// A body paragraph of a chapter or section.
    #[default]
    Paragraph,
    /// One item of a sidebar (专栏).
    Sidebar,
    /// An article (`第X条`) of a law, or one piece of a long article.
    Article,
}

impl PassageKind {
    /// The lowercase name used in JSON and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            PassageKind::Preface => "preface",
            PassageKind::Paragraph => "paragraph",
            PassageKind::Sidebar => "sidebar",
            PassageKind::Article => "article",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "preface" => Some(PassageKind::Preface),
            "paragraph" => Some(PassageKind::Paragraph),
            "sidebar" => Some(PassageKind::Sidebar),
            "article" => Some(PassageKind::Article),
            _ => None,
        }
    }
}

/// A passage: the unit of retrieval and citation.
///
/// [`path`](Passage::path) is where it stands; the heading fields `part`, `chapter`,
/// `section`, `sidebar`, `item` and `article` are derived from it (see
/// [`Passage::with_path`]) and kept for the JSON contract.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct Passage {
    /// Stable, URL-safe id, e.g. `tese2021-2.2.3` or `tese2021-s4.1`.
    pub id: String,
    /// The id of the document it belongs to.
    pub doc: String,
    /// Preface, paragraph or sidebar item.
    pub kind: PassageKind,
    /// The chapter it stands in.
    pub chapter: Option<Heading>,
    /// The section it stands in.
    pub section: Option<Heading>,
    /// The sidebar it belongs to.
    pub sidebar: Option<Heading>,
    /// First and last page of the passage, when the source has pages.
    pub pages: Option<[u32; 2]>,
    /// The paragraph's lead sentence (or a sidebar item's label).
    pub lead: Option<String>,
    /// The text, page markers removed and split words rejoined.
    pub text: String,
    /// A citation string to paste.
    pub citation: String,
    /// Character offset of the passage in the document's cleaned text.
    pub start: usize,
    /// Character offset one past the passage's end.
    pub end: usize,
    /// Position of the passage in document order (0-based).
    pub seq: usize,
    /// The part (第X编 / 第X分编) it stands in (laws only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<Heading>,
    /// The third-level heading (`1.`) it stands in (line-broken policy text only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Heading>,
    /// The article label (`第六条`, `第十条之一`) of an article passage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Its headings, outermost first, ending with the article of an article passage
    /// (JSON `headings`: `path` in hits and passage responses is the section path string).
    #[serde(default, rename = "headings")]
    pub path: Vec<PathHeading>,
}

impl Passage {
    /// The passage with `path` as its place, and the heading fields derived from it.
    pub fn with_path(mut self, path: Vec<PathHeading>) -> Self {
        let slots = path::Slots::of(&path);
        self.part = slots.part;
        self.chapter = slots.chapter;
        self.section = slots.section;
        self.sidebar = slots.sidebar;
        self.item = slots.item;
        self.article = slots.article;
        self.path = path;
        self
    }

    /// The passage at `path` in the document titled `title`: [`with_path`](Self::with_path)
    /// and its citation computed from the path and its pages ([`path::citation`]).
    pub fn cited_at(mut self, title: &str, path: Vec<PathHeading>) -> Self {
        self.citation = path::citation(title, &path, self.pages);
        self.with_path(path)
    }

    /// The heading path, e.g. `第二章 加大欠发达地区帮扶力度 › 第二节 加大以工代赈实施力度`.
    pub fn section_path(&self) -> String {
        path::section_path(&self.path)
    }

    /// The headings of the outline group it stands in: its path without the article.
    pub fn group(&self) -> &[PathHeading] {
        path::group(&self.path)
    }

    /// Whether `other` stands in the same document and outline group (same headings up to
    /// the article): neighbours and "opens a heading" use this.
    pub fn same_group(&self, other: &Passage) -> bool {
        self.doc == other.doc && self.group() == other.group()
    }

    /// The headings of the section it stands in: its [`group`](Passage::group) without the
    /// items (`1.`) of a policy text, whose paragraphs context groups and quotes run across.
    pub fn section_headings(&self) -> &[PathHeading] {
        path::section_of(&self.path)
    }

    /// Whether it opens its outline group: the first passage after `prev` (the passage
    /// before it in its document, if any) under its headings.
    pub fn opens_group(&self, prev: Option<&Passage>) -> bool {
        prev.is_none_or(|q| !q.same_group(self))
    }

    /// The chapter number (1-based), if the passage stands in a chapter.
    pub fn chapter_number(&self) -> Option<u32> {
        self.chapter.as_ref().and_then(|h| label_number(&h.label))
    }
}

/// What a document says about itself besides its text, all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    /// The subtitle (`人格权编` of one book of the 民法典).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The date of this version, ISO `YYYY-MM-DD` (from the file name, else the text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The enacting or issuing authority (`全国人民代表大会常务委员会`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The kind: 法律, 行政法规, 司法解释, 部门规章, 地方性法规, 案例, 规划, 意见, 通知…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    /// The file, relative to the corpus directory (`/`-separated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A parsed document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// Short stable id (`tese2021`).
    pub id: String,
    /// The title as printed (without 《》).
    pub title: String,
    /// The outline.
    pub outline: Vec<Node>,
    /// The passages in document order.
    pub passages: Vec<Passage>,
    /// Document metadata (date, enacting body, type, source); empty for a bare plan.
    #[serde(flatten)]
    pub meta: DocMeta,
    /// The cleaned text: the raw text with page markers removed.
    #[serde(skip)]
    pub text: String,
    /// `(char offset, page)` pairs: from that offset on the text is on that page.
    #[serde(skip)]
    pub page_starts: Vec<(usize, u32)>,
}

impl Document {
    /// The chapters of the outline.
    pub fn chapters(&self) -> impl Iterator<Item = &Node> {
        self.outline.iter().filter(|n| n.kind == NodeKind::Chapter)
    }

    /// Every node of the outline, depth first.
    pub fn nodes(&self) -> Vec<&Node> {
        fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
            out.push(n);
            for c in &n.children {
                walk(c, out);
            }
        }
        let mut out = Vec::new();
        for n in &self.outline {
            walk(n, &mut out);
        }
        out
    }

    /// The page on which the character at `offset` of the cleaned text stands.
    pub fn page_at(&self, offset: usize) -> Option<u32> {
        let i = self.page_starts.partition_point(|&(o, _)| o <= offset);
        if i == 0 {
            None
        } else {
            Some(self.page_starts[i - 1].1)
        }
    }

    /// The page span of the cleaned-text range `[start, end)`.
    pub fn pages_of(&self, start: usize, end: usize) -> Option<[u32; 2]> {
        let first = self.page_at(start)?;
        let last = self.page_at(end.saturating_sub(1).max(start))?;
        Some([first, last])
    }

    /// The citation of the whole document: `《title》`.
    pub fn cited_title(&self) -> String {
        format!("《{}》", self.title)
    }
}

/// Formats a page span the way Chinese citations print it: `第7页`, `第22—23页`.
pub fn format_pages(pages: [u32; 2]) -> String {
    if pages[0] == pages[1] {
        format!("第{}页", pages[0])
    } else {
        format!("第{}—{}页", pages[0], pages[1])
    }
}

/// The number in a label such as `第十二章` or `专栏4`.
pub fn label_number(label: &str) -> Option<u32> {
    if let Some(rest) = label.strip_prefix("专栏") {
        return rest.parse().ok();
    }
    let inner = label.strip_prefix('第')?;
    let inner: String = inner
        .chars()
        .take_while(|c| !"章节条编".contains(*c))
        .collect();
    chinese_numeral(&inner)
}

/// Loads every document of a corpus directory and its subdirectories (see
/// [`load_library`]); fails only when no document at all could be read.
pub fn load_dir(dir: &Path) -> Result<Vec<Document>, CorpusError> {
    let (docs, _skipped) = load_library(dir)?;
    if docs.is_empty() {
        return Err(CorpusError::Empty(dir.to_path_buf()));
    }
    Ok(docs)
}

/// Loads one document, with its optional sidecar; the format follows the file (see
/// [`load_library`]). Its `source` is the file name.
pub fn load_file(path: &Path) -> Result<Document, CorpusError> {
    let root = path.parent().unwrap_or(Path::new(""));
    library::load_one(root, path).map_err(|reason| CorpusError::Parse {
        file: path.display().to_string(),
        message: reason,
    })
}

/// A URL-safe id from a file stem: ASCII letters, digits and `-` are kept, anything else
/// becomes `-`.
pub fn slug(stem: &str) -> String {
    let s: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "doc".to_string() } else { s }
}
