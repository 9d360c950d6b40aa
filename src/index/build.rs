//! Building a generation: parse the corpus, index its passages, write the generation
//! beside the live one and publish it (see [`layout`](super::layout)).
//!
//! A build holds the directory's build lock from start to end, so builds never interleave.
//! A build that had to wait for another and finds the index fresh afterwards uses that
//! build's result instead of building the same index again.

use super::freshness::{self, check_fresh};
use super::layout::{self, BuildLock, CURRENT};
use super::{
    COMPILED_DICT, DOCS_FILE, DocInfo, FORMAT_VERSION, Fields, Meta, Progress, SkippedFile,
    iso8601, schema, version_key,
};
use crate::analysis::{self, Segmenter};
use crate::corpus::{self, Document, Node, Skipped};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tantivy::{Index, TantivyDocument};

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
    /// Whether this call waited for a concurrent build of the same corpus and used its
    /// result instead of building.
    pub reused: bool,
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
    let started = Instant::now();
    std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    layout::check_owned(index_dir)?;
    let (lock, waited) = BuildLock::acquire(index_dir)?;
    if waited && let Some(stats) = reuse(corpus_dir, index_dir, started)? {
        tracing::info!("a concurrent build made the same index; using it");
        return Ok(stats);
    }
    layout::cleanup(index_dir, &lock);
    let stats = build_locked(corpus_dir, index_dir, progress, started)?;
    layout::cleanup(index_dir, &lock);
    Ok(stats)
}

/// The stats of the live generation when it is fresh for `corpus_dir`.
fn reuse(corpus_dir: &Path, index_dir: &Path, started: Instant) -> Result<Option<BuildStats>> {
    let Ok(meta) = super::read_meta(index_dir) else {
        return Ok(None);
    };
    if check_fresh(&meta, corpus_dir)?.is_some() {
        return Ok(None);
    }
    let generation = layout::current_generation(index_dir)
        .map(|g| index_dir.join(g))
        .unwrap_or_default();
    Ok(Some(BuildStats {
        documents: meta.documents,
        passages: meta.passages,
        bytes: meta.bytes,
        millis: started.elapsed().as_millis(),
        generation,
        skipped: meta
            .skipped
            .iter()
            .map(|s| Skipped {
                path: PathBuf::from(&s.path),
                reason: s.reason.clone(),
            })
            .collect(),
        reused: true,
    }))
}

/// The build itself, under the build lock.
fn build_locked(
    corpus_dir: &Path,
    index_dir: &Path,
    progress: Progress<'_>,
    started: Instant,
) -> Result<BuildStats> {
    // Stamps first: a file changed while the build reads it gets a newer stamp than the
    // one recorded, so the next check hashes it again.
    let (dirs, files, corpus_hash) = freshness::record(corpus_dir)?;
    let rule = super::terms::Rule::from_env();
    let domain = freshness::dictionary_source(corpus_dir, rule)?;
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
    let mut full = full.map_err(|_| Error::Internal("the dictionary loader panicked".into()))??;
    let terms = extract_terms(&docs, rule, &full)?;
    full.add_terms(terms.iter().map(String::as_str));
    let full = Arc::new(full);
    tracing::info!(terms = terms.len(), "domain terms extracted");
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        documents = docs.len(),
        "parsed"
    );
    let stamp = layout::new_stamp();
    let tmp = index_dir.join(format!("tmp-{stamp}"));
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let (passages, bytes) = write_index(&tmp, &full, &docs, &terms, progress, started)?;
    let built_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut meta = Meta {
        format: FORMAT_VERSION,
        corpus_hash,
        dict_hash: full.hash().to_string(),
        built_at,
        built_at_iso: iso8601(built_at),
        passages,
        documents: docs.len(),
        corpus_dir: corpus_dir.display().to_string(),
        files,
        dirs,
        bytes,
        skipped: skipped
            .iter()
            .map(|s| SkippedFile {
                path: s.path.display().to_string(),
                reason: s.reason.clone(),
            })
            .collect(),
    };
    let stamps = super::Stamps {
        files: std::mem::take(&mut meta.files),
        dirs: std::mem::take(&mut meta.dirs),
    };
    write_synced(&tmp.join(super::STAMPS_FILE), &serde_json::to_vec(&stamps)?)?;
    write_synced(
        &tmp.join(layout::META_FILE),
        &serde_json::to_vec_pretty(&meta)?,
    )?;
    let gen_name = format!("gen-{stamp}");
    let generation = index_dir.join(&gen_name);
    std::fs::rename(&tmp, &generation).map_err(|e| Error::io(&generation, e))?;
    layout::publish(index_dir, &gen_name, &stamp)?;
    debug_assert!(index_dir.join(CURRENT).is_file());
    tracing::info!(passages, documents = docs.len(), "index built");
    let documents = docs.len();
    // Freeing the parsed corpus and the full dictionary (millions of allocations) is
    // nobody's wait: it happens on a thread of its own (which a process that exits right
    // after the build does not wait for).
    let spawned = std::thread::Builder::new()
        .name("zhengce-free".into())
        .spawn(move || drop((docs, full)));
    if let Err(e) = spawned {
        tracing::debug!(error = %e, "no thread to free the build's memory on; freed inline");
    }
    Ok(BuildStats {
        documents,
        passages,
        bytes,
        millis: started.elapsed().as_millis(),
        generation,
        skipped,
        reused: false,
    })
}

