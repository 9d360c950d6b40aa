//! The three tokenizers behind tantivy's traits. Offsets are byte offsets into the
//! original text; positions count tokens.

use super::normalize::{fold, is_word_char};
use super::segmenter::{Segmenter, Word};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// A token stream over tokens computed up front into a buffer the tokenizer owns.
pub struct BufferedStream<'a> {
    tokens: &'a mut Vec<Token>,
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

fn push(tokens: &mut Vec<Token>, text: String, from: usize, to: usize, position: usize) {
    tokens.push(Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    });
}

thread_local! {
    /// The last text segmented on this thread and its words: the words field and the
    /// parts field of one passage segment the same text, one after the other.
    static LAST_WORDS: RefCell<(String, Vec<Word>)> = const { RefCell::new((String::new(), Vec::new())) };
}

/// The words of `text`, from the per-thread cache when it was the last text segmented.
fn words_cached(seg: &Segmenter, text: &str) -> Vec<Word> {
    let hit = LAST_WORDS.with(|c| {
        let c = c.borrow();
        (c.0 == text).then(|| c.1.clone())
    });
    if let Some(w) = hit {
        return w;
    }
    let words = seg.words(text);
    // Only passages are worth caching (queries and short titles are cheap).
    if text.len() > 64 {
        LAST_WORDS.with(|c| {
            let mut c = c.borrow_mut();
            c.0.clear();
            c.0.push_str(text);
            c.1 = words.clone();
        });
    }
    words
}

/// Words in jieba's precise mode: `以工代赈`, `易地扶贫搬迁` whole (domain dictionary),
/// no punctuation or white space, one position per word.
#[derive(Clone)]
pub struct WordTokenizer {
    seg: Arc<Segmenter>,
    buf: Vec<Token>,
}

impl WordTokenizer {
    /// A tokenizer over `seg`.
    pub fn new(seg: Arc<Segmenter>) -> Self {
        WordTokenizer {
            seg,
            buf: Vec::new(),
        }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = BufferedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedStream<'a> {
        self.buf.clear();
        for (pos, w) in words_cached(&self.seg, text).into_iter().enumerate() {
            push(&mut self.buf, w.text, w.byte_start, w.byte_end, pos);
        }
        BufferedStream {
            tokens: &mut self.buf,
            index: 0,
            fallback: Token::default(),
        }
    }
}

/// The parts of compound words (see [`Segmenter::components`]) at their word's position:
/// `革命老区` gives `革命`, `老区`. Lets a query for a part find the compound without the
/// false hits of jieba's search mode (`境地` inside `边境地区`).
#[derive(Clone)]
pub struct PartTokenizer {
    seg: Arc<Segmenter>,
    buf: Vec<Token>,
    /// Parts of words already split (words repeat a lot in a corpus).
    cache: HashMap<String, Vec<(usize, usize)>>,
}

impl PartTokenizer {
    /// A tokenizer over `seg`.
    pub fn new(seg: Arc<Segmenter>) -> Self {
        PartTokenizer {
            seg,
            buf: Vec::new(),
            cache: HashMap::new(),
        }
    }
}

impl Tokenizer for PartTokenizer {
    type TokenStream<'a> = BufferedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedStream<'a> {
        self.buf.clear();
        if self.cache.len() > 200_000 {
            self.cache.clear();
        }
        for (pos, w) in words_cached(&self.seg, text).into_iter().enumerate() {
            if w.char_end - w.char_start < 3 {
                continue;
            }
            let parts = match self.cache.get(&w.text) {
                Some(p) => p.clone(),
                None => {
                    let p = self.seg.components(&w.text);
                    self.cache.insert(w.text.clone(), p.clone());
                    p
                }
            };
            if parts.is_empty() {
                continue;
            }
            let chars: Vec<char> = w.text.chars().collect();
            let orig = &text[w.byte_start..w.byte_end];
            let mut obytes: Vec<usize> = orig.char_indices().map(|(b, _)| b).collect();
            obytes.push(orig.len());
            for (i, j) in parts {
                if j >= obytes.len() {
                    continue;
                }
                push(
                    &mut self.buf,
                    chars[i..j].iter().collect(),
                    w.byte_start + obytes[i],
                    w.byte_start + obytes[j],
                    pos,
                );
            }
        }
        BufferedStream {
            tokens: &mut self.buf,
            index: 0,
            fallback: Token::default(),
        }
    }
}

/// Character unigrams and bigrams over the word characters (punctuation and spaces
/// skipped): `宜农则农、宜粮` gives `宜`, `宜农`, `农`, `农则`, … `农宜` … at consecutive
/// positions, so a phrase of bigrams finds any substring, across punctuation.
#[derive(Clone, Default)]
pub struct GramTokenizer {
    buf: Vec<Token>,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = BufferedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedStream<'a> {
        self.buf.clear();
        let folded = fold(text);
        let kept: Vec<(usize, usize, char)> = text
            .char_indices()
            .zip(folded.chars())
            .filter(|(_, f)| is_word_char(*f))
            .map(|((b, o), f)| (b, b + o.len_utf8(), f))
            .collect();
        for (pos, &(from, to, c)) in kept.iter().enumerate() {
            push(&mut self.buf, c.to_string(), from, to, pos);
            if let Some(&(_, to2, c2)) = kept.get(pos + 1) {
                let mut s = String::with_capacity(8);
                s.push(c);
                s.push(c2);
                push(&mut self.buf, s, from, to2, pos);
            }
        }
        BufferedStream {
            tokens: &mut self.buf,
            index: 0,
            fallback: Token::default(),
        }
    }
}

/// The grams of a query string for a phrase: the folded word characters as bigrams (or
/// the single unigram for a one-character string).
pub fn grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = fold(text).chars().filter(|c| is_word_char(*c)).collect();
    match chars.len() {
        0 => Vec::new(),
        1 => vec![chars[0].to_string()],
        _ => chars.windows(2).map(|w| w.iter().collect()).collect(),
    }
}
