//! Compares a law read from a published file (PDF, DOCX) with its Markdown version: the
//! article labels each has that the other lacks, and the character-bigram Dice coefficient
//! of each shared article's text (white space and punctuation ignored).
//!
//! ```sh
//! cargo run --release --example ingest_compare -- 中华人民共和国刑法.pdf 刑法/刑法.md
//! ```

use std::collections::HashMap;
use std::path::Path;
use zhengce::corpus::{Document, load_file};

fn articles(d: &Document) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in &d.passages {
        let Some(a) = &p.article else { continue };
        match out.last_mut() {
            Some((l, t)) if l == a => t.push_str(&p.text),
            _ => out.push((a.clone(), p.text.clone())),
        }
    }
    out
}

fn bigrams(s: &str) -> HashMap<(char, char), usize> {
    let cs: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut m = HashMap::new();
    for w in cs.windows(2) {
        *m.entry((w[0], w[1])).or_insert(0) += 1;
    }
    m
}

fn dice(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    let common: usize = x
        .iter()
        .map(|(k, n)| (*n).min(*y.get(k).unwrap_or(&0)))
        .sum();
    let total: usize = x.values().sum::<usize>() + y.values().sum::<usize>();
    if total == 0 {
        1.0
    } else {
        2.0 * common as f64 / total as f64
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(args.len() == 3, "usage: ingest_compare PUBLISHED MARKDOWN");
    let started = std::time::Instant::now();
    let published = load_file(Path::new(&args[1]))?;
    let read_ms = started.elapsed().as_secs_f64() * 1000.0;
    let markdown = load_file(Path::new(&args[2]))?;
    let (a, b) = (articles(&published), articles(&markdown));
    let bm: HashMap<&str, &str> = b.iter().map(|(l, t)| (l.as_str(), t.as_str())).collect();
    let am: HashMap<&str, &str> = a.iter().map(|(l, t)| (l.as_str(), t.as_str())).collect();
    let only_a: Vec<&str> = a
        .iter()
        .map(|x| x.0.as_str())
        .filter(|l| !bm.contains_key(l))
        .collect();
    let only_b: Vec<&str> = b
        .iter()
        .map(|x| x.0.as_str())
        .filter(|l| !am.contains_key(l))
        .collect();
    let mut scores: Vec<(f64, &str)> = a
        .iter()
        .filter_map(|(l, t)| bm.get(l.as_str()).map(|m| (dice(t, m), l.as_str())))
        .collect();
    scores.sort_by(|x, y| x.0.total_cmp(&y.0));
    let below = scores.iter().filter(|s| s.0 < 0.98).count();
    let mean = scores.iter().map(|s| s.0).sum::<f64>() / scores.len().max(1) as f64;
    println!(
        "read {} in {read_ms:.0} ms: {} articles; markdown {} articles",
        args[1],
        a.len(),
        b.len()
    );
    println!("only in the published file: {only_a:?}");
    println!("only in the Markdown: {only_b:?}");
    println!(
        "same order: {}",
        a.iter().map(|x| &x.0).eq(b.iter().map(|x| &x.0))
    );
    println!(
        "Dice: mean {mean:.4}, {below} of {} below 0.98",
        scores.len()
    );
    for (s, l) in scores.iter().take(12) {
        println!("  {s:.3} {l}");
        if *s < 0.98 {
            println!("    pdf: {}", am[l].chars().take(160).collect::<String>());
            println!("    md:  {}", bm[l].chars().take(160).collect::<String>());
        }
    }
    Ok(())
}
