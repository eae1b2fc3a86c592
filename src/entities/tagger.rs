//! A statistical sequence tagger: a structured averaged perceptron with Viterbi decoding.
//!
//! **Model.** A first-order linear-chain model over IOB2 tags (`O`, `B-X`, `I-X` for each
//! label X): the score of a tag sequence is the sum of per-token feature weights for each tag
//! plus tag-bigram transition weights. Decoding is Viterbi, O(n·T²) for n tokens and T tags,
//! with the IOB2 constraint built in (`I-X` only after `B-X` or `I-X`).
//!
//! **Features** (hashed to 32 bits, so the model stores no text): the word and its lower case,
//! a collapsed shape (`Xx`, `d,d`, `x-Xx`), prefixes and suffixes of 1–4 characters, a window
//! of two words and shapes either side with bigrams, sentence position and a "headline"
//! flag (sentences set in title case or capitals), gazetteer marks, a lexicon of how words
//! were tagged in training (jack-knifed over folds of documents during training, so that the
//! tagger learns how far to trust it on unseen words), and **document-level** features: whether
//! the same word appears elsewhere in the document in lower case, or capitalised in the middle
//! of a sentence (which tells a name from a capitalised sentence opener or headline word).
//!
//! **Training** is Collins' (2002) structured perceptron with weight averaging (the lazy
//! "sum of timestamped updates" form, O(updates) per step), run for a number of epochs; the
//! epoch with the best span F1 on a development set is kept. Features seen fewer than
//! `min_count` times are dropped before training, and near-zero weights after it.
//!
//! **File format** (see [`Model::to_bytes`]): a gzip-compressed (flate2) postcard (serde)
//! record with a format tag and version, labels, sorted feature keys, weights quantised to
//! `i16` with one scale, transitions and the lexicon. [`Model::from_bytes`] checks every
//! length and value, so a truncated or corrupted file is a typed error, never a panic.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::entities::conll::{Scores, spans_of};
use crate::entities::count_steps;
use crate::error::{Error, Result};

/// The file format tag written at the start of every model.
pub const FORMAT: &str = "copydesk-ner";
/// The model file version this build reads and writes.
pub const VERSION: u32 = 1;
/// The most entity types a model may have (lexicon codes are one byte).
pub const MAX_LABELS: usize = 60;
/// The most bytes a model may decompress to (guards against a corrupt or hostile file).
const MAX_MODEL_BYTES: u64 = 256 << 20;

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type FeatMap<V> = HashMap<u32, V, BuildHasherDefault<IdHasher>>;

fn mix(a: u64, b: u64) -> u64 {
    let mut x = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(23);
    x ^= x >> 32;
    x = x.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    x ^ (x >> 29)
}

/// Hash of a gazetteer mark for a token: the entry's label, and whether the token begins the
/// match. Pass it in [`TagInput::gazetteer`] (0 means no match).
pub fn gazetteer_mark(label: &str, begins: bool) -> u64 {
    mix(xxh3_64(label.as_bytes()), u64::from(begins) + 1) | 1
}

/// A document to tag: tokens, sentences (ranges of token indices) and gazetteer marks.
#[derive(Debug, Clone, Default)]
pub struct TagInput<'a> {
    /// The tokens' text.
    pub words: Vec<&'a str>,
    /// Sentences as ranges of token indices, in order, covering every token.
    pub sentences: Vec<Range<usize>>,
    /// One [`gazetteer_mark`] per token, 0 where no gazetteer entry matched (may be empty).
    pub gazetteer: Vec<u64>,
}

/// A training document: a [`TagInput`] (owned) with one tag per token.
#[derive(Debug, Clone, Default)]
pub struct TrainDoc {
    /// The tokens.
    pub words: Vec<String>,
    /// Sentences as token ranges.
    pub sentences: Vec<Range<usize>>,
    /// Tags (`O`, `B-X`, `I-X`; IOB1 is accepted too), one per token.
    pub tags: Vec<String>,
    /// Gazetteer marks, one per token or empty.
    pub gazetteer: Vec<u64>,
}

impl TrainDoc {
    fn input(&self) -> TagInput<'_> {
        TagInput {
            words: self.words.iter().map(String::as_str).collect(),
            sentences: self.sentences.clone(),
            gazetteer: self.gazetteer.clone(),
        }
    }
}

/// Per-token values the features are built from.
#[derive(Debug, Clone, Copy, Default)]
struct Tok {
    word: u64,
    lower: u64,
    shape: u64,
    pre: [u64; 4],
    suf: [u64; 4],
    /// Bits: 1 initial capital, 2 all capitals, 4 has digit, 8 has hyphen, 16 no letters.
    flags: u8,
    lex: u8,
}

const CAP: u8 = 1;
const ALLCAPS: u8 = 2;
const DIGIT: u8 = 4;
const HYPHEN: u8 = 8;
const NOLETTER: u8 = 16;

fn shape_of(word: &str) -> String {
    let mut out = String::with_capacity(8);
    let mut last = '\0';
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() || c.is_alphabetic() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if s != last {
            out.push(s);
            last = s;
        }
    }
    out
}

fn tok_of(word: &str) -> (Tok, String) {
    let lower = word.to_lowercase();
    let mut t = Tok { word: xxh3_64(word.as_bytes()), lower: xxh3_64(lower.as_bytes()), ..Tok::default() };
    t.shape = xxh3_64(shape_of(word).as_bytes());
    let ends: Vec<usize> = lower.char_indices().map(|(i, _)| i).skip(1).chain(std::iter::once(lower.len())).collect();
    for k in 0..4 {
        let p = ends.get(k).copied().unwrap_or(lower.len());
        t.pre[k] = xxh3_64(&lower.as_bytes()[..p]);
        let n = ends.len();
        let s = if k < n { if n - k >= 2 { ends[n - k - 2] } else { 0 } } else { 0 };
        t.suf[k] = xxh3_64(&lower.as_bytes()[s..]);
    }
    let mut letters = 0;
    let mut uppers = 0;
    for c in word.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                uppers += 1;
            }
        } else if c.is_numeric() {
            t.flags |= DIGIT;
        } else if c == '-' {
            t.flags |= HYPHEN;
        }
    }
    if word.chars().next().is_some_and(char::is_uppercase) {
        t.flags |= CAP;
    }
    if letters > 0 && uppers == letters {
        t.flags |= ALLCAPS;
    }
    if letters == 0 {
        t.flags |= NOLETTER;
    }
    (t, lower)
}

/// How words were tagged in training, by hashed lower-case form (no text is stored).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Lexicon {
    /// Hashed lower-case word → code: 1 "seen, never in an entity", 2 + 2·tag + strong.
    entries: FeatMap<u8>,
    /// Hashed lower-case multi-word entity (2 to [`MAX_PHRASE`] words) → code as above.
    phrases: FeatMap<u8>,
}

/// Longest training-lexicon phrase, in tokens.
const MAX_PHRASE: usize = 6;

fn phrase_hash(lowers: impl Iterator<Item = u64>) -> u32 {
    lowers.fold(0x7068_7261_7365, mix) as u32
}

#[derive(Default)]
struct LexCounts {
    counts: FeatMap<Vec<u32>>,
}

