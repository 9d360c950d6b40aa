//! The parser for plans extracted from PDF: one long line, a table of contents,
//! inline page markers `—N—`, chapters `第X章`, sections `第X节` and sidebars `专栏N`.
//!
//! # Rules
//!
//! - **Pages.** A marker `—N—` precedes the content of page N. Markers are removed from
//!   every text; a word split by a marker (`重—3—点`) is rejoined by the removal. Each
//!   character keeps the page it was printed on.
//! - **Headings.** The table of contents (everything before the first page marker, after
//!   `目录`) gives every heading's label, title and page. Each heading is then found in the
//!   body, in order, as its label followed by its exact title (the body glues the title to
//!   the text after it: `第一节基础条件全面建成…`).
//! - **Sidebars** (`专栏N`) are children of the section they stand in. Their title is glued
//!   to their first item; it is told apart by the shape of the items:
//!   - items labelled `名称：…` (the first `：` before the first `。`): the title ends at the
//!     earliest *head noun* (城市, 产业, 工程, 重点, 园区, 设施, …) after which 2–12
//!     characters remain before the `：` (item labels are short noun phrases);
//!   - items shaped `名称（…）。`: the first item's name is as long as the names of the
//!     items that follow (the most common length), the title is what precedes it;
//!   - items without labels: the title ends at the first head noun.
//!
//!   A sidecar may override a title (see [`super::Sidecar`]).
//!
//!   A sidebar has no end marker: it ends at the next heading, or earlier at a sentence that
//!   has the shape of a body paragraph's lead sentence (see below) and not of an item; the
//!   text from there on is body text of the section again.
//! - **Paragraphs.** The original paragraphs began with a short bold lead sentence whose line
//!   break was lost. A sentence is taken as a lead when it ends with `。` after a sentence
//!   that ended with `。`, has at most 20 characters and no `，；：（`, and more text follows
//!   it; the first sentence of a section is a lead when it has at most 40 characters. A
//!   paragraph runs from one lead to the next. Sidebars are cut into their items.
//! - **Size.** A passage has at most [`MAX_PASSAGE_CHARS`] characters: a longer run is split
//!   at sentence ends.

use super::{
    CorpusError, Document, Heading, HeadingKind, Node, NodeKind, Passage, PassageKind, PathHeading,
    Sidecar, chinese_numeral, label_number,
};
use regex::Regex;
use std::sync::LazyLock;

/// The largest passage, in characters.
pub const MAX_PASSAGE_CHARS: usize = 1000;

static MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"—(\d{1,4})—").expect("valid"));
static TOC_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"前言|第[零一二三四五六七八九十百]+[章节]").expect("valid"));
static SIDEBAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"专栏(\d{1,3})").expect("valid"));

/// Nouns that end sidebar titles (`…重点城市`, `…重大工程`, `…培育发展重点`).
const HEAD_NOUNS: &[&str] = &[
    "城市",
    "产业",
    "设施",
    "工程",
    "重点",
    "园区",
    "示范区",
    "项目",
    "行动",
    "计划",
    "任务",
    "名单",
    "名录",
    "清单",
    "基地",
    "体系",
    "措施",
    "政策",
    "平台",
    "机制",
    "布局",
    "目录",
    "领域",
];

struct TocEntry {
    label: String,
    title: String,
}

/// Where a heading was found in the cleaned text (char offsets).
struct Found {
    label: String,
    title: String,
    kind: NodeKind,
    start: usize,
    body_start: usize,
}

/// A stretch of body text with its place in the outline.
struct Segment {
    start: usize,
    end: usize,
    kind: PassageKind,
    chapter: Option<(u32, Heading)>,
    section: Option<(u32, Heading)>,
    sidebar: Option<(u32, Heading)>,
    /// Whether this segment opens a section (its first sentence may be a lead).
    opens_section: bool,
    /// For sidebar segments: item start offsets and labels.
    items: Vec<(usize, Option<String>)>,
}

