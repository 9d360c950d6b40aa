//! Chinese text analysis: folding, jieba segmentation with a domain dictionary, and the
//! tokenizers tantivy indexes with.
//!
//! Three tokenizers, registered under [`WORDS`], [`PARTS`] and [`GRAMS`]:
//!
//! - **words**: jieba's precise cut (no HMM, so it is deterministic) over folded text
//!   ([`fold`]: full-width → half-width, traditional → simplified, lower case), domain terms
//!   kept whole, punctuation and white space dropped. Positions count words, so phrase
//!   slop counts words.
//! - **parts**: the parts of compound words (`革命老区` → `革命`, `老区`), aligned with the
//!   word's own split, so a query for a part finds the compound (`老区`, `沉陷`) without
//!   the false hits of search mode (`境地` is not a part of `边境地区`).
//! - **grams**: the word characters one by one, at consecutive positions, for substring
//!   (infix) matching and exact phrases insensitive to punctuation: a substring is the
//!   phrase of its characters.
//!
//! Offsets are byte offsets into the original text (tantivy's contract), and folding maps
//! one character to one character, so highlights point at the original text.
//!
//! ```
//! use std::sync::Arc;
//! use zhengce::analysis::{Segmenter, WordTokenizer};
//! use tantivy::tokenizer::{TokenStream, Tokenizer};
//! let seg = Arc::new(Segmenter::full("以工代赈").unwrap());
//! let mut tok = WordTokenizer::new(seg);
//! let mut stream = tok.token_stream("推广以工代賑方式。");
//! let mut words = Vec::new();
//! while let Some(t) = stream.next() {
//!     words.push((t.text.clone(), t.offset_from, t.offset_to));
//! }
//! assert_eq!(words[1], ("以工代赈".to_string(), 6, 18));
//! assert!(words.iter().all(|w| w.0 != "。"));
//! ```

mod normalize;
mod segmenter;
mod t2s_table;
mod tokenizers;

pub use normalize::{fold, fold_char, fold_each, fold_width, is_word_char};
pub use segmenter::{DictError, Segmented, Segmenter, Span, Word};
pub use tokenizers::{BufferedStream, GramTokenizer, PartTokenizer, WordTokenizer, grams};

use std::sync::Arc;
use tantivy::tokenizer::TextAnalyzer;

/// Name of the word tokenizer.
pub const WORDS: &str = "zh_words";
/// Name of the compound-parts tokenizer.
pub const PARTS: &str = "zh_parts";
/// Name of the gram tokenizer.
pub const GRAMS: &str = "zh_grams";

/// Registers the three tokenizers on a tantivy tokenizer manager.
pub fn register(manager: &tantivy::tokenizer::TokenizerManager, seg: &Arc<Segmenter>) {
    manager.register(WORDS, TextAnalyzer::from(WordTokenizer::new(seg.clone())));
    manager.register(PARTS, TextAnalyzer::from(PartTokenizer::new(seg.clone())));
    manager.register(GRAMS, TextAnalyzer::from(GramTokenizer::default()));
}
