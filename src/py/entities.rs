//! Entity extraction bindings: `Entity`, `Figure`, `Quote`, `Tagger`, `Gazetteer` and the
//! extraction functions (single and batch).

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::py::convert::{py_repr, py_repr_opt};
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::document::Document;
use crate::entities::extract::{Entity, Extractor, resolve_quotes};
use crate::entities::gazetteer::{Gazetteer, Record};
use crate::entities::tagger::{Model, TrainDoc, TrainOptions};
use crate::entities::{conll_docs, evaluate, link, patterns, train_doc_from_spans};
use crate::error::Error;
use crate::parallel::Workers;
use crate::py::input::{document_of, documents_of};
use crate::py::parallel::{Interrupts, workers as make_workers};
use crate::text::CharIndex;

/// Documents handed to the pool between two Ctrl-C checks.
const CHUNK: usize = 64;

/// One entity mention; `start`/`end` are `str` indices into the text it was found in.
#[pyclass(frozen, get_all, eq, name = "Entity", module = "copydesk._core")]
#[derive(Clone, PartialEq)]
pub struct PyEntity {
    label: String,
    text: String,
    start: usize,
    end: usize,
    canonical: String,
    score: f32,
    id: Option<String>,
}

#[pymethods]
impl PyEntity {
    #[new]
    #[pyo3(signature = (label, text, start, end, canonical, score=1.0, id=None))]
    fn new(
        label: String,
        text: String,
        start: usize,
        end: usize,
        canonical: String,
        score: f32,
        id: Option<String>,
    ) -> Self {
        PyEntity { label, text, start, end, canonical, score, id }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Entity(label={}, text={}, start={}, end={}, canonical={}, score={:.3})",
            py_repr(py, &self.label)?,
            py_repr(py, &self.text)?,
            self.start,
            self.end,
            py_repr(py, &self.canonical)?,
            self.score
        ))
    }
}

fn entity_out(text: &str, index: &CharIndex<'_>, e: &Entity) -> PyEntity {
    PyEntity {
        label: e.label.clone(),
        text: text[e.start..e.end].to_owned(),
        start: index.char_of(e.start),
        end: index.char_of(e.end),
        canonical: e.canonical.clone(),
        score: e.score,
        id: e.id.clone(),
    }
}

/// A figure: a number with its unit or counted noun and qualifier.
#[pyclass(frozen, get_all, eq, name = "Figure", module = "copydesk._core")]
#[derive(Clone, PartialEq)]
pub struct PyFigure {
    value: f64,
    unit: Option<String>,
    qualifier: Option<String>,
    modifier: Option<String>,
    text: String,
    start: usize,
    end: usize,
}

#[pymethods]
impl PyFigure {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Figure(value={}, unit={}, qualifier={}, text={}, start={}, end={})",
            self.value,
            py_repr_opt(py, self.unit.as_deref())?,
            py_repr_opt(py, self.qualifier.as_deref())?,
            py_repr(py, &self.text)?,
            self.start,
            self.end
        ))
    }
}

/// A quotation with its speaker and cue verb.
#[pyclass(frozen, get_all, eq, name = "Quote", module = "copydesk._core")]
#[derive(Clone, PartialEq)]
pub struct PyQuote {
    text: String,
    start: usize,
    end: usize,
    speaker: Option<String>,
    speaker_start: Option<usize>,
    speaker_end: Option<usize>,
    cue: Option<String>,
    speaker_canonical: Option<String>,
}

#[pymethods]
impl PyQuote {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let short: String = self.text.chars().take(40).collect();
        let more = if self.text.chars().count() > 40 { "…" } else { "" };
        Ok(format!(
            "Quote(text={}, start={}, end={}, speaker={}, cue={}, speaker_canonical={})",
            py_repr(py, &format!("{short}{more}"))?,
            self.start,
            self.end,
            py_repr_opt(py, self.speaker.as_deref())?,
            py_repr_opt(py, self.cue.as_deref())?,
            py_repr_opt(py, self.speaker_canonical.as_deref())?
        ))
    }
}

/// A trained sequence tagger.
#[pyclass(frozen, name = "Tagger", module = "copydesk._core")]
pub struct PyTagger {
    model: Arc<Model>,
}

