//! Passage alignment: the passages two texts share, with offsets in both, and reuse edges
//! across a corpus.
//!
//! Seed-and-extend, as in BLAST and in text-reuse tools such as passim (Smith et al. 2014):
//!
//! 1. **Seeds.** Word n-grams (`seed` tokens, normalised as in
//!    [`tokens`](crate::similarity::tokens)) that occur in both texts; an n-gram occurring more
//!    than `max_repeat` times in either text is ignored (lists, refrains, boilerplate).
//! 2. **Exact runs.** Seeds on the same diagonal (`j - i`) at consecutive positions merge into
//!    runs of identical tokens.
//! 3. **Extension.** Runs are chained in text order when the next one starts at most
//!    `max_gap` tokens after the current one ends in *both* texts, so a changed, inserted or
//!    deleted word (or a short inserted clause) does not break a passage.
//! 4. **Passages** of at least `min_words` tokens in both texts are kept, minus any whose two
//!    ranges both lie inside another's. Each is scored by the normalised Indel similarity of
//!    its two token sequences (rapidfuzz), 1.0 for a verbatim copy.
//!
//! Cost O(len_a + len_b + seeds·log seeds). Across a corpus ([`text_reuse`]), candidate pairs
//! are those sharing at least `min_shared` distinct seed n-grams, counted through a sorted
//! `(n-gram, doc)` list where n-grams in more than `max_df` documents are skipped, and each
//! candidate pair is aligned in parallel.

use std::borrow::Borrow;
use std::collections::HashMap;

use rayon::prelude::*;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::parallel::Workers;
use crate::similarity::tokens::{Token, combine, tokens};
use crate::text::CharIndex;

/// Options of [`align`] and [`text_reuse`].
#[derive(Debug, Clone)]
pub struct AlignOptions {
    /// Tokens per seed n-gram.
    pub seed: usize,
    /// Fewest tokens of a passage (in each text).
    pub min_words: usize,
    /// Most tokens skipped between two runs of one passage (in each text).
    pub max_gap: usize,
    /// Seeds occurring more often than this in one text are ignored.
    pub max_repeat: usize,
}

impl Default for AlignOptions {
    fn default() -> Self {
        AlignOptions { seed: 4, min_words: 12, max_gap: 8, max_repeat: 4 }
    }
}