impl LexCounts {
    fn add(&mut self, lower: u64, tag: usize, n_tags: usize) {
        let c = self.counts.entry(lower as u32).or_insert_with(|| vec![0; n_tags]);
        c[tag] += 1;
    }
    fn code(counts: &[u32], minus: Option<&[u32]>) -> u8 {
        let get = |k: usize| counts[k] - minus.map_or(0, |m| m[k]);
        let total: u32 = (0..counts.len()).map(get).sum();
        if total == 0 {
            return 0;
        }
        let (best, n) =
            (1..counts.len()).map(|k| (k, get(k))).max_by_key(|&(k, n)| (n, usize::MAX - k)).unwrap_or((0, 0));
        if n == 0 {
            return u8::from(total >= 2);
        }
        let strong = u8::from(2 * n > total);
        2 + 2 * best as u8 + strong
    }
    fn table(&self, minus: Option<&LexCounts>) -> FeatMap<u8> {
        let mut entries = FeatMap::default();
        for (k, c) in &self.counts {
            let m = minus.and_then(|m| m.counts.get(k)).map(Vec::as_slice);
            let code = Self::code(c, m);
            if code != 0 {
                entries.insert(*k, code);
            }
        }
        entries
    }
}

const BOS: u64 = 0x5354_4152_5421;
const EOS: u64 = 0x454e_4421;

/// Marks of training-lexicon phrases per token (0 where none), longest first, left to right.
fn phrase_marks(toks: &[Tok], sentences: &[Range<usize>], lexicon: &Lexicon) -> Vec<u64> {
    let mut phrase_mark = vec![0u64; toks.len()];
    if lexicon.phrases.is_empty() {
        return phrase_mark;
    }
    for sent in sentences {
        let mut i = sent.start;
        while i < sent.end {
            let mut step = 1;
            for len in (2..=MAX_PHRASE.min(sent.end - i)).rev() {
                let h = phrase_hash(toks[i..i + len].iter().map(|t| t.lower));
                if let Some(&code) = lexicon.phrases.get(&h) {
                    for (k, m) in phrase_mark[i..i + len].iter_mut().enumerate() {
                        *m = mix(u64::from(code), u64::from(k == 0)) | 1;
                    }
                    step = len;
                    break;
                }
            }
            i += step;
        }
    }
    phrase_mark
}

/// What tagging a document needs beyond one sentence: its tokens and the document-level
/// evidence (lowercase and mid-sentence capitalised forms, headlines, lexicon phrases, the first
/// pass's tags). Token features are built from it one sentence at a time, so memory per
/// document stays a small multiple of its token count.
struct DocContext<'a> {
    input: &'a TagInput<'a>,
    toks: Vec<Tok>,
    lower_seen: HashSet<u64>,
    midcap: HashSet<u64>,
    headline: Vec<bool>,
    phrase_mark: Vec<u64>,
    nonlocal: Option<NonLocal>,
}

impl<'a> DocContext<'a> {
    fn new(input: &'a TagInput<'a>, lexicon: &Lexicon, first_pass: Option<&[usize]>) -> Self {
        let mut toks = Vec::with_capacity(input.words.len());
        for w in &input.words {
            let (mut t, _) = tok_of(w);
            t.lex = lexicon.entries.get(&(t.lower as u32)).copied().unwrap_or(0);
            toks.push(t);
        }
        // Document-level evidence.
        let mut lower_seen: HashSet<u64> = HashSet::new();
        let mut midcap: HashSet<u64> = HashSet::new();
        let mut headline = vec![false; toks.len()];
        for sent in &input.sentences {
            let words = sent.clone().filter(|&k| toks[k].flags & NOLETTER == 0);
            let (mut n, mut caps) = (0, 0);
            for k in words {
                n += 1;
                if toks[k].flags & CAP != 0 {
                    caps += 1;
                }
                if toks[k].flags & (CAP | NOLETTER) == 0 {
                    lower_seen.insert(toks[k].lower);
                }
            }
            let is_headline = n >= 3 && caps * 5 >= n * 4;
            for k in sent.clone() {
                headline[k] = is_headline;
                let after_punct = k > sent.start && toks[k - 1].flags & NOLETTER != 0;
                if !is_headline
                    && k > sent.start
                    && !after_punct
                    && toks[k].flags & CAP != 0
                    && toks[k].flags & ALLCAPS == 0
                {
                    midcap.insert(toks[k].lower);
                }
            }
        }
        let phrase_mark = phrase_marks(&toks, &input.sentences, lexicon);
        let nonlocal = first_pass.map(|p| NonLocal::new(&toks, p));
        DocContext { input, toks, lower_seen, midcap, headline, phrase_mark, nonlocal }
    }

    /// The hashed features of token `i` of sentence `sent`, appended to `f`.
    #[allow(clippy::too_many_lines)] // a flat list of feature templates, read top to bottom
    fn token_features(&self, sent: &Range<usize>, i: usize, f: &mut Vec<u64>) {
        let (toks, input) = (&self.toks, self.input);
        let t = &toks[i];
        let at = |d: isize| -> Option<&Tok> {
            let j = i.checked_add_signed(d)?;
            (sent.start <= j && j < sent.end).then(|| &toks[j])
        };
        let lw = |d: isize| at(d).map_or(if d < 0 { BOS } else { EOS }, |t| t.lower);
        let sh = |d: isize| at(d).map_or(if d < 0 { BOS } else { EOS }, |t| t.shape);
        let lx = |d: isize| at(d).map_or(255, |t| t.lex);
        f.push(0);
        f.push(mix(1, t.word));
        f.push(mix(2, t.lower));
        f.push(mix(3, t.shape));
        for k in 0..4 {
            f.push(mix(4 + k as u64, t.pre[k]));
            f.push(mix(8 + k as u64, t.suf[k]));
        }
        f.push(mix(12, lw(-1)));
        f.push(mix(13, lw(1)));
        f.push(mix(14, lw(-2)));
        f.push(mix(15, lw(2)));
        f.push(mix(16, sh(-1)));
        f.push(mix(17, sh(1)));
        f.push(mix(18, mix(lw(-1), t.lower)));
        f.push(mix(19, mix(t.lower, lw(1))));
        f.push(mix(20, mix(mix(sh(-1), t.shape), sh(1))));
        f.push(mix(21, mix(u64::from(i == sent.start), t.shape)));
        f.push(mix(22, u64::from(t.flags)));
        f.push(mix(23, u64::from(t.lex)));
        f.push(mix(24, mix(u64::from(lx(-1)), u64::from(t.lex))));
        f.push(mix(25, mix(u64::from(t.lex), u64::from(lx(1)))));
        f.push(mix(26, mix(u64::from(t.lex), t.shape)));
        let g = input.gazetteer.get(i).copied().unwrap_or(0);
        if g != 0 {
            f.push(mix(27, g));
            f.push(mix(28, mix(g, t.shape)));
        }
        let gp = if i > sent.start { input.gazetteer.get(i - 1).copied().unwrap_or(0) } else { 0 };
        let gn = if i + 1 < sent.end { input.gazetteer.get(i + 1).copied().unwrap_or(0) } else { 0 };
        f.push(mix(29, mix(gp, gn)));
        if t.flags & CAP != 0 {
            let low = self.lower_seen.contains(&t.lower);
            let mid = self.midcap.contains(&t.lower);
            f.push(mix(30, mix(u64::from(low), u64::from(mid))));
            f.push(mix(31, mix(mix(u64::from(low), u64::from(mid)), u64::from(i == sent.start || self.headline[i]))));
            f.push(mix(32, mix(u64::from(mid), u64::from(t.lex))));
        }
        f.push(mix(33, mix(u64::from(self.headline[i]), t.shape)));
        f.push(mix(34, mix(at(-1).map_or(BOS, |p| p.word), t.shape)));
        f.push(mix(35, mix(t.shape, lw(1))));
        f.push(mix(36, mix(t.suf[2], sh(1))));
        f.push(mix(37, mix(lw(-1), sh(1))));
        f.push(mix(45, mix(u64::from(lx(-2)), u64::from(lx(2)))));
        f.push(mix(46, at(-1).map_or(BOS, |p| p.suf[2])));
        f.push(mix(47, at(1).map_or(EOS, |p| p.suf[2])));
        f.push(mix(48, mix(t.word, u64::from(i == sent.start))));
        if self.phrase_mark[i] != 0 {
            f.push(mix(49, self.phrase_mark[i]));
            f.push(mix(50, mix(self.phrase_mark[i], t.shape)));
        }
        if let Some(nl) = &self.nonlocal {
            nl.features(i, toks, f);
        }
        for h in f.iter_mut() {
            *h = u64::from(mix(*h, 0x51ed) as u32);
        }
    }
}

