//! Quote verification against the plan.

mod common;

use zhengce::Error;
use zhengce::cite::cite;

const TITLE: &str = "“十四五”特殊类型地区振兴发展规划";

#[test]
fn exact_quote() {
    let r = cite(common::engine(), "大力实施以工代赈").unwrap();
    assert!(r.exact);
    assert!(r.total >= 1);
    let m = &r.matches[0];
    assert_eq!(m.similarity, 1.0);
    let text: String = m
        .passage
        .text
        .chars()
        .skip(m.start)
        .take(m.end - m.start)
        .collect();
    assert_eq!(text, "大力实施以工代赈");
    assert_eq!(m.quote, "大力实施以工代赈");
    assert_eq!(m.spans.len(), 1);
    let pages = m.pages.unwrap();
    assert!(
        m.citation.starts_with("“大力实施以工代赈”（《"),
        "{}",
        m.citation
    );
    assert!(
        m.citation
            .ends_with(&format!("，{}）", zhengce::corpus::format_pages(pages))),
        "{}",
        m.citation
    );
}

#[test]
fn punctuation_changed() {
    let r = cite(common::engine(), "宜农则农 宜粮则粮").unwrap();
    assert!(r.exact);
    assert_eq!(r.total, 1);
    let m = &r.matches[0];
    assert_eq!(m.quote, "宜农则农、宜粮则粮");
    let p = m.pages.unwrap();
    assert!(
        m.citation.starts_with("“宜农则农、宜粮则粮”（《"),
        "{}",
        m.citation
    );
    assert!(m.citation.contains(TITLE));
    assert!(
        m.citation
            .ends_with(&format!("，{}）", zhengce::corpus::format_pages(p)))
    );
    // Line breaks, spaces and other punctuation are ignored too.
    let r2 = cite(common::engine(), "宜农则农，\n宜粮则粮。").unwrap();
    assert!(r2.exact);
    assert_eq!(r2.matches[0].citation, m.citation);
}

#[test]
fn cross_page() {
    let r = cite(common::engine(), "促进边疆巩固的重点地区").unwrap();
    assert!(r.exact);
    assert_eq!(r.total, 1);
    let m = &r.matches[0];
    assert_eq!(m.pages, Some([2, 3]));
    assert_eq!(
        m.citation,
        format!("“促进边疆巩固的重点地区”（《{TITLE}》第一章第一节，第2—3页）")
    );
    // The passage itself starts on page 2.
    assert_eq!(m.passage.pages.map(|p| p[0]), Some(2));
}

#[test]
fn traditional_and_full_width() {
    let r = cite(common::engine(), "促進邊疆鞏固的重點地區").unwrap();
    assert!(r.exact);
    assert_eq!(r.matches[0].pages, Some([2, 3]));
    assert_eq!(r.matches[0].quote, "促进边疆巩固的重点地区");
    let r = cite(common::engine(), "宜農則農　宜糧則糧").unwrap();
    assert!(r.exact);
    assert_eq!(r.matches[0].quote, "宜农则农、宜粮则粮");
}

#[test]
fn cross_passage() {
    let engine = common::engine();
    // Find two touching passages of one section and quote across their boundary.
    let doc = &engine.documents()[0];
    let ps = engine.passages_of(&doc.id).unwrap();
    let (a, b) = ps
        .windows(2)
        .map(|w| (&w[0], &w[1]))
        .find(|(a, b)| a.end == b.start && a.section == b.section && a.section.is_some())
        .expect("two touching passages");
    let tail: String = {
        let cs: Vec<char> = a.text.chars().collect();
        cs[cs.len() - 8..].iter().collect()
    };
    let head: String = b.text.chars().take(8).collect();
    let quote = format!("{tail}{head}");
    let r = cite(engine, &quote).unwrap();
    assert!(r.exact, "{quote}");
    let m = r
        .matches
        .iter()
        .find(|m| m.passage.id == a.id)
        .expect("match on the first passage");
    assert_eq!(m.spans.len(), 2);
    assert_eq!(m.spans[0].id, a.id);
    assert_eq!(m.spans[1].id, b.id);
    assert_eq!(m.spans[1].start, 0);
    assert_eq!(m.spans[1].end, 8);
    assert_eq!(m.end, a.text.chars().count());
    assert_eq!(m.quote, quote);
    let pa = a.pages.unwrap();
    let pb = b.pages.unwrap();
    let pages = m.pages.unwrap();
    assert!(pages[0] >= pa[0] && pages[1] <= pb[1]);
    assert!(m.citation.starts_with(&format!("“{quote}”（《{TITLE}》")));
}

#[test]
fn misquote_is_not_exact() {
    // 宜工则工、宜商则商 misquoted as 宜工则工、宜贸则贸.
    let r = cite(common::engine(), "宜工则工、宜贸则贸，宜农则农").unwrap();
    assert!(!r.exact);
    assert_eq!(r.total, 0);
    assert!(!r.matches.is_empty());
    let m = &r.matches[0];
    assert!(m.similarity > 0.4 && m.similarity < 1.0, "{}", m.similarity);
    assert!(m.quote.contains("宜工则工"), "{}", m.quote);
    assert!(m.citation.contains(TITLE));
    assert!(m.pages.is_some());
    // Sorted best first.
    for w in r.matches.windows(2) {
        assert!(w[0].similarity >= w[1].similarity);
    }
}

#[test]
fn bad_input() {
    for t in ["", "   \n", "，。！"] {
        let e = cite(common::engine(), t).unwrap_err();
        assert!(matches!(e, Error::BadRequest(_)), "{t:?}: {e}");
        assert!(e.is_user_error());
    }
    let long = "以".repeat(5001);
    assert!(matches!(
        cite(common::engine(), &long),
        Err(Error::BadRequest(_))
    ));
    // 5,000 characters are accepted.
    let ok = "以".repeat(5000);
    assert!(!cite(common::engine(), &ok).unwrap().exact);
}
