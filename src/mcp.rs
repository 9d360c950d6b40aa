//! An MCP (Model Context Protocol) server over stdio, built on the official Rust SDK
//! (`rmcp`).
//!
//! # Tools
//!
//! - `search` `{query, doc?, type?}` → `{"results": [{"id", "title", "url", "snippet",
//!   "citation", "doc", "doc_title"}]}`: the best 10 passages of the library (only in the
//!   documents `doc` and `type` name, as [`DocFilter`] filters); `title` is the passage's
//!   section path, `url` its page on the HTTP service (`{base_url}/p/{id}`), `snippet`
//!   plain text.
//! - `fetch` `{id}` → `{"id", "title", "text", "url", "metadata"}`, `metadata` holding the
//!   citation, pages, document id and title, kind, lead, and the previous and next
//!   passage ids.
//! - `cite` `{text, doc?, type?}` → the [`CiteResult`](crate::cite::CiteResult) of the
//!   quote (only in the documents `doc` and `type` name).
//!
//! `search` and `fetch` follow the shapes ChatGPT connectors expect. Every result carries
//! the JSON both as a text content item and as `structuredContent`. Bad input (an empty or
//! over-long text, an unknown id, a refused query) is a tool result with `isError: true`
//! and the message of its [`Failure`] as text (the message the HTTP API gives); arguments of the wrong type are refused by the SDK with an
//! "invalid params" error. Nothing is written to stdout but the protocol: logs go to
//! stderr.

use crate::response::{Failure, check_query, snippet_text};
use crate::search::SearchRequest;
use crate::{DocFilter, Engine, Error, Result};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ErrorData, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use serde::Deserialize;
use serde_json::{Value, json};

/// The base URL of the HTTP service used in links when none is given.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:3000";
/// How many results `search` returns.
pub const SEARCH_RESULTS: usize = 10;

/// Arguments of `search`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SearchArgs {
    /// The query: Chinese words, "exact phrases", -excluded words, or a question.
    pub query: String,
    /// Only this document: its id (from a result's metadata) or words of its title
    /// (e.g. `民事诉讼法`).
    #[serde(default)]
    pub doc: Option<String>,
    /// Only documents of this type: 法律, 行政法规, 司法解释, 部门规章, 地方性法规, 意见,
    /// 规划, …
    #[serde(default, rename = "type")]
    pub doc_type: Option<String>,
}

/// Arguments of `fetch`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct FetchArgs {
    /// A passage id from `search` (e.g. `tese2021-2.2.1`).
    pub id: String,
}

/// Arguments of `cite`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CiteArgs {
    /// The quoted text (at most 5,000 characters; punctuation, spacing, width and script
    /// may differ from the source).
    pub text: String,
    /// Only in this document: its id or words of its title (e.g. `民事诉讼法`).
    #[serde(default)]
    pub doc: Option<String>,
    /// Only in documents of this type: 法律, 行政法规, 司法解释, 部门规章, 地方性法规,
    /// 意见, 规划, …
    #[serde(default, rename = "type")]
    pub doc_type: Option<String>,
}

/// The MCP server: the engine and the base URL of passage links.
#[derive(Clone)]
pub struct McpServer {
    engine: Engine,
    base_url: String,
    tool_router: ToolRouter<Self>,
}

impl std::fmt::Debug for McpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpServer")
            .field("base_url", &self.base_url)
            .finish()
    }
}

#[tool_router]
impl McpServer {
    /// A server over `engine` linking passages under `base_url`.
    pub fn new(engine: Engine, base_url: &str) -> Self {
        McpServer {
            engine,
            base_url: base_url.trim_end_matches('/').to_string(),
            tool_router: Self::tool_router(),
        }
    }