/// Hashed features of every token of a document, sentence by sentence.
fn doc_features(input: &TagInput<'_>, lexicon: &Lexicon, first_pass: Option<&[usize]>, out: &mut Vec<Vec<u32>>) {
    let ctx = DocContext::new(input, lexicon, first_pass);
    let mut f = Vec::with_capacity(64);
    for sent in &input.sentences {
        for i in sent.clone() {
            f.clear();
            ctx.token_features(sent, i, &mut f);
            out.push(f.iter().map(|&h| h as u32).collect());
        }
    }
}

/// Document-level evidence from a first tagging pass: how the other occurrences of a word
/// were tagged, and which longer entities it appears in (label consistency across a document).
///
/// Each word form keeps its occurrences in position order with a count per type, so a token's
/// features take the totals and subtract what must not count (its own occurrence, the entities
/// that start within 8 tokens before it): O(log k) for a word seen k times, where counting the
/// other occurrences one by one made a long document quadratic in its frequent words.
struct NonLocal {
    /// Per capitalised word form: `(token, first-pass tag)`; totals per type (`tag.div_ceil(2)`).
    occurrences: HashMap<u64, Tally>,
    /// Per word form: `(first token, type)` of each multi-token entity it is in; totals per type.
    in_long: HashMap<u64, Tally>,
}

/// Entries `(token index, value)` in token order, and how many entries fall in each type.
struct Tally {
    entries: Vec<(usize, usize)>,
    per_type: [u32; 64],
}

impl Default for Tally {
    fn default() -> Self {
        Tally { entries: Vec::new(), per_type: [0; 64] }
    }
}

impl Tally {
    fn push(&mut self, at: usize, value: usize, ty: usize) {
        self.entries.push((at, value));
        self.per_type[ty.min(63)] += 1;
    }

    /// The entries whose token index is in `range` (entries are in token order).
    fn within(&self, range: Range<usize>) -> &[(usize, usize)] {
        let a = self.entries.partition_point(|&(k, _)| k < range.start);
        let b = self.entries.partition_point(|&(k, _)| k < range.end);
        &self.entries[a..b.max(a)]
    }
}

impl NonLocal {
    fn new(toks: &[Tok], pred: &[usize]) -> NonLocal {
        let mut occurrences: HashMap<u64, Tally> = HashMap::new();
        let mut in_long: HashMap<u64, Tally> = HashMap::new();
        for (i, t) in toks.iter().enumerate() {
            if t.flags & NOLETTER == 0 && t.flags & CAP != 0 {
                let tag = pred.get(i).copied().unwrap_or(0);
                occurrences.entry(t.lower).or_default().push(i, tag, tag.div_ceil(2));
            }
        }
        let mut i = 0;
        while i < pred.len().min(toks.len()) {
            if pred[i] % 2 == 1 {
                let mut j = i + 1;
                while j < pred.len() && pred[j] == pred[i] + 1 {
                    j += 1;
                }
                if j - i >= 2 {
                    for t in &toks[i..j] {
                        let ty = pred[i].div_ceil(2);
                        in_long.entry(t.lower).or_default().push(i, ty, ty);
                    }
                }
                i = j;
            } else {
                i += 1;
            }
        }
        NonLocal { occurrences, in_long }
    }

    fn features(&self, i: usize, toks: &[Tok], f: &mut Vec<u64>) {
        let t = &toks[i];
        if t.flags & NOLETTER != 0 || t.flags & CAP == 0 {
            return;
        }
        let mut types = [0u32; 64];
        let mut first = None;
        let mut others = 0;
        if let Some(occ) = self.occurrences.get(&t.lower) {
            // Every occurrence but this token's own.
            types = occ.per_type;
            others = occ.entries.len() as u32;
            let own = occ.within(i..i + 1);
            count_steps(own.len());
            for &(_, tag) in own {
                types[tag.div_ceil(2).min(63)] -= 1;
                others -= 1;
            }
            first = occ.entries.iter().take(2).find(|&&(k, _)| k != i).copied();
        }
        if others == 0 {
            f.push(mix(40, 0));
        } else {
            let (best, n) =
                types.iter().enumerate().max_by_key(|&(k, n)| (*n, usize::MAX - k)).map_or((0, 0), |(k, n)| (k, *n));
            let unanimous = n == others;
            f.push(mix(41, mix(best as u64, u64::from(unanimous))));
            f.push(mix(42, mix(best as u64, t.shape)));
            if let Some((k, tag)) = first {
                f.push(mix(43, mix(tag as u64, u64::from(k < i))));
            }
        }
        if let Some(long) = self.in_long.get(&t.lower) {
            // Every entity the word is in but those starting in the 8 tokens up to this one.
            let mut ty = long.per_type;
            let near = long.within((i + 1).saturating_sub(8)..i + 1);
            count_steps(near.len());
            for &(_, typ) in near {
                ty[typ.min(63)] -= 1;
            }
            if let Some((best, _)) =
                ty.iter().enumerate().filter(|&(_, n)| *n > 0).max_by_key(|&(k, n)| (*n, usize::MAX - k))
            {
                f.push(mix(44, best as u64));
            }
        }
    }
}

fn tag_names(labels: &[String]) -> Vec<String> {
    let mut tags = vec!["O".to_owned()];
    for l in labels {
        tags.push(format!("B-{l}"));
        tags.push(format!("I-{l}"));
    }
    tags
}

