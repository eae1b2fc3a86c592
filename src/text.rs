//! Offsets: the one place where byte offsets become character offsets.
//!
//! The core works on UTF-8 bytes; Python indexes `str` by code point. Every span that
//! crosses into Python goes through [`CharIndex`], so that `text[start:end]` in Python is
//! the span, also for non-ASCII text. A Rust `char` is a Unicode scalar value, and a Python
//! `str` index counts code points, so one `char` is one Python index (lone surrogates are
//! repaired at the boundary, one for one, before text reaches the core).
//!
//! `CharIndex` counts UTF-8 lead bytes (bytes that are not `0b10xx_xxxx`) and keeps a
//! checkpoint every [`STRIDE`] bytes, so a conversion costs O(STRIDE) after an O(n) build,
//! with n/64 words of memory; pure-ASCII text converts by identity.

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

/// Characters in `bytes`: its length less its continuation bytes (`0b10xx_xxxx`), counted
/// eight at a time in a `u64` (bit 7 set and bit 6 clear).
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut continuation = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        continuation += (w & !(w << 1) & HIGH).count_ones() as usize;
    }
    let tail = words.remainder();
    bytes.len() - continuation - tail.iter().filter(|&&b| !is_lead_byte(b)).count()
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn empty_text() {
        let idx = CharIndex::new("");
        assert_eq!(idx.char_of(0), 0);
        assert_eq!(idx.byte_of(0), 0);
        assert_eq!(idx.byte_of(5), 0);
    }
}
