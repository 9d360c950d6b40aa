//! Quote verification: where does a quoted sentence stand, on which pages, and how to cite it.
//!
//! # Matching
//!
//! The quote and every passage are compared in a *normalized* form: [`fold`]ed
//! (full-width → half-width, traditional → simplified, ASCII lower case) and stripped of
//! everything that is not a word character ([`is_word_char`]: punctuation, spaces, line
//! breaks). Each normalized character remembers the passage and the character offset it
//! came from, so a match points back at the text as printed.
//!
//! A quote may run from one passage into the next when the two touch in the cleaned text
//! (no heading between them): touching passages of a document form a *run*. A quote can
//! therefore span adjacent paragraphs of a section, but never a heading.
//!
//! # Through the index
//!
//! Nothing is scanned whole: the index's character field (`grams`, the normalized
//! characters at consecutive positions) finds the candidate passages, and only those, with
//! their touching neighbours, are aligned with the quote.
//!
//! - **Exact**: the candidates are the passages holding the quote's rarest character
//!   (fewest passages). Every occurrence holds it, so none is missed, whatever the number
//!   of passages it spans. When even the rarest character is in more than [`ANCHOR_CAP`]
//!   passages, the candidates are the passages holding the whole quote as a phrase, or
//!   its first or its last half: every occurrence within one passage or across two.
//! - **Not exact**: the candidates are the passages that share the most character bigrams
//!   with the quote (BM25 over the bigrams as phrases, the best [`CLOSEST_CANDIDATES`]).
//!
//! Candidates and their neighbours are loaded once and kept, normalized, in a bounded
//! cache of the index generation ([`CACHE_CHARS`] characters); it goes with the generation.
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
//!   by sliding a window as long as the quote over the candidates' runs and scoring the
//!   Dice coefficient of character bigrams between the quote and the window (trimmed to its
//!   first and last shared bigram). `similarity` is that coefficient, in `0..=1` (exact
//!   matches have `1.0`).
//!
//! [`cite_filtered`] looks only in the documents a [`DocFilter`] lets through (`doc`, `type`);
//! [`cite_with`] also stops at a [`Deadline`].

use crate::analysis::{fold, is_word_char};
use crate::corpus::{Passage, format_pages, path};
use crate::index::{DocBases, OpenIndex};
use crate::{Deadline, DocFilter, Engine, Error, Result, deadline};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

/// The longest quote accepted, in characters.
pub const MAX_CITE_CHARS: usize = 5_000;
/// The most exact matches returned (`total` still counts them all).
pub const MAX_MATCHES: usize = 50;
/// How many closest passages are returned when there is no exact match.
pub const MAX_CLOSEST: usize = 3;
/// Above this many passages for the quote's rarest character, exact candidates come from
/// phrases instead (see the module docs).
pub const ANCHOR_CAP: u64 = 5_000;
/// How many candidate passages are aligned when there is no exact match.
pub const CLOSEST_CANDIDATES: usize = 24;
/// The most normalized characters the per-generation cache keeps.
pub const CACHE_CHARS: usize = 2_000_000;
/// The most bigram phrases of a quote used to find the closest passages.
const MAX_BIGRAMS: usize = 48;

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
    cite_with(engine, text, &DocFilter::default(), None)
}

/// Finds where `text` stands in the documents `filter` lets through (see [`DocFilter`]):
/// exact matches and closest stretches are looked for only there. A filter that names no
/// document gives `exact: false` and no match, as a search with an unknown `doc` gives no
/// hit.
///
/// Errors: as [`cite`].
pub fn cite_filtered(engine: &Engine, text: &str, filter: &DocFilter) -> Result<CiteResult> {
    cite_with(engine, text, filter, None)
}

