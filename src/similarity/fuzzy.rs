//! Fuzzy string similarity for names and titles, on the `rapidfuzz` crate.
//!
//! Scores are in [0, 1] (RapidFuzz's Python `fuzz.*` functions give the same numbers × 100):
//!
//! * `ratio`: normalised Indel similarity `1 - (len_a + len_b - 2·LCS)/(len_a + len_b)`,
//!   bit-parallel LCS (Hyyrö 2004), O(⌈m/64⌉·n);
//! * `partial_ratio`: the best `ratio` of the shorter string against every window of the
//!   longer one of its length (and the partial windows at both ends), as RapidFuzz does;
//! * `token_sort_ratio`: `ratio` of the whitespace tokens sorted and rejoined;
//! * `token_set_ratio`: RapidFuzz's set decomposition (intersection, and the two differences),
//!   1.0 when one token set contains the other;
//! * `jaro_winkler` (prefix weight 0.1) and `levenshtein` (normalised similarity
//!   `1 - distance / max(len_a, len_b)`).
//!
//! `process` folds a string as RapidFuzz's `default_process` does: lowercase, every
//! non-alphanumeric character a space, trimmed. Strings compare by Unicode scalar values.
//! [`cdist`] and [`extract`] prepare each choice once and each query once and run rows in
//! parallel. For `ratio` and `token_sort_ratio` they keep the query's match bit vectors in
//! [`Lcs`], a flat table read without branches, instead of rapidfuzz's
//! `indel::BatchComparator`: the crate's generic kernel spends about three times the
//! instructions per character (a hashable-char dispatch and checked lookups per step,
//! measured with callgrind) and has no multi-string mode, which made `cdist` 1.6× slower
//! than RapidFuzz's. The LCS length is exact either way, so the scores are the same floats
//! (the tests compare against the crate). `fuzz::RatioBatchComparator` is not used: in
//! rapidfuzz 0.5 it returns the LCS-normalised similarity (`ratio("abc", "bc")` gives 0.667,
//! not 0.8).

use rapidfuzz::distance::{indel, jaro_winkler, levenshtein};

use crate::error::{Error, Result};
use crate::parallel::Workers;

/// A string similarity measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scorer {
    /// Normalised Indel similarity.
    Ratio,
    /// Best window `ratio`.
    PartialRatio,
    /// `ratio` of sorted tokens.
    TokenSortRatio,
    /// RapidFuzz's token-set ratio.
    TokenSetRatio,
    /// Jaro-Winkler similarity.
    JaroWinkler,
    /// Normalised Levenshtein similarity.
    Levenshtein,
}

impl Scorer {
    /// The scorer of this name (`"ratio"`, `"partial_ratio"`, `"token_sort_ratio"`,
    /// `"token_set_ratio"`, `"jaro_winkler"`, `"levenshtein"`).
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "ratio" => Scorer::Ratio,
            "partial_ratio" => Scorer::PartialRatio,
            "token_sort_ratio" => Scorer::TokenSortRatio,
            "token_set_ratio" => Scorer::TokenSetRatio,
            "jaro_winkler" => Scorer::JaroWinkler,
            "levenshtein" => Scorer::Levenshtein,
            _ => {
                return Err(Error::InvalidOption {
                    name: "scorer".into(),
                    reason: format!(
                        "{name:?} is not one of 'ratio', 'partial_ratio', 'token_sort_ratio', \
                         'token_set_ratio', 'jaro_winkler', 'levenshtein'"
                    ),
                });
            }
        })
    }
}

/// RapidFuzz's `default_process`: lowercase, non-alphanumerics → space, trimmed.
///
/// # Examples
/// ```
/// assert_eq!(copydesk::similarity::fuzzy::process("  Al-Assad’s ARMY! "), "al assad s army");
/// ```
pub fn process(s: &str) -> String {
    let folded: String = s
        .chars()
        .flat_map(|c| if c.is_alphanumeric() { c.to_lowercase().collect::<Vec<_>>() } else { vec![' '] })
        .collect();
    folded.trim().to_owned()
}

