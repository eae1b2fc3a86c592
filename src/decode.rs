//! Decoding scraped bytes into text, with a policy for invalid UTF-8.
//!
//! Scraped corpora are mostly UTF-8 with stray bytes from another code page: FA-KES has 123
//! of them (`\x95\x81` where a curly quote stood). Three policies:
//!
//! * [`DecodePolicy::Strict`]: the first invalid byte is an error naming where it is.
//! * [`DecodePolicy::Repair`] (the default of every loader): valid UTF-8 is kept as it is and
//!   each run of invalid bytes is decoded as windows-1252 (the five bytes cp1252 leaves
//!   undefined map to the C1 control of the same number, as latin-1 does), so no byte is
//!   lost. Decoding per run rather than per field keeps the field's valid UTF-8 intact.
//! * [`DecodePolicy::Replace`]: each run of invalid bytes becomes U+FFFD.
//!
//! Every repair is returned as an [`InvalidRun`] with byte and character offsets, for the
//! document's repair record. The windows-1252 table comes from `encoding_rs`.

use std::borrow::Cow;

use crate::text::Span;

/// What to do with bytes that are not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecodePolicy {
    /// Fail on the first invalid byte.
    Strict,
    /// Decode each run of invalid bytes as windows-1252 and record it.
    #[default]
    Repair,
    /// Replace each run of invalid bytes with U+FFFD and record it.
    Replace,
}

impl DecodePolicy {
    /// Parses the Python-facing names `strict`, `repair`, `replace`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "strict" => Some(DecodePolicy::Strict),
            "repair" => Some(DecodePolicy::Repair),
            "replace" => Some(DecodePolicy::Replace),
            _ => None,
        }
    }

    /// The rule name recorded on repairs made under this policy.
    pub fn rule(self) -> &'static str {
        match self {
            DecodePolicy::Strict => "strict",
            DecodePolicy::Repair => "decode-cp1252",
            DecodePolicy::Replace => "decode-replace",
        }
    }
}

/// One run of invalid bytes and what replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRun {
    /// Byte offset of the run in the input bytes.
    pub byte_offset: usize,
    /// The invalid bytes.
    pub bytes: Vec<u8>,
    /// Where the replacement stands in the decoded text (character offsets).
    pub span: Span,
    /// The text that replaced them.
    pub replacement: String,
}

/// Decoded text plus the runs that had to be repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// The repaired runs, in order (empty for valid UTF-8).
    pub repairs: Vec<InvalidRun>,
}

/// The first invalid byte, under [`DecodePolicy::Strict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf8At(pub usize);

/// Decodes `bytes` under `policy`.
///
/// # Examples
/// ```
/// use copydesk::decode::{decode, DecodePolicy};
/// let d = decode(b"Syria\x95s war", DecodePolicy::Repair).unwrap();
/// assert_eq!(d.text, "Syria•s war");
/// assert_eq!(d.repairs[0].byte_offset, 5);
/// assert!(decode(b"Syria\x95s", DecodePolicy::Strict).is_err());
/// ```
pub fn decode(bytes: &[u8], policy: DecodePolicy) -> Result<Decoded<'_>, InvalidUtf8At> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded { text: Cow::Borrowed(text), repairs: Vec::new() });
    }
    let mut text = String::with_capacity(bytes.len() + 8);
    let mut repairs = Vec::new();
    let mut offset = 0usize;
    let mut chars = 0usize;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        text.push_str(valid);
        chars += valid.chars().count();
        offset += valid.len();
        let invalid = chunk.invalid();
        if invalid.is_empty() {
            continue;
        }
        let replacement: String = match policy {
            DecodePolicy::Strict => return Err(InvalidUtf8At(offset)),
            DecodePolicy::Repair => encoding_rs::WINDOWS_1252.decode_without_bom_handling(invalid).0.into_owned(),
            DecodePolicy::Replace => "\u{FFFD}".to_owned(),
        };
        let len = replacement.chars().count();
        // `utf8_chunks` yields one chunk per maximal invalid sequence; merge adjacent ones
        // so that `\x95\x81` is one repair (and one U+FFFD under `Replace`).
        let extends_last =
            repairs.last().is_some_and(|last: &InvalidRun| last.byte_offset + last.bytes.len() == offset);
        if extends_last {
            let last = repairs.last_mut().expect("checked above");
            last.bytes.extend_from_slice(invalid);
            if policy == DecodePolicy::Repair {
                last.replacement.push_str(&replacement);
                last.span.end += len;
                text.push_str(&replacement);
                chars += len;
            }
        } else {
            repairs.push(InvalidRun {
                byte_offset: offset,
                bytes: invalid.to_vec(),
                span: Span::new(chars, chars + len),
                replacement: replacement.clone(),
            });
            text.push_str(&replacement);
            chars += len;
        }
        offset += invalid.len();
    }
    Ok(Decoded { text: Cow::Owned(text), repairs })
}

/// Shows bytes as a Python `bytes` literal body, e.g. `\x95\x81`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    bytes.iter().flat_map(|&b| std::ascii::escape_default(b)).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_utf8_is_borrowed_and_unrepaired() {
        let d = decode("Fua’a".as_bytes(), DecodePolicy::Strict).unwrap();
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert!(d.repairs.is_empty());
    }

    #[test]
    fn repair_keeps_valid_multibyte_and_merges_a_run() {
        let bytes = b"caf\xc3\xa9 \x95\x81Time\x95_s";
        let d = decode(bytes, DecodePolicy::Repair).unwrap();
        assert_eq!(d.text, "café •\u{81}Time•_s");
        assert_eq!(d.repairs.len(), 2);
        let first = &d.repairs[0];
        assert_eq!(first.byte_offset, 6);
        assert_eq!(first.bytes, b"\x95\x81");
        let chars: Vec<char> = d.text.chars().collect();
        let shown: String = chars[first.span.start..first.span.end].iter().collect();
        assert_eq!(shown, first.replacement);
        assert_eq!(d.repairs[1].byte_offset, 12);
    }

    #[test]
    fn replace_gives_one_replacement_char_per_run() {
        let d = decode(b"a\x95\x81b", DecodePolicy::Replace).unwrap();
        assert_eq!(d.text, "a\u{FFFD}b");
        assert_eq!(d.repairs.len(), 1);
        assert_eq!(d.repairs[0].bytes, b"\x95\x81");
    }

    #[test]
    fn strict_names_the_offset() {
        assert_eq!(decode(b"ab\xffc", DecodePolicy::Strict).unwrap_err(), InvalidUtf8At(2));
    }

    #[test]
    fn truncated_sequence_at_end() {
        let d = decode(b"ab\xe2\x80", DecodePolicy::Repair).unwrap();
        assert_eq!(d.repairs[0].byte_offset, 2);
        assert_eq!(d.text.chars().count(), 4);
    }

    #[test]
    fn escape() {
        assert_eq!(escape_bytes(b"\x95\x81"), "\\x95\\x81");
    }
}
