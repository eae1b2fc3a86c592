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
//! postings `(doc, weight)`. A plain term-at-a-time pass costs `Σ_t df_t²`, nearly all of it
//! in the posting lists of the few hundred function words that most documents share. The
//! exact search reads those only when it must: each document accumulates its rarer terms,
//! bounds what the frequent ones can add (Cauchy–Schwarz on the frequent part of both rows,
//! and the heaviest posting per term; see `Common`), and scores exactly only the documents
//! whose bound reaches its k-th best score so far; when the bounds are too loose it reads
//! the next band of postings, and at last adds the most frequent terms from dense columns.
//! Exact scores are summed in term order, so they are the floats of a term-at-a-time pass
//! (tested bit for bit against brute force). With `max_postings = P`, each posting list
//! keeps only its `P` heaviest entries (impact-ordered pruning, Anh & Moffat 2002); a
//! document's candidates are then re-scored exactly and the best `k` kept, so the scores are
//! exact cosines and the cost grows linearly in `n`, at the price of missing neighbours found
//! only through pruned postings (recall against the exact top-k is measured in
//! `benchmarks/`).
//!
//! Ties are broken by document position, and each document's sums run in a fixed order, so
//! the result is the same for every worker count.

use std::cell::RefCell;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

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
    // Document frequencies counted in hash maps (the keys are already hashes), merged across
    // threads: a map per chunk of the vocabulary's size, where a sort of every (document,
    // term) would hold and sort them all.
    let (vocab, df) = workers.install(|| {
        let df_of: FxHashMap<u64, u32> = counts
            .par_iter()
            .fold(FxHashMap::default, |mut m, (terms, _)| {
                for &(h, _) in terms {
                    *m.entry(h).or_insert(0) += 1;
                }
                m
            })
            .reduce(FxHashMap::default, |mut a, mut b| {
                if a.len() < b.len() {
                    std::mem::swap(&mut a, &mut b);
                }
                for (h, d) in b {
                    *a.entry(h).or_insert(0) += d;
                }
                a
            });
        #[allow(clippy::cast_sign_loss)] // max_df is in (0, 1]
        let max_df = (opts.max_df * n as f64).floor() as usize;
        let mut kept: Vec<(u64, u32)> =
            df_of.into_iter().filter(|&(_, d)| d as usize >= opts.min_df && d as usize <= max_df.max(1)).collect();
        kept.sort_unstable_by_key(|e| e.0);
        kept.into_iter().unzip::<u64, u32, Vec<u64>, Vec<u32>>()
    });
    #[allow(clippy::cast_possible_truncation)] // term ids fit u32
    let term_id: FxHashMap<u64, u32> = vocab.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
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
                    if let Some(&t) = term_id.get(&h) {
                        let t = t as usize;
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

/// Moves the `k` best of `cands` (by [`better`]) to its front, in any order.
fn k_best_to_front(cands: &mut [(u32, f32)], k: usize) {
    if k == 0 || cands.len() <= k {
        return;
    }
    if k > 16 {
        cands.select_nth_unstable_by(k - 1, better);
        return;
    }
    // Small k: one pass keeping the best so far at the front, best first; most candidates
    // fail the one compare with the k-th, where a selection would move them around.
    cands[..k].sort_unstable_by(better);
    for i in k..cands.len() {
        if better(&cands[i], &cands[k - 1]).is_lt() {
            cands.swap(i, k - 1);
            let mut j = k - 1;
            while j > 0 && better(&cands[j], &cands[j - 1]).is_lt() {
                cands.swap(j, j - 1);
                j -= 1;
            }
        }
    }
}

/// The top-k of one document, best first, kept as scores arrive.
struct Best {
    k: usize,
    floor: f32,
    hits: Vec<(u32, f32)>,
}

impl Best {
    /// Scores must exceed `floor` (≥ 0: a document sharing no term scores 0 and is no
    /// neighbour).
    fn new(k: usize, min_score: f32) -> Self {
        Best { k, floor: min_score.max(0.0), hits: Vec::with_capacity(k + 1) }
    }

    /// A score a candidate must reach to enter: the floor, or the k-th best so far (a tie
    /// with it can still enter, by document position).
    fn bar(&self) -> f32 {
        if self.hits.len() == self.k { self.hits[self.k - 1].1.max(self.floor) } else { self.floor }
    }

    fn offer(&mut self, c: u32, s: f32) {
        if s <= self.floor {
            return;
        }
        let x = (c, s);
        if self.hits.len() == self.k && better(&x, &self.hits[self.k - 1]).is_ge() || self.hits.iter().any(|h| h.0 == c)
        {
            return;
        }
        let at = self.hits.partition_point(|y| better(y, &x).is_lt());
        self.hits.insert(at, x);
        self.hits.truncate(self.k);
    }
}

/// What the exact search knows of the frequent terms, whose postings it reads only when
/// it must.
///
/// Terms in more than `n / 16` documents (and at least 64) are *frequent*: a few hundred
/// function words whose posting lists are as long as the corpus and make up nearly all of a
/// term-at-a-time pass (`Σ df²`; 95% of it on the benchmark corpus). What the terms above
/// a level's cut add to a cosine is bounded instead of summed:
/// `Σ_{df_t > cut} q_t·c_t ≤ min(‖q_S‖·‖c_S‖, Σ_{df_t > cut} q_t·max_c c_t)` (Cauchy–Schwarz,
/// and the heaviest posting per term). Levels at `n / 16` and `n / 4`: a document reads
/// the next band of postings only when the bound of the level it is at leaves too many
/// documents to score. The most frequent terms also get a dense column (weights of all
/// documents, zeros included, within a memory budget), which adds them to every document
/// at once in vectorised code when even the last bound is too loose.
struct Common {
    levels: Vec<Level>,
    /// Per term, the heaviest weight any document gives it.
    max_weight: Vec<f32>,
    /// Per term, its column in `dense`, or `u32::MAX`.
    column: Vec<u32>,
    dense: Vec<f32>,
}

/// The terms with `df > cut`, as seen from each document.
struct Level {
    cut: u32,
    /// Per document, `‖row restricted to these terms‖`, rounded up.
    norm: Vec<f32>,
    /// Documents by descending `norm`.
    by_norm: Vec<u32>,
}

/// How many floats of a dense column are added in the time of one posting: a posting is
/// a scattered load and store, a column a stream the compiler vectorises. A term gets a
/// dense column when its postings cost more than that. Measured on the benchmark corpus
/// (10^4 documents, x86-64 baseline SIMD): 4 is fastest; 6, 8, 12 and 20, which give the
/// band below `n / 4` dense columns too, are 5–40% slower (likely because the columns,
/// 40 KB each at 10^4 documents, stream from memory where the postings they replace are
/// shorter and stay in cache; not profiled further).
const DENSE_SPEEDUP: usize = 4;

/// Floats in the dense columns at most (256 MiB).
const DENSE_BUDGET: usize = 1 << 26;

/// The levels, as divisors of the corpus size, rarest cut first.
const LEVELS: [usize; 2] = [16, 4];

fn common_terms(v: &Vectors, index: &Postings, workers: &Workers) -> Common {
    let n = v.rows.len();
    #[allow(clippy::cast_possible_truncation)]
    let up = |x: f64| (x * (1.0 + 1e-6)) as f32;
    let first = (n / LEVELS[0]).max(64);
    let mut by_df: Vec<usize> =
        (0..v.terms).filter(|&t| v.df[t] as usize > first && v.df[t] as usize * DENSE_SPEEDUP > n).collect();
    by_df.sort_unstable_by_key(|&t| (std::cmp::Reverse(v.df[t]), t));
    by_df.truncate(DENSE_BUDGET / n.max(1));
    let mut column = vec![u32::MAX; v.terms];
    for (i, &t) in by_df.iter().enumerate() {
        column[t] = i as u32;
    }
    workers.install(|| {
        let levels = LEVELS
            .iter()
            .map(|&div| {
                let cut = (n / div).max(64) as u32;
                let norm: Vec<f32> = v
                    .rows
                    .par_iter()
                    .map(|row| {
                        up(row
                            .iter()
                            .filter(|&&(t, _)| v.df[t as usize] > cut)
                            .map(|&(_, w)| f64::from(w) * f64::from(w))
                            .sum::<f64>()
                            .sqrt())
                    })
                    .collect();
                let mut by_norm: Vec<u32> = (0..n as u32).collect();
                by_norm.par_sort_unstable_by(|&a, &b| norm[b as usize].total_cmp(&norm[a as usize]).then(a.cmp(&b)));
                Level { cut, norm, by_norm }
            })
            .collect();
        let max_weight: Vec<f32> = (0..v.terms)
            .into_par_iter()
            .map(|t| index.entries[index.offsets[t]..index.offsets[t + 1]].iter().map(|e| e.1).fold(0.0, f32::max))
            .collect();
        let mut dense = vec![0f32; by_df.len() * n];
        dense.par_chunks_mut(n.max(1)).zip(&by_df).for_each(|(col, &t)| {
            for &(c, w) in &index.entries[index.offsets[t]..index.offsets[t + 1]] {
                col[c as usize] = w;
            }
        });
        Common { levels, max_weight, column, dense }
    })
}

/// Per-thread scratch space of the exact search, reused from document to document.
#[derive(Default)]
struct Scratch {
    /// Per document, its partial dot product: all zeros between documents.
    acc: Vec<f32>,
    /// The documents with a nonzero partial sum.
    touched: Vec<u32>,
    /// Scan mode: `touched` is not kept, and the candidates are found by a pass over all
    /// of `acc`. A document that reads more postings than the corpus has documents touches
    /// most of them: a vectorised pass over `acc` then costs less than a branch and a push
    /// per posting.
    scan: bool,
    /// The query row, dense over term ids (zeros elsewhere).
    query: Vec<f32>,
    cands: Vec<(u32, f32)>,
    /// In scan mode, per document, the bound of its cosine at the current level.
    bound: Vec<f32>,
}

impl Scratch {
    fn start(&mut self, n: usize, terms: usize) {
        if self.acc.len() < n {
            self.acc.resize(n, 0.0);
            self.touched.reserve(n);
        }
        if self.query.len() < terms {
            self.query.resize(terms, 0.0);
        }
        self.touched.clear();
        self.cands.clear();
        self.scan = false;
    }

    /// Adds `w ×` the postings of a term to the partial sums. (A product that underflows
    /// to 0 leaves a document untouched, or lists it twice: both are harmless, an
    /// untouched document being bounded by its common terms alone.)
    fn accumulate(&mut self, post: &[(u32, f32)], w: f32) {
        // Local borrows: the hot loop keeps the slice in registers instead of reloading it
        // through `self` after every push.
        let acc = &mut self.acc[..];
        if self.scan {
            for &(c, wc) in post {
                acc[c as usize] += w * wc;
            }
            return;
        }
        let touched = &mut self.touched;
        for &(c, wc) in post {
            let a = &mut acc[c as usize];
            // Bits, not a float compare: no NaN path (sums are never -0.0).
            if a.to_bits() == 0 {
                touched.push(c);
            }
            *a += w * wc;
        }
    }

    /// Adds `w ×` a dense column (every document's weight of one term) to the partial
    /// sums. Documents lacking the term get `+0.0` and stay untouched, but only a pass
    /// over `acc` finds the ones it touches: scan mode from here on.
    fn accumulate_dense(&mut self, column: &[f32], w: f32) {
        self.scan = true;
        for (a, &wc) in self.acc.iter_mut().zip(column) {
            *a += w * wc;
        }
    }

    /// Back to all zeros.
    fn clear_touched(&mut self) {
        for &c in &self.touched {
            self.acc[c as usize] = 0.0;
        }
    }
}

/// The cosine of the query (spread over `query`) and `row`, summed in term order: the same
/// float as [`dot`] and as a term-at-a-time pass (the terms the query lacks add `+0.0`,
/// which changes no sum).
fn dense_dot(query: &[f32], row: &[(u32, f32)]) -> f32 {
    let mut s = 0.0f32;
    for &(t, w) in row {
        s += query[t as usize] * w;
    }
    s
}

/// [`dense_dot`] of the query with several rows at once: the same floats, each summed in
/// term order, but as independent chains the processor overlaps (a single sum waits on its
/// previous add at every term).
fn dense_dots<const N: usize>(query: &[f32], rows: [&[(u32, f32)]; N]) -> [f32; N] {
    let shortest = rows.iter().map(|r| r.len()).min().unwrap_or(0);
    let mut sums = [0f32; N];
    for i in 0..shortest {
        for (s, row) in sums.iter_mut().zip(&rows) {
            let (t, w) = row[i];
            *s += query[t as usize] * w;
        }
    }
    for (s, row) in sums.iter_mut().zip(&rows) {
        for &(t, w) in &row[shortest..] {
            *s += query[t as usize] * w;
        }
    }
    sums
}

/// Offers `best` the exact scores of `cands`, taken in order (best bound first) while
/// their bound comes within `margin` of its bar; four at a time (see [`dense_dots`]).
fn offer_in_bound_order(best: &mut Best, cands: &[(u32, f32)], margin: f32, query: &[f32], rows: &[Vec<(u32, f32)>]) {
    let mut i = 0;
    while i < cands.len() {
        let bar = best.bar();
        let group = cands[i..].iter().take(4).take_while(|c| c.1 + margin >= bar).count();
        let g = &cands[i..i + group];
        if let [a, b, c, e] = g {
            let row = |x: &(u32, f32)| &rows[x.0 as usize][..];
            let scores = dense_dots(query, [row(a), row(b), row(c), row(e)]);
            for (x, s) in g.iter().zip(scores) {
                best.offer(x.0, s);
            }
        } else {
            for x in g {
                best.offer(x.0, dense_dot(query, &rows[x.0 as usize]));
            }
            if group < 4 {
                break;
            }
        }
        i += group;
    }
}

/// What the terms above one level's cut can add to the cosines of one document (see
/// [`Common`]): at most `min(nq · norm[c], ub)` to its cosine with document `c`.
struct LevelBounds<'a> {
    norm: &'a [f32],
    nq: f32,
    ub: f32,
    /// Float error allowed between a partial sum plus bound and an exact score.
    margin: f32,
}