/// Whether tag `cur` may follow tag `prev` (`prev == n_tags` is the sentence start).
fn allowed(prev: usize, cur: usize, n_tags: usize) -> bool {
    if cur == 0 || cur % 2 == 1 {
        return true;
    }
    prev < n_tags && prev != 0 && prev.div_ceil(2) == cur / 2
}

/// Viterbi over `emissions` (n × T) and `trans` ((T + 1) × T, last row = start).
fn viterbi(emissions: &[f32], trans: &[f32], n_tags: usize, out: &mut Vec<usize>) {
    let n = emissions.len() / n_tags;
    out.clear();
    if n == 0 {
        return;
    }
    let neg = f32::NEG_INFINITY;
    let mut score = vec![neg; n * n_tags];
    let mut back = vec![0u16; n * n_tags];
    for c in 0..n_tags {
        if allowed(n_tags, c, n_tags) {
            score[c] = trans[n_tags * n_tags + c] + emissions[c];
        }
    }
    for i in 1..n {
        for c in 0..n_tags {
            let mut best = neg;
            let mut arg = 0;
            for p in 0..n_tags {
                if !allowed(p, c, n_tags) {
                    continue;
                }
                let s = score[(i - 1) * n_tags + p] + trans[p * n_tags + c];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            score[i * n_tags + c] = best + emissions[i * n_tags + c];
            back[i * n_tags + c] = arg as u16;
        }
    }
    let last = &score[(n - 1) * n_tags..];
    let mut cur = (0..n_tags).max_by(|&a, &b| last[a].total_cmp(&last[b])).unwrap_or(0);
    out.resize(n, 0);
    for i in (0..n).rev() {
        out[i] = cur;
        cur = back[i * n_tags + cur] as usize;
    }
}

/// Max-marginals: for each token and tag, the score of the best path through that tag
/// (forward plus backward Viterbi scores), n × T.
fn max_marginals(emissions: &[f32], trans: &[f32], n_tags: usize) -> Vec<f32> {
    let n = emissions.len() / n_tags;
    let neg = f32::NEG_INFINITY;
    let mut fwd = vec![neg; n * n_tags];
    let mut bwd = vec![0f32; n * n_tags];
    if n == 0 {
        return fwd;
    }
    for c in 0..n_tags {
        if allowed(n_tags, c, n_tags) {
            fwd[c] = trans[n_tags * n_tags + c] + emissions[c];
        }
    }
    for i in 1..n {
        for c in 0..n_tags {
            let best = (0..n_tags)
                .filter(|&p| allowed(p, c, n_tags))
                .map(|p| fwd[(i - 1) * n_tags + p] + trans[p * n_tags + c])
                .fold(neg, f32::max);
            fwd[i * n_tags + c] = best + emissions[i * n_tags + c];
        }
    }
    for i in (0..n - 1).rev() {
        for c in 0..n_tags {
            bwd[i * n_tags + c] = (0..n_tags)
                .filter(|&d| allowed(c, d, n_tags))
                .map(|d| trans[c * n_tags + d] + emissions[(i + 1) * n_tags + d] + bwd[(i + 1) * n_tags + d])
                .fold(neg, f32::max);
        }
    }
    fwd.iter().zip(&bwd).map(|(a, b)| a + b).collect()
}

/// Softmax of `scores / temperature` at `k` (impossible tags, at -inf, get 0).
fn softmax_at(scores: &[f32], k: usize, temperature: f32) -> f32 {
    let m = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !m.is_finite() {
        return 0.0;
    }
    let z: f32 = scores.iter().map(|x| ((x - m) / temperature).exp()).sum();
    ((scores[k] - m) / temperature).exp() / z
}

/// Options of [`Model::train`].
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Passes over the training data (the best on the development set is kept).
    pub epochs: usize,
    /// Features seen fewer times than this in training are dropped.
    pub min_count: u32,
    /// Folds for the jack-knifed training lexicon (0 or 1: no lexicon feature in training).
    pub folds: usize,
    /// Seed of the sentence shuffle.
    pub seed: u64,
    /// Weights whose absolute averaged value is below this are dropped when saving.
    pub prune: f32,
    /// Train a second pass on document-level features from the first pass's predictions.
    pub two_pass: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 12, min_count: 2, folds: 10, seed: 7, prune: 1e-3, two_pass: true }
    }
}

/// What training did, epoch by epoch.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrainReport {
    /// Span F1 on the development set after each epoch (empty without one).
    pub dev_f1: Vec<f64>,
    /// The epoch kept (1-based).
    pub best_epoch: usize,
    /// Features in the model.
    pub features: usize,
    /// Span F1 on the development set of the first pass, epoch by epoch (two-pass training).
    pub first_pass_dev_f1: Vec<f64>,
    /// Softmax temperature of the confidence scores, fitted on the development set.
    pub temperature: f32,
}

/// A trained tagger: labels, feature weights, transitions and the training lexicon.
#[derive(Debug, Clone)]
pub struct Model {
    labels: Vec<String>,
    tags: Vec<String>,
    index: FeatMap<u32>,
    weights: Vec<f32>,
    trans: Vec<f32>,
    lexicon: Lexicon,
    /// The first-pass model whose predictions feed the document-level features.
    stage1: Option<Box<Model>>,
    /// Softmax temperature of the confidence scores.
    temperature: f32,
    /// Free-form provenance (training data, scores), kept in the file.
    pub meta: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    version: u32,
    labels: Vec<String>,
    keys: Vec<u32>,
    scale: f32,
    weights: Vec<i16>,
    trans: Vec<f32>,
    lexicon: Vec<(u32, u8)>,
    phrases: Vec<(u32, u8)>,
    stage1: Option<Box<ModelFile>>,
    temperature: f32,
    meta: BTreeMap<String, String>,
}

fn iob2_indices(tags: &[String], labels: &[String]) -> Vec<usize> {
    let mut out = vec![0; tags.len()];
    for (ty, r) in spans_of(tags) {
        if let Some(l) = labels.iter().position(|x| *x == ty) {
            out[r.start] = 1 + 2 * l;
            for o in &mut out[r.start + 1..r.end] {
                *o = 2 + 2 * l;
            }
        }
    }
    out
}

struct Prepared {
    feats: Vec<Vec<u32>>,
    sentences: Vec<Range<usize>>,
    gold: Vec<usize>,
}

