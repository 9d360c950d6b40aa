//! The reader view, `/d/{id}`: a whole document rendered on the server, with its outline,
//! every heading and passage anchored by its stable id, printed pages in the margin,
//! a copy-with-citation button per passage, links to the other dated versions of the
//! same law, and, when the page is opened from a search (`?q=`), the query's words marked
//! in the passages that match and a bar to step from one of them to the next.

use super::{escape, not_found_page, url_segment};
use crate::corpus::{Node, NodeKind, Passage, PassageKind, PathHeading};
use crate::index::DocInfo;
use crate::search::snippet::mark_html;
use crate::{Engine, SearchRequest};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use std::fmt::Write;

/// Passages whose matches are marked when the view is opened with `?q=`, at most.
pub const MARKED_PASSAGES: usize = 100;

/// Answers `/d/{id}`: the document with this id, or the document of the passage with
/// this id (that passage is then the one scrolled to), or a 404 page.
pub fn document_page(engine: &Engine, id: &str, q: Option<&str>) -> Response {
    let docs = engine.documents();
    let (doc, target) = match docs.iter().find(|d| d.id == id) {
        Some(d) => (d, None),
        None => match engine.passage(id) {
            Ok(p) => match docs.iter().find(|d| d.id == p.doc) {
                Some(d) => (d, Some(p.id)),
                None => return not_found_page(id, "文件"),
            },
            Err(crate::Error::NotFound(_)) => return not_found_page(id, "文件"),
            Err(e) => return super::super::ApiError::from(e).into_response(),
        },
    };
    match render(engine, &docs, doc, target.as_deref(), q) {
        Ok(html) => Html(html).into_response(),
        Err(e) => super::super::ApiError::from(e).into_response(),
    }
}

/// The highlights of the passages of `doc` that match `q` (the best
/// [`MARKED_PASSAGES`]), by passage id. A query the engine refuses marks nothing.
fn marks(engine: &Engine, doc: &str, q: &str) -> HashMap<String, Vec<[usize; 2]>> {
    let mut req = SearchRequest::new(q);
    req.limit = MARKED_PASSAGES;
    req.doc = Some(doc.to_string());
    match engine.search(&req) {
        Ok(res) if !res.partial => res
            .hits
            .into_iter()
            .filter(|h| !h.highlights.is_empty())
            .map(|h| (h.passage.id, h.highlights))
            .collect(),
        Ok(_) => HashMap::new(),
        Err(e) => {
            tracing::debug!(error = %e, "reader view: query not marked");
            HashMap::new()
        }
    }
}

/// The outline's node ids by heading path (`label title` of each level, joined by
/// `\u{1f}`), so that a passage's headings find their anchors.
fn node_ids(outline: &[Node]) -> HashMap<String, String> {
    fn walk(nodes: &[Node], prefix: &str, out: &mut HashMap<String, String>) {
        for n in nodes {
            let key = if prefix.is_empty() {
                heading_key(&n.label, &n.title)
            } else {
                format!("{prefix}\u{1f}{}", heading_key(&n.label, &n.title))
            };
            out.entry(key.clone()).or_insert_with(|| n.id.clone());
            walk(&n.children, &key, out);
        }
    }
    let mut out = HashMap::new();
    walk(outline, "", &mut out);
    out
}

fn heading_key(label: &str, title: &str) -> String {
    format!("{} {}", label.trim(), title.trim())
        .trim()
        .to_string()
}

/// The headings a passage stands under, outermost first (its path without the article),
/// with their depth class (the legacy field each fills: `part`, `chapter`, `section`,
/// `sidebar`, `item`). A preface has none.
fn headings_of(p: &Passage) -> Vec<(&'static str, &PathHeading)> {
    p.group()
        .iter()
        .filter_map(|h| h.kind.row().slot.field().map(|k| (k, h)))
        .collect()
}

/// The other dated versions of `doc` (same title and subtitle), newest first.
fn versions<'a>(docs: &'a [DocInfo], doc: &DocInfo) -> Vec<&'a DocInfo> {
    let key = doc.version_key();
    let mut v: Vec<&DocInfo> = docs.iter().filter(|d| d.version_key() == key).collect();
    v.sort_by(|a, b| b.meta.date.cmp(&a.meta.date));
    if v.len() < 2 { Vec::new() } else { v }
}

