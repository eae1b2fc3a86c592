//! Unicode repair and normalisation, and the folded *matching form* of text.
//!
//! One pass over the characters proposes edits for:
//! * **mojibake**: UTF-8 that was read as cp1252 or latin-1 (`â€™` for `’`, `Ã©` for `é`).
//!   Runs of characters from the cp1252/latin-1 upper half are mapped back to the bytes they
//!   stood for; where those bytes form valid multi-byte UTF-8, the run is replaced by what it
//!   decodes to. A lone accented letter never forms such a sequence, so real latin-1 text is
//!   left alone.
//! * **control characters** (C0 other than tab/newline, C1) and **invisible format
//!   characters** (zero-width space, word joiner, BOM, soft hyphen) are removed; zero-width
//!   joiners/non-joiners stay because Arabic, Persian and emoji need them.
//! * **line breaks**: CRLF and lone CR become LF.
//! * **spaces**: NBSP, narrow NBSP, the U+2000 spaces, ideographic space and tab become a plain
//!   space (the cleaned text keeps the outlet's quotes and dashes; only spacing is unified).
//! * **NFC** (or NFKC) normalisation, per segment between stable starters, so an edit covers
//!   only the characters that change; a quick check skips text that is already normal.
//!
//! No rule looks across a space or line break followed by an ASCII character (a *seam*,
//! [`is_seam`]): the text either side of a seam is decided apart, so after other stages'
//! edits only the [`windows`] between the seams around them need reading again.
//!
//! [`fold`] gives the matching form used to compare lines and titles: lowercase, curly quotes
//! and primes to `'`/`"`, dashes to `-`, any space run to one space, trimmed. [`fold_key`]
//! hashes the start of a fold's letters and digits without folding: lines with one fold have
//! one key, so only lines sharing a key need folding to be compared.

use std::fmt::Write as _;
use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick, is_nfkc_quick};

use crate::clean::edits::StageEdit;
use xxhash_rust::xxh3::xxh3_64;

/// Unicode normalisation form applied to the cleaned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NormalForm {
    /// Canonical composition (keeps compatibility characters such as ligatures and `½`).
    #[default]
    Nfc,
    /// Compatibility composition (`ﬁ` → `fi`, full-width letters → ASCII).
    Nfkc,
}

/// The byte a cp1252 (or, for C1 controls, latin-1) decoder turned into `c`, if any.
fn cp1252_byte(c: char) -> Option<u8> {
    let code = c as u32;
    if (0xA0..=0xFF).contains(&code) || (0x80..=0x9F).contains(&code) {
        return u8::try_from(code).ok();
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

/// Mojibake repairs in `text` as stage edits.
fn mojibake(text: &str, out: &mut Vec<StageEdit>) {
    // Only characters from À..ô can start a UTF-8 multi-byte sequence read as cp1252.
    // (U+00C2..U+00F4: the bytes C3 82..C3 B4.)
    let bytes = text.as_bytes();
    if !memchr::memchr_iter(0xC3, bytes).any(|k| matches!(bytes.get(k + 1), Some(0x82..=0xB4))) {
        return;
    }
    for_each_cp1252_run(text, |run| {
        if run.len() >= 2 {
            let bytes: Vec<u8> = run.iter().map(|r| r.2).collect();
            for chunk in Utf8Runs::new(&bytes) {
                let (start, end, decoded) = chunk;
                let from = run[start].0;
                let to = run[end - 1].0 + run[end - 1].1.len_utf8();
                let reason = format!("mojibake: UTF-8 bytes read as cp1252 decoded to {decoded:?}");
                out.push(StageEdit::replace(from..to, decoded, "mojibake", reason));
            }
        }
    });
}

/// Calls `each` on every run of non-ASCII characters in a row that all have a cp1252 byte,
/// as `(offset, character, byte)`. Only non-ASCII characters are read: an ASCII stretch
/// between two of them ends a run.
fn for_each_cp1252_run(text: &str, mut each: impl FnMut(&[(usize, char, u8)])) {
    let mut run: Vec<(usize, char, u8)> = Vec::new();
    let mut flush = |run: &mut Vec<(usize, char, u8)>| {
        if !run.is_empty() {
            each(run);
            run.clear();
        }
    };
    let mut at = 0;
    while let Some(i) = next_non_ascii(text.as_bytes(), at) {
        if i > at {
            flush(&mut run);
        }
        let c = text[i..].chars().next().expect("a lead byte starts a character");
        match cp1252_byte(c) {
            Some(b) => run.push((i, c, b)),
            None => flush(&mut run),
        }
        at = i + c.len_utf8();
    }
    flush(&mut run);
}

/// Whether a character is something mojibake commonly stands for: Latin, Greek, Cyrillic,
/// Hebrew and Arabic letters, general punctuation, currency and letter-like symbols, emoji.
/// Rarer scripts are not accepted: `á¡¡` in Spanish text is not a Mongolian letter.
fn plausible(c: char) -> bool {
    matches!(c as u32,
        0xA0..=0x2FF | 0x370..=0x52F | 0x590..=0x6FF | 0x2000..=0x206F | 0x20A0..=0x20CF | 0x2100..=0x218F
        | 0x2190..=0x21FF | 0x2200..=0x22FF | 0x25A0..=0x25FF | 0x2600..=0x27BF | 0xFB00..=0xFB4F | 0xFE70..=0xFEFF
        | 0x1F300..=0x1FAFF)
}

/// Maximal valid multi-byte UTF-8 sequences in `bytes`, as (start, end, decoded) where
/// start/end index `bytes`. Sequences that decode to C1 controls are skipped.
struct Utf8Runs<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Utf8Runs<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Utf8Runs { bytes, pos: 0 }
    }
}

