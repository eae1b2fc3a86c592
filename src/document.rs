//! The document model that flows through every stage.
//!
//! A [`Document`] is one article: an `id` unique within its corpus, the raw `text` exactly as
//! loaded (after decoding), optional metadata fields and a free-form `meta` map, plus the
//! [`Repair`]s made while loading it. Later stages never change a document: cleaning makes a
//! new text with a map back to this one, and entities and passages are character spans into
//! it. A corpus is an ordered `Vec<Document>`; loaders return it with a [`LoadReport`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::Span;

/// A metadata value: anything JSON can hold.
pub type MetaValue = serde_json::Value;

/// One article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Document {
    /// Identifier, unique within the corpus.
    pub id: String,
    /// The raw article text as loaded.
    pub text: String,
    /// Headline, where the input has one.
    pub title: Option<String>,
    /// Outlet or site the article came from.
    pub source: Option<String>,
    /// Address of the article.
    pub url: Option<String>,
    /// Publication date or time, ISO 8601.
    pub published: Option<String>,
    /// Every other field of the input record.
    pub meta: BTreeMap<String, MetaValue>,
    /// What loading had to repair in this document.
    pub repairs: Vec<Repair>,
}

/// One repair made while loading a document: what stood in the input, what replaced it, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repair {
    /// The field repaired (`text`, `title`, `id`, `published`, a meta key, or `(line)` for a
    /// JSONL line decoded before parsing).
    pub field: String,
    /// Where the replacement stands in the repaired field value (character offsets).
    pub span: Span,
    /// What the input held, shown as text (bytes as `\xNN` escapes).
    pub original: String,
    /// What replaced it.
    pub replacement: String,
    /// Short rule name, e.g. `decode-cp1252`, `duplicate-id`, `published-unparsed`.
    pub rule: String,
    /// One sentence for a reader.
    pub reason: String,
}

/// A record that was repaired or rejected while loading, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordNote {
    /// 0-based record number in the input (file number for a directory).
    pub record: usize,
    /// 1-based line in the input file, where known.
    pub line: Option<u64>,
    /// Document id, where one was found.
    pub id: Option<String>,
    /// What happened and why.
    pub reason: String,
}

/// What a load read, repaired and rejected. `read == loaded + rejected.len()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LoadReport {
    /// The input (a path, or `<python>` for in-memory records).
    pub origin: String,
    /// Records seen.
    pub read: usize,
    /// Documents produced.
    pub loaded: usize,
    /// Loaded documents that carry repairs, one note each.
    pub repaired: Vec<RecordNote>,
    /// Records that produced no document, each with the reason.
    pub rejected: Vec<RecordNote>,
}

/// Documents plus the report of loading them.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The documents, in input order.
    pub documents: Vec<Document>,
    /// What happened.
    pub report: LoadReport,
}

/// A stable id for a document that has none: 16 hex digits of the XXH3 hash of its text
/// (the same on every run and machine).
///
/// # Examples
/// ```
/// assert_eq!(copydesk::document::content_id("Aleppo").len(), 16);
/// assert_eq!(copydesk::document::content_id("a"), copydesk::document::content_id("a"));
/// ```
pub fn content_id(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}
