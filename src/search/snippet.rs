//! Snippets: sentence-aligned, about 80–120 characters, HTML-escaped, with adjacent
//! marks merged, and highlight ranges as character offsets.

use crate::analysis::fold;

/// Target snippet length in characters.
pub const SNIPPET_CHARS: usize = 120;

/// A snippet and the highlights of the whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// HTML: the escaped text with `<mark>…</mark>` around matches.
    pub html: String,
    /// `[start, end)` character offsets of every match in the passage text, merged.
    pub highlights: Vec<[usize; 2]>,
}

/// Escapes text for HTML.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Character ranges where any of `terms` (folded) occurs in `text` (folded on the fly),
/// sorted and merged when they overlap or touch.
pub fn highlight_ranges(text: &str, terms: &[String]) -> Vec<[usize; 2]> {
    let folded: Vec<char> = fold(text).chars().collect();
    let mut ranges: Vec<[usize; 2]> = Vec::new();
    for t in terms {
        let t: Vec<char> = t.chars().collect();
        if t.is_empty() || t.len() > folded.len() {
            continue;
        }
        let mut i = 0;
        while i + t.len() <= folded.len() {
            if folded[i..i + t.len()] == t[..] {
                ranges.push([i, i + t.len()]);
                i += t.len();
            } else {
                i += 1;
            }
        }
    }
    merge(ranges)
}

/// Sorts and merges ranges that overlap or touch.
pub fn merge(mut ranges: Vec<[usize; 2]>) -> Vec<[usize; 2]> {
    ranges.sort_unstable();
    let mut out: Vec<[usize; 2]> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r[0] <= last[1] => last[1] = last[1].max(r[1]),
            _ => out.push(r),
        }
    }
    out
}

/// Builds the snippet of `text` for the highlight `terms`.
pub fn make(text: &str, terms: &[String]) -> Snippet {
    let highlights = highlight_ranges(text, terms);
    let chars: Vec<char> = text.chars().collect();
    let (start, end) = window(&chars, &highlights, SNIPPET_CHARS);
    let mut html = String::new();
    if start > 0 {
        html.push('…');
    }
    let mut pos = start;
    for h in &highlights {
        let (a, b) = (h[0].max(start), h[1].min(end));
        if a >= b {
            continue;
        }
        html.push_str(&escape_html(&chars[pos..a].iter().collect::<String>()));
        html.push_str("<mark>");
        html.push_str(&escape_html(&chars[a..b].iter().collect::<String>()));
        html.push_str("</mark>");
        pos = b;
    }
    html.push_str(&escape_html(&chars[pos..end].iter().collect::<String>()));
    if end < chars.len() {
        html.push('…');
    }
    Snippet { html, highlights }
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';')
}

/// The `[start, end)` character window of the snippet: whole sentences around the
/// best-matching sentence, up to `max` characters; inside one long sentence, a window
/// cut at clause marks around the first match.
fn window(chars: &[char], highlights: &[[usize; 2]], max: usize) -> (usize, usize) {
    if chars.len() <= max {
        return (0, chars.len());
    }
    // Sentences.
    let mut sents = Vec::new();
    let mut s = 0;
    for (i, &c) in chars.iter().enumerate() {
        if is_sentence_end(c) {
            let mut e = i + 1;
            while e < chars.len() && matches!(chars[e], '”' | '’' | '）' | '」') {
                e += 1;
            }
            if e > s {
                sents.push((s, e));
            }
            s = e;
        }
    }
    if s < chars.len() {
        sents.push((s, chars.len()));
    }
    let covered = |a: usize, b: usize| -> usize {
        highlights
            .iter()
            .map(|h| h[1].min(b).saturating_sub(h[0].max(a)))
            .sum()
    };
    let distinct = |a: usize, b: usize| -> usize {
        highlights.iter().filter(|h| h[0] < b && h[1] > a).count()
    };
    let best = (0..sents.len())
        .max_by_key(|&i| {
            let (a, b) = sents[i];
            (distinct(a, b).min(4), covered(a, b), usize::MAX - i)
        })
        .unwrap_or(0);
    let (mut a, mut b) = sents[best];
    if b - a > max {
        // One long sentence: a window around the first match in it.
        let first = highlights
            .iter()
            .find(|h| h[0] >= a && h[0] < b)
            .map_or(a, |h| h[0]);
        let mut from = first.saturating_sub(max / 3).max(a);
        // Start after a clause mark if one is near.
        if from > a
            && let Some(k) = (from.saturating_sub(20)..first)
                .rev()
                .find(|&k| k > a && matches!(chars[k - 1], '，' | '、' | '：' | ','))
        {
            from = k;
        }
        let to = (from + max).min(b);
        return (from, to);
    }
    // Grow by whole sentences: the next, then the previous, while it fits.
    let mut lo = best;
    let mut hi = best;
    loop {
        let mut grew = false;
        if hi + 1 < sents.len() && sents[hi + 1].1 - a <= max {
            hi += 1;
            b = sents[hi].1;
            grew = true;
        }
        if lo > 0 && b - sents[lo - 1].0 <= max && b - a < max * 2 / 3 {
            lo -= 1;
            a = sents[lo].0;
            grew = true;
        }
        if !grew {
            break;
        }
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn marks_merge_and_escape() {
        let s = make("<script>三区三州</script>", &t(&["三区", "三州"]));
        assert_eq!(s.html, "&lt;script&gt;<mark>三区三州</mark>&lt;/script&gt;");
        assert_eq!(s.highlights, vec![[8, 12]]);
    }

    #[test]
    fn overlapping_terms_merge() {
        let s = make("推进易地扶贫搬迁。", &t(&["易地扶贫搬迁", "扶贫"]));
        assert_eq!(s.html, "推进<mark>易地扶贫搬迁</mark>。");
    }

    #[test]
    fn no_stray_marks() {
        let s = make("以工代赈和易地搬迁。", &t(&["以工代赈"]));
        assert_eq!(s.html.matches("<mark>").count(), 1);
    }

    #[test]
    fn length_in_characters_and_sentence_aligned() {
        let text = format!(
            "{}。重点支持以工代赈项目建设。{}。",
            "前文".repeat(60),
            "后文".repeat(60)
        );
        let s = make(&text, &t(&["以工代赈"]));
        let visible: String = s.html.replace("<mark>", "").replace("</mark>", "");
        let n = visible.chars().count();
        assert!(n <= SNIPPET_CHARS + 2, "{n}");
        assert!(visible.contains("重点支持以工代赈项目建设。"));
        assert!(s.html.contains("<mark>以工代赈</mark>"));
    }

    #[test]
    fn traditional_query_marks_simplified_text() {
        let s = make("以工代赈方式。", &t(&["以工代赈"]));
        assert_eq!(s.highlights, vec![[0, 4]]);
        // Highlights count characters, not bytes, even with 4-byte characters.
        let s = make("𠀀以工代赈", &t(&["以工代赈"]));
        assert_eq!(s.highlights, vec![[1, 5]]);
    }
}
