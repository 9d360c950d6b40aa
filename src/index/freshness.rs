//! Whether an index still matches its corpus: file stamps and the corpus fingerprint.
//!
//! Every corpus file (documents, their `.json` sidecars, the domain dictionary) is stamped
//! by its path relative to the corpus directory, its size and its modification time. The
//! stamps are taken in one walk of the corpus with one `stat` per file (sidecars are
//! found in the directory listings, not by probing). When every stamp matches the ones
//! recorded at build time the index is fresh without reading a file; otherwise the
//! fingerprint decides (a `touch` is not a change). A moved, added, removed or resized
//! file changes the stamps; a moved file always changes the fingerprint too, since a
//! document's id and kind come from its path.
//!
//! The cheap path of [`check_fresh`]: the build also records the modification time of
//! every directory of the corpus. Adding, removing or renaming an entry changes its
//! directory's time, so while every directory's time is unchanged the set of files is the
//! recorded one, and only those files are stat'ed (no directory is listed). Any changed
//! directory falls back to the full walk.

use super::terms::Rule;
use super::{DICT_FILE, FORMAT_VERSION, Meta};
use crate::analysis::Segmenter;
use crate::corpus;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Above this many bytes, the fingerprint hashes paths, sizes and modification times
/// instead of contents.
pub const FINGERPRINT_CONTENT_LIMIT: u64 = 8 << 20;

/// A corpus file's relative path, size and modification time (nanoseconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Path relative to the corpus directory (`/`-separated).
    pub path: String,
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_ns: u128,
}

/// A corpus directory's relative path (`""`: the corpus directory) and modification time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirStamp {
    /// Path relative to the corpus directory (`/`-separated).
    pub path: String,
    /// Modification time, nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_ns: u128,
}

