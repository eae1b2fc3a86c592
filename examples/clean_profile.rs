//! Profiling harness for the cleaning pipeline: cleans the texts of a JSON Lines file (the
//! `text` field, as `benchmarks/generate.py` writes them) or a CSV file (a named column, e.g.
//! FA-KES's `article_content`) on one thread, as `clean_batch(texts, workers=1)` does
//! without the Python side, and prints throughput. Build it with the `mimalloc` feature, the
//! allocator the Python extension uses.
//!
//! ```text
//! cargo run --profile profiling --features mimalloc --example clean_profile -- benchmarks/data/10000/corpus.jsonl
//! cargo run --profile profiling --features mimalloc --example clean_profile -- ../shared/data/fakes/FA-KES-Dataset.csv article_content
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect=clean_profile::run_all \
//!     target/profiling/examples/clean_profile <file> [column] [limit] [repeats]
//! ```
//! `limit` keeps the first N texts (callgrind runs ~50x slower); `repeats` cleans them again
//! and reports the best pass (with 1, a first pass, as in the benchmarks' fresh processes).
//! With `CLEAN_DIGEST=<file>`, writes a hash of each whole result (text, edits, offset maps,
//! metadata) and one of what it says (no edits or maps) to the file, to check that a change
//! keeps behaviour; with `CLEAN_OUTPUTS=<file>`, what each result says, to read a difference.

#![allow(clippy::print_stdout)]

use std::time::Instant;

use copydesk::clean::{CleanOptions, DocumentHints, clean};

fn texts(path: &str, column: Option<&str>) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    if std::path::Path::new(path).extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        let mut reader = csv::Reader::from_path(path)?;
        let headers = reader.headers()?.clone();
        let name = column.unwrap_or("text");
        let k = headers.iter().position(|h| h == name).ok_or_else(|| format!("no column {name:?}"))?;
        let mut out = Vec::new();
        for record in reader.byte_records() {
            let record = record?;
            out.push(String::from_utf8_lossy(record.get(k).unwrap_or_default()).into_owned());
        }
        Ok(out)
    } else {
        let data = std::fs::read_to_string(path)?;
        let field = column.unwrap_or("text");
        let mut out = Vec::new();
        for line in data.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)?;
            out.push(v.get(field).and_then(|t| t.as_str()).unwrap_or_default().to_owned());
        }
        Ok(out)
    }
}

/// Cleans every text; returns the cleaned bytes. Not inlined, so that
/// `valgrind --tool=callgrind --toggle-collect=clean_profile::run_all` counts only this.
#[inline(never)]
fn run_all(texts: &[String], opts: &CleanOptions) -> usize {
    let mut out_bytes = 0;
    for t in texts {
        // As `clean_batch`: offsets stay in bytes until Python asks for one.
        let c = clean(t, DocumentHints::default(), opts, None);
        out_bytes += c.text.len();
    }
    out_bytes
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: clean_profile <file.jsonl|file.csv> [column] [limit] [repeats]")?;
    let column = args.get(1).map(String::as_str).filter(|c| *c != "-");
    let limit = args.get(2).map_or(Ok(usize::MAX), |l| l.parse())?;
    let repeats = args.get(3).map_or(Ok(1), |r| r.parse())?;
    let mut texts = texts(path, column)?;
    texts.truncate(limit);
    let bytes: usize = texts.iter().map(String::len).sum();
    let opts = CleanOptions::default();
    // Warm up as the benchmarks do: the bundled sample articles, none of the measured texts,
    // so the regexes are compiled outside the measured passes while the states their lazy
    // DFAs build for the measured texts are not (the first pass pays for them).
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("python/copydesk/datasets/sample");
    for entry in std::fs::read_dir(samples)? {
        let t = std::fs::read_to_string(entry?.path())?;
        let _ = clean(&t, DocumentHints::default(), &opts, None);
    }
    let mut best = f64::INFINITY;
    let mut out_bytes = 0;
    for _ in 0..repeats {
        let start = Instant::now();
        out_bytes = run_all(&texts, &opts);
        best = best.min(start.elapsed().as_secs_f64());
    }
    let (digest, outputs) = (std::env::var("CLEAN_DIGEST").ok(), std::env::var("CLEAN_OUTPUTS").ok());
    if digest.is_some() || outputs.is_some() {
        // One line per text in each: a hash of the whole result, then of what it says (text,
        // title, title_in_text, date, byline, paragraphs, sentences) without the edits that
        // got there; and what it says, to read where two builds differ.
        let (mut hashes, mut said_lines) = (String::new(), String::new());
        let hash = |s: &str| xxhash_rust::xxh3::xxh3_64(s.as_bytes());
        for t in &texts {
            let c = clean(t, DocumentHints::default(), &opts, None).into_char_offsets(t);
            let sentences = copydesk::clean::structure::sentences_in_chars(&c.text);
            let said = format!(
                "{:?}",
                (&c.text, &c.title, c.title_in_text, &c.published, &c.byline, &c.paragraphs, &sentences)
            );
            hashes.push_str(&format!("{:016x} {:016x}\n", hash(&format!("{c:?}")), hash(&said)));
            said_lines.push_str(&said);
            said_lines.push('\n');
        }
        if let Some(out) = digest {
            std::fs::write(out, hashes)?;
        }
        if let Some(out) = outputs {
            std::fs::write(out, said_lines)?;
        }
    }
    println!(
        "{} texts, {:.1} MB in, {:.1} MB out: best {:.2} ms, {:.1} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        out_bytes as f64 / 1e6,
        best * 1e3,
        bytes as f64 / 1e6 / best
    );
    Ok(())
}
