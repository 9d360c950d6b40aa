//! Collectors that count matches per value of a fast field: hits per chapter, per
//! document and per place among a law's versions (facets and folded totals).

use super::SearchRequest;
use super::plan::QueryPlan;
use super::rank::{self, DocFactors, Weights};
use super::segments;
use super::stats::Stats;
use crate::Result;
use crate::index::OpenIndex;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};
use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, Count, SegmentCollector, TopNComputer};
use tantivy::columnar::{Column, ColumnIndex};
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentReader};

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

/// The fast-field values every match reads (its document, fold key and chapter), decoded
/// once per index generation into plain arrays per segment: a match costs an array load
/// instead of a column lookup.
#[derive(Default)]
pub(crate) struct DocColumns(OnceLock<Columns>);

/// Each segment's values, by segment id.
type Columns = Arc<Vec<(SegmentId, Arc<SegmentValues>)>>;

/// One segment's [`DocColumns`], indexed by doc id.
#[derive(Default)]
pub(crate) struct SegmentValues {
    /// The document's position ([`NO_DOC`] when missing).
    docn: Vec<u32>,
    /// The fold key (0: no versions).
    fold: Vec<u64>,
    /// The chapter number ([`NO_CHAPTER`] when missing).
    chapter: Vec<u32>,
    /// The global position in document order (`u64::MAX` when missing).
    seq: Vec<u64>,
}

const NO_DOC: u32 = u32::MAX;
const NO_CHAPTER: u32 = u32::MAX;

impl SegmentValues {
    fn read(segment: &SegmentReader) -> tantivy::Result<Self> {
        let ff = segment.fast_fields();
        let (docn, fold, chapter, seq) = (
            ff.u64("docn")?,
            ff.u64("fold")?,
            ff.u64("chapter")?,
            ff.u64("seq")?,
        );
        let n = segment.max_doc();
        // A column with a value for every document is read in one go; another one value
        // at a time (`missing` where it has none).
        let read = |c: &Column<u64>, missing: u64| -> Vec<u64> {
            if matches!(c.index, ColumnIndex::Full) {
                let mut v = vec![0u64; n as usize];
                c.values.get_range(0, &mut v);
                v
            } else {
                (0..n).map(|d| c.first(d).unwrap_or(missing)).collect()
            }
        };
        // Positions and chapters fit in u32; anything else (or missing) is `none`.
        let small_all = |c: &Column<u64>, none: u32| -> Vec<u32> {
            read(c, u64::MAX)
                .into_iter()
                .map(|x| u32::try_from(x).unwrap_or(none))
                .collect()
        };
        Ok(SegmentValues {
            docn: small_all(&docn, NO_DOC),
            fold: read(&fold, 0),
            chapter: small_all(&chapter, NO_CHAPTER),
            seq: read(&seq, u64::MAX),
        })
    }

    /// The document position of `doc` (`u64::MAX` when missing).
    fn docn(&self, doc: DocId) -> u64 {
        match self.docn.get(doc as usize) {
            Some(&d) if d != NO_DOC => u64::from(d),
            _ => u64::MAX,
        }
    }
}

impl DocColumns {
    /// The values of every segment of `searcher`'s generation.
    pub(crate) fn get(&self, searcher: &Searcher) -> tantivy::Result<Columns> {
        if let Some(v) = self.0.get() {
            return Ok(v.clone());
        }
        let mut all = Vec::new();
        for seg in searcher.segment_readers() {
            all.push((seg.segment_id(), Arc::new(SegmentValues::read(seg)?)));
        }
        Ok(self.0.get_or_init(|| Arc::new(all)).clone())
    }
}

/// The values of the segment `ord` of `searcher`.
fn values_at(
    cols: &[(SegmentId, Arc<SegmentValues>)],
    searcher: &Searcher,
    ord: u32,
) -> tantivy::Result<Arc<SegmentValues>> {
    values_of(cols, searcher.segment_reader(ord))
}

/// The values of one segment among `cols` (decoded now if the segment is not there).
fn values_of(
    cols: &[(SegmentId, Arc<SegmentValues>)],
    segment: &SegmentReader,
) -> tantivy::Result<Arc<SegmentValues>> {
    match cols.iter().find(|(id, _)| *id == segment.segment_id()) {
        Some((_, v)) => Ok(v.clone()),
        None => Ok(Arc::new(SegmentValues::read(segment)?)),
    }
}

