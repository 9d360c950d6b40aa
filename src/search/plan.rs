//! The query plan: a parsed query resolved against the index (how each word matches, how
//! much it weighs) and turned into tantivy queries, strict (every required word) or relaxed
//! (the words weighed by rarity; a long query needs only a share of them).
//!
//! A search runs in two passes. The first ([`QueryPlan::build`]) matches: the user's words
//! (as words, compound parts and in titles; in a strict query also as substrings across
//! word boundaries), the phrases, the exclusions and the filters; it counts every match and
//! keeps the best candidates. The second ([`QueryPlan::rescore_clauses`]) scores only those
//! candidates with what never decides a match: the whole query as a run, the words' order
//! and place (lead sentence, heading, chapter title), the expansion's words and, in a
//! relaxed query, the substrings across word boundaries. The sum of both is what one query
//! of every clause would score; the costly clauses (phrases over characters, a dozen
//! expansion words) run over a few hundred passages instead of every match.

use super::expand::Expansion;
use super::query::ParsedQuery;
use super::rank::Weights;
use super::stats::Stats;
use crate::Result;
use crate::analysis::grams;
use crate::index::{Fields, OpenIndex};
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

/// How one query word is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// As a word or a part of a compound word (and, weighing less, as a substring across
    /// word boundaries).
    Word,
    /// As a substring (infix) of the text.
    Substring,
    /// A dictionary word that never stands as a word in the corpus: alone it matches
    /// nothing (`境地` in `边境|地区`); beside other words, a weak substring clue.
    Nothing,
}

/// What a word of the plan is to the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// The user's word, needed (all of them in a strict query).
    Required,
    /// The user's word, not needed (fillers, answer kinds, very common words).
    Optional,
    /// A word the expansion adds (statute vocabulary for the user's word).
    Expanded,
}

/// One word of the plan.
#[derive(Debug, Clone)]
pub(super) struct PlanWord {
    pub text: String,
    pub mode: Mode,
    pub role: Role,
    /// Inverse document frequency of the word over passages (rarity).
    pub idf: f32,
    /// Whether it also matches as a substring across word boundaries (see
    /// [`Weights::cross_boundary_max_share`]).
    pub cross: bool,
    /// Boost of the word's clause (role and expansion weight).
    pub boost: f32,
}

/// The query, resolved against the index.
pub(super) struct QueryPlan {
    pub words: Vec<PlanWord>,
    pub phrases: Vec<String>,
    pub excluded: Vec<(String, Mode)>,
    pub runs: Vec<Vec<String>>,
    pub compact: String,
    pub expanded: Vec<Expansion>,
}

impl QueryPlan {
    pub fn new(pq: &ParsedQuery, stats: &Stats<'_>, ix: &OpenIndex, w: &Weights) -> Result<Self> {
        let f = ix.fields;
        let n = stats.searcher().num_docs().max(1) as f32;
        let resolve = |word: &str| -> Result<(Mode, f32, bool)> {
            let df = stats.doc_freq(&Term::from_field_text(f.text, word))?
                + stats.doc_freq(&Term::from_field_text(f.parts, word))?;
            let tdf = stats.doc_freq(&Term::from_field_text(f.titles, word))?;
            let idf = ((n - df as f32 + 0.5) / (df as f32 + 0.5)).ln_1p();
            // One character: every occurrence, not only where jieba left it alone.
            let mode = if word.chars().count() == 1 {
                Mode::Substring
            } else if df + tdf > 0 {
                Mode::Word
            } else if !ix.segmenter.has_word(word) {
                Mode::Substring
            } else {
                Mode::Nothing
            };
            Ok((mode, idf, cross_boundary(df, n, w)))
        };
        let mut words = Vec::new();
        for (list, role) in [
            (&pq.required, Role::Required),
            (&pq.optional, Role::Optional),
        ] {
            for qw in list {
                let (mode, idf, cross) = resolve(&qw.text)?;
                let boost = if role == Role::Required {
                    1.0
                } else {
                    w.optional
                };
                words.push(PlanWord {
                    text: qw.text.clone(),
                    mode,
                    role,
                    idf,
                    cross,
                    boost,
                });
            }
        }
        demote_common(&mut words, n, w);
        if ix.docs.len() > 1 {
            let tw = super::expand::TermWeights::embedded();
            for x in &mut words {
                x.boost *= tw.factor(&x.text, w.term_weight);
            }
        }
        let mut excluded = Vec::new();
        for e in &pq.excluded {
            excluded.push((e.clone(), resolve(e)?.0));
        }
        Ok(QueryPlan {
            words,
            phrases: pq.phrases.clone(),
            excluded,
            runs: pq.runs.clone(),
            compact: pq.compact.clone(),
            expanded: Vec::new(),
        })
    }

