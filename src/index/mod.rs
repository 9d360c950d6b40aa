//! The index: schema, atomic builds, opening, staleness.
//!
//! # Layout on disk
//!
//! ```text
//! index/
//!   CURRENT            name of the live generation, replaced atomically (write + rename)
//!   gen-<time>-<pid>/  one complete build: tantivy's files, zhengce.json (meta),
//!                      dict.txt (the dictionary the queries need), docs.json (outlines)
//!   tmp-<time>-<pid>/  a build in progress; renamed to gen-… when complete
//! ```
//!
//! A build writes everything into a `tmp-` directory, renames it to `gen-` and only then
//! points `CURRENT` at it, so a reader sees the old index or the new one, never half of one;
//! a build killed at any moment leaves `CURRENT` pointing at a complete generation. Leftover
//! `tmp-` directories of dead builds and superseded generations are removed by the next build.
//!
//! `zhengce.json` records the format version, the corpus fingerprint and the dictionary
//! hash; [`check_fresh`] compares them with the corpus on disk.

mod schema;

pub use schema::Fields;

use crate::analysis::{self, Segmenter};
use crate::corpus::{self, DocMeta, Document, Node, Skipped};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

/// Bumped whenever the schema or the analysis changes meaning.
pub const FORMAT_VERSION: u32 = 9;
/// The domain dictionary's file name inside a corpus directory.
pub const DICT_FILE: &str = "terms.dic";
const META_FILE: &str = "zhengce.json";
const COMPILED_DICT: &str = "dict.txt";
const DOCS_FILE: &str = "docs.json";
const CURRENT: &str = "CURRENT";

/// What an index records about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// [`FORMAT_VERSION`] at build time.
    pub format: u32,
    /// Fingerprint of the corpus files (names, sizes, contents).
    pub corpus_hash: String,
    /// Hash of the dictionary (base + domain terms).
    pub dict_hash: String,
    /// Build time, seconds since the Unix epoch.
    pub built_at: u64,
    /// Build time as RFC 3339 (UTC).
    pub built_at_iso: String,
    /// Number of passages.
    pub passages: usize,
    /// Number of documents.
    pub documents: usize,
    /// The corpus directory it was built from.
    pub corpus_dir: String,
    /// Name, size and modification time of every corpus file at build time: when they
    /// all still match, [`check_fresh`] skips hashing the contents.
    #[serde(default)]
    pub files: Vec<FileStamp>,
}

/// A corpus file's name, size and modification time (nanoseconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// File name inside the corpus directory.
    pub name: String,
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_ns: u128,
}

/// A document's outline and page map, as stored beside the index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocInfo {
    /// Document id.
    pub id: String,
    /// Title as printed.
    pub title: String,
    /// Outline.
    pub outline: Vec<Node>,
    /// `(char offset, page)` starts of pages in the cleaned text.
    pub page_starts: Vec<(usize, u32)>,
    /// Number of passages.
    pub passages: usize,
    /// Date, enacting body, kind, source file.
    #[serde(flatten)]
    pub meta: DocMeta,
}

impl DocInfo {
    /// The key shared by the dated versions of one law: title and subtitle.
    pub fn version_key(&self) -> String {
        version_key(&self.title, &self.meta)
    }
}

/// The key shared by the dated versions of one law: title and subtitle.
pub fn version_key(title: &str, meta: &DocMeta) -> String {
    format!("{title}\u{1f}{}", meta.subtitle.as_deref().unwrap_or(""))
}

/// What a build reports as it goes: `(stage, done, total)`, stage `"parse"` or `"index"`.
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

/// Counts and timings of a build.
#[derive(Debug, Clone, Serialize)]
pub struct BuildStats {
    /// Documents indexed.
    pub documents: usize,
    /// Passages indexed.
    pub passages: usize,
    /// Bytes of corpus text indexed.
    pub bytes: usize,
    /// Wall time of the build, in milliseconds.
    pub millis: u128,
    /// The generation directory written.
    pub generation: PathBuf,
    /// Files that are not documents, with the reason.
    pub skipped: Vec<Skipped>,
}

/// An opened index: tantivy's index and one reader for the process.
#[derive(Clone)]
pub struct OpenIndex {
    /// The tantivy index.
    pub index: Index,
    /// The one reader of the process; take a searcher per request.
    pub reader: IndexReader,
    /// Field handles.
    pub fields: Fields,
    /// What the index records about itself.
    pub meta: Meta,
    /// The segmenter the index was built with (compiled dictionary).
    pub segmenter: Arc<Segmenter>,
    /// Outlines of the documents.
    pub docs: Arc<Vec<DocInfo>>,
    /// The generation directory opened.
    pub generation: PathBuf,
}

