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

mod collect;
pub mod expand;
mod library;
mod plan;
pub mod query;
pub mod rank;
mod segments;
pub mod snippet;
mod stats;

pub use expand::Expansion;
pub use library::{DocFacets, resolve_docs};
pub use query::{MAX_QUERY_CHARS, ParsedQuery};
pub use rank::Weights;

use crate::corpus::{Passage, PassageKind};
use crate::index::{self, DocInfo, Fields, OpenIndex};
use crate::{Error, Result};
use plan::{QueryPlan, Role};
use rank::{DocFactors, DocTable, EvidenceWord};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use tantivy::collector::TopDocs;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

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
    /// Whether each hit says what each ranking signal contributed.
    pub explain: bool,
    /// When the work must stop ([`Error::Timeout`]): checked before each pass over the
    /// index and while hits are built.
    pub deadline: Option<crate::Deadline>,
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
            explain: false,
            deadline: None,
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
    /// What each ranking signal contributed (with `explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// What each ranking signal contributed to a hit's score (see [`rank`]): `score` =
/// `query` × exp(`prior` + `title` + `place` + `version`) + `document`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct Explain {
    /// The query's own score of the passage (BM25 over its words and the boosts).
    pub query: f32,
    /// Log-prior of the document's kind (法律 before 地方性法规…).
    pub prior: f32,
    /// Log-factor of the query's words in the document's title.
    pub title: f32,
    /// Log-factor of the place the query names.
    pub place: f32,
    /// Log-factor of an older version.
    pub version: f32,
    /// Evidence added from the document's other matching passages.
    pub document: f32,
    /// Whether the passage matched every required word (strict) or was a partial match.
    pub strict: bool,
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
    /// Words added by query expansion, each with the user's word it came from and its
    /// weight (the user's words weigh 1).
    pub expanded: Vec<Expansion>,
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Hit counts per chapter number (`"0"`: outside chapters), over all matches.
    pub facets: BTreeMap<String, usize>,
    /// Hit counts per document id, over all matches.
    #[cfg_attr(feature = "http", schema(value_type = BTreeMap<String, usize>))]
    pub doc_facets: DocFacets,
    /// Hit counts per document kind (`法律`, `规划`…), over all matches.
    pub type_facets: BTreeMap<String, usize>,
}

/// The search engine over one opened index. Cheap to clone; share it.
#[derive(Clone)]
pub struct Engine {
    current: Arc<RwLock<Arc<OpenIndex>>>,
    index_dir: Arc<Path>,
    /// The ranking's table of documents, for the generation it was built from.
    table: Arc<RwLock<Option<TableOf>>>,
}