impl Model {
    /// Trains a tagger on `train`, keeping the epoch with the best span F1 on `dev` (or the
    /// last epoch without one). Labels are the entity types found in `train`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the training data has no entity, or when a document's
    /// tags, sentences and tokens disagree in length.
    pub fn train(
        train: &[TrainDoc],
        dev: Option<&[TrainDoc]>,
        opts: &TrainOptions,
        progress: &mut dyn FnMut(usize, Option<f64>),
    ) -> Result<(Model, TrainReport)> {
        let (mut first, mut report) = Model::train_stage(train, dev, opts, None, None, progress)?;
        if !opts.two_pass {
            if let Some(dev) = dev {
                first.calibrate(dev);
            }
            report.temperature = first.temperature;
            return Ok((first, report));
        }
        // First-pass predictions on the training data come from models that did not see the
        // document (jack-knifed), so the second pass learns how far to trust them.
        let folds = 5.min(train.len()).max(1);
        let mut first_train: Vec<Vec<usize>> = vec![Vec::new(); train.len()];
        let sub_opts = TrainOptions { epochs: report.best_epoch.max(1), ..opts.clone() };
        for k in 0..folds {
            let rest: Vec<TrainDoc> =
                train.iter().enumerate().filter(|(d, _)| d % folds != k).map(|(_, d)| d.clone()).collect();
            let held = || train.iter().enumerate().filter(|(d, _)| d % folds == k);
            let fold_model = if rest.iter().any(|d| d.tags.iter().any(|t| t != "O")) {
                Some(Model::train_stage(&rest, None, &sub_opts, None, None, &mut |_, _| {})?.0)
            } else {
                None
            };
            for (d, doc) in held() {
                first_train[d] =
                    fold_model.as_ref().map_or_else(|| vec![0; doc.words.len()], |m| m.tag(&doc.input()).0);
            }
        }
        let first_dev: Option<Vec<Vec<usize>>> = dev.map(|dv| dv.iter().map(|d| first.tag(&d.input()).0).collect());
        let (mut second, mut report2) =
            Model::train_stage(train, dev, opts, Some(&first_train), first_dev.as_deref(), progress)?;
        report2.first_pass_dev_f1 = report.dev_f1;
        second.stage1 = Some(Box::new(first));
        if let Some(dev) = dev {
            second.calibrate(dev);
        }
        report2.temperature = second.temperature;
        Ok((second, report2))
    }

    #[allow(clippy::too_many_lines, clippy::many_single_char_names)] // one training loop, read top to bottom
    fn train_stage(
        train: &[TrainDoc],
        dev: Option<&[TrainDoc]>,
        opts: &TrainOptions,
        first_train: Option<&[Vec<usize>]>,
        first_dev: Option<&[Vec<usize>]>,
        progress: &mut dyn FnMut(usize, Option<f64>),
    ) -> Result<(Model, TrainReport)> {
        for (d, doc) in train.iter().chain(dev.unwrap_or_default()).enumerate() {
            let n = doc.words.len();
            let covered: usize = doc.sentences.iter().map(ExactSizeIterator::len).sum();
            let bad = doc.tags.len() != n
                || (!doc.gazetteer.is_empty() && doc.gazetteer.len() != n)
                || covered != n
                || doc.sentences.iter().any(|r| r.end > n || r.start >= r.end);
            if bad {
                return Err(Error::InvalidValue {
                    what: format!("training document {d}"),
                    reason: format!("{n} tokens, {} tags and sentences covering {covered} tokens", doc.tags.len()),
                });
            }
        }
        let mut labels: Vec<String> = Vec::new();
        for doc in train {
            for (ty, _) in spans_of(&doc.tags) {
                if !labels.contains(&ty) {
                    labels.push(ty);
                }
            }
        }
        labels.sort();
        if labels.len() > MAX_LABELS {
            return Err(Error::InvalidValue {
                what: "training data".to_owned(),
                reason: format!("{} entity types; a tagger takes at most {MAX_LABELS}", labels.len()),
            });
        }
        if labels.is_empty() {
            return Err(Error::InvalidValue {
                what: "training data".to_owned(),
                reason: "no entity spans to learn from".to_owned(),
            });
        }
        let tags = tag_names(&labels);
        let nt = tags.len();
        let folds = opts.folds.max(1);
        // Lexicon counts, overall and per fold.
        let mut all = LexCounts::default();
        let mut per_fold: Vec<LexCounts> = (0..folds).map(|_| LexCounts::default()).collect();
        let golds: Vec<Vec<usize>> = train.iter().map(|d| iob2_indices(&d.tags, &labels)).collect();
        for (d, doc) in train.iter().enumerate() {
            for (w, &g) in doc.words.iter().zip(&golds[d]) {
                let lower = xxh3_64(w.to_lowercase().as_bytes());
                all.add(lower, g, nt);
                per_fold[d % folds].add(lower, g, nt);
            }
        }
        // Multi-word entities of the training data, by type (B tag), per fold too.
        let mut all_p = LexCounts::default();
        let mut per_fold_p: Vec<LexCounts> = (0..folds).map(|_| LexCounts::default()).collect();
        for (d, doc) in train.iter().enumerate() {
            let lowers: Vec<u64> = doc.words.iter().map(|w| xxh3_64(w.to_lowercase().as_bytes())).collect();
            let mut i = 0;
            while i < golds[d].len() {
                let g = golds[d][i];
                let mut j = i + 1;
                if g % 2 == 1 {
                    while j < golds[d].len() && golds[d][j] == g + 1 {
                        j += 1;
                    }
                    if (2..=MAX_PHRASE).contains(&(j - i)) {
                        let h = u64::from(phrase_hash(lowers[i..j].iter().copied()));
                        all_p.add(h, g, nt);
                        per_fold_p[d % folds].add(h, g, nt);
                    }
                }
                i = j;
            }
        }
        let full_lexicon = Lexicon { entries: all.table(None), phrases: all_p.table(None) };
        let fold_lexicons: Vec<Lexicon> = if folds > 1 {
            per_fold
                .iter()
                .zip(&per_fold_p)
                .map(|(f, fp)| Lexicon { entries: all.table(Some(f)), phrases: all_p.table(Some(fp)) })
                .collect()
        } else {
            vec![Lexicon::default()]
        };
        let featurise = |docs: &[TrainDoc], lexs: &[Lexicon], first: Option<&[Vec<usize>]>| -> Vec<Prepared> {
            docs.iter()
                .enumerate()
                .map(|(d, doc)| {
                    let mut feats = Vec::with_capacity(doc.words.len());
                    doc_features(&doc.input(), &lexs[d % lexs.len()], first.map(|f| f[d].as_slice()), &mut feats);
                    Prepared { feats, sentences: doc.sentences.clone(), gold: iob2_indices(&doc.tags, &labels) }
                })
                .collect()
        };
        let train_p = featurise(train, &fold_lexicons, first_train);
        let dev_p = dev.map(|dev| featurise(dev, std::slice::from_ref(&full_lexicon), first_dev));
        // Feature index.
        let mut counts: FeatMap<u32> = FeatMap::default();
        for p in &train_p {
            for f in p.feats.iter().flatten() {
                *counts.entry(*f).or_default() += 1;
            }
        }
        let mut keys: Vec<u32> = counts.iter().filter(|&(_, &c)| c >= opts.min_count).map(|(&k, _)| k).collect();
        keys.sort_unstable();
        let index: FeatMap<u32> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
        let rows = |feats: &[Vec<u32>]| -> Vec<Vec<u32>> {
            feats.iter().map(|fs| fs.iter().filter_map(|f| index.get(f).copied()).collect()).collect()
        };
        let train_rows: Vec<Vec<Vec<u32>>> = train_p.iter().map(|p| rows(&p.feats)).collect();
        let dev_rows: Option<Vec<Vec<Vec<u32>>>> = dev_p.as_ref().map(|d| d.iter().map(|p| rows(&p.feats)).collect());
        let mut sents: Vec<(usize, Range<usize>)> =
            train_p.iter().enumerate().flat_map(|(d, p)| p.sentences.iter().map(move |r| (d, r.clone()))).collect();
        let nf = keys.len();
        let mut w = vec![0f32; nf * nt];
        let mut acc = vec![0f32; nf * nt];
        let mut tw = vec![0f32; (nt + 1) * nt];
        let mut tacc = vec![0f32; (nt + 1) * nt];
        let mut c: f32 = 1.0;
        let mut rng = opts.seed | 1;
        let mut report = TrainReport { features: nf, ..TrainReport::default() };
        let mut best: Option<(f64, Vec<f32>, Vec<f32>)> = None;
        let mut em = Vec::new();
        let mut pred = Vec::new();
        for epoch in 0..opts.epochs.max(1) {
            for k in (1..sents.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                sents.swap(k, (rng % (k as u64 + 1)) as usize);
            }
            for (d, r) in &sents {
                let feats = &train_rows[*d][r.clone()];
                let gold = &train_p[*d].gold[r.clone()];
                emissions(feats, &w, nt, &mut em);
                viterbi(&em, &tw, nt, &mut pred);
                if pred != gold {
                    for (j, fs) in feats.iter().enumerate() {
                        let (g, p) = (gold[j], pred[j]);
                        if g != p {
                            for &f in fs {
                                let f = f as usize * nt;
                                w[f + g] += 1.0;
                                acc[f + g] += c;
                                w[f + p] -= 1.0;
                                acc[f + p] -= c;
                            }
                        }
                        let pg = if j == 0 { nt } else { gold[j - 1] };
                        let pp = if j == 0 { nt } else { pred[j - 1] };
                        if (pg, g) != (pp, p) {
                            tw[pg * nt + g] += 1.0;
                            tacc[pg * nt + g] += c;
                            tw[pp * nt + p] -= 1.0;
                            tacc[pp * nt + p] -= c;
                        }
                    }
                }
                c += 1.0;
            }
            let avg_w: Vec<f32> = w.iter().zip(&acc).map(|(w, a)| w - a / c).collect();
            let avg_t: Vec<f32> = tw.iter().zip(&tacc).map(|(w, a)| w - a / c).collect();
            let f1 = match (&dev_p, &dev_rows) {
                (Some(dp), Some(dr)) => {
                    let mut scores = Scores::default();
                    for (p, rows) in dp.iter().zip(dr) {
                        for r in &p.sentences {
                            emissions(&rows[r.clone()], &avg_w, nt, &mut em);
                            viterbi(&em, &avg_t, nt, &mut pred);
                            let g: Vec<&str> = p.gold[r.clone()].iter().map(|&t| tags[t].as_str()).collect();
                            let q: Vec<&str> = pred.iter().map(|&t| tags[t].as_str()).collect();
                            scores.add(&g, &q);
                        }
                    }
                    Some(scores.overall().f1)
                }
                _ => None,
            };
            progress(epoch + 1, f1);
            report.dev_f1.extend(f1);
            let better = best.as_ref().is_none_or(|(b, _, _)| f1.unwrap_or(f64::INFINITY) > *b);
            if better {
                report.best_epoch = epoch + 1;
                best = Some((f1.unwrap_or(f64::INFINITY), avg_w, avg_t));
            }
        }
        let (_, weights, trans) = best.unwrap_or_default();
        let model = Model {
            labels,
            tags,
            index,
            weights,
            trans,
            lexicon: full_lexicon,
            stage1: None,
            temperature: 1.0,
            meta: BTreeMap::new(),
        };
        // Round-trip through the compact form so the model in memory is the one that is saved.
        let model = Model::from_file(model.to_file(opts.prune), "trained model")?;
        report.features = model.index.len();
        Ok((model, report))
    }

