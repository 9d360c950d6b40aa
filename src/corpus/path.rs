//! The structure model: where a passage stands, as the list of its headings outermost
//! first (its *path*), and everything computed from that list.
//!
//! Every heading kind is one row of [`HeadingKind::row`]: its JSON name, the outline node
//! it makes and the legacy passage field it fills. Citations ([`citation`]), section paths
//! ([`section_path`]), the outline group a passage belongs to ([`group`], and the section
//! for context groups, [`section_of`]) and the legacy
//! fields `part` / `chapter` / `section` / `sidebar` / `item` / `article` of a
//! [`Passage`](super::Passage) ([`Slots::of`]) are computed here and nowhere else.
//!
//! | kind         | printed as                 | outline node | legacy field |
//! |--------------|----------------------------|--------------|--------------|
//! | `preface`    | 前言                       | `preface`    | —            |
//! | `part`       | 第X编, 第X分编             | `part`       | `part`       |
//! | `chapter`    | 第X章                      | `chapter`    | `chapter`    |
//! | `section`    | 第X节                      | `section`    | `section`    |
//! | `sidebar`    | 专栏N                      | `sidebar`    | `sidebar`    |
//! | `heading`    | 一、, a Markdown heading   | `heading`    | `chapter`    |
//! | `subheading` | （一）                     | `heading`    | `section`    |
//! | `item`       | 1.                         | `heading`    | `item`       |
//! | `article`    | 第X条, 第X条之一           | —            | `article`    |

use super::{Heading, NodeKind, format_pages};
use serde::{Deserialize, Serialize};

/// The kind of a heading on a passage's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum HeadingKind {
    /// 前言 of a plan.
    Preface,
    /// 第X编 or 第X分编 of a law.
    Part,
    /// 第X章.
    Chapter,
    /// 第X节.
    Section,
    /// 专栏N, a boxed sidebar inside a section.
    Sidebar,
    /// `一、` of line-broken text, or a Markdown heading without a number.
    Heading,
    /// `（一）` of line-broken text.
    Subheading,
    /// `1.` of line-broken text.
    Item,
    /// 第X条 (第X条之一) of a law: the last step of an article's path.
    Article,
}

/// The legacy passage field a heading kind fills (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// None: the kind is told by the passage kind (`preface`).
    None,
    /// `Passage::part`.
    Part,
    /// `Passage::chapter`.
    Chapter,
    /// `Passage::section`.
    Section,
    /// `Passage::sidebar`.
    Sidebar,
    /// `Passage::item`.
    Item,
    /// `Passage::article`.
    Article,
}

impl Slot {
    /// The legacy field's JSON name (`chapter`, `item`, …; `None` for [`Slot::None`]):
    /// also the class of the heading in the reader page.
    pub const fn field(self) -> Option<&'static str> {
        match self {
            Slot::None => None,
            Slot::Part => Some("part"),
            Slot::Chapter => Some("chapter"),
            Slot::Section => Some("section"),
            Slot::Sidebar => Some("sidebar"),
            Slot::Item => Some("item"),
            Slot::Article => Some("article"),
        }
    }
}

/// One row of the heading-kind table.
#[derive(Debug, Clone, Copy)]
pub struct KindRow {
    /// The JSON name.
    pub name: &'static str,
    /// The outline node a heading of this kind makes (`None`: it makes none).
    pub node: Option<NodeKind>,
    /// The legacy passage field it fills.
    pub slot: Slot,
}

impl HeadingKind {
    /// The row of the table: the only place a kind is described.
    pub const fn row(self) -> KindRow {
        use HeadingKind as K;
        let (name, node, slot) = match self {
            K::Preface => ("preface", Some(NodeKind::Preface), Slot::None),
            K::Part => ("part", Some(NodeKind::Part), Slot::Part),
            K::Chapter => ("chapter", Some(NodeKind::Chapter), Slot::Chapter),
            K::Section => ("section", Some(NodeKind::Section), Slot::Section),
            K::Sidebar => ("sidebar", Some(NodeKind::Sidebar), Slot::Sidebar),
            K::Heading => ("heading", Some(NodeKind::Heading), Slot::Chapter),
            K::Subheading => ("subheading", Some(NodeKind::Heading), Slot::Section),
            K::Item => ("item", Some(NodeKind::Heading), Slot::Item),
            K::Article => ("article", None, Slot::Article),
        };
        KindRow { name, node, slot }
    }

