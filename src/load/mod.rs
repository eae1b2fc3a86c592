//! Loaders: directories of `.txt` files, CSV, JSONL and in-memory records into [`Document`]s.
//!
//! Each loader only finds records and their fields ([`RecordView`]); turning a record into a
//! document is shared: [`build_document`] decodes bytes under the [`DecodePolicy`], maps the
//! user's field names onto the document's roles, normalises `published`, and either yields a
//! document (with its repairs) or a rejection reason. Records are built in parallel in chunks
//! ([`Workers::map_chunks`]); a sequential pass then makes ids unique and writes the
//! [`LoadReport`]. Nothing is dropped without a note in the report.
//!
//! Every file loader is a [`Source`] read a chunk at a time ([`Chunked`]): the whole-file
//! readers take one chunk of everything, the streaming readers chunks of `n` records with
//! bounded memory. [`ChunkState`] carries what makes the chunks add up to the whole file:
//! record numbers, the ids used so far ([`UniqueIds`]) and the text-field check.

pub mod csv;
pub mod dir;
pub mod jsonl;
pub mod records;

use std::collections::{BTreeMap, HashMap};

use crate::dates::normalize_date;
use crate::decode::{DecodePolicy, decode, escape_bytes};
use crate::document::{Document, LoadReport, Loaded, MetaValue, RecordNote, Repair};
use crate::error::{Error, Result};
use crate::parallel::Workers;
use crate::text::Span;

/// A record field named for a document role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field's name in the input.
    pub name: String,
    /// Whether a CSV without this column is an error (a field the user named) or the role is
    /// simply left empty (a default that applies where such a field exists).
    pub required: bool,
}

impl FieldSpec {
    /// A field the user named: its absence from a CSV header is an error.
    pub fn named(name: impl Into<String>) -> Option<Self> {
        Some(FieldSpec { name: name.into(), required: true })
    }

    /// A default: used where the input has such a field.
    pub fn auto(name: impl Into<String>) -> Option<Self> {
        Some(FieldSpec { name: name.into(), required: false })
    }
}

/// Which record fields become which document fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMap {
    /// Field holding the article text (required).
    pub text: String,
    /// Field holding the id; records without one are numbered from 0.
    pub id: Option<FieldSpec>,
    /// Field holding the headline.
    pub title: Option<FieldSpec>,
    /// Field holding the outlet.
    pub source: Option<FieldSpec>,
    /// Field holding the URL.
    pub url: Option<FieldSpec>,
    /// Field holding the publication date.
    pub published: Option<FieldSpec>,
    /// Which other fields go into `meta`.
    pub meta: MetaFields,
}

impl Default for FieldMap {
    /// `text` is the text field; every other role uses the field of its own name if present.
    fn default() -> Self {
        FieldMap {
            text: "text".into(),
            id: FieldSpec::auto("id"),
            title: FieldSpec::auto("title"),
            source: FieldSpec::auto("source"),
            url: FieldSpec::auto("url"),
            published: FieldSpec::auto("published"),
            meta: MetaFields::Rest,
        }
    }
}

impl FieldMap {
    /// The fields mapped to a role, as `(role, field, required)`.
    pub fn roles(&self) -> Vec<(&'static str, &str, bool)> {
        let mut out = vec![("text", self.text.as_str(), true)];
        for (role, field) in [
            ("id", &self.id),
            ("title", &self.title),
            ("source", &self.source),
            ("url", &self.url),
            ("published", &self.published),
        ] {
            if let Some(f) = field {
                out.push((role, f.name.as_str(), f.required));
            }
        }
        out
    }

    fn is_mapped(&self, key: &str) -> bool {
        // Called for every field of every record: no allocation.
        self.text == key
            || [&self.id, &self.title, &self.source, &self.url, &self.published]
                .iter()
                .any(|f| f.as_ref().is_some_and(|f| f.name == key))
    }
}

/// Which unmapped fields are kept in `meta`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaFields {
    /// All fields not mapped to a role.
    Rest,
    /// Only these.
    Only(Vec<String>),
}

/// What to do with a malformed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BadRecordPolicy {
    /// Leave it out and note it in the report.
    #[default]
    Reject,
    /// Stop the load with [`Error::BadRecord`].
    Raise,
}

impl BadRecordPolicy {
    /// Parses the Python-facing names `reject`, `raise`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "reject" => Some(BadRecordPolicy::Reject),
            "raise" => Some(BadRecordPolicy::Raise),
            _ => None,
        }
    }
}

