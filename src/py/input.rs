//! Batch inputs from Python: a `Corpus`, a `CorpusStore`, or any iterable of `Document`s or
//! `str`s. A corpus's documents are shared. An ASCII `str` is its own UTF-8 and is read in
//! place; any other is encoded to UTF-8 for the time of the call (or of the part of a batch
//! that reads it: [`unencoded_inputs_of`]), not read from the UTF-8 form Python makes of it
//! when asked: Python keeps that form for as long as the `str` lives, half again a corpus's
//! memory once every text has been cleaned.

use std::borrow::Cow;
use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::document::Document;
use crate::py::documents::{PyCorpusStore, PyDocument};

/// One item of a batch argument; kept in a result as the raw text it was made from.
pub enum RawText {
    /// A `Document` (of a corpus, or given as one), shared.
    Document(Arc<Document>),
    /// The caller's `str` itself.
    Str(Py<PyString>),
    /// A `str` with lone surrogates, which UTF-8 cannot hold: a copy, each surrogate one
    /// U+FFFD, so that character offsets stay those of the Python string.
    Repaired(String),
}

impl RawText {
    /// The text, for one use (a non-ASCII `str` is encoded again). Cannot fail for an item
    /// from [`inputs_of`] or [`input_of`], which encoded it once.
    pub fn text<'a>(&'a self, py: Python<'a>) -> PyResult<Cow<'a, str>> {
        match self {
            RawText::Document(d) => Ok(Cow::Borrowed(&d.text)),
            RawText::Str(s) if is_ascii(s.bind(py))? => Ok(Cow::Borrowed(s.bind(py).to_str()?)),
            RawText::Str(s) => Ok(Cow::Owned(utf8_of(s.bind(py))?)),
            RawText::Repaired(t) => Ok(Cow::Borrowed(t)),
        }
    }

    /// The document, if the item was one.
    pub fn document(&self) -> Option<&Document> {
        match self {
            RawText::Document(d) => Some(d),
            RawText::Str(_) | RawText::Repaired(_) => None,
        }
    }
}

/// An item of a call with its text: the UTF-8 of a non-ASCII `str` is held here for the time
/// of the call (or of the part of a batch that reads it, see [`Input::encode`]).
pub struct Input {
    /// The item.
    pub raw: RawText,
    /// The UTF-8 of a non-ASCII [`RawText::Str`].
    utf8: Option<Py<PyBytes>>,
    /// A non-ASCII [`RawText::Str`] whose UTF-8 is not made (or was released).
    unencoded: bool,
}

impl Input {
    fn of(raw: RawText) -> Input {
        Input { raw, utf8: None, unencoded: false }
    }

    /// Makes the UTF-8 of a non-ASCII `str` (a `str` with lone surrogates becomes its repaired
    /// copy instead), held until [`Input::release`].
    pub fn encode(&mut self, py: Python<'_>) -> PyResult<()> {
        if let (true, RawText::Str(s)) = (self.unencoded, &self.raw) {
            let s = s.bind(py);
            match s.encode_utf8() {
                Ok(utf8) => self.utf8 = Some(utf8.unbind()),
                Err(_) => self.raw = RawText::Repaired(text_of(s, &String::new)?),
            }
            self.unencoded = false;
        }
        Ok(())
    }

    /// Drops the UTF-8 that [`Input::encode`] made.
    pub fn release(&mut self) {
        if self.utf8.take().is_some() {
            self.unencoded = true;
        }
    }

    /// The item's text (a non-ASCII `str` not encoded is encoded for this use alone).
    pub fn text<'a>(&'a self, py: Python<'a>) -> PyResult<Cow<'a, str>> {
        match (&self.raw, &self.utf8) {
            (_, Some(utf8)) => Ok(Cow::Borrowed(encoded_str(utf8.as_bytes(py))?)),
            (RawText::Str(s), None) if self.unencoded => Ok(Cow::Owned(utf8_of(s.bind(py))?)),
            (RawText::Str(s), None) => Ok(Cow::Borrowed(s.bind(py).to_str()?)),
            (RawText::Repaired(t), None) => Ok(Cow::Borrowed(t)),
            (RawText::Document(d), None) => Ok(Cow::Borrowed(&d.text)),
        }
    }
}

/// The items of a batch argument, every `str` encoded; `what` names the argument in a
/// `TypeError` (e.g. `"texts"`).
pub fn inputs_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Input>> {
    let mut inputs = unencoded_inputs_of(obj, what)?;
    for input in &mut inputs {
        input.encode(obj.py())?;
    }
    Ok(inputs)
}