/// The stamps of the corpus directory and of every directory under it that the corpus
/// walk enters (not hidden ones).
pub fn dir_stamps(corpus_dir: &Path) -> Result<Vec<DirStamp>> {
    let mut out = Vec::new();
    let mut stack = vec![corpus_dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let md = std::fs::metadata(&d).map_err(|e| Error::io(&d, e))?;
        out.push(DirStamp {
            path: rel_name(corpus_dir, &d),
            mtime_ns: mtime_ns(&md),
        });
        for e in std::fs::read_dir(&d)
            .map_err(|e| Error::io(&d, e))?
            .flatten()
        {
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if !hidden && (ft.is_dir() || (ft.is_symlink() && p.is_dir())) {
                stack.push(p);
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Whether every recorded directory still has its recorded time: then the corpus holds
/// the recorded files, and the stamps of those files (one `stat` each) say the rest.
fn recorded_files_unchanged(meta: &Meta, corpus_dir: &Path) -> bool {
    if meta.dirs.is_empty() || meta.files.is_empty() {
        return false;
    }
    let dirs_same = meta.dirs.iter().all(|d| {
        std::fs::metadata(corpus_dir.join(&d.path)).is_ok_and(|m| mtime_ns(&m) == d.mtime_ns)
    });
    dirs_same && files_unchanged(&meta.files, corpus_dir)
}

/// Whether every file has its recorded size and time. Each directory is opened once and
/// its files are stat'ed relative to it (`fstatat`): the kernel walks one component per
/// file instead of the whole path (the stamps are sorted, so a directory's files are
/// adjacent).
#[cfg(unix)]
fn files_unchanged(files: &[FileStamp], corpus_dir: &Path) -> bool {
    use rustix::fs::{AtFlags, FileType, statat};
    let mut open: Option<(&str, std::fs::File)> = None;
    files.iter().all(|f| {
        let (dir, name) = f.path.rsplit_once('/').unwrap_or(("", f.path.as_str()));
        if open.as_ref().is_none_or(|(d, _)| *d != dir) {
            match std::fs::File::open(corpus_dir.join(dir)) {
                Ok(h) => open = Some((dir, h)),
                Err(_) => return false,
            }
        }
        let Some((_, handle)) = open.as_ref() else {
            return false;
        };
        statat(handle, name, AtFlags::empty()).is_ok_and(|st| {
            let mtime = u64::try_from(st.st_mtime).map_or(0, |s| {
                u128::from(s) * 1_000_000_000 + st.st_mtime_nsec as u128
            });
            FileType::from_raw_mode(st.st_mode) == FileType::RegularFile
                && u64::try_from(st.st_size).is_ok_and(|n| n == f.len)
                && mtime == f.mtime_ns
        })
    })
}

#[cfg(not(unix))]
fn files_unchanged(files: &[FileStamp], corpus_dir: &Path) -> bool {
    files.iter().all(|f| {
        std::fs::metadata(corpus_dir.join(&f.path))
            .is_ok_and(|m| m.is_file() && m.len() == f.len && mtime_ns(&m) == f.mtime_ns)
    })
}

/// The files that make the corpus, sorted: documents (recursively), their sidecars and the
/// dictionary.
fn corpus_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let docs = corpus::corpus_files(dir)?;
    // The `.json` names of each directory holding documents, listed once per directory.
    let mut listings: BTreeMap<&Path, HashSet<OsString>> = BTreeMap::new();
    for f in &docs {
        if let Some(parent) = f.parent()
            && !listings.contains_key(parent)
        {
            let names = std::fs::read_dir(parent)
                .map_err(|e| Error::io(parent, e))?
                .flatten()
                .map(|e| e.file_name())
                .filter(|n| Path::new(n).extension().is_some_and(|x| x == "json"))
                .collect();
            listings.insert(parent, names);
        }
    }
    let mut files = Vec::with_capacity(docs.len() + 1);
    for f in &docs {
        let side = f.with_extension("json");
        let listed = match (f.parent(), side.file_name()) {
            (Some(parent), Some(name)) => listings.get(parent).is_some_and(|l| l.contains(name)),
            _ => false,
        };
        if listed {
            files.push(side);
        }
    }
    files.extend(docs);
    let dict = dir.join(DICT_FILE);
    if dir_lists(dir, DICT_FILE) {
        files.push(dict);
    }
    files.sort();
    Ok(files)
}

/// Whether the directory `dir` lists `name` (no `stat`).
fn dir_lists(dir: &Path, name: &str) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| rd.flatten().any(|e| e.file_name() == name))
        .unwrap_or(false)
}

fn rel_name(corpus_dir: &Path, f: &Path) -> String {
    let rel = f.strip_prefix(corpus_dir).unwrap_or(f);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn mtime_ns(md: &std::fs::Metadata) -> u128 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The stamps (relative path, size, modification time) of the corpus files, sorted by
/// path. Cheap: one `stat` per file, no reads.
pub fn corpus_stamps(corpus_dir: &Path) -> Result<Vec<FileStamp>> {
    stamps_of(corpus_dir, &corpus_files(corpus_dir)?)
}

fn stamps_of(corpus_dir: &Path, files: &[PathBuf]) -> Result<Vec<FileStamp>> {
    files
        .iter()
        .map(|f| {
            let md = std::fs::metadata(f).map_err(|e| Error::io(f, e))?;
            Ok(FileStamp {
                path: rel_name(corpus_dir, f),
                len: md.len(),
                mtime_ns: mtime_ns(&md),
            })
        })
        .collect()
}

/// A fingerprint of the corpus: every file's relative path, size and content; for a
/// corpus over [`FINGERPRINT_CONTENT_LIMIT`] bytes, path, size and modification time.
pub fn corpus_fingerprint(corpus_dir: &Path) -> Result<String> {
    let files = corpus_files(corpus_dir)?;
    let stamps = stamps_of(corpus_dir, &files)?;
    fingerprint_of(&files, &stamps)
}

/// The fingerprint of files already stamped (see [`corpus_fingerprint`]).
pub(crate) fn fingerprint_of(files: &[PathBuf], stamps: &[FileStamp]) -> Result<String> {
    let total: u64 = stamps.iter().map(|s| s.len).sum();
    let by_content = total <= FINGERPRINT_CONTENT_LIMIT;
    let mut h = Sha256::new();
    h.update(format!("zhengce-corpus-v{FORMAT_VERSION}\n"));
    for (f, s) in files.iter().zip(stamps) {
        h.update(format!("{}\0{}\0", s.path, s.len));
        if by_content {
            let bytes = std::fs::read(f).map_err(|e| Error::io(f, e))?;
            h.update(&bytes);
        } else {
            h.update(s.mtime_ns.to_le_bytes());
        }
    }
    Ok(hex::encode(&h.finalize()[..16]))
}

/// What a build records about the corpus: the directories' stamps (taken first), the
/// files' stamps and the fingerprint.
pub(crate) fn record(corpus_dir: &Path) -> Result<(Vec<DirStamp>, Vec<FileStamp>, String)> {
    let dirs = dir_stamps(corpus_dir)?;
    let files = corpus_files(corpus_dir)?;
    let stamps = stamps_of(corpus_dir, &files)?;
    let fp = fingerprint_of(&files, &stamps)?;
    Ok((dirs, stamps, fp))
}

/// Reads the domain dictionary of a corpus directory (empty when there is none).
pub fn read_domain_dict(corpus_dir: &Path) -> Result<String> {
    let p = corpus_dir.join(DICT_FILE);
    match std::fs::read_to_string(&p) {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io(p, e)),
    }
}

/// The dictionary text a build of `corpus_dir` starts from, and whose hash the index
/// records: the user's `terms.dic` and, when terms are extracted by `rule`, a comment line
/// naming it (the segmenter skips comments), so that a change of rule makes the index
/// stale as an edit of `terms.dic` does. Without extraction it is `terms.dic` alone.
pub fn dictionary_source(corpus_dir: &Path, rule: Rule) -> Result<String> {
    let mut domain = read_domain_dict(corpus_dir)?;
    if rule != Rule::Off {
        if !domain.is_empty() && !domain.ends_with('\n') {
            domain.push('\n');
        }
        domain.push_str("# extracted terms: ");
        domain.push_str(rule.name());
        domain.push('\n');
    }
    Ok(domain)
}

/// Why an index no longer matches its corpus, if it does not.
pub fn check_fresh(meta: &Meta, corpus_dir: &Path) -> Result<Option<String>> {
    let domain = dictionary_source(corpus_dir, Rule::from_env())?;
    if Segmenter::hash_for(&domain) != meta.dict_hash {
        return Ok(Some("the dictionary changed".into()));
    }
    if recorded_files_unchanged(meta, corpus_dir) {
        return Ok(None);
    }
    // Same paths, sizes and modification times as at build time: unchanged, without
    // reading the files. Otherwise the contents decide (a `touch` is not a change).
    let files = corpus_files(corpus_dir)?;
    let stamps = stamps_of(corpus_dir, &files)?;
    if !meta.files.is_empty() && stamps == meta.files {
        return Ok(None);
    }
    if fingerprint_of(&files, &stamps)? != meta.corpus_hash {
        return Ok(Some("the corpus changed".into()));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_name_files_by_relative_path_and_find_sidecars() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).expect("mkdir");
        std::fs::write(d.join("a/b/x.md"), "# 标题\n\n正文。").expect("write");
        std::fs::write(d.join("a/b/x.json"), "{}").expect("write");
        std::fs::write(d.join("a/y.txt"), "正文。").expect("write");
        std::fs::write(d.join(DICT_FILE), "以工代赈\n").expect("write");
        let s = corpus_stamps(d).expect("stamps");
        let names: Vec<&str> = s.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(names, ["a/b/x.json", "a/b/x.md", "a/y.txt", DICT_FILE]);
        // Moving a file to another folder changes its stamp and the fingerprint.
        let before = corpus_fingerprint(d).expect("fp");
        std::fs::create_dir_all(d.join("c")).expect("mkdir");
        std::fs::rename(d.join("a/y.txt"), d.join("c/y.txt")).expect("mv");
        let after = corpus_stamps(d).expect("stamps");
        assert!(after.iter().any(|s| s.path == "c/y.txt"));
        assert_ne!(before, corpus_fingerprint(d).expect("fp"));
    }

    #[test]
    fn the_extraction_rule_joins_the_dictionary_source() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        assert_eq!(dictionary_source(d, Rule::Off).expect("none"), "");
        std::fs::write(d.join(DICT_FILE), "以工代赈").expect("write");
        assert_eq!(dictionary_source(d, Rule::Off).expect("off"), "以工代赈");
        let quoted = dictionary_source(d, Rule::Quoted).expect("quoted");
        assert_eq!(quoted, "以工代赈\n# extracted terms: quoted\n");
        let all = dictionary_source(d, Rule::All).expect("all");
        assert_ne!(Segmenter::hash_for(&quoted), Segmenter::hash_for(&all));
        // The rule line is a comment: the same words as the file alone.
        let seg = Segmenter::full(&quoted).expect("dictionary");
        assert!(seg.has_word("以工代赈"));
    }

    #[test]
    fn the_cheap_path_notices_added_removed_and_changed_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/empty")).expect("mkdir");
        std::fs::write(d.join("a/x.md"), "正文。").expect("write");
        let meta = |d: &Path| {
            let (dirs, files, corpus_hash) = record(d).expect("record");
            Meta {
                format: FORMAT_VERSION,
                corpus_hash,
                dict_hash: Segmenter::hash_for(
                    &dictionary_source(d, Rule::from_env()).expect("source"),
                ),
                built_at: 0,
                built_at_iso: String::new(),
                passages: 1,
                documents: 1,
                corpus_dir: String::new(),
                files,
                dirs,
                bytes: 0,
                skipped: Vec::new(),
            }
        };
        let m = meta(d);
        assert_eq!(m.dirs.len(), 3, "{:?}", m.dirs);
        assert!(recorded_files_unchanged(&m, d));
        assert_eq!(check_fresh(&m, d).expect("check"), None);
        // A file added to a directory without documents.
        std::fs::write(d.join("a/empty/y.txt"), "另一个。").expect("write");
        assert!(!recorded_files_unchanged(&m, d));
        assert!(check_fresh(&m, d).expect("check").is_some());
        let m = meta(d);
        // A changed file (same directory entries).
        std::fs::write(d.join("a/x.md"), "正文改了。").expect("write");
        assert!(!recorded_files_unchanged(&m, d));
        assert!(check_fresh(&m, d).expect("check").is_some());
        let m = meta(d);
        // A removed file.
        std::fs::remove_file(d.join("a/empty/y.txt")).expect("rm");
        assert!(check_fresh(&m, d).expect("check").is_some());
    }

    #[test]
    fn the_per_directory_stats_agree_with_the_recorded_stamps() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).expect("mkdir");
        std::fs::write(d.join("top.md"), "顶层。").expect("write");
        std::fs::write(d.join("a/x.md"), "正文。").expect("write");
        std::fs::write(d.join("a/b/y.md"), "另一个。").expect("write");
        std::fs::write(d.join("a/b/y.json"), "{}").expect("write");
        let stamps = corpus_stamps(d).expect("stamps");
        assert_eq!(stamps.len(), 4);
        assert!(files_unchanged(&stamps, d));
        // The same size, another time: changed.
        let mut later = stamps.clone();
        later[1].mtime_ns += 1;
        assert!(!files_unchanged(&later, d));
        let mut longer = stamps.clone();
        longer[2].len += 1;
        assert!(!files_unchanged(&longer, d));
        // A file that became a directory, or is gone, or whose directory is gone.
        std::fs::remove_file(d.join("a/x.md")).expect("rm");
        std::fs::create_dir(d.join("a/x.md")).expect("mkdir");
        assert!(!files_unchanged(&stamps, d));
        std::fs::remove_dir(d.join("a/x.md")).expect("rmdir");
        assert!(!files_unchanged(&stamps, d));
        std::fs::remove_dir_all(d.join("a/b")).expect("rm -r");
        assert_eq!(stamps[0].path, "a/b/y.json");
        assert!(!files_unchanged(&stamps[..2], d));
    }
}
