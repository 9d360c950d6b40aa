//! The API keeps its OpenAPI contract (what schemathesis checks, `scripts/schemathesis.sh`),
//! and deadlines stop the work of cite and context.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use std::time::Duration;
use tower::ServiceExt;
use zhengce::http::{AppState, router};
use zhengce::{Deadline, DocFilter, Error};

async fn get(path: &str) -> (StatusCode, Value) {
    let app = router(AppState::new(common::engine().clone()));
    let res = app
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = res.status();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    let v = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, v)
}

#[tokio::test]
async fn a_query_without_searchable_words_finds_nothing() {
    // Control characters and symbols: valid by the schema, nothing to search.
    let (s, v) = get("/api/search?q=%07%C2%B1").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 0);
    assert_eq!(v["hits"], serde_json::json!([]));
    let (s, v) = get(&format!("/api/context?q={}", common::enc("，。！"))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["groups"], serde_json::json!([]));
    let (s, v) = get(&format!("/api/cite?text={}", common::enc("，。！"))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["exact"], false);
    assert_eq!(v["matches"], serde_json::json!([]));
    // Blank is still a mistake, and the schema says so (a non-space character).
    let (s, v) = get("/api/cite?text=%20%20").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = get("/api/search?q=%20").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, spec) = get("/api/openapi.json").await;
    let q = &spec["paths"]["/api/search"]["get"]["parameters"][0];
    assert_eq!(q["name"], "q");
    assert_eq!(q["schema"]["pattern"], "\\S", "{q}");
}

#[tokio::test]
async fn the_search_page_declares_its_parameters_as_it_reads_them() {
    // The page's script reads `offset` and `chapter` and ignores what is not a number:
    // any value is valid, and the page is served.
    let (_, spec) = get("/api/openapi.json").await;
    let params = spec["paths"]["/"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .clone();
    for p in params {
        assert_eq!(p["schema"]["type"], "string", "{p}");
    }
    let app = router(AppState::new(common::engine().clone()));
    let res = app
        .oneshot(
            Request::get("/?offset=-1&chapter=-2")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(res.status(), StatusCode::OK);
}

#[test]
fn a_passed_deadline_stops_cite_and_context() {
    let e = common::engine();
    let past = Deadline::after(Duration::ZERO);
    std::thread::sleep(Duration::from_millis(2));
    let r = zhengce::cite::cite_with(
        e,
        "宜工则工、宜贸则贸，宜农则农",
        &DocFilter::default(),
        Some(past),
    );
    assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
    let r =
        zhengce::context::context_with(e, "以工代赈", 2000, 2, &DocFilter::default(), Some(past));
    assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
    // The HTTP answer to a stopped request is a 408.
    let api = zhengce::http::ApiError::from(Error::Timeout);
    assert_eq!(api.status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(api.code, "timeout");
    // A deadline far away changes nothing.
    let later = Deadline::after(Duration::from_secs(60));
    let r = zhengce::cite::cite_with(
        e,
        "促进边疆巩固的重点地区",
        &DocFilter::default(),
        Some(later),
    )
    .expect("cite");
    assert!(r.exact);
}