fn render(
    engine: &Engine,
    docs: &[DocInfo],
    doc: &DocInfo,
    target: Option<&str>,
    q: Option<&str>,
) -> crate::Result<String> {
    let passages = engine.passages_of(&doc.id)?;
    let q = q.map(str::trim).filter(|q| !q.is_empty());
    let marked = match q {
        Some(q) => marks(engine, &doc.id, q),
        None => HashMap::new(),
    };
    let mut h =
        String::with_capacity(passages.iter().map(|p| p.text.len() * 2).sum::<usize>() + 16 * 1024);
    head(&mut h, doc, q, target);
    h.push_str("<div class=\"reader\">\n");
    outline(&mut h, doc);
    let paged = passages.iter().any(|p| p.pages.is_some());
    let _ = writeln!(
        h,
        "<main class=\"doc{}\" id=\"main\">",
        if paged { " paged" } else { "" }
    );
    doc_header(&mut h, docs, doc);
    body(&mut h, doc, &passages, &marked, target);
    stepbar(&mut h, doc, q, marked.len());
    h.push_str("</main>\n</div>\n<script src=\"/static/app.js\"></script>\n</body></html>\n");
    Ok(h)
}

/// The bar at the foot of the view (it stays at the bottom of the window): with a
/// search, the count of marked passages and buttons to the previous and next of them;
/// without, buttons to the previous and next heading.
fn stepbar(h: &mut String, doc: &DocInfo, q: Option<&str>, marked: usize) {
    match q {
        Some(q) => {
            let _ = writeln!(
                h,
                "<div class=\"hitbar\" role=\"navigation\" aria-label=\"匹配段落\" data-step=\".passage.hit\">\
                 <span class=\"count\">“{q}” 在本文件中 {marked} 段{more}</span>\
                 <button type=\"button\" class=\"hit-prev\" aria-keyshortcuts=\"p\">↑ 上一处</button>\
                 <button type=\"button\" class=\"hit-next\" aria-keyshortcuts=\"n\">↓ 下一处</button>\
                 <a class=\"clear\" href=\"/d/{id}\">取消标记</a></div>",
                q = escape(q),
                more = if marked == MARKED_PASSAGES {
                    "（只标记最相关的段落）"
                } else {
                    ""
                },
                id = escape(&url_segment(&doc.id)),
            );
        }
        None if !doc.outline.is_empty() => {
            h.push_str(
                "<div class=\"hitbar\" role=\"navigation\" aria-label=\"章节\" data-step=\".doc .h\">\
                 <span class=\"count\">按章节浏览</span>\
                 <button type=\"button\" class=\"hit-prev\" aria-keyshortcuts=\"p\">↑ 上一节</button>\
                 <button type=\"button\" class=\"hit-next\" aria-keyshortcuts=\"n\">↓ 下一节</button></div>\n",
            );
        }
        None => {}
    }
}

fn head(h: &mut String, doc: &DocInfo, q: Option<&str>, target: Option<&str>) {
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · 政策检索</title><link rel=\"stylesheet\" href=\"/static/app.css\">\
         </head>\n<body data-page=\"doc\" data-doc=\"{id}\"{target}>\n\
         <a class=\"skip\" href=\"#main\">跳到正文</a>\n\
         <header class=\"top\"><h1><a href=\"/\">政策检索</a></h1>\
         <form class=\"doc-search\" role=\"search\" action=\"/\" method=\"get\">\
         <input type=\"hidden\" name=\"doc\" value=\"{id}\">\
         <label class=\"sr\" for=\"q\">在本文件中搜索</label>\
         <input id=\"q\" name=\"q\" type=\"search\" maxlength=\"500\" autocomplete=\"off\" \
         placeholder=\"在本文件中搜索\" value=\"{q}\"><button type=\"submit\">搜索</button></form>\
         </header>\n",
        title = escape(&doc.title),
        id = escape(&doc.id),
        q = escape(q.unwrap_or("")),
        target = match target {
            Some(t) => format!(" data-target=\"{}\"", escape(t)),
            None => String::new(),
        },
    );
}

