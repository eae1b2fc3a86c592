//! CSV loader: the `csv` crate reads records as bytes, so quoting, CRLF and fields with
//! embedded newlines are handled by a real parser and invalid UTF-8 reaches our decoding
//! policy instead of failing the whole file.
//!
//! Header names are decoded leniently; an empty name becomes `Unnamed: i` and a repeated one
//! `name.1`, as pandas names them (FakeNewsCorpus' first column has no name).

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::decode::{DecodePolicy, decode};
use crate::document::Loaded;
use crate::error::{Error, Result};
use crate::load::{
    Built, BuiltRecord, FieldRef, LoadOptions, MetaFields, RecordPlace, RecordView, build_document, finish,
};
use crate::parallel::Workers;

/// CSV dialect options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// Field delimiter.
    pub delimiter: u8,
    /// Quote character.
    pub quote: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { delimiter: b',', quote: b'"' }
    }
}

struct Row<'a> {
    headers: &'a [String],
    index: &'a HashMap<String, usize>,
    record: &'a csv::ByteRecord,
}

impl RecordView for Row<'_> {
    fn get(&self, name: &str) -> Option<FieldRef<'_>> {
        let i = *self.index.get(name)?;
        self.record.get(i).map(FieldRef::Bytes)
    }

    fn fields(&self) -> Vec<(&str, FieldRef<'_>)> {
        self.headers.iter().zip(self.record.iter()).map(|(h, v)| (h.as_str(), FieldRef::Bytes(v))).collect()
    }
}

fn header_names(raw: &csv::ByteRecord) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    raw.iter()
        .enumerate()
        .map(|(i, bytes)| {
            let name = decode(bytes, DecodePolicy::Repair).map(|d| d.text.trim().to_owned()).unwrap_or_default();
            let name = if name.is_empty() { format!("Unnamed: {i}") } else { name };
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { name } else { format!("{name}.{}", *n - 1) }
        })
        .collect()
}

/// Reads a CSV file with a header row.
///
/// Fails when the file cannot be read, has no header row, or lacks a column named in the
/// field map; rows with more fields than the header, or without usable text, are rejected
/// with a reason in the report.
pub fn read_csv<C>(
    path: &Path,
    csv_opts: CsvOptions,
    opts: &LoadOptions,
    workers: &Workers,
    mut checkpoint: C,
) -> Result<Loaded>
where
    C: FnMut(usize, usize) -> bool,
{
    let origin = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::InvalidValue {
            what: "CSV path".into(),
            reason: format!("{origin} is a directory; use read_dir"),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(csv_opts.delimiter)
        .quote(csv_opts.quote)
        .flexible(true)
        .has_headers(false)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    let csv_error = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        other => Error::InvalidValue { what: "CSV".into(), reason: format!("{origin}: {other:?}") },
    };
    let mut header = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut header).map_err(csv_error)? {
        return Err(Error::NoDocuments { origin, reason: "empty CSV file: no header row".into() });
    }
    let headers = header_names(&header);
    let index: HashMap<String, usize> = headers.iter().enumerate().map(|(i, h)| (h.clone(), i)).collect();
    let mut wanted: Vec<(String, String)> = opts
        .fields
        .roles()
        .iter()
        .filter(|(_, _, required)| *required)
        .map(|(r, f, _)| ((*r).to_owned(), (*f).to_owned()))
        .collect();
    if let MetaFields::Only(keys) = &opts.fields.meta {
        wanted.extend(keys.iter().map(|k| ("meta".to_owned(), k.clone())));
    }
    for (role, field) in wanted {
        if !index.contains_key(&field) {
            return Err(Error::MissingField { origin, field, role, available: headers });
        }
    }

    // Records are parsed in chunks on a helper thread while the previous chunk is decoded
    // and built on the pool: memory holds one chunk of raw records at a time, and parsing
    // (sequential by nature) overlaps with building.
    let origin = origin.as_str();
    let read_chunk = |reader: &mut csv::Reader<BufReader<File>>| -> Result<Vec<(csv::ByteRecord, u64)>> {
        let mut rows = Vec::with_capacity(CHUNK_RECORDS);
        let mut record = csv::ByteRecord::new();
        while rows.len() < CHUNK_RECORDS && reader.read_byte_record(&mut record).map_err(csv_error)? {
            let line = record.position().map_or(0, csv::Position::line);
            rows.push((record.clone(), line));
        }
        Ok(rows)
    };
    let build_chunk = |base: usize, rows: &[(csv::ByteRecord, u64)]| -> Result<Vec<BuiltRecord>> {
        let indexed: Vec<(usize, &(csv::ByteRecord, u64))> =
            rows.iter().enumerate().map(|(i, r)| (base + i, r)).collect();
        workers.map_chunks(
            &indexed,
            crate::parallel::DEFAULT_CHUNK,
            |&(i, (record, line))| {
                let place = RecordPlace { origin, record: i, line: Some(*line) };
                if record.len() > headers.len() {
                    let reason = format!(
                        "row has {} fields, the header has {} (an unquoted delimiter?)",
                        record.len(),
                        headers.len()
                    );
                    return (i, Some(*line), Ok(Built::Rejected { id: None, reason }));
                }
                let row = Row { headers: &headers, index: &index, record };
                (i, Some(*line), build_document(&row, place, opts))
            },
            crate::parallel::no_checkpoint,
        )
    };
    let mut built: Vec<BuiltRecord> = Vec::new();
    let mut chunk = read_chunk(&mut reader)?;
    while !chunk.is_empty() {
        let base = built.len();
        let (next, done) = std::thread::scope(|scope| {
            let parser = scope.spawn(|| read_chunk(&mut reader));
            let done = build_chunk(base, &chunk);
            let next = parser.join().unwrap_or_else(|_| {
                Err(Error::InvalidValue { what: "CSV".into(), reason: format!("{origin}: the parser thread failed") })
            });
            (next, done)
        });
        built.extend(done?);
        chunk = next?;
        if !checkpoint(built.len(), 0) {
            return Err(Error::Interrupted);
        }
    }
    let read = built.len();
    finish(origin, read, built, opts)
}