impl Iterator for Utf8Runs<'_> {
    type Item = (usize, usize, String);

    fn next(&mut self) -> Option<Self::Item> {
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let mut end = start;
            let mut decoded = String::new();
            while let Some(&lead) = self.bytes.get(end) {
                let width = match lead {
                    0xC2..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF4 => 4,
                    _ => break,
                };
                let Some(seq) = self.bytes.get(end..end + width) else { break };
                let Ok(s) = std::str::from_utf8(seq) else { break };
                if !s.chars().all(plausible) {
                    break;
                }
                decoded.push_str(s);
                end += width;
            }
            if end > start {
                self.pos = end;
                return Some((start, end, decoded));
            }
            self.pos += 1;
        }
        None
    }
}

fn is_removable_format(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{2061}'..='\u{2064}')
}

fn is_odd_space(c: char) -> bool {
    matches!(c, '\t' | '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

fn describe(c: char) -> String {
    let mut s = String::new();
    let _ = write!(s, "U+{:04X}", c as u32);
    s
}

/// Whether byte `b` can start a character that [`characters`] edits: C0 controls other
/// than LF (tab and CR among them), DEL, U+0080..U+00BF (C1 controls, NEL, NBSP, soft
/// hyphen: lead byte C2), U+1680 and U+180E (E1), U+2000..U+206F (E2), U+3000 (E3) and
/// U+FEFF (EF). Text between such bytes is skipped unread.
fn may_edit(b: u8) -> bool {
    MAY_EDIT[usize::from(b)]
}

/// [`may_edit`] as a table.
static MAY_EDIT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b < 0x20 && b != 0x0A) || matches!(b, 0x7F | 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF);
        b += 1;
    }
    table
};

/// Bytes tested together by [`skip_plain_chunks`].
const CHUNK: usize = 32;

/// Where the first [`CHUNK`] bytes at or after `from` that are not all `plain` start (or the
/// last stretch, shorter than a chunk): the bytes before are all `plain`. Each chunk is tested
/// whole, with no early exit inside and a length known when compiled, so that the test
/// vectorises (over a slice's chunk, whose length is known only at run time, it runs a byte
/// at a time).
fn skip_plain_chunks(bytes: &[u8], from: usize, plain: impl Fn(u8) -> bool) -> usize {
    let mut at = from;
    for chunk in bytes[from.min(bytes.len())..].chunks_exact(CHUNK) {
        if chunk.iter().fold(0u8, |acc, &b| acc | u8::from(!plain(b))) != 0 {
            break;
        }
        at += CHUNK;
    }
    at
}

/// The first byte at or after `from` that [`may_edit`], skipping chunks of printable ASCII
/// and LF (most text) whole ([`skip_plain_chunks`]).
fn next_may_edit(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        at = skip_plain_chunks(bytes, at, |b| b.wrapping_sub(0x20) < 0x5F || b == b'\n');
        let end = bytes.len().min(at + CHUNK);
        if let Some(k) = bytes[at..end].iter().position(|&b| may_edit(b)) {
            return Some(at + k);
        }
        if end == bytes.len() {
            return None;
        }
        at = end;
    }
}

/// Control, invisible, line-break and space edits.
fn characters(text: &str, out: &mut Vec<StageEdit>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(i) = next_may_edit(bytes, at) {
        if bytes[i] == 0xE2 && !matches!(bytes.get(i + 1), Some(0x80 | 0x81)) {
            // U+2080 and above (arrows, symbols): none is edited here.
            at = i + 1;
            continue;
        }
        let c = text[i..].chars().next().expect("a lead byte starts a character");
        let end = i + c.len_utf8();
        at = end;
        if c == '\r' {
            if text[end..].starts_with('\n') {
                out.push(StageEdit::remove(i..end, "newline", "CRLF line break made LF"));
            } else {
                out.push(StageEdit::replace(i..end, "\n", "newline", "CR line break made LF"));
            }
        } else if matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
            out.push(StageEdit::replace(i..end, "\n", "newline", format!("{} line separator made LF", describe(c))));
        } else if is_odd_space(c) {
            out.push(StageEdit::replace(i..end, " ", "space", format!("{} made a plain space", describe(c))));
        } else if c != '\n' && (c.is_control()) {
            out.push(StageEdit::remove(i..end, "control-char", format!("control character {} removed", describe(c))));
        } else if is_removable_format(c) {
            out.push(StageEdit::remove(
                i..end,
                "invisible-char",
                format!("invisible character {} removed", describe(c)),
            ));
        }
    }
}

