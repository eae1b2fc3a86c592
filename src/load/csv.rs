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
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::decode::{DecodePolicy, decode};
use crate::document::Loaded;
use crate::error::{Error, Result};
use crate::load::{
    Built, BuiltChunk, BuiltRecord, Chunked, FieldRef, LoadOptions, MetaFields, RecordPlace, RecordView, Source,
    TextField, build_document, build_records,
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
    open_csv(path, csv_opts, opts)?.read_all(workers, &mut checkpoint)
}

/// Opens a CSV file to read in chunks: the header is read and checked now.
pub fn open_csv(path: &Path, csv_opts: CsvOptions, opts: &LoadOptions) -> Result<Chunked<'static>> {
    let origin = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::InvalidValue {
            what: "CSV path".into(),
            reason: format!("{origin} is a directory; use read_dir"),
        });
    }
    let source = CsvSource::new(BufReader::with_capacity(1 << 20, file), &origin, csv_opts, opts)?;
    Ok(Chunked::new(Box::new(source), origin, opts.clone()))
}

/// Parses CSV from any reader; `origin` names it in messages and the report.
pub fn parse_csv<R, C>(
    input: R,
    origin: &str,
    csv_opts: CsvOptions,
    opts: &LoadOptions,
    workers: &Workers,
    mut checkpoint: C,
) -> Result<Loaded>
where
    R: std::io::Read + Send,
    C: FnMut(usize, usize) -> bool,
{
    let source = CsvSource::new(input, origin, csv_opts, opts)?;
    Chunked::new(Box::new(source), origin, opts.clone()).read_all(workers, &mut checkpoint)
}

/// Raw rows with their line numbers.
type Rows = Vec<(csv::ByteRecord, u64)>;

/// The parser's side of a CSV source: rows, one read ahead to tell the last chunk.
struct RowReader<R> {
    reader: csv::Reader<QuoteCounter<R>>,
    origin: String,
    pending: Option<(csv::ByteRecord, u64)>,
    eof: bool,
}

impl<R: std::io::Read> RowReader<R> {
    fn error(&self, e: csv::Error) -> Error {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::io(Path::new(&self.origin), io),
            other => Error::InvalidValue { what: "CSV".into(), reason: format!("{}: {other:?}", self.origin) },
        }
    }

    fn read_one(&mut self) -> Result<Option<(csv::ByteRecord, u64)>> {
        if let Some(row) = self.pending.take() {
            return Ok(Some(row));
        }
        if self.eof {
            return Ok(None);
        }
        let mut record = csv::ByteRecord::new();
        if self.reader.read_byte_record(&mut record).map_err(|e| self.error(e))? {
            let line = record.position().map_or(0, csv::Position::line);
            Ok(Some((record, line)))
        } else {
            self.eof = true;
            Ok(None)
        }
    }

    fn read(&mut self, max: usize) -> Result<Rows> {
        let mut rows = Vec::with_capacity(max.min(CHUNK_RECORDS));
        while rows.len() < max {
            match self.read_one()? {
                Some(row) => rows.push(row),
                None => break,
            }
        }
        Ok(rows)
    }

    /// Whether every row has been read (reads one ahead to know).
    fn at_end(&mut self) -> Result<bool> {
        if self.pending.is_none() && !self.eof {
            self.pending = self.read_one()?;
        }
        Ok(self.pending.is_none())
    }
}

/// A CSV input after its header, a chunk of rows at a time.
pub struct CsvSource<R> {
    rows: RowReader<R>,
    quotes: Arc<AtomicU64>,
    headers: Vec<String>,
    index: HashMap<String, usize>,
}

impl<R: std::io::Read + Send> CsvSource<R> {
    /// Reads the header of `input` and checks the columns `opts` names.
    pub fn new(input: R, origin: &str, csv_opts: CsvOptions, opts: &LoadOptions) -> Result<Self> {
        let quotes = Arc::new(AtomicU64::new(0));
        let reader = csv::ReaderBuilder::new()
            .delimiter(csv_opts.delimiter)
            .quote(csv_opts.quote)
            .flexible(true)
            .has_headers(false)
            .from_reader(QuoteCounter { inner: input, quote: csv_opts.quote, count: quotes.clone() });
        let mut rows = RowReader { reader, origin: origin.to_owned(), pending: None, eof: false };
        let Some((header, _)) = rows.read_one()? else {
            return Err(Error::NoDocuments {
                origin: origin.to_owned(),
                reason: "empty CSV file: no header row".into(),
            });
        };
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
                return Err(Error::MissingField { origin: origin.to_owned(), field, role, available: headers });
            }
        }
        Ok(CsvSource { rows, quotes, headers, index })
    }
}

