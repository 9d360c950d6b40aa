//! The binary: exit codes, stderr messages, JSON shapes, index lifecycle.

use std::path::Path;
use std::process::{Command, Output};

fn zhengce(index: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .env(
            "ZHENGCE_CORPUS",
            concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"),
        )
        .env("ZHENGCE_INDEX", index)
        .env("NO_COLOR", "1")
        .output()
        .expect("run zhengce")
}

#[test]
fn search_builds_on_first_use_then_reuses() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    let out = zhengce(&index, &["search", "以工代赈", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line on stderr: {err}");
    assert!(err.contains("built the index"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for key in ["query", "total", "partial", "took_ms", "hits"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let hit = &v["hits"][0];
    for key in [
        "id",
        "doc",
        "kind",
        "chapter",
        "section",
        "sidebar",
        "pages",
        "lead",
        "text",
        "citation",
        "score",
        "snippet",
        "highlights",
    ] {
        assert!(hit.get(key).is_some(), "{key}");
    }
    let again = zhengce(&index, &["search", "以工代赈"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stderr.is_empty(), "no rebuild the second time");
    assert!(String::from_utf8_lossy(&again.stdout).contains("第二章第二节"));
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    assert_eq!(
        zhengce(&index, &["search", "以工代赈"]).status.code(),
        Some(0)
    );
    assert_eq!(zhengce(&index, &["search", "火星"]).status.code(), Some(1));
    for args in [
        &["search", ""][..],
        &["search", "以工代赈", "--limit", "0"],
        &["search", "以工代赈", "--limit", "abc"],
        &["show", "no-such-id"],
        &["frobnicate"],
    ] {
        let out = zhengce(&index, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.trim().is_empty(), "{args:?}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn toc_show_and_passages() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    let out = zhengce(&index, &["toc", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let outline = &v["documents"][0]["outline"];
    assert_eq!(outline.as_array().map(|a| a.len()), Some(10));
    assert_eq!(outline[2]["label"], "第二章");
    assert_eq!(outline[2]["children"][1]["pages"][0], 7);
    let human = zhengce(&index, &["toc"]);
    assert!(
        String::from_utf8_lossy(&human.stdout)
            .contains("  第二章 加大欠发达地区帮扶力度  第6—10页")
    );
    let show = zhengce(&index, &["show", "tese2021-2.2.1", "--json"]);
    let p: serde_json::Value = serde_json::from_slice(&show.stdout).expect("json");
    assert_eq!(
        p["citation"],
        "《“十四五”特殊类型地区振兴发展规划》第二章第二节，第7页"
    );
    assert_eq!(p["next"], "tese2021-2.2.2");
    let all = zhengce(&index, &["passages", "--json"]);
    let lines = String::from_utf8_lossy(&all.stdout).lines().count();
    assert!(lines > 100, "{lines}");
}

#[test]
fn rebuilds_when_the_corpus_changes() {
    let dir = tempfile::tempdir().expect("tmp");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    for f in [
        "special-regions-plan-2021.txt",
        "special-regions-plan-2021.json",
        "terms.dic",
    ] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(f),
            corpus.join(f),
        )
        .expect("copy");
    }
    let index = dir.path().join("index");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_zhengce"))
            .args(args)
            .arg("--corpus")
            .arg(&corpus)
            .arg("--index")
            .arg(&index)
            .output()
            .expect("run")
    };
    assert_eq!(run(&["index"]).status.code(), Some(0));
    assert!(run(&["search", "以工代赈"]).stderr.is_empty());
    let mut dict = std::fs::read_to_string(corpus.join("terms.dic")).expect("read");
    dict.push_str("加大以工代赈实施力度\n");
    std::fs::write(corpus.join("terms.dic"), dict).expect("write");
    let out = run(&["search", "以工代赈"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dictionary changed"));
    // A foreign directory at the index path is refused with the fix named.
    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::write(foreign.join("notes.txt"), "mine").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["search", "以工代赈", "--corpus"])
        .arg(&corpus)
        .arg("--index")
        .arg(&foreign)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("zhengce index --force"));
    assert!(
        foreign.join("notes.txt").exists(),
        "nothing of the user's is deleted"
    );
}
