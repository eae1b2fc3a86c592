//! Loader functions: Python arguments → core loaders (GIL released) → `CorpusStore` + report;
//! and the streaming readers, which hand out one chunk of records at a time.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::decode::DecodePolicy;
use crate::document::{Loaded, RecordNote};
use crate::error::Error;
use crate::load::csv::CsvOptions;
use crate::load::dir::DirOptions;
use crate::load::records::{OwnedField, OwnedRecord};
use crate::load::{BadRecordPolicy, ChunkState, Chunked, FieldMap, FieldSpec, LoadOptions, MetaFields};
use crate::parallel::Workers;
use crate::py::convert::to_field;
use crate::py::documents::PyCorpusStore;
use crate::py::parallel::{Interrupts, workers as make_workers};

fn option_error(name: &str, value: &str, allowed: &str) -> PyErr {
    Error::InvalidOption { name: name.into(), reason: format!("{value:?} is not one of {allowed}") }.into()
}

fn load_options(
    fields: FieldMap,
    errors: &str,
    on_bad_record: &str,
    dayfirst: bool,
    keep_empty: bool,
) -> PyResult<LoadOptions> {
    Ok(LoadOptions {
        fields,
        errors: DecodePolicy::parse(errors)
            .ok_or_else(|| option_error("errors", errors, "'repair', 'strict', 'replace'"))?,
        on_bad_record: BadRecordPolicy::parse(on_bad_record)
            .ok_or_else(|| option_error("on_bad_record", on_bad_record, "'reject', 'raise'"))?,
        dayfirst,
        keep_empty,
    })
}

type Role = Option<(String, bool)>;

fn spec(role: Role) -> Option<FieldSpec> {
    role.map(|(name, required)| FieldSpec { name, required })
}

#[allow(clippy::too_many_arguments)]
fn field_map(
    text: String,
    id: Role,
    title: Role,
    source: Role,
    url: Role,
    published: Role,
    meta: Option<Vec<String>>,
) -> FieldMap {
    FieldMap {
        text,
        id: spec(id),
        title: spec(title),
        source: spec(source),
        url: spec(url),
        published: spec(published),
        meta: meta.map_or(MetaFields::Rest, MetaFields::Only),
    }
}

fn notes<'py>(py: Python<'py>, notes: &[RecordNote]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, notes.iter().map(|n| (n.record, n.line, n.id.as_deref(), n.reason.as_str())))
}

fn into_python(py: Python<'_>, loaded: Loaded) -> PyResult<(PyCorpusStore, Py<PyDict>)> {
    let report = PyDict::new(py);
    let r = &loaded.report;
    report.set_item("origin", &r.origin)?;
    report.set_item("read", r.read)?;
    report.set_item("loaded", r.loaded)?;
    report.set_item("repaired", notes(py, &r.repaired)?)?;
    report.set_item("rejected", notes(py, &r.rejected)?)?;
    let store = PyCorpusStore::new(loaded.documents.into_iter().map(Arc::new).collect());
    Ok((store, report.unbind()))
}

fn single_byte(name: &str, value: &str) -> PyResult<u8> {
    match value.as_bytes() {
        [b] => Ok(*b),
        _ => {
            Err(Error::InvalidOption { name: name.into(), reason: format!("{value:?} must be one ASCII character") }
                .into())
        }
    }
}

/// Builds documents from Python records: each a `dict`, or a `str` (the text alone).
#[pyfunction]
#[pyo3(signature = (records, /, *, text, id, title, source, url, published, meta, errors="repair", on_bad_record="reject", dayfirst=false, keep_empty=false, workers=None, origin="<python>"))]
#[allow(clippy::too_many_arguments)]
pub fn load_records(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    text: String,
    id: Role,
    title: Role,
    source: Role,
    url: Role,
    published: Role,
    meta: Option<Vec<String>>,
    errors: &str,
    on_bad_record: &str,
    dayfirst: bool,
    keep_empty: bool,
    workers: Option<i64>,
    origin: &str,
) -> PyResult<(PyCorpusStore, Py<PyDict>)> {
    let opts = load_options(
        field_map(text, id, title, source, url, published, meta),
        errors,
        on_bad_record,
        dayfirst,
        keep_empty,
    )?;
    let owned = owned_records(records, &opts, origin, 0)?;
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result =
        py.detach(|| crate::load::records::load_records(origin, &owned, &opts, &workers, interrupts.checkpoint()));
    into_python(py, interrupts.finish(result)?)
}

