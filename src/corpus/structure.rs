//! Data-driven heading recognition for line-based text (Markdown laws, line-broken
//! policy text).
//!
//! One table ([`RULES`]) maps the shape of a line's start to a heading kind and a level:
//!
//! | pattern            | kind         | level | id segment | applies to          |
//! |--------------------|--------------|-------|------------|---------------------|
//! | `第X编`            | `part`       | 1     | `bX`       | all                 |
//! | `第X分编`          | `part`       | 2     | `fX`       | all                 |
//! | `第X章`            | `chapter`    | 3     | `cX`       | all                 |
//! | `第X节`            | `section`    | 4     | `sX`       | all                 |
//! | `一、`             | `heading`    | 5     | `X`        | numbered text       |
//! | `（一）` / `(一)`  | `subheading` | 6     | `X`        | numbered text       |
//! | `1.` / `1．`       | `item`       | 7     | `X`        | numbered text       |
//!
//! plus articles `第X条` (`第X条之一`, kind `article`), which are passages, not outline
//! nodes, and Markdown headings without a number (`## 案情回顾`), which are level-5
//! `heading`s. What each kind makes (outline node, passage field) is its row of
//! [`HeadingKind::row`]; a passage's [`path`](Passage::path) lists the headings it stands
//! under, and its citation is computed from that path ([`Passage::cited_at`]).
//!
//! A structural line (编/章/节) is a heading when it is a Markdown heading or a short line
//! without sentence punctuation. In numbered text (no articles), `一、` always opens a
//! heading; `（一）` and `1.` open one only when the line is heading-shaped: a short line
//! without sentence punctuation, or a short first sentence ending with `。` and without
//! `，；、` (the bold lead of 国务院 opinions: `（一）指导思想。以……`). Other numbered lines
//! are ordinary text (enumerated items).
//!
//! Line-broken text is rejoined: a line that does not end with sentence punctuation
//! continues on the next line unless that one is a heading or an article.
//!
//! Passages: every article (laws), else every paragraph under its innermost heading, at most
//! [`MAX_PASSAGE_CHARS`](super::plan::MAX_PASSAGE_CHARS) characters (longer ones are split
//! at sentence ends). Nodes with no passage below them (a list of chapter titles printed
//! before the body) are dropped.

use super::{
    DocMeta, Document, HeadingKind, Node, NodeKind, Passage, PassageKind, PathHeading,
    chinese_numeral, plan::split_long,
};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

const NUM: &str = "[零〇一二三四五六七八九十百千两0-9０-９]+";

/// One row of the heading table.
pub(crate) struct Rule {
    /// What the heading is (its row of [`HeadingKind::row`] says which outline node it
    /// makes and which passage field it fills).
    pub kind: HeadingKind,
    /// Its level (smaller is higher).
    pub level: u8,
    /// The prefix of its id segment.
    pub prefix: &'static str,
    /// Whether it is a numbered heading of plain text (`一、`), as opposed to a
    /// structural one of laws (`第X章`).
    pub numbered: bool,
    /// The characters a matching line can start with (a cheap test before the regex).
    starts: &'static str,
    re: Regex,
}

/// The heading table; see the module docs.
pub(crate) static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    const DIGITS: &str = "0123456789０１２３４５６７８９";
    const NUMERALS: &str = "零〇一二三四五六七八九十百千两0123456789０１２３４５６７８９";
    let rows: [(&str, HeadingKind, u8, &str, bool, &str); 7] = [
        (r"^第(N)编", HeadingKind::Part, 1, "b", false, "第"),
        (r"^第(N)分编", HeadingKind::Part, 2, "f", false, "第"),
        (r"^第(N)章", HeadingKind::Chapter, 3, "c", false, "第"),
        (r"^第(N)节", HeadingKind::Section, 4, "s", false, "第"),
        (r"^(N)、", HeadingKind::Heading, 5, "", true, NUMERALS),
        (
            r"^[（(](N)[）)]",
            HeadingKind::Subheading,
            6,
            "",
            true,
            "（(",
        ),
        (
            r"^([0-9０-９]{1,2})[.．]",
            HeadingKind::Item,
            7,
            "",
            true,
            DIGITS,
        ),
    ];
    rows.iter()
        .filter_map(|&(pat, kind, level, prefix, numbered, starts)| {
            Some(Rule {
                kind,
                level,
                prefix,
                numbered,
                starts,
                re: Regex::new(&pat.replace('N', NUM)).ok()?,
            })
        })
        .collect()
});

