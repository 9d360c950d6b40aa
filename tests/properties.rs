//! Property tests (proptest) for invariants of snippets, query parsing and the plan parser.

use proptest::prelude::*;
use std::sync::LazyLock;
use zhengce::analysis::Segmenter;
use zhengce::corpus::{Document, Node, Sidecar, parse_plan};
use zhengce::search::{query, snippet};

const PLAN: &str = include_str!("../corpus/special-regions-plan-2021.txt");
/// A user dictionary in the documented format (a test fixture).
const TERMS: &str = include_str!("fixtures/terms.dic");

static SEG: LazyLock<Segmenter> = LazyLock::new(|| Segmenter::full(TERMS).expect("dictionary"));

/// Text with what makes snippets and parsers interesting: CJK, traditional forms,
/// full-width letters, HTML specials, sentence and clause marks, 4-byte characters.
fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "以工代赈",
        "以工代賑",
        "易地扶贫搬迁",
        "老区",
        "。",
        "，",
        "、",
        "；",
        "！",
        "？",
        "<",
        ">",
        "&",
        "\"",
        "'",
        "<mark>",
        "</mark>",
        "&amp;",
        "𠀀",
        "😀",
        "ＡＢ",
        "a",
        " ",
        "\u{3000}",
        "\n",
        "”",
        "）",
        "—3—",
        "专栏1",
        "第一章",
        "目录",
        "\u{0}",
        "\u{301}",
        "扶贫",
    ]);
    prop_oneof![
        prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat()),
        any::<String>(),
        "\\PC{0,300}",
    ]
}

fn terms() -> impl Strategy<Value = Vec<String>> {
    let pick = prop::sample::select(vec![
        "以工代赈",
        "扶贫",
        "老区",
        "<",
        "&",
        "a",
        "𠀀",
        "贫搬",
        "。",
        "ab",
    ])
    .prop_map(String::from);
    prop::collection::vec(prop_oneof![pick, "\\PC{1,4}"], 0..5)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn snippets_are_escaped_and_highlights_lie_inside(text in text(), terms in terms()) {
        let s = snippet::make(&text, &terms);
        let n = text.chars().count();
        // Escaped: no `<`/`>` other than the marks, marks balanced and not nested.
        let bare = s.html.replace("<mark>", "").replace("</mark>", "");
        prop_assert!(!bare.contains('<') && !bare.contains('>'), "unescaped: {}", s.html);
        let mut open = false;
        let mut rest = s.html.as_str();
        while let Some(i) = rest.find('<') {
            rest = &rest[i..];
            if rest.starts_with("<mark>") {
                prop_assert!(!open, "nested mark: {}", s.html);
                open = true;
                rest = &rest[6..];
            } else {
                prop_assert!(rest.starts_with("</mark>") && open, "stray tag: {}", s.html);
                open = false;
                rest = &rest[7..];
            }
        }
        prop_assert!(!open, "unclosed mark: {}", s.html);
        // The visible text is pieces of the original text (one or a few fragments) joined
        // and framed by ellipses, and at most SNIPPET_CHARS of it plus the ellipses.
        let visible = zhengce::response::unescape_html(&bare);
        for piece in visible.split('…') {
            prop_assert!(text.contains(piece), "{piece:?} not in {text:?}");
        }
        prop_assert!(
            visible.chars().count() <= n.min(snippet::SNIPPET_CHARS) + 4,
            "{} characters: {visible:?}",
            visible.chars().count()
        );
        // Highlights: character offsets inside the text, sorted, non-empty, disjoint.
        for h in &s.highlights {
            prop_assert!(h[0] < h[1] && h[1] <= n, "{:?} of {}", h, n);
        }
        for w in s.highlights.windows(2) {
            prop_assert!(w[0][1] < w[1][0], "overlap or unsorted: {:?}", s.highlights);
        }
    }

    #[test]
    fn query_parse_never_panics(q in text()) {
        if let Ok(pq) = query::parse(&q, &SEG) {
            prop_assert!(!pq.is_empty());
            prop_assert!(pq.required.len() + pq.optional.len() <= query::MAX_TERMS);
        }
    }

    #[test]
    fn plan_parser_never_panics(t in text()) {
        let _ = parse_plan(&t, "x", &Sidecar::default());
    }

    #[test]
    fn plan_parser_never_panics_on_plan_pieces(
        cuts in prop::collection::vec((0usize..PLAN.len(), 0usize..400), 1..6)
    ) {
        // Splices of the real plan: headings, markers and sidebars in odd places.
        let chars: Vec<char> = PLAN.chars().collect();
        let mut t = String::new();
        for (a, len) in cuts {
            let a = a % chars.len();
            t.extend(&chars[a..(a + len).min(chars.len())]);
        }
        let _ = parse_plan(&t, "x", &Sidecar::default());
    }

    #[test]
    fn page_markers_lose_no_character(
        inserts in prop::collection::vec((0usize..1_000_000, 1u32..999), 1..12)
    ) {
        let base = parse_plan(PLAN, "p", &Sidecar::default()).expect("plan parses");
        // Insert markers between two body characters (after the first marker), never next
        // to a digit or a dash, which would change the markers already there.
        let chars: Vec<char> = PLAN.chars().collect();
        let first = PLAN[..PLAN.find('—').expect("marker")].chars().count() + 8;
        let ok = |i: usize| {
            i > first && i < chars.len()
                && ![chars[i - 1], chars[i]].iter().any(|c| c.is_ascii_digit() || *c == '—')
        };
        let mut at: Vec<(usize, u32)> = inserts
            .into_iter()
            .map(|(i, p)| (first + i % (chars.len() - first), p))
            .filter(|(i, _)| ok(*i))
            .collect();
        at.sort_unstable();
        at.dedup_by_key(|x| x.0);
        let mut marked = String::new();
        let mut k = 0;
        for (i, c) in chars.iter().enumerate() {
            while k < at.len() && at[k].0 == i {
                marked.push_str(&format!("—{}—", at[k].1));
                k += 1;
            }
            marked.push(*c);
        }
        let doc = parse_plan(&marked, "p", &Sidecar::default()).expect("marked plan parses");
        prop_assert_eq!(&doc.text, &base.text);
        let texts = |d: &Document| d.passages.iter().map(|p| p.text.clone()).collect::<Vec<_>>();
        prop_assert_eq!(texts(&doc), texts(&base));
        assert_covered(&doc);
    }
}

