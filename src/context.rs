//! Context for chatbots: the best passages for a question, with their neighbours and
//! sources, within a size budget.
//!
//! # What is returned
//!
//! 1. The query is searched ([`Engine::search`], the best [`MAX_HITS`] passages; with
//!    [`context_filtered`], only in the documents its [`DocFilter`] lets through).
//! 2. Hits are taken best first while their text fits the budget (a hit that does not fit
//!    is skipped and the next one tried). If the best hit alone exceeds the budget, it is
//!    cut at the last sentence end (`。！？；`) that fits (or at the budget when no sentence
//!    ends in it) and its group is marked `truncated`; nothing else is ever cut.
//! 3. With `neighbors = K`, neighbours are added ring by ring (distance 1 for every hit,
//!    best hit first, before then distance 2, …), before and after, while they fit. A
//!    neighbour must stand in the **same group of the outline** as its hit: the same
//!    document, chapter, section and sidebar (a sidebar's items are one group; the body
//!    paragraphs of a section outside its sidebars are another). A side stops at the first
//!    passage of another group or the first that does not fit, so windows have no holes.
//!    Neighbours are dropped before hits: hits take the budget first.
//! 4. The chosen passages are grouped: passages of one outline group that follow each other
//!    in document order form one [`ContextGroup`] (so overlapping or touching windows merge),
//!    and the groups are listed in document order, each with a section-level citation (for
//!    a law's articles, the articles: `第五条至第七条`) and the page span of its passages.
//!
//! `used` counts the characters of passage text returned (the separators between the
//! passages of a group are not counted); it never exceeds `budget`.

use crate::cite::{group_labels, place};
use crate::corpus::{Passage, format_pages};
use crate::search::SearchRequest;
use crate::{DocFilter, Engine, Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// The default budget, in characters of passage text.
pub const DEFAULT_BUDGET: usize = 2_000;
/// The smallest budget accepted.
pub const MIN_BUDGET: usize = 200;
/// The largest budget accepted.
pub const MAX_BUDGET: usize = 20_000;
/// The largest `neighbors`.
pub const MAX_NEIGHBORS: usize = 5;
/// The default `neighbors`.
pub const DEFAULT_NEIGHBORS: usize = 1;
/// How many search hits are considered.
pub const MAX_HITS: usize = 10;

/// The context for a query.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct ContextResult {
    /// The query as received.
    pub query: String,
    /// The budget, in characters of passage text.
    pub budget: usize,
    /// Characters of passage text returned (at most `budget`).
    pub used: usize,
    /// The groups, in document order.
    pub groups: Vec<ContextGroup>,
    /// The groups as numbered sources, ready to paste into an LLM prompt.
    pub prompt: String,
}

/// Consecutive passages of one section (or sidebar).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct ContextGroup {
    /// Passage ids, in document order.
    pub ids: Vec<String>,
    /// Section-level citation with the group's page span: `《…》第二章第二节，第7—8页`
    /// (a law's articles: `《…》第五条至第七条`).
    pub citation: String,
    /// The heading path of the group (`第二章 … › 第二节 …`).
    pub path: String,
    /// First and last page of the group.
    pub pages: Option<[u32; 2]>,
    /// The passages' text, one passage per line.
    pub text: String,
    /// The ids of the search hits among `ids` (the others are neighbours).
    pub hit_ids: Vec<String>,
    /// Whether the text was cut to fit the budget (only ever a single hit that alone
    /// exceeds it).
    pub truncated: bool,
}

/// A passage chosen for the context, with its place in the corpus.
struct Chosen {
    doc_index: usize,
    passage: Passage,
    text: String,
    hit: bool,
    truncated: bool,
}

/// Checks `budget` and `neighbors`.
pub fn validate(budget: usize, neighbors: usize) -> Result<()> {
    if !(MIN_BUDGET..=MAX_BUDGET).contains(&budget) {
        return Err(Error::BadRequest(format!(
            "budget must be between {MIN_BUDGET} and {MAX_BUDGET}, got {budget}"
        )));
    }
    if neighbors > MAX_NEIGHBORS {
        return Err(Error::BadRequest(format!(
            "neighbors must be between 0 and {MAX_NEIGHBORS}, got {neighbors}"
        )));
    }
    Ok(())
}