/// The ranking's table of documents and the generation it was built from.
type TableOf = (PathBuf, Arc<DocTable>);

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
            table: Arc::new(RwLock::new(None)),
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

    /// The ranking's table of the documents of `ix`, built once per index generation.
    fn doc_table(&self, ix: &OpenIndex) -> Arc<DocTable> {
        let cached = match self.table.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        if let Some((gen_dir, t)) = cached
            && gen_dir == ix.generation
        {
            return t;
        }
        let t = Arc::new(DocTable::new(ix));
        let fresh = Some((ix.generation.clone(), t.clone()));
        match self.table.write() {
            Ok(mut g) => *g = fresh,
            Err(p) => *p.into_inner() = fresh,
        }
        t
    }

    /// Searches.
    #[tracing::instrument(skip_all, fields(q = %req.q))]
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = std::time::Instant::now();
        req.validate()?;
        let ix = self.index();
        let w = Weights::current();
        let pq = query::parse(&req.q, &ix.segmenter)?;
        let searcher = ix.reader.searcher();
        let f = ix.fields;
        let library = ix.docs.len() > 1;
        let stats = stats::Stats::new(&searcher, ix.cache::<stats::TermStats>());
        let mut plan = QueryPlan::new(&pq, &stats, &ix, w)?;
        if library {
            let users: Vec<&str> = plan.required().map(|x| x.text.as_str()).collect();
            let exps =
                expand::Expansions::embedded().expand(&users, w.expansion, w.expansion_per_word);
            plan.expand(&stats, &f, exps, w)?;
        }
        let mut filters = filters(&f, req);
        library::filters(&ix, req, &mut filters);
        let factors = Arc::new(if library {
            let words: Vec<EvidenceWord<'_>> = plan
                .words
                .iter()
                .filter(|x| x.role != Role::Expanded)
                .map(|x| EvidenceWord {
                    text: &x.text,
                    boost: x.boost,
                })
                .collect();
            DocFactors::new(&self.doc_table(&ix), &words, w)
        } else {
            DocFactors::default()
        });
        let found = collect::run(&stats, &ix, &plan, req, w, &filters, &factors)?;
        let terms = plan.highlight_terms();
        let mut hits = Vec::new();
        for c in found.ranked.iter().skip(req.offset).take(req.limit) {
            crate::deadline::check(req.deadline)?;
            hits.push(self.hit(&ix, &searcher, c, &terms, req.explain.then_some(&*factors))?);
        }
        let (doc_facets, type_facets) = library::facets(&ix, &found.dcounts);
        Ok(SearchResponse {
            query: req.q.clone(),
            total: found.total,
            partial: found.partial,
            took_ms: (started.elapsed().as_secs_f64() * 1e3 * 1000.0).round() / 1000.0,
            terms: plan
                .words
                .iter()
                .filter(|x| x.role != Role::Expanded)
                .map(|x| x.text.clone())
                .collect(),
            expanded: plan.expanded.clone(),
            hits,
            facets: found.facets,
            doc_facets,
            type_facets,
        })
    }

    /// A ranked candidate as a hit: its passage loaded, its snippet, its versions.
    fn hit(
        &self,
        ix: &OpenIndex,
        searcher: &Searcher,
        c: &collect::Ranked,
        terms: &[String],
        factors: Option<&DocFactors>,
    ) -> Result<Hit> {
        let p = ix.fields.stored_passage(searcher, c.shown.addr)?;
        let s = snippet::make(&p.text, terms);
        let suffix =
            p.id.strip_prefix(p.doc.as_str())
                .unwrap_or(&p.id)
                .to_string();
        let mut versions: Vec<Version> = c
            .others
            .iter()
            .filter_map(|o| ix.docs.get(usize::try_from(o.docn).ok()?))
            .map(|d| Version {
                doc: d.id.clone(),
                date: d.meta.date.clone(),
                id: format!("{}{suffix}", d.id),
            })
            .collect();
        versions.sort_by(|a, b| b.date.cmp(&a.date));
        let explain = factors.map(|fx| {
            let d = usize::try_from(c.best.docn).unwrap_or(usize::MAX);
            let get = |v: &Vec<f32>| v.get(d).copied().unwrap_or(0.0);
            Explain {
                query: c.best.query,
                prior: get(&fx.prior),
                title: get(&fx.title),
                place: get(&fx.place),
                version: get(&fx.version),
                document: c.best.evidence,
                strict: c.best.strict,
            }
        });
        Ok(Hit {
            path: section_path(&p),
            doc_title: doc_title_of(ix, c.shown.docn, &p.doc),
            passage: p,
            score: c.best.score,
            snippet: s.html,
            highlights: s.highlights,
            versions,
            explain,
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
            Some((_, addr)) => ix.fields.stored_passage(&searcher, *addr),
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
            Some((_, addr)) => Ok(Some(ix.fields.stored_passage(&searcher, *addr)?)),
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

/// The title of document `id`, found at its position `docn` in the index's document list
/// (a scan of the list only if that entry is another document): a scan per hit took a
/// few thousand string compares over a library.
fn doc_title_of(ix: &OpenIndex, docn: u64, id: &str) -> String {
    usize::try_from(docn)
        .ok()
        .and_then(|n| ix.docs.get(n))
        .filter(|d| d.id == id)
        .map_or_else(|| library::doc_title(ix, id), |d| d.title.clone())
}

/// The section path of a passage (as [`Passage::section_path`]), built in one string.
fn section_path(p: &Passage) -> String {
    let mut out = String::with_capacity(p.path.len() * 40);
    for (i, h) in p.path.iter().enumerate() {
        if i > 0 {
            out.push_str(" › ");
        }
        let start = out.len();
        out.push_str(&h.label);
        out.push(' ');
        out.push_str(&h.title);
        let piece = &out[start..];
        let trimmed = piece.trim();
        if trimmed.len() != piece.len() {
            let trimmed = trimmed.to_string();
            out.truncate(start);
            out.push_str(&trimmed);
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::path::{HeadingKind, PathHeading};

    #[test]
    fn section_path_in_one_string_is_the_passages() {
        let h = |kind, label: &str, title: &str| PathHeading::new(kind, label, title, None);
        for path in [
            vec![],
            vec![h(HeadingKind::Preface, "", "前言")],
            vec![
                h(HeadingKind::Chapter, "第二章", "加大欠发达地区帮扶力度"),
                h(HeadingKind::Section, "第二节", " 加大以工代赈实施力度 "),
                h(HeadingKind::Sidebar, "专栏4", ""),
            ],
            vec![
                h(HeadingKind::Heading, "", ""),
                h(HeadingKind::Heading, " ", "一"),
            ],
        ] {
            let p = Passage {
                path,
                ..Passage::default()
            };
            assert_eq!(section_path(&p), p.section_path());
        }
    }
}
