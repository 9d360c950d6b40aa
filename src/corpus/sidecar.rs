//! The optional per-document sidecar: facts the raw text cannot tell.
//!
//! Beside `corpus/NAME.txt` may stand `corpus/NAME.json`:
//!
//! ```json
//! { "id": "tese2021", "sidebar_titles": { "专栏1": "革命老区重点城市" } }
//! ```
//!
//! - `id`: the document's short id used in passage ids (default: a slug of the file name);
//! - `sidebar_titles`: overrides for sidebar titles, used only where the rule in the
//!   plan parser cannot tell the title from the first item.
//!
//! The parser works without a sidecar.

use super::CorpusError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Optional per-document facts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    /// The document's short id.
    pub id: Option<String>,
    /// Sidebar title overrides, by label (`专栏1`).
    #[serde(default)]
    pub sidebar_titles: BTreeMap<String, String>,
}

impl Sidecar {
    /// Reads the sidecar that belongs to the corpus file `path`, if there is one.
    pub fn load_for(path: &Path) -> Result<Self, CorpusError> {
        let side = path.with_extension("json");
        if !side.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&side).map_err(|source| CorpusError::Io {
            path: side.clone(),
            source,
        })?;
        let sidecar: Sidecar = serde_json::from_str(&text).map_err(|e| CorpusError::Parse {
            file: side.display().to_string(),
            message: format!("invalid sidecar: {e}"),
        })?;
        if let Some(id) = &sidecar.id
            && (id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(CorpusError::Parse {
                file: side.display().to_string(),
                message: format!("id {id:?} must be non-empty ASCII letters, digits, - or _"),
            });
        }
        Ok(sidecar)
    }
}
