//! The web page reader: the main text of a saved government page, without the site's
//! navigation, scripts and footers, and the metadata the page gives.
//!
//! - **Encoding.** UTF-8, else the `charset` the page declares (GBK, GB2312, GB18030, Big5…).
//! - **Main text.** The element whose own `<p>` children hold the most text (links not
//!   counted) is the body; its blocks (`p`, `div`, `li`, `tr`, headings, `<br>`) are the
//!   paragraphs. `script`, `style`, `noscript`, `nav`, `header`, `footer` and forms are
//!   never text.
//! - **Metadata.** Title from `<meta name="ArticleTitle">`, else the `<h1>`, else the
//!   `<title>` before its site suffix; date from `PubDate` / `firstpublishedtime`; and from
//!   the page's info table (`文号：…`, `发布机关：…`, `成文日期：…`, as `<li>` or label/value
//!   cells) the 文号, issuer and date.

use super::{Para, Read};
use crate::corpus::iso_date_in;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::HashMap;

/// Elements that are never text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "form", "select", "button", "iframe",
    "svg", "template", "head",
];
/// Elements that break paragraphs.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "blockquote",
    "br",
    "td",
    "th",
];

/// Reads a saved web page; `Err` is the reason it is skipped.
pub(crate) fn read(bytes: &[u8]) -> Result<Read, String> {
    let text = decode(bytes);
    let doc = Html::parse_document(&text);
    let mut read = Read::default();
    metadata(&doc, &mut read);
    let body = main_element(&doc).ok_or("no main text found in the page")?;
    let mut paras = Vec::new();
    let mut cur = String::new();
    walk(body, &mut paras, &mut cur, None);
    flush(&mut paras, &mut cur, None);
    let chars: usize = paras.iter().map(|p: &Para| p.text.chars().count()).sum();
    if chars < 20 {
        return Err("no main text found in the page".into());
    }
    read.paras = paras;
    Ok(read)
}

/// The page's text: UTF-8, else its declared charset.
fn decode(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.trim_start_matches('\u{feff}').to_string();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let label = head
        .find("charset")
        .map(|i| &head[i + 7..])
        .map(|s| {
            s.trim_start_matches(['=', '"', '\'', ' '])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .unwrap_or_default();
    let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap_or(encoding_rs::GB18030);
    enc.decode(bytes).0.into_owned()
}

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Title, date, 文号 and issuer from `<meta>` tags and the info table.
fn metadata(doc: &Html, read: &mut Read) {
    let mut metas: HashMap<String, String> = HashMap::new();
    if let Some(s) = sel("meta[name][content]") {
        for m in doc.select(&s) {
            let v = m.value();
            if let (Some(n), Some(c)) = (v.attr("name"), v.attr("content")) {
                metas.insert(n.to_ascii_lowercase(), c.trim().to_string());
            }
        }
    }
    let h1 = sel("h1")
        .and_then(|s| doc.select(&s).next())
        .map(|e| squash(&e.text().collect::<String>()));
    let title_tag = sel("title")
        .and_then(|s| doc.select(&s).next())
        .map(|e| squash(&e.text().collect::<String>()))
        .map(|t| {
            t.split([' ', '_', '|', '－'])
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        });
    read.title = ["articletitle", "title", "dc.title"]
        .iter()
        .find_map(|k| metas.get(*k).filter(|v| !v.is_empty()).cloned())
        .or(h1.filter(|t| !t.is_empty()))
        .or(title_tag.filter(|t| !t.is_empty()));
    read.date = ["pubdate", "firstpublishedtime", "publishdate", "dc.date"]
        .iter()
        .find_map(|k| metas.get(*k))
        .and_then(|d| iso_prefix(d));
    // The info table: `文号：…` in one element, or a label cell and a value cell.
    let labels: [(&str, u8); 8] = [
        ("文号", 0),
        ("发文字号", 0),
        ("发布机关", 1),
        ("发文机关", 1),
        ("发文单位", 1),
        ("成文日期", 2),
        ("发布日期", 2),
        ("印发日期", 2),
    ];
    let mut found: [Option<String>; 3] = [None, None, None];
    if let Some(s) = sel("li, td, th, dt, dd, p, span, div") {
        let cells: Vec<ElementRef<'_>> = doc.select(&s).collect();
        for (i, e) in cells.iter().enumerate() {
            let t = no_space(&e.text().collect::<String>());
            if t.chars().count() > 80 {
                continue;
            }
            for (label, slot) in labels {
                let Some(rest) = t.strip_prefix(label) else {
                    continue;
                };
                let rest = rest.trim_start_matches(['：', ':']);
                let value = if rest.is_empty() {
                    cells
                        .get(i + 1)
                        .map(|n| no_space(&n.text().collect::<String>()))
                        .unwrap_or_default()
                } else {
                    rest.to_string()
                };
                if !value.is_empty() && value.chars().count() <= 40 {
                    found[slot as usize].get_or_insert(value);
                }
            }
        }
    }
    let [number, body, date] = found;
    read.doc_number = number;
    read.body = body.or_else(|| metas.get("contentsource").cloned());
    if let Some(d) = date
        .as_deref()
        .and_then(|d| iso_date_in(d).or_else(|| iso_prefix(d)))
    {
        read.date = Some(d);
    }
}

/// `2021-04-19 23:04` → `2021-04-19`.
fn iso_prefix(s: &str) -> Option<String> {
    let d: String = s.trim().chars().take(10).collect();
    let b = d.as_bytes();
    (b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && d.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()))
    .then_some(d)
}

fn skipped(e: &ElementRef<'_>) -> bool {
    SKIP.contains(&e.value().name())
}

/// The element whose `<p>` children hold the most text.
fn main_element(doc: &Html) -> Option<ElementRef<'_>> {
    let s = sel("p")?;
    let mut score = HashMap::new();
    for p in doc.select(&s) {
        if p.ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| skipped(&a))
        {
            continue;
        }
        let Some(parent) = p.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        let n = own_text_len(p);
        let slot = score.entry(parent.id()).or_insert((0usize, parent));
        slot.0 += n;
    }
    score
        .into_values()
        .max_by_key(|(n, e)| (*n, std::cmp::Reverse(e.id())))
        .filter(|(n, _)| *n > 0)
        .map(|(_, e)| e)
}

