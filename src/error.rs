//! The library's error type.

use std::path::PathBuf;

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The corpus could not be read or parsed.
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    /// The domain dictionary is invalid.
    #[error(transparent)]
    Dict(#[from] crate::analysis::DictError),
    /// The query was refused (too long, too many terms, empty…). The user can fix it.
    #[error("{0}")]
    Query(String),
    /// The query has no searchable word (only punctuation, symbols or exclusions). Not a
    /// mistake of the client's: the HTTP API answers it with 200 and no hits (as
    /// Meilisearch does); the CLI reports it.
    #[error("{0}")]
    NoSearchableWords(String),
    /// A request parameter is out of range. The user can fix it.
    #[error("{0}")]
    BadRequest(String),
    /// No passage or document has this id.
    #[error("unknown id {0:?}")]
    NotFound(String),
    /// There is no usable index at the path; the message says what to run.
    #[error("{0}")]
    IndexMissing(String),
    /// The index at the path is corrupt, foreign or of another version.
    #[error("the index at {path} is unusable ({reason}); rebuild it with `zhengce index --force`")]
    IndexCorrupt {
        /// The index directory.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The index is older than the corpus or the dictionary.
    #[error("the index at {path} is stale ({reason}); rebuild it with `zhengce index`")]
    IndexStale {
        /// The index directory.
        path: PathBuf,
        /// What changed.
        reason: String,
    },
    /// An error from tantivy.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A bug: something the program guarantees did not hold (a worker thread panicked…).
    #[error("internal error: {0}")]
    Internal(String),
    /// A stored value could not be decoded.
    #[error("stored data: {0}")]
    Json(#[from] serde_json::Error),
    /// The work did not finish before its [`Deadline`](crate::Deadline) and was stopped.
    #[error("the request took too long and was stopped")]
    Timeout,
    /// A stored passage is missing or unreadable: the index is damaged (a system error,
    /// not the user's).
    #[error("the index is damaged: {0}")]
    Damaged(String),
}

impl Error {
    /// Whether the error is the user's to fix (bad input), as opposed to the system's.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::Query(_)
                | Error::NoSearchableWords(_)
                | Error::BadRequest(_)
                | Error::NotFound(_)
        )
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
