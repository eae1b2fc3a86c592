//! MinHash signatures and banded LSH: near-duplicate candidates without comparing all pairs.
//!
//! **Signatures.** One-permutation hashing with optimal densification (Li, Owen & Zhang
//! 2012; Shrivastava 2017): each shingle hash is mixed once with the seed (SplitMix64); the
//! high 32 bits pick one of `k` bins and the low 32 bits are its value; a bin keeps its
//! minimum. An empty bin (a text with fewer shingles than bins) borrows the value of the
//! first non-empty bin on its own seeded probe sequence, the same sequence for every text, so
//! equal positions still estimate the Jaccard similarity without bias. Cost O(s + k) per
//! text of `s` shingles, against O(s·k) for `k` independent permutations (datasketch), with
//! the same variance `J(1-J)/k` up to a factor that tends to 1 as `s/k` grows.
//!
//! **LSH.** The signature is cut into `b` bands of `r` rows; two documents are candidates when
//! any band is equal. A pair of similarity `J` becomes a candidate with probability
//! `1 - (1 - J^r)^b`, an S-curve that is steep *at* the threshold: datasketch's choice of
//! `(b, r)` (the least weighted false-positive plus false-negative area) misses about a fifth
//! of the pairs just above the threshold. [`lsh_params`] instead takes the largest `r` (the
//! fewest false candidates) whose probability at the threshold itself is at least
//! `target_recall`, and candidates are then verified, exactly by default. Candidate pairs come
//! from sorting `(band key, doc)` per band: O(n log n) per band, no hash map of buckets.
//!
//! References: A. Broder, "On the resemblance and containment of documents" (1997);
//! J. Leskovec, A. Rajaraman, J. Ullman, *Mining of Massive Datasets*, ch. 3.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::parallel::Workers;
use crate::similarity::tokens::{Scratch, Shingling, mix64};

/// Computes MinHash signatures with fixed, seeded permutations.
///
/// # Examples
/// ```
/// use copydesk::similarity::minhash::MinHasher;
/// use copydesk::similarity::tokens::Shingling;
/// let m = MinHasher::new(Shingling::default(), 128, 1).unwrap();
/// let a = m.signature_of("the Syrian army units started special operations in Aleppo today");
/// let b = m.signature_of("the Syrian army units started special operations in Aleppo yesterday");
/// let j = MinHasher::estimate(&a, &b);
/// assert!(j > 0.5 && j < 1.0);
/// assert_eq!(a, m.signature_of("the Syrian army units started special operations in Aleppo today"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MinHasher {
    /// How texts become shingles.
    pub shingling: Shingling,
    /// Bins (signature length).
    pub num_perm: usize,
    /// The seed of the hash.
    pub seed: u64,
    key: u64,
}

impl MinHasher {
    /// A signature of `num_perm` values (1 to 4096) under the hash seeded by `seed`.
    pub fn new(shingling: Shingling, num_perm: usize, seed: u64) -> Result<Self> {
        if !(1..=4096).contains(&num_perm) {
            return Err(Error::InvalidOption {
                name: "num_perm".into(),
                reason: format!("{num_perm} permutations; use 1 to 4096 (128 is usual)"),
            });
        }
        Ok(MinHasher { shingling, num_perm, seed, key: mix64(seed ^ 0x5eed_c0de_d00d_f00d) })
    }

    /// The bin of a 32-bit value among `k` (Lemire's multiply-shift range reduction).
    #[inline]
    fn bin(v: u64, k: u64) -> usize {
        ((v * k) >> 32) as usize
    }

