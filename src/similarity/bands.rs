//! Near-duplicates split into steps an engine (Dask, Spark) runs per partition, so LSH
//! bands are grouped by a shuffle instead of in one process. The steps reproduce
//! [`dedup::near_duplicates`] exactly: the same bands and rows, the same band keys, the same
//! candidate rule (documents sharing a band key, non-empty signatures, estimate within six
//! standard errors of the candidate threshold) and the same verification.
//!
//! 1. [`plan`]: validated options → `(bands, rows)` and the estimate floor.
//! 2. [`band_rows`]: per partition of documents, `(document, band, key)` of every non-empty
//!    signature.
//! 3. The engine shuffles the rows by key, so equal keys meet in one partition.
//! 4. [`bucket_pairs`]: per partition of rows, the distinct pairs sharing a `(band, key)`.
//! 5. [`verify_pairs`]: per partition of pairs (joined to their texts), the floor filter and
//!    the verification; the kept pairs are those `near_duplicates` keeps.
//! 6. [`dedup::components`] of the kept pairs.

use crate::error::Result;
use crate::parallel::{Workers, no_checkpoint};
use crate::similarity::dedup::{self, DedupOptions, DupPair};
use crate::similarity::minhash::{self, MinHasher, band_key, is_empty_signature};

/// Validates `opts` as `near_duplicates` does and returns `(bands, rows)` and the signature
/// estimate below which a band collision is not a candidate.
pub fn plan(hasher: &MinHasher, opts: &DedupOptions) -> Result<((usize, usize), f64)> {
    // An empty corpus runs exactly the option checks and the choice of bands.
    let empty = dedup::near_duplicates(hasher, &[], opts, &Workers::inline(), &mut no_checkpoint)?;
    let floor = dedup::candidate_threshold(opts) - 3.0 / (hasher.num_perm as f64).sqrt();
    Ok((empty.bands_rows, floor))
}

/// Rows `(document, band, key)` for the signatures of `texts` (documents numbered by
/// position in `texts`); empty texts (no shingles) have no rows, as they are never candidates.
pub fn band_rows(
    hasher: &MinHasher,
    texts: &[&str],
    (bands, rows): (usize, usize),
    workers: &Workers,
) -> Result<(Vec<u32>, Vec<u32>, Vec<u64>)> {
    let (sigs, _) = minhash::signatures(hasher, texts, false, workers, &mut no_checkpoint)?;
    let live: Vec<(u32, &Vec<u32>)> =
        sigs.iter().enumerate().filter(|(_, s)| !is_empty_signature(s)).map(|(i, s)| (i as u32, s)).collect();
    let mut docs = Vec::with_capacity(live.len() * bands);
    let mut band_ids = Vec::with_capacity(live.len() * bands);
    let mut keys = Vec::with_capacity(live.len() * bands);
    for (doc, sig) in live {
        for band in 0..bands {
            docs.push(doc);
            band_ids.push(band as u32);
            keys.push(band_key(sig, band, rows));
        }
    }
    Ok((docs, band_ids, keys))
}

