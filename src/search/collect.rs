//! Collectors that count matches per value of a fast field: hits per chapter, per
//! document and per place among a law's versions (facets and folded totals).

use super::SearchRequest;
use super::plan::QueryPlan;
use super::rank::{self, DocFactors, Weights};
use crate::Result;
use crate::index::OpenIndex;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader};

/// Matching passages per document, with the places shared by a law's versions.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocCounts {
    /// Matching passages per document position.
    pub all: Vec<u32>,
    /// Of those, the passages of no versioned place (fold key 0).
    pub plain: Vec<u32>,
    /// `(fold key, document position)` of the other matching passages, sorted and
    /// deduplicated.
    pub folded: Vec<(u64, u32)>,
}

impl DocCounts {
    fn new(docs: usize) -> Self {
        DocCounts {
            all: vec![0; docs],
            plain: vec![0; docs],
            folded: Vec::new(),
        }
    }

    fn add(&mut self, other: DocCounts) {
        for (a, b) in self.all.iter_mut().zip(other.all) {
            *a += b;
        }
        for (a, b) in self.plain.iter_mut().zip(other.plain) {
            *a += b;
        }
        self.folded.extend(other.folded);
    }
}

/// Counts matching passages per document (`docn`) and place among versions (`fold`): one
/// slot per document, so counting a passage is two array increments.
pub(crate) struct DocFoldCounts(pub usize);

pub(crate) struct DocFoldSegmentCounts {
    docn: Column<u64>,
    fold: Column<u64>,
    counts: DocCounts,
}

impl Collector for DocFoldCounts {
    type Fruit = DocCounts;
    type Child = DocFoldSegmentCounts;

