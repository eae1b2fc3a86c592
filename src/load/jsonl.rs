//! JSON Lines loader: one JSON object per line, parsed with `serde_json`.
//!
//! Each line is decoded under the policy first (a repair is recorded on the document with
//! field `(line)` and offsets into the decoded line), then parsed. Blank lines are not
//! records and are skipped; a line that is not a JSON object is a bad record. Lines are
//! read a chunk at a time and parsed in parallel.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value};

use crate::decode::{DecodePolicy, decode, escape_bytes};
use crate::document::{Loaded, Repair};
use crate::error::{Error, Result};
use crate::load::{
    Built, BuiltChunk, Chunked, FieldRef, LoadOptions, RecordPlace, RecordView, Source, TextField, build_document,
    build_records,
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
pub fn read_jsonl<C>(path: &Path, opts: &LoadOptions, workers: &Workers, mut checkpoint: C) -> Result<Loaded>
where
    C: FnMut(usize, usize) -> bool,
{
    open_jsonl(path, opts)?.read_all(workers, &mut checkpoint)
}

/// Opens a JSON Lines file to read in chunks.
pub fn open_jsonl(path: &Path, opts: &LoadOptions) -> Result<Chunked<'static>> {
    let origin = path.display().to_string();
    if path.is_dir() {
        return Err(Error::InvalidValue {
            what: "JSONL path".into(),
            reason: format!("{origin} is a directory; use read_dir"),
        });
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let source = JsonlSource::new(BufReader::with_capacity(1 << 20, file), &origin);
    Ok(Chunked::new(Box::new(source), origin, opts.clone()))
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
    Chunked::new(Box::new(JsonlSource::new(bytes, origin)), origin, opts.clone()).read_all(workers, &mut checkpoint)
}

/// JSON Lines from a reader, a chunk of lines at a time.
pub struct JsonlSource<R> {
    input: R,
    origin: String,
    line: u64,
}

impl<R: BufRead + Send> JsonlSource<R> {
    /// Lines of `input`; `origin` names it in messages.
    pub fn new(input: R, origin: &str) -> Self {
        JsonlSource { input, origin: origin.to_owned(), line: 0 }
    }

    /// The next `max` non-blank lines with their 1-based numbers.
    fn read_lines(&mut self, max: usize) -> Result<Vec<(u64, Vec<u8>)>> {
        let mut out = Vec::new();
        while out.len() < max {
            let mut buf = Vec::new();
            let n = self.input.read_until(b'\n', &mut buf).map_err(|e| Error::io(Path::new(&self.origin), e))?;
            if n == 0 {
                break;
            }
            self.line += 1;
            if self.line == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            if buf.last() == Some(&b'\n') {
                buf.pop();
            }
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            if !buf.iter().all(u8::is_ascii_whitespace) {
                out.push((self.line, buf));
            }
        }
        Ok(out)
    }
}

impl<R: BufRead + Send> Source for JsonlSource<R> {
    fn next_chunk(
        &mut self,
        first: usize,
        max: usize,
        opts: &LoadOptions,
        workers: &Workers,
        checkpoint: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<BuiltChunk> {
        let lines = self.read_lines(max)?;
        let origin = self.origin.as_str();
        let parsed = workers.map_chunks(
            &lines.iter().enumerate().collect::<Vec<_>>(),
            DEFAULT_CHUNK,
            |(i, (line, b))| parse_line(origin, first + i, *line, b, opts.errors),
            &mut *checkpoint,
        )?;
        let parsed: Vec<(u64, Parsed)> =
            lines.iter().map(|(l, _)| *l).zip(parsed.into_iter().collect::<Result<Vec<_>>>()?).collect();
        drop(lines);
        let text_field = TextField::of(
            &opts.fields,
            parsed
                .iter()
                .filter_map(|(_, p)| match p {
                    Parsed::Object(map, _) => Some(map),
                    Parsed::Bad(_) => None,
                })
                .map(Object),
        );
        let built = build_records(
            &parsed,
            first,
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
            workers,
            checkpoint,
        )?;
        Ok(BuiltChunk { built, text_field })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{FieldMap, FieldSpec};
    use crate::parallel::no_checkpoint;

    fn opts() -> LoadOptions {
        let fields = FieldMap { id: FieldSpec::named("id"), ..FieldMap::default() };
        LoadOptions { fields, ..LoadOptions::default() }
    }

    #[test]
    fn chunks_of_any_size_add_up_to_the_whole_input() {
        let input: &[u8] = b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"one\"}\r\n\n[1]\n{\"id\":\"a\",\"text\":\"caf\xe9\"}\nnot json\n{\"text\":\"x\"}\n{\"id\":\"a#2\",\"text\":\"y\"}\n";
        let whole = parse_jsonl(input, "<t>", &opts(), &Workers::inline(), no_checkpoint).unwrap();
        assert_eq!(whole.report.read, 6);
        assert_eq!(whole.report.rejected.len(), 2);
        let ids: Vec<&str> = whole.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "a#2", "4", "a#2#2"]);
        for size in 1..7 {
            let mut chunked = Chunked::new(Box::new(JsonlSource::new(input, "<t>")), "<t>", opts());
            let (mut docs, mut notes) = (Vec::new(), Vec::new());
            while let Some(part) = chunked.next(size, &Workers::inline(), &mut no_checkpoint).unwrap() {
                docs.extend(part.documents);
                notes.extend(part.report.rejected);
                notes.extend(part.report.repaired);
            }
            let mut expected = whole.report.rejected.clone();
            expected.extend(whole.report.repaired.clone());
            notes.sort_by_key(|n| n.record);
            expected.sort_by_key(|n| n.record);
            assert_eq!(docs, whole.documents, "chunks of {size}");
            assert_eq!(notes, expected, "chunks of {size}");
        }
    }

    #[test]
    fn a_wrong_text_field_fails_in_the_first_chunk() {
        let input: &[u8] = b"{\"body\":\"x\"}\n{\"body\":\"y\"}\n";
        let mut chunked = Chunked::new(Box::new(JsonlSource::new(input, "<t>")), "<t>", opts());
        let err = chunked.next(1, &Workers::inline(), &mut no_checkpoint).unwrap_err();
        assert!(matches!(err, Error::MissingField { .. }), "{err}");
        assert!(chunked.next(1, &Workers::inline(), &mut no_checkpoint).unwrap().is_none());
    }
}