impl LevelBounds<'_> {
    fn bound(&self, c: usize) -> f32 {
        (self.nq * self.norm[c]).min(self.ub)
    }

    /// Scores exactly the documents that may still enter `best` and returns `true`, when
    /// that costs no more than `affordable` exact scorings; else returns `false` having
    /// scored only the `k` best bounds (which raise the bar for the next level).
    ///
    /// Tracked mode: the touched documents are listed in `sc.touched`; an untouched one
    /// (partial sum 0) is bounded by its norm alone and found through `by_norm`.
    fn settle_tracked(
        &self,
        sc: &mut Scratch,
        best: &mut Best,
        by_norm: &[u32],
        d: usize,
        affordable: f32,
        rows: &[Vec<(u32, f32)>],
    ) -> bool {
        let (nq, margin) = (self.nq, self.margin);
        let floor = best.bar();
        sc.cands.clear();
        for &c in &sc.touched {
            let u = sc.acc[c as usize] + self.bound(c as usize);
            if c as usize != d && u + margin > floor {
                sc.cands.push((c, u));
            }
        }
        // The k best bounds first: their k-th score is the bar everything else must reach.
        let first = best.k.min(sc.cands.len());
        k_best_to_front(&mut sc.cands, first);
        offer_in_bound_order(best, &sc.cands[..first], f32::INFINITY, &sc.query, rows);
        let bar = best.bar();
        let mut kept = first;
        for i in first..sc.cands.len() {
            if sc.cands[i].1 + margin >= bar {
                sc.cands[kept] = sc.cands[i];
                kept += 1;
            }
        }
        sc.cands.truncate(kept);
        let rest = &mut sc.cands[first..];
        let untouched = if self.ub + margin >= bar && nq > 0.0 {
            by_norm.partition_point(|&c| nq * self.norm[c as usize] + margin >= bar)
        } else {
            0
        };
        #[allow(clippy::cast_precision_loss)]
        if (rest.len() + untouched) as f32 > affordable {
            return false;
        }
        rest.sort_unstable_by(better);
        offer_in_bound_order(best, rest, margin, &sc.query, rows);
        for &c in &by_norm[..untouched] {
            if nq * self.norm[c as usize] + margin < best.bar() {
                break;
            }
            if c as usize != d && sc.acc[c as usize] == 0.0 {
                best.offer(c, dense_dot(&sc.query, &rows[c as usize]));
            }
        }
        sc.clear_touched();
        true
    }

    /// [`settle_tracked`](Self::settle_tracked) in scan mode, where most documents are
    /// touched: every document's bound is computed in one vectorised pass over `acc`, and
    /// the candidates are listed only when they are settled. A bound of 0 is a document
    /// sharing no term (or `d` itself), never a neighbour.
    fn settle_by_scan(
        &self,
        sc: &mut Scratch,
        best: &mut Best,
        d: usize,
        affordable: f32,
        rows: &[Vec<(u32, f32)>],
    ) -> bool {
        let n = self.norm.len();
        let margin = self.margin;
        sc.bound.clear();
        sc.bound.extend(sc.acc[..n].iter().zip(self.norm).map(|(&a, &m)| a + (self.nq * m).min(self.ub)));
        sc.bound[d] = 0.0;
        // The k best bounds, kept as in `Best` (a document enters only above the k-th).
        let mut by_bound = Best::new(best.k, best.bar() - margin);
        for_each_above(&sc.bound, by_bound.bar(), |c, u| {
            by_bound.offer(c, u);
            by_bound.bar()
        });
        offer_in_bound_order(best, &by_bound.hits, f32::INFINITY, &sc.query, rows);
        for &(c, _) in &by_bound.hits {
            sc.bound[c as usize] = 0.0;
        }
        let bar = best.bar();
        let left = sc.bound.iter().filter(|&&u| u > 0.0 && u + margin >= bar).count();
        #[allow(clippy::cast_precision_loss)]
        if left as f32 > affordable {
            return false;
        }
        sc.cands.clear();
        let entry = (bar - 2.0 * margin).max(0.0);
        for_each_above(&sc.bound, entry, |c, u| {
            if u + margin >= bar {
                sc.cands.push((c, u));
            }
            entry
        });
        sc.cands.sort_unstable_by(better);
        offer_in_bound_order(best, &sc.cands, margin, &sc.query, rows);
        sc.acc[..n].fill(0.0);
        true
    }
}

