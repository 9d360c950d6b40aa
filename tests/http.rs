//! The HTTP service, in-process through the router (`tower::ServiceExt::oneshot`) and once
//! on a real socket.

mod common;

use common::enc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;
use tower::ServiceExt;
use zhengce::http::{AppState, router};
use zhengce::{Engine, SearchRequest};

/// One index for the whole test binary (a build takes seconds), in a temporary directory
/// under cargo's target tmp dir. A static is never dropped, so each run removes the
/// directories that runs over an hour old left behind.
fn engine() -> &'static Engine {
    static FIXTURE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &FIXTURE
        .get_or_init(|| {
            common::remove_stale_fixtures("http-test-index");
            let dir = tempfile::Builder::new()
                .prefix("http-test-index")
                .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
                .expect("temp dir");
            let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
            let (engine, _) =
                zhengce::open_or_build(&corpus, &dir.path().join("index")).expect("index");
            (dir, engine)
        })
        .1
}

fn app() -> Router {
    router(AppState::new(engine().clone()))
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a JSON error with this status and code; returns the message.
    fn error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            self.header(header::CONTENT_TYPE)
                .starts_with("application/json"),
            "content-type {:?}",
            self.header(header::CONTENT_TYPE)
        );
        let v = self.json();
        assert_eq!(v["error"]["code"], code, "{v}");
        let msg = v["error"]["message"].as_str().expect("message").to_string();
        assert!(!msg.is_empty());
        msg
    }
}

async fn send(req: Request<Body>) -> Resp {
    let res = app().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

async fn get(uri: &str) -> Resp {
    send(Request::get(uri).body(Body::empty()).expect("request")).await
}

async fn search(q: &str, extra: &str) -> Resp {
    get(&format!("/api/search?q={}{extra}", enc(q))).await
}

// ---- /api/search ----

#[tokio::test]
async fn search_returns_the_cli_json_with_facets() {
    let r = search("以工代赈", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header(header::CONTENT_TYPE)
            .starts_with("application/json")
    );
    let mut v = r.json();
    assert!(v["total"].as_u64().unwrap_or(0) > 0);
    let hits = v["hits"].as_array().expect("hits");
    assert!(!hits.is_empty());
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap_or("")
            .contains("<mark>以工代赈</mark>")
    );
    assert!(
        hits[0]["citation"]
            .as_str()
            .unwrap_or("")
            .contains("第二章")
    );
    assert!(
        v["facets"]["2"].as_u64().unwrap_or(0) > 0,
        "{}",
        v["facets"]
    );
    // The same object as `zhengce search --json` (the library's response), but the time.
    // (Through text: f32 scores become the same f64 as on the wire.)
    let lib = engine()
        .search(&SearchRequest::new("以工代赈"))
        .expect("search");
    let mut lib: Value =
        serde_json::from_str(&serde_json::to_string(&lib).expect("json")).expect("json");
    v["took_ms"] = Value::Null;
    lib["took_ms"] = Value::Null;
    assert_eq!(v, lib);
}

