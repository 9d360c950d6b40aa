//! A library of documents: a directory tree of files, one document each.
//!
//! # Formats
//!
//! - `*.txt` with page markers `—N—` and a `目录`: a plan extracted from PDF
//!   ([`super::parse_plan`]);
//! - other `*.txt`: line-broken policy text ([`super::parse_policy`]);
//! - `*.md`: a law or regulation in Markdown ([`super::parse_law`]);
//! - `*.pdf` (with a text layer), `*.docx`, `*.html`/`*.htm`: documents as published, read
//!   into paragraphs with pages by [`super::read`], then parsed by the same parsers (a law
//!   when paragraphs open with `第X条`, else policy text);
//! - `*.doc`, `*.wps` (legacy Word/WPS) and `*.ofd`: listed, and skipped with the reason.
//!
//! Other files (sidecars `*.json`, the dictionary `terms.dic`, …) are not looked at;
//! directories whose name starts with `.` are not entered. A `.txt`/`.md` file that is not a
//! document (`_index.md`, `README.md`, a template, an empty file, a file without title or
//! text) is skipped with the reason; one bad file never stops the load.
//!
//! # Document ids
//!
//! The sidecar's `id` if there is one; else, for an all-ASCII file name, a slug of the
//! stem (`special-regions-plan-2021`); else `law-<h>` (`.md`) or `doc-<h>` (`.txt`) where `<h>`
//! is the first 8 hex digits of the SHA-256 of the file's path relative to the corpus
//! directory (`/`-separated, UTF-8), followed by `-<yyyymmdd>` when the file name carries a
//! date: `经济法/乡村振兴促进法(2021-04-29).md` → `law-1a2b3c4d-20210429`. The id changes only
//! when the file is moved or renamed. Two files with the same id: the second is skipped.
//!
//! # Metadata
//!
//! `source` is the relative path; `date` comes from the file name (`名称(2021-04-29).md`,
//! `名称_20241108.docx`), else from the text; `doc_type` from the folders (see
//! [`doc_type_for`]), else the title; `format` is the file's format (`pdf`, `docx`, `html`,
//! `md`, `txt`).

use super::read::{self, Kind};
use super::{CorpusError, DocMeta, Document, Sidecar, parse_law, parse_plan, parse_policy, slug};
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file that is not a document, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file, relative to the corpus directory.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: String,
}

/// The format of a corpus file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A PDF-extracted plan (page markers and a table of contents).
    Plan,
    /// Line-broken policy text.
    Policy,
    /// A Markdown law.
    Law,
}

static MARKER: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"—\d{1,4}—").ok());
static NAME_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"[(（](\d{4})-(\d{2})-(\d{2})[)）]|[_\-](\d{4})(\d{2})(\d{2})(?:[_\-]|$)").ok()
});
static TEXT_DATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").ok());
static BODY_CUT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"第[零〇一二三四五六七八九十百0-9]+次|会议|通过|公布|发布|修正|修订|施行|批准|印发|令",
    )
    .ok()
});
static TERM: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"第[零〇一二三四五六七八九十百0-9]+届").ok());