/// Characters of text in an element outside links, scripts and other non-text.
fn own_text_len(e: ElementRef<'_>) -> usize {
    let mut n = 0;
    for c in e.children() {
        match c.value() {
            Node::Text(t) => n += t.trim().chars().count(),
            Node::Element(_) => {
                if let Some(ce) = ElementRef::wrap(c)
                    && !skipped(&ce)
                    && ce.value().name() != "a"
                {
                    n += own_text_len(ce);
                }
            }
            _ => {}
        }
    }
    n
}

fn heading_of(name: &str) -> Option<u8> {
    let b = name.as_bytes();
    (b.len() == 2 && b[0] == b'h' && (b'1'..=b'6').contains(&b[1])).then(|| b[1] - b'0')
}

fn flush(out: &mut Vec<Para>, cur: &mut String, heading: Option<u8>) {
    let t = squash(cur);
    if !t.is_empty() {
        out.push(Para {
            text: t,
            pages: Vec::new(),
            heading,
        });
    }
    cur.clear();
}

/// The paragraphs of an element, in order.
fn walk(e: ElementRef<'_>, out: &mut Vec<Para>, cur: &mut String, heading: Option<u8>) {
    for c in e.children() {
        match c.value() {
            Node::Text(t) => cur.push_str(t),
            Node::Element(el) => {
                let Some(ce) = ElementRef::wrap(c) else {
                    continue;
                };
                let name = el.name();
                if SKIP.contains(&name) {
                    continue;
                }
                if BLOCKS.contains(&name) {
                    flush(out, cur, heading);
                    let h = heading_of(name).or(heading);
                    walk(ce, out, cur, h);
                    flush(out, cur, h);
                } else {
                    walk(ce, out, cur, heading);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><head><title>某市关于测试的通知 - 某市政府网</title>
<meta name="ArticleTitle" content="某市人民政府关于测试工作的通知">
<meta name="PubDate" content="2021-04-19 23:04"><script>var x = "不是正文";</script></head>
<body><ul class="nav"><li><a href="/">首页</a></li><li><a href="/a">政务公开</a></li></ul>
<ul class="info"><li><span>文　　号：</span> 某府办〔2021〕7号 </li><li><span>发布机关：</span>某市人民政府</li></ul>
<div id="content"><p>各区人民政府：</p><p>为了测试，现通知如下。</p><p>一、总体要求</p>
<p>坚持测试<br>第二行。</p><script>document.write("广告")</script></div>
<div class="footer"><p>版权所有</p></div></body></html>"#;

    #[test]
    fn main_text_and_metadata() {
        let r = read(PAGE.as_bytes()).unwrap();
        let texts: Vec<&str> = r.paras.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "各区人民政府：",
                "为了测试，现通知如下。",
                "一、总体要求",
                "坚持测试",
                "第二行。"
            ]
        );
        assert_eq!(r.title.as_deref(), Some("某市人民政府关于测试工作的通知"));
        assert_eq!(r.doc_number.as_deref(), Some("某府办〔2021〕7号"));
        assert_eq!(r.body.as_deref(), Some("某市人民政府"));
        assert_eq!(r.date.as_deref(), Some("2021-04-19"));
    }

    #[test]
    fn gbk_page() {
        let (bytes, _, _) = encoding_rs::GBK.encode(
            "<html><head><meta charset=\"gbk\"></head><body><p>这是一个用国标码保存的网页的正文，读出来应当与原文一模一样。</p></body></html>",
        );
        let r = read(&bytes).unwrap();
        assert_eq!(
            r.paras[0].text,
            "这是一个用国标码保存的网页的正文，读出来应当与原文一模一样。"
        );
    }
}
