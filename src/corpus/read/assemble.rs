//! From read paragraphs to a [`Document`]: title, 题注, 文号 and 目录 off the top, then the
//! text formats' structure parsers, then the pages mapped back.
//!
//! - **Title.** The reader's (`<meta>`), else the first paragraph when it is title-shaped
//!   (short, no sentence punctuation, not a heading; a second such line is joined when the
//!   title is broken in two), else the file name without numbering and date
//!   (`28_…`, `_20241108`).
//! - **题注.** A bracketed paragraph under the title with a date
//!   (`（2024年11月8日第十四届全国人民代表大会常务委员会第十二次会议通过）`): the date of the
//!   last event is the version's date (unless the file name gives one), the body of the
//!   first event is the enacting body.
//! - **文号.** A short paragraph `穗府办规〔2021〕7号` near the top (or the page's info
//!   table) is the document number, printed after the title in citations:
//!   `《…的通知》（穗府办规〔2021〕7号）一（一）`.
//! - **目录.** From the paragraph `目录` to the second appearance of its first entry (the
//!   body's first heading) is dropped.
//! - **Structure.** Two or more paragraphs opening with `第X条`: a law, read by
//!   [`parse_law`] (编/章/节/条); otherwise policy text, read by [`parse_policy`]
//!   (一、/（一）/1.).
//! - **Pages.** Each paragraph is found again in the parsed text, so every character keeps
//!   its physical page: the document's `page_starts`, each passage's and heading's
//!   `pages`, and for non-article passages the page in the citation, as for the plan.

use super::{Para, Read};
use crate::corpus::structure::{article_at, heading_at};
use crate::corpus::{
    CorpusError, DocMeta, Document, Node, format_pages, iso_date_in, parse_law, parse_policy,
    tidy_body,
};
use regex::Regex;
use std::sync::LazyLock;

static DOC_NUMBER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}A-Za-z]{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\s*\d{1,5}\s*号$")
        .ok()
});
static ALL_DATES: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日").ok());
static LEADING_NUMBER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\d{1,4}[_\-.、\s]+").ok());
static TRAILING_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:[_\-\s]\d{8}|[(（]\d{4}-\d{2}-\d{2}[)）]|[_\-\s][^_]*\d+号)$").ok()
});

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A document's title from its file stem: `28_某某通知_穗府办规2021-7号` → `某某通知`,
/// `中华人民共和国能源法_20241108` → `中华人民共和国能源法`.
pub(crate) fn title_from_file_name(stem: &str) -> String {
    let mut s = stem.trim().to_string();
    if let Some(re) = LEADING_NUMBER.as_ref() {
        s = re.replace(&s, "").into_owned();
    }
    if let Some(re) = TRAILING_DATE.as_ref() {
        let t = re.replace(&s, "").into_owned();
        if !t.trim().is_empty() {
            s = t;
        }
    }
    s.trim().to_string()
}

/// Whether a paragraph could be (a line of) a title.
fn title_shaped(t: &str) -> bool {
    let n = t.chars().count();
    (2..=60).contains(&n)
        && !t.chars().any(|c| "。，；：:！？".contains(c))
        && heading_at(t).is_none()
        && article_at(t).is_none()
        && !t.starts_with(['（', '('])
        && !is_doc_number(t)
        && iso_date_in(t).is_none()
}

fn is_doc_number(t: &str) -> bool {
    let t = no_space(t);
    t.chars().count() <= 30 && DOC_NUMBER.as_ref().is_some_and(|re| re.is_match(&t))
}

/// Whether a paragraph is a 题注: bracketed, with a date.
fn is_note(t: &str) -> bool {
    t.starts_with(['（', '(']) && t.ends_with(['）', ')']) && iso_date_in(t).is_some()
}

