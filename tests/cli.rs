//! The binary: exit codes, stderr messages, JSON shapes, index lifecycle.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary over the corpus folder `corpus` (relative to the crate).
fn zhengce_over(corpus: &str, index: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .env(
            "ZHENGCE_CORPUS",
            Path::new(env!("CARGO_MANIFEST_DIR")).join(corpus),
        )
        .env("ZHENGCE_INDEX", index)
        .env("NO_COLOR", "1")
        .output()
        .expect("run zhengce")
}

/// Runs the binary over the plan's corpus.
fn zhengce(index: &Path, args: &[&str]) -> Output {
    zhengce_over("corpus", index, args)
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

/// Runs the binary over the fixture library (laws, a policy text, the plan).
fn zhengce_library(index: &Path, args: &[&str]) -> Output {
    zhengce_over("tests/fixtures/library", index, args)
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn cite_and_context_take_doc_and_type() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    // Printed in the law and in the policy text.
    let quote = "坚持以工补农、以城带乡";
    let all = zhengce_library(&index, &["cite", quote, "--json"]);
    assert_eq!(all.status.code(), Some(0));
    assert_eq!(json_of(&all)["total"], 2);
    let policy = zhengce_library(&index, &["cite", quote, "--doc", "县域商业体系", "--json"]);
    assert_eq!(policy.status.code(), Some(0));
    let v = json_of(&policy);
    assert_eq!(v["total"], 1, "{v}");
    let cited = v["matches"][0]["citation"].as_str().expect("citation");
    assert!(cited.contains("县域商业体系"), "{cited}");
    let law = zhengce_library(&index, &["cite", quote, "--type", "法律", "--json"]);
    let v = json_of(&law);
    assert_eq!(v["total"], 1, "{v}");
    assert!(
        v["matches"][0]["citation"]
            .as_str()
            .is_some_and(|c| c.contains("乡村振兴促进法") && c.ends_with("第六条）")),
        "{v}"
    );
    // An unknown document: nothing found (exit 1, as a search finds nothing), said on stderr.
    let none = zhengce_library(&index, &["cite", quote, "--doc", "没有这部法"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("no document matches --doc"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
    assert!(String::from_utf8_lossy(&none.stdout).contains("nothing close"));

    let ctx = zhengce_library(
        &index,
        &[
            "context",
            "以工补农",
            "以城带乡",
            "--doc",
            "县域商业体系",
            "--json",
        ],
    );
    assert_eq!(ctx.status.code(), Some(0));
    let v = json_of(&ctx);
    let groups = v["groups"].as_array().expect("groups");
    assert!(!groups.is_empty(), "{v}");
    for g in groups {
        assert!(
            g["citation"]
                .as_str()
                .is_some_and(|c| c.contains("县域商业体系")),
            "{g}"
        );
    }
    let none = zhengce_library(&index, &["context", "以工补农", "--type", "命令"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no document matches --type"));
    // Bad input is still exit 2 with a filter.
    let bad = zhengce_library(
        &index,
        &[
            "context",
            "以工补农",
            "--budget",
            "5",
            "--doc",
            "县域商业体系",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn toc_json_gives_each_document_its_date_and_type() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    let out = zhengce_library(&index, &["toc", "民事诉讼法", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    let docs = v["documents"].as_array().expect("documents");
    let mut dates: Vec<&str> = docs.iter().filter_map(|d| d["date"].as_str()).collect();
    dates.sort_unstable();
    assert_eq!(dates, ["2021-12-24", "2023-09-01"], "{v}");
    assert!(docs.iter().all(|d| d["type"] == "法律"), "{v}");
}

/// Checks that a passage's `headings` give its citation: `《title》` then the article's
/// label alone, or every heading's label (`一、` → `一`), then the pages if any.
fn headings_match_citation(p: &serde_json::Value) -> Result<(), String> {
    let headings = p["headings"].as_array().ok_or("no headings")?;
    let citation = p["citation"].as_str().ok_or("no citation")?;
    let (_, place) = citation.split_once('》').ok_or("no 《title》")?;
    let labels: Vec<&str> = headings
        .iter()
        .map(|h| h["label"].as_str().unwrap_or("?"))
        .collect();
    let kinds: Vec<&str> = headings
        .iter()
        .map(|h| h["kind"].as_str().unwrap_or("?"))
        .collect();
    let want: String = if kinds.last() == Some(&"article") {
        labels.last().map(|l| l.to_string()).unwrap_or_default()
    } else {
        labels
            .iter()
            .map(|l| l.trim_end_matches(['、', '.']))
            .collect()
    };
    let rest = place
        .strip_prefix(want.as_str())
        .ok_or(format!("{want} ≠ {place}"))?;
    if !(rest.is_empty() || rest.starts_with("，第")) {
        return Err(format!("{rest:?} after the headings"));
    }
    // The heading fields are the headings'.
    if let Some(t) = p["chapter"]["label"].as_str()
        && !labels.contains(&t)
    {
        return Err(format!("chapter {t} not in {labels:?}"));
    }
    Ok(())
}

#[test]
fn every_passage_has_headings_that_match_its_citation() {
    let dir = tempfile::tempdir().expect("tmp");
    for (corpus, least) in [("corpus", 100), ("tests/fixtures/library", 300)] {
        let index = dir.path().join(corpus.replace('/', "-"));
        let out = zhengce_over(corpus, &index, &["passages", "--json"]);
        assert_eq!(out.status.code(), Some(0));
        let mut n = 0;
        let mut kinds = std::collections::BTreeSet::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let p: serde_json::Value = serde_json::from_str(line).expect("json");
            if let Err(e) = headings_match_citation(&p) {
                panic!("{}: {e}", p["id"]);
            }
            // `path` is the heading list too (the one key name of every response).
            assert_eq!(p["path"], p["headings"], "{}", p["id"]);
            for h in p["headings"].as_array().into_iter().flatten() {
                kinds.insert(h["kind"].as_str().unwrap_or("?").to_string());
            }
            n += 1;
        }
        assert!(n > least, "{corpus}: {n} passages");
        assert!(kinds.contains("chapter"), "{corpus}: {kinds:?}");
    }
}

#[test]
fn json_errors_share_the_api_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    let index = dir.path().join("index");
    for (args, code) in [
        (&["search", " ", "--json"][..], "empty_query"),
        (
            &["search", "以工代赈", "--limit", "0", "--json"],
            "bad_parameter",
        ),
        (&["context", " ", "--json"], "empty_query"),
        (&["show", "no-such-id", "--json"], "not_found"),
        (&["toc", "没有这部法", "--json"], "not_found"),
    ] {
        let out = zhengce(&index, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(json_of(&out)["error"]["code"], code, "{args:?}");
    }
    let show = json_of(&zhengce(&index, &["show", "tese2021-s4.1", "--json"]));
    assert_eq!(show["headings"][2]["kind"], "sidebar");
    assert!(
        show["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("专栏4 资源型地区转型重大工程")),
        "{show}"
    );
}
