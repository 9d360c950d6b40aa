//! Ranking over a library: every weight in one struct ([`Weights`]), the priors of each
//! document (its kind, its place, whether a newer version exists), the evidence of the
//! query's words in a document's title, and the evidence gathered per document (a law
//! several of whose articles match is likely the law asked about).
//!
//! A passage's score is its BM25-based query score (see [`super::plan`]) times
//! `exp(prior + title + place + version)` of its document, then plus the document's
//! evidence: [`Weights::doc_evidence`] times the scores of the document's other best
//! candidates.

use crate::index::{DocInfo, OpenIndex, compact};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Every weight of the ranking, in one place. [`Weights::default`] holds the tuned values
/// (see RELEVANCE.md); `ZHENGCE_WEIGHTS="title=0,kind_local=0"` overrides any of them by
/// name for one process (ablations, tuning).
#[derive(Debug, Clone, Serialize)]
pub struct Weights {
    /// Boost of a word found as a part of a compound word (`老区` in `革命老区`), relative to
    /// 1 for the word itself.
    pub parts: f32,
    /// Boost of a word in the passage's section and sidebar titles.
    pub titles: f32,
    /// Share of a word's text score that counts its occurrences (BM25's term frequency);
    /// the rest counts only that it occurs (a passage that repeats a rare word ten times
    /// is not ten times the answer).
    pub text_tf: f32,
    /// Boost of the whole query found as one run of characters.
    pub run: f32,
    /// Boost of the query's words near each other, in order.
    pub proximity: f32,
    /// Boost of a word in the lead sentence (or a sidebar item's label).
    pub lead: f32,
    /// Boost of a word in the title of the heading a passage opens.
    pub entry: f32,
    /// Boost of a word in the chapter's title.
    pub chapter_title: f32,
    /// Boost of an optional word's clause (fillers, answer kinds, demoted common words).
    pub optional: f32,
    /// Boost of a word found only as a substring across word boundaries (`约定不明` in
    /// `约定|不明确`), relative to 1 for a word match.
    pub cross_boundary: f32,
    /// The substring clause only for words found as a word in at most this share of the
    /// passages: a common word's substring matches add little to its word matches, and
    /// its characters' long postings make the phrase the costliest clause of a query.
    pub cross_boundary_max_share: f32,
    /// See `cross_boundary_max_share`: a word in at most this many passages always gets it.
    pub cross_boundary_min_df: usize,
    /// Relaxed queries: a bonus per matched word, times the word's idf (coverage).
    pub coverage: f32,
    /// From this many required words a query is long: searched relaxed from the start.
    pub long_query_words: usize,
    /// Share of a long query's required words that a passage must match.
    pub min_share: f32,
    /// Over a library of at least `demote_min_passages` passages, a required word of idf
    /// below this becomes optional (when the query has rarer words).
    pub demote_idf: f32,
    /// See `demote_idf`.
    pub demote_min_passages: usize,
    /// Title evidence: log-factor at a document whose title holds all the query's words
    /// (weighed by their rarity among titles).
    pub title: f32,
    /// Log-prior of a national law (法律, 宪法).
    pub kind_law: f32,
    /// Log-prior of an administrative regulation (行政法规).
    pub kind_regulation: f32,
    /// Log-prior of a judicial interpretation (司法解释).
    pub kind_interpretation: f32,
    /// Log-prior of a departmental rule (部门规章).
    pub kind_rule: f32,
    /// Log-prior of a local regulation (地方性法规).
    pub kind_local: f32,
    /// Log-prior of a case or a guide (案例, 其他).
    pub kind_case: f32,
    /// Log-prior of policy texts (规划, 意见, 通知…) and unknown kinds.
    pub kind_policy: f32,
    /// Log-factor added to a local text of the place the query names (which also gets the
    /// national prior).
    pub place: f32,
    /// Log-factor of a version of a law that has a newer one.
    pub old_version: f32,
    /// Log-factor of an amending act (`刑法修正案（九）`, `关于修改《…》的决定`): its
    /// articles live on in the law it amends, which answers in their current wording.
    pub amending: f32,
    /// Log-factor at the law most often the answer to the training questions
    /// (`data/law_prior.tsv`, learned by `scripts/learn_law_prior.py`), less for others.
    pub popular: f32,
    /// Weight of a document's other best candidates added to each of its passages.
    pub doc_evidence: f32,
    /// How many of a document's other candidates count as its evidence.
    pub doc_evidence_top: usize,
    /// How many candidates are re-ranked by document evidence.
    pub rerank_depth: usize,
    /// How many candidates the first pass (the query's words alone) keeps at least, and
    /// how many of its best are then re-scored with the boosts, the expansion and, for a
    /// relaxed query, the substrings across word boundaries (see [`super::plan`]). The
    /// same for every page: the others, on deep pages, keep their first-pass order.
    pub rescore_depth: usize,
    /// Scale of the expansions' weights (0: no expansion).
    pub expansion: f32,
    /// Most expansion words per user word.
    pub expansion_per_word: usize,
    /// Strength of the learned weights of the user's words over a library
    /// ([`super::expand::TermWeights`]; 0: every word by its rarity alone).
    pub term_weight: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            parts: 0.4,
            titles: 0.4,
            text_tf: 1.0,
            run: 1.5,
            proximity: 1.0,
            lead: 1.6,
            entry: 2.0,
            chapter_title: 0.2,
            optional: 0.3,
            cross_boundary: 0.3,
            cross_boundary_max_share: 0.01,
            cross_boundary_min_df: 1000,
            coverage: 0.0,
            long_query_words: 4,
            min_share: 0.0,
            demote_idf: 1.5,
            demote_min_passages: 2000,
            title: 0.3,
            kind_law: 0.0,
            kind_regulation: -0.2,
            kind_interpretation: -0.1,
            kind_rule: -0.6,
            kind_local: -1.0,
            kind_case: -1.2,
            kind_policy: 0.0,
            place: 0.5,
            old_version: -0.3,
            amending: -0.5,
            popular: 0.3,
            doc_evidence: 0.05,
            doc_evidence_top: 2,
            rerank_depth: 100,
            rescore_depth: 500,
            expansion: 0.6,
            expansion_per_word: 3,
            term_weight: 1.0,
        }
    }
}