/// [`cite_filtered`], stopped with [`Error::Timeout`] once `deadline` has passed.
pub fn cite_with(
    engine: &Engine,
    text: &str,
    filter: &DocFilter,
    deadline: Option<Deadline>,
) -> Result<CiteResult> {
    let needle = validate(text)?;
    let ix = engine.index();
    let wanted: Option<HashSet<usize>> = filter.doc_ids(&ix.docs).map(|ids| {
        ix.docs
            .iter()
            .enumerate()
            .filter(|(_, d)| ids.contains(&d.id))
            .map(|(i, _)| i)
            .collect()
    });
    let mut ctx = Ctx::new(&ix, wanted, deadline);
    let (total, matches) = exact(&mut ctx, &needle)?;
    if total > 0 {
        return Ok(CiteResult {
            text: text.to_string(),
            exact: true,
            total,
            matches,
        });
    }
    let matches = closest(&mut ctx, &needle)?;
    Ok(CiteResult {
        text: text.to_string(),
        exact: false,
        total: 0,
        matches,
    })
}

/// The normalized quote, or why it cannot be cited.
fn validate(text: &str) -> Result<Vec<char>> {
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
    Ok(needle)
}

/// The normalized form of a text: folded, word characters only.
pub fn normalize(text: &str) -> Vec<char> {
    fold(text).chars().filter(|c| is_word_char(*c)).collect()
}

/// A passage, normalized for matching.
struct NormPassage {
    /// Global position in document order.
    seq: u64,
    passage: Passage,
    /// Normalized characters.
    chars: Vec<char>,
    /// Character offset in `passage.text` of each normalized character.
    offs: Vec<u32>,
    /// Character length of `passage.text`.
    len: usize,
}

impl NormPassage {
    fn new(seq: u64, passage: Passage) -> Self {
        let mut chars = Vec::new();
        let mut offs = Vec::new();
        let mut len = 0;
        for (off, c) in fold(&passage.text).chars().enumerate() {
            if is_word_char(c) {
                chars.push(c);
                offs.push(off as u32);
            }
            len = off + 1;
        }
        NormPassage {
            seq,
            passage,
            chars,
            offs,
            len,
        }
    }
}

/// The bounded cache of normalized passages of one index generation (first in, first out).
#[derive(Default)]
struct CiteCache {
    slots: Mutex<CacheSlots>,
}

#[derive(Default)]
struct CacheSlots {
    map: HashMap<u64, Arc<NormPassage>>,
    order: VecDeque<u64>,
    chars: usize,
}

impl CiteCache {
    fn get(&self, seq: u64) -> Option<Arc<NormPassage>> {
        let g = match self.slots.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        g.map.get(&seq).cloned()
    }

    fn put(&self, p: Arc<NormPassage>) {
        let mut g = match self.slots.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if g.map.contains_key(&p.seq) {
            return;
        }
        g.chars += p.chars.len() + 1;
        g.order.push_back(p.seq);
        g.map.insert(p.seq, p);
        while g.chars > CACHE_CHARS {
            let Some(old) = g.order.pop_front() else {
                break;
            };
            if let Some(o) = g.map.remove(&old) {
                g.chars = g.chars.saturating_sub(o.chars.len() + 1);
            }
        }
    }
}

/// What one cite works with: the generation, its searcher and cache, the documents let
/// through and the deadline.
struct Ctx<'a> {
    ix: &'a OpenIndex,
    searcher: Searcher,
    cache: Arc<CiteCache>,
    bases: Arc<DocBases>,
    wanted: Option<HashSet<usize>>,
    deadline: Option<Deadline>,
    steps: usize,
}

impl<'a> Ctx<'a> {
    fn new(ix: &'a OpenIndex, wanted: Option<HashSet<usize>>, deadline: Option<Deadline>) -> Self {
        Ctx {
            ix,
            searcher: ix.reader.searcher(),
            cache: ix.cache::<CiteCache>(),
            bases: ix.doc_bases(),
            wanted,
            deadline,
            steps: 0,
        }
    }

    /// Counts a step of work; checks the deadline on the first step and every 32nd.
    fn step(&mut self) -> Result<()> {
        let i = self.steps;
        self.steps += 1;
        match self.deadline {
            Some(d) => d.check_every(i, 32),
            None => Ok(()),
        }
    }