/// Python records (each a `dict`, or a `str`: the text alone) as owned records; `first` is
/// the number of the first, for messages.
fn owned_records(
    records: &Bound<'_, PyAny>,
    opts: &LoadOptions,
    origin: &str,
    first: usize,
) -> PyResult<Vec<OwnedRecord>> {
    if records.cast::<PyString>().is_ok() {
        return Err(PyTypeError::new_err(format!("{origin}: expected a list of texts or records, got a single str")));
    }
    let mut owned = Vec::new();
    for (i, item) in records
        .try_iter()
        .map_err(|_| PyTypeError::new_err(format!("{origin}: expected an iterable of texts or records")))?
        .enumerate()
    {
        let (item, i) = (item?, first + i);
        let mut fields = Vec::new();
        if let Ok(dict) = item.cast::<PyDict>() {
            for (k, v) in dict.iter() {
                let key = k.str()?.to_string_lossy().into_owned();
                let is_text = key == opts.fields.text;
                fields.push((key.clone(), to_field(&v, is_text, &|| format!("{origin}[{i}][{key:?}]"))?));
            }
        } else {
            let value = to_field(&item, true, &|| format!("{origin}[{i}]"))?;
            if value == OwnedField::Null {
                return Err(PyTypeError::new_err(format!("{origin}[{i}] is None, expected str (or bytes) or a dict")));
            }
            fields.push((opts.fields.text.clone(), value));
        }
        owned.push(OwnedRecord { fields });
    }
    Ok(owned)
}

/// A file or directory read a chunk of records at a time (`open_csv`, `open_jsonl`,
/// `open_dir`): each chunk is parsed and built with the GIL released, numbered and with ids
/// made unique as in the whole-file read.
#[pyclass(frozen, name = "LoadStream", module = "copydesk._core")]
pub struct PyLoadStream {
    chunked: Mutex<Chunked<'static>>,
    workers: Workers,
}

impl PyLoadStream {
    fn new(chunked: Chunked<'static>, workers: Option<i64>) -> PyResult<Self> {
        Ok(PyLoadStream { chunked: Mutex::new(chunked), workers: make_workers(workers.unwrap_or(-1))? })
    }
}

#[pymethods]
impl PyLoadStream {
    /// The next chunk of up to `max` records as `(store, report)`, or `None` after the last.
    fn next_chunk(&self, py: Python<'_>, max: usize) -> PyResult<Option<(PyCorpusStore, Py<PyDict>)>> {
        let mut interrupts = Interrupts::default();
        let result = py.detach(|| {
            let mut chunked = self.chunked.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            chunked.next(max, &self.workers, &mut interrupts.checkpoint())
        });
        interrupts.finish(result)?.map(|loaded| into_python(py, loaded)).transpose()
    }

    /// Every record not read yet, as one `(store, report)` (the whole-file readers).
    fn read_all(&self, py: Python<'_>) -> PyResult<(PyCorpusStore, Py<PyDict>)> {
        let mut interrupts = Interrupts::default();
        let result = py.detach(|| {
            let mut chunked = self.chunked.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            chunked.read_all(&self.workers, &mut interrupts.checkpoint())
        });
        into_python(py, interrupts.finish(result)?)
    }

    /// Records read so far.
    #[getter]
    fn records_read(&self) -> usize {
        self.chunked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).state().next_record()
    }
}

/// Opens a directory of text files to read in chunks.
#[pyfunction]
#[pyo3(signature = (path, /, *, suffix=".txt", recursive=false, title_from_first_line=false, errors="repair", on_bad_record="reject", keep_empty=false, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn open_dir(
    path: PathBuf,
    suffix: &str,
    recursive: bool,
    title_from_first_line: bool,
    errors: &str,
    on_bad_record: &str,
    keep_empty: bool,
    workers: Option<i64>,
) -> PyResult<PyLoadStream> {
    let opts = load_options(FieldMap::default(), errors, on_bad_record, false, keep_empty)?;
    let dir_opts = DirOptions { suffix: suffix.to_owned(), recursive, title_from_first_line };
    PyLoadStream::new(crate::load::dir::open_dir(&path, &dir_opts, &opts)?, workers)
}

