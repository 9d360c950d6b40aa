//! The HTTP service: a JSON API, its OpenAPI document, a search page and passage pages.
//!
//! Only this module knows about axum. [`router`] builds the service over an [`AppState`]
//! (the [`Engine`]: one index reader for the process, a searcher per request); [`serve`]
//! runs it on a listener until a shutdown future completes.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /api/search?q=&limit=&offset=&chapter=&kind=&doc=&type=` | [`SearchResponse`] (as `zhengce search --json`) |
//! | `GET /api/passages/{id}` | [`PassageResponse`] (as `zhengce show --json`) |
//! | `GET /api/cite?text=&doc=&type=` | [`CiteResult`](crate::cite::CiteResult) (as `zhengce cite --json`) |
//! | `GET /api/context?q=&budget=&neighbors=&doc=&type=` | [`ContextResult`](crate::context::ContextResult) (as `zhengce context --json`) |
//! | `GET /api/toc?doc=` | [`TocResponse`] (as `zhengce toc [DOC] --json`) |
//! | `GET /healthz` | [`Health`] |
//! | `GET /api/openapi.json` | the OpenAPI 3.1 document, generated from this module |
//! | `GET /` | the search page |
//! | `GET /p/{id}` | a passage in its section (an outline node id redirects to its first passage) |
//! | `GET /d/{id}?q=` | the reader view: a whole document, `?q=` marking a search's words |
//! | `GET /api/docs` | [`DocsResponse`] (every document's id, title, date, type) |
//!
//! Every error is a 4xx or 5xx with `{"error": {"code", "message"}}` ([`ErrorBody`]).

mod error;
mod pages;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use pages::{DocEntry, DocsResponse, escape};

use crate::corpus::PassageKind;
use crate::response::check_query;
pub use crate::response::{PassageResponse, TocDocument, TocResponse};
use crate::{Engine, SearchRequest, SearchResponse};
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// How long a request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The deadline given to a request's work: a little before [`REQUEST_TIMEOUT`], so that
/// the work stops by itself when the client is answered with 408 (see [`crate::deadline`]).
pub fn work_deadline() -> crate::Deadline {
    crate::Deadline::after(REQUEST_TIMEOUT.saturating_sub(Duration::from_millis(100)))
}

/// Largest request body accepted (the API takes none; this bounds what a client can send).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler shares: the engine. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    engine: Engine,
}

impl AppState {
    /// State over an opened engine.
    pub fn new(engine: Engine) -> Self {
        AppState { engine }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

/// The service: every route, the JSON fallbacks for unknown routes and methods, and the
/// layers (tracing, panic → 500, timeout, gzip, CORS for GET, body limit).
pub fn router(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD]);
    let trace = TraceLayer::new_for_http()
        .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    Router::new()
        .route("/api/search", get(search))
        .route("/api/passages/{id}", get(passage))
        .route("/api/toc", get(toc))
        .route("/api/cite", get(cite))
        .route("/api/context", get(context))
        .route("/api/openapi.json", get(openapi_json))
        .route("/healthz", get(healthz))
        .route("/", get(index_page))
        .route("/p/{id}", get(passage_page))
        .route("/d/{id}", get(pages::document))
        .route("/api/docs", get(pages::docs))
        .route("/static/app.js", get(app_js))
        .route("/static/app.css", get(app_css))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(cors)
        // gzip's fastest level: the default level cost about 80 µs of server CPU per
        // search answer (as much as the search), the fastest a fraction of that for
        // answers about a fifth larger (BENCHMARKS.md, fourth session).
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::map_response(json_errors))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(trace)
}

/// Serves [`router`] on `listener` until `shutdown` completes, then finishes the requests
/// in flight and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// The OpenAPI document of the service.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zhengce",
        description = "Search and retrieval of Chinese policy documents: ranked passages with \
            highlighted snippets and citations with pages.\n\nEvery error is answered with a \
            4xx or 5xx status and an `ErrorBody`: `{\"error\": {\"code\", \"message\"}}`. \
            An unknown route is a 404 (`not_found`), a method other than GET/HEAD a 405 \
            (`method_not_allowed`), a request over 10 s a 408."
    ),
    paths(
        search,
        passage,
        cite,
        context,
        toc,
        healthz,
        openapi_json,
        index_page,
        passage_page,
        pages::document,
        pages::docs,
        app_js,
        app_css
    ),
    components(schemas(ErrorBody, ErrorDetail, PassageKind)),
    tags(
        (name = "api", description = "JSON API"),
        (name = "pages", description = "HTML pages and their assets")
    )
)]
struct ApiDoc;

