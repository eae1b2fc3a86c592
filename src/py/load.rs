//! Loader functions: Python arguments → core loaders (GIL released) → `CorpusStore` + report.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::decode::DecodePolicy;
use crate::document::{Loaded, RecordNote};
use crate::error::Error;
use crate::load::csv::CsvOptions;
use crate::load::dir::DirOptions;
use crate::load::records::{OwnedField, OwnedRecord};
use crate::load::{BadRecordPolicy, FieldMap, FieldSpec, LoadOptions, MetaFields};
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

/// Reads a directory of text files.
#[pyfunction]
#[pyo3(signature = (path, /, *, suffix=".txt", recursive=false, title_from_first_line=false, errors="repair", on_bad_record="reject", keep_empty=false, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn read_dir(
    py: Python<'_>,
    path: PathBuf,
    suffix: &str,
    recursive: bool,
    title_from_first_line: bool,
    errors: &str,
    on_bad_record: &str,
    keep_empty: bool,
    workers: Option<i64>,
) -> PyResult<(PyCorpusStore, Py<PyDict>)> {
    let opts = load_options(FieldMap::default(), errors, on_bad_record, false, keep_empty)?;
    let dir_opts = DirOptions { suffix: suffix.to_owned(), recursive, title_from_first_line };
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| crate::load::dir::read_dir(&path, &dir_opts, &opts, &workers, interrupts.checkpoint()));
    into_python(py, interrupts.finish(result)?)
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

/// Reads a CSV file with a header row.
#[pyfunction]
#[pyo3(signature = (path, /, *, text, id, title, source, url, published, meta, delimiter=",", quote="\"", errors="repair", on_bad_record="reject", dayfirst=false, keep_empty=false, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn read_csv(
    py: Python<'_>,
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
) -> PyResult<(PyCorpusStore, Py<PyDict>)> {
    let opts = load_options(
        field_map(text, id, title, source, url, published, meta),
        errors,
        on_bad_record,
        dayfirst,
        keep_empty,
    )?;
    let csv_opts = CsvOptions { delimiter: single_byte("delimiter", delimiter)?, quote: single_byte("quote", quote)? };
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| crate::load::csv::read_csv(&path, csv_opts, &opts, &workers, interrupts.checkpoint()));
    into_python(py, interrupts.finish(result)?)
}

/// Reads a JSON Lines file.
#[pyfunction]
#[pyo3(signature = (path, /, *, text, id, title, source, url, published, meta, errors="repair", on_bad_record="reject", dayfirst=false, keep_empty=false, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn read_jsonl(
    py: Python<'_>,
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
) -> PyResult<(PyCorpusStore, Py<PyDict>)> {
    let opts = load_options(
        field_map(text, id, title, source, url, published, meta),
        errors,
        on_bad_record,
        dayfirst,
        keep_empty,
    )?;
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| crate::load::jsonl::read_jsonl(&path, &opts, &workers, interrupts.checkpoint()));
    into_python(py, interrupts.finish(result)?)
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
    if records.cast::<PyString>().is_ok() {
        return Err(PyTypeError::new_err(format!("{origin}: expected a list of texts or records, got a single str")));
    }
    let opts = load_options(
        field_map(text, id, title, source, url, published, meta),
        errors,
        on_bad_record,
        dayfirst,
        keep_empty,
    )?;
    let mut owned = Vec::new();
    for (i, item) in records
        .try_iter()
        .map_err(|_| PyTypeError::new_err(format!("{origin}: expected an iterable of texts or records")))?
        .enumerate()
    {
        let item = item?;
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
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result =
        py.detach(|| crate::load::records::load_records(origin, &owned, &opts, &workers, interrupts.checkpoint()));
    into_python(py, interrupts.finish(result)?)
}
