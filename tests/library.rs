//! A small library: laws (two versions of one, one with 分编/章/节, a local regulation), a
//! line-broken policy text, the plan, and files that are not documents.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use zhengce::corpus::{self, Document, NodeKind, PassageKind};
use zhengce::{Engine, SearchRequest};

fn lib_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library")
}

fn library() -> &'static (Vec<Document>, Vec<corpus::Skipped>) {
    static L: OnceLock<(Vec<Document>, Vec<corpus::Skipped>)> = OnceLock::new();
    L.get_or_init(|| corpus::load_library(&lib_dir()).expect("fixture library loads"))
}

fn doc(title_part: &str, date: Option<&str>) -> &'static Document {
    library()
        .0
        .iter()
        .find(|d| {
            d.title.contains(title_part) && (date.is_none() || d.meta.date.as_deref() == date)
        })
        .unwrap_or_else(|| panic!("no document {title_part}"))
}

fn engine() -> &'static Engine {
    static E: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &E.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let ix = dir.path().join("index");
        let stats = zhengce::index::build(&lib_dir(), &ix).expect("build");
        assert_eq!(stats.documents, library().0.len());
        (dir, Engine::open(&ix).expect("open"))
    })
    .1
}

#[test]
fn skips_files_that_are_not_documents_with_reasons() {
    let skipped = &library().1;
    let reason = |name: &str| {
        skipped
            .iter()
            .find(|s| s.path.ends_with(name))
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{name} not skipped"))
    };
    assert!(reason("_index.md").contains("_index.md"));
    assert!(reason("法律法规模版.md").contains("template"));
    assert!(reason("空白.txt").contains("empty"));
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert_eq!(library().0.len(), 7);
}

#[test]
fn law_articles_citations_and_metadata() {
    let d = doc("乡村振兴促进法", None);
    assert!(
        d.id.starts_with("law-") && d.id.ends_with("-20210429"),
        "{}",
        d.id
    );
    assert!(d.id.is_ascii());
    assert_eq!(d.meta.date.as_deref(), Some("2021-04-29"));
    assert_eq!(d.meta.doc_type.as_deref(), Some("法律"));
    assert_eq!(d.meta.body.as_deref(), Some("全国人民代表大会常务委员会"));
    assert_eq!(
        d.meta.source.as_deref(),
        Some("经济法/乡村振兴促进法(2021-04-29).md")
    );
    let a6 = d
        .passages
        .iter()
        .find(|p| p.id == format!("{}-a6", d.id))
        .expect("第六条");
    assert_eq!(a6.kind, PassageKind::Article);
    assert_eq!(a6.citation, "《中华人民共和国乡村振兴促进法》第六条");
    assert_eq!(a6.pages, None);
    assert_eq!(a6.article.as_deref(), Some("第六条"));
    assert!(a6.text.contains("以工补农、以城带乡"));
    assert_eq!(a6.chapter.as_ref().map(|h| h.title.as_str()), Some("总则"));
    // 第四条 keeps its items.
    let a4 = d
        .passages
        .iter()
        .find(|p| p.id.ends_with("-a4"))
        .expect("a4");
    assert!(a4.text.contains("（五）坚持因地制宜"));
    // Outline: chapters only, no articles.
    assert_eq!(d.outline[0].kind, NodeKind::Chapter);
    assert_eq!(d.outline[0].label, "第一章");
    assert_eq!(d.outline[0].title, "总则");
    assert!(d.passages.iter().all(|p| p.text.chars().count() <= 1000));
    // JSON: pages null, new fields present, old ones intact.
    let v = serde_json::to_value(a6).expect("json");
    assert!(v["pages"].is_null());
    assert_eq!(v["kind"], "article");
    assert_eq!(v["article"], "第六条");
}

