//! User text → a parsed query, checked against the limits before anything else.
//!
//! # Syntax and semantics
//!
//! - Words separated by spaces (or punctuation) are all required. A run of Chinese without
//!   spaces is segmented with the same dictionary as the text; each word of it is required
//!   and matches as a word, as a part of a compound (`老区` in `革命老区`), or, when it is not
//!   a dictionary word at all, as a substring (`代赈` in `以工代赈`).
//! - `"…"`: an exact phrase, insensitive to punctuation and spaces (`"宜农则农 宜粮则粮"`
//!   finds `宜农则农、宜粮则粮`). An unbalanced `"` is ignored.
//! - `-word` excludes passages containing the word.
//! - Question words (`有哪些`, `如何`, `怎样`, `什么`, …) and function words (`的`, `和`, …) are
//!   not required; in a question, words naming the kind of answer (`措施`, `政策`, …) are
//!   optional too.
//! - Nothing of the user's text reaches tantivy's query parser: queries are built from
//!   terms, so no syntax can fail or nest.

use crate::analysis::{Segmenter, fold, is_word_char};
use crate::{Error, Result};

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words a query may have after segmentation.
pub const MAX_TERMS: usize = 64;
/// Most quoted phrases and excluded words together.
pub const MAX_OPERATORS: usize = 16;
/// Deepest bracket nesting accepted (brackets are searched as text, but deeply nested
/// input is refused as not being a query).
pub const MAX_NESTING: usize = 32;

/// Words that make a question and are never required.
const QUESTION_WORDS: &[&str] = &[
    "有哪些",
    "哪些",
    "什么",
    "如何",
    "怎样",
    "怎么",
    "怎么样",
    "为什么",
    "为何",
    "是否",
    "吗",
    "呢",
    "吧",
    "多少",
    "哪里",
    "哪儿",
    "哪个",
    "请问",
    "有没有",
    "是什么",
    "是不是",
    "能否",
    "可以",
    "应该",
    "应当",
    "需要",
    "要求",
    "有何",
];

/// Words that name the kind of answer in a question; optional there.
const ANSWER_KIND_WORDS: &[&str] = &[
    "措施", "政策", "举措", "内容", "任务", "办法", "方面", "情况", "重点", "方式", "途径", "目标",
    "支持", "规定", "主要", "具体", "相关", "包括", "哪", "有",
];

/// Function words: never required, still part of exact phrases.
const FUNCTION_WORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "以及", "或", "等", "之", "在", "对", "把", "被", "是", "为",
    "于", "中", "将", "并", "也", "都", "而", "到", "从", "向", "由", "a", "an", "the", "of",
    "and", "or", "not",
];

/// How one query word must occur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// The folded word.
    pub text: String,
    /// Whether the word came alone (typed between spaces) rather than out of a longer run.
    pub standalone: bool,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The original text.
    pub raw: String,
    /// Words that must match.
    pub required: Vec<QueryWord>,
    /// Words that may match (question words are dropped; answer-kind words kept here).
    pub optional: Vec<QueryWord>,
    /// Quoted phrases (folded, raw spacing kept).
    pub phrases: Vec<String>,
    /// Excluded words or phrases.
    pub excluded: Vec<String>,
    /// Runs of words as typed (each unquoted chunk's words, in order), for proximity.
    pub runs: Vec<Vec<String>>,
    /// The folded query with only word characters, for the exact-match boost.
    pub compact: String,
    /// Whether the query reads as a question.
    pub question: bool,
}

impl ParsedQuery {
    /// Whether nothing searchable is left.
    pub fn is_empty(&self) -> bool {
        self.required.is_empty() && self.optional.is_empty() && self.phrases.is_empty()
    }
}

