//! The plan as a document tree: outline, pages, sidebars, passages, citations.

use std::sync::LazyLock;
use zhengce::corpus::{Document, NodeKind, PassageKind};

static DOC: LazyLock<Document> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    zhengce::corpus::load_file(&std::path::Path::new(dir).join("special-regions-plan-2021.txt"))
        .expect("the plan parses")
});

const PLAN: &str = "《“十四五”特殊类型地区振兴发展规划》";

#[test]
fn counts() {
    let d = &*DOC;
    assert_eq!(d.title, "“十四五”特殊类型地区振兴发展规划");
    let nodes = d.nodes();
    let count = |k| nodes.iter().filter(|n| n.kind == k).count();
    assert_eq!(count(NodeKind::Preface), 1);
    assert_eq!(count(NodeKind::Chapter), 9);
    assert_eq!(count(NodeKind::Section), 29);
    assert_eq!(count(NodeKind::Sidebar), 6);
}

#[test]
fn chapters_and_sections_match_the_table_of_contents() {
    // (label, title, first page) as printed in the table of contents.
    type Chapter<'a> = (&'a str, &'a str, u32, &'a [(&'a str, u32)]);
    let expected: &[Chapter] = &[
        (
            "第一章",
            "规划背景和总体要求",
            2,
            &[
                ("基础条件", 2),
                ("指导思想", 3),
                ("基本原则", 3),
                ("发展目标", 4),
            ],
        ),
        (
            "第二章",
            "加大欠发达地区帮扶力度",
            6,
            &[
                ("强化易地扶贫搬迁后续扶持", 6),
                ("加大以工代赈实施力度", 7),
                ("持续实施消费帮扶", 8),
                ("激发欠发达地区发展内生动力", 9),
            ],
        ),
        (
            "第三章",
            "促进革命老区振兴发展",
            11,
            &[
                ("统筹推进革命老区振兴", 11),
                ("因地制宜发展特色产业", 12),
                ("传承弘扬红色文化", 13),
            ],
        ),
        (
            "第四章",
            "促进边境地区繁荣稳定",
            15,
            &[("构建沿边特色村镇体系", 15), ("提升边境发展内生动力", 15)],
        ),
        (
            "第五章",
            "推进生态退化地区综合治理",
            17,
            &[
                ("创新生态退化地区综合治理体系", 17),
                ("推动生态退化地区减压增效发展", 18),
                ("健全生态保护补偿机制", 19),
            ],
        ),
        (
            "第六章",
            "推动资源型地区加快转型",
            21,
            &[
                ("促进各类资源型地区特色发展", 21),
                ("统筹推进资源开发与转型发展", 23),
                ("加快培育发展接续替代产业", 24),
            ],
        ),
        (
            "第七章",
            "支持老工业城市转型升级",
            26,
            &[
                ("建设产业名城", 26),
                ("打造生活秀带", 27),
                ("推动老工业区改造", 28),
            ],
        ),
        (
            "第八章",
            "完善政策支撑体系",
            30,
            &[
                ("深化重点领域改革创新", 30),
                ("完善基础设施和基本公共服务", 31),
                ("统筹支持试点示范与重点园区建设", 32),
                ("强化差别化支持政策", 34),
            ],
        ),
        (
            "第九章",
            "强化规划实施",
            36,
            &[
                ("加强组织领导", 36),
                ("落实职责分工", 37),
                ("鼓励各方参与", 37),
            ],
        ),
    ];
    let chapters: Vec<_> = DOC.chapters().collect();
    assert_eq!(chapters.len(), expected.len());
    for (ch, (label, title, page, sections)) in chapters.iter().zip(expected) {
        assert_eq!((ch.label.as_str(), ch.title.as_str()), (*label, *title));
        assert_eq!(ch.pages.map(|p| p[0]), Some(*page), "{label}");
        let secs: Vec<_> = ch
            .children
            .iter()
            .filter(|n| n.kind == NodeKind::Section)
            .collect();
        assert_eq!(secs.len(), sections.len(), "{label}");
        for (s, (t, p)) in secs.iter().zip(sections.iter()) {
            assert_eq!(s.title, *t);
            assert_eq!(s.pages.map(|x| x[0]), Some(*p), "{label} {t}");
        }
    }
    let preface = &DOC.outline[0];
    assert_eq!(
        (preface.label.as_str(), preface.pages),
        ("前言", Some([1, 1]))
    );
}

#[test]
fn sidebars_titles_parents_and_pages() {
    let expected = [
        ("专栏1", "革命老区重点城市", "第三章", "第一节", 12),
        ("专栏2", "革命老区特色优势产业", "第三章", "第二节", 13),
        ("专栏3", "革命遗址遗迹和纪念设施", "第三章", "第三节", 14),
        ("专栏4", "资源型地区转型重大工程", "第六章", "第一节", 22),
        (
            "专栏5",
            "资源型地区接续替代产业培育发展重点",
            "第六章",
            "第三节",
            25,
        ),
        (
            "专栏6",
            "产业转型升级示范区和县城产业转型升级示范园区",
            "第八章",
            "第三节",
            33,
        ),
    ];
    let mut found = Vec::new();
    for ch in DOC.chapters() {
        for sec in &ch.children {
            for sb in &sec.children {
                assert_eq!(sb.kind, NodeKind::Sidebar);
                found.push((
                    sb.label.clone(),
                    sb.title.clone(),
                    ch.label.clone(),
                    sec.label.clone(),
                    sb.pages.map(|p| p[0]).unwrap_or(0),
                ));
            }
        }
    }
    let found: Vec<_> = found
        .iter()
        .map(|(a, b, c, d, e)| (a.as_str(), b.as_str(), c.as_str(), d.as_str(), *e))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn sidebar_titles_without_the_sidecar() {
    // The sidecar only gives the document id; titles come from the rule.
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/special-regions-plan-2021.txt"
    ))
    .expect("read");
    let d = zhengce::corpus::parse_plan(&raw, "x", &Default::default()).expect("parse");
    let titles: Vec<String> = d
        .nodes()
        .iter()
        .filter(|n| n.kind == NodeKind::Sidebar)
        .map(|n| n.title.clone())
        .collect();
    let want: Vec<String> = DOC
        .nodes()
        .iter()
        .filter(|n| n.kind == NodeKind::Sidebar)
        .map(|n| n.title.clone())
        .collect();
    assert_eq!(titles, want);
}

#[test]
fn nothing_lost_and_no_page_markers() {
    let d = &*DOC;
    let text: Vec<char> = d.text.chars().collect();
    // Body = cleaned text after the table of contents; remove heading label+title spans.
    let mut covered = vec![false; text.len()];
    let body_start = d.page_starts[0].0;
    for n in d.nodes() {
        let len = n.label.chars().count() + n.title.chars().count();
        for c in covered.iter_mut().skip(n.start).take(len) {
            *c = true;
        }
    }
    let mut last_end = 0;
    for p in &d.passages {
        assert!(p.start >= last_end, "passages in document order: {}", p.id);
        last_end = p.end;
        let slice: String = text[p.start..p.end].iter().collect();
        assert_eq!(slice, p.text, "{} text is its span", p.id);
        for c in covered.iter_mut().take(p.end).skip(p.start) {
            assert!(!*c, "{} overlaps a heading or another passage", p.id);
            *c = true;
        }
        assert!(
            !p.text.contains('—') || !regex_like_marker(&p.text),
            "{}",
            p.id
        );
        assert!(p.text.chars().count() <= 1000, "{} too long", p.id);
    }
    for (i, c) in text.iter().enumerate().skip(body_start) {
        assert!(
            covered[i] || c.is_whitespace(),
            "char {i} {c:?} belongs to no passage"
        );
    }
}

fn regex_like_marker(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars
        .windows(3)
        .any(|w| w[0] == '—' && w[1].is_ascii_digit())
}

#[test]
fn cross_page_sentence_is_one_passage_on_pages_2_3() {
    let p = DOC
        .passages
        .iter()
        .find(|p| p.text.contains("促进边疆巩固的重点地区"))
        .expect("found");
    assert_eq!(p.pages, Some([2, 3]));
    assert_eq!(p.chapter.as_ref().map(|h| h.label.as_str()), Some("第一章"));
}

#[test]
fn sidebar6_ends_before_the_body_paragraph() {
    let p = DOC
        .passages
        .iter()
        .find(|p| p.text.contains("有序建设开放合作园区"))
        .expect("found");
    assert_eq!(p.kind, PassageKind::Paragraph);
    assert!(p.sidebar.is_none());
    assert_eq!(p.chapter.as_ref().map(|h| h.label.as_str()), Some("第八章"));
    assert_eq!(p.section.as_ref().map(|h| h.label.as_str()), Some("第三节"));
    assert_eq!(p.lead.as_deref(), Some("有序建设开放合作园区"));
}

#[test]
fn citations() {
    let p = DOC
        .passages
        .iter()
        .find(|p| p.text.contains("拓展以工代赈政策范围"))
        .expect("found");
    assert_eq!(p.citation, format!("{PLAN}第二章第二节，第7页"));
    assert_eq!(p.id, "tese2021-2.2.1");
    let s = DOC
        .passages
        .iter()
        .find(|p| p.text.starts_with("资源枯竭城市转型发展："))
        .expect("sidebar item");
    assert_eq!(s.kind, PassageKind::Sidebar);
    assert_eq!(s.id, "tese2021-s4.1");
    assert_eq!(s.citation, format!("{PLAN}第六章第一节专栏4，第23页"));
    assert_eq!(DOC.passages[0].citation, format!("{PLAN}前言，第1页"));
}

#[test]
fn ids_are_unique_url_safe_and_stable() {
    let mut seen = std::collections::HashSet::new();
    for p in &DOC.passages {
        assert!(seen.insert(p.id.clone()), "duplicate {}", p.id);
        assert!(
            p.id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
            "{}",
            p.id
        );
    }
    let again = zhengce::corpus::load_file(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/special-regions-plan-2021.txt"
    )))
    .expect("parse");
    let a: Vec<_> = DOC.passages.iter().map(|p| &p.id).collect();
    let b: Vec<_> = again.passages.iter().map(|p| &p.id).collect();
    assert_eq!(a, b);
}