    /// Whether the passage at `seq` stands in a document the filter lets through.
    fn allowed(&self, seq: u64) -> bool {
        match (&self.wanted, self.bases.doc_of(seq)) {
            (None, Some(_)) => true,
            (Some(w), Some(d)) => w.contains(&d),
            (_, None) => false,
        }
    }

    fn term(&self, c: char) -> Term {
        Term::from_field_text(self.ix.fields.grams, c.encode_utf8(&mut [0u8; 4]))
    }

    /// The phrase (or term) query of normalized characters on the character field.
    fn phrase(&self, chars: &[char]) -> Box<dyn Query> {
        match chars {
            [c] => Box::new(TermQuery::new(self.term(*c), IndexRecordOption::Basic)),
            _ => Box::new(PhraseQuery::new(
                chars.iter().map(|c| self.term(*c)).collect(),
            )),
        }
    }

    /// The passage at `seq`, normalized, from the cache or the index.
    fn load(&mut self, seq: u64, addr: Option<DocAddress>) -> Result<Option<Arc<NormPassage>>> {
        if let Some(p) = self.cache.get(seq) {
            return Ok(Some(p));
        }
        self.step()?;
        let addr = match addr {
            Some(a) => a,
            None => {
                let q = TermQuery::new(
                    Term::from_field_u64(self.ix.fields.seq, seq),
                    IndexRecordOption::Basic,
                );
                let top = self
                    .searcher
                    .search(&q, &TopDocs::with_limit(1).order_by_score())?;
                match top.first() {
                    Some((_, a)) => *a,
                    None => return Ok(None),
                }
            }
        };
        let passage = self.ix.fields.stored_passage(&self.searcher, addr)?;
        let p = Arc::new(NormPassage::new(seq, passage));
        self.cache.put(p.clone());
        Ok(Some(p))
    }

    /// The passages matching `q` (global position and address), in document order, only
    /// in the documents let through.
    fn candidates(&self, q: &dyn Query) -> Result<Vec<(u64, DocAddress)>> {
        let mut found = self.searcher.search(q, &SeqCollector)?;
        found.retain(|(s, _)| self.allowed(*s));
        found.sort_unstable_by_key(|(s, _)| *s);
        found.dedup_by_key(|(s, _)| *s);
        Ok(found)
    }

    /// The run around `p`: the touching passages of its document before it (up to
    /// `before` normalized characters) and after it (up to `after`).
    fn window(&mut self, p: Arc<NormPassage>, before: usize, after: usize) -> Result<Window> {
        let doc = self.bases.doc_of(p.seq).unwrap_or(0);
        let first = self.bases.base(doc).unwrap_or(0);
        let end = self.bases.base(doc + 1).unwrap_or(first);
        let mut parts: VecDeque<Arc<NormPassage>> = VecDeque::from([p.clone()]);
        let mut got = 0;
        while got < before {
            let Some(head) = parts.front().cloned() else {
                break;
            };
            if head.seq <= first {
                break;
            }
            match self.load(head.seq - 1, None)? {
                Some(prev) if prev.passage.end == head.passage.start => {
                    got += prev.chars.len();
                    parts.push_front(prev);
                }
                _ => break,
            }
        }
        got = 0;
        while got < after {
            let Some(last) = parts.back().cloned() else {
                break;
            };
            if last.seq + 1 >= end {
                break;
            }
            match self.load(last.seq + 1, None)? {
                Some(next) if last.passage.end == next.passage.start => {
                    got += next.chars.len();
                    parts.push_back(next);
                }
                _ => break,
            }
        }
        Ok(Window::new(doc, parts.into()))
    }
}

/// Collects the global position and address of every matching passage.
struct SeqCollector;

struct SeqSegment {
    seq: tantivy::columnar::Column<u64>,
    segment: u32,
    out: Vec<(u64, DocAddress)>,
}