impl Weights {
    /// The weights of this process: the defaults, with `ZHENGCE_WEIGHTS` applied.
    pub fn current() -> &'static Weights {
        static W: LazyLock<Weights> = LazyLock::new(|| {
            let mut w = Weights::default();
            if let Ok(spec) = std::env::var("ZHENGCE_WEIGHTS")
                && let Err(e) = w.apply(&spec)
            {
                tracing::warn!("ZHENGCE_WEIGHTS ignored in part: {e}");
            }
            w
        });
        &W
    }

    /// Applies `name=value,name=value` overrides.
    pub fn apply(&mut self, spec: &str) -> Result<(), String> {
        let mut v = serde_json::to_value(&*self).map_err(|e| e.to_string())?;
        let obj = v.as_object_mut().ok_or("weights are not an object")?;
        for pair in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, val) = pair.split_once('=').ok_or(format!("{pair:?}: no '='"))?;
            let k = k.trim();
            let old = obj.get(k).ok_or(format!("unknown weight {k:?}"))?;
            let x: f64 = val
                .trim()
                .parse()
                .map_err(|_| format!("{pair:?}: not a number"))?;
            let new = if old.is_u64() {
                serde_json::Value::from(x.max(0.0) as u64)
            } else {
                serde_json::Value::from(x)
            };
            obj.insert(k.to_string(), new);
        }
        *self = weights_from_value(v)?;
        Ok(())
    }
}