#[test]
fn leads_are_kept() {
    let p = DOC
        .passages
        .iter()
        .find(|p| p.text.starts_with("分区分类精准帮扶各类安置区。"))
        .expect("found");
    assert_eq!(p.lead.as_deref(), Some("分区分类精准帮扶各类安置区"));
}

/// A passage's headings as `(kind, label, title, number)`.
fn path_of(p: &zhengce::corpus::Passage) -> Vec<(&'static str, &str, &str, Option<u32>)> {
    p.path
        .iter()
        .map(|h| {
            (
                h.kind.as_str(),
                h.label.as_str(),
                h.title.as_str(),
                h.number,
            )
        })
        .collect()
}

/// A document of the fixture library.
fn fixture(rel: &str) -> Document {
    let root = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/library"
    ));
    zhengce::corpus::load_file(&root.join(rel)).expect("the fixture parses")
}

#[test]
fn path_of_a_plan_sidebar_item() {
    let s = DOC
        .passages
        .iter()
        .find(|p| p.text.starts_with("资源枯竭城市转型发展："))
        .expect("sidebar item");
    let path = path_of(s);
    assert_eq!(path.len(), 3, "{path:?}");
    assert_eq!(path[0], ("chapter", "第六章", path[0].2, Some(6)));
    assert_eq!(path[1].0, "section");
    assert_eq!((path[1].1, path[1].3), ("第一节", Some(1)));
    assert_eq!(
        (path[2].0, path[2].1, path[2].3),
        ("sidebar", "专栏4", Some(4))
    );
    // The heading fields are the path's.
    assert_eq!(
        s.sidebar.as_ref().map(|h| h.title.as_str()),
        Some(path[2].2)
    );
    assert_eq!(s.section_path().split(" › ").count(), 3);
    assert_eq!(path_of(&DOC.passages[0]), [("preface", "前言", "", None)]);
}

