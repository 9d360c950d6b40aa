//! Queries, ranking, snippets and result types.
//!
//! [`Engine`] wraps an opened index (one reader for the process; a searcher per request)
//! and answers [`SearchRequest`]s with a [`SearchResponse`].
//!
//! # Ranking
//!
//! Every required word must match (see [`query`] for what matching means). The score is
//! BM25 over the words of the text, plus:
//! - the whole query found as one contiguous run of characters (punctuation ignored),
//! - the query's words near each other, in order (a phrase with slop),
//! - the words in the passage's lead sentence (or a sidebar item's label),
//! - the words in its chapter, section and sidebar titles.
//!
//! When no passage has every required word, the best partial matches are returned and the
//! response says `"partial": true`. Ties keep document order.

mod library;
pub mod query;
pub mod snippet;

pub use library::resolve_docs;
pub use query::{MAX_QUERY_CHARS, ParsedQuery};

use crate::analysis::grams;
use crate::corpus::{Passage, PassageKind};
use crate::index::{self, DocInfo, Fields, OpenIndex};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TantivyDocument, Term};

/// Largest `limit`.
pub const MAX_LIMIT: usize = 100;
/// Largest `offset`.
pub const MAX_OFFSET: usize = 10_000;

/// A search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query text.
    pub q: String,
    /// How many hits (1..=[`MAX_LIMIT`]).
    pub limit: usize,
    /// How many hits to skip (0..=[`MAX_OFFSET`]).
    pub offset: usize,
    /// Only passages of this chapter.
    pub chapter: Option<u32>,
    /// Only passages of this kind.
    pub kind: Option<PassageKind>,
    /// Only passages of this document: its id, or words of its title (every word must be
    /// in the title; all documents whose title has them).
    pub doc: Option<String>,
    /// Only passages of documents of this kind (`法律`, `地方性法规`, `规划`…).
    pub doc_type: Option<String>,
}

impl SearchRequest {
    /// A request for `q` with default paging (10 hits from the first).
    pub fn new(q: impl Into<String>) -> Self {
        SearchRequest {
            q: q.into(),
            limit: 10,
            offset: 0,
            chapter: None,
            kind: None,
            doc: None,
            doc_type: None,
        }
    }

    /// Checks `limit` and `offset`.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_LIMIT).contains(&self.limit) {
            return Err(Error::BadRequest(format!(
                "limit must be between 1 and {MAX_LIMIT}, got {}",
                self.limit
            )));
        }
        if self.offset > MAX_OFFSET {
            return Err(Error::BadRequest(format!(
                "offset must be at most {MAX_OFFSET}, got {}",
                self.offset
            )));
        }
        Ok(())
    }
}

/// One hit: the passage's fields plus score, snippet and highlights.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct Hit {
    /// The passage.
    #[serde(flatten)]
    pub passage: Passage,
    /// The heading path (`第二章 … › 第二节 …`).
    pub path: String,
    /// Relevance score (higher is better; comparable within one response).
    pub score: f32,
    /// HTML snippet: escaped text with `<mark>` around matches.
    pub snippet: String,
    /// `[start, end)` character offsets of matches in `text`.
    pub highlights: Vec<[usize; 2]>,
    /// The title of the passage's document.
    pub doc_title: String,
    /// Other dated versions of the same law whose same passage also matched, folded under
    /// this hit (the newest version's), newest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<Version>,
}

/// An older version of a hit's passage (see [`Hit::versions`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct Version {
    /// The document id of that version.
    pub doc: String,
    /// Its date, ISO.
    pub date: Option<String>,
    /// The passage id in that version.
    pub id: String,
}

/// A search response.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct SearchResponse {
    /// The query as received.
    pub query: String,
    /// Number of matching passages.
    pub total: usize,
    /// Whether no passage matched every required word, so these are partial matches.
    pub partial: bool,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
    /// The words searched for (after segmentation), for the user to see.
    pub terms: Vec<String>,
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Hit counts per chapter number (`"0"`: outside chapters), over all matches.
    pub facets: BTreeMap<String, usize>,
    /// Hit counts per document id, over all matches.
    pub doc_facets: BTreeMap<String, usize>,
    /// Hit counts per document kind (`法律`, `规划`…), over all matches.
    pub type_facets: BTreeMap<String, usize>,
}