/// Options shared by every loader.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Field mapping.
    pub fields: FieldMap,
    /// Invalid UTF-8 policy.
    pub errors: DecodePolicy,
    /// Malformed record policy.
    pub on_bad_record: BadRecordPolicy,
    /// Read numeric dates day first (`4/5/2017` = 4 May).
    pub dayfirst: bool,
    /// Keep records whose text is empty or blank (by default they are rejected).
    pub keep_empty: bool,
}

/// A field value as a record holds it.
#[derive(Debug, Clone, Copy)]
pub enum FieldRef<'a> {
    /// Undecoded bytes (CSV cells, file contents).
    Bytes(&'a [u8]),
    /// Text.
    Str(&'a str),
    /// A JSON value (JSONL, or Python values converted to JSON).
    Json(&'a MetaValue),
    /// An explicit null / missing value.
    Null,
}

/// Read access to one input record.
pub trait RecordView {
    /// The value of field `name`, or `None` when the record has no such field.
    fn get(&self, name: &str) -> Option<FieldRef<'_>>;
    /// Every field, in input order.
    fn fields(&self) -> Vec<(&str, FieldRef<'_>)>;
}

impl<T: RecordView + ?Sized> RecordView for &T {
    fn get(&self, name: &str) -> Option<FieldRef<'_>> {
        (**self).get(name)
    }

    fn fields(&self) -> Vec<(&str, FieldRef<'_>)> {
        (**self).fields()
    }
}

/// Where a record came from, for messages.
#[derive(Debug, Clone, Copy)]
pub struct RecordPlace<'a> {
    /// The input.
    pub origin: &'a str,
    /// 0-based record number.
    pub record: usize,
    /// 1-based line, where known.
    pub line: Option<u64>,
}

/// What became of one record.
#[derive(Debug)]
pub enum Built {
    /// A document.
    Document(Document),
    /// No document, for this reason.
    Rejected {
        /// The id, where one was read.
        id: Option<String>,
        /// Why.
        reason: String,
    },
}

/// A decoded field: its text, plus repairs.
struct FieldText {
    text: Option<String>,
    repairs: Vec<Repair>,
}

fn field_text(value: FieldRef<'_>, field: &str, place: RecordPlace<'_>, policy: DecodePolicy) -> Result<FieldText> {
    let text = match value {
        FieldRef::Null | FieldRef::Json(MetaValue::Null) => None,
        FieldRef::Str(s) => Some(s.to_owned()),
        FieldRef::Json(MetaValue::String(s)) => Some(s.clone()),
        FieldRef::Json(other) => Some(other.to_string()),
        FieldRef::Bytes(bytes) => {
            let decoded = decode(bytes, policy).map_err(|at| Error::InvalidUtf8 {
                origin: place.origin.to_owned(),
                record: Some(place.record),
                line: place.line,
                field: Some(field.to_owned()),
                byte_offset: at.0 as u64,
            })?;
            let repairs = decoded
                .repairs
                .iter()
                .map(|run| Repair {
                    field: field.to_owned(),
                    span: run.span,
                    original: escape_bytes(&run.bytes),
                    replacement: run.replacement.clone(),
                    rule: policy.rule().to_owned(),
                    reason: format!(
                        "invalid UTF-8 bytes at byte {} of the field {}",
                        run.byte_offset,
                        if policy == DecodePolicy::Repair { "decoded as cp1252" } else { "replaced by U+FFFD" }
                    ),
                })
                .collect();
            return Ok(FieldText { text: Some(decoded.text.into_owned()), repairs });
        }
    };
    Ok(FieldText { text, repairs: Vec::new() })
}

fn meta_value(
    value: FieldRef<'_>,
    key: &str,
    place: RecordPlace<'_>,
    policy: DecodePolicy,
    repairs: &mut Vec<Repair>,
) -> Result<MetaValue> {
    Ok(match value {
        FieldRef::Json(v) => v.clone(),
        other => {
            let decoded = field_text(other, key, place, policy)?;
            repairs.extend(decoded.repairs);
            decoded.text.map_or(MetaValue::Null, MetaValue::String)
        }
    })
}

/// Turns one record into a document or a rejection.
pub fn build_document(record: &dyn RecordView, place: RecordPlace<'_>, opts: &LoadOptions) -> Result<Built> {
    let fields = &opts.fields;
    let mut repairs = Vec::new();
    let text_of = |role_field: &Option<FieldSpec>, repairs: &mut Vec<Repair>| -> Result<Option<String>> {
        let Some(FieldSpec { name, .. }) = role_field else { return Ok(None) };
        let Some(value) = record.get(name) else { return Ok(None) };
        let decoded = field_text(value, name, place, opts.errors)?;
        repairs.extend(decoded.repairs);
        Ok(decoded.text)
    };
    let id = text_of(&fields.id, &mut repairs)?.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let text = match record.get(&fields.text) {
        None => return Ok(Built::Rejected { id, reason: format!("no field {:?}", fields.text) }),
        Some(FieldRef::Json(v @ (MetaValue::Array(_) | MetaValue::Object(_)))) => {
            let kind = if v.is_array() { "an array" } else { "an object" };
            return Ok(Built::Rejected { id, reason: format!("field {:?} is {kind}, not text", fields.text) });
        }
        Some(value) => {
            let decoded = field_text(value, &fields.text, place, opts.errors)?;
            repairs.extend(decoded.repairs);
            decoded.text
        }
    };
    let Some(text) = text else {
        return Ok(Built::Rejected { id, reason: format!("field {:?} is null", fields.text) });
    };
    if text.trim().is_empty() && !opts.keep_empty {
        return Ok(Built::Rejected { id, reason: format!("field {:?} is empty", fields.text) });
    }
    let title = text_of(&fields.title, &mut repairs)?;
    let source = text_of(&fields.source, &mut repairs)?;
    let url = text_of(&fields.url, &mut repairs)?;
    let published_raw = text_of(&fields.published, &mut repairs)?.filter(|s| !s.trim().is_empty());
    let published = published_raw.as_deref().and_then(|raw| {
        let iso = normalize_date(raw, opts.dayfirst);
        if iso.is_none() {
            repairs.push(Repair {
                field: "published".into(),
                span: Span::default(),
                original: raw.to_owned(),
                replacement: String::new(),
                rule: "published-unparsed".into(),
                reason: format!("{raw:?} is not a date form copydesk reads; published left empty"),
            });
        }
        iso
    });
    let mut meta = BTreeMap::new();
    match &fields.meta {
        MetaFields::Rest => {
            for (key, value) in record.fields() {
                if !fields.is_mapped(key) {
                    meta.insert(key.to_owned(), meta_value(value, key, place, opts.errors, &mut repairs)?);
                }
            }
        }
        MetaFields::Only(keys) => {
            for key in keys {
                if let Some(value) = record.get(key) {
                    meta.insert(key.clone(), meta_value(value, key, place, opts.errors, &mut repairs)?);
                }
            }
        }
    }
    Ok(Built::Document(Document {
        id: id.unwrap_or_else(|| place.record.to_string()),
        text,
        title,
        source,
        url,
        published,
        meta,
        repairs,
    }))
}

/// Makes ids unique as documents arrive, chunk after chunk: a repeated id `x` becomes the
/// first `x#k` (from `k` = its occurrence number) that no earlier document uses, recorded as a
/// repair. Only earlier documents count, so reading a file whole or in chunks of any size
/// gives the same ids.
///
/// Ids are kept as 128-bit hashes (xxh3), not strings: 9.4 M ids cost ~300 MB instead of
/// ~1 GB, and a false match has probability ~n²/2¹²⁹ (10⁻²⁶ for 10⁷ ids).
#[derive(Debug, Default, Clone)]
pub struct UniqueIds {
    /// Id hash → times it occurred as an input id (0: used only as a renaming).
    used: HashMap<u128, u32>,
}

impl UniqueIds {
    fn key(id: &str) -> u128 {
        xxhash_rust::xxh3::xxh3_128(id.as_bytes())
    }

    /// Renames the documents whose id an earlier document (here or in an earlier chunk) has.
    pub fn apply(&mut self, documents: &mut [Document]) {
        for doc in documents.iter_mut() {
            let seen = self.used.contains_key(&Self::key(&doc.id));
            let n = self.used.entry(Self::key(&doc.id)).or_insert(0);
            *n += 1;
            if !seen {
                continue;
            }
            let mut k = (*n as usize).max(2);
            let mut new_id = format!("{}#{k}", doc.id);
            while self.used.contains_key(&Self::key(&new_id)) {
                k += 1;
                new_id = format!("{}#{k}", doc.id);
            }
            self.used.insert(Self::key(&new_id), 0);
            doc.repairs.push(Repair {
                field: "id".into(),
                span: Span::new(0, new_id.chars().count()),
                original: doc.id.clone(),
                replacement: new_id.clone(),
                rule: "duplicate-id".into(),
                reason: format!("id {:?} already used by an earlier record; renamed {new_id:?}", doc.id),
            });
            doc.id = new_id;
        }
    }
}

/// Gives every document a unique id (see [`UniqueIds`]).
pub fn make_ids_unique(documents: &mut [Document]) {
    UniqueIds::default().apply(documents);
}

/// Summarises a document's repairs in one line for the report.
pub fn summarize_repairs(repairs: &[Repair]) -> String {
    let mut by_rule: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in repairs {
        *by_rule.entry((r.rule.as_str(), r.field.as_str())).or_default() += 1;
    }
    by_rule.iter().map(|((rule, field), n)| format!("{rule} x{n} in {field}")).collect::<Vec<_>>().join("; ")
}

/// The outcome of building one record: its number, line and what became of it.
pub type BuiltRecord = (usize, Option<u64>, Result<Built>);

/// Whether a chunk's records have the text field at all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TextField {
    /// No record to tell (an empty chunk, or only malformed lines).
    #[default]
    Unknown,
    /// At least one record has it.
    Present,
    /// Records exist but none has it: the fields of the first, for the error message.
    Missing(Vec<String>),
}