/// The distinct pairs `(a, b)`, `a < b`, of documents that share a `(band, key)` among the
/// rows given, sorted.
///
/// # Examples
/// ```
/// use copydesk::similarity::bands::bucket_pairs;
/// let pairs = bucket_pairs(&[0, 0, 1, 1, 0], &[7, 7, 7, 7, 9], &[5, 2, 2, 5, 3]);
/// assert_eq!(pairs, vec![(2, 5)]);
/// ```
pub fn bucket_pairs(bands: &[u32], keys: &[u64], docs: &[u64]) -> Vec<(u64, u64)> {
    let mut rows: Vec<(u32, u64, u64)> =
        bands.iter().zip(keys).zip(docs).map(|((&band, &key), &doc)| (band, key, doc)).collect();
    rows.sort_unstable();
    let mut pairs = Vec::new();
    for run in rows.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
        for (k, x) in run.iter().enumerate() {
            pairs.extend(run[k + 1..].iter().filter(|y| y.2 != x.2).map(|y| (x.2.min(y.2), x.2.max(y.2))));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// A candidate pair after verification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verified {
    /// Index of the pair among those given.
    pub index: usize,
    /// Its scores (documents numbered by position in the texts given).
    pub pair: DupPair,
    /// Whether `near_duplicates` keeps it.
    pub keep: bool,
}

/// Verifies band-sharing pairs `(a, b)` of `texts` (indices into `texts`): those whose
/// signature estimate reaches `floor` are candidates and are scored as `near_duplicates`
/// scores them (exactly, or from signatures); the others are left out.
pub fn verify_pairs(
    hasher: &MinHasher,
    opts: &DedupOptions,
    floor: f64,
    texts: &[&str],
    pairs: &[(u32, u32)],
    workers: &Workers,
) -> Result<Vec<Verified>> {
    let (sigs, sizes) = minhash::signatures(hasher, texts, !opts.exact, workers, &mut no_checkpoint)?;
    let (index, candidates): (Vec<usize>, Vec<(u32, u32)>) = pairs
        .iter()
        .enumerate()
        .filter(|(_, (a, b))| MinHasher::estimate(&sigs[*a as usize], &sigs[*b as usize]) >= floor)
        .map(|(i, &p)| (i, p))
        .unzip();
    let scored = if opts.exact {
        let reshingle = |involved: &[u32]| Ok(dedup::shingle_sets(hasher, texts, involved, workers));
        dedup::exact_scores(reshingle, &candidates, workers)?
    } else {
        dedup::estimated_scores(&sigs, &sizes, &candidates, workers)
    };
    Ok(index
        .into_iter()
        .zip(scored)
        .map(|(index, pair)| Verified { index, pair, keep: dedup::keeps(opts, &pair) })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similarity::tokens::Shingling;

    /// The steps, run in one process on arbitrary partitions, give `near_duplicates`.
    #[test]
    fn steps_reproduce_near_duplicates() {
        let words: Vec<String> = (0..300).map(|i| format!("w{}", (i * 7919) % 997)).collect();
        let base = words.join(" ");
        let texts: Vec<String> = vec![
            base.clone(),
            "short unrelated text about nothing in particular at all".into(),
            format!("A new lead. {base}"),
            String::new(),
            format!("{} and another ending here", words[..150].join(" ")),
            base.clone(),
            format!("{base} with a tail of words appended to it"),
        ];
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let hasher = MinHasher::new(Shingling::default(), 64, 3).unwrap();
        for (exact, containment) in [(true, None), (true, Some(0.9)), (false, Some(0.8))] {
            let opts = DedupOptions { threshold: 0.8, containment, exact, ..DedupOptions::default() };
            let want = dedup::near_duplicates(&hasher, &refs, &opts, &Workers::inline(), &mut no_checkpoint).unwrap();
            let (bands_rows, floor) = plan(&hasher, &opts).unwrap();
            assert_eq!(bands_rows, want.bands_rows);
            // Two partitions of documents, their rows shuffled together.
            let (mut bands, mut keys, mut docs) = (Vec::new(), Vec::new(), Vec::new());
            for (offset, part) in [(0usize, &refs[..4]), (4, &refs[4..])] {
                let (d, b, k) = band_rows(&hasher, part, bands_rows, &Workers::inline()).unwrap();
                docs.extend(d.iter().map(|&d| u64::from(d) + offset as u64));
                bands.extend(b);
                keys.extend(k);
            }
            let pairs: Vec<(u32, u32)> =
                bucket_pairs(&bands, &keys, &docs).into_iter().map(|(a, b)| (a as u32, b as u32)).collect();
            let verified = verify_pairs(&hasher, &opts, floor, &refs, &pairs, &Workers::new(2).unwrap()).unwrap();
            assert_eq!(verified.len(), want.candidates);
            let kept: Vec<DupPair> = verified.iter().filter(|v| v.keep).map(|v| v.pair).collect();
            assert_eq!(kept, want.pairs);
            assert_eq!(dedup::components(refs.len(), kept.iter().map(|p| (p.a, p.b))), want.clusters);
        }
    }

    #[test]
    fn bad_options_are_errors() {
        let hasher = MinHasher::new(Shingling::default(), 16, 0).unwrap();
        let opts = DedupOptions { threshold: 1.5, ..DedupOptions::default() };
        assert!(plan(&hasher, &opts).is_err());
    }
}
