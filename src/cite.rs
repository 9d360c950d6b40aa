//! Quote verification: where does a quoted sentence stand, on which pages, and how to cite it.
//!
//! # Matching
//!
//! The quote and every document are compared in a *normalized* form: [`fold`]ed
//! (full-width → half-width, traditional → simplified, ASCII lower case) and stripped of
//! everything that is not a word character ([`is_word_char`]: punctuation, spaces, line
//! breaks). Each normalized character remembers the passage and the character offset it
//! came from, so a match points back at the text as printed.
//!
//! The passages of a document are concatenated in document order into *runs*: a run
//! continues from one passage into the next when the two touch in the cleaned text (no
//! heading between them). A quote can therefore span two adjacent paragraphs of a section,
//! but never a heading.
//!
//! # Results
//!
//! - **Exact**: every occurrence of the normalized quote (at most [`MAX_MATCHES`], in
//!   document order; `total` counts them all). One [`CiteMatch`] per occurrence: `passage`
//!   is the passage where the quote *begins*, `start`/`end` are character offsets in that
//!   passage's text (`end` is the passage's end when the quote runs on), and `spans` lists
//!   every passage the quote touches with its own offsets. `pages` is the quote's own page
//!   span (not the passage's), and `citation` quotes the text as printed in the source.
//! - **Not exact**: `exact: false` and the [`MAX_CLOSEST`] closest stretches of text, found
//!   by sliding a window as long as the quote over every run and scoring the Dice
//!   coefficient of character bigrams between the quote and the window (trimmed to its first
//!   and last shared bigram). `similarity` is that coefficient, in `0..=1` (exact matches
//!   have `1.0`).
//!
//! [`cite_filtered`] looks only in the documents a [`DocFilter`] lets through (`doc`, `type`).
//!
//! The scan is linear in the corpus size. The normalized documents are prepared once per
//! index generation and kept in memory (a reloaded index is prepared anew).

use crate::analysis::{fold, is_word_char};
use crate::corpus::{Passage, PassageKind, format_pages};
use crate::{DocFilter, Engine, Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The longest quote accepted, in characters.
pub const MAX_CITE_CHARS: usize = 5_000;
/// The most exact matches returned (`total` still counts them all).
pub const MAX_MATCHES: usize = 50;
/// How many closest passages are returned when there is no exact match.
pub const MAX_CLOSEST: usize = 3;

/// The answer to a quote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct CiteResult {
    /// The quote as received.
    pub text: String,
    /// Whether the quote was found (modulo punctuation, spacing, width and script).
    pub exact: bool,
    /// Number of exact occurrences (0 when not exact).
    pub total: usize,
    /// Exact occurrences in document order, or the closest stretches, best first.
    pub matches: Vec<CiteMatch>,
}

/// One place where the quote (or the closest text) stands.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct CiteMatch {
    /// The passage where the quoted text begins.
    pub passage: Passage,
    /// Character offset in `passage.text` where the quoted text begins.
    pub start: usize,
    /// Character offset in `passage.text` one past its end (or the passage's end when the
    /// quote runs on into the next passage).
    pub end: usize,
    /// Every passage the quoted text touches, in order, with offsets in its text.
    pub spans: Vec<Span>,
    /// The text as printed in the source, from the first to the last matched character.
    pub quote: String,
    /// First and last page of the quoted text itself.
    pub pages: Option<[u32; 2]>,
    /// A citation to paste: `“quote”（《title》第一章第一节，第2—3页）`, or for a law
    /// `“quote”（《title》第六条）`.
    pub citation: String,
    /// 1.0 for an exact match; otherwise the bigram similarity, in `0..=1`.
    pub similarity: f32,
}

/// The part of a passage covered by a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct Span {
    /// Passage id.
    pub id: String,
    /// Character offset in the passage's text.
    pub start: usize,
    /// Character offset one past the end.
    pub end: usize,
}

/// Finds where `text` stands in the corpus. See the module docs.
///
/// Errors: [`Error::BadRequest`] when the text is empty, longer than [`MAX_CITE_CHARS`]
/// characters or has no word character.
pub fn cite(engine: &Engine, text: &str) -> Result<CiteResult> {
    cite_filtered(engine, text, &DocFilter::default())
}

