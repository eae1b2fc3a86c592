//! copydesk: a copy desk for news corpora.
//!
//! The core turns raw scraped articles into documents with character-offset spans, and (as
//! the project grows) cleans them, extracts entities and finds text reuse. Everything outside
//! `py` is pure Rust: `cargo test` runs without Python. The `python` feature adds the PyO3
//! bindings that maturin builds into `copydesk._core`.
//!
//! * [`document`]: the document model, repairs and load reports.
//! * [`text`]: spans and the byte → character offset conversion.
//! * [`decode`]: bytes → text under an invalid-UTF-8 policy.
//! * [`dates`]: written dates → ISO 8601.
//! * [`load`]: directory, CSV, JSONL and in-memory loaders.
//! * [`parallel`]: the `workers` knob and interruptible chunked batches.
//! * [`similarity`]: near-duplicates (MinHash-LSH), TF-IDF neighbours, passage alignment,
//!   fuzzy string similarity.
//! * [`entities`]: tokenizer, statistical tagger, gazetteers, news patterns and alias linking.

pub mod clean;
pub mod dates;
pub mod decode;
pub mod document;
pub mod entities;
pub mod error;
pub mod load;
pub mod parallel;
pub mod similarity;
pub mod text;

#[cfg(test)]
mod test_rng;

#[cfg(feature = "python")]
pub mod py;

pub use document::{Document, LoadReport, Loaded, Repair};

/// Rust's allocations (not Python's) go through mimalloc: cleaning makes hundreds of small
/// allocations per document (lines, folds, edits), from several threads at once, and spends
/// 6–10% less time with it than with glibc's allocator. Its v2 line without transparent huge
/// pages (the `Cargo.toml` features) keeps a streamed read's peak memory near glibc's (about
/// 30 MB over the start against 25 MB, in `tests/test_streaming.py`'s 190 MB read).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
pub use error::{Error, Result};

/// The native module `copydesk._core`: the single list of what Python sees.
#[cfg(feature = "python")]
#[pyo3::pymodule(gil_used = false)]
mod _core {
    #[pymodule_export]
    use crate::py::bands::{PyDedupPlan, bucket_pairs, components, reuse_check, reuse_seed_pairs, reuse_seed_rows};
    #[pymodule_export]
    use crate::py::clean::{
        PyBoilerplateCounts, PyBoilerplateProfile, PyCleaned, PyEdit, builtin_rules, clean, clean_batch, fold,
        learn_boilerplate,
    };
    #[pymodule_export]
    use crate::py::documents::{PyCorpusStore, PyDocument, PyRepair};
    #[pymodule_export]
    use crate::py::entities::{
        PyEntity, PyFigure, PyGazetteer, PyQuote, PyTagger, entity_rows, extract_entities, extract_entities_batch,
        extract_figures, extract_figures_batch, extract_quotes, extract_quotes_batch,
    };
    #[pymodule_export]
    use crate::py::load::{PyLoadStream, PyRecordStream, load_records, open_csv, open_dir, open_jsonl};
    #[pymodule_export]
    use crate::py::parallel::set_progress_hook;
    #[pymodule_export]
    use crate::py::similarity::{
        PyDedupStream, PyMinHashIndex, align, align_batch, cdist, extract, fuzz, minhash_batch, near_duplicates,
        nearest_neighbors, overlap, reuse_edges, shingles, text_reuse,
    };

    #[allow(non_upper_case_globals)]
    #[pymodule_export]
    const __version__: &str = env!("CARGO_PKG_VERSION");
}