    fn for_segment(
        &self,
        _segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<DocFoldSegmentCounts> {
        Ok(DocFoldSegmentCounts {
            docn: segment.fast_fields().u64("docn")?,
            fold: segment.fast_fields().u64("fold")?,
            counts: DocCounts::new(self.0),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DocCounts>) -> tantivy::Result<DocCounts> {
        let mut out = DocCounts::new(self.0);
        for f in fruits {
            out.add(f);
        }
        out.folded.sort_unstable();
        out.folded.dedup();
        Ok(out)
    }
}

impl SegmentCollector for DocFoldSegmentCounts {
    type Fruit = DocCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(d) = self.docn.first(doc) else {
            return;
        };
        let Some(slot) = usize::try_from(d)
            .ok()
            .filter(|&i| i < self.counts.all.len())
        else {
            return;
        };
        self.counts.all[slot] += 1;
        match self.fold.first(doc).unwrap_or(0) {
            0 => self.counts.plain[slot] += 1,
            f => self.counts.folded.push((f, slot as u32)),
        }
    }

    fn harvest(self) -> DocCounts {
        self.counts
    }
}

/// Counts matching passages per value of a u64 fast field (`chapter`): small values in
/// an array, others in a map.
pub(crate) struct FieldCounts(pub(crate) &'static str);

/// Values below this are counted in an array.
const DENSE_VALUES: usize = 1024;

pub(crate) struct FieldSegmentCounts {
    column: Column<u64>,
    dense: Vec<usize>,
    sparse: BTreeMap<u64, usize>,
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
            dense: Vec::new(),
            sparse: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<BTreeMap<u64, usize>>,
    ) -> tantivy::Result<BTreeMap<u64, usize>> {
        let mut out = BTreeMap::new();
        for f in fruits {
            for (k, v) in f {
                *out.entry(k).or_insert(0) += v;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FieldSegmentCounts {
    type Fruit = BTreeMap<u64, usize>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(v) = self.column.first(doc) else {
            return;
        };
        match usize::try_from(v).ok().filter(|&i| i < DENSE_VALUES) {
            Some(i) => {
                if i >= self.dense.len() {
                    self.dense.resize(i + 1, 0);
                }
                self.dense[i] += 1;
            }
            None => *self.sparse.entry(v).or_insert(0) += 1,
        }
    }

    fn harvest(self) -> BTreeMap<u64, usize> {
        let mut out = self.sparse;
        for (i, &c) in self.dense.iter().enumerate() {
            if c > 0 {
                out.insert(i as u64, c);
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Cand {
    pub addr: DocAddress,
    /// The document's position in the index.
    pub docn: u64,
    /// Its place among the versions of its law (0: no versions).
    pub fold: u64,
    /// Global position in document order (ties).
    pub seq: u64,
    /// The query's own score, before the document's factors.
    pub query: f32,
    /// The document evidence added.
    pub evidence: f32,
    /// The final score.
    pub score: f32,
    /// Whether it came from the strict query.
    pub strict: bool,
}

/// A hit once versions fold: its best-scoring candidate, the candidate shown (the newest
/// version's) and the other versions.
#[derive(Debug, Clone)]
pub(super) struct Ranked {
    pub best: Cand,
    pub shown: Cand,
    pub others: Vec<Cand>,
}

/// What a search collected.
pub(super) struct Found {
    pub ranked: Vec<Ranked>,
    pub total: usize,
    pub partial: bool,
    pub facets: BTreeMap<String, usize>,
    pub dcounts: DocCounts,
}

/// Runs the plan: one pass collects the count, the candidates (scored with the documents'
/// factors) and the facets; a relaxed pass runs when nothing matched every word, or at
/// once for a long query over a library. Candidates are re-ranked with document evidence
/// and versions fold; when folding leaves the page short, the fetch grows.
pub(super) fn run(
    searcher: &Searcher,
    ix: &OpenIndex,
    plan: &QueryPlan,
    req: &SearchRequest,
    w: &Weights,
    filters: &[Box<dyn Query>],
    factors: &Arc<DocFactors>,
) -> Result<Found> {
    let f = ix.fields;
    let library = ix.docs.len() > 1;
    let want = req.offset + req.limit;
    let mut fetch = if library {
        (want * 3 + 10).max(w.rerank_depth)
    } else {
        want
    };
    let long = library && plan.is_long(w) && plan.can_relax();
    let mut strict = !long;
    loop {
        crate::deadline::check(req.deadline)?;
        let q = plan.build(&f, strict, w, filters);
        let collector = (
            Count,
            top_docs(fetch, factors.clone()),
            (FieldCounts("chapter"), DocFoldCounts(ix.docs.len())),
        );
        let (total, top, (counts, dcounts)) = searcher.search(&*q, &collector)?;
        if total == 0 && strict && plan.can_relax() {
            strict = false;
            continue;
        }
        let complete = top.len() < fetch;
        let mut cands = candidates(searcher, &top, factors, strict)?;
        if library {
            let pairs: Vec<(f32, u64)> = cands.iter().map(|c| (c.score, c.docn)).collect();
            for (c, ev) in cands.iter_mut().zip(rank::document_evidence(&pairs, w)) {
                c.evidence = ev;
                c.score += ev;
            }
        }
        cands.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.seq.cmp(&b.seq)));
        let ranked = fold_versions(ix, cands);
        if ranked.len() >= want || complete || fetch >= 50_000 {
            let partial = if strict {
                false
            } else if long {
                let strict_q = plan.strict_count_query(&f, w, filters);
                searcher.search(&*strict_q, &Count)? == 0
            } else {
                true
            };
            let total = if library {
                super::library::folded_total(&dcounts)
            } else {
                total
            };
            return Ok(Found {
                ranked,
                total,
                partial: partial && total > 0,
                facets: counts
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
                dcounts,
            });
        }
        fetch = (fetch * 4).min(50_000);
    }
}

/// The top `limit` passages by query score times their document's factor.
fn top_docs(
    limit: usize,
    factors: Arc<DocFactors>,
) -> impl Collector<Fruit = Vec<(Score, DocAddress)>> {
    TopDocs::with_limit(limit).tweak_score(move |seg: &SegmentReader| {
        let col = seg.fast_fields().u64("docn").ok();
        let fx = factors.clone();
        move |doc: DocId, score: Score| {
            let d = col.as_ref().and_then(|c| c.first(doc)).unwrap_or(u64::MAX);
            score * fx.of(d)
        }
    })
}

/// The collected addresses with their document, fold key and position (fast fields).
fn candidates(
    searcher: &Searcher,
    top: &[(Score, DocAddress)],
    factors: &DocFactors,
    strict: bool,
) -> Result<Vec<Cand>> {
    type Cols = (Column<u64>, Column<u64>, Column<u64>);
    let mut cols: Vec<Option<Cols>> = vec![None; searcher.segment_readers().len()];
    let mut out = Vec::with_capacity(top.len());
    for &(score, addr) in top {
        let seg = addr.segment_ord as usize;
        let Some(slot) = cols.get_mut(seg) else {
            continue;
        };
        if slot.is_none() {
            let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
            *slot = Some((ff.u64("docn")?, ff.u64("fold")?, ff.u64("seq")?));
        }
        let Some((docn, fold, seq)) = slot.as_ref() else {
            continue;
        };
        let docn = docn.first(addr.doc_id).unwrap_or(u64::MAX);
        out.push(Cand {
            addr,
            docn,
            fold: fold.first(addr.doc_id).unwrap_or(0),
            seq: seq.first(addr.doc_id).unwrap_or(u64::MAX),
            query: score / factors.of(docn),
            evidence: 0.0,
            score,
            strict,
        });
    }
    Ok(out)
}

/// Folds candidates on the same passage of dated versions of one law (same fold key) into
/// one hit at the best rank of the group, shown as the newest version's passage.
fn fold_versions(ix: &OpenIndex, cands: Vec<Cand>) -> Vec<Ranked> {
    let date = |c: &Cand| {
        usize::try_from(c.docn)
            .ok()
            .and_then(|d| ix.docs.get(d))
            .and_then(|d| d.meta.date.as_deref())
    };
    let mut out: Vec<Ranked> = Vec::with_capacity(cands.len());
    let mut at: HashMap<u64, usize> = HashMap::new();
    for c in cands {
        if c.fold == 0 {
            out.push(Ranked {
                best: c,
                shown: c,
                others: Vec::new(),
            });
            continue;
        }
        match at.get(&c.fold) {
            Some(&j) => {
                let r = &mut out[j];
                if date(&c) > date(&r.shown) {
                    let old = std::mem::replace(&mut r.shown, c);
                    r.others.push(old);
                } else {
                    r.others.push(c);
                }
            }
            None => {
                at.insert(c.fold, out.len());
                out.push(Ranked {
                    best: c,
                    shown: c,
                    others: Vec::new(),
                });
            }
        }
    }
    out
}