/// Opens a CSV file to read in chunks (the header is read and checked now).
#[pyfunction]
#[pyo3(signature = (path, /, *, text, id, title, source, url, published, meta, delimiter=",", quote="\"", errors="repair", on_bad_record="reject", dayfirst=false, keep_empty=false, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn open_csv(
    path: PathBuf,
    text: String,
    id: Role,
    title: Role,
    source: Role,
    url: Role,
    published: Role,
    meta: Option<Vec<String>>,
    delimiter: &str,
    quote: &str,
    errors: &str,
    on_bad_record: &str,
    dayfirst: bool,
    keep_empty: bool,
    workers: Option<i64>,
) -> PyResult<PyLoadStream> {
    let fields = field_map(text, id, title, source, url, published, meta);
    let opts = load_options(fields, errors, on_bad_record, dayfirst, keep_empty)?;
    let csv_opts = CsvOptions { delimiter: single_byte("delimiter", delimiter)?, quote: single_byte("quote", quote)? };
    PyLoadStream::new(crate::load::csv::open_csv(&path, csv_opts, &opts)?, workers)
}

/// Opens a JSON Lines file to read in chunks.
#[pyfunction]
#[pyo3(signature = (path, /, *, text, id, title, source, url, published, meta, errors="repair", on_bad_record="reject", dayfirst=false, keep_empty=false, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn open_jsonl(
    path: PathBuf,
    text: String,
    id: Role,
    title: Role,
    source: Role,
    url: Role,
    published: Role,
    meta: Option<Vec<String>>,
    errors: &str,
    on_bad_record: &str,
    dayfirst: bool,
    keep_empty: bool,
    workers: Option<i64>,
) -> PyResult<PyLoadStream> {
    let fields = field_map(text, id, title, source, url, published, meta);
    let opts = load_options(fields, errors, on_bad_record, dayfirst, keep_empty)?;
    PyLoadStream::new(crate::load::jsonl::open_jsonl(&path, &opts)?, workers)
}

/// Records that arrive in batches (Parquet record batches): each batch is built like
/// `load_records`, numbered after the earlier batches and with ids unique against theirs.
#[pyclass(frozen, name = "RecordStream", module = "copydesk._core")]
pub struct PyRecordStream {
    state: Mutex<ChunkState>,
}

#[pymethods]
impl PyRecordStream {
    #[new]
    #[pyo3(signature = (*, text, id, title, source, url, published, meta, errors="repair", on_bad_record="reject", dayfirst=false, keep_empty=false, origin="<python>"))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        text: String,
        id: Role,
        title: Role,
        source: Role,
        url: Role,
        published: Role,
        meta: Option<Vec<String>>,
        errors: &str,
        on_bad_record: &str,
        dayfirst: bool,
        keep_empty: bool,
        origin: &str,
    ) -> PyResult<Self> {
        let fields = field_map(text, id, title, source, url, published, meta);
        let opts = load_options(fields, errors, on_bad_record, dayfirst, keep_empty)?;
        Ok(PyRecordStream { state: Mutex::new(ChunkState::new(origin, opts)) })
    }

    /// Builds the next batch of records: `(store, report)`.
    #[pyo3(signature = (records, /, *, workers=None))]
    fn feed(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        workers: Option<i64>,
    ) -> PyResult<(PyCorpusStore, Py<PyDict>)> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let owned = owned_records(records, state.opts(), state.origin(), state.next_record())?;
        let workers = make_workers(workers.unwrap_or(-1))?;
        let mut interrupts = Interrupts::default();
        let state = &mut *state;
        let result = py
            .detach(|| crate::load::records::load_records_chunk(state, &owned, &workers, &mut interrupts.checkpoint()));
        into_python(py, interrupts.finish(result)?)
    }

    /// Records fed so far.
    #[getter]
    fn records_read(&self) -> usize {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).next_record()
    }
}
