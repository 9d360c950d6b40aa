//! Query-time segmentation (the small dictionary compiled into the index generation,
//! loaded with `Segmenter::from_compiled`) must agree with index-time segmentation (the
//! full dictionary with the terms extracted by rule, `Segmenter::full` + `add_terms`) on
//! every passage of the plan; otherwise a query copied from the text could be cut into
//! words the index never saw.

use std::path::Path;
use zhengce::analysis::Segmenter;
use zhengce::index::terms::{Rule, TERMS_FILE};

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
}

#[test]
fn compiled_dictionary_segments_every_passage_like_the_full_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let index_dir = tmp.path().join("index");
    let stats = zhengce::index::build(corpus(), &index_dir).expect("build");
    let ix = zhengce::index::open(&index_dir).expect("open");
    // The query-time segmenter is the one the opened index carries (compiled dictionary);
    // load it once more straight from the generation's file as well.
    let compiled = std::fs::read_to_string(stats.generation.join("dict.txt")).expect("dict.txt");
    let small = Segmenter::from_compiled(&compiled, &ix.meta.dict_hash).expect("compiled");
    // The reference is built from what the index was: the dictionary source of the rule
    // (the user's `terms.dic` and the rule's line) plus the terms the generation extracted.
    let rule = Rule::from_env();
    let domain = zhengce::index::freshness::dictionary_source(corpus(), rule).expect("terms.dic");
    let mut full = Segmenter::full(&domain).expect("full");
    assert_eq!(full.hash(), ix.meta.dict_hash);
    let extracted = std::fs::read_to_string(stats.generation.join(TERMS_FILE)).expect("terms.txt");
    let extracted: Vec<&str> = extracted.lines().filter(|l| !l.is_empty()).collect();
    if rule != Rule::Off {
        assert!(!extracted.is_empty(), "the plan has quoted terms");
    }
    full.add_terms(extracted.iter().copied());

    let docs = zhengce::index::load_corpus(corpus()).expect("corpus");
    let mut checked = 0;
    for d in &docs {
        let texts = d
            .passages
            .iter()
            .flat_map(|p| {
                let mut v = vec![p.text.as_str()];
                v.extend(p.lead.as_deref());
                v.extend(p.section.as_ref().map(|h| h.title.as_str()));
                v.extend(p.sidebar.as_ref().map(|h| h.title.as_str()));
                v.extend(p.chapter.as_ref().map(|h| h.title.as_str()));
                v
            })
            .chain(std::iter::once(d.title.as_str()));
        for text in texts {
            let want = full.words(text);
            assert_eq!(
                small.words(text),
                want,
                "compiled dictionary differs on {text:?}"
            );
            assert_eq!(
                ix.segmenter.words(text),
                want,
                "index segmenter differs on {text:?}"
            );
            // Compound parts (the parts field) too.
            for w in &want {
                assert_eq!(
                    small.components(&w.text),
                    full.components(&w.text),
                    "parts of {:?}",
                    w.text
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= stats.passages, "{checked} texts checked");
}

#[test]
fn freshness_check_uses_stamps_and_falls_back_to_contents() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus_dir = tmp.path().join("corpus");
    std::fs::create_dir(&corpus_dir).expect("mkdir");
    for f in std::fs::read_dir(corpus()).expect("corpus") {
        let f = f.expect("entry").path();
        std::fs::copy(&f, corpus_dir.join(f.file_name().expect("name"))).expect("copy");
    }
    let index_dir = tmp.path().join("index");
    zhengce::index::build(&corpus_dir, &index_dir).expect("build");
    let meta = zhengce::index::read_meta(&index_dir).expect("meta");
    assert!(!meta.files.is_empty());
    assert_eq!(
        zhengce::index::check_fresh(&meta, &corpus_dir).expect("check"),
        None
    );

    // Rewritten with the same content (new mtime): still fresh, by content.
    let plan = corpus_dir.join("special-regions-plan-2021.txt");
    let text = std::fs::read_to_string(&plan).expect("read");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&plan, &text).expect("rewrite");
    assert_eq!(
        zhengce::index::check_fresh(&meta, &corpus_dir).expect("check"),
        None
    );

    // Same size, different content: stale.
    let at = text.rfind("以工代赈").expect("in the body");
    let changed = format!("{}以工代賑{}", &text[..at], &text[at + "以工代赈".len()..]);
    assert_eq!(changed.len(), text.len());
    std::fs::write(&plan, &changed).expect("change");
    assert!(
        zhengce::index::check_fresh(&meta, &corpus_dir)
            .expect("check")
            .is_some()
    );

    // open_or_build rebuilds and then opens once.
    let (engine, note) = zhengce::open_or_build(&corpus_dir, &index_dir).expect("open");
    assert!(note.is_some_and(|n| n.contains("rebuilt")));
    let (_, note) = zhengce::open_or_build(&corpus_dir, &index_dir).expect("open");
    assert_eq!(note, None);
    assert!(engine.passage_count() > 100);
}
