//! PDF layout: positioned glyphs → lines → paragraphs, with the page of every character.
//!
//! - **Lines.** Glyphs whose baselines are within 0.4 em are one line; lines go top to
//!   bottom, glyphs left to right (single-column text; the content stream's order is not
//!   trusted). A space is kept where the text shows one: a gap of 0.8 em, or a space glyph
//!   or a small gap between two Latin letters or digits.
//! - **Page furniture.** In the top and bottom eighth of a page, a line that is only a page
//!   number (`－ 1 －`, `- 1 -`, `— 1 —`, `第1页`, `1/21`, a bare `1`) is removed and its
//!   number kept as the page's printed number; a first or last line repeated (digits
//!   aside) on at least three pages and a third of them is a running header or footer and
//!   is removed.
//! - **Paragraphs.** A line continues the paragraph above it (also across a page break)
//!   unless the line above ended short of the right margin, this line is indented from the
//!   left margin, there is a wide vertical gap, or this line opens an article or a numbered
//!   heading after a finished sentence. An open bracket (a 题注 over two lines) always
//!   continues. A centred short line without sentence punctuation (`第一章　总则`), and a
//!   line that is only `附件一`, `附　则` or `附录`, is a heading: a paragraph of its own. The margins are the most common line start and the 90th percentile of the
//!   line ends of the document.

use super::Para;
use crate::corpus::structure::{article_at, heading_at};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One glyph as drawn: position (top-down y of the baseline), size and advance, in points.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    /// Left edge.
    pub x: f64,
    /// Baseline, measured from the top of the page.
    pub y: f64,
    /// The font size (em).
    pub size: f64,
    /// The advance width.
    pub w: f64,
    /// The character(s).
    pub s: String,
}

/// The glyphs of one page and its height.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    /// Page height in points.
    pub height: f64,
    /// The glyphs in content order.
    pub glyphs: Vec<Glyph>,
}

/// A line of text on a page.
#[derive(Debug, Clone)]
struct Line {
    page: u32,
    y: f64,
    x0: f64,
    x1: f64,
    size: f64,
    text: String,
}

static PAGE_NUMBER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[－\-—–_~·•]*(\d{1,4})[－\-—–_~·•]*|第(\d{1,4})页(?:共\d{1,4}页)?|(\d{1,4})/\d{1,4}|[-－—]?[ⅰ-ⅿⅠ-Ⅿivxlc]{1,6}[-－—]?)$",
    )
    .ok()
});

/// A line that names an attachment or the closing part: `附件一`, `附件2`, `附　则`, `附录`.
static ANNEX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:附\s*件\s*[一二三四五六七八九十0-9０-９]*[：:]?|附\s*则|附\s*录)$").ok()
});

/// The printed number of a page-number line (`－ 1 －` → 1), `Some(None)` for a number
/// that is not Arabic (`- iv -`), `None` for any other line.
fn page_number(text: &str) -> Option<Option<u32>> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    let c = PAGE_NUMBER.as_ref()?.captures(&t)?;
    let n = (1..=3)
        .filter_map(|i| c.get(i))
        .next()
        .and_then(|m| m.as_str().parse().ok());
    Some(n)
}

/// Lays out the pages (physical page `i + 1` for `pages[i]`): paragraphs and the printed
/// page numbers `[physical, printed]`.
pub(crate) fn paragraphs(pages: &[Page]) -> (Vec<Para>, Vec<[u32; 2]>) {
    let mut lines: Vec<Vec<Line>> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| page_lines(i as u32 + 1, p))
        .collect();
    let printed = strip_furniture(&mut lines, pages);
    strip_footnotes(&mut lines, pages);
    let all: Vec<Line> = lines.into_iter().flatten().collect();
    (join(&all), printed)
}

