//! Term statistics for searches, each looked up once per index generation. A search
//! builds many clauses over the same words (the first pass, the second pass's boosts, a
//! relaxed pass after a strict one), later searches share most of their words, and
//! tantivy's `Searcher` answers every clause's BM25 statistics afresh: a dictionary lookup
//! per term and segment, and a sum over segments per field. A generation never changes,
//! so its answers are kept (up to [`MAX_TERMS`] terms, then started afresh).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tantivy::index::SegmentId;
use tantivy::query::{Bm25StatisticsProvider, EnableScoring};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Most terms whose document frequency a generation keeps.
pub(crate) const MAX_TERMS: usize = 200_000;

/// A generation's remembered statistics (see [`crate::index::OpenIndex::cache`]).
#[derive(Debug, Default)]
pub(crate) struct TermStats(RwLock<Known>);

#[derive(Debug, Default)]
struct Known {
    /// The segments the numbers are of.
    segments: Vec<SegmentId>,
    doc_freq: HashMap<Term, u64>,
    tokens: HashMap<Field, u64>,
}

/// The searcher's BM25 statistics, through its generation's [`TermStats`].
pub(super) struct Stats<'a> {
    searcher: &'a Searcher,
    known: Arc<TermStats>,
}

impl<'a> Stats<'a> {
    /// Statistics of `searcher`, kept in `known` (emptied first if it holds another
    /// searcher's segments).
    pub fn new(searcher: &'a Searcher, known: Arc<TermStats>) -> Self {
        let segments: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        let same = known.0.read().is_ok_and(|k| k.segments == segments);
        if !same && let Ok(mut k) = known.0.write() {
            *k = Known {
                segments,
                ..Known::default()
            };
        }
        Stats { searcher, known }
    }

    /// The searcher the statistics are of.
    pub fn searcher(&self) -> &'a Searcher {
        self.searcher
    }

    /// The number of passages holding `term`.
    pub fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(n) = self
            .known
            .0
            .read()
            .ok()
            .and_then(|k| k.doc_freq.get(term).copied())
        {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        if let Ok(mut k) = self.known.0.write() {
            if k.doc_freq.len() >= MAX_TERMS {
                k.doc_freq.clear();
            }
            k.doc_freq.insert(term.clone(), n);
        }
        Ok(n)
    }

    /// Scoring enabled with these statistics.
    pub fn scoring(&self) -> EnableScoring<'_> {
        EnableScoring::enabled_from_statistics_provider(self, self.searcher)
    }
}

impl Bm25StatisticsProvider for Stats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(n) = self
            .known
            .0
            .read()
            .ok()
            .and_then(|k| k.tokens.get(&field).copied())
        {
            return Ok(n);
        }
        let n = self.searcher.total_num_tokens(field)?;
        if let Ok(mut k) = self.known.0.write() {
            k.tokens.insert(field, n);
        }
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Stats::doc_freq(self, term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    #[test]
    fn the_kept_statistics_are_the_searchers_and_follow_its_segments() {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT);
        let index = Index::create_in_ram(b.build());
        let reader = index.reader().unwrap();
        let mut w: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        let known = Arc::new(TermStats::default());
        let check = |searcher: &Searcher, tokens: u64| {
            for _ in 0..2 {
                let stats = Stats::new(searcher, known.clone());
                for t in ["a", "b", "c", "d"] {
                    let term = Term::from_field_text(text, t);
                    assert_eq!(
                        stats.doc_freq(&term).unwrap(),
                        searcher.doc_freq(&term).unwrap(),
                        "{t}"
                    );
                }
                assert_eq!(stats.total_num_tokens(text).unwrap(), tokens);
                assert_eq!(stats.total_num_docs().unwrap(), searcher.num_docs());
            }
        };
        w.add_document(doc!(text => "a b b")).unwrap();
        w.commit().unwrap();
        reader.reload().unwrap();
        check(&reader.searcher(), 3);
        // Another segment: the numbers kept for the first searcher are not reused.
        w.add_document(doc!(text => "a c")).unwrap();
        w.commit().unwrap();
        reader.reload().unwrap();
        check(&reader.searcher(), 5);
    }
}