static ARTICLE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!(r"^第({NUM})条(?:之([一二三四五六七八九十]+))?")).ok());

/// Parses a numeral of a label: Chinese or (full-width) Arabic digits.
fn numeral(s: &str) -> Option<u32> {
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    chinese_numeral(&ascii)
}

/// An article label at the start of a line: (label, number, 之N).
pub(crate) fn article_at(line: &str) -> Option<(String, u32, Option<u32>, usize)> {
    if !line.starts_with('第') {
        return None;
    }
    let re = ARTICLE.as_ref()?;
    let m = re.captures(line)?;
    let whole = m.get(0)?;
    let n = numeral(m.get(1)?.as_str())?;
    let sub = m.get(2).and_then(|s| chinese_numeral(s.as_str()));
    // `第六条规定的…` is a sentence, not an article: the label is followed by a space, the
    // end of the line or a character that cannot continue a reference.
    let rest = &line[whole.end()..];
    let next = rest.chars().next();
    let ok = match next {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || !(rest.starts_with("规定")
                    || rest.starts_with("所")
                    || rest.starts_with("的")
                    || rest.starts_with("中")
                    || rest.starts_with("和")
                    || rest.starts_with("、")
                    || rest.starts_with("，")
                    || rest.starts_with("至"))
        }
    };
    ok.then(|| (whole.as_str().to_string(), n, sub, whole.end()))
}

/// A heading matched at the start of a line: the rule, the label, its number, the rest.
pub(crate) fn heading_at(line: &str) -> Option<(&'static Rule, &str, Option<u32>, &str)> {
    let first = line.chars().next()?;
    for r in RULES.iter() {
        if !r.starts.contains(first) {
            continue;
        }
        if let Some(m) = r.re.captures(line) {
            let whole = m.get(0)?;
            let rest = &line[whole.end()..];
            if r.level == 7 && rest.starts_with(|c: char| c.is_ascii_digit()) {
                continue; // `1.5` is a number, not a heading
            }
            let n = m.get(1).and_then(|g| numeral(g.as_str()));
            return Some((r, whole.as_str(), n, rest));
        }
    }
    None
}

/// Sentence punctuation: a line without any is a title, not a sentence.
fn has_sentence_punct(s: &str) -> bool {
    s.chars().any(|c| "。，；！？：".contains(c))
}

/// Ends a sentence (a line ending so does not continue on the next one).
fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .chars()
        .last()
        .is_some_and(|c| "。！？；：”’」』）)…".contains(c))
}

/// Removes white space inside a title (`总　则` → `总则`).
pub(crate) fn tidy_title(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The title of a numbered heading line and whether the line carries body text after it.
fn numbered_title(rest: &str, md: bool, level: u8) -> Option<(String, bool)> {
    let rest = rest.trim();
    let chars: Vec<char> = rest.chars().collect();
    if md || (chars.len() <= 40 && !has_sentence_punct(rest)) {
        return Some((tidy_title(rest), false));
    }
    if let Some(i) = chars.iter().position(|&c| c == '。') {
        let lead = &chars[..i];
        if i <= 30 && !lead.iter().any(|c| "，；、：".contains(*c)) {
            return Some((lead.iter().collect(), true));
        }
    }
    if level == 5 {
        // `一、` always opens a heading; a long one is titled by its beginning.
        let t: String = chars.iter().take(20).collect();
        return Some((format!("{t}…"), true));
    }
    None
}

/// One input line.
pub(crate) struct Line<'a> {
    /// The line, trimmed, Markdown `#` removed.
    pub text: &'a str,
    /// Whether it was a Markdown heading.
    pub md: bool,
}

