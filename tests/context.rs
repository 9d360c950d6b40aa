//! Context for chatbots: budget, merging, document order.

mod common;

use std::collections::HashMap;
use zhengce::Error;
use zhengce::context::context;
use zhengce::corpus::Passage;

/// Every passage of the corpus by id.
fn passages() -> HashMap<String, Passage> {
    let engine = common::engine();
    let mut out = HashMap::new();
    for d in engine.documents().iter() {
        for p in engine.passages_of(&d.id).unwrap() {
            out.insert(p.id.clone(), p);
        }
    }
    out
}

fn key(p: &Passage) -> (String, Option<String>, Option<String>, Option<String>) {
    (
        p.doc.clone(),
        p.chapter.as_ref().map(|h| h.label.clone()),
        p.section.as_ref().map(|h| h.label.clone()),
        p.sidebar.as_ref().map(|h| h.label.clone()),
    )
}

/// The invariants every context answer keeps.
fn check(res: &zhengce::context::ContextResult, all: &HashMap<String, Passage>) {
    assert!(res.used <= res.budget, "{} > {}", res.used, res.budget);
    let mut counted = 0;
    let mut prev: Option<&Passage> = None;
    for g in &res.groups {
        assert!(!g.ids.is_empty());
        assert!(!g.hit_ids.is_empty(), "a group without a hit: {:?}", g.ids);
        let ps: Vec<&Passage> = g.ids.iter().map(|id| &all[id]).collect();
        // One outline group, consecutive passages.
        for w in ps.windows(2) {
            assert_eq!(w[0].seq + 1, w[1].seq, "{:?}", g.ids);
            assert_eq!(key(w[0]), key(w[1]));
        }
        // Document order, and no two groups that touch within one outline group.
        if let Some(p) = prev {
            assert!(p.seq < ps[0].seq, "groups out of document order");
            assert!(
                !(p.seq + 1 == ps[0].seq && key(p) == key(ps[0])),
                "touching windows not merged: {} {}",
                p.id,
                ps[0].id
            );
        }
        prev = ps.last().copied();
        counted += g.text.chars().filter(|c| *c != '\n').count();
        if !g.truncated {
            let joined: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
            assert_eq!(g.text, joined.join("\n"));
        }
        let pages = g.pages.unwrap();
        assert!(
            g.citation.ends_with(&zhengce::corpus::format_pages(pages)),
            "{}",
            g.citation
        );
        assert!(
            g.citation
                .starts_with("《“十四五”特殊类型地区振兴发展规划》")
        );
    }
    let newlines_in_passages: usize = res
        .groups
        .iter()
        .flat_map(|g| g.ids.iter())
        .map(|id| all[id].text.matches('\n').count())
        .sum();
    assert_eq!(counted + newlines_in_passages, res.used);
    // The prompt numbers the groups.
    for (i, g) in res.groups.iter().enumerate() {
        assert!(
            res.prompt
                .contains(&format!("[{}] {}\n", i + 1, g.citation))
        );
    }
}

#[test]
fn default_budget_with_neighbours() {
    let all = passages();
    let res = context(common::engine(), "以工代赈", 2000, 1).unwrap();
    check(&res, &all);
    assert!(!res.groups.is_empty());
    assert!(
        res.used > 1000,
        "the budget should be mostly used: {}",
        res.used
    );
    // Some hit has a neighbour in its group.
    assert!(res.groups.iter().any(|g| g.ids.len() > g.hit_ids.len()));
}

#[test]
fn budget_binds_hits_first() {
    let all = passages();
    let wide = context(common::engine(), "以工代赈", 20_000, 0).unwrap();
    let narrow = context(common::engine(), "以工代赈", 600, 2).unwrap();
    check(&wide, &all);
    check(&narrow, &all);
    assert!(narrow.used <= 600);
    // The best hit of the unconstrained answer is kept (unless it alone is too long).
    let search = common::engine()
        .search(&zhengce::SearchRequest::new("以工代赈"))
        .unwrap();
    let best = &search.hits[0].passage;
    if best.text.chars().count() <= 600 {
        assert!(narrow.groups.iter().any(|g| g.hit_ids.contains(&best.id)));
    }
    // More budget, more text.
    assert!(wide.used > narrow.used);
}

#[test]
fn single_long_hit_is_cut_at_a_sentence_end() {
    let all = passages();
    // A query whose best hit alone is over the smallest budget.
    let (q, best) = [
        "革命老区",
        "资源型地区",
        "边境地区",
        "易地扶贫搬迁",
        "以工代赈",
    ]
    .into_iter()
    .find_map(|q| {
        let r = common::engine()
            .search(&zhengce::SearchRequest::new(q))
            .ok()?;
        let best = r.hits.first()?.passage.clone();
        (best.text.chars().count() > 200).then_some((q, best))
    })
    .expect("a query whose best passage is over 200 characters");
    let res = context(common::engine(), q, 200, 3).unwrap();
    check(&res, &all);
    assert_eq!(res.groups.len(), 1);
    let g = &res.groups[0];
    assert!(g.truncated);
    assert_eq!(g.ids, vec![best.id.clone()]);
    assert!(best.text.starts_with(&g.text));
    assert!(g.text.ends_with(['。', '；', '！', '？']) || g.text.chars().count() == 200);
}

#[test]
fn windows_merge_and_stay_in_their_section() {
    let all = passages();
    for q in ["易地扶贫搬迁", "革命老区", "边境地区", "资源型地区"] {
        for k in 0..=3 {
            let res = context(common::engine(), q, 5000, k).unwrap();
            check(&res, &all);
            if k == 0 {
                for g in &res.groups {
                    assert_eq!(g.ids, g.hit_ids, "neighbours=0 adds no neighbour");
                }
            }
        }
    }
}

#[test]
fn bad_parameters() {
    let e = common::engine();
    for (b, k) in [(199, 0), (20_001, 0), (2000, 6)] {
        let err = context(e, "以工代赈", b, k).unwrap_err();
        assert!(matches!(err, Error::BadRequest(_)), "{b} {k}: {err}");
    }
    assert!(context(e, "  ", 2000, 1).unwrap_err().is_user_error());
}
