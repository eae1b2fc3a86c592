//! Errors of the copydesk core.
//!
//! One enum for the whole core, with a hand-written `Display` whose message names the bad
//! input (file, record, line, column, byte offset) and the problem. The Python binding maps
//! each variant onto a typed exception in `copydesk.errors`; nothing here knows of Python.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in the copydesk core.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A path given by the user does not exist.
    PathNotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A file or directory exists but could not be read.
    Io {
        /// The path being read.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The input holds nothing to load (for example a directory without `.txt` files).
    NoDocuments {
        /// Where we looked.
        origin: String,
        /// What we looked for.
        reason: String,
    },
    /// Invalid UTF-8 under the `strict` decoding policy.
    InvalidUtf8 {
        /// File (or other origin) of the bytes.
        origin: String,
        /// 0-based record number, where the input has records.
        record: Option<usize>,
        /// 1-based line number in the file, where known.
        line: Option<u64>,
        /// The field or column being decoded.
        field: Option<String>,
        /// Byte offset of the first invalid byte: from the start of the field when `field` is
        /// given, else from the start of the file (or JSONL line, when `line` is given).
        byte_offset: u64,
    },
    /// A column or field named by the user is not in the input.
    MissingField {
        /// The input.
        origin: String,
        /// The field the user asked for.
        field: String,
        /// The option that named it (`text`, `id`, ...).
        role: String,
        /// What the input does have.
        available: Vec<String>,
    },
    /// A malformed record under the `raise` bad-record policy.
    BadRecord {
        /// The input.
        origin: String,
        /// 0-based record number.
        record: usize,
        /// 1-based line number, where known.
        line: Option<u64>,
        /// What is wrong with it.
        reason: String,
    },
    /// An option value that makes no sense.
    InvalidOption {
        /// The option's name.
        name: String,
        /// Why it was refused.
        reason: String,
    },
    /// A value that cannot be used where it was given (for example an unparseable date).
    InvalidValue {
        /// What the value is for.
        what: String,
        /// Why it was refused.
        reason: String,
    },
    /// A tagger model file that is not valid (wrong format or version, corrupt, truncated).
    InvalidModel {
        /// The file or other origin of the model.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The caller asked a long batch to stop (Ctrl-C in Python).
    Interrupted,
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn location(record: Option<usize>, line: Option<u64>) -> String {
    match (record, line) {
        (Some(r), Some(l)) => format!("record {r} (line {l})"),
        (Some(r), None) => format!("record {r}"),
        (None, Some(l)) => format!("line {l}"),
        (None, None) => String::new(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::PathNotFound { path } => write!(f, "{}: no such file or directory", path.display()),
            Error::Io { path, source } => write!(f, "{}: cannot read: {source}", path.display()),
            Error::NoDocuments { origin, reason } => write!(f, "{origin}: {reason}"),
            Error::InvalidUtf8 { origin, record, line, field, byte_offset } => {
                write!(f, "{origin}: invalid UTF-8")?;
                let at = location(*record, *line);
                if !at.is_empty() {
                    write!(f, " in {at}")?;
                }
                if let Some(field) = field {
                    write!(f, ", field {field:?}")?;
                }
                let base = match (field, line) {
                    (Some(_), _) => "field",
                    (None, Some(_)) => "line",
                    (None, None) => "file",
                };
                write!(
                    f,
                    " at byte {byte_offset} of the {base}; use errors=\"repair\" to decode such \
                     bytes as cp1252, or errors=\"replace\""
                )
            }
            Error::MissingField { origin, field, role, available } => {
                let shown: Vec<String> = available.iter().take(30).map(|a| format!("{a:?}")).collect();
                write!(f, "{origin}: no field {field:?} (asked for as {role}=); it has: {}", shown.join(", "))
            }
            Error::BadRecord { origin, record, line, reason } => {
                write!(f, "{origin}: bad {}: {reason}", location(Some(*record), *line))
            }
            Error::InvalidOption { name, reason } => write!(f, "invalid option {name}: {reason}"),
            Error::InvalidValue { what, reason } => write!(f, "invalid {what}: {reason}"),
            Error::InvalidModel { origin, reason } => write!(f, "{origin}: invalid tagger model: {reason}"),
            Error::Interrupted => write!(f, "interrupted"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    /// Wraps an I/O error on `path`, turning "not found" into [`Error::PathNotFound`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::PathNotFound { path }
        } else {
            Error::Io { path, source }
        }
    }
}
