//! The three tokenizers behind tantivy's traits. Offsets are byte offsets into the
//! original text; positions count tokens.

use super::normalize::{fold, fold_char, is_word_char};
use super::segmenter::{Segmented, Segmenter};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// A token stream over tokens computed up front into a buffer the tokenizer owns.
pub struct BufferedStream<'a> {
    tokens: &'a mut [Token],
    index: usize,
    fallback: Token,
}

impl TokenStream for BufferedStream<'_> {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.tokens
            .get(self.index.saturating_sub(1))
            .unwrap_or(&self.fallback)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.tokens.get_mut(self.index.saturating_sub(1)) {
            Some(t) => t,
            None => &mut self.fallback,
        }
    }
}

/// The tokens of one text. Slots and their strings are reused from text to text: a
/// corpus has tens of millions of tokens, and an allocation each is most of the cost.
#[derive(Clone, Default)]
struct TokenBuf {
    tokens: Vec<Token>,
    len: usize,
}

impl TokenBuf {
    fn clear(&mut self) {
        // A long text leaves many slots; do not keep them all for the next short one.
        if self.tokens.len() > 65_536 {
            self.tokens.truncate(4096);
            self.tokens.shrink_to_fit();
        }
        self.len = 0;
    }

    fn push(&mut self, text: &str, from: usize, to: usize, position: usize) {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        if let Some(t) = self.tokens.get_mut(self.len) {
            t.text.clear();
            t.text.push_str(text);
            t.offset_from = from;
            t.offset_to = to;
            t.position = position;
            t.position_length = 1;
            self.len += 1;
        }
    }

    fn stream(&mut self) -> BufferedStream<'_> {
        let len = self.len.min(self.tokens.len());
        BufferedStream {
            tokens: &mut self.tokens[..len],
            index: 0,
            fallback: Token::default(),
        }
    }
}

thread_local! {
    /// The last text segmented on this thread and its words: the words field and the
    /// parts field of one passage segment the same text, one after the other.
    /// Keyed by the dictionary's hash too: one thread may use several dictionaries.
    static LAST: RefCell<(String, String, Segmented)> =
        RefCell::new((String::new(), String::new(), Segmented::default()));
    /// Short texts already segmented on this thread: headings and labels, which every
    /// passage under them repeats.
    static SHORT: RefCell<(String, FxHashMap<String, Segmented>)> =
        RefCell::new((String::new(), FxHashMap::default()));
}

/// Texts up to this many bytes go to the cache of short texts.
const SHORT_TEXT: usize = 120;

/// Runs `f` on the words of `text`, segmenting it unless it was the last text segmented
/// on this thread, or a short text seen before.
fn with_words<R>(seg: &Segmenter, text: &str, f: impl FnOnce(&Segmented) -> R) -> R {
    if text.len() <= SHORT_TEXT {
        return SHORT.with(|c| match c.try_borrow_mut() {
            Ok(mut c) => {
                let (dict, c) = &mut *c;
                if c.len() >= 8192 || dict != seg.hash() {
                    c.clear();
                    dict.clear();
                    dict.push_str(seg.hash());
                }
                if !c.contains_key(text) {
                    let mut words = Segmented::default();
                    seg.segment_into(text, &mut words);
                    c.insert(text.to_string(), words);
                }
                match c.get(text) {
                    Some(words) => f(words),
                    None => f(&Segmented::default()),
                }
            }
            Err(_) => {
                let mut words = Segmented::default();
                seg.segment_into(text, &mut words);
                f(&words)
            }
        });
    }
    LAST.with(|c| match c.try_borrow_mut() {
        Ok(mut c) => {
            let (dict, last, words) = &mut *c;
            if last != text || dict != seg.hash() {
                seg.segment_into(text, words);
                last.clear();
                last.push_str(text);
                dict.clear();
                dict.push_str(seg.hash());
            }
            f(words)
        }
        // Re-entered (cannot happen: tokenizers do not nest): segment without the cache.
        Err(_) => {
            let mut words = Segmented::default();
            seg.segment_into(text, &mut words);
            f(&words)
        }
    })
}

/// Words in jieba's precise mode: `以工代赈`, `易地扶贫搬迁` whole (domain dictionary),
/// no punctuation or white space, one position per word.
#[derive(Clone)]
pub struct WordTokenizer {
    seg: Arc<Segmenter>,
    buf: TokenBuf,
}

impl WordTokenizer {
    /// A tokenizer over `seg`.
    pub fn new(seg: Arc<Segmenter>) -> Self {
        WordTokenizer {
            seg,
            buf: TokenBuf::default(),
        }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = BufferedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedStream<'a> {
        let buf = &mut self.buf;
        buf.clear();
        with_words(&self.seg, text, |words| {
            for (pos, s) in words.spans.iter().enumerate() {
                buf.push(words.word(s), s.byte_start, s.byte_end, pos);
            }
        });
        buf.stream()
    }
}