impl Collector for SeqCollector {
    type Fruit = Vec<(u64, DocAddress)>;
    type Child = SeqSegment;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<SeqSegment> {
        Ok(SeqSegment {
            seq: reader.fast_fields().u64("seq")?,
            segment,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u64, DocAddress)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SeqSegment {
    type Fruit = Vec<(u64, DocAddress)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(s) = self.seq.first(doc) {
            self.out.push((s, DocAddress::new(self.segment, doc)));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.out
    }
}

/// Touching passages of one document, normalized and concatenated.
struct Window {
    doc: usize,
    parts: Vec<Arc<NormPassage>>,
    chars: Vec<char>,
    /// `(part, index in its normalized characters)` of each character.
    origin: Vec<(u32, u32)>,
}

impl Window {
    fn new(doc: usize, parts: Vec<Arc<NormPassage>>) -> Self {
        let mut chars = Vec::new();
        let mut origin = Vec::new();
        for (pi, p) in parts.iter().enumerate() {
            chars.extend_from_slice(&p.chars);
            origin.extend((0..p.chars.len()).map(|i| (pi as u32, i as u32)));
        }
        Window {
            doc,
            parts,
            chars,
            origin,
        }
    }

    /// The global place of character `a`: (passage position, char offset in its text).
    fn place(&self, a: usize) -> (u64, usize) {
        let (pi, i) = self.origin[a];
        let p = &self.parts[pi as usize];
        (p.seq, p.offs[i as usize] as usize)
    }

    /// The starts of the occurrences of `needle` in the window.
    fn occurrences(&self, needle: &str) -> Vec<usize> {
        let hay: String = self.chars.iter().collect();
        let starts: Vec<usize> = hay.char_indices().map(|(b, _)| b).collect();
        hay.match_indices(needle)
            .map(|(b, _)| starts.partition_point(|&s| s < b))
            .collect()
    }

    /// The match covering normalized characters `[a, b)` of the window (`a < b`).
    fn matched(&self, ix: &OpenIndex, a: usize, b: usize, similarity: f32) -> CiteMatch {
        let (pa, ia) = self.origin[a];
        let (pb, ib) = self.origin[b - 1];
        let (pa, pb) = (pa as usize, pb as usize);
        let oa = self.parts[pa].offs[ia as usize] as usize;
        let ob = self.parts[pb].offs[ib as usize] as usize;
        let mut spans = Vec::new();
        let mut quote = String::new();
        for pi in pa..=pb {
            let s = if pi == pa { oa } else { 0 };
            let e = if pi == pb { ob + 1 } else { self.parts[pi].len };
            let p = &self.parts[pi].passage;
            quote.extend(p.text.chars().skip(s).take(e - s));
            spans.push(Span {
                id: p.id.clone(),
                start: s,
                end: e,
            });
        }
        let first = &self.parts[pa].passage;
        let last = &self.parts[pb].passage;
        let (title, page_starts) = match ix.docs.get(self.doc) {
            Some(d) => (d.title.as_str(), d.page_starts.as_slice()),
            None => ("", &[][..]),
        };
        let pages = pages_of(page_starts, first.start + oa, last.start + ob + 1);
        let place = place(title, first, last);
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

/// Every exact occurrence: `(total, the first MAX_MATCHES in document order)`.
fn exact(ctx: &mut Ctx<'_>, needle: &[char]) -> Result<(usize, Vec<CiteMatch>)> {
    let n = needle.len();
    // The rarest character; a character absent from the index means no occurrence.
    let mut rarest: Option<(u64, char)> = None;
    for &c in needle.iter().collect::<HashSet<_>>() {
        let df = ctx.searcher.doc_freq(&ctx.term(c))?;
        if df == 0 {
            return Ok((0, Vec::new()));
        }
        if rarest.is_none_or(|(r, rc)| (df, c) < (r, rc)) {
            rarest = Some((df, c));
        }
    }
    let Some((df, anchor)) = rarest else {
        return Ok((0, Vec::new()));
    };
    let q: Box<dyn Query> = if df <= ANCHOR_CAP || n == 1 {
        ctx.phrase(&[anchor])
    } else {
        let h = n.div_ceil(2);
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, ctx.phrase(needle)),
            (Occur::Should, ctx.phrase(&needle[..h])),
            (Occur::Should, ctx.phrase(&needle[n - h..])),
        ]))
    };
    let needle_str: String = needle.iter().collect();
    let kmp = Kmp::new(needle);
    let rev: Vec<char> = needle.iter().rev().copied().collect();
    let kmp_rev = Kmp::new(&rev);
    // (passage position, char offset) of each occurrence's start → (window, start).
    let mut found: BTreeMap<(u64, usize), (usize, usize)> = BTreeMap::new();
    let mut windows: Vec<Window> = Vec::new();
    let candidates = ctx.candidates(&*q)?;
    deadline::check(ctx.deadline)?;
    for (seq, addr) in candidates {
        let Some(p) = ctx.load(seq, Some(addr))? else {
            continue;
        };
        // Only look at the neighbours when an occurrence could cross into them.
        let forward = kmp.tail_state(&p.chars) > 0;
        let backward = kmp_rev.tail_state_rev(&p.chars) > 0;
        let inside = p.chars.len() < n && {
            let s: String = p.chars.iter().collect();
            !s.is_empty() && needle_str.contains(&s)
        };
        let before = if backward || inside { n - 1 } else { 0 };
        let after = if forward || inside { n - 1 } else { 0 };
        let w = ctx.window(p, before, after)?;
        let occ = w.occurrences(&needle_str);
        if occ.is_empty() {
            continue;
        }
        let wi = windows.len();
        for a in occ {
            found.entry(w.place(a)).or_insert((wi, a));
        }
        windows.push(w);
    }
    let total = found.len();
    let matches = found
        .values()
        .take(MAX_MATCHES)
        .map(|&(wi, a)| windows[wi].matched(ctx.ix, a, a + n, 1.0))
        .collect();
    Ok((total, matches))
}

/// The Knuth–Morris–Pratt failure function of a pattern.
struct Kmp<'a> {
    pat: &'a [char],
    fail: Vec<usize>,
}

