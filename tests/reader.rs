//! The reader view (`/d/{id}`) and the document list (`/api/docs`), through the router
//! over the plan and over the fixture library.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::enc;
use http_body_util::BodyExt;
use std::path::Path;
use std::sync::OnceLock;
use tower::ServiceExt;
use zhengce::Engine;
use zhengce::http::{AppState, escape, router};

/// One index of the fixture library for the binary.
fn library() -> &'static Engine {
    static FIXTURE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &FIXTURE
        .get_or_init(|| {
            common::remove_stale_fixtures("reader-test-index");
            let dir = tempfile::Builder::new()
                .prefix("reader-test-index")
                .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
                .expect("temp dir");
            let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library");
            let (engine, _) =
                zhengce::open_or_build(&corpus, &dir.path().join("index")).expect("index");
            (dir, engine)
        })
        .1
}

fn app(engine: &Engine) -> Router {
    router(AppState::new(engine.clone()))
}

async fn get(engine: &Engine, uri: &str) -> (StatusCode, String, String) {
    let req = Request::get(uri).body(Body::empty()).expect("request");
    let res = app(engine).oneshot(req).await.expect("infallible");
    let status = res.status();
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        ctype,
        String::from_utf8(body.to_vec()).expect("utf-8"),
    )
}

#[tokio::test]
async fn the_reader_view_shows_every_passage_escaped_and_anchored() {
    let engine = common::engine();
    let (status, ctype, html) = get(engine, "/d/tese2021").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    let passages = engine.passages_of("tese2021").expect("passages");
    assert!(passages.len() > 100);
    for p in &passages {
        assert!(
            html.contains(&format!("<article id=\"{}\"", p.id)),
            "{} missing",
            p.id
        );
        // Escaped corpus text (the plan's “” quotes and any markup come out as text).
        assert!(html.contains(&escape(&p.text)), "{} not escaped", p.id);
    }
    assert_eq!(html.matches("<article ").count(), passages.len());
    // Every outline node is an anchor in the text, and the outline links it.
    let docs = engine.documents();
    let doc = docs.iter().find(|d| d.id == "tese2021").expect("doc");
    fn ids(nodes: &[zhengce::corpus::Node], out: &mut Vec<String>) {
        for n in nodes {
            out.push(n.id.clone());
            ids(&n.children, out);
        }
    }
    let mut nodes = Vec::new();
    ids(&doc.outline, &mut nodes);
    for id in &nodes {
        assert!(html.contains(&format!(" id=\"{id}\"")), "heading {id}");
        assert!(html.contains(&format!("href=\"#{id}\"")), "outline {id}");
    }
    // Printed pages in the margin, a copy button per passage, no mark without a query.
    assert!(html.contains("<span class=\"pg\""));
    assert_eq!(html.matches("class=\"copy\"").count(), passages.len());
    assert!(!html.contains("<mark>"));
    assert_eq!(html.matches("<script").count(), 1);
}

#[tokio::test]
async fn a_query_marks_its_words_and_is_escaped() {
    let engine = common::engine();
    let (status, _, html) = get(engine, &format!("/d/tese2021?q={}", enc("以工代赈"))).await;
    assert_eq!(status, StatusCode::OK);
    let marked: Vec<&str> = html
        .split("<mark>")
        .skip(1)
        .filter_map(|s| s.split("</mark>").next())
        .collect();
    assert!(marked.len() >= 6, "{}", marked.len());
    assert!(marked.iter().all(|m| *m == "以工代赈"), "{marked:?}");
    assert!(html.contains("class=\"passage hit\""));
    // The query is shown, escaped, in the box and the bar.
    let (_, _, html) = get(engine, &format!("/d/tese2021?q={}", enc("<b>以工代赈\""))).await;
    assert!(!html.contains("<b>以工代赈"));
    assert!(html.contains("&lt;b&gt;以工代赈&quot;"));
}

#[tokio::test]
async fn a_passage_id_opens_its_document_there_and_unknown_ids_are_404() {
    let engine = common::engine();
    let (status, _, html) = get(engine, "/d/tese2021-2.2.1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-target=\"tese2021-2.2.1\""));
    assert!(html.contains("data-doc=\"tese2021\""));
    let (status, ctype, html) = get(engine, "/d/%3Cb%3Enope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ctype.starts_with("text/html"));
    assert!(html.contains("&lt;b&gt;nope") && !html.contains("<b>nope"));
}

#[tokio::test]
async fn the_document_list_and_the_versions_of_a_law() {
    let engine = library();
    let (status, ctype, body) = get(engine, "/api/docs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let docs = v["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), engine.documents().len());
    for d in docs {
        assert!(d["id"].is_string() && d["title"].is_string() && d["passages"].is_u64());
        assert!(d.get("outline").is_none(), "no outlines in the list");
    }
    let versions: Vec<&serde_json::Value> = docs
        .iter()
        .filter(|d| d["title"] == "中华人民共和国民事诉讼法")
        .collect();
    assert_eq!(versions.len(), 2);
    let (newer, older) = if versions[0]["date"].as_str() > versions[1]["date"].as_str() {
        (versions[0], versions[1])
    } else {
        (versions[1], versions[0])
    };
    let id = newer["id"].as_str().expect("id");
    let (status, _, html) = get(engine, &format!("/d/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let other = older["id"].as_str().expect("id");
    assert!(
        html.contains(&format!("href=\"/d/{other}\" data-doc=\"{other}\"")),
        "no link to the other version"
    );
    assert!(html.contains("aria-current=\"page\""));
    // Articles open with their label in bold.
    assert!(html.contains("<strong class=\"art\">第一条</strong>"));
}
