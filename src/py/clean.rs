//! `clean`, `clean_batch`, `learn_boilerplate`, and the `Cleaned`, `Edit`,
//! `BoilerplateProfile` and `BoilerplateCounts` classes.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::clean::boilerplate::{
    BoilerplateProfile, CountsState, LearnParams, LearnedLine, LineCounts, ProfileMatcher, UserRule, line_hash,
};
use crate::clean::markup::LinkPolicy;
use crate::clean::structure::sentences_in_chars;
use crate::clean::unicode::{NormalForm, fold as fold_text};
use crate::clean::{CharOffsets, CleanOptions, Cleaned, DocumentHints, clean as clean_core};
use crate::error::Error;
use crate::py::input::{Input, RawText, input_of, inputs_of, unencoded_inputs_of};
use crate::py::parallel::{Interrupts, workers as make_workers};

/// A segment of the alignment as Python sees it: `(clean_start, clean_end, raw_start,
/// raw_end, kept)`.
type SegmentTuple = (usize, usize, usize, usize, bool);

/// One change from raw to cleaned text (character offsets into the raw text).
#[pyclass(frozen, get_all, name = "Edit", module = "copydesk._core")]
pub struct PyEdit {
    raw_start: usize,
    raw_end: usize,
    replacement: String,
    rule: String,
    reason: String,
    original: String,
}

#[pymethods]
impl PyEdit {
    fn __repr__(&self) -> String {
        format!(
            "Edit({}, {}, {:?}, rule={:?}, original={:?})",
            self.raw_start,
            self.raw_end,
            self.replacement,
            self.rule,
            self.original.chars().take(40).collect::<String>()
        )
    }
}

/// A cleaned text, its edits and the maps back to the raw text (character offsets).
#[pyclass(frozen, name = "Cleaned", module = "copydesk._core")]
pub struct PyCleaned {
    raw: RawText,
    /// The result, its offsets in bytes.
    inner: Cleaned,
    /// Its offsets in characters, counted when one is first asked for: most callers want the
    /// text alone, and counting them is a twentieth of the cleaning of a news article.
    offsets: OnceLock<CharOffsets>,
    /// Sentence spans (characters), found on first use: see [`Cleaned::sentences`].
    sentences: OnceLock<Vec<(usize, usize)>>,
}

impl PyCleaned {
    fn new(raw: RawText, inner: Cleaned) -> Self {
        PyCleaned { raw, inner, offsets: OnceLock::new(), sentences: OnceLock::new() }
    }

    /// The result's offsets in characters.
    fn offsets(&self, py: Python<'_>) -> PyResult<&CharOffsets> {
        if let Some(offsets) = self.offsets.get() {
            return Ok(offsets);
        }
        Ok(self.offsets_in(&self.raw.text(py)?))
    }

    /// [`PyCleaned::offsets`], `raw` being the raw text (read once by a caller that needs it
    /// too: a non-ASCII `str` is encoded again on every read).
    fn offsets_in(&self, raw: &str) -> &CharOffsets {
        self.offsets.get_or_init(|| self.inner.char_offsets(raw))
    }
}