    /// Adds the expansions' words (not already in the query) at their weights.
    pub fn expand(
        &mut self,
        stats: &Stats<'_>,
        f: &Fields,
        exps: Vec<Expansion>,
        w: &Weights,
    ) -> Result<()> {
        let n = stats.searcher().num_docs().max(1) as f32;
        for e in exps {
            if self.words.iter().any(|w| w.text == e.to) || super::query::is_stop_word(&e.to) {
                continue;
            }
            let df = stats.doc_freq(&Term::from_field_text(f.text, &e.to))?;
            if df == 0 {
                continue;
            }
            let idf = ((n - df as f32 + 0.5) / (df as f32 + 0.5)).ln_1p();
            self.words.push(PlanWord {
                text: e.to.clone(),
                mode: Mode::Word,
                role: Role::Expanded,
                idf,
                cross: cross_boundary(df, n, w),
                boost: e.weight,
            });
            self.expanded.push(e);
        }
        Ok(())
    }

    /// The user's words that a strict query requires.
    pub fn required(&self) -> impl Iterator<Item = &PlanWord> {
        self.words.iter().filter(|w| w.role == Role::Required)
    }

    /// Whether a relaxed query can find more than the strict one.
    pub fn can_relax(&self) -> bool {
        self.required().count() > 1 || !self.phrases.is_empty()
    }

    /// Whether the query is long enough to be searched relaxed from the start: a question
    /// or a description, whose words no single passage is expected to hold all of.
    pub fn is_long(&self, w: &Weights) -> bool {
        self.required().count() >= w.long_query_words
    }

    /// The strings to mark in snippets: matched words (single characters only when typed
    /// alone) and the words of phrases.
    pub fn highlight_terms(&self) -> Vec<String> {
        let users: Vec<&PlanWord> = self
            .words
            .iter()
            .filter(|w| w.role != Role::Expanded)
            .collect();
        let single_ok = users.len() == 1;
        let mut out: Vec<String> = self
            .words
            .iter()
            .filter(|w| {
                w.mode != Mode::Nothing && (single_ok || w.text.chars().count() > 1)
                    || w.role == Role::Expanded
            })
            .map(|w| w.text.clone())
            .collect();
        for p in &self.phrases {
            out.push(word_chars(p));
            for w in p.split_whitespace() {
                out.push(word_chars(w));
            }
        }
        if self.compact.chars().count() > 1 {
            out.push(self.compact.clone());
        }
        out.retain(|s| !s.is_empty());
        out
    }