/// A heading found on a line.
struct Found {
    kind: HeadingKind,
    level: u8,
    /// The prefix of its id segment.
    prefix: &'static str,
    label: String,
    number: Option<u32>,
    title: String,
    /// Whether the line carries body text after the title.
    body: bool,
}

struct NodeB {
    kind: HeadingKind,
    level: u8,
    label: String,
    title: String,
    number: Option<u32>,
    prefix: &'static str,
    start: usize,
    end: usize,
    parent: Option<usize>,
    used: bool,
}

impl NodeB {
    fn path_heading(&self) -> PathHeading {
        PathHeading::new(self.kind, &self.label, &self.title, self.number)
    }
}

struct Unit {
    start: usize,
    end: usize,
    /// (label, number, 之N)
    article: Option<(String, u32, Option<u32>)>,
    lead: Option<String>,
    /// Open nodes, outermost first.
    ctx: Vec<usize>,
    joinable: bool,
}

/// The heading a line opens, if any (see the module docs).
fn found_heading(line: &Line<'_>, articles: bool) -> Option<Found> {
    let t = line.text;
    let Some((rule, label, number, rest)) = heading_at(t) else {
        return line.md.then(|| Found {
            kind: HeadingKind::Heading,
            level: 5,
            prefix: "",
            label: String::new(),
            number: None,
            title: tidy_title(t),
            body: false,
        });
    };
    let (label, title, body) = if !rule.numbered {
        let rest_t = rest.trim();
        if !(line.md || (rest_t.chars().count() <= 30 && !has_sentence_punct(rest_t))) {
            return None;
        }
        (label.to_string(), tidy_title(rest_t), false)
    } else if !articles || line.md {
        let (title, body) = numbered_title(rest, line.md, rule.level)?;
        (normalize_label(label, rule.level), title, body)
    } else {
        return None;
    };
    Some(Found {
        kind: rule.kind,
        level: rule.level,
        prefix: rule.prefix,
        label,
        number,
        title,
        body,
    })
}

/// The document being read: its cleaned text, heading nodes and passage units.
#[derive(Default)]
struct Reader {
    text: String,
    nchars: usize,
    nodes: Vec<NodeB>,
    /// Open nodes, outermost first.
    stack: Vec<usize>,
    units: Vec<Unit>,
    /// Whether body text may continue the last unit.
    open_unit: bool,
}

impl Reader {
    /// Appends a line (or, with `join`, continues the last one); returns its start.
    fn push_text(&mut self, s: &str, join: bool) -> usize {
        if !self.text.is_empty() && !join {
            self.text.push('\n');
            self.nchars += 1;
        }
        let start = self.nchars;
        self.text.push_str(s);
        self.nchars += s.chars().count();
        start
    }

    fn line(&mut self, line: &Line<'_>, articles: bool) {
        let t = line.text;
        if t.is_empty() {
            if !articles {
                self.open_unit = false;
            }
        } else if let Some(found) = found_heading(line, articles) {
            self.heading(found, t);
        } else if let Some((label, n, sub, _)) = articles.then(|| article_at(t)).flatten() {
            let start = self.push_text(t, false);
            self.units.push(Unit {
                start,
                end: self.nchars,
                article: Some((label, n, sub)),
                lead: None,
                ctx: self.stack.clone(),
                joinable: false,
            });
            self.open_unit = true;
        } else {
            self.body(t);
        }
    }

    fn heading(&mut self, f: Found, t: &str) {
        while let Some(&top) = self.stack.last() {
            if self.nodes[top].level >= f.level {
                self.stack.pop();
            } else {
                break;
            }
        }
        let start = self.push_text(t, false);
        let idx = self.nodes.len();
        self.nodes.push(NodeB {
            kind: f.kind,
            level: f.level,
            label: f.label,
            title: f.title.clone(),
            number: f.number,
            prefix: f.prefix,
            start,
            end: self.nchars,
            parent: self.stack.last().copied(),
            used: false,
        });
        self.stack.push(idx);
        self.open_unit = false;
        if f.body {
            self.units.push(Unit {
                start,
                end: self.nchars,
                article: None,
                lead: Some(f.title),
                ctx: self.stack.clone(),
                joinable: !ends_sentence(t),
            });
            self.open_unit = true;
        }
    }

