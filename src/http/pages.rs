//! Server-rendered HTML: the passage page, the reader view ([`reader`]), the list of
//! documents the search page's picker filters, and the embedded search page and its
//! assets.
//!
//! Every corpus string is escaped with [`escape`]; snippets come escaped from the engine.

pub mod reader;

use crate::Engine;
use crate::corpus::Passage;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use utoipa::{IntoParams, ToSchema};

/// The search page.
pub const INDEX_HTML: &str = include_str!("../../static/index.html");
/// The pages' script.
pub const APP_JS: &str = include_str!("../../static/app.js");
/// The pages' style sheet.
pub const APP_CSS: &str = include_str!("../../static/app.css");

/// Passages of the section shown on each side of the passage, at most.
const CONTEXT: usize = 12;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    crate::search::snippet::escape_html(s)
}

/// The first `n` characters of `s`, with `…` when cut.
fn preview(s: &str, n: usize) -> String {
    let mut it = s.chars();
    let head: String = it.by_ref().take(n).collect();
    if it.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Answers `/p/{id}`: the page of a passage, a redirect for an outline node, or a 404 page.
pub fn passage_page(engine: &Engine, id: &str) -> Response {
    match engine.passage(id) {
        Ok(p) => match render(engine, &p) {
            Ok(html) => Html(html).into_response(),
            Err(e) => super::ApiError::from(e).into_response(),
        },
        Err(crate::Error::NotFound(_)) => match first_passage_of_node(engine, id) {
            Some(pid) => Redirect::to(&format!("/p/{}", url_segment(&pid))).into_response(),
            None => not_found_page(id, "段落"),
        },
        Err(e) => super::ApiError::from(e).into_response(),
    }
}

/// Percent-encodes what is not safe in a path segment.
pub(crate) fn url_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The first passage under an outline node (`doc-preface`, `doc-2`, `doc-2.1`, `doc-s4`).
fn first_passage_of_node(engine: &Engine, node: &str) -> Option<String> {
    let docs = engine.documents();
    let (doc, rest) = node.rsplit_once('-')?;
    if !docs.iter().any(|d| d.id == doc) {
        return None;
    }
    let candidates: Vec<String> = if rest == "preface" {
        vec![format!("{doc}-0.0.1")]
    } else if rest.starts_with('s') || rest.contains('.') {
        // A sidebar (`s4`) or a section (`2.1`).
        vec![format!("{node}.1")]
    } else {
        vec![format!("{node}.0.1"), format!("{node}.1.1")]
    };
    candidates.into_iter().find(|c| engine.passage(c).is_ok())
}

/// A 404 page: no `what` (段落, 文件) has this id.
fn not_found_page(id: &str, what: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>未找到 · 政策检索</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\
         <body><header class=\"top\"><h1><a href=\"/\">政策检索</a></h1></header>\
         <main class=\"page\"><p>没有编号为 <code>{}</code> 的{what}。<a href=\"/\">返回搜索</a></p></main>\
         </body></html>",
        escape(id)
    );
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Whether `a` and `b` stand in one section (or sidebar) of one document; the items of a
/// policy text's section are one place.
fn same_place(a: &Passage, b: &Passage) -> bool {
    a.doc == b.doc && a.section_headings() == b.section_headings()
}

/// The passages around `p` in its section (same chapter, section and sidebar), in order,
/// at most [`CONTEXT`] on each side; and how many were left out before and after.
fn section_of(engine: &Engine, p: &Passage) -> crate::Result<(Vec<Passage>, usize, usize)> {
    let docs = engine.documents();
    let mut base = 0u64;
    for d in docs.iter() {
        if d.id == p.doc {
            break;
        }
        base += d.passages as u64;
    }
    let at = base + p.seq as u64;
    let first = base;
    let mut before = Vec::new();
    let mut cut_before = 0;
    let mut g = at;
    while g > first {
        g -= 1;
        match engine.passage_at(g)? {
            Some(x) if same_place(&x, p) => {
                if before.len() == CONTEXT {
                    cut_before += 1;
                } else {
                    before.push(x);
                }
            }
            _ => break,
        }
    }
    before.reverse();
    let mut after = Vec::new();
    let mut cut_after = 0;
    let mut g = at + 1;
    while let Some(x) = engine.passage_at(g)? {
        if !same_place(&x, p) {
            break;
        }
        if after.len() == CONTEXT {
            cut_after += 1;
        } else {
            after.push(x);
        }
        g += 1;
    }
    let mut all = before;
    all.push(p.clone());
    all.extend(after);
    Ok((all, cut_before, cut_after))
}

fn render(engine: &Engine, p: &Passage) -> crate::Result<String> {
    let (prev, next) = engine.neighbours(p)?;
    let (section, from, left_after) = section_of(engine, p)?;
    let title = engine
        .documents()
        .iter()
        .find(|d| d.id == p.doc)
        .map(|d| d.title.clone())
        .unwrap_or_default();
    let path = p.section_path();
    let mut h = String::with_capacity(8 * 1024);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{cite} · 政策检索</title><link rel=\"stylesheet\" href=\"/static/app.css\">\
         </head>\n<body data-page=\"passage\">\n<header class=\"top\"><h1><a href=\"/\">政策检索</a></h1>\
         <a class=\"back\" href=\"/\">← 返回搜索</a></header>\n<main class=\"page\">\
         <p class=\"doc-title\"><a href=\"/d/{doc}#{id}\">《{title}》全文</a></p>\n\
         <nav class=\"crumbs\" aria-label=\"位置\">{path}</nav>\n",
        cite = escape(&p.citation),
        title = escape(&title),
        path = escape(&path),
        doc = escape(&url_segment(&p.doc)),
        id = escape(&p.id),
    );
    if from > 0 {
        let _ = writeln!(h, "<p class=\"more\">（本节前文 {from} 段略）</p>");
    }
    h.push_str("<section class=\"context\">\n");
    for x in &section {
        let current = x.id == p.id;
        let _ = write!(
            h,
            "<article id=\"{id}\" class=\"passage{cls}\"{aria}><p class=\"text\">{text}</p>",
            id = escape(&x.id),
            cls = if current { " current" } else { "" },
            aria = if current {
                " aria-current=\"true\""
            } else {
                ""
            },
            text = escape(&x.text),
        );
        if current {
            let _ = write!(
                h,
                "<p class=\"cite\"><span class=\"citation\">{cite}</span> \
                 <button type=\"button\" class=\"copy\" data-text=\"{text}\" data-citation=\"{cite}\">复制引用</button></p>",
                cite = escape(&x.citation),
                text = escape(&x.text),
            );
        } else {
            let _ = write!(
                h,
                "<p class=\"cite\"><a href=\"/p/{href}\">{cite}</a></p>",
                href = escape(&url_segment(&x.id)),
                cite = escape(&x.citation),
            );
        }
        h.push_str("</article>\n");
    }
    h.push_str("</section>\n");
    if left_after > 0 {
        let _ = writeln!(h, "<p class=\"more\">（本节后文 {left_after} 段略）</p>");
    }
    h.push_str("<nav class=\"prevnext\" aria-label=\"相邻段落\">");
    for (n, rel, label) in [(&prev, "prev", "← 上一段"), (&next, "next", "下一段 →")] {
        if let Some(n) = n {
            let _ = write!(
                h,
                "<a rel=\"{rel}\" href=\"/p/{href}\"><span class=\"dir\">{label}</span>\
                 <span class=\"where\">{path}</span><span class=\"peek\">{peek}</span></a>",
                href = escape(&url_segment(&n.id)),
                path = escape(&n.section_path()),
                peek = escape(&preview(&n.text, 40)),
            );
        }
    }
    h.push_str("</nav>\n</main>\n<script src=\"/static/app.js\"></script>\n</body></html>\n");
    Ok(h)
}

