//! Batch inputs from Python: a `Corpus`, a `CorpusStore`, or any iterable of `Document`s or
//! `str`s, all seen by the core as shared documents (no copy for corpora).

use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::document::Document;
use crate::py::documents::{PyCorpusStore, PyDocument};

/// The documents of a batch argument. Texts get ids `"0"`, `"1"`, …; `what` names the
/// argument in a `TypeError` (e.g. `"texts"`).
pub fn documents_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Arc<Document>>> {
    if let Ok(store) = obj.cast::<PyCorpusStore>() {
        return Ok(store.get().docs.clone());
    }
    if let Ok(store) = obj.getattr("_store") {
        if let Ok(store) = store.cast::<PyCorpusStore>() {
            return Ok(store.get().docs.clone());
        }
    }
    if obj.cast::<PyString>().is_ok() || obj.cast::<PyBytes>().is_ok() {
        return Err(PyTypeError::new_err(format!("{what}: expected a list of texts or a Corpus, got a single str")));
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!("{what}: expected a Corpus or a list of texts, got {}", type_name(obj)))
    })?;
    let mut docs = Vec::new();
    for (i, item) in iter.enumerate() {
        let item = item?;
        docs.push(document_of(&item, &|| format!("{what}[{i}]"), i)?);
        // Copying millions of texts takes seconds: let Ctrl-C through before the batch starts.
        if i % 4096 == 4095 {
            obj.py().check_signals()?;
        }
    }
    Ok(docs)
}

/// One document from a `Document` or a `str` (id = `index`).
pub fn document_of(obj: &Bound<'_, PyAny>, what: &dyn Fn() -> String, index: usize) -> PyResult<Arc<Document>> {
    if let Ok(doc) = obj.cast::<PyDocument>() {
        return Ok(doc.get().inner.clone());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = text_of(s, what)?;
        return Ok(Arc::new(Document { id: index.to_string(), text, ..Document::default() }));
    }
    Err(PyTypeError::new_err(format!("{} is a {}, expected str or Document", what(), type_name(obj))))
}

/// Text of a `str`; lone surrogates (which UTF-8 cannot hold) become U+FFFD one for one, so
/// character offsets stay those of the Python string.
pub fn text_of(s: &Bound<'_, PyString>, _what: &dyn Fn() -> String) -> PyResult<String> {
    if let Ok(t) = s.to_str() {
        return Ok(t.to_owned());
    }
    let bytes = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
    Ok(surrogates_replaced(bytes.cast::<PyBytes>()?.as_bytes()))
}

/// Decodes `surrogatepass` UTF-8, each encoded surrogate (`ED A0..BF 80..BF`) becoming one
/// U+FFFD.
fn surrogates_replaced(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0xED && i + 2 < bytes.len() && (0xA0..=0xBF).contains(&bytes[i + 1]) {
            out.push_str(&String::from_utf8_lossy(&bytes[start..i]));
            out.push('\u{FFFD}');
            i += 3;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&String::from_utf8_lossy(&bytes[start..]));
    out
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map_or_else(|_| "?".to_owned(), |n| n.to_string())
}