#[test]
fn parts_chapters_sections() {
    let d = doc("民法典", None);
    assert_eq!(d.meta.subtitle.as_deref(), Some("物权编"));
    let part = &d.outline[0];
    assert_eq!(part.kind, NodeKind::Part);
    assert_eq!(part.label, "第一分编");
    assert_eq!(part.children[0].kind, NodeKind::Chapter);
    assert!(
        part.children[0].id.ends_with("-f1.c1"),
        "{}",
        part.children[0].id
    );
    let sections = d
        .nodes()
        .into_iter()
        .filter(|n| n.kind == NodeKind::Section)
        .count();
    assert!(sections > 0);
    let p = d.passages.first().expect("passages");
    assert_eq!(p.part.as_ref().map(|h| h.title.as_str()), Some("通则"));
    assert!(p.citation.starts_with("《中华人民共和国民法典》第二百"));
}

#[test]
fn local_regulation_drops_the_printed_chapter_list() {
    let d = doc("北京中轴线", None);
    assert_eq!(d.meta.doc_type.as_deref(), Some("地方性法规"));
    assert_eq!(d.meta.body.as_deref(), Some("北京市人民代表大会常务委员会"));
    let chapters: Vec<&str> = d.outline.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(chapters, ["第一章", "第二章", "第三章", "第四章", "第五章"]);
    assert_eq!(d.outline[0].title, "总则");
    let ids: std::collections::HashSet<&str> = d.passages.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), d.passages.len());
}

#[test]
fn line_broken_policy_text() {
    let d = doc("县域商业体系", None);
    assert_eq!(d.title, "国务院办公厅关于推进县域商业体系建设的意见");
    assert_eq!(d.meta.doc_type.as_deref(), Some("意见"));
    assert_eq!(d.meta.date.as_deref(), Some("2099-09-09"));
    assert_eq!(d.meta.body.as_deref(), Some("国务院办公厅"));
    let top: Vec<(&str, &str)> = d
        .outline
        .iter()
        .map(|n| (n.label.as_str(), n.title.as_str()))
        .collect();
    assert_eq!(
        top,
        [
            ("一、", "总体要求"),
            ("二、", "重点任务"),
            ("三、", "保障措施")
        ]
    );
    assert_eq!(d.outline[0].children[0].title, "指导思想");
    let items: Vec<&str> = d.outline[1].children[0]
        .children
        .iter()
        .map(|n| n.title.as_str())
        .collect();
    assert_eq!(items, ["改造提升乡镇商贸中心", "发展农村便利店"]);
    let p = d
        .passages
        .iter()
        .find(|p| p.text.starts_with("（一）"))
        .expect("指导思想");
    // Wrapped lines are rejoined.
    assert!(
        p.text.contains("坚持以工补农、以城带乡，健全"),
        "{}",
        p.text
    );
    assert_eq!(p.lead.as_deref(), Some("指导思想"));
    assert_eq!(p.citation, format!("《{}》一（一）", d.title));
    assert_eq!(p.pages, None);
    let item = d
        .passages
        .iter()
        .find(|p| p.text.starts_with("2.发展农村便利店"))
        .expect("item 2");
    assert_eq!(item.citation, format!("《{}》二（三）2", d.title));
    assert!(!d.passages.iter().any(|p| p.text == "国务院办公厅"));
}

#[test]
fn plan_is_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let raw = std::fs::read_to_string(root.join("special-regions-plan-2021.txt")).expect("plan");
    let side = corpus::Sidecar::load_for(&root.join("special-regions-plan-2021.txt")).expect("sc");
    let direct = corpus::parse_plan(&raw, "tese2021", &side).expect("parse");
    let in_lib = doc("特殊类型地区", None);
    assert_eq!(in_lib.id, "tese2021");
    assert_eq!(in_lib.passages, direct.passages);
    assert_eq!(in_lib.meta.doc_type.as_deref(), Some("规划"));
    assert!(in_lib.passages.iter().all(|p| p.pages.is_some()));
    // Old-style loading of the plan corpus still works.
    let docs = corpus::load_dir(&root).expect("load_dir");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].passages, direct.passages);
}

