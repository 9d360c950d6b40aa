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

/// Words that make a question (`有哪些`, `怎么办`, `可以吗`): dropped from the words searched.
/// Matched on the query's words after folding, never as raw substrings (`吗啡` keeps its
/// `吗`).
const QUESTION_WORDS: &[&str] = &[
    "有哪些",
    "哪些",
    "什么",
    "如何",
    "怎样",
    "怎么",
    "怎么样",
    "怎么办",
    "怎么处理",
    "为什么",
    "为何",
    "是否",
    "吗",
    "呢",
    "吧",
    "么",
    "多少",
    "哪里",
    "哪儿",
    "哪个",
    "请问",
    "有没有",
    "是什么",
    "是不是",
    "能否",
    "能不能",
    "可不可以",
    "会不会",
    "要不要",
    "该不该",
    "有何",
    "何时",
    "什么样",
    "啥",
    "咋",
    "咋办",
    "怎办",
    "可以吗",
    "行吗",
    "对吗",
    "好吗",
];

/// General fillers of everyday questions (pronouns, particles, modal verbs): never
/// required, still part of exact phrases. A general list, in the manner of common Chinese
/// stop-word lists; over a library, words that occur in most passages are demoted too (by
/// document frequency, see the query plan).
const FILLER_WORDS: &[&str] = &[
    "我", "我们", "你", "你们", "您", "他", "她", "它", "他们", "她们", "自己", "本人", "人家",
    "这", "那", "这个", "那个", "这些", "那些", "这样", "那样", "这种", "那种", "一个", "一下",
    "一些", "有些", "啊", "呀", "哦", "嘛", "哈", "啦", "了", "着", "过", "得", "地", "很", "非常",
    "就", "还", "又", "才", "再", "已经", "现在", "想", "请", "帮", "帮忙", "一般", "可以", "应该",
    "应当", "需要", "要求", "能", "会", "要", "该", "有", "没", "没有", "怎", "时", "时候",
];

/// Words that name the kind of answer in a question; optional there.
const ANSWER_KIND_WORDS: &[&str] = &[
    "措施", "政策", "举措", "内容", "任务", "办法", "方面", "情况", "重点", "方式", "途径", "目标",
    "支持", "规定", "主要", "具体", "相关", "包括", "哪", "有", "问题", "处理", "法律",
];

/// Function words: never required, still part of exact phrases.
const FUNCTION_WORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "以及", "或", "或者", "等", "之", "在", "对", "把", "被", "是",
    "为", "于", "中", "将", "并", "也", "都", "而", "到", "从", "向", "由", "给", "跟", "让", "a",
    "an", "the", "of", "and", "or", "not",
];

/// Whether a (folded) word is a question word, a filler or a function word: never worth
/// adding to a query (expansions skip them).
pub fn is_stop_word(w: &str) -> bool {
    QUESTION_WORDS.contains(&w) || FILLER_WORDS.contains(&w) || FUNCTION_WORDS.contains(&w)
}

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
    let (unquoted, phrases) = split_phrases(&cleaned);
    let mut pq = ParsedQuery {
        raw: q.to_string(),
        phrases,
        question: cleaned.trim_end().ends_with(['?', '？']),
        ..Default::default()
    };
    let mut dropped: Vec<QueryWord> = Vec::new();
    for chunk in unquoted.split(|c: char| c.is_whitespace()) {
        if chunk.is_empty() {
            continue;
        }
        if let Some(rest) = chunk.strip_prefix(['-', '－'])
            && rest.chars().any(is_word_char)
        {
            pq.excluded.push(fold(rest));
            continue;
        }
        let tokens: Vec<String> = seg.words(chunk).into_iter().map(|w| w.text).collect();
        let (kept, questions) = drop_question_words(tokens);
        pq.question |= !questions.is_empty();
        let words = merge_single_chars(kept);
        let standalone = words.len() == 1;
        for w in questions {
            push_unique(
                &mut dropped,
                QueryWord {
                    text: w,
                    standalone,
                },
            );
        }
        if !words.is_empty() {
            pq.runs.push(words.clone());
        }
        for w in words {
            let qw = QueryWord {
                text: w,
                standalone,
            };
            let t = qw.text.as_str();
            let optional = FUNCTION_WORDS.contains(&t)
                || FILLER_WORDS.contains(&t)
                || (pq.question && ANSWER_KIND_WORDS.contains(&t));
            if optional {
                push_unique(&mut pq.optional, qw);
            } else {
                push_unique(&mut pq.required, qw);
            }
        }
    }
    // A query made only of optional words: they are what was asked for; a query made only
    // of question words searches them.
    if pq.required.is_empty() && pq.phrases.is_empty() {
        pq.required = std::mem::take(&mut pq.optional);
        if pq.required.is_empty() {
            pq.required = dropped;
        }
    }
    check_counts(&pq)?;
    pq.compact = fold(&unquoted)
        .chars()
        .filter(|c| is_word_char(*c))
        .collect();
    if pq.is_empty() {
        return Err(Error::NoSearchableWords(
            "the query has no searchable words (only punctuation, symbols or exclusions)".into(),
        ));
    }
    Ok(pq)
}