/// The first non-ASCII byte at or after `from`, skipping ASCII a word at a time.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 32) {
        if !chunk.is_ascii() {
            break;
        }
        at += 32;
    }
    bytes[at..].iter().position(|&b| b >= 0x80).map(|k| at + k)
}

/// The quick check of `text` for `form`, run only over its non-ASCII runs: ASCII is always
/// normal and resets the check's state, so the runs decide alone.
fn quick_check(text: &str, form: NormalForm) -> IsNormalized {
    let bytes = text.as_bytes();
    let mut result = IsNormalized::Yes;
    let mut at = 0;
    while let Some(start) = next_non_ascii(bytes, at) {
        let end = bytes[start..].iter().position(u8::is_ascii).map_or(bytes.len(), |n| start + n);
        let run = text[start..end].chars();
        let quick = match form {
            NormalForm::Nfc => is_nfc_quick(run),
            NormalForm::Nfkc => is_nfkc_quick(run),
        };
        match quick {
            IsNormalized::No => return IsNormalized::No,
            IsNormalized::Maybe => result = IsNormalized::Maybe,
            IsNormalized::Yes => {}
        }
        at = end;
    }
    result
}

/// Unicode normalisation edits, one per segment that changes.
fn normalize(text: &str, form: NormalForm, out: &mut Vec<StageEdit>) {
    if quick_check(text, form) == IsNormalized::Yes {
        return;
    }
    let stable = |c: char| -> bool {
        canonical_combining_class(c) == 0
            && match form {
                NormalForm::Nfc => is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes,
                NormalForm::Nfkc => is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes,
            }
    };
    let mut seg_start = 0;
    let flush = |from: usize, to: usize, out: &mut Vec<StageEdit>| {
        if from >= to {
            return;
        }
        let seg = &text[from..to];
        let normal: String = match form {
            NormalForm::Nfc => seg.nfc().collect(),
            NormalForm::Nfkc => seg.nfkc().collect(),
        };
        if normal != seg {
            let name = if form == NormalForm::Nfc { "nfc" } else { "nfkc" };
            out.push(StageEdit::replace(
                from..to,
                normal,
                name,
                format!("Unicode {} normalisation", name.to_uppercase()),
            ));
        }
    };
    for (i, c) in text.char_indices() {
        if i > seg_start && stable(c) {
            flush(seg_start, i, out);
            seg_start = i;
        }
    }
    flush(seg_start, text.len(), out);
}

/// A quote mark or dash that an encoding accident turned into the cp1252 bullet byte 0x95
/// followed by 0x81, 0x5F (`_`) or 0xB5 (`µ`): FA-KES has 71 of them (`Syria•_s`,
/// `•\u{81}Time is running out`, `Aleppo •_ monitor`). Between spaces it stood for a dash;
/// before 0x81 for a double quote; otherwise for an apostrophe or single quote.
fn broken_quotes(text: &str, out: &mut Vec<StageEdit>) {
    if finder!("•").find(text.as_bytes()).is_none() {
        return;
    }
    let mut chars = text.char_indices().peekable();
    let mut prev = ' ';
    while let Some((i, c)) = chars.next() {
        if c == '•' {
            if let Some(&(j, next)) = chars.peek() {
                if matches!(next, '_' | '\u{81}' | 'µ') {
                    let end = j + next.len_utf8();
                    let after = text[end..].chars().next().unwrap_or(' ');
                    let replacement = if prev.is_whitespace() && after.is_whitespace() {
                        "-"
                    } else if next == '\u{81}' {
                        "\""
                    } else {
                        "'"
                    };
                    out.push(StageEdit::replace(
                        i..end,
                        replacement,
                        "broken-quote",
                        "a quote mark or dash broken into the bytes 95 81 / 95 5F / 95 B5 by an encoding accident",
                    ));
                    chars.next();
                    prev = next;
                    continue;
                }
            }
        }
        prev = c;
    }
}

/// The character-level stage: mojibake, broken quote marks, controls, invisibles, line
/// breaks and spaces.
pub fn repair_characters(text: &str) -> Vec<StageEdit> {
    let mut edits = Vec::new();
    broken_quotes(text, &mut edits);
    mojibake(text, &mut edits);
    characters(text, &mut edits);
    edits.sort_by_key(|e| e.range.start);
    // Mojibake runs are non-ASCII letters, character edits are controls and spaces: they
    // never overlap, but keep the first should a future rule make them.
    let mut last_end = 0;
    edits.retain(|e| {
        let keep = e.range.start >= last_end;
        if keep {
            last_end = e.range.end;
        }
        keep
    });
    edits
}

