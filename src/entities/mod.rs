//! Entity extraction: who, where, when and how many, with character offsets.
//!
//! * [`tokenize`]: tokens and sentences with byte offsets.
//! * [`tagger`]: a structured averaged-perceptron tagger with Viterbi decoding, trained on
//!   CoNLL-2003 (or the user's data) and shipped as a compact versioned file.
//! * [`conll`]: CoNLL files and span-level (conlleval) scoring.
//! * [`gazetteer`]: curated names with canonical ids, matched with Aho-Corasick.
//! * [`patterns`]: dates, figures and quotations.
//! * [`extract`]: the pipeline that puts these together into entities.
//! * [`link`]: canonical forms and alias merging within and across documents.

pub mod conll;
pub mod extract;
pub mod gazetteer;
pub mod link;
pub mod patterns;
pub mod tagger;
pub mod tokenize;

use std::path::Path;

use serde::Serialize;

use crate::entities::conll::{Prf, Scores, read_conll};
use crate::entities::gazetteer::Gazetteer;
use crate::entities::tagger::{Model, TrainDoc, TrainOptions, TrainReport, train_doc_of};
use crate::entities::tokenize::Token;
use crate::error::Result;

#[cfg(test)]
thread_local! {
    /// Work counted by [`count_steps`] on this thread.
    static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `n` steps of work that may grow with the document (entries looked at beyond a
/// constant per item). Tests read the count with [`steps_of`] to check that the work per item
/// stays flat as a document grows, which no timing could check reliably; elsewhere a no-op.
#[inline]
pub(crate) fn count_steps(n: usize) {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + n));
    #[cfg(not(test))]
    let _ = n;
}

/// The steps that `f` counted with [`count_steps`].
#[cfg(test)]
pub(crate) fn steps_of(f: impl FnOnce()) -> usize {
    STEPS.with(|s| s.set(0));
    f();
    STEPS.with(std::cell::Cell::get)
}

/// Span-level scores of a model on tagged documents.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Over all types.
    pub overall: Prf,
    /// Per type, sorted by type.
    pub per_type: Vec<(String, Prf)>,
}

/// Scores `model` on `docs` with conlleval's span-level rules.
pub fn evaluate(model: &Model, docs: &[TrainDoc]) -> Evaluation {
    let mut scores = Scores::default();
    for doc in docs {
        let input = tagger::TagInput {
            words: doc.words.iter().map(String::as_str).collect(),
            sentences: doc.sentences.clone(),
            gazetteer: doc.gazetteer.clone(),
        };
        let (tags, _) = model.tag(&input);
        for r in &doc.sentences {
            let pred: Vec<&str> = tags[r.clone()].iter().map(|&t| model.tag_name(t)).collect();
            scores.add(&doc.tags[r.clone()], &pred);
        }
    }
    Evaluation { overall: scores.overall(), per_type: scores.per_type() }
}

/// What [`train_conll`] did and measured.
#[derive(Debug, Clone, Serialize)]
pub struct ConllReport {
    /// The training run.
    pub train: TrainReport,
    /// Scores on `eng.testa` (the development set).
    pub testa: Evaluation,
    /// Scores on `eng.testb` (the test set).
    pub testb: Evaluation,
    /// Size of the written model file in bytes.
    pub model_bytes: usize,
}

/// Gazetteer marks (see [`tagger::gazetteer_mark`]) for `tokens` of `text`: each token inside
/// a match gets the match's label, and whether it begins the match.
pub fn gazetteer_marks(gaz: &Gazetteer, text: &str, tokens: &[Token]) -> Vec<u64> {
    let mut marks = vec![0; tokens.len()];
    let mut k = 0;
    for m in gaz.find(text) {
        while k < tokens.len() && tokens[k].start < m.start {
            k += 1;
        }
        let label = &gaz.records()[m.record].label;
        let mut j = k;
        while j < tokens.len() && tokens[j].end <= m.end {
            marks[j] = tagger::gazetteer_mark(label, tokens[j].start == m.start);
            j += 1;
        }
    }
    marks
}