#[test]
fn path_of_a_law_article_under_part_chapter_and_section() {
    let d = fixture("民法典/物权编.md");
    let a = d
        .passages
        .iter()
        .find(|p| p.text.starts_with("第二百三十二条"))
        .expect("article 232");
    assert_eq!(
        path_of(a),
        [
            ("part", "第一分编", "通则", Some(1)),
            ("chapter", "第二章", "物权的设立、变更、转让和消灭", Some(2)),
            ("section", "第三节", "其他规定", Some(3)),
            ("article", "第二百三十二条", "", Some(232)),
        ]
    );
    assert_eq!(a.citation, format!("《{}》第二百三十二条", d.title));
    assert_eq!(a.article.as_deref(), Some("第二百三十二条"));
    assert_eq!(a.part.as_ref().map(|h| h.label.as_str()), Some("第一分编"));
    assert_eq!(a.group().len(), 3);
}

#[test]
fn path_of_a_policy_subheading() {
    let d = fixture("政策/关于推进县域商业体系建设的意见.txt");
    let p = d
        .passages
        .iter()
        .find(|p| p.text.starts_with("（一）指导思想。"))
        .expect("（一）");
    assert_eq!(
        path_of(p),
        [
            ("heading", "一、", "总体要求", Some(1)),
            ("subheading", "（一）", "指导思想", Some(1)),
        ]
    );
    assert_eq!(p.citation, format!("《{}》一（一）", d.title));
    let item = d
        .passages
        .iter()
        .find(|p| p.text.starts_with("2.发展农村便利店"))
        .expect("2.");
    let kinds: Vec<_> = path_of(item).iter().map(|h| h.0).collect();
    assert_eq!(kinds, ["heading", "subheading", "item"]);
    assert_eq!(item.citation, format!("《{}》二（三）2", d.title));
}