/// The normalisation stage (run after [`repair_characters`]).
pub fn normalize_form(text: &str, form: NormalForm) -> Vec<StageEdit> {
    let mut edits = Vec::new();
    normalize(text, form, &mut edits);
    edits
}

/// Whether the character stages ([`repair_characters`], [`normalize_form`]) decide the text
/// before byte `at` and the text after it apart: their edits of the whole text are those of
/// the two parts. So at either end of the text, and where a space or line break comes before
/// an ASCII character: no mojibake run holds an ASCII character, a normalisation segment
/// starts at every ASCII character, a CR looks only at the character after it, and a broken
/// quote (`•` and `_`, U+0081 or `µ`) looks one character either side of it, which a space
/// or line break is not part of.
pub fn is_seam(bytes: &[u8], at: usize) -> bool {
    at == 0 || at >= bytes.len() || (matches!(bytes[at - 1], b' ' | b'\n') && bytes[at].is_ascii())
}

/// The stretches of `text` the character stages must read again when the text differs only
/// in `changed` (byte ranges, in any order) from one they found nothing to do in: each range
/// widened to the nearest seam ([`is_seam`]) either side whose two bytes lie outside it,
/// overlapping stretches merged. Elsewhere the text is cut at seams into parts that are as
/// they were, which the stages decide alone: they find nothing there again.
pub fn windows(text: &str, changed: &[Range<usize>]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut ranges: Vec<Range<usize>> = changed.iter().map(|r| r.start.min(len)..r.end.min(len)).collect();
    ranges.sort_unstable_by_key(|r| (r.start, r.end));
    // A seam at `p` reads bytes `p - 1` and `p`: a window starts at a seam with both before
    // the range, and ends at one with both at or after its end.
    let seam_after = |mut from: usize| {
        while let Some(k) = memchr::memchr2(b' ', b'\n', &bytes[from..]) {
            if is_seam(bytes, from + k + 1) {
                return from + k + 1;
            }
            from += k + 1;
        }
        len
    };
    // Searched back no further than `floor` (the end of the window before, itself a seam).
    let seam_before = |start: usize, floor: usize| {
        let mut before = start.saturating_sub(1);
        while before > floor {
            match memchr::memrchr2(b' ', b'\n', &bytes[floor..before]) {
                Some(k) if is_seam(bytes, floor + k + 1) => return floor + k + 1,
                Some(k) => before = floor + k,
                None => break,
            }
        }
        floor
    };
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            // From inside the window before or from its closing seam (whose bytes it then
            // holds): that window grows if the range reaches its closing seam.
            Some(last) if r.start <= last.end => {
                if r.end >= last.end {
                    last.end = seam_after(r.end);
                }
            }
            last => {
                let floor = last.map_or(0, |w| w.end);
                out.push(seam_before(r.start, floor)..seam_after(r.end));
            }
        }
    }
    out
}

/// [`repair_characters`] read only over `windows` (sorted, apart, each cut at seams): edits
/// in offsets of the whole text.
pub fn repair_characters_in(text: &str, windows: &[Range<usize>]) -> Vec<StageEdit> {
    in_windows(text, windows, repair_characters)
}

/// [`normalize_form`] read only over `windows`, as [`repair_characters_in`].
pub fn normalize_form_in(text: &str, form: NormalForm, windows: &[Range<usize>]) -> Vec<StageEdit> {
    in_windows(text, windows, |t| normalize_form(t, form))
}

fn in_windows(text: &str, windows: &[Range<usize>], stage: impl Fn(&str) -> Vec<StageEdit>) -> Vec<StageEdit> {
    if let [only] = windows {
        if only.start == 0 && only.end == text.len() {
            return stage(text);
        }
    }
    let mut edits = Vec::new();
    for w in windows {
        edits.extend(stage(&text[w.clone()]).into_iter().map(|mut e| {
            e.range = e.range.start + w.start..e.range.end + w.start;
            e
        }));
    }
    edits
}

/// The matching form of `text`: lowercase, quotes/dashes/spaces folded, trimmed.
///
/// # Examples
/// ```
/// use copydesk::clean::unicode::fold;
/// assert_eq!(fold("  Syria’s  “East”\u{a0}Aleppo — "), "syria's \"east\" aleppo -");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Whether folding `bytes` only lowercases them: printable ASCII without a backtick, no
/// space at either end, no two spaces in a row.
fn is_plain_ascii(bytes: &[u8]) -> bool {
    bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && printable_ascii_prefix(bytes) == bytes.len()
        && finder!(b"  ").find(bytes).is_none()
}

