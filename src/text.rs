//! Offsets: the one place where byte offsets become character offsets.
//!
//! The core works on UTF-8 bytes; Python indexes `str` by code point. Every span that
//! crosses into Python goes through [`CharIndex`] or [`CharCursor`], so that
//! `text[start:end]` in Python is the span, also for non-ASCII text. A Rust `char` is a
//! Unicode scalar value, and a Python `str` index counts code points, so one `char` is one
//! Python index (lone surrogates are repaired at the boundary, one for one, before text
//! reaches the core).
//!
//! `CharIndex` counts UTF-8 lead bytes (bytes that are not `0b10xx_xxxx`) and keeps a
//! checkpoint every [`STRIDE`] bytes, so a conversion costs O(STRIDE) after an O(n) build,
//! with n/64 words of memory; pure-ASCII text converts by identity. `CharCursor` needs no
//! index: it converts offsets given in increasing order (the sorted spans of one result),
//! counting only the bytes between one offset and the next.
//!
//! Also the small byte-level helpers every stage applies to each line: white space as the
//! cleaning stages read it, and trims ([`trimmed`], [`is_blank`]) answered from a line's end
//! bytes when they are visible ASCII.

/// A half-open range `[start, end)` of character offsets (Python `str` indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// First character of the span.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    ///
    /// # Examples
    /// ```
    /// let s = copydesk::text::Span::new(2, 5);
    /// assert_eq!(s.len(), 3);
    /// ```
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    /// Number of characters in the span.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span is empty.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Bytes between checkpoints of a [`CharIndex`].
pub const STRIDE: usize = 64;

fn is_lead_byte(b: u8) -> bool {
    (b & 0b1100_0000) != 0b1000_0000
}

/// Characters in `bytes`: its length less its continuation bytes (`0b10xx_xxxx`, below
/// `-0x40` as an `i8`). Counted 32 at a time into 32 byte-wide counters, summed every 255
/// blocks (before a counter can overflow): a loop the compiler vectorises, with no sum
/// across a vector in it.
fn count_chars(bytes: &[u8]) -> usize {
    #[allow(clippy::cast_possible_wrap)] // the sign bit is the test
    let continuation = |b: u8| u8::from((b as i8) < -0x40);
    let mut blocks = bytes.chunks_exact(32);
    let mut count = 0;
    loop {
        let mut counters = [0u8; 32];
        let mut taken = 0;
        for block in blocks.by_ref().take(255) {
            for (n, &b) in counters.iter_mut().zip(block) {
                *n += continuation(b);
            }
            taken += 1;
        }
        count += counters.iter().map(|&n| usize::from(n)).sum::<usize>();
        if taken < 255 {
            break;
        }
    }
    let tail: usize = blocks.remainder().iter().map(|&b| usize::from(continuation(b))).sum();
    bytes.len() - count - tail
}

/// Converts byte offsets of one text into character offsets and back.
///
/// # Examples
/// ```
/// use copydesk::text::CharIndex;
/// let text = "Fua’a and Kafraya";
/// let index = CharIndex::new(text);
/// let byte = text.find("Kafraya").unwrap();
/// assert_eq!(index.char_of(byte), 10);
/// assert_eq!(index.byte_of(10), byte);
/// ```
#[derive(Debug, Clone)]
pub struct CharIndex<'a> {
    text: &'a str,
    /// `checkpoints[k]` = characters in `text[..k * STRIDE]`; empty for ASCII text.
    checkpoints: Vec<usize>,
    chars: usize,
}

impl<'a> CharIndex<'a> {
    /// Builds the index in one pass over `text`.
    pub fn new(text: &'a str) -> Self {
        if text.is_ascii() {
            return CharIndex { text, checkpoints: Vec::new(), chars: text.len() };
        }
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / STRIDE + 1);
        let mut total = 0;
        for block in bytes.chunks(STRIDE) {
            checkpoints.push(total);
            total += count_chars(block);
        }
        CharIndex { text, checkpoints, chars: total }
    }

    /// Number of characters in the text.
    pub fn len_chars(&self) -> usize {
        self.chars
    }

    /// The character offset of byte offset `byte` (which must be on a char boundary or at
    /// the end; offsets past the end are clamped).
    pub fn char_of(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if self.checkpoints.is_empty() {
            return byte;
        }
        let block = byte / STRIDE;
        if block >= self.checkpoints.len() {
            return self.chars;
        }
        self.checkpoints[block] + count_chars(&self.text.as_bytes()[block * STRIDE..byte])
    }

    /// The byte offset of character offset `ch` (clamped to the end of the text).
    pub fn byte_of(&self, ch: usize) -> usize {
        if ch >= self.chars {
            return self.text.len();
        }
        if self.checkpoints.is_empty() {
            return ch;
        }
        let block = self.checkpoints.partition_point(|&c| c <= ch) - 1;
        let mut seen = self.checkpoints[block];
        let bytes = self.text.as_bytes();
        let mut pos = block * STRIDE;
        while pos < bytes.len() {
            if is_lead_byte(bytes[pos]) {
                if seen == ch {
                    return pos;
                }
                seen += 1;
            }
            pos += 1;
        }
        self.text.len()
    }

    /// Converts a byte range into a character [`Span`].
    pub fn span(&self, byte_start: usize, byte_end: usize) -> Span {
        Span::new(self.char_of(byte_start), self.char_of(byte_end))
    }
}