fn train_opts(epochs: usize, two_pass: bool) -> TrainOptions {
    TrainOptions { epochs, two_pass, ..TrainOptions::default() }
}

fn span_docs(obj: &Bound<'_, PyAny>, what: &str, gaz: Option<&Gazetteer>) -> PyResult<Vec<TrainDoc>> {
    let mut docs = Vec::new();
    for (i, item) in obj.try_iter().map_err(|_| PyTypeError::new_err(format!("{what}: expected a list")))?.enumerate() {
        let item = item?;
        let pair = item
            .cast::<PyTuple>()
            .ok()
            .filter(|t| t.len() == 2)
            .ok_or_else(|| PyTypeError::new_err(format!("{what}[{i}]: expected a (text, spans) pair")))?;
        let text: String =
            pair.get_item(0)?.extract().map_err(|_| PyTypeError::new_err(format!("{what}[{i}]: text is not a str")))?;
        let raw: Vec<(usize, usize, String)> = pair
            .get_item(1)?
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("{what}[{i}]: spans must be (start, end, label) tuples")))?;
        let index = CharIndex::new(&text);
        let mut spans = Vec::with_capacity(raw.len());
        for (s, e, l) in raw {
            if s >= e || e > index.len_chars() || l.is_empty() {
                return Err(Error::InvalidValue {
                    what: format!("{what}[{i}] span ({s}, {e}, {l:?})"),
                    reason: format!("needs 0 <= start < end <= {} and a label", index.len_chars()),
                }
                .into());
            }
            spans.push((index.byte_of(s), index.byte_of(e), l));
        }
        docs.push(train_doc_from_spans(&text, &spans, gaz));
    }
    Ok(docs)
}

fn report_dict<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value)
        .map_err(|e| Error::InvalidValue { what: "report".into(), reason: e.to_string() })?;
    crate::py::convert::from_json(py, &json)
}

#[pymethods]
impl PyTagger {
    #[staticmethod]
    #[pyo3(signature = (data, /, *, origin="model bytes"))]
    fn from_bytes(py: Python<'_>, data: &Bound<'_, PyBytes>, origin: &str) -> PyResult<Self> {
        let bytes = data.as_bytes().to_vec();
        let model = py.detach(|| Model::from_bytes(&bytes, origin))?;
        Ok(PyTagger { model: Arc::new(model) })
    }

    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let model = py.detach(|| Model::load(&path))?;
        Ok(PyTagger { model: Arc::new(model) })
    }

    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        Ok(py.detach(|| self.model.save(&path))?)
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py.detach(|| self.model.to_bytes())?;
        Ok(PyBytes::new(py, &bytes))
    }

    #[staticmethod]
    #[pyo3(signature = (train, /, *, dev=None, epochs=12, two_pass=true, gazetteer=None))]
    fn train_conll<'py>(
        py: Python<'py>,
        train: PathBuf,
        dev: Option<PathBuf>,
        epochs: usize,
        two_pass: bool,
        gazetteer: Option<&Bound<'py, PyGazetteer>>,
    ) -> PyResult<(Self, Bound<'py, PyAny>)> {
        let gaz = gazetteer.map(|g| g.get().inner.clone());
        let result = py.detach(|| -> crate::error::Result<_> {
            let t = conll_docs(&train, gaz.as_deref())?;
            let d = dev.as_deref().map(|p| conll_docs(p, gaz.as_deref())).transpose()?;
            Model::train(&t, d.as_deref(), &train_opts(epochs, two_pass), &mut |_, _| {})
        })?;
        Ok((PyTagger { model: Arc::new(result.0) }, report_dict(py, &result.1)?))
    }

    #[staticmethod]
    #[pyo3(signature = (examples, /, *, dev=None, epochs=12, two_pass=true, gazetteer=None))]
    fn train_spans<'py>(
        py: Python<'py>,
        examples: &Bound<'py, PyAny>,
        dev: Option<&Bound<'py, PyAny>>,
        epochs: usize,
        two_pass: bool,
        gazetteer: Option<&Bound<'py, PyGazetteer>>,
    ) -> PyResult<(Self, Bound<'py, PyAny>)> {
        let gaz = gazetteer.map(|g| g.get().inner.clone());
        let t = span_docs(examples, "examples", gaz.as_deref())?;
        let d = dev.map(|d| span_docs(d, "dev", gaz.as_deref())).transpose()?;
        let result = py.detach(|| Model::train(&t, d.as_deref(), &train_opts(epochs, two_pass), &mut |_, _| {}))?;
        Ok((PyTagger { model: Arc::new(result.0) }, report_dict(py, &result.1)?))
    }

    #[pyo3(signature = (path, /, *, gazetteer=None))]
    fn evaluate_conll<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        gazetteer: Option<&Bound<'py, PyGazetteer>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let gaz = gazetteer.map(|g| g.get().inner.clone());
        let eval = py.detach(|| conll_docs(&path, gaz.as_deref()).map(|docs| evaluate(&self.model, &docs)))?;
        report_dict(py, &eval)
    }

    #[getter]
    fn labels(&self) -> Vec<String> {
        self.model.labels().to_vec()
    }

    #[getter]
    fn meta(&self) -> std::collections::BTreeMap<String, String> {
        self.model.meta.clone()
    }

    #[getter]
    fn n_features(&self) -> usize {
        self.model.n_features()
    }

    fn __repr__(&self) -> String {
        format!("Tagger(labels={:?}, features={})", self.model.labels(), self.model.n_features())
    }
}