#[test]
fn search_across_documents() {
    let e = engine();
    let res = e
        .search(&SearchRequest::new("以工补农 以城带乡"))
        .expect("search");
    // The fixture's policy text quotes the same words; both lead the list.
    let a6 = res
        .hits
        .iter()
        .position(|h| h.passage.citation == "《中华人民共和国乡村振兴促进法》第六条")
        .expect("第六条 found");
    assert!(a6 < 2);
    assert_eq!(res.hits[a6].doc_title, "中华人民共和国乡村振兴促进法");
    let mut req = SearchRequest::new("以工补农 以城带乡");
    req.doc_type = Some("法律".into());
    let res_law = e.search(&req).expect("search");
    assert_eq!(
        res_law.hits[0].passage.citation,
        "《中华人民共和国乡村振兴促进法》第六条"
    );
    // The policy text has the words too: two documents, two types.
    assert!(res.doc_facets.len() >= 2, "{:?}", res.doc_facets);
    assert_eq!(res.type_facets.get("法律"), Some(&1));
    assert_eq!(res.type_facets.get("意见"), Some(&1));
}

#[test]
fn doc_and_type_filters() {
    let e = engine();
    let law = doc("乡村振兴促进法", None);
    for spec in [law.id.as_str(), "乡村振兴 促进法"] {
        let mut req = SearchRequest::new("以工补农");
        req.doc = Some(spec.to_string());
        let res = e.search(&req).expect("search");
        assert!(!res.hits.is_empty());
        assert!(res.hits.iter().all(|h| h.passage.doc == law.id), "{spec}");
    }
    let mut req = SearchRequest::new("以工补农");
    req.doc_type = Some("意见".into());
    let res = e.search(&req).expect("search");
    assert!(!res.hits.is_empty());
    assert!(res.hits.iter().all(|h| h.doc_title.contains("县域商业")));
    let mut req = SearchRequest::new("以工补农");
    req.doc = Some("没有这部法".into());
    assert_eq!(e.search(&req).expect("search").total, 0);
    // The plan is still searchable alone.
    let mut req = SearchRequest::new("以工代赈");
    req.doc = Some("tese2021".into());
    let res = e.search(&req).expect("search");
    assert!(
        res.hits
            .iter()
            .all(|h| h.passage.id.starts_with("tese2021-"))
    );
    assert!(res.hits[0].passage.citation.contains('页'));
}

#[test]
fn dated_versions_are_folded_newest_first() {
    let e = engine();
    let new = doc("民事诉讼法", Some("2023-09-01"));
    let old = doc("民事诉讼法", Some("2021-12-24"));
    let mut req = SearchRequest::new("被告住所地 管辖");
    req.doc = Some("民事诉讼法".into());
    let res = e.search(&req).expect("search");
    let first = &res.hits[0];
    assert_eq!(first.passage.doc, new.id);
    assert_eq!(first.versions.len(), 1);
    assert_eq!(first.versions[0].doc, old.id);
    assert_eq!(first.versions[0].date.as_deref(), Some("2021-12-24"));
    // No hit of the old version stands on its own for a passage the new one has.
    let suffix = first.passage.id.trim_start_matches(new.id.as_str());
    assert!(
        !res.hits
            .iter()
            .any(|h| h.passage.id == format!("{}{suffix}", old.id))
    );
}

// ---- cite and context over the library ----

/// The text of an article as the fixture file prints it (after its label).
fn article_in_file(file: &str, label: &str) -> String {
    let raw = std::fs::read_to_string(lib_dir().join(file)).expect("fixture file");
    raw.lines()
        .find_map(|l| l.strip_prefix(label))
        .map(|rest| rest.trim().to_string())
        .unwrap_or_else(|| panic!("no {label} in {file}"))
}

