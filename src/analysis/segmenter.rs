//! Word segmentation with jieba over folded text, offsets mapped back to the original.

use super::normalize::{fold, is_word_char};
use jieba_rs::Jieba;
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::io::BufReader;

/// jieba's general dictionary (from jieba-rs, MIT), embedded in the binary.
const BASE_DICT: &str = include_str!("../../data/jieba-dict.txt");

/// A word padding the compiled dictionary's total frequency, made of private-use
/// characters that never occur in text.
const PADDING_WORD: &str = "\u{F8FF}\u{F8FE}\u{F8FD}";

/// One word of segmented text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The folded word (what is indexed and matched).
    pub text: String,
    /// Byte offset of the word in the original text.
    pub byte_start: usize,
    /// Byte offset one past the word in the original text.
    pub byte_end: usize,
    /// Character offset of the word in the original text.
    pub char_start: usize,
    /// Character offset one past the word.
    pub char_end: usize,
}

/// A text segmented by [`Segmenter::segment_into`]: its folded form and its words' spans.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    /// The folded text (as many characters as the original).
    pub folded: String,
    /// The words, in order.
    pub spans: Vec<Span>,
    /// Scratch: byte offset of each character of the original text, plus its length.
    orig: Vec<usize>,
}

impl Segmented {
    /// The folded text of a word.
    pub fn word(&self, s: &Span) -> &str {
        self.folded.get(s.folded_start..s.folded_end).unwrap_or("")
    }
}

/// Where one word of a [`Segmented`] text lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte range of the word in the folded text.
    pub folded_start: usize,
    /// End of that byte range.
    pub folded_end: usize,
    /// Byte offset of the word in the original text.
    pub byte_start: usize,
    /// Byte offset one past the word in the original text.
    pub byte_end: usize,
    /// Character offset of the word.
    pub char_start: usize,
    /// Character offset one past the word.
    pub char_end: usize,
}