/// How one query word is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// As a word or a part of a compound word.
    Word,
    /// As a substring (infix) of the text.
    Substring,
    /// A dictionary word that never stands as a word in the corpus: matches nothing.
    Nothing,
}

/// The search engine over one opened index. Cheap to clone; share it.
#[derive(Clone)]
pub struct Engine {
    current: Arc<RwLock<Arc<OpenIndex>>>,
    index_dir: Arc<Path>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("index_dir", &self.index_dir)
            .finish()
    }
}

impl Engine {
    /// Opens the index at `index_dir`.
    pub fn open(index_dir: &Path) -> Result<Self> {
        let open = index::open(index_dir)?;
        Ok(Engine {
            current: Arc::new(RwLock::new(Arc::new(open))),
            index_dir: Arc::from(index_dir),
        })
    }

    /// The index currently served.
    pub fn index(&self) -> Arc<OpenIndex> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Re-opens the index if a newer generation has been built; returns whether it did.
    pub fn reload_if_changed(&self) -> Result<bool> {
        let live = index::current_generation(&self.index_dir);
        let cur = self.index();
        let cur_name = cur
            .generation
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        if live.is_none() || live == cur_name {
            return Ok(false);
        }
        let fresh = Arc::new(index::open(&self.index_dir)?);
        match self.current.write() {
            Ok(mut g) => *g = fresh,
            Err(p) => *p.into_inner() = fresh,
        }
        tracing::info!(generation = ?live, "index reloaded");
        Ok(true)
    }

    /// The documents' outlines.
    pub fn documents(&self) -> Arc<Vec<DocInfo>> {
        self.index().docs.clone()
    }

    /// Number of passages indexed.
    pub fn passage_count(&self) -> usize {
        self.index().meta.passages
    }

    /// Searches.
    #[tracing::instrument(skip(self), fields(q = %req.q))]
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = std::time::Instant::now();
        req.validate()?;
        let ix = self.index();
        let pq = query::parse(&req.q, &ix.segmenter)?;
        let searcher = ix.reader.searcher();
        let f = ix.fields;