/// Every non-space character of the body is in a passage or in a heading (label + title).
fn assert_covered(doc: &Document) {
    let chars: Vec<char> = doc.text.chars().collect();
    let mut covered = vec![false; chars.len()];
    for p in &doc.passages {
        assert_eq!(
            chars[p.start..p.end].iter().collect::<String>(),
            p.text,
            "{}",
            p.id
        );
        covered[p.start..p.end].iter_mut().for_each(|c| *c = true);
    }
    fn heads(n: &Node, chars: &[char], covered: &mut [bool]) {
        let len = n.label.chars().count() + n.title.chars().count();
        let end = (n.start + len).min(chars.len());
        covered[n.start..end].iter_mut().for_each(|c| *c = true);
        for c in &n.children {
            heads(c, chars, covered);
        }
    }
    for n in &doc.outline {
        heads(n, &chars, &mut covered);
    }
    let body = doc.outline.first().map_or(0, |n| n.start);
    let lost: String = (body..chars.len())
        .filter(|&i| !covered[i] && !chars[i].is_whitespace())
        .map(|i| chars[i])
        .collect();
    assert!(
        lost.is_empty(),
        "characters in no passage or heading: {lost:?}"
    );
}

#[test]
fn the_plan_loses_no_character() {
    let doc = parse_plan(PLAN, "p", &Sidecar::default()).expect("plan parses");
    assert_covered(&doc);
}

/// Line-broken text made of heading-shaped lines (编/章/节, 一、/（一）/1., articles,
/// Markdown headings) and sentences, as laws and policy texts print them.
fn structured_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        (1u32..4).prop_map(|n| format!("第{}编 总则", zhengce::corpus::chinese_numeral_string(n))),
        (1u32..4).prop_map(|n| format!(
            "第{}章 一般规定",
            zhengce::corpus::chinese_numeral_string(n)
        )),
        (1u32..4).prop_map(|n| format!("第{}节 登记", zhengce::corpus::chinese_numeral_string(n))),
        (1u32..4).prop_map(|n| format!(
            "第{}条 应当依法办理。",
            zhengce::corpus::chinese_numeral_string(n)
        )),
        (1u32..4).prop_map(|n| format!("{}、总体要求", zhengce::corpus::chinese_numeral_string(n))),
        (1u32..4).prop_map(|n| format!(
            "（{}）指导思想。以城带乡，推动发展。",
            zhengce::corpus::chinese_numeral_string(n)
        )),
        (1u32..4).prop_map(|n| format!("{n}.发展农村便利店。鼓励连锁企业延伸。")),
        Just("## 附件".to_string()),
        Just("推进县域商业体系建设，".to_string()),
        Just("促进农村消费。".to_string()),
        Just(String::new()),
    ];
    prop::collection::vec(line, 1..40).prop_map(|ls| format!("# 测试法\n\n{}", ls.join("\n")))
}

/// Whether `path` is a chain of nodes from one of `level` down (headings may repeat, so
/// every node with a heading's label and title is tried).
fn is_chain(level: &[Node], path: &[zhengce::corpus::PathHeading]) -> bool {
    match path.split_first() {
        None => true,
        Some((h, rest)) => level
            .iter()
            .filter(|n| n.label == h.label && n.title == h.title)
            .any(|n| is_chain(&n.children, rest)),
    }
}

/// A passage's path is a chain of the outline from a root (each heading the node at its
/// depth, an article last), and its citation and heading fields are the path's.
fn assert_paths_follow_the_outline(doc: &Document) -> Result<(), TestCaseError> {
    use zhengce::corpus::path;
    for p in &doc.passages {
        let chain = is_chain(&doc.outline, p.group());
        prop_assert!(chain, "{}: {:?} not in the outline", p.id, p.path);
        prop_assert_eq!(&p.citation, &path::citation(&doc.title, &p.path, p.pages));
        let slots = path::Slots::of(&p.path);
        prop_assert_eq!(
            (&p.chapter, &p.section, &p.part),
            (&slots.chapter, &slots.section, &slots.part)
        );
        prop_assert_eq!(&p.article, &slots.article);
        prop_assert_eq!(
            p.article.is_some(),
            p.kind == zhengce::corpus::PassageKind::Article
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn paths_of_laws_and_policy_texts_follow_the_outline(t in structured_text()) {
        use zhengce::corpus::{DocMeta, parse_law, parse_policy};
        if let Ok(doc) = parse_law(&t, "law", DocMeta::default()) {
            assert_paths_follow_the_outline(&doc)?;
        }
        if let Ok(doc) = parse_policy(&t, "policy", DocMeta::default()) {
            assert_paths_follow_the_outline(&doc)?;
        }
    }
}

#[test]
fn paths_of_the_plan_follow_the_outline() {
    let doc = parse_plan(PLAN, "tese2021", &Sidecar::default()).expect("the plan parses");
    let preface = doc
        .outline
        .first()
        .map(|n| (n.label.as_str(), n.title.as_str()));
    assert_eq!(preface, Some(("前言", "")));
    assert!(assert_paths_follow_the_outline(&doc).is_ok());
}