    fn body(&mut self, t: &str) {
        let open = self.open_unit;
        match self.units.last().map(|u| (u.article.is_some(), u.joinable)) {
            Some((true, _)) if open => {
                self.push_text(t, false);
                self.extend_last(None);
            }
            Some((false, true)) if open => {
                self.push_text(t, true);
                self.extend_last(Some(!ends_sentence(t)));
            }
            _ => {
                let start = self.push_text(t, false);
                self.units.push(Unit {
                    start,
                    end: self.nchars,
                    article: None,
                    lead: None,
                    ctx: self.stack.clone(),
                    joinable: !ends_sentence(t),
                });
                self.open_unit = true;
            }
        }
    }

    /// The last unit now ends here; `joinable` updates whether it continues.
    fn extend_last(&mut self, joinable: Option<bool>) {
        let end = self.nchars;
        if let Some(u) = self.units.last_mut() {
            u.end = end;
            if let Some(j) = joinable {
                u.joinable = j;
            }
        }
    }

    /// Marks the nodes that hold passages and extends them to their last passage.
    fn mark_used(&mut self) {
        for u in &self.units {
            for &n in &u.ctx {
                self.nodes[n].used = true;
                self.nodes[n].end = self.nodes[n].end.max(u.end);
            }
        }
    }
}

/// Node ids: the path of segments from the root, deduplicated among used nodes.
fn node_ids(nodes: &[NodeB], id: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::with_capacity(nodes.len());
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut ordinal: HashMap<(Option<usize>, u8), u32> = HashMap::new();
    for n in nodes {
        let ord = ordinal.entry((n.parent, n.level)).or_insert(0);
        *ord += 1;
        let seg = format!("{}{}", n.prefix, n.number.unwrap_or(*ord));
        let base = match n.parent {
            Some(p) => format!("{}.{seg}", ids[p]),
            None => format!("{id}-{seg}"),
        };
        let mut nid = base.clone();
        let mut k = 2;
        while n.used && used_ids.contains(&nid) {
            nid = format!("{base}_{k}");
            k += 1;
        }
        if n.used {
            used_ids.insert(nid.clone());
        }
        ids.push(nid);
    }
    ids
}

/// The outline tree of the used nodes.
fn outline(nodes: &[NodeB], ids: &[String]) -> Vec<Node> {
    fn build(
        i: usize,
        nodes: &[NodeB],
        ids: &[String],
        children: &HashMap<usize, Vec<usize>>,
    ) -> Node {
        let n = &nodes[i];
        Node {
            id: ids[i].clone(),
            kind: n.kind.row().node.unwrap_or(NodeKind::Heading),
            label: n.label.clone(),
            title: n.title.clone(),
            pages: None,
            children: children
                .get(&i)
                .map(|cs| cs.iter().map(|&c| build(c, nodes, ids, children)).collect())
                .unwrap_or_default(),
            start: n.start,
            end: n.end,
        }
    }
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if !n.used {
            continue;
        }
        match n.parent {
            Some(p) => children.entry(p).or_default().push(i),
            None => roots.push(i),
        }
    }
    roots
        .iter()
        .map(|&r| build(r, nodes, ids, &children))
        .collect()
}

/// Passage ids: articles `<doc>-aN` (`-aN-M` for 之M, `.k` for the k-th piece), other
/// paragraphs `<innermost node id>.pN`; duplicates get `_2`, `_3`, ….
#[derive(Default)]
struct PassageIds {
    taken: HashSet<String>,
    para_count: HashMap<Option<usize>, u32>,
}