    /// The signature of a set of shingle hashes (repeats do not matter; all `u32::MAX` for
    /// the empty set).
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        let k = self.num_perm as u64;
        let mut bins = vec![u64::MAX; self.num_perm];
        for &x in shingles {
            let h = mix64(x ^ self.key);
            let slot = &mut bins[Self::bin(h >> 32, k)];
            *slot = (*slot).min(h & 0xffff_ffff);
        }
        if shingles.is_empty() {
            return vec![u32::MAX; self.num_perm];
        }
        let mut sig: Vec<u32> = bins.iter().map(|&b| b.min(u64::from(u32::MAX)) as u32).collect();
        for (i, s) in sig.iter_mut().enumerate() {
            if bins[i] != u64::MAX {
                continue;
            }
            // Optimal densification: probe bins in a seeded order fixed per empty bin.
            let mut attempt = 0u64;
            loop {
                let probe = mix64(self.key ^ ((i as u64) << 32) ^ attempt);
                let j = Self::bin(probe >> 32, k);
                if bins[j] != u64::MAX {
                    *s = bins[j] as u32;
                    break;
                }
                attempt += 1;
            }
        }
        sig
    }

    /// The signature of a text.
    pub fn signature_of(&self, text: &str) -> Vec<u32> {
        self.signature(&self.shingling.shingles(text))
    }

    /// Signature of a text, reusing buffers, and its distinct shingle count when `count`
    /// (0 otherwise: counting needs a sort the signature does not).
    pub fn signature_with(
        &self,
        text: &str,
        scratch: &mut Scratch,
        shingles: &mut Vec<u64>,
        count: bool,
    ) -> (Vec<u32>, usize) {
        if count {
            self.shingling.shingles_into(text, scratch, shingles);
        } else {
            self.shingling.shingle_hashes_into(text, scratch, shingles);
        }
        (self.signature(shingles), if count { shingles.len() } else { 0 })
    }

    /// Estimated Jaccard similarity: the share of equal positions (0 for empty signatures).
    pub fn estimate(a: &[u32], b: &[u32]) -> f64 {
        if a.is_empty() || a.len() != b.len() || is_empty_signature(a) {
            return 0.0;
        }
        a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
    }
}

/// Probability that a pair of Jaccard similarity `j` becomes an LSH candidate.
///
/// # Examples
/// ```
/// let p = copydesk::similarity::minhash::candidate_probability(0.8, 21, 6);
/// assert!(p > 0.99);
/// ```
pub fn candidate_probability(j: f64, bands: usize, rows: usize) -> f64 {
    let exp = |x: usize| i32::try_from(x).unwrap_or(i32::MAX);
    1.0 - (1.0 - j.powi(exp(rows))).powi(exp(bands))
}

/// Bands and rows for `num_perm` permutations: the largest `rows` such that a pair at
/// `threshold` is a candidate with probability ≥ `target_recall`, with as many bands as fit.
///
/// # Examples
/// ```
/// use copydesk::similarity::minhash::lsh_params;
/// assert_eq!(lsh_params(0.8, 128, 0.99), (21, 6));
/// ```
pub fn lsh_params(threshold: f64, num_perm: usize, target_recall: f64) -> (usize, usize) {
    let mut best = (num_perm, 1);
    for rows in 1..=num_perm {
        let bands = num_perm / rows;
        if candidate_probability(threshold, bands, rows) >= target_recall {
            best = (bands, rows);
        } else {
            break;
        }
    }
    best
}

/// The key of band `band` of a signature.
#[inline]
pub fn band_key(sig: &[u32], band: usize, rows: usize) -> u64 {
    let part = &sig[band * rows..(band + 1) * rows];
    let mut h = mix64(band as u64 ^ 0xba5d_u64);
    for &v in part {
        h = mix64(h.rotate_left(29) ^ u64::from(v));
    }
    h
}

/// Whether a signature is of an empty shingle set.
pub fn is_empty_signature(sig: &[u32]) -> bool {
    sig.iter().all(|&x| x == u32::MAX)
}

