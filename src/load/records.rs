//! In-memory records (from Python lists, dicts and DataFrames) as loader input.

use crate::document::{Loaded, MetaValue};
use crate::error::Result;
use crate::load::{
    BuiltChunk, ChunkState, FieldRef, LoadOptions, RecordPlace, RecordView, TextField, build_document, build_records,
};
use crate::parallel::Workers;

/// An owned field value.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedField {
    /// Bytes still to decode.
    Bytes(Vec<u8>),
    /// Text.
    Str(String),
    /// Any JSON value.
    Json(MetaValue),
    /// Null / missing.
    Null,
}

/// A record: its fields in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OwnedRecord {
    /// `(name, value)` pairs.
    pub fields: Vec<(String, OwnedField)>,
}

impl OwnedRecord {
    fn as_ref(value: &OwnedField) -> FieldRef<'_> {
        match value {
            OwnedField::Bytes(b) => FieldRef::Bytes(b),
            OwnedField::Str(s) => FieldRef::Str(s),
            OwnedField::Json(v) => FieldRef::Json(v),
            OwnedField::Null => FieldRef::Null,
        }
    }
}

impl RecordView for OwnedRecord {
    fn get(&self, name: &str) -> Option<FieldRef<'_>> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| Self::as_ref(v))
    }

    fn fields(&self) -> Vec<(&str, FieldRef<'_>)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), Self::as_ref(v))).collect()
    }
}

/// Builds documents from in-memory records; `origin` names them in messages.
///
/// # Examples
/// ```
/// use copydesk::load::{LoadOptions, records::{load_records, OwnedField, OwnedRecord}};
/// use copydesk::parallel::{Workers, no_checkpoint};
/// let rec = OwnedRecord { fields: vec![("text".into(), OwnedField::Str("Aleppo".into()))] };
/// let loaded = load_records("<python>", &[rec], &LoadOptions::default(), &Workers::inline(), no_checkpoint).unwrap();
/// assert_eq!(loaded.documents[0].id, "0");
/// ```
pub fn load_records<C>(
    origin: &str,
    records: &[OwnedRecord],
    opts: &LoadOptions,
    workers: &Workers,
    mut checkpoint: C,
) -> Result<Loaded>
where
    C: FnMut(usize, usize) -> bool,
{
    load_records_chunk(&mut ChunkState::new(origin, opts.clone()), records, workers, &mut checkpoint)
}

/// Builds the next chunk of in-memory records under `state`: numbered after the earlier
/// chunks, ids unique against theirs (records arriving in batches, e.g. Parquet).
pub fn load_records_chunk(
    state: &mut ChunkState,
    records: &[OwnedRecord],
    workers: &Workers,
    checkpoint: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Loaded> {
    let (origin, opts) = (state.origin(), state.opts());
    let text_field = TextField::of(&opts.fields, records);
    let built = build_records(
        records,
        state.next_record(),
        |i, r| {
            let place = RecordPlace { origin, record: i, line: None };
            (i, None, build_document(r, place, opts))
        },
        workers,
        checkpoint,
    )?;
    state.finish(BuiltChunk { built, text_field })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::parallel::no_checkpoint;

    fn rec(pairs: &[(&str, OwnedField)]) -> OwnedRecord {
        OwnedRecord { fields: pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect() }
    }

    #[test]
    fn rejects_are_reported_and_counts_add_up() {
        let records = vec![
            rec(&[("text", OwnedField::Str("one".into()))]),
            rec(&[("text", OwnedField::Null)]),
            rec(&[("text", OwnedField::Str("  ".into()))]),
            rec(&[("body", OwnedField::Str("x".into()))]),
            rec(&[("text", OwnedField::Bytes(b"caf\xe9".to_vec())), ("n", OwnedField::Json(3.into()))]),
        ];
        let loaded =
            load_records("<test>", &records, &LoadOptions::default(), &Workers::inline(), no_checkpoint).unwrap();
        let r = &loaded.report;
        assert_eq!((r.read, r.loaded, r.rejected.len(), r.repaired.len()), (5, 2, 3, 1));
        assert_eq!(loaded.documents[1].text, "café");
        assert_eq!(loaded.documents[1].meta["n"], MetaValue::from(3));
        assert!(r.rejected[0].reason.contains("null"));
        assert!(r.rejected[2].reason.contains("no field"));
    }

    #[test]
    fn wrong_text_field_everywhere_is_an_error() {
        let records = vec![rec(&[("body", OwnedField::Str("x".into()))])];
        let err =
            load_records("<test>", &records, &LoadOptions::default(), &Workers::inline(), no_checkpoint).unwrap_err();
        assert!(matches!(err, Error::MissingField { .. }), "{err}");
        assert!(err.to_string().contains("\"body\""));
    }
}