/// A compiled gazetteer.
#[pyclass(frozen, name = "Gazetteer", module = "copydesk._core")]
pub struct PyGazetteer {
    inner: Arc<Gazetteer>,
}

fn record_of(obj: &Bound<'_, PyAny>, i: usize) -> PyResult<Record> {
    let d = obj.cast::<PyDict>().map_err(|_| PyTypeError::new_err(format!("records[{i}]: expected a dict")))?;
    let get = |k: &str| -> PyResult<Option<String>> {
        match d.get_item(k)? {
            None => Ok(None),
            Some(v) if v.is_none() => Ok(None),
            Some(v) => v
                .extract::<String>()
                .map(Some)
                .map_err(|_| PyTypeError::new_err(format!("records[{i}][{k:?}]: expected a str"))),
        }
    };
    let canonical = get("canonical")?.or(get("name")?).unwrap_or_default();
    let aliases: Vec<String> = match d.get_item("aliases")? {
        None => Vec::new(),
        Some(v) if v.is_none() => Vec::new(),
        Some(v) if v.cast::<PyString>().is_ok() => {
            return Err(PyTypeError::new_err(format!("records[{i}][\"aliases\"]: expected a list of str, got a str")));
        }
        Some(v) => v
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("records[{i}][\"aliases\"]: expected a list of str")))?,
    };
    Ok(Record {
        id: get("id")?.unwrap_or_else(|| canonical.clone()),
        label: get("label")?.unwrap_or_default(),
        canonical,
        aliases,
        kind: get("kind")?.unwrap_or_default(),
    })
}

#[pymethods]
impl PyGazetteer {
    #[staticmethod]
    fn builtin() -> Self {
        PyGazetteer { inner: Arc::new(Gazetteer::builtin()) }
    }

    #[staticmethod]
    fn from_records(py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<Self> {
        if records.cast::<PyString>().is_ok() || records.cast::<PyDict>().is_ok() {
            return Err(PyTypeError::new_err("records: expected a list of dicts"));
        }
        let mut recs = Vec::new();
        for (i, item) in
            records.try_iter().map_err(|_| PyTypeError::new_err("records: expected a list of dicts"))?.enumerate()
        {
            recs.push(record_of(&item?, i)?);
        }
        let gaz = py.detach(|| Gazetteer::new(recs))?;
        Ok(PyGazetteer { inner: Arc::new(gaz) })
    }

    #[staticmethod]
    fn from_json(py: Python<'_>, data: &str) -> PyResult<Self> {
        let gaz = py.detach(|| Gazetteer::from_json(data))?;
        Ok(PyGazetteer { inner: Arc::new(gaz) })
    }

    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for r in self.inner.records() {
            let d = PyDict::new(py);
            d.set_item("id", &r.id)?;
            d.set_item("label", &r.label)?;
            d.set_item("canonical", &r.canonical)?;
            d.set_item("aliases", &r.aliases)?;
            d.set_item("kind", &r.kind)?;
            list.append(d)?;
        }
        Ok(list)
    }