fn weights_from_value(v: serde_json::Value) -> Result<Weights, String> {
    let d = Weights::default();
    let f = |k: &str, dv: f32| v.get(k).and_then(|x| x.as_f64()).map_or(dv, |x| x as f32);
    let u = |k: &str, dv: usize| v.get(k).and_then(|x| x.as_u64()).map_or(dv, |x| x as usize);
    Ok(Weights {
        parts: f("parts", d.parts),
        titles: f("titles", d.titles),
        text_tf: f("text_tf", d.text_tf),
        run: f("run", d.run),
        proximity: f("proximity", d.proximity),
        lead: f("lead", d.lead),
        entry: f("entry", d.entry),
        chapter_title: f("chapter_title", d.chapter_title),
        optional: f("optional", d.optional),
        cross_boundary: f("cross_boundary", d.cross_boundary),
        cross_boundary_max_share: f("cross_boundary_max_share", d.cross_boundary_max_share),
        cross_boundary_min_df: u("cross_boundary_min_df", d.cross_boundary_min_df),
        coverage: f("coverage", d.coverage),
        long_query_words: u("long_query_words", d.long_query_words),
        min_share: f("min_share", d.min_share),
        demote_idf: f("demote_idf", d.demote_idf),
        demote_min_passages: u("demote_min_passages", d.demote_min_passages),
        title: f("title", d.title),
        kind_law: f("kind_law", d.kind_law),
        kind_regulation: f("kind_regulation", d.kind_regulation),
        kind_interpretation: f("kind_interpretation", d.kind_interpretation),
        kind_rule: f("kind_rule", d.kind_rule),
        kind_local: f("kind_local", d.kind_local),
        kind_case: f("kind_case", d.kind_case),
        kind_policy: f("kind_policy", d.kind_policy),
        place: f("place", d.place),
        old_version: f("old_version", d.old_version),
        amending: f("amending", d.amending),
        popular: f("popular", d.popular),
        doc_evidence: f("doc_evidence", d.doc_evidence),
        doc_evidence_top: u("doc_evidence_top", d.doc_evidence_top),
        rerank_depth: u("rerank_depth", d.rerank_depth),
        rescore_depth: u("rescore_depth", d.rescore_depth),
        expansion: f("expansion", d.expansion),
        expansion_per_word: u("expansion_per_word", d.expansion_per_word),
        term_weight: f("term_weight", d.term_weight),
    })
}

/// The kind of a document, as the prior sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Law,
    Regulation,
    Interpretation,
    Rule,
    Local,
    Case,
    Policy,
}

impl Kind {
    fn of(doc_type: Option<&str>) -> Kind {
        match doc_type.unwrap_or("") {
            "法律" | "宪法" => Kind::Law,
            "行政法规" => Kind::Regulation,
            "司法解释" => Kind::Interpretation,
            "部门规章" => Kind::Rule,
            "地方性法规" => Kind::Local,
            "案例" | "其他" => Kind::Case,
            _ => Kind::Policy,
        }
    }

    fn prior(self, w: &Weights) -> f32 {
        match self {
            Kind::Law => w.kind_law,
            Kind::Regulation => w.kind_regulation,
            Kind::Interpretation => w.kind_interpretation,
            Kind::Rule => w.kind_rule,
            Kind::Local => w.kind_local,
            Kind::Case => w.kind_case,
            Kind::Policy => w.kind_policy,
        }
    }
}

/// What the ranking knows of each document, by its position in the index (`docn`); built
/// once per index generation.
#[derive(Debug)]
pub struct DocTable {
    kind: Vec<Kind>,
    /// Folded title and subtitle, word characters only.
    title: Vec<String>,
    /// The documents whose `title` holds each character, in order: a word's titles are
    /// looked for among those of its rarest character only.
    title_chars: HashMap<char, Vec<u32>>,
    /// The places a local text belongs to: its province's folder and the place its title
    /// begins with (`山东`, `东营`); none for other texts.
    place: Vec<Vec<String>>,
    /// Every place of `place` once, in order of first appearance.
    places: Vec<String>,
    /// Whether a newer version of the document is in the index.
    old: Vec<bool>,
    /// Whether the document is an amending act ([`is_amending_act`]).
    amending: Vec<bool>,
    /// The learned prior of the document's law, in [0, 1].
    popular: Vec<f32>,
}

/// The learned law prior: `title<TAB>prior` lines (see [`Weights::popular`]).
const LAW_PRIOR: &str = include_str!("../../data/law_prior.tsv");

fn law_prior() -> &'static HashMap<String, f32> {
    static P: LazyLock<HashMap<String, f32>> = LazyLock::new(|| {
        LAW_PRIOR
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (t, v) = l.split_once('\t')?;
                Some((t.to_string(), v.trim().parse().ok()?))
            })
            .collect()
    });
    &P
}