        let plan = QueryPlan::new(&pq, &searcher, &ix)?;
        let mut filters = filters(&f, req);
        library::filters(&ix, req, &mut filters);
        // One pass collects the count, the hits and the facets; a second pass runs only
        // when nothing matched every word. Over a library, more than a page is fetched:
        // versions of one law fold into one hit (and are counted once); when folding
        // leaves the page short, the fetch grows.
        let library = ix.docs.len() > 1;
        let want = req.offset + req.limit;
        let mut fetch = if library { want * 3 + 10 } else { want };
        let mut strict = true;
        let (total, partial, facets, dcounts, folded) = loop {
            let collector = (
                Count,
                TopDocs::with_limit(fetch).order_by_score(),
                (FieldCounts("chapter"), DocFoldCounts),
            );
            let q = plan.build(&f, strict, &filters);
            let (total, top, (counts, dcounts)) = searcher.search(&*q, &collector)?;
            if total == 0 && strict && plan.can_relax() {
                strict = false;
                continue;
            }
            let total = if library {
                library::folded_total(&dcounts)
            } else {
                total
            };
            let complete = top.len() < fetch;
            let mut scored = Vec::with_capacity(top.len());
            if req.offset < top.len() {
                for (score, addr) in top {
                    scored.push((score, load_passage(&searcher, &f, addr)?));
                }
            }
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.seq.cmp(&b.1.seq)));
            let folded = library::fold_versions(&ix, scored);
            if folded.len() >= want || complete || fetch >= 50_000 {
                let facets: BTreeMap<String, usize> = counts
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                break (total, !strict, facets, dcounts, folded);
            }
            fetch = (fetch * 4).min(50_000);
        };
        let partial = partial && total > 0;
        let terms = plan.highlight_terms();
        let mut hits = Vec::new();
        for (score, p, versions) in folded.into_iter().skip(req.offset).take(req.limit) {
            let s = snippet::make(&p.text, &terms);
            hits.push(Hit {
                path: p.section_path(),
                doc_title: library::doc_title(&ix, &p.doc),
                passage: p,
                score,
                snippet: s.html,
                highlights: s.highlights,
                versions,
            });
        }
        let (doc_facets, type_facets) = library::facets(&ix, &dcounts);
        Ok(SearchResponse {
            query: req.q.clone(),
            total,
            partial,
            took_ms: (started.elapsed().as_secs_f64() * 1e3 * 1000.0).round() / 1000.0,
            terms: plan.words.iter().map(|w| w.0.clone()).collect(),
            hits,
            facets,
            doc_facets,
            type_facets,
        })
    }

    /// The passage with this id.
    pub fn passage(&self, id: &str) -> Result<Passage> {
        let ix = self.index();
        let searcher = ix.reader.searcher();
        let term = Term::from_field_text(ix.fields.id, id);
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => load_passage(&searcher, &ix.fields, *addr),
            None => Err(Error::NotFound(id.to_string())),
        }
    }

    /// The passage at position `seq` in document order.
    pub fn passage_at(&self, seq: u64) -> Result<Option<Passage>> {
        let ix = self.index();
        let searcher = ix.reader.searcher();
        let term = Term::from_field_u64(ix.fields.seq, seq);
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => Ok(Some(load_passage(&searcher, &ix.fields, *addr)?)),
            None => Ok(None),
        }
    }

    /// The passages before and after `p` in the same document.
    pub fn neighbours(&self, p: &Passage) -> Result<(Option<Passage>, Option<Passage>)> {
        let g = self.global_seq(p)?;
        let prev = match g.checked_sub(1) {
            Some(s) => self.passage_at(s)?,
            None => None,
        };
        let next = self.passage_at(g + 1)?;
        let same = |o: Option<Passage>| o.filter(|x| x.doc == p.doc);
        Ok((same(prev), same(next)))
    }

    /// The global position of a passage (documents are indexed one after the other).
    fn global_seq(&self, p: &Passage) -> Result<u64> {
        let ix = self.index();
        let mut base = 0u64;
        for d in ix.docs.iter() {
            if d.id == p.doc {
                return Ok(base + p.seq as u64);
            }
            base += d.passages as u64;
        }
        Err(Error::NotFound(p.doc.clone()))
    }

    /// All passages of a document, in order.
    pub fn passages_of(&self, doc: &str) -> Result<Vec<Passage>> {
        let ix = self.index();
        let mut base = 0u64;
        for d in ix.docs.iter() {
            if d.id == doc {
                let mut out = Vec::with_capacity(d.passages);
                for s in base..base + d.passages as u64 {
                    if let Some(p) = self.passage_at(s)? {
                        out.push(p);
                    }
                }
                return Ok(out);
            }
            base += d.passages as u64;
        }
        Err(Error::NotFound(doc.to_string()))
    }
}

fn load_passage(searcher: &Searcher, f: &Fields, addr: DocAddress) -> Result<Passage> {
    let d: TantivyDocument = searcher.doc(addr)?;
    let json = d
        .get_first(f.json)
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::Query("stored passage missing".into()))?;
    Ok(serde_json::from_str(json)?)
}

fn filters(f: &Fields, req: &SearchRequest) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if let Some(c) = req.chapter {
        out.push(Box::new(TermQuery::new(
            Term::from_field_u64(f.chapter, u64::from(c)),
            IndexRecordOption::Basic,
        )));
    }
    if let Some(k) = req.kind {
        out.push(Box::new(TermQuery::new(
            Term::from_field_text(f.kind, k.as_str()),
            IndexRecordOption::Basic,
        )));
    }
    out
}

/// The query, resolved against the index: how each word matches.
struct QueryPlan {
    /// (word, mode, required)
    words: Vec<(String, Mode, bool)>,
    phrases: Vec<String>,
    excluded: Vec<(String, Mode)>,
    runs: Vec<Vec<String>>,
    compact: String,
}