    fn find(&self, text: &str) -> Vec<PyEntity> {
        let index = CharIndex::new(text);
        self.inner
            .find(text)
            .iter()
            .map(|m| {
                let r = &self.inner.records()[m.record];
                let e = Entity {
                    label: r.label.clone(),
                    start: m.start,
                    end: m.end,
                    canonical: r.canonical.clone(),
                    score: 1.0,
                    id: Some(r.id.clone()),
                };
                entity_out(text, &index, &e)
            })
            .collect()
    }

    fn __len__(&self) -> usize {
        self.inner.records().len()
    }

    fn __repr__(&self) -> String {
        format!("Gazetteer({} records)", self.inner.records().len())
    }
}

fn extractor(
    tagger: Option<&Bound<'_, PyTagger>>,
    gazetteer: Option<&Bound<'_, PyGazetteer>>,
    dates: bool,
) -> Extractor {
    Extractor {
        model: tagger.map(|t| t.get().model.clone()),
        gazetteer: gazetteer.map(|g| g.get().inner.clone()),
        dates,
    }
}

fn extract_one(ex: &Extractor, doc: &Document, published: Option<&str>) -> Vec<PyEntity> {
    let published = published.or(doc.published.as_deref());
    let index = CharIndex::new(&doc.text);
    ex.extract(&doc.text, published).iter().map(|e| entity_out(&doc.text, &index, e)).collect()
}

fn single_doc(text: &Bound<'_, PyAny>) -> PyResult<Arc<Document>> {
    document_of(text, &|| "text".to_owned(), 0)
}

fn run_batch<R: Send>(
    py: Python<'_>,
    docs: &[Arc<Document>],
    workers: Workers,
    f: impl Fn(&Document) -> R + Sync + Send,
) -> PyResult<Vec<R>> {
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| workers.map_chunks(docs, CHUNK, |d| f(d), interrupts.checkpoint()));
    interrupts.finish(result)
}

/// Entities of one text or `Document`.
#[pyfunction]
#[pyo3(signature = (text, /, *, tagger=None, gazetteer=None, dates=true, published=None))]
pub fn extract_entities(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    tagger: Option<&Bound<'_, PyTagger>>,
    gazetteer: Option<&Bound<'_, PyGazetteer>>,
    dates: bool,
    published: Option<String>,
) -> PyResult<Vec<PyEntity>> {
    let doc = single_doc(text)?;
    let ex = extractor(tagger, gazetteer, dates);
    Ok(py.detach(|| extract_one(&ex, &doc, published.as_deref())))
}

/// Entities of each text or document of a batch.
#[pyfunction]
#[pyo3(signature = (texts, /, *, tagger=None, gazetteer=None, dates=true, workers=None))]
pub fn extract_entities_batch(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    tagger: Option<&Bound<'_, PyTagger>>,
    gazetteer: Option<&Bound<'_, PyGazetteer>>,
    dates: bool,
    workers: Option<i64>,
) -> PyResult<Vec<Vec<PyEntity>>> {
    let docs = documents_of(texts, "texts")?;
    let ex = extractor(tagger, gazetteer, dates);
    run_batch(py, &docs, make_workers(workers.unwrap_or(-1))?, |d| extract_one(&ex, d, None))
}

fn figures_one(text: &str) -> Vec<PyFigure> {
    let index = CharIndex::new(text);
    patterns::figures(text)
        .into_iter()
        .map(|f| PyFigure {
            value: f.value,
            unit: f.unit,
            qualifier: f.qualifier,
            modifier: f.modifier,
            text: text[f.start..f.end].to_owned(),
            start: index.char_of(f.start),
            end: index.char_of(f.end),
        })
        .collect()
}

