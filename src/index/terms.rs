//! The domain dictionary extracted from a library by rule, once per index generation.
//!
//! A term is a run of 3 to 8 ideographs (U+4E00–U+9FFF only, so no punctuation, digit or
//! Latin letter) that jieba's general dictionary (with the user's `terms.dic`) does not
//! already hold as one word, and that the documents mark as a term:
//!
//! - **quoted**: the whole text between `“` and `”`, or between `《` and `》` (a named
//!   document), in a passage's text;
//! - **headings** (rule `all` only): the whole title of a heading on a passage's path, of at
//!   most 6 ideographs (longer titles are phrases, not terms).
//!
//! The terms are added to the full dictionary before the index is written, so the
//! compiled dictionary stored with the generation holds them and the query side segments
//! as the index did; they are also written to the generation as `terms.txt`, one a line.
//! `ZHENGCE_TERMS=off|quoted|all` picks the rule (default `quoted`, the variant that does
//! not hurt in the measurements of RELEVANCE.md, "Domain dictionary"); the terms are a function of the corpus
//! (whose hash the generation records) and of the rule, which joins the dictionary hash
//! (see [`freshness::dictionary_source`](super::freshness::dictionary_source)): changing
//! it makes the index stale.

use crate::analysis::{Segmenter, fold};
use crate::corpus::Document;
use std::collections::BTreeSet;

/// The file of a generation that lists the extracted terms.
pub const TERMS_FILE: &str = "terms.txt";

/// Shortest and longest term, in characters.
const MIN_CHARS: usize = 3;
const MAX_CHARS: usize = 8;
/// Longest heading title taken whole as a term.
const MAX_TITLE_CHARS: usize = 6;

/// Which sources the rule takes terms from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// No extraction (the user's `terms.dic` alone).
    Off,
    /// Quoted terms and 《names》.
    Quoted,
    /// Quoted terms, 《names》 and short heading titles.
    All,
}

impl Rule {
    /// The rule's name, as `ZHENGCE_TERMS` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Off => "off",
            Rule::Quoted => "quoted",
            Rule::All => "all",
        }
    }

    /// The rule `ZHENGCE_TERMS` names (`off`, `all`; unset, `quoted` and unknown: quoted).
    pub fn from_env() -> Rule {
        Rule::parse(std::env::var("ZHENGCE_TERMS").ok().as_deref())
    }

    /// The rule a value of `ZHENGCE_TERMS` names (`None`: unset).
    pub fn parse(value: Option<&str>) -> Rule {
        match value {
            Some("off") => Rule::Off,
            Some("all") => Rule::All,
            _ => Rule::Quoted,
        }
    }
}

fn ideographs(s: &str) -> bool {
    s.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// The texts between `open` and `close` in `text` (not nested, not across another `open`).
fn quoted<'a>(text: &'a str, open: char, close: char, out: &mut Vec<&'a str>) {
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len_utf8()..];
        let Some(j) = after.find([close, open]) else {
            return;
        };
        if after[j..].starts_with(close) {
            out.push(&after[..j]);
        }
        rest = &after[j..];
        if rest.starts_with(close) {
            rest = &rest[close.len_utf8()..];
        }
    }
}

/// The candidate terms of `docs` under `rule`, folded, before the dictionary check.
pub fn candidates(docs: &[Document], rule: Rule) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if rule == Rule::Off {
        return out;
    }
    let mut found = Vec::new();
    for d in docs {
        for p in &d.passages {
            quoted(&p.text, '“', '”', &mut found);
            quoted(&p.text, '《', '》', &mut found);
            if rule == Rule::All {
                found.extend(
                    p.path
                        .iter()
                        .map(|h| h.title.as_str())
                        .filter(|t| t.chars().count() <= MAX_TITLE_CHARS),
                );
            }
            for t in found.drain(..) {
                let n = t.chars().count();
                if (MIN_CHARS..=MAX_CHARS).contains(&n) && ideographs(t) {
                    out.insert(fold(t));
                }
            }
        }
    }
    out
}

/// The terms of `docs` under `rule` that `dict` does not hold as one word, sorted.
pub fn extract(docs: &[Document], rule: Rule, dict: &Segmenter) -> Vec<String> {
    candidates(docs, rule)
        .into_iter()
        .filter(|t| !dict.has_word(t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_whole_and_unnested() {
        let mut v = Vec::new();
        quoted("实施“以工代赈”和“放管服”改革，“未闭合", '“', '”', &mut v);
        assert_eq!(v, ["以工代赈", "放管服"]);
        v.clear();
        quoted("依据《中华人民共和国民法典》《物权编》", '《', '》', &mut v);
        assert_eq!(v, ["中华人民共和国民法典", "物权编"]);
        v.clear();
        quoted("“甲“乙丙丁”", '“', '”', &mut v);
        assert_eq!(v, ["乙丙丁"]);
    }

    #[test]
    fn candidates_of_a_policy_text() {
        let raw = "关于推进县域商业建设的意见\n\n一、总体要求\n\n（一）县域商业。推进“县乡村三级物流”建设，落实《县域商业建设指南》，“数商兴农”行动，“十四五”时期，“5G”和“乡村”。\n";
        let doc = crate::corpus::parse_policy(raw, "d", Default::default());
        let Ok(doc) = doc else {
            panic!("the text parses: {doc:?}");
        };
        let docs = [doc];
        let quoted: Vec<String> = candidates(&docs, Rule::Quoted).into_iter().collect();
        assert_eq!(
            quoted,
            ["十四五", "县乡村三级物流", "县域商业建设指南", "数商兴农"]
        );
        let all = candidates(&docs, Rule::All);
        assert!(
            all.contains("县域商业") && all.contains("总体要求"),
            "{all:?}"
        );
        assert!(candidates(&docs, Rule::Off).is_empty());
    }

    #[test]
    fn quoted_is_the_default_rule() {
        assert_eq!(Rule::parse(None), Rule::Quoted);
        assert_eq!(Rule::parse(Some("quoted")), Rule::Quoted);
        assert_eq!(Rule::parse(Some("off")), Rule::Off);
        assert_eq!(Rule::parse(Some("all")), Rule::All);
        assert_eq!(Rule::parse(Some("bogus")), Rule::Quoted);
        assert_eq!(Rule::parse(Some("all")).name(), "all");
    }

    #[test]
    fn only_runs_of_ideographs_of_three_to_eight() {
        assert!(ideographs("以工代赈"));
        assert!(!ideographs("十四五，规划"));
        assert!(!ideographs("5G基站"));
    }
}