/// Parses a plan's raw text into a [`Document`] whose id is `id`.
pub fn parse_plan(raw: &str, id: &str, sidecar: &Sidecar) -> Result<Document, CorpusError> {
    let err = |message: String| CorpusError::Parse {
        file: id.to_string(),
        message,
    };
    // 1. Remove page markers, remembering where each page starts.
    let (text, page_starts) = strip_markers(raw).map_err(err)?;
    let chars: Vec<char> = text.chars().collect();
    let body_start = page_starts
        .first()
        .map(|p| p.0)
        .ok_or_else(|| err("no page marker —N— found".into()))?;
    // 2. Title and table of contents: everything before the first page marker.
    let (title, toc) = title_and_toc(&chars[..body_start]).map_err(err)?;
    // 3. Find each heading in the body, in order.
    let found = find_headings(&chars, &toc, body_start).map_err(err)?;
    // The body ends at the last non-whitespace character.
    let mut body_end = chars.len();
    while body_end > body_start && chars[body_end - 1].is_whitespace() {
        body_end -= 1;
    }
    if found.first().map(|f| f.start) != Some(body_start) {
        let first = found.first().map_or(body_end, |f| f.start);
        if chars[body_start..first].iter().any(|c| !c.is_whitespace()) {
            return Err(err("text before the first heading".into()));
        }
    }
    let mut doc = Document {
        id: id.to_string(),
        title,
        outline: Vec::new(),
        passages: Vec::new(),
        meta: Default::default(),
        text,
        page_starts,
    };
    // 4. Segments and outline.
    let span = (body_end, &chars[..]);
    let segments = outline_and_segments(&mut doc, &found, span, sidecar).map_err(err)?;
    // 5. Passages.
    doc.passages = passages(&doc, &segments, &chars);
    if doc.passages.is_empty() {
        return Err(err("no passage found".into()));
    }
    Ok(doc)
}

/// The text without its page markers, and `(char offset, page)` where each page starts.
fn strip_markers(raw: &str) -> Result<(String, Vec<(usize, u32)>), String> {
    let mut text = String::with_capacity(raw.len());
    let mut page_starts = Vec::new();
    let mut chars_so_far = 0usize;
    let mut last = 0;
    for m in MARKER.captures_iter(raw) {
        let Some(whole) = m.get(0) else { continue };
        let piece = &raw[last..whole.start()];
        chars_so_far += piece.chars().count();
        text.push_str(piece);
        last = whole.end();
        let page: u32 = m[1].parse().map_err(|_| "bad page marker".to_string())?;
        page_starts.push((chars_so_far, page));
    }
    text.push_str(&raw[last..]);
    Ok((text, page_starts))
}

/// The title and the table of contents of the text before the first page.
fn title_and_toc(head: &[char]) -> Result<(String, Vec<TocEntry>), String> {
    let head: String = head.iter().collect();
    let Some(i) = head.find("目录") else {
        return Err("no table of contents (目录) before the first page".into());
    };
    let title = head[..i].trim().to_string();
    if title.is_empty() {
        return Err("no title before 目录".into());
    }
    let toc = parse_toc(&head[i + "目录".len()..]);
    if toc.is_empty() {
        return Err("the table of contents lists no heading".into());
    }
    Ok((title, toc))
}

/// Each heading of the table of contents, found in the body in order.
fn find_headings(
    chars: &[char],
    toc: &[TocEntry],
    body_start: usize,
) -> Result<Vec<Found>, String> {
    let mut found = Vec::new();
    let mut cursor = body_start;
    for e in toc {
        let needle: Vec<char> = format!("{}{}", e.label, e.title).chars().collect();
        let pos = find_chars(chars, &needle, cursor).ok_or_else(|| {
            format!(
                "heading {}{} from the table of contents not found in the body",
                e.label, e.title
            )
        })?;
        let kind = if e.label == "前言" {
            NodeKind::Preface
        } else if e.label.ends_with('章') {
            NodeKind::Chapter
        } else {
            NodeKind::Section
        };
        found.push(Found {
            label: e.label.clone(),
            title: e.title.clone(),
            kind,
            start: pos,
            body_start: pos + needle.len(),
        });
        cursor = pos + needle.len();
    }
    Ok(found)
}