fn outline(h: &mut String, doc: &DocInfo) {
    fn nodes(h: &mut String, ns: &[Node]) {
        h.push_str("<ul>");
        for n in ns {
            let _ = write!(
                h,
                "<li class=\"node {kind}\"><a href=\"#{id}\">{label}</a>",
                kind = kind_class(n.kind),
                id = escape(&n.id),
                label = escape(&heading_key(&n.label, &n.title)),
            );
            if let Some([a, b]) = n.pages {
                let pg = if a == b {
                    a.to_string()
                } else {
                    format!("{a}–{b}")
                };
                let _ = write!(h, " <span class=\"pages\">{pg}</span>");
            }
            if !n.children.is_empty() {
                nodes(h, &n.children);
            }
            h.push_str("</li>");
        }
        h.push_str("</ul>");
    }
    h.push_str("<aside class=\"toc-side\">");
    if doc.outline.is_empty() {
        h.push_str("</aside>\n");
        return;
    }
    h.push_str(
        "<details class=\"doc-outline\" open><summary>目录</summary>\
         <nav class=\"outline\" aria-label=\"目录\">",
    );
    nodes(h, &doc.outline);
    h.push_str("</nav></details></aside>\n");
}

fn kind_class(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Preface => "preface",
        NodeKind::Chapter => "chapter",
        NodeKind::Section => "section",
        NodeKind::Sidebar => "sidebar",
        NodeKind::Part => "part",
        NodeKind::Heading => "heading",
    }
}

fn doc_header(h: &mut String, docs: &[DocInfo], doc: &DocInfo) {
    let m = &doc.meta;
    h.push_str("<header class=\"doc-head\">");
    let _ = write!(h, "<h2 class=\"doc-h\">{}</h2>", escape(&doc.title));
    if let Some(s) = &m.subtitle {
        let _ = write!(h, "<p class=\"subtitle\">{}</p>", escape(s));
    }
    h.push_str("<p class=\"doc-meta\">");
    for (cls, v) in [("type", &m.doc_type), ("date", &m.date), ("body", &m.body)] {
        if let Some(v) = v {
            let _ = write!(h, "<span class=\"{cls}\">{}</span>", escape(v));
        }
    }
    let _ = write!(h, "<span class=\"n\">{} 段</span></p>", doc.passages);
    let vs = versions(docs, doc);
    if !vs.is_empty() {
        h.push_str("<nav class=\"versions\" aria-label=\"其他版本\">版本：");
        for v in vs {
            let date = v.meta.date.as_deref().unwrap_or("未注明日期");
            if v.id == doc.id {
                let _ = write!(
                    h,
                    "<span class=\"version\" aria-current=\"page\">{}（本版）</span>",
                    escape(date)
                );
            } else {
                let _ = write!(
                    h,
                    "<a class=\"version\" href=\"/d/{href}\" data-doc=\"{id}\">{date}</a>",
                    href = escape(&url_segment(&v.id)),
                    id = escape(&v.id),
                    date = escape(date),
                );
            }
        }
        h.push_str("</nav>");
    }
    h.push_str("</header>\n");
}

fn body(
    h: &mut String,
    doc: &DocInfo,
    passages: &[Passage],
    marked: &HashMap<String, Vec<[usize; 2]>>,
    target: Option<&str>,
) {
    let ids = node_ids(&doc.outline);
    let preface_id = doc
        .outline
        .iter()
        .find(|n| n.kind == NodeKind::Preface)
        .map(|n| n.id.clone());
    let mut open: Vec<String> = Vec::new();
    let mut in_preface = false;
    let mut last_page: Option<u32> = None;
    for p in passages {
        if p.kind == PassageKind::Preface && !in_preface {
            in_preface = true;
            let id = preface_id.as_deref().map(escape);
            heading(h, "preface", id.as_deref(), "前言");
        }
        let hs = headings_of(p);
        let keys: Vec<String> = hs
            .iter()
            .map(|(_, x)| heading_key(&x.label, &x.title))
            .collect();
        let same = open.iter().zip(&keys).take_while(|(a, b)| a == b).count();
        for (i, (kind, x)) in hs.iter().enumerate().skip(same) {
            let path = keys[..=i].join("\u{1f}");
            let id = ids.get(&path).map(|s| escape(s));
            heading(h, kind, id.as_deref(), &heading_key(&x.label, &x.title));
        }
        open = keys;
        passage(
            h,
            p,
            marked.get(&p.id),
            target == Some(p.id.as_str()),
            &mut last_page,
        );
    }
}

fn heading(h: &mut String, kind: &str, id: Option<&str>, text: &str) {
    let tag = match kind {
        "part" | "preface" => "h3",
        "chapter" => "h3",
        "section" => "h4",
        _ => "h5",
    };
    let id = id.map(|i| format!(" id=\"{i}\"")).unwrap_or_default();
    let _ = writeln!(h, "<{tag} class=\"h {kind}\"{id}>{}</{tag}>", escape(text));
}