#[test]
fn groups_and_sections_come_from_the_path() {
    let d = fixture("政策/关于推进县域商业体系建设的意见.txt");
    let find = |start: &str| {
        d.passages
            .iter()
            .position(|p| p.text.starts_with(start))
            .expect(start)
    };
    let (one, two) = (find("1.改造提升乡镇商贸中心"), find("2.发展农村便利店"));
    let (p1, p2) = (&d.passages[one], &d.passages[two]);
    // Each item opens its own group; both stand in the section （三）.
    assert!(!p1.same_group(p2));
    assert!(p2.opens_group(Some(&d.passages[two - 1])));
    assert_eq!(p1.section_headings(), p2.section_headings());
    assert_eq!(
        p2.section_headings().last().map(|h| h.label.as_str()),
        Some("（三）")
    );
    // Articles of one section share the group, and the first opens it.
    let law = fixture("民法典/物权编.md");
    let a = law
        .passages
        .iter()
        .position(|p| p.text.starts_with("第二百二十九条"))
        .expect("article 229");
    let (first, next) = (&law.passages[a], &law.passages[a + 1]);
    assert!(first.opens_group(Some(&law.passages[a - 1])));
    assert!(first.same_group(next) && !next.opens_group(Some(first)));
    assert!(law.passages[0].opens_group(None));
}

/// The place of a citation: what follows `《title》`, without the pages.
fn cited_place(citation: &str) -> &str {
    let place = citation.split_once('》').map_or("", |(_, rest)| rest);
    place.split_once('，').map_or(place, |(place, _)| place)
}

#[test]
fn every_path_rebuilds_its_citation() {
    let root = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/library"
    ));
    let (docs, _) = zhengce::corpus::load_library(root).expect("the fixture library loads");
    let mut n = 0;
    for d in docs.iter().chain([&*DOC]) {
        for p in &d.passages {
            let labels: String = zhengce::corpus::path::cited_labels(&p.path).concat();
            assert_eq!(labels, cited_place(&p.citation), "{}: {:?}", p.id, p.path);
            assert!(
                p.citation.starts_with(&format!("《{}》", d.title)),
                "{}",
                p.id
            );
            n += 1;
        }
    }
    assert!(n > 400, "{n} passages");
}