    /// The clause matching one word: as a word (text, compound parts, titles) and, weaker,
    /// as a substring across word boundaries.
    fn word_query(
        f: &Fields,
        pw: &PlanWord,
        mode: Mode,
        weights: &Weights,
        with_cross: bool,
    ) -> Box<dyn Query> {
        if mode == Mode::Nothing {
            return Box::new(EmptyQuery);
        }
        let clauses = Self::word_clauses(f, pw, mode, weights, with_cross)
            .into_iter()
            .map(|q| (Occur::Should, q))
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    /// The optional clauses of [`QueryPlan::word_query`], each boosted: the word's score
    /// is their sum.
    fn word_clauses(
        f: &Fields,
        pw: &PlanWord,
        mode: Mode,
        weights: &Weights,
        with_cross: bool,
    ) -> Vec<Box<dyn Query>> {
        let w = pw.text.as_str();
        let term_with = |field: Field, boost: f32, record: IndexRecordOption| -> Box<dyn Query> {
            let q = TermQuery::new(Term::from_field_text(field, w), record);
            Box::new(BoostQuery::new(Box::new(q), boost))
        };
        let term = |field: Field, boost: f32| term_with(field, boost, IndexRecordOption::WithFreqs);
        match mode {
            Mode::Word => {
                let mut clauses = Vec::with_capacity(5);
                if weights.text_tf < 1.0 {
                    // Without frequencies: BM25 as if the word occurred once.
                    let once = IndexRecordOption::Basic;
                    clauses.push(term_with(f.text, 1.0 - weights.text_tf, once));
                }
                if weights.text_tf > 0.0 {
                    clauses.push(term(f.text, weights.text_tf));
                }
                clauses.push(term(f.parts, weights.parts));
                clauses.push(term(f.titles, weights.titles));
                if with_cross && let Some(q) = Self::cross_query(f, pw, weights) {
                    clauses.push(q);
                }
                clauses
            }
            Mode::Substring => vec![
                Box::new(BoostQuery::new(gram_phrase(f.grams, w), 0.6)),
                Box::new(BoostQuery::new(gram_phrase(f.title_grams, w), 0.3)),
            ],
            Mode::Nothing => Vec::new(),
        }
    }

    /// A word found as a substring (across word boundaries): a constant below an aligned
    /// match's score, so it matches without ranking by frequency. None for a single
    /// character or a common word (see [`cross_boundary`]).
    fn cross_query(f: &Fields, pw: &PlanWord, weights: &Weights) -> Option<Box<dyn Query>> {
        if weights.cross_boundary <= 0.0 || !pw.cross || pw.text.chars().count() < 2 {
            return None;
        }
        let c = weights.cross_boundary * pw.idf.max(0.1);
        Some(Box::new(ConstScoreQuery::new(
            gram_phrase(f.grams, &pw.text),
            c,
        )))
    }

    /// The first pass: strict (every required word must match) or relaxed (at least
    /// `min_match` of the required words, weighed by their clauses' scores), with the
    /// exclusions and the filters. The expansion's words and the boosts are the second
    /// pass's ([`QueryPlan::rescore_clauses`]).
    pub fn build(
        &self,
        f: &Fields,
        strict: bool,
        weights: &Weights,
        filters: &[Box<dyn Query>],
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if strict {
            clauses.extend(self.strict_matching(f, weights));
        } else {
            clauses.push((Occur::Must, self.relaxed_matching(f, weights)));
        }
        // An excluded word is matched as a word (or a substring when it is not one), without
        // the constant-score substring clause: tantivy's exclusion seeks its docset
        // backwards there (a debug assertion in `PhraseScorer::seek_danger`).
        let plain = Weights {
            cross_boundary: 0.0,
            ..weights.clone()
        };
        for (w, mode) in &self.excluded {
            let m = if *mode == Mode::Nothing {
                Mode::Substring
            } else {
                *mode
            };
            let pw = PlanWord {
                text: w.clone(),
                mode: m,
                role: Role::Required,
                idf: 1.0,
                cross: false,
                boost: 1.0,
            };
            clauses.push((Occur::MustNot, Self::word_query(f, &pw, m, &plain, false)));
        }
        for flt in filters {
            clauses.push((Occur::Must, flt.box_clone()));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Only the matching part of the strict query (whether any passage has every word).
    pub fn strict_count_query(
        &self,
        f: &Fields,
        weights: &Weights,
        filters: &[Box<dyn Query>],
    ) -> Box<dyn Query> {
        let mut clauses = self.strict_matching(f, weights);
        for flt in filters {
            clauses.push((Occur::Must, flt.box_clone()));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The second pass, over the first pass's candidates: the boosts, the expansion's
    /// words and, in a relaxed query, the user's words as substrings across word
    /// boundaries. Each clause alone (the score they add is their sum), so that each is
    /// moved to the candidates by itself: a union would walk its phrases' matches in
    /// between.
    pub fn rescore_clauses(
        &self,
        f: &Fields,
        strict: bool,
        weights: &Weights,
    ) -> Vec<Box<dyn Query>> {
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        self.add_boosts(f, weights, &mut out);
        for w in &self.words {
            if w.role == Role::Expanded {
                for q in Self::word_clauses(f, w, w.mode, weights, true) {
                    out.push(boosted(q, w.boost));
                }
            } else if !strict
                && w.mode == Mode::Word
                && let Some(q) = Self::cross_query(f, w, weights)
            {
                out.push(boosted(q, w.boost));
            }
        }
        out
    }

    fn strict_matching(&self, f: &Fields, weights: &Weights) -> Vec<(Occur, Box<dyn Query>)> {
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in self.words.iter().filter(|w| w.role != Role::Expanded) {
            let q = Self::word_query(f, w, w.mode, weights, true);
            let occur = if w.role == Role::Required {
                Occur::Must
            } else {
                Occur::Should
            };
            out.push((occur, boosted(q, w.boost)));
        }
        for p in &self.phrases {
            let q = BoostQuery::new(gram_phrase(f.grams, p), 2.0);
            out.push((Occur::Must, Box::new(q)));
        }
        out
    }

    /// Each word (and phrase) may match; each match adds its clause's score and a bonus
    /// for coverage (rarer words more). At least `min_match` of the required words (by
    /// share of the query's weight) must match.
    fn relaxed_matching(&self, f: &Fields, weights: &Weights) -> Box<dyn Query> {
        let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut others: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Whether any one word's match suffices (then words need no clause of their own).
        let flat = self.min_match(weights) <= 1;
        for w in self.words.iter().filter(|w| w.role != Role::Expanded) {
            let mode = if w.mode == Mode::Nothing && self.words.len() > 1 {
                Mode::Substring
            } else {
                w.mode
            };
            if weights.coverage <= 0.0 && flat {
                // One union of every word's clauses: the same sum as a union of
                // per-word unions, without a union nested in each.
                let list = if w.role == Role::Required {
                    &mut required
                } else {
                    &mut others
                };
                for q in Self::word_clauses(f, w, mode, weights, false) {
                    list.push((Occur::Should, boosted(q, w.boost)));
                }
                continue;
            }
            let q = Self::word_query(f, w, mode, weights, false);
            let q = if weights.coverage > 0.0 {
                let bonus = weights.coverage * w.idf * w.boost;
                let cover = ConstScoreQuery::new(q.box_clone(), bonus);
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, boosted(q, w.boost)),
                    (Occur::Should, Box::new(cover) as Box<dyn Query>),
                ])) as Box<dyn Query>
            } else {
                boosted(q, w.boost)
            };
            if w.role == Role::Required {
                required.push((Occur::Should, q));
            } else {
                others.push((Occur::Should, q));
            }
        }
        for p in &self.phrases {
            let q = BoostQuery::new(gram_phrase(f.grams, p), 2.0);
            required.push((Occur::Should, Box::new(q)));
        }
        let min = self.min_match(weights).min(required.len()).max(1);
        let need: Box<dyn Query> = if required.is_empty() {
            Box::new(BooleanQuery::new(std::mem::take(&mut others)))
        } else if min > 1 {
            Box::new(BooleanQuery::with_minimum_required_clauses(required, min))
        } else {
            Box::new(BooleanQuery::new(required))
        };
        if others.is_empty() {
            return need;
        }
        let mut all = vec![(Occur::Must, need)];
        all.extend(others);
        Box::new(BooleanQuery::new(all))
    }

    /// How many of the required words a relaxed query needs: [`Weights::min_share`] of
    /// a long query's words (at least one).
    fn min_match(&self, w: &Weights) -> usize {
        let n = self.required().count();
        if n < w.long_query_words {
            return 1;
        }
        ((n as f32 * w.min_share).ceil() as usize).max(1)
    }

    /// The boosts: the whole query as a run, the words near each other, in the lead
    /// sentence and in headings.
    fn add_boosts(&self, f: &Fields, w8: &Weights, clauses: &mut Vec<Box<dyn Query>>) {
        let users = self
            .words
            .iter()
            .filter(|w| w.role != Role::Expanded)
            .count();
        if self.compact.chars().count() >= 3 && users > 1 {
            let exact = TermQuery::new(
                Term::from_field_text(f.entry_exact, &self.compact),
                IndexRecordOption::Basic,
            );
            push_clause(clauses, gram_phrase(f.grams, &self.compact), w8.run);
            // The whole query is a heading's title: the heading's opening passage first.
            push_clause(clauses, Box::new(exact), 30.0);
            // The whole query inside a heading: the heading's opening passage.
            push_clause(clauses, gram_phrase(f.entry_grams, &self.compact), 2.5);
        }
        for run in &self.runs {
            if run.len() >= 2 {
                let terms: Vec<(usize, Term)> = run
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (i, Term::from_field_text(f.text, w)))
                    .collect();
                let slop = (2 * run.len()) as u32;
                let q = PhraseQuery::new_with_offset_and_slop(terms, slop);
                push_clause(clauses, Box::new(q), w8.proximity);
            }
        }
        for w in &self.words {
            if w.mode == Mode::Nothing || w.role == Role::Expanded {
                continue;
            }
            for (field, boost) in [
                (f.lead, w8.lead),
                (f.entry, w8.entry),
                (f.chapter_title, w8.chapter_title),
            ] {
                let q = TermQuery::new(
                    Term::from_field_text(field, &w.text),
                    IndexRecordOption::WithFreqs,
                );
                push_clause(clauses, Box::new(q), boost * w.boost);
            }
        }
    }
}

