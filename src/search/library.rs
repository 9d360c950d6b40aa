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
    let kinds = ix.cache::<Kinds>();
    let kinds = kinds.get(ix);
    let mut by_type = vec![0usize; kinds.names.len()];
    for (&kind, &plain) in kinds.of.iter().zip(&counts.plain) {
        by_type[usize::from(kind)] += plain as usize;
    }
    // `folded` is sorted by fold key: one count per kind within each run of a key.
    let mut seen: Vec<u16> = Vec::new();
    let mut last = None;
    for &(fold, n) in &counts.folded {
        let Some(&kind) = kinds.of.get(n as usize) else {
            continue;
        };
        if last != Some(fold) {
            seen.clear();
            last = Some(fold);
        }
        if !seen.contains(&kind) {
            seen.push(kind);
            by_type[usize::from(kind)] += 1;
        }
    }
    let by_type = kinds
        .names
        .iter()
        .zip(by_type)
        .filter(|&(_, n)| n > 0)
        .map(|(k, n)| (k.clone(), n))
        .collect();
    (by_doc, by_type)
}

/// The documents' kinds (`法律`, `规划`…, empty when unknown), numbered once per
/// generation: a facet counts into an array by number.
#[derive(Default)]
struct Kinds(std::sync::OnceLock<KindTable>);

struct KindTable {
    /// Each kind once.
    names: Vec<String>,
    /// Each document's kind, as a position in `names`.
    of: Vec<u16>,
}

impl Kinds {
    fn get(&self, ix: &OpenIndex) -> &KindTable {
        self.0.get_or_init(|| {
            let mut names: Vec<String> = Vec::new();
            let mut of = Vec::with_capacity(ix.docs.len());
            for d in ix.docs.iter() {
                let kind = d.meta.doc_type.as_deref().unwrap_or_default();
                let i = match names.iter().position(|n| n == kind) {
                    Some(i) => i,
                    None => {
                        names.push(kind.to_string());
                        names.len() - 1
                    }
                };
                // More kinds than a u16 holds share the last number's count.
                of.push(u16::try_from(i).unwrap_or(u16::MAX));
            }
            names.truncate(usize::from(u16::MAX) + 1);
            KindTable { names, of }
        })
    }
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