impl PassageIds {
    fn next(&mut self, id: &str, u: &Unit, piece: usize, ids: &[String]) -> String {
        let base = match &u.article {
            Some((_, n, sub)) => {
                let a = match sub {
                    Some(x) => format!("{id}-a{n}-{x}"),
                    None => format!("{id}-a{n}"),
                };
                if piece == 0 {
                    a
                } else {
                    format!("{a}.{}", piece + 1)
                }
            }
            None => {
                let inner = u.ctx.last().copied();
                let c = self.para_count.entry(inner).or_insert(0);
                *c += 1;
                match inner {
                    Some(n) => format!("{}.p{c}", ids[n]),
                    None => format!("{id}-p{c}"),
                }
            }
        };
        let mut pid = base.clone();
        let mut dup = 2;
        while self.taken.contains(&pid) {
            pid = format!("{base}_{dup}");
            dup += 1;
        }
        self.taken.insert(pid.clone());
        pid
    }
}

/// The passages of the units: one per unit, or several when a unit is split.
fn passages(r: &Reader, ids: &[String], id: &str, title: &str) -> Vec<Passage> {
    let chars: Vec<char> = r.text.chars().collect();
    let mut out: Vec<Passage> = Vec::new();
    let mut pids = PassageIds::default();
    for u in &r.units {
        let mut path: Vec<PathHeading> = u.ctx.iter().map(|&n| r.nodes[n].path_heading()).collect();
        if let Some((label, n, _)) = &u.article {
            path.push(PathHeading::new(HeadingKind::Article, label, "", Some(*n)));
        }
        for (k, (s, e)) in split_long(&chars, u.start, u.end).into_iter().enumerate() {
            let p = Passage {
                id: pids.next(id, u, k, ids),
                doc: id.to_string(),
                kind: if u.article.is_some() {
                    PassageKind::Article
                } else {
                    PassageKind::Paragraph
                },
                lead: if k == 0 { u.lead.clone() } else { None },
                text: chars[s..e].iter().collect(),
                start: s,
                end: e,
                seq: out.len(),
                ..Passage::default()
            };
            out.push(p.cited_at(title, path.clone()));
        }
    }
    out
}

/// Parses lines into a document. `articles`: whether articles (`第X条`) are the passages
/// (laws); otherwise numbered headings are recognised and paragraphs are the passages.
pub(crate) fn parse_lines(
    id: &str,
    title: &str,
    meta: DocMeta,
    lines: &[Line<'_>],
    articles: bool,
) -> Document {
    let mut r = Reader::default();
    for line in lines {
        r.line(line, articles);
    }
    r.mark_used();
    let ids = node_ids(&r.nodes, id);
    let outline = outline(&r.nodes, &ids);
    let passages = passages(&r, &ids, id, title);
    Document {
        id: id.to_string(),
        title: title.to_string(),
        outline,
        passages,
        meta,
        text: r.text,
        page_starts: Vec::new(),
    }
}

/// `(一)` → `（一）`, `1．` → `1.`.
fn normalize_label(label: &str, level: u8) -> String {
    match level {
        6 => label.replace('(', "（").replace(')', "）"),
        7 => label.replace('．', "."),
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches() {
        let (r, label, n, rest) = heading_at("第一章　总则").unwrap();
        assert_eq!(
            (r.kind, label, n, rest),
            (HeadingKind::Chapter, "第一章", Some(1), "　总则")
        );
        let (r, _, n, _) = heading_at("第二分编 所有权").unwrap();
        assert_eq!((r.level, n), (2, Some(2)));
        let (r, _, n, _) = heading_at("（十二）加强监管。").unwrap();
        assert_eq!((r.level, n), (6, Some(12)));
        let (r, _, n, _) = heading_at("3.完善机制").unwrap();
        assert_eq!((r.level, n), (7, Some(3)));
        assert!(heading_at("1.5倍").is_none());
        assert_eq!(
            article_at("第十条之一 内容").map(|a| (a.1, a.2)),
            Some((10, Some(1)))
        );
        assert!(article_at("第六条规定的情形").is_none());
        assert_eq!(article_at("第一百零二条　x").map(|a| a.1), Some(102));
    }
}