/// Takes the title off the top of `paras`.
fn take_title(paras: &mut Vec<Para>, given: Option<String>, stem: &str) -> String {
    if let Some(t) = given.filter(|t| !t.trim().is_empty()) {
        let key = no_space(&t);
        // The title printed again at the top (possibly over two paragraphs).
        let mut acc = String::new();
        let mut k = 0;
        while k < paras.len().min(4) {
            acc.push_str(&no_space(&paras[k].text));
            if !key.starts_with(&acc) {
                break;
            }
            k += 1;
            if acc == key {
                paras.drain(..k);
                break;
            }
        }
        return t.trim().to_string();
    }
    let Some(first) = paras.first().map(|p| p.text.trim().to_string()) else {
        return title_from_file_name(stem);
    };
    if !title_shaped(&first) {
        return title_from_file_name(stem);
    }
    let mut title = no_space(&first);
    let mut used = 1;
    if let Some(second) = paras.get(1).map(|p| p.text.trim())
        && title_shaped(second)
    {
        let kinds = [
            "通知", "意见", "办法", "规定", "决定", "法", "条例", "规划", "方案", "报告", "纲要",
            "细则", "规则", "批复", "公告", "通告",
        ];
        let complete = kinds.iter().any(|k| title.ends_with(k));
        let continues = title.ends_with(['的', '于']) || title.ends_with("印发");
        if continues || (!complete && kinds.iter().any(|k| second.ends_with(k))) {
            title.push_str(&no_space(second));
            used = 2;
        }
    }
    paras.drain(..used);
    title
}

/// Takes the 题注 and the 文号 off the top into `meta`.
fn take_header(paras: &mut Vec<Para>, meta: &mut DocMeta) {
    let mut i = 0;
    while i < paras.len().min(6) {
        let t = paras[i].text.trim().to_string();
        if is_note(&t) {
            let inner = t
                .trim_start_matches(['（', '('])
                .trim_end_matches(['）', ')']);
            if meta.date.is_none()
                && let Some(last) = ALL_DATES.as_ref().and_then(|re| re.find_iter(inner).last())
            {
                meta.date = iso_date_in(last.as_str());
            }
            if meta.body.is_none()
                && let Some(m) = ALL_DATES.as_ref().and_then(|re| re.find(inner))
            {
                meta.body = tidy_body(inner[m.end()..].trim());
            }
            paras.remove(i);
            continue;
        }
        if is_doc_number(&t) {
            meta.doc_number.get_or_insert_with(|| no_space(&t));
            paras.remove(i);
            continue;
        }
        i += 1;
    }
}

/// A 目录 entry or heading, for comparing: no spaces, no dot leaders or page number.
fn entry_key(t: &str) -> String {
    no_space(t)
        .trim_end_matches(|c: char| c.is_ascii_digit() || ".．…·-—－ ".contains(c))
        .to_string()
}

/// Drops a 目录 from the paragraphs.
fn drop_contents(paras: &mut Vec<Para>) {
    let Some(i) = paras
        .iter()
        .take(12)
        .position(|p| no_space(&p.text) == "目录")
    else {
        return;
    };
    let Some(first) = paras.get(i + 1).map(|p| entry_key(&p.text)) else {
        return;
    };
    let end = paras
        .iter()
        .enumerate()
        .skip(i + 2)
        .find(|(_, p)| entry_key(&p.text) == first)
        .map(|(j, _)| j)
        .or_else(|| {
            // No heading repeats the first entry: the 目录 runs to the first article or
            // the first paragraph that is not a short heading-shaped line.
            paras
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, p)| {
                    article_at(&p.text).is_some()
                        || p.text.chars().count() > 40
                        || p.text.contains('。')
                })
                .map(|(j, _)| j)
        });
    if let Some(end) = end {
        paras.drain(i..end);
    }
}