/// Counts matching passages per document (`docn`) and place among versions (`fold`): one
/// slot per document, so counting a passage is two array increments; and per chapter.
pub(crate) struct DocFoldCounts {
    docs: usize,
    cols: Columns,
}

pub(crate) struct DocFoldSegmentCounts {
    values: Arc<SegmentValues>,
    counts: DocCounts,
    chapters: Vec<usize>,
}

impl Collector for DocFoldCounts {
    type Fruit = (DocCounts, BTreeMap<u64, usize>);
    type Child = DocFoldSegmentCounts;

    fn for_segment(
        &self,
        _segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<DocFoldSegmentCounts> {
        Ok(DocFoldSegmentCounts {
            values: values_of(&self.cols, segment)?,
            counts: DocCounts::new(self.docs),
            chapters: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(DocCounts, BTreeMap<u64, usize>)>,
    ) -> tantivy::Result<(DocCounts, BTreeMap<u64, usize>)> {
        let mut out = DocCounts::new(self.docs);
        let mut chapters = BTreeMap::new();
        for (f, c) in fruits {
            out.add(f);
            for (k, v) in c {
                *chapters.entry(k).or_insert(0) += v;
            }
        }
        out.folded.sort_unstable();
        out.folded.dedup();
        Ok((out, chapters))
    }
}

impl SegmentCollector for DocFoldSegmentCounts {
    type Fruit = (DocCounts, BTreeMap<u64, usize>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        let i = doc as usize;
        if let Some(&c) = self.values.chapter.get(i)
            && c != NO_CHAPTER
        {
            let c = c as usize;
            if c >= self.chapters.len() {
                self.chapters.resize(c + 1, 0);
            }
            self.chapters[c] += 1;
        }
        let Some(slot) = self
            .values
            .docn
            .get(i)
            .map(|&d| d as usize)
            .filter(|&d| d < self.counts.all.len())
        else {
            return;
        };
        self.counts.all[slot] += 1;
        match self.values.fold.get(i).copied().unwrap_or(0) {
            0 => self.counts.plain[slot] += 1,
            f => self.counts.folded.push((f, slot as u32)),
        }
    }

    fn harvest(self) -> (DocCounts, BTreeMap<u64, usize>) {
        let chapters = self
            .chapters
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(k, &c)| (k as u64, c))
            .collect();
        (self.counts, chapters)
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

/// What one pass (strict or relaxed) found.
struct Pass {
    ranked: Vec<Ranked>,
    total: usize,
    complete: bool,
    chapters: BTreeMap<u64, usize>,
    dcounts: DocCounts,
}

/// What a pass needs besides its strictness and depth.
struct Ctx<'a> {
    searcher: &'a Searcher,
    stats: &'a Stats<'a>,
    ix: &'a OpenIndex,
    plan: &'a QueryPlan,
    req: &'a SearchRequest,
    w: &'a Weights,
    filters: &'a [Box<dyn Query>],
    factors: &'a Arc<DocFactors>,
    cols: Columns,
}

/// Runs the plan: a pass collects the count, the candidates (scored with the documents'
/// factors) and the facets; a relaxed pass runs when nothing matched every word, or at
/// once for a long query over a library. Candidates are re-ranked with document evidence
/// and versions fold; when folding leaves the page short, the fetch grows. When the
/// passages with every word do not fill the page, the best partial matches follow them.
pub(super) fn run(
    stats: &Stats<'_>,
    ix: &OpenIndex,
    plan: &QueryPlan,
    req: &SearchRequest,
    w: &Weights,
    filters: &[Box<dyn Query>],
    factors: &Arc<DocFactors>,
) -> Result<Found> {
    let searcher = stats.searcher();
    let library = ix.docs.len() > 1;
    let want = req.offset + req.limit;
    let mut fetch = if library {
        // A few more than the page: folding versions rarely takes more (else the fetch
        // grows below).
        (want + want / 4 + 10).max(w.rerank_depth)
    } else {
        want
    };
    let long = library && plan.is_long(w) && plan.can_relax();
    let mut strict = !long;
    let cols = ix.cache::<DocColumns>().get(searcher)?;
    let cx = Ctx {
        searcher,
        stats,
        ix,
        plan,
        req,
        w,
        filters,
        factors,
        cols,
    };
    loop {
        let mut found = pass(&cx, strict, fetch)?;
        if found.total == 0 && strict && plan.can_relax() {
            strict = false;
            continue;
        }
        if found.ranked.len() < want && !found.complete && fetch < 50_000 {
            fetch = (fetch * 4).min(50_000);
            continue;
        }
        let partial = if strict {
            false
        } else if long {
            let strict_q = plan.strict_count_query(&ix.fields, w, filters);
            !any_match(searcher, &*strict_q)?
        } else {
            true
        };
        if strict && found.ranked.len() < want && plan.can_relax() {
            found = fill(&cx, found, fetch)?;
        }
        let total = if library {
            super::library::folded_total(&found.dcounts)
        } else {
            found.total
        };
        return Ok(Found {
            ranked: found.ranked,
            total,
            partial: partial && total > 0,
            facets: found
                .chapters
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            dcounts: found.dcounts,
        });
    }
}

/// The strict pass's hits, then the relaxed pass's others; counts and facets are the
/// relaxed pass's (every passage shown is among its matches).
fn fill(cx: &Ctx<'_>, strict: Pass, fetch: usize) -> Result<Pass> {
    let mut relaxed = pass(cx, false, fetch)?;
    let seen: std::collections::HashSet<DocAddress> = strict
        .ranked
        .iter()
        .flat_map(|r| std::iter::once(r.best.addr).chain(r.others.iter().map(|o| o.addr)))
        .collect();
    let mut ranked = strict.ranked;
    ranked.extend(
        relaxed
            .ranked
            .drain(..)
            .filter(|r| !seen.contains(&r.best.addr) && !seen.contains(&r.shown.addr)),
    );
    relaxed.ranked = ranked;
    Ok(relaxed)
}

/// One pass: the first pass's query collects the count, the facets and the best
/// candidates, which the second pass re-scores; then document evidence and folding.
fn pass(cx: &Ctx<'_>, strict: bool, fetch: usize) -> Result<Pass> {
    let (f, w) = (&cx.ix.fields, cx.w);
    crate::deadline::check(cx.req.deadline)?;
    let q = cx.plan.build(f, strict, w, cx.filters);
    let second = cx.plan.rescore_clauses(f, strict, w);
    let pool = if second.is_empty() {
        fetch
    } else {
        fetch.max(w.rescore_depth)
    };
    let collector = (
        Count,
        TopByFactor {
            limit: pool,
            factors: cx.factors.clone(),
            cols: cx.cols.clone(),
        },
        DocFoldCounts {
            docs: cx.ix.docs.len(),
            cols: cx.cols.clone(),
        },
    );
    let (total, mut top, (dcounts, chapters)) = search(cx.stats, &*q, &collector)?;
    let complete = top.len() < pool;
    if !second.is_empty() && !top.is_empty() {
        crate::deadline::check(cx.req.deadline)?;
        // The same best candidates are re-scored for every page, so that a deep page
        // continues the first one (and costs no more re-scoring than it).
        let n = top.len().min(w.rescore_depth);
        rescore(cx.stats, &second, &mut top[..n], cx.factors, &cx.cols)?;
        // The others came in order and stay below what only gained: the two sorted
        // runs need a full sort only if a clause lowered a score.
        top[..n].sort_by(best_first);
        if n > 0 && n < top.len() && best_first(&top[n - 1], &top[n]).is_gt() {
            top.sort_by(best_first);
        }
        top.truncate(fetch);
    }
    let mut cands = candidates(cx, &top, strict)?;
    if cx.ix.docs.len() > 1 {
        let pairs: Vec<(f32, u64)> = cands.iter().map(|c| (c.score, c.docn)).collect();
        for (c, ev) in cands
            .iter_mut()
            .zip(rank::document_evidence(&pairs, cx.ix.docs.len(), w))
        {
            c.evidence = ev;
            c.score += ev;
        }
    }
    cands.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.seq.cmp(&b.seq)));
    Ok(Pass {
        ranked: fold_versions(cx.ix, cands),
        total,
        complete,
        chapters,
        dcounts,
    })
}

/// Whether any passage matches `q`: a scorer stands on its first match, so nothing is
/// counted (the segments side by side; one found, the segments not yet begun are skipped).
fn any_match(searcher: &Searcher, q: &dyn Query) -> Result<bool> {
    let weight = q.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let found = std::sync::atomic::AtomicBool::new(false);
    segments::map(searcher.segment_readers(), |reader| {
        use std::sync::atomic::Ordering::Relaxed;
        if !found.load(Relaxed) && weight.scorer(reader, 1.0)?.doc() != tantivy::TERMINATED {
            found.store(true, Relaxed);
        }
        Ok(())
    })?;
    Ok(found.into_inner())
}

/// What `collector` gathers of the matches of `q`, scored with `stats`: tantivy's search,
/// with the segments side by side ([`segments::map`]).
fn search<C: Collector>(stats: &Stats<'_>, q: &dyn Query, collector: &C) -> Result<C::Fruit> {
    let searcher = stats.searcher();
    let scoring = if collector.requires_scoring() {
        stats.scoring()
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = q.weight(scoring)?;
    let fruits = segments::map(searcher.segment_readers().iter().enumerate(), |(ord, r)| {
        collector.collect_segment(&*weight, ord as u32, r)
    })?;
    Ok(collector.merge_fruits(fruits)?)
}

/// Best first, ties by address: the order of tantivy's top collectors.
fn best_first(a: &(Score, DocAddress), b: &(Score, DocAddress)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

type Hits = Vec<(Score, DocAddress)>;

/// The top `limit` passages by query score times their document's factor: tantivy's
/// top-n buffer per segment, sorted as each segment is harvested (on its own thread, see
/// [`segments::map`]), then the segments' lists merged in one walk. tantivy's `TopDocs`
/// sorts all of them again on one thread when it merges (a third of a deep page's time).
struct TopByFactor {
    limit: usize,
    factors: Arc<DocFactors>,
    cols: Columns,
}

/// One segment's [`TopByFactor`].
struct TopInSegment {
    top: TopNComputer<Score, DocId, NaturalComparator>,
    ord: u32,
    values: Arc<SegmentValues>,
    factors: Arc<DocFactors>,
}

impl SegmentCollector for TopInSegment {
    type Fruit = Hits;

    fn collect(&mut self, doc: DocId, score: Score) {
        let score = score * self.factors.of(self.values.docn(doc));
        self.top.push(score, doc);
    }

    fn harvest(self) -> Hits {
        let ord = self.ord;
        let sorted = self.top.into_sorted_vec();
        sorted
            .into_iter()
            .map(|c| (c.sort_key, DocAddress::new(ord, c.doc)))
            .collect()
    }
}

impl Collector for TopByFactor {
    type Fruit = Hits;
    type Child = TopInSegment;

    fn for_segment(&self, ord: u32, reader: &SegmentReader) -> tantivy::Result<TopInSegment> {
        Ok(TopInSegment {
            top: TopNComputer::new_with_comparator(self.limit, NaturalComparator),
            ord,
            values: values_of(&self.cols, reader)?,
            factors: self.factors.clone(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Hits>) -> tantivy::Result<Hits> {
        Ok(merge_sorted(fruits, self.limit))
    }
}

/// The first `limit` of sorted lists, in [`best_first`] order.
fn merge_sorted(mut lists: Vec<Hits>, limit: usize) -> Hits {
    lists.retain(|l| !l.is_empty());
    if lists.len() <= 1 {
        let mut one = lists.pop().unwrap_or_default();
        one.truncate(limit);
        return one;
    }
    let mut at = vec![0usize; lists.len()];
    let total: usize = lists.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total.min(limit));
    while out.len() < limit {
        // Few segments (one per writer thread): the best head by a scan.
        let mut pick: Option<usize> = None;
        for (i, l) in lists.iter().enumerate() {
            if let Some(h) = l.get(at[i])
                && pick.is_none_or(|p| best_first(h, &lists[p][at[p]]).is_lt())
            {
                pick = Some(i);
            }
        }
        let Some(p) = pick else { break };
        out.push(lists[p][at[p]]);
        at[p] += 1;
    }
    out
}

/// Adds the second pass's score of each candidate, times its document's factor. Each
/// segment's candidates are scored on their own (side by side, [`segments::map`]):
/// for each clause one scorer, moved forward over them in document order with
/// `seek_danger` (no walk through the clause's matches in between).
fn rescore(
    stats: &Stats<'_>,
    clauses: &[Box<dyn Query>],
    top: &mut [(Score, DocAddress)],
    factors: &DocFactors,
    cols: &[(SegmentId, Arc<SegmentValues>)],
) -> Result<()> {
    let searcher = stats.searcher();
    let weights = clauses
        .iter()
        .map(|q| q.weight(stats.scoring()))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut order: Vec<usize> = (0..top.len()).collect();
    order.sort_unstable_by_key(|&i| top[i].1);
    let addrs: Vec<DocAddress> = top.iter().map(|t| t.1).collect();
    let groups = order.chunk_by(|&a, &b| addrs[a].segment_ord == addrs[b].segment_ord);
    let scored = segments::map(groups, |group| {
        second_scores(searcher, &weights, &addrs, group)
    })?;
    let mut added = vec![0.0f32; top.len()];
    for (i, score) in scored.into_iter().flatten() {
        added[i] = score;
    }
    let mut seg: Option<(u32, Arc<SegmentValues>)> = None;
    for (i, (score, addr)) in top.iter_mut().enumerate() {
        if added[i] == 0.0 {
            continue;
        }
        let values = match &seg {
            Some((ord, v)) if *ord == addr.segment_ord => v,
            _ => {
                let v = values_at(cols, searcher, addr.segment_ord)?;
                &seg.insert((addr.segment_ord, v)).1
            }
        };
        *score += added[i] * factors.of(values.docn(addr.doc_id));
    }
    Ok(())
}

/// The second pass's scores of one segment's candidates (`group`: their indexes in
/// `addrs`, in document order), as (index, sum over the clauses).
fn second_scores(
    searcher: &Searcher,
    weights: &[Box<dyn tantivy::query::Weight>],
    addrs: &[DocAddress],
    group: &[usize],
) -> tantivy::Result<Vec<(usize, f32)>> {
    let Some(&first) = group.first() else {
        return Ok(Vec::new());
    };
    let reader = searcher.segment_reader(addrs[first].segment_ord);
    let mut added = vec![0.0f32; group.len()];
    for weight in weights {
        // The scorer, and the first doc id it may still match (a miss leaves the scorer
        // past the target: a smaller target is a miss unasked).
        let mut cur: Option<(Box<dyn Scorer>, DocId)> = None;
        for (k, &i) in group.iter().enumerate() {
            let doc = addrs[i].doc_id;
            let result = match cur.as_mut() {
                Some((_, lower)) if doc < *lower => continue,
                Some((scorer, _)) => scorer.seek_danger(doc),
                None => {
                    let (r, scorer) = weight.scorer_danger(reader, doc, 1.0)?;
                    cur = Some((scorer, 0));
                    r
                }
            };
            let Some((scorer, lower)) = cur.as_mut() else {
                continue;
            };
            match result {
                SeekDangerResult::Found => {
                    added[k] += scorer.score();
                    *lower = doc.saturating_add(1);
                }
                SeekDangerResult::SeekLowerBound(b) => *lower = b,
            }
        }
    }
    Ok(group.iter().copied().zip(added).collect())
}

/// The collected addresses with their document, fold key and position (fast fields).
fn candidates(cx: &Ctx<'_>, top: &[(Score, DocAddress)], strict: bool) -> Result<Vec<Cand>> {
    let mut out = Vec::with_capacity(top.len());
    let mut seg: Option<(u32, Arc<SegmentValues>)> = None;
    for &(score, addr) in top {
        let values = match &seg {
            Some((ord, v)) if *ord == addr.segment_ord => v,
            _ => {
                let v = values_at(&cx.cols, cx.searcher, addr.segment_ord)?;
                &seg.insert((addr.segment_ord, v)).1
            }
        };
        let doc = addr.doc_id as usize;
        let docn = values.docn(addr.doc_id);
        let factors = cx.factors;
        out.push(Cand {
            addr,
            docn,
            fold: values.fold.get(doc).copied().unwrap_or(0),
            seq: values.seq.get(doc).copied().unwrap_or(u64::MAX),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur};

    /// The fixture library with a second segment: every passage written again (same
    /// document positions, later sequence numbers, no versions).
    fn two_segment_library(dir: &std::path::Path) -> crate::index::OpenIndex {
        let lib = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library");
        let path = dir.join("index");
        crate::index::build(&lib, &path).expect("build");
        let ix = crate::index::open(&path).expect("open");
        let (docs, _) = crate::corpus::load_library(&lib).expect("corpus");
        let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> = ix
            .index
            .writer_with_num_threads(1, 50 << 20)
            .expect("writer");
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let mut seq = 1_000_000;
        for (docn, d) in docs.iter().enumerate() {
            for p in &d.passages {
                let doc = ix
                    .fields
                    .library_document(p, seq, false, docn as u64, "", None);
                writer.add_document(doc.expect("document")).expect("add");
                seq += 1;
            }
        }
        writer.commit().expect("commit");
        drop(ix);
        crate::index::open(&path).expect("open again")
    }

    #[test]
    fn segments_searched_side_by_side_answer_as_searched_in_turn() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ix = two_segment_library(dir.path());
        let searcher = ix.reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 2, "two segments");
        let w = Weights::default();
        let summary = |ix: &crate::index::OpenIndex, q: &str| {
            let searcher = ix.reader.searcher();
            let stats = Stats::new(&searcher, Default::default());
            let pq = query::parse(q, &ix.segmenter).expect("parse");
            let plan = QueryPlan::new(&pq, &stats, ix, &w).expect("plan");
            let factors = Arc::new(DocFactors::default());
            let req = SearchRequest::new(q);
            let found = run(&stats, ix, &plan, &req, &w, &[], &factors).expect("run");
            let ranked: Vec<(DocAddress, u32)> = found
                .ranked
                .iter()
                .map(|r| (r.best.addr, (r.best.score * 1e4).round() as u32))
                .collect();
            (
                ranked,
                found.total,
                found.partial,
                found.facets,
                found.dcounts.all,
            )
        };
        for q in [
            "共有人 管理费用 约定不明 负担 费用",
            "共有人 约定不明",
            "以工代赈 劳务报酬",
            "劳动合同解除以后经济补偿怎么计算",
        ] {
            let a = summary(&ix, q);
            assert!(!a.0.is_empty(), "{q}: hits");
            assert!(
                a.0.iter().any(|(addr, _)| addr.segment_ord == 1),
                "{q}: the second segment answers too"
            );
            assert_eq!(a, segments::in_turn(|| summary(&ix, q)), "{q}");
        }
    }

    #[test]
    fn the_top_of_every_segment_merged_is_tantivys_top() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ix = two_segment_library(dir.path());
        let searcher = ix.reader.searcher();
        let stats = Stats::new(&searcher, Default::default());
        let cols = ix.cache::<DocColumns>().get(&searcher).expect("columns");
        let factors = Arc::new(DocFactors::default());
        for q in ["合同", "人民法院 管辖", "乡村"] {
            let pq = query::parse(q, &ix.segmenter).expect("parse");
            let plan = QueryPlan::new(&pq, &stats, &ix, &Weights::default()).expect("plan");
            let first = plan.build(&ix.fields, false, &Weights::default(), &[]);
            for n in [1, 3, 50, 100_000] {
                let top = TopByFactor {
                    limit: n,
                    factors: factors.clone(),
                    cols: cols.clone(),
                };
                let ours = search(&stats, &*first, &top);
                let theirs = searcher.search(&*first, &TopDocs::with_limit(n).order_by_score());
                assert_eq!(ours.expect("ours"), theirs.expect("theirs"), "{q}, {n}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn sorted_lists_merged_are_all_of_them_sorted(
            scores in proptest::collection::vec(proptest::collection::vec(0u8..5, 0..20), 0..4),
            limit in 0usize..50,
        ) {
            // Few distinct scores: ties across and within segments.
            let lists: Vec<Hits> = (scores.iter().enumerate())
                .map(|(seg, list)| {
                    let mut l: Hits = (list.iter().enumerate())
                        .map(|(d, &s)| (f32::from(s), DocAddress::new(seg as u32, d as u32)))
                        .collect();
                    l.sort_by(best_first);
                    l
                })
                .collect();
            let mut all: Hits = lists.iter().flatten().copied().collect();
            all.sort_by(best_first);
            all.truncate(limit);
            proptest::prop_assert_eq!(merge_sorted(lists, limit), all);
        }
    }

    #[test]
    fn a_deep_page_continues_the_first_one() {
        // The longest article has the query's words side by side, once: last by the
        // first pass (the words alone), first once re-scored (the words as a phrase).
        // Few candidates are re-scored and each page fetches a few more than it shows,
        // without document evidence: were every fetched candidate re-scored, the first
        // page would not show it and a deeper fetch would.
        let dir = tempfile::tempdir().expect("tempdir");
        let lib = dir.path().join("lib");
        std::fs::create_dir(&lib).expect("mkdir");
        let mut law = String::from("# 中华人民共和国补偿法\n\n## 第一章　一般规定\n\n");
        let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        for i in 1..=31 {
            let n = format!("{}十{}", digits[i / 10], digits[i % 10]);
            let n = if i < 10 {
                digits[i]
            } else {
                n.trim_start_matches('一')
            };
            let text = if i < 31 {
                format!("按经济状况确定补偿方式{}", "，并告知劳动者".repeat(i % 5))
            } else {
                "劳动者与用人单位协商一致，可以依照有关规定办理相关手续".repeat(2)
                    + "，支付经济补偿"
            };
            law += &format!("第{n}条 {text}。\n\n");
        }
        std::fs::write(lib.join("补偿法.md"), law).expect("write");
        std::fs::write(lib.join("其他.md"), "# 其他规定\n\n第一条 其他事项。\n").expect("write");
        let path = dir.path().join("index");
        crate::index::build(&lib, &path).expect("build");
        let ix = crate::index::open(&path).expect("open");
        let mut w = Weights::default();
        w.apply("rescore_depth=2, rerank_depth=1, doc_evidence=0")
            .expect("weights");
        let searcher = ix.reader.searcher();
        let stats = Stats::new(&searcher, Default::default());
        let factors = Arc::new(DocFactors::default());
        let q = "经济 补偿";
        let pq = query::parse(q, &ix.segmenter).expect("parse");
        let plan = QueryPlan::new(&pq, &stats, &ix, &w).expect("plan");
        let ranking = |offset: usize, limit: usize| {
            let mut req = SearchRequest::new(q);
            (req.offset, req.limit) = (offset, limit);
            let found = run(&stats, &ix, &plan, &req, &w, &[], &factors).expect("run");
            let addrs: Vec<DocAddress> = found.ranked.iter().map(|r| r.best.addr).collect();
            (addrs, found.total)
        };
        let (all, total) = ranking(0, 100);
        assert_eq!(total, 31, "every article matches");
        let mut paged = Vec::new();
        for offset in 0..total {
            let (page, t) = ranking(offset, 1);
            assert_eq!(t, total, "at {offset}");
            paged.extend(page.into_iter().skip(offset).take(1));
        }
        assert_eq!(paged, all);
    }

    #[test]
    fn the_second_pass_adds_what_one_query_of_every_clause_scores() {
        let lib = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index");
        crate::index::build(&lib, &path).expect("build");
        let one = crate::index::open(&path).expect("open");
        let two = two_segment_library(&dir.path().join("two"));
        for ix in [one, two] {
            second_pass_matches_one_query(&ix);
        }
    }

    fn second_pass_matches_one_query(ix: &crate::index::OpenIndex) {
        let searcher = ix.reader.searcher();
        let w = Weights::default();
        for (q, strict) in [
            ("共有人 管理费用 约定不明 负担 费用", false),
            ("共有人 约定不明", true),
            ("以工代赈 劳务报酬", false),
        ] {
            let pq = query::parse(q, &ix.segmenter).expect("parse");
            let stats = Stats::new(&searcher, Default::default());
            let plan = QueryPlan::new(&pq, &stats, ix, &w).expect("plan");
            let first = plan.build(&ix.fields, strict, &w, &[]);
            let second = plan.rescore_clauses(&ix.fields, strict, &w);
            assert!(!second.is_empty(), "{q}: boosts to re-score");
            let mut all = vec![(Occur::Must, first.box_clone())];
            all.extend(second.iter().map(|c| (Occur::Should, c.box_clone())));
            let one = BooleanQuery::new(all);
            let limit = TopDocs::with_limit(10_000).order_by_score();
            let expected: HashMap<DocAddress, Score> = searcher
                .search(&one, &limit)
                .expect("search")
                .into_iter()
                .map(|(s, a)| (a, s))
                .collect();
            let mut top = searcher.search(&*first, &limit).expect("search");
            assert!(!top.is_empty(), "{q}: matches");
            assert_eq!(top.len(), expected.len(), "{q}: the same matches");
            let before: Vec<Score> = top.iter().map(|(s, _)| *s).collect();
            let cols = ix.cache::<DocColumns>().get(&searcher).expect("columns");
            rescore(&stats, &second, &mut top, &DocFactors::default(), &cols).expect("rescore");
            let mut raised = 0;
            for ((s, a), b) in top.iter().zip(before) {
                let e = expected[a];
                assert!((s - e).abs() <= 1e-3 * e.abs().max(1.0), "{q}: {s} vs {e}");
                raised += usize::from(*s > b);
            }
            assert!(raised > 0, "{q}: the second pass added to some");
        }
    }
}
