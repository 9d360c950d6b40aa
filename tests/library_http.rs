//! The HTTP API over the fixture library (tests/fixtures/library: laws, a line-broken
//! policy text and the plan), in-process through the router (`tower::ServiceExt::oneshot`).

mod common;

use common::enc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tower::ServiceExt;
use zhengce::Engine;
use zhengce::http::{AppState, router};
use zhengce::index::DocInfo;

fn lib_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library")
}

/// One index of the library for the whole test binary, under cargo's target tmp dir. A
/// static is never dropped, so each run removes what runs over an hour old left behind.
fn engine() -> &'static Engine {
    static FIXTURE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &FIXTURE
        .get_or_init(|| {
            common::remove_stale_fixtures("library-http-index");
            let dir = tempfile::Builder::new()
                .prefix("library-http-index")
                .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
                .expect("temp dir");
            let ix = dir.path().join("index");
            zhengce::index::build(&lib_dir(), &ix).expect("build");
            (dir, Engine::open(&ix).expect("open"))
        })
        .1
}

/// The indexed document whose title contains `part` (the newest, when versions share it).
fn doc(part: &str) -> DocInfo {
    let docs = engine().documents();
    docs.iter()
        .filter(|d| d.title.contains(part))
        .max_by(|a, b| a.meta.date.cmp(&b.meta.date))
        .cloned()
        .unwrap_or_else(|| panic!("no document {part}"))
}

/// GETs `uri`: the status and the JSON body.
async fn get(uri: &str) -> (StatusCode, Value) {
    let req = Request::get(uri).body(Body::empty()).expect("request");
    let res = router(AppState::new(engine().clone()))
        .oneshot(req)
        .await
        .expect("infallible");
    let status = res.status();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    let v = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "{uri}: not JSON ({e}): {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )
    });
    (status, v)
}

/// GETs `uri`, asserting a 200.
async fn ok(uri: &str) -> Value {
    let (status, v) = get(uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {v}");
    v
}

/// A library value as it goes on the wire (f32 scores become the same f64).
fn wire<T: serde::Serialize>(x: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(x).expect("json")).expect("json")
}

fn counts(v: &Value) -> BTreeMap<String, u64> {
    v.as_object()
        .expect("facet object")
        .iter()
        .map(|(k, n)| (k.clone(), n.as_u64().expect("count")))
        .collect()
}

fn the_article(file: &str, label: &str) -> String {
    let raw = std::fs::read_to_string(lib_dir().join(file)).expect("fixture file");
    raw.lines()
        .find_map(|l| l.strip_prefix(label))
        .map(|rest| rest.trim().to_string())
        .unwrap_or_else(|| panic!("no {label} in {file}"))
}

// ---- /api/toc ----

#[tokio::test]
async fn toc_lists_every_document_with_its_outline() {
    let v = ok("/api/toc").await;
    let docs = engine().documents();
    assert_eq!(docs.len(), 7);
    let expected = json!({
        "documents": docs.iter().map(|d| json!({
            "id": d.id, "title": d.title, "date": d.meta.date,
            "type": d.meta.doc_type, "outline": d.outline,
        })).collect::<Vec<_>>()
    });
    assert_eq!(v, expected);
    let listed = v["documents"].as_array().expect("documents");
    for d in listed {
        assert!(
            !d["outline"].as_array().expect("outline").is_empty(),
            "{} has no outline",
            d["id"]
        );
    }
    // An empty doc parameter is no filter.
    assert_eq!(ok("/api/toc?doc=").await, v);
}