/// Finds where `text` stands in the documents `filter` lets through (see [`DocFilter`]):
/// exact matches and closest stretches are looked for only there. A filter that names no
/// document gives `exact: false` and no match, as a search with an unknown `doc` gives no
/// hit.
///
/// Errors: as [`cite`].
pub fn cite_filtered(engine: &Engine, text: &str, filter: &DocFilter) -> Result<CiteResult> {
    let n = text.chars().count();
    if text.trim().is_empty() {
        return Err(Error::BadRequest("the text to cite is empty".into()));
    }
    if n > MAX_CITE_CHARS {
        return Err(Error::BadRequest(format!(
            "the text to cite has {n} characters; the limit is {MAX_CITE_CHARS}"
        )));
    }
    let needle: Vec<char> = normalize(text);
    if needle.is_empty() {
        return Err(Error::BadRequest(
            "the text to cite has no letters, digits or characters to match".into(),
        ));
    }
    let all = load_docs(engine)?;
    let wanted = filter.doc_ids(&engine.documents());
    let docs: Vec<&DocText> = all
        .iter()
        .filter(|d| wanted.as_ref().is_none_or(|w| w.contains(&d.id)))
        .collect();

    // Exact occurrences.
    let needle_str: String = needle.iter().collect();
    let mut total = 0;
    let mut matches = Vec::new();
    for d in docs.iter() {
        for run in &d.runs {
            let hay: String = run.chars.iter().collect();
            // Byte offset → char index, by binary search over the char starts.
            let starts: Vec<usize> = hay.char_indices().map(|(b, _)| b).collect();
            for (b, _) in hay.match_indices(&needle_str) {
                let a = starts.partition_point(|&s| s < b);
                total += 1;
                if matches.len() < MAX_MATCHES {
                    matches.push(d.matched(run, a, a + needle.len(), 1.0));
                }
            }
        }
    }
    if total > 0 {
        return Ok(CiteResult {
            text: text.to_string(),
            exact: true,
            total,
            matches,
        });
    }

    // The closest stretches.
    let mut scored: Vec<(f32, usize, usize, usize, usize)> = Vec::new(); // (sim, doc, run, a, b)
    for (di, d) in docs.iter().enumerate() {
        for (ri, run) in d.runs.iter().enumerate() {
            for (sim, a, b) in closest_windows(&needle, &run.chars, MAX_CLOSEST) {
                scored.push((sim, di, ri, a, b));
            }
        }
    }
    scored.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then(x.1.cmp(&y.1))
            .then(x.2.cmp(&y.2))
            .then(x.3.cmp(&y.3))
    });
    let matches = scored
        .into_iter()
        .take(MAX_CLOSEST)
        .map(|(sim, di, ri, a, b)| docs[di].matched(&docs[di].runs[ri], a, b, sim))
        .collect();
    Ok(CiteResult {
        text: text.to_string(),
        exact: false,
        total: 0,
        matches,
    })
}

/// The normalized form of a text: folded, word characters only.
pub fn normalize(text: &str) -> Vec<char> {
    fold(text).chars().filter(|c| is_word_char(*c)).collect()
}

/// A document prepared for matching.
struct DocText {
    id: String,
    title: String,
    page_starts: Vec<(usize, u32)>,
    passages: Vec<Passage>,
    /// Character length of each passage's text.
    lens: Vec<usize>,
    runs: Vec<Run>,
}

/// Normalized text of touching passages, with the origin of each character.
struct Run {
    chars: Vec<char>,
    /// `(passage index, char offset in its text)` of each normalized character.
    origin: Vec<(usize, usize)>,
}

/// The prepared documents of the index generation last used, shared between calls.
static PREPARED: Mutex<Option<(PathBuf, Arc<Vec<DocText>>)>> = Mutex::new(None);

/// The documents prepared for matching, from the cache when the index generation is the
/// same as last time.
fn load_docs(engine: &Engine) -> Result<Arc<Vec<DocText>>> {
    let generation = engine.index().generation.clone();
    let cached = match PREPARED.lock() {
        Ok(g) => g.clone(),
        Err(p) => p.into_inner().clone(),
    };
    if let Some((g, docs)) = cached
        && g == generation
    {
        return Ok(docs);
    }
    let docs = Arc::new(prepare(engine)?);
    let mut slot = match PREPARED.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    *slot = Some((generation, docs.clone()));
    Ok(docs)
}

