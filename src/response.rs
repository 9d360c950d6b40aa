//! The response layer shared by the front ends: the JSON shapes and error codes that
//! `zhengce … --json`, the HTTP API and the MCP tools answer, defined once.
//!
//! - [`Failure`]: a refused or failed request, its status and stable `code`, and its
//!   body `{"error": {"code", "message"}}` ([`ErrorBody`]). [`Failure::from`] maps the
//!   library's [`Error`]; [`check_query`] makes the checks every front end makes of a
//!   query (`missing_query`, `empty_query`, `query_too_long`).
//! - [`PassageResponse`] (`show --json`, `/api/passages/{id}`), [`PassageRecord`]
//!   (`passages --json`), [`TocResponse`]
//!   (`toc --json`, `/api/toc`) and [`DocumentList`] (`toc --list --json`).
//! - [`snippet_text`]: an HTML snippet as text, its marks replaced, for a terminal or a
//!   plain-text client.

use crate::corpus::{Node, Passage, PathHeading};
use crate::index::DocInfo;
use crate::search::MAX_QUERY_CHARS;
use crate::{Engine, Error, Result};
use serde::Serialize;

/// The body of every error answer: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, for programs (`code`) and for people (`message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable machine-readable code: `missing_query`, `empty_query`, `query_too_long`,
    /// `bad_query`, `bad_parameter`, `not_found`, `method_not_allowed`, `timeout`,
    /// `body_too_large`, `internal`.
    #[cfg_attr(feature = "http", schema(example = "bad_parameter"))]
    pub code: String,
    /// What to fix, in plain words.
    #[cfg_attr(
        feature = "http",
        schema(example = "limit must be between 1 and 100, got 0")
    )]
    pub message: String,
}

/// A refused or failed request, as every front end reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    /// The HTTP status that goes with it (400, 404, 500, …).
    pub status: u16,
    /// See [`ErrorDetail::code`].
    pub code: &'static str,
    /// See [`ErrorDetail::message`]. For an internal error, the cause (a public answer
    /// may hide it).
    pub message: String,
}

impl Failure {
    /// A 400 with this code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Failure {
            status: 400,
            code,
            message: message.into(),
        }
    }

    /// A 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Failure {
            status: 404,
            code: "not_found",
            message: message.into(),
        }
    }

    /// A 500 `internal`, with its cause as the message.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        Failure {
            status: 500,
            code: "internal",
            message: cause.to_string(),
        }
    }

    /// Whether it is the system's fault rather than the request's.
    pub fn is_internal(&self) -> bool {
        self.status >= 500
    }

    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.clone(),
            },
        }
    }
}

impl From<&Error> for Failure {
    fn from(e: &Error) -> Self {
        match e {
            Error::Query(m) | Error::NoSearchableWords(m) => {
                Failure::bad_request("bad_query", m.clone())
            }
            Error::Timeout => Failure {
                status: 408,
                code: "timeout",
                message: e.to_string(),
            },
            Error::BadRequest(m) => Failure::bad_request("bad_parameter", m.clone()),
            Error::NotFound(id) => Failure::not_found(format!("no passage has the id {id:?}")),
            _ => Failure::internal(e),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::from(&e)
    }
}

/// Checks a query as every front end does: present (`missing_query`), not blank
/// (`empty_query`), at most [`MAX_QUERY_CHARS`] characters (`query_too_long`). `what`
/// names it in the messages (`the query`, `the query parameter q`).
pub fn check_query<'q>(q: Option<&'q str>, what: &str) -> Result<&'q str, Failure> {
    let q =
        q.ok_or_else(|| Failure::bad_request("missing_query", format!("{what} is required")))?;
    if q.trim().is_empty() {
        return Err(Failure::bad_request(
            "empty_query",
            format!("{what} is empty; give at least one word to search for"),
        ));
    }
    let n = q.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(Failure::bad_request(
            "query_too_long",
            format!("{what} has {n} characters; shorten it to at most {MAX_QUERY_CHARS}"),
        ));
    }
    Ok(q)
}

/// One passage with its place: the heading path and its neighbours in document order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct PassageResponse {
    /// The passage.
    #[serde(flatten)]
    pub passage: Passage,
    /// The heading path (`第二章 … › 第二节 …`).
    pub path: String,
    /// The id of the passage before it in the same document.
    pub prev: Option<String>,
    /// The id of the passage after it in the same document.
    pub next: Option<String>,
}

impl PassageResponse {
    /// The passage `id` of `engine`, with its neighbours.
    pub fn of(engine: &Engine, id: &str) -> Result<Self> {
        let p = engine.passage(id)?;
        let (prev, next) = engine.neighbours(&p)?;
        Ok(PassageResponse {
            path: p.section_path(),
            passage: p,
            prev: prev.map(|p| p.id),
            next: next.map(|p| p.id),
        })
    }
}