#[tokio::test]
async fn toc_of_one_document() {
    let all = ok("/api/toc").await;
    let law = doc("乡村振兴促进法");
    let entry = all["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["id"] == law.id.as_str())
        .expect("the law in the list")
        .clone();
    // By id and by words of its title: that document alone.
    for spec in [law.id.as_str(), "乡村振兴 促进法"] {
        let v = ok(&format!("/api/toc?doc={}", enc(spec))).await;
        assert_eq!(v, json!({ "documents": [entry.clone()] }), "{spec}");
    }
    let outline = entry["outline"].as_array().expect("outline");
    assert_eq!(outline[0]["kind"], "chapter");
    assert_eq!(outline[0]["label"], "第一章");
    assert!(outline[0]["pages"].is_null());
    // Title words naming both versions of a law: both, and nothing else.
    let v = ok(&format!("/api/toc?doc={}", enc("民事诉讼法"))).await;
    let docs = v["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 2, "{v}");
    assert!(
        docs.iter()
            .all(|d| d["title"] == "中华人民共和国民事诉讼法")
    );
    // The plan's outline keeps its pages.
    let plan = ok("/api/toc?doc=tese2021").await;
    assert_eq!(plan["documents"].as_array().map(Vec::len), Some(1));
    assert!(plan["documents"][0]["outline"][0]["pages"].is_array());
    // No such document: a JSON 404.
    let (status, e) = get(&format!("/api/toc?doc={}", enc("没有这部法"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["code"], "not_found");
}

// ---- /api/search: doc and type filters, facets ----

#[tokio::test]
async fn search_facets_count_the_hits_per_document_and_type() {
    let law = doc("乡村振兴促进法");
    let policy = doc("县域商业体系");
    let v = ok(&format!("/api/search?q={}&limit=100", enc("以工补农"))).await;
    let total = v["total"].as_u64().expect("total");
    let hits = v["hits"].as_array().expect("hits");
    assert_eq!(hits.len() as u64, total, "all hits on one page");
    let mut per_doc: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_type: BTreeMap<String, u64> = BTreeMap::new();
    let docs = engine().documents();
    for h in hits {
        let id = h["doc"].as_str().expect("doc").to_string();
        let d = docs.iter().find(|d| d.id == id).expect("hit's document");
        assert_eq!(h["doc_title"], d.title.as_str());
        *per_doc.entry(id).or_default() += 1;
        if let Some(t) = &d.meta.doc_type {
            *per_type.entry(t.clone()).or_default() += 1;
        }
    }
    assert_eq!(counts(&v["doc_facets"]), per_doc);
    assert_eq!(counts(&v["type_facets"]), per_type);
    assert!(per_doc.contains_key(&law.id) && per_doc.contains_key(&policy.id));
    assert_eq!(
        counts(&v["facets"]).values().sum::<u64>(),
        total,
        "chapter facets"
    );
}

#[tokio::test]
async fn search_filters_agree_with_the_facets() {
    for q in ["发展", "管辖", "以工补农"] {
        let all = ok(&format!("/api/search?q={}&limit=1", enc(q))).await;
        let total = all["total"].as_u64().expect("total");
        assert!(total > 0, "{q}");
        let docs = counts(&all["doc_facets"]);
        let types = counts(&all["type_facets"]);
        // Versions of one law fold into one hit: the documents' counts add up to at
        // least the total; the types' (versions folded within a type) to the total.
        assert!(docs.values().sum::<u64>() >= total, "{q}: {docs:?}");
        assert_eq!(types.values().sum::<u64>(), total, "{q}: {types:?}");
        // Each document's count is what the doc filter finds, and only in it.
        for (id, n) in &docs {
            let v = ok(&format!("/api/search?q={}&doc={id}&limit=100", enc(q))).await;
            assert_eq!(v["total"].as_u64(), Some(*n), "{q} doc={id}");
            assert_eq!(counts(&v["doc_facets"]), BTreeMap::from([(id.clone(), *n)]));
            for h in v["hits"].as_array().expect("hits") {
                assert_eq!(h["doc"], id.as_str(), "{q} doc={id}");
            }
        }
        // Each type's count is what the type filter finds, and only of that type.
        for (t, n) in &types {
            let v = ok(&format!(
                "/api/search?q={}&type={}&limit=100",
                enc(q),
                enc(t)
            ))
            .await;
            assert_eq!(v["total"].as_u64(), Some(*n), "{q} type={t}");
            assert_eq!(counts(&v["type_facets"]), BTreeMap::from([(t.clone(), *n)]));
            for h in v["hits"].as_array().expect("hits") {
                let d = engine()
                    .documents()
                    .iter()
                    .find(|d| h["doc"] == d.id.as_str())
                    .cloned()
                    .expect("hit's document");
                assert_eq!(d.meta.doc_type.as_deref(), Some(t.as_str()), "{q}");
            }
        }
    }
}

#[tokio::test]
async fn search_by_title_words_type_and_unknown_document() {
    let law = doc("乡村振兴促进法");
    let policy = doc("县域商业体系");
    let q = enc("以工补农");
    let by_id = ok(&format!("/api/search?q={q}&doc={}", law.id)).await;
    let by_words = ok(&format!("/api/search?q={q}&doc={}", enc("乡村振兴 促进法"))).await;
    assert!(by_id["total"].as_u64().unwrap_or(0) > 0);
    let ids = |v: &Value| -> Vec<Value> {
        v["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["id"].clone())
            .collect()
    };
    assert_eq!(ids(&by_id), ids(&by_words));
    assert_eq!(
        by_id["hits"][0]["citation"],
        format!("《{}》第六条", law.title)
    );
    assert!(by_id["hits"][0]["pages"].is_null());
    let opinion = ok(&format!("/api/search?q={q}&type={}", enc("意见"))).await;
    assert!(opinion["total"].as_u64().unwrap_or(0) > 0);
    for h in opinion["hits"].as_array().expect("hits") {
        assert_eq!(h["doc"], policy.id.as_str());
    }
    // Filters combine: the law is not an 意见.
    let none = ok(&format!(
        "/api/search?q={q}&doc={}&type={}",
        law.id,
        enc("意见")
    ))
    .await;
    assert_eq!(none["total"], 0);
    // Unknown document or type: no hits, not an error.
    for extra in [
        format!("doc={}", enc("没有这部法")),
        format!("type={}", enc("命令")),
    ] {
        let v = ok(&format!("/api/search?q={q}&{extra}")).await;
        assert_eq!(v["total"], 0, "{extra}");
        assert_eq!(v["hits"], json!([]), "{extra}");
    }
    // The plan alone keeps its pages.
    let plan = ok(&format!("/api/search?q={}&doc=tese2021", enc("以工代赈"))).await;
    for h in plan["hits"].as_array().expect("hits") {
        assert_eq!(h["doc"], "tese2021");
        assert!(h["pages"].is_array(), "{h}");
    }
}

// ---- /api/passages, /api/cite, /api/context ----

#[tokio::test]
async fn a_law_article_by_id() {
    let law = doc("乡村振兴促进法");
    let v = ok(&format!("/api/passages/{}-a6", law.id)).await;
    assert_eq!(v["citation"], format!("《{}》第六条", law.title));
    assert_eq!(v["article"], "第六条");
    assert_eq!(v["kind"], "article");
    assert!(v["pages"].is_null());
    let path = v["path"].as_str().expect("path");
    assert!(
        path.contains("第一章") && path.ends_with("第六条"),
        "{path}"
    );
    assert_eq!(v["prev"], format!("{}-a5", law.id));
    assert_eq!(v["next"], format!("{}-a7", law.id));
    let text = the_article("经济法/乡村振兴促进法(2021-04-29).md", "第六条");
    assert!(v["text"].as_str().expect("text").ends_with(&text));
}

#[tokio::test]
async fn cite_a_law_sentence_over_http() {
    let law = doc("乡村振兴促进法");
    let article = the_article("经济法/乡村振兴促进法(2021-04-29).md", "第六条");
    let quote = article.split('，').next().expect("clause");
    let v = ok(&format!("/api/cite?text={}", enc(quote))).await;
    assert_eq!(v["exact"], true);
    assert_eq!(v["total"], 1);
    let m = &v["matches"][0];
    assert_eq!(m["passage"]["id"], format!("{}-a6", law.id));
    assert!(m["pages"].is_null(), "{m}");
    assert_eq!(
        m["citation"],
        format!("“{quote}”（《{}》第六条）", law.title)
    );
    // The same answer as the library's.
    let lib = zhengce::cite::cite(engine(), quote).expect("cite");
    assert_eq!(v, wire(&lib));
    // Words in two documents: one match in each, each citing its own document.
    let v = ok(&format!("/api/cite?text={}", enc("以工补农、以城带乡"))).await;
    assert_eq!(v["total"], 2);
    let mut titles: Vec<String> = v["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| {
            let c = m["citation"].as_str().expect("citation");
            c[c.find('《').expect("《")..].to_string()
        })
        .collect();
    titles.sort();
    let policy = doc("县域商业体系");
    let mut want = vec![
        format!("《{}》第六条）", law.title),
        format!("《{}》一（一））", policy.title),
    ];
    want.sort();
    assert_eq!(titles, want);
}

#[tokio::test]
async fn context_over_http() {
    let law = doc("乡村振兴促进法");
    let q = "以工补农 以城带乡";
    let v = ok(&format!("/api/context?q={}&budget=300&neighbors=1", enc(q))).await;
    assert!(v["used"].as_u64().expect("used") <= 300);
    assert_eq!(v["budget"], 300);
    let lib = zhengce::context::context(engine(), q, 300, 1).expect("context");
    assert_eq!(v, wire(&lib));
    let groups = v["groups"].as_array().expect("groups");
    assert!(!groups.is_empty());
    let a6 = format!("{}-a6", law.id);
    let g = groups
        .iter()
        .find(|g| {
            g["hit_ids"]
                .as_array()
                .is_some_and(|h| h.contains(&json!(a6)))
        })
        .expect("第六条 in the context");
    assert!(g["pages"].is_null());
    let c = g["citation"].as_str().expect("citation");
    assert!(c.starts_with(&format!("《{}》第", law.title)), "{c}");
    assert!(c.ends_with('条'), "{c}");
    assert!(
        v["prompt"]
            .as_str()
            .expect("prompt")
            .contains(&format!("] {c}\n"))
    );
    // The default budget holds both documents that print the words.
    let v = ok(&format!("/api/context?q={}", enc(q))).await;
    let docs: std::collections::BTreeSet<String> = v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let c = g["citation"].as_str().expect("citation");
            c[..c.find('》').expect("》")].to_string()
        })
        .collect();
    assert_eq!(docs.len(), 2, "{docs:?}");
}

// ---- doc and type on /api/cite and /api/context; date and type in /api/toc ----

#[tokio::test]
async fn cite_honours_doc_and_type() {
    let law = doc("乡村振兴促进法");
    let policy = doc("县域商业体系");
    // Printed in both documents.
    let text = enc("坚持以工补农、以城带乡");
    let docs_of = |v: &Value| -> Vec<String> {
        v["matches"]
            .as_array()
            .expect("matches")
            .iter()
            .map(|m| m["passage"]["doc"].as_str().expect("doc").to_string())
            .collect()
    };
    let all = ok(&format!("/api/cite?text={text}")).await;
    assert_eq!(all["total"], 2, "{all}");
    // An empty doc or type is no filter, as for /api/search.
    assert_eq!(ok(&format!("/api/cite?text={text}&doc=&type=")).await, all);
    for spec in [policy.id.as_str(), "县域商业体系"] {
        let v = ok(&format!("/api/cite?text={text}&doc={}", enc(spec))).await;
        assert_eq!(v["exact"], true, "{spec}");
        assert_eq!(v["total"], 1, "{spec}: {v}");
        assert_eq!(docs_of(&v), std::slice::from_ref(&policy.id), "{spec}");
    }
    let v = ok(&format!("/api/cite?text={text}&type={}", enc("法律"))).await;
    assert_eq!(docs_of(&v), std::slice::from_ref(&law.id), "{v}");
    // Nothing named: as /api/search, a 200 with nothing found, not an error.
    for extra in [
        format!("doc={}", enc("没有这部法")),
        format!("type={}", enc("命令")),
        format!("doc={}&type={}", law.id, enc("意见")),
    ] {
        let v = ok(&format!("/api/cite?text={text}&{extra}")).await;
        assert_eq!(v["exact"], false, "{extra}");
        assert_eq!(v["total"], 0, "{extra}");
        assert_eq!(v["matches"], json!([]), "{extra}");
    }
    // Bad text is still a 400 with a filter.
    let (status, e) = get(&format!("/api/cite?text=&doc={}", law.id)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn context_honours_doc_and_type() {
    let law = doc("乡村振兴促进法");
    let policy = doc("县域商业体系");
    let q = enc("以工补农 以城带乡");
    let docs_of = |v: &Value| -> std::collections::BTreeSet<String> {
        v["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .flat_map(|g| g["ids"].as_array().expect("ids").clone())
            .map(|id| {
                let id = id.as_str().expect("id");
                engine()
                    .documents()
                    .iter()
                    .map(|d| d.id.clone())
                    .filter(|d| id.starts_with(&format!("{d}-")))
                    .max_by_key(|d| d.len())
                    .unwrap_or_else(|| panic!("no document of {id}"))
            })
            .collect()
    };
    let all = ok(&format!("/api/context?q={q}")).await;
    let both = docs_of(&all);
    assert!(
        both.contains(&law.id) && both.contains(&policy.id),
        "{both:?}"
    );
    assert_eq!(
        ok(&format!("/api/context?q={q}&doc=&type=")).await["groups"],
        all["groups"]
    );
    let v = ok(&format!("/api/context?q={q}&doc={}", policy.id)).await;
    assert_eq!(
        docs_of(&v),
        std::collections::BTreeSet::from([policy.id.clone()]),
        "{v}"
    );
    assert!(
        v["prompt"]
            .as_str()
            .is_some_and(|p| p.contains(&policy.title))
    );
    let v = ok(&format!(
        "/api/context?q={q}&doc={}&neighbors=0",
        enc("乡村振兴 促进法")
    ))
    .await;
    assert_eq!(
        docs_of(&v),
        std::collections::BTreeSet::from([law.id.clone()]),
        "{v}"
    );
    assert_eq!(
        v["groups"][0]["citation"],
        format!("《{}》第六条", law.title)
    );
    let v = ok(&format!("/api/context?q={q}&type={}", enc("意见"))).await;
    assert_eq!(
        docs_of(&v),
        std::collections::BTreeSet::from([policy.id.clone()]),
        "{v}"
    );
    for extra in [
        format!("doc={}", enc("没有这部法")),
        format!("type={}", enc("命令")),
    ] {
        let v = ok(&format!("/api/context?q={q}&{extra}")).await;
        assert_eq!(v["groups"], json!([]), "{extra}");
        assert_eq!(v["used"], 0, "{extra}");
    }
    // A bad budget is still a 400 with a filter.
    let (status, e) = get(&format!("/api/context?q={q}&budget=5&doc={}", law.id)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn toc_entries_carry_date_and_type() {
    let v = ok(&format!("/api/toc?doc={}", enc("民事诉讼法"))).await;
    let docs = v["documents"].as_array().expect("documents");
    let mut dates: Vec<&str> = docs.iter().filter_map(|d| d["date"].as_str()).collect();
    dates.sort_unstable();
    assert_eq!(
        dates,
        ["2021-12-24", "2023-09-01"],
        "two versions, told apart"
    );
    assert!(docs.iter().all(|d| d["type"] == "法律"), "{v}");
    let policy = doc("县域商业体系");
    let v = ok(&format!("/api/toc?doc={}", policy.id)).await;
    assert_eq!(v["documents"][0]["type"], "意见");
}

#[tokio::test]
async fn openapi_lists_doc_and_type_where_they_are_taken() {
    let v = ok("/api/openapi.json").await;
    let params = |path: &str| -> Vec<String> {
        v["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has no parameters"))
            .iter()
            .filter_map(|p| p["name"].as_str().map(str::to_string))
            .collect()
    };
    for path in ["/api/search", "/api/cite", "/api/context"] {
        let names = params(path);
        for want in ["doc", "type"] {
            assert!(names.iter().any(|n| n == want), "{path}: {names:?}");
        }
    }
    assert!(params("/api/toc").iter().any(|n| n == "doc"));
    let toc_doc = &v["components"]["schemas"]["TocDocument"]["properties"];
    assert!(toc_doc.get("date").is_some(), "{toc_doc}");
    assert!(toc_doc.get("type").is_some(), "{toc_doc}");
}