/// The characters `[start, end)` of a text.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn cite_a_law_sentence_names_the_law_and_the_article() {
    let law = doc("乡村振兴促进法", None);
    let a6 = format!("{}-a6", law.id);
    let article = article_in_file("经济法/乡村振兴促进法(2021-04-29).md", "第六条");
    // Its first clause, as printed in the file.
    let quote = article.split('，').next().expect("a clause").to_string();
    assert!(quote.chars().count() > 10, "{quote}");
    let r = zhengce::cite::cite(engine(), &quote).expect("cite");
    assert!(r.exact, "{r:?}");
    assert_eq!(r.total, 1);
    let m = &r.matches[0];
    assert_eq!(m.passage.id, a6);
    assert_eq!(m.similarity, 1.0);
    assert_eq!(m.quote, quote);
    assert_eq!(chars(&m.passage.text, m.start, m.end), quote);
    assert_eq!(m.spans.len(), 1);
    assert_eq!(m.pages, None, "laws have no pages");
    assert_eq!(
        m.citation,
        format!("“{quote}”（《{}》第六条）", law.title),
        "the citation names the law and the article"
    );
    let v = serde_json::to_value(&r).expect("json");
    assert!(v["matches"][0]["pages"].is_null());

    // The whole article, with its punctuation dropped, is found as printed.
    let bare: String = article.chars().filter(|c| !"，、。".contains(*c)).collect();
    let r = zhengce::cite::cite(engine(), &bare).expect("cite");
    assert!(r.exact);
    assert_eq!(r.total, 1);
    // The quote runs from its first to its last word character: no final 。.
    let printed = article.trim_end_matches('。');
    assert_eq!(r.matches[0].quote, printed);
    assert_eq!(
        r.matches[0].citation,
        format!("“{printed}”（《{}》第六条）", law.title)
    );

    // A misquote is not exact, and its closest text is the article.
    let wrong = format!("{}措施", quote.trim_end_matches("体系"));
    assert_ne!(wrong, quote);
    let r = zhengce::cite::cite(engine(), &wrong).expect("cite");
    assert!(!r.exact);
    assert_eq!(r.total, 0);
    let best = &r.matches[0];
    assert_eq!(best.passage.id, a6);
    assert!(best.similarity > 0.5 && best.similarity < 1.0);
    assert!(best.citation.ends_with("第六条）"), "{}", best.citation);
}

#[test]
fn cite_words_in_two_documents_cites_each() {
    let law = doc("乡村振兴促进法", None);
    let policy = doc("县域商业体系", None);
    // Both documents print these words; the policy text breaks the line inside them.
    let r = zhengce::cite::cite(engine(), "坚持以工补农、以城带乡").expect("cite");
    assert!(r.exact);
    assert_eq!(r.total, 2, "{r:?}");
    let mut docs: Vec<&str> = r.matches.iter().map(|m| m.passage.doc.as_str()).collect();
    docs.sort_unstable();
    let mut want = [law.id.as_str(), policy.id.as_str()];
    want.sort_unstable();
    assert_eq!(docs, want);
    for m in &r.matches {
        let d = if m.passage.doc == law.id { law } else { policy };
        assert_eq!(m.quote, "坚持以工补农、以城带乡");
        assert_eq!(m.pages, None);
        assert_eq!(
            m.citation,
            format!("“{}”（{}）", m.quote, m.passage.citation),
            "a quote within one passage is cited as the passage is"
        );
        assert!(m.citation.contains(&format!("《{}》", d.title)));
    }
}

#[test]
fn cite_the_line_broken_policy_text() {
    let d = doc("县域商业体系", None);
    // An item (2.) under a numbered paragraph (（三）) under a heading (二、).
    let item = d
        .passages
        .iter()
        .find(|p| p.text.starts_with("2.发展农村便利店"))
        .expect("item 2");
    let quote: String = item
        .text
        .split('。')
        .nth(1)
        .expect("a second sentence")
        .to_string();
    let r = zhengce::cite::cite(engine(), &quote).expect("cite");
    assert!(r.exact, "{quote}");
    assert_eq!(r.total, 1);
    let m = &r.matches[0];
    assert_eq!(m.passage.id, item.id);
    assert_eq!(m.pages, None);
    assert_eq!(m.citation, format!("“{quote}”（《{}》二（三）2）", d.title));
    // Wrapped in the file ("…日用品、农资等\n商品…"): the quote across the line break is
    // found, and printed as the passage prints it.
    let raw = std::fs::read_to_string(lib_dir().join("政策/关于推进县域商业体系建设的意见.txt"))
        .expect("fixture");
    let wrapped = raw
        .lines()
        .position(|l| l.starts_with("2.发展农村便利店"))
        .and_then(|i| {
            let lines: Vec<&str> = raw.lines().collect();
            Some(format!("{}\n{}", lines.get(i)?, lines.get(i + 1)?))
        })
        .expect("the item's two lines");
    let r = zhengce::cite::cite(engine(), &wrapped).expect("cite");
    assert!(r.exact);
    assert_eq!(
        r.matches[0].quote,
        wrapped.replace('\n', "").trim_end_matches('。')
    );
    assert_eq!(r.matches[0].passage.id, item.id);
}