/// The start of [`roll`].
const HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// One step of the rolling hash of a character sequence (FxHash's mixing).
#[inline]
fn roll(h: u64, c: char) -> u64 {
    (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// The entries of [`first_chars`]: a character that begins no dictionary word, one that
/// begins words but is not one itself, and one to look up in the hash table (a word index
/// too large for the table); any other value is the index of the word.
const FIRST_NONE: u32 = u32::MAX;
const FIRST_PREFIX: u32 = u32::MAX - 1;
const FIRST_ASK: u32 = u32::MAX - 2;

/// The characters of the Basic Multilingual Plane.
const FIRST_LEN: usize = 0x1_0000;

/// The table of [`Segmenter::compile_for`]'s scan for candidates of one character, indexed
/// by the character: what `table` holds for it (a word's index, a prefix only, nothing), in
/// one load from a table that stays in the processor's cache instead of a hash probe.
fn first_chars(table: &FxHashMap<u64, Option<u32>>) -> Vec<u32> {
    (0..FIRST_LEN as u32)
        .map(|code| {
            let Some(c) = char::from_u32(code) else {
                return FIRST_NONE;
            };
            match table.get(&roll(HASH_SEED, c)) {
                Some(Some(k)) if *k < FIRST_ASK => *k,
                Some(Some(_)) => FIRST_ASK,
                Some(None) => FIRST_PREFIX,
                None => FIRST_NONE,
            }
        })
        .collect()
}

/// Marks in `used` every dictionary word (by its index in `table`) that occurs in
/// `chars`: from every character, the candidate grows while `table` holds it as a word or
/// as a prefix of one, up to `longest` characters; `first` answers for the first character
/// (see [`first_chars`]).
fn scan(
    chars: &[char],
    first: &[u32],
    table: &FxHashMap<u64, Option<u32>>,
    longest: usize,
    used: &mut [bool],
) {
    let mut mark = |k: u32| {
        if let Some(u) = used.get_mut(k as usize) {
            *u = true;
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        let mut h = roll(HASH_SEED, c);
        let entry = match first.get(c as usize) {
            Some(&FIRST_NONE) => None,
            Some(&FIRST_PREFIX) => Some(None),
            Some(&FIRST_ASK) | None => table.get(&h).copied(),
            Some(&k) => Some(Some(k)),
        };
        match entry {
            Some(Some(k)) => mark(k),
            Some(None) => {}
            None => continue,
        }
        for &c in chars.iter().skip(i + 1).take(longest.saturating_sub(1)) {
            h = roll(h, c);
            match table.get(&h) {
                Some(Some(k)) => mark(*k),
                Some(None) => {}
                None => break,
            }
        }
    }
}

/// What went wrong building a segmenter.
#[derive(Debug, thiserror::Error)]
pub enum DictError {
    /// A dictionary line could not be read.
    #[error("invalid dictionary: {0}")]
    Invalid(String),
}

/// jieba with a domain dictionary, deterministic (no HMM), over folded text.
///
/// Build it once (it holds the dictionary) and share it behind an `Arc`.
pub struct Segmenter {
    jieba: Jieba,
    /// Frequencies and tags, kept only by a full segmenter, to compile a reduced one.
    entries: Option<FxHashMap<String, (usize, String)>>,
    hash: String,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter")
            .field("hash", &self.hash)
            .finish()
    }
}

impl Segmenter {
    /// jieba's general dictionary plus the domain terms in `domain` (one per line:
    /// `word [freq] [tag]`, `#` comments).
    pub fn full(domain: &str) -> Result<Self, DictError> {
        let mut entries: FxHashMap<String, (usize, String)> =
            FxHashMap::with_capacity_and_hasher(360_000, Default::default());
        for line in BASE_DICT.lines() {
            let mut it = line.split_whitespace();
            if let (Some(w), Some(f)) = (it.next(), it.next()) {
                let f: usize = f
                    .parse()
                    .map_err(|_| DictError::Invalid(format!("base dictionary line {line:?}")))?;
                entries.insert(w.to_string(), (f, it.next().unwrap_or("").to_string()));
            }
        }
        let mut jieba = Jieba::empty();
        jieba
            .load_dict(&mut BufReader::new(BASE_DICT.as_bytes()))
            .map_err(|e| DictError::Invalid(e.to_string()))?;
        for (n, line) in domain.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut it = line.split_whitespace();
            let Some(word) = it.next() else { continue };
            let word = fold(word);
            let freq = match it.next() {
                Some(f) => Some(f.parse::<usize>().map_err(|_| {
                    DictError::Invalid(format!("domain dictionary line {}: {line:?}", n + 1))
                })?),
                None => None,
            };
            let tag = it.next().unwrap_or("n").to_string();
            let freq = jieba.add_word(&word, freq, Some(&tag));
            entries.insert(word, (freq, tag));
        }
        Ok(Segmenter {
            jieba,
            entries: Some(entries),
            hash: Self::hash_for(domain),
        })
    }

    /// Adds `terms` (folded words) to a full segmenter as words of their own, as a domain
    /// dictionary line without a frequency would; the hash stays that of the files it was
    /// built from (the terms come from the corpus, which the index stamps itself).
    pub fn add_terms<'a>(&mut self, terms: impl IntoIterator<Item = &'a str>) {
        for word in terms {
            let freq = self.jieba.add_word(word, None, Some("n"));
            if let Some(e) = self.entries.as_mut() {
                e.insert(word.to_string(), (freq, "n".to_string()));
            }
        }
    }

    /// The hash of the dictionary made of the embedded base dictionary and `domain`. The
    /// base dictionary is part of the binary, so its size and a sample stand for it.
    pub fn hash_for(domain: &str) -> String {
        let mut h = Sha256::new();
        h.update(b"zhengce-dict-v1\n");
        h.update(BASE_DICT.len().to_le_bytes());
        h.update(&BASE_DICT.as_bytes()[..BASE_DICT.len().min(4096)]);
        h.update(b"\n--domain--\n");
        h.update(domain.as_bytes());
        hex::encode(&h.finalize()[..16])
    }

    /// A segmenter from a dictionary written by [`Segmenter::compile_for`].
    pub fn from_compiled(dict: &str, hash: &str) -> Result<Self, DictError> {
        let mut jieba = Jieba::empty();
        jieba
            .load_dict(&mut BufReader::new(dict.as_bytes()))
            .map_err(|e| DictError::Invalid(e.to_string()))?;
        // Frequencies too, so compound parts are split as at index time.
        let mut entries: FxHashMap<String, (usize, String)> =
            FxHashMap::with_capacity_and_hasher(dict.lines().count(), Default::default());
        for line in dict.lines() {
            let mut it = line.split_whitespace();
            if let (Some(w), Some(f)) = (it.next(), it.next())
                && let Ok(f) = f.parse::<usize>()
            {
                entries.insert(w.to_string(), (f, it.next().unwrap_or("").to_string()));
            }
        }
        Ok(Segmenter {
            jieba,
            entries: Some(entries),
            hash: hash.to_string(),
        })
    }

    /// The hash of the dictionary this segmenter was built from (base + domain).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Whether `word` (folded) is a dictionary word.
    pub fn has_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// Writes the part of the dictionary that `texts` can use: every dictionary word that
    /// occurs in them, with its frequency, plus one padding entry that keeps the total
    /// frequency, so that segmenting any of `texts` (or any text made only of their
    /// dictionary words) gives the same words as the full dictionary. Loading it takes
    /// a millisecond instead of the full dictionary's ~70 ms.
    ///
    /// From every character, the scan extends a candidate one character at a time while
    /// it is a prefix of some dictionary word. Candidates are compared by a 64-bit rolling
    /// hash, not as strings: a collision can only add a word that does not occur, and a
    /// superset of the words the texts use keeps their segmentation the same. It runs on
    /// up to 4 threads: the 58 MB laws corpus takes about a second.
    pub fn compile_for<'a>(&self, texts: impl Iterator<Item = &'a str>) -> Option<String> {
        use std::collections::BTreeMap;
        let entries = self.entries.as_ref()?;
        let total: usize = entries.values().map(|e| e.0).sum();
        let words: Vec<(&str, &(usize, String))> =
            entries.iter().map(|(k, v)| (k.as_str(), v)).collect();
        // Rolling hash of every dictionary word and of every proper prefix of one:
        // `Some(i)` for the i-th word, `None` for a prefix only.
        let mut table: FxHashMap<u64, Option<u32>> =
            FxHashMap::with_capacity_and_hasher(words.len() * 2, Default::default());
        let mut longest = 0;
        for (i, (w, _)) in words.iter().enumerate() {
            let mut h = HASH_SEED;
            let mut n = 0;
            let mut chars = w.chars().peekable();
            while let Some(c) = chars.next() {
                h = roll(h, c);
                n += 1;
                if chars.peek().is_some() {
                    table.entry(h).or_insert(None);
                }
            }
            longest = longest.max(n);
            table.insert(h, u32::try_from(i).ok());
        }
        let first = first_chars(&table);
        let texts: Vec<&str> = texts.collect();
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let chunk = texts.len().div_ceil(threads).max(1);
        let found: Vec<Vec<bool>> = std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .chunks(chunk)
                .map(|part| {
                    let table = &table;
                    let first = &first;
                    let n = words.len();
                    s.spawn(move || {
                        let mut used = vec![false; n];
                        let mut chars: Vec<char> = Vec::new();
                        for text in part {
                            chars.clear();
                            chars.extend(text.chars().map(super::normalize::fold_char));
                            scan(&chars, first, table, longest, &mut used);
                        }
                        used
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        let mut used: BTreeMap<&str, &(usize, String)> = BTreeMap::new();
        for set in found {
            for (i, u) in set.into_iter().enumerate() {
                if u && let Some(&(w, e)) = words.get(i) {
                    used.insert(w, e);
                }
            }
        }
        let sum: usize = used.values().map(|e| e.0).sum();
        let mut out = String::with_capacity(used.len() * 16);
        for (w, (f, tag)) in used {
            out.push_str(&format!("{w} {f} {tag}\n"));
        }
        out.push_str(&format!(
            "{PADDING_WORD} {} x\n",
            total.saturating_sub(sum).max(1)
        ));
        Some(out)
    }

    /// Segments `text` into words: folded, punctuation and white space dropped, offsets
    /// into the original `text`.
    pub fn words(&self, text: &str) -> Vec<Word> {
        let mut seg = Segmented::default();
        self.segment_into(text, &mut seg);
        seg.spans
            .iter()
            .map(|s| Word {
                text: seg.word(s).to_string(),
                byte_start: s.byte_start,
                byte_end: s.byte_end,
                char_start: s.char_start,
                char_end: s.char_end,
            })
            .collect()
    }

    /// [`Segmenter::words`] without an allocation per word: the folded text and the
    /// spans of its words, written into `out` (its buffers are reused).
    pub fn segment_into(&self, text: &str, out: &mut Segmented) {
        out.folded.clear();
        out.folded
            .extend(text.chars().map(super::normalize::fold_char));
        out.spans.clear();
        // Byte offsets of each char in the original and in the folded text, plus the end.
        out.orig.clear();
        out.orig.extend(text.char_indices().map(|(b, _)| b));
        out.orig.push(text.len());
        let Segmented {
            folded,
            spans,
            orig,
        } = out;
        for t in self.jieba.cut(folded, false) {
            if !t.word.chars().any(is_word_char) {
                continue;
            }
            let (Some(&byte_start), Some(&byte_end)) = (orig.get(t.start), orig.get(t.end)) else {
                continue; // cannot happen: same char count
            };
            spans.push(Span {
                folded_start: t.byte_start,
                folded_end: t.byte_end,
                byte_start,
                byte_end,
                char_start: t.start,
                char_end: t.end,
            });
        }
    }

    /// The parts of a compound word, recursively: `边境地区` → `边境`, `地区`;
    /// `生态退化地区` → `生态退化`, `地区`, `生态`, `退化`. A word is split into the fewest
    /// dictionary words of at least two characters (single characters fill gaps and are
    /// not returned), so `境地` is not a part of `边境地区`.
    pub fn components(&self, word: &str) -> Vec<(usize, usize)> {
        let chars: Vec<char> = word.chars().collect();
        let mut out = Vec::new();
        self.components_into(&chars, 0, chars.len(), &mut out, 0);
        out
    }

    fn components_into(
        &self,
        chars: &[char],
        from: usize,
        to: usize,
        out: &mut Vec<(usize, usize)>,
        depth: usize,
    ) {
        let n = to - from;
        if n < 3 || depth > 4 || n > 24 {
            return;
        }
        // dp[i] = (pieces, -log frequency, previous cut) for the best split of
        // chars[from..from+i]: fewest pieces, then the likeliest (jieba's frequencies).
        let mut dp: Vec<Option<(usize, f64, usize)>> = vec![None; n + 1];
        dp[0] = Some((0, 0.0, 0));
        let mut buf = String::new();
        for i in 0..n {
            let Some((cost, weight, _)) = dp[i] else {
                continue;
            };
            for j in (i + 1)..=n {
                if i == 0 && j == n {
                    continue; // the word itself
                }
                buf.clear();
                buf.extend(&chars[from + i..from + j]);
                let known = self.jieba.has_word(&buf);
                if j > i + 1 && !known {
                    continue;
                }
                let freq = self
                    .entries
                    .as_ref()
                    .and_then(|e| e.get(buf.as_str()))
                    .map_or(1.0, |e| e.0.max(1) as f64);
                let cand = (cost + 1, weight - freq.ln(), i);
                let better = match dp[j] {
                    None => true,
                    Some((c, w, _)) => cand.0 < c || (cand.0 == c && cand.1 < w),
                };
                if better {
                    dp[j] = Some(cand);
                }
            }
        }
        let mut cuts = Vec::new();
        let mut j = n;
        while j > 0 {
            let Some((_, _, i)) = dp[j] else { return };
            cuts.push((i, j));
            j = i;
        }
        cuts.reverse();
        if cuts.iter().all(|(i, j)| j - i < 2) {
            return;
        }
        for (i, j) in cuts {
            if j - i >= 2 {
                out.push((from + i, from + j));
                self.components_into(chars, from + i, from + j, out, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static SEG: LazyLock<Segmenter> =
        LazyLock::new(|| Segmenter::full("边境地区\n生态退化地区\n易地扶贫搬迁").expect("dict"));

    fn parts(w: &str) -> Vec<String> {
        let chars: Vec<char> = w.chars().collect();
        SEG.components(w)
            .into_iter()
            .map(|(i, j)| chars[i..j].iter().collect())
            .collect()
    }

    #[test]
    fn components_are_aligned() {
        assert_eq!(parts("边境地区"), vec!["边境", "地区"]);
        let p = parts("生态退化地区");
        assert!(p.contains(&"地区".to_string()), "{p:?}");
        assert!(p.contains(&"生态".to_string()), "{p:?}");
        assert!(p.contains(&"退化".to_string()), "{p:?}");
        assert!(parts("易地扶贫搬迁").contains(&"扶贫".to_string()));
        assert!(parts("地区").is_empty());
        // Ties in the number of pieces go to the likelier split.
        assert_eq!(parts("盐碱地"), vec!["盐碱"]);
    }

    #[test]
    fn compiled_dictionary_holds_the_words_that_occur() {
        // A domain word outside the Basic Multilingual Plane takes the hash table's path.
        let seg = Segmenter::full("\u{20000}\u{20001}").expect("dict");
        let text = "边境地区的\u{20000}\u{20001}";
        let compiled = seg.compile_for(std::iter::once(text)).expect("full");
        let words: std::collections::HashSet<&str> = compiled
            .lines()
            .filter_map(|l| l.split(' ').next())
            .collect();
        for w in ["边境", "地区", "边", "的", "\u{20000}\u{20001}"] {
            assert!(words.contains(w), "{w} missing from {compiled}");
        }
        assert!(!words.contains("扶贫"));
        assert!(!words.contains("境地区"));
    }

    #[test]
    fn compiled_dictionary_segments_alike() {
        let text = "支持边境地区和生态退化地区易地扶贫搬迁后续扶持工作，促进高质量发展。";
        let compiled = SEG.compile_for(std::iter::once(text)).expect("full");
        let small = Segmenter::from_compiled(&compiled, SEG.hash()).expect("compiled");
        assert_eq!(SEG.words(text), small.words(text));
        assert!(compiled.lines().count() < 200);
    }
}
