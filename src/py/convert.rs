//! Python values ↔ the core's field and metadata values.
//!
//! A `str` with lone surrogates cannot become Rust text. Such strings are encoded with
//! `surrogateescape` (which gives back the bytes a `surrogateescape` decode stood for) or
//! else `surrogatepass`, and go through the decoding policy like any other bytes, so the
//! repair is recorded on the document.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::load::records::OwnedField;

/// Text from a Python `str`: `Ok(text)`, or the UTF-8 bytes standing for a string with lone
/// surrogates.
pub fn str_or_bytes(s: &Bound<'_, PyString>) -> PyResult<Result<String, Vec<u8>>> {
    if let Ok(text) = crate::py::input::utf8_of(s) {
        return Ok(Ok(text));
    }
    let escaped = s
        .call_method1("encode", ("utf-8", "surrogateescape"))
        .or_else(|_| s.call_method1("encode", ("utf-8", "surrogatepass")))?;
    Ok(Err(escaped.cast_into::<PyBytes>()?.as_bytes().to_vec()))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

fn is_missing(obj: &Bound<'_, PyAny>) -> bool {
    if obj.is_none() {
        return true;
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return f.value().is_nan();
    }
    // pandas.NA and pandas.NaT, recognised without importing pandas.
    matches!(type_name(obj).as_str(), "NAType" | "NaTType")
}

/// A Python value as JSON, for `meta`. `what` names the value in a `TypeError`.
pub fn to_json(obj: &Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<Value> {
    if is_missing(obj) {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(v) = i.extract::<i64>() {
            return Ok(Value::from(v));
        }
        if let Ok(v) = i.extract::<u64>() {
            return Ok(Value::from(v));
        }
        return Ok(Value::String(i.str()?.to_string()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Number::from_f64(f.value()).map_or_else(|| Value::String(f.value().to_string()), Value::Number));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_string_lossy().into_owned()));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Value::String(String::from_utf8_lossy(b.as_bytes()).into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k.str()?.to_string_lossy().into_owned();
            let value = to_json(&v, &|| format!("{}[{key:?}]", what()))?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(to_json(&item?, &|| format!("{}[{i}]", what()))?);
        }
        return Ok(Value::Array(out));
    }
    if obj.hasattr("isoformat")? {
        return Ok(Value::String(obj.call_method0("isoformat")?.str()?.to_string_lossy().into_owned()));
    }
    // numpy scalars
    if obj.hasattr("item")? && obj.hasattr("dtype")? {
        return to_json(&obj.call_method0("item")?, what);
    }
    Err(PyTypeError::new_err(format!(
        "{}: a {} cannot be stored in a document; use str, int, float, bool, None, list or dict",
        what(),
        type_name(obj)
    )))
}

/// A Python value as a record field. Text fields (`text_field`) take only `str`, `bytes`
/// and missing values; anything else is a `TypeError` naming `what`.
pub fn to_field(obj: &Bound<'_, PyAny>, text_field: bool, what: &dyn Fn() -> String) -> PyResult<OwnedField> {
    if is_missing(obj) {
        return Ok(OwnedField::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(match str_or_bytes(s)? {
            Ok(text) => OwnedField::Str(text),
            Err(bytes) => OwnedField::Bytes(bytes),
        });
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(OwnedField::Bytes(b.as_bytes().to_vec()));
    }
    if text_field {
        return Err(PyTypeError::new_err(format!("{} is a {}, expected str (or bytes)", what(), type_name(obj))));
    }
    Ok(OwnedField::Json(to_json(obj, what)?))
}

/// JSON → Python.
pub fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, from_json(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Python's `repr` of a string (`'Aleppo'`), for `__repr__`s that read like Python.
pub fn py_repr(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_string())
}

/// Python's `repr` of an optional string (`None` or `'…'`).
pub fn py_repr_opt(py: Python<'_>, s: Option<&str>) -> PyResult<String> {
    s.map_or_else(|| Ok("None".to_owned()), |s| py_repr(py, s))
}