#[pymethods]
impl PyCleaned {
    /// The cleaned text.
    #[getter]
    fn text(&self) -> &str {
        &self.inner.text
    }
    /// The raw text that was cleaned (the very `str` given, if one was).
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        match &self.raw {
            RawText::Str(s) => Ok(s.bind(py).clone()),
            other => Ok(PyString::new(py, &other.text(py)?)),
        }
    }
    /// Id of the document cleaned, or None for a bare text.
    #[getter]
    fn doc_id(&self) -> Option<&str> {
        self.raw.document().map(|d| d.id.as_str())
    }
    #[getter]
    fn source(&self) -> Option<&str> {
        self.raw.document().and_then(|d| d.source.as_deref())
    }
    #[getter]
    fn title(&self) -> Option<&str> {
        self.inner.title.as_deref()
    }
    #[getter]
    fn title_in_text(&self) -> bool {
        self.inner.title_in_text
    }
    #[getter]
    fn published(&self) -> Option<&str> {
        self.inner.published.as_deref()
    }
    #[getter]
    fn published_span(&self, py: Python<'_>) -> PyResult<Option<(usize, usize)>> {
        Ok(self.offsets(py)?.published_raw.as_ref().map(|r| (r.start, r.end)))
    }
    #[getter]
    fn byline(&self) -> Option<&str> {
        self.inner.byline.as_deref()
    }
    #[getter]
    fn body_start(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.offsets(py)?.body_start)
    }
    #[getter]
    fn paragraphs(&self, py: Python<'_>) -> PyResult<Vec<(usize, usize)>> {
        Ok(self.offsets(py)?.paragraphs.iter().map(|r| (r.start, r.end)).collect())
    }
    /// Sentence spans, found when first asked for (a pass over the text that most callers
    /// never need).
    #[getter]
    fn sentences(&self) -> Vec<(usize, usize)> {
        self.sentences
            .get_or_init(|| sentences_in_chars(&self.inner.text).into_iter().map(|r| (r.start, r.end)).collect())
            .clone()
    }
    #[getter]
    fn edits(&self, py: Python<'_>) -> PyResult<Vec<PyEdit>> {
        if self.inner.edits.is_empty() {
            return Ok(Vec::new());
        }
        let raw = self.raw.text(py)?;
        Ok(self
            .inner
            .edits
            .iter()
            .zip(&self.offsets_in(&raw).edits)
            .map(|(e, chars)| PyEdit {
                raw_start: chars.start,
                raw_end: chars.end,
                replacement: e.replacement.clone(),
                rule: e.rule.to_string(),
                reason: e.reason.to_string(),
                original: raw.get(e.raw.clone()).unwrap_or_default().to_owned(),
            })
            .collect())
    }
    /// The raw offset of cleaned offset `i`.
    #[pyo3(signature = (i, /, *, end=false))]
    fn to_raw(&self, py: Python<'_>, i: usize, end: bool) -> PyResult<usize> {
        Ok(self.offsets(py)?.alignment.to_raw(i, end))
    }
    /// The cleaned offset of raw offset `j`.
    #[pyo3(signature = (j, /, *, end=false))]
    fn to_clean(&self, py: Python<'_>, j: usize, end: bool) -> PyResult<usize> {
        Ok(self.offsets(py)?.alignment.to_clean(j, end))
    }
    /// The raw span of cleaned span `[start, end)`.
    fn span_to_raw(&self, py: Python<'_>, start: usize, end: usize) -> PyResult<(usize, usize)> {
        let alignment = &self.offsets(py)?.alignment;
        let from = alignment.to_raw(start, false);
        Ok((from, alignment.to_raw(end, true).max(from)))
    }
    /// The cleaned span of raw span `[start, end)`.
    fn span_to_clean(&self, py: Python<'_>, start: usize, end: usize) -> PyResult<(usize, usize)> {
        let alignment = &self.offsets(py)?.alignment;
        let from = alignment.to_clean(start, false);
        Ok((from, alignment.to_clean(end, true).max(from)))
    }
    /// The alignment as `(clean_start, clean_end, raw_start, raw_end, kept)` segments.
    fn segments(&self, py: Python<'_>) -> PyResult<Vec<SegmentTuple>> {
        Ok(self
            .offsets(py)?
            .alignment
            .segments
            .iter()
            .map(|s| (s.clean.start, s.clean.end, s.raw.start, s.raw.end, s.kept))
            .collect())
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let id = self.raw.document().map_or_else(String::new, |d| format!("doc_id={:?}, ", d.id));
        let py_str = |s: Option<&str>| s.map_or_else(|| "None".to_owned(), |s| format!("{s:?}"));
        let title: Option<String> = self.inner.title.as_deref().map(|t| t.chars().take(40).collect());
        Ok(format!(
            "Cleaned({id}chars={} of {}, edits={}, title={}, published={})",
            self.inner.text.chars().count(),
            self.raw.text(py)?.chars().count(),
            self.inner.edits.len(),
            py_str(title.as_deref()),
            py_str(self.inner.published.as_deref())
        ))
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let py = other.py();
        match other.cast::<PyCleaned>() {
            Ok(o) => Ok(o.get().inner == self.inner && o.get().raw.text(py)? == self.raw.text(py)?),
            Err(_) => Ok(false),
        }
    }
    /// The cleaned text after the title line.
    #[getter]
    fn body(&self) -> &str {
        &self.inner.text[self.inner.body_start..]
    }
    /// What cleaning removed or replaced, one dict per edit (rule, reason, offsets, text).
    fn explain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for e in self.edits(py)? {
            let d = PyDict::new(py);
            d.set_item("rule", &e.rule)?;
            d.set_item("reason", &e.reason)?;
            d.set_item("raw_start", e.raw_start)?;
            d.set_item("raw_end", e.raw_end)?;
            d.set_item("original", &e.original)?;
            d.set_item("replacement", &e.replacement)?;
            list.append(d)?;
        }
        Ok(list)
    }
    /// The raw text with removals struck through and the rule on hover.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let raw = self.raw.text(py)?;
        // Edits' raw spans in bytes (the result's own offsets).
        let esc = |from: usize, to: usize| -> String {
            html_escape::encode_text(&raw[from.min(raw.len())..to.min(raw.len())]).into_owned()
        };
        let attr = |s: &str| html_escape::encode_double_quoted_attribute(s).into_owned();
        // The first 200,000 characters are shown.
        let limit = raw.char_indices().nth(200_000).map_or(raw.len(), |(at, _)| at);
        let mut out = String::from(
            "<div class=\"copydesk-cleaned\" style=\"white-space:pre-wrap;font-family:ui-sans-serif,system-ui;line-height:1.45\">",
        );
        if let Some(t) = &self.inner.title {
            out.push_str(&format!(
                "<div style=\"font-weight:bold;margin-bottom:.4em\">{}</div>",
                html_escape::encode_text(t)
            ));
        }
        let mut pos = 0;
        for e in &self.inner.edits {
            if e.raw.start >= limit {
                break;
            }
            out.push_str(&esc(pos, e.raw.start));
            let title = attr(&format!("{}: {}", e.rule, e.reason));
            if e.raw.end > e.raw.start {
                out.push_str(&format!(
                    "<del title=\"{title}\" style=\"color:#b00;background:#fee\">{}</del>",
                    esc(e.raw.start, e.raw.end)
                ));
            }
            if !e.replacement.is_empty() && !e.replacement.chars().all(char::is_whitespace) {
                out.push_str(&format!(
                    "<ins title=\"{title}\" style=\"color:#070;background:#efe\">{}</ins>",
                    html_escape::encode_text(&e.replacement)
                ));
            }
            pos = e.raw.end;
        }
        out.push_str(&esc(pos, limit));
        if limit < raw.len() {
            out.push_str(&format!("<p>… {} more characters</p>", raw[limit..].chars().count()));
        }
        out.push_str("</div>");
        Ok(out)
    }
}

