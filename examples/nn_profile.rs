//! Profiling harness for TF-IDF top-k neighbours: vectorises the `text` field of a JSON Lines
//! file (as `benchmarks/generate.py` writes it) and finds every document's exact top-10 on
//! one thread, as `nearest_neighbors(texts, workers=1)` does without the Python side.
//!
//! ```text
//! cargo run --profile profiling --example nn_profile -- benchmarks/data/10000/corpus.jsonl [limit] [repeats]
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect=nn_profile::search \
//!     target/profiling/examples/nn_profile <file> 3000 1
//! ```
//! Prints the best time of `repeats` searches and a digest of the neighbours (documents and
//! score bits), to check that a change keeps the result. With `MAX_POSTINGS=N` in the
//! environment, the pruned search (`max_postings=N`) instead of the exact one.

#![allow(clippy::print_stdout)]

use std::hash::{Hash, Hasher};
use std::time::Instant;

use copydesk::parallel::{Workers, no_checkpoint};
use copydesk::similarity::tfidf::{TfidfOptions, Vectors, nearest_neighbors, vectorize};

#[inline(never)]
fn search(v: &Vectors) -> Vec<Vec<(u32, f32)>> {
    let mp = std::env::var("MAX_POSTINGS").ok().and_then(|s| s.parse().ok());
    nearest_neighbors(v, 10, 0.0, mp, &Workers::inline(), &mut no_checkpoint).expect("valid options")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: nn_profile <corpus.jsonl> [limit] [repeats]")?;
    let limit: usize = args.get(2).map_or(Ok(usize::MAX), |s| s.parse())?;
    let repeats: usize = args.get(3).map_or(Ok(3), |s| s.parse())?;
    let data = std::fs::read_to_string(path)?;
    let mut texts = Vec::new();
    for line in data.lines().filter(|l| !l.trim().is_empty()).take(limit) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        texts.push(v.get("text").and_then(|t| t.as_str()).unwrap_or_default().to_owned());
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let t = Instant::now();
    let v = vectorize(&refs, &TfidfOptions::default(), &Workers::inline(), &mut no_checkpoint)?;
    println!("vectorize: {} docs, {} terms, {:.3} s", refs.len(), v.terms, t.elapsed().as_secs_f64());
    let mut best = f64::INFINITY;
    let mut out = Vec::new();
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        out = search(&v);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for row in &out {
        for &(c, s) in row {
            (c, s.to_bits()).hash(&mut h);
        }
        u32::MAX.hash(&mut h);
    }
    println!("search: best of {repeats} {best:.3} s, digest {:016x}", h.finish());
    Ok(())
}