impl std::fmt::Debug for OpenIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenIndex")
            .field("generation", &self.generation)
            .field("meta", &self.meta)
            .finish()
    }
}

/// The files that make the corpus: documents (recursively), sidecars and the dictionary.
fn corpus_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = corpus::corpus_files(dir)?;
    for f in files.clone() {
        let side = f.with_extension("json");
        if side.is_file() {
            files.push(side);
        }
    }
    let dict = dir.join(DICT_FILE);
    if dict.is_file() {
        files.push(dict);
    }
    files.sort();
    Ok(files)
}

/// Above this many bytes, the fingerprint hashes names, sizes and modification times
/// instead of contents.
pub const FINGERPRINT_CONTENT_LIMIT: u64 = 8 << 20;

/// Reads the domain dictionary of a corpus directory (empty when there is none).
pub fn read_domain_dict(corpus_dir: &Path) -> Result<String> {
    let p = corpus_dir.join(DICT_FILE);
    match std::fs::read_to_string(&p) {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io(p, e)),
    }
}

/// A fingerprint of the corpus: every file's path (relative), size and content; for a
/// corpus over [`FINGERPRINT_CONTENT_LIMIT`] bytes, path, size and modification time.
pub fn corpus_fingerprint(corpus_dir: &Path) -> Result<String> {
    let files = corpus_files(corpus_dir)?;
    let mut sizes = Vec::with_capacity(files.len());
    let mut total = 0u64;
    for f in &files {
        let m = std::fs::metadata(f).map_err(|e| Error::io(f, e))?;
        total += m.len();
        let mtime = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        sizes.push((m.len(), mtime));
    }
    let by_content = total <= FINGERPRINT_CONTENT_LIMIT;
    let mut h = Sha256::new();
    h.update(format!("zhengce-corpus-v{FORMAT_VERSION}\n"));
    for (f, (len, mtime)) in files.iter().zip(sizes) {
        let name = f.strip_prefix(corpus_dir).unwrap_or(f).to_string_lossy();
        h.update(format!("{name}\0{len}\0"));
        if by_content {
            let bytes = std::fs::read(f).map_err(|e| Error::io(f, e))?;
            h.update(&bytes);
        } else {
            h.update(mtime.to_le_bytes());
        }
    }
    Ok(hex::encode(&h.finalize()[..16]))
}