impl DocTable {
    /// The table of an opened index.
    pub fn new(ix: &OpenIndex) -> DocTable {
        let docs: &[DocInfo] = &ix.docs;
        let mut newest: HashMap<String, Option<String>> = HashMap::new();
        for d in docs {
            let e = newest.entry(d.version_key()).or_insert(None);
            if d.meta.date > *e {
                *e = d.meta.date.clone();
            }
        }
        let title: Vec<String> = docs
            .iter()
            .map(|d| {
                let sub = d.meta.subtitle.as_deref().unwrap_or("");
                compact(&format!("{}{sub}", d.title))
            })
            .collect();
        let mut title_chars: HashMap<char, Vec<u32>> = HashMap::new();
        for (i, t) in title.iter().enumerate() {
            for c in t.chars() {
                let v = title_chars.entry(c).or_default();
                if v.last() != Some(&(i as u32)) {
                    v.push(i as u32);
                }
            }
        }
        let place: Vec<Vec<String>> = docs
            .iter()
            .map(|d| {
                if Kind::of(d.meta.doc_type.as_deref()) != Kind::Local {
                    return Vec::new();
                }
                let mut v: Vec<String> = place_of_source(d.meta.source.as_deref())
                    .into_iter()
                    .chain(place_of(&d.title))
                    .collect();
                v.dedup();
                v
            })
            .collect();
        let mut places: Vec<String> = Vec::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for p in place.iter().flatten() {
            if seen.insert(p) {
                places.push(p.clone());
            }
        }
        DocTable {
            title,
            title_chars,
            places,
            place,
            kind: docs
                .iter()
                .map(|d| Kind::of(d.meta.doc_type.as_deref()))
                .collect(),
            amending: docs.iter().map(|d| is_amending_act(&d.title)).collect(),
            old: docs
                .iter()
                .map(|d| {
                    newest
                        .get(&d.version_key())
                        .is_some_and(|n| *n > d.meta.date)
                })
                .collect(),
            popular: docs
                .iter()
                .map(|d| law_prior().get(&d.title).copied().unwrap_or(0.0))
                .collect(),
        }
    }

    /// The documents whose title (or subtitle) contains `word`, in order.
    fn titles_with(&self, word: &str) -> Vec<usize> {
        let mut rarest: Option<&[u32]> = None;
        for c in word.chars() {
            let docs = self.title_chars.get(&c).map_or(&[][..], |v| v.as_slice());
            if rarest.is_none_or(|r| docs.len() < r.len()) {
                rarest = Some(docs);
            }
        }
        let Some(cands) = rarest else {
            return (0..self.len()).collect();
        };
        cands
            .iter()
            .map(|&d| d as usize)
            .filter(|&d| self.title.get(d).is_some_and(|t| t.contains(word)))
            .collect()
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    /// Whether the table has no documents.
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }
}

/// The place of a local text from its folder: the one under `地方性法规`
/// (`DLC/北京地方法规/地方性法规/北京/…` → `北京`).
fn place_of_source(source: Option<&str>) -> Option<String> {
    let mut parts = source?.split('/');
    parts.find(|p| *p == "地方性法规")?;
    let place = parts.next()?;
    // The folder, not the file.
    (!place.contains('.')).then(|| place.to_string())
}

/// The place at the head of a local text's title: `北京市养犬管理规定` → `北京`,
/// `广西壮族自治区…` → `广西`.
fn place_of(title: &str) -> Option<String> {
    let chars: Vec<char> = title.chars().take(12).collect();
    for i in 2..chars.len().min(8) {
        let rest: String = chars[i..].iter().collect();
        for suffix in ["自治区", "自治州", "省", "市", "县", "盟"] {
            if rest.starts_with(suffix) {
                let head: String = chars[..i].iter().collect();
                let short: String = head.chars().take(2).collect();
                return Some(if suffix == "自治区" { short } else { head });
            }
        }
    }
    None
}

/// One word of the query as document-level evidence sees it.
pub(super) struct EvidenceWord<'a> {
    pub text: &'a str,
    /// The word's weight in the query (its clause boost).
    pub boost: f32,
}

/// The per-document log-factors of one query, and what made them (for `explain`).
#[derive(Debug, Clone, Default)]
pub(super) struct DocFactors {
    /// `exp` of the sum of the parts below, per document.
    pub factor: Vec<f32>,
    pub prior: Vec<f32>,
    pub title: Vec<f32>,
    pub place: Vec<f32>,
    pub version: Vec<f32>,
    /// The places the query names.
    pub places: Vec<String>,
}