impl<R: std::io::Read + Send> Source for CsvSource<R> {
    fn next_chunk(
        &mut self,
        first: usize,
        max: usize,
        opts: &LoadOptions,
        workers: &Workers,
        checkpoint: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<BuiltChunk> {
        let (headers, index) = (&self.headers, &self.index);
        let origin = self.rows.origin.clone();
        let origin = origin.as_str();
        let build_rows = |base: usize, rows: &Rows| -> Result<Vec<BuiltRecord>> {
            build_records(
                rows,
                base,
                |i, (record, line)| {
                    let place = RecordPlace { origin, record: i, line: Some(*line) };
                    if record.len() > headers.len() {
                        let reason = format!(
                            "row has {} fields, the header has {} (an unquoted delimiter?)",
                            record.len(),
                            headers.len()
                        );
                        return (i, Some(*line), Ok(Built::Rejected { id: None, reason }));
                    }
                    let row = Row { headers, index, record };
                    (i, Some(*line), build_document(&row, place, opts))
                },
                workers,
                &mut crate::parallel::no_checkpoint,
            )
        };
        // Rows are parsed in blocks on a helper thread while the previous block is decoded
        // and built on the pool: memory holds one block of raw rows at a time, and parsing
        // (sequential by nature) overlaps with building.
        let rows = &mut self.rows;
        let mut built: Vec<BuiltRecord> = Vec::new();
        let mut block = rows.read(CHUNK_RECORDS.min(max))?;
        while !block.is_empty() {
            let base = first + built.len();
            let want = CHUNK_RECORDS.min(max - built.len() - block.len());
            let (next, done) = std::thread::scope(|scope| {
                let parser = scope.spawn(|| rows.read(want));
                let done = build_rows(base, &block);
                let next = parser.join().unwrap_or_else(|_| {
                    Err(Error::InvalidValue {
                        what: "CSV".into(),
                        reason: format!("{origin}: the parser thread failed"),
                    })
                });
                (next, done)
            });
            built.extend(done?);
            block = next?;
            if !checkpoint(built.len(), 0) {
                return Err(Error::Interrupted);
            }
        }
        // Well-formed CSV has an even number of quote characters. An odd count with a last
        // record spanning lines means a quote was never closed and that record swallowed the
        // rest of the file: say so instead of passing it off as one long field.
        if !built.is_empty() && rows.at_end()? && self.quotes.load(Ordering::Relaxed) % 2 == 1 {
            if let Some((_, line, outcome)) = built.last_mut() {
                if matches!(outcome, Ok(Built::Document(d)) if d.text.contains('\n')) {
                    let reason = format!(
                        "a quote opened in this record (line {}) is never closed: the record runs to the end of the file \
                         and may hold the rows after it",
                        line.unwrap_or(0)
                    );
                    *outcome = Ok(Built::Rejected { id: None, reason });
                }
            }
        }
        Ok(BuiltChunk { built, text_field: TextField::Unknown })
    }
}

/// A reader that counts the quote characters passing through it.
struct QuoteCounter<R> {
    inner: R,
    quote: u8,
    count: Arc<AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for QuoteCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let quotes = memchr::memchr_iter(self.quote, &buf[..n]).count() as u64;
        self.count.fetch_add(quotes, Ordering::Relaxed);
        Ok(n)
    }
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
    fn an_unclosed_quote_is_reported_not_swallowed() {
        let f = write(b"id,text\n1,\"ok\"\n2,\"stray quote\n3,more\n4,rows\n");
        let mut o = opts("text");
        o.fields.id = FieldSpec::named("id");
        let loaded = read_csv(f.path(), CsvOptions::default(), &o, &Workers::inline(), no_checkpoint).unwrap();
        assert_eq!(loaded.documents.len(), 1);
        assert_eq!(loaded.report.rejected.len(), 1);
        assert!(loaded.report.rejected[0].reason.contains("never closed"), "{:?}", loaded.report.rejected);
    }

    #[test]
    fn chunks_of_any_size_add_up_to_the_whole_file() {
        let f = write(b"id,text\n1,a\n1,\"b\"\n2,\n3,bad \x95\n1,c,extra\n4,\"stray\n5,x\n");
        let mut o = opts("text");
        o.fields.id = FieldSpec::named("id");
        let whole = read_csv(f.path(), CsvOptions::default(), &o, &Workers::inline(), no_checkpoint).unwrap();
        assert!(whole.report.rejected.iter().any(|r| r.reason.contains("never closed")));
        for size in 1..8 {
            let mut chunked = open_csv(f.path(), CsvOptions::default(), &o).unwrap();
            let (mut docs, mut rejected, mut read) = (Vec::new(), Vec::new(), 0);
            while let Some(part) = chunked.next(size, &Workers::new(2).unwrap(), &mut no_checkpoint).unwrap() {
                assert!(part.report.read <= size);
                read += part.report.read;
                docs.extend(part.documents);
                rejected.extend(part.report.rejected);
            }
            assert_eq!(docs, whole.documents, "chunks of {size}");
            assert_eq!(rejected, whole.report.rejected, "chunks of {size}");
            assert_eq!(read, whole.report.read);
        }
    }

    #[test]
    fn empty_file() {
        let f = write(b"");
        let err =
            read_csv(f.path(), CsvOptions::default(), &opts("text"), &Workers::inline(), no_checkpoint).unwrap_err();
        assert!(matches!(err, Error::NoDocuments { .. }));
    }
}