/// The stamps (name, size, modification time) of the corpus files, in the order of
/// [`corpus_fingerprint`]. Cheap: one `stat` per file, no reads.
pub fn corpus_stamps(corpus_dir: &Path) -> Result<Vec<FileStamp>> {
    let mut out = Vec::new();
    for f in corpus_files(corpus_dir)? {
        let md = std::fs::metadata(&f).map_err(|e| Error::io(&f, e))?;
        let mtime_ns = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        out.push(FileStamp {
            name: f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            len: md.len(),
            mtime_ns,
        });
    }
    Ok(out)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats Unix seconds as RFC 3339 UTC.
pub fn iso8601(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parses every document of a corpus directory.
pub fn load_corpus(corpus_dir: &Path) -> Result<Vec<Document>> {
    Ok(corpus::load_dir(corpus_dir)?)
}

/// Builds the index of `corpus_dir` into `index_dir`, atomically (see the module docs).
pub fn build(corpus_dir: &Path, index_dir: &Path) -> Result<BuildStats> {
    build_with(corpus_dir, index_dir, &|_, _, _| {})
}

/// [`build`], reporting progress. Files that are not documents are skipped and listed in
/// the stats; a corpus without any document is an error.
#[tracing::instrument(skip_all, fields(corpus = %corpus_dir.display(), index = %index_dir.display()))]
pub fn build_with(
    corpus_dir: &Path,
    index_dir: &Path,
    progress: Progress<'_>,
) -> Result<BuildStats> {
    let started = std::time::Instant::now();
    // Stamps first: a file changed while the build reads it gets a newer stamp than the
    // one recorded, so the next check hashes it again.
    let files = corpus_stamps(corpus_dir)?;
    let domain = read_domain_dict(corpus_dir)?;
    // The full dictionary loads (≈ 0.5 s) while the corpus is parsed.
    let (parsed, full) = std::thread::scope(|s| {
        let full = s.spawn(|| Segmenter::full(&domain));
        let parsed = corpus::load_library_with(corpus_dir, &|d, t| progress("parse", d, t));
        (parsed, full.join())
    });
    let (docs, skipped) = parsed?;
    if docs.is_empty() {
        return Err(corpus::CorpusError::Empty(corpus_dir.to_path_buf()).into());
    }
    let full =
        Arc::new(full.map_err(|_| Error::Internal("the dictionary loader panicked".into()))??);
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        documents = docs.len(),
        "parsed"
    );
    let corpus_hash = corpus_fingerprint(corpus_dir)?;

    std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    check_owned(index_dir)?;
    cleanup(index_dir, None);
    let stamp = format!(
        "{}-{}",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0),
        std::process::id()
    );
    let tmp = index_dir.join(format!("tmp-{stamp}"));
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;

    let (schema, fields) = schema::build_schema();
    let index = Index::create_in_dir(&tmp, schema)?;
    analysis::register(index.tokenizers(), &full);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let text_bytes: usize = docs
        .iter()
        .flat_map(|d| &d.passages)
        .map(|p| p.text.len())
        .sum();
    let mut writer: tantivy::IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, writer_budget(text_bytes, threads) * threads)?;
    // The dictionary the queries need is compiled on its own thread while the passages
    // are indexed: it reads the same texts and nothing the index writes.
    let (compiled, (passages, bytes)) = std::thread::scope(|s| -> Result<_> {
        let compiler = s.spawn(|| compile_dictionary(&full, &docs));
        let added = add_passages(&writer, &fields, &docs, progress)?;
        tracing::info!(ms = started.elapsed().as_millis() as u64, "documents added");
        writer.commit()?;
        writer.wait_merging_threads()?;
        tracing::info!(ms = started.elapsed().as_millis() as u64, "committed");
        let compiled = compiler
            .join()
            .map_err(|_| Error::Internal("the dictionary compiler panicked".into()))??;
        Ok((compiled, added))
    })?;
    write_synced(&tmp.join(COMPILED_DICT), compiled.as_bytes())?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "dictionary compiled"
    );
    let infos: Vec<DocInfo> = docs
        .iter()
        .map(|d| DocInfo {
            id: d.id.clone(),
            title: d.title.clone(),
            outline: d.outline.clone(),
            page_starts: d.page_starts.clone(),
            passages: d.passages.len(),
            meta: d.meta.clone(),
        })
        .collect();
    write_synced(&tmp.join(DOCS_FILE), &serde_json::to_vec(&infos)?)?;
    let built_at = now_secs();
    let meta = Meta {
        format: FORMAT_VERSION,
        corpus_hash,
        dict_hash: full.hash().to_string(),
        built_at,
        built_at_iso: iso8601(built_at),
        passages,
        documents: docs.len(),
        corpus_dir: corpus_dir.display().to_string(),
        files,
    };
    write_synced(&tmp.join(META_FILE), &serde_json::to_vec_pretty(&meta)?)?;

    let gen_name = format!("gen-{stamp}");
    let generation = index_dir.join(&gen_name);
    std::fs::rename(&tmp, &generation).map_err(|e| Error::io(&generation, e))?;
    let cur_tmp = index_dir.join(format!("{CURRENT}.tmp-{stamp}"));
    write_synced(&cur_tmp, gen_name.as_bytes())?;
    std::fs::rename(&cur_tmp, index_dir.join(CURRENT)).map_err(|e| Error::io(index_dir, e))?;
    if let Ok(d) = std::fs::File::open(index_dir) {
        let _ = d.sync_all();
    }
    cleanup(index_dir, Some(&gen_name));
    tracing::info!(passages, documents = docs.len(), "index built");
    Ok(BuildStats {
        documents: docs.len(),
        passages,
        bytes,
        millis: started.elapsed().as_millis(),
        generation,
        skipped,
    })
}

/// The indexing memory of each writer thread for `text_bytes` of passage text: enough
/// for its share of the corpus in one segment (≈ 8 bytes of memory per byte of text, all
/// fields together), between 64 MB and 1 GB. A segment flushed early costs a second
/// serialization and a merge; the memory is only taken as the text needs it.
fn writer_budget(text_bytes: usize, threads: usize) -> usize {
    (text_bytes.saturating_mul(8) / threads.max(1)).clamp(64 << 20, 1 << 30)
}