/// The items of a batch argument, the non-ASCII `str`s not encoded yet: a batch encodes
/// (and releases) them a part at a time ([`Input::encode`]), so that it does not hold a copy
/// of every text at once.
pub fn unencoded_inputs_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Input>> {
    if let Ok(store) = obj.cast::<PyCorpusStore>() {
        return Ok(store.get().docs.iter().cloned().map(|d| Input::of(RawText::Document(d))).collect());
    }
    if let Ok(store) = obj.getattr("_store") {
        if let Ok(store) = store.cast::<PyCorpusStore>() {
            return Ok(store.get().docs.iter().cloned().map(|d| Input::of(RawText::Document(d))).collect());
        }
    }
    if obj.cast::<PyString>().is_ok() || obj.cast::<PyBytes>().is_ok() {
        return Err(PyTypeError::new_err(format!("{what}: expected a list of texts or a Corpus, got a single str")));
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!("{what}: expected a Corpus or a list of texts, got {}", type_name(obj)))
    })?;
    let mut inputs = Vec::new();
    for (i, item) in iter.enumerate() {
        inputs.push(unencoded_input_of(item?, &|| format!("{what}[{i}]"))?);
        // Millions of texts take a while: let Ctrl-C through before the batch starts.
        if i % 4096 == 4095 {
            obj.py().check_signals()?;
        }
    }
    Ok(inputs)
}

/// One item: a `Document` or a `str`; `what` names it in a `TypeError`.
pub fn input_of(obj: Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<Input> {
    let py = obj.py();
    let mut input = unencoded_input_of(obj, what)?;
    input.encode(py)?;
    Ok(input)
}

/// [`input_of`], a non-ASCII `str` not encoded yet.
fn unencoded_input_of(obj: Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<Input> {
    if let Ok(doc) = obj.cast::<PyDocument>() {
        return Ok(Input::of(RawText::Document(doc.get().inner.clone())));
    }
    match obj.cast_into::<PyString>() {
        Ok(s) => {
            let ascii = is_ascii(&s)?;
            Ok(Input { raw: RawText::Str(s.unbind()), utf8: None, unencoded: !ascii })
        }
        Err(e) => {
            let obj = e.into_inner();
            Err(PyTypeError::new_err(format!("{} is a {}, expected str or Document", what(), type_name(&obj))))
        }
    }
}

/// The documents of a batch argument, for the stages that need owned documents. Texts
/// get ids `"0"`, `"1"`, …; `what` names the argument in a `TypeError` (e.g. `"texts"`).
pub fn documents_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Arc<Document>>> {
    inputs_of(obj, what)?.into_iter().enumerate().map(|(i, input)| document_from(obj.py(), input, i)).collect()
}

/// One document from a `Document` or a `str` (id = `index`).
pub fn document_of(obj: &Bound<'_, PyAny>, what: &dyn Fn() -> String, index: usize) -> PyResult<Arc<Document>> {
    document_from(obj.py(), input_of(obj.clone(), what)?, index)
}

fn document_from(py: Python<'_>, input: Input, index: usize) -> PyResult<Arc<Document>> {
    let text = match input {
        Input { raw: RawText::Document(d), .. } => return Ok(d),
        Input { raw: RawText::Repaired(t), .. } => t,
        input @ Input { raw: RawText::Str(_), .. } => input.text(py)?.into_owned(),
    };
    Ok(Arc::new(Document { id: index.to_string(), text, ..Document::default() }))
}

/// Whether a `str` is ASCII, and so its own UTF-8 (read in place, Python makes no copy):
/// `isascii` reads a flag of the string.
fn is_ascii(s: &Bound<'_, PyString>) -> PyResult<bool> {
    s.call_method0(intern!(s.py(), "isascii"))?.is_truthy()
}

/// The UTF-8 of a `str`, encoded now (Python keeps none of it); an error for a `str` with
/// lone surrogates.
pub fn utf8_of(s: &Bound<'_, PyString>) -> PyResult<String> {
    Ok(encoded_str(s.encode_utf8()?.as_bytes())?.to_owned())
}

/// What Python's UTF-8 encoder wrote, as a `str`: it writes valid UTF-8, so this is a check,
/// not a repair. `simdutf8` checks 32 bytes at a time whatever they hold; the standard check
/// goes a character at a time through text outside ASCII (a curly quote in every sentence).
fn encoded_str(utf8: &[u8]) -> PyResult<&str> {
    simdutf8::basic::from_utf8(utf8)
        .map_err(|e| PyValueError::new_err(format!("Python's UTF-8 encoder wrote invalid UTF-8: {e}")))
}

/// Text of a `str`; lone surrogates (which UTF-8 cannot hold) become U+FFFD one for one, so
/// character offsets stay those of the Python string.
pub fn text_of(s: &Bound<'_, PyString>, _what: &dyn Fn() -> String) -> PyResult<String> {
    if let Ok(t) = utf8_of(s) {
        return Ok(t);
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
