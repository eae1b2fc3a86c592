//! Normalised word tokens and shingles: what every similarity measure is computed on.
//!
//! A *word token* is a maximal run of alphanumeric characters (Unicode `Alphabetic` or
//! `Numeric`). Everything else separates tokens, so quote and dash variants (`’` and `'`,
//! `—` and `-`) fold to the same token stream, and `Syria’s` and `Syria's` are the same two
//! tokens. A token is identified by the 64-bit XXH3 hash of its lowercased UTF-8, and keeps
//! its byte range in the text so a match can be shown where it stands.
//!
//! A *shingle* is a word n-gram or a character n-gram, hashed to 64 bits. Character n-grams
//! run over the folded text: lowercased, quote variants → `'` or `"`, dash variants → `-`,
//! every run of white space → one space. A document with fewer than `n` units has one shingle
//! (all of them), so short texts still compare.
//!
//! Cost: one pass over the text, O(chars); sets are sorted and deduplicated, O(s log s).
//! Hashes are seedless and platform-independent (XXH3 and a SplitMix64 mix), so shingles,
//! and every signature built on them, are the same on every run and machine.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A word token: its byte range in the text and the hash of its lowercased form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
    /// XXH3-64 of the lowercased token.
    pub hash: u64,
}

/// SplitMix64's finaliser: a fast, well-spread 64 → 64 bit mix.
///
/// # Examples
/// ```
/// use copydesk::similarity::tokens::mix64;
/// assert_ne!(mix64(1), mix64(2));
/// assert_eq!(mix64(7), mix64(7));
/// ```
#[inline]
pub fn mix64(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// One hash for a sequence of hashes (order matters).
#[inline]
pub fn combine(hashes: &[u64]) -> u64 {
    hashes.iter().fold(0x9e37_79b9_7f4a_7c15, |h, &x| mix64(h.rotate_left(23) ^ x))
}

/// The folded form of a character for character shingles: quote and dash variants become
/// ASCII, white space becomes `' '`; other characters are returned as they are (not yet
/// lowercased).
///
/// # Examples
/// ```
/// use copydesk::similarity::tokens::fold_char;
/// assert_eq!(fold_char('’'), '\'');
/// assert_eq!(fold_char('—'), '-');
/// assert_eq!(fold_char('\u{a0}'), ' ');
/// ```
pub fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{00B4}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

/// Byte classes for the ASCII fast path: 0 separator, 1 lowercase or digit, 2 uppercase,
/// 3 start of a non-ASCII character.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'a'..=b'z' | b'0'..=b'9' => 1,
            b'A'..=b'Z' => 2,
            0x80..=0xff => 3,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Calls `f(start, end, hash)` for each word token of `text`, in order, without allocating
/// per token (`buf` is scratch space for a lowercased form). An ASCII token without capitals
/// is hashed where it stands.
pub fn for_each_token(text: &str, buf: &mut Vec<u8>, mut f: impl FnMut(usize, usize, u64)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        match CLASS[bytes[i] as usize] {
            0 => {
                i += 1;
                continue;
            }
            3 => {
                let c = text[i..].chars().next().unwrap_or(' ');
                if !c.is_alphanumeric() {
                    i += c.len_utf8();
                    continue;
                }
            }
            _ => {}
        }
        // A token starts at i: scan the ASCII part, then fall back to chars if needed.
        let start = i;
        let mut upper = false;
        while i < n {
            match CLASS[bytes[i] as usize] {
                1 => i += 1,
                2 => {
                    upper = true;
                    i += 1;
                }
                _ => break,
            }
        }
        let ascii_end = i;
        let wide =
            i < n && CLASS[bytes[i] as usize] == 3 && text[i..].chars().next().is_some_and(char::is_alphanumeric);
        if !wide {
            if upper {
                buf.clear();
                buf.extend(bytes[start..ascii_end].iter().map(u8::to_ascii_lowercase));
                f(start, ascii_end, xxhash_rust::xxh3::xxh3_64(buf));
            } else {
                f(start, ascii_end, xxhash_rust::xxh3::xxh3_64(&bytes[start..ascii_end]));
            }
            continue;
        }
        buf.clear();
        buf.extend(bytes[start..ascii_end].iter().map(u8::to_ascii_lowercase));
        while i < n {
            let b = bytes[i];
            if b.is_ascii() {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                buf.push(b.to_ascii_lowercase());
                i += 1;
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                if !c.is_alphanumeric() {
                    break;
                }
                for lower in c.to_lowercase() {
                    let mut tmp = [0u8; 4];
                    buf.extend_from_slice(lower.encode_utf8(&mut tmp).as_bytes());
                }
                i += c.len_utf8();
            }
        }
        f(start, i, xxhash_rust::xxh3::xxh3_64(buf));
    }
}