/// The first date `YYYY年M月D日` in a text, as ISO `YYYY-MM-DD`.
pub fn iso_date_in(s: &str) -> Option<String> {
    let c = TEXT_DATE.as_ref()?.captures(s)?;
    let y: u32 = c.get(1)?.as_str().parse().ok()?;
    let m: u32 = c.get(2)?.as_str().parse().ok()?;
    let d: u32 = c.get(3)?.as_str().parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The enacting body named by an event line
/// (`第十三届全国人民代表大会常务委员会第二十八次会议通过` → `全国人民代表大会常务委员会`).
pub fn tidy_body(event: &str) -> Option<String> {
    let cut = BODY_CUT
        .as_ref()
        .and_then(|re| re.find(event))
        .map_or(event.len(), |m| m.start());
    let s = &event[..cut];
    let s = match TERM.as_ref() {
        Some(re) => re.replace_all(s, "").into_owned(),
        None => s.to_string(),
    };
    let s = s.trim().trim_end_matches(['，', '、']).to_string();
    (!s.is_empty() && s.chars().count() <= 40).then_some(s)
}

/// The kind of a document from its path relative to the corpus (folder names) or, failing
/// that, its title: 宪法, 法律, 行政法规, 司法解释, 部门规章, 地方性法规, 案例, 规划, 意见,
/// 通知, 决定, 办法, 规定, 条例, 其他.
pub fn doc_type_for(rel: &Path, title: &str) -> String {
    const LAW_FOLDERS: &[&str] = &[
        "宪法相关法",
        "民法商法",
        "民法典",
        "行政法",
        "经济法",
        "社会法",
        "刑法",
        "诉讼与非诉讼程序法",
    ];
    const KINDS: &[&str] = &[
        "地方性法规",
        "行政法规",
        "司法解释",
        "部门规章",
        "案例",
        "宪法",
    ];
    let dirs: Vec<String> = rel
        .parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    for d in &dirs {
        if KINDS.contains(&d.as_str()) {
            return d.clone();
        }
        if LAW_FOLDERS.contains(&d.as_str()) {
            return "法律".into();
        }
    }
    let t = title.trim_end_matches(|c: char| c == '）' || c == ')' || c.is_ascii_digit());
    for (suffix, kind) in [
        ("规划", "规划"),
        ("纲要", "规划"),
        ("报告", "报告"),
        ("意见", "意见"),
        ("通知", "通知"),
        ("决定", "决定"),
        ("解释", "司法解释"),
        ("办法", "办法"),
        ("规定", "规定"),
        ("条例", "条例"),
        ("法", "法律"),
    ] {
        if t.ends_with(suffix) || (kind == "意见" && t.contains("意见")) {
            return kind.into();
        }
    }
    "其他".into()
}

/// The id of a document without a sidecar id (see the module docs).
pub fn library_id(rel: &Path, format: Format) -> String {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !stem.is_empty() && stem.is_ascii() {
        return slug(&stem);
    }
    let rel_s = rel_string(rel);
    let h = Sha256::digest(rel_s.as_bytes());
    let prefix = if format == Format::Law { "law" } else { "doc" };
    let mut id = format!("{prefix}-{}", hex::encode(&h[..4]));
    if let Some(d) = name_date(&stem) {
        id.push('-');
        id.push_str(&d.replace('-', ""));
    }
    id
}

fn rel_string(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The date carried by a file name: `名称(2021-04-29)`, `名称_20241108`.
fn name_date(stem: &str) -> Option<String> {
    let c = NAME_DATE.as_ref()?.captures(stem)?;
    let k = if c.get(1).is_some() { 1 } else { 4 };
    let (y, m, d) = (
        c.get(k)?.as_str(),
        c.get(k + 1)?.as_str(),
        c.get(k + 2)?.as_str(),
    );
    let (mn, dn): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&mn) && (1..=31).contains(&dn)).then(|| format!("{y}-{m}-{d}"))
}

/// The extensions of the files a corpus is made of.
const EXTENSIONS: &[&str] = &[
    "txt", "md", "pdf", "docx", "html", "htm", "doc", "wps", "ofd",
];