    /// The `search` tool.
    #[tool(
        description = "Search a library of Chinese laws, regulations and policy documents (law articles, policy paragraphs, plan passages). Optional doc (a document id or title words) and type (法律, 地方性法规, 意见, 规划, …) restrict the search. Returns the best passages with id, title (section path), url, a plain-text snippet, a citation and the document. Use fetch with an id for the full text."
    )]
    pub async fn search(
        &self,
        Parameters(args): Parameters<SearchArgs>,
    ) -> std::result::Result<CallToolResult, ErrorData> {
        let filter = DocFilter::new(args.doc, args.doc_type);
        Ok(reply(self.search_filtered_json(&args.query, &filter)))
    }

    /// The `fetch` tool.
    #[tool(
        description = "Fetch one passage by id (from search): its full text, section path, url and metadata (citation, pages, document)."
    )]
    pub async fn fetch(
        &self,
        Parameters(args): Parameters<FetchArgs>,
    ) -> std::result::Result<CallToolResult, ErrorData> {
        Ok(reply(self.fetch_json(&args.id).map_err(Failure::from)))
    }

    /// The `cite` tool.
    #[tool(
        description = "Verify a quote against the library: finds which documents and passages print the text (tolerant of punctuation, spacing, full-width and traditional characters), the quote's own pages when the document has pages, and a ready citation (a law's article, a policy text's paragraph). Optional doc (a document id or title words) and type restrict where to look. exact=false lists the closest passages with a similarity in 0..1."
    )]
    pub async fn cite(
        &self,
        Parameters(args): Parameters<CiteArgs>,
    ) -> std::result::Result<CallToolResult, ErrorData> {
        let filter = DocFilter::new(args.doc, args.doc_type);
        let res = crate::cite::cite_filtered(&self.engine, &args.text, &filter)
            .and_then(|r| serde_json::to_value(r).map_err(Error::from))
            .map_err(Failure::from);
        Ok(reply(res))
    }
}

impl McpServer {
    fn url(&self, id: &str) -> String {
        format!("{}/p/{id}", self.base_url)
    }

    /// The `search` result as JSON, in the documents `filter` lets through.
    pub fn search_filtered_json(
        &self,
        query: &str,
        filter: &DocFilter,
    ) -> std::result::Result<Value, Failure> {
        check_query(Some(query), "the query")?;
        let mut req = SearchRequest::new(query);
        req.limit = SEARCH_RESULTS;
        filter.apply(&mut req);
        let res = self.engine.search(&req)?;
        let results: Vec<Value> = res
            .hits
            .iter()
            .map(|h| {
                json!({
                    "id": h.passage.id,
                    "title": h.path,
                    "url": self.url(&h.passage.id),
                    "snippet": snippet_text(&h.snippet, "", ""),
                    "citation": h.passage.citation,
                    "doc": h.passage.doc,
                    "doc_title": h.doc_title,
                })
            })
            .collect();
        Ok(json!({ "results": results }))
    }

    /// The `fetch` result as JSON.
    pub fn fetch_json(&self, id: &str) -> Result<Value> {
        let p = self.engine.passage(id.trim())?;
        let (prev, next) = self.engine.neighbours(&p)?;
        let doc_title = self
            .engine
            .documents()
            .iter()
            .find(|d| d.id == p.doc)
            .map(|d| d.title.clone());
        Ok(json!({
            "id": p.id,
            "title": p.section_path(),
            "text": p.text,
            "url": self.url(&p.id),
            "metadata": {
                "citation": p.citation,
                "pages": p.pages,
                "doc": p.doc,
                "doc_title": doc_title,
                "kind": p.kind,
                "lead": p.lead,
                "prev": prev.map(|x| x.id),
                "next": next.map(|x| x.id),
            },
        }))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("zhengce", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "A library of Chinese laws, regulations and policy documents: search passages (search, optionally in one document or type), read them (fetch) and verify quotes with their citations and pages (cite).",
            )
    }
}

/// A tool result: the JSON as text and as structured content, or the error's message as
/// text with `isError`.
fn reply(res: std::result::Result<Value, Failure>) -> CallToolResult {
    match res {
        Ok(v) => CallToolResult::structured(v),
        Err(f) => {
            if f.is_internal() {
                tracing::error!(error = %f, "tool failed");
            }
            CallToolResult::error(vec![ContentBlock::text(f.message)])
        }
    }
}

/// Serves MCP over stdin/stdout until the client closes the connection, on the caller's
/// async runtime (it makes none of its own).
///
/// Nothing may hold the lock of [`std::io::Stdout`] meanwhile: the transport writes to
/// stdout from another task.
pub async fn serve(engine: Engine, base_url: &str) -> Result<()> {
    let io = |e: &dyn std::fmt::Display| Error::io("<stdio>", std::io::Error::other(e.to_string()));
    tracing::info!("MCP server on stdio");
    let service = McpServer::new(engine, base_url)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| io(&e))?;
    service.waiting().await.map_err(|e| io(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_tool_errors() {
        let r = reply(Err(Failure::bad_request(
            "empty_query",
            "the query is empty",
        )));
        assert_eq!(r.is_error, Some(true));
        assert!(reply(Ok(json!({"results": []}))).is_error != Some(true));
    }
}