/// Checks the limits that apply before parsing: length, nesting, control characters.
pub fn check_limits(q: &str) -> Result<()> {
    if q.trim().is_empty() {
        return Err(Error::Query("the query is empty".into()));
    }
    let n = q.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(Error::Query(format!(
            "the query has {n} characters; the limit is {MAX_QUERY_CHARS}"
        )));
    }
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    for c in q.chars() {
        match c {
            '(' | '[' | '{' | '（' | '【' => {
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            ')' | ']' | '}' | '）' | '】' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max_depth > MAX_NESTING {
        return Err(Error::Query(format!(
            "the query nests brackets {max_depth} deep; the limit is {MAX_NESTING}"
        )));
    }
    Ok(())
}

/// Parses a query (after [`check_limits`]).
pub fn parse(q: &str, seg: &Segmenter) -> Result<ParsedQuery> {
    check_limits(q)?;
    // Control characters (NUL included) act as spaces.
    let cleaned: String = q
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut pq = ParsedQuery {
        raw: q.to_string(),
        ..Default::default()
    };
    // Split out quoted phrases; an unbalanced quote is dropped.
    let quote_count = cleaned
        .chars()
        .filter(|c| matches!(c, '"' | '“' | '”' | '＂'))
        .count();
    let mut unquoted = String::new();
    let mut phrase = String::new();
    let mut in_quote = false;
    let mut quotes_seen = 0;
    for c in cleaned.chars() {
        if matches!(c, '"' | '“' | '”' | '＂') {
            quotes_seen += 1;
            if in_quote {
                in_quote = false;
                if phrase.chars().any(is_word_char) {
                    pq.phrases.push(fold(phrase.trim()));
                }
                phrase.clear();
                unquoted.push(' ');
            } else if quotes_seen < quote_count || quote_count % 2 == 0 {
                in_quote = true;
            }
            continue;
        }
        if in_quote {
            phrase.push(c);
        } else {
            unquoted.push(c);
        }
    }
    let lowered: String = pq.raw.to_lowercase();
    pq.question = QUESTION_WORDS.iter().any(|w| lowered.contains(w))
        || lowered.trim_end().ends_with(['?', '？']);

    // Question words are dropped from the text before segmentation (the compiled
    // dictionary may not know them, so they could not be recognised as words later).
    let mut stripped = unquoted.clone();
    let mut qwords: Vec<&str> = QUESTION_WORDS.to_vec();
    qwords.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    for w in qwords {
        stripped = stripped.replace(w, " ");
    }
    for chunk in stripped.split(|c: char| c.is_whitespace()) {
        if chunk.is_empty() {
            continue;
        }
        if let Some(rest) = chunk.strip_prefix(['-', '－'])
            && rest.chars().any(is_word_char)
        {
            pq.excluded.push(fold(rest));
            continue;
        }
        let words = merge_single_chars(seg.words(chunk).into_iter().map(|w| w.text).collect());
        let standalone = words.len() == 1;
        let mut run = Vec::new();
        for w in words {
            run.push(w.clone());
            let qw = QueryWord {
                text: w.clone(),
                standalone,
            };
            let w = w.as_str();
            if FUNCTION_WORDS.contains(&w) || (pq.question && ANSWER_KIND_WORDS.contains(&w)) {
                if !pq.optional.contains(&qw) {
                    pq.optional.push(qw);
                }
            } else if !pq.required.iter().any(|r| r.text == qw.text) {
                pq.required.push(qw);
            }
        }
        if !run.is_empty() {
            pq.runs.push(run);
        }
    }
    // A query made only of optional words: they are what was asked for.
    if pq.required.is_empty() && pq.phrases.is_empty() {
        pq.required = std::mem::take(&mut pq.optional);
    }
    let terms = pq.required.len() + pq.optional.len();
    if terms > MAX_TERMS {
        return Err(Error::Query(format!(
            "the query has {terms} words; the limit is {MAX_TERMS}"
        )));
    }
    if pq.phrases.len() + pq.excluded.len() > MAX_OPERATORS {
        return Err(Error::Query(format!(
            "the query has more than {MAX_OPERATORS} phrases and exclusions"
        )));
    }
    pq.compact = fold(&unquoted)
        .chars()
        .filter(|c| is_word_char(*c))
        .collect();
    if pq.is_empty() {
        return Err(Error::Query(
            "the query has no searchable words (only punctuation, symbols or exclusions)".into(),
        ));
    }
    Ok(pq)
}

/// Joins runs of single ideographs that segmentation could not group (`代赈` → `代`, `赈`
/// becomes `代赈`): the user typed an unknown word or a part of one, to be found as a
/// substring. A lone single character (a function word like `和`) stays alone.
fn merge_single_chars(words: Vec<String>) -> Vec<String> {
    let single = |w: &str| {
        let mut it = w.chars();
        matches!((it.next(), it.next()), (Some(c), None) if c.is_alphabetic() && !c.is_ascii())
    };
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 => out.push(run.remove(0)),
            _ => out.push(run.concat()),
        }
        run.clear();
    };
    for w in words {
        if single(&w) && !FUNCTION_WORDS.contains(&w.as_str()) {
            run.push(w);
        } else {
            flush(&mut run, &mut out);
            out.push(w);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static SEG: LazyLock<Segmenter> =
        LazyLock::new(|| Segmenter::full("易地扶贫搬迁\n以工代赈").expect("dict"));

    fn req(pq: &ParsedQuery) -> Vec<&str> {
        pq.required.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn question_words_are_not_required() {
        let pq = parse("易地扶贫搬迁后续扶持有哪些措施", &SEG).expect("parse");
        assert!(pq.question);
        assert!(req(&pq).contains(&"易地扶贫搬迁"));
        assert!(!req(&pq).contains(&"有哪些"));
        assert!(!req(&pq).contains(&"措施"));
        assert!(pq.optional.iter().any(|w| w.text == "措施"));
    }

    #[test]
    fn phrases_exclusions_and_unbalanced_quotes() {
        let pq = parse("\"宜农则农 宜粮则粮\" -以工代赈", &SEG).expect("parse");
        assert_eq!(pq.phrases, vec!["宜农则农 宜粮则粮".to_string()]);
        assert_eq!(pq.excluded, vec!["以工代赈".to_string()]);
        let pq = parse("以工代赈\"", &SEG).expect("parse");
        assert!(pq.phrases.is_empty());
        assert_eq!(req(&pq), vec!["以工代赈"]);
    }

    #[test]
    fn limits_are_enforced_before_parsing() {
        assert!(parse("", &SEG).is_err());
        assert!(parse("   ", &SEG).is_err());
        assert!(parse(&"(".repeat(1000), &SEG).is_err());
        assert!(parse(&"(".repeat(40), &SEG).is_err());
        assert!(parse(&"字".repeat(MAX_QUERY_CHARS + 1), &SEG).is_err());
        assert!(parse("，。、", &SEG).is_err());
        assert!(parse("-", &SEG).is_err());
        assert!(parse("😀", &SEG).is_err());
        // Brackets inside the limits are plain text.
        assert_eq!(
            req(&parse("(以工代赈)", &SEG).expect("parse")),
            vec!["以工代赈"]
        );
    }

    #[test]
    fn unknown_single_characters_join_into_a_substring() {
        assert_eq!(
            merge_single_chars(vec![
                "以".into(),
                "工".into(),
                "和".into(),
                "代".into(),
                "赈".into()
            ]),
            vec!["以工".to_string(), "和".to_string(), "代赈".to_string()]
        );
    }

    #[test]
    fn traditional_and_control_characters() {
        let pq = parse("以工代賑\u{0}", &SEG).expect("parse");
        assert_eq!(req(&pq), vec!["以工代赈"]);
    }
}
