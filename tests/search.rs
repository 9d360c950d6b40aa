//! Query semantics, ranking and snippets, through the public API.

mod common;

use zhengce::corpus::PassageKind;
use zhengce::{Error, SearchRequest, SearchResponse};

fn search(q: &str) -> SearchResponse {
    common::engine()
        .search(&SearchRequest::new(q))
        .unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn top_text(q: &str) -> String {
    search(q)
        .hits
        .first()
        .map(|h| h.passage.text.clone())
        .unwrap_or_default()
}

/// (query, a substring the top hit must contain)
const TOP_HIT: &[(&str, &str)] = &[
    // keywords and domain terms kept whole
    ("以工代赈", "以工代赈"),
    ("三区三州", "三区三州"),
    ("坡改梯", "坡改梯"),
    // punctuation in the query is not a term
    ("以工代赈？", "以工代赈"),
    ("“以工代赈”。", "以工代赈"),
    // infix: part of a word
    ("代赈", "代赈"),
    // one character that is no word alone: its gram
    ("赈", "赈"),
    ("老区", "老区"),
    ("沉陷", "沉陷"),
    // traditional script and full width
    ("以工代賑", "以工代赈"),
    // questions: question words need not match
    ("如何保护利用革命文物", "革命文物"),
    // multi-word, all required
    ("利用沙漠戈壁发展光伏风电", "戈壁"),
    ("包头 稀土", "包头稀土"),
    // quotes: exact run ranks first
    (
        "让低收入人口和欠发达地区共享发展成果",
        "让低收入人口和欠发达地区共享发展成果",
    ),
];

#[test]
fn top_hits() {
    for (q, want) in TOP_HIT {
        let t = top_text(q);
        assert!(
            t.contains(want),
            "query {q:?}: top hit {t:?} lacks {want:?}"
        );
    }
}

#[test]
fn traditional_and_full_width_variants_find_the_same_passages() {
    for (variant, simplified) in [
        ("易地扶貧搬遷", "易地扶贫搬迁"),
        ("以工代賑", "以工代赈"),
        ("ＡＢＣ以工代赈", "abc以工代赈"),
    ] {
        let a: Vec<String> = search(variant)
            .hits
            .into_iter()
            .map(|h| h.passage.id)
            .collect();
        let b: Vec<String> = search(simplified)
            .hits
            .into_iter()
            .map(|h| h.passage.id)
            .collect();
        assert_eq!(a, b, "{variant}");
    }
    // Highlights point at the original (simplified) text.
    let h = &search("以工代賑").hits[0];
    assert!(h.snippet.contains("<mark>以工代赈</mark>"));
}

#[test]
fn all_words_not_a_slop0_phrase() {
    // Unquoted words need not be adjacent: 特殊类型地区 … 振兴 in any order.
    let r = search("振兴 特殊类型地区");
    assert!(!r.partial);
    assert!(r.total > 0);
    for h in &r.hits {
        let t = &h.passage.text;
        let titles = format!("{:?}{:?}", h.passage.section, h.passage.sidebar);
        assert!(t.contains("振兴") || titles.contains("振兴"), "{t}");
    }
}

#[test]
fn exact_phrase_ignores_punctuation() {
    let r = search("\"宜农则农 宜粮则粮\"");
    assert_eq!(r.total, 1);
    assert!(r.hits[0].passage.text.contains("宜农则农、宜粮则粮"));
    // A phrase that is not in the text, although its words are.
    let r = search("\"宜粮则农\"");
    assert_eq!(r.total, 0);
}

#[test]
fn exclusion() {
    let with = search("以工代赈").total;
    let r = search("以工代赈 -劳务");
    assert!(r.total > 0 && r.total < with);
    assert!(r.hits.iter().all(|h| !h.passage.text.contains("劳务")));
}

#[test]
fn partial_fallback_is_flagged() {
    let r = search("以工代赈 火星基地");
    assert!(r.partial);
    assert!(r.hits[0].passage.text.contains("以工代赈"));
    assert!(!search("以工代赈").partial);
}

#[test]
fn no_false_hits_across_word_boundaries() {
    // 境地 is a dictionary word, but in the plan it only appears across 边境|地区.
    let r = search("境地");
    assert_eq!(r.total, 0, "{:?}", r.hits.first().map(|h| &h.passage.text));
}

#[test]
fn one_character_finds_every_passage_that_contains_it() {
    // Common characters that jieba leaves alone in some places and keeps inside longer
    // words in others: a query of one character finds both, in the text or in the
    // title of the passage's section or sidebar.
    let docs = zhengce::index::load_corpus(&common::corpus_dir()).expect("corpus");
    let has = |s: &str, c: &str| zhengce::analysis::fold(s).contains(c);
    for c in ["水", "地", "县", "镇"] {
        let want = docs
            .iter()
            .flat_map(|d| &d.passages)
            .filter(|p| {
                has(&p.text, c)
                    || [&p.section, &p.sidebar]
                        .into_iter()
                        .flatten()
                        .any(|h| has(&h.title, c))
            })
            .count();
        assert!(want > 1, "{c}: {want}");
        assert_eq!(search(c).total, want, "{c}");
    }
}

#[test]
fn snippets_merge_marks_and_count_characters() {
    let r = search("三区三州");
    let h = &r.hits[0];
    assert!(h.snippet.contains("<mark>三区三州</mark>"), "{}", h.snippet);
    assert!(!h.snippet.contains("</mark><mark>"));
    let visible = h.snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(
        visible.chars().count() <= 125,
        "{}",
        visible.chars().count()
    );
    let chars: Vec<char> = h.passage.text.chars().collect();
    for [a, b] in &h.highlights {
        let s: String = chars[*a..*b].iter().collect();
        assert_eq!(s, "三区三州");
    }
}

#[test]
fn no_stray_marks() {
    for h in search("以工代赈").hits {
        let marked: Vec<&str> = h
            .snippet
            .split("<mark>")
            .skip(1)
            .filter_map(|s| s.split("</mark>").next())
            .collect();
        assert!(marked.iter().all(|m| *m == "以工代赈"), "{marked:?}");
    }
}

#[test]
fn filters_and_paging() {
    let e = common::engine();
    let mut req = SearchRequest::new("发展");
    req.kind = Some(PassageKind::Sidebar);
    let r = e.search(&req).expect("search");
    assert!(r.total > 0);
    assert!(
        r.hits
            .iter()
            .all(|h| h.passage.kind == PassageKind::Sidebar)
    );
    let mut req = SearchRequest::new("发展");
    req.chapter = Some(3);
    let r = e.search(&req).expect("search");
    assert!(r.hits.iter().all(|h| h.passage.chapter_number() == Some(3)));
    assert_eq!(r.facets.keys().collect::<Vec<_>>(), vec!["3"]);
    let all = e.search(&SearchRequest::new("发展")).expect("search");
    assert!(all.facets.len() > 5);
    assert_eq!(all.facets.values().sum::<usize>(), all.total);
    let mut p2 = SearchRequest::new("发展");
    p2.offset = 10;
    let r2 = e.search(&p2).expect("search");
    assert_eq!(
        r2.hits.first().map(|h| &h.passage.id),
        Some(&{
            let mut big = SearchRequest::new("发展");
            big.limit = 11;
            e.search(&big).expect("search").hits[10].passage.id.clone()
        })
    );
}

#[test]
fn bad_requests_are_user_errors() {
    let e = common::engine();
    for q in [
        "",
        "   ",
        "，。",
        "-",
        "\"",
        &"(".repeat(1000),
        &"字".repeat(600),
    ] {
        let err = e.search(&SearchRequest::new(q)).expect_err(q);
        assert!(err.is_user_error(), "{q:?}: {err}");
    }
    let mut r = SearchRequest::new("以工代赈");
    r.limit = 0;
    assert!(matches!(e.search(&r), Err(Error::BadRequest(_))));
    r.limit = 101;
    assert!(matches!(e.search(&r), Err(Error::BadRequest(_))));
    r.limit = 10;
    r.offset = 10_001;
    assert!(matches!(e.search(&r), Err(Error::BadRequest(_))));
}

#[test]
fn hostile_queries_never_fail() {
    let e = common::engine();
    for q in [
        "AND OR NOT",
        "*",
        "𠀀",
        "😀以工代赈",
        "a\u{0}b",
        "((以工代赈",
        "\"以工代赈",
        "<script>",
    ] {
        match e.search(&SearchRequest::new(q)) {
            Ok(r) => assert!(r.hits.iter().all(|h| !h.snippet.contains("<script>"))),
            Err(err) => assert!(err.is_user_error(), "{q:?}: {err}"),
        }
    }
}

/// The development set, in process: hit@1 ≥ 0.9.
#[test]
fn development_set() {
    let tsv = include_str!("fixtures/dev.tsv");
    let (mut n, mut hit1) = (0, 0);
    let norm = |s: &str| s.split_whitespace().collect::<String>();
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (q, rel) = (cols[2], cols[3]);
        let rel: Vec<String> = rel.split('|').map(norm).collect();
        let r = search(q);
        n += 1;
        if let Some(h) = r.hits.first() {
            let t = norm(&h.passage.text);
            if rel.iter().any(|x| t.contains(x.as_str())) {
                hit1 += 1;
            }
        }
    }
    let score = hit1 as f64 / n as f64;
    assert!(score >= 0.9, "hit@1 = {score} over {n} queries");
}