/// Fills the outline of `doc` from the headings found (`span`: where the body ends, and
/// the characters), with pages, and returns the segments of body text.
fn outline_and_segments(
    doc: &mut Document,
    found: &[Found],
    (body_end, chars): (usize, &[char]),
    sidecar: &Sidecar,
) -> Result<Vec<Segment>, String> {
    let id = doc.id.clone();
    let mut segments: Vec<Segment> = Vec::new();
    let mut chapter: Option<(u32, Heading)> = None;
    for (i, f) in found.iter().enumerate() {
        let end = found.get(i + 1).map_or(body_end, |n| n.start);
        let heading = Heading {
            label: f.label.clone(),
            title: f.title.clone(),
        };
        let number = label_number(&f.label).unwrap_or(0);
        let mut node = Node {
            id: String::new(),
            kind: f.kind,
            label: f.label.clone(),
            title: f.title.clone(),
            pages: None,
            children: Vec::new(),
            start: f.start,
            end,
        };
        let (kind, section) = match f.kind {
            NodeKind::Preface => {
                chapter = None;
                node.id = format!("{id}-preface");
                (PassageKind::Preface, None)
            }
            NodeKind::Chapter => {
                chapter = Some((number, heading));
                node.id = format!("{id}-{number}");
                (PassageKind::Paragraph, None)
            }
            // The plan's table of contents has no parts or numbered headings.
            NodeKind::Part | NodeKind::Heading => continue,
            NodeKind::Section | NodeKind::Sidebar => {
                let cnum = chapter.as_ref().map_or(0, |c| c.0);
                node.id = format!("{id}-{cnum}.{number}");
                let place = (chapter.clone(), Some((number, heading)));
                let sidebars =
                    split_section(chars, (f.body_start, end), place, sidecar, &mut segments)?;
                node.children = sidebars
                    .into_iter()
                    .map(|(num, h, s, e)| Node {
                        id: format!("{id}-s{num}"),
                        kind: NodeKind::Sidebar,
                        label: h.label,
                        title: h.title,
                        pages: None,
                        children: Vec::new(),
                        start: s,
                        end: e,
                    })
                    .collect();
                match doc.outline.last_mut() {
                    Some(ch) if ch.kind == NodeKind::Chapter => ch.children.push(node),
                    _ => return Err(format!("section {} outside a chapter", f.label)),
                }
                continue;
            }
        };
        let seg = Segment::body(f.body_start, end, kind, chapter.clone(), section);
        segments.push(seg);
        doc.outline.push(node);
    }
    set_outline_pages(doc, body_end);
    Ok(segments)
}

/// Chapters end where the next chapter (or the document) ends; every node gets its pages.
fn set_outline_pages(doc: &mut Document, body_end: usize) {
    let n = doc.outline.len();
    for i in 0..n {
        let end = if i + 1 < n {
            doc.outline[i + 1].start
        } else {
            body_end
        };
        doc.outline[i].end = end;
    }
    fn set_pages(doc_pages: &dyn Fn(usize, usize) -> Option<[u32; 2]>, n: &mut Node) {
        n.pages = doc_pages(n.start, n.end);
        for c in &mut n.children {
            set_pages(doc_pages, c);
        }
    }
    let mut outline = std::mem::take(&mut doc.outline);
    for node in &mut outline {
        set_pages(&|s, e| doc.pages_of(s, e), node);
    }
    doc.outline = outline;
}