/// Figures of one text or `Document`.
#[pyfunction]
#[pyo3(signature = (text, /))]
pub fn extract_figures(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<PyFigure>> {
    let doc = single_doc(text)?;
    Ok(py.detach(|| figures_one(&doc.text)))
}

/// Figures of each text or document of a batch.
#[pyfunction]
#[pyo3(signature = (texts, /, *, workers=None))]
pub fn extract_figures_batch(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    workers: Option<i64>,
) -> PyResult<Vec<Vec<PyFigure>>> {
    let docs = documents_of(texts, "texts")?;
    run_batch(py, &docs, make_workers(workers.unwrap_or(-1))?, |d| figures_one(&d.text))
}

fn quotes_one(ex: &Extractor, doc: &Document) -> Vec<PyQuote> {
    let text = &doc.text;
    let ents = ex.extract(text, doc.published.as_deref());
    let index = CharIndex::new(text);
    resolve_quotes(text, &ents)
        .into_iter()
        .map(|r| PyQuote {
            text: text[r.quote.start..r.quote.end].to_owned(),
            start: index.char_of(r.quote.start),
            end: index.char_of(r.quote.end),
            speaker: r.quote.speaker.map(|(s, e)| text[s..e].to_owned()),
            speaker_start: r.quote.speaker.map(|(s, _)| index.char_of(s)),
            speaker_end: r.quote.speaker.map(|(_, e)| index.char_of(e)),
            cue: r.quote.cue,
            speaker_canonical: r.speaker_canonical,
        })
        .collect()
}

/// Quotations of one text or `Document`, speakers resolved with the entities.
#[pyfunction]
#[pyo3(signature = (text, /, *, tagger=None, gazetteer=None))]
pub fn extract_quotes(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    tagger: Option<&Bound<'_, PyTagger>>,
    gazetteer: Option<&Bound<'_, PyGazetteer>>,
) -> PyResult<Vec<PyQuote>> {
    let doc = single_doc(text)?;
    let ex = extractor(tagger, gazetteer, false);
    Ok(py.detach(|| quotes_one(&ex, &doc)))
}

/// Quotations of each text or document of a batch.
#[pyfunction]
#[pyo3(signature = (texts, /, *, tagger=None, gazetteer=None, workers=None))]
pub fn extract_quotes_batch(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    tagger: Option<&Bound<'_, PyTagger>>,
    gazetteer: Option<&Bound<'_, PyGazetteer>>,
    workers: Option<i64>,
) -> PyResult<Vec<Vec<PyQuote>>> {
    let docs = documents_of(texts, "texts")?;
    let ex = extractor(tagger, gazetteer, false);
    run_batch(py, &docs, make_workers(workers.unwrap_or(-1))?, |d| quotes_one(&ex, d))
}

/// Entities of a corpus with canonical forms merged across documents: rows of
/// `(doc_id, label, text, canonical, start, end, score, id)`.
#[pyfunction]
#[pyo3(signature = (texts, /, *, tagger=None, gazetteer=None, dates=true, threshold=0.88, workers=None))]
#[allow(clippy::type_complexity)]
pub fn entity_rows(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    tagger: Option<&Bound<'_, PyTagger>>,
    gazetteer: Option<&Bound<'_, PyGazetteer>>,
    dates: bool,
    threshold: f64,
    workers: Option<i64>,
) -> PyResult<Vec<(String, String, String, String, usize, usize, f32, Option<String>)>> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(
            Error::InvalidOption { name: "threshold".into(), reason: format!("{threshold} is not in [0, 1]") }.into()
        );
    }
    let docs = documents_of(texts, "texts")?;
    let ex = extractor(tagger, gazetteer, dates);
    let mut per_doc =
        run_batch(py, &docs, make_workers(workers.unwrap_or(-1))?, |d| ex.extract(&d.text, d.published.as_deref()))?;
    Ok(py.detach(|| {
        link::across_documents(&mut per_doc, threshold, ex.gazetteer.as_deref());
        let mut rows = Vec::new();
        for (doc, ents) in docs.iter().zip(&per_doc) {
            let index = CharIndex::new(&doc.text);
            for e in ents {
                let o = entity_out(&doc.text, &index, e);
                rows.push((doc.id.clone(), o.label, o.text, o.canonical, o.start, o.end, o.score, o.id));
            }
        }
        rows
    }))
}
