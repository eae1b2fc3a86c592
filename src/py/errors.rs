//! Core errors → the typed exceptions of `copydesk.errors`.
//!
//! The exception classes are defined in Python because some inherit from two builtins
//! (`PathNotFoundError` is both a `CopydeskError`, hence a `ValueError`, and a
//! `FileNotFoundError`), which `create_exception!` cannot express.

use pyo3::exceptions::{PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

use crate::error::Error;

fn class_name(err: &Error) -> &'static str {
    match err {
        Error::PathNotFound { .. } => "PathNotFoundError",
        Error::Io { .. } => "ReadError",
        Error::NoDocuments { .. } => "NoDocumentsError",
        Error::InvalidUtf8 { .. } => "InvalidUtf8Error",
        Error::MissingField { .. } => "MissingFieldError",
        Error::BadRecord { .. } => "BadRecordError",
        Error::InvalidOption { .. } => "OptionError",
        Error::InvalidValue { .. } | Error::Interrupted => "InputError",
        Error::InvalidModel { .. } => "ModelError",
        #[allow(unreachable_patterns)]
        _ => "CopydeskError",
    }
}

/// Looks up an exception class of `copydesk.errors` (imported once per class).
pub fn exception_class<'py>(py: Python<'py>, name: &'static str) -> PyResult<Bound<'py, PyType>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || py.import("copydesk.errors").map(Bound::unbind))?;
    Ok(module.bind(py).getattr(name)?.cast_into::<PyType>()?)
}

/// Builds the Python exception of class `name` (in `copydesk.errors`) with `message`.
pub fn new_error(py: Python<'_>, name: &'static str, message: String) -> PyErr {
    match exception_class(py, name) {
        Ok(cls) => PyErr::from_type(cls, message),
        Err(_) => PyValueError::new_err(message),
    }
}

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        if matches!(err, Error::Interrupted) {
            return PyKeyboardInterrupt::new_err("interrupted");
        }
        Python::attach(|py| new_error(py, class_name(&err), err.to_string()))
    }
}