/// A query-string extractor whose failures are JSON 400s (see [`ApiError`]).
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(v) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(v))
    }
}

/// The parameters of `/api/search`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query: words, "exact phrases", -excluded words, or a question
    /// (at most 500 characters).
    #[param(
        required = true,
        min_length = 1,
        max_length = 500,
        pattern = r"\S",
        example = "以工代赈"
    )]
    pub q: Option<String>,
    /// Number of hits (1..=100, default 10).
    #[param(minimum = 1, maximum = 100, default = 10)]
    pub limit: Option<usize>,
    /// Hits to skip (0..=10000, default 0).
    #[param(minimum = 0, maximum = 10000, default = 0)]
    pub offset: Option<usize>,
    /// Only this chapter (its number: 2 for 第二章; 0 for text outside chapters).
    pub chapter: Option<u32>,
    /// Only this kind of passage.
    #[param(inline)]
    pub kind: Option<PassageKind>,
    /// Only this document (its id, or words of its title).
    pub doc: Option<String>,
    /// Only documents of this type (法律, 行政法规, 司法解释, 部门规章, 地方性法规, 规划, …).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub doc_type: Option<String>,
    /// Whether each hit says what each ranking signal contributed (`explain`).
    pub explain: Option<bool>,
}

impl SearchParams {
    /// Checks the parameters and turns them into a request.
    pub fn into_request(self) -> Result<SearchRequest, ApiError> {
        let q = check_query(self.q.as_deref(), "the query parameter q")?.to_string();
        let req = SearchRequest {
            q,
            limit: self.limit.unwrap_or(10),
            offset: self.offset.unwrap_or(0),
            chapter: self.chapter,
            kind: self.kind,
            doc: self.doc.filter(|d| !d.is_empty()),
            doc_type: self.doc_type.filter(|d| !d.is_empty()),
            explain: self.explain.unwrap_or(false),
            deadline: None,
        };
        req.validate()?;
        Ok(req)
    }
}

/// The service's health.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the service answers.
    #[schema(example = "ok")]
    pub status: String,
    /// Number of passages in the index served.
    pub passages: usize,
    /// Number of documents in the index served.
    pub documents: usize,
    /// When the index served was built (RFC 3339, UTC).
    pub built_at: String,
}

/// Searches the passages.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "api",
    params(SearchParams),
    responses(
        (status = 200, description = "Hits, best first, with facets (hits per chapter)", body = SearchResponse),
        (status = 400, description = "q missing, empty or too long; limit, offset, chapter or kind invalid. A q without any searchable word (only punctuation, symbols or exclusions) is not an error: 200 with no hits", body = ErrorBody),
        (status = 405, description = "A method other than GET or HEAD", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody)
    )
)]
async fn search(
    State(st): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<JsonBody<SearchResponse>, ApiError> {
    let req = params.into_request()?;
    // A query without a searchable word is valid and finds nothing (200, no hits), as
    // in Meilisearch; it never reaches the engine when it has no word character at all.
    if crate::cite::normalize(&req.q).is_empty() {
        return Ok(JsonBody(no_hits(&req.q)));
    }
    let q = req.q.clone();
    let mut req = req;
    req.deadline = Some(work_deadline());
    let res = if st.engine.passage_count() <= INLINE_SEARCH_PASSAGES {
        st.engine.search(&req)
    } else {
        tokio::task::spawn_blocking(move || st.engine.search(&req))
            .await
            .map_err(|e| ApiError::internal(&e))?
    };
    match res {
        Ok(r) => Ok(JsonBody(r)),
        Err(crate::Error::NoSearchableWords(_)) => Ok(JsonBody(no_hits(&q))),
        Err(e) => Err(e.into()),
    }
}

/// Indexes of at most this many passages are searched on the async thread that took the
/// request: a search there takes a fraction of a millisecond, and handing it to the
/// blocking pool and back cost more CPU than the search itself (on the plan, 64
/// connections: about 180 µs of server CPU per request through the pool, 110 µs inline;
/// BENCHMARKS.md). Larger indexes, where one search can take tens of milliseconds,
/// search on the blocking pool so as not to stall the connections of that thread.
const INLINE_SEARCH_PASSAGES: usize = 5_000;

/// A JSON answer, serialized into a buffer sized for it at once (axum's `Json` starts at
/// 128 bytes and grows: a search answer is several kilobytes).
#[derive(Debug, Clone)]
struct JsonBody<T>(T);

impl IntoResponse for JsonBody<SearchResponse> {
    fn into_response(self) -> Response {
        // The text (and JSON escapes of the snippet's marks), plus the other fields.
        let hits: usize = self
            .0
            .hits
            .iter()
            .map(|h| 2 * h.passage.text.len() + 1024)
            .sum();
        json_response(&self.0, 1024 + hits)
    }
}

/// `value` as an `application/json` response, serialized into a buffer of `capacity`.
fn json_response<T: Serialize>(value: &T, capacity: usize) -> Response {
    let mut buf = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut buf, value) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            buf,
        )
            .into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