/// The parameters of `/d/{id}`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReaderParams {
    /// A search whose words are marked in the passages of the document that match it.
    pub q: Option<String>,
}

/// The reader view: a whole document with its outline, every heading and passage
/// anchored by its id (`/d/{doc}#{passage}`), printed pages in the margin, copy with
/// citation, links to the other dated versions; `?q=` marks the query's words. A passage
/// id shows its document, scrolled to that passage.
#[utoipa::path(
    get,
    path = "/d/{id}",
    tag = "pages",
    params(
        ("id" = String, Path, description = "Document id (tese2021), or a passage id (tese2021-2.2.1) to show its document at that passage"),
        ReaderParams
    ),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 404, description = "No document or passage has this id", body = String, content_type = "text/html")
    )
)]
pub async fn document(
    State(st): State<super::AppState>,
    id: Result<Path<String>, PathRejection>,
    super::ApiQuery(params): super::ApiQuery<ReaderParams>,
) -> Response {
    let id = match super::path_id(id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let q = params
        .q
        .filter(|q| q.chars().count() <= crate::search::MAX_QUERY_CHARS);
    let engine = st.engine().clone();
    match tokio::task::spawn_blocking(move || reader::document_page(&engine, &id, q.as_deref()))
        .await
    {
        Ok(r) => r,
        Err(e) => super::ApiError::internal(&e).into_response(),
    }
}

/// The documents of the library, without their outlines (`/api/toc` has those).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocsResponse {
    /// One entry per document, in index order.
    pub documents: Vec<DocEntry>,
}

/// A document as the search page's picker lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocEntry {
    /// Document id: the `doc` filter of `/api/search`, and `/d/{id}`.
    pub id: String,
    /// Title as printed.
    pub title: String,
    /// Subtitle (one book of the 民法典), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Date of this version, ISO, when known.
    pub date: Option<String>,
    /// The kind of document (法律, 行政法规, 地方性法规, 规划, …).
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    /// Number of passages.
    pub passages: usize,
}

/// Every document's id, title, date, type and size: what the search page needs to
/// suggest documents by title words and show each hit's date and type.
#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "api",
    responses(
        (status = 200, description = "The documents", body = DocsResponse),
        (status = 405, description = "A method other than GET or HEAD", body = super::ErrorBody)
    )
)]
pub async fn docs(State(st): State<super::AppState>) -> Json<DocsResponse> {
    let docs = st.engine().documents();
    Json(DocsResponse {
        documents: docs
            .iter()
            .map(|d| DocEntry {
                id: d.id.clone(),
                title: d.title.clone(),
                subtitle: d.meta.subtitle.clone(),
                date: d.meta.date.clone(),
                doc_type: d.meta.doc_type.clone(),
                passages: d.passages,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_html_cares_about() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn previews_cut_by_characters() {
        assert_eq!(preview("以工代赈", 2), "以工…");
        assert_eq!(preview("以工", 2), "以工");
    }

    #[test]
    fn url_segments_are_encoded() {
        assert_eq!(url_segment("tese2021-2.2.1"), "tese2021-2.2.1");
        assert_eq!(url_segment("a/b c"), "a%2Fb%20c");
    }
}