    /// The entity labels (types) this model tags.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Number of features with weights.
    pub fn n_features(&self) -> usize {
        self.index.len()
    }

    /// Tags a document: one tag index per token (0 = `O`, `2l+1` = `B-label[l]`,
    /// `2l+2` = `I-label[l]`) and, per token, the softmax probability of its tag among the
    /// token's tag scores (a confidence, not a calibrated probability).
    pub fn tag(&self, input: &TagInput<'_>) -> (Vec<usize>, Vec<f32>) {
        let (out, mm) = self.tag_marginals(input);
        let nt = self.tags.len();
        let conf =
            out.iter().enumerate().map(|(i, &t)| softmax_at(&mm[i * nt..(i + 1) * nt], t, self.temperature)).collect();
        (out, conf)
    }

    /// Tags and max-marginals (n × T; -inf where a tag is impossible, 0 outside sentences).
    fn tag_marginals(&self, input: &TagInput<'_>) -> (Vec<usize>, Vec<f32>) {
        let first = self.stage1.as_ref().map(|m| m.tag_marginals(input).0);
        let ctx = DocContext::new(input, &self.lexicon, first.as_deref());
        drop(first);
        let nt = self.tags.len();
        let mut out = vec![0; input.words.len()];
        let mut marg = vec![0f32; input.words.len() * nt];
        let (mut em, mut path, mut f) = (Vec::new(), Vec::new(), Vec::with_capacity(64));
        let mut rows: Vec<Vec<u32>> = Vec::new();
        for r in &input.sentences {
            if r.end > input.words.len() || r.start >= r.end {
                continue;
            }
            rows.clear();
            for i in r.clone() {
                f.clear();
                ctx.token_features(r, i, &mut f);
                rows.push(f.iter().filter_map(|&h| self.index.get(&(h as u32)).copied()).collect());
            }
            emissions(&rows, &self.weights, nt, &mut em);
            viterbi(&em, &self.trans, nt, &mut path);
            let mm = max_marginals(&em, &self.trans, nt);
            out[r.clone()].copy_from_slice(&path);
            marg[r.start * nt..r.end * nt].copy_from_slice(&mm);
        }
        (out, marg)
    }

    /// Fits the confidence temperature on `dev`: the value on a geometric grid that minimises
    /// the negative log-likelihood of the gold tags under the softmax of max-marginals.
    fn calibrate(&mut self, dev: &[TrainDoc]) {
        let labels = self.labels.clone();
        let nt = self.tags.len();
        let mut samples: Vec<(Vec<f32>, usize)> = Vec::new();
        for doc in dev {
            let (_, mm) = self.tag_marginals(&doc.input());
            for (i, g) in iob2_indices(&doc.tags, &labels).into_iter().enumerate() {
                samples.push((mm[i * nt..(i + 1) * nt].to_vec(), g));
            }
        }
        let nll =
            |t: f32| -> f64 { samples.iter().map(|(m, g)| -f64::from(softmax_at(m, *g, t).max(1e-9)).ln()).sum() };
        let grid = (0..16).map(|k| 0.25 * 2f32.powf(k as f32 / 2.0));
        self.temperature = grid.min_by(|a, b| nll(*a).total_cmp(&nll(*b))).unwrap_or(1.0);
    }

    /// The tag name of a tag index (`O`, `B-PER`, …).
    pub fn tag_name(&self, tag: usize) -> &str {
        &self.tags[tag]
    }

