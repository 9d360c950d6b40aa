//! Search over a library of documents: the `doc` and `type` filters, per-document and
//! per-type facets, and the folding of dated versions of one law into one hit.

use super::{SearchRequest, Version};
use crate::corpus::Passage;
use crate::index::{DocInfo, OpenIndex};
use std::collections::{BTreeMap, HashMap, HashSet};
use tantivy::query::{BooleanQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Score, Term};

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

/// Folds hits on the same passage of dated versions of one law (same title and subtitle,
/// same passage id after the document id) into one hit: the newest version's passage, at
/// the best rank and score of the group, with the others under `versions`, newest first.
pub(super) fn fold_versions(
    ix: &OpenIndex,
    scored: Vec<(Score, Passage)>,
) -> Vec<(Score, Passage, Vec<Version>)> {
    let info: HashMap<&str, &DocInfo> = ix.docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut groups: HashMap<String, usize> = HashMap::new();
    for d in ix.docs.iter() {
        *groups.entry(d.version_key()).or_insert(0) += 1;
    }
    let date_of = |doc: &str| info.get(doc).and_then(|d| d.meta.date.clone());
    let mut out: Vec<(Score, Passage, Vec<Version>)> = Vec::with_capacity(scored.len());
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    for (score, p) in scored {
        let key = info.get(p.doc.as_str()).map(|d| d.version_key());
        let Some(key) = key.filter(|k| groups.get(k).is_some_and(|&n| n > 1)) else {
            out.push((score, p, Vec::new()));
            continue;
        };
        let suffix =
            p.id.strip_prefix(p.doc.as_str())
                .unwrap_or(&p.id)
                .to_string();
        match at.get(&(key.clone(), suffix.clone())) {
            Some(&j) => {
                let newer = date_of(&p.doc) > date_of(&out[j].1.doc);
                let (_, rep, versions) = &mut out[j];
                let older = if newer { std::mem::replace(rep, p) } else { p };
                versions.push(Version {
                    date: date_of(&older.doc),
                    doc: older.doc,
                    id: older.id,
                });
            }
            None => {
                at.insert((key, suffix), out.len());
                out.push((score, p, Vec::new()));
            }
        }
    }
    for (_, _, v) in &mut out {
        v.sort_by(|a, b| b.date.cmp(&a.date));
    }
    out
}