/// The largest character boundary of `text` at or before byte `byte` (clamped to the end):
/// where to cut a text to at most `byte` bytes (`str::floor_char_boundary`, not yet stable).
///
/// # Examples
/// ```
/// assert_eq!(copydesk::text::floor_char_boundary("Fua’a", 4), 3);
/// assert_eq!(copydesk::text::floor_char_boundary("Fua’a", 99), 7);
/// ```
pub fn floor_char_boundary(text: &str, byte: usize) -> usize {
    let mut at = byte.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Whether ASCII byte `b` is white space as `char::is_whitespace` and the regex crate's `\s`
/// have it: tab to carriage return, and space. Unlike `u8::is_ascii_whitespace`, the vertical
/// tab counts.
///
/// # Examples
/// ```
/// assert!(copydesk::text::is_white_space_byte(0x0B) && !0x0Bu8.is_ascii_whitespace());
/// assert!(!copydesk::text::is_white_space_byte(b','));
/// ```
pub fn is_white_space_byte(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// `s.trim()`, answered from the two end bytes when both are visible ASCII (most lines of
/// news text): `trim` decodes a character at each end and looks it up in the Unicode
/// white-space table, a cost paid for every line by every stage that trims.
///
/// # Examples
/// ```
/// assert_eq!(copydesk::text::trimmed("\u{a0} Aleppo\t"), "Aleppo");
/// assert_eq!(copydesk::text::trimmed("Aleppo"), "Aleppo");
/// ```
pub fn trimmed(s: &str) -> &str {
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) { s } else { s.trim() }
}

/// `s.trim_start()`, answered from the first byte when it is visible ASCII ([`trimmed`]).
pub fn trimmed_start(s: &str) -> &str {
    if s.as_bytes().first().is_some_and(u8::is_ascii_graphic) { s } else { s.trim_start() }
}

/// Whether `s` is empty or white space only (`s.trim().is_empty()`), answered from the first
/// byte when it is visible ASCII ([`trimmed`]).
pub fn is_blank(s: &str) -> bool {
    !s.as_bytes().first().is_some_and(u8::is_ascii_graphic) && s.trim().is_empty()
}

/// Converts byte offsets of one text into character offsets, fastest when the offsets come in
/// increasing order (each conversion counts only the bytes since the previous one); an offset
/// behind the previous one counts again from the start. No index to build: for converting
/// the sorted spans of one result.
///
/// # Examples
/// ```
/// use copydesk::text::CharCursor;
/// let text = "Fua’a and Kafraya";
/// let mut cursor = CharCursor::new(text);
/// assert_eq!(cursor.char_of(text.find("and").unwrap()), 6);
/// assert_eq!(cursor.char_of(text.len()), 17);
/// assert_eq!(cursor.char_of(0), 0);
/// ```
#[derive(Debug, Clone)]
pub struct CharCursor<'a> {
    text: &'a str,
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'a> CharCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        CharCursor { text, ascii: text.is_ascii(), byte: 0, chars: 0 }
    }

    /// The character offset of byte offset `byte` (on a char boundary or at the end; offsets
    /// past the end are clamped).
    pub fn char_of(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if self.ascii {
            return byte;
        }
        if byte < self.byte {
            (self.byte, self.chars) = (0, 0);
        }
        self.chars += count_chars(&self.text.as_bytes()[self.byte..byte]);
        self.byte = byte;
        self.chars
    }
}