    /// The JSON name (`chapter`, `article`, …).
    pub fn as_str(self) -> &'static str {
        self.row().name
    }
}

/// One heading on a passage's path: `{"kind", "label", "title", "number"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "http", derive(utoipa::ToSchema))]
pub struct PathHeading {
    /// What kind of heading it is.
    pub kind: HeadingKind,
    /// The label as printed: `第二章`, `（一）`, `专栏4`, `第六条`; empty for a Markdown
    /// heading without a number.
    pub label: String,
    /// The title as printed (empty for an article or a preface without one).
    pub title: String,
    /// The heading's number (`第二章` → 2, `（十二）` → 12), when it has one.
    pub number: Option<u32>,
}

impl PathHeading {
    /// A heading of `kind`.
    pub fn new(
        kind: HeadingKind,
        label: impl Into<String>,
        title: impl Into<String>,
        number: Option<u32>,
    ) -> Self {
        PathHeading {
            kind,
            label: label.into(),
            title: title.into(),
            number,
        }
    }

    /// The label as a citation prints it: `一、` → `一`, `1.` → `1`.
    pub fn cited_label(&self) -> &str {
        self.label.trim_end_matches(['、', '.', '．'])
    }

    /// `label title`, trimmed (`第二章 加大欠发达地区帮扶力度`, `前言`, `第六条`).
    pub fn display(&self) -> String {
        format!("{} {}", self.label, self.title).trim().to_string()
    }

    /// The legacy `{label, title}` form.
    pub fn heading(&self) -> Heading {
        Heading {
            label: self.label.clone(),
            title: self.title.clone(),
        }
    }
}

/// The legacy fields of a passage, derived from its path: for each field, the innermost
/// heading that fills it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Slots {
    /// The part (编/分编).
    pub part: Option<Heading>,
    /// The chapter (章, or `一、`).
    pub chapter: Option<Heading>,
    /// The section (节, or `（一）`).
    pub section: Option<Heading>,
    /// The sidebar (专栏).
    pub sidebar: Option<Heading>,
    /// The item (`1.`).
    pub item: Option<Heading>,
    /// The article label (`第六条`).
    pub article: Option<String>,
}

impl Slots {
    /// The legacy fields of `path`.
    pub fn of(path: &[PathHeading]) -> Slots {
        let mut s = Slots::default();
        for h in path {
            match h.kind.row().slot {
                Slot::None => {}
                Slot::Part => s.part = Some(h.heading()),
                Slot::Chapter => s.chapter = Some(h.heading()),
                Slot::Section => s.section = Some(h.heading()),
                Slot::Sidebar => s.sidebar = Some(h.heading()),
                Slot::Item => s.item = Some(h.heading()),
                Slot::Article => s.article = Some(h.label.clone()),
            }
        }
        s
    }
}

/// The outline group of a path: the path without its article.
pub fn group(path: &[PathHeading]) -> &[PathHeading] {
    match path.last() {
        Some(h) if h.kind == HeadingKind::Article => &path[..path.len() - 1],
        _ => path,
    }
}

/// The section a path stands in: its [`group`] without the items (`1.`) of a policy
/// text's section, whose paragraphs read on as one text (context groups and quotes run
/// across them).
pub fn section_of(path: &[PathHeading]) -> &[PathHeading] {
    let g = group(path);
    let n = g.len()
        - g.iter()
            .rev()
            .take_while(|h| h.kind == HeadingKind::Item)
            .count();
    &g[..n]
}

/// The headings of `path` that fill a legacy field (see [`Slots::of`]): for each
/// field, the innermost heading of that field, in path order.
pub fn innermost(path: &[PathHeading]) -> impl Iterator<Item = &PathHeading> {
    path.iter().enumerate().filter_map(move |(i, h)| {
        let slot = h.kind.row().slot;
        let shadowed = path[i + 1..].iter().any(|g| g.kind.row().slot == slot);
        (slot != Slot::None && !shadowed).then_some(h)
    })
}

