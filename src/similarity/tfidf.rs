//! TF-IDF (or BM25) vectors and the top-k cosine neighbours of every document.
//!
//! **Vectors.** Terms are the word tokens of [`tokens`](crate::similarity::tokens), counted per
//! document. `tfidf` weighs a term `tf · idf` with scikit-learn's smoothed
//! `idf = ln((1+n)/(1+df)) + 1` (`tf` raw, or `1 + ln tf` when `sublinear_tf`); `bm25` weighs
//! it `idf · tf(k1+1) / (tf + k1(1 - b + b·len/avglen))` with
//! `idf = ln(1 + (n - df + 0.5)/(df + 0.5))` (Robertson & Zaragoza 2009). Rows are L2-normalised
//! so a dot product is the cosine. Terms outside `[min_df, max_df·n]` are dropped, as in
//! scikit-learn.
//!
//! **Neighbours.** No n×n matrix: an inverted index maps each term with `df ≥ 2` to its
//! postings `(doc, weight)`, and each document accumulates dot products over the postings of
//! its own terms into a dense per-thread array (the "term-at-a-time" strategy). That is exact
//! and costs `Σ_t df_t²` in all, far less than `n²·len` on text, but still grows with `n²` when
//! the vocabulary stops growing. With `max_postings = P`, each posting list keeps only its `P`
//! heaviest entries (impact-ordered pruning, Anh & Moffat 2002); a document's candidates are
//! then re-scored exactly and the best `k` kept, so the scores are exact cosines and the cost
//! grows linearly in `n`, at the price of missing neighbours found only through pruned
//! postings (recall against the exact top-k is measured in `benchmarks/`).
//!
//! Ties are broken by document position, and each document's sums run in a fixed order, so
//! the result is the same for every worker count.

use std::cell::RefCell;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::parallel::Workers;
use crate::similarity::tokens::token_hashes_into;

/// How terms are weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weighting {
    /// `tf · idf`, scikit-learn's smoothed idf.
    TfIdf,
    /// Okapi BM25 with `k1` and `b`.
    Bm25,
}

impl Weighting {
    /// `"tfidf"` or `"bm25"`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tfidf" | "tf-idf" => Some(Weighting::TfIdf),
            "bm25" => Some(Weighting::Bm25),
            _ => None,
        }
    }
}

/// Options of [`vectorize`].
#[derive(Debug, Clone)]
pub struct TfidfOptions {
    /// Term weighting.
    pub weighting: Weighting,
    /// `1 + ln tf` instead of `tf` (TF-IDF only).
    pub sublinear_tf: bool,
    /// BM25 `k1`.
    pub k1: f64,
    /// BM25 `b`.
    pub b: f64,
    /// Drop terms in fewer documents than this.
    pub min_df: usize,
    /// Drop terms in more than this share of documents.
    pub max_df: f64,
}

impl Default for TfidfOptions {
    fn default() -> Self {
        TfidfOptions { weighting: Weighting::TfIdf, sublinear_tf: false, k1: 1.2, b: 0.75, min_df: 1, max_df: 1.0 }
    }
}

/// L2-normalised sparse rows, term ids ascending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vectors {
    /// Terms kept (the vocabulary size).
    pub terms: usize,
    /// One sparse row per document.
    pub rows: Vec<Vec<(u32, f32)>>,
    /// Document frequency per term id.
    pub df: Vec<u32>,
}