impl<'a> Kmp<'a> {
    fn new(pat: &'a [char]) -> Self {
        let mut fail = vec![0; pat.len() + 1];
        let mut k = 0;
        for i in 1..pat.len() {
            while k > 0 && pat[i] != pat[k] {
                k = fail[k];
            }
            if pat[i] == pat[k] {
                k += 1;
            }
            fail[i + 1] = k;
        }
        Kmp { pat, fail }
    }

    fn feed(&self, mut k: usize, c: char) -> usize {
        if k == self.pat.len() {
            k = self.fail[k];
        }
        while k > 0 && self.pat[k] != c {
            k = self.fail[k];
        }
        if self.pat.get(k) == Some(&c) {
            k + 1
        } else {
            0
        }
    }

    /// The length of the longest proper prefix of the pattern that `text` ends with.
    fn tail_state(&self, text: &[char]) -> usize {
        let k = text.iter().fold(0, |k, &c| self.feed(k, c));
        if k == self.pat.len() { self.fail[k] } else { k }
    }

    /// [`tail_state`](Self::tail_state) of `text` read backwards.
    fn tail_state_rev(&self, text: &[char]) -> usize {
        let k = text.iter().rev().fold(0, |k, &c| self.feed(k, c));
        if k == self.pat.len() { self.fail[k] } else { k }
    }
}

/// A scored stretch: (similarity, start place, end place, window, a, b).
type Stretch = (f32, (u64, usize), (u64, usize), usize, usize, usize);