impl TextField {
    /// Looks at `records` for the text field of `fields`.
    pub fn of<V, I>(fields: &FieldMap, records: I) -> Self
    where
        V: RecordView,
        I: IntoIterator<Item = V>,
    {
        let mut records = records.into_iter();
        let Some(first) = records.next() else { return TextField::Unknown };
        if first.get(&fields.text).is_some() || records.any(|r| r.get(&fields.text).is_some()) {
            return TextField::Present;
        }
        TextField::Missing(first.fields().iter().map(|(k, _)| (*k).to_owned()).collect())
    }
}

/// One chunk of a source's records, built.
#[derive(Debug, Default)]
pub struct BuiltChunk {
    /// The records in input order, numbered from the chunk's first.
    pub built: Vec<BuiltRecord>,
    /// Whether they have the text field.
    pub text_field: TextField,
}

/// An input read a chunk at a time: the whole-file loaders read it in one chunk, the
/// streaming readers in many, through the same code.
pub trait Source: Send {
    /// Reads and builds up to `max` records, numbering them from `first`; no records at the end.
    fn next_chunk(
        &mut self,
        first: usize,
        max: usize,
        opts: &LoadOptions,
        workers: &Workers,
        checkpoint: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<BuiltChunk>;
}

/// Builds records in parallel chunks, numbering them from `first`.
pub fn build_records<R, F>(
    records: &[R],
    first: usize,
    build_one: F,
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<BuiltRecord>>
where
    R: Sync,
    F: Fn(usize, &R) -> BuiltRecord + Sync + Send,
{
    let indexed: Vec<(usize, &R)> = records.iter().enumerate().map(|(i, r)| (first + i, r)).collect();
    workers.map_chunks(&indexed, crate::parallel::DEFAULT_CHUNK, |(i, r)| build_one(*i, r), checkpoint)
}

/// What carries over from one chunk to the next: the record numbering, the ids used so far,
/// and whether the text field has been seen.
#[derive(Debug, Clone)]
pub struct ChunkState {
    origin: String,
    opts: LoadOptions,
    ids: UniqueIds,
    next_record: usize,
    text_checked: bool,
}

impl ChunkState {
    /// The state before the first record of `origin`.
    pub fn new(origin: impl Into<String>, opts: LoadOptions) -> Self {
        ChunkState { origin: origin.into(), opts, ids: UniqueIds::default(), next_record: 0, text_checked: false }
    }

    /// The load options.
    pub fn opts(&self) -> &LoadOptions {
        &self.opts
    }

    /// The input's name.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The number the next record gets (records read so far).
    pub fn next_record(&self) -> usize {
        self.next_record
    }

    /// Turns a built chunk into documents and its report: the first chunk holding records
    /// must have the text field (else [`Error::MissingField`]: the user named the wrong field,
    /// and rejecting every record would bury that in the report); ids are made unique against
    /// every earlier chunk; the first error (strict decoding, or a rejection under
    /// [`BadRecordPolicy::Raise`]) stops the load.
    pub fn finish(&mut self, chunk: BuiltChunk) -> Result<Loaded> {
        let origin = self.origin.as_str();
        if !self.text_checked {
            match chunk.text_field {
                TextField::Unknown => {}
                TextField::Present => self.text_checked = true,
                TextField::Missing(available) => {
                    return Err(Error::MissingField {
                        origin: origin.to_owned(),
                        field: self.opts.fields.text.clone(),
                        role: "text".into(),
                        available,
                    });
                }
            }
        }
        let read = chunk.built.len();
        let mut documents = Vec::with_capacity(read);
        let mut places = Vec::with_capacity(read);
        let mut report = LoadReport { origin: origin.to_owned(), read, ..LoadReport::default() };
        for (record, line, outcome) in chunk.built {
            match outcome? {
                Built::Document(doc) => {
                    documents.push(doc);
                    places.push((record, line));
                }
                Built::Rejected { id, reason } => {
                    if self.opts.on_bad_record == BadRecordPolicy::Raise {
                        return Err(Error::BadRecord { origin: origin.to_owned(), record, line, reason });
                    }
                    report.rejected.push(RecordNote { record, line, id, reason });
                }
            }
        }
        self.ids.apply(&mut documents);
        for (doc, (record, line)) in documents.iter().zip(places) {
            if !doc.repairs.is_empty() {
                report.repaired.push(RecordNote {
                    record,
                    line,
                    id: Some(doc.id.clone()),
                    reason: summarize_repairs(&doc.repairs),
                });
            }
        }
        report.loaded = documents.len();
        self.next_record += read;
        Ok(Loaded { documents, report })
    }
}

/// A source read chunk by chunk with the state that makes the chunks add up to the whole.
pub struct Chunked<'a> {
    source: Box<dyn Source + 'a>,
    state: ChunkState,
    done: bool,
}

impl std::fmt::Debug for Chunked<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chunked").field("state", &self.state).field("done", &self.done).finish_non_exhaustive()
    }
}