/// Whether a word found as a word in `df` of `n` passages also gets the substring clause:
/// not when it is common (over [`Weights::cross_boundary_max_share`] of the passages, and
/// over [`Weights::cross_boundary_min_df`] of them), where its substring matches add little
/// to its word matches and cost the most.
fn cross_boundary(df: u64, n: f32, w: &Weights) -> bool {
    let df = df as f32;
    df <= w.cross_boundary_max_share * n || df <= w.cross_boundary_min_df as f32
}

/// Over a library, a required word found in most passages (`规定`, `应当`) carries little:
/// it becomes optional when the query has rarer words.
fn demote_common(words: &mut [PlanWord], n: f32, w: &Weights) {
    if n < w.demote_min_passages as f32 {
        return;
    }
    let rare = words
        .iter()
        .filter(|x| x.role == Role::Required && x.idf >= w.demote_idf)
        .count();
    if rare == 0 {
        return;
    }
    for x in words.iter_mut() {
        if x.role == Role::Required && x.idf < w.demote_idf {
            x.role = Role::Optional;
            x.boost = w.optional;
        }
    }
}

fn word_chars(s: &str) -> String {
    s.chars()
        .filter(|c| crate::analysis::is_word_char(*c))
        .collect()
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// Adds `q` as a second-pass clause at `boost`; none at 0 (it would only cost).
fn push_clause(clauses: &mut Vec<Box<dyn Query>>, q: Box<dyn Query>, boost: f32) {
    if boost != 0.0 {
        clauses.push(Box::new(BoostQuery::new(q, boost)));
    }
}

/// A substring query on a gram field: the phrase of the text's characters (one
/// character: its term).
pub(super) fn gram_phrase(field: Field, text: &str) -> Box<dyn Query> {
    let g = grams(text);
    match g.as_slice() {
        [] => Box::new(EmptyQuery),
        [one] => Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        )),
        _ => Box::new(PhraseQuery::new(
            g.iter().map(|s| Term::from_field_text(field, s)).collect(),
        )),
    }
}