/// Builds the document from what a reader read. `meta` brings what the path tells
/// (source, date from the file name); `id(law)` gives the document id once the structure
/// (law or not) is known.
pub(crate) fn assemble(
    read: Read,
    stem: &str,
    mut meta: DocMeta,
    id: &dyn Fn(bool) -> String,
) -> Result<Document, String> {
    let Read {
        paras,
        title,
        doc_number,
        date,
        body,
        printed_pages,
    } = read;
    let mut paras: Vec<Para> = paras
        .into_iter()
        .map(|mut p| {
            let t = p.text.trim();
            if t.len() != p.text.len() {
                let lead = p.text.len() - p.text.trim_start().len();
                let lead_chars = p.text[..lead].chars().count();
                p.pages = p
                    .pages
                    .iter()
                    .map(|&(o, pg)| (o.saturating_sub(lead_chars), pg))
                    .collect();
                p.text = t.to_string();
            }
            p
        })
        .filter(|p| !p.text.is_empty())
        .collect();
    meta.doc_number = meta.doc_number.or(doc_number);
    meta.date = meta.date.or(date);
    meta.body = meta.body.or(body);
    meta.printed_pages = printed_pages;
    take_header(&mut paras, &mut meta);
    let title = take_title(&mut paras, title, stem);
    take_header(&mut paras, &mut meta);
    drop_contents(&mut paras);
    if paras.is_empty() {
        return Err("no text below the title".into());
    }
    let law = paras
        .iter()
        .filter(|p| article_at(&p.text).is_some())
        .take(2)
        .count()
        >= 2;
    let id = id(law);
    let mut text = String::new();
    if law {
        text.push_str(&format!("# {title}\n\n<!-- INFO END -->\n\n"));
    } else {
        text.push_str(&format!("{title}\n\n"));
    }
    for p in &paras {
        if law && p.heading.is_some() && article_at(&p.text).is_none() {
            text.push_str("## ");
        }
        text.push_str(&p.text);
        text.push_str("\n\n");
    }
    let parsed = if law {
        parse_law(&text, &id, meta)
    } else {
        parse_policy(&text, &id, meta)
    };
    let mut doc = parsed.map_err(|e| match e {
        CorpusError::Parse { message, .. } => message,
        e => e.to_string(),
    })?;
    map_pages(&mut doc, &paras);
    tidy_citations(&mut doc);
    Ok(doc)
}

/// Finds each paragraph in the parsed text and sets the pages of the document, its
/// passages and its outline.
fn map_pages(doc: &mut Document, paras: &[Para]) {
    if paras.iter().all(|p| p.pages.is_empty()) {
        return;
    }
    let text = &doc.text;
    let mut byte = 0usize;
    let mut chars = 0usize;
    let mut starts: Vec<(usize, u32)> = Vec::new();
    for p in paras {
        let Some(found) = text.get(byte..).and_then(|rest| rest.find(&p.text)) else {
            continue;
        };
        chars += text[byte..byte + found].chars().count();
        byte += found;
        for &(o, page) in &p.pages {
            if starts.last().is_none_or(|&(_, last)| last != page) {
                starts.push((chars + o, page));
            }
        }
        chars += p.text.chars().count();
        byte += p.text.len();
    }
    if starts.is_empty() {
        return;
    }
    // Text before the first mapped paragraph (the title) is on the first page.
    starts[0].0 = 0;
    doc.page_starts = starts;
    for p in &mut doc.passages {
        p.pages = pages_of(&doc.page_starts, p.start, p.end);
    }
    fn set(n: &mut Node, starts: &[(usize, u32)]) {
        n.pages = pages_of(starts, n.start, n.end);
        for c in &mut n.children {
            set(c, starts);
        }
    }
    let starts = doc.page_starts.clone();
    for n in &mut doc.outline {
        set(n, &starts);
    }
}

/// The page span of the character range `[start, end)` under `starts`.
fn pages_of(starts: &[(usize, u32)], start: usize, end: usize) -> Option<[u32; 2]> {
    let at = |o: usize| {
        let i = starts.partition_point(|&(s, _)| s <= o);
        i.checked_sub(1).map(|i| starts[i].1)
    };
    Some([at(start)?, at(end.saturating_sub(1).max(start))?])
}