/// Calls `f(c, values[c])` for every `values[c] > entry`, in order; `f` returns the entry
/// from then on (it may rise). Chunks with no value above the entry are skipped by a
/// vectorised test: when few values pass, that costs a fraction of a branch per value.
fn for_each_above(values: &[f32], mut entry: f32, mut f: impl FnMut(u32, f32) -> f32) {
    const CHUNK: usize = 16;
    for (i, chunk) in values.chunks(CHUNK).enumerate() {
        // `|`, not `||`: no early exit, so the test vectorises.
        #[allow(clippy::needless_bitwise_bool)]
        if chunk.iter().fold(false, |any, &u| any | (u > entry)) {
            for (j, &u) in chunk.iter().enumerate() {
                if u > entry {
                    #[allow(clippy::cast_possible_truncation)] // document numbers fit u32
                    {
                        entry = f((i * CHUNK + j) as u32, u);
                    }
                }
            }
        }
    }
}

/// The exact top-k of document `d`.
///
/// Its rare terms are accumulated; what the frequent ones can add is bounded (see
/// [`Common`]); the documents whose bound reaches the k-th best exact score so far are
/// scored exactly, best bound first. When a level's bounds leave more to score than the
/// next band of postings costs, that band is accumulated and the next level's bounds
/// tried; past the last level, everything is accumulated (dense columns where there are)
/// and only the documents whose sum comes within float error of the k-th best are scored
/// exactly. Exact scores are summed in term order, so they are the floats of a plain
/// term-at-a-time pass.
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
fn exact_top_k(
    v: &Vectors,
    index: &Postings,
    common: &Common,
    avg_len: f32,
    d: usize,
    k: usize,
    min_score: f32,
    sc: &mut Scratch,
) -> Vec<(u32, f32)> {
    let n = v.rows.len();
    let row = &v.rows[d];
    sc.start(n, v.terms);
    let mut best = Best::new(k, min_score);
    // Floats: a partial sum and an exact score are each within len·2⁻²⁴ of the real sum
    // (every product ≤ 1 and the sum ≤ 1); the margin is twice that and more.
    #[allow(clippy::cast_precision_loss)]
    let margin = (row.len() as f32 + 16.0) * 2.4e-7;
    let post = |t: usize| &index.entries[index.offsets[t]..index.offsets[t + 1]];
    let df = |t: u32| v.df[t as usize];
    let first_cut = common.levels[0].cut;
    let rare_postings: usize = row.iter().filter(|&&(t, _)| df(t) <= first_cut).map(|&(t, _)| df(t) as usize).sum();
    sc.scan = rare_postings >= n;
    for &(t, w) in row {
        sc.query[t as usize] = w;
        if df(t) <= first_cut {
            sc.accumulate(post(t as usize), w);
        }
    }
    let column = |t: u32| match common.column[t as usize] {
        u32::MAX => None,
        col => Some(&common.dense[col as usize * n..(col as usize + 1) * n]),
    };
    // In posting units: a dense column streams `DENSE_SPEEDUP` floats in the time of one.
    let term_cost = |t: u32| if column(t).is_some() { n / DENSE_SPEEDUP } else { df(t) as usize };
    let add_term = |sc: &mut Scratch, t: u32, w: f32| match column(t) {
        Some(col) => sc.accumulate_dense(col, w),
        None => sc.accumulate(post(t as usize), w),
    };
    let mut done = false;
    for (l, level) in common.levels.iter().enumerate() {
        let nq = level.norm[d];
        let ub = row
            .iter()
            .filter(|&&(t, _)| df(t) > level.cut)
            .map(|&(t, w)| f64::from(w) * f64::from(common.max_weight[t as usize]))
            .sum::<f64>();
        #[allow(clippy::cast_possible_truncation)]
        let ub = (ub * (1.0 + 1e-6)) as f32;
        // What going on costs: the next band of terms, or past the last level all the
        // frequent terms.
        let next_cut = common.levels.get(l + 1).map_or(u32::MAX, |next| next.cut);
        let next_cost: usize =
            row.iter().filter(|&&(t, _)| df(t) > level.cut && df(t) <= next_cut).map(|&(t, _)| term_cost(t)).sum();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let affordable = next_cost as f32 / avg_len;
        let bounds = LevelBounds { norm: &level.norm, nq, ub, margin };
        let stop = if sc.scan {
            bounds.settle_by_scan(sc, &mut best, d, affordable, &v.rows)
        } else {
            bounds.settle_tracked(sc, &mut best, &level.by_norm, d, affordable, &v.rows)
        };
        if stop {
            done = true;
            break;
        }
        if let Some(next) = common.levels.get(l + 1) {
            for &(t, w) in row {
                if df(t) > level.cut && df(t) <= next.cut {
                    add_term(sc, t, w);
                }
            }
        }
    }
    if !done {
        // Sum everything (not in term order: within the margin of the exact score), then
        // score exactly what comes near the bar.
        let cut = common.levels[common.levels.len() - 1].cut;
        for &(t, w) in row {
            if df(t) > cut {
                add_term(sc, t, w);
            }
        }
        let bar = best.bar();
        let rest = &mut sc.cands;
        rest.clear();
        for (c, a) in sc.acc[..n].iter_mut().enumerate() {
            if *a + margin >= bar && c != d {
                rest.push((c as u32, *a));
            }
            *a = 0.0;
        }
        rest.sort_unstable_by(better);
        offer_in_bound_order(&mut best, rest, margin, &sc.query, &v.rows);
    }
    for &(t, _) in row {
        sc.query[t as usize] = 0.0;
    }
    best.hits
}

