//! Near-duplicate pairs and clusters of a corpus: MinHash-LSH candidates, verified.
//!
//! 1. Signatures of every document, in parallel chunks ([`minhash::signatures`]).
//! 2. Candidate pairs from LSH bands chosen for the *candidate threshold*: the Jaccard
//!    threshold, or lower when containment is asked for. A pair where the smaller set is a
//!    fraction `c` contained in a larger one at most `R` times its size has Jaccard at least
//!    `c / (1 + R - c)`, so that is the candidate threshold for containment `c` and
//!    `max_size_ratio` `R`. Candidates whose signature estimate is more than six standard
//!    errors below it are dropped ([`minhash::candidate_pairs`]).
//! 3. Verification. `exact` re-shingles only the documents in candidate pairs and intersects
//!    the sorted sets (two sets of equal size and equal 64-bit fingerprint count as equal
//!    without a merge): exact Jaccard `|A∩B|/|A∪B|` and the two containments `|A∩B|/|A|`,
//!    `|A∩B|/|B|` (Broder 1997). Otherwise they are estimated from the signatures:
//!    `|A∩B| ≈ J(|A|+|B|)/(1+J)`.
//! 4. Clusters: connected components of the kept pairs (union-find), numbered by their first
//!    document, so every document has a cluster id and the numbering is deterministic.
//!
//! Memory: one signature per document (4·`num_perm` bytes) plus the shingle sets of the
//! documents in candidate pairs only.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::parallel::Workers;
use crate::similarity::minhash::{self, LshIndex, MinHasher, candidate_pairs};
use crate::similarity::tokens::{Scratch, combine, intersection_size, overlap_scores};

/// Options of [`near_duplicates`].
#[derive(Debug, Clone)]
pub struct DedupOptions {
    /// Keep pairs with Jaccard similarity at least this.
    pub threshold: f64,
    /// Also keep pairs where one document is at least this much contained in the other.
    pub containment: Option<f64>,
    /// For containment: the largest size ratio of the two shingle sets searched for.
    pub max_size_ratio: f64,
    /// LSH bands and rows; derived from the candidate threshold when `None`.
    pub bands_rows: Option<(usize, usize)>,
    /// Verify candidates on the shingle sets (else on signatures).
    pub exact: bool,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions { threshold: 0.8, containment: None, max_size_ratio: 3.0, bands_rows: None, exact: true }
    }
}

/// A near-duplicate pair, `a < b` by corpus position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DupPair {
    /// Position of the first document.
    pub a: u32,
    /// Position of the second document.
    pub b: u32,
    /// Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// Share of `a`'s shingles found in `b`.
    pub a_in_b: f64,
    /// Share of `b`'s shingles found in `a`.
    pub b_in_a: f64,
}

/// What [`near_duplicates`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Dedup {
    /// The kept pairs, sorted by `(a, b)`.
    pub pairs: Vec<DupPair>,
    /// Cluster id per document (connected components of the pairs; singletons too).
    pub clusters: Vec<u32>,
    /// Candidate pairs verified: LSH candidates whose signature estimate is within six
    /// standard errors of the candidate threshold.
    pub candidates: usize,
    /// The bands and rows used.
    pub bands_rows: (usize, usize),
}

/// The candidate threshold for `opts`: the Jaccard similarity below which no wanted pair lies.
pub fn candidate_threshold(opts: &DedupOptions) -> f64 {
    match opts.containment {
        Some(c) => opts.threshold.min(c / (1.0 + opts.max_size_ratio - c)),
        None => opts.threshold,
    }
}

/// Fails on options out of range.
pub(crate) fn check(opts: &DedupOptions) -> Result<()> {
    let bad = |name: &str, reason: String| Err(Error::InvalidOption { name: name.into(), reason });
    if !(opts.threshold > 0.0 && opts.threshold <= 1.0) {
        return bad("threshold", format!("{} is not in (0, 1]", opts.threshold));
    }
    if let Some(c) = opts.containment {
        if !(c > 0.0 && c <= 1.0) {
            return bad("containment", format!("{c} is not in (0, 1]"));
        }
    }
    if !(opts.max_size_ratio >= 1.0 && opts.max_size_ratio.is_finite()) {
        return bad("max_size_ratio", format!("{} is below 1", opts.max_size_ratio));
    }
    Ok(())
}