/// The best passages for `q` with `neighbors` passages of context on each side, within
/// `budget` characters. See the module docs.
///
/// Errors: [`Error::BadRequest`] for a budget outside `200..=20000` or more than 5
/// neighbours; the errors of [`Engine::search`] for a bad query.
pub fn context(engine: &Engine, q: &str, budget: usize, neighbors: usize) -> Result<ContextResult> {
    context_filtered(engine, q, budget, neighbors, &DocFilter::default())
}

/// As [`context`], from the documents `filter` lets through only (see [`DocFilter`]): the
/// hits are searched with the same `doc` and `type` filters as a search, and neighbours
/// stay in their hit's document. A filter that names no document gives no group.
///
/// Errors: as [`context`].
pub fn context_filtered(
    engine: &Engine,
    q: &str,
    budget: usize,
    neighbors: usize,
    filter: &DocFilter,
) -> Result<ContextResult> {
    validate(budget, neighbors)?;
    if q.trim().is_empty() {
        return Err(Error::BadRequest("the query is empty".into()));
    }
    let mut req = SearchRequest::new(q);
    req.limit = MAX_HITS;
    filter.apply(&mut req);
    let res = engine.search(&req)?;
    let docs = engine.documents();
    // Global position of each document's first passage, and its index.
    let mut bases: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut base = 0u64;
    for (i, d) in docs.iter().enumerate() {
        bases.insert(d.id.clone(), (i, base));
        base += d.passages as u64;
    }

    let mut used = 0usize;
    // Keyed by (doc index, seq): document order.
    let mut chosen: BTreeMap<(usize, usize), Chosen> = BTreeMap::new();
    let mut hits: Vec<(usize, Passage)> = Vec::new();
    for h in res.hits {
        let Some(&(di, _)) = bases.get(&h.passage.doc) else {
            continue;
        };
        let len = h.passage.text.chars().count();
        if used + len <= budget {
            used += len;
        } else if chosen.is_empty() {
            // The best hit alone exceeds the budget: cut it at a sentence end.
            let text = cut(&h.passage.text, budget);
            used += text.chars().count();
            chosen.insert(
                (di, h.passage.seq),
                Chosen {
                    doc_index: di,
                    passage: h.passage,
                    text,
                    hit: true,
                    truncated: true,
                },
            );
            break;
        } else {
            continue;
        }
        hits.push((di, h.passage.clone()));
        chosen.insert(
            (di, h.passage.seq),
            Chosen {
                doc_index: di,
                text: h.passage.text.clone(),
                passage: h.passage,
                hit: true,
                truncated: false,
            },
        );
    }

    // Neighbours, ring by ring; a side stops at its first failure.
    let mut open: Vec<[bool; 2]> = vec![[true, true]; hits.len()];
    for d in 1..=neighbors {
        for (hi, (di, hit)) in hits.iter().enumerate() {
            for (side, sign) in [(0usize, -1i64), (1, 1)] {
                if !open[hi][side] {
                    continue;
                }
                let seq = hit.seq as i64 + sign * d as i64;
                let base = bases.get(&hit.doc).map_or(0, |b| b.1);
                let next = if seq < 0 || seq as usize >= docs[*di].passages {
                    None
                } else if let Some(c) = chosen.get(&(*di, seq as usize)) {
                    // Already chosen (another hit or its window): keep walking through it.
                    Some((c.passage.clone(), true))
                } else {
                    engine.passage_at(base + seq as u64)?.map(|p| (p, false))
                };
                let Some((p, already)) = next else {
                    open[hi][side] = false;
                    continue;
                };
                if p.doc != hit.doc || group_key(&p) != group_key(hit) {
                    open[hi][side] = false;
                    continue;
                }
                if already {
                    continue;
                }
                let len = p.text.chars().count();
                if used + len > budget {
                    open[hi][side] = false;
                    continue;
                }
                used += len;
                chosen.insert(
                    (*di, p.seq),
                    Chosen {
                        doc_index: *di,
                        text: p.text.clone(),
                        passage: p,
                        hit: false,
                        truncated: false,
                    },
                );
            }
        }
    }

    // Group consecutive passages of one outline group.
    let mut groups: Vec<ContextGroup> = Vec::new();
    let mut last: Option<(usize, usize, Passage)> = None; // (doc index, seq, first passage)
    let mut members: Vec<Chosen> = Vec::new();
    let flush = |members: &mut Vec<Chosen>, groups: &mut Vec<ContextGroup>| {
        if let Some(g) = make_group(&docs, members) {
            groups.push(g);
        }
        members.clear();
    };
    for ((di, seq), c) in chosen {
        let joins = last.as_ref().is_some_and(|(ld, ls, lp)| {
            *ld == di && ls + 1 == seq && group_key(lp) == group_key(&c.passage)
        });
        if !joins {
            flush(&mut members, &mut groups);
        }
        last = Some((di, seq, c.passage.clone()));
        members.push(c);
    }
    flush(&mut members, &mut groups);

    let prompt = prompt(&groups);
    Ok(ContextResult {
        query: q.to_string(),
        budget,
        used,
        groups,
        prompt,
    })
}

