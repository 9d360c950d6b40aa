//! The tantivy schema over passages, and the stored form of a passage ([`stored`]).

pub mod stored;

use crate::analysis::{GRAMS, PARTS, WORDS};
use crate::corpus::Passage;
use crate::corpus::path::{self, Slot};
use crate::{Error, Result};
use tantivy::schema::document::{
    DeserializeError, DocumentDeserialize, DocumentDeserializer, ValueDeserialize,
    ValueDeserializer, ValueVisitor,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DocAddress, Searcher, TantivyDocument, doc};

/// Handles of the schema's fields, built once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Passage id (exact).
    pub id: Field,
    /// Document id (exact).
    pub doc: Field,
    /// `preface` / `paragraph` / `sidebar`.
    pub kind: Field,
    /// Chapter number (0: none).
    pub chapter: Field,
    /// Global position in document order.
    pub seq: Field,
    /// The passage text, as words (positions: phrase and proximity).
    pub text: Field,
    /// Parts of the compound words of the text.
    pub parts: Field,
    /// The characters of the text (substrings, exact phrases; see `GramTokenizer`).
    pub grams: Field,
    /// The lead sentence (or a sidebar item's label), as words.
    pub lead: Field,
    /// Section and sidebar titles, as words: a word under a heading matches.
    pub titles: Field,
    /// The same titles, only on the first passage of each section and sidebar, where
    /// the heading begins (a query naming a heading ranks its opening first).
    pub entry: Field,
    /// The entry titles as character grams: the whole query inside a heading.
    pub entry_grams: Field,
    /// The entry titles whole (folded, word characters only), for a query that is a
    /// heading's title.
    pub entry_exact: Field,
    /// Section and sidebar titles as character grams (substrings of headings).
    pub title_grams: Field,
    /// The chapter title, as words (a ranking signal only).
    pub chapter_title: Field,
    /// The passage in its stored form ([`stored`]; stored only, the one stored field).
    pub passage: Field,
    /// The document's kind (`法律`, `规划`…; exact).
    pub doc_type: Field,
    /// The document's position in the index's document list (facets).
    pub docn: Field,
    /// The passage's place among the dated versions of its law (0: the document has no
    /// other version): equal for the same passage of every version, so that a search
    /// counts it once.
    pub fold: Field,
}

fn text_field(tokenizer: &str, positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// The schema and its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING),
        doc: b.add_text_field("doc", STRING),
        kind: b.add_text_field("kind", STRING),
        chapter: b.add_u64_field("chapter", INDEXED | FAST),
        seq: b.add_u64_field("seq", INDEXED | FAST),
        text: b.add_text_field("text", text_field(WORDS, true)),
        parts: b.add_text_field("parts", text_field(PARTS, false)),
        grams: b.add_text_field("grams", text_field(GRAMS, true)),
        lead: b.add_text_field("lead", text_field(WORDS, false)),
        titles: b.add_text_field("titles", text_field(WORDS, false)),
        entry: b.add_text_field("entry", text_field(WORDS, false)),
        entry_grams: b.add_text_field("entry_grams", text_field(GRAMS, true)),
        title_grams: b.add_text_field("title_grams", text_field(GRAMS, true)),
        entry_exact: b.add_text_field("entry_exact", STRING),
        chapter_title: b.add_text_field("chapter_title", text_field(WORDS, false)),
        passage: b.add_text_field("passage", STORED),
        doc_type: b.add_text_field("type", STRING),
        docn: b.add_u64_field("docn", INDEXED | FAST),
        fold: b.add_u64_field("fold", FAST),
    };
    (b.build(), fields)
}

/// The `fold` value of passage `p` of a document whose versions share `versions`: a
/// hash of the key and of the passage id after the document id (never 0).
pub fn fold_key(versions: &str, p: &Passage) -> u64 {
    use std::hash::{Hash, Hasher};
    let suffix = p.id.strip_prefix(p.doc.as_str()).unwrap_or(&p.id);
    // Only compared within one index, so std's hasher (stable for one build of the
    // program) is enough.
    let mut h = std::hash::DefaultHasher::new();
    versions.hash(&mut h);
    suffix.hash(&mut h);
    h.finish() | 1
}

/// Folded word characters only: how whole titles are compared with whole queries.
pub fn compact(s: &str) -> String {
    crate::analysis::fold(s)
        .chars()
        .filter(|c| crate::analysis::is_word_char(*c))
        .collect()
}