/// The passages of the segments: ids `<doc>-<chapter>.<section>.<n>` and `<doc>-s<N>.<n>`.
fn passages(doc: &Document, segments: &[Segment], chars: &[char]) -> Vec<Passage> {
    let mut out: Vec<Passage> = Vec::new();
    let mut counters: std::collections::HashMap<String, usize> = Default::default();
    for seg in segments {
        let path = seg.path();
        for (s, e, lead) in seg.pieces(chars) {
            let key = match &seg.sidebar {
                Some((n, _)) => format!("s{n}"),
                None => format!(
                    "{}.{}",
                    seg.chapter.as_ref().map_or(0, |c| c.0),
                    seg.section.as_ref().map_or(0, |c| c.0)
                ),
            };
            let counter = counters.entry(key.clone()).or_insert(0);
            *counter += 1;
            let pages = doc.pages_of(s, e);
            let passage = Passage {
                id: format!("{}-{key}.{counter}", doc.id),
                doc: doc.id.clone(),
                kind: seg.kind,
                pages,
                lead,
                text: chars[s..e].iter().collect(),
                start: s,
                end: e,
                seq: out.len(),
                ..Passage::default()
            };
            out.push(passage.cited_at(&doc.title, path.clone()));
        }
    }
    out
}

impl Segment {
    /// The path of the segment's passages: 前言, or its chapter, section and sidebar.
    fn path(&self) -> Vec<PathHeading> {
        if self.kind == PassageKind::Preface {
            return vec![PathHeading::new(HeadingKind::Preface, "前言", "", None)];
        }
        let kinds = [
            (&self.chapter, HeadingKind::Chapter),
            (&self.section, HeadingKind::Section),
            (&self.sidebar, HeadingKind::Sidebar),
        ];
        kinds
            .into_iter()
            .filter_map(|(h, kind)| {
                h.as_ref()
                    .map(|(n, h)| PathHeading::new(kind, &h.label, &h.title, Some(*n)))
            })
            .collect()
    }

    fn body(
        start: usize,
        end: usize,
        kind: PassageKind,
        chapter: Option<(u32, Heading)>,
        section: Option<(u32, Heading)>,
    ) -> Self {
        Segment {
            start,
            end,
            kind,
            opens_section: section.is_some(),
            chapter,
            section,
            sidebar: None,
            items: Vec::new(),
        }
    }

    /// Cuts the segment into passages: `(start, end, lead)`.
    fn pieces(&self, chars: &[char]) -> Vec<(usize, usize, Option<String>)> {
        let mut out = Vec::new();
        if self.start >= self.end {
            return out;
        }
        let units: Vec<(usize, usize, Option<String>)> = if self.sidebar.is_some() {
            let mut v = Vec::new();
            for (i, (s, label)) in self.items.iter().enumerate() {
                let e = self.items.get(i + 1).map_or(self.end, |n| n.0);
                v.push((*s, e, label.clone()));
            }
            v
        } else {
            paragraphs(chars, self.start, self.end, self.opens_section)
        };
        for (s, e, lead) in units {
            let mut first = true;
            for (a, b) in split_long(chars, s, e) {
                out.push((a, b, if first { lead.clone() } else { None }));
                first = false;
            }
        }
        out
    }
}

/// Where a segment stands: its chapter and section, with their numbers.
type Place = (Option<(u32, Heading)>, Option<(u32, Heading)>);