/// Options as they come from Python.
fn options(
    form: &str,
    urls: &str,
    emails: &str,
    disable: Option<Vec<String>>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<CleanOptions> {
    let link = |name: &str, v: &str| -> PyResult<LinkPolicy> {
        match v {
            "keep" => Ok(LinkPolicy::Keep),
            "mask" => Ok(LinkPolicy::Mask),
            "drop" => Ok(LinkPolicy::Drop),
            _ => Err(Error::InvalidOption {
                name: name.into(),
                reason: format!("{v:?} is not one of 'keep', 'mask', 'drop'"),
            }
            .into()),
        }
    };
    let form = match form.to_ascii_uppercase().as_str() {
        "NFC" => NormalForm::Nfc,
        "NFKC" => NormalForm::Nfkc,
        _ => {
            return Err(Error::InvalidOption {
                name: "form".into(),
                reason: format!("{form:?} is not one of 'NFC', 'NFKC'"),
            }
            .into());
        }
    };
    let mut user_rules = Vec::new();
    if let Some(rules) = rules {
        for (i, item) in rules.try_iter()?.enumerate() {
            let item = item?;
            let (id, pattern, reason): (String, String, Option<String>) =
                if let Ok(t) = item.extract::<(String, String, String)>() {
                    (t.0, t.1, Some(t.2))
                } else if let Ok(t) = item.extract::<(String, String)>() {
                    (t.0, t.1, None)
                } else {
                    return Err(PyTypeError::new_err(format!(
                        "rules[{i}] must be a tuple (id, pattern) or (id, pattern, reason)"
                    )));
                };
            let reason = reason.unwrap_or_else(|| format!("user rule {id}"));
            user_rules.push(UserRule::new(&id, &pattern, &reason)?);
        }
    }
    Ok(CleanOptions {
        form,
        urls: link("urls", urls)?,
        emails: link("emails", emails)?,
        disabled: disable.unwrap_or_default().into_iter().collect::<HashSet<_>>(),
        rules: user_rules,
    })
}

/// An input's text and what its document says of it, as the core reads them (no Python
/// object: they cross into the threads of a batch).
fn text_and_hints<'a>(py: Python<'a>, input: &'a Input) -> PyResult<(Cow<'a, str>, DocumentHints<'a>)> {
    let hints = input.raw.document().map_or_else(DocumentHints::default, |doc| DocumentHints {
        title: doc.title.as_deref(),
        source: doc.source.as_deref(),
        published: doc.published.as_deref(),
    });
    Ok((input.text(py)?, hints))
}