/// Adds every passage of `docs` to `writer`, in document order; returns the number of
/// passages and of bytes of their text.
fn add_passages(
    writer: &tantivy::IndexWriter<TantivyDocument>,
    fields: &Fields,
    docs: &[Document],
    progress: Progress<'_>,
) -> Result<(usize, usize)> {
    let mut passages = 0;
    let mut bytes = 0;
    let mut seq = 0u64;
    let total_passages: usize = docs.iter().map(|d| d.passages.len()).sum();
    // Dated versions of one law share a key; a passage of one of them is counted once.
    let mut versions: HashMap<String, usize> = HashMap::new();
    for d in docs {
        *versions.entry(version_key(&d.title, &d.meta)).or_insert(0) += 1;
    }
    for (docn, d) in docs.iter().enumerate() {
        let doc_type = d.meta.doc_type.as_deref().unwrap_or("");
        let key = version_key(&d.title, &d.meta);
        let versioned = versions
            .get(&key)
            .is_some_and(|&n| n > 1)
            .then_some(key.as_str());
        let mut prev: Option<&corpus::Passage> = None;
        for p in &d.passages {
            // The first passage under its innermost heading opens it.
            let opens = prev.is_none_or(|q| {
                q.section != p.section || q.sidebar != p.sidebar || q.chapter != p.chapter
            });
            prev = Some(p);
            writer.add_document(fields.library_document(
                p,
                seq,
                opens,
                docn as u64,
                doc_type,
                versioned,
            )?)?;
            seq += 1;
            if seq.is_multiple_of(4096) {
                progress("index", seq as usize, total_passages);
            }
            passages += 1;
            bytes += p.text.len();
        }
    }
    Ok((passages, bytes))
}

/// The part of the full dictionary that the texts of `docs` use (see
/// [`Segmenter::compile_for`]): passages, titles and headings (the heading fields are
/// segmented too).
fn compile_dictionary(full: &Segmenter, docs: &[Document]) -> Result<String> {
    fn headings<'a>(nodes: &'a [Node], out: &mut HashSet<&'a str>) {
        for n in nodes {
            out.insert(n.title.as_str());
            headings(&n.children, out);
        }
    }
    // Every passage repeats its headings: each distinct one is scanned once.
    let mut titles: HashSet<&str> = HashSet::new();
    for d in docs {
        titles.insert(d.title.as_str());
        headings(&d.outline, &mut titles);
        for p in &d.passages {
            titles.extend(p.lead.as_deref());
            for h in [&p.chapter, &p.section, &p.sidebar].into_iter().flatten() {
                titles.insert(h.title.as_str());
            }
        }
    }
    full.compile_for(
        docs.iter()
            .flat_map(|d| d.passages.iter().map(|p| p.text.as_str()))
            .chain(titles),
    )
    .ok_or_else(|| Error::Internal("full segmenter expected".into()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))?;
    Ok(())
}

/// Refuses to build into a directory that holds something other than our index.
fn check_owned(index_dir: &Path) -> Result<()> {
    let rd = std::fs::read_dir(index_dir).map_err(|e| Error::io(index_dir, e))?;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name == CURRENT
            || name.starts_with("CURRENT.tmp-")
            || name.starts_with("gen-")
            || name.starts_with("tmp-")
            || name == ".gitkeep";
        if !ours {
            return Err(Error::IndexCorrupt {
                path: index_dir.to_path_buf(),
                reason: format!("it holds {name:?}, which zhengce did not write"),
            });
        }
    }
    Ok(())
}

