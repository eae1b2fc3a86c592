//! CoNLL-2003 files and span-level (conlleval) scoring.
//!
//! [`read_conll`] reads the column format (`token POS chunk NER`, blank line between
//! sentences, `-DOCSTART-` lines between documents, wherever they stand) into documents of
//! tagged sentences; tags may be IOB1 or IOB2. [`spans_of`] turns a tag sequence into typed
//! spans with the conlleval chunk rules, so IOB1 and IOB2 give the same spans, and [`Scores`]
//! counts exact span matches per type: precision, recall and F1 as conlleval reports them.
//! Everything is linear in the number of tokens.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use crate::error::{Error, Result};

/// One tagged sentence: tokens and their tags (`O`, `B-X`, `I-X`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaggedSentence {
    /// The tokens.
    pub words: Vec<String>,
    /// One tag per token.
    pub tags: Vec<String>,
}

/// A document: its sentences in order (document-level features look across them).
pub type TaggedDoc = Vec<TaggedSentence>;

/// Reads a CoNLL-2003 file: the first column is the token, the last the NER tag.
pub fn read_conll(path: &Path) -> Result<Vec<TaggedDoc>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_conll(&text, &path.display().to_string())
}

/// Parses CoNLL text (see [`read_conll`]); `origin` names the input in errors.
///
/// # Examples
/// ```
/// let docs = copydesk::entities::conll::parse_conll("EU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\n-DOCSTART- -X- O O\n", "x").unwrap();
/// assert_eq!(docs.len(), 1);
/// assert_eq!(docs[0][0].tags, ["I-ORG", "O"]);
/// ```
pub fn parse_conll(text: &str, origin: &str) -> Result<Vec<TaggedDoc>> {
    let mut docs = Vec::new();
    let mut doc: TaggedDoc = Vec::new();
    let mut sent = TaggedSentence::default();
    for (lineno, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            if !sent.words.is_empty() {
                doc.push(std::mem::take(&mut sent));
            }
            continue;
        }
        if line.starts_with("-DOCSTART-") {
            if !sent.words.is_empty() {
                doc.push(std::mem::take(&mut sent));
            }
            if !doc.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        let mut cols = line.split_whitespace();
        let word = cols.next().unwrap_or_default();
        let tag = cols.last().ok_or_else(|| Error::BadRecord {
            origin: origin.to_owned(),
            record: lineno,
            line: Some(lineno as u64 + 1),
            reason: "expected at least two columns: token … tag".to_owned(),
        })?;
        if tag != "O" && !(tag.starts_with("B-") || tag.starts_with("I-")) || tag.len() == 2 {
            return Err(Error::BadRecord {
                origin: origin.to_owned(),
                record: lineno,
                line: Some(lineno as u64 + 1),
                reason: format!("tag {tag:?} is not O, B-<type> or I-<type>"),
            });
        }
        sent.words.push(word.to_owned());
        sent.tags.push(tag.to_owned());
    }
    if !sent.words.is_empty() {
        doc.push(sent);
    }
    if !doc.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

/// Typed spans (token ranges) of a tag sequence, by the conlleval chunk rules: a chunk starts
/// at `B-X`, or at `I-X` after a tag of another type or `O`.
///
/// # Examples
/// ```
/// use copydesk::entities::conll::spans_of;
/// let tags = ["I-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-ORG"];
/// assert_eq!(spans_of(&tags), vec![("PER".to_owned(), 0..2), ("LOC".to_owned(), 3..5), ("ORG".to_owned(), 5..6)]);
/// ```
pub fn spans_of<S: AsRef<str>>(tags: &[S]) -> Vec<(String, Range<usize>)> {
    let mut out: Vec<(String, Range<usize>)> = Vec::new();
    let mut open: Option<(String, usize)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let tag = tag.as_ref();
        let (kind, ty) = match tag.split_once('-') {
            Some((k @ ("B" | "I"), ty)) if !ty.is_empty() => (k, ty),
            _ => ("O", ""),
        };
        let continues = kind == "I" && open.as_ref().is_some_and(|(t, _)| t == ty);
        if !continues {
            if let Some((t, s)) = open.take() {
                out.push((t, s..i));
            }
            if kind != "O" {
                open = Some((ty.to_owned(), i));
            }
        }
    }
    if let Some((t, s)) = open {
        out.push((t, s..tags.len()));
    }
    out
}

/// Precision, recall and F1 of one entity type (or all).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Prf {
    /// Correct spans / predicted spans.
    pub precision: f64,
    /// Correct spans / gold spans.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
    /// Gold spans.
    pub support: usize,
}

/// Span-level counts, per type, as conlleval keeps them.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    counts: BTreeMap<String, [usize; 3]>,
}

impl Scores {
    /// Adds one sentence: gold and predicted tag sequences of the same length.
    pub fn add<S: AsRef<str>, T: AsRef<str>>(&mut self, gold: &[S], predicted: &[T]) {
        let g = spans_of(gold);
        let p = spans_of(predicted);
        for (t, _) in &g {
            self.counts.entry(t.clone()).or_default()[1] += 1;
        }
        for (t, r) in &p {
            let c = self.counts.entry(t.clone()).or_default();
            c[2] += 1;
            if g.iter().any(|(gt, gr)| gt == t && gr == r) {
                c[0] += 1;
            }
        }
    }

    fn prf(c: [usize; 3]) -> Prf {
        let precision = if c[2] == 0 { 0.0 } else { c[0] as f64 / c[2] as f64 };
        let recall = if c[1] == 0 { 0.0 } else { c[0] as f64 / c[1] as f64 };
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        Prf { precision, recall, f1, support: c[1] }
    }

    /// Scores over all types.
    pub fn overall(&self) -> Prf {
        let mut t = [0; 3];
        for c in self.counts.values() {
            for k in 0..3 {
                t[k] += c[k];
            }
        }
        Self::prf(t)
    }

    /// Scores per type, sorted by type.
    pub fn per_type(&self) -> Vec<(String, Prf)> {
        self.counts.iter().map(|(t, c)| (t.clone(), Self::prf(*c))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob1_and_iob2_give_the_same_spans() {
        let iob1 = ["I-ORG", "O", "I-PER", "I-PER", "B-PER", "I-MISC"];
        let iob2 = ["B-ORG", "O", "B-PER", "I-PER", "B-PER", "B-MISC"];
        assert_eq!(spans_of(&iob1), spans_of(&iob2));
    }

    #[test]
    fn scoring_counts_exact_matches_only() {
        let mut s = Scores::default();
        s.add(&["B-PER", "I-PER", "O", "B-LOC"], &["B-PER", "O", "O", "B-LOC"]);
        let o = s.overall();
        assert!((o.precision - 0.5).abs() < 1e-12 && (o.recall - 0.5).abs() < 1e-12);
        let per = s.per_type();
        assert_eq!(per[0].0, "LOC");
        assert!((per[0].1.f1 - 1.0).abs() < 1e-12);
        assert!(per[1].1.f1.abs() < 1e-12);
    }

    #[test]
    fn docstart_at_either_end() {
        let end = parse_conll("a X O\n\nb X I-LOC\n-DOCSTART- -X- O O\n\nc X O\n-DOCSTART- -X- O O\n", "t").unwrap();
        let start = parse_conll("-DOCSTART- -X- O O\n\na X O\n\nb X I-LOC\n-DOCSTART- -X- O O\nc X O\n", "t").unwrap();
        assert_eq!(end, start);
        assert_eq!(end.len(), 2);
        assert!(parse_conll("a X Q-LOC\n", "t").is_err());
    }
}