/// The word tokens of `text`, with byte offsets.
///
/// # Examples
/// ```
/// use copydesk::similarity::tokens::tokens;
/// let t = tokens("Syria’s army — Aleppo");
/// assert_eq!(t.len(), 4);
/// assert_eq!(t[1].hash, tokens("syria's ARMY")[1].hash);
/// assert_eq!(&"Syria’s army — Aleppo"[t[3].start..t[3].end], "Aleppo");
/// ```
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut buf = Vec::with_capacity(32);
    for_each_token(text, &mut buf, |start, end, hash| out.push(Token { start, end, hash }));
    out
}

/// The token hashes of `text`, appended to `out`.
pub fn token_hashes_into(text: &str, buf: &mut Vec<u8>, out: &mut Vec<u64>) {
    for_each_token(text, buf, |_, _, h| out.push(h));
}

/// What a shingle is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShingleKind {
    /// Word n-grams.
    Words,
    /// Character n-grams of the folded text.
    Chars,
}

impl ShingleKind {
    /// `"words"` or `"chars"`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "words" | "word" => Some(ShingleKind::Words),
            "chars" | "char" | "characters" => Some(ShingleKind::Chars),
            _ => None,
        }
    }

    /// The option value naming this kind.
    pub fn name(self) -> &'static str {
        match self {
            ShingleKind::Words => "words",
            ShingleKind::Chars => "chars",
        }
    }
}

/// How texts are cut into shingles.
///
/// # Examples
/// ```
/// use copydesk::similarity::tokens::{ShingleKind, Shingling};
/// let s = Shingling::new(ShingleKind::Words, 2).unwrap();
/// assert_eq!(s.shingles("a b c a b").len(), 3); // "a b", "b c", "c a"
/// assert!(Shingling::new(ShingleKind::Words, 0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shingling {
    /// Words or characters.
    pub kind: ShingleKind,
    /// Units per shingle.
    pub n: usize,
}

impl Default for Shingling {
    fn default() -> Self {
        Shingling { kind: ShingleKind::Words, n: 5 }
    }
}

/// Scratch buffers reused across documents by one thread.
#[derive(Default)]
pub struct Scratch {
    bytes: Vec<u8>,
    hashes: Vec<u64>,
    chars: Vec<u32>,
}

impl Shingling {
    /// Checks `n` (1 to 64).
    pub fn new(kind: ShingleKind, n: usize) -> Result<Self> {
        if !(1..=64).contains(&n) {
            return Err(Error::InvalidOption {
                name: "ngram".into(),
                reason: format!("{n} units per shingle; use 1 to 64"),
            });
        }
        Ok(Shingling { kind, n })
    }

    /// The sorted, deduplicated shingle hashes of `text`.
    pub fn shingles(&self, text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        self.shingles_into(text, &mut Scratch::default(), &mut out);
        out
    }

    /// Like [`Shingling::shingles`], into `out` (cleared first), reusing `scratch`.
    pub fn shingles_into(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<u64>) {
        self.shingle_hashes_into(text, scratch, out);
        out.sort_unstable();
        out.dedup();
    }

    /// The shingle hashes of `text` in text order, repeats included, into `out`.
    pub fn shingle_hashes_into(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<u64>) {
        out.clear();
        match self.kind {
            ShingleKind::Words => {
                scratch.hashes.clear();
                token_hashes_into(text, &mut scratch.bytes, &mut scratch.hashes);
                ngrams(&scratch.hashes, self.n, out);
            }
            ShingleKind::Chars => {
                scratch.chars.clear();
                let mut last_space = true;
                for c in text.chars() {
                    let c = fold_char(c);
                    if c == ' ' {
                        if !last_space {
                            scratch.chars.push(u32::from(' '));
                        }
                        last_space = true;
                        continue;
                    }
                    last_space = false;
                    scratch.chars.extend(c.to_lowercase().map(u32::from));
                }
                if scratch.chars.last() == Some(&u32::from(' ')) {
                    scratch.chars.pop();
                }
                scratch.hashes.clear();
                scratch.hashes.extend(scratch.chars.iter().map(|&c| mix64(u64::from(c))));
                ngrams(&scratch.hashes, self.n, out);
            }
        }
    }
}

/// Multiplier of the rolling n-gram hash (odd, from the golden ratio).
const ROLL: u64 = 0x9e37_79b9_7f4a_7c15;