/// [`terms::extract`](super::terms::extract) over `docs`, on up to 4 threads: each takes a
/// share of the documents, and the union of their terms is the terms of all of them
/// (whether a candidate is a term does not depend on the other documents).
fn extract_terms(
    docs: &[Document],
    rule: super::terms::Rule,
    full: &Segmenter,
) -> Result<Vec<String>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let chunk = docs.len().div_ceil(threads).max(1);
    let found = std::thread::scope(|s| {
        let handles: Vec<_> = docs
            .chunks(chunk)
            .map(|part| s.spawn(move || super::terms::extract(part, rule, full)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join())
            .collect::<std::result::Result<Vec<_>, _>>()
    })
    .map_err(|_| Error::Internal("the term extractor panicked".into()))?;
    let all: std::collections::BTreeSet<String> = found.into_iter().flatten().collect();
    Ok(all.into_iter().collect())
}

/// Writes tantivy's index of `docs`, the compiled dictionary, the documents' outlines and
/// the extracted `terms` into `dir`; returns the number of passages and of bytes of their
/// text.
fn write_index(
    dir: &Path,
    full: &Arc<Segmenter>,
    docs: &[Document],
    terms: &[String],
    progress: Progress<'_>,
    started: Instant,
) -> Result<(usize, usize)> {
    let (schema, fields) = schema::build_schema();
    let index = Index::create_in_dir(dir, schema)?;
    analysis::register(index.tokenizers(), full);
    let text_bytes: usize = docs
        .iter()
        .flat_map(|d| &d.passages)
        .map(|p| p.text.len())
        .sum();
    // A small corpus is written by one thread, into one segment: every term of a query is
    // then looked up once, not once per segment, and it indexes in no time anyway.
    let threads = if text_bytes < ONE_SEGMENT_BYTES {
        1
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4)
    };
    let mut writer: tantivy::IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, writer_budget(text_bytes, threads) * threads)?;
    // The dictionary the queries need is compiled on its own thread while the passages
    // are indexed: it reads the same texts and nothing the index writes. The outlines and
    // the terms are written meanwhile too.
    let (compiled, added) = std::thread::scope(|s| -> Result<_> {
        let compiler = s.spawn(|| compile_dictionary(full, docs));
        let files = s.spawn(|| -> Result<()> {
            write_docs(dir, docs)?;
            let listed: String = terms.iter().map(|t| format!("{t}\n")).collect();
            write_synced(&dir.join(super::terms::TERMS_FILE), listed.as_bytes())
        });
        let added = add_passages(&writer, &fields, docs, progress)?;
        tracing::info!(ms = started.elapsed().as_millis() as u64, "documents added");
        writer.commit()?;
        writer.wait_merging_threads()?;
        tracing::info!(ms = started.elapsed().as_millis() as u64, "committed");
        let compiled = compiler
            .join()
            .map_err(|_| Error::Internal("the dictionary compiler panicked".into()))??;
        files
            .join()
            .map_err(|_| Error::Internal("the outline writer panicked".into()))??;
        Ok((compiled, added))
    })?;
    write_synced(&dir.join(COMPILED_DICT), compiled.as_bytes())?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "dictionary compiled"
    );
    Ok(added)
}

/// Writes the documents' outlines (`docs.json`) into `dir`.
fn write_docs(dir: &Path, docs: &[Document]) -> Result<()> {
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
    write_synced(&dir.join(DOCS_FILE), &serde_json::to_vec(&infos)?)
}

/// Below this much passage text (the plan has 0.2 MB), the index is one segment.
const ONE_SEGMENT_BYTES: usize = 4 << 20;

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
            // The first passage of its section (or sidebar) opens it: the entry fields
            // written for an opening passage are its section's and sidebar's titles, so a
            // new item (`1.`) of a policy text's section does not open the section again.
            let opens = prev.is_none_or(|q| q.section_headings() != p.section_headings());
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
            titles.extend(p.path.iter().map(|h| h.title.as_str()));
        }
    }
    full.compile_for(
        docs.iter()
            .flat_map(|d| d.passages.iter().map(|p| p.text.as_str()))
            .chain(titles),
    )
    .ok_or_else(|| Error::Internal("full segmenter expected".into()))
}

pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))?;
    Ok(())
}
