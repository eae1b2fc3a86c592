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
//! [`cdist`] and [`extract`] prepare each choice once and each query once (rapidfuzz's
//! `BatchComparator` keeps the query's bit vectors) and run rows in parallel. They use
//! `indel::BatchComparator`, not `fuzz::RatioBatchComparator`: in rapidfuzz 0.5 the latter
//! returns the LCS-normalised similarity (`ratio("abc", "bc")` gives 0.667, not 0.8).

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

/// Scores one query against many prepared choices, reusing the query's bit vectors.
fn score_row(scorer: Scorer, query: &Prepared, choices: &[Prepared], mut emit: impl FnMut(usize, f64)) {
    match scorer {
        Scorer::Ratio => {
            let cmp = indel::BatchComparator::new(query.chars.iter().copied());
            for (i, c) in choices.iter().enumerate() {
                emit(i, cmp.normalized_similarity(c.chars.iter().copied()));
            }
        }
        Scorer::TokenSortRatio => {
            let cmp = indel::BatchComparator::new(query.sorted.iter().copied());
            for (i, c) in choices.iter().enumerate() {
                emit(i, cmp.normalized_similarity(c.sorted.iter().copied()));
            }
        }
        Scorer::Levenshtein => {
            let cmp = levenshtein::BatchComparator::new(query.chars.iter().copied());
            for (i, c) in choices.iter().enumerate() {
                emit(i, cmp.normalized_similarity(c.chars.iter().copied()));
            }
        }
        Scorer::JaroWinkler => {
            let cmp = jaro_winkler::BatchComparator::new(query.chars.iter().copied());
            for (i, c) in choices.iter().enumerate() {
                emit(i, cmp.similarity(c.chars.iter().copied()));
            }
        }
        Scorer::PartialRatio | Scorer::TokenSetRatio => {
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
    workers.map_chunks(
        queries,
        rows_per_chunk(queries, choices),
        |q| {
            let q = Prepared::new(q, scorer, processed);
            let mut row = vec![0f32; prepared.len()];
            score_row(scorer, &q, &prepared, |i, s| {
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
    workers.map_chunks(
        queries,
        rows_per_chunk(queries, choices).min(16),
        |q| {
            let q = Prepared::new(q, scorer, processed);
            let mut hits: Vec<(usize, f64)> = Vec::new();
            score_row(scorer, &q, &prepared, |i, s| {
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
