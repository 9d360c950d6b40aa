//! Snippets, shared by the CLI, the HTTP API and the MCP server: at least about 80
//! characters of context where the passage has them, sentence-aligned and grown into the
//! neighbouring sentences, several far-apart matched places joined with `…`; HTML-escaped
//! before `<mark>` is added, adjacent marks merged; highlight ranges as character offsets.

use crate::analysis::{fold_char, fold_each};

/// Most characters of text a snippet shows (its fragments together, without the `…`).
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
    push_escaped(&mut out, s.chars());
    out
}

/// Pushes `chars`, escaped for HTML, onto `out`.
fn push_escaped(out: &mut String, chars: impl IntoIterator<Item = char>) {
    for c in chars {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// The highlight terms of one text, matched in one pass over the text folded once.
struct Matches {
    /// Every occurrence, overlapping ones too: `(start, end, term)` in characters, `term`
    /// the index of a distinct term; sorted by start.
    all: Vec<(usize, usize, usize)>,
    /// The highlights: per term, its occurrences found left to right without overlap,
    /// then all terms' merged.
    highlights: Vec<[usize; 2]>,
}

impl Matches {
    fn find(folded: &[char], terms: &[String]) -> Self {
        // The distinct non-empty terms, as characters (a term repeated is one word).
        let mut distinct: Vec<Vec<char>> = Vec::with_capacity(terms.len());
        for t in terms {
            let t: Vec<char> = t.chars().collect();
            if !t.is_empty() && t.len() <= folded.len() && !distinct.contains(&t) {
                distinct.push(t);
            }
        }
        let mut all = Vec::new();
        let mut ranges = Vec::new();
        // Where each term's next non-overlapping occurrence may start.
        let mut next = vec![0usize; distinct.len()];
        // The terms' first characters, hashed into 256 bits: most characters start no
        // term and cost one test.
        let bucket = |c: char| (c as usize) & 255;
        let mut starts = [0u64; 4];
        for t in &distinct {
            let b = bucket(t[0]);
            starts[b >> 6] |= 1 << (b & 63);
        }
        for (i, &c) in folded.iter().enumerate() {
            let b = bucket(c);
            if starts[b >> 6] & (1 << (b & 63)) == 0 {
                continue;
            }
            for (k, t) in distinct.iter().enumerate() {
                if t[0] == c && folded.len() - i >= t.len() && folded[i..i + t.len()] == t[..] {
                    all.push((i, i + t.len(), k));
                    if i >= next[k] {
                        ranges.push([i, i + t.len()]);
                        next[k] = i + t.len();
                    }
                }
            }
        }
        Matches {
            all,
            highlights: merge(ranges),
        }
    }
}

/// Character ranges where any of `terms` (folded) occurs in `text` (folded on the fly),
/// sorted and merged when they overlap or touch.
pub fn highlight_ranges(text: &str, terms: &[String]) -> Vec<[usize; 2]> {
    let folded: Vec<char> = text.chars().map(fold_char).collect();
    Matches::find(&folded, terms).highlights
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
///
/// The snippet is one or more fragments of the text, in text order, joined with `…`
/// (and led or closed by `…` where the text goes on). Each fragment is aligned on
/// sentences and grown into the neighbouring sentences until it has at least
/// [`MIN_CONTEXT_CHARS`] characters where the text has them; a second or third
/// fragment shows a far-away place that matches words the first one lacks. The
/// fragments together hold at most [`SNIPPET_CHARS`] characters.
///
/// The text is folded once and every term is matched in the same pass over it.
pub fn make(text: &str, terms: &[String]) -> Snippet {
    // A character takes 1–4 bytes; Chinese text takes 3.
    let mut chars: Vec<char> = Vec::with_capacity(text.len() / 2);
    let mut folded: Vec<char> = Vec::with_capacity(text.len() / 2);
    fold_each(text, |c, f| {
        chars.push(c);
        folded.push(f);
    });
    let found = Matches::find(&folded, terms);
    let frags = fragments(&chars, &found, SNIPPET_CHARS);
    let highlights = found.highlights;
    let mut html = String::with_capacity(text.len().min(SNIPPET_CHARS * 4) + 64);
    let mut last_end = 0;
    for &(start, end) in &frags {
        if start > last_end {
            html.push('…');
        }
        mark_range(&mut html, &chars, &highlights, start, end);
        last_end = end;
    }
    if last_end < chars.len() {
        html.push('…');
    }
    Snippet { html, highlights }
}

/// The whole of `text`, escaped, with `<mark>` around `highlights` (character ranges,
/// sorted and disjoint, as [`highlight_ranges`] gives them).
pub fn mark_html(text: &str, highlights: &[[usize; 2]]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut html = String::with_capacity(text.len() + 16 * highlights.len());
    mark_range(&mut html, &chars, highlights, 0, chars.len());
    html
}

/// Pushes `chars[start..end]`, escaped, with the parts of `highlights` inside it marked.
fn mark_range(
    html: &mut String,
    chars: &[char],
    highlights: &[[usize; 2]],
    start: usize,
    end: usize,
) {
    let piece = |html: &mut String, a: usize, b: usize| {
        push_escaped(html, chars[a..b].iter().copied());
    };
    let mut pos = start;
    for h in highlights {
        let (a, b) = (h[0].max(pos), h[1].min(end));
        if a >= b {
            continue;
        }
        piece(html, pos, a);
        html.push_str("<mark>");
        piece(html, a, b);
        html.push_str("</mark>");
        pos = b;
    }
    piece(html, pos, end.max(pos));
}

/// Context a snippet fragment is grown to, in characters, where the text has it.
pub const MIN_CONTEXT_CHARS: usize = 80;

/// Most fragments in one snippet.
const MAX_FRAGMENTS: usize = 3;

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';')
}

fn is_clause_mark(c: char) -> bool {
    matches!(c, '，' | '、' | '：' | ',' | ':')
}

/// The `[start, end)` sentences of the text (a closing quote or bracket stays with the
/// sentence it closes).
fn sentences(chars: &[char]) -> Vec<(usize, usize)> {
    let mut sents = Vec::new();
    let mut s = 0;
    let mut i = 0;
    while i < chars.len() {
        if is_sentence_end(chars[i]) {
            let mut e = i + 1;
            while e < chars.len() && matches!(chars[e], '”' | '’' | '）' | '」' | '』') {
                e += 1;
            }
            sents.push((s, e));
            s = e;
            i = e;
        } else {
            i += 1;
        }
    }
    if s < chars.len() {
        sents.push((s, chars.len()));
    }
    sents
}

/// The fragments of a snippet of at most `max` characters in all: `[start, end)` ranges,
/// sorted, disjoint and not touching.
fn fragments(chars: &[char], found: &Matches, max: usize) -> Vec<(usize, usize)> {
    if chars.len() <= max {
        return vec![(0, chars.len())];
    }
    let highlights = &found.highlights;
    let sents = sentences(chars);
    let anchors = anchors(&sents, found);
    let budget = max / anchors.len().max(1);
    let mut frags: Vec<(usize, usize)> = Vec::new();
    for &k in &anchors {
        let (a, b) = sents[k];
        let first = highlights
            .iter()
            .find(|h| h[0] >= a && h[0] < b)
            .map_or(a, |h| h[0]);
        frags.push(grow(chars, &sents, k, first, budget));
    }
    if frags.is_empty() {
        frags.push(grow(chars, &sents, 0, 0, max));
    }
    frags.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for f in frags {
        match out.last_mut() {
            Some(last) if f.0 <= last.1 => last.1 = last.1.max(f.1),
            _ => out.push(f),
        }
    }
    out
}

/// The sentences a snippet shows, by position in `sents`: the best-matching one (most
/// distinct marked words, then most marked characters, then the earliest), then, while
/// words are still unshown, the sentence that shows most of them.
fn anchors(sents: &[(usize, usize)], found: &Matches) -> Vec<usize> {
    // The distinct query words each sentence holds whole (as the highlights were found,
    // on the folded text), and how many of its characters are highlighted.
    let mut words: Vec<Vec<usize>> = vec![Vec::new(); sents.len()];
    let mut k = 0;
    for &(start, end, term) in &found.all {
        while k < sents.len() && sents[k].1 <= start {
            k += 1;
        }
        if k < sents.len() && end <= sents[k].1 && !words[k].contains(&term) {
            words[k].push(term);
        }
    }
    let covered = |i: usize| -> usize {
        let (a, b) = sents[i];
        found
            .highlights
            .iter()
            .map(|h| h[1].min(b).saturating_sub(h[0].max(a)))
            .sum()
    };
    let mut shown: Vec<usize> = Vec::new();
    let mut out: Vec<usize> = Vec::new();
    while out.len() < MAX_FRAGMENTS {
        let best = (0..sents.len())
            .filter(|i| !out.contains(i))
            .map(|i| (i, words[i].iter().filter(|w| !shown.contains(w)).count()))
            .filter(|&(_, new)| new > 0)
            .max_by_key(|&(i, new)| (new, covered(i), usize::MAX - i));
        match best {
            Some((i, _)) => {
                shown.extend(&words[i]);
                out.push(i);
            }
            None => break,
        }
    }
    out
}

/// A fragment of at most `budget` characters around sentence `k`: the sentence (or,
/// when it is longer than the budget, a window in it around `first`, cut at a clause
/// mark), grown by whole neighbouring sentences, the next one first, and while it is
/// shorter than [`MIN_CONTEXT_CHARS`], by the near part of a neighbour too long to fit.
fn grow(
    chars: &[char],
    sents: &[(usize, usize)],
    k: usize,
    first: usize,
    budget: usize,
) -> (usize, usize) {
    let (sa, sb) = sents[k];
    let (mut a, mut b) = if sb - sa > budget {
        window_in(chars, (sa, sb), first, budget)
    } else {
        (sa, sb)
    };
    // A window cut inside its sentence does not grow on that side.
    let (open_lo, open_hi) = (a == sa, b == sb);
    let (mut lo, mut hi) = (k, k);
    loop {
        let mut grew = false;
        if open_hi && hi + 1 < sents.len() && sents[hi + 1].1 - a <= budget {
            hi += 1;
            b = sents[hi].1;
            grew = true;
        }
        if open_lo && lo > 0 && b - sents[lo - 1].0 <= budget {
            lo -= 1;
            a = sents[lo].0;
            grew = true;
        }
        if !grew {
            break;
        }
    }
    let want = MIN_CONTEXT_CHARS.min(budget);
    if b - a < want && open_hi && b < chars.len() {
        b = cut_forward(chars, b, (a + budget).min(chars.len()));
    }
    if b - a < want && open_lo && a > 0 {
        a = cut_backward(chars, a, b.saturating_sub(budget));
    }
    (a, b)
}

/// Where to end a fragment that runs from `from` into a sentence, at most at `limit`:
/// after the last clause mark before `limit`, else at `limit`.
fn cut_forward(chars: &[char], from: usize, limit: usize) -> usize {
    if limit <= from {
        return from;
    }
    (from + 1..=limit)
        .rev()
        .find(|&k| is_clause_mark(chars[k - 1]))
        .unwrap_or(limit)
}

/// Where to start a fragment that reaches back from `to` into a sentence, at least at
/// `limit`: after the first clause mark from `limit` on, else at `limit`.
fn cut_backward(chars: &[char], to: usize, limit: usize) -> usize {
    if limit >= to {
        return to;
    }
    (limit.max(1)..to)
        .find(|&k| is_clause_mark(chars[k - 1]))
        .unwrap_or(limit)
}

/// A window of at most `max` characters inside the long sentence `(a, b)`, with the
/// match at `first` about a third in (or the sentence's last `max` characters when the
/// match is near its end), starting after a clause mark when one is within 20 characters,
/// and ending after one when one is in its second half.
fn window_in(chars: &[char], (a, b): (usize, usize), first: usize, max: usize) -> (usize, usize) {
    let mut from = first.saturating_sub(max / 3).max(a);
    if from + max > b {
        from = b.saturating_sub(max).max(a);
    }
    if from > a {
        let before = (from.saturating_sub(20).max(a + 1)..=from)
            .rev()
            .find(|&k| is_clause_mark(chars[k - 1]));
        let after = || (from + 1..=first.min(from + 20)).find(|&k| is_clause_mark(chars[k - 1]));
        // Never so far back that the match falls out of the window.
        if let Some(k) = before.filter(|&k| k + max > first).or_else(after) {
            from = k;
        }
    }
    let to = (from + max).min(b);
    if to == b {
        return (from, to);
    }
    let lower = (from + max / 2).max(first + 1).min(to);
    (from, cut_forward(chars, lower, to))
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

    fn visible(html: &str) -> String {
        html.replace("<mark>", "").replace("</mark>", "")
    }

    // The plan's paragraph that opens with a 10-character sentence: the snippet goes on
    // into the next sentence, to the second 以工代赈.
    const TUIGUANG: &str = "积极推广以工代赈方式。结合实施乡村建设行动，在农业农村生产生活、交通、水利、文化、旅游、林业草原等基础设施建设领域积极推广以工代赈方式，因地制宜实施一批投资规模小、技术门槛低、前期工作简单、务工技能要求不高的建设项目，扩大农村就业容量，促进农村低收入群众参与乡村建设、共享发展成果。";

    #[test]
    fn a_short_sentence_grows_into_the_next() {
        let s = make(TUIGUANG, &t(&["以工代赈"]));
        let v = visible(&s.html);
        let n = v.trim_end_matches('…').chars().count();
        assert!(n >= MIN_CONTEXT_CHARS, "{n}: {v}");
        assert!(n <= SNIPPET_CHARS, "{n}: {v}");
        assert!(
            v.starts_with("积极推广以工代赈方式。结合实施乡村建设行动，"),
            "{v}"
        );
        assert_eq!(
            s.html.matches("<mark>以工代赈</mark>").count(),
            2,
            "{}",
            s.html
        );
        // Cut at a clause mark, not inside a word.
        assert!(v.ends_with("，…") || v.ends_with("、…"), "{v}");
    }

    #[test]
    fn far_apart_words_show_as_two_fragments() {
        let text = format!(
            "一是加强以工代赈项目管理。{}二是统筹推进易地搬迁后续扶持。",
            "其他内容不相关。".repeat(30)
        );
        let s = make(&text, &t(&["以工代赈", "易地搬迁"]));
        let v = visible(&s.html);
        assert!(s.html.contains("<mark>以工代赈</mark>"), "{}", s.html);
        assert!(s.html.contains("<mark>易地搬迁</mark>"), "{}", s.html);
        assert!(v.contains("一是加强以工代赈项目管理。"), "{v}");
        assert!(v.contains("…") && !v.starts_with('…'), "{v}");
        assert!(v.ends_with("二是统筹推进易地搬迁后续扶持。"), "{v}");
        let pieces: Vec<&str> = v.split('…').filter(|p| !p.is_empty()).collect();
        assert_eq!(pieces.len(), 2, "{v}");
        assert!(pieces.iter().all(|p| text.contains(p)), "{v}");
        assert!(
            v.chars().count() <= SNIPPET_CHARS + MAX_FRAGMENTS + 1,
            "{v}"
        );
    }

    #[test]
    fn words_in_one_place_stay_one_fragment() {
        let text = format!(
            "{}重点支持以工代赈和易地搬迁。{}",
            "前面的内容。".repeat(20),
            "后面的内容。".repeat(20)
        );
        let s = make(&text, &t(&["以工代赈", "易地搬迁"]));
        let v = visible(&s.html);
        assert_eq!(v.matches('…').count(), 2, "{v}");
        assert!(v.chars().count() >= MIN_CONTEXT_CHARS, "{v}");
        // Whole sentences on both sides.
        assert!(
            v.starts_with("…前面的内容。") && v.ends_with("后面的内容。…"),
            "{v}"
        );
    }

    #[test]
    fn short_passages_are_whole() {
        let s = make("以工代赈。", &t(&["以工代赈"]));
        assert_eq!(s.html, "<mark>以工代赈</mark>。");
    }

    #[test]
    fn whole_text_marks_escape_first() {
        let text = "<b>以工代赈</b>与以工代赈";
        let h = highlight_ranges(text, &t(&["以工代赈"]));
        assert_eq!(
            mark_html(text, &h),
            "&lt;b&gt;<mark>以工代赈</mark>&lt;/b&gt;与<mark>以工代赈</mark>"
        );
    }

    #[test]
    fn a_match_at_the_end_of_a_long_sentence_keeps_its_context() {
        // One sentence of 180 characters with the word at its end.
        let text = format!(
            "{}，{}，增强山地生态系统稳定性。",
            "甲".repeat(70),
            "乙".repeat(95)
        );
        let s = make(&text, &t(&["稳定"]));
        let v = visible(&s.html);
        let n = v.trim_matches('…').chars().count();
        assert!(n >= MIN_CONTEXT_CHARS, "{n}: {v}");
        assert!(v.ends_with("增强山地生态系统稳定性。"), "{v}");
        // It starts after the clause mark 10 characters into the last 120.
        assert!(v.starts_with("…乙"), "{v}");
    }

    #[test]
    fn repeated_words_and_far_clause_marks_keep_the_budget() {
        // Found by the property test: merged runs of one word are one word (one
        // fragment, not three), and a clause mark far before the match does not pull the
        // window off it.
        let text = format!(
            "，</mark>易地扶贫搬迁<<易地扶贫搬迁<<mark><<易地扶贫搬迁易地扶贫搬迁以工代賑以工代赈<以工代賑；{}；{}",
            "以工代赈".repeat(19),
            "以工代赈".repeat(18)
        );
        let s = make(&text, &t(&["以工代赈"]));
        let v = visible(&s.html);
        assert!(v.chars().count() <= SNIPPET_CHARS + 2, "{v}");
        assert!(!v.trim_matches('…').contains('…'), "one fragment: {v}");
        let long = format!("，{}以工代赈{}", "甲".repeat(60), "乙".repeat(100));
        let s = make(&long, &t(&["以工代赈"]));
        assert!(s.html.contains("<mark>以工代赈</mark>"), "{}", s.html);
        assert!(visible(&s.html).chars().count() <= SNIPPET_CHARS + 2);
    }

    /// The implementation before the one-pass matching (fold per term, per sentence), as
    /// the reference the snippets must still equal.
    mod reference {
        use super::super::{MAX_FRAGMENTS, escape_html, grow, merge, sentences};
        use crate::analysis::fold;

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

        pub fn make(text: &str, terms: &[String]) -> (String, Vec<[usize; 2]>) {
            let highlights = highlight_ranges(text, terms);
            let chars: Vec<char> = text.chars().collect();
            let frags = fragments(&chars, &highlights, terms, super::super::SNIPPET_CHARS);
            let mut html = String::new();
            let mut last_end = 0;
            for &(start, end) in &frags {
                if start > last_end {
                    html.push('…');
                }
                html.push_str(&mark_range(&chars, &highlights, start, end));
                last_end = end;
            }
            if last_end < chars.len() {
                html.push('…');
            }
            (html, highlights)
        }

        pub fn mark_range_all(text: &str, highlights: &[[usize; 2]]) -> String {
            let chars: Vec<char> = text.chars().collect();
            mark_range(&chars, highlights, 0, chars.len())
        }

        fn mark_range(
            chars: &[char],
            highlights: &[[usize; 2]],
            start: usize,
            end: usize,
        ) -> String {
            let piece = |a: usize, b: usize| escape_html(&chars[a..b].iter().collect::<String>());
            let mut html = String::new();
            let mut pos = start;
            for h in highlights {
                let (a, b) = (h[0].max(pos), h[1].min(end));
                if a >= b {
                    continue;
                }
                html.push_str(&piece(pos, a));
                html.push_str("<mark>");
                html.push_str(&piece(a, b));
                html.push_str("</mark>");
                pos = b;
            }
            html.push_str(&piece(pos, end.max(pos)));
            html
        }

        fn fragments(
            chars: &[char],
            highlights: &[[usize; 2]],
            terms: &[String],
            max: usize,
        ) -> Vec<(usize, usize)> {
            if chars.len() <= max {
                return vec![(0, chars.len())];
            }
            let sents = sentences(chars);
            let anchors = anchors(chars, &sents, highlights, terms);
            let budget = max / anchors.len().max(1);
            let mut frags: Vec<(usize, usize)> = Vec::new();
            for &k in &anchors {
                let (a, b) = sents[k];
                let first = highlights
                    .iter()
                    .find(|h| h[0] >= a && h[0] < b)
                    .map_or(a, |h| h[0]);
                frags.push(grow(chars, &sents, k, first, budget));
            }
            if frags.is_empty() {
                frags.push(grow(chars, &sents, 0, 0, max));
            }
            frags.sort_unstable();
            let mut out: Vec<(usize, usize)> = Vec::new();
            for f in frags {
                match out.last_mut() {
                    Some(last) if f.0 <= last.1 => last.1 = last.1.max(f.1),
                    _ => out.push(f),
                }
            }
            out
        }

        fn anchors(
            chars: &[char],
            sents: &[(usize, usize)],
            highlights: &[[usize; 2]],
            terms: &[String],
        ) -> Vec<usize> {
            let words_in = |i: usize| -> Vec<&String> {
                let (a, b) = sents[i];
                if !highlights.iter().any(|h| h[0] < b && h[1] > a) {
                    return Vec::new();
                }
                let folded = fold(&chars[a..b].iter().collect::<String>());
                let mut w: Vec<&String> = terms
                    .iter()
                    .filter(|t| !t.is_empty() && folded.contains(t.as_str()))
                    .collect();
                w.sort();
                w.dedup();
                w
            };
            let covered = |i: usize| -> usize {
                let (a, b) = sents[i];
                highlights
                    .iter()
                    .map(|h| h[1].min(b).saturating_sub(h[0].max(a)))
                    .sum()
            };
            let mut shown: Vec<&String> = Vec::new();
            let mut out: Vec<usize> = Vec::new();
            while out.len() < MAX_FRAGMENTS {
                let best = (0..sents.len())
                    .filter(|i| !out.contains(i))
                    .map(|i| {
                        let new = words_in(i)
                            .into_iter()
                            .filter(|w| !shown.contains(w))
                            .count();
                        (i, new)
                    })
                    .filter(|&(_, new)| new > 0)
                    .max_by_key(|&(i, new)| (new, covered(i), usize::MAX - i));
                match best {
                    Some((i, _)) => {
                        shown.extend(words_in(i));
                        out.push(i);
                    }
                    None => break,
                }
            }
            out
        }
    }

    /// Pseudo-random texts over a small alphabet of ideographs (simplified and
    /// traditional), punctuation that ends sentences and clauses, and characters that
    /// need escaping; terms drawn from the same alphabet, some repeated or overlapping.
    #[test]
    fn one_pass_matching_gives_the_reference_snippets() {
        const ALPHABET: &[char] = &[
            '以', '工', '代', '赈', '賑', '易', '地', '搬', '迁', '遷', '扶', '贫', '貧', '。',
            '，', '；', '、', '！', '”', '<', '&', 'Ａ', 'a', '区', '州', '三',
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| -> usize {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let fixed = t(&["以工代赈", "易地搬迁", "扶贫", "三区三州", "工代", "赈以"]);
        for round in 0..3000 {
            let len = next(400);
            let text: String = (0..len).map(|_| ALPHABET[next(ALPHABET.len())]).collect();
            let mut terms: Vec<String> = (0..next(5))
                .map(|_| {
                    let start = next(len.max(1));
                    let l = 1 + next(4);
                    text.chars().skip(start).take(l).map(fold_char).collect()
                })
                .collect();
            terms.push(fixed[round % fixed.len()].clone());
            if round % 7 == 0 {
                terms.push(String::new());
                terms.push(terms[0].clone());
            }
            let (html, highlights) = reference::make(&text, &terms);
            let s = make(&text, &terms);
            assert_eq!(s.highlights, highlights, "{text:?} {terms:?}");
            assert_eq!(s.html, html, "{text:?} {terms:?}");
            assert_eq!(
                highlight_ranges(&text, &terms),
                reference::highlight_ranges(&text, &terms)
            );
            assert_eq!(
                mark_html(&text, &highlights),
                reference::mark_range_all(&text, &highlights)
            );
        }
        // The plan's paragraph, with the words of a few queries.
        for q in [
            &["以工代赈"][..],
            &["以工代赈", "乡村建设"],
            &["农村", "建设", "农"],
        ] {
            let (html, _) = reference::make(TUIGUANG, &t(q));
            assert_eq!(make(TUIGUANG, &t(q)).html, html);
        }
    }
}