impl QueryPlan {
    fn new(pq: &ParsedQuery, searcher: &Searcher, ix: &OpenIndex) -> Result<Self> {
        let f = ix.fields;
        let mode_of = |w: &str| -> Result<Mode> {
            // One character: every occurrence, not only where jieba left it alone.
            if w.chars().count() == 1 {
                return Ok(Mode::Substring);
            }
            let df = searcher.doc_freq(&Term::from_field_text(f.text, w))?
                + searcher.doc_freq(&Term::from_field_text(f.parts, w))?
                + searcher.doc_freq(&Term::from_field_text(f.titles, w))?;
            Ok(if df > 0 {
                Mode::Word
            } else if !ix.segmenter.has_word(w) {
                Mode::Substring
            } else {
                Mode::Nothing
            })
        };
        let mut words = Vec::new();
        for w in &pq.required {
            words.push((w.text.clone(), mode_of(&w.text)?, true));
        }
        for w in &pq.optional {
            words.push((w.text.clone(), mode_of(&w.text)?, false));
        }
        let mut excluded = Vec::new();
        for e in &pq.excluded {
            excluded.push((e.clone(), mode_of(e)?));
        }
        Ok(QueryPlan {
            words,
            phrases: pq.phrases.clone(),
            excluded,
            runs: pq.runs.clone(),
            compact: pq.compact.clone(),
        })
    }

    fn can_relax(&self) -> bool {
        self.words.iter().filter(|w| w.2).count() > 1 || !self.phrases.is_empty()
    }

    /// The strings to mark in snippets: matched words (single characters only when typed
    /// alone) and the words of phrases.
    fn highlight_terms(&self) -> Vec<String> {
        let single_ok = self.words.len() == 1;
        let mut out: Vec<String> = self
            .words
            .iter()
            .filter(|(w, m, _)| *m != Mode::Nothing && (single_ok || w.chars().count() > 1))
            .map(|(w, _, _)| w.clone())
            .collect();
        for p in &self.phrases {
            let compact: String = p
                .chars()
                .filter(|c| crate::analysis::is_word_char(*c))
                .collect();
            out.push(compact);
            for w in p.split_whitespace() {
                out.push(
                    w.chars()
                        .filter(|c| crate::analysis::is_word_char(*c))
                        .collect(),
                );
            }
        }
        if self.compact.chars().count() > 1 {
            out.push(self.compact.clone());
        }
        out.retain(|s| !s.is_empty());
        out
    }

    fn word_query(f: &Fields, w: &str, mode: Mode) -> Box<dyn Query> {
        match mode {
            Mode::Word => Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.text, w),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                ),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.parts, w),
                            IndexRecordOption::WithFreqs,
                        )),
                        0.7,
                    )),
                ),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.titles, w),
                            IndexRecordOption::WithFreqs,
                        )),
                        0.4,
                    )),
                ),
            ])),
            Mode::Substring => Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(gram_phrase(f.grams, w), 0.6)) as Box<dyn Query>,
                ),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(gram_phrase(f.title_grams, w), 0.3)),
                ),
            ])),
            Mode::Nothing => Box::new(EmptyQuery),
        }
    }

    fn build(&self, f: &Fields, strict: bool, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut matching: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (w, mode, required) in &self.words {
            let q = Self::word_query(f, w, *mode);
            if *required && strict {
                matching.push((Occur::Must, q));
            } else if *required {
                matching.push((Occur::Should, q));
            } else {
                matching.push((Occur::Should, Box::new(BoostQuery::new(q, 0.3))));
            }
        }
        for p in &self.phrases {
            let occur = if strict { Occur::Must } else { Occur::Should };
            matching.push((
                occur,
                Box::new(BoostQuery::new(gram_phrase(f.grams, p), 2.0)),
            ));
        }
        if !strict {
            // Partial: at least one thing must match.
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(matching))));
        } else {
            clauses.extend(matching);
        }
        // Boosts.
        if self.compact.chars().count() >= 3 && self.words.len() > 1 {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(gram_phrase(f.grams, &self.compact), 1.5)),
            ));
            // The whole query is a heading's title: the heading's opening passage first.
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.entry_exact, &self.compact),
                        IndexRecordOption::Basic,
                    )),
                    30.0,
                )),
            ));
            // The whole query inside a heading: the heading's opening passage.
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    gram_phrase(f.entry_grams, &self.compact),
                    2.5,
                )),
            ));
        }
        for run in &self.runs {
            if run.len() >= 2 {
                let terms: Vec<(usize, Term)> = run
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (i, Term::from_field_text(f.text, w)))
                    .collect();
                let slop = (2 * run.len()) as u32;
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)),
                        1.0,
                    )),
                ));
            }
        }
        for (w, mode, required) in &self.words {
            if *mode == Mode::Nothing {
                continue;
            }
            let weight = if *required { 1.0 } else { 0.3 };
            for (field, boost) in [(f.lead, 1.6), (f.entry, 2.0), (f.chapter_title, 0.2)] {
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, w),
                            IndexRecordOption::WithFreqs,
                        )),
                        boost * weight,
                    )),
                ));
            }
        }
        for (w, mode) in &self.excluded {
            let m = if *mode == Mode::Nothing {
                Mode::Substring
            } else {
                *mode
            };
            clauses.push((Occur::MustNot, Self::word_query(f, w, m)));
        }
        for flt in filters {
            clauses.push((Occur::Must, flt.box_clone()));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

/// A substring query on a gram field: the phrase of the text's characters (one
/// character: its term).
fn gram_phrase(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    let g = grams(text);
    match g.as_slice() {
        [] => Box::new(EmptyQuery),
        [one] => Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        )),
        _ => Box::new(PhraseQuery::new(
            g.iter().map(|s| Term::from_field_text(field, s)).collect(),
        )),
    }
}