/// Records parsed per chunk.
const CHUNK_RECORDS: usize = 8192;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{FieldMap, FieldSpec};
    use crate::parallel::no_checkpoint;
    use std::io::Write;

    fn write(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    fn opts(text: &str) -> LoadOptions {
        LoadOptions { fields: FieldMap { text: text.into(), ..FieldMap::default() }, ..LoadOptions::default() }
    }

    #[test]
    fn crlf_quotes_embedded_newlines_and_unnamed_column() {
        let f = write(b",id,content\r\n0,a,\"two\r\nlines, \"\"quoted\"\"\"\r\n1,b,plain\r\n");
        let mut o = opts("content");
        o.fields.id = FieldSpec::named("id");
        let loaded = read_csv(f.path(), CsvOptions::default(), &o, &Workers::inline(), no_checkpoint).unwrap();
        assert_eq!(loaded.documents.len(), 2);
        assert_eq!(loaded.documents[0].text, "two\r\nlines, \"quoted\"");
        assert_eq!(loaded.documents[0].meta["Unnamed: 0"], "0");
        assert_eq!(loaded.documents[1].id, "b");
        assert_eq!(loaded.report.rejected.len(), 0);
    }

    #[test]
    fn invalid_bytes_repair_or_fail_with_place() {
        let f = write(b"text\nok\nbad \x95\x81 quote\n");
        let loaded =
            read_csv(f.path(), CsvOptions::default(), &opts("text"), &Workers::inline(), no_checkpoint).unwrap();
        assert_eq!(loaded.documents[1].text, "bad •\u{81} quote");
        assert_eq!(loaded.report.repaired.len(), 1);
        let mut strict = opts("text");
        strict.errors = DecodePolicy::Strict;
        let err = read_csv(f.path(), CsvOptions::default(), &strict, &Workers::inline(), no_checkpoint).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("record 1 (line 3)") && msg.contains("byte 4"), "{msg}");
    }

    #[test]
    fn missing_column_and_long_rows() {
        let f = write(b"a,b\n1,2\n3,4,5\n");
        let err =
            read_csv(f.path(), CsvOptions::default(), &opts("text"), &Workers::inline(), no_checkpoint).unwrap_err();
        assert!(matches!(err, Error::MissingField { .. }));
        let loaded = read_csv(f.path(), CsvOptions::default(), &opts("b"), &Workers::inline(), no_checkpoint).unwrap();
        assert_eq!(loaded.report.read, 2);
        assert_eq!(loaded.report.rejected[0].line, Some(3));
    }

    #[test]
    fn empty_file() {
        let f = write(b"");
        let err =
            read_csv(f.path(), CsvOptions::default(), &opts("text"), &Workers::inline(), no_checkpoint).unwrap_err();
        assert!(matches!(err, Error::NoDocuments { .. }));
    }
}
