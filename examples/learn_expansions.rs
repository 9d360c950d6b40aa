//! Learns the query expansion table (`data/expansions.tsv`) from training questions with
//! their gold articles: weighted associations between a question's words and the words of
//! its gold articles, with a floor on the evidence.
//!
//! ```sh
//! zhengce index --corpus ../shared/corpora/laws --index /tmp/laws-ix
//! zhengce --corpus ../shared/corpora/laws --index /tmp/laws-ix passages --json > /tmp/laws.jsonl
//! cargo run --release --example learn_expansions -- /tmp/laws-ix /tmp/laws.jsonl \
//!     ../shared/eval/laws_train.tsv > data/expansions.tsv
//! ```
//!
//! # The rule
//!
//! A question's words are what the engine searches for it (its required words, after
//! question words and fillers are dropped); an article's words are the dictionary words of
//! its text (two characters or more). For a question word `q` and an article word `a` that
//! the question does not contain:
//!
//! - `n(q)`: training questions with `q`; `n(q, a)`: those whose gold articles contain `a`;
//! - `p = n(q, a) / n(q)`, and the lift `p / P(a)` over the share `P(a)` of all articles
//!   that contain `a`.
//!
//! A pair is kept when `n(q, a) ≥ MIN_PAIR` and `n(q) ≥ MIN_WORD` (the floor on evidence),
//! `p ≥ MIN_P` and the lift is at least `MIN_LIFT`; its weight is `p · ln(lift) / ln(MAX_LIFT)`,
//! at most 1. At most `PER_WORD` pairs per question word, the heaviest, and no article word
//! in more than `MAX_SHARE` of all articles. Only word pairs and
//! weights leave this program: no question, no article id.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::Path;

// The defaults below made data/expansions.tsv; each can be tried with an environment
// variable of the same name (`MIN_LIFT=10`).
const MIN_PAIR: usize = 3;
const MIN_WORD: usize = 4;
const MIN_P: f64 = 0.25;
const MIN_LIFT: f64 = 15.0;
const MAX_LIFT: f64 = 1000.0;
const PER_WORD: usize = 5;
/// Words in more than this share of all articles (`但是`, `规定`) are not vocabulary.
const MAX_SHARE: f64 = 0.02;