#[tokio::test]
async fn search_filters_and_pages() {
    let all = search("发展", "&limit=100").await.json();
    let total = all["total"].as_u64().expect("total");
    assert!(total > 3);
    let page = search("发展", "&limit=2&offset=1").await.json();
    assert_eq!(page["hits"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["hits"][0]["id"], all["hits"][1]["id"]);
    let ch = search("发展", "&chapter=2").await.json();
    assert!(
        ch["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["chapter"]["label"] == "第二章")
    );
    let sidebars = search("发展", "&kind=sidebar").await.json();
    assert!(
        sidebars["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["kind"] == "sidebar")
    );
}

#[tokio::test]
async fn search_without_q_is_400() {
    let m = get("/api/search")
        .await
        .error(StatusCode::BAD_REQUEST, "missing_query");
    assert!(m.contains("q"), "{m}");
    get("/api/search?limit=5")
        .await
        .error(StatusCode::BAD_REQUEST, "missing_query");
}

#[tokio::test]
async fn empty_q_is_400() {
    get("/api/search?q=")
        .await
        .error(StatusCode::BAD_REQUEST, "empty_query");
    search("  \u{3000} ", "")
        .await
        .error(StatusCode::BAD_REQUEST, "empty_query");
}

#[tokio::test]
async fn q_over_the_cap_is_400() {
    let cap = zhengce::search::MAX_QUERY_CHARS;
    let long = "政".repeat(cap + 1);
    let m = search(&long, "")
        .await
        .error(StatusCode::BAD_REQUEST, "query_too_long");
    assert!(m.contains(&cap.to_string()), "{m}");
    // At the cap it is not refused for its length.
    let r = search(&"发展 ".repeat(cap / 3), "").await;
    assert!(r.status.is_success() || r.json()["error"]["code"] != "query_too_long");
}

#[tokio::test]
async fn limit_and_offset_out_of_range_are_400() {
    for (extra, word) in [
        ("&limit=0", "limit"),
        ("&limit=101", "limit"),
        ("&offset=10001", "offset"),
    ] {
        let m = search("发展", extra)
            .await
            .error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert!(m.contains(word), "{extra}: {m}");
    }
    assert_eq!(
        search("发展", "&limit=100&offset=10000").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn non_numeric_and_unknown_values_are_json_400() {
    for (extra, word) in [
        ("&limit=abc", "limit"),
        ("&limit=-1", "limit"),
        ("&limit=1.5", "limit"),
        ("&offset=x", "offset"),
        ("&chapter=two", "chapter"),
        ("&kind=essay", "kind"),
    ] {
        let m = search("发展", extra)
            .await
            .error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert!(m.contains(word), "{extra}: {m}");
    }
}

#[tokio::test]
async fn query_syntax_never_fails_the_server() {
    for q in [
        "\"以工代赈",
        "以工代赈\"",
        "(以工代赈",
        "以工代赈)",
        "【以工代赈",
        "[[[",
        "\"\"",
        "-",
        "-以工代赈",
        "以工代赈 AND OR NOT",
        "*?:~^!{}\\",
        "（（（",
        "\"以工\" \"代赈",
        "<script>alert(1)</script>",
        "🙂",
        "%00",
    ] {
        let r = search(q, "").await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
            "{q:?}: {} {}",
            r.status,
            r.text()
        );
        let v = r.json();
        if r.status == StatusCode::BAD_REQUEST {
            assert!(v["error"]["code"].is_string(), "{q:?}: {v}");
        }
    }
    // Unbalanced quotes and brackets are searched as text.
    for q in ["\"以工代赈", "(以工代赈", "以工代赈）"] {
        let v = search(q, "").await.json();
        assert!(v["total"].as_u64().unwrap_or(0) > 0, "{q:?}: {v}");
    }
}

// ---- /api/passages/{id} ----

#[tokio::test]
async fn passage_has_path_and_neighbours() {
    let r = get("/api/passages/tese2021-2.2.1").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["id"], "tese2021-2.2.1");
    assert!(v["path"].as_str().unwrap_or("").contains("第二节"));
    assert!(v["citation"].as_str().unwrap_or("").contains("第二章"));
    let next = v["next"].as_str().expect("next").to_string();
    let prev = v["prev"].as_str().expect("prev").to_string();
    let n = get(&format!("/api/passages/{next}")).await.json();
    assert_eq!(n["prev"], "tese2021-2.2.1");
    let p = get(&format!("/api/passages/{prev}")).await.json();
    assert_eq!(p["next"], "tese2021-2.2.1");
    // The first passage has no prev.
    let first = &engine().passages_of("tese2021").expect("passages")[0];
    let f = get(&format!("/api/passages/{}", first.id)).await.json();
    assert!(f["prev"].is_null());
}

#[tokio::test]
async fn unknown_passage_is_404() {
    let m = get("/api/passages/no-such-id")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    assert!(m.contains("no-such-id"), "{m}");
    get(&format!("/api/passages/{}", enc("以工代赈")))
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
}

// ---- /api/toc, /healthz ----

#[tokio::test]
async fn toc_is_the_outline() {
    let r = get("/api/toc").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let docs = engine().documents();
    let expected = serde_json::json!({
        "documents": docs.iter().map(|d| serde_json::json!({
            "id": d.id, "title": d.title, "date": d.meta.date,
            "type": d.meta.doc_type, "outline": d.outline,
        })).collect::<Vec<_>>()
    });
    assert_eq!(v, expected);
    assert!(v.to_string().contains("第二章"));
}

#[tokio::test]
async fn healthz_reports_the_index() {
    let v = get("/healthz").await.json();
    assert_eq!(v["status"], "ok");
    assert_eq!(
        v["passages"].as_u64(),
        Some(engine().passage_count() as u64)
    );
    assert_eq!(v["documents"], 1);
    assert_eq!(v["built_at"], engine().index().meta.built_at_iso);
}

// ---- fallbacks and layers ----

#[tokio::test]
async fn unknown_route_is_json_404() {
    let m = get("/no/such/route")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    assert!(m.contains("/no/such/route"), "{m}");
    get("/api/passages/")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn wrong_method_is_json_405() {
    for (method, uri) in [
        (Method::POST, "/api/search?q=x"),
        (Method::DELETE, "/api/passages/tese2021-2.2.1"),
        (Method::PUT, "/healthz"),
        (Method::POST, "/"),
    ] {
        let r = send(
            Request::builder()
                .method(method.clone())
                .uri(uri)
                .body(Body::from("{}"))
                .expect("request"),
        )
        .await;
        let m = r.error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert!(m.contains(method.as_str()), "{m}");
        assert!(r.header(header::ALLOW).contains("GET"), "{uri}");
    }
}

#[tokio::test]
async fn responses_are_gzipped_and_cors_open() {
    let r = send(
        Request::get("/api/toc")
            .header(header::ACCEPT_ENCODING, "gzip")
            .header(header::ORIGIN, "http://example.org")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(r.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let r = send(
        Request::get("/healthz")
            .header(header::CONTENT_LENGTH, (1024 * 1024).to_string())
            .body(Body::from(vec![b'x'; 1024 * 1024]))
            .expect("request"),
    )
    .await;
    r.error(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
}

// ---- OpenAPI ----

#[tokio::test]
async fn openapi_lists_every_route_param_and_error() {
    let r = get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert!(v["openapi"].as_str().unwrap_or("").starts_with("3."));
    let paths = v["paths"].as_object().expect("paths");
    for route in [
        "/api/search",
        "/api/passages/{id}",
        "/api/toc",
        "/healthz",
        "/api/openapi.json",
        "/",
        "/p/{id}",
        "/static/app.js",
        "/static/app.css",
        "/api/cite",
        "/api/context",
    ] {
        assert!(paths[route]["get"].is_object(), "{route} missing");
    }
    // Every documented route is served.
    for route in paths.keys() {
        let uri = route
            .replace("{id}", "tese2021-2.2.1")
            .replace("/api/search", "/api/search?q=x")
            .replace("/api/cite", "/api/cite?text=x")
            .replace("/api/context", "/api/context?q=x");
        let s = get(&uri).await.status;
        assert!(s.is_success(), "{route}: {s}");
    }
    let params: Vec<&str> = v["paths"]["/api/search"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        params,
        [
            "q", "limit", "offset", "chapter", "kind", "doc", "type", "explain"
        ]
    );
    let err_ref = "#/components/schemas/ErrorBody";
    for (route, status) in [
        ("/api/search", "400"),
        ("/api/passages/{id}", "404"),
        ("/api/search", "405"),
        ("/api/search", "500"),
    ] {
        assert_eq!(
            v["paths"][route]["get"]["responses"][status]["content"]["application/json"]["schema"]
                ["$ref"],
            err_ref,
            "{route} {status}"
        );
    }
    let schemas = &v["components"]["schemas"];
    for s in [
        "ErrorBody",
        "ErrorDetail",
        "SearchResponse",
        "Hit",
        "Passage",
        "PassageResponse",
        "TocResponse",
        "Node",
        "Health",
    ] {
        assert!(schemas[s].is_object(), "schema {s} missing");
    }
    assert_eq!(
        schemas["ErrorDetail"]["required"],
        serde_json::json!(["code", "message"])
    );
    assert!(schemas["SearchResponse"]["properties"]["facets"].is_object());
}

// ---- pages ----

#[tokio::test]
async fn search_page_and_assets_are_served() {
    let r = get("/?q=以工代赈"
        .replace("以工代赈", &enc("以工代赈"))
        .as_str())
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    let html = r.text();
    assert!(html.contains("<script src=\"/static/app.js\"></script>"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN"
    );
    let js = get("/static/app.js").await;
    assert!(
        js.header(header::CONTENT_TYPE)
            .starts_with("text/javascript")
    );
    let js = js.text();
    for needle in [
        "compositionstart",
        "compositionend",
        "history.replaceState",
        "/api/search",
        "/api/toc",
        "textContent",
    ] {
        assert!(js.contains(needle), "app.js lacks {needle}");
    }
    // The snippet is the only thing inserted as HTML.
    assert_eq!(js.matches("innerHTML").count(), 1);
    let css = get("/static/app.css").await;
    assert!(css.header(header::CONTENT_TYPE).starts_with("text/css"));
    assert!(css.text().contains("@media"));
}

#[tokio::test]
async fn passage_page_shows_the_section_and_neighbours() {
    let r = get("/p/tese2021-2.2.1").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    let html = r.text();
    let p = engine().passage("tese2021-2.2.1").expect("passage");
    let (_, next) = engine().neighbours(&p).expect("neighbours");
    let next = next.expect("next");
    assert!(html.contains("class=\"passage current\""));
    assert!(html.contains(&zhengce::http::escape(&p.citation)));
    assert!(html.contains(&zhengce::http::escape(&p.section_path())));
    assert!(html.contains(&format!("href=\"/p/{}\"", next.id)));
    assert!(html.contains("rel=\"next\""));
    // Corpus text is escaped: the quotes of “三区三州” and any markup come out as text.
    assert!(html.contains(&zhengce::http::escape(&p.text)));
    assert_eq!(html.matches("<script").count(), 1);
}

#[tokio::test]
async fn passage_page_of_a_node_redirects_and_unknown_is_404() {
    let r = get("/p/tese2021-2.2").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), "/p/tese2021-2.2.1");
    let r = get("/p/tese2021-s1").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = get("/p/%3Cb%3Enope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let html = r.text();
    assert!(html.contains("&lt;b&gt;nope"));
    assert!(!html.contains("<b>nope"));
}

// ---- a real socket ----

#[tokio::test]
async fn serves_on_a_real_socket_and_shuts_down() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(zhengce::http::serve(
        listener,
        AppState::new(engine().clone()),
        async {
            let _ = rx.await;
        },
    ));
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(
            format!(
                "GET /api/search?q={} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
                enc("以工代赈")
            )
            .as_bytes(),
        )
        .await
        .expect("write");
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.expect("read");
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("<mark>以工代赈</mark>"));
    let _ = tx.send(());
    let done = tokio::time::timeout(std::time::Duration::from_secs(5), server)
        .await
        .expect("graceful shutdown in time")
        .expect("join");
    assert!(done.is_ok());
}

// ---- /api/cite and /api/context ----

#[tokio::test]
async fn cite_finds_the_quote_with_its_pages() {
    let r = get(&format!("/api/cite?text={}", enc("促进边疆巩固的重点地区"))).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["exact"], true);
    assert_eq!(v["matches"][0]["pages"], serde_json::json!([2, 3]));
    assert_eq!(
        v["matches"][0]["citation"],
        "“促进边疆巩固的重点地区”（《“十四五”特殊类型地区振兴发展规划》第一章第一节，第2—3页）"
    );
    get("/api/cite")
        .await
        .error(StatusCode::BAD_REQUEST, "missing_text");
    let long = "字".repeat(5001);
    assert_eq!(
        get(&format!("/api/cite?text={}", enc(&long))).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(get("/api/cite?text=").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn context_respects_the_budget() {
    let r = get(&format!(
        "/api/context?q={}&budget=500&neighbors=1",
        enc("以工代赈")
    ))
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert!(v["used"].as_u64().unwrap_or(u64::MAX) <= 500);
    assert!(v["prompt"].as_str().unwrap_or("").contains("[1]"));
    for bad in ["budget=100", "budget=30000", "neighbors=9", "budget=abc"] {
        let r = get(&format!("/api/context?q={}&{bad}", enc("以工代赈"))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    get("/api/context")
        .await
        .error(StatusCode::BAD_REQUEST, "missing_query");
}

// ---- hostile input battery ----

#[tokio::test]
async fn hostile_input_never_5xx() {
    let long = enc(&"字".repeat(3_400)); // 10 KB of text
    let parens = enc(&"(".repeat(1000));
    let uris: Vec<String> = vec![
        format!("/api/search?q={}", enc("   ")),
        format!("/api/search?q={long}"),
        format!("/api/search?q={parens}"),
        format!("/api/search?q={}", enc("\"")),
        format!("/api/search?q={}", enc("\"以工代赈")),
        format!("/api/search?q={}", enc("-")),
        format!("/api/search?q={}", enc("*")),
        format!("/api/search?q={}", enc("AND OR NOT")),
        "/api/search?q=%00%01%02".to_string(),
        format!("/api/search?q={}", enc("以工\u{7}代赈")),
        format!("/api/search?q={}", enc("😀𠀀")),
        "/api/search?q=%E4%B8".to_string(),
        "/api/search?q=%ZZ".to_string(),
        "/api/search?q=%FF%FE".to_string(),
        "/api/search?q=x&limit=0".to_string(),
        "/api/search?q=x&limit=-1".to_string(),
        "/api/search?q=x&limit=1000000000".to_string(),
        "/api/search?q=x&limit=abc".to_string(),
        "/api/passages/no-such-id".to_string(),
        "/api/passages/%2e%2e".to_string(),
        "/p/../../etc/passwd".to_string(),
        "/p/%2e%2e%2f%2e%2e%2fetc%2fpasswd".to_string(),
        "/static/../Cargo.toml".to_string(),
        "/%2e%2e/%2e%2e/etc/passwd".to_string(),
        format!("/api/cite?text={}", enc("\u{0}")),
        format!("/api/context?q={}&budget=-5", enc("以工代赈")),
    ];
    for uri in &uris {
        let r = get(uri).await;
        assert!(
            !r.status.is_server_error(),
            "{uri}: {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
        if r.status.is_client_error() && uri.starts_with("/api") {
            let v = r.json();
            assert!(v["error"]["code"].is_string(), "{uri}: {v}");
        }
        assert!(
            !String::from_utf8_lossy(&r.body).contains("root:"),
            "{uri} leaked a file"
        );
    }
    // A 10 MB body is refused, not read.
    let r = send(
        Request::post("/api/search?q=x")
            .body(Body::from(vec![b'x'; 10 * 1024 * 1024]))
            .expect("request"),
    )
    .await;
    assert!(r.status.is_client_error(), "{}", r.status);
}