/// Citations: the 文号 after the title; the pages of non-article passages.
fn tidy_citations(doc: &mut Document) {
    let cited = doc.cited_title();
    for p in &mut doc.passages {
        if let Some(num) = &doc.meta.doc_number
            && let Some(rest) = p.citation.strip_prefix(&cited)
        {
            p.citation = format!("{cited}（{num}）{rest}");
        }
        if p.article.is_none()
            && let Some(pages) = p.pages
        {
            p.citation.push('，');
            p.citation.push_str(&format_pages(pages));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paged(texts: &[(&str, u32)]) -> Vec<Para> {
        texts
            .iter()
            .map(|&(t, pg)| Para {
                text: t.to_string(),
                pages: vec![(0, pg)],
                heading: None,
            })
            .collect()
    }

    #[test]
    fn file_name_titles() {
        assert_eq!(
            title_from_file_name("中华人民共和国能源法_20241108"),
            "中华人民共和国能源法"
        );
        assert_eq!(
            title_from_file_name("28_特困人员救助供养通知_穗府办规2021-7号"),
            "特困人员救助供养通知"
        );
        assert_eq!(
            title_from_file_name("2024年北京市政府工作报告"),
            "2024年北京市政府工作报告"
        );
    }

    #[test]
    fn titles_over_two_lines_and_from_the_page() {
        let mut paras = paged(&[
            ("国务院关于印发", 1),
            ("《测试工作方案》的通知", 1),
            ("国发〔2024〕1号", 1),
            ("各省人民政府：", 1),
        ]);
        let t = take_title(&mut paras, None, "x");
        assert_eq!(t, "国务院关于印发《测试工作方案》的通知");
        assert_eq!(paras.len(), 2);
        // A title given by the page and printed again over two lines is not body text.
        let mut paras = paged(&[("某市关于测试", 1), ("的通知", 1), ("各区：", 1)]);
        let t = take_title(&mut paras, Some("某市关于测试的通知".into()), "x");
        assert_eq!((t.as_str(), paras.len()), ("某市关于测试的通知", 1));
        // No title-shaped first line: the file name.
        let mut paras = paged(&[("各位代表：", 1)]);
        assert_eq!(
            take_title(&mut paras, None, "3_某某报告_20240101"),
            "某某报告"
        );
        assert_eq!(paras.len(), 1);
    }

    #[test]
    fn law_with_note_contents_and_pages() {
        let paras = paged(&[
            ("中华人民共和国测试法", 1),
            (
                "（2024年11月8日第十四届全国人民代表大会常务委员会第十二次会议通过）",
                1,
            ),
            ("目　　录", 1),
            ("第一章　总　　则", 1),
            ("第二章　附　　则", 1),
            ("第一章　总　　则", 1),
            ("第一条　为了测试，制定本法。", 1),
            ("第二条　本法所称测试，是指检验。", 2),
            ("第二章　附　　则", 2),
            ("第三条　本法自公布之日起施行。", 3),
        ]);
        let read = Read {
            paras,
            ..Read::default()
        };
        let doc = assemble(read, "x", DocMeta::default(), &|law| {
            if law { "law-x".into() } else { "doc-x".into() }
        })
        .unwrap();
        assert_eq!(doc.id, "law-x");
        assert_eq!(doc.title, "中华人民共和国测试法");
        assert_eq!(doc.meta.date.as_deref(), Some("2024-11-08"));
        assert_eq!(doc.meta.body.as_deref(), Some("全国人民代表大会常务委员会"));
        assert_eq!(doc.chapters().count(), 2);
        let arts: Vec<_> = doc.passages.iter().map(|p| p.article.clone()).collect();
        assert_eq!(arts.len(), 3, "{:?}", doc.passages);
        assert!(doc.passages.iter().all(|p| !p.text.contains("目")));
        assert_eq!(doc.passages[1].pages, Some([2, 2]));
        assert_eq!(doc.passages[2].pages, Some([3, 3]));
        assert_eq!(doc.outline[1].pages, Some([2, 3]));
        assert_eq!(doc.passages[2].citation, "《中华人民共和国测试法》第三条");
    }

    #[test]
    fn notice_with_number() {
        let paras = paged(&[
            ("某府办规〔2021〕7号", 1),
            ("某市人民政府办公厅关于测试的通知", 1),
            ("各区人民政府：", 1),
            ("一、总体要求", 1),
            ("（一）坚持测试。测试工作要扎实推进。", 2),
        ]);
        let read = Read {
            paras,
            ..Read::default()
        };
        let doc = assemble(read, "x", DocMeta::default(), &|_| "doc-x".into()).unwrap();
        assert_eq!(doc.title, "某市人民政府办公厅关于测试的通知");
        assert_eq!(doc.meta.doc_number.as_deref(), Some("某府办规〔2021〕7号"));
        let p = doc
            .passages
            .iter()
            .find(|p| p.text.starts_with("（一）"))
            .unwrap();
        assert_eq!(
            p.citation,
            "《某市人民政府办公厅关于测试的通知》（某府办规〔2021〕7号）一（一），第2页"
        );
    }
}