/// The lines of one page, top to bottom.
fn page_lines(page: u32, p: &Page) -> Vec<Line> {
    let mut groups: Vec<(f64, f64, Vec<&Glyph>)> = Vec::new(); // (y, size, glyphs)
    for g in &p.glyphs {
        let tol = 0.4 * g.size.max(1.0);
        let best = groups
            .iter_mut()
            .filter(|(y, s, _)| (y - g.y).abs() < tol.max(0.4 * s))
            .min_by(|a, b| (a.0 - g.y).abs().total_cmp(&(b.0 - g.y).abs()));
        match best {
            Some((_, s, gs)) => {
                *s = s.max(g.size);
                gs.push(g);
            }
            None => groups.push((g.y, g.size, vec![g])),
        }
    }
    groups.sort_by(|a, b| a.0.total_cmp(&b.0));
    groups
        .into_iter()
        .filter_map(|(y, size, mut gs)| {
            gs.sort_by(|a, b| a.x.total_cmp(&b.x));
            let text = line_text(&gs);
            let t = text.trim();
            if t.is_empty() {
                return None;
            }
            let shown: Vec<&&Glyph> = gs.iter().filter(|g| !g.s.trim().is_empty()).collect();
            let x0 = shown.first().map_or(0.0, |g| g.x);
            let x1 = shown.last().map_or(0.0, |g| g.x + g.w);
            Some(Line {
                page,
                y,
                x0,
                x1,
                size,
                text: t.to_string(),
            })
        })
        .collect()
}

/// The text of a line's glyphs (sorted by x), with the spaces the layout shows.
fn line_text(gs: &[&Glyph]) -> String {
    let mut out = String::new();
    let mut prev_end: Option<f64> = None;
    let mut pending_space = false;
    for g in gs {
        if g.s.trim().is_empty() {
            pending_space = true;
            continue;
        }
        if let Some(end) = prev_end {
            let gap = g.x - end;
            let latin_prev = out
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric());
            let latin_next =
                g.s.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            let latin = latin_prev && latin_next;
            if gap > 0.8 * g.size || (latin && (pending_space || gap > 0.2 * g.size)) {
                out.push(' ');
            }
        }
        out.push_str(&g.s);
        prev_end = Some(g.x + g.w);
        pending_space = false;
    }
    out
}

