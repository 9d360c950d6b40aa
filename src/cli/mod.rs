//! The command line: argument parsing, dispatch, exit codes.
//!
//! Exit codes: 0 success (hits found), 1 no hits, 2 error (bad input, unknown id, …).
//! `cite`: 0 when the quote is found exactly, 1 when it is not (the closest passages are
//! printed), 2 on error. With `--json`, an error is also printed on stdout as the body the
//! HTTP API answers (`{"error": {"code", "message"}}`, see [`zhengce::response`]).
//!
//! One function per command lives in [`commands`]; the servers (`serve`, `mcp`) in
//! [`servers`].

mod commands;
#[cfg(any(feature = "http", feature = "mcp"))]
mod servers;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use zhengce::corpus::PassageKind;
use zhengce::response::Failure;
use zhengce::{Engine, Error};

/// zhengce (政策): search Chinese policy documents, cite exact passages.
#[derive(Debug, Parser)]
#[command(name = "zhengce", version, about, long_about = None)]
pub struct Cli {
    /// Corpus directory (default: ./corpus).
    #[arg(long, global = true, env = "ZHENGCE_CORPUS")]
    pub corpus: Option<PathBuf>,
    /// Index directory (default: index/ beside the corpus).
    #[arg(long, global = true, env = "ZHENGCE_INDEX")]
    pub index: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// Passage kinds, for `--kind`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Body paragraphs.
    Paragraph,
    /// Sidebar (专栏) items.
    Sidebar,
    /// The preface.
    Preface,
}

impl From<KindArg> for PassageKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Paragraph => PassageKind::Paragraph,
            KindArg::Sidebar => PassageKind::Sidebar,
            KindArg::Preface => PassageKind::Preface,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the passages: ranked, with highlighted snippets and citations.
    Search(SearchArgs),
    /// (Re)build the index, atomically.
    Index {
        /// Move a foreign or corrupt directory at the index path aside and build anew.
        #[arg(long)]
        force: bool,
    },
    /// Print the outline: chapters, sections, sidebars, with pages.
    Toc(TocArgs),
    /// Print one passage by id (e.g. tese2021-2.2.1).
    Show {
        /// The passage id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print every passage in document order.
    Passages {
        /// Print JSON, one passage per line.
        #[arg(long)]
        json: bool,
    },
    /// Serve the HTTP API and the search page (logs requests; see RUST_LOG).
    #[cfg(feature = "http")]
    Serve {
        /// Address to listen on (port 0 picks a free port; the address is printed).
        #[arg(long, default_value = "127.0.0.1:3000")]
        addr: std::net::SocketAddr,
    },
    /// Verify a quote: where it stands, on which pages, and a citation to paste.
    /// Exit 0 when found exactly, 1 when not (the closest passages are shown).
    Cite(CiteArgs),
    /// Context for a chatbot: the best passages for a query, with neighbours and
    /// citations, within a budget of characters.
    Context(ContextArgs),
    /// Serve the Model Context Protocol over stdio (tools: search, fetch, cite).
    #[cfg(feature = "mcp")]
    Mcp {
        /// Base URL of the HTTP service, for the passage links in results.
        #[arg(long, default_value = zhengce::mcp::DEFAULT_BASE_URL, env = "ZHENGCE_BASE_URL")]
        base_url: String,
    },
}

/// The arguments of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "exact phrases", -excluded words, or a question.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Number of hits (1..=100).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (0..=10000).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only this chapter (number, e.g. 2 for 第二章).
    #[arg(long)]
    pub chapter: Option<u32>,
    /// Only this kind of passage.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Say what each ranking signal contributed to each hit, and the expanded query.
    #[arg(long)]
    pub explain: bool,
}

/// `--doc` and `--type`, of `search`, `cite` and `context`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only this document: its id, or words of its title.
    #[arg(long)]
    pub doc: Option<String>,
    /// Only documents of this kind (法律, 行政法规, 司法解释, 地方性法规, 规划, 意见…).
    #[arg(long = "type")]
    pub doc_type: Option<String>,
}

impl FilterArgs {
    /// The filter they name.
    pub fn filter(&self) -> zhengce::DocFilter {
        zhengce::DocFilter::new(self.doc.clone(), self.doc_type.clone())
    }
}

