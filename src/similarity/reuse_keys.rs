//! Text reuse's candidate step split into steps an engine (Dask, Spark) runs per partition,
//! so seed n-grams are grouped by a shuffle instead of in one process. The steps find exactly
//! the candidate pairs of [`align::text_reuse`]: pairs of documents sharing at least
//! `min_shared` distinct seed n-grams, n-grams in more than `max_df` documents (a count over
//! the whole corpus) skipped. As there, the candidate step uses every distinct n-gram of a
//! text: `max_repeat` only acts inside the alignment.
//!
//! 1. [`check`]: the options, validated as `text_reuse` validates them.
//! 2. [`seed_rows`]: per partition of documents, `(document, seed hash)` once per distinct
//!    seed n-gram of each document.
//! 3. The engine shuffles the rows by seed hash, so a seed's documents meet in one partition.
//! 4. [`seed_pairs`]: per partition of rows, the pairs of documents sharing each seed found
//!    in at most `max_df` documents, with how many such seeds each pair shares there.
//! 5. The engine sums the counts per pair (a shuffle on the pair) and keeps pairs with at
//!    least `min_shared`; they are aligned as `text_reuse` aligns them.

use crate::document::Document;
use crate::error::Result;
use crate::parallel::{Workers, no_checkpoint};
use crate::similarity::align::{self, ReuseOptions, distinct_seeds};

/// Validates `opts` exactly as [`align::text_reuse`] does.
pub fn check(opts: &ReuseOptions) -> Result<()> {
    // An empty corpus runs exactly the option checks.
    align::text_reuse(&[] as &[Document], opts, &Workers::inline(), &mut no_checkpoint).map(drop)
}

/// Rows `(document, seed hash)`: one per distinct seed n-gram of each of `texts` (documents
/// numbered by position in `texts`, hashes sorted within a document).
///
/// # Examples
/// ```
/// use copydesk::parallel::Workers;
/// use copydesk::similarity::reuse_keys::seed_rows;
/// let (docs, seeds) = seed_rows(&["one two three four five", "one two", ""], 4, &Workers::inline()).unwrap();
/// assert_eq!(docs, vec![0, 0]);
/// assert_eq!(seeds.len(), 2);
/// ```
pub fn seed_rows(texts: &[&str], seed: usize, workers: &Workers) -> Result<(Vec<u32>, Vec<u64>)> {
    let grams: Vec<Vec<u64>> =
        workers.map_chunks(texts, crate::parallel::DEFAULT_CHUNK, |t| distinct_seeds(t, seed), &mut no_checkpoint)?;
    let total = grams.iter().map(Vec::len).sum();
    let (mut docs, mut seeds) = (Vec::with_capacity(total), Vec::with_capacity(total));
    for (d, g) in grams.iter().enumerate() {
        docs.extend(std::iter::repeat_n(d as u32, g.len()));
        seeds.extend_from_slice(g);
    }
    Ok((docs, seeds))
}