/// Cleans one text or Document.
#[pyfunction]
#[pyo3(signature = (text, /, *, profile=None, urls="keep", emails="keep", form="NFC", disable=None, rules=None))]
#[allow(clippy::too_many_arguments)]
pub fn clean(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    profile: Option<PyRef<'_, PyBoilerplateProfile>>,
    urls: &str,
    emails: &str,
    form: &str,
    disable: Option<Vec<String>>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyCleaned> {
    if text.is_none() {
        return Err(PyTypeError::new_err("clean: text is None, expected str or Document"));
    }
    let input = input_of(text.clone(), &|| "clean: text".to_owned())?;
    let opts = options(form, urls, emails, disable, rules)?;
    let matcher = profile.map(|p| ProfileMatcher::new(&p.inner));
    let inner = {
        let (text, hints) = text_and_hints(py, &input)?;
        py.detach(|| clean_core(&text, hints, &opts, matcher.as_ref()))
    };
    Ok(PyCleaned::new(input.raw, inner))
}

/// Cleans many texts or Documents in parallel.
#[pyfunction]
#[pyo3(signature = (texts, /, *, profile=None, urls="keep", emails="keep", form="NFC", disable=None, rules=None, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn clean_batch(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    profile: Option<PyRef<'_, PyBoilerplateProfile>>,
    urls: &str,
    emails: &str,
    form: &str,
    disable: Option<Vec<String>>,
    rules: Option<&Bound<'_, PyAny>>,
    workers: Option<i64>,
) -> PyResult<Vec<PyCleaned>> {
    let mut inputs = unencoded_inputs_of(texts, "texts")?;
    let opts = options(form, urls, emails, disable, rules)?;
    let matcher = profile.map(|p| ProfileMatcher::new(&p.inner));
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let total = inputs.len();
    let mut cleaned = Vec::with_capacity(total);
    let clean_job =
        |(text, hints): &(Cow<'_, str>, DocumentHints<'_>)| clean_core(text, *hints, &opts, matcher.as_ref());
    // A part of the inputs at a time holds its UTF-8 (a `str`'s, encoded for the part and
    // released after it): a batch of a million `str`s holds a part's copies, not a million.
    for (k, part) in inputs.chunks_mut(ENCODED_AT_ONCE).enumerate() {
        for input in part.iter_mut() {
            input.encode(py)?;
        }
        let result = {
            let jobs: Vec<(Cow<'_, str>, DocumentHints<'_>)> =
                part.iter().map(|input| text_and_hints(py, input)).collect::<PyResult<_>>()?;
            let mut checkpoint = interrupts.checkpoint();
            let done_before = k * ENCODED_AT_ONCE;
            py.detach(|| workers.map_chunks(&jobs, 64, clean_job, |done, _| checkpoint(done_before + done, total)))
        };
        for input in part.iter_mut() {
            input.release();
        }
        cleaned.extend(interrupts.part(result)?);
    }
    // A result keeps the `str` it was given.
    Ok(cleaned.into_iter().zip(inputs).map(|(inner, input)| PyCleaned::new(input.raw, inner)).collect())
}