/// Removes page numbers and running headers/footers; returns the printed numbers.
fn strip_furniture(lines: &mut [Vec<Line>], pages: &[Page]) -> Vec<[u32; 2]> {
    let mut printed = Vec::new();
    for (i, page) in lines.iter_mut().enumerate() {
        let h = pages.get(i).map_or(842.0, |p| p.height).max(1.0);
        let mut keep = Vec::with_capacity(page.len());
        let n = page.len();
        for (k, l) in page.drain(..).enumerate() {
            let edge = k < 2 || k + 2 >= n;
            let margin = l.y < h / 8.0 || l.y > h * 7.0 / 8.0;
            if edge
                && margin
                && let Some(num) = page_number(&l.text)
            {
                if let Some(num) = num {
                    printed.push([l.page, num]);
                }
                continue;
            }
            keep.push(l);
        }
        *page = keep;
    }
    // Running headers and footers: first/last lines repeated across pages.
    let key = |l: &Line| -> String {
        l.text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let pages_n = lines.len();
    let height = |i: usize| pages.get(i).map_or(842.0, |p| p.height).max(1.0);
    // The first (last) line of page `i`, when it stands in the top (bottom) eighth.
    let edge = |page: &[Line], i: usize, first: bool| -> Option<String> {
        let l = if first { page.first() } else { page.last() }?;
        let h = height(i);
        let margin = if first {
            l.y < h / 8.0
        } else {
            l.y > h * 7.0 / 8.0
        };
        margin.then(|| key(l))
    };
    for first in [true, false] {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for (i, page) in lines.iter().enumerate() {
            if let Some(k) = edge(page, i, first) {
                *counts.entry(k).or_default() += 1;
            }
        }
        for (i, page) in lines.iter_mut().enumerate() {
            let Some(k) = edge(page, i, first) else {
                continue;
            };
            let Some(l) = (if first { page.first() } else { page.last() }) else {
                continue;
            };
            let c = counts.get(&k).copied().unwrap_or(0);
            if c >= 3 && c * 3 >= pages_n && l.text.chars().count() <= 60 {
                if first {
                    page.remove(0);
                } else {
                    page.pop();
                }
            }
        }
    }
    printed
}

/// Whether a character marks a footnote (`①`, `¹`, `*`).
fn is_marker(c: char) -> bool {
    ('\u{2460}'..='\u{2473}').contains(&c)
        || ('\u{2776}'..='\u{277f}').contains(&c)
        || "¹²³⁴⁵⁶⁷⁸⁹⁰*※".contains(c)
}

/// Removes footnote marks on lines of their own, and footnotes: from a mark alone in the
/// lower 40% of a page that stands at the start of the line below it (a reference mark
/// stands inside the text), or from a small line (under 0.85 of the body's size) that
/// starts with a mark, to the end of the page.
fn strip_footnotes(lines: &mut [Vec<Line>], pages: &[Page]) {
    let mut sizes: Vec<(f64, usize)> = lines
        .iter()
        .flatten()
        .map(|l| (l.size, l.text.chars().count()))
        .collect();
    sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = sizes.iter().map(|s| s.1).sum();
    let mut acc = 0;
    let mut median = 0.0;
    for (size, n) in &sizes {
        acc += n;
        if acc * 2 >= total {
            median = *size;
            break;
        }
    }
    let alone = |l: &Line| l.text.chars().all(|c| is_marker(c) || c.is_whitespace());
    for (i, page) in lines.iter_mut().enumerate() {
        let h = pages.get(i).map_or(842.0, |p| p.height).max(1.0);
        let note_from = (0..page.len()).find(|&k| {
            let l = &page[k];
            let small_note = l.size < 0.85 * median && l.text.starts_with(is_marker) && !alone(l);
            let mark_note = alone(l)
                && l.y > 0.6 * h
                && page
                    .get(k + 1)
                    .is_some_and(|n| l.x0 <= n.x0 + median && n.y - l.y < 2.0 * median);
            small_note || mark_note
        });
        if let Some(k) = note_from {
            page.truncate(k);
        }
        page.retain(|l| !alone(l));
    }
}

/// Whether a text ends a sentence.
fn ends_sentence(s: &str) -> bool {
    s.chars()
        .last()
        .is_some_and(|c| "。！？；：”’」』）)…".contains(c))
}

/// Whether a text has more opening than closing brackets.
fn open_bracket(s: &str) -> bool {
    let open = s.chars().filter(|&c| c == '（' || c == '(').count();
    let close = s.chars().filter(|&c| c == '）' || c == ')').count();
    open > close
}

/// Joins the lines of the document into paragraphs.
fn join(lines: &[Line]) -> Vec<Para> {
    if lines.is_empty() {
        return Vec::new();
    }
    let mut starts: HashMap<i64, usize> = HashMap::new();
    for l in lines {
        *starts.entry(l.x0.round() as i64).or_default() += l.text.chars().count();
    }
    let left = starts
        .iter()
        .max_by_key(|&(x, n)| (*n, -*x))
        .map_or(0.0, |(x, _)| *x as f64);
    let mut ends: Vec<f64> = lines.iter().map(|l| l.x1).collect();
    ends.sort_by(f64::total_cmp);
    let right = ends[(ends.len() * 9 / 10).min(ends.len() - 1)];
    let mut pitch: Vec<f64> = lines
        .windows(2)
        .filter(|w| w[0].page == w[1].page)
        .map(|w| w[1].y - w[0].y)
        .filter(|d| *d > 0.0)
        .collect();
    pitch.sort_by(f64::total_cmp);
    let pitch = pitch.get(pitch.len() / 2).copied().unwrap_or(0.0);

    // A centred short line without sentence punctuation is a heading of its own
    // (`附　则`, `附件一`, `第一章　总则`).
    let centred = |l: &Line| {
        let em = l.size.max(1.0);
        if ANNEX.as_ref().is_some_and(|re| re.is_match(&l.text)) {
            return true;
        }
        ((l.x0 + l.x1) / 2.0 - (left + right) / 2.0).abs() < 1.5 * em
            && l.x0 > left + 2.0 * em
            && l.text.chars().count() <= 20
            && !l.text.chars().any(|c| "。，；！？".contains(c))
            && article_at(&l.text).is_none()
    };
    let mut out: Vec<Para> = Vec::new();
    let mut prev_heading = false;
    for (i, l) in lines.iter().enumerate() {
        let em = l.size.max(1.0);
        let heading = centred(l);
        let new = match i.checked_sub(1).map(|j| &lines[j]) {
            None => true,
            Some(p) => {
                let cur = out.last().map_or("", |o| o.text.as_str());
                if cur.starts_with(['（', '(']) && open_bracket(cur) && cur.chars().count() < 2000
                {
                    false
                } else {
                    let short = p.x1 < right - 1.5 * p.size.max(1.0);
                    let indented = l.x0 > left + 0.9 * em;
                    let gap = p.page == l.page && pitch > 0.0 && l.y - p.y > 1.8 * pitch;
                    let opens = ends_sentence(&p.text)
                        && (article_at(&l.text).is_some() || heading_at(&l.text).is_some());
                    short || indented || gap || opens || heading || prev_heading
                }
            }
        };
        prev_heading = heading;
        if new {
            out.push(Para {
                text: String::new(),
                pages: vec![(0, l.page)],
                heading: heading.then_some(2),
            });
        }
        let Some(para) = out.last_mut() else { continue };
        let offset = para.text.chars().count();
        if para.pages.last().is_some_and(|&(_, pg)| pg != l.page) {
            para.pages.push((offset, l.page));
        }
        let latin = para
            .text
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && l.text
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if latin {
            para.text.push(' ');
        }
        para.text.push_str(&l.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(x: f64, y: f64, s: &str) -> Vec<Glyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + 10.0 * i as f64,
                y,
                size: 10.0,
                w: 10.0,
                s: c.to_string(),
            })
            .collect()
    }

    fn page(rows: &[(f64, f64, &str)]) -> Page {
        Page {
            height: 800.0,
            glyphs: rows.iter().flat_map(|&(x, y, s)| glyphs(x, y, s)).collect(),
        }
    }

    #[test]
    fn footers_go_and_sentences_join() {
        // Lines of 10 glyphs from x = 100 to 200; paragraphs indented by 2 em.
        let p1 = page(&[
            (120.0, 100.0, "第一条为了测试制定"),
            (100.0, 115.0, "本法。测试是一件大事情"),
            (100.0, 130.0, "，人人有责任。"),
            (120.0, 145.0, "第二条本法适用于全"),
            (100.0, 160.0, "国各地的各项测试工作和"),
            (150.0, 780.0, "－1－"),
        ]);
        let p2 = page(&[
            (100.0, 100.0, "活动。"),
            (120.0, 115.0, "第三条其他事项另行"),
            (100.0, 130.0, "规定。"),
            (150.0, 780.0, "－2－"),
        ]);
        let (paras, printed) = paragraphs(&[p1, p2]);
        let texts: Vec<&str> = paras.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "第一条为了测试制定本法。测试是一件大事情，人人有责任。",
                "第二条本法适用于全国各地的各项测试工作和活动。",
                "第三条其他事项另行规定。"
            ]
        );
        assert_eq!(printed, [[1, 1], [2, 2]]);
        // 第二条 starts on page 1 and runs onto page 2 at 活动。
        assert_eq!(paras[1].pages, [(0, 1), (20, 2)]);
        assert_eq!(paras[2].pages, [(0, 2)]);
    }

    #[test]
    fn centred_lines_and_annexes_stand_alone() {
        let p = page(&[
            (100.0, 100.0, "第九十条本法自公布之日"),
            (100.0, 115.0, "起施行。"),
            (130.0, 130.0, "附　则"),
            (120.0, 145.0, "第九十一条本法另有"),
            (100.0, 160.0, "规定的，从其规定。本法"),
            (100.0, 175.0, "适用于全国范围内的工作"),
            (100.0, 190.0, "附件一"),
            (100.0, 205.0, "测试条例第一号补充规定"),
        ]);
        let (paras, _) = paragraphs(&[p]);
        let texts: Vec<(&str, Option<u8>)> =
            paras.iter().map(|p| (p.text.as_str(), p.heading)).collect();
        assert_eq!(
            texts,
            [
                ("第九十条本法自公布之日起施行。", None),
                ("附 则", Some(2)),
                (
                    "第九十一条本法另有规定的，从其规定。本法适用于全国范围内的工作",
                    None
                ),
                ("附件一", Some(2)),
                ("测试条例第一号补充规定", None),
            ]
        );
    }

    #[test]
    fn page_number_shapes() {
        for s in [
            "－ 1 －",
            "- 12 -",
            "— 3 —",
            "7",
            "第 4 页",
            "第4页共9页",
            "3/21",
        ] {
            assert!(page_number(s).is_some_and(|n| n.is_some()), "{s}");
        }
        assert_eq!(page_number("－ 15 －"), Some(Some(15)));
        for s in ["第一条", "2024年", "一、总则", "1.加强领导"] {
            assert_eq!(page_number(s), None, "{s}");
        }
    }

    #[test]
    fn running_header_removed() {
        let mk = |n: u32| {
            page(&[
                (100.0, 50.0, "某某市人民政府公报"),
                (120.0, 100.0, &format!("第{n}段文字很长很长很。")),
            ])
        };
        let pages: Vec<Page> = (1..=4).map(mk).collect();
        let (paras, _) = paragraphs(&pages);
        assert!(paras.iter().all(|p| !p.text.contains("公报")), "{paras:?}");
        assert!(paras.iter().any(|p| p.text.contains("第4段")), "{paras:?}");
    }
}
