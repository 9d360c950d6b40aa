//! Query expansion: the words people use mapped to the words statutes use (`老板` →
//! `用人单位`), each with a weight below the user's own words.
//!
//! The table is `data/expansions.tsv`, learned from the training questions of the laws
//! (`scripts/learn_expansions.py`: weighted associations between a question's words and
//! the words of its gold articles, with a floor on the evidence), embedded in the binary.
//! Its format, one association a line: `from<TAB>to<TAB>weight`, weight in (0, 1]; lines
//! starting with `#` are comments. Nothing of a training question is indexed: only word
//! pairs and their weights.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The embedded table.
const TABLE: &str = include_str!("../../data/expansions.tsv");
const TERM_WEIGHTS: &str = include_str!("../../data/term_weights.tsv");

/// The text of a learned table: the file the environment variable `var` names (for
/// trying a table without a rebuild), else the one embedded in the binary.
fn table_text(var: &str, embedded: &'static str) -> std::borrow::Cow<'static, str> {
    if let Some(path) = std::env::var_os(var) {
        match std::fs::read_to_string(&path) {
            Ok(text) => return text.into(),
            Err(e) => tracing::warn!(?path, "{var} unreadable: {e}"),
        }
    }
    embedded.into()
}

/// The learned weight of the user's own words (`data/term_weights.tsv`, written by the
/// same program as the expansions with `TERM_WEIGHTS=…`): how much likelier than a question
/// word in general the word is to be said by the articles that answer the questions it is
/// in (`公司`, `医院` are words of the asker; `诉讼时效`, `返还` of the statute). Format:
/// `word<TAB>weight`, weight in (0, 4]; a word not listed weighs 1.
#[derive(Debug, Default)]
pub struct TermWeights {
    map: HashMap<String, f32>,
}

impl TermWeights {
    /// The table in the binary, or the file named by `ZHENGCE_TERM_WEIGHTS` (tuning).
    pub fn embedded() -> &'static TermWeights {
        static T: LazyLock<TermWeights> =
            LazyLock::new(|| TermWeights::parse(&table_text("ZHENGCE_TERM_WEIGHTS", TERM_WEIGHTS)));
        &T
    }

    /// Parses `word<TAB>weight` lines; comments (`#`) and bad lines are skipped.
    pub fn parse(text: &str) -> TermWeights {
        let map = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (w, x) = l.split_once('\t')?;
                let x: f32 = x.trim().parse().ok()?;
                (x > 0.0 && x <= 4.0 && !w.is_empty()).then(|| (w.to_string(), x))
            })
            .collect();
        TermWeights { map }
    }

    /// The factor of `word`'s clause: its weight to the power `strength` (0: off).
    pub fn factor(&self, word: &str, strength: f32) -> f32 {
        match self.map.get(word) {
            Some(&x) if strength != 0.0 => x.powf(strength),
            _ => 1.0,
        }
    }
}

/// One expansion applied to a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct Expansion {
    /// The user's word.
    pub from: String,
    /// The word added.
    pub to: String,
    /// Its clause's boost (the user's words weigh 1).
    pub weight: f32,
}

/// An expansion table.
#[derive(Debug, Default)]
pub struct Expansions {
    map: HashMap<String, Vec<(String, f32)>>,
}

impl Expansions {
    /// The table of this process, parsed once: the embedded one, or the file that
    /// `ZHENGCE_EXPANSIONS` names (same format; for trying a table without a rebuild).
    pub fn embedded() -> &'static Expansions {
        static E: LazyLock<Expansions> =
            LazyLock::new(|| Expansions::parse(&table_text("ZHENGCE_EXPANSIONS", TABLE)));
        &E
    }

    /// Parses the TSV format; malformed lines are skipped.
    pub fn parse(text: &str) -> Expansions {
        let mut map: HashMap<String, Vec<(String, f32)>> = HashMap::new();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut it = line.split('\t');
            let (Some(from), Some(to), Some(w)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            let Ok(w) = w.trim().parse::<f32>() else {
                continue;
            };
            if w > 0.0 && w <= 1.0 && from != to {
                map.entry(from.to_string())
                    .or_default()
                    .push((to.to_string(), w));
            }
        }
        for v in map.values_mut() {
            v.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        Expansions { map }
    }

    /// The expansions of `words`: at most `per_word` each, weights times `scale`.
    pub fn expand(&self, words: &[&str], scale: f32, per_word: usize) -> Vec<Expansion> {
        let mut out: Vec<Expansion> = Vec::new();
        if scale <= 0.0 {
            return out;
        }
        for w in words {
            for (to, wt) in self.map.get(*w).into_iter().flatten().take(per_word) {
                if words.contains(&to.as_str()) {
                    continue;
                }
                match out.iter_mut().find(|e| &e.to == to) {
                    Some(e) => e.weight = e.weight.max(wt * scale),
                    None => out.push(Expansion {
                        from: (*w).to_string(),
                        to: to.clone(),
                        weight: wt * scale,
                    }),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_weights_parse_and_apply() {
        let t = TermWeights::parse("# c\n公司\t0.5\n返还\t1.5\nbad\tx\nzero\t0\n");
        assert_eq!(t.factor("公司", 1.0), 0.5);
        assert!((t.factor("公司", 0.5) - 0.5f32.sqrt()).abs() < 1e-6);
        assert_eq!(t.factor("公司", 0.0), 1.0);
        assert_eq!(t.factor("返还", 1.0), 1.5);
        assert_eq!(t.factor("zero", 1.0), 1.0);
        assert_eq!(t.factor("未知", 1.0), 1.0);
        assert!(!TermWeights::embedded().map.is_empty());
    }

    #[test]
    fn parse_and_expand() {
        let e = Expansions::parse(
            "# c\n老板\t用人单位\t0.5\n老板\t工资\t0.2\nx\ty\tbad\n房东\t出租人\t2\n",
        );
        let got = e.expand(&["老板", "工资"], 0.8, 3);
        assert_eq!(
            got,
            vec![Expansion {
                from: "老板".into(),
                to: "用人单位".into(),
                weight: 0.4
            }]
        );
        // Weight over 1: skipped; no expansion for an unknown word.
        assert!(e.expand(&["房东"], 1.0, 3).is_empty());
        assert!(e.expand(&["老板"], 0.0, 3).is_empty());
    }
}
