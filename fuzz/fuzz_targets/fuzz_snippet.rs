//! `search::snippet::make` on arbitrary text and terms: escaped HTML, highlights inside the
//! text, sorted and disjoint. Input: terms and text separated by NUL bytes (last = text).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let mut parts: Vec<&str> = s.split('\u{0}').collect();
    let text = parts.pop().unwrap_or("");
    let terms: Vec<String> = parts.into_iter().take(8).map(String::from).collect();
    let snip = zhengce::search::snippet::make(text, &terms);
    let bare = snip.html.replace("<mark>", "").replace("</mark>", "");
    assert!(!bare.contains('<') && !bare.contains('>'), "{}", snip.html);
    let n = text.chars().count();
    let mut last_end = None;
    for h in &snip.highlights {
        assert!(h[0] < h[1] && h[1] <= n, "{h:?} / {n}");
        if let Some(e) = last_end {
            assert!(e < h[0], "{:?}", snip.highlights);
        }
        last_end = Some(h[1]);
    }
});
