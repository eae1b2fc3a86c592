//! Similarity and text reuse: which articles are copies, near-copies or share passages.
//!
//! * [`tokens`]: normalised word tokens with offsets, word and character shingles.
//! * [`minhash`]: seeded MinHash signatures, LSH bands, a savable index.
//! * [`dedup`]: near-duplicate pairs (Jaccard and containment) and clusters of a corpus.
//! * [`stream`]: the same, for a corpus that arrives in chunks.
//! * [`bands`]: the same, as steps an engine runs per partition (Dask).
//! * [`tfidf`]: TF-IDF or BM25 vectors and top-k cosine neighbours via an inverted index.
//! * [`align`]: shared passages of two texts, and reuse edges across a corpus.
//! * [`reuse_keys`]: text reuse's candidate pairs, as steps an engine runs per partition (Dask).
//! * [`fuzzy`]: string similarity for names and titles (on the `rapidfuzz` crate).
//!
//! Everything here is pure Rust, deterministic (no random state but explicit seeds) and
//! gives the same result for every worker count.
#![forbid(unsafe_code)]

pub mod align;
pub mod bands;
pub mod dedup;
pub mod fuzzy;
pub mod minhash;
pub mod reuse_keys;
pub mod stream;
pub mod tfidf;
pub mod tokens;