/// The arguments of `toc`.
#[derive(Debug, Args)]
pub struct TocArgs {
    /// Only this document (id, or words of its title).
    pub doc: Option<String>,
    /// List the documents (id, type, date, title) instead of outlines.
    #[arg(long)]
    pub list: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The arguments of `cite`.
#[derive(Debug, Args)]
pub struct CiteArgs {
    /// The quoted text (punctuation, spacing, width and script may differ).
    pub text: String,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The arguments of `context`.
#[derive(Debug, Args)]
pub struct ContextArgs {
    /// The query.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Characters of passage text at most (200..=20000).
    #[arg(long, default_value_t = zhengce::context::DEFAULT_BUDGET)]
    pub budget: usize,
    /// Passages of context before and after each hit, within its section (0..=5).
    #[arg(long, default_value_t = zhengce::context::DEFAULT_NEIGHBORS)]
    pub neighbors: usize,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl Command {
    /// Whether the command prints JSON (and so its errors as JSON too).
    fn json(&self) -> bool {
        match self {
            Command::Search(a) => a.json,
            Command::Toc(a) => a.json,
            Command::Cite(a) => a.json,
            Command::Context(a) => a.json,
            Command::Show { json, .. } | Command::Passages { json } => *json,
            _ => false,
        }
    }
}

/// The corpus and index directories.
fn dirs(cli: &Cli) -> (PathBuf, PathBuf) {
    let corpus = cli
        .corpus
        .clone()
        .unwrap_or_else(zhengce::default_corpus_dir);
    let index = cli
        .index
        .clone()
        .unwrap_or_else(|| zhengce::default_index_dir(&corpus));
    (corpus, index)
}

/// Opens (or builds) the index, saying on stderr what was done.
fn engine(cli: &Cli) -> Result<Engine> {
    let (corpus, index) = dirs(cli);
    let (engine, note) = zhengce::open_or_build(&corpus, &index)?;
    if let Some(note) = note {
        eprintln!("zhengce: {note}");
    }
    Ok(engine)
}

/// Runs a command; the exit code follows the module docs.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let res = dispatch(&cli);
    if cli.command.json()
        && let Err(e) = &res
    {
        // A JSON client gets the error as JSON on stdout too (exit code 2).
        let body = failure_of(e).body();
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, &body)?;
        writeln!(out)?;
    }
    res
}

fn dispatch(cli: &Cli) -> Result<ExitCode> {
    // stdout is locked by each command that prints, not by the MCP server: its transport
    // writes to stdout from another thread.
    let out = || std::io::stdout().lock();
    match &cli.command {
        Command::Search(args) => commands::search(kept(engine(cli)?), args, &mut out()),
        Command::Index { force } => {
            let (corpus, index) = dirs(cli);
            commands::index(&corpus, &index, *force, &mut out())
        }
        Command::Toc(args) => commands::toc(kept(engine(cli)?), args, &mut out()),
        Command::Show { id, json } => commands::show(kept(engine(cli)?), id, *json, &mut out()),
        Command::Passages { json } => commands::passages(kept(engine(cli)?), *json, &mut out()),
        Command::Cite(args) => commands::cite(kept(engine(cli)?), args, &mut out()),
        Command::Context(args) => {
            zhengce::context::validate(args.budget, args.neighbors)?;
            commands::context(kept(engine(cli)?), args, &mut out())
        }
        #[cfg(feature = "http")]
        Command::Serve { addr } => servers::serve(engine(cli)?, *addr),
        #[cfg(feature = "mcp")]
        Command::Mcp { base_url } => servers::mcp(engine(cli)?, base_url),
    }
}

/// The engine of a one-shot command, kept until the process exits: dropping it (the
/// index's readers, the dictionary) costs more than a cold query over a library takes.
fn kept(engine: Engine) -> &'static Engine {
    Box::leak(Box::new(engine))
}

/// The response-layer form of an error of a command.
fn failure_of(e: &anyhow::Error) -> Failure {
    if let Some(f) = e.downcast_ref::<Failure>() {
        f.clone()
    } else if let Some(z) = e.downcast_ref::<Error>() {
        Failure::from(z)
    } else {
        Failure::internal(&format!("{e:#}"))
    }
}

/// Whether to colour the output.
fn color_enabled() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn errors_keep_their_codes_through_anyhow() {
        let e = anyhow::Error::from(Error::BadRequest("limit".into())).context("searching");
        assert_eq!(failure_of(&e).code, "bad_parameter");
        let f = anyhow::Error::from(Failure::bad_request("empty_query", "empty"));
        assert_eq!(failure_of(&f).code, "empty_query");
        assert_eq!(failure_of(&anyhow::anyhow!("disk")).code, "internal");
    }
}