/// A string prepared for scoring: its characters and, for token scorers, its sorted tokens.
#[derive(Debug, Clone)]
pub struct Prepared {
    chars: Vec<char>,
    sorted: Vec<char>,
    tokens: Vec<Vec<char>>,
}

impl Prepared {
    /// Prepares `s` for `scorer` (processed first when `processed`).
    pub fn new(s: &str, scorer: Scorer, processed: bool) -> Self {
        let owned;
        let s = if processed {
            owned = process(s);
            owned.as_str()
        } else {
            s
        };
        let (sorted, tokens) = match scorer {
            Scorer::TokenSortRatio | Scorer::TokenSetRatio => {
                let mut toks: Vec<Vec<char>> = s.split_whitespace().map(|t| t.chars().collect()).collect();
                toks.sort_unstable();
                let sorted = join(&toks);
                if scorer == Scorer::TokenSetRatio {
                    toks.dedup();
                }
                (sorted, toks)
            }
            _ => (Vec::new(), Vec::new()),
        };
        Prepared { chars: s.chars().collect(), sorted, tokens }
    }
}

fn join(tokens: &[Vec<char>]) -> Vec<char> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.extend_from_slice(t);
    }
    out
}

fn ratio_chars(a: &[char], b: &[char]) -> f64 {
    indel::normalized_similarity(a.iter().copied(), b.iter().copied())
}

/// RapidFuzz's partial ratio on character slices.
fn partial(a: &[char], b: &[char]) -> f64 {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() || long.is_empty() {
        return if short.len() == long.len() { 1.0 } else { 0.0 };
    }
    let best = partial_windows(short, long);
    if best < 1.0 && short.len() == long.len() { best.max(partial_windows(long, short)) } else { best }
}

fn partial_windows(short: &[char], long: &[char]) -> f64 {
    let (m, n) = (short.len(), long.len());
    let scorer = indel::BatchComparator::new(short.iter().copied());
    let has = |c: &char| short.contains(c);
    let mut best = 0.0f64;
    let mut consider = |w: &[char]| {
        best = best.max(scorer.normalized_similarity(w.iter().copied()));
        best >= 1.0
    };
    for i in 1..m {
        if has(&long[i - 1]) && consider(&long[..i]) {
            return 1.0;
        }
    }
    for i in 0..=n - m {
        if has(&long[i + m - 1]) && consider(&long[i..i + m]) {
            return 1.0;
        }
    }
    for i in n - m + 1..n {
        if has(&long[i]) && consider(&long[i..]) {
            return 1.0;
        }
    }
    best
}