/// The outline group of a passage: its part, chapter, section and sidebar labels (and
/// whether it is in the preface). The items of a policy text's section are one group.
fn group_key(p: &Passage) -> Vec<String> {
    group_labels(p)
}

fn make_group(docs: &[crate::index::DocInfo], members: &[Chosen]) -> Option<ContextGroup> {
    let first = members.first()?;
    let last = members.last()?;
    let info = docs.get(first.doc_index)?;
    let pages = members
        .iter()
        .filter_map(|c| c.passage.pages)
        .reduce(|a, b| [a[0].min(b[0]), a[1].max(b[1])]);
    let pages = if first.truncated {
        // Only the kept part counts.
        let end = first.passage.start + first.text.chars().count();
        crate::cite::pages_of(&info.page_starts, first.passage.start, end).or(pages)
    } else {
        pages
    };
    let mut citation = place(&info.title, &first.passage, &last.passage);
    if let Some(p) = pages {
        citation.push('，');
        citation.push_str(&format_pages(p));
    }
    Some(ContextGroup {
        ids: members.iter().map(|c| c.passage.id.clone()).collect(),
        citation,
        path: first.passage.section_path(),
        pages,
        text: members
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        hit_ids: members
            .iter()
            .filter(|c| c.hit)
            .map(|c| c.passage.id.clone())
            .collect(),
        truncated: members.iter().any(|c| c.truncated),
    })
}

/// The groups as numbered sources: `[1] citation\ntext`, separated by blank lines.
pub fn prompt(groups: &[ContextGroup]) -> String {
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| format!("[{}] {}\n{}", i + 1, g.citation, g.text))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The longest prefix of `text` of at most `max` characters that ends at a sentence end;
/// the first `max` characters when no sentence ends within them.
fn cut(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().take(max).collect();
    match chars.iter().rposition(|c| "。！？；!?;".contains(*c)) {
        Some(i) => chars[..=i].iter().collect(),
        None => chars.iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_sentence_ends() {
        assert_eq!(cut("一二。三四。五六", 7), "一二。三四。");
        assert_eq!(cut("一二。三四。五六", 5), "一二。");
        assert_eq!(cut("一二三四五六", 4), "一二三四");
    }

    #[test]
    fn validates() {
        assert!(validate(2000, 1).is_ok());
        assert!(validate(200, 0).is_ok());
        assert!(validate(20_000, 5).is_ok());
        assert!(matches!(validate(199, 0), Err(Error::BadRequest(_))));
        assert!(matches!(validate(20_001, 0), Err(Error::BadRequest(_))));
        assert!(matches!(validate(2000, 6), Err(Error::BadRequest(_))));
    }
}
