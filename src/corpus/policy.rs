//! The parser for plain line-broken policy text (意见, 通知, 决定…):
//!
//! ```text
//! 国务院关于……的意见                      ← title: the first non-empty line
//! 国发〔2021〕3号                          ← document number, dates: metadata
//! 各省、自治区、直辖市人民政府……：
//! 一、总体要求                             ← level-1 heading
//! （一）指导思想。以习近平……               ← level-2 heading with its lead; the text is a passage
//! 1.加强……。                               ← level-3 heading when heading-shaped
//! 国务院
//! 2021年1月24日                            ← date
//! ```
//!
//! Headings follow the table of [`super::structure`]; paragraphs under them are the
//! passages. Hard-wrapped lines are rejoined. Files with articles (`第X条` starting
//! lines, as in 办法 and 规定) are read article by article, like laws.

use super::structure::{Line, article_at, heading_at, parse_lines};
use super::{CorpusError, DocMeta, Document, iso_date_in};
use regex::Regex;
use std::sync::LazyLock;

static DOC_NUMBER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号").ok());

/// Parses line-broken policy text into a [`Document`] whose id is `id`.
pub fn parse_policy(raw: &str, id: &str, mut meta: DocMeta) -> Result<Document, CorpusError> {
    let err = |message: &str| CorpusError::Parse {
        file: id.to_string(),
        message: message.to_string(),
    };
    let raw = raw.trim_start_matches('\u{feff}');
    let all: Vec<&str> = raw.lines().map(str::trim).collect();
    let first = all
        .iter()
        .position(|l| !l.is_empty())
        .ok_or_else(|| err("empty"))?;
    let mut title = all[first].to_string();
    let mut i = first + 1;
    // A title wrapped over two lines: the next line is short, not a heading, not metadata,
    // and the first does not end a sentence.
    if let Some(next) = all.get(i)
        && !next.is_empty()
        && next.chars().count() <= 20
        && heading_at(next).is_none()
        && iso_date_in(next).is_none()
        && !is_doc_number(next)
        && !next.ends_with(['：', ':', '。'])
    {
        title.push_str(next);
        i += 1;
    }
    if title.chars().count() > 80 || title.ends_with('。') {
        return Err(err("no title: the first line is a sentence"));
    }

    let mut body: Vec<Line<'_>> = Vec::new();
    for l in &all[i..] {
        let short = l.chars().count() <= 24;
        if short && (is_doc_number(l) || iso_date_in(l).is_some_and(|_| l.chars().count() <= 16)) {
            if meta.date.is_none() {
                meta.date = iso_date_in(l);
            }
            // The signature just above the date.
            if let Some(last) = body.last()
                && last.text.chars().count() <= 15
                && !last.text.chars().any(|c| "。，；：！？、".contains(c))
                && heading_at(last.text).is_none()
            {
                if meta.body.is_none() {
                    meta.body = Some(last.text.to_string());
                }
                body.pop();
            }
            continue;
        }
        body.push(Line { text: l, md: false });
    }
    if meta.body.is_none()
        && let Some((b, _)) = title.split_once("关于")
        && !b.is_empty()
        && b.chars().count() <= 30
    {
        meta.body = Some(b.to_string());
    }
    let articles = body
        .iter()
        .filter(|l| article_at(l.text).is_some())
        .take(2)
        .count()
        >= 2;
    let doc = parse_lines(id, &title, meta, &body, articles);
    if doc.passages.is_empty() {
        return Err(err("no text below the title"));
    }
    Ok(doc)
}

fn is_doc_number(l: &str) -> bool {
    DOC_NUMBER.as_ref().is_some_and(|re| re.is_match(l)) && l.chars().count() <= 24
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_opinion() {
        let raw = "国务院关于测试工作的意见\n国发〔2021〕3号\n各省人民政府：\n为了测试，现提出如下意见。\n一、总体要求\n（一）指导思想。以测试为纲，\n全面推进工作。\n（二）主要目标。到2025年，\n完成测试。\n二、重点任务\n1.加强领导。各地要加强领导。\n2.完善机制。建立机制。\n国务院\n2021年2月1日\n";
        let d = parse_policy(raw, "p", DocMeta::default()).unwrap();
        assert_eq!(d.title, "国务院关于测试工作的意见");
        assert_eq!(d.meta.date.as_deref(), Some("2021-02-01"));
        assert_eq!(d.meta.body.as_deref(), Some("国务院"));
        assert_eq!(d.outline.len(), 2);
        assert_eq!(d.outline[0].children[0].title, "指导思想");
        let p = d
            .passages
            .iter()
            .find(|p| p.text.starts_with("（一）"))
            .unwrap();
        assert_eq!(p.text, "（一）指导思想。以测试为纲，全面推进工作。");
        assert_eq!(p.id, "p-1.1.p1");
        assert_eq!(p.citation, "《国务院关于测试工作的意见》一（一）");
        assert_eq!(p.lead.as_deref(), Some("指导思想"));
        assert_eq!(d.outline[1].children[1].title, "完善机制");
    }
}
