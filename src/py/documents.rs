//! `Document`, `Repair` and `CorpusStore`: the document model as Python objects.
//!
//! A `Document` shares its core document through an `Arc`, so indexing a corpus of a
//! million documents copies no text until a field is read.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::document::{Document, Repair, content_id};
use crate::load::records::OwnedRecord;
use crate::load::{Built, LoadOptions, RecordPlace, build_document};
use crate::py::convert::{from_json, to_field, to_json};
use crate::py::errors::new_error;

/// One article.
#[pyclass(frozen, name = "Document", module = "copydesk._core")]
pub struct PyDocument {
    /// The shared core document.
    pub inner: Arc<Document>,
}

fn opt_text(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<crate::load::records::OwnedField>> {
    obj.map(|o| to_field(o, true, &|| format!("Document {name}"))).transpose()
}

#[pymethods]
impl PyDocument {
    #[new]
    #[pyo3(signature = (text, /, *, id=None, title=None, source=None, url=None, published=None, meta=None))]
    fn new(
        text: &Bound<'_, PyAny>,
        id: Option<&Bound<'_, PyAny>>,
        title: Option<&Bound<'_, PyAny>>,
        source: Option<&Bound<'_, PyAny>>,
        url: Option<&Bound<'_, PyAny>>,
        published: Option<&Bound<'_, PyAny>>,
        meta: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        if text.is_none() {
            return Err(PyTypeError::new_err("Document text is None, expected str (or bytes)"));
        }
        let mut fields = vec![("text".to_owned(), to_field(text, true, &|| "Document text".to_owned())?)];
        for (name, value) in [("id", id), ("title", title), ("source", source), ("url", url), ("published", published)]
        {
            let value = if name == "id" {
                id.map(|o| to_field(o, false, &|| "Document id".to_owned())).transpose()?
            } else {
                opt_text(value, name)?
            };
            if let Some(v) = value {
                fields.push((name.to_owned(), v));
            }
        }
        let mut meta_map = std::collections::BTreeMap::new();
        if let Some(meta) = meta {
            for (k, v) in meta.iter() {
                let key = k.str()?.to_string_lossy().into_owned();
                let value = to_json(&v, &|| format!("Document meta[{key:?}]"))?;
                meta_map.insert(key, value);
            }
        }
        let record = OwnedRecord { fields };
        let opts = LoadOptions { keep_empty: true, ..LoadOptions::default() };
        let place = RecordPlace { origin: "Document", record: 0, line: None };
        let mut doc = match build_document(&record, place, &opts)? {
            Built::Document(doc) => doc,
            Built::Rejected { reason, .. } => {
                return Err(Python::attach(|py| new_error(py, "InputError", format!("Document: {reason}"))));
            }
        };
        doc.meta = meta_map;
        if id.is_none_or(Bound::is_none) {
            doc.id = content_id(&doc.text);
        }
        Ok(PyDocument { inner: Arc::new(doc) })
    }

    /// Identifier, unique within the corpus.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// The raw text as loaded.
    #[getter]
    fn text(&self) -> &str {
        &self.inner.text
    }
    #[getter]
    fn title(&self) -> Option<&str> {
        self.inner.title.as_deref()
    }
    #[getter]
    fn source(&self) -> Option<&str> {
        self.inner.source.as_deref()
    }
    #[getter]
    fn url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }
    #[getter]
    fn published(&self) -> Option<&str> {
        self.inner.published.as_deref()
    }
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (k, v) in &self.inner.meta {
            dict.set_item(k, from_json(py, v)?)?;
        }
        Ok(dict)
    }
    #[getter]
    fn repairs(&self) -> Vec<PyRepair> {
        self.inner.repairs.iter().map(PyRepair::from).collect()
    }

    /// The document as a plain dict (meta as a nested dict, repairs left out).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("title", self.title())?;
        d.set_item("source", self.source())?;
        d.set_item("url", self.url())?;
        d.set_item("published", self.published())?;
        d.set_item("text", self.text())?;
        d.set_item("meta", self.meta(py)?)?;
        Ok(d)
    }

    /// The whole document, repairs included, as JSON.
    fn to_json(&self) -> String {
        serde_json::to_string(&*self.inner).unwrap_or_default()
    }

    /// Rebuilds a document from `to_json` output.
    #[staticmethod]
    fn from_json(data: &str) -> PyResult<Self> {
        let doc: Document = serde_json::from_str(data).map_err(|e| {
            Python::attach(|py| {
                new_error(py, "InputError", format!("Document.from_json: not a copydesk document: {e}"))
            })
        })?;
        Ok(PyDocument { inner: Arc::new(doc) })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let from_json = slf.get_type().getattr("from_json")?;
        let args = PyTuple::new(slf.py(), [slf.get().to_json()])?;
        Ok((from_json, args))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyDocument>().is_ok_and(|o| *o.get().inner == *self.inner)
    }

    /// In Jupyter: the raw text with what cleaning removes struck through (rule on hover) and
    /// the entities highlighted (`copydesk.display.document_html`).
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        slf.py().import("copydesk.display")?.getattr("document_html")?.call1((slf,))?.extract()
    }

    fn __repr__(&self) -> String {
        let mut title: String = self.inner.title.as_deref().unwrap_or("").chars().take(40).collect();
        if self.inner.title.as_ref().is_some_and(|t| t.chars().count() > 40) {
            title.push('…');
        }
        let repairs = if self.inner.repairs.is_empty() {
            String::new()
        } else {
            format!(", repairs={}", self.inner.repairs.len())
        };
        format!(
            "Document(id={:?}, title={:?}, chars={}{repairs})",
            self.inner.id,
            title,
            self.inner.text.chars().count()
        )
    }
}

