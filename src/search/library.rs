//! Search over a library of documents: the `doc` and `type` filters, per-document and
//! per-type facets, and the folding of dated versions of one law into one hit.

use super::SearchRequest;
use super::collect::DocCounts;
use crate::index::{DocInfo, OpenIndex};
use std::collections::BTreeMap;
use std::sync::Arc;
use tantivy::Term;
use tantivy::query::{BooleanQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

/// The documents a `doc` filter names, as positions in `docs`: the document with this id,
/// else every document whose title (or subtitle) contains each white-space separated word.
pub fn resolve_docs(docs: &[DocInfo], spec: &str) -> Vec<usize> {
    let spec = spec.trim();
    if let Some(i) = docs.iter().position(|d| d.id == spec) {
        return vec![i];
    }
    let words: Vec<&str> = spec.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    docs.iter()
        .enumerate()
        .filter(|(_, d)| {
            words.iter().all(|w| {
                d.title.contains(w) || d.meta.subtitle.as_deref().is_some_and(|s| s.contains(w))
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// Adds the `doc` and `type` filters of `req`.
pub(super) fn filters(ix: &OpenIndex, req: &SearchRequest, out: &mut Vec<Box<dyn Query>>) {
    let f = ix.fields;
    if let Some(spec) = &req.doc {
        let found = resolve_docs(&ix.docs, spec);
        if found.is_empty() {
            out.push(Box::new(EmptyQuery));
        } else {
            let clauses: Vec<(Occur, Box<dyn Query>)> = found
                .into_iter()
                .map(|i| {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_u64(f.docn, i as u64),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>,
                    )
                })
                .collect();
            out.push(Box::new(BooleanQuery::new(clauses)));
        }
    }
    if let Some(t) = &req.doc_type {
        out.push(Box::new(TermQuery::new(
            Term::from_field_text(f.doc_type, t.trim()),
            IndexRecordOption::Basic,
        )));
    }
}

/// The title of a document.
pub(super) fn doc_title(ix: &OpenIndex, id: &str) -> String {
    ix.docs
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.title.clone())
        .unwrap_or_default()
}

/// The number of hits once versions fold: the passages of documents without versions,
/// plus one per passage shared by versions (see [`crate::index::schema::fold_key`]).
pub(super) fn folded_total(counts: &DocCounts) -> usize {
    let plain: usize = counts.plain.iter().map(|&c| c as usize).sum();
    let mut folds: Vec<u64> = counts.folded.iter().map(|&(f, _)| f).collect();
    folds.dedup();
    plain + folds.len()
}

/// Per-document counts (what a search restricted to the document finds: one version, so
/// nothing folds) and per-type counts (what a search restricted to the type finds: its
/// versions folded), from the counts per document and fold key.
pub(super) fn facets(ix: &OpenIndex, counts: &DocCounts) -> (DocFacets, BTreeMap<String, usize>) {
    // In the ids' order, sorted once per generation; no id is copied (thousands of
    // documents match a long question).
    let order = ix.cache::<IdOrder>();
    let by_doc = DocFacets {
        docs: ix.docs.clone(),
        counts: order
            .get(ix)
            .iter()
            .filter_map(|&d| {
                let all = *counts.all.get(d as usize)?;
                (all > 0 && (d as usize) < ix.docs.len()).then_some((d, all as usize))
            })
            .collect(),
    };
    // A handful of kinds: a list beats a map.
    let mut by_type: Vec<(&str, usize)> = Vec::new();
    fn type_of(d: &DocInfo) -> &str {
        d.meta.doc_type.as_deref().unwrap_or_default()
    }
    fn add<'a>(by_type: &mut Vec<(&'a str, usize)>, t: &'a str, n: usize) {
        match by_type.iter_mut().find(|(k, _)| *k == t) {
            Some((_, c)) => *c += n,
            None => by_type.push((t, n)),
        }
    }
    for (d, &plain) in ix.docs.iter().zip(&counts.plain) {
        if plain > 0 {
            add(&mut by_type, type_of(d), plain as usize);
        }
    }
    // `folded` is sorted by fold key: one count per type within each run of a key.
    let mut seen: Vec<&str> = Vec::new();
    let mut last = None;
    for &(fold, n) in &counts.folded {
        let Some(d) = ix.docs.get(n as usize) else {
            continue;
        };
        if last != Some(fold) {
            seen.clear();
            last = Some(fold);
        }
        let t = type_of(d);
        if !seen.contains(&t) {
            seen.push(t);
            add(&mut by_type, t, 1);
        }
    }
    let by_type = by_type
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    (by_doc, by_type)
}

/// The documents' positions in the order of their ids, sorted once per generation.
#[derive(Default)]
struct IdOrder(std::sync::OnceLock<Vec<u32>>);

impl IdOrder {
    fn get(&self, ix: &OpenIndex) -> &[u32] {
        self.0.get_or_init(|| {
            let mut v: Vec<u32> = (0..ix.docs.len() as u32).collect();
            v.sort_by(|&a, &b| ix.docs[a as usize].id.cmp(&ix.docs[b as usize].id));
            v
        })
    }
}

/// Matching passages per document, in the order of the documents' ids; serialized as the
/// JSON object `{id: count}`.
#[derive(Clone, Default)]
pub struct DocFacets {
    docs: Arc<Vec<DocInfo>>,
    /// `(document position, count)`, in the order of the ids.
    counts: Vec<(u32, usize)>,
}

impl DocFacets {
    /// The number of documents with a match.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no document matched.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// `(id, count)` of each document with a match, in the order of the ids.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &usize)> {
        self.counts
            .iter()
            .map(|(d, n)| (&self.docs[*d as usize].id, n))
    }

    /// The counts, in the order of the ids.
    pub fn values(&self) -> impl Iterator<Item = &usize> {
        self.counts.iter().map(|(_, n)| n)
    }

    /// The count of the document `id` (`None`: no match).
    pub fn get(&self, id: &str) -> Option<usize> {
        let i = self
            .counts
            .binary_search_by(|(d, _)| self.docs[*d as usize].id.as_str().cmp(id))
            .ok()?;
        Some(self.counts[i].1)
    }
}

impl<'a> IntoIterator for &'a DocFacets {
    type Item = (&'a String, &'a usize);
    type IntoIter = Box<dyn Iterator<Item = (&'a String, &'a usize)> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl std::fmt::Debug for DocFacets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl serde::Serialize for DocFacets {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}