/// Inputs of [`clean_batch`] whose UTF-8 is held at a time.
const ENCODED_AT_ONCE: usize = 1024;

/// Boilerplate learned from a corpus.
#[pyclass(frozen, name = "BoilerplateProfile", module = "copydesk._core")]
pub struct PyBoilerplateProfile {
    inner: BoilerplateProfile,
}

#[pymethods]
impl PyBoilerplateProfile {
    /// The learned lines as `(group, text, docs)`.
    #[getter]
    fn lines(&self) -> Vec<(String, String, usize)> {
        self.inner.lines.iter().map(|l| (l.group.clone(), l.text.clone(), l.docs)).collect()
    }
    /// Documents counted per group.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (g, n) in &self.inner.groups {
            d.set_item(g, n)?;
        }
        Ok(d)
    }
    #[getter]
    fn by(&self) -> Option<&str> {
        self.inner.by.as_deref()
    }
    /// `(min_docs, min_share, max_chars)`.
    #[getter]
    fn params(&self) -> (usize, f64, usize) {
        (self.inner.params.min_docs, self.inner.params.min_share, self.inner.params.max_chars)
    }
    fn to_json(&self) -> String {
        self.inner.to_json()
    }
    #[staticmethod]
    fn from_json(data: &str) -> PyResult<Self> {
        Ok(PyBoilerplateProfile { inner: BoilerplateProfile::from_json(data)? })
    }
    /// A profile without the lines whose folded form equals one of `texts` (in `group`, or in
    /// every group).
    #[pyo3(signature = (texts, /, *, group=None))]
    fn without(&self, texts: Vec<String>, group: Option<&str>) -> Self {
        let hashes: HashSet<u64> = texts.iter().map(|t| line_hash(t)).collect();
        let mut inner = self.inner.clone();
        inner.lines.retain(|l| !(hashes.contains(&l.hash) && group.is_none_or(|g| g == l.group)));
        PyBoilerplateProfile { inner }
    }
    /// A profile with these lines added as boilerplate for `group` (`"*"`: every document).
    #[pyo3(signature = (texts, /, *, group="*"))]
    fn with_lines(&self, texts: Vec<String>, group: &str) -> Self {
        let mut inner = self.inner.clone();
        for t in texts {
            let hash = line_hash(&t);
            if !inner.lines.iter().any(|l| l.hash == hash && l.group == group) {
                inner.lines.push(LearnedLine { group: group.to_owned(), hash, text: t.trim().to_owned(), docs: 0 });
            }
        }
        PyBoilerplateProfile { inner }
    }
    fn __len__(&self) -> usize {
        self.inner.lines.len()
    }
    /// The learned lines as a pandas DataFrame: group, text, docs, share, group_docs.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas")?;
        let cols = PyDict::new(py);
        let lines = &self.inner.lines;
        let group_docs = |g: &str| self.inner.groups.get(g).copied().unwrap_or(0);
        cols.set_item("group", lines.iter().map(|l| l.group.as_str()).collect::<Vec<_>>())?;
        cols.set_item("text", lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>())?;
        cols.set_item("docs", lines.iter().map(|l| l.docs).collect::<Vec<_>>())?;
        cols.set_item("group_docs", lines.iter().map(|l| group_docs(&l.group)).collect::<Vec<_>>())?;
        cols.set_item(
            "share",
            lines
                .iter()
                .map(|l| if group_docs(&l.group) == 0 { 0.0 } else { l.docs as f64 / group_docs(&l.group) as f64 })
                .collect::<Vec<_>>(),
        )?;
        pandas.call_method1("DataFrame", (cols,))
    }
    /// Writes the profile as JSON to `path`.
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        std::fs::write(&path, self.inner.to_json()).map_err(|e| Error::io(&path, e))?;
        Ok(())
    }
    /// Reads a profile written by `save`.
    #[staticmethod]
    fn load(path: std::path::PathBuf) -> PyResult<Self> {
        let data = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let text = String::from_utf8(data).map_err(|_| Error::InvalidValue {
            what: "boilerplate profile".into(),
            reason: format!("{}: not UTF-8 JSON", path.display()),
        })?;
        BoilerplateProfile::from_json(&text).map(|inner| PyBoilerplateProfile { inner }).map_err(|e| match e {
            Error::InvalidValue { what, reason } => {
                Error::InvalidValue { what, reason: format!("{}: {reason}", path.display()) }.into()
            }
            other => other.into(),
        })
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyBoilerplateProfile>().is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type().getattr("from_json")?, PyTuple::new(slf.py(), [slf.get().inner.to_json()])?))
    }
    fn __repr__(&self) -> String {
        format!(
            "BoilerplateProfile({} lines from {} groups, by={:?})",
            self.inner.lines.len(),
            self.inner.groups.len(),
            self.inner.by
        )
    }
}

