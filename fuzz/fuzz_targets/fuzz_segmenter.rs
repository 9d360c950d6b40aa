//! The query-time segmenter (compiled from the full dictionary for the plan's text, as an
//! index keeps it) on arbitrary text: words in order, disjoint, inside the text, on
//! character boundaries, folded like the text; compound parts inside their word.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zhengce::analysis::Segmenter;

static SEG: LazyLock<Segmenter> = LazyLock::new(|| {
    let full = Segmenter::full(include_str!("../../tests/fixtures/terms.dic")).expect("dictionary");
    let plan = include_str!("../../corpus/special-regions-plan-2021.txt");
    let compiled = full
        .compile_for(plan.lines())
        .expect("a full segmenter compiles");
    Segmenter::from_compiled(&compiled, full.hash()).expect("compiled dictionary")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let n = text.chars().count();
    let mut last = 0;
    for w in SEG.words(text) {
        assert!(
            w.byte_start < w.byte_end && w.byte_end <= text.len(),
            "{w:?}"
        );
        assert!(text.is_char_boundary(w.byte_start) && text.is_char_boundary(w.byte_end));
        assert!(w.char_start < w.char_end && w.char_end <= n, "{w:?}");
        assert!(w.byte_start >= last, "words overlap: {w:?}");
        last = w.byte_end;
        let orig = &text[w.byte_start..w.byte_end];
        assert_eq!(zhengce::analysis::fold(orig), w.text, "{orig:?}");
        assert_eq!(w.text.chars().count(), w.char_end - w.char_start);
        let len = w.text.chars().count();
        for (a, b) in SEG.components(&w.text) {
            assert!(a < b && b <= len, "{:?}: part {a}..{b}", w.text);
        }
    }
});