    fn to_file(&self, prune: f32) -> ModelFile {
        let nt = self.tags.len();
        let mut keyed: Vec<(u32, u32)> = self.index.iter().map(|(&k, &v)| (k, v)).collect();
        keyed.sort_unstable();
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-9);
        let scale = max / f32::from(i16::MAX);
        let mut keys = Vec::new();
        let mut weights = Vec::new();
        for (k, row) in keyed {
            let ws = &self.weights[row as usize * nt..(row as usize + 1) * nt];
            if ws.iter().all(|w| w.abs() < prune.max(scale)) {
                continue;
            }
            keys.push(k);
            weights.extend(ws.iter().map(|w| (w / scale).round() as i16));
        }
        let mut lexicon: Vec<(u32, u8)> = self.lexicon.entries.iter().map(|(&k, &v)| (k, v)).collect();
        lexicon.sort_unstable();
        let mut phrases: Vec<(u32, u8)> = self.lexicon.phrases.iter().map(|(&k, &v)| (k, v)).collect();
        phrases.sort_unstable();
        ModelFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            labels: self.labels.clone(),
            keys,
            scale,
            weights,
            trans: self.trans.clone(),
            lexicon,
            phrases,
            stage1: self.stage1.as_ref().map(|m| Box::new(m.to_file(prune))),
            temperature: self.temperature,
            meta: self.meta.clone(),
        }
    }

    fn from_file(file: ModelFile, origin: &str) -> Result<Model> {
        let bad = |reason: String| Error::InvalidModel { origin: origin.to_owned(), reason };
        if file.format != FORMAT {
            return Err(bad(format!("not a copydesk tagger (format {:?})", file.format)));
        }
        if file.version != VERSION {
            return Err(bad(format!("model version {} but this copydesk reads version {VERSION}", file.version)));
        }
        if file.labels.is_empty() || file.labels.len() > MAX_LABELS || file.labels.iter().any(String::is_empty) {
            return Err(bad(format!("no labels, more than {MAX_LABELS}, or an empty label")));
        }
        let tags = tag_names(&file.labels);
        let nt = tags.len();
        if file.weights.len() != file.keys.len() * nt {
            return Err(bad(format!("{} weights for {} features × {nt} tags", file.weights.len(), file.keys.len())));
        }
        if file.trans.len() != (nt + 1) * nt || file.trans.iter().any(|t| !t.is_finite()) {
            return Err(bad("transition table has the wrong size or non-finite values".to_owned()));
        }
        if !file.temperature.is_finite() || file.temperature <= 0.0 {
            return Err(bad("confidence temperature is not a positive number".to_owned()));
        }
        if !file.scale.is_finite() || file.scale <= 0.0 {
            return Err(bad("weight scale is not a positive number".to_owned()));
        }
        if file.keys.windows(2).any(|w| w[0] >= w[1]) || file.lexicon.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(bad("feature keys are not sorted and unique".to_owned()));
        }
        if file.phrases.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(bad("phrase keys are not sorted and unique".to_owned()));
        }
        if file.lexicon.iter().chain(&file.phrases).any(|&(_, c)| c != 1 && (c < 2 || usize::from(c - 2) / 2 >= nt)) {
            return Err(bad("lexicon code out of range".to_owned()));
        }
        let stage1 = match file.stage1 {
            Some(f) if f.stage1.is_none() && f.labels == file.labels => Some(Box::new(Model::from_file(*f, origin)?)),
            Some(_) => return Err(bad("first-pass model has other labels or is nested".to_owned())),
            None => None,
        };
        let index = file.keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
        let weights = file.weights.iter().map(|&w| f32::from(w) * file.scale).collect();
        Ok(Model {
            labels: file.labels,
            tags,
            index,
            weights,
            trans: file.trans,
            lexicon: Lexicon {
                entries: file.lexicon.into_iter().collect(),
                phrases: file.phrases.into_iter().collect(),
            },
            stage1,
            temperature: file.temperature,
            meta: file.meta,
        })
    }

    /// The model in its file form: gzip-compressed postcard.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let file = self.to_file(0.0);
        let raw = postcard::to_allocvec(&file)
            .map_err(|e| Error::InvalidModel { origin: "model".to_owned(), reason: e.to_string() })?;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&raw).and_then(|()| enc.finish()).map_err(|e| Error::io("model", e))
    }

    /// Reads a model from its file form; `origin` names it in errors.
    ///
    /// # Errors
    /// [`Error::InvalidModel`] for anything that is not a valid model of this version.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Model> {
        let bad = |reason: String| Error::InvalidModel { origin: origin.to_owned(), reason };
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_MODEL_BYTES)
            .read_to_end(&mut raw)
            .map_err(|e| bad(format!("not a gzip-compressed model, or truncated ({e})")))?;
        let file: ModelFile = postcard::from_bytes(&raw).map_err(|e| bad(format!("cannot decode the model: {e}")))?;
        Model::from_file(file, origin)
    }

    /// Writes the model to `path`.
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        std::fs::write(path, self.to_bytes()?).map_err(|e| Error::io(path, e))
    }

    /// Reads a model from `path`.
    pub fn load(path: &std::path::Path) -> Result<Model> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Model::from_bytes(&bytes, &path.display().to_string())
    }
}

fn emissions(rows: &[Vec<u32>], w: &[f32], nt: usize, out: &mut Vec<f32>) {
    out.clear();
    out.resize(rows.len() * nt, 0.0);
    for (j, fs) in rows.iter().enumerate() {
        let o = &mut out[j * nt..(j + 1) * nt];
        for &f in fs {
            let r = &w[f as usize * nt..(f as usize + 1) * nt];
            for (a, b) in o.iter_mut().zip(r) {
                *a += b;
            }
        }
    }
}