/// Cosine (dot product) of two sparse rows.
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// TF-IDF or BM25 vectors of `texts`.
///
/// # Examples
/// ```
/// use copydesk::parallel::{Workers, no_checkpoint};
/// use copydesk::similarity::tfidf::{TfidfOptions, dot, vectorize};
/// let texts = ["Aleppo army advance", "army advance in Aleppo", "a recipe for bread"];
/// let v = vectorize(&texts, &TfidfOptions::default(), &Workers::inline(), &mut no_checkpoint).unwrap();
/// assert!(dot(&v.rows[0], &v.rows[1]) > 0.5);
/// assert_eq!(dot(&v.rows[0], &v.rows[2]), 0.0);
/// ```
pub fn vectorize(
    texts: &[&str],
    opts: &TfidfOptions,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vectors> {
    if !(opts.max_df > 0.0 && opts.max_df <= 1.0) {
        return Err(Error::InvalidOption {
            name: "max_df".into(),
            reason: format!("{} is not in (0, 1]", opts.max_df),
        });
    }
    if opts.k1 < 0.0 || !(0.0..=1.0).contains(&opts.b) {
        return Err(Error::InvalidOption {
            name: "k1/b".into(),
            reason: format!("k1={} must be ≥ 0 and b={} in [0, 1]", opts.k1, opts.b),
        });
    }
    thread_local! {
        static BUF: RefCell<(Vec<u8>, Vec<u64>)> = RefCell::default();
    }
    // Per document: (term hash, count), sorted by hash; and its length in tokens.
    let counts: Vec<(Vec<(u64, u32)>, u32)> = workers.map_chunks(
        texts,
        crate::parallel::DEFAULT_CHUNK,
        |text| {
            BUF.with_borrow_mut(|(bytes, hashes)| {
                hashes.clear();
                token_hashes_into(text, bytes, hashes);
                hashes.sort_unstable();
                let mut out: Vec<(u64, u32)> = Vec::new();
                for run in hashes.chunk_by(|x, y| x == y) {
                    out.push((run[0], run.len() as u32));
                }
                (out, hashes.len() as u32)
            })
        },
        checkpoint,
    )?;
    let n = texts.len();
    let (vocab, df) = workers.install(|| {
        let mut all: Vec<u64> = counts.par_iter().flat_map_iter(|(c, _)| c.iter().map(|&(h, _)| h)).collect();
        all.par_sort_unstable();
        let mut vocab = Vec::new();
        let mut df = Vec::new();
        #[allow(clippy::cast_sign_loss)] // max_df is in (0, 1]
        let max_df = (opts.max_df * n as f64).floor() as usize;
        for run in all.chunk_by(|x, y| x == y) {
            if run.len() >= opts.min_df && run.len() <= max_df.max(1) {
                vocab.push(run[0]);
                df.push(run.len() as u32);
            }
        }
        (vocab, df)
    });
    let nf = n as f64;
    let idf: Vec<f64> = df
        .iter()
        .map(|&d| {
            let d = f64::from(d);
            match opts.weighting {
                Weighting::TfIdf => ((1.0 + nf) / (1.0 + d)).ln() + 1.0,
                Weighting::Bm25 => (1.0 + (nf - d + 0.5) / (d + 0.5)).ln(),
            }
        })
        .collect();
    let avg_len = counts.iter().map(|(_, l)| f64::from(*l)).sum::<f64>() / nf.max(1.0);
    let rows: Vec<Vec<(u32, f32)>> = workers.install(|| {
        counts
            .par_iter()
            .map(|(terms, len)| {
                let mut row: Vec<(u32, f64)> = Vec::with_capacity(terms.len());
                for &(h, tf) in terms {
                    if let Ok(t) = vocab.binary_search(&h) {
                        let tf = f64::from(tf);
                        let w = match opts.weighting {
                            Weighting::TfIdf if opts.sublinear_tf => (1.0 + tf.ln()) * idf[t],
                            Weighting::TfIdf => tf * idf[t],
                            Weighting::Bm25 => {
                                let norm = opts.k1 * (1.0 - opts.b + opts.b * f64::from(*len) / avg_len.max(1e-9));
                                idf[t] * tf * (opts.k1 + 1.0) / (tf + norm)
                            }
                        };
                        if w > 0.0 {
                            row.push((t as u32, w));
                        }
                    }
                }
                // The vocabulary is sorted by hash, so term ids come out ascending.
                let norm = row.iter().map(|&(_, w)| w * w).sum::<f64>().sqrt();
                row.into_iter().map(|(t, w)| (t, (w / norm) as f32)).collect()
            })
            .collect()
    });
    Ok(Vectors { terms: vocab.len(), rows, df })
}

/// Inverted index over rows: postings per term, CSR.
struct Postings {
    offsets: Vec<usize>,
    entries: Vec<(u32, f32)>,
    pruned: Vec<bool>,
}

/// Postings of the terms where `indexed[t]` (and `df ≥ 2`: a term of one document links
/// none), each list kept to its `max_postings` heaviest entries when given.
fn postings(v: &Vectors, indexed: &[bool], max_postings: Option<usize>, workers: &Workers) -> Postings {
    let keep: Vec<bool> = (0..v.terms).map(|t| indexed[t] && v.df[t] >= 2).collect();
    let mut offsets = vec![0usize; v.terms + 1];
    for t in 0..v.terms {
        offsets[t + 1] = offsets[t] + if keep[t] { v.df[t] as usize } else { 0 };
    }
    let mut entries = vec![(0u32, 0f32); offsets[v.terms]];
    let mut fill = offsets.clone();
    for (d, row) in v.rows.iter().enumerate() {
        for &(t, w) in row {
            let t = t as usize;
            if keep[t] {
                entries[fill[t]] = (d as u32, w);
                fill[t] += 1;
            }
        }
    }
    let mut pruned = vec![false; v.terms];
    let Some(cap) = max_postings else {
        return Postings { offsets, entries, pruned };
    };
    // Keep the `cap` heaviest postings of each long list (ties: earlier document first),
    // then restore document order within the kept ones.
    let lists: Vec<Vec<(u32, f32)>> = workers.install(|| {
        (0..v.terms)
            .into_par_iter()
            .map(|t| {
                let mut list = entries[offsets[t]..offsets[t + 1]].to_vec();
                if list.len() > cap {
                    list.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                    list.truncate(cap);
                    list.sort_unstable_by_key(|e| e.0);
                }
                list
            })
            .collect()
    });
    let mut new_offsets = vec![0usize; v.terms + 1];
    let mut new_entries = Vec::with_capacity(entries.len().min(v.terms * cap));
    for (t, list) in lists.into_iter().enumerate() {
        pruned[t] = offsets[t + 1] - offsets[t] > list.len();
        new_entries.extend(list);
        new_offsets[t + 1] = new_entries.len();
    }
    Postings { offsets: new_offsets, entries: new_entries, pruned }
}

/// Best first: higher score, then earlier document.
#[allow(clippy::trivially_copy_pass_by_ref)] // the shape `sort_by` wants
fn better(x: &(u32, f32), y: &(u32, f32)) -> std::cmp::Ordering {
    y.1.total_cmp(&x.1).then(x.0.cmp(&y.0))
}

fn top_k(mut cands: Vec<(u32, f32)>, k: usize) -> Vec<(u32, f32)> {
    if cands.len() > k {
        cands.select_nth_unstable_by(k, better);
        cands.truncate(k);
    }
    cands.sort_unstable_by(better);
    // The candidates can number in the corpus size; a kept result must not keep that buffer.
    cands.shrink_to_fit();
    cands
}

/// Documents per block of the exact pass: at most 8, and block accumulators of at most
/// 512 KiB, so a block's rows stay in a core's L2 (measured: 16 rows of 10^4 documents
/// per thread halve the speed on two threads).
fn block_size(n: usize) -> usize {
    ((1usize << 17) / n.max(1)).clamp(1, 8)
}

/// The `k` nearest neighbours (cosine) of every row, best first, with score `> min_score`.
///
/// Exact mode (`max_postings = None`) scores documents in blocks of up to 8: the block's
/// `(term, document, weight)` triples are sorted by term, so each posting list is read once
/// per block instead of once per document (the pass is bound by memory traffic: frequent
/// terms have posting lists as long as the corpus), into one dense accumulator row per
/// block document. Each sum still runs in term order, so the scores are those of a
/// document-at-a-time pass. Pruned mode goes one document at a time, tracking the
/// documents it touches, and re-scores its best `max(4k, 32)` candidates exactly.
///
/// # Examples
/// ```
/// use copydesk::parallel::{Workers, no_checkpoint};
/// use copydesk::similarity::tfidf::{TfidfOptions, nearest_neighbors, vectorize};
/// let texts = ["Aleppo army advance", "army advance in Aleppo", "bread recipe", "a bread recipe"];
/// let v = vectorize(&texts, &TfidfOptions::default(), &Workers::inline(), &mut no_checkpoint).unwrap();
/// let nn = nearest_neighbors(&v, 1, 0.0, None, &Workers::inline(), &mut no_checkpoint).unwrap();
/// assert_eq!(nn[0][0].0, 1);
/// assert_eq!(nn[3][0].0, 2);
/// ```
#[allow(clippy::too_many_lines)] // the two modes share validation, index and output
pub fn nearest_neighbors(
    v: &Vectors,
    k: usize,
    min_score: f32,
    max_postings: Option<usize>,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<Vec<(u32, f32)>>> {
    if k == 0 {
        return Err(Error::InvalidOption { name: "k".into(), reason: "0 neighbours; ask for at least 1".into() });
    }
    if max_postings == Some(0) {
        return Err(Error::InvalidOption { name: "max_postings".into(), reason: "0 keeps nothing; use None".into() });
    }
    let n = v.rows.len();
    let all = vec![true; v.terms];
    let index = postings(v, &all, max_postings, workers);
    let finish = |mut cands: Vec<(u32, f32)>| {
        cands.retain(|c| c.1 > min_score);
        top_k(cands, k)
    };
    thread_local! {
        static ACC: RefCell<(Vec<f32>, Vec<u32>)> = RefCell::default();
    }
    if max_postings.is_none() {
        let b = block_size(n);
        let blocks: Vec<usize> = (0..n.div_ceil(b)).collect();
        let out = workers.map_chunks(
            &blocks,
            (512 / b).max(1),
            |&blk| {
                let docs = blk * b..((blk + 1) * b).min(n);
                ACC.with_borrow_mut(|(acc, _)| {
                    if acc.len() < b * n {
                        acc.resize(b * n, 0.0);
                    }
                    let mut triples: Vec<(u32, u32, f32)> = docs
                        .clone()
                        .enumerate()
                        .flat_map(|(i, d)| v.rows[d].iter().map(move |&(t, w)| (t, i as u32, w)))
                        .collect();
                    triples.sort_unstable_by_key(|x| (x.0, x.1));
                    for group in triples.chunk_by(|x, y| x.0 == y.0) {
                        let t = group[0].0 as usize;
                        let post = &index.entries[index.offsets[t]..index.offsets[t + 1]];
                        if let [(_, i, w)] = group {
                            let row = &mut acc[*i as usize * n..(*i as usize + 1) * n];
                            for &(c, wc) in post {
                                row[c as usize] += w * wc;
                            }
                        } else {
                            for &(c, wc) in post {
                                for &(_, i, w) in group {
                                    acc[i as usize * n + c as usize] += w * wc;
                                }
                            }
                        }
                    }
                    docs.enumerate()
                        .map(|(i, d)| {
                            let row = &mut acc[i * n..(i + 1) * n];
                            row[d] = 0.0;
                            let mut cands = Vec::new();
                            for (c, slot) in row.iter_mut().enumerate() {
                                if *slot != 0.0 {
                                    cands.push((c as u32, *slot));
                                    *slot = 0.0;
                                }
                            }
                            finish(cands)
                        })
                        .collect::<Vec<_>>()
                })
            },
            checkpoint,
        )?;
        return Ok(out.into_iter().flatten().collect());
    }
    let rescore = (4 * k).max(32);
    let docs: Vec<u32> = (0..n as u32).collect();
    workers.map_chunks(
        &docs,
        512,
        |&d| {
            ACC.with_borrow_mut(|(acc, touched)| {
                if acc.len() < n {
                    acc.resize(n, 0.0);
                }
                let row = &v.rows[d as usize];
                for &(t, w) in row {
                    let t = t as usize;
                    for &(c, wc) in &index.entries[index.offsets[t]..index.offsets[t + 1]] {
                        let slot = &mut acc[c as usize];
                        if *slot == 0.0 {
                            touched.push(c);
                        }
                        *slot += w * wc;
                    }
                }
                let mut cands: Vec<(u32, f32)> = Vec::with_capacity(touched.len());
                for &c in touched.iter() {
                    if c != d {
                        cands.push((c, acc[c as usize]));
                    }
                    acc[c as usize] = 0.0;
                }
                touched.clear();
                if row.iter().any(|&(t, _)| index.pruned[t as usize]) {
                    cands = top_k(cands, rescore);
                    for c in &mut cands {
                        c.1 = dot(row, &v.rows[c.0 as usize]);
                    }
                }
                finish(cands)
            })
        },
        checkpoint,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::no_checkpoint;

    fn corpus() -> Vec<String> {
        (0..300)
            .map(|i| {
                (0..40).map(|j| format!("t{}", (i * 31 + j * 17) % 211 + (j % 3) * 1000)).collect::<Vec<_>>().join(" ")
            })
            .collect()
    }

    fn brute(v: &Vectors, k: usize) -> Vec<Vec<(u32, f32)>> {
        (0..v.rows.len())
            .map(|d| {
                let c = (0..v.rows.len())
                    .filter(|&c| c != d)
                    .map(|c| (c as u32, dot(&v.rows[d], &v.rows[c])))
                    .filter(|c| c.1 > 0.0)
                    .collect();
                top_k(c, k)
            })
            .collect()
    }

    #[test]
    fn exact_matches_brute_force_and_workers_agree() {
        let texts = corpus();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        for weighting in [Weighting::TfIdf, Weighting::Bm25] {
            let opts = TfidfOptions { weighting, ..TfidfOptions::default() };
            let v = vectorize(&refs, &opts, &Workers::inline(), &mut no_checkpoint).unwrap();
            let want = brute(&v, 5);
            let got = nearest_neighbors(&v, 5, 0.0, None, &Workers::inline(), &mut no_checkpoint).unwrap();
            for (g, w) in got.iter().zip(&want) {
                let gs: Vec<f32> = g.iter().map(|x| x.1).collect();
                let ws: Vec<f32> = w.iter().map(|x| x.1).collect();
                for (a, b) in gs.iter().zip(&ws) {
                    assert!((a - b).abs() < 1e-5);
                }
            }
            let two = nearest_neighbors(&v, 5, 0.0, None, &Workers::new(2).unwrap(), &mut no_checkpoint).unwrap();
            assert_eq!(got, two);
            let pruned =
                nearest_neighbors(&v, 5, 0.0, Some(20), &Workers::new(2).unwrap(), &mut no_checkpoint).unwrap();
            for (p, g) in pruned.iter().zip(&got) {
                assert!(p.len() <= 5);
                for x in p {
                    assert!((x.1 - dot(&v.rows[0], &v.rows[0]).min(1.0)).abs() <= 1.0);
                }
                assert!(p.first().map_or(0.0, |x| x.1) <= g.first().map_or(0.0, |x| x.1) + 1e-6);
            }
        }
    }

    #[test]
    fn rows_are_unit_length() {
        let v =
            vectorize(&["a b b c", "c d"], &TfidfOptions::default(), &Workers::inline(), &mut no_checkpoint).unwrap();
        for row in &v.rows {
            assert!((dot(row, row) - 1.0).abs() < 1e-6);
        }
    }
}