/// One repair made while loading.
#[pyclass(frozen, get_all, name = "Repair", module = "copydesk._core")]
pub struct PyRepair {
    field: String,
    start: usize,
    end: usize,
    original: String,
    replacement: String,
    rule: String,
    reason: String,
}

impl From<&Repair> for PyRepair {
    fn from(r: &Repair) -> Self {
        PyRepair {
            field: r.field.clone(),
            start: r.span.start,
            end: r.span.end,
            original: r.original.clone(),
            replacement: r.replacement.clone(),
            rule: r.rule.clone(),
            reason: r.reason.clone(),
        }
    }
}

#[pymethods]
impl PyRepair {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        Ok(format!(
            "Repair(field={}, rule={}, original={}, replacement={})",
            r(&self.field)?,
            r(&self.rule)?,
            r(&self.original)?,
            r(&self.replacement)?
        ))
    }
}

/// The documents of a corpus, held in Rust so batch work needs no conversion.
#[pyclass(frozen, name = "CorpusStore", module = "copydesk._core")]
pub struct PyCorpusStore {
    /// The documents, shared with every `Document` handed out.
    pub docs: Vec<Arc<Document>>,
    index: OnceLock<HashMap<String, usize>>,
}

impl PyCorpusStore {
    /// A store of these documents.
    pub fn new(docs: Vec<Arc<Document>>) -> Self {
        PyCorpusStore { docs, index: OnceLock::new() }
    }

    fn position(&self, i: isize) -> PyResult<usize> {
        let n = self.docs.len();
        let j = if i < 0 { n.checked_sub(i.unsigned_abs()) } else { Some(i.unsigned_abs()) };
        j.filter(|&j| j < n)
            .ok_or_else(|| PyIndexError::new_err(format!("document index {i} out of range for a corpus of {n}")))
    }
}

#[pymethods]
impl PyCorpusStore {
    #[staticmethod]
    fn from_documents(documents: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut docs = Vec::new();
        for (i, item) in documents.try_iter()?.enumerate() {
            let item = item?;
            let doc = item.cast::<PyDocument>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "documents[{i}] is a {}, expected Document",
                    item.get_type().name().map_or_else(|_| "?".into(), |n| n.to_string())
                ))
            })?;
            docs.push(doc.get().inner.clone());
        }
        Ok(PyCorpusStore::new(docs))
    }

    fn __len__(&self) -> usize {
        self.docs.len()
    }

    fn get(&self, i: isize) -> PyResult<PyDocument> {
        Ok(PyDocument { inner: self.docs[self.position(i)?].clone() })
    }

    fn take(&self, indices: Vec<isize>) -> PyResult<Self> {
        let docs =
            indices.into_iter().map(|i| self.position(i).map(|j| self.docs[j].clone())).collect::<PyResult<_>>()?;
        Ok(PyCorpusStore::new(docs))
    }

    fn ids(&self) -> Vec<&str> {
        self.docs.iter().map(|d| d.id.as_str()).collect()
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.index
            .get_or_init(|| self.docs.iter().enumerate().map(|(i, d)| (d.id.clone(), i)).rev().collect())
            .get(id)
            .copied()
    }

    fn documents(&self) -> Vec<PyDocument> {
        self.docs.iter().map(|d| PyDocument { inner: d.clone() }).collect()
    }

    /// Column lists for a DataFrame: the document fields, `repairs` (a count), then one
    /// column per meta key (`meta.<key>` where it would clash with a field).
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        let strs = |f: &dyn Fn(&Document) -> Option<&str>| -> Bound<'py, PyList> {
            let items: Vec<Option<&str>> = self.docs.iter().map(|d| f(d)).collect();
            PyList::new(py, items).expect("list of str")
        };
        out.set_item("id", strs(&|d| Some(&d.id)))?;
        out.set_item("title", strs(&|d| d.title.as_deref()))?;
        out.set_item("source", strs(&|d| d.source.as_deref()))?;
        out.set_item("url", strs(&|d| d.url.as_deref()))?;
        out.set_item("published", strs(&|d| d.published.as_deref()))?;
        out.set_item("text", strs(&|d| Some(&d.text)))?;
        out.set_item("repairs", PyList::new(py, self.docs.iter().map(|d| d.repairs.len()))?)?;
        let mut keys: Vec<&String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for d in &self.docs {
            for k in d.meta.keys() {
                if seen.insert(k) {
                    keys.push(k);
                }
            }
        }
        for key in keys {
            let column = PyList::empty(py);
            for d in &self.docs {
                match d.meta.get(key) {
                    Some(v) => column.append(from_json(py, v)?)?,
                    None => column.append(py.None())?,
                }
            }
            let name = if out.contains(key)? { format!("meta.{key}") } else { key.clone() };
            out.set_item(PyString::new(py, &name), column)?;
        }
        Ok(out)
    }
}
