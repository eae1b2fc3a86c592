//! Tokens and sentences with byte offsets, for the tagger.
//!
//! A rule-based tokenizer in one left-to-right pass (O(n) in the text): runs of letters and
//! digits are words, kept whole across an inner hyphen (`al-Fatah`), apostrophe (`Fua’a`),
//! digit group separator (`1,500`, `3.5`) or an abbreviation's dots (`U.S.`, `Lt.`); every
//! other visible character is a token of its own. Sentences end after `.`, `!` or `?` that is
//! not part of a token, and at line breaks, since scraped news keeps one paragraph a line.
//! This matches the CoNLL-2003 tokenisation closely enough that a tagger trained on it sees
//! the same kinds of tokens at run time.

use std::ops::Range;

/// One token: a byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Token {
    /// The token's text in `text`.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Abbreviations whose final dot belongs to the token (titles, ranks, months).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "adm", "brig", "cmdr", "gov",
    "sen", "rep", "rev", "st", "jr", "sr", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "no", "vs", "mt", "ft", "est", "dept", "univ", "sheikh",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–')
}

/// Splits `text` into tokens.
///
/// # Examples
/// ```
/// use copydesk::entities::tokenize::tokenize;
/// let text = "Lt. Gen. Viktor Poznikhir said 1,500 men left al-Ramouseh.";
/// let words: Vec<&str> = tokenize(text).iter().map(|t| t.text(text)).collect();
/// assert_eq!(words, ["Lt.", "Gen.", "Viktor", "Poznikhir", "said", "1,500", "men", "left", "al-Ramouseh", "."]);
/// ```
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let n = chars.len();
    let byte_at = |k: usize| if k < n { chars[k].0 } else { text.len() };
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() || c.is_control() {
            i += 1;
            continue;
        }
        if !is_word_char(c) {
            tokens.push(Token { start: chars[i].0, end: byte_at(i + 1) });
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        loop {
            while j < n && is_word_char(chars[j].1) {
                j += 1;
            }
            if j + 1 < n && is_word_char(chars[j + 1].1) {
                let sep = chars[j].1;
                let prev_digit = chars[j - 1].1.is_ascii_digit();
                let next_digit = chars[j + 1].1.is_ascii_digit();
                let joins = is_hyphen(sep)
                    || (is_apostrophe(sep)
                        && !(chars[j + 1].1 == 's' && (j + 2 >= n || !is_word_char(chars[j + 2].1))))
                    || ((sep == ',' || sep == '.') && prev_digit && next_digit)
                    || (sep == '.'
                        && j - start == 1
                        && chars[j + 1].1.is_alphabetic()
                        && (j + 2 < n && chars[j + 2].1 == '.'));
                if joins {
                    j += 1;
                    continue;
                }
            }
            break;
        }
        // Abbreviation dots: "U.S." (letters and dots) or a listed abbreviation.
        if j < n && chars[j].1 == '.' {
            let word = &text[chars[start].0..byte_at(j)];
            let dotted = word.contains('.') && word.chars().all(|c| c == '.' || c.is_alphabetic());
            let single_cap = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            let listed = word.len() <= 6 && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
            if dotted || single_cap || listed {
                j += 1;
            }
        }
        tokens.push(Token { start: chars[start].0, end: byte_at(j) });
        i = j;
    }
    tokens
}

/// Groups `tokens` of `text` into sentences (ranges of token indices), breaking after
/// sentence-final punctuation and at line breaks, and after `max_len` tokens at the latest.
///
/// # Examples
/// ```
/// use copydesk::entities::tokenize::{sentences, tokenize};
/// let text = "Gen. Smith left. He said so.\nNew line";
/// let tokens = tokenize(text);
/// assert_eq!(sentences(text, &tokens, 100), vec![0..4, 4..8, 8..10]);
/// ```
pub fn sentences(text: &str, tokens: &[Token], max_len: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (k, tok) in tokens.iter().enumerate() {
        let next = tokens.get(k + 1);
        let mut end_here = k + 1 - start >= max_len.max(1);
        let t = tok.text(text);
        if matches!(t, "." | "!" | "?") {
            // Closing quotes and brackets stay with the sentence they end.
            let follows_close = next.is_some_and(|n| matches!(n.text(text), "\"" | "”" | "’" | ")" | "'"));
            end_here |= !follows_close;
        }
        if matches!(t, "\"" | "”" | ")" | "'" | "’") && k > start && matches!(tokens[k - 1].text(text), "." | "!" | "?")
        {
            end_here = true;
        }
        if let Some(n) = next {
            if bytes[tok.end..n.start].contains(&b'\n') {
                end_here = true;
            }
        }
        if end_here || next.is_none() {
            out.push(start..k + 1);
            start = k + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn arabic_names_and_figures() {
        assert_eq!(words("Fua’a and al-Fua'a, 3,475 men"), ["Fua’a", "and", "al-Fua'a", ",", "3,475", "men"]);
        assert_eq!(words("the U.S. army's 98.5 percent"), ["the", "U.S.", "army", "'", "s", "98.5", "percent"]);
        assert_eq!(words("“Right now”"), ["“", "Right", "now", "”"]);
    }

    #[test]
    fn offsets_cover_non_ascii() {
        let text = "Ḥalab — حلب 🇸🇾 3sq/km";
        for t in tokenize(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(t.start < t.end);
        }
    }

    #[test]
    fn sentences_never_empty() {
        let text = "A. B! C? \"D.\" E\n\nF";
        let tokens = tokenize(text);
        let sents = sentences(text, &tokens, 3);
        assert!(sents.iter().all(|r| !r.is_empty()));
        assert_eq!(sents.last().unwrap().end, tokens.len());
    }
}