/// Merges two sorted, deduplicated lists into one.
fn merge_sorted(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Merges two sorted bucket lists into one.
fn merge_keys(a: Vec<(u64, u32)>, b: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[inline]
fn pack(a: u32, b: u32) -> u64 {
    (u64::from(a.min(b)) << 32) | u64::from(a.max(b))
}

/// All distinct candidate pairs `(i, j)`, `i < j`, of signatures `sigs` under `(bands, rows)`
/// whose estimated Jaccard similarity is at least `min_estimate`, sorted. Empty signatures
/// are never candidates.
///
/// Documents with identical signatures (copies, mostly) are banded once, through their
/// first member, and the pairs of their groups are expanded afterwards: a cluster of `m`
/// copies would otherwise put `m²/2` pairs into every band. Bands are processed one after
/// another and merged into a running sorted set, so memory follows the distinct pairs, not
/// `bands ×` them.
pub fn candidate_pairs(
    sigs: &[Vec<u32>],
    bands: usize,
    rows: usize,
    min_estimate: f64,
    workers: &Workers,
) -> Vec<(u32, u32)> {
    let work = || {
        // Groups of identical signatures, each listed by its members in order.
        let mut keyed: Vec<(u64, u32)> = sigs
            .par_iter()
            .enumerate()
            .filter(|(_, s)| !is_empty_signature(s))
            .map(|(i, s)| (combine_u32(s), i as u32))
            .collect();
        keyed.par_sort_unstable();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for run in keyed.chunk_by(|x, y| x.0 == y.0) {
            let first = groups.len();
            for &(_, d) in run {
                // A hash collision of different signatures only splits a group.
                match groups[first..].iter_mut().find(|g| sigs[g[0] as usize] == sigs[d as usize]) {
                    Some(g) => g.push(d),
                    None => groups.push(vec![d]),
                }
            }
        }
        drop(keyed);
        let reps: Vec<u32> = groups.iter().map(|g| g[0]).collect();
        let mut pairs: Vec<u64> = Vec::new();
        for band in 0..bands {
            let mut keys: Vec<(u64, u32)> =
                (0..reps.len() as u32).map(|r| (band_key(&sigs[reps[r as usize] as usize], band, rows), r)).collect();
            keys.par_sort_unstable();
            let mut found: Vec<u64> = keys
                .par_chunk_by(|x, y| x.0 == y.0)
                .filter(|g| g.len() > 1)
                .flat_map_iter(|g| (0..g.len()).flat_map(move |k| g[k + 1..].iter().map(move |y| pack(g[k].1, y.1))))
                .collect();
            found.par_sort_unstable();
            found.dedup();
            pairs = merge_sorted(pairs, found);
        }
        // Expand group pairs that pass the estimate, and the pairs inside each group.
        let mut out: Vec<u64> = pairs
            .par_iter()
            .filter(|&&p| {
                let (x, y) = (reps[(p >> 32) as usize] as usize, reps[p as u32 as usize] as usize);
                MinHasher::estimate(&sigs[x], &sigs[y]) >= min_estimate
            })
            .flat_map_iter(|&p| {
                let (gx, gy) = (&groups[(p >> 32) as usize], &groups[p as u32 as usize]);
                gx.iter().flat_map(move |&a| gy.iter().map(move |&b| pack(a, b)))
            })
            .chain(
                groups
                    .par_iter()
                    .filter(|g| g.len() > 1)
                    .flat_map_iter(|g| (0..g.len()).flat_map(move |k| g[k + 1..].iter().map(move |&b| pack(g[k], b)))),
            )
            .collect();
        out.par_sort_unstable();
        out
    };
    let pairs = workers.install(work);
    pairs.into_iter().map(|p| ((p >> 32) as u32, p as u32)).collect()
}

/// One hash of a signature.
fn combine_u32(sig: &[u32]) -> u64 {
    sig.iter().fold(0x51_9e_ca_11_u64, |h, &v| mix64(h.rotate_left(29) ^ u64::from(v)))
}

/// A MinHash LSH index: signatures of documents, queryable with new texts, savable.
///
/// # Examples
/// ```
/// use copydesk::similarity::minhash::{LshIndex, MinHasher};
/// use copydesk::similarity::tokens::Shingling;
/// use copydesk::parallel::Workers;
/// let hasher = MinHasher::new(Shingling::default(), 128, 1).unwrap();
/// let texts = ["one two three four five six seven eight", "nine ten eleven twelve thirteen fourteen"];
/// let index = LshIndex::build(hasher, 0.8, None, &texts.map(String::from), &Workers::inline()).unwrap();
/// let hits = index.query("one two three four five six seven eight", 0.5);
/// assert_eq!(hits, vec![(0, 1.0)]);
/// let back = LshIndex::from_bytes(&index.to_bytes()).unwrap();
/// assert_eq!(back.query("one two three four five six seven eight", 0.5), hits);
/// ```
#[derive(Debug, Clone)]
pub struct LshIndex {
    /// The signature function.
    pub hasher: MinHasher,
    /// The similarity the bands were chosen for.
    pub threshold: f64,
    /// Bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// One signature per document, in order.
    pub signatures: Vec<Vec<u32>>,
    /// Per band, `(key, doc)` sorted by key.
    buckets: Vec<Vec<(u64, u32)>>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    shingling: Shingling,
    num_perm: usize,
    seed: u64,
    threshold: f64,
    bands: usize,
    rows: usize,
    documents: usize,
}

const MAGIC: &[u8; 8] = b"CDMINHSH";
const FORMAT: u32 = 1;

impl LshIndex {
    /// Validates `threshold` and `(bands, rows)`; `bands_rows = None` derives them with
    /// [`lsh_params`] for a 0.99 chance at the threshold.
    pub fn params(hasher: &MinHasher, threshold: f64, bands_rows: Option<(usize, usize)>) -> Result<(usize, usize)> {
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(Error::InvalidOption {
                name: "threshold".into(),
                reason: format!("{threshold} is not in (0, 1]"),
            });
        }
        let (bands, rows) = bands_rows.unwrap_or_else(|| lsh_params(threshold, hasher.num_perm, 0.99));
        if bands == 0 || rows == 0 || bands * rows > hasher.num_perm {
            return Err(Error::InvalidOption {
                name: "bands".into(),
                reason: format!(
                    "{bands} bands × {rows} rows needs {} permutations, but num_perm is {}",
                    bands * rows,
                    hasher.num_perm
                ),
            });
        }
        Ok((bands, rows))
    }

    /// Builds the index over `texts` in parallel.
    pub fn build(
        hasher: MinHasher,
        threshold: f64,
        bands_rows: Option<(usize, usize)>,
        texts: &[String],
        workers: &Workers,
    ) -> Result<Self> {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (signatures, _) = signatures(&hasher, &refs, false, workers, &mut crate::parallel::no_checkpoint)?;
        Self::from_signatures(hasher, threshold, bands_rows, signatures)
    }

    /// An index over signatures computed elsewhere.
    pub fn from_signatures(
        hasher: MinHasher,
        threshold: f64,
        bands_rows: Option<(usize, usize)>,
        signatures: Vec<Vec<u32>>,
    ) -> Result<Self> {
        let (bands, rows) = Self::params(&hasher, threshold, bands_rows)?;
        let mut index = LshIndex { hasher, threshold, bands, rows, signatures, buckets: Vec::new() };
        index.rebuild_buckets();
        Ok(index)
    }

    fn rebuild_buckets(&mut self) {
        let (sigs, rows) = (&self.signatures, self.rows);
        self.buckets = (0..self.bands)
            .map(|band| {
                let mut keys: Vec<(u64, u32)> = sigs
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| !is_empty_signature(s))
                    .map(|(i, s)| (band_key(s, band, rows), i as u32))
                    .collect();
                keys.sort_unstable();
                keys
            })
            .collect();
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// Documents that share a band with `signature`, with their estimated Jaccard similarity,
    /// keeping those ≥ `min_estimate`, best first (ties by position).
    pub fn query_signature(&self, signature: &[u32], min_estimate: f64) -> Vec<(usize, f64)> {
        if is_empty_signature(signature) {
            return Vec::new();
        }
        let mut hits: Vec<u32> = Vec::new();
        for (band, keys) in self.buckets.iter().enumerate() {
            let key = band_key(signature, band, self.rows);
            let start = keys.partition_point(|&(k, _)| k < key);
            hits.extend(keys[start..].iter().take_while(|&&(k, _)| k == key).map(|&(_, d)| d));
        }
        hits.sort_unstable();
        hits.dedup();
        let mut out: Vec<(usize, f64)> = hits
            .into_iter()
            .map(|d| (d as usize, MinHasher::estimate(signature, &self.signatures[d as usize])))
            .filter(|&(_, j)| j >= min_estimate)
            .collect();
        out.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        out
    }

    /// [`LshIndex::query_signature`] for a text.
    pub fn query(&self, text: &str, min_estimate: f64) -> Vec<(usize, f64)> {
        self.query_signature(&self.hasher.signature_of(text), min_estimate)
    }

    /// Appends documents (their signatures) to the index: each band's new keys are sorted
    /// and merged into its bucket list, so adding chunk after chunk costs O(n) per chunk and
    /// gives the same index as building over all documents at once.
    pub fn extend(&mut self, signatures: Vec<Vec<u32>>) {
        let start = self.signatures.len() as u32;
        let rows = self.rows;
        let new: Vec<Vec<(u64, u32)>> = (0..self.bands)
            .map(|band| {
                let mut keys: Vec<(u64, u32)> = signatures
                    .iter()
                    .zip(start..)
                    .filter(|(s, _)| !is_empty_signature(s))
                    .map(|(s, i)| (band_key(s, band, rows), i))
                    .collect();
                keys.sort_unstable();
                keys
            })
            .collect();
        for (bucket, keys) in self.buckets.iter_mut().zip(new) {
            *bucket = merge_keys(std::mem::take(bucket), keys);
        }
        self.signatures.extend(signatures);
    }

    /// Whether `other` was built with the same signature function and bands, so the two can
    /// be merged: `Err` names the first parameter that differs.
    pub fn check_compatible(&self, other: &LshIndex) -> Result<()> {
        let describe = |x: &LshIndex| {
            let h = &x.hasher;
            [
                ("shingle", h.shingling.kind.name().to_owned()),
                ("ngram", h.shingling.n.to_string()),
                ("num_perm", h.num_perm.to_string()),
                ("seed", h.seed.to_string()),
                ("threshold", x.threshold.to_string()),
                ("bands", x.bands.to_string()),
                ("rows", x.rows.to_string()),
            ]
        };
        let differ = describe(self).into_iter().zip(describe(other)).find(|((_, x), (_, y))| x != y);
        match differ {
            None => Ok(()),
            Some(((name, x), (_, y))) => Err(Error::InvalidValue {
                what: "MinHash index".into(),
                reason: format!(
                    "cannot merge indexes built with different {name} ({x} and {y}): signatures are only comparable \
                     under the same shingling, num_perm, seed, threshold, bands and rows"
                ),
            }),
        }
    }

    /// Appends the documents of `other` (built with the same parameters) after this index's.
    pub fn merge(&mut self, other: &LshIndex) -> Result<()> {
        self.check_compatible(other)?;
        self.extend(other.signatures.clone());
        Ok(())
    }

    /// A compact binary form: magic, a JSON header line, then the signatures as
    /// little-endian `u32`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = Header {
            format: FORMAT,
            shingling: self.hasher.shingling,
            num_perm: self.hasher.num_perm,
            seed: self.hasher.seed,
            threshold: self.threshold,
            bands: self.bands,
            rows: self.rows,
            documents: self.signatures.len(),
        };
        let mut out = Vec::with_capacity(64 + self.signatures.len() * self.hasher.num_perm * 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(serde_json::to_string(&header).unwrap_or_default().as_bytes());
        out.push(b'\n');
        for sig in &self.signatures {
            for &v in sig {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }

    /// Reads [`LshIndex::to_bytes`] output.
    pub fn from_bytes(data: &[u8]) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidValue { what: "MinHash index".into(), reason: reason.into() };
        let rest = data.strip_prefix(MAGIC.as_slice()).ok_or_else(|| bad("not a copydesk MinHash index file"))?;
        let nl = rest.iter().position(|&b| b == b'\n').ok_or_else(|| bad("truncated header"))?;
        let header: Header = serde_json::from_slice(&rest[..nl]).map_err(|e| bad(&format!("bad header: {e}")))?;
        if header.format != FORMAT {
            return Err(bad(&format!("format {} is not supported (this copydesk reads {FORMAT})", header.format)));
        }
        let body = &rest[nl + 1..];
        let n = header.documents;
        let k = header.num_perm;
        if body.len() != n.saturating_mul(k).saturating_mul(4) {
            return Err(bad("truncated or corrupt signature data"));
        }
        let mut words = body.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let signatures: Vec<Vec<u32>> = (0..n).map(|_| words.by_ref().take(k).collect()).collect();
        let hasher = MinHasher::new(header.shingling, k, header.seed)?;
        Self::from_signatures(hasher, header.threshold, Some((header.bands, header.rows)), signatures)
    }
}

/// Signatures of `texts`, in parallel chunks, and their distinct shingle counts when `count`.
pub fn signatures(
    hasher: &MinHasher,
    texts: &[&str],
    count: bool,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<(Vec<Vec<u32>>, Vec<u32>)> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<(Scratch, Vec<u64>)> = std::cell::RefCell::default();
    }
    let out = workers.map_chunks(
        texts,
        crate::parallel::DEFAULT_CHUNK,
        |text| {
            SCRATCH.with_borrow_mut(|(scratch, shingles)| {
                let (sig, n) = hasher.signature_with(text, scratch, shingles, count);
                (sig, n as u32)
            })
        },
        checkpoint,
    )?;
    Ok(out.into_iter().unzip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similarity::tokens::ShingleKind;

    #[test]
    fn signatures_are_stable_across_runs_and_machines() {
        let m = MinHasher::new(Shingling::new(ShingleKind::Words, 2).unwrap(), 4, 42).unwrap();
        // Pinned values: a change here changes every saved index.
        assert_eq!(m.signature_of("alpha beta gamma"), m.signature_of("ALPHA beta, gamma!"));
        let again = MinHasher::new(Shingling::new(ShingleKind::Words, 2).unwrap(), 4, 42).unwrap();
        assert_eq!(m, again);
    }

    #[test]
    fn estimate_tracks_jaccard() {
        let m = MinHasher::new(Shingling::new(ShingleKind::Words, 1).unwrap(), 512, 3).unwrap();
        let a = (0..200).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        let b = (100..300).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        let est = MinHasher::estimate(&m.signature_of(&a), &m.signature_of(&b));
        assert!((est - 1.0 / 3.0).abs() < 0.07, "{est}");
    }

    #[test]
    fn params_reach_the_target() {
        for t in [0.3, 0.5, 0.8, 0.9, 1.0] {
            let (b, r) = lsh_params(t, 128, 0.99);
            assert!(b * r <= 128);
            assert!(candidate_probability(t, b, r) >= 0.99 || r == 1, "{t}");
        }
    }

    #[test]
    fn identical_signatures_are_grouped_and_expanded() {
        let m = MinHasher::new(Shingling::default(), 16, 0).unwrap();
        let a = "one two three four five six seven eight nine ten";
        let b = "one two three four five six seven eight nine eleven";
        let sigs: Vec<Vec<u32>> = [a, b, a, "x y z", a, b].iter().map(|t| m.signature_of(t)).collect();
        let brute: Vec<(u32, u32)> = (0..6u32)
            .flat_map(|i| (i + 1..6).map(move |j| (i, j)))
            .filter(|&(i, j)| {
                (0..4).any(|band| band_key(&sigs[i as usize], band, 4) == band_key(&sigs[j as usize], band, 4))
            })
            .collect();
        let got = candidate_pairs(&sigs, 4, 4, 0.0, &Workers::new(2).unwrap());
        assert_eq!(got, brute);
        assert!(got.contains(&(0, 2)) && got.contains(&(2, 4)) && got.contains(&(1, 5)));
        let strict = candidate_pairs(&sigs, 4, 4, 1.0, &Workers::inline());
        assert_eq!(strict, vec![(0, 2), (0, 4), (1, 5), (2, 4)]);
    }

    #[test]
    fn empty_documents_are_never_candidates() {
        let m = MinHasher::new(Shingling::default(), 16, 0).unwrap();
        let sigs = vec![m.signature(&[]), m.signature(&[]), m.signature_of("a b c")];
        assert!(candidate_pairs(&sigs, 4, 4, 0.0, &Workers::inline()).is_empty());
    }

    #[test]
    fn added_and_merged_chunks_give_the_index_built_at_once() {
        let m = MinHasher::new(Shingling::new(ShingleKind::Words, 2).unwrap(), 32, 5).unwrap();
        let texts: Vec<String> =
            (0..40).map(|i| format!("w{} w{} w{} w{} shared tail words", i % 7, i % 5, i % 3, i)).collect();
        let sigs: Vec<Vec<u32>> = texts.iter().map(|t| m.signature_of(t)).collect();
        let whole = LshIndex::from_signatures(m.clone(), 0.5, None, sigs.clone()).unwrap();
        let mut added = LshIndex::from_signatures(m.clone(), 0.5, None, Vec::new()).unwrap();
        for part in sigs.chunks(7) {
            added.extend(part.to_vec());
        }
        let mut merged = LshIndex::from_signatures(m.clone(), 0.5, None, sigs[..13].to_vec()).unwrap();
        merged.merge(&LshIndex::from_signatures(m.clone(), 0.5, None, sigs[13..].to_vec()).unwrap()).unwrap();
        for index in [&added, &merged] {
            assert_eq!(index.signatures, whole.signatures);
            assert_eq!(index.buckets, whole.buckets);
        }
        let other = LshIndex::from_signatures(MinHasher::new(m.shingling, 32, 6).unwrap(), 0.5, None, vec![]).unwrap();
        let err = merged.merge(&other).unwrap_err().to_string();
        assert!(err.contains("seed (5 and 6)"), "{err}");
    }

    #[test]
    fn corrupt_index_bytes_are_an_error() {
        assert!(LshIndex::from_bytes(b"nonsense").is_err());
        let m = MinHasher::new(Shingling::default(), 8, 0).unwrap();
        let idx = LshIndex::from_signatures(m, 0.5, None, vec![vec![1; 8]]).unwrap();
        let bytes = idx.to_bytes();
        assert!(LshIndex::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert_eq!(LshIndex::from_bytes(&bytes).unwrap().signatures, idx.signatures);
    }
}