/// The answer to a query that has no searchable word.
fn no_hits(q: &str) -> SearchResponse {
    SearchResponse {
        query: q.to_string(),
        total: 0,
        partial: false,
        took_ms: 0.0,
        terms: Vec::new(),
        expanded: Vec::new(),
        hits: Vec::new(),
        facets: Default::default(),
        doc_facets: Default::default(),
        type_facets: Default::default(),
    }
}

/// Runs engine work (CPU-bound, synchronous) off the async threads; a failure of the
/// task itself is an internal error.
async fn blocking<T, F>(st: AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> crate::Result<T> + Send + 'static,
{
    tokio::task::spawn_blocking(move || work(&st.engine))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(ApiError::from)
}

/// Runs engine work [`blocking`] over the documents `doc` and `doc_type` leave (the
/// `doc` and `type` parameters), under a [`work_deadline`]: the tail of every filtered
/// handler but search.
async fn in_scope<T, F>(
    st: AppState,
    doc: Option<String>,
    doc_type: Option<String>,
    work: F,
) -> Result<Json<T>, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine, &crate::DocFilter, crate::Deadline) -> crate::Result<T> + Send + 'static,
{
    let deadline = work_deadline();
    let filter = crate::DocFilter::new(doc, doc_type);
    Ok(Json(
        blocking(st, move |e| work(e, &filter, deadline)).await?,
    ))
}

fn path_id(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    match p {
        Ok(Path(id)) => Ok(id),
        Err(r) => Err(ApiError::bad_request(
            "bad_parameter",
            format!("invalid id in the path: {}", r.body_text()),
        )),
    }
}

/// The parameters of `/api/cite`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CiteParams {
    /// The quoted text (1..=5000 characters; punctuation, spaces, width and script may
    /// differ from the source).
    #[param(
        required = true,
        min_length = 1,
        max_length = 5000,
        pattern = r"\S",
        example = "促进边疆巩固的重点地区"
    )]
    pub text: Option<String>,
    /// Only in this document (its id, or words of its title), as for `/api/search`.
    pub doc: Option<String>,
    /// Only in documents of this type (法律, 行政法规, 地方性法规, 意见, 规划, …).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub doc_type: Option<String>,
}

/// Where a quoted text stands: passages, offsets, the quote's own pages, a citation.
#[utoipa::path(
    get,
    path = "/api/cite",
    tag = "api",
    params(CiteParams),
    responses(
        (status = 200, description = "Exact matches, or the closest passages with `exact: false`, in the documents `doc` and `type` leave (none when they name no document: `exact: false`, no match)", body = crate::cite::CiteResult),
        (status = 400, description = "text missing, blank or over 5000 characters (a text of only punctuation or symbols is found nowhere: 200, `exact: false`, no match)", body = ErrorBody),
        (status = 405, description = "A method other than GET or HEAD", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody)
    )
)]
async fn cite(
    State(st): State<AppState>,
    ApiQuery(params): ApiQuery<CiteParams>,
) -> Result<Json<crate::cite::CiteResult>, ApiError> {
    let text = params.text.ok_or_else(|| {
        ApiError::bad_request(
            "missing_text",
            "the query parameter text is required, e.g. /api/cite?text=促进边疆巩固的重点地区",
        )
    })?;
    if !text.trim().is_empty() && crate::cite::normalize(&text).is_empty() {
        // Only punctuation or symbols: valid, and found nowhere.
        return Ok(Json(crate::cite::CiteResult {
            text,
            exact: false,
            total: 0,
            matches: Vec::new(),
        }));
    }
    in_scope(
        st,
        params.doc,
        params.doc_type,
        move |e, filter, deadline| crate::cite::cite_with(e, &text, filter, Some(deadline)),
    )
    .await
}