/// Splits a section's body `[start, end)` into body segments and sidebar segments; returns
/// the sidebars `(number, heading, start, end)`.
fn split_section(
    chars: &[char],
    (start, end): (usize, usize),
    (chapter, section): Place,
    sidecar: &Sidecar,
    segments: &mut Vec<Segment>,
) -> Result<Vec<(u32, Heading, usize, usize)>, String> {
    let slice: String = chars[start..end].iter().collect();
    // Char offsets of sidebar labels within the section.
    let mut labels: Vec<(usize, usize, u32)> = Vec::new();
    for m in SIDEBAR.captures_iter(&slice) {
        let Some(whole) = m.get(0) else { continue };
        let s = start + slice[..whole.start()].chars().count();
        let e = s + whole.as_str().chars().count();
        let n: u32 = m[1].parse().map_err(|_| "bad sidebar number".to_string())?;
        labels.push((s, e, n));
    }
    let mut sidebars = Vec::new();
    let mut cursor = start;
    let mut opens = true;
    let body = |from: usize, to: usize, opens: bool| {
        let mut seg = Segment::body(
            from,
            to,
            PassageKind::Paragraph,
            chapter.clone(),
            section.clone(),
        );
        seg.opens_section = opens;
        seg
    };
    for (i, &(ls, le, num)) in labels.iter().enumerate() {
        if ls > cursor {
            segments.push(body(cursor, ls, opens));
        }
        opens = false;
        let limit = labels.get(i + 1).map_or(end, |n| n.0);
        let label = format!("专栏{num}");
        let sb = parse_sidebar(chars, le, limit, sidecar.sidebar_titles.get(&label))
            .map_err(|m| format!("{label}: {m}"))?;
        let heading = Heading {
            label,
            title: sb.title.clone(),
        };
        sidebars.push((num, heading.clone(), ls, sb.end));
        segments.push(Segment {
            start: sb.items.first().map_or(sb.end, |i| i.0),
            end: sb.end,
            kind: PassageKind::Sidebar,
            chapter: chapter.clone(),
            section: section.clone(),
            sidebar: Some((num, heading)),
            opens_section: false,
            items: sb.items,
        });
        cursor = sb.end;
    }
    if cursor < end {
        segments.push(body(cursor, end, opens));
    }
    Ok(sidebars)
}

struct Sidebar {
    title: String,
    items: Vec<(usize, Option<String>)>,
    end: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum ItemShape {
    Colon,
    Paren,
    Plain,
}

/// Reads a sidebar starting right after its label, running at most to `limit`.
fn parse_sidebar(
    chars: &[char],
    start: usize,
    limit: usize,
    override_title: Option<&String>,
) -> Result<Sidebar, String> {
    let sents = sentences(chars, start, limit);
    let first = *sents.first().ok_or("empty sidebar")?;
    let first_text: Vec<char> = chars[first.0..first.1].to_vec();
    let colon = first_text.iter().position(|&c| c == '：');
    let paren = first_text.ends_with(&['）', '。']) && first_text.contains(&'（');
    let shape = if colon.is_some() {
        ItemShape::Colon
    } else if paren {
        ItemShape::Paren
    } else {
        ItemShape::Plain
    };
    // The run of text holding title + first label.
    let prefix: Vec<char> = match shape {
        ItemShape::Colon => first_text[..colon.unwrap_or(0)].to_vec(),
        ItemShape::Paren => {
            let o = first_text.iter().position(|&c| c == '（').unwrap_or(0);
            first_text[..o].to_vec()
        }
        ItemShape::Plain => first_text.clone(),
    };
    let title_len = if let Some(t) = override_title {
        let t: Vec<char> = t.chars().collect();
        if !first_text.starts_with(&t) {
            return Err(format!(
                "sidecar title {:?} is not where the sidebar starts",
                t.iter().collect::<String>()
            ));
        }
        t.len()
    } else {
        match shape {
            ItemShape::Colon => {
                head_noun_end(&prefix, |rest| (2..=12).contains(&rest)).unwrap_or(prefix.len() / 2)
            }
            ItemShape::Paren => {
                let mut lens: Vec<usize> = sents[1..]
                    .iter()
                    .filter(|s| item_shape_paren(&chars[s.0..s.1]))
                    .filter_map(|s| chars[s.0..s.1].iter().position(|&c| c == '（'))
                    .collect();
                lens.sort_unstable();
                let typical = mode(&lens).unwrap_or(2);
                prefix.len().saturating_sub(typical).max(1)
            }
            ItemShape::Plain => head_noun_end(&prefix, |rest| rest >= 1).unwrap_or(0),
        }
    };
    if title_len == 0 || title_len >= first_text.len() {
        return Err("cannot tell the sidebar's title from its first item".into());
    }
    let title: String = first_text[..title_len].iter().collect();
    let first_item = first.0 + title_len;

    // Items and the end of the sidebar.
    let mut items: Vec<(usize, Option<String>)> = Vec::new();
    let label_of = |s: usize, e: usize| -> Option<String> {
        let t = &chars[s..e];
        match shape {
            ItemShape::Colon => t
                .iter()
                .position(|&c| c == '：')
                .map(|i| t[..i].iter().collect()),
            ItemShape::Paren => Some(t[..t.len() - 1].iter().collect()),
            ItemShape::Plain => None,
        }
    };
    items.push((first_item, label_of(first_item, first.1)));
    let mut end = limit;
    for (i, &(s, e)) in sents.iter().enumerate().skip(1) {
        let t = &chars[s..e];
        let is_item = match shape {
            ItemShape::Colon => item_shape_colon(t),
            ItemShape::Paren => item_shape_paren(t),
            ItemShape::Plain => true,
        };
        let more_follows = i + 1 < sents.len();
        if !is_item || shape == ItemShape::Plain {
            let prev_full_stop = chars[s - 1] == '。';
            if prev_full_stop && lead_shaped(t) && more_follows {
                end = s;
                break;
            }
        }
        if is_item {
            items.push((s, label_of(s, e)));
        }
    }
    Ok(Sidebar { title, items, end })
}

/// The earliest end of a head noun in `prefix` (at least 2 characters in) after which
/// `rest_ok(remaining characters)` holds.
fn head_noun_end(prefix: &[char], rest_ok: impl Fn(usize) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for h in HEAD_NOUNS {
        let h: Vec<char> = h.chars().collect();
        let mut from = 0;
        while let Some(p) = find_chars(prefix, &h, from) {
            let end = p + h.len();
            if end >= 4 && rest_ok(prefix.len() - end) {
                best = Some(best.map_or(end, |b: usize| b.min(end)));
            }
            from = p + 1;
        }
    }
    best
}

fn mode(sorted: &[usize]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|&&x| x == sorted[i]).count();
        if best.is_none_or(|(_, c)| j > c) {
            best = Some((sorted[i], j));
        }
        i += j;
    }
    best.map(|b| b.0)
}