fn check_by(by: Option<&str>) -> PyResult<()> {
    match by {
        Some(b) if b != "source" => {
            Err(Error::InvalidOption { name: "by".into(), reason: format!("{b:?}: only 'source' or None") }.into())
        }
        _ => Ok(()),
    }
}

fn check_share(min_share: f64) -> PyResult<()> {
    if !(0.0..=1.0).contains(&min_share) || min_share.is_nan() {
        return Err(
            Error::InvalidOption { name: "min_share".into(), reason: format!("{min_share} is not in [0, 1]") }.into()
        );
    }
    Ok(())
}

/// Counts the lines of `texts` (a Corpus, a list) in parallel chunks.
fn count_lines(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    by_source: bool,
    max_chars: usize,
    workers: Option<i64>,
) -> PyResult<LineCounts> {
    let inputs = inputs_of(texts, "texts")?;
    let params = LearnParams { max_chars, ..LearnParams::default() };
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let texts: Vec<Cow<'_, str>> = inputs.iter().map(|input| input.text(py)).collect::<PyResult<_>>()?;
    let pairs: Vec<(Option<&str>, &str)> = inputs
        .iter()
        .zip(&texts)
        .map(|(input, text)| (input.raw.document().and_then(|d| d.source.as_deref()), &**text))
        .collect();
    let result =
        py.detach(|| crate::clean::learn_boilerplate(&pairs, by_source, params, &workers, interrupts.checkpoint()));
    interrupts.finish(result)
}

/// Learns boilerplate lines from a corpus.
#[pyfunction]
#[pyo3(signature = (texts, /, *, by="source", min_docs=5, min_share=0.05, max_chars=1000, workers=None))]
pub fn learn_boilerplate(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    by: Option<&str>,
    min_docs: usize,
    min_share: f64,
    max_chars: usize,
    workers: Option<i64>,
) -> PyResult<PyBoilerplateProfile> {
    check_by(by)?;
    check_share(min_share)?;
    let counts = count_lines(py, texts, by.is_some(), max_chars, workers)?;
    let params = LearnParams { min_docs: min_docs.max(1), min_share, max_chars };
    Ok(PyBoilerplateProfile { inner: counts.into_profile(by.map(str::to_owned), params) })
}