/// Near-duplicate pairs and clusters of `texts`.
///
/// # Examples
/// ```
/// use copydesk::parallel::{Workers, no_checkpoint};
/// use copydesk::similarity::dedup::{DedupOptions, near_duplicates};
/// use copydesk::similarity::minhash::MinHasher;
/// use copydesk::similarity::tokens::Shingling;
/// let base = "Over the recent months Aleppo has been a battlefield between the army and the militants";
/// let texts = [base.to_string(), format!("{base} said a source"), "An unrelated text about something else".into()];
/// let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
/// let hasher = MinHasher::new(Shingling::default(), 128, 1).unwrap();
/// let opts = DedupOptions { threshold: 0.7, ..DedupOptions::default() };
/// let d = near_duplicates(&hasher, &refs, &opts, &Workers::inline(), &mut no_checkpoint).unwrap();
/// assert_eq!((d.pairs[0].a, d.pairs[0].b), (0, 1));
/// assert_eq!(d.clusters, vec![0, 0, 1]);
/// ```
pub fn near_duplicates(
    hasher: &MinHasher,
    texts: &[&str],
    opts: &DedupOptions,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Dedup> {
    check(opts)?;
    LshIndex::params(hasher, candidate_threshold(opts), opts.bands_rows)?;
    let (sigs, sizes) = minhash::signatures(hasher, texts, !opts.exact, workers, checkpoint)?;
    let reshingle = |involved: &[u32]| Ok(shingle_sets(hasher, texts, involved, workers));
    near_duplicates_of_signatures(hasher, &sigs, &sizes, opts, reshingle, workers, checkpoint)
}

/// The sorted shingle sets of `texts[d]` for each `d` of `involved`, in parallel.
pub fn shingle_sets(hasher: &MinHasher, texts: &[&str], involved: &[u32], workers: &Workers) -> Vec<Vec<u64>> {
    workers.install(|| {
        involved
            .par_iter()
            .map_init(Scratch::default, |scratch, &d| {
                let mut out = Vec::new();
                hasher.shingling.shingles_into(texts[d as usize], scratch, &mut out);
                out
            })
            .collect()
    })
}

/// Steps 2 to 4 on signatures computed elsewhere (chunk by chunk, for a stream): `sizes`
/// are the distinct shingle counts (read when not `exact`), and `sets_of` gives the sorted
/// shingle sets of the listed documents (called once, when `exact`).
pub fn near_duplicates_of_signatures(
    hasher: &MinHasher,
    sigs: &[Vec<u32>],
    sizes: &[u32],
    opts: &DedupOptions,
    sets_of: impl FnOnce(&[u32]) -> Result<Vec<Vec<u64>>>,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Dedup> {
    check(opts)?;
    let (bands, rows) = LshIndex::params(hasher, candidate_threshold(opts), opts.bands_rows)?;
    let n = sigs.len();
    // Drop candidates whose estimate is 6 standard errors (3/√k ≥ 6·√(J(1-J)/k)) below the
    // candidate threshold: a wanted pair survives this with probability 1 - 1e-9, and
    // unrelated band collisions are neither expanded nor re-shingled.
    let floor = candidate_threshold(opts) - 3.0 / (hasher.num_perm as f64).sqrt();
    let candidates = candidate_pairs(sigs, bands, rows, floor, workers);
    if !checkpoint(n, n) {
        return Err(Error::Interrupted);
    }
    let scored: Vec<DupPair> = if opts.exact {
        exact_scores(sets_of, &candidates, workers)?
    } else {
        estimated_scores(sigs, sizes, &candidates, workers)
    };
    let pairs: Vec<DupPair> = scored.into_iter().filter(|p| keeps(opts, p)).collect();
    let clusters = components(n, pairs.iter().map(|p| (p.a, p.b)));
    Ok(Dedup { pairs, clusters, candidates: candidates.len(), bands_rows: (bands, rows) })
}

/// Whether a verified pair is kept under `opts`: Jaccard or (if asked) containment.
pub fn keeps(opts: &DedupOptions, p: &DupPair) -> bool {
    p.jaccard >= opts.threshold || opts.containment.is_some_and(|c| p.a_in_b.max(p.b_in_a) >= c)
}

/// Scores of `pairs` estimated from signatures and distinct shingle counts:
/// `|A∩B| ≈ J(|A|+|B|)/(1+J)`.
pub fn estimated_scores(sigs: &[Vec<u32>], sizes: &[u32], pairs: &[(u32, u32)], workers: &Workers) -> Vec<DupPair> {
    workers.install(|| {
        pairs
            .par_iter()
            .map(|&(a, b)| {
                let j = MinHasher::estimate(&sigs[a as usize], &sigs[b as usize]);
                let (sa, sb) = (f64::from(sizes[a as usize]), f64::from(sizes[b as usize]));
                let inter = (j * (sa + sb) / (1.0 + j)).min(sa).min(sb);
                let frac = |x: f64| if x == 0.0 { 0.0 } else { inter / x };
                DupPair { a, b, jaccard: j, a_in_b: frac(sa), b_in_a: frac(sb) }
            })
            .collect()
    })
}

/// Exact scores of `pairs`, from the shingle sets of only the documents they involve.
pub fn exact_scores(
    sets_of: impl FnOnce(&[u32]) -> Result<Vec<Vec<u64>>>,
    pairs: &[(u32, u32)],
    workers: &Workers,
) -> Result<Vec<DupPair>> {
    let mut involved: Vec<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    involved.sort_unstable();
    involved.dedup();
    let sets = sets_of(&involved)?;
    Ok(workers.install(|| {
        // Large clusters of copies are mostly identical sets: equal size and fingerprint
        // settle those without a merge (a false match has probability 2^-64 per pair).
        let prints: Vec<u64> = sets.par_iter().map(|s| combine(s)).collect();
        let at = |d: u32| involved.binary_search(&d).unwrap_or(0);
        pairs
            .par_iter()
            .map(|&(a, b)| {
                let (i, j) = (at(a), at(b));
                let (x, y) = (&sets[i], &sets[j]);
                let inter = if !x.is_empty() && x.len() == y.len() && prints[i] == prints[j] {
                    x.len()
                } else {
                    intersection_size(x, y)
                };
                let (jaccard, a_in_b, b_in_a) = overlap_scores(x.len(), y.len(), inter);
                DupPair { a, b, jaccard, a_in_b, b_in_a }
            })
            .collect()
    }))
}

/// Connected components of `n` nodes joined by `edges`, numbered in order of first node.
///
/// # Examples
/// ```
/// use copydesk::similarity::dedup::components;
/// assert_eq!(components(5, [(3, 4), (0, 3)]), vec![0, 1, 2, 0, 0]);
/// ```
pub fn components(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> Vec<u32> {
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for (a, b) in edges {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut label = vec![u32::MAX; n];
    let mut next = 0;
    (0..n as u32)
        .map(|i| {
            let root = find(&mut parent, i) as usize;
            if label[root] == u32::MAX {
                label[root] = next;
                next += 1;
            }
            label[root]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::no_checkpoint;
    use crate::similarity::tokens::{ShingleKind, Shingling};

    fn texts() -> Vec<String> {
        let words: Vec<String> = (0..400).map(|i| format!("w{}", (i * 7919) % 1000)).collect();
        let base = words.join(" ");
        vec![
            base.clone(),
            format!("Lead paragraph added here. {base} Copyright notice and disclaimer follow."),
            format!("{} and a new ending", words[..200].join(" ")),
            "something else entirely, nothing shared".into(),
            base,
        ]
    }

    #[test]
    fn exact_verification_and_containment() {
        let texts = texts();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let hasher = MinHasher::new(Shingling::new(ShingleKind::Words, 5).unwrap(), 128, 7).unwrap();
        let opts = DedupOptions { threshold: 0.9, ..DedupOptions::default() };
        let d = near_duplicates(&hasher, &refs, &opts, &Workers::inline(), &mut no_checkpoint).unwrap();
        let pairs: Vec<(u32, u32)> = d.pairs.iter().map(|p| (p.a, p.b)).collect();
        assert!(pairs.contains(&(0, 4)) && pairs.contains(&(0, 1)));
        assert!(!pairs.contains(&(0, 2)));
        let opts = DedupOptions { containment: Some(0.9), ..opts };
        let d = near_duplicates(&hasher, &refs, &opts, &Workers::new(2).unwrap(), &mut no_checkpoint).unwrap();
        let p02 = d.pairs.iter().find(|p| (p.a, p.b) == (0, 2)).expect("2 is contained in 0");
        assert!(p02.b_in_a > 0.95 && p02.jaccard < 0.6);
        assert_eq!(d.clusters, vec![0, 0, 0, 1, 0]);
    }

    #[test]
    fn bad_options() {
        let hasher = MinHasher::new(Shingling::default(), 16, 0).unwrap();
        for opts in [
            DedupOptions { threshold: 0.0, ..DedupOptions::default() },
            DedupOptions { containment: Some(1.5), ..DedupOptions::default() },
            DedupOptions { bands_rows: Some((10, 10)), ..DedupOptions::default() },
        ] {
            assert!(near_duplicates(&hasher, &["a"], &opts, &Workers::inline(), &mut no_checkpoint).is_err());
        }
    }
}
