//! Index integrity: interrupted builds, leftovers, concurrent searches during rebuilds.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use zhengce::{Engine, SearchRequest};

fn bin(index: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zhengce"));
    c.env("ZHENGCE_CORPUS", common::corpus_dir())
        .env("ZHENGCE_INDEX", index);
    c
}

#[test]
fn kill_9_at_any_moment_leaves_a_searchable_index() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    assert!(bin(&index).arg("index").status().expect("run").success());
    // Kill rebuilds at increasing moments of their run.
    for delay_ms in [1u64, 5, 20, 60, 150, 300, 600] {
        let mut child = bin(&index).arg("index").spawn().expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let out = bin(&index)
            .args(["search", "以工代赈", "--json"])
            .output()
            .expect("search");
        assert_eq!(
            out.status.code(),
            Some(0),
            "after kill at {delay_ms} ms: {out:?}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.is_empty(),
            "no rebuild needed after kill at {delay_ms} ms: {stderr}"
        );
    }
    // The next build removes the leftovers of the killed ones.
    assert!(bin(&index).arg("index").status().expect("run").success());
    let names: Vec<String> = std::fs::read_dir(&index)
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with("tmp-")), "{names:?}");
    assert!(
        names.iter().filter(|n| n.starts_with("gen-")).count() <= 2,
        "{names:?}"
    );
}

#[test]
fn corrupt_generation_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    assert!(bin(&index).arg("index").status().expect("run").success());
    let gen_name = std::fs::read_to_string(index.join("CURRENT")).expect("current");
    std::fs::write(index.join(gen_name.trim()).join("zhengce.json"), "{garbage").expect("write");
    let out = bin(&index)
        .args(["search", "以工代赈"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("zhengce index --force"), "{err}");
    assert!(!err.contains("panicked"));
    // --force rebuilds.
    assert!(
        bin(&index)
            .args(["index", "--force"])
            .status()
            .expect("run")
            .success()
    );
    assert_eq!(
        bin(&index)
            .args(["search", "以工代赈"])
            .output()
            .expect("run")
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn searches_stay_valid_while_the_index_is_rebuilt() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    zhengce::index::build(&common::corpus_dir(), &index).expect("build");
    let engine = Engine::open(&index).expect("open");
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for t in 0..3 {
        let engine = engine.clone();
        let stop = stop.clone();
        workers.push(std::thread::spawn(move || {
            let queries = [
                "以工代赈",
                "三区三州",
                "革命老区 红色旅游",
                "代赈",
                "如何保护利用革命文物",
            ];
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let q = queries[(n + t) % queries.len()];
                let r = engine
                    .search(&SearchRequest::new(q))
                    .expect("search succeeds");
                assert!(!r.hits.is_empty(), "{q}");
                assert!(r.hits[0].passage.text.chars().count() > 0);
                n += 1;
            }
            n
        }));
    }
    for _ in 0..3 {
        zhengce::index::build(&common::corpus_dir(), &index).expect("rebuild");
        engine.reload_if_changed().expect("reload");
    }
    stop.store(true, Ordering::Relaxed);
    let total: usize = workers
        .into_iter()
        .map(|w| w.join().expect("no panic"))
        .sum();
    assert!(total > 0);
}
