//! Cite through the index: a quote running over three passages (the middle one whole) is
//! found from its rarest character, with every span, as the scan of the whole corpus found
//! it.

mod common;

use zhengce::cite::cite;

#[test]
fn a_quote_over_three_passages_is_found_with_its_spans() {
    let engine = common::engine();
    let doc = &engine.documents()[0];
    let ps = engine.passages_of(&doc.id).expect("passages");
    let (a, b, c) = ps
        .windows(3)
        .map(|w| (&w[0], &w[1], &w[2]))
        .find(|(a, b, c)| a.end == b.start && b.end == c.start && b.text.chars().count() < 400)
        .expect("three touching passages");
    let tail: String = {
        let cs: Vec<char> = a.text.chars().collect();
        cs[cs.len() - 3..].iter().collect()
    };
    let head: String = c.text.chars().take(3).collect();
    let quote = format!("{tail}{}{head}", b.text);
    let r = cite(engine, &quote).expect("cite");
    assert!(r.exact, "{quote}");
    let m = r
        .matches
        .iter()
        .find(|m| m.passage.id == a.id)
        .expect("a match beginning in the first passage");
    let ids: Vec<&str> = m.spans.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [a.id.as_str(), b.id.as_str(), c.id.as_str()]);
    assert_eq!(m.spans[1].start, 0);
    assert_eq!(m.spans[1].end, b.text.chars().count());
    assert_eq!(
        m.spans[2],
        zhengce::cite::Span {
            id: c.id.clone(),
            start: 0,
            end: 3
        }
    );
    assert_eq!(m.quote, quote);
}