/// The article heading of a path, if it ends in one.
pub fn article(path: &[PathHeading]) -> Option<&PathHeading> {
    path.last().filter(|h| h.kind == HeadingKind::Article)
}

/// The section path: `第二章 加大欠发达地区帮扶力度 › 第二节 加大以工代赈实施力度`.
pub fn section_path(path: &[PathHeading]) -> String {
    path.iter()
        .map(PathHeading::display)
        .collect::<Vec<_>>()
        .join(" › ")
}

/// The labels a citation prints for a path: the article's alone when it ends in one
/// (`第六条`), else every heading's (`第二章`, `第二节`, `专栏4`; `一`, `（一）`).
pub fn cited_labels(path: &[PathHeading]) -> Vec<&str> {
    match article(path) {
        Some(a) => vec![a.label.as_str()],
        None => path
            .iter()
            .map(PathHeading::cited_label)
            .filter(|l| !l.is_empty())
            .collect(),
    }
}

/// The citation of a passage of the document titled `title` at `path` on `pages`:
/// `《title》第二章第二节，第7页`, `《title》第六条`, `《title》一（一）`.
pub fn citation(title: &str, path: &[PathHeading], pages: Option<[u32; 2]>) -> String {
    let mut s = format!("《{title}》");
    for l in cited_labels(path) {
        s.push_str(l);
    }
    if let Some(pages) = pages {
        s.push('，');
        s.push_str(&format_pages(pages));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(kind: HeadingKind, label: &str, title: &str, n: Option<u32>) -> PathHeading {
        PathHeading::new(kind, label, title, n)
    }

    #[test]
    fn slots_take_the_innermost_heading() {
        let path = [
            h(HeadingKind::Part, "第一编", "总则", Some(1)),
            h(HeadingKind::Part, "第一分编", "通则", Some(1)),
            h(HeadingKind::Chapter, "第二章", "设立", Some(2)),
            h(HeadingKind::Article, "第六条", "", Some(6)),
        ];
        let s = Slots::of(&path);
        assert_eq!(s.part.map(|p| p.label), Some("第一分编".into()));
        assert_eq!(s.chapter.map(|p| p.title), Some("设立".into()));
        assert_eq!(s.article.as_deref(), Some("第六条"));
        assert_eq!(group(&path).len(), 3);
        assert_eq!(section_of(&path), group(&path));
        assert_eq!(citation("法", &path, None), "《法》第六条");
        let inner: Vec<&str> = innermost(&path).map(|h| h.label.as_str()).collect();
        assert_eq!(inner, ["第一分编", "第二章", "第六条"]);
        assert_eq!(cited_labels(group(&path)), ["第一编", "第一分编", "第二章"]);
    }

    #[test]
    fn citations_and_paths_of_numbered_text() {
        let path = [
            h(HeadingKind::Heading, "一、", "总体要求", Some(1)),
            h(HeadingKind::Subheading, "（一）", "指导思想", Some(1)),
        ];
        assert_eq!(citation("意见", &path, None), "《意见》一（一）");
        assert_eq!(section_path(&path), "一、 总体要求 › （一） 指导思想");
        let s = Slots::of(&path);
        assert_eq!(s.chapter.map(|c| c.label), Some("一、".into()));
        assert_eq!(s.section.map(|c| c.label), Some("（一）".into()));
        let item = [
            path[0].clone(),
            path[1].clone(),
            h(HeadingKind::Item, "2.", "便利店", Some(2)),
        ];
        assert_eq!(citation("意见", &item, None), "《意见》一（一）2");
        assert_eq!(section_of(&item), &path[..]);
        assert_eq!(group(&item).len(), 3);
        let plan = [h(HeadingKind::Preface, "前言", "", None)];
        assert_eq!(
            citation("规划", &plan, Some([1, 2])),
            "《规划》前言，第1—2页"
        );
        assert_eq!(section_path(&plan), "前言");
    }

    #[test]
    fn kinds_serialize_by_their_table_name() {
        for k in [
            HeadingKind::Preface,
            HeadingKind::Part,
            HeadingKind::Subheading,
            HeadingKind::Article,
        ] {
            let json = serde_json::to_string(&k).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
    }
}