fn push_unique(list: &mut Vec<QueryWord>, w: QueryWord) {
    if !list.iter().any(|x| x.text == w.text) {
        list.push(w);
    }
}

fn check_counts(pq: &ParsedQuery) -> Result<()> {
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
    Ok(())
}

/// Splits out quoted phrases (folded); an unbalanced quote is dropped. Returns the text
/// outside quotes (a space where each phrase was) and the phrases.
fn split_phrases(cleaned: &str) -> (String, Vec<String>) {
    let is_quote = |c: char| matches!(c, '"' | '“' | '”' | '＂');
    let quote_count = cleaned.chars().filter(|c| is_quote(*c)).count();
    let mut unquoted = String::new();
    let mut phrase = String::new();
    let mut phrases = Vec::new();
    let mut in_quote = false;
    let mut quotes_seen = 0;
    for c in cleaned.chars() {
        if is_quote(c) {
            quotes_seen += 1;
            if in_quote {
                in_quote = false;
                if phrase.chars().any(is_word_char) {
                    phrases.push(fold(phrase.trim()));
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
    (unquoted, phrases)
}

/// Removes question words from a chunk's words (folded): a question word is one word or a
/// run of words whose concatenation is one (`怎么`+`办`), longest first. A single-character
/// question word next to another single character that is not one stays (`吗`+`啡`: the
/// user typed the word `吗啡`, unknown to the dictionary). Returns the words kept and the
/// question words dropped.
fn drop_question_words(tokens: Vec<String>) -> (Vec<String>, Vec<String>) {
    let single = |w: &str| w.chars().count() == 1;
    let is_q = |w: &str| QUESTION_WORDS.contains(&w);
    let mut kept = Vec::with_capacity(tokens.len());
    let mut dropped = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let longest = (2..=4.min(tokens.len() - i))
            .rev()
            .find(|&n| is_q(&tokens[i..i + n].concat()));
        if let Some(n) = longest {
            dropped.push(tokens[i..i + n].concat());
            i += n;
            continue;
        }
        let t = &tokens[i];
        let glued = |j: Option<&String>| j.is_some_and(|w| single(w) && !is_q(w));
        let next = tokens.get(i + 1);
        let prev = i.checked_sub(1).and_then(|p| tokens.get(p));
        if is_q(t) && !(single(t) && (glued(next) || glued(prev))) {
            dropped.push(t.clone());
        } else {
            kept.push(t.clone());
        }
        i += 1;
    }
    (kept, dropped)
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
    fn question_words_are_matched_on_words_after_folding() {
        // Traditional 怎樣 folds to 怎样, a question word.
        let pq = parse("以工代赈怎樣", &SEG).expect("parse");
        assert_eq!(req(&pq), vec!["以工代赈"]);
        assert!(pq.question);
        // 吗 inside 吗啡 is not a question word.
        let pq = parse("吗啡", &SEG).expect("parse");
        assert_eq!(req(&pq), vec!["吗啡"]);
        assert!(!pq.question);
    }

    #[test]
    fn a_query_of_common_words_searches_them() {
        for q in ["要求", "需要", "怎么办", "可以吗"] {
            let pq = parse(q, &SEG).expect(q);
            assert!(!pq.required.is_empty(), "{q}");
        }
        assert_eq!(req(&parse("需要", &SEG).expect("parse")), vec!["需要"]);
    }

    #[test]
    fn fillers_are_optional() {
        let pq = parse("我 以工代赈 可以吗", &SEG).expect("parse");
        assert_eq!(req(&pq), vec!["以工代赈"]);
        assert!(pq.optional.iter().any(|w| w.text == "我"));
        assert!(pq.question);
    }

    #[test]
    fn traditional_and_control_characters() {
        let pq = parse("以工代賑\u{0}", &SEG).expect("parse");
        assert_eq!(req(&pq), vec!["以工代赈"]);
    }
}