fn prepare(engine: &Engine) -> Result<Vec<DocText>> {
    let infos = engine.documents();
    let mut out = Vec::with_capacity(infos.len());
    for info in infos.iter() {
        let passages = engine.passages_of(&info.id)?;
        let lens: Vec<usize> = passages.iter().map(|p| p.text.chars().count()).collect();
        let mut runs: Vec<Run> = Vec::new();
        let mut prev_end: Option<usize> = None;
        for (pi, p) in passages.iter().enumerate() {
            if prev_end != Some(p.start) || runs.is_empty() {
                runs.push(Run {
                    chars: Vec::new(),
                    origin: Vec::new(),
                });
            }
            prev_end = Some(p.end);
            if let Some(run) = runs.last_mut() {
                for (off, c) in fold(&p.text).chars().enumerate() {
                    if is_word_char(c) {
                        run.chars.push(c);
                        run.origin.push((pi, off));
                    }
                }
            }
        }
        out.push(DocText {
            id: info.id.clone(),
            title: info.title.clone(),
            page_starts: info.page_starts.clone(),
            passages,
            lens,
            runs,
        });
    }
    Ok(out)
}

impl DocText {
    /// The match covering normalized characters `[a, b)` of `run` (`a < b`).
    fn matched(&self, run: &Run, a: usize, b: usize, similarity: f32) -> CiteMatch {
        let (pa, oa) = run.origin[a];
        let (pb, ob) = run.origin[b - 1];
        let mut spans = Vec::new();
        let mut quote = String::new();
        for pi in pa..=pb {
            let s = if pi == pa { oa } else { 0 };
            let e = if pi == pb { ob + 1 } else { self.lens[pi] };
            let p = &self.passages[pi];
            quote.extend(p.text.chars().skip(s).take(e - s));
            spans.push(Span {
                id: p.id.clone(),
                start: s,
                end: e,
            });
        }
        let first = &self.passages[pa];
        let last = &self.passages[pb];
        let pages = pages_of(&self.page_starts, first.start + oa, last.start + ob + 1);
        let place = place(&self.title, first, last);
        let citation = match pages {
            Some(pg) => format!("“{quote}”（{place}，{}）", format_pages(pg)),
            None => format!("“{quote}”（{place}）"),
        };
        let (start, end) = (spans[0].start, spans[0].end);
        CiteMatch {
            passage: first.clone(),
            start,
            end,
            spans,
            quote,
            pages,
            citation,
            similarity,
        }
    }
}

/// The labels of the outline group a passage stands in: `前言`, or its part, chapter,
/// section and sidebar labels, as passage citations print them (`一、` → `一`).
pub(crate) fn group_labels(p: &Passage) -> Vec<String> {
    let mut out = Vec::new();
    if p.kind == PassageKind::Preface {
        out.push("前言".to_string());
    }
    for h in [&p.part, &p.chapter, &p.section, &p.sidebar]
        .into_iter()
        .flatten()
    {
        out.push(h.label.trim_end_matches(['、', '.', '．']).to_string());
    }
    out
}

/// The labels locating a passage: its [`group_labels`] and, in a line-broken policy text,
/// its item (`2.` → `2`).
pub(crate) fn labels(p: &Passage) -> Vec<String> {
    let mut out = group_labels(p);
    if let Some(h) = &p.item {
        out.push(h.label.trim_end_matches(['、', '.', '．']).to_string());
    }
    out
}

/// `《title》` followed by where `first` … `last` stand: the article of a law
/// (`第六条`, or `第五条至第七条` across articles), else the labels common to both
/// (`第一章第一节`).
pub(crate) fn place(title: &str, first: &Passage, last: &Passage) -> String {
    let mut s = format!("《{title}》");
    if let (Some(a), Some(b)) = (&first.article, &last.article) {
        s.push_str(a);
        if a != b {
            s.push('至');
            s.push_str(b);
        }
        return s;
    }
    let (a, b) = (labels(first), labels(last));
    for (x, y) in a.iter().zip(&b) {
        if x != y {
            break;
        }
        s.push_str(x);
    }
    s
}

/// The page on which the character at `offset` stands.
pub(crate) fn page_at(page_starts: &[(usize, u32)], offset: usize) -> Option<u32> {
    let i = page_starts.partition_point(|&(o, _)| o <= offset);
    i.checked_sub(1).map(|i| page_starts[i].1)
}