/// The sum of the segments' counts.
fn merge_counts<K: Ord>(fruits: Vec<BTreeMap<K, usize>>) -> BTreeMap<K, usize> {
    let mut out = BTreeMap::new();
    for f in fruits {
        for (k, v) in f {
            *out.entry(k).or_insert(0) += v;
        }
    }
    out
}

/// Counts matching passages per document (`docn`) and place among versions (`fold`;
/// 0 for a document without versions, whose passages are counted under one entry).
pub(crate) struct DocFoldCounts;

pub(crate) struct DocFoldSegmentCounts {
    docn: tantivy::columnar::Column<u64>,
    fold: tantivy::columnar::Column<u64>,
    counts: BTreeMap<(u64, u64), usize>,
}

impl Collector for DocFoldCounts {
    type Fruit = BTreeMap<(u64, u64), usize>;
    type Child = DocFoldSegmentCounts;

    fn for_segment(
        &self,
        _segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<DocFoldSegmentCounts> {
        Ok(DocFoldSegmentCounts {
            docn: segment.fast_fields().u64("docn")?,
            fold: segment.fast_fields().u64("fold")?,
            counts: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<BTreeMap<(u64, u64), usize>>,
    ) -> tantivy::Result<BTreeMap<(u64, u64), usize>> {
        Ok(merge_counts(fruits))
    }
}

impl SegmentCollector for DocFoldSegmentCounts {
    type Fruit = BTreeMap<(u64, u64), usize>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(d) = self.docn.first(doc) {
            let f = self.fold.first(doc).unwrap_or(0);
            *self.counts.entry((d, f)).or_insert(0) += 1;
        }
    }

    fn harvest(self) -> BTreeMap<(u64, u64), usize> {
        self.counts
    }
}

/// Counts matching passages per value of a u64 fast field (`chapter`, `docn`).
pub(crate) struct FieldCounts(pub(crate) &'static str);

pub(crate) struct FieldSegmentCounts {
    column: tantivy::columnar::Column<u64>,
    counts: BTreeMap<u64, usize>,
}

impl Collector for FieldCounts {
    type Fruit = BTreeMap<u64, usize>;
    type Child = FieldSegmentCounts;

    fn for_segment(
        &self,
        _segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<FieldSegmentCounts> {
        Ok(FieldSegmentCounts {
            column: segment.fast_fields().u64(self.0)?,
            counts: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<BTreeMap<u64, usize>>,
    ) -> tantivy::Result<BTreeMap<u64, usize>> {
        Ok(merge_counts(fruits))
    }
}

impl SegmentCollector for FieldSegmentCounts {
    type Fruit = BTreeMap<u64, usize>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(v) = self.column.first(doc) {
            *self.counts.entry(v).or_insert(0) += 1;
        }
    }

    fn harvest(self) -> BTreeMap<u64, usize> {
        self.counts
    }
}