/// The closest stretches, best first.
fn closest(ctx: &mut Ctx<'_>, needle: &[char]) -> Result<Vec<CiteMatch>> {
    let n = needle.len();
    if n < 2 {
        return Ok(Vec::new());
    }
    let mut bigrams: Vec<[char; 2]> = Vec::new();
    let mut seen = HashSet::new();
    for w in needle.windows(2) {
        if seen.insert([w[0], w[1]]) {
            bigrams.push([w[0], w[1]]);
        }
    }
    // A long quote: bigrams spread evenly over it.
    let stride = bigrams.len().div_ceil(MAX_BIGRAMS).max(1);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = bigrams
        .iter()
        .step_by(stride)
        .map(|b| (Occur::Should, ctx.phrase(b)))
        .collect();
    if let Some(w) = &ctx.wanted {
        let docs: Vec<(Occur, Box<dyn Query>)> = w
            .iter()
            .map(|&d| {
                let t = Term::from_field_u64(ctx.ix.fields.docn, d as u64);
                (
                    Occur::Should,
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        clauses = vec![
            (
                Occur::Must,
                Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>,
            ),
            (Occur::Must, Box::new(BooleanQuery::new(docs))),
        ];
    }
    let q = BooleanQuery::new(clauses);
    let top = ctx.searcher.search(
        &q,
        &TopDocs::with_limit(CLOSEST_CANDIDATES).order_by_score(),
    )?;
    let mut scored: Vec<Stretch> = Vec::new();
    let mut windows = Vec::new();
    for (_, addr) in top {
        let seq = ctx
            .searcher
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .u64("seq")?
            .first(addr.doc_id);
        let Some(seq) = seq.filter(|&s| ctx.allowed(s)) else {
            continue;
        };
        let Some(p) = ctx.load(seq, Some(addr))? else {
            continue;
        };
        let w = ctx.window(p, n, n)?;
        let wi = windows.len();
        for (sim, a, b) in closest_windows(needle, &w.chars, MAX_CLOSEST) {
            scored.push((sim, w.place(a), w.place(b - 1), wi, a, b));
        }
        windows.push(w);
        deadline::check(ctx.deadline)?;
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut picked: Vec<((u64, usize), (u64, usize))> = Vec::new();
    let mut out = Vec::new();
    for (sim, s, e, wi, a, b) in scored {
        if out.len() >= MAX_CLOSEST {
            break;
        }
        // Stretches of different windows may be the same text: keep disjoint ones.
        if picked.iter().any(|&(ps, pe)| s <= pe && ps <= e) {
            continue;
        }
        picked.push((s, e));
        out.push(windows[wi].matched(ctx.ix, a, b, sim));
    }
    Ok(out)
}

/// The labels locating a passage: those of its outline group without the article, and
/// in a line-broken policy text its item (`2.` → `2`).
pub(crate) fn labels(p: &Passage) -> Vec<&str> {
    path::cited_labels(p.group())
}

/// `《title》` followed by where `first` … `last` stand: the article of a law
/// (`第六条`, or `第五条至第七条` across articles), else the labels common to both
/// (`第一章第一节`).
pub(crate) fn place(title: &str, first: &Passage, last: &Passage) -> String {
    let mut s = format!("《{title}》");
    if let (Some(a), Some(b)) = (path::article(&first.path), path::article(&last.path)) {
        s.push_str(&a.label);
        if a.label != b.label {
            s.push('至');
            s.push_str(&b.label);
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
    fn kmp_finds_where_a_quote_could_cross_a_passage_boundary() {
        let c = |s: &str| s.chars().collect::<Vec<char>>();
        let needle = c("甲乙丙甲乙");
        let k = Kmp::new(&needle);
        // The longest proper prefix of the quote that a passage ends with.
        assert_eq!(k.tail_state(&c("xx甲乙")), 2);
        assert_eq!(k.tail_state(&c("xx甲乙丙甲")), 4);
        assert_eq!(
            k.tail_state(&c("甲乙丙甲乙")),
            2,
            "the whole quote: its border"
        );
        assert_eq!(k.tail_state(&c("乙丙")), 0);
        // The longest proper suffix of the quote that a passage starts with.
        let rev: Vec<char> = needle.iter().rev().copied().collect();
        let kr = Kmp::new(&rev);
        assert_eq!(kr.tail_state_rev(&c("丙甲乙xx")), 3);
        assert_eq!(kr.tail_state_rev(&c("乙xx")), 1);
        assert_eq!(kr.tail_state_rev(&c("丙xx")), 0);
    }

    #[test]
    fn pages() {
        let ps = [(0, 1), (10, 2), (20, 3)];
        assert_eq!(page_at(&ps, 9), Some(1));
        assert_eq!(pages_of(&ps, 15, 21), Some([2, 3]));
        assert_eq!(pages_of(&ps, 15, 20), Some([2, 2]));
    }
}
