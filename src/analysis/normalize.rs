//! Folding that keeps one character for one character, so that offsets found in the
//! folded text point at the same characters of the original.

use super::t2s_table::T2S;
use std::sync::LazyLock;

/// One bit per code point from U+3400: set for the characters of [`T2S`]. Code points past
/// its end are looked up in [`T2S`].
static TRADITIONAL: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let last = T2S.last().map_or(0x3400, |p| p.0 as u32).max(0x3400);
    let mut bits = vec![0u64; ((last - 0x3400) / 64 + 1) as usize];
    for &(t, _) in T2S {
        if let Some(i) = (t as u32).checked_sub(0x3400)
            && let Some(w) = bits.get_mut((i / 64) as usize)
        {
            *w |= 1 << (i % 64);
        }
    }
    bits
});

/// Folds `text` for matching: full-width ASCII → half-width, the ideographic space → a
/// space, ASCII upper case → lower case, traditional → simplified Chinese.
///
/// The result has exactly as many characters as the input (each character maps to one
/// character), so a character offset in the folded text is the same offset in the input.
///
/// ```
/// use zhengce::analysis::fold;
/// assert_eq!(fold("以工代賑ＡＢｃ"), "以工代赈abc");
/// assert_eq!(fold("易地扶貧搬遷").chars().count(), 6);
/// ```
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// [`fold`] for one character: width, case, then script (a binary search in a table
/// generated from the `fast2s` converter by `examples/gen_t2s.rs`).
pub fn fold_char(c: char) -> char {
    fold_with(&TRADITIONAL, c)
}

/// `f(c, fold_char(c))` for each character `c` of `text`, in order (the table is looked
/// up once, not once per character).
pub fn fold_each(text: &str, mut f: impl FnMut(char, char)) {
    let traditional: &[u64] = &TRADITIONAL;
    for c in text.chars() {
        f(c, fold_with(traditional, c));
    }
}

/// [`fold_char`] with the bits of [`TRADITIONAL`] at hand.
#[inline]
fn fold_with(traditional: &[u64], c: char) -> char {
    let c = fold_width(c);
    let u = c as u32;
    if u < 0x3400 {
        return c;
    }
    // Most ideographs have no traditional form to fold: a bit per code point of the
    // table's range says which to look up.
    if let Some(word) = traditional.get(((u - 0x3400) / 64) as usize)
        && word & (1 << ((u - 0x3400) % 64)) == 0
    {
        return c;
    }
    match T2S.binary_search_by_key(&c, |p| p.0) {
        Ok(i) => T2S[i].1,
        Err(_) => c,
    }
}

/// Full-width → half-width and ASCII lower case, for one character.
pub fn fold_width(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Whether a character can be part of a searchable word (letters, digits, ideographs).
/// Punctuation, symbols, emoji and white space are not.
#[inline]
pub fn is_word_char(c: char) -> bool {
    match c {
        // The common cases first: std's table lookup for ideographs is a slow path.
        '\u{4E00}'..='\u{9FFF}' => true,
        _ if c.is_ascii() => c.is_ascii_alphanumeric(),
        _ => c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_keeps_length() {
        for s in [
            "以工代賑",
            "易地扶貧搬遷後續扶持",
            "ＡＢＣ１２３　全角",
            "𠀀𠀁 emoji 😀",
            "",
            "「引號」與《書名》",
        ] {
            assert_eq!(fold(s).chars().count(), s.chars().count(), "{s}");
        }
    }

    #[test]
    fn fold_cases() {
        for (input, folded) in [
            ("以工代賑", "以工代赈"),
            ("易地扶貧搬遷", "易地扶贫搬迁"),
            ("ＧＤＰ增長", "gdp增长"),
            ("２０２５年", "2025年"),
            ("已是简体", "已是简体"),
        ] {
            assert_eq!(fold(input), folded);
        }
    }

    #[test]
    fn table_is_sorted() {
        assert!(T2S.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(fold_char('賑'), '赈');
        assert_eq!(fold_char('赈'), '赈');
    }

    #[test]
    fn bitmap_agrees_with_the_table() {
        for u in 0x3400..0x3_0000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let w = fold_width(c);
            let by_table = T2S
                .binary_search_by_key(&w, |p| p.0)
                .map_or(w, |i| T2S[i].1);
            assert_eq!(fold_char(c), by_table, "U+{u:X}");
        }
    }

    #[test]
    fn word_char_fast_paths_agree_with_std() {
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn word_chars() {
        assert!(is_word_char('赈'));
        assert!(is_word_char('𠀀'));
        assert!(is_word_char('7'));
        for c in ['，', '。', '、', '（', '—', ' ', '😀', '<', '"'] {
            assert!(!is_word_char(c), "{c}");
        }
    }
}