fn passage(
    h: &mut String,
    p: &Passage,
    marks: Option<&Vec<[usize; 2]>>,
    current: bool,
    last_page: &mut Option<u32>,
) {
    let mut cls = String::from("passage");
    if marks.is_some() {
        cls.push_str(" hit");
    }
    if current {
        cls.push_str(" current");
    }
    let _ = write!(
        h,
        "<article id=\"{id}\" class=\"{cls}\" data-citation=\"{cite}\">",
        id = escape(&p.id),
        cite = escape(&p.citation),
    );
    if let Some([first, last]) = p.pages
        && *last_page != Some(last)
    {
        let label = if *last_page == Some(first) || first == last {
            format!("第{last}页")
        } else {
            format!("第{first}–{last}页")
        };
        let _ = write!(
            h,
            "<span class=\"pg\" aria-label=\"{label}\">{label}</span>"
        );
        *last_page = Some(last);
    }
    let text = text_html(p, marks.map(|m| m.as_slice()));
    let _ = writeln!(
        h,
        "<p class=\"text\">{text}</p><p class=\"tools\"><a class=\"anchor\" href=\"#{id}\" \
         aria-label=\"本段链接\">¶ {cite}</a> <button type=\"button\" class=\"copy\">复制引用</button></p>\
         </article>",
        id = escape(&p.id),
        cite = escape(&p.citation),
    );
}

/// The passage text as HTML: escaped, the article label (`第六条`) in bold, the marks.
/// The label is the passage's `article` field (derived from its path): it is also what a
/// passage given as JSON without `headings` carries.
fn text_html(p: &Passage, marks: Option<&[[usize; 2]]>) -> String {
    let label = p
        .article
        .as_deref()
        .filter(|a| !a.is_empty() && p.text.starts_with(a));
    let Some(label) = label else {
        return match marks {
            Some(m) => mark_html(&p.text, m),
            None => escape(&p.text),
        };
    };
    let skip = label.chars().count();
    let rest = &p.text[label.len()..];
    let body = match marks {
        Some(m) => {
            let shifted: Vec<[usize; 2]> = m
                .iter()
                .filter(|r| r[1] > skip)
                .map(|r| [r[0].max(skip) - skip, r[1] - skip])
                .collect();
            mark_html(rest, &shifted)
        }
        None => escape(rest),
    };
    format!("<strong class=\"art\">{}</strong>{body}", escape(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, label: &str, title: &str, children: Vec<Node>) -> Node {
        Node {
            id: id.into(),
            kind: NodeKind::Chapter,
            label: label.into(),
            title: title.into(),
            pages: None,
            children,
            start: 0,
            end: 0,
        }
    }

    #[test]
    fn headings_find_their_outline_nodes_by_path() {
        let outline = vec![
            node(
                "d-1",
                "第一章",
                "总则",
                vec![node("d-1.1", "第一节", "一般规定", vec![])],
            ),
            node(
                "d-2",
                "第二章",
                "分则",
                vec![node("d-2.1", "第一节", "一般规定", vec![])],
            ),
        ];
        let ids = node_ids(&outline);
        assert_eq!(ids["第一章 总则"], "d-1");
        // The same section title under two chapters: each finds its own node.
        assert_eq!(ids["第一章 总则\u{1f}第一节 一般规定"], "d-1.1");
        assert_eq!(ids["第二章 分则\u{1f}第一节 一般规定"], "d-2.1");
    }

    #[test]
    fn article_labels_are_bold_and_marks_stay_in_place() {
        // From JSON, so that fields added to passages later take their defaults.
        let p: Passage = serde_json::from_value(serde_json::json!({
            "id": "d-a6", "doc": "d", "kind": "article", "chapter": null, "section": null,
            "sidebar": null, "pages": null, "lead": null, "text": "第六条 国家<b>管辖</b>。",
            "citation": "《法》第六条", "start": 0, "end": 0, "seq": 0, "article": "第六条"
        }))
        .expect("a passage");
        // 管辖 at characters 9..11 of the text.
        let html = text_html(&p, Some(&[[9, 11]]));
        assert_eq!(
            html,
            "<strong class=\"art\">第六条</strong> 国家&lt;b&gt;<mark>管辖</mark>&lt;/b&gt;。"
        );
        assert_eq!(
            text_html(&p, None),
            "<strong class=\"art\">第六条</strong> 国家&lt;b&gt;管辖&lt;/b&gt;。"
        );
    }
}