impl Fields {
    /// The handles of an opened index's schema; an error names a missing field.
    pub fn from_schema(schema: &Schema) -> std::result::Result<Self, String> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| format!("field {name:?} missing from the schema"))
        };
        Ok(Fields {
            id: f("id")?,
            doc: f("doc")?,
            kind: f("kind")?,
            chapter: f("chapter")?,
            seq: f("seq")?,
            text: f("text")?,
            parts: f("parts")?,
            grams: f("grams")?,
            lead: f("lead")?,
            titles: f("titles")?,
            entry: f("entry")?,
            entry_grams: f("entry_grams")?,
            title_grams: f("title_grams")?,
            entry_exact: f("entry_exact")?,
            chapter_title: f("chapter_title")?,
            passage: f("passage")?,
            doc_type: f("type")?,
            docn: f("docn")?,
            fold: f("fold")?,
        })
    }

    /// The tantivy document of a passage of the `docn`-th document, of kind `doc_type`;
    /// `versions` is the key shared by the dated versions of the document when it has
    /// others (see [`fold_key`]).
    pub fn library_document(
        &self,
        p: &Passage,
        seq: u64,
        opens_heading: bool,
        docn: u64,
        doc_type: &str,
        versions: Option<&str>,
    ) -> Result<TantivyDocument> {
        let mut d = self.document(p, seq, opens_heading)?;
        d.add_text(self.doc_type, doc_type);
        d.add_u64(self.docn, docn);
        d.add_u64(self.fold, versions.map_or(0, |k| fold_key(k, p)));
        for h in path::innermost(&p.path) {
            if matches!(h.kind.row().slot, Slot::Part | Slot::Item) {
                d.add_text(self.titles, &h.title);
            }
        }
        Ok(d)
    }

    /// The tantivy document of a passage.
    pub fn document(&self, p: &Passage, seq: u64, opens_heading: bool) -> Result<TantivyDocument> {
        let mut d = doc!(
            self.id => p.id.as_str(),
            self.doc => p.doc.as_str(),
            self.kind => p.kind.as_str(),
            self.chapter => u64::from(p.chapter_number().unwrap_or(0)),
            self.seq => seq,
            self.text => p.text.as_str(),
            self.parts => p.text.as_str(),
            self.grams => p.text.as_str(),
            self.passage => stored::encode(p),
        );
        if let Some(lead) = &p.lead {
            d.add_text(self.lead, lead);
        }
        for h in path::innermost(&p.path) {
            match h.kind.row().slot {
                Slot::Chapter => {
                    d.add_text(self.chapter_title, &h.title);
                    continue;
                }
                Slot::Section | Slot::Sidebar => {}
                _ => continue,
            }
            // The label too, so that `专栏1` or `第三节` can be searched.
            let labelled = format!("{} {}", h.label, h.title);
            d.add_text(self.titles, &labelled);
            d.add_text(self.title_grams, &h.title);
            if opens_heading {
                d.add_text(self.entry, &labelled);
                d.add_text(self.entry_grams, &h.title);
                d.add_text(self.entry_exact, compact(&h.title));
            }
        }
        Ok(d)
    }
}

impl Fields {
    /// The passage stored at `addr` (decoded from its [`stored`] form alone: no other
    /// field is stored).
    pub fn stored_passage(&self, searcher: &Searcher, addr: DocAddress) -> Result<Passage> {
        let StoredText(text) = searcher.doc(addr)?;
        let text = text.ok_or_else(|| Error::Damaged("stored passage missing".into()))?;
        stored::decode(&text)
    }
}

/// The first stored text of a document: the passage, the one stored field.
struct StoredText(Option<String>);

impl DocumentDeserialize for StoredText {
    fn deserialize<'de, D>(mut d: D) -> std::result::Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut found = None;
        while let Some((_, TextOnly(v))) = d.next_field::<TextOnly>()? {
            if found.is_none() {
                found = v;
            }
        }
        Ok(StoredText(found))
    }
}

/// A stored value: its text, or `None` for a value of another type (skipped).
struct TextOnly(Option<String>);

impl ValueDeserialize for TextOnly {
    fn deserialize<'de, D>(d: D) -> std::result::Result<Self, DeserializeError>
    where
        D: ValueDeserializer<'de>,
    {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl ValueVisitor for TextVisitor {
    type Value = TextOnly;
    fn visit_string(&self, v: String) -> std::result::Result<TextOnly, DeserializeError> {
        Ok(TextOnly(Some(v)))
    }
    fn visit_bytes(&self, _: Vec<u8>) -> std::result::Result<TextOnly, DeserializeError> {
        Ok(TextOnly(None))
    }
    fn visit_u64(&self, _: u64) -> std::result::Result<TextOnly, DeserializeError> {
        Ok(TextOnly(None))
    }
    fn visit_i64(&self, _: i64) -> std::result::Result<TextOnly, DeserializeError> {
        Ok(TextOnly(None))
    }
    fn visit_f64(&self, _: f64) -> std::result::Result<TextOnly, DeserializeError> {
        Ok(TextOnly(None))
    }
    fn visit_bool(&self, _: bool) -> std::result::Result<TextOnly, DeserializeError> {
        Ok(TextOnly(None))
    }
}
