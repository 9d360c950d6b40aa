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