/// The `k` nearest neighbours (cosine) of every row, best first, with score `> min_score`.
///
/// Exact mode (`max_postings = None`) never reads the posting lists of common terms (see
/// `Common`): each document accumulates its rare terms, bounds what the common ones can
/// add, and scores exactly only the documents whose bound reaches its k-th best score so
/// far. The scores are the floats a full term-at-a-time pass gives (sums in term order).
/// Pruned mode goes one document at a time, tracking the documents it touches, and
/// re-scores its best `max(4k, 32)` candidates exactly.
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
    let docs: Vec<u32> = (0..n as u32).collect();
    thread_local! {
        static SCRATCH: RefCell<Scratch> = RefCell::default();
    }
    if max_postings.is_none() {
        let common = common_terms(v, &index, workers);
        #[allow(clippy::cast_precision_loss)]
        let avg_len = v.rows.iter().map(Vec::len).sum::<usize>() as f32 / n.max(1) as f32;
        return workers.map_chunks(
            &docs,
            512,
            |&d| SCRATCH.with_borrow_mut(|sc| exact_top_k(v, &index, &common, avg_len, d as usize, k, min_score, sc)),
            checkpoint,
        );
    }
    let rescore = (4 * k).max(32);
    workers.map_chunks(
        &docs,
        512,
        |&d| SCRATCH.with_borrow_mut(|sc| pruned_top_k(v, &index, d as usize, k, rescore, min_score, sc)),
        checkpoint,
    )
}