/// The length of the longest prefix of printable ASCII (space to `~`) without a backtick.
fn printable_ascii_prefix(bytes: &[u8]) -> usize {
    let simple = |b: u8| b.wrapping_sub(0x20) < 0x5F && b != b'`';
    // Most calls in non-Latin text start at a letter outside ASCII: no chunk to test.
    if !bytes.first().is_some_and(|&b| simple(b)) {
        return 0;
    }
    let done = skip_plain_chunks(bytes, 0, simple);
    let rest = &bytes[done..];
    // The last chunk's bytes as one more chunk (overlapping the one before) rather than the
    // rest a byte at a time.
    if rest.len() < CHUNK
        && bytes.len() >= CHUNK
        && skip_plain_chunks(bytes, bytes.len() - CHUNK, simple) == bytes.len()
    {
        return bytes.len();
    }
    done + rest.iter().position(|&b| !simple(b)).unwrap_or(rest.len())
}

/// A character's matching form before lowercasing: quote, apostrophe and dash variants become
/// their ASCII forms, any whitespace a space.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        '`' | '‘' | '’' | '‚' | '‛' | '′' | '´' => '\'',
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => '"',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

/// Appends one character's folded form to `buf`: whitespace only marks a space as due
/// (written before the next character, none at the start or the end), anything else goes
/// in lowercase after a due space.
fn push_folded(buf: &mut String, space: &mut bool, c: char) {
    let mapped = fold_char(c);
    if mapped == ' ' {
        *space = !buf.is_empty();
        return;
    }
    if *space {
        buf.push(' ');
        *space = false;
    }
    buf.extend(mapped.to_lowercase());
}

/// [`fold`] into a buffer (cleared first), for loops that fold many lines. Works on the
/// `String` throughout (ASCII lowercased in place), so the result is never validated again.
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    if is_plain_ascii(text.as_bytes()) {
        // Nothing to fold but the case (the common line).
        out.push_str(text);
        out.make_ascii_lowercase();
        return;
    }
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII fast path: most news text is ASCII. A segment of printable ASCII (spaces
        // included, backtick not), found by a scan the compiler vectorises, is copied between
        // runs of spaces and lowercased.
        let segment = printable_ascii_prefix(&bytes[i..]);
        if segment > 0 {
            let seg = &text[i..i + segment];
            i += segment;
            let lead = seg.len() - seg.trim_start_matches(' ').len();
            if lead > 0 {
                space = !out.is_empty();
            }
            let body = seg[lead..].trim_end_matches(' ');
            let trail = seg.len() - lead - body.len();
            if !body.is_empty() {
                if space {
                    out.push(' ');
                    space = false;
                }
                // Runs of spaces inside become one.
                let from = out.len();
                let mut rest = body;
                while let Some(k) = finder!(b"  ").find(rest.as_bytes()) {
                    out.push_str(&rest[..=k]);
                    rest = rest[k..].trim_start_matches(' ');
                }
                out.push_str(rest);
                out[from..].make_ascii_lowercase();
            }
            if trail > 0 {
                space = !out.is_empty();
            }
            continue;
        }
        let c = text[i..].chars().next().expect("char boundary");
        i += c.len_utf8();
        push_folded(out, &mut space, c);
    }
}

/// Bytes of the letters and digits of a fold that its [`fold_key`] reads, at most.
pub(crate) const FOLD_KEY_BYTES: usize = 16;