/// The parameters of `/api/context`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContextParams {
    /// The query (as for `/api/search`).
    #[param(
        required = true,
        min_length = 1,
        max_length = 500,
        pattern = r"\S",
        example = "以工代赈"
    )]
    pub q: Option<String>,
    /// Characters of passage text at most (200..=20000, default 2000).
    #[param(minimum = 200, maximum = 20000, default = 2000)]
    pub budget: Option<usize>,
    /// Passages before and after each hit, within its section (0..=5, default 1).
    #[param(minimum = 0, maximum = 5, default = 1)]
    pub neighbors: Option<usize>,
    /// Only this document (its id, or words of its title), as for `/api/search`.
    pub doc: Option<String>,
    /// Only documents of this type (法律, 行政法规, 地方性法规, 意见, 规划, …).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub doc_type: Option<String>,
}

/// Context for a chatbot: the best passages with neighbours, merged, in document order,
/// with citations and a ready prompt, within a character budget.
#[utoipa::path(
    get,
    path = "/api/context",
    tag = "api",
    params(ContextParams),
    responses(
        (status = 200, description = "Groups of passages with citations, and a prompt, from the documents `doc` and `type` leave (no group when they name no document)", body = crate::context::ContextResult),
        (status = 400, description = "q missing or invalid; budget or neighbors out of range", body = ErrorBody),
        (status = 405, description = "A method other than GET or HEAD", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody)
    )
)]
async fn context(
    State(st): State<AppState>,
    ApiQuery(params): ApiQuery<ContextParams>,
) -> Result<Json<crate::context::ContextResult>, ApiError> {
    let q = check_query(params.q.as_deref(), "the query parameter q")?.to_string();
    let budget = params.budget.unwrap_or(crate::context::DEFAULT_BUDGET);
    let neighbors = params
        .neighbors
        .unwrap_or(crate::context::DEFAULT_NEIGHBORS);
    crate::context::validate(budget, neighbors)?;
    in_scope(
        st,
        params.doc,
        params.doc_type,
        move |e, filter, deadline| {
            crate::context::context_with(e, &q, budget, neighbors, filter, Some(deadline))
        },
    )
    .await
}

/// One passage, with its heading path and the ids of its neighbours.
#[utoipa::path(
    get,
    path = "/api/passages/{id}",
    tag = "api",
    params(("id" = String, Path, description = "Passage id, e.g. tese2021-2.2.1")),
    responses(
        (status = 200, description = "The passage", body = PassageResponse),
        (status = 404, description = "No passage has this id", body = ErrorBody),
        (status = 405, description = "A method other than GET or HEAD", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody)
    )
)]
async fn passage(
    State(st): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<PassageResponse>, ApiError> {
    let id = path_id(id)?;
    let res = blocking(st, move |engine| PassageResponse::of(engine, &id)).await?;
    Ok(Json(res))
}

/// The parameters of `/api/toc`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TocParams {
    /// Only this document (its id, or words of its title), as `zhengce toc DOC`.
    pub doc: Option<String>,
}

/// The outline of every document, or of the documents `doc` names.
#[utoipa::path(
    get,
    path = "/api/toc",
    tag = "api",
    params(TocParams),
    responses(
        (status = 200, description = "The documents with their date, type and outline", body = TocResponse),
        (status = 404, description = "No document has this id or these title words", body = ErrorBody),
        (status = 405, description = "A method other than GET or HEAD", body = ErrorBody)
    )
)]
async fn toc(
    State(st): State<AppState>,
    ApiQuery(params): ApiQuery<TocParams>,
) -> Result<Json<TocResponse>, ApiError> {
    let docs = st.engine.documents();
    let picked: Vec<&crate::index::DocInfo> = match params
        .doc
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(spec) => {
            let found = crate::search::resolve_docs(&docs, spec);
            if found.is_empty() {
                return Err(ApiError::not_found(format!(
                    "no document has the id or title words {spec:?}"
                )));
            }
            found.into_iter().filter_map(|i| docs.get(i)).collect()
        }
        None => docs.iter().collect(),
    };
    Ok(Json(TocResponse::of(picked)))
}

