//! The command line: argument parsing, terminal output, exit codes.
//!
//! Exit codes: 0 success (hits found), 1 no hits, 2 error (bad input, unknown id, …).
//! `cite`: 0 when the quote is found exactly, 1 when it is not (the closest passages are
//! printed), 2 on error.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use zhengce::corpus::{Node, PassageKind, format_pages};
use zhengce::search::SearchRequest;
use zhengce::{DocFilter, Engine, Error};

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
    Search {
        /// The query: words, "exact phrases", -excluded words, or a question.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Number of hits (1..=100).
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Hits to skip (0..=10000).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Only this chapter (number, e.g. 2 for 第二章).
        #[arg(long)]
        chapter: Option<u32>,
        /// Only this kind of passage.
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// Only this document: its id, or words of its title.
        #[arg(long)]
        doc: Option<String>,
        /// Only documents of this kind (法律, 行政法规, 司法解释, 地方性法规, 规划, 意见…).
        #[arg(long = "type")]
        doc_type: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// (Re)build the index, atomically.
    Index {
        /// Move a foreign or corrupt directory at the index path aside and build anew.
        #[arg(long)]
        force: bool,
    },
    /// Print the outline: chapters, sections, sidebars, with pages.
    Toc {
        /// Only this document (id, or words of its title).
        doc: Option<String>,
        /// List the documents (id, type, date, title) instead of outlines.
        #[arg(long)]
        list: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
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
    Serve {
        /// Address to listen on (port 0 picks a free port; the address is printed).
        #[arg(long, default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
    },
    /// Verify a quote: where it stands, on which pages, and a citation to paste.
    /// Exit 0 when found exactly, 1 when not (the closest passages are shown).
    Cite {
        /// The quoted text (punctuation, spacing, width and script may differ).
        text: String,
        /// Only in this document: its id, or words of its title.
        #[arg(long)]
        doc: Option<String>,
        /// Only in documents of this kind (法律, 行政法规, 地方性法规, 规划, 意见…).
        #[arg(long = "type")]
        doc_type: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Context for a chatbot: the best passages for a query, with neighbours and
    /// citations, within a budget of characters.
    Context {
        /// The query.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Characters of passage text at most (200..=20000).
        #[arg(long, default_value_t = zhengce::context::DEFAULT_BUDGET)]
        budget: usize,
        /// Passages of context before and after each hit, within its section (0..=5).
        #[arg(long, default_value_t = zhengce::context::DEFAULT_NEIGHBORS)]
        neighbors: usize,
        /// Only this document: its id, or words of its title.
        #[arg(long)]
        doc: Option<String>,
        /// Only documents of this kind (法律, 行政法规, 地方性法规, 规划, 意见…).
        #[arg(long = "type")]
        doc_type: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve the Model Context Protocol over stdio (tools: search, fetch, cite).
    Mcp {
        /// Base URL of the HTTP service, for the passage links in results.
        #[arg(long, default_value = zhengce::mcp::DEFAULT_BASE_URL, env = "ZHENGCE_BASE_URL")]
        base_url: String,
    },
}

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

fn engine(cli: &Cli) -> Result<Engine> {
    let (corpus, index) = dirs(cli);
    let (engine, note) = zhengce::open_or_build(&corpus, &index)?;
    if let Some(note) = note {
        eprintln!("zhengce: {note}");
    }
    Ok(engine)
}

fn color_enabled() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// HTML snippet → terminal text.
fn terminal_snippet(html: &str, color: bool) -> String {
    let (on, off) = if color {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    html.replace("<mark>", on)
        .replace("</mark>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Runs a command; the exit code follows the module docs.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match &cli.command {
        Command::Search {
            query,
            limit,
            offset,
            chapter,
            kind,
            doc,
            doc_type,
            json,
        } => {
            let engine = engine(&cli)?;
            let req = SearchRequest {
                q: query.join(" "),
                limit: *limit,
                offset: *offset,
                chapter: *chapter,
                kind: kind.map(Into::into),
                doc: doc.clone(),
                doc_type: doc_type.clone(),
            };
            let res = match engine.search(&req) {
                Ok(r) => r,
                Err(e) => {
                    // A JSON client gets the error as JSON on stdout too (exit code 2).
                    if *json {
                        let code = if e.is_user_error() {
                            "bad_request"
                        } else {
                            "internal"
                        };
                        let v =
                            serde_json::json!({"error": {"code": code, "message": e.to_string()}});
                        writeln!(out, "{v}")?;
                    }
                    return Err(e.into());
                }
            };
            if *json {
                serde_json::to_writer(&mut out, &res)?;
                writeln!(out)?;
            } else {
                let color = color_enabled();
                if res.partial {
                    writeln!(out, "(no passage has every word; showing partial matches)")?;
                }
                for (i, h) in res.hits.iter().enumerate() {
                    writeln!(
                        out,
                        "{:>2}. {}  [{}]",
                        req.offset + i + 1,
                        h.passage.citation,
                        h.passage.id
                    )?;
                    writeln!(out, "    {}", terminal_snippet(&h.snippet, color))?;
                    if !h.versions.is_empty() {
                        let v: Vec<String> = h
                            .versions
                            .iter()
                            .map(|v| format!("{} [{}]", v.date.as_deref().unwrap_or("?"), v.id))
                            .collect();
                        writeln!(out, "    also in earlier versions: {}", v.join(", "))?;
                    }
                }
                writeln!(
                    out,
                    "{} of {} passages, {:.1} ms",
                    res.hits.len(),
                    res.total,
                    res.took_ms
                )?;
            }
            Ok(if res.hits.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Index { force } => {
            let (corpus, index) = dirs(&cli);
            if *force {
                force_clear(&index)?;
            }
            let tty = std::io::stderr().is_terminal();
            let last = std::sync::Mutex::new(std::time::Instant::now());
            let progress = |stage: &str, done: usize, total: usize| {
                if !tty {
                    return;
                }
                let Ok(mut t) = last.lock() else { return };
                if done < total && t.elapsed().as_millis() < 100 {
                    return;
                }
                *t = std::time::Instant::now();
                let width = 30;
                let filled = (done * width)
                    .checked_div(total)
                    .unwrap_or(width)
                    .min(width);
                eprint!(
                    "\r{stage:>5} [{}{}] {done}/{total}   ",
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
            };
            let stats = zhengce::index::build_with(&corpus, &index, &progress)
                .with_context(|| format!("building the index at {}", index.display()))?;
            if tty {
                eprintln!();
            }
            for s in &stats.skipped {
                eprintln!("zhengce: skipped {}: {}", s.path.display(), s.reason);
            }
            if !stats.skipped.is_empty() {
                eprintln!("zhengce: {} files skipped", stats.skipped.len());
            }
            writeln!(
                out,
                "indexed {} documents, {} passages ({} KB) in {} ms into {}",
                stats.documents,
                stats.passages,
                stats.bytes / 1024,
                stats.millis,
                index.display()
            )?;
            writeln!(out, "{}", format_counts(&corpus, &stats.skipped))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Toc { doc, list, json } => {
            let engine = engine(&cli)?;
            let all = engine.documents();
            let docs: Vec<&zhengce::index::DocInfo> = match doc {
                Some(spec) => {
                    let found = zhengce::search::resolve_docs(&all, spec);
                    if found.is_empty() {
                        return Err(Error::NotFound(spec.clone()).into());
                    }
                    found.into_iter().filter_map(|i| all.get(i)).collect()
                }
                None => all.iter().collect(),
            };
            if *list {
                if *json {
                    let v: Vec<_> = docs
                        .iter()
                        .map(|d| {
                            serde_json::json!({
                                "id": d.id, "title": d.title, "type": d.meta.doc_type,
                                "date": d.meta.date, "body": d.meta.body,
                                "subtitle": d.meta.subtitle, "source": d.meta.source,
                                "passages": d.passages,
                            })
                        })
                        .collect();
                    serde_json::to_writer(&mut out, &serde_json::json!({ "documents": v }))?;
                    writeln!(out)?;
                } else {
                    for d in &docs {
                        let sub = d
                            .meta
                            .subtitle
                            .as_deref()
                            .map(|s| format!(" {s}"))
                            .unwrap_or_default();
                        writeln!(
                            out,
                            "{}\t{}\t{}\t《{}》{}",
                            d.id,
                            d.meta.doc_type.as_deref().unwrap_or("-"),
                            d.meta.date.as_deref().unwrap_or("-"),
                            d.title,
                            sub
                        )?;
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            if *json {
                let v = serde_json::json!({
                    "documents": docs.iter().map(|d| serde_json::json!({
                        "id": d.id, "title": d.title, "date": d.meta.date,
                        "type": d.meta.doc_type, "outline": d.outline,
                    })).collect::<Vec<_>>()
                });
                serde_json::to_writer(&mut out, &v)?;
                writeln!(out)?;
            } else {
                for d in docs.iter() {
                    writeln!(out, "《{}》  [{}]", d.title, d.id)?;
                    for n in &d.outline {
                        print_node(&mut out, n, 1)?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id, json } => {
            let engine = engine(&cli)?;
            let p = engine.passage(id)?;
            if *json {
                let (prev, next) = engine.neighbours(&p)?;
                let mut v = serde_json::to_value(&p)?;
                v["path"] = serde_json::json!(p.section_path());
                v["prev"] = serde_json::json!(prev.map(|p| p.id));
                v["next"] = serde_json::json!(next.map(|p| p.id));
                serde_json::to_writer(&mut out, &v)?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}", p.section_path())?;
                writeln!(out, "{}", p.citation)?;
                writeln!(out)?;
                writeln!(out, "{}", p.text)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { addr } => {
            let engine = engine(&cli)?;
            serve(engine, *addr)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Passages { json } => {
            let engine = engine(&cli)?;
            for d in engine.documents().iter() {
                for p in engine.passages_of(&d.id)? {
                    if *json {
                        serde_json::to_writer(&mut out, &p)?;
                        writeln!(out)?;
                    } else {
                        writeln!(out, "{}\t{}\t{}", p.id, p.citation, p.text)?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Cite {
            text,
            doc,
            doc_type,
            json,
        } => {
            let engine = engine(&cli)?;
            let filter = DocFilter::new(doc.clone(), doc_type.clone());
            warn_if_nothing_passes(&engine, &filter);
            let res = zhengce::cite::cite_filtered(&engine, text, &filter)?;
            if *json {
                serde_json::to_writer(&mut out, &res)?;
                writeln!(out)?;
            } else if res.exact {
                if res.total > res.matches.len() {
                    writeln!(
                        out,
                        "found {} times; the first {}:",
                        res.total,
                        res.matches.len()
                    )?;
                }
                for m in &res.matches {
                    let ids: Vec<&str> = m.spans.iter().map(|s| s.id.as_str()).collect();
                    writeln!(out, "{}  [{}]", m.citation, ids.join(" + "))?;
                }
            } else if res.matches.is_empty() {
                writeln!(out, "not found as quoted, and nothing close")?;
            } else {
                writeln!(out, "not found as quoted; the closest passages:")?;
                for m in &res.matches {
                    writeln!(
                        out,
                        "{:>3.0}%  {}  [{}]",
                        m.similarity * 100.0,
                        m.citation,
                        m.passage.id
                    )?;
                }
            }
            Ok(if res.exact {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Context {
            query,
            budget,
            neighbors,
            doc,
            doc_type,
            json,
        } => {
            zhengce::context::validate(*budget, *neighbors)?;
            let engine = engine(&cli)?;
            let filter = DocFilter::new(doc.clone(), doc_type.clone());
            warn_if_nothing_passes(&engine, &filter);
            let res = zhengce::context::context_filtered(
                &engine,
                &query.join(" "),
                *budget,
                *neighbors,
                &filter,
            )?;
            if *json {
                serde_json::to_writer(&mut out, &res)?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}", res.prompt)?;
                writeln!(
                    out,
                    "\n({} groups, {} of {} characters)",
                    res.groups.len(),
                    res.used,
                    res.budget
                )?;
            }
            Ok(if res.groups.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Mcp { base_url } => {
            // stdout is the protocol's, written from the transport's thread: unlock it.
            drop(out);
            let engine = engine(&cli)?;
            zhengce::mcp::serve_stdio(engine, base_url)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs the HTTP server until SIGINT or SIGTERM; reloads a rebuilt index every 2 s and on
/// SIGHUP.
fn serve(engine: Engine, addr: SocketAddr) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr()?;
        eprintln!("zhengce: listening on http://{local}/");
        tokio::spawn(reload_loop(engine.clone()));
        zhengce::http::serve(
            listener,
            zhengce::http::AppState::new(engine),
            shutdown_signal(),
        )
        .await
        .context("serving HTTP")?;
        eprintln!("zhengce: stopped");
        Ok(())
    })
}

/// Picks up a rebuilt index: every 2 s, and at once on SIGHUP.
async fn reload_loop(engine: Engine) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    loop {
        #[cfg(unix)]
        {
            let hangup = async {
                match hup.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tick.tick() => {}
                _ = hangup => tracing::info!("SIGHUP: checking for a new index"),
            }
        }
        #[cfg(not(unix))]
        tick.tick().await;
        let e = engine.clone();
        match tokio::task::spawn_blocking(move || e.reload_if_changed()).await {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::warn!(error = %err, "could not reload the index"),
            Err(err) => tracing::warn!(error = %err, "reload task failed"),
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}

/// Says on stderr when `--doc` and `--type` leave no document (the answer is then empty,
/// as a search with an unknown document finds nothing).
fn warn_if_nothing_passes(engine: &Engine, filter: &DocFilter) {
    if filter
        .doc_ids(&engine.documents())
        .is_some_and(|ids| ids.is_empty())
    {
        let mut what = Vec::new();
        if let Some(d) = &filter.doc {
            what.push(format!("--doc {d:?}"));
        }
        if let Some(t) = &filter.doc_type {
            what.push(format!("--type {t:?}"));
        }
        eprintln!("zhengce: no document matches {}", what.join(" "));
    }
}

fn print_node(out: &mut impl Write, n: &Node, depth: usize) -> std::io::Result<()> {
    let pages = n.pages.map(format_pages).unwrap_or_default();
    writeln!(
        out,
        "{}{} {}  {}  [{}]",
        "  ".repeat(depth),
        n.label,
        n.title,
        pages,
        n.id
    )?;
    for c in &n.children {
        print_node(out, c, depth + 1)?;
    }
    Ok(())
}

/// Moves a foreign or corrupt index directory aside (never deletes what we did not write).
fn force_clear(index: &std::path::Path) -> Result<()> {
    if !index.exists() {
        return Ok(());
    }
    match zhengce::index::open(index) {
        Ok(_) => Ok(()),
        Err(Error::IndexMissing(_)) => Ok(()),
        Err(_) => {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let mut aside = index.as_os_str().to_owned();
            aside.push(format!(".moved-{stamp}"));
            std::fs::rename(index, &aside)
                .with_context(|| format!("moving {} aside", index.display()))?;
            eprintln!(
                "zhengce: moved the unusable directory {} to {}",
                index.display(),
                PathBuf::from(&aside).display()
            );
            Ok(())
        }
    }
}

/// The documents indexed per file format, and the files skipped:
/// `formats: pdf 3, docx 2, html 1; skipped 1`.
fn format_counts(corpus: &std::path::Path, skipped: &[zhengce::corpus::Skipped]) -> String {
    let files = zhengce::corpus::corpus_files(corpus).unwrap_or_default();
    let skipped_paths: std::collections::HashSet<&std::path::Path> =
        skipped.iter().map(|s| s.path.as_path()).collect();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for f in &files {
        let rel = f.strip_prefix(corpus).unwrap_or(f);
        if skipped_paths.contains(rel) {
            continue;
        }
        let ext = f
            .extension()
            .map(|x| x.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        *counts
            .entry(if ext == "htm" { "html".into() } else { ext })
            .or_default() += 1;
    }
    let list: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    format!("formats: {}; skipped {}", list.join(", "), skipped.len())
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
    fn snippet_to_terminal() {
        assert_eq!(
            terminal_snippet("a<mark>以工代赈</mark>&lt;b&gt;", false),
            "a[以工代赈]<b>"
        );
    }
}