#[test]
fn cite_each_document_as_its_passages_are_cited() {
    // For a sentence inside one passage of a library document (laws and the policy text),
    // the quote's citation is the passage's citation: same document title, same article or
    // headings.
    let mut checked = 0;
    for d in &library().0 {
        if d.id == "tese2021" {
            continue;
        }
        for p in d.passages.iter().step_by(7) {
            let sentence = p.text.split(['。', '；', '：']).next().unwrap_or("");
            if sentence.chars().filter(|c| c.is_alphanumeric()).count() < 6 {
                continue;
            }
            let r = zhengce::cite::cite(engine(), sentence).expect("cite");
            assert!(r.exact, "{}: {sentence}", p.id);
            if r.total > zhengce::cite::MAX_MATCHES {
                continue;
            }
            let m = r
                .matches
                .iter()
                .find(|m| m.passage.id == p.id)
                .unwrap_or_else(|| panic!("{} not among the matches of {sentence}", p.id));
            assert_eq!(m.pages, None, "{}", p.id);
            assert_eq!(
                m.citation,
                format!("“{}”（{}）", m.quote, p.citation),
                "{}",
                p.id
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} passages checked");
}

#[test]
fn cite_the_plan_in_the_library_keeps_its_pages() {
    let plan = doc("特殊类型地区", None);
    let r = zhengce::cite::cite(engine(), "促进边疆巩固的重点地区").expect("cite");
    assert!(r.exact);
    assert_eq!(r.total, 1);
    let m = &r.matches[0];
    assert_eq!(m.passage.doc, plan.id);
    assert_eq!(m.pages, Some([2, 3]));
    assert_eq!(
        m.citation,
        format!(
            "“促进边疆巩固的重点地区”（《{}》第一章第一节，第2—3页）",
            plan.title
        )
    );
}

/// Every passage of the library by id, as the engine returns them.
fn indexed_passages() -> std::collections::HashMap<String, corpus::Passage> {
    let e = engine();
    let mut out = std::collections::HashMap::new();
    for d in e.documents().iter() {
        for p in e.passages_of(&d.id).expect("passages") {
            out.insert(p.id.clone(), p);
        }
    }
    out
}

/// The invariants of a context answer over the library.
fn check_context(
    res: &zhengce::context::ContextResult,
    all: &std::collections::HashMap<String, corpus::Passage>,
) {
    assert!(res.used <= res.budget, "{} > {}", res.used, res.budget);
    let docs = engine().documents();
    let mut used = 0;
    for (i, g) in res.groups.iter().enumerate() {
        let ps: Vec<&corpus::Passage> = g.ids.iter().map(|id| &all[id]).collect();
        assert!(!ps.is_empty() && !g.hit_ids.is_empty(), "{g:?}");
        assert!(g.hit_ids.iter().all(|h| g.ids.contains(h)));
        let d = docs
            .iter()
            .find(|d| d.id == ps[0].doc)
            .expect("the group's document");
        for w in ps.windows(2) {
            assert_eq!(w[0].doc, w[1].doc, "a group spans documents: {:?}", g.ids);
            assert_eq!(w[0].seq + 1, w[1].seq, "{:?}", g.ids);
            // Neighbours stay in their part, chapter and section.
            assert_eq!(w[0].part, w[1].part, "{:?}", g.ids);
            assert_eq!(w[0].chapter, w[1].chapter, "{:?}", g.ids);
            assert_eq!(w[0].section, w[1].section, "{:?}", g.ids);
        }
        assert!(
            g.citation.starts_with(&format!("《{}》", d.title)),
            "{}",
            g.citation
        );
        if d.id == "tese2021" {
            assert!(g.pages.is_some());
        } else {
            assert_eq!(g.pages, None, "{} has no pages", d.id);
        }
        let (first, last) = (ps[0], ps[ps.len() - 1]);
        match (&first.article, &last.article) {
            (Some(a), Some(b)) if a == b => {
                assert_eq!(g.citation, format!("《{}》{a}", d.title));
            }
            (Some(a), Some(b)) => {
                assert_eq!(g.citation, format!("《{}》{a}至{b}", d.title));
            }
            _ if d.id != "tese2021" => {
                // Headings common to the group: a prefix of each passage's citation
                // (but an article's, which names only the article).
                for p in ps.iter().filter(|p| p.article.is_none()) {
                    assert!(
                        p.citation.starts_with(&g.citation),
                        "{} vs {}",
                        g.citation,
                        p.citation
                    );
                }
            }
            _ => {}
        }
        if !g.truncated {
            let joined: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
            assert_eq!(g.text, joined.join("\n"));
            used += ps.iter().map(|p| p.text.chars().count()).sum::<usize>();
        } else {
            used += g.text.chars().count();
        }
        assert!(
            res.prompt
                .contains(&format!("[{}] {}\n{}", i + 1, g.citation, g.text))
        );
    }
    assert_eq!(used, res.used);
}

#[test]
fn context_over_the_library() {
    let all = indexed_passages();
    let law = doc("乡村振兴促进法", None);
    let policy = doc("县域商业体系", None);
    let res = zhengce::context::context(engine(), "以工补农 以城带乡", 2000, 1).expect("context");
    check_context(&res, &all);
    // Both documents that print the words, each its own group.
    let group_of = |id: &str| {
        res.groups
            .iter()
            .find(|g| g.hit_ids.iter().any(|h| all[h].doc == id))
            .unwrap_or_else(|| panic!("no group of {id}: {res:?}"))
    };
    let g = group_of(&law.id);
    let a6 = format!("{}-a6", law.id);
    assert!(g.hit_ids.contains(&a6), "{g:?}");
    // With one neighbour each side: 第五条 to 第七条.
    assert_eq!(g.ids.len(), 3, "{g:?}");
    assert_eq!(
        g.citation,
        format!("《{}》第五条至第七条", law.title),
        "a law's group is cited by its articles"
    );
    let p = group_of(&policy.id);
    assert!(p.citation.starts_with(&format!("《{}》一", policy.title)));
    // Without neighbours, the law's hit alone, cited by its article.
    let res = zhengce::context::context(engine(), "以工补农 以城带乡", 2000, 0).expect("context");
    check_context(&res, &all);
    let g = res
        .groups
        .iter()
        .find(|g| g.ids == [a6.clone()])
        .expect("第六条 alone");
    assert_eq!(g.citation, format!("《{}》第六条", law.title));
}

#[test]
fn context_budget_and_windows_over_the_library() {
    let all = indexed_passages();
    for q in [
        "农民丰收节",
        "被告住所地 管辖",
        "商贸中心",
        "发展",
        "历史文化 保护",
    ] {
        for (budget, k) in [(200, 0), (600, 2), (2000, 1), (5000, 5)] {
            let res = zhengce::context::context(engine(), q, budget, k).expect("context");
            assert!(!res.groups.is_empty(), "{q}");
            check_context(&res, &all);
            if k == 0 {
                for g in &res.groups {
                    assert_eq!(g.ids, g.hit_ids, "{q}: neighbors=0 adds no neighbour");
                }
            }
        }
    }
}

#[test]
fn context_takes_the_newest_version_of_a_law() {
    let all = indexed_passages();
    let new = doc("民事诉讼法", Some("2023-09-01"));
    let old = doc("民事诉讼法", Some("2021-12-24"));
    let res = zhengce::context::context(engine(), "被告住所地 管辖", 5000, 1).expect("context");
    check_context(&res, &all);
    assert!(!res.groups.is_empty());
    for g in &res.groups {
        for id in &g.ids {
            assert_ne!(all[id].doc, old.id, "the old version's {id} in the context");
        }
    }
    assert!(
        res.groups
            .iter()
            .any(|g| all[&g.ids[0]].doc == new.id && g.citation.contains('条'))
    );
}

#[test]
fn policy_items_are_one_context_group_cited_by_their_paragraph() {
    let all = indexed_passages();
    let d = doc("县域商业体系", None);
    let res = zhengce::context::context(engine(), "商贸中心", 2000, 2).expect("context");
    check_context(&res, &all);
    let g = res
        .groups
        .iter()
        .find(|g| all[&g.ids[0]].doc == d.id)
        .expect("a group of the policy text");
    // （三） and its items 1. and 2. are one window, cited by （三）.
    assert!(g.ids.len() >= 2, "{g:?}");
    assert!(g.ids.iter().any(|id| all[id].item.is_some()));
    assert_eq!(g.citation, format!("《{}》二（三）", d.title));
}

#[test]
fn every_counted_hit_can_be_paged_to_when_versions_fold() {
    let mut req = SearchRequest::new("管辖");
    req.limit = 100;
    let res = engine().search(&req).expect("search");
    assert!(
        res.hits.iter().any(|h| !h.versions.is_empty()),
        "versions fold"
    );
    assert!(res.total <= 100, "{}", res.total);
    // A folded passage is counted once: `total` is what the pages list.
    assert_eq!(res.hits.len(), res.total, "hits listed vs total");
    let folded: usize = res.hits.iter().map(|h| h.versions.len()).sum();
    // Each document's facet is what a search restricted to it finds.
    assert_eq!(res.doc_facets.values().sum::<usize>(), res.total + folded);
    for (doc, &n) in &res.doc_facets {
        let mut one = SearchRequest::new("管辖");
        one.doc = Some(doc.clone());
        one.limit = 100;
        assert_eq!(engine().search(&one).expect("search").total, n, "{doc}");
    }
    // Paging: a small page size walks the same hits.
    let mut paged = Vec::new();
    for offset in (0..res.total + 7).step_by(7) {
        let mut page = SearchRequest::new("管辖");
        page.limit = 7;
        page.offset = offset;
        let r = engine().search(&page).expect("page");
        assert_eq!(r.total, res.total);
        paged.extend(r.hits.into_iter().map(|h| h.passage.id));
    }
    let all: Vec<String> = res.hits.iter().map(|h| h.passage.id.clone()).collect();
    assert_eq!(paged, all);
}

#[test]
fn cite_with_doc_and_type_filters() {
    use zhengce::DocFilter;
    use zhengce::cite::cite_filtered;
    let e = engine();
    let law = doc("乡村振兴促进法", None);
    let policy = doc("县域商业体系", None);
    // Printed in both documents: unfiltered, two matches (see above).
    let quote = "坚持以工补农、以城带乡";
    assert_eq!(zhengce::cite::cite(e, quote).expect("cite").total, 2);
    // The policy text alone, by id and by title words.
    for spec in [policy.id.as_str(), "县域商业体系"] {
        let f = DocFilter::new(Some(spec.to_string()), None);
        let r = cite_filtered(e, quote, &f).expect("cite");
        assert!(r.exact, "{spec}");
        assert_eq!(r.total, 1, "{spec}: {r:?}");
        assert_eq!(r.matches[0].passage.doc, policy.id, "{spec}");
        assert!(
            r.matches[0]
                .citation
                .contains(&format!("《{}》", policy.title))
        );
    }
    // By type: the law alone.
    let r = cite_filtered(e, quote, &DocFilter::new(None, Some("法律".into()))).expect("cite");
    assert_eq!(r.total, 1, "{r:?}");
    assert_eq!(r.matches[0].passage.doc, law.id);
    assert!(r.matches[0].citation.ends_with("第六条）"));
    // Both filters: the law is not an 意见, so nothing; an unknown document: nothing
    // either, and no error (as a search with an unknown doc).
    for f in [
        DocFilter::new(Some(law.id.clone()), Some("意见".into())),
        DocFilter::new(Some("没有这部法".into()), None),
        DocFilter::new(None, Some("命令".into())),
    ] {
        let r = cite_filtered(e, quote, &f).expect("cite");
        assert!(!r.exact, "{f:?}");
        assert_eq!(r.total, 0, "{f:?}");
        assert!(r.matches.is_empty(), "{f:?}: {r:?}");
    }
    // Blank values are no filter.
    let r = cite_filtered(
        e,
        quote,
        &DocFilter::new(Some(" ".into()), Some(String::new())),
    )
    .expect("cite");
    assert_eq!(r.total, 2);
    // The law prints this; the policy text only its beginning. Within the policy text: not
    // exact, and the closest stretches come from it alone.
    let near = "坚持以工补农、以城带乡，推动形成工农互促";
    assert!(zhengce::cite::cite(e, near).expect("cite").exact);
    let r = cite_filtered(e, near, &DocFilter::new(Some(policy.id.clone()), None)).expect("cite");
    assert!(!r.exact, "{r:?}");
    assert!(!r.matches.is_empty(), "{r:?}");
    assert!(
        r.matches.iter().all(|m| m.passage.doc == policy.id),
        "{r:?}"
    );
}

#[test]
fn context_with_doc_and_type_filters() {
    use zhengce::DocFilter;
    use zhengce::context::context_filtered;
    let e = engine();
    let all = indexed_passages();
    let law = doc("乡村振兴促进法", None);
    let policy = doc("县域商业体系", None);
    let q = "以工补农 以城带乡";
    let docs_of = |res: &zhengce::context::ContextResult| -> std::collections::BTreeSet<String> {
        res.groups
            .iter()
            .flat_map(|g| g.ids.iter().map(|id| all[id].doc.clone()))
            .collect()
    };
    // Unfiltered, both documents give a group (see context_over_the_library).
    let res = zhengce::context::context(e, q, 2000, 1).expect("context");
    assert!(docs_of(&res).contains(&policy.id) && docs_of(&res).contains(&law.id));
    for (f, want) in [
        (DocFilter::new(Some(policy.id.clone()), None), &policy.id),
        (
            DocFilter::new(Some("县域商业体系".into()), None),
            &policy.id,
        ),
        (DocFilter::new(None, Some("法律".into())), &law.id),
        (
            DocFilter::new(Some("乡村振兴 促进法".into()), Some("法律".into())),
            &law.id,
        ),
    ] {
        let res = context_filtered(e, q, 2000, 1, &f).expect("context");
        check_context(&res, &all);
        assert!(!res.groups.is_empty(), "{f:?}");
        let got = docs_of(&res);
        assert!(got.contains(want), "{f:?}: {got:?}");
        if f.doc.is_some() {
            assert_eq!(got.len(), 1, "{f:?}: {got:?}");
        }
        // Only documents of the type asked for.
        if let Some(t) = &f.doc_type {
            for d in e.documents().iter().filter(|d| got.contains(&d.id)) {
                assert_eq!(d.meta.doc_type.as_deref(), Some(t.as_str()));
            }
        }
    }
    // The older version of a law, named alone, gives its own passages.
    let old = doc("民事诉讼法", Some("2021-12-24"));
    let res = context_filtered(
        e,
        "被告住所地 管辖",
        5000,
        1,
        &DocFilter::new(Some(old.id.clone()), None),
    )
    .expect("context");
    check_context(&res, &all);
    assert!(!res.groups.is_empty());
    assert_eq!(
        docs_of(&res),
        std::collections::BTreeSet::from([old.id.clone()])
    );
    // Nothing named: no group, no error.
    for f in [
        DocFilter::new(Some("没有这部法".into()), None),
        DocFilter::new(Some(law.id.clone()), Some("意见".into())),
    ] {
        let res = context_filtered(e, q, 2000, 1, &f).expect("context");
        assert!(res.groups.is_empty(), "{f:?}");
        assert_eq!(res.used, 0);
        assert_eq!(res.prompt, "");
    }
}