impl AlignOptions {
    /// An error naming the first option out of range.
    pub fn check(&self) -> Result<()> {
        if !(1..=32).contains(&self.seed) {
            return Err(Error::InvalidOption {
                name: "seed".into(),
                reason: format!("{} tokens; use 1 to 32", self.seed),
            });
        }
        if self.min_words == 0 || self.max_repeat == 0 {
            return Err(Error::InvalidOption {
                name: "min_words/max_repeat".into(),
                reason: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}

/// A shared passage in token positions: `[a0, a1)` of text a, `[b0, b1)` of text b.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenPassage {
    /// First token in a.
    pub a0: usize,
    /// One past the last token in a.
    pub a1: usize,
    /// First token in b.
    pub b0: usize,
    /// One past the last token in b.
    pub b1: usize,
    /// Tokens in identical runs.
    pub matched: usize,
}

/// A shared passage with character offsets (Python `str` indices) in both texts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Passage {
    /// Start in text a.
    pub a_start: usize,
    /// End in text a.
    pub a_end: usize,
    /// Start in text b.
    pub b_start: usize,
    /// End in text b.
    pub b_end: usize,
    /// Tokens of the passage in a.
    pub a_words: usize,
    /// Tokens of the passage in b.
    pub b_words: usize,
    /// Normalised Indel similarity of the two token sequences, in [0, 1].
    pub score: f64,
}

fn seed_hashes(h: &[u64], n: usize) -> Vec<u64> {
    if h.len() < n { Vec::new() } else { h.windows(n).map(combine).collect() }
}

/// The distinct seed n-gram hashes of `text` (`n` tokens each), sorted: what
/// [`text_reuse`] pairs documents on (and `reuse_keys` shuffles on).
pub(crate) fn distinct_seeds(text: &str, n: usize) -> Vec<u64> {
    let h: Vec<u64> = tokens(text).iter().map(|t| t.hash).collect();
    let mut g = seed_hashes(&h, n);
    g.sort_unstable();
    g.dedup();
    g
}

/// Aligns two token-hash sequences.
#[allow(clippy::cast_possible_wrap)] // token positions are far below i64::MAX
pub fn align_hashes(ha: &[u64], hb: &[u64], opts: &AlignOptions) -> Vec<TokenPassage> {
    let n = opts.seed;
    let (ga, gb) = (seed_hashes(ha, n), seed_hashes(hb, n));
    let mut in_b: HashMap<u64, Vec<u32>> = HashMap::with_capacity(gb.len());
    for (j, &g) in gb.iter().enumerate() {
        in_b.entry(g).or_default().push(j as u32);
    }
    let mut count_a: HashMap<u64, u32> = HashMap::with_capacity(ga.len());
    for &g in &ga {
        *count_a.entry(g).or_default() += 1;
    }
    // Seeds as (diagonal, i, j) so a sort groups each diagonal in order.
    let mut seeds: Vec<(i64, u32, u32)> = Vec::new();
    for (i, g) in ga.iter().enumerate() {
        if count_a[g] as usize > opts.max_repeat {
            continue;
        }
        if let Some(js) = in_b.get(g) {
            if js.len() <= opts.max_repeat {
                seeds.extend(js.iter().map(|&j| (i64::from(j) - i as i64, i as u32, j)));
            }
        }
    }
    seeds.sort_unstable();
    // Exact runs: consecutive seeds on a diagonal.
    let mut runs: Vec<TokenPassage> = Vec::new();
    for diag in seeds.chunk_by(|x, y| x.0 == y.0 && y.1 == x.1 + 1) {
        let (i0, j0) = (diag[0].1 as usize, diag[0].2 as usize);
        let len = diag.len() + n - 1;
        runs.push(TokenPassage { a0: i0, a1: i0 + len, b0: j0, b1: j0 + len, matched: len });
    }
    runs.sort_unstable_by_key(|r| (r.a0, r.b0));
    // Chain runs into passages, each run joining the open passage it continues most closely.
    let gap = opts.max_gap as i64;
    let overlap = n as i64;
    let mut done: Vec<TokenPassage> = Vec::new();
    let mut open: Vec<TokenPassage> = Vec::new();
    for r in runs {
        let mut i = 0;
        while i < open.len() {
            if (open[i].a1 as i64) + gap < r.a0 as i64 {
                done.push(open.swap_remove(i));
            } else {
                i += 1;
            }
        }
        let fits = |p: &TokenPassage| {
            let (ga, gb) = (r.a0 as i64 - p.a1 as i64, r.b0 as i64 - p.b1 as i64);
            r.a0 > p.a0 && r.b0 > p.b0 && (-overlap..=gap).contains(&ga) && (-overlap..=gap).contains(&gb)
        };
        let best = open
            .iter()
            .enumerate()
            .filter(|(_, p)| fits(p))
            .min_by_key(|(k, p)| ((r.a0 as i64 - p.a1 as i64).abs() + (r.b0 as i64 - p.b1 as i64).abs(), *k))
            .map(|(k, _)| k);
        match best {
            Some(k) => {
                let p = &mut open[k];
                let added = r.a1.saturating_sub(p.a1.max(r.a0)).min(r.b1.saturating_sub(p.b1.max(r.b0)));
                p.matched += added;
                p.a1 = p.a1.max(r.a1);
                p.b1 = p.b1.max(r.b1);
            }
            None => open.push(r),
        }
    }
    done.extend(open);
    done.retain(|p| p.a1 - p.a0 >= opts.min_words && p.b1 - p.b0 >= opts.min_words);
    done.sort_unstable_by_key(|p| (p.a0, p.b0, std::cmp::Reverse(p.a1), std::cmp::Reverse(p.b1)));
    let inside =
        |x: &TokenPassage, y: &TokenPassage| x != y && y.a0 <= x.a0 && x.a1 <= y.a1 && y.b0 <= x.b0 && x.b1 <= y.b1;
    let keep: Vec<bool> = done.iter().map(|x| !done.iter().any(|y| inside(x, y))).collect();
    let mut out: Vec<TokenPassage> = done.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect();
    out.dedup();
    out
}

/// Character-offset passages from token passages.
fn to_passages(
    a: &str,
    ta: &[Token],
    b: &str,
    tb: &[Token],
    ha: &[u64],
    hb: &[u64],
    found: &[TokenPassage],
) -> Vec<Passage> {
    let (ia, ib) = (CharIndex::new(a), CharIndex::new(b));
    found
        .iter()
        .map(|p| Passage {
            a_start: ia.char_of(ta[p.a0].start),
            a_end: ia.char_of(ta[p.a1 - 1].end),
            b_start: ib.char_of(tb[p.b0].start),
            b_end: ib.char_of(tb[p.b1 - 1].end),
            a_words: p.a1 - p.a0,
            b_words: p.b1 - p.b0,
            score: rapidfuzz::distance::indel::normalized_similarity(ha[p.a0..p.a1].iter(), hb[p.b0..p.b1].iter()),
        })
        .collect()
}

/// The passages `a` and `b` share, in order of their position in `a`.
///
/// # Examples
/// ```
/// use copydesk::similarity::align::{AlignOptions, align};
/// let shared = "hundreds of children and newborn babies have also left the eastern districts of the city";
/// let a = format!("Intro to the first story. {shared}. The end of the first.");
/// let b = format!("A different opening, quite long. {shared}! Something else.");
/// let p = align(&a, &b, &AlignOptions::default()).unwrap();
/// assert_eq!(p.len(), 1);
/// assert_eq!(&a[p[0].a_start..p[0].a_end], shared);
/// assert_eq!(&b[p[0].b_start..p[0].b_end], shared);
/// ```
pub fn align(a: &str, b: &str, opts: &AlignOptions) -> Result<Vec<Passage>> {
    opts.check()?;
    let (ta, tb) = (tokens(a), tokens(b));
    let ha: Vec<u64> = ta.iter().map(|t| t.hash).collect();
    let hb: Vec<u64> = tb.iter().map(|t| t.hash).collect();
    let found = align_hashes(&ha, &hb, opts);
    Ok(to_passages(a, &ta, b, &tb, &ha, &hb, &found))
}

/// Options of [`text_reuse`] beyond the alignment's.
#[derive(Debug, Clone)]
pub struct ReuseOptions {
    /// Alignment options.
    pub align: AlignOptions,
    /// Fewest distinct seed n-grams two documents share to be aligned.
    pub min_shared: usize,
    /// Seed n-grams in more documents than this are not used to find candidates.
    pub max_df: usize,
}

impl Default for ReuseOptions {
    fn default() -> Self {
        ReuseOptions { align: AlignOptions::default(), min_shared: 3, max_df: 100 }
    }
}

/// A reuse edge: two documents and the passages they share.
#[derive(Debug, Clone, PartialEq)]
pub struct ReuseEdge {
    /// Position of the first document (the earlier one when `directed`).
    pub a: u32,
    /// Position of the second document.
    pub b: u32,
    /// Whether publication dates say `a` came first (`false`: unknown or the same day).
    pub directed: bool,
    /// Shared passages, offsets in `a` then `b`.
    pub passages: Vec<Passage>,
    /// Share of `a`'s characters inside some passage.
    pub a_coverage: f64,
    /// Share of `b`'s characters inside some passage.
    pub b_coverage: f64,
}

/// Characters covered by the union of `ranges`.
fn covered(mut ranges: Vec<(usize, usize)>) -> usize {
    ranges.sort_unstable();
    let (mut total, mut end) = (0, 0);
    for (s, e) in ranges {
        let s = s.max(end);
        if e > s {
            total += e - s;
            end = e;
        }
    }
    total
}

/// The date part (`YYYY-MM-DD`) of an ISO 8601 value.
fn day(published: Option<&str>) -> Option<&str> {
    published.and_then(|p| p.get(..10)).filter(|d| d.as_bytes().get(4) == Some(&b'-'))
}

/// Reuse edges between documents of a corpus, ordered by `(a, b)` positions (before
/// direction is applied).
///
/// # Examples
/// ```
/// use copydesk::document::Document;
/// use copydesk::parallel::{Workers, no_checkpoint};
/// use copydesk::similarity::align::{ReuseOptions, text_reuse};
/// let shared = "the syrian army units started special operations in aleppo after several humanitarian pauses";
/// let doc = |id: &str, text: String, day: &str| Document { id: id.into(), text, published: Some(day.into()), ..Document::default() };
/// let docs = vec![
///     doc("late", format!("Late report. {shared}."), "2016-12-09"),
///     doc("early", format!("{shared}, officials said."), "2016-12-07"),
///     doc("other", "nothing in common with the rest of them here at all".into(), "2016-12-08"),
/// ];
/// let edges = text_reuse(&docs, &ReuseOptions::default(), &Workers::inline(), &mut no_checkpoint).unwrap();
/// assert_eq!(edges.len(), 1);
/// assert_eq!((edges[0].a, edges[0].b, edges[0].directed), (1, 0, true));
/// ```
pub fn text_reuse(
    docs: &[impl Borrow<Document> + Sync],
    opts: &ReuseOptions,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<ReuseEdge>> {
    opts.align.check()?;
    if opts.min_shared == 0 || opts.max_df < 2 {
        return Err(Error::InvalidOption {
            name: "min_shared/max_df".into(),
            reason: "min_shared must be ≥ 1 and max_df ≥ 2".into(),
        });
    }
    let n = opts.align.seed;
    let grams: Vec<Vec<u64>> = workers.map_chunks(
        docs,
        crate::parallel::DEFAULT_CHUNK,
        |d| distinct_seeds(&d.borrow().text, n),
        &mut *checkpoint,
    )?;
    let candidates: Vec<(u32, u32)> = workers.install(|| {
        let mut postings: Vec<(u64, u32)> =
            grams.par_iter().enumerate().flat_map_iter(|(d, g)| g.iter().map(move |&h| (h, d as u32))).collect();
        postings.par_sort_unstable();
        let mut pairs: Vec<u64> = postings
            .par_chunk_by(|x, y| x.0 == y.0)
            .filter(|g| g.len() >= 2 && g.len() <= opts.max_df)
            .flat_map_iter(|g| {
                (0..g.len())
                    .flat_map(move |i| g[i + 1..].iter().map(move |y| (u64::from(g[i].1) << 32) | u64::from(y.1)))
            })
            .collect();
        pairs.par_sort_unstable();
        pairs
            .chunk_by(|x, y| x == y)
            .filter(|run| run.len() >= opts.min_shared)
            .map(|run| ((run[0] >> 32) as u32, run[0] as u32))
            .collect()
    });
    drop(grams);
    if !checkpoint(docs.len(), docs.len()) {
        return Err(Error::Interrupted);
    }
    let edges = workers.map_chunks(
        &candidates,
        256,
        |&(a, b)| {
            let (da, db) = (docs[a as usize].borrow(), docs[b as usize].borrow());
            reuse_edge((a, b), (&da.text, &db.text), (da.published.as_deref(), db.published.as_deref()), &opts.align)
        },
        checkpoint,
    )?;
    Ok(edges.into_iter().flatten().collect())
}

/// The reuse edge of the documents at positions `a < b`, given their texts and publication
/// dates (ISO 8601), or `None` when they share no passage. The edge runs from the earlier
/// document to the later one when their days differ, else from `a` to `b`, undirected.
pub fn reuse_edge(
    (a, b): (u32, u32),
    (text_a, text_b): (&str, &str),
    (published_a, published_b): (Option<&str>, Option<&str>),
    opts: &AlignOptions,
) -> Option<ReuseEdge> {
    let passages = align(text_a, text_b, opts).unwrap_or_default();
    if passages.is_empty() {
        return None;
    }
    let cover = |len: usize, r: Vec<(usize, usize)>| if len == 0 { 0.0 } else { covered(r) as f64 / len as f64 };
    let a_coverage = cover(text_a.chars().count(), passages.iter().map(|p| (p.a_start, p.a_end)).collect());
    let b_coverage = cover(text_b.chars().count(), passages.iter().map(|p| (p.b_start, p.b_end)).collect());
    let edge = ReuseEdge { a, b, directed: false, passages, a_coverage, b_coverage };
    Some(match (day(published_a), day(published_b)) {
        (Some(x), Some(y)) if x < y => ReuseEdge { directed: true, ..edge },
        (Some(x), Some(y)) if x > y => edge.swapped(),
        _ => edge,
    })
}

impl ReuseEdge {
    /// The edge seen from `b` (which came first).
    fn swapped(self) -> Self {
        ReuseEdge {
            a: self.b,
            b: self.a,
            directed: true,
            passages: self
                .passages
                .into_iter()
                .map(|p| Passage {
                    a_start: p.b_start,
                    a_end: p.b_end,
                    b_start: p.a_start,
                    b_end: p.a_end,
                    a_words: p.b_words,
                    b_words: p.a_words,
                    score: p.score,
                })
                .collect(),
            a_coverage: self.b_coverage,
            b_coverage: self.a_coverage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "Over the recent months, Aleppo has been a battlefield between the army and the militants who control the eastern districts";

    #[test]
    fn edits_do_not_break_a_passage() {
        let a = format!("Start of a. {P}. End of a.");
        let b = format!(
            "Another start. {}. Tail.",
            P.replace("battlefield", "battle ground").replace("the army", "the Syrian army")
        );
        let p = align(&a, &b, &AlignOptions::default()).unwrap();
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].score > 0.85 && p[0].score < 1.0);
        assert!(a[p[0].a_start..p[0].a_end].starts_with("Over the recent"));
        assert!(b[p[0].b_start..p[0].b_end].ends_with("eastern districts"));
    }

    #[test]
    fn non_ascii_offsets_are_characters() {
        let p2 = format!("«{P}» — Ḥalab");
        let a = format!("Ḥalab — حلب. {p2}");
        let b = format!("🇸🇾 {p2}");
        let p = align(&a, &b, &AlignOptions::default()).unwrap();
        let ca: Vec<char> = a.chars().collect();
        let cb: Vec<char> = b.chars().collect();
        let sa: String = ca[p[0].a_start..p[0].a_end].iter().collect();
        let sb: String = cb[p[0].b_start..p[0].b_end].iter().collect();
        assert_eq!(sa, sb);
        assert!(sa.starts_with("Over") && sa.ends_with("Ḥalab"));
    }

    #[test]
    fn unrelated_and_empty_texts() {
        assert!(align("", P, &AlignOptions::default()).unwrap().is_empty());
        assert!(align("completely different words here", P, &AlignOptions::default()).unwrap().is_empty());
    }

    #[test]
    fn repeated_passage_aligns_twice() {
        let b = format!("{P}. Between. {P}.");
        let p = align(P, &b, &AlignOptions::default()).unwrap();
        assert_eq!(p.len(), 2);
    }
}