/// Whether the service is up, and what it serves.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "api",
    responses(
        (status = 200, description = "Up", body = Health),
        (status = 405, description = "A method other than GET or HEAD", body = ErrorBody)
    )
)]
async fn healthz(State(st): State<AppState>) -> Json<Health> {
    let ix = st.engine.index();
    Json(Health {
        status: "ok".into(),
        passages: ix.meta.passages,
        documents: ix.meta.documents,
        built_at: ix.meta.built_at_iso.clone(),
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "api",
    responses(
        (status = 200, description = "The OpenAPI document", body = Object, content_type = "application/json"),
        (status = 405, description = "A method other than GET or HEAD", body = ErrorBody)
    )
)]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

/// The search page (`/?q=以工代赈&chapter=2` opens with that search).
#[utoipa::path(
    get,
    path = "/",
    tag = "pages",
    params(
        ("q" = Option<String>, Query, description = "A search to run when the page opens"),
        ("chapter" = Option<String>, Query, description = "A chapter to filter it to (its number; read by the page's script, which ignores a value that is not one)"),
        ("offset" = Option<String>, Query, description = "Hits to skip (read by the page's script, which ignores a value that is not a whole number)")
    ),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html")
    )
)]
async fn index_page() -> Response {
    static_text(pages::INDEX_HTML, "text/html; charset=utf-8")
}

/// A passage in its section, with its neighbours and citation. An outline node id
/// (`tese2021-2.2`) redirects to the node's first passage.
#[utoipa::path(
    get,
    path = "/p/{id}",
    tag = "pages",
    params(("id" = String, Path, description = "Passage id (tese2021-2.2.1) or outline node id (tese2021-2.2)")),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 303, description = "An outline node: to its first passage"),
        (status = 404, description = "No passage or node has this id", body = String, content_type = "text/html")
    )
)]
async fn passage_page(
    State(st): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = match path_id(id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let engine = st.engine.clone();
    match tokio::task::spawn_blocking(move || pages::passage_page(&engine, &id)).await {
        Ok(r) => r,
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

/// The search page's script.
#[utoipa::path(
    get,
    path = "/static/app.js",
    tag = "pages",
    responses((status = 200, description = "JavaScript", body = String, content_type = "text/javascript"))
)]
async fn app_js() -> Response {
    static_text(pages::APP_JS, "text/javascript; charset=utf-8")
}

/// The pages' style sheet.
#[utoipa::path(
    get,
    path = "/static/app.css",
    tag = "pages",
    responses((status = 200, description = "CSS", body = String, content_type = "text/css"))
)]
async fn app_css() -> Response {
    static_text(pages::APP_CSS, "text/css; charset=utf-8")
}

fn static_text(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "no route for {method} {}; the routes are listed at /api/openapi.json",
        uri.path()
    ))
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: "method_not_allowed",
        message: format!("{method} is not allowed on {}; use GET", uri.path()),
    }
}

/// Gives the layers' own error responses (408 timeout, 413 body too large, …), which come
/// as plain text or empty, the JSON error body.
async fn json_errors(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let plain = match res.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(v) => v.as_bytes().starts_with(b"text/plain"),
    };
    if !plain {
        return res;
    }
    let (code, message) = match status {
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            format!(
                "the request took longer than {} s; try a simpler query",
                REQUEST_TIMEOUT.as_secs()
            ),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "body_too_large",
            format!("request bodies are limited to {MAX_BODY_BYTES} bytes; the API takes none"),
        ),
        _ => (
            "http_error",
            status
                .canonical_reason()
                .unwrap_or("request failed")
                .to_string(),
        ),
    };
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut fresh = ApiError {
        status,
        code,
        message,
    }
    .into_response();
    for (k, v) in parts.headers.iter() {
        if k != header::CONTENT_TYPE {
            fresh.headers_mut().insert(k.clone(), v.clone());
        }
    }
    fresh
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal(&"a handler panicked").into_response()
}
