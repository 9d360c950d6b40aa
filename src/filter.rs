//! The `doc` and `type` filters, shared by search, [`cite`](crate::cite) and
//! [`context`](crate::context).
//!
//! `doc` names documents as [`resolve_docs`] does: a document id, else words that must all
//! be in the title (or subtitle). `type` is a document kind as indexed (`法律`, `意见`,
//! `规划`…), compared exactly after trimming. Both given: a document must pass both. A
//! filter that names no document is not an error: it leaves nothing to search, as a
//! search with an unknown `doc` finds nothing.

use crate::index::DocInfo;
use crate::search::{SearchRequest, resolve_docs};
use std::collections::HashSet;

/// Which documents to look in. The default looks in every document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFilter {
    /// Only this document: its id, or words of its title.
    pub doc: Option<String>,
    /// Only documents of this kind.
    pub doc_type: Option<String>,
}

impl DocFilter {
    /// A filter from optional values; blank values are dropped (no filter).
    pub fn new(doc: Option<String>, doc_type: Option<String>) -> Self {
        let keep = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        DocFilter {
            doc: keep(doc),
            doc_type: keep(doc_type),
        }
    }

    /// Whether the filter lets every document through.
    pub fn is_empty(&self) -> bool {
        self.doc.is_none() && self.doc_type.is_none()
    }

    /// The ids of the documents of `docs` that pass, or `None` when every document does.
    pub fn doc_ids(&self, docs: &[DocInfo]) -> Option<HashSet<String>> {
        if self.is_empty() {
            return None;
        }
        let named: Option<HashSet<usize>> = self
            .doc
            .as_deref()
            .map(|spec| resolve_docs(docs, spec).into_iter().collect());
        let t = self.doc_type.as_deref().map(str::trim);
        Some(
            docs.iter()
                .enumerate()
                .filter(|(i, _)| named.as_ref().is_none_or(|n| n.contains(i)))
                .filter(|(_, d)| t.is_none_or(|t| d.meta.doc_type.as_deref().unwrap_or("") == t))
                .map(|(_, d)| d.id.clone())
                .collect(),
        )
    }

    /// Sets the filter on a search request.
    pub fn apply(&self, req: &mut SearchRequest) {
        req.doc = self.doc.clone();
        req.doc_type = self.doc_type.clone();
    }
}