/// One passage as `zhengce passages --json` prints it: the passage (its headings under
/// `headings`, as in every response) and `path`, the same heading list: in this record
/// nothing else is called `path`.
#[derive(Debug, Clone, Serialize)]
pub struct PassageRecord<'a> {
    /// The passage.
    #[serde(flatten)]
    pub passage: &'a Passage,
    /// Its headings, outermost first (`{"kind", "label", "title", "number"}`).
    pub path: &'a [PathHeading],
}

impl<'a> PassageRecord<'a> {
    /// The record of `p`.
    pub fn of(p: &'a Passage) -> Self {
        PassageRecord {
            passage: p,
            path: &p.path,
        }
    }
}

/// The outlines of the documents.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct TocResponse {
    /// One entry per document.
    pub documents: Vec<TocDocument>,
}

/// One document's outline.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct TocDocument {
    /// Document id.
    pub id: String,
    /// Title as printed.
    pub title: String,
    /// The document's date (promulgation or revision), ISO, when known: tells dated
    /// versions of one law apart.
    #[cfg_attr(feature = "http", schema(example = "2023-09-01"))]
    pub date: Option<String>,
    /// The kind of document (法律, 行政法规, 地方性法规, 意见, 规划, …), as the `type`
    /// filter of `/api/search` takes it.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "http", schema(example = "法律"))]
    pub doc_type: Option<String>,
    /// Preface, chapters, sections and sidebars, with pages.
    pub outline: Vec<Node>,
}

impl TocResponse {
    /// The outlines of `docs`.
    pub fn of<'a>(docs: impl IntoIterator<Item = &'a DocInfo>) -> Self {
        TocResponse {
            documents: docs
                .into_iter()
                .map(|d| TocDocument {
                    id: d.id.clone(),
                    title: d.title.clone(),
                    date: d.meta.date.clone(),
                    doc_type: d.meta.doc_type.clone(),
                    outline: d.outline.clone(),
                })
                .collect(),
        }
    }
}

/// The documents of a library, without their outlines (`toc --list --json`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct DocumentList {
    /// One entry per document.
    pub documents: Vec<DocumentEntry>,
}

/// One document of a [`DocumentList`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct DocumentEntry {
    /// Document id.
    pub id: String,
    /// Title as printed.
    pub title: String,
    /// The kind of document (法律, 意见, 规划, …).
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    /// Its date, ISO.
    pub date: Option<String>,
    /// The enacting or issuing authority.
    pub body: Option<String>,
    /// The subtitle (one book of the 民法典).
    pub subtitle: Option<String>,
    /// The file, relative to the corpus directory.
    pub source: Option<String>,
    /// Number of passages.
    pub passages: usize,
}

impl DocumentList {
    /// The entries of `docs`.
    pub fn of<'a>(docs: impl IntoIterator<Item = &'a DocInfo>) -> Self {
        DocumentList {
            documents: docs
                .into_iter()
                .map(|d| DocumentEntry {
                    id: d.id.clone(),
                    title: d.title.clone(),
                    doc_type: d.meta.doc_type.clone(),
                    date: d.meta.date.clone(),
                    body: d.meta.body.clone(),
                    subtitle: d.meta.subtitle.clone(),
                    source: d.meta.source.clone(),
                    passages: d.passages,
                })
                .collect(),
        }
    }
}

/// Undoes [`escape_html`](crate::search::snippet::escape_html).
pub fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// An HTML snippet as text: `<mark>` and `</mark>` replaced by `on` and `off`, the rest
/// unescaped.
pub fn snippet_text(html: &str, on: &str, off: &str) -> String {
    unescape_html(&html.replace("<mark>", on).replace("</mark>", off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_as_text() {
        assert_eq!(
            snippet_text("a<mark>以工代赈</mark>&lt;b&gt;&amp;", "[", "]"),
            "a[以工代赈]<b>&"
        );
        assert_eq!(unescape_html("&amp;lt;"), "&lt;");
    }

    #[test]
    fn query_checks_and_codes() {
        let code = |q: Option<&str>| check_query(q, "the query").err().map(|f| f.code);
        assert_eq!(code(None), Some("missing_query"));
        assert_eq!(code(Some("  ")), Some("empty_query"));
        assert_eq!(
            code(Some(&"字".repeat(MAX_QUERY_CHARS + 1))),
            Some("query_too_long")
        );
        assert_eq!(code(Some("以工代赈")), None);
        let f = Failure::from(Error::BadRequest("limit".into()));
        assert_eq!((f.status, f.code), (400, "bad_parameter"));
        assert_eq!(Failure::from(Error::NotFound("x".into())).status, 404);
        let body = serde_json::to_value(f.body()).unwrap_or_default();
        assert_eq!(body["error"]["code"], "bad_parameter");
    }
}