/// Each ASCII byte's lowercase form if it is a letter or digit, else 0.
static ASCII_KEY_BYTE: [u8; 128] = {
    let mut table = [0; 128];
    let mut b: u8 = 0;
    while b < 128 {
        if b.is_ascii_alphanumeric() {
            table[b as usize] = b.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// A key of `text`'s fold, made without folding or allocating: a hash of the first
/// `FOLD_KEY_BYTES` (16) bytes of the letters and digits of [`fold`]`(text)`. Folding maps each
/// character on its own and only adds or drops spaces, so the key is a function of the fold:
/// texts with one fold have one key. Texts whose folds differ can share a key; the caller
/// compares their folds then.
pub fn fold_key(text: &str) -> u64 {
    // Room for a chunk of eight, or two letters of four bytes, past the bound.
    let mut key = [0u8; FOLD_KEY_BYTES + 8];
    let mut len = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && len < FOLD_KEY_BYTES {
        // Eight ASCII bytes at a time, each written and kept only if a letter or digit: no
        // branch per byte.
        if let Some(chunk) = bytes.get(i..i + 8).filter(|c| c.is_ascii()) {
            for &b in chunk {
                let lower = ASCII_KEY_BYTE[usize::from(b)];
                key[len] = lower;
                len += usize::from(lower != 0);
            }
            i += 8;
            continue;
        }
        let c = text[i..].chars().next().expect("char boundary");
        i += c.len_utf8();
        // As `push_folded` maps it.
        for lower in fold_char(c).to_lowercase() {
            if lower.is_alphanumeric() {
                len += lower.encode_utf8(&mut key[len..]).len();
            }
        }
    }
    xxh3_64(&key[..len.min(FOLD_KEY_BYTES)])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::clean::edits::Draft;

    /// [`fold`] as it was written before its ASCII segments were found in chunks: a byte at
    /// a time, each printable byte deciding whether the run goes on (other characters through
    /// [`push_folded`], as in `fold`).
    fn fold_byte_at_a_time(text: &str) -> String {
        let word = |b: u8| b.wrapping_sub(0x21) < 0x5E && b != b'`';
        let mut buf = String::new();
        let mut space = false;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let mut run = 0;
            while let Some(&b) = bytes.get(i + run) {
                if word(b) {
                    run += 1;
                } else if b == b' ' && run > 0 && bytes.get(i + run + 1).is_some_and(|&n| word(n)) {
                    run += 2;
                } else {
                    break;
                }
            }
            if run > 0 {
                if space {
                    buf.push(' ');
                    space = false;
                }
                let from = buf.len();
                buf.push_str(&text[i..i + run]);
                buf[from..].make_ascii_lowercase();
                i += run;
                continue;
            }
            let c = text[i..].chars().next().unwrap();
            i += c.len_utf8();
            push_folded(&mut buf, &mut space, c);
        }
        buf
    }

    #[test]
    fn the_printable_ascii_prefix_is_found_as_a_byte_loop_finds_it() {
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        let simple = |b: u8| b.wrapping_sub(0x20) < 0x5F && b != b'`';
        // Runs around every chunk length, ended by each kind of byte that ends one.
        let (mut ended, mut whole) = (0, 0);
        for _ in 0..20_000 {
            let mut bytes: Vec<u8> = (0..next(100)).map(|_| b"aZ ~!0"[next(6)]).collect();
            if next(3) > 0 {
                let at = next(bytes.len() + 1);
                bytes.insert(at, [b'`', b'\n', 0x7F, 0xC3, 0x1F][next(5)]);
            }
            let expected = bytes.iter().position(|&b| !simple(b)).unwrap_or(bytes.len());
            assert_eq!(printable_ascii_prefix(&bytes), expected, "{bytes:?}");
            ended += usize::from(expected < bytes.len() && expected % 32 != 0);
            whole += usize::from(expected == bytes.len() && bytes.len() > 32);
        }
        assert!(ended > 5_000 && whole > 2_000, "{ended} {whole}");
    }

    #[test]
    fn the_next_byte_that_may_be_edited_is_found_as_a_byte_loop_finds_it() {
        let mut next = crate::test_rng::below(0x5DEE_CE66_D1CE_4E5B);
        // Plain runs around every chunk length, from every start, with bytes that are not
        // plain but are not edited either (a Latin letter's lead byte, its continuation).
        let (mut found, mut none, mut past_unplain) = (0, 0, 0);
        for _ in 0..20_000 {
            let mut bytes: Vec<u8> = (0..next(100)).map(|_| b"aZ ~\n\xC3\xA9"[next(7)]).collect();
            if next(3) > 0 {
                let at = next(bytes.len() + 1);
                bytes.insert(at, [b'\t', b'\r', 0x7F, 0xC2, 0xE2, 0xEF, 0x00][next(7)]);
            }
            let from = next(bytes.len() + 1);
            let expected = bytes[from..].iter().position(|&b| may_edit(b)).map(|k| from + k);
            assert_eq!(next_may_edit(&bytes, from), expected, "{bytes:?} from {from}");
            found += usize::from(expected.is_some_and(|k| k - from >= 32));
            none += usize::from(expected.is_none() && bytes.len() - from > 32);
            past_unplain += usize::from(expected.is_some_and(|k| bytes[from..k].iter().any(|&b| b >= 0x80)));
        }
        assert!(found > 1_000 && none > 1_000 && past_unplain > 1_000, "{found} {none} {past_unplain}");
    }

    #[test]
    fn fold_agrees_with_the_byte_at_a_time_fold() {
        let mut next = crate::test_rng::below(0x1234_5678_9ABC_DEF1);
        let long = "Word ".repeat(20);
        let parts = [
            "a", "B", "Syria", " ", "  ", "   ", "\t", "\n", "\r\n", "\u{a0}", "\u{2003}", "`", "’", "“", "—", "É",
            "İ", "ß", "\u{1}", "\u{7f}", "~", "!", ".", "12", "x y", &long,
        ];
        for _ in 0..50_000 {
            let text: String = crate::test_rng::joined(&mut next, &parts, 12);
            assert_eq!(fold(&text), fold_byte_at_a_time(&text), "{text:?}");
        }
    }

    #[test]
    fn the_fold_of_a_prefix_is_a_prefix_of_the_fold() {
        let mut next = crate::test_rng::below(0x0F1E_2D3C_4B5A_6978);
        let parts = [
            "a", "B", " ", "  ", "\t", "\n", "\u{a0}", "`", "’", "“", "—", "É", "İ", "ß", "\u{212a}", "\u{3a3}", "x y",
        ];
        for _ in 0..50_000 {
            let text: String = crate::test_rng::joined(&mut next, &parts, 14);
            let whole = fold(&text);
            for (b, _) in text.char_indices() {
                assert!(whole.starts_with(&fold(&text[..b])), "{text:?} at {b}");
            }
        }
    }

    fn run(text: &str) -> String {
        let mut d = Draft::new(text);
        d.apply(repair_characters(text));
        let current = d.text().to_owned();
        d.apply(normalize_form(&current, NormalForm::Nfc));
        d.text().to_owned()
    }

    #[test]
    fn cp1252_runs_are_the_runs_a_walk_over_every_character_finds() {
        let walk = |text: &str| {
            let (mut runs, mut run) = (Vec::new(), Vec::new());
            for (i, c) in text.char_indices() {
                match cp1252_byte(c) {
                    Some(b) if !c.is_ascii() => run.push((i, c, b)),
                    _ if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                    _ => {}
                }
            }
            if !run.is_empty() {
                runs.push(run);
            }
            runs
        };
        let mut next = crate::test_rng::below(0x6B2E_19C4_F0A3_8D57);
        let long_ascii = "Aleppo ".repeat(9);
        let parts = ["Ã", "©", "â€™", "a", " ", "\n", "é", "€", "ア", "\u{81}", "😀", long_ascii.as_str()];
        let mut found = 0;
        for _ in 0..20_000 {
            let text: String = crate::test_rng::joined(&mut next, &parts, 10);
            let mut runs = Vec::new();
            for_each_cp1252_run(&text, |run| runs.push(run.to_vec()));
            assert_eq!(runs, walk(&text), "{text:?}");
            found += runs.len();
        }
        assert!(found > 10_000, "{found}");
    }

    /// Pieces of text that make every character rule fire, and that meet across a cut: mojibake
    /// halves, a broken quote's parts, CR before LF, letters before combining marks.
    pub(crate) const TRICKY: &[&str] = &[
        "a",
        "e",
        "Z",
        " ",
        "  ",
        "\n",
        "\r",
        "\t",
        "_",
        ".",
        "Ã",
        "©",
        "â",
        "€",
        "™",
        "\u{9d}",
        "Â",
        "£",
        "•",
        "\u{81}",
        "µ",
        "\u{301}",
        "\u{327}",
        "\u{a0}",
        "\u{200b}",
        "\u{7}",
        "\u{2028}",
        "\u{1100}",
        "\u{1161}",
        "ﬁ",
        "½",
        "é",
        "ア",
        "😀",
        "Syria’s",
    ];

    fn shifted(edits: Vec<StageEdit>, by: usize) -> Vec<StageEdit> {
        edits
            .into_iter()
            .map(|mut e| {
                e.range = e.range.start + by..e.range.end + by;
                e
            })
            .collect()
    }

    #[test]
    fn the_character_stages_decide_the_text_either_side_of_a_seam_apart() {
        type Stage = fn(&str) -> Vec<StageEdit>;
        let mut next = crate::test_rng::below(0x5EA3_0F1C_77D2_4B19);
        let stages: [(&str, Stage); 3] = [
            ("repair", repair_characters),
            ("nfc", |t| normalize_form(t, NormalForm::Nfc)),
            ("nfkc", |t| normalize_form(t, NormalForm::Nfkc)),
        ];
        let (mut seams, mut others_differ) = (0, 0);
        for _ in 0..20_000 {
            let text: String = crate::test_rng::joined(&mut next, TRICKY, 14);
            for (name, stage) in stages {
                let whole = stage(&text);
                for at in (1..text.len()).filter(|&at| text.is_char_boundary(at)) {
                    let mut parts = stage(&text[..at]);
                    parts.extend(shifted(stage(&text[at..]), at));
                    if is_seam(text.as_bytes(), at) {
                        assert_eq!(parts, whole, "{name} of {text:?} cut at {at}");
                        seams += 1;
                    } else if parts != whole {
                        others_differ += 1;
                    }
                }
            }
        }
        // The texts do meet across cuts: elsewhere than at a seam, a cut often changes edits.
        assert!(seams > 20_000 && others_differ > 20_000, "{seams} {others_differ}");
    }

    #[test]
    fn windows_hold_every_changed_range_and_end_at_seams_outside_it() {
        let mut next = crate::test_rng::below(0x1D2C_3B4A_5968_7786);
        for _ in 0..20_000 {
            let text: String = crate::test_rng::joined(&mut next, TRICKY, 16);
            let bounds: Vec<usize> = (0..=text.len()).filter(|&b| text.is_char_boundary(b)).collect();
            let changed: Vec<Range<usize>> = (0..next(4))
                .map(|_| {
                    let (a, b) = (bounds[next(bounds.len())], bounds[next(bounds.len())]);
                    a.min(b)..a.max(b)
                })
                .collect();
            let windows = windows(&text, &changed);
            let bytes = text.as_bytes();
            for pair in windows.windows(2) {
                assert!(pair[0].end <= pair[1].start, "{text:?} {changed:?} {windows:?}");
            }
            for r in &changed {
                let w = windows.iter().find(|w| w.start <= r.start && r.end <= w.end);
                let w = w.unwrap_or_else(|| panic!("{text:?} {r:?} in none of {windows:?}"));
                assert!(is_seam(bytes, w.start) && (w.start == 0 || w.start < r.start), "{text:?} {r:?} {w:?}");
                assert!(is_seam(bytes, w.end) && (w.end == text.len() || w.end > r.end), "{text:?} {r:?} {w:?}");
            }
            // The nearest such seams: no seam outside the range lies between it and the window's ends.
            for w in &windows {
                for at in w.start + 1..w.end {
                    let outside = changed.iter().all(|r| at < r.start || r.end < at);
                    let holds_range_start = changed.iter().any(|r| r.start >= at && r.start < w.end);
                    let holds_range_end = changed.iter().any(|r| r.end <= at && r.end > w.start);
                    assert!(
                        !(is_seam(bytes, at) && outside && !(holds_range_start && holds_range_end)),
                        "{text:?} {changed:?} {windows:?}: seam {at} apart from every range"
                    );
                }
            }
        }
    }

    #[test]
    fn mojibake_is_repaired_and_real_latin1_kept() {
        assert_eq!(run("Syriaâ€™s war, cafÃ© â€œquotedâ€\u{9d}"), "Syria’s war, café “quoted”");
        assert_eq!(run("naïve café Ä"), "naïve café Ä");
        assert_eq!(run("Â£5"), "£5");
    }

    #[test]
    fn broken_quotes_from_fakes() {
        assert_eq!(
            run("Syria•_s Aleppo •_ monitor, •\u{81}Time is running out•\u{81} and 1 •µ 2015"),
            "Syria's Aleppo - monitor, \"Time is running out\" and 1 - 2015"
        );
    }

    #[test]
    fn controls_spaces_and_breaks() {
        assert_eq!(run("a\r\nb\rc\u{a0}d\u{200b}e\u{7}f\tg\u{ad}h"), "a\nb\nc def gh");
    }

    #[test]
    fn nfc_segments() {
        let text = "Ḥalab: a\u{301} and e\u{301}\u{301} and 한";
        let out = run(text);
        assert_eq!(out, text.nfc().collect::<String>());
        let edits = normalize_form(text, NormalForm::Nfc);
        assert_eq!(edits.len(), 2);
    }

    #[test]
    fn nfkc_option() {
        let mut d = Draft::new("ﬁne ½");
        d.apply(normalize_form("ﬁne ½", NormalForm::Nfkc));
        assert_eq!(d.text(), "fine 1⁄2");
    }

    #[test]
    fn fold_fast_path_agrees() {
        // A trailing NBSP sends the same text down the general path (and folds away).
        for s in ["Plain Words, Here.", " lead", "trail ", "two  spaces", "tick`", "tab\there", "", "ÀB"] {
            assert_eq!(fold(s), fold(&format!("{s}\u{a0}")), "{s}");
        }
        assert_eq!(fold("Two  Spaces "), "two spaces");
        assert_eq!(fold(" `Tick` "), "'tick'");
    }

    #[test]
    fn a_fold_key_is_the_key_of_the_fold() {
        let mut next = crate::test_rng::below(0x2B7E_1516_28AE_D2A6);
        let long = "Syrian Army Enters Aleppo ".repeat(2);
        let parts = [
            "Aleppo",
            "ALEPPO",
            "aleppo",
            " ",
            "  ",
            "\u{a0}",
            "\t",
            "’",
            "'",
            "`",
            "—",
            "-",
            "İ",
            "K",
            "Ǆ",
            "é",
            "E\u{301}",
            "ΣΑ",
            "٣",
            "x",
            "7",
            ".",
            long.as_str(),
        ];
        let (mut long_keys, mut short_keys) = (0, 0);
        for _ in 0..20_000 {
            let text = crate::test_rng::joined(&mut next, &parts, 12);
            let folded = fold(&text);
            assert_eq!(fold_key(&text), fold_key(&folded), "{text:?}");
            let letters = folded.chars().filter(|c| c.is_alphanumeric()).map(char::len_utf8).sum::<usize>();
            long_keys += usize::from(letters > FOLD_KEY_BYTES);
            short_keys += usize::from(letters > 0 && letters < FOLD_KEY_BYTES);
        }
        assert!(long_keys > 1_000 && short_keys > 1_000, "{long_keys} {short_keys}");
        // Letters and digits tell keys apart; case, spaces, quotes and dashes do not.
        assert_ne!(fold_key("Aleppo falls"), fold_key("Aleppo fall"));
        assert_ne!(fold_key("Army 7"), fold_key("Army 8"));
        assert_eq!(fold_key("Syria’s  ALEPPO — now"), fold_key("syria's aleppo - now"));
    }

    #[test]
    fn fold_is_idempotent() {
        let s = "“Aleppo” — Fua’a\u{a0} X";
        assert_eq!(fold(&fold(s)), fold(s));
    }
}