/// The top-k of document `d` from pruned postings: its `rescore` best partial sums are
/// re-scored exactly when a posting list it reads was pruned (else the partial sums, added
/// in term order, are the exact scores already).
fn pruned_top_k(
    v: &Vectors,
    index: &Postings,
    d: usize,
    k: usize,
    rescore: usize,
    min_score: f32,
    sc: &mut Scratch,
) -> Vec<(u32, f32)> {
    let n = v.rows.len();
    let row = &v.rows[d];
    let post = |t: u32| &index.entries[index.offsets[t as usize]..index.offsets[t as usize + 1]];
    sc.start(n, v.terms);
    sc.scan = row.iter().map(|&(t, _)| post(t).len()).sum::<usize>() >= n;
    for &(t, w) in row {
        sc.accumulate(post(t), w);
    }
    let pruned = row.iter().any(|&(t, _)| index.pruned[t as usize]);
    let mut by_sum = if pruned { Best::new(rescore, 0.0) } else { Best::new(k, min_score) };
    if sc.scan {
        sc.acc[d] = 0.0;
        for_each_above(&sc.acc[..n], by_sum.bar(), |c, u| {
            by_sum.offer(c, u);
            by_sum.bar()
        });
        sc.acc[..n].fill(0.0);
    } else {
        // Not in document order: a tie with the bar may still enter, by position.
        for &c in &sc.touched {
            let u = sc.acc[c as usize];
            if c as usize != d && u >= by_sum.bar() {
                by_sum.offer(c, u);
            }
        }
        sc.clear_touched();
    }
    if !pruned {
        return by_sum.hits;
    }
    for &(t, w) in row {
        sc.query[t as usize] = w;
    }
    let mut best = Best::new(k, min_score);
    offer_in_bound_order(&mut best, &by_sum.hits, f32::INFINITY, &sc.query, &v.rows);
    for &(t, _) in row {
        sc.query[t as usize] = 0.0;
    }
    best.hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::no_checkpoint;

    fn top_k(mut cands: Vec<(u32, f32)>, k: usize) -> Vec<(u32, f32)> {
        if cands.len() > k {
            cands.select_nth_unstable_by(k, better);
            cands.truncate(k);
        }
        cands.sort_unstable_by(better);
        cands
    }

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

    /// Zipf-like texts: a few words in nearly every document (the common terms whose
    /// postings the exact search skips), a long tail, and some near-copies.
    #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    fn zipf_corpus(n: usize, seed: u64, max_len: u64) -> Vec<String> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut texts: Vec<String> = Vec::new();
        for i in 0..n {
            let len = 5 + next() % max_len;
            let mut words: Vec<String> = (0..len)
                .map(|_| {
                    // rank ~ 1/u: ranks 1..=2000, heavy head
                    let u = (next() % 10_000) as f64 / 10_000.0 + 1e-4;
                    format!("w{}", ((1.0 / u) as u64).min(2000))
                })
                .collect();
            if i > 0 && next() % 5 == 0 {
                let j = (next() % i as u64) as usize;
                words = texts[j].split(' ').map(str::to_owned).collect();
                words.push(format!("w{}", next() % 3000));
            }
            texts.push(words.join(" "));
        }
        texts
    }

    #[test]
    fn exact_search_equals_brute_force_to_the_bit() {
        for (n, seed, k, min_score, max_len) in [
            (700, 1, 10, 0.0, 120),
            (900, 2, 3, 0.2, 120),
            (400, 3, 25, -1.0, 120),
            (300, 4, 1, 0.0, 120),
            (500, 5, 10, 0.0, 900),
        ] {
            let texts = zipf_corpus(n, seed, max_len);
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            for opts in [
                TfidfOptions::default(),
                TfidfOptions { sublinear_tf: true, ..TfidfOptions::default() },
                TfidfOptions { weighting: Weighting::Bm25, ..TfidfOptions::default() },
            ] {
                let v = vectorize(&refs, &opts, &Workers::inline(), &mut no_checkpoint).unwrap();
                assert!(v.df.iter().any(|&d| d as usize > (n / 32).max(64)), "no common terms to bound");
                // Both ways of tracking touched documents are exercised (see `Scratch::scan`).
                let cut = (n / LEVELS[0]).max(64) as u32;
                let scans = v
                    .rows
                    .iter()
                    .filter(|row| {
                        row.iter()
                            .filter(|e| v.df[e.0 as usize] <= cut)
                            .map(|e| v.df[e.0 as usize] as usize)
                            .sum::<usize>()
                            >= n
                    })
                    .count();
                assert!(max_len < 500 || scans > 0 && scans < n, "n={n} seed={seed}: {scans} documents scan");
                let want: Vec<Vec<(u32, f32)>> = brute(&v, k)
                    .into_iter()
                    .map(|mut r| {
                        r.retain(|x| x.1 > min_score);
                        r
                    })
                    .collect();
                let got =
                    nearest_neighbors(&v, k, min_score, None, &Workers::new(2).unwrap(), &mut no_checkpoint).unwrap();
                assert_eq!(got, want, "n={n} seed={seed}");
            }
        }
    }

    /// Pruned mode against a plain reference: partial sums over the kept postings, the
    /// best `max(4k, 32)` re-scored by `dot` when a list was pruned, then the best `k`.
    #[test]
    fn pruned_search_equals_a_plain_reference() {
        let mut texts = zipf_corpus(600, 9, 300);
        // Exact copies of short texts (read in tracked mode), spread over the corpus: their
        // scores tie, and ties go to the earlier document.
        let mut short: Vec<usize> = (0..texts.len()).collect();
        short.sort_by_key(|&i| (texts[i].len(), i));
        for i in 0..60 {
            let copy = texts[short[i % 3]].clone();
            texts.insert((i * 37) % texts.len(), copy);
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let v = vectorize(&refs, &TfidfOptions::default(), &Workers::inline(), &mut no_checkpoint).unwrap();
        let n = v.rows.len();
        for (cap, k, min_score) in [(20, 5, 0.0), (150, 10, 0.1), (100_000, 5, 0.0)] {
            let index = postings(&v, &vec![true; v.terms], Some(cap), &Workers::inline());
            let want: Vec<Vec<(u32, f32)>> = (0..n)
                .map(|d| {
                    let mut partial = vec![0f32; n];
                    for &(t, w) in &v.rows[d] {
                        for &(c, wc) in &index.entries[index.offsets[t as usize]..index.offsets[t as usize + 1]] {
                            partial[c as usize] += w * wc;
                        }
                    }
                    let mut cands: Vec<(u32, f32)> =
                        (0..n).filter(|&c| c != d && partial[c] != 0.0).map(|c| (c as u32, partial[c])).collect();
                    if v.rows[d].iter().any(|&(t, _)| index.pruned[t as usize]) {
                        cands = top_k(cands, (4 * k).max(32));
                        for c in &mut cands {
                            c.1 = dot(&v.rows[d], &v.rows[c.0 as usize]);
                        }
                    }
                    cands.retain(|c| c.1 > min_score && c.1 != 0.0);
                    top_k(cands, k)
                })
                .collect();
            assert!(cap > 1000 || index.pruned.iter().any(|&p| p), "cap {cap} prunes nothing");
            for workers in [Workers::inline(), Workers::new(2).unwrap()] {
                let got = nearest_neighbors(&v, k, min_score, Some(cap), &workers, &mut no_checkpoint).unwrap();
                assert_eq!(got, want, "cap {cap}");
            }
        }
    }

    /// Equal scores reached through different terms: the earlier document wins in every
    /// mode, whichever term reaches it first.
    #[test]
    fn ties_go_to_the_earlier_document() {
        for (x, y) in [("alpha", "beta"), ("beta", "alpha")] {
            let mut texts: Vec<String> = vec!["alpha beta".into(), x.into(), y.into()];
            texts.extend((0..10).map(|i| format!("filler{i} other{i}")));
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let v = vectorize(&refs, &TfidfOptions::default(), &Workers::inline(), &mut no_checkpoint).unwrap();
            for max_postings in [None, Some(1000), Some(1)] {
                let nn = nearest_neighbors(&v, 1, 0.0, max_postings, &Workers::inline(), &mut no_checkpoint).unwrap();
                assert_eq!(nn[0].len(), 1);
                assert_eq!(nn[0][0].0, 1, "{x} {y} {max_postings:?}");
            }
        }
    }

    #[test]
    fn k_best_to_front_agrees_with_a_sort() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for len in [0, 1, 5, 17, 40, 300] {
            for k in [0, 1, 3, 10, 16, 17, 40] {
                let cands: Vec<(u32, f32)> = (0..len)
                    .map(|i| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        (i, (x % 50) as f32 / 50.0) // ties on purpose
                    })
                    .collect();
                let mut got = cands.clone();
                k_best_to_front(&mut got, k.min(cands.len()));
                let mut want = cands.clone();
                want.sort_unstable_by(better);
                let kk = k.min(cands.len());
                let mut front = got[..kk].to_vec();
                front.sort_unstable_by(better);
                assert_eq!(front, want[..kk], "len={len} k={k}");
                let mut all = got.clone();
                all.sort_unstable_by(better);
                assert_eq!(all, want, "a permutation");
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