/// The page span of the character range `[start, end)`.
pub(crate) fn pages_of(page_starts: &[(usize, u32)], start: usize, end: usize) -> Option<[u32; 2]> {
    let first = page_at(page_starts, start)?;
    let last = page_at(page_starts, end.saturating_sub(1).max(start))?;
    Some([first, last])
}

/// The best non-overlapping windows of `hay` for `needle`: `(similarity, a, b)` with
/// `[a, b)` a range of characters of `hay`, best first, similarity above 0.
fn closest_windows(needle: &[char], hay: &[char], k: usize) -> Vec<(f32, usize, usize)> {
    if needle.len() < 2 || hay.len() < 2 {
        return Vec::new();
    }
    // Bigram counts of the needle: need, and the window's count of those bigrams: have.
    let mut counts: Counts = HashMap::new();
    for w in needle.windows(2) {
        counts.entry((w[0], w[1])).or_default().0 += 1;
    }
    let qb = needle.len() - 1;
    let hb: Vec<(char, char)> = hay.windows(2).map(|w| (w[0], w[1])).collect();
    let win = qb.min(hb.len());
    let mut overlap = 0u32;
    for &b in &hb[..win] {
        add(b, &mut counts, &mut overlap);
    }
    // scores[s] = overlap of the window of bigrams [s, s + win).
    let mut scores = Vec::with_capacity(hb.len() - win + 1);
    scores.push(overlap);
    for s in 1..=hb.len() - win {
        remove(hb[s - 1], &mut counts, &mut overlap);
        add(hb[s + win - 1], &mut counts, &mut overlap);
        scores.push(overlap);
    }
    let mut order: Vec<usize> = (0..scores.len()).filter(|&s| scores[s] > 0).collect();
    order.sort_by(|&x, &y| scores[y].cmp(&scores[x]).then(x.cmp(&y)));
    let mut picked: Vec<usize> = Vec::new();
    for s in order {
        if picked.len() >= k {
            break;
        }
        if picked.iter().all(|&p| s.abs_diff(p) >= win) {
            picked.push(s);
        }
    }
    let shared = |b: &(char, char)| counts.contains_key(b);
    picked
        .into_iter()
        .filter_map(|s| {
            // Trim the window to its first and last shared bigram.
            let mut a = s;
            let mut e = s + win;
            while a < e && !shared(&hb[a]) {
                a += 1;
            }
            while e > a && !shared(&hb[e - 1]) {
                e -= 1;
            }
            if a >= e {
                return None;
            }
            let sim = 2.0 * scores[s] as f32 / (qb + (e - a)) as f32;
            Some((sim.min(1.0), a, e + 1))
        })
        .collect()
}

type Counts = HashMap<(char, char), (u32, u32)>;

fn add(b: (char, char), counts: &mut Counts, overlap: &mut u32) {
    if let Some(c) = counts.get_mut(&b) {
        if c.1 < c.0 {
            *overlap += 1;
        }
        c.1 += 1;
    }
}

fn remove(b: (char, char), counts: &mut Counts, overlap: &mut u32) {
    if let Some(c) = counts.get_mut(&b) {
        c.1 = c.1.saturating_sub(1);
        if c.1 < c.0 {
            *overlap = overlap.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        let n: String = normalize("宜農則農 宜糧則糧，ＡＢ!").into_iter().collect();
        assert_eq!(n, "宜农则农宜粮则粮ab");
    }

    #[test]
    fn windows_find_the_closest_stretch() {
        let hay: Vec<char> = "一二三四五六七八九十甲乙丙丁".chars().collect();
        let needle: Vec<char> = "五六七X九".chars().collect();
        let w = closest_windows(&needle, &hay, 3);
        assert!(!w.is_empty());
        let (sim, a, b) = w[0];
        let got: String = hay[a..b].iter().collect();
        assert_eq!(got, "五六七");
        assert!(sim > 0.3 && sim < 1.0, "{sim}");
    }

    #[test]
    fn pages() {
        let ps = [(0, 1), (10, 2), (20, 3)];
        assert_eq!(page_at(&ps, 9), Some(1));
        assert_eq!(pages_of(&ps, 15, 21), Some([2, 3]));
        assert_eq!(pages_of(&ps, 15, 20), Some([2, 2]));
    }
}
