//! Segmentation, table-driven: domain terms whole, no punctuation tokens, byte offsets.

use std::sync::{Arc, LazyLock};
use tantivy::tokenizer::{TokenStream, Tokenizer};
use zhengce::analysis::{GramTokenizer, Segmenter, WordTokenizer};

static SEG: LazyLock<Arc<Segmenter>> = LazyLock::new(|| {
    // A user dictionary in the documented format (the test fixture, not the plan corpus's
    // file, which holds no active terms since the index extracts them by rule).
    let domain = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/terms.dic"
    ))
    .expect("terms.dic");
    Arc::new(Segmenter::full(&domain).expect("dictionary"))
});

fn tokens(text: &str) -> Vec<(String, usize, usize)> {
    let mut tok = WordTokenizer::new(SEG.clone());
    let mut s = tok.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = s.next() {
        out.push((t.text.clone(), t.offset_from, t.offset_to));
    }
    out
}

#[test]
fn domain_terms_stay_whole() {
    for term in [
        "易地扶贫搬迁",
        "革命老区",
        "采煤沉陷区",
        "赣闽粤原中央苏区",
        "以工代赈",
        "三区三州",
        "生态退化地区",
        "资源型地区",
    ] {
        let text = format!("支持{term}发展。");
        let words: Vec<String> = tokens(&text).into_iter().map(|t| t.0).collect();
        assert!(words.contains(&term.to_string()), "{term}: {words:?}");
    }
}

#[test]
fn no_punctuation_or_space_tokens() {
    let table = [
        ("以工代赈？", vec!["以工代赈"]),
        ("“三区三州”，", vec!["三区三州"]),
        ("  ，。、；：（）《》—…", vec![]),
    ];
    for (text, want) in table {
        let words: Vec<String> = tokens(text).into_iter().map(|t| t.0).collect();
        assert_eq!(words, want, "{text}");
    }
}

#[test]
fn offsets_are_byte_offsets_into_the_original() {
    for text in ["以工代賑方式", "𠀀以工代赈", "ＡＢ以工代赈", "a 以工代赈"] {
        for (word, from, to) in tokens(text) {
            let orig = &text[from..to];
            assert_eq!(zhengce::analysis::fold(orig), word, "{text}");
        }
    }
    let t = tokens("𠀀以工代赈");
    assert_eq!(t.last().map(|t| (t.1, t.2)), Some((4, 16)));
}

#[test]
fn grams_are_folded_characters_at_consecutive_positions_across_punctuation() {
    let mut tok = GramTokenizer::default();
    let text = "宜农、宜糧 a";
    let mut s = tok.token_stream(text);
    let mut grams = Vec::new();
    while let Some(t) = s.next() {
        grams.push((
            t.text.clone(),
            t.position,
            &text[t.offset_from..t.offset_to],
        ));
    }
    // `、` and the space skipped, positions consecutive (a phrase spans punctuation),
    // `糧` folded to `粮` with its offsets on the original character.
    assert_eq!(
        grams,
        [
            ("宜".to_string(), 0, "宜"),
            ("农".to_string(), 1, "农"),
            ("宜".to_string(), 2, "宜"),
            ("粮".to_string(), 3, "糧"),
            ("a".to_string(), 4, "a"),
        ]
    );
}