/// Rewrites byte offsets of `text` as character offsets, in place. Each list holds offsets
/// in text order (one out of order is still converted right, only slower). The lists are
/// walked merged, through one [`CharCursor`], so that `text` is counted once rather than once
/// per list.
///
/// # Examples
/// ```
/// let text = "Fua’a and Kafraya";
/// // The starts and ends of `Fua’a` and `Kafraya`, in bytes.
/// let (mut starts, mut ends) = ([0, 12], [7, 19]);
/// let [a, b] = &mut starts;
/// let [c, d] = &mut ends;
/// copydesk::text::to_char_offsets_merged(text, &mut [vec![a, b], vec![c, d]]);
/// assert_eq!((starts, ends), ([0, 10], [5, 17]));
/// ```
pub fn to_char_offsets_merged(text: &str, lists: &mut [Vec<&mut usize>]) {
    let mut cursor = CharCursor::new(text);
    let mut next = vec![0; lists.len()];
    loop {
        // The list whose next offset comes first.
        let mut first: Option<(usize, usize)> = None;
        for (k, list) in lists.iter().enumerate() {
            if let Some(offset) = list.get(next[k]) {
                if first.is_none_or(|(_, at)| **offset < at) {
                    first = Some((k, **offset));
                }
            }
        }
        let Some((k, offset)) = first else { return };
        *lists[k][next[k]] = cursor.char_of(offset);
        next[k] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_agree_with_the_standard_ones() {
        let mut next = crate::test_rng::below(0x6A09_E667_F3BC_C908);
        let parts = ["a", "Z", "~", " ", "\t", "\n", "\u{a0}", "\u{3000}", "\u{200b}", "é", "\u{7f}", "\u{1}"];
        for _ in 0..20_000 {
            let s = crate::test_rng::joined(&mut next, &parts, 6);
            assert_eq!(trimmed(&s), s.trim(), "{s:?}");
            assert_eq!(trimmed_start(&s), s.trim_start(), "{s:?}");
            assert_eq!(is_blank(&s), s.trim().is_empty(), "{s:?}");
        }
    }

    #[test]
    fn characters_are_counted_in_texts_of_every_length() {
        // Past 255 blocks of 32 bytes the byte-wide counters are summed and start again: texts
        // of mostly continuation bytes (`€` is one lead and two), around and past that length.
        for text in ["€", "a€", "é", "𝔸b"] {
            for repeats in [0, 1, 31, 2_700, 2_730, 2_731, 5_500, 11_000] {
                let long = text.repeat(repeats);
                for cut in [0, 1, 2, 3] {
                    let bytes = &long.as_bytes()[..long.len().saturating_sub(cut)];
                    let expected = bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
                    assert_eq!(count_chars(bytes), expected, "{text:?} x {repeats} less {cut}");
                }
            }
        }
    }

    #[test]
    fn ascii_is_identity() {
        let idx = CharIndex::new("hello world");
        assert_eq!(idx.char_of(6), 6);
        assert_eq!(idx.byte_of(6), 6);
        assert_eq!(idx.len_chars(), 11);
    }

    #[test]
    fn every_boundary_round_trips_on_mixed_text() {
        let text = "Ḥalab — حلب 🇸🇾 a\u{0301}b ".repeat(20);
        let idx = CharIndex::new(&text);
        for (ch, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(idx.char_of(byte), ch, "byte {byte}");
            assert_eq!(idx.byte_of(ch), byte, "char {ch}");
        }
        assert_eq!(idx.char_of(text.len()), text.chars().count());
        assert_eq!(idx.byte_of(idx.len_chars()), text.len());
    }

    /// A text of one- to four-byte characters (a combining mark, a flag), and every
    /// character boundary in it, the end included.
    fn mixed_text(repeats: usize) -> (String, Vec<usize>) {
        let text = "Ḥalab — حلب 🇸🇾 a\u{0301}b x\n".repeat(repeats);
        let boundaries = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
        (text, boundaries)
    }

    #[test]
    fn merged_lists_convert_as_the_index_does() {
        let (text, boundaries) = mixed_text(7);
        let index = CharIndex::new(&text);
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        for round in 0..300 {
            let mut lists: Vec<Vec<usize>> = (0..=next(4))
                .map(|_| {
                    let mut l: Vec<usize> = (0..next(12)).map(|_| boundaries[next(boundaries.len())]).collect();
                    l.sort_unstable();
                    l
                })
                .collect();
            if round % 5 == 0 {
                lists[0].reverse();
            }
            let expected: Vec<Vec<usize>> =
                lists.iter().map(|l| l.iter().map(|&b| index.char_of(b)).collect()).collect();
            let mut refs: Vec<Vec<&mut usize>> = lists.iter_mut().map(|l| l.iter_mut().collect()).collect();
            to_char_offsets_merged(&text, &mut refs);
            assert_eq!(lists, expected);
        }
    }

    #[test]
    fn the_cursor_agrees_with_the_index_in_any_order() {
        let (text, boundaries) = mixed_text(9);
        let index = CharIndex::new(&text);
        let mut next = crate::test_rng::below(0x3C6E_F372_FE94_F82B);
        let mut cursor = CharCursor::new(&text);
        for _ in 0..5_000 {
            let b = boundaries[next(boundaries.len())];
            assert_eq!(cursor.char_of(b), index.char_of(b), "byte {b}");
        }
        let mut ascii = CharCursor::new("plain text");
        assert_eq!((ascii.char_of(6), ascii.char_of(2), ascii.char_of(99)), (6, 2, 10));
    }

    #[test]
    fn empty_text() {
        let idx = CharIndex::new("");
        assert_eq!(idx.char_of(0), 0);
        assert_eq!(idx.byte_of(0), 0);
        assert_eq!(idx.byte_of(5), 0);
    }
}
