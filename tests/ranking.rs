//! The library ranking over the fixture library (a few laws, a local regulation, a policy
//! text and the plan): partial matching, substrings across word boundaries, title
//! evidence, the authority prior and the place lift, query expansion, and `explain`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use zhengce::search::{Hit, Weights};
use zhengce::{Engine, SearchRequest, SearchResponse};

fn lib_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library")
}

fn engine() -> &'static Engine {
    static E: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &E.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let ix = dir.path().join("index");
        zhengce::index::build(&lib_dir(), &ix).expect("build");
        (dir, Engine::open(&ix).expect("open"))
    })
    .1
}

fn search(q: &str, explain: bool) -> SearchResponse {
    let mut req = SearchRequest::new(q);
    req.limit = 50;
    req.explain = explain;
    engine().search(&req).expect(q)
}

fn title_of(h: &Hit) -> &str {
    &h.doc_title
}

/// The explanation of the first hit whose document title contains `title`.
fn explain_of(r: &SearchResponse, title: &str) -> Option<zhengce::search::Explain> {
    r.hits
        .iter()
        .find(|h| title_of(h).contains(title))
        .and_then(|h| h.explain.clone())
}

/// Every fixture document's text, for scans.
fn fixture_text() -> String {
    let mut out = String::new();
    let mut stack = vec![lib_dir()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md" || x == "txt") {
                out.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    out
}

#[test]
fn a_long_query_ranks_partial_matches_by_the_weight_they_match() {
    // Five words, two of them in no document: no passage has them all.
    let r = search("共有人 管理费用 负担 火星 宇航员", false);
    assert!(r.partial);
    let top = &r.hits[0].passage.text;
    assert!(top.contains("共有人") && top.contains("管理费用"), "{top}");
    // The words that match most (rare and central) lead; a passage with only one of them
    // ranks below one that has three.
    let pos = |needle: &[&str]| {
        r.hits
            .iter()
            .position(|h| needle.iter().all(|w| h.passage.text.contains(w)))
    };
    let all3 = pos(&["共有人", "管理费用", "负担"]).expect("a passage with three words");
    assert_eq!(all3, 0);
}

#[test]
fn a_substring_across_word_boundaries_counts_as_a_match() {
    // The text says 约定不明确 (约定|不明确); the user types 约定不明.
    let r = search("费用 约定不明", false);
    assert!(!r.partial, "every word should match");
    let found: Vec<&str> = r.hits.iter().map(|h| h.passage.text.as_str()).collect();
    assert!(
        found
            .iter()
            .any(|t| t.contains("约定不明确") && t.contains("费用")),
        "{found:?}"
    );
    // Every passage that has both words is found.
    let want = fixture_text()
        .lines()
        .filter(|l| l.contains("约定不明") && l.contains("费用"))
        .count();
    assert!(r.total >= want && want > 0, "{} < {want}", r.total);
}

#[test]
fn words_of_a_documents_title_are_evidence_for_it() {
    let r = search("乡村 文化", true);
    let (mut inside, mut outside) = (0, 0);
    for h in &r.hits {
        let x = h.explain.as_ref().expect("explain");
        if title_of(h).contains("乡村") {
            assert!(x.title > 0.0, "{}", h.passage.citation);
            inside += 1;
        } else {
            assert_eq!(x.title, 0.0, "{}", h.passage.citation);
            outside += 1;
        }
    }
    assert!(inside > 0 && outside > 0, "{inside} {outside}");
    assert!(title_of(&r.hits[0]).contains("乡村"));
}

#[test]
fn national_law_before_local_regulation_unless_the_query_names_the_place() {
    let w = Weights::default();
    let local = |r: &SearchResponse| {
        r.hits
            .iter()
            .find(|h| title_of(h).starts_with("北京"))
            .expect("a hit in the Beijing regulation")
            .explain
            .clone()
            .expect("explain")
    };
    let r = search("文化遗产 保护", true);
    let x = local(&r);
    assert_eq!(x.prior, w.kind_local);
    assert!(x.prior < w.kind_law);
    assert_eq!(x.place, 0.0);
    let national = explain_of(&r, "乡村振兴促进法").expect("a hit in the national law");
    assert_eq!(national.prior, w.kind_law);

    // Naming the place lifts its texts: the national prior plus the place's.
    let r = search("北京 文化遗产 保护", true);
    let x = local(&r);
    assert_eq!(x.prior, w.kind_law);
    assert_eq!(x.place, w.place);
    assert!(title_of(&r.hits[0]).starts_with("北京"));
}

/// A learned association of the embedded table whose words are both in the fixture.
fn a_learned_pair(text: &str) -> (String, String) {
    let table = include_str!("../data/expansions.tsv");
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut it = l.split('\t');
            let (a, b, w) = (it.next()?, it.next()?, it.next()?.parse::<f32>().ok()?);
            (w >= 0.3 && a.chars().count() >= 3 && text.contains(a) && text.contains(b))
                .then(|| (a.to_string(), b.to_string()))
        })
        .next()
        .expect("a pair of the table within the fixture")
}

