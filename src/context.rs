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
//! [`context_with`] stops at a [`Deadline`] (checked between hits and rings).
//!
//! `used` counts the characters of passage text returned (the separators between the
//! passages of a group are not counted); it never exceeds `budget`.

use crate::cite::place;
use crate::corpus::{Passage, PathHeading, format_pages};
use crate::search::SearchRequest;
use crate::{Deadline, DocFilter, Engine, Error, Result};
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
/// neighbours; the errors of [`Engine::search`] for a bad query, except that a query
/// without any searchable word gives no group.
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
    context_with(engine, q, budget, neighbors, filter, None)
}

/// [`context_filtered`], stopped with [`Error::Timeout`] once `deadline` has passed.
pub fn context_with(
    engine: &Engine,
    q: &str,
    budget: usize,
    neighbors: usize,
    filter: &DocFilter,
    deadline: Option<Deadline>,
) -> Result<ContextResult> {
    validate(budget, neighbors)?;
    if q.trim().is_empty() {
        return Err(Error::BadRequest("the query is empty".into()));
    }
    let mut req = SearchRequest::new(q);
    req.limit = MAX_HITS;
    req.deadline = deadline;
    filter.apply(&mut req);
    // A query without a searchable word finds nothing: no group (as search answers no hit).
    let res = if crate::cite::normalize(q).is_empty() {
        None
    } else {
        match engine.search(&req) {
            Err(Error::NoSearchableWords(_)) => None,
            other => Some(other?),
        }
    };
    let Some(res) = res else {
        return Ok(ContextResult {
            query: q.to_string(),
            budget,
            used: 0,
            groups: Vec::new(),
            prompt: String::new(),
        });
    };
    crate::deadline::check(deadline)?;
    let docs = engine.documents();
    // Global position of each document's first passage, and its index.
    let mut bases: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut base = 0u64;
    for (i, d) in docs.iter().enumerate() {
        bases.insert(d.id.clone(), (i, base));
        base += d.passages as u64;
    }
    let mut pick = Picked {
        budget,
        used: 0,
        chosen: BTreeMap::new(),
        hits: Vec::new(),
    };
    pick.hits_first(res.hits, &bases);
    for d in 1..=neighbors {
        pick.ring(engine, &docs, &bases, d, deadline)?;
    }
    let groups = group(&docs, pick.chosen);
    let prompt = prompt(&groups);
    Ok(ContextResult {
        query: q.to_string(),
        budget,
        used: pick.used,
        groups,
        prompt,
    })
}

/// The passages chosen so far, within the budget.
struct Picked {
    budget: usize,
    used: usize,
    /// Keyed by (doc index, seq): document order.
    chosen: BTreeMap<(usize, usize), Chosen>,
    /// The hits kept, best first, with their document index; each side of a hit is
    /// open until its first failure.
    hits: Vec<(usize, Passage, [bool; 2])>,
}

impl Picked {
    /// Takes the hits best first while they fit (the best one cut when it alone exceeds
    /// the budget).
    fn hits_first(
        &mut self,
        hits: Vec<crate::search::Hit>,
        bases: &BTreeMap<String, (usize, u64)>,
    ) {
        for h in hits {
            let Some(&(di, _)) = bases.get(&h.passage.doc) else {
                continue;
            };
            let len = h.passage.text.chars().count();
            if self.used + len <= self.budget {
                self.used += len;
            } else if self.chosen.is_empty() {
                // The best hit alone exceeds the budget: cut it at a sentence end.
                let text = cut(&h.passage.text, self.budget);
                self.used += text.chars().count();
                let key = (di, h.passage.seq);
                self.chosen
                    .insert(key, Chosen::new(di, h.passage, text, true, true));
                break;
            } else {
                continue;
            }
            self.hits.push((di, h.passage.clone(), [true, true]));
            let text = h.passage.text.clone();
            let key = (di, h.passage.seq);
            self.chosen
                .insert(key, Chosen::new(di, h.passage, text, true, false));
        }
    }

    /// Adds the neighbours at distance `d` of every hit, best hit first, before and
    /// after, while they fit; a side stops at its first failure.
    fn ring(
        &mut self,
        engine: &Engine,
        docs: &[crate::index::DocInfo],
        bases: &BTreeMap<String, (usize, u64)>,
        d: usize,
        deadline: Option<Deadline>,
    ) -> Result<()> {
        for hi in 0..self.hits.len() {
            crate::deadline::check(deadline)?;
            for (side, sign) in [(0usize, -1i64), (1, 1)] {
                let (di, hit, open) = &self.hits[hi];
                if !open[side] {
                    continue;
                }
                let di = *di;
                let seq = hit.seq as i64 + sign * d as i64;
                let base = bases.get(&hit.doc).map_or(0, |b| b.1);
                let next = if seq < 0 || seq as usize >= docs[di].passages {
                    None
                } else if let Some(c) = self.chosen.get(&(di, seq as usize)) {
                    // Already chosen (another hit or its window): keep walking through it.
                    Some((c.passage.clone(), true))
                } else {
                    engine.passage_at(base + seq as u64)?.map(|p| (p, false))
                };
                let keep = match &next {
                    None => false,
                    Some((p, _)) => p.doc == hit.doc && group_key(p) == group_key(hit),
                };
                let Some((p, already)) = next.filter(|_| keep) else {
                    self.hits[hi].2[side] = false;
                    continue;
                };
                if already {
                    continue;
                }
                let len = p.text.chars().count();
                if self.used + len > self.budget {
                    self.hits[hi].2[side] = false;
                    continue;
                }
                self.used += len;
                let text = p.text.clone();
                self.chosen
                    .insert((di, p.seq), Chosen::new(di, p, text, false, false));
            }
        }
        Ok(())
    }
}

impl Chosen {
    fn new(doc_index: usize, passage: Passage, text: String, hit: bool, truncated: bool) -> Self {
        Chosen {
            doc_index,
            passage,
            text,
            hit,
            truncated,
        }
    }
}

/// Groups consecutive chosen passages of one outline group, in document order.
fn group(
    docs: &[crate::index::DocInfo],
    chosen: BTreeMap<(usize, usize), Chosen>,
) -> Vec<ContextGroup> {
    let mut groups: Vec<ContextGroup> = Vec::new();
    let mut last: Option<(usize, usize, Passage)> = None; // (doc index, seq, first passage)
    let mut members: Vec<Chosen> = Vec::new();
    let flush = |members: &mut Vec<Chosen>, groups: &mut Vec<ContextGroup>| {
        if let Some(g) = make_group(docs, members) {
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
    groups
}

/// The outline group of a passage for context: the headings of its section (its part,
/// chapter, section and sidebar, or the preface). The items of a policy text's section
/// are one group.
fn group_key(p: &Passage) -> &[PathHeading] {
    p.section_headings()
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