/// Adds gazetteer marks to a training document, matching on its words joined by spaces.
pub fn mark_train_doc(gaz: &Gazetteer, doc: &mut TrainDoc) {
    let mut text = String::new();
    let mut tokens = Vec::with_capacity(doc.words.len());
    for w in &doc.words {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(w);
        tokens.push(Token { start, end: text.len() });
    }
    doc.gazetteer = gazetteer_marks(gaz, &text, &tokens);
}

/// Reads CoNLL documents from `path` as training documents, with marks of `gaz`.
pub fn conll_docs(path: &Path, gaz: Option<&Gazetteer>) -> Result<Vec<TrainDoc>> {
    let mut docs: Vec<TrainDoc> = read_conll(path)?.iter().map(|d| train_doc_of(d)).collect();
    if let Some(gaz) = gaz {
        for d in &mut docs {
            mark_train_doc(gaz, d);
        }
    }
    Ok(docs)
}

/// Trains the default tagger on CoNLL-2003 in `dir` (`eng.train`, tuned on `eng.testa`),
/// scores it on `eng.testa` and `eng.testb`, and writes it to `out`.
pub fn train_conll(
    dir: &Path,
    out: &Path,
    epochs: usize,
    progress: &mut dyn FnMut(usize, Option<f64>),
) -> Result<ConllReport> {
    let gaz = Gazetteer::builtin();
    let train = conll_docs(&dir.join("eng.train"), Some(&gaz))?;
    let dev = conll_docs(&dir.join("eng.testa"), Some(&gaz))?;
    let test = conll_docs(&dir.join("eng.testb"), Some(&gaz))?;
    let opts = TrainOptions { epochs, ..TrainOptions::default() };
    let (mut model, report) = Model::train(&train, Some(&dev), &opts, progress)?;
    let a = evaluate(&model, &dev);
    let b = evaluate(&model, &test);
    model.meta.insert("trained_on".to_owned(), "CoNLL-2003 eng.train, tuned on eng.testa".to_owned());
    model.meta.insert("testa_f1".to_owned(), format!("{:.4}", a.overall.f1));
    model.meta.insert("testb_f1".to_owned(), format!("{:.4}", b.overall.f1));
    model.meta.insert("best_epoch".to_owned(), report.best_epoch.to_string());
    let bytes = model.to_bytes()?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| crate::error::Error::io(parent, e))?;
    }
    std::fs::write(out, &bytes).map_err(|e| crate::error::Error::io(out, e))?;
    Ok(ConllReport { train: report, testa: a, testb: b, model_bytes: bytes.len() })
}

/// A training document from a text and its entity spans (byte offsets and labels): the text
/// is tokenised and split as at run time, and a token inside a span gets its label. Spans that
/// do not fall on token boundaries cover the tokens they overlap.
pub fn train_doc_from_spans(text: &str, spans: &[(usize, usize, String)], gaz: Option<&Gazetteer>) -> TrainDoc {
    let tokens = tokenize::tokenize(text);
    let sents = tokenize::sentences(text, &tokens, 200);
    let mut tags = vec!["O".to_owned(); tokens.len()];
    let mut sorted: Vec<&(usize, usize, String)> = spans.iter().collect();
    sorted.sort_by_key(|s| (s.0, s.1));
    for (s, e, label) in sorted {
        let mut first = true;
        for (k, t) in tokens.iter().enumerate() {
            if t.start < *e && *s < t.end && tags[k] == "O" {
                tags[k] = format!("{}-{label}", if first { "B" } else { "I" });
                first = false;
            }
        }
    }
    TrainDoc {
        words: tokens.iter().map(|t| t.text(text).to_owned()).collect(),
        sentences: sents,
        gazetteer: gaz.map(|g| gazetteer_marks(g, text, &tokens)).unwrap_or_default(),
        tags,
    }
}