/// `名称：…` with a short label and no comma before the colon.
fn item_shape_colon(t: &[char]) -> bool {
    match t.iter().position(|&c| c == '：') {
        Some(i) => (2..=15).contains(&i) && !t[..i].iter().any(|c| "，。；、".contains(*c)),
        None => false,
    }
}

/// `名称（…）。`
fn item_shape_paren(t: &[char]) -> bool {
    let Some(o) = t.iter().position(|&c| c == '（') else {
        return false;
    };
    (1..=10).contains(&o)
        && t.ends_with(&['）', '。'])
        && t.len() <= 40
        && !t[..o].iter().any(|c| "，、；".contains(*c))
}

/// A sentence shaped like a paragraph's bold lead: short, ends with `。`, one clause.
fn lead_shaped(t: &[char]) -> bool {
    t.len() <= 20 && t.last() == Some(&'。') && !t.iter().any(|c| "，；：（".contains(*c))
}

/// Splits `[start, end)` into paragraphs at lead sentences.
fn paragraphs(
    chars: &[char],
    start: usize,
    end: usize,
    opens_section: bool,
) -> Vec<(usize, usize, Option<String>)> {
    let sents = sentences(chars, start, end);
    let mut out: Vec<(usize, usize, Option<String>)> = Vec::new();
    let mut cur: Option<(usize, Option<String>)> = None;
    for (i, &(s, e)) in sents.iter().enumerate() {
        let t = &chars[s..e];
        let more = i + 1 < sents.len();
        let after_stop = i == 0 || chars[s - 1] == '。';
        let is_lead = more
            && after_stop
            && (lead_shaped(t)
                || (i == 0 && opens_section && t.len() <= 40 && t.last() == Some(&'。')));
        if is_lead {
            if let Some((ps, lead)) = cur.take() {
                out.push((ps, s, lead));
            }
            let lead: String = t[..t.len() - 1].iter().collect();
            cur = Some((s, Some(lead)));
        } else if cur.is_none() {
            cur = Some((s, None));
        }
    }
    if let Some((ps, lead)) = cur {
        out.push((ps, end, lead));
    }
    out
}

