//! Several processes over one index at once, through the built binary: rebuilds that
//! exclude each other, readers (`serve` under search, cite and context requests, an MCP
//! client of `zhengce mcp`, CLI searches) that never fail while the index is rebuilt.
//!
//! Each test works on its own temporary copy of the repository's corpus (the plan).

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_zhengce");

/// A temporary copy of the repository's corpus, and an index directory beside it.
fn corpus_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    for e in std::fs::read_dir(common::corpus_dir())
        .expect("corpus")
        .flatten()
    {
        if e.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::copy(e.path(), corpus.join(e.file_name())).expect("copy");
        }
    }
    let index = dir.path().join("index");
    (dir, corpus, index)
}

fn zhengce(corpus: &Path, index: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--corpus").arg(corpus).arg("--index").arg(index);
    c.args(args);
    c.env_remove("ZHENGCE_CORPUS").env_remove("ZHENGCE_INDEX");
    c.env("RUST_LOG", "warn");
    c
}

/// Appends a domain term to the corpus dictionary: the index is stale afterwards.
fn touch_dictionary(corpus: &Path, round: usize) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(corpus.join("terms.dic"))
        .expect("terms.dic");
    writeln!(f, "并发测试词{round}").expect("append");
}

fn describe(o: &Output) -> String {
    format!(
        "exit {:?}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn generations(index: &Path) -> usize {
    std::fs::read_dir(index)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn six_processes_rebuilding_at_once_for_ten_rounds_never_fail() {
    let (_dir, corpus, index) = corpus_copy();
    let mut failures = Vec::new();
    for round in 0..10 {
        touch_dictionary(&corpus, round);
        let children: Vec<Child> = (0..6)
            .map(|_| {
                zhengce(&corpus, &index, &["search", "--json", "以工代赈"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().expect("wait");
            let hits = serde_json::from_slice::<serde_json::Value>(&o.stdout)
                .ok()
                .and_then(|v| v["hits"].as_array().map(|h| h.len()))
                .unwrap_or(0);
            if !o.status.success() || hits == 0 {
                failures.push(format!("round {round}: {}", describe(&o)));
            }
        }
        let ix = zhengce::index::open(&index).expect("the index opens after every round");
        let fresh = zhengce::index::check_fresh(&ix.meta, &corpus).expect("check");
        assert_eq!(
            fresh, None,
            "round {round}: the index is fresh after the round"
        );
        // Superseded generations are removed (the processes of the round are gone).
        drop(ix);
        assert!(
            generations(&index) <= 2,
            "round {round}: {} generations",
            generations(&index)
        );
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A plain HTTP/1.1 GET; the status and the body.
fn get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, text))
}

/// `zhengce serve` on a free port; its address once it listens.
fn start_server(corpus: &Path, index: &Path) -> (Child, SocketAddr) {
    let mut child = zhengce(corpus, index, &["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let mut err = child.stderr.take().expect("stderr");
    let started = Instant::now();
    let mut seen = String::new();
    let mut byte = [0u8; 1];
    while started.elapsed() < Duration::from_secs(120) {
        match err.read(&mut byte) {
            Ok(1) => seen.push(byte[0] as char),
            _ => break,
        }
        if let Some(rest) = seen.split("listening on http://").nth(1)
            && let Some(end) = rest.find('/')
            && let Ok(addr) = rest[..end].parse()
        {
            // Keep draining stderr so that the server never blocks on it.
            std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
            return (child, addr);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start: {seen}");
}

/// An MCP client of `zhengce mcp` over stdio (newline-delimited JSON-RPC).
struct Mcp {
    child: Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    next_id: u64,
}

impl Mcp {
    fn start(corpus: &Path, index: &Path) -> Mcp {
        let mut child = zhengce(corpus, index, &["mcp"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn mcp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut m = Mcp {
            child,
            stdin,
            stdout,
            next_id: 1,
        };
        let init = m.call(
            "initialize",
            serde_json::json!({"protocolVersion": "2025-03-26", "capabilities": {},
                "clientInfo": {"name": "concurrency-test", "version": "0"}}),
        );
        assert!(init.is_ok(), "initialize: {init:?}");
        m.send(&serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        m
    }

    fn send(&mut self, v: &serde_json::Value) {
        writeln!(self.stdin, "{v}").expect("write to mcp");
        self.stdin.flush().expect("flush");
    }

    /// A request; its result, or the error (a JSON-RPC error or a tool error).
    fn call(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, String> {
        use std::io::BufRead;
        let id = self.next_id;
        self.next_id += 1;
        self.send(
            &serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        );
        let mut line = String::new();
        loop {
            line.clear();
            if self
                .stdout
                .read_line(&mut line)
                .map_err(|e| e.to_string())?
                == 0
            {
                return Err("the MCP server closed its output".into());
            }
            let v: serde_json::Value =
                serde_json::from_str(&line).map_err(|e| format!("{e}: {line}"))?;
            if v["id"] != id {
                continue;
            }
            if !v["error"].is_null() {
                return Err(v["error"].to_string());
            }
            if v["result"]["isError"] == true {
                return Err(v["result"].to_string());
            }
            return Ok(v["result"].clone());
        }
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn readers_never_fail_while_the_index_is_rebuilt_three_times() {
    let (_dir, corpus, index) = corpus_copy();
    let built = zhengce(&corpus, &index, &["index"])
        .output()
        .expect("index");
    assert!(built.status.success(), "{}", describe(&built));
    let (mut server, addr) = start_server(&corpus, &index);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let paths = [
        format!("/api/search?q={}", common::enc("以工代赈")),
        format!("/api/cite?text={}", common::enc("促进边疆巩固的重点地区")),
        format!("/api/context?q={}", common::enc("特殊类型地区")),
    ];
    let mut workers = Vec::new();
    for path in paths {
        let (stop, done, failed) = (stop.clone(), done.clone(), failed.clone());
        workers.push(std::thread::spawn(move || {
            let mut n = 0usize;
            // Bounded: at most 2,000 requests per worker.
            for _ in 0..2_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                match get(addr, &path) {
                    Ok((200, _)) => {}
                    Ok((s, body)) => failed
                        .lock()
                        .expect("lock")
                        .push(format!("{path}: {s} {body}")),
                    Err(e) => failed.lock().expect("lock").push(format!("{path}: {e}")),
                }
                done.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            n
        }));
    }
    {
        let (stop, done, failed) = (stop.clone(), done.clone(), failed.clone());
        let (corpus, index) = (corpus.clone(), index.clone());
        workers.push(std::thread::spawn(move || {
            let mut n = 0usize;
            for _ in 0..200 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let o = zhengce(&corpus, &index, &["search", "--json", "以工代赈"])
                    .output()
                    .expect("search");
                if !o.status.success() {
                    failed
                        .lock()
                        .expect("lock")
                        .push(format!("cli: {}", describe(&o)));
                }
                done.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            n
        }));
    }
    {
        // An MCP server started on the index, asked for searches and cites meanwhile.
        let (stop, done, failed) = (stop.clone(), done.clone(), failed.clone());
        let mut mcp = Mcp::start(&corpus, &index);
        workers.push(std::thread::spawn(move || {
            let mut n = 0usize;
            for i in 0..2_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let r = if i % 2 == 0 {
                    mcp.call(
                        "tools/call",
                        serde_json::json!({"name": "search", "arguments": {"query": "以工代赈"}}),
                    )
                } else {
                    mcp.call(
                        "tools/call",
                        serde_json::json!({"name": "cite", "arguments": {"text": "促进边疆巩固的重点地区"}}),
                    )
                };
                if let Err(e) = r {
                    failed.lock().expect("lock").push(format!("mcp: {e}"));
                }
                done.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            n
        }));
    }
    for round in 0..3 {
        // The corpus changes, then the index is rebuilt while everything above runs.
        touch_dictionary(&corpus, round);
        std::fs::write(
            corpus.join(format!("extra-{round}.txt")),
            format!("关于并发测试的通知{round}\n\n一、以工代赈的并发测试第{round}轮。\n"),
        )
        .expect("write");
        let o = zhengce(&corpus, &index, &["index"])
            .output()
            .expect("index");
        assert!(o.status.success(), "round {round}: {}", describe(&o));
        zhengce::index::open(&index).expect("the index opens after every rebuild");
    }
    // Let the server pick up the last generation and answer from it for a while.
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::Relaxed);
    // Every reader (3 HTTP routes, the CLI, MCP) ran during the rebuilds.
    for w in workers {
        let n = w.join().expect("worker");
        assert!(n >= 2, "a reader ran only {n} requests");
    }
    let health = get(addr, "/healthz").expect("healthz");
    let _ = server.kill();
    let _ = server.wait();
    let failed = failed.lock().expect("lock");
    assert!(done.load(Ordering::Relaxed) > 20, "too few requests ran");
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert_eq!(health.0, 200, "{}", health.1);
    // The generation the server served during the last build may still be there.
    assert!(
        generations(&index) <= 3,
        "{} generations left",
        generations(&index)
    );
}