fn param<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Numbers and article labels (`第一千`, `十八条`, `2021`): not vocabulary.
fn is_numbering(w: &str) -> bool {
    w.chars().all(|c| {
        c.is_ascii_digit() || "零〇一二三四五六七八九十百千万两第条款项之编章节".contains(c)
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [index, passages, train] = args.as_slice() else {
        return Err("usage: learn_expansions INDEX PASSAGES.jsonl TRAIN.tsv".into());
    };
    let (min_pair, min_word) = (param("MIN_PAIR", MIN_PAIR), param("MIN_WORD", MIN_WORD));
    let (min_p, min_lift) = (param("MIN_P", MIN_P), param("MIN_LIFT", MIN_LIFT));
    let per_word = param("PER_WORD", PER_WORD);
    let max_share = param("MAX_SHARE", MAX_SHARE);
    let gold_background = param("BACKGROUND", String::from("all")) == "gold";
    // Tried: stop words out of the table (the engine never adds them anyway).
    let skip_stop = param("SKIP_STOP", 0u8) == 1;
    let engine = zhengce::Engine::open(Path::new(index))?;
    let ix = engine.index();
    let seg = &ix.segmenter;

    // Article words by citation; document frequency of each word over all passages.
    let mut by_cite: HashMap<String, HashSet<String>> = HashMap::new();
    let mut df: HashMap<String, usize> = HashMap::new();
    let mut n_passages = 0usize;
    for line in std::io::BufReader::new(std::fs::File::open(passages)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let (Some(text), Some(cite)) = (v["text"].as_str(), v["citation"].as_str()) else {
            continue;
        };
        let words: HashSet<String> = seg
            .words(text)
            .into_iter()
            .map(|w| w.text)
            .filter(|w| w.chars().count() >= 2 && !is_numbering(w))
            .collect();
        n_passages += 1;
        for w in &words {
            *df.entry(w.clone()).or_insert(0) += 1;
        }
        by_cite.entry(cite.to_string()).or_default().extend(words);
    }

    let mut n_q: HashMap<String, usize> = HashMap::new();
    let mut n_qa: HashMap<(String, String), usize> = HashMap::new();
    // Training questions whose gold articles contain each word (the `gold` background).
    let mut n_a: HashMap<String, usize> = HashMap::new();
    let mut n_questions = 0usize;
    // Training questions with a word whose gold articles say the word too.
    let mut n_self: HashMap<String, usize> = HashMap::new();
    for line in std::io::BufReader::new(std::fs::File::open(train)?).lines() {
        let line = line?;
        if line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(q), Some(gold)) = (cols.get(2), cols.get(3)) else {
            continue;
        };
        let Ok(pq) = zhengce::search::query::parse(q, seg) else {
            continue;
        };
        let qwords: HashSet<String> = pq
            .required
            .iter()
            .map(|w| w.text.clone())
            .filter(|w| w.chars().count() >= 2)
            .collect();
        let mut awords: HashSet<&String> = HashSet::new();
        for g in gold.split('|') {
            if let Some(ws) = by_cite.get(g.trim()) {
                awords.extend(ws.iter());
            }
        }
        n_questions += 1;
        for a in &awords {
            *n_a.entry((*a).clone()).or_insert(0) += 1;
        }
        for qw in &qwords {
            *n_q.entry(qw.clone()).or_insert(0) += 1;
            if awords.iter().any(|a| a.contains(qw.as_str())) {
                *n_self.entry(qw.clone()).or_insert(0) += 1;
            }
            for a in &awords {
                if !qwords.contains(*a) && !a.contains(qw.as_str()) && !qw.contains(a.as_str()) {
                    *n_qa.entry((qw.clone(), (*a).clone())).or_insert(0) += 1;
                }
            }
        }
    }

    let mut table: HashMap<&str, Vec<(&str, f64)>> = HashMap::new();
    for ((q, a), &c) in &n_qa {
        let nq = n_q.get(q).copied().unwrap_or(0);
        if c < min_pair || nq < min_word {
            continue;
        }
        let p = c as f64 / nq as f64;
        let pa = df.get(a).copied().unwrap_or(0).max(1) as f64 / n_passages.max(1) as f64;
        if pa > max_share || (skip_stop && zhengce::search::query::is_stop_word(a)) {
            continue;
        }
        // The lift over the chance of the word in any article (`all`), or in the articles
        // that training questions cite (`gold`): there `但是` is everywhere, so it lifts
        // nothing, while `解除劳动合同` lifts for `辞职`.
        let lift = if gold_background {
            p / (n_a.get(a).copied().unwrap_or(0).max(1) as f64 / n_questions.max(1) as f64)
        } else {
            p / pa
        };
        if p < min_p || lift < min_lift {
            continue;
        }
        let w = (p * lift.ln() / MAX_LIFT.ln()).min(1.0);
        table.entry(q).or_default().push((a, w));
    }
    if let Ok(path) = std::env::var("TERM_WEIGHTS") {
        write_term_weights(Path::new(&path), &n_q, &n_self)?;
    }
    let mut keys: Vec<&&str> = table.keys().collect();
    keys.sort();
    let out = std::io::stdout();
    let mut out = out.lock();
    writeln!(
        out,
        "# zhengce query expansions: from<TAB>to<TAB>weight. Learned by examples/learn_expansions.rs \
         (n(q,a)>={min_pair}, n(q)>={min_word}, p>={min_p}, lift>={min_lift}, <= {per_word} per word)."
    )?;
    for q in keys {
        let mut v = table[*q].clone();
        v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
        for (a, w) in v.into_iter().take(per_word) {
            writeln!(out, "{q}\t{a}\t{w:.3}")?;
        }
    }
    Ok(())
}

/// Writes the learned weight of each question word: how much likelier than a question word
/// in general it is to be said by the gold articles too (`公司` is, `老婆` is not), smoothed
/// towards 1 by `TW_PRIOR` pseudo-questions, clipped to [`TW_MIN`, `TW_MAX`]; only words of at
/// least `TW_MIN_WORD` questions.
fn write_term_weights(
    path: &Path,
    n_q: &HashMap<String, usize>,
    n_self: &HashMap<String, usize>,
) -> Result<(), Box<dyn std::error::Error>> {
    let m: f64 = param("TW_PRIOR", 5.0);
    let (lo, hi): (f64, f64) = (param("TW_MIN", 0.3), param("TW_MAX", 1.5));
    let min_word = param("TW_MIN_WORD", 2usize);
    let total: usize = n_q.values().sum();
    let said: usize = n_self.values().sum();
    let base = said as f64 / total.max(1) as f64;
    let mut rows: Vec<(&String, f64)> = n_q
        .iter()
        .filter(|&(_, &n)| n >= min_word)
        .map(|(w, &n)| {
            let k = n_self.get(w).copied().unwrap_or(0) as f64;
            let p = (k + m * base) / (n as f64 + m);
            (w, (p / base.max(1e-9)).clamp(lo, hi))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "# zhengce query word weights: word<TAB>weight. Learned by examples/learn_expansions.rs \
         (TERM_WEIGHTS=…; base rate {base:.3}, prior {m} questions, clipped to [{lo}, {hi}])."
    )?;
    for (w, x) in rows {
        writeln!(out, "{w}\t{x:.3}")?;
    }
    Ok(())
}
