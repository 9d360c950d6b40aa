//! One function per command (except the servers): each prints to `out` and returns the
//! exit code.

use super::{CiteArgs, ContextArgs, SearchArgs, TocArgs, color_enabled};
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zhengce::corpus::{Node, format_pages};
use zhengce::index::DocInfo;
use zhengce::response::{
    DocumentList, Failure, PassageRecord, PassageResponse, TocResponse, check_query, snippet_text,
};
use zhengce::search::SearchRequest;
use zhengce::{DocFilter, Engine, Error};

/// Exit 0 when there is something, 1 when there is nothing.
fn found(any: bool) -> ExitCode {
    if any {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `search`: ranked passages with snippets (exit 1 with no hit).
pub fn search(engine: &Engine, a: &SearchArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let q = a.query.join(" ");
    check_query(Some(&q), "the query")?;
    let req = SearchRequest {
        q,
        limit: a.limit,
        offset: a.offset,
        chapter: a.chapter,
        kind: a.kind.map(Into::into),
        doc: a.filter.doc.clone(),
        doc_type: a.filter.doc_type.clone(),
        explain: a.explain,
        deadline: None,
    };
    let res = engine.search(&req)?;
    if a.json {
        serde_json::to_writer(&mut *out, &res)?;
        writeln!(out)?;
        return Ok(found(!res.hits.is_empty()));
    }
    let (on, off) = if color_enabled() {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    if res.partial {
        writeln!(out, "(no passage has every word; showing partial matches)")?;
    }
    if a.explain && !res.expanded.is_empty() {
        let e: Vec<String> = res
            .expanded
            .iter()
            .map(|e| format!("{} → {} ({:.2})", e.from, e.to, e.weight))
            .collect();
        writeln!(out, "expanded: {}", e.join(", "))?;
    }
    for (i, h) in res.hits.iter().enumerate() {
        let (n, p) = (req.offset + i + 1, &h.passage);
        writeln!(out, "{n:>2}. {}  [{}]", p.citation, p.id)?;
        writeln!(out, "    {}", snippet_text(&h.snippet, on, off))?;
        if let Some(x) = &h.explain {
            writeln!(out, "    {}", explain_line(h.score, x))?;
        }
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
    Ok(found(!res.hits.is_empty()))
}

/// What each ranking signal contributed to a hit, on one line.
fn explain_line(score: f32, x: &zhengce::search::Explain) -> String {
    format!(
        "score {score:.3} = query {:.3} × exp(prior {:+.2} title {:+.2} place {:+.2} version {:+.2}) + document {:.3}{}",
        x.query,
        x.prior,
        x.title,
        x.place,
        x.version,
        x.document,
        if x.strict { "" } else { " (partial match)" }
    )
}

/// `index`: (re)builds the index, with a progress bar on a terminal.
pub fn index(corpus: &Path, index: &Path, force: bool, out: &mut dyn Write) -> Result<ExitCode> {
    if force {
        force_clear(index)?;
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
    let stats = zhengce::index::build_with(corpus, index, &progress)
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
    writeln!(out, "{}", format_counts(corpus, &stats.skipped))?;
    Ok(ExitCode::SUCCESS)
}

/// The documents indexed per file format, and the files skipped:
/// `formats: pdf 3, docx 2, html 1; skipped 1`.
fn format_counts(corpus: &Path, skipped: &[zhengce::corpus::Skipped]) -> String {
    let files = zhengce::corpus::corpus_files(corpus).unwrap_or_default();
    let skipped_paths: std::collections::HashSet<&Path> =
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

/// `toc`: the outlines, or with `--list` the documents.
pub fn toc(engine: &Engine, a: &TocArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let all = engine.documents();
    let docs: Vec<&DocInfo> = match &a.doc {
        Some(spec) => {
            let found = zhengce::search::resolve_docs(&all, spec);
            if found.is_empty() {
                return Err(Failure::not_found(format!(
                    "no document has the id or title words {spec:?}"
                ))
                .into());
            }
            found.into_iter().filter_map(|i| all.get(i)).collect()
        }
        None => all.iter().collect(),
    };
    match (a.list, a.json) {
        (true, true) => serde_json::to_writer(&mut *out, &DocumentList::of(docs))?,
        (false, true) => serde_json::to_writer(&mut *out, &TocResponse::of(docs))?,
        (true, false) => {
            for d in &docs {
                let sub = d
                    .meta
                    .subtitle
                    .as_deref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default();
                let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
                let (t, date) = (or_dash(&d.meta.doc_type), or_dash(&d.meta.date));
                writeln!(out, "{}\t{t}\t{date}\t《{}》{sub}", d.id, d.title)?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        (false, false) => {
            for d in &docs {
                writeln!(out, "《{}》  [{}]", d.title, d.id)?;
                for n in &d.outline {
                    print_node(out, n, 1)?;
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
    }
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

/// `show`: one passage, with its path and neighbours in JSON.
pub fn show(engine: &Engine, id: &str, json: bool, out: &mut dyn Write) -> Result<ExitCode> {
    if json {
        serde_json::to_writer(&mut *out, &PassageResponse::of(engine, id)?)?;
        writeln!(out)?;
    } else {
        let p = engine.passage(id)?;
        writeln!(out, "{}", p.section_path())?;
        writeln!(out, "{}", p.citation)?;
        writeln!(out)?;
        writeln!(out, "{}", p.text)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `passages`: every passage in document order (JSON: one per line).
pub fn passages(engine: &Engine, json: bool, out: &mut dyn Write) -> Result<ExitCode> {
    for d in engine.documents().iter() {
        for p in engine.passages_of(&d.id)? {
            if json {
                serde_json::to_writer(&mut *out, &PassageRecord::of(&p))?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}\t{}\t{}", p.id, p.citation, p.text)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `cite`: where a quote stands (exit 1 when not found exactly).
pub fn cite(engine: &Engine, a: &CiteArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let filter = a.filter.filter();
    warn_if_nothing_passes(engine, &filter);
    let res = zhengce::cite::cite_filtered(engine, &a.text, &filter)?;
    if a.json {
        serde_json::to_writer(&mut *out, &res)?;
        writeln!(out)?;
    } else if res.exact {
        if res.total > res.matches.len() {
            let (t, n) = (res.total, res.matches.len());
            writeln!(out, "found {t} times; the first {n}:")?;
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
            let pct = m.similarity * 100.0;
            writeln!(out, "{pct:>3.0}%  {}  [{}]", m.citation, m.passage.id)?;
        }
    }
    Ok(found(res.exact))
}

/// `context`: passages for a chatbot (exit 1 with no group).
pub fn context(engine: &Engine, a: &ContextArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let q = a.query.join(" ");
    check_query(Some(&q), "the query")?;
    let filter = a.filter.filter();
    warn_if_nothing_passes(engine, &filter);
    let res = zhengce::context::context_filtered(engine, &q, a.budget, a.neighbors, &filter)?;
    if a.json {
        serde_json::to_writer(&mut *out, &res)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", res.prompt)?;
        let (n, used, budget) = (res.groups.len(), res.used, res.budget);
        writeln!(out, "\n({n} groups, {used} of {budget} characters)")?;
    }
    Ok(found(!res.groups.is_empty()))
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

fn print_node(out: &mut dyn Write, n: &Node, depth: usize) -> std::io::Result<()> {
    let pages = n.pages.map(format_pages).unwrap_or_default();
    let indent = "  ".repeat(depth);
    writeln!(out, "{indent}{} {}  {pages}  [{}]", n.label, n.title, n.id)?;
    for c in &n.children {
        print_node(out, c, depth + 1)?;
    }
    Ok(())
}

/// Moves a foreign or corrupt index directory aside (never deletes what we did not write).
fn force_clear(index: &Path) -> Result<()> {
    if !index.exists() {
        return Ok(());
    }
    match zhengce::index::open(index) {
        Ok(_) | Err(Error::IndexMissing(_)) => Ok(()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_print_with_pages_and_ids() {
        let n = Node {
            id: "d-2".into(),
            kind: zhengce::corpus::NodeKind::Chapter,
            label: "第二章".into(),
            title: "帮扶".into(),
            pages: Some([6, 10]),
            children: Vec::new(),
            start: 0,
            end: 0,
        };
        let mut out = Vec::new();
        assert!(print_node(&mut out, &n, 1).is_ok());
        assert_eq!(
            String::from_utf8_lossy(&out),
            "  第二章 帮扶  第6—10页  [d-2]\n"
        );
    }
}