impl DocFactors {
    /// The factors for a query's words over the documents of `table`.
    pub fn new(table: &DocTable, words: &[EvidenceWord<'_>], w: &Weights) -> DocFactors {
        let n = table.len();
        let places = named_places(table, words);
        let title = title_evidence(table, words, w);
        let mut out = DocFactors {
            factor: Vec::with_capacity(n),
            prior: Vec::with_capacity(n),
            title,
            place: vec![0.0; n],
            version: Vec::with_capacity(n),
            places,
        };
        for d in 0..n {
            let mut prior = table.kind[d].prior(w);
            if table.place[d].iter().any(|p| out.places.contains(p)) {
                prior = prior.max(w.kind_law);
                out.place[d] = w.place;
            }
            let mut version = if table.old[d] { w.old_version } else { 0.0 };
            if table.amending[d] {
                version += w.amending;
            }
            let prior = prior + w.popular * table.popular[d];
            out.prior.push(prior);
            out.version.push(version);
            out.factor
                .push((prior + out.title[d] + out.place[d] + version).exp());
        }
        out
    }

    /// The factor of document `docn` (1 for an unknown one).
    pub fn of(&self, docn: u64) -> f32 {
        usize::try_from(docn)
            .ok()
            .and_then(|d| self.factor.get(d))
            .copied()
            .unwrap_or(1.0)
    }
}

/// Whether a title is an amending act's: an amendment (`修正案`) or a decision to amend
/// (`关于修改《…》的决定`), not a rule about the time after an amendment
/// (`关于修改后的民事诉讼法施行时未结案件…的规定`).
fn is_amending_act(title: &str) -> bool {
    let t = title.trim();
    t.contains("修正案") || t.contains("关于修改") && !t.contains("修改后") && t.ends_with("的决定")
}

/// The places of the library that the query names (`北京`, `北京市`).
fn named_places(table: &DocTable, words: &[EvidenceWord<'_>]) -> Vec<String> {
    table
        .places
        .iter()
        .filter(|p| words.iter().any(|w| w.text.starts_with(p.as_str())))
        .cloned()
        .collect()
}

/// Per document, `w.title` times the share of the query's weight (each word weighed by
/// its rarity among titles) found in the document's title.
fn title_evidence(table: &DocTable, words: &[EvidenceWord<'_>], w: &Weights) -> Vec<f32> {
    let n = table.len();
    let mut out = vec![0.0f32; n];
    if w.title == 0.0 || n < 2 || words.is_empty() {
        return out;
    }
    let mut total = 0.0f32;
    let mut got = vec![0.0f32; n];
    for word in words {
        let docs = table.titles_with(word.text);
        let rarity = ((n as f32 + 1.0) / (docs.len() as f32 + 1.0)).ln();
        // A word in (nearly) every title says nothing; one in no title adds no evidence
        // but still counts in the query's weight.
        let weight = rarity * word.boost;
        total += weight;
        for d in docs {
            got[d] += weight;
        }
    }
    if total <= 0.0 {
        return out;
    }
    for (o, g) in out.iter_mut().zip(got) {
        *o = w.title * g / total;
    }
    out
}

/// Adds each candidate's document evidence: `w.doc_evidence` times the scores of the
/// best `w.doc_evidence_top` other candidates of the same document (halving with rank).
/// `cands` holds (score, docn), `docs` the number of documents (a larger docn, or a
/// missing one, counts as one more); returns the evidence added to each.
pub(super) fn document_evidence(cands: &[(f32, u64)], docs: usize, w: &Weights) -> Vec<f32> {
    let top = w.doc_evidence_top;
    if w.doc_evidence == 0.0 || top == 0 {
        return vec![0.0; cands.len()];
    }
    // Each document's best `top + 1` scores, best first: a candidate's others are these
    // without its own (or the first `top` when its own is not among them).
    let k = top + 1;
    let slot = |d: u64| usize::try_from(d).map_or(docs, |d| d.min(docs));
    let mut best = vec![f32::NEG_INFINITY; (docs + 1) * k];
    for &(s, d) in cands {
        let row = &mut best[slot(d) * k..][..k];
        if let Some(at) = row.iter().position(|&x| s > x) {
            row.copy_within(at..k - 1, at + 1);
            row[at] = s;
        }
    }
    cands
        .iter()
        .map(|&(s, d)| {
            let row = &best[slot(d) * k..][..k];
            let (mut skipped, mut taken) = (false, 0);
            let (mut sum, mut decay) = (0.0, 1.0);
            for &x in row.iter().take_while(|x| x.is_finite()) {
                if !skipped && x == s {
                    skipped = true;
                    continue;
                }
                if taken == top {
                    break;
                }
                sum += x * decay;
                decay *= 0.5;
                taken += 1;
            }
            w.doc_evidence * sum
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amending_acts_by_their_titles() {
        for (title, amending) in [
            ("中华人民共和国刑法修正案（九）", true),
            ("中华人民共和国刑法修正案", true),
            (
                "全国人民代表大会常务委员会关于修改《中华人民共和国会计法》的决定",
                true,
            ),
            (
                "最高人民法院关于修改《关于上海金融法院案件管辖的规定》的决定",
                true,
            ),
            (
                "最高人民法院关于修改后的民事诉讼法施行时未结案件适用法律若干问题的规定",
                false,
            ),
            (
                "最高人民法院关于商标法修改决定施行后商标案件管辖和法律适用问题的解释",
                false,
            ),
            ("中华人民共和国刑法", false),
            (
                "全国人民代表大会常务委员会关于加强法律解释工作的决议",
                false,
            ),
        ] {
            assert_eq!(is_amending_act(title), amending, "{title}");
        }
    }

    #[test]
    fn places_from_titles() {
        assert_eq!(place_of("北京市养犬管理规定").as_deref(), Some("北京"));
        assert_eq!(place_of("东营市养犬管理条例").as_deref(), Some("东营"));
        assert_eq!(
            place_of("浙江省实施《中华人民共和国消费者权益保护法》办法").as_deref(),
            Some("浙江")
        );
        assert_eq!(
            place_of("广西壮族自治区水利工程管理条例").as_deref(),
            Some("广西")
        );
        assert_eq!(place_of("中华人民共和国民法典"), None);
        assert_eq!(
            place_of_source(Some(
                "DLC/北京地方法规/地方性法规/北京/北京中轴线文化遗产保护条例(2022-05-25).md"
            ))
            .as_deref(),
            Some("北京")
        );
        assert_eq!(place_of_source(Some("地方性法规/条例.md")), None);
    }

    #[test]
    fn weights_override_by_name() {
        let mut w = Weights::default();
        w.apply("title=0, rerank_depth=7").expect("apply");
        assert_eq!(w.title, 0.0);
        assert_eq!(w.rerank_depth, 7);
        assert!(w.apply("nonsense=1").is_err());
        assert!(w.apply("title=x").is_err());
    }

    #[test]
    fn evidence_of_other_candidates_of_the_same_document() {
        let w = Weights {
            doc_evidence: 1.0,
            doc_evidence_top: 2,
            ..Weights::default()
        };
        let ev = document_evidence(&[(4.0, 1), (2.0, 1), (1.0, 1), (3.0, 2)], 3, &w);
        assert_eq!(ev, vec![2.0 + 0.5, 4.0 + 0.5, 4.0 + 1.0, 0.0]);
    }

    /// The evidence as first written: every document's scores, sorted.
    fn evidence_by_sorting(cands: &[(f32, u64)], w: &Weights) -> Vec<f32> {
        let mut by_doc: HashMap<u64, Vec<f32>> = HashMap::new();
        for &(s, d) in cands {
            by_doc.entry(d).or_default().push(s);
        }
        for v in by_doc.values_mut() {
            v.sort_by(|a, b| b.total_cmp(a));
        }
        let others = |s: f32, scores: &[f32]| {
            let mut rest = scores.to_vec();
            if let Some(i) = rest.iter().position(|&x| x == s) {
                rest.remove(i);
            }
            let mut decay = 1.0;
            let mut sum = 0.0;
            for x in rest.into_iter().take(w.doc_evidence_top) {
                sum += x * decay;
                decay *= 0.5;
            }
            sum
        };
        cands
            .iter()
            .map(|&(s, d)| w.doc_evidence * others(s, &by_doc[&d]))
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn evidence_from_each_documents_best_is_evidence_from_all_its_candidates(
            top in 0usize..4,
            docs in 1usize..7,
            raw in proptest::collection::vec((0u8..8, 0u8..10, 0u64..3), 0..40),
        ) {
            // Scores with ties; documents in range, past it and missing (`u64::MAX`).
            let w = Weights {
                doc_evidence: 0.5,
                doc_evidence_top: top,
                ..Weights::default()
            };
            let n = docs as u64;
            let cands: Vec<(f32, u64)> = (raw.iter())
                .map(|&(s, at, past)| {
                    let d = match at {
                        0 => u64::MAX,
                        1 => n + past,
                        _ => u64::from(at) % n,
                    };
                    (f32::from(s) * 0.75, d)
                })
                .collect();
            // Documents past `docs` count as one, as in the evidence computed.
            let folded: Vec<(f32, u64)> = cands.iter().map(|&(s, d)| (s, d.min(n))).collect();
            let want = evidence_by_sorting(&folded, &w);
            proptest::prop_assert_eq!(document_evidence(&cands, docs, &w), want);
        }
    }
}