/// Removes `tmp-` directories of builds whose process is gone and generations other than
/// the live one and `keep`.
fn cleanup(index_dir: &Path, keep: Option<&str>) {
    let live = std::fs::read_to_string(index_dir.join(CURRENT))
        .ok()
        .map(|s| s.trim().to_string());
    let Ok(rd) = std::fs::read_dir(index_dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let stale_tmp = (name.starts_with("tmp-") || name.starts_with("CURRENT.tmp-"))
            && !pid_alive(name.rsplit('-').next().and_then(|p| p.parse().ok()));
        let old_gen = name.starts_with("gen-")
            && Some(name.as_str()) != live.as_deref()
            && Some(name.as_str()) != keep;
        if stale_tmp || old_gen {
            tracing::debug!(path = %path.display(), "removing leftover");
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

fn pid_alive(pid: Option<u32>) -> bool {
    match pid {
        Some(p) if p == std::process::id() => false,
        Some(p) => Path::new(&format!("/proc/{p}")).exists(),
        None => false,
    }
}

/// Whether an index generation is live at `index_dir`.
pub fn exists(index_dir: &Path) -> bool {
    index_dir.join(CURRENT).is_file()
}

/// The name of the live generation, if any.
pub fn current_generation(index_dir: &Path) -> Option<String> {
    std::fs::read_to_string(index_dir.join(CURRENT))
        .ok()
        .map(|s| s.trim().to_string())
}

/// What the live generation of `index_dir` records about itself, without opening the
/// index: reads `CURRENT` and the generation's `zhengce.json` only. Fails like [`open`]
/// on a missing, foreign or outdated index.
pub fn read_meta(index_dir: &Path) -> Result<Meta> {
    live_meta(index_dir).map(|(_, meta)| meta)
}

/// The live generation's directory and meta.
fn live_meta(index_dir: &Path) -> Result<(PathBuf, Meta)> {
    let corrupt = |reason: String| Error::IndexCorrupt {
        path: index_dir.to_path_buf(),
        reason,
    };
    if !index_dir.exists() {
        return Err(Error::IndexMissing(format!(
            "no index at {}; build it with `zhengce index`",
            index_dir.display()
        )));
    }
    let Some(name) = current_generation(index_dir) else {
        let empty = std::fs::read_dir(index_dir)
            .map(|mut r| r.next().is_none())
            .unwrap_or(true);
        return Err(if empty {
            Error::IndexMissing(format!(
                "no index at {}; build it with `zhengce index`",
                index_dir.display()
            ))
        } else {
            corrupt("no CURRENT file: not a zhengce index".into())
        });
    };
    if name.is_empty() || name.contains('/') || name.contains("..") || !name.starts_with("gen-") {
        return Err(corrupt(format!("CURRENT names {name:?}")));
    }
    let generation = index_dir.join(&name);
    let meta: Meta = read_json(&generation.join(META_FILE)).map_err(&corrupt)?;
    if meta.format != FORMAT_VERSION {
        return Err(Error::IndexStale {
            path: index_dir.to_path_buf(),
            reason: format!(
                "format version {} but this program writes {FORMAT_VERSION}",
                meta.format
            ),
        });
    }
    Ok((generation, meta))
}

/// Opens the live generation of `index_dir`.
pub fn open(index_dir: &Path) -> Result<OpenIndex> {
    let corrupt = |reason: String| Error::IndexCorrupt {
        path: index_dir.to_path_buf(),
        reason,
    };
    let (generation, meta) = live_meta(index_dir)?;
    let dict = std::fs::read_to_string(generation.join(COMPILED_DICT))
        .map_err(|e| corrupt(format!("dictionary: {e}")))?;
    let segmenter = Arc::new(
        Segmenter::from_compiled(&dict, &meta.dict_hash)
            .map_err(|e| corrupt(format!("dictionary: {e}")))?,
    );
    let docs: Vec<DocInfo> = read_json(&generation.join(DOCS_FILE)).map_err(&corrupt)?;
    let dir = tantivy::directory::MmapDirectory::open(&generation)
        .map_err(|e| corrupt(format!("{e}")))?;
    let index = Index::open(dir).map_err(|e| corrupt(format!("{e}")))?;
    let fields = Fields::from_schema(&index.schema()).map_err(corrupt)?;
    analysis::register(index.tokenizers(), &segmenter);
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e: tantivy::TantivyError| corrupt(format!("{e}")))?;
    Ok(OpenIndex {
        index,
        reader,
        fields,
        meta,
        segmenter,
        docs: Arc::new(docs),
        generation,
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> std::result::Result<T, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Why an index no longer matches its corpus, if it does not.
pub fn check_fresh(meta: &Meta, corpus_dir: &Path) -> Result<Option<String>> {
    let domain = read_domain_dict(corpus_dir)?;
    if Segmenter::hash_for(&domain) != meta.dict_hash {
        return Ok(Some("the dictionary changed".into()));
    }
    // Same names, sizes and modification times as at build time: unchanged, without
    // reading the files. Otherwise the contents decide (a `touch` is not a change).
    if !meta.files.is_empty() && corpus_stamps(corpus_dir)? == meta.files {
        return Ok(None);
    }
    if corpus_fingerprint(corpus_dir)? != meta.corpus_hash {
        return Ok(Some("the corpus changed".into()));
    }
    Ok(None)
}