fn token_set(a: &Prepared, b: &Prepared) -> f64 {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return 0.0;
    }
    let (mut sect, mut ab, mut ba) = (Vec::new(), Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < a.tokens.len() || j < b.tokens.len() {
        match (a.tokens.get(i), b.tokens.get(j)) {
            (Some(x), Some(y)) if x == y => {
                sect.push(x.clone());
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                ab.push(x.clone());
                i += 1;
            }
            (Some(x), None) => {
                ab.push(x.clone());
                i += 1;
            }
            (_, Some(y)) => {
                ba.push(y.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    if !sect.is_empty() && (ab.is_empty() || ba.is_empty()) {
        return 1.0;
    }
    let (ab, ba) = (join(&ab), join(&ba));
    let sect_len = join(&sect).len();
    let sep = usize::from(sect_len != 0);
    let (sect_ab, sect_ba) = (sect_len + sep + ab.len(), sect_len + sep + ba.len());
    let norm = |dist: usize, lensum: usize| if lensum == 0 { 1.0 } else { 1.0 - dist as f64 / lensum as f64 };
    let result = norm(indel::distance(ab.iter().copied(), ba.iter().copied()), sect_ab + sect_ba);
    if sect_len == 0 {
        return result;
    }
    let ab_ratio = norm(sep + ab.len(), sect_len + sect_ab);
    let ba_ratio = norm(sep + ba.len(), sect_len + sect_ba);
    result.max(ab_ratio).max(ba_ratio)
}

/// The score of two prepared strings.
pub fn score_prepared(scorer: Scorer, a: &Prepared, b: &Prepared) -> f64 {
    match scorer {
        Scorer::Ratio => ratio_chars(&a.chars, &b.chars),
        Scorer::PartialRatio => partial(&a.chars, &b.chars),
        Scorer::TokenSortRatio => ratio_chars(&a.sorted, &b.sorted),
        Scorer::TokenSetRatio => token_set(a, b),
        Scorer::JaroWinkler => jaro_winkler::normalized_similarity(a.chars.iter().copied(), b.chars.iter().copied()),
        Scorer::Levenshtein => levenshtein::normalized_similarity(a.chars.iter().copied(), b.chars.iter().copied()),
    }
}

/// The similarity of `a` and `b` under `scorer`, in [0, 1].
///
/// # Examples
/// ```
/// use copydesk::similarity::fuzzy::{Scorer, score};
/// assert!((score(Scorer::Ratio, "this is a test", "this is a test!", false) - 0.9655).abs() < 1e-4);
/// assert_eq!(score(Scorer::TokenSetRatio, "Bashar al-Assad", "al-Assad Bashar", false), 1.0);
/// assert_eq!(score(Scorer::PartialRatio, "Aleppo", "the city of Aleppo", false), 1.0);
/// ```
pub fn score(scorer: Scorer, a: &str, b: &str, processed: bool) -> f64 {
    score_prepared(scorer, &Prepared::new(a, scorer, processed), &Prepared::new(b, scorer, processed))
}

/// A string's match bit vectors for the bit-parallel LCS of Hyyrö (2004): bit `i` of word
/// `w` of a symbol's row is set when the string has that symbol at `64w + i`. Strings are
/// symbol ids over one alphabet ([`Symbols`]), so a step of the kernel is one table read.
#[derive(Debug, Clone)]
pub struct Lcs {
    len: usize,
    words: usize,
    /// `(symbols + 1) × words`: a symbol outside the alphabet reads the zero row.
    rows: Vec<u64>,
    zero_row: usize,
}

impl Lcs {
    /// The bit vectors of `s`, symbols below `symbols` (others match nothing).
    pub fn new(s: &[u32], symbols: usize) -> Self {
        let words = s.len().div_ceil(64).max(1);
        let mut rows = vec![0u64; (symbols + 1) * words];
        for (i, &c) in s.iter().enumerate() {
            let c = (c as usize).min(symbols);
            if c < symbols {
                rows[c * words + i / 64] |= 1 << (i % 64);
            }
        }
        Lcs { len: s.len(), words, rows, zero_row: symbols }
    }

    /// A symbol's row (a symbol past the alphabet reads the zero row).
    fn row(&self, c: u32) -> &[u64] {
        let r = (c as usize).min(self.zero_row) * self.words;
        &self.rows[r..r + self.words]
    }

    /// The length of the longest common subsequence with `t`.
    pub fn lcs(&self, t: &[u32]) -> usize {
        // S starts all ones; bits past `len` never match, so they stay ones and count 0.
        let zeros = |s: u64| s.count_zeros() as usize;
        match self.words {
            1 => {
                let mut s = !0u64;
                for &c in t {
                    let u = s & self.rows[(c as usize).min(self.zero_row)];
                    s = s.wrapping_add(u) | (s - u);
                }
                zeros(s)
            }
            2 => {
                let (mut s0, mut s1) = (!0u64, !0u64);
                for &c in t {
                    let m = self.row(c);
                    let (u0, u1) = (s0 & m[0], s1 & m[1]);
                    let (x0, carry) = s0.overflowing_add(u0);
                    let x1 = s1.wrapping_add(u1).wrapping_add(u64::from(carry));
                    s0 = x0 | (s0 - u0);
                    s1 = x1 | (s1 - u1);
                }
                zeros(s0) + zeros(s1)
            }
            _ => {
                let mut s = vec![!0u64; self.words];
                for &c in t {
                    let mut carry = false;
                    for (sw, &mw) in s.iter_mut().zip(self.row(c)) {
                        let u = *sw & mw;
                        let (x, c1) = sw.overflowing_add(u);
                        let (x, c2) = x.overflowing_add(u64::from(carry));
                        carry = c1 || c2;
                        *sw = x | (*sw - u);
                    }
                }
                s.iter().map(|&x| zeros(x)).sum()
            }
        }
    }

    /// RapidFuzz's `ratio` (normalised Indel similarity) with `t`: the same float as
    /// `indel::normalized_similarity`.
    #[allow(clippy::cast_precision_loss)]
    pub fn ratio(&self, t: &[u32]) -> f64 {
        let maximum = self.len + t.len();
        if maximum == 0 {
            return 1.0;
        }
        let dist = maximum - 2 * self.lcs(t);
        1.0 - dist as f64 / maximum as f64
    }
}

/// The choices of a `ratio` or `token_sort_ratio` batch as symbol ids over their own
/// alphabet (a query character outside it matches no choice).
pub struct Symbols {
    alphabet: Vec<char>,
    choices: Vec<Vec<u32>>,
}

impl Symbols {
    /// `None` for the scorers that do not run on [`Lcs`].
    fn new(scorer: Scorer, choices: &[Prepared]) -> Option<Self> {
        fn text(scorer: Scorer, p: &Prepared) -> &[char] {
            if scorer == Scorer::Ratio { &p.chars } else { &p.sorted }
        }
        if !matches!(scorer, Scorer::Ratio | Scorer::TokenSortRatio) {
            return None;
        }
        let mut alphabet: Vec<char> = choices.iter().flat_map(|p| text(scorer, p).iter().copied()).collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        let mut out = Symbols { alphabet, choices: Vec::new() };
        out.choices = choices.iter().map(|p| out.encode(text(scorer, p))).collect();
        Some(out)
    }

    #[allow(clippy::cast_possible_truncation)] // an alphabet has fewer than 2³² characters
    fn encode(&self, s: &[char]) -> Vec<u32> {
        s.iter().map(|c| self.alphabet.binary_search(c).unwrap_or(self.alphabet.len()) as u32).collect()
    }

    fn ratios(&self, query: &[char], mut emit: impl FnMut(usize, f64)) {
        let cmp = Lcs::new(&self.encode(query), self.alphabet.len());
        for (i, c) in self.choices.iter().enumerate() {
            emit(i, cmp.ratio(c));
        }
    }
}

/// Scores one query against many prepared choices, reusing the query's bit vectors.
fn score_row(
    scorer: Scorer,
    query: &Prepared,
    choices: &[Prepared],
    symbols: Option<&Symbols>,
    mut emit: impl FnMut(usize, f64),
) {
    match (scorer, symbols) {
        (Scorer::Ratio, Some(symbols)) => symbols.ratios(&query.chars, emit),
        (Scorer::TokenSortRatio, Some(symbols)) => symbols.ratios(&query.sorted, emit),
        (Scorer::Ratio, None) => {
            let cmp = indel::BatchComparator::new(query.chars.iter().copied());
            for (i, c) in choices.iter().enumerate() {
                emit(i, cmp.normalized_similarity(c.chars.iter().copied()));
            }
        }
        (Scorer::TokenSortRatio, None) => {
            let cmp = indel::BatchComparator::new(query.sorted.iter().copied());
            for (i, c) in choices.iter().enumerate() {
                emit(i, cmp.normalized_similarity(c.sorted.iter().copied()));
            }
        }
        (Scorer::Levenshtein, _) => {
            let cmp = levenshtein::BatchComparator::new(query.chars.iter().copied());
            for (i, c) in choices.iter().enumerate() {
                emit(i, cmp.normalized_similarity(c.chars.iter().copied()));
            }
        }
        (Scorer::JaroWinkler, _) => {
            let cmp = jaro_winkler::BatchComparator::new(query.chars.iter().copied());
            for (i, c) in choices.iter().enumerate() {
                emit(i, cmp.similarity(c.chars.iter().copied()));
            }
        }
        (Scorer::PartialRatio | Scorer::TokenSetRatio, _) => {
            for (i, c) in choices.iter().enumerate() {
                emit(i, score_prepared(scorer, query, c));
            }
        }
    }
}

/// The `queries × choices` score matrix, one row per query; scores below `score_cutoff`
/// are 0.
///
/// # Examples
/// ```
/// use copydesk::parallel::{Workers, no_checkpoint};
/// use copydesk::similarity::fuzzy::{Scorer, cdist};
/// let m = cdist(&["Aleppo", "Homs"], &["aleppo", "Hims", "Aleppo"], Scorer::Ratio, false, 0.0, &Workers::inline(), &mut no_checkpoint).unwrap();
/// assert_eq!((m.len(), m[0].len()), (2, 3));
/// assert_eq!(m[0][2], 1.0);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn cdist(
    queries: &[&str],
    choices: &[&str],
    scorer: Scorer,
    processed: bool,
    score_cutoff: f64,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<Vec<f32>>> {
    let prepared: Vec<Prepared> = workers.map_chunks(
        choices,
        crate::parallel::DEFAULT_CHUNK,
        |c| Prepared::new(c, scorer, processed),
        &mut *checkpoint,
    )?;
    let symbols = Symbols::new(scorer, &prepared);
    workers.map_chunks(
        queries,
        rows_per_chunk(queries, choices),
        |q| {
            let q = Prepared::new(q, scorer, processed);
            let mut row = vec![0f32; prepared.len()];
            score_row(scorer, &q, &prepared, symbols.as_ref(), |i, s| {
                if s >= score_cutoff {
                    row[i] = s as f32;
                }
            });
            row
        },
        checkpoint,
    )
}

/// Queries per chunk of a [`cdist`]: up to 64, fewer when rows are long (long queries against
/// many long choices), so that a chunk stays around 2^26 machine-word steps and Ctrl-C between
/// chunks is prompt.
fn rows_per_chunk(queries: &[&str], choices: &[&str]) -> usize {
    const BUDGET: usize = 1 << 26;
    let choice_bytes: usize = choices.iter().map(|c| c.len()).sum::<usize>().max(1);
    let mean_query = queries.iter().map(|q| q.len()).sum::<usize>() / queries.len().max(1);
    (BUDGET / (mean_query.div_ceil(64).max(1) * choice_bytes)).clamp(1, 64)
}

/// The best `limit` choices for each query: `(choice index, score)`, best first (ties by
/// index), scores at least `score_cutoff`.
#[allow(clippy::too_many_arguments)]
pub fn extract(
    queries: &[&str],
    choices: &[&str],
    scorer: Scorer,
    processed: bool,
    limit: usize,
    score_cutoff: f64,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<Vec<(usize, f64)>>> {
    let prepared: Vec<Prepared> = workers.map_chunks(
        choices,
        crate::parallel::DEFAULT_CHUNK,
        |c| Prepared::new(c, scorer, processed),
        &mut *checkpoint,
    )?;
    let symbols = Symbols::new(scorer, &prepared);
    workers.map_chunks(
        queries,
        rows_per_chunk(queries, choices).min(16),
        |q| {
            let q = Prepared::new(q, scorer, processed);
            let mut hits: Vec<(usize, f64)> = Vec::new();
            score_row(scorer, &q, &prepared, symbols.as_ref(), |i, s| {
                if s >= score_cutoff {
                    hits.push((i, s));
                }
            });
            let best = |x: &(usize, f64), y: &(usize, f64)| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0));
            if hits.len() > limit && limit > 0 {
                hits.select_nth_unstable_by(limit - 1, best);
                hits.truncate(limit);
            }
            hits.truncate(limit);
            hits.sort_unstable_by(best);
            hits.shrink_to_fit();
            hits
        },
        checkpoint,
    )
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the reference values are exact
mod tests {
    use super::*;
    use crate::parallel::no_checkpoint;

    #[test]
    fn known_values_from_rapidfuzz() {
        // fuzz.token_sort_ratio("fuzzy wuzzy was a bear", "wuzzy fuzzy was a bear") == 100
        assert_eq!(score(Scorer::TokenSortRatio, "fuzzy wuzzy was a bear", "wuzzy fuzzy was a bear", false), 1.0);
        // fuzz.partial_ratio("this is a test", "this is a test!") == 100
        assert_eq!(score(Scorer::PartialRatio, "this is a test", "this is a test!", false), 1.0);
        // fuzz.token_set_ratio("fuzzy was a bear", "fuzzy fuzzy was a bear") == 100
        assert_eq!(score(Scorer::TokenSetRatio, "fuzzy was a bear", "fuzzy fuzzy was a bear", false), 1.0);
        assert_eq!(score(Scorer::Ratio, "", "", false), 1.0);
        assert_eq!(score(Scorer::TokenSetRatio, "", "a", false), 0.0);
    }

    #[test]
    fn cdist_equals_single_scores() {
        let q = ["Bashar al-Assad", "Vladimir Putin", "", "Ḥalab"];
        let c = ["Assad, Bashar", "putin", "Aleppo (Halab)", "al Assad"];
        for name in ["ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio", "jaro_winkler", "levenshtein"] {
            let s = Scorer::parse(name).unwrap();
            let m = cdist(&q, &c, s, true, 0.0, &Workers::new(2).unwrap(), &mut no_checkpoint).unwrap();
            for (i, a) in q.iter().enumerate() {
                for (j, b) in c.iter().enumerate() {
                    assert!((f64::from(m[i][j]) - score(s, a, b, true)).abs() < 1e-6, "{name} {a} {b}");
                }
            }
        }
        assert!(Scorer::parse("wratio").is_err());
    }

    #[test]
    #[allow(clippy::cast_possible_truncation)]
    fn lcs_ratio_equals_the_crate() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let alphabet: Vec<char> = "abcab ÄéßΩ漢😀-".chars().collect();
        for _ in 0..3000 {
            let (la, lb) = (next(200) as usize, next(200) as usize);
            let (la, lb) = if next(3) == 0 { (la % 70, lb % 70) } else { (la, lb) };
            let a: Vec<char> = (0..la).map(|_| alphabet[next(alphabet.len() as u64) as usize]).collect();
            let b: Vec<char> = (0..lb).map(|_| alphabet[next(alphabet.len() as u64) as usize]).collect();
            let want = indel::normalized_similarity(a.iter().copied(), b.iter().copied());
            // Symbols: the character codes themselves, or a small alphabet that leaves
            // some characters out (they match nothing, as they should).
            let code = |s: &[char]| s.iter().map(|&c| u32::from(c)).collect::<Vec<u32>>();
            assert_eq!(Lcs::new(&code(&a), 0x1_F700).ratio(&code(&b)), want, "{a:?} {b:?}");
            let small = |s: &[char]| -> Vec<u32> {
                s.iter().map(|c| alphabet[..6].iter().position(|x| x == c).map_or(99, |i| i as u32)).collect()
            };
            let (sa, sb) = (small(&a), small(&b));
            let want = indel::normalized_similarity(
                sa.iter().map(|&x| if x == 99 { 1000 } else { x }),
                sb.iter().map(|&x| if x == 99 { 2000 } else { x }),
            );
            assert_eq!(Lcs::new(&sa, 6).ratio(&sb), want);
            assert_eq!(Lcs::new(&sb, 6).ratio(&sa), want);
        }
    }

    #[test]
    fn extract_orders_best_first() {
        let hits = extract(
            &["assad"],
            &["Bashar al-Assad", "Assad", "Asad", "Putin"],
            Scorer::Ratio,
            true,
            2,
            0.0,
            &Workers::inline(),
            &mut no_checkpoint,
        )
        .unwrap();
        assert_eq!(hits[0][0], (1, 1.0));
        assert_eq!(hits[0].len(), 2);
    }
}
