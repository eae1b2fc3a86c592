//! Gazetteers: named records (canonical id, label, aliases) found in text with Aho-Corasick.
//!
//! Each alias is folded — lower case, apostrophes and quote marks dropped (`Fua’a` = `Fua'a`
//! = `Fuaa`), every dash a hyphen, whitespace runs one space — and, when it carries an Arabic
//! article (`al-`, `Al `, `el-`), also entered without it and with a space for the hyphen. The
//! text is folded the same way with a map back to its bytes, and one leftmost-longest
//! automaton (the `aho-corasick` crate) finds every alias in O(n + matches) after an
//! O(total alias length) build. A match must start and end at word boundaries and contain a
//! capital letter (so "us" is not "US"); an all-capitals alias (an acronym) matches only in
//! capitals.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One gazetteer entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Stable identifier, e.g. `armed_group:jaish_al-fatah`.
    pub id: String,
    /// Entity label (`PER`, `ORG`, `LOC`, `MISC`, or the user's own).
    pub label: String,
    /// The canonical name, reported as an entity's `canonical`.
    pub canonical: String,
    /// Other names; the canonical name is always an alias too.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Free-form kind (`person`, `armed_group`, `outlet`, `place`, …).
    #[serde(default)]
    pub kind: String,
}

/// A gazetteer match: a byte range of the text and the record it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Index of the record in [`Gazetteer::records`].
    pub record: usize,
}

/// A compiled gazetteer.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    records: Vec<Record>,
    automaton: AhoCorasick,
    /// Per pattern: record index and whether the alias is an acronym.
    patterns: Vec<(usize, bool)>,
}

#[derive(Deserialize)]
struct GazetteerFile {
    records: Vec<Record>,
}

/// The built-in gazetteer (JSON), also shipped as `copydesk/data/gazetteer.json`.
pub const BUILTIN_JSON: &str = include_str!("../../python/copydesk/data/gazetteer.json");

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´' | 'ʻ')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—')
}

/// Folds `text` for matching; with `map`, records for each folded byte the original byte
/// range of the character it came from.
fn fold(text: &str, mut map: Option<&mut Vec<(usize, usize)>>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for (i, c) in text.char_indices() {
        if is_apostrophe(c) {
            continue;
        }
        let f = if is_dash(c) {
            '-'
        } else if c.is_whitespace() {
            if last_space {
                continue;
            }
            ' '
        } else {
            c.to_lowercase().next().unwrap_or(c)
        };
        last_space = f == ' ';
        let before = out.len();
        out.push(f);
        if let Some(m) = map.as_deref_mut() {
            for _ in before..out.len() {
                m.push((i, i + c.len_utf8()));
            }
        }
    }
    out
}

fn variants(alias: &str) -> Vec<String> {
    let f = fold(alias, None).trim().to_owned();
    let mut out = vec![f.clone()];
    for art in ["al-", "al ", "el-", "el "] {
        if let Some(rest) = f.strip_prefix(art) {
            if rest.chars().count() >= 3 {
                out.push(rest.to_owned());
            }
        }
    }
    let spaced = f.replace("al-", "al ");
    out.push(spaced);
    let hyphened = f.replace(" al ", " al-");
    out.push(hyphened);
    out.sort();
    out.dedup();
    out
}