#[test]
fn learned_expansions_are_applied_and_listed() {
    let (from, to) = a_learned_pair(&fixture_text());
    let r = search(&from, true);
    let e = r
        .expanded
        .iter()
        .find(|e| e.to == to)
        .unwrap_or_else(|| panic!("{from} → {to} not in {:?}", r.expanded));
    assert_eq!(e.from, from);
    assert!(e.weight > 0.0 && e.weight < 1.0, "{}", e.weight);
    // The expansion is not one of the user's words.
    assert!(!r.terms.contains(&to));
    // A query whose words have no association is left as typed.
    let r = search("中轴线", false);
    assert!(r.expanded.is_empty(), "{:?}", r.expanded);
    assert_eq!(r.terms, vec!["中轴线".to_string()]);
}

#[test]
fn explain_says_what_each_signal_contributed() {
    let r = search("北京 文化遗产 保护", true);
    assert!(!r.hits.is_empty());
    for h in &r.hits {
        let x = h.explain.as_ref().expect("explain");
        let want = x.query * (x.prior + x.title + x.place + x.version).exp() + x.document;
        assert!(
            (want - h.score).abs() <= 1e-3 * h.score.abs().max(1.0),
            "{want} vs {}",
            h.score
        );
    }
    let r = search("北京 文化遗产 保护", false);
    assert!(r.hits.iter().all(|h| h.explain.is_none()));
    // In JSON: present with explain, absent without.
    let v = serde_json::to_value(search("文化遗产", true)).expect("json");
    assert!(v["hits"][0]["explain"]["prior"].is_number());
    let v = serde_json::to_value(search("文化遗产", false)).expect("json");
    assert!(v["hits"][0].get("explain").is_none());
}

#[test]
fn an_expired_deadline_stops_the_search() {
    let mut req = SearchRequest::new("文化遗产 保护");
    req.deadline = Some(zhengce::Deadline::after(std::time::Duration::ZERO));
    std::thread::sleep(std::time::Duration::from_millis(2));
    assert!(matches!(
        engine().search(&req),
        Err(zhengce::Error::Timeout)
    ));
    req.deadline = Some(zhengce::Deadline::after(std::time::Duration::from_secs(60)));
    assert!(engine().search(&req).is_ok());
}

#[test]
fn passages_with_every_word_come_first_then_the_best_partial_matches() {
    // Two words that few passages hold together: those lead, partial matches fill the page.
    let r = search("共有人 负担", true);
    assert!(!r.partial, "some passage has both words");
    let strict: Vec<bool> = r
        .hits
        .iter()
        .map(|h| h.explain.as_ref().expect("explain").strict)
        .collect();
    let n = strict.iter().take_while(|s| **s).count();
    assert!(n >= 1, "{strict:?}");
    assert!(n < r.hits.len(), "the page is filled with partial matches");
    assert!(
        strict[n..].iter().all(|s| !s),
        "strict hits first: {strict:?}"
    );
    for h in &r.hits[..n] {
        let t = &h.passage.text;
        assert!(t.contains("共有人") && t.contains("负担"), "{t}");
    }
    assert!(r.total >= r.hits.len(), "total counts every passage shown");
    let mut ids: Vec<&str> = r.hits.iter().map(|h| h.passage.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "no passage twice");
}

#[test]
fn a_law_comes_before_the_amending_act_whose_wording_it_took_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = dir.path().join("laws");
    let law = lib.join("刑法");
    std::fs::create_dir_all(&law).expect("dir");
    let article = "在道路上驾驶机动车，有下列情形之一的，处拘役，并处罚金：（一）追逐竞驶，情节恶劣的；（二）醉酒驾驶机动车的。";
    std::fs::write(
        law.join("刑法.md"),
        format!(
            "# 中华人民共和国刑法\n\n2020年12月26日修正\n\n<!-- INFO END -->\n\n\
             第一百三十三条 违反交通运输管理法规，因而发生重大事故的，处三年以下有期徒刑。\n\n\
             第一百三十三条之一 {article}\n\n\
             第一百三十四条 在生产、作业中违反有关安全管理的规定的，处三年以下有期徒刑。\n"
        ),
    )
    .expect("write");
    std::fs::write(
        law.join("刑法修正案（九）.md"),
        format!(
            "# 中华人民共和国刑法修正案（九）\n\n2015年8月29日通过\n\n<!-- INFO END -->\n\n\
             一、将刑法第一百三十三条之一第一款修改为：“{article}”\n\n\
             二、本修正案自2015年11月1日起施行。\n"
        ),
    )
    .expect("write");
    let ix = dir.path().join("index");
    zhengce::index::build(&lib, &ix).expect("build");
    let engine = Engine::open(&ix).expect("open");
    let mut req = SearchRequest::new("醉酒驾驶机动车 追逐竞驶");
    req.explain = true;
    let r = engine.search(&req).expect("search");
    let titles: Vec<&str> = r.hits.iter().map(title_of).collect();
    assert_eq!(
        titles.first().copied(),
        Some("中华人民共和国刑法"),
        "{titles:?}"
    );
    let amending = explain_of(&r, "修正案").expect("the amending act matches too");
    assert_eq!(amending.version, Weights::default().amending);
}