impl<'a> Chunked<'a> {
    /// Reads `source`, named `origin`, under `opts`.
    pub fn new(source: Box<dyn Source + 'a>, origin: impl Into<String>, opts: LoadOptions) -> Self {
        Chunked { source, state: ChunkState::new(origin, opts), done: false }
    }

    /// The state: records read so far, options.
    pub fn state(&self) -> &ChunkState {
        &self.state
    }

    /// The next chunk of up to `max` records (`max` ≥ 1), or `None` after the last.
    pub fn next(
        &mut self,
        max: usize,
        workers: &Workers,
        checkpoint: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Option<Loaded>> {
        if self.done {
            return Ok(None);
        }
        let chunk =
            self.source.next_chunk(self.state.next_record(), max.max(1), self.state.opts(), workers, checkpoint);
        let chunk = match chunk {
            Ok(c) if c.built.is_empty() => {
                self.done = true;
                return Ok(None);
            }
            Ok(c) => c,
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        let loaded = self.state.finish(chunk);
        if loaded.is_err() {
            self.done = true;
        }
        loaded.map(Some)
    }

    /// Everything not read yet, as one chunk (empty at the end).
    pub fn read_all(&mut self, workers: &Workers, checkpoint: &mut dyn FnMut(usize, usize) -> bool) -> Result<Loaded> {
        let origin = self.state.origin().to_owned();
        Ok(self.next(usize::MAX, workers, checkpoint)?.unwrap_or_else(|| Loaded {
            documents: Vec::new(),
            report: LoadReport { origin, ..LoadReport::default() },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str) -> Document {
        Document { id: id.into(), text: "x".into(), ..Document::default() }
    }

    #[test]
    fn duplicate_ids_are_renamed_and_recorded() {
        let mut docs = vec![doc("a"), doc("a"), doc("a#2"), doc("a")];
        make_ids_unique(&mut docs);
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "a#2", "a#2#2", "a#3"]);
        assert_eq!(docs[1].repairs[0].rule, "duplicate-id");
        assert_eq!(docs[1].repairs[0].original, "a");
    }

    #[test]
    fn ids_are_the_same_in_chunks_of_any_size() {
        let ids = ["a", "b", "a", "a#2", "b", "a", "a#3", "c", "a"];
        let whole = {
            let mut docs: Vec<Document> = ids.iter().map(|i| doc(i)).collect();
            make_ids_unique(&mut docs);
            docs.into_iter().map(|d| d.id).collect::<Vec<_>>()
        };
        let unique: std::collections::HashSet<&String> = whole.iter().collect();
        assert_eq!(unique.len(), ids.len());
        for size in 1..ids.len() {
            let mut state = UniqueIds::default();
            let mut got = Vec::new();
            for part in ids.chunks(size) {
                let mut docs: Vec<Document> = part.iter().map(|i| doc(i)).collect();
                state.apply(&mut docs);
                got.extend(docs.into_iter().map(|d| d.id));
            }
            assert_eq!(got, whole, "chunks of {size}");
        }
    }
}