/// Line counts that chunks or workers learn separately and merge: picklable.
#[pyclass(name = "BoilerplateCounts", module = "copydesk._core")]
#[derive(Clone)]
pub struct PyBoilerplateCounts {
    inner: CountsState,
}

#[pymethods]
impl PyBoilerplateCounts {
    #[new]
    #[pyo3(signature = (*, by="source", max_chars=1000))]
    fn new(by: Option<&str>, max_chars: usize) -> PyResult<Self> {
        check_by(by)?;
        Ok(PyBoilerplateCounts {
            inner: CountsState { by_source: by.is_some(), max_chars, counts: LineCounts::default() },
        })
    }
    /// Counts the lines of more documents (after those counted so far).
    #[pyo3(signature = (texts, /, *, workers=None))]
    fn update(&mut self, py: Python<'_>, texts: &Bound<'_, PyAny>, workers: Option<i64>) -> PyResult<()> {
        let counts = count_lines(py, texts, self.inner.by_source, self.inner.max_chars, workers)?;
        self.inner.counts.merge(counts);
        Ok(())
    }
    /// Adds another's counts after these (counted with the same `by` and `max_chars`).
    fn merge(&mut self, other: &Bound<'_, Self>) -> PyResult<()> {
        let other = other.try_borrow()?.inner.clone();
        Ok(self.inner.merge(other)?)
    }
    /// The profile of the documents counted.
    #[pyo3(signature = (*, min_docs=5, min_share=0.05))]
    fn to_profile(&self, min_docs: usize, min_share: f64) -> PyResult<PyBoilerplateProfile> {
        check_share(min_share)?;
        Ok(PyBoilerplateProfile { inner: self.inner.to_profile(min_docs, min_share) })
    }
    #[getter]
    fn by(&self) -> Option<&str> {
        self.inner.by_source.then_some("source")
    }
    #[getter]
    fn max_chars(&self) -> usize {
        self.inner.max_chars
    }
    /// Documents counted.
    #[getter]
    fn documents(&self) -> usize {
        self.inner.counts.groups.values().sum()
    }
    /// Documents counted per group.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (g, n) in &self.inner.counts.groups {
            d.set_item(g, n)?;
        }
        Ok(d)
    }
    /// Distinct `(group, line)` counted.
    fn __len__(&self) -> usize {
        self.inner.counts.lines.len()
    }
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        Ok(PyBoilerplateCounts { inner: CountsState::from_bytes(data)? })
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyBoilerplateCounts>().is_ok_and(|o| o.try_borrow().is_ok_and(|o| o.inner == self.inner))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let data = slf.try_borrow()?.inner.to_bytes();
        Ok((slf.get_type().getattr("from_bytes")?, PyTuple::new(slf.py(), [PyBytes::new(slf.py(), &data)])?))
    }
    fn __repr__(&self) -> String {
        format!(
            "BoilerplateCounts({} documents, {} lines, by={}, max_chars={})",
            self.documents(),
            self.inner.counts.lines.len(),
            if self.inner.by_source { "'source'" } else { "None" },
            self.inner.max_chars
        )
    }
}

/// The matching form of a text: lowercase, quotes, dashes and spaces folded.
#[pyfunction]
pub fn fold(text: &str) -> String {
    fold_text(text)
}

/// Built-in boilerplate rules as `(id, pattern, reason)`: patterns over the start of the
/// folded line (`^…`), then those found anywhere in a short folded line.
#[pyfunction]
pub fn builtin_rules(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(py, crate::clean::boilerplate::rule_list())
}