/// Pairs `(a, b, shared)`, `a < b`, sorted: documents that share a seed found in at least 2
/// and at most `max_df` distinct documents among the rows given, and how many such seeds they
/// share. When every row of a seed is in the rows given (the shuffle on seed hash sees to
/// it), summing `shared` over partitions counts a pair's shared seeds as `text_reuse` does.
///
/// # Examples
/// ```
/// use copydesk::similarity::reuse_keys::seed_pairs;
/// // Seed 7 in documents 2, 5 and 9; seed 8 in 2 and 5; seed 9 only in 4.
/// let pairs = seed_pairs(&[7, 8, 7, 7, 8, 9], &[2, 5, 5, 9, 2, 4], 100);
/// assert_eq!(pairs, vec![(2, 5, 2), (2, 9, 1), (5, 9, 1)]);
/// // With max_df = 2, seed 7 (three documents) is skipped.
/// assert_eq!(seed_pairs(&[7, 8, 7, 7, 8, 9], &[2, 5, 5, 9, 2, 4], 2), vec![(2, 5, 1)]);
/// ```
pub fn seed_pairs(seeds: &[u64], docs: &[u64], max_df: usize) -> Vec<(u64, u64, u32)> {
    let mut rows: Vec<(u64, u64)> = seeds.iter().copied().zip(docs.iter().copied()).collect();
    rows.sort_unstable();
    rows.dedup();
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    for g in rows.chunk_by(|x, y| x.0 == y.0).filter(|g| g.len() >= 2 && g.len() <= max_df) {
        for (i, x) in g.iter().enumerate() {
            pairs.extend(g[i + 1..].iter().map(|y| (x.1, y.1)));
        }
    }
    pairs.sort_unstable();
    pairs.chunk_by(|x, y| x == y).map(|run| (run[0].0, run[0].1, run.len() as u32)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similarity::align::{AlignOptions, text_reuse};

    fn doc(i: usize, text: String) -> Document {
        Document { id: format!("d{i}"), text, ..Document::default() }
    }

    /// The steps, run in one process on arbitrary partitions, find the pairs `text_reuse`
    /// aligns: every edge of `text_reuse` is a pair with at least `min_shared`, and aligning
    /// those pairs gives exactly its edges.
    #[test]
    fn steps_reproduce_the_candidates_of_text_reuse() {
        let words: Vec<String> = (0..400).map(|i| format!("w{}", (i * 7919) % 997)).collect();
        let base = words.join(" ");
        let texts: Vec<String> = vec![
            base.clone(),
            "short unrelated text about nothing in particular at all".into(),
            format!("A new lead. {}", words[50..200].join(" ")),
            String::new(),
            format!("{} and another ending here", words[..150].join(" ")),
            words[300..340].join(" "),
            format!("{} with a tail of words appended to it", words[120..260].join(" ")),
            "w1 w2 w3".into(),
        ];
        let docs: Vec<Document> = texts.iter().cloned().enumerate().map(|(i, t)| doc(i, t)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        for (min_shared, max_df, seed) in [(3, 100, 4), (1, 2, 4), (20, 3, 5), (5, 100, 1)] {
            let opts = ReuseOptions {
                align: AlignOptions { seed, min_words: 10, ..AlignOptions::default() },
                min_shared,
                max_df,
            };
            check(&opts).unwrap();
            let want = text_reuse(&docs, &opts, &Workers::inline(), &mut no_checkpoint).unwrap();
            // Two partitions of documents; their rows split by seed hash into three partitions.
            let (mut seeds, mut ds) = (Vec::new(), Vec::new());
            for (offset, part) in [(0u64, &refs[..3]), (3, &refs[3..])] {
                let (d, s) = seed_rows(part, seed, &Workers::new(2).unwrap()).unwrap();
                ds.extend(d.iter().map(|&d| u64::from(d) + offset));
                seeds.extend(s);
            }
            let mut counts: Vec<(u64, u64, u32)> = (0..3)
                .flat_map(|k| {
                    let (s, d): (Vec<u64>, Vec<u64>) =
                        seeds.iter().zip(&ds).filter(|(s, _)| *s % 3 == k).map(|(s, d)| (*s, *d)).unzip();
                    seed_pairs(&s, &d, max_df)
                })
                .collect();
            counts.sort_unstable();
            let mut pairs: Vec<(u32, u32)> = Vec::new();
            for run in counts.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
                if run.iter().map(|r| r.2 as usize).sum::<usize>() >= min_shared {
                    pairs.push((run[0].0 as u32, run[0].1 as u32));
                }
            }
            // The same pairs by brute force: distinct shared seeds of df 2..=max_df.
            let grams: Vec<Vec<u64>> = refs.iter().map(|t| distinct_seeds(t, seed)).collect();
            let df = |h: &u64| grams.iter().filter(|g| g.binary_search(h).is_ok()).count();
            let mut brute = Vec::new();
            for a in 0..refs.len() {
                for b in a + 1..refs.len() {
                    let shared =
                        grams[a].iter().filter(|h| grams[b].binary_search(h).is_ok() && df(h) <= max_df).count();
                    if shared >= min_shared {
                        brute.push((a as u32, b as u32));
                    }
                }
            }
            assert_eq!(pairs, brute);
            let aligned: Vec<(u32, u32)> = pairs
                .iter()
                .filter(|(a, b)| !align::align(refs[*a as usize], refs[*b as usize], &opts.align).unwrap().is_empty())
                .copied()
                .collect();
            let got: Vec<(u32, u32)> = want.iter().map(|e| (e.a.min(e.b), e.a.max(e.b))).collect();
            assert_eq!(aligned, got, "min_shared {min_shared}, max_df {max_df}, seed {seed}");
            assert!(!got.is_empty());
        }
    }

    #[test]
    fn bad_options_are_errors() {
        let opts = ReuseOptions { min_shared: 0, ..ReuseOptions::default() };
        assert!(check(&opts).is_err());
        let opts = ReuseOptions { max_df: 1, ..ReuseOptions::default() };
        assert!(check(&opts).is_err());
        let opts =
            ReuseOptions { align: AlignOptions { seed: 0, ..AlignOptions::default() }, ..ReuseOptions::default() };
        assert!(check(&opts).is_err());
        assert!(check(&ReuseOptions::default()).is_ok());
    }
}