/// A training document from CoNLL sentences (gazetteer marks left empty).
pub fn train_doc_of(doc: &[crate::entities::conll::TaggedSentence]) -> TrainDoc {
    let mut out = TrainDoc::default();
    for s in doc {
        let start = out.words.len();
        out.words.extend(s.words.iter().cloned());
        out.tags.extend(s.tags.iter().cloned());
        out.sentences.push(start..out.words.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(sents: &[&[(&str, &str)]]) -> TrainDoc {
        let s: Vec<crate::entities::conll::TaggedSentence> = sents
            .iter()
            .map(|s| crate::entities::conll::TaggedSentence {
                words: s.iter().map(|(w, _)| (*w).to_owned()).collect(),
                tags: s.iter().map(|(_, t)| (*t).to_owned()).collect(),
            })
            .collect();
        train_doc_of(&s)
    }

    fn toy() -> Vec<TrainDoc> {
        let names = ["Smith", "Jones", "Brown", "Karim", "Shamir", "Petrov"];
        let places = ["Aleppo", "Moscow", "Paris", "Damascus", "Homs", "Berlin"];
        let mut docs = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let p = places[i];
            docs.push(doc(&[
                &[("Mr", "O"), (n, "B-PER"), ("went", "O"), ("to", "O"), (p, "B-LOC"), (".", "O")],
                &[("He", "O"), ("said", "O"), ("that", "O"), (p, "B-LOC"), ("is", "O"), ("big", "O")],
            ]));
        }
        docs
    }

    #[test]
    fn learns_a_toy_pattern_and_round_trips() {
        let docs = toy();
        let opts = TrainOptions { epochs: 10, min_count: 1, folds: 2, ..TrainOptions::default() };
        let (model, report) = Model::train(&docs, Some(&docs), &opts, &mut |_, _| {}).unwrap();
        assert_eq!(model.labels(), ["LOC", "PER"]);
        assert!(report.dev_f1.iter().copied().fold(0.0, f64::max) > 0.8, "{report:?}");
        let input = TagInput {
            words: vec!["Mr", "Jones", "went", "to", "Paris", "."],
            sentences: std::iter::once(0..6).collect(),
            gazetteer: vec![],
        };
        let (tags, conf) = model.tag(&input);
        assert_eq!(model.tag_name(tags[1]), "B-PER");
        assert_eq!(model.tag_name(tags[4]), "B-LOC");
        assert!(conf.iter().all(|c| (0.0..=1.0).contains(c)));
        let bytes = model.to_bytes().unwrap();
        let again = Model::from_bytes(&bytes, "mem").unwrap();
        assert_eq!(again.tag(&input), model.tag(&input));
    }

    #[test]
    fn corrupt_and_truncated_files_are_errors() {
        let docs = toy();
        let opts = TrainOptions { epochs: 1, min_count: 1, ..TrainOptions::default() };
        let (model, _) = Model::train(&docs, None, &opts, &mut |_, _| {}).unwrap();
        let bytes = model.to_bytes().unwrap();
        for cut in [0, 1, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(matches!(Model::from_bytes(&bytes[..cut], "t"), Err(Error::InvalidModel { .. })), "cut {cut}");
        }
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0xff;
        assert!(Model::from_bytes(&flipped, "t").is_err());
        assert!(Model::from_bytes(b"hello", "t").is_err());
    }

    #[test]
    fn viterbi_respects_iob2() {
        // Emissions favour I-X at the start; the constraint forbids it.
        let nt = 3;
        let em = [0.0, 0.0, 5.0, 0.0, 0.0, 5.0];
        let trans = vec![0.0; (nt + 1) * nt];
        let mut out = Vec::new();
        viterbi(&em, &trans, nt, &mut out);
        assert_eq!(out, [1, 2]);
    }

    /// The document-level features as first written: every other occurrence counted one by one.
    fn nonlocal_by_scanning(toks: &[Tok], pred: &[usize], i: usize) -> Vec<u64> {
        let mut f = Vec::new();
        let t = &toks[i];
        if t.flags & NOLETTER != 0 || t.flags & CAP == 0 {
            return f;
        }
        let mut types = [0u32; 64];
        let mut first = None;
        let mut others = 0;
        for (k, o) in toks.iter().enumerate() {
            if k != i && o.flags & NOLETTER == 0 && o.flags & CAP != 0 && o.lower == t.lower {
                let tag = pred.get(k).copied().unwrap_or(0);
                others += 1;
                types[tag.div_ceil(2).min(63)] += 1;
                first.get_or_insert((k, tag));
            }
        }
        if others == 0 {
            f.push(mix(40, 0));
        } else {
            let (best, n) =
                types.iter().enumerate().max_by_key(|&(k, n)| (*n, usize::MAX - k)).map_or((0, 0), |(k, n)| (k, *n));
            f.push(mix(41, mix(best as u64, u64::from(n == others))));
            f.push(mix(42, mix(best as u64, t.shape)));
            if let Some((k, tag)) = first {
                f.push(mix(43, mix(tag as u64, u64::from(k < i))));
            }
        }
        let mut ty = [0u32; 64];
        let mut any = false;
        let mut s = 0;
        while s < pred.len().min(toks.len()) {
            if pred[s] % 2 == 1 {
                let mut j = s + 1;
                while j < pred.len() && pred[j] == pred[s] + 1 {
                    j += 1;
                }
                if j - s >= 2 {
                    for o in &toks[s..j] {
                        if o.lower == t.lower {
                            any = true;
                            if s > i || i >= s + 8 {
                                ty[pred[s].div_ceil(2).min(63)] += 1;
                            }
                        }
                    }
                }
                s = j;
            } else {
                s += 1;
            }
        }
        if any {
            if let Some((best, _)) =
                ty.iter().enumerate().filter(|&(_, n)| *n > 0).max_by_key(|&(k, n)| (*n, usize::MAX - k))
            {
                f.push(mix(44, best as u64));
            }
        }
        f
    }

    /// A document of `n` tokens from a few words, with a first pass of entities of 1–3 tokens.
    fn nonlocal_doc(n: usize, seed: u64) -> (Vec<Tok>, Vec<usize>) {
        let words = ["Aleppo", "Syria", "the", "Assad", "said", "Bashar", ",", "Homs", "army", "Lavrov"];
        let mut x = seed;
        let mut next = move || {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) as usize
        };
        let toks: Vec<Tok> = (0..n).map(|_| tok_of(words[next() % words.len()]).0).collect();
        let mut pred = vec![0; n];
        let mut i = 0;
        while i < n {
            if next() % 3 == 0 {
                let label = next() % 4;
                let len = 1 + next() % 3;
                for (k, p) in pred.iter_mut().enumerate().skip(i).take(len) {
                    *p = if k == i { 2 * label + 1 } else { 2 * label + 2 };
                }
                i += len;
            } else {
                i += 1;
            }
        }
        (toks, pred)
    }

    #[test]
    fn document_features_match_counting_every_occurrence() {
        for seed in 0..20 {
            let (toks, pred) = nonlocal_doc(300, seed);
            let nl = NonLocal::new(&toks, &pred);
            for i in 0..toks.len() {
                let mut f = Vec::new();
                nl.features(i, &toks, &mut f);
                assert_eq!(f, nonlocal_by_scanning(&toks, &pred, i), "seed {seed}, token {i}");
            }
        }
    }

    #[test]
    fn document_features_cost_the_same_per_token_in_a_long_document() {
        // Ten word forms in 2,000 and in 32,000 tokens: each form is seen 16 times as often in
        // the longer document, and the entries looked at per token must not grow with that.
        let steps_per_token = |n: usize| {
            let (toks, pred) = nonlocal_doc(n, 1);
            let nl = NonLocal::new(&toks, &pred);
            let mut f = Vec::new();
            let steps = crate::entities::steps_of(|| {
                for i in 0..n {
                    f.clear();
                    nl.features(i, &toks, &mut f);
                }
            });
            steps as f64 / n as f64
        };
        let (short, long) = (steps_per_token(2_000), steps_per_token(32_000));
        assert!(short > 0.0 && long <= 1.2 * short + 0.1, "{short:.2} vs {long:.2} entries per token");
        assert!(long < 8.0, "{long:.2} entries per token");
    }

    #[test]
    fn bad_training_data_is_an_error() {
        let mut d = toy();
        d[0].tags.pop();
        assert!(Model::train(&d, None, &TrainOptions::default(), &mut |_, _| {}).is_err());
        let empty = vec![doc(&[&[("a", "O")]])];
        assert!(Model::train(&empty, None, &TrainOptions::default(), &mut |_, _| {}).is_err());
    }
}