/// The parts of compound words (see [`Segmenter::components`]) at their word's position:
/// `革命老区` gives `革命`, `老区`. Lets a query for a part find the compound without the
/// false hits of jieba's search mode (`境地` inside `边境地区`).
#[derive(Clone)]
pub struct PartTokenizer {
    seg: Arc<Segmenter>,
    buf: TokenBuf,
    /// Parts of words already split, as byte ranges of the folded word (words repeat a
    /// lot in a corpus).
    cache: FxHashMap<String, Vec<(usize, usize)>>,
}

impl PartTokenizer {
    /// A tokenizer over `seg`.
    pub fn new(seg: Arc<Segmenter>) -> Self {
        PartTokenizer {
            seg,
            buf: TokenBuf::default(),
            cache: FxHashMap::default(),
        }
    }
}

impl Tokenizer for PartTokenizer {
    type TokenStream<'a> = BufferedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedStream<'a> {
        let PartTokenizer { seg, buf, cache } = self;
        buf.clear();
        if cache.len() > 200_000 {
            cache.clear();
        }
        with_words(seg, text, |words| {
            for (pos, s) in words.spans.iter().enumerate() {
                if s.char_end - s.char_start < 3 {
                    continue;
                }
                let word = words.word(s);
                let parts = match cache.get(word) {
                    Some(p) => p,
                    None => {
                        // Char ranges → byte ranges of the folded word.
                        let mut bytes: Vec<usize> = word.char_indices().map(|(b, _)| b).collect();
                        bytes.push(word.len());
                        let p: Vec<(usize, usize)> = seg
                            .components(word)
                            .into_iter()
                            .filter_map(|(i, j)| Some((*bytes.get(i)?, *bytes.get(j)?)))
                            .collect();
                        cache.entry(word.to_string()).or_insert(p)
                    }
                };
                if parts.is_empty() {
                    continue;
                }
                let Some(orig) = text.get(s.byte_start..s.byte_end) else {
                    continue; // cannot happen: the spans are the text's
                };
                if orig == word {
                    // Folding changed nothing: the folded offsets are the original ones.
                    for &(i, j) in parts {
                        if let Some(part) = word.get(i..j) {
                            buf.push(part, s.byte_start + i, s.byte_start + j, pos);
                        }
                    }
                    continue;
                }
                // Byte offsets of the word's characters in the original text (folding
                // keeps characters, not always their byte lengths).
                let folded_chars = word.char_indices().map(|(b, _)| b);
                let map: Vec<(usize, usize)> = folded_chars
                    .zip(orig.char_indices().map(|(b, _)| b))
                    .chain(std::iter::once((word.len(), orig.len())))
                    .collect();
                let to_orig = |fb: usize| {
                    map.iter()
                        .find(|(f, _)| *f == fb)
                        .map(|(_, o)| s.byte_start + o)
                };
                for &(i, j) in parts {
                    if let (Some(from), Some(to), Some(part)) =
                        (to_orig(i), to_orig(j), word.get(i..j))
                    {
                        buf.push(part, from, to, pos);
                    }
                }
            }
        });
        buf.stream()
    }
}

/// Characters: every word character (folded; punctuation and spaces skipped) at
/// consecutive positions, so that a phrase of characters finds any substring, across
/// punctuation too: `宜农则农、宜粮` gives `宜`, `农`, `则`, `农`, `宜`, `粮`.
///
/// Characters, not bigrams: a corpus has a few thousand distinct characters but millions of
/// distinct bigrams, and tantivy's indexing cost per token is mostly the lookup of its term
/// in the segment's hash table: with characters the table stays in the CPU's cache (the
/// 58 MB laws corpus indexes ≈ 5 CPU-seconds faster).
#[derive(Clone, Default)]
pub struct GramTokenizer {
    buf: TokenBuf,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = BufferedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedStream<'a> {
        let GramTokenizer { buf } = self;
        buf.clear();
        let mut pos = 0;
        let mut one = [0u8; 4];
        for (b, o) in text.char_indices() {
            let f = fold_char(o);
            if is_word_char(f) {
                buf.push(f.encode_utf8(&mut one), b, b + o.len_utf8(), pos);
                pos += 1;
            }
        }
        buf.stream()
    }
}

/// The grams of a query string for a phrase: its folded word characters, one each.
pub fn grams(text: &str) -> Vec<String> {
    fold(text)
        .chars()
        .filter(|c| is_word_char(*c))
        .map(String::from)
        .collect()
}