/// Splits a run longer than [`MAX_PASSAGE_CHARS`] at sentence ends.
pub(crate) fn split_long(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    if end - start <= MAX_PASSAGE_CHARS {
        return vec![(start, end)];
    }
    let mut out = Vec::new();
    let mut cur = start;
    let mut last_cut = start;
    for (_, e) in sentences(chars, start, end) {
        if e - cur > MAX_PASSAGE_CHARS && last_cut > cur {
            out.push((cur, last_cut));
            cur = last_cut;
        }
        while e - cur > MAX_PASSAGE_CHARS {
            // One sentence longer than the limit: cut at a comma, else hard.
            let window = &chars[cur..cur + MAX_PASSAGE_CHARS];
            let cut = window
                .iter()
                .rposition(|c| "，、；：".contains(*c))
                .map_or(MAX_PASSAGE_CHARS, |i| i + 1);
            out.push((cur, cur + cut));
            cur += cut;
        }
        last_cut = e;
    }
    if cur < end {
        out.push((cur, end));
    }
    out
}

/// Sentences of `[start, end)`: each ends after `。！？；` (and any closing quote or bracket
/// right after it); the last one may end without punctuation.
pub(crate) fn sentences(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    let mut i = start;
    while i < end {
        if "。！？；".contains(chars[i]) {
            let mut e = i + 1;
            while e < end && "”’」』）".contains(chars[e]) {
                e += 1;
            }
            out.push((s, e));
            s = e;
            i = e;
        } else {
            i += 1;
        }
    }
    if s < end {
        out.push((s, end));
    }
    out
}

fn parse_toc(toc: &str) -> Vec<TocEntry> {
    let labels: Vec<(usize, usize)> = TOC_LABEL
        .find_iter(toc)
        .map(|m| (m.start(), m.end()))
        .collect();
    let mut out = Vec::new();
    for (i, &(s, e)) in labels.iter().enumerate() {
        let next = labels.get(i + 1).map_or(toc.len(), |n| n.0);
        let rest = toc[e..next].trim();
        let title = rest.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
        if rest.len() == title.len() {
            continue; // not a TOC entry: no page number
        }
        out.push(TocEntry {
            label: toc[s..e].to_string(),
            title: title.to_string(),
        });
    }
    // Drop a stray label that is not followed by a heading number order (defensive).
    out.retain(|e| e.label == "前言" || chinese_numeral(&e.label[3..e.label.len() - 3]).is_some());
    out
}

fn find_chars(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn sentences_keep_closing_quotes() {
        let c = chars("推进“兴边富民。”建设。尾巴");
        let s = sentences(&c, 0, c.len());
        assert_eq!(s, vec![(0, 9), (9, 12), (12, 14)]);
    }

    #[test]
    fn lead_shape() {
        assert!(lead_shaped(&chars("拓展扶持资金渠道。")));
        assert!(!lead_shaped(&chars("大力实施以工代赈，带动就业。")));
        assert!(!lead_shaped(&chars("开展封沙（滩）育林（草）。")));
    }

    #[test]
    fn head_noun_rule() {
        let p = chars("资源型地区接续替代产业培育发展重点传统产业改造升级");
        assert_eq!(
            head_noun_end(&p, |r| (2..=12).contains(&r)),
            Some("资源型地区接续替代产业培育发展重点".chars().count())
        );
    }

    #[test]
    fn long_runs_split_at_sentence_ends() {
        let text = "这是一个句子。".repeat(400);
        let c = chars(&text);
        let parts = split_long(&c, 0, c.len());
        assert!(parts.iter().all(|(s, e)| e - s <= MAX_PASSAGE_CHARS));
        assert_eq!(parts.first().map(|p| p.0), Some(0));
        assert_eq!(parts.last().map(|p| p.1), Some(c.len()));
        for w in parts.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert_eq!(c[w[0].1 - 1], '。');
        }
    }
}