fn is_acronym(alias: &str) -> bool {
    let letters: Vec<char> = alias.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

impl Gazetteer {
    /// Compiles a gazetteer from records.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when a record has an empty id, label or canonical name.
    ///
    /// # Examples
    /// ```
    /// use copydesk::entities::gazetteer::{Gazetteer, Record};
    /// let rec = Record { id: "g1".into(), label: "ORG".into(), canonical: "Jaish al-Fatah".into(),
    ///                    aliases: vec!["Jeish al-Fatah".into()], kind: String::new() };
    /// let gaz = Gazetteer::new(vec![rec]).unwrap();
    /// let text = "defeats of Jeish Al-Fatah and of Jaish al Fatah";
    /// let found: Vec<&str> = gaz.find(text).iter().map(|m| &text[m.start..m.end]).collect();
    /// assert_eq!(found, ["Jeish Al-Fatah", "Jaish al Fatah"]);
    /// ```
    pub fn new(records: Vec<Record>) -> Result<Gazetteer> {
        let mut pats: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (r, rec) in records.iter().enumerate() {
            for (what, v) in [("id", &rec.id), ("label", &rec.label), ("canonical", &rec.canonical)] {
                if v.trim().is_empty() {
                    return Err(Error::InvalidValue {
                        what: format!("gazetteer record {r}"),
                        reason: format!("empty {what}"),
                    });
                }
            }
            for alias in std::iter::once(&rec.canonical).chain(&rec.aliases) {
                let acronym = is_acronym(alias);
                for v in variants(alias) {
                    if !v.is_empty() && seen.insert(v.clone()) {
                        pats.push(v);
                        patterns.push((r, acronym));
                    }
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .map_err(|e| Error::InvalidValue { what: "gazetteer".to_owned(), reason: e.to_string() })?;
        Ok(Gazetteer { records, automaton, patterns })
    }

    /// Parses a gazetteer from JSON: `{"records": [{"id", "label", "canonical", "aliases"}]}`
    /// or a bare list of records.
    pub fn from_json(json: &str) -> Result<Gazetteer> {
        let records = serde_json::from_str::<GazetteerFile>(json)
            .map(|f| f.records)
            .or_else(|_| serde_json::from_str::<Vec<Record>>(json))
            .map_err(|e| Error::InvalidValue { what: "gazetteer JSON".to_owned(), reason: e.to_string() })?;
        Gazetteer::new(records)
    }

    /// The built-in gazetteer of the Syrian war (see [`BUILTIN_JSON`]).
    pub fn builtin() -> Gazetteer {
        Gazetteer::from_json(BUILTIN_JSON).expect("the built-in gazetteer is valid")
    }

    /// The records.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Every match in `text`, leftmost-longest, non-overlapping, in order.
    pub fn find(&self, text: &str) -> Vec<Match> {
        let mut map = Vec::with_capacity(text.len());
        let folded = fold(text, Some(&mut map));
        let fb = folded.as_bytes();
        let mut out = Vec::new();
        for m in self.automaton.find_iter(&folded) {
            let (s, e) = (m.start(), m.end());
            let boundary_before = s == 0 || !folded[..s].chars().next_back().is_some_and(char::is_alphanumeric);
            // A possessive or a stripped apostrophe ("Syria’s", "Syrias") still ends the name.
            let boundary = |k: usize| k == fb.len() || !folded[k..].chars().next().is_some_and(char::is_alphanumeric);
            let boundary_after = boundary(e) || (fb[e] == b's' && boundary(e + 1));
            if !boundary_before || !boundary_after {
                continue;
            }
            let (record, acronym) = self.patterns[m.pattern().as_usize()];
            let start = map[s].0;
            let end = map[e - 1].1;
            let original = &text[start..end];
            let caps_ok = if acronym {
                original.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)
            } else {
                original.chars().any(char::is_uppercase)
            };
            if caps_ok {
                out.push(Match { start, end, record });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_articles_quotes_and_case() {
        let gaz = Gazetteer::builtin();
        let text =
            "residents of Fua’a, al-Fua'a and Faua’a, and Kafraya; al-Nusra Front (recently renamed to Fatah Al-Sham)";
        let got: Vec<(&str, &str)> = gaz
            .find(text)
            .iter()
            .map(|m| (&text[m.start..m.end], gaz.records()[m.record].canonical.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Fua’a", "al-Fua'a"),
                ("al-Fua'a", "al-Fua'a"),
                ("Faua’a", "al-Fua'a"),
                ("Kafraya", "Kafraya"),
                ("al-Nusra Front", "Jabhat Fatah al-Sham"),
                ("Fatah Al-Sham", "Jabhat Fatah al-Sham"),
            ]
        );
    }

    #[test]
    fn acronyms_need_capitals_and_words_need_boundaries() {
        let gaz = Gazetteer::builtin();
        assert!(gaz.find("let us go to the sana").is_empty());
        assert_eq!(gaz.find("the US and SANA").len(), 2);
        assert!(gaz.find("Aleppoans").is_empty());
        let text = "Syria’s army and the Assads";
        let found: Vec<&str> = gaz.find(text).iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(found, ["Syria", "Assad"]);
    }

    #[test]
    fn bad_records_are_errors() {
        let bad = Record {
            id: String::new(),
            label: "X".into(),
            canonical: "Y".into(),
            aliases: vec![],
            kind: String::new(),
        };
        assert!(Gazetteer::new(vec![bad]).is_err());
        assert!(Gazetteer::from_json("{").is_err());
    }
}
