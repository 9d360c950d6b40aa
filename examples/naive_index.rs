//! The floor of the chosen stack for indexing: tantivy + tantivy-jieba, the simplest
//! index there is (one `TEXT` field with positions, stored), over every non-empty line of
//! every `.md` file of a folder, on all cores. BENCHMARKS.md compares `zhengce index`
//! with it.
//!
//! ```text
//! cargo run --release --example naive_index -- ../shared/corpora/laws [jieba|words|chars|jieba+chars|none] [stored|unstored]
//! ```
//!
//! `jieba`: tantivy-jieba's tokenizer (default dictionary, as its README sets it up);
//! `words`: zhengce's own word tokenizer (jieba-rs precise mode, no HMM, over folded text,
//! base dictionary); `chars`: one token per character (tantivy's cheapest possible CJK tokenizer, no
//! segmentation at all); `jieba+chars`: both, as two fields with positions (the floor's
//! words plus the per-character field zhengce's substring search needs, so the floor of
//! the same token volume); `none`: nothing indexed, only stored (the cost of reading and
//! storing).

use std::path::Path;
use std::time::Instant;
use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexWriter, TantivyDocument, doc};

#[derive(Clone)]
struct Chars;

struct CharStream<'a> {
    it: std::str::CharIndices<'a>,
    token: Token,
}

impl Tokenizer for Chars {
    type TokenStream<'a> = CharStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharStream<'a> {
        CharStream {
            it: text.char_indices(),
            token: Token {
                position: usize::MAX,
                ..Token::default()
            },
        }
    }
}

impl TokenStream for CharStream<'_> {
    fn advance(&mut self) -> bool {
        for (b, c) in self.it.by_ref() {
            if c.is_alphanumeric() {
                self.token.text.clear();
                self.token.text.push(c);
                self.token.offset_from = b;
                self.token.offset_to = b + c.len_utf8();
                self.token.position = self.token.position.wrapping_add(1);
                return true;
            }
        }
        false
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .ok_or("usage: naive_index DIR [jieba|words|chars|none] [stored|unstored]")?;
    let mode = args.get(2).map_or("jieba", String::as_str);
    let stored = args.get(3).map_or("stored", String::as_str) == "stored";
    let started = Instant::now();
    let mut paths = Vec::new();
    files(Path::new(dir), &mut paths);
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let read = started.elapsed();

    let mut b = Schema::builder();
    let (first, second) = match mode.split_once('+') {
        Some((a, b)) => (a, Some(b)),
        None => (mode, None),
    };
    let indexed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let mut opts = if first == "none" {
        TextOptions::default()
    } else {
        indexed(first)
    };
    if stored {
        opts = opts | STORED;
    }
    let text = b.add_text_field("text", opts);
    let extra = second.map(|t| b.add_text_field("extra", indexed(t)));
    let tmp = tempfile::tempdir()?;
    let index = Index::create_in_dir(tmp.path(), b.build())?;
    index
        .tokenizers()
        .register("jieba", tantivy_jieba::JiebaTokenizer::new());
    index.tokenizers().register("chars", Chars);
    if first == "words" || second == Some("words") {
        let seg = std::sync::Arc::new(zhengce::analysis::Segmenter::full("")?);
        index
            .tokenizers()
            .register("words", zhengce::analysis::WordTokenizer::new(seg));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, 400_000_000 * threads)?;
    let mut docs = 0usize;
    for t in &texts {
        for line in t.lines() {
            let line = line.trim();
            if !line.is_empty() {
                let mut d = doc!(text => line);
                if let Some(f) = extra {
                    d.add_text(f, line);
                }
                writer.add_document(d)?;
                docs += 1;
            }
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{mode} {}: {} files, {docs} lines, {:.1} MB in {secs:.2} s (read {:.2} s) = {:.1} MB/s",
        if stored { "stored" } else { "unstored" },
        texts.len(),
        bytes as f64 / 1e6,
        read.as_secs_f64(),
        bytes as f64 / 1e6 / secs
    );
    Ok(())
}