/// Hashes of the n-grams of `units` (one n-gram of everything when there are fewer): a
/// polynomial rolling hash `Σ x_i·P^(n-1-i)` over the unit hashes, O(1) per n-gram, then a
/// SplitMix64 mix.
fn ngrams(units: &[u64], n: usize, out: &mut Vec<u64>) {
    if units.is_empty() {
        return;
    }
    let n = n.min(units.len());
    let top = (1..n).fold(1u64, |p, _| p.wrapping_mul(ROLL));
    let mut h = units[..n].iter().fold(0u64, |h, &x| h.wrapping_mul(ROLL).wrapping_add(x));
    out.reserve(units.len() - n + 1);
    out.push(mix64(h ^ n as u64));
    for i in n..units.len() {
        h = h.wrapping_sub(units[i - n].wrapping_mul(top)).wrapping_mul(ROLL).wrapping_add(units[i]);
        out.push(mix64(h ^ n as u64));
    }
}

/// Size of the intersection of two sorted, deduplicated slices.
///
/// # Examples
/// ```
/// assert_eq!(copydesk::similarity::tokens::intersection_size(&[1, 3, 5, 7], &[3, 4, 5]), 2);
/// ```
pub fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    // Branch-free steps: on random hashes a branchy merge mispredicts about every other step.
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        k += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    k
}

/// Jaccard similarity and the two containments of sets of sizes `a` and `b` sharing `inter`:
/// `(|A∩B|/|A∪B|, |A∩B|/|A|, |A∩B|/|B|)`, each 0 where its denominator is 0.
pub fn overlap_scores(a: usize, b: usize, inter: usize) -> (f64, f64, f64) {
    let ratio = |x: usize, y: usize| if y == 0 { 0.0 } else { x as f64 / y as f64 };
    (ratio(inter, a + b - inter), ratio(inter, a), ratio(inter, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_dashes_and_case_fold() {
        let w = Shingling::new(ShingleKind::Words, 3).unwrap();
        assert_eq!(w.shingles("Syria’s ARMY — “liberated”"), w.shingles("syria's army - \"liberated\""));
        let c = Shingling::new(ShingleKind::Chars, 4).unwrap();
        assert_eq!(c.shingles("Syria’s ARMY —  “liberated”"), c.shingles("syria's army - \"liberated\""));
    }

    #[test]
    fn non_ascii_offsets_are_char_boundaries() {
        let text = "Ḥalab — حلب 🇸🇾 straße İstanbul";
        for t in tokens(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(t.end > t.start);
        }
        assert_eq!(tokens(text).len(), 4);
    }

    #[test]
    fn rolling_ngrams_equal_direct_ones() {
        let units: Vec<u64> = (0..50u64).map(mix64).collect();
        for n in 1..8 {
            let mut rolled = Vec::new();
            ngrams(&units, n, &mut rolled);
            let direct: Vec<u64> = units
                .windows(n)
                .map(|w| mix64(w.iter().fold(0u64, |h, &x| h.wrapping_mul(ROLL).wrapping_add(x)) ^ n as u64))
                .collect();
            assert_eq!(rolled, direct);
        }
    }

    #[test]
    fn fast_and_slow_token_paths_agree() {
        let text = "Aleppo ALEPPO aleppo Ḥalab ḥalab Aléppo aléppo x9 X9 Straße STRASSE";
        let t = tokens(text);
        let words: Vec<&str> = t.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(words, text.split(' ').collect::<Vec<_>>());
        assert_eq!(t[0].hash, t[1].hash);
        assert_eq!(t[1].hash, t[2].hash);
        assert_eq!(t[3].hash, t[4].hash);
        assert_eq!(t[5].hash, t[6].hash);
        assert_eq!(t[7].hash, t[8].hash);
        assert_eq!(t[0].hash, xxhash_rust::xxh3::xxh3_64(b"aleppo"));
    }

    #[test]
    fn empty_and_short_texts() {
        let w = Shingling::default();
        assert!(w.shingles("").is_empty());
        assert!(w.shingles(" -- ").is_empty());
        assert_eq!(w.shingles("two words").len(), 1);
        let c = Shingling::new(ShingleKind::Chars, 5).unwrap();
        assert_eq!(c.shingles("ab").len(), 1);
    }

    #[test]
    fn overlap_of_empty_sets_is_zero() {
        assert_eq!(overlap_scores(0, 0, 0), (0.0, 0.0, 0.0));
        assert_eq!(overlap_scores(4, 2, 2), (0.5, 0.5, 1.0));
    }
}
