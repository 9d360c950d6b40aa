//! Search over a library of documents: the `doc` and `type` filters, per-document and
//! per-type facets, and the folding of dated versions of one law into one hit.

use super::SearchRequest;
use crate::index::{DocInfo, OpenIndex};
use std::collections::{BTreeMap, HashSet};
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
pub(super) fn folded_total(counts: &BTreeMap<(u64, u64), usize>) -> usize {
    let mut keys = HashSet::new();
    let mut total = 0;
    for (&(_, fold), &c) in counts {
        if fold == 0 {
            total += c;
        } else {
            keys.insert(fold);
        }
    }
    total + keys.len()
}

/// Per-document counts (what a search restricted to the document finds: one version, so
/// nothing folds) and per-type counts (what a search restricted to the type finds: its
/// versions folded), from the counts per (document position, fold key).
pub(super) fn facets(
    ix: &OpenIndex,
    counts: &BTreeMap<(u64, u64), usize>,
) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut by_doc = BTreeMap::new();
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut folded: HashSet<(&str, u64)> = HashSet::new();
    for (&(n, fold), &c) in counts {
        let Some(d) = usize::try_from(n).ok().and_then(|n| ix.docs.get(n)) else {
            continue;
        };
        *by_doc.entry(d.id.clone()).or_insert(0) += c;
        let t = d.meta.doc_type.as_deref().unwrap_or_default();
        if fold == 0 {
            *by_type.entry(t.to_string()).or_insert(0) += c;
        } else if folded.insert((t, fold)) {
            *by_type.entry(t.to_string()).or_insert(0) += 1;
        }
    }
    (by_doc, by_type)
}
