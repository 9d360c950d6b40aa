//! Reading cost of documents as published: for each file, the median of 5 reads
//! (`zhengce::corpus::load_file`: PDF/DOCX/HTML reader, layout, structure parser) and, for
//! PDFs, pages per second; beside it, in the same run, poppler's `pdftotext` on the same
//! file (C++, text only, no structure) when it is installed.
//!
//! ```sh
//! cargo run --release --example read_bench -- ../shared/corpora/originals/*.pdf
//! ```

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    const RUNS: usize = 5;
    let mut total = (0.0, 0.0, 0usize);
    println!(
        "| file | pages | zhengce read+parse (median ms) | pages/s | pdftotext (median ms) | ratio |"
    );
    println!("|---|---|---|---|---|---|");
    for arg in std::env::args().skip(1) {
        let path = Path::new(&arg);
        let mut ours = Vec::new();
        let mut pages = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            match zhengce::corpus::load_file(path) {
                Ok(doc) => pages = doc.page_starts.last().map_or(0, |p| p.1 as usize),
                Err(e) => {
                    eprintln!("skipped {arg}: {e}");
                    break;
                }
            }
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        if ours.len() < RUNS {
            continue;
        }
        let ours = median(ours);
        let mut peer = Vec::new();
        if arg.ends_with(".pdf") {
            for _ in 0..RUNS {
                let t = Instant::now();
                let ok = Command::new("pdftotext")
                    .arg(path)
                    .arg("/dev/null")
                    .status()
                    .is_ok_and(|s| s.success());
                if !ok {
                    peer.clear();
                    break;
                }
                peer.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rate = if pages > 0 {
            format!("{:.0}", pages as f64 / ours * 1000.0)
        } else {
            "—".into()
        };
        let (peer_s, ratio) = if peer.is_empty() {
            ("—".to_string(), "—".to_string())
        } else {
            let p = median(peer);
            if pages > 0 {
                total.0 += ours;
                total.1 += p;
                total.2 += pages;
            }
            (format!("{p:.1}"), format!("{:.1}x", ours / p))
        };
        println!("| {name} | {pages} | {ours:.1} | {rate} | {peer_s} | {ratio} |");
    }
    if total.2 > 0 {
        println!(
            "| all PDFs | {} | {:.1} | {:.0} | {:.1} | {:.1}x |",
            total.2,
            total.0,
            total.2 as f64 / total.0 * 1000.0,
            total.1,
            total.0 / total.1
        );
    }
    Ok(())
}
