//! JSON Lines loader: one JSON object per line, parsed with `serde_json`.
//!
//! Each line is decoded under the policy first (a repair is recorded on the document with
//! field `(line)` and offsets into the decoded line), then parsed. Blank lines are not
//! records and are skipped; a line that is not a JSON object is a bad record. Lines are
//! split and parsed in parallel.

use std::path::Path;

use serde_json::{Map, Value};

use crate::decode::{DecodePolicy, decode, escape_bytes};
use crate::document::{Loaded, Repair};
use crate::error::{Error, Result};
use crate::load::{
    Built, FieldRef, LoadOptions, RecordPlace, RecordView, assemble, build_document, require_text_field,
};
use crate::parallel::{DEFAULT_CHUNK, Workers};

struct Object<'a>(&'a Map<String, Value>);

impl RecordView for Object<'_> {
    fn get(&self, name: &str) -> Option<FieldRef<'_>> {
        self.0.get(name).map(FieldRef::Json)
    }

    fn fields(&self) -> Vec<(&str, FieldRef<'_>)> {
        self.0.iter().map(|(k, v)| (k.as_str(), FieldRef::Json(v))).collect()
    }
}

enum Parsed {
    Object(Map<String, Value>, Vec<Repair>),
    Bad(String),
}

fn parse_line(origin: &str, record: usize, line_no: u64, bytes: &[u8], policy: DecodePolicy) -> Result<Parsed> {
    let decoded = decode(bytes, policy).map_err(|at| Error::InvalidUtf8 {
        origin: origin.to_owned(),
        record: Some(record),
        line: Some(line_no),
        field: None,
        byte_offset: at.0 as u64,
    })?;
    let repairs = decoded
        .repairs
        .iter()
        .map(|run| Repair {
            field: "(line)".into(),
            span: run.span,
            original: escape_bytes(&run.bytes),
            replacement: run.replacement.clone(),
            rule: policy.rule().into(),
            reason: format!("invalid UTF-8 at byte {} of line {line_no}", run.byte_offset),
        })
        .collect();
    Ok(match serde_json::from_str::<Value>(&decoded.text) {
        Ok(Value::Object(map)) => Parsed::Object(map, repairs),
        Ok(other) => {
            let kind = match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            };
            Parsed::Bad(format!("line is {kind}, not a JSON object"))
        }
        Err(e) => Parsed::Bad(format!("not valid JSON: {e}")),
    })
}

/// Reads a JSON Lines file.
pub fn read_jsonl<C>(path: &Path, opts: &LoadOptions, workers: &Workers, checkpoint: C) -> Result<Loaded>
where
    C: FnMut(usize, usize) -> bool,
{
    let origin = path.display().to_string();
    if path.is_dir() {
        return Err(Error::InvalidValue {
            what: "JSONL path".into(),
            reason: format!("{origin} is a directory; use read_dir"),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_jsonl(&bytes, &origin, opts, workers, checkpoint)
}

/// Parses JSON Lines held in memory; `origin` names them in messages and the report.
pub fn parse_jsonl<C>(
    bytes: &[u8],
    origin: &str,
    opts: &LoadOptions,
    workers: &Workers,
    mut checkpoint: C,
) -> Result<Loaded>
where
    C: FnMut(usize, usize) -> bool,
{
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let lines: Vec<(u64, &[u8])> = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| ((i + 1) as u64, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .collect();
    let parsed = workers.map_chunks(
        &lines.iter().enumerate().collect::<Vec<_>>(),
        DEFAULT_CHUNK,
        |(i, (line, b))| parse_line(origin, *i, *line, b, opts.errors),
        &mut checkpoint,
    )?;
    let parsed: Vec<(u64, Parsed)> =
        lines.iter().map(|(l, _)| *l).zip(parsed.into_iter().collect::<Result<Vec<_>>>()?).collect();
    require_text_field(
        origin,
        &opts.fields,
        parsed
            .iter()
            .filter_map(|(_, p)| match p {
                Parsed::Object(map, _) => Some(map),
                Parsed::Bad(_) => None,
            })
            .map(Object),
    )?;
    assemble(
        origin,
        &parsed,
        |i, (line, p)| {
            let built = match p {
                Parsed::Bad(reason) => Ok(Built::Rejected { id: None, reason: reason.clone() }),
                Parsed::Object(map, repairs) => {
                    let place = RecordPlace { origin, record: i, line: Some(*line) };
                    build_document(&Object(map), place, opts).map(|b| match b {
                        Built::Document(mut doc) => {
                            doc.repairs.splice(0..0, repairs.iter().cloned());
                            Built::Document(doc)
                        }
                        rejected @ Built::Rejected { .. } => rejected,
                    })
                }
            };
            (i, Some(*line), built)
        },
        opts,
        workers,
        checkpoint,
    )
}