fn extension(p: &Path) -> String {
    p.extension()
        .map(|x| x.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The document files of a corpus tree (`*.txt`, `*.md`, `*.pdf`, `*.docx`, `*.html`,
/// `*.htm`, and `*.doc`, `*.wps`, `*.ofd` to be reported as skipped), sorted by path;
/// directories starting with `.` are not entered.
pub fn corpus_files(dir: &Path) -> Result<Vec<PathBuf>, CorpusError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d).map_err(|source| CorpusError::Io {
            path: d.clone(),
            source,
        })?;
        for e in rd.flatten() {
            let p = e.path();
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() || (ft.is_symlink() && p.is_dir()) {
                if !hidden {
                    stack.push(p);
                }
            } else if !hidden && EXTENSIONS.contains(&extension(&p).as_str()) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Loads one file of the corpus rooted at `root`: the document, or why it is not one.
pub(crate) fn load_one(root: &Path, path: &Path) -> Result<Document, String> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == "_index.md" {
        return Err("section index (_index.md), not a document".into());
    }
    if stem.eq_ignore_ascii_case("readme") {
        return Err("README, not a document".into());
    }
    if stem.contains("模版") || stem.contains("模板") || stem.eq_ignore_ascii_case("template") {
        return Err("template, not a document".into());
    }
    let ext = extension(path);
    match ext.as_str() {
        "doc" | "wps" => {
            return Err(format!(
                "legacy Word/WPS .{ext} (binary) is not read: save it as .docx or PDF"
            ));
        }
        "ofd" => return Err("OFD is not read: export it as PDF".into()),
        _ => {}
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if let Some(kind) = Kind::of(&ext) {
        return load_published(kind, &bytes, path, rel, &stem);
    }
    let raw = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    if raw.trim().is_empty() {
        return Err("empty file".into());
    }
    let format = if path.extension().is_some_and(|x| x == "md") {
        Format::Law
    } else if raw.contains("目录") && MARKER.as_ref().is_some_and(|re| re.is_match(&raw)) {
        Format::Plan
    } else {
        Format::Policy
    };
    let sidecar = if format == Format::Law {
        Sidecar::default()
    } else {
        Sidecar::load_for(path).map_err(|e| e.to_string())?
    };
    let id = sidecar
        .id
        .clone()
        .unwrap_or_else(|| library_id(rel, format));
    let meta = DocMeta {
        date: name_date(&stem),
        source: Some(rel_string(rel)),
        format: Some(ext),
        ..DocMeta::default()
    };
    let parsed = match format {
        Format::Plan => parse_plan(&raw, &id, &sidecar).map(|mut d| {
            d.meta = meta;
            d
        }),
        Format::Policy => parse_policy(&raw, &id, meta),
        Format::Law => parse_law(&raw, &id, meta),
    };
    let mut doc = parsed.map_err(|e| match e {
        CorpusError::Parse { message, .. } => message,
        e => e.to_string(),
    })?;
    if doc.meta.doc_type.is_none() {
        doc.meta.doc_type = Some(doc_type_for(rel, &doc.title));
    }
    Ok(doc)
}

/// Loads a PDF, DOCX or web page: read into paragraphs, then parsed (see [`super::read`]).
fn load_published(
    kind: Kind,
    bytes: &[u8],
    path: &Path,
    rel: &Path,
    stem: &str,
) -> Result<Document, String> {
    let sidecar = Sidecar::load_for(path).map_err(|e| e.to_string())?;
    let content = read::read(kind, bytes)?;
    let meta = DocMeta {
        date: name_date(stem),
        source: Some(rel_string(rel)),
        format: Some(kind.name().to_string()),
        ..DocMeta::default()
    };
    let id = |law: bool| {
        sidecar
            .id
            .clone()
            .unwrap_or_else(|| library_id(rel, if law { Format::Law } else { Format::Policy }))
    };
    let mut doc = read::assemble(content, stem, meta, &id)?;
    if doc.meta.doc_type.is_none() {
        doc.meta.doc_type = Some(doc_type_for(rel, &doc.title));
    }
    Ok(doc)
}

/// [`load_one`], with a panic of the parser caught: that file is skipped with the reason,
/// and the worker goes on with the next file.
fn load_one_caught(root: &Path, path: &Path) -> Result<Document, String> {
    caught(path, || load_one(root, path))
}

/// Runs the parse of one file, turning a panic into the reason the file is skipped.
fn caught<T>(path: &Path, parse: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        tracing::error!(path = %path.display(), panic = %what, "the parser panicked");
        Err(format!(
            "the parser failed on this file (internal error: {what})"
        ))
    })
}

/// Loads every document of a corpus tree, in path order, parsing in parallel. Files that
/// are not documents are returned as [`Skipped`] with the reason.
pub fn load_library(dir: &Path) -> Result<(Vec<Document>, Vec<Skipped>), CorpusError> {
    load_library_with(dir, &|_, _| {})
}

/// [`load_library`], calling `progress(done, total)` as files are parsed (from worker
/// threads).
pub fn load_library_with(
    dir: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Vec<Document>, Vec<Skipped>), CorpusError> {
    let files = corpus_files(dir)?;
    let total = files.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(total.max(1));
    let mut results: Vec<(usize, Result<Document, String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        out.push((i, load_one_caught(dir, f)));
                        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                        progress(d, total);
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|r| r.0);
    let mut docs = Vec::new();
    let mut skipped = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut got = vec![false; total];
    for (i, r) in results {
        got[i] = true;
        let rel = files[i]
            .strip_prefix(dir)
            .unwrap_or(&files[i])
            .to_path_buf();
        match r {
            Ok(d) => {
                if let Some(prev) = seen.get(&d.id) {
                    skipped.push(Skipped {
                        reason: format!(
                            "duplicate document id {:?} (also {})",
                            d.id,
                            prev.display()
                        ),
                        path: rel,
                    });
                } else {
                    seen.insert(d.id.clone(), rel);
                    docs.push(d);
                }
            }
            Err(reason) => skipped.push(Skipped { path: rel, reason }),
        }
    }
    for (i, g) in got.iter().enumerate() {
        if !g {
            skipped.push(Skipped {
                path: files[i]
                    .strip_prefix(dir)
                    .unwrap_or(&files[i])
                    .to_path_buf(),
                reason: "the parser failed (internal error)".into(),
            });
        }
    }
    Ok((docs, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parser_panic_costs_its_file_only() {
        let r: Result<(), String> = caught(Path::new("x.md"), || panic!("boom at line 3"));
        let e = r.unwrap_err();
        assert!(e.contains("boom at line 3"), "{e}");
        assert_eq!(caught(Path::new("y.md"), || Ok(7)), Ok(7));
    }

    #[test]
    fn ids_and_types() {
        let rel = Path::new("经济法/乡村振兴促进法(2021-04-29).md");
        let id = library_id(rel, Format::Law);
        assert!(id.starts_with("law-") && id.ends_with("-20210429"), "{id}");
        assert_eq!(id.len(), "law-12345678-20210429".len());
        assert_eq!(
            library_id(Path::new("a/plan-2021.txt"), Format::Plan),
            "plan-2021"
        );
        assert_eq!(doc_type_for(rel, "x"), "法律");
        assert_eq!(
            doc_type_for(Path::new("DLC/北京地方法规/地方性法规/北京/x.md"), "x"),
            "地方性法规"
        );
        assert_eq!(
            doc_type_for(Path::new("x.txt"), "国务院关于某某的意见"),
            "意见"
        );
        assert_eq!(
            tidy_body("北京市第十五届人民代表大会常务委员会第三十九次会议通过").as_deref(),
            Some("北京市人民代表大会常务委员会")
        );
    }
}
