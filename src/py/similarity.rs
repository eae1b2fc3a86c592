//! Similarity and reuse: Python arguments → core (GIL released) → plain Python values.
//! Results cross as columns (lists of ints and floats); `copydesk.similarity` wraps them.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::document::Document;
use crate::error::Error;
use crate::py::input::{documents_of, text_of};
use crate::py::parallel::{Interrupts, workers as make_workers};
use crate::similarity::align::{AlignOptions, Passage, ReuseOptions};
use crate::similarity::dedup::{Dedup, DedupOptions};
use crate::similarity::fuzzy::{self, Scorer};
use crate::similarity::minhash::{LshIndex, MinHasher};
use crate::similarity::stream::DedupStream;
use crate::similarity::tfidf::{TfidfOptions, Weighting};
use crate::similarity::tokens::{ShingleKind, Shingling, intersection_size, overlap_scores};

pub(crate) fn shingling(shingle: &str, ngram: usize) -> PyResult<Shingling> {
    let kind = ShingleKind::parse(shingle).ok_or_else(|| Error::InvalidOption {
        name: "shingle".into(),
        reason: format!("{shingle:?} is not one of 'words', 'chars'"),
    })?;
    Ok(Shingling::new(kind, ngram)?)
}

pub(crate) fn texts_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if obj.cast::<PyString>().is_ok() || obj.cast::<PyBytes>().is_ok() {
        return Err(PyTypeError::new_err(format!("{what}: expected a list of str, got a single str")));
    }
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let s = item.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what}[{i}] is a {}, expected str",
                item.get_type().name().map_or_else(|_| "?".into(), |n| n.to_string())
            ))
        })?;
        out.push(text_of(s, &|| format!("{what}[{i}]"))?);
    }
    Ok(out)
}

fn texts(docs: &[Arc<Document>]) -> Vec<&str> {
    docs.iter().map(|d| d.text.as_str()).collect()
}

/// Exact Jaccard similarity and the two containments of two texts' shingle sets.
#[pyfunction]
#[pyo3(signature = (a, b, /, *, shingle="words", ngram=5))]
pub fn overlap(a: &str, b: &str, shingle: &str, ngram: usize) -> PyResult<(f64, f64, f64)> {
    let s = shingling(shingle, ngram)?;
    let (x, y) = (s.shingles(a), s.shingles(b));
    Ok(overlap_scores(x.len(), y.len(), intersection_size(&x, &y)))
}

/// The sorted shingle hashes of a text.
#[pyfunction]
#[pyo3(signature = (text, /, *, shingle="words", ngram=5))]
pub fn shingles(text: &str, shingle: &str, ngram: usize) -> PyResult<Vec<u64>> {
    Ok(shingling(shingle, ngram)?.shingles(text))
}

/// MinHash signatures of texts (a batch).
#[pyfunction]
#[pyo3(signature = (texts, /, *, shingle="words", ngram=5, num_perm=128, seed=1, workers=None))]
pub fn minhash_batch(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    shingle: &str,
    ngram: usize,
    num_perm: usize,
    seed: u64,
    workers: Option<i64>,
) -> PyResult<Vec<Vec<u32>>> {
    let texts = texts_of(texts, "texts")?;
    let hasher = MinHasher::new(shingling(shingle, ngram)?, num_perm, seed)?;
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let result = py.detach(|| {
        crate::similarity::minhash::signatures(&hasher, &refs, false, &workers, &mut interrupts.checkpoint())
    });
    Ok(interrupts.finish(result)?.0)
}

/// Bands and rows from the options: both, one (the other fills `num_perm`), or neither
/// (derived from the threshold).
pub(crate) fn bands_rows(bands: Option<usize>, rows: Option<usize>, num_perm: usize) -> Option<(usize, usize)> {
    match (bands, rows) {
        (Some(b), Some(r)) => Some((b, r)),
        (None, None) => None,
        (Some(b), None) => Some((b, num_perm / b.max(1))),
        (None, Some(r)) => Some((num_perm / r.max(1), r)),
    }
}

/// Pair columns and clusters, as `near_duplicates` returns them to Python.
type DedupColumns = (Vec<u32>, Vec<u32>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<u32>, usize, (usize, usize));

/// Near-duplicate pairs and clusters of a corpus.
#[pyfunction]
#[pyo3(signature = (docs, /, *, threshold=0.8, containment=None, max_size_ratio=3.0, shingle="words", ngram=5, num_perm=128, seed=1, bands=None, rows=None, exact=true, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn near_duplicates(
    py: Python<'_>,
    docs: &Bound<'_, PyAny>,
    threshold: f64,
    containment: Option<f64>,
    max_size_ratio: f64,
    shingle: &str,
    ngram: usize,
    num_perm: usize,
    seed: u64,
    bands: Option<usize>,
    rows: Option<usize>,
    exact: bool,
    workers: Option<i64>,
) -> PyResult<DedupColumns> {
    let docs = documents_of(docs, "docs")?;
    let hasher = MinHasher::new(shingling(shingle, ngram)?, num_perm, seed)?;
    let bands_rows = bands_rows(bands, rows, num_perm);
    let opts = DedupOptions { threshold, containment, max_size_ratio, bands_rows, exact };
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| {
        crate::similarity::dedup::near_duplicates(&hasher, &texts(&docs), &opts, &workers, &mut interrupts.checkpoint())
    });
    Ok(columns(interrupts.finish(result)?))
}

fn columns(d: Dedup) -> DedupColumns {
    let a = d.pairs.iter().map(|p| p.a).collect();
    let b = d.pairs.iter().map(|p| p.b).collect();
    let j = d.pairs.iter().map(|p| p.jaccard).collect();
    let ab = d.pairs.iter().map(|p| p.a_in_b).collect();
    let ba = d.pairs.iter().map(|p| p.b_in_a).collect();
    (a, b, j, ab, ba, d.clusters, d.candidates, d.bands_rows)
}

/// Near-duplicates of a corpus that arrives in chunks: `add` each chunk, then `finish`.
#[pyclass(frozen, name = "DedupStream", module = "copydesk._core")]
pub struct PyDedupStream {
    stream: Mutex<Option<(DedupStream, Vec<String>)>>,
}

impl PyDedupStream {
    fn with<T>(&self, f: impl FnOnce(&mut (DedupStream, Vec<String>)) -> PyResult<T>) -> PyResult<T> {
        let mut guard = self.stream.lock().unwrap_or_else(PoisonError::into_inner);
        let state = guard.as_mut().ok_or_else(|| Error::InvalidValue {
            what: "DedupStream".into(),
            reason: "finish() was already called".into(),
        })?;
        f(state)
    }
}

#[pymethods]
impl PyDedupStream {
    #[new]
    #[pyo3(signature = (*, threshold=0.8, containment=None, max_size_ratio=3.0, shingle="words", ngram=5, num_perm=128, seed=1, bands=None, rows=None, exact=true, spill_dir=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        threshold: f64,
        containment: Option<f64>,
        max_size_ratio: f64,
        shingle: &str,
        ngram: usize,
        num_perm: usize,
        seed: u64,
        bands: Option<usize>,
        rows: Option<usize>,
        exact: bool,
        spill_dir: Option<PathBuf>,
    ) -> PyResult<Self> {
        let hasher = MinHasher::new(shingling(shingle, ngram)?, num_perm, seed)?;
        let bands_rows = bands_rows(bands, rows, num_perm);
        let opts = DedupOptions { threshold, containment, max_size_ratio, bands_rows, exact };
        let stream = DedupStream::new(hasher, opts, spill_dir.as_deref())?;
        Ok(PyDedupStream { stream: Mutex::new(Some((stream, Vec::new()))) })
    }

    /// Adds the next chunk of documents (signed in parallel, the GIL released).
    #[pyo3(signature = (docs, /, *, workers=None))]
    fn add(&self, py: Python<'_>, docs: &Bound<'_, PyAny>, workers: Option<i64>) -> PyResult<()> {
        let docs = documents_of(docs, "docs")?;
        let workers = make_workers(workers.unwrap_or(-1))?;
        self.with(|(stream, ids)| {
            let mut interrupts = Interrupts::default();
            let result = py.detach(|| stream.add(&texts(&docs), &workers, &mut interrupts.checkpoint()));
            interrupts.finish(result)?;
            ids.extend(docs.iter().map(|d| d.id.clone()));
            Ok(())
        })
    }

    /// Documents added so far.
    fn __len__(&self) -> PyResult<usize> {
        self.with(|(stream, _)| Ok(stream.len()))
    }

    /// Pairs and clusters of everything added, and the ids: `(columns, ids)`. Ends the stream.
    #[pyo3(signature = (*, workers=None))]
    fn finish(&self, py: Python<'_>, workers: Option<i64>) -> PyResult<(DedupColumns, Vec<String>)> {
        let workers = make_workers(workers.unwrap_or(-1))?;
        let taken = self.stream.lock().unwrap_or_else(PoisonError::into_inner).take();
        let (stream, ids) = taken.ok_or_else(|| Error::InvalidValue {
            what: "DedupStream".into(),
            reason: "finish() was already called".into(),
        })?;
        let mut interrupts = Interrupts::default();
        let result = py.detach(|| stream.finish(&workers, &mut interrupts.checkpoint()));
        Ok((columns(interrupts.finish(result)?), ids))
    }
}

/// A MinHash LSH index of documents: query with new texts, save and load.
#[pyclass(frozen, name = "MinHashIndex", module = "copydesk._core")]
pub struct PyMinHashIndex {
    inner: RwLock<IndexedIds>,
}

/// The index and the ids of its documents.
struct IndexedIds {
    index: LshIndex,
    ids: Vec<String>,
}

impl PyMinHashIndex {
    fn new(index: LshIndex, ids: Vec<String>) -> Self {
        PyMinHashIndex { inner: RwLock::new(IndexedIds { index, ids }) }
    }

    fn read(&self) -> RwLockReadGuard<'_, IndexedIds> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, IndexedIds> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl PyMinHashIndex {
    fn merge_from(&self, py: Python<'_>, other: &IndexedIds) -> PyResult<()> {
        let mut inner = self.write();
        let inner = &mut *inner;
        py.detach(|| inner.index.merge(&other.index))?;
        inner.ids.extend(other.ids.iter().cloned());
        Ok(())
    }
}

#[pymethods]
impl PyMinHashIndex {
    #[staticmethod]
    #[pyo3(signature = (docs, /, *, threshold=0.8, shingle="words", ngram=5, num_perm=128, seed=1, bands=None, rows=None, workers=None))]
    #[allow(clippy::too_many_arguments)]
    fn build(
        py: Python<'_>,
        docs: &Bound<'_, PyAny>,
        threshold: f64,
        shingle: &str,
        ngram: usize,
        num_perm: usize,
        seed: u64,
        bands: Option<usize>,
        rows: Option<usize>,
        workers: Option<i64>,
    ) -> PyResult<Self> {
        let docs = documents_of(docs, "docs")?;
        let hasher = MinHasher::new(shingling(shingle, ngram)?, num_perm, seed)?;
        let bands_rows = bands_rows(bands, rows, num_perm);
        LshIndex::params(&hasher, threshold, bands_rows)?;
        let workers = make_workers(workers.unwrap_or(-1))?;
        let mut interrupts = Interrupts::default();
        let result = py.detach(|| {
            crate::similarity::minhash::signatures(
                &hasher,
                &texts(&docs),
                false,
                &workers,
                &mut interrupts.checkpoint(),
            )
        });
        let (sigs, _) = interrupts.finish(result)?;
        let index = py.detach(|| LshIndex::from_signatures(hasher, threshold, bands_rows, sigs))?;
        Ok(PyMinHashIndex::new(index, docs.iter().map(|d| d.id.clone()).collect()))
    }

    /// Indexed documents whose estimated Jaccard similarity to `text` is at least
    /// `min_estimate`: `[(id, estimate)]`, best first.
    #[pyo3(signature = (text, /, *, min_estimate=None))]
    fn query(&self, py: Python<'_>, text: &str, min_estimate: Option<f64>) -> Vec<(String, f64)> {
        let inner = self.read();
        let hits = py.detach(|| inner.index.query(text, min_estimate.unwrap_or(inner.index.threshold)));
        hits.into_iter().map(|(d, j)| (inner.ids[d].clone(), j)).collect()
    }

    #[pyo3(signature = (texts, /, *, min_estimate=None, workers=None))]
    fn query_batch(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        min_estimate: Option<f64>,
        workers: Option<i64>,
    ) -> PyResult<Vec<Vec<(String, f64)>>> {
        let texts = texts_of(texts, "texts")?;
        let workers = make_workers(workers.unwrap_or(-1))?;
        let inner = self.read();
        let min = min_estimate.unwrap_or(inner.index.threshold);
        let mut interrupts = Interrupts::default();
        let result =
            py.detach(|| workers.map_chunks(&texts, 256, |t| inner.index.query(t, min), &mut interrupts.checkpoint()));
        let hits = interrupts.finish(result)?;
        Ok(hits.into_iter().map(|h| h.into_iter().map(|(d, j)| (inner.ids[d].clone(), j)).collect()).collect())
    }

    /// Appends documents (signed in parallel) after those indexed.
    #[pyo3(signature = (docs, /, *, workers=None))]
    fn add(&self, py: Python<'_>, docs: &Bound<'_, PyAny>, workers: Option<i64>) -> PyResult<()> {
        let docs = documents_of(docs, "docs")?;
        let workers = make_workers(workers.unwrap_or(-1))?;
        let mut interrupts = Interrupts::default();
        let mut inner = self.write();
        let result = py.detach(|| {
            let hasher = &inner.index.hasher;
            crate::similarity::minhash::signatures(hasher, &texts(&docs), false, &workers, &mut interrupts.checkpoint())
        });
        let (sigs, _) = interrupts.finish(result)?;
        let inner = &mut *inner;
        py.detach(|| inner.index.extend(sigs));
        inner.ids.extend(docs.iter().map(|d| d.id.clone()));
        Ok(())
    }

    /// Appends the documents of `other`, an index built with the same parameters.
    fn merge(&self, py: Python<'_>, other: &Self) -> PyResult<()> {
        if std::ptr::eq(self, other) {
            let copy = { IndexedIds { index: self.read().index.clone(), ids: self.read().ids.clone() } };
            return self.merge_from(py, &copy);
        }
        let other = other.read();
        self.merge_from(py, &other)
    }

    fn signature(&self, text: &str) -> Vec<u32> {
        self.read().index.hasher.signature_of(text)
    }

    fn signatures(&self) -> Vec<Vec<u32>> {
        self.read().index.signatures.clone()
    }

    fn ids(&self) -> Vec<String> {
        self.read().ids.clone()
    }

    #[getter]
    fn threshold(&self) -> f64 {
        self.read().index.threshold
    }
    #[getter]
    fn bands(&self) -> usize {
        self.read().index.bands
    }
    #[getter]
    fn rows(&self) -> usize {
        self.read().index.rows
    }
    #[getter]
    fn num_perm(&self) -> usize {
        self.read().index.hasher.num_perm
    }
    #[getter]
    fn seed(&self) -> u64 {
        self.read().index.hasher.seed
    }
    #[getter]
    fn shingle(&self) -> &'static str {
        self.read().index.hasher.shingling.kind.name()
    }
    #[getter]
    fn ngram(&self) -> usize {
        self.read().index.hasher.shingling.n
    }

    fn __len__(&self) -> usize {
        self.read().index.len()
    }

    /// The index as bytes: the signatures, then the ids as a JSON list.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let inner = self.read();
        let mut data = inner.index.to_bytes();
        let ids = serde_json::to_vec(&inner.ids).unwrap_or_default();
        data.extend_from_slice(&ids);
        data.extend_from_slice(&(ids.len() as u64).to_le_bytes());
        PyBytes::new(py, &data)
    }

    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let bad =
            || Error::InvalidValue { what: "MinHash index".into(), reason: "truncated or corrupt id list".into() };
        let split = data.len().checked_sub(8).ok_or_else(bad)?;
        let len = u64::from_le_bytes(data[split..].try_into().map_err(|_| bad())?) as usize;
        let start = split.checked_sub(len).ok_or_else(bad)?;
        let ids: Vec<String> = serde_json::from_slice(&data[start..split]).map_err(|_| bad())?;
        let index = py.detach(|| LshIndex::from_bytes(&data[..start]))?;
        if ids.len() != index.len() {
            return Err(bad().into());
        }
        Ok(PyMinHashIndex::new(index, ids))
    }

    fn __repr__(&self) -> String {
        let inner = self.read();
        format!(
            "MinHashIndex(documents={}, threshold={}, num_perm={}, bands={}, rows={}, shingle={:?}, ngram={})",
            inner.index.len(),
            inner.index.threshold,
            inner.index.hasher.num_perm,
            inner.index.bands,
            inner.index.rows,
            inner.index.hasher.shingling.kind.name(),
            inner.index.hasher.shingling.n
        )
    }
}

/// Top-k TF-IDF (or BM25) cosine neighbours of every document, as columns.
#[pyfunction]
#[pyo3(signature = (docs, /, *, k=10, weighting="tfidf", sublinear_tf=false, k1=1.2, b=0.75, min_df=1, max_df=1.0, max_postings=None, min_score=0.0, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn nearest_neighbors(
    py: Python<'_>,
    docs: &Bound<'_, PyAny>,
    k: usize,
    weighting: &str,
    sublinear_tf: bool,
    k1: f64,
    b: f64,
    min_df: usize,
    max_df: f64,
    max_postings: Option<usize>,
    min_score: f32,
    workers: Option<i64>,
) -> PyResult<(Vec<u32>, Vec<u32>, Vec<f32>)> {
    let docs = documents_of(docs, "docs")?;
    let weighting = Weighting::parse(weighting).ok_or_else(|| Error::InvalidOption {
        name: "weighting".into(),
        reason: format!("{weighting:?} is not one of 'tfidf', 'bm25'"),
    })?;
    let opts = TfidfOptions { weighting, sublinear_tf, k1, b, min_df, max_df };
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| {
        let mut checkpoint = interrupts.checkpoint();
        let v = crate::similarity::tfidf::vectorize(&texts(&docs), &opts, &workers, &mut checkpoint)?;
        crate::similarity::tfidf::nearest_neighbors(&v, k, min_score, max_postings, &workers, &mut checkpoint)
    });
    let nn = interrupts.finish(result)?;
    let (mut d, mut c, mut s) = (Vec::new(), Vec::new(), Vec::new());
    for (i, row) in nn.into_iter().enumerate() {
        for (j, score) in row {
            d.push(i as u32);
            c.push(j);
            s.push(score);
        }
    }
    Ok((d, c, s))
}

type PassageTuple = (usize, usize, usize, usize, usize, usize, f64);

fn passage_tuple(p: &Passage) -> PassageTuple {
    (p.a_start, p.a_end, p.b_start, p.b_end, p.a_words, p.b_words, p.score)
}

fn align_options(seed: usize, min_words: usize, max_gap: usize, max_repeat: usize) -> AlignOptions {
    AlignOptions { seed, min_words, max_gap, max_repeat }
}

/// Shared passages of two texts.
#[pyfunction]
#[pyo3(signature = (a, b, /, *, seed=4, min_words=12, max_gap=8, max_repeat=4))]
pub fn align(
    py: Python<'_>,
    a: &Bound<'_, PyString>,
    b: &Bound<'_, PyString>,
    seed: usize,
    min_words: usize,
    max_gap: usize,
    max_repeat: usize,
) -> PyResult<Vec<PassageTuple>> {
    let (a, b) = (text_of(a, &|| "a".into())?, text_of(b, &|| "b".into())?);
    let opts = align_options(seed, min_words, max_gap, max_repeat);
    let found = py.detach(|| crate::similarity::align::align(&a, &b, &opts))?;
    Ok(found.iter().map(passage_tuple).collect())
}

/// Shared passages of each pair of texts.
#[pyfunction]
#[pyo3(signature = (pairs, /, *, seed=4, min_words=12, max_gap=8, max_repeat=4, workers=None))]
pub fn align_batch(
    py: Python<'_>,
    pairs: Vec<(Bound<'_, PyString>, Bound<'_, PyString>)>,
    seed: usize,
    min_words: usize,
    max_gap: usize,
    max_repeat: usize,
    workers: Option<i64>,
) -> PyResult<Vec<Vec<PassageTuple>>> {
    let owned: Vec<(String, String)> = pairs
        .iter()
        .enumerate()
        .map(|(i, (a, b))| Ok((text_of(a, &|| format!("pairs[{i}][0]"))?, text_of(b, &|| format!("pairs[{i}][1]"))?)))
        .collect::<PyResult<_>>()?;
    let opts = align_options(seed, min_words, max_gap, max_repeat);
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| {
        workers.map_chunks(
            &owned,
            64,
            |(a, b)| crate::similarity::align::align(a, b, &opts),
            &mut interrupts.checkpoint(),
        )
    });
    let found = interrupts.finish(result)?;
    found.into_iter().map(|r| Ok(r?.iter().map(passage_tuple).collect())).collect()
}

type EdgeTuple = (u32, u32, bool, Vec<PassageTuple>, f64, f64);

/// Reuse edges of a corpus.
#[pyfunction]
#[pyo3(signature = (docs, /, *, seed=4, min_words=12, max_gap=8, max_repeat=4, min_shared=3, max_df=100, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn text_reuse(
    py: Python<'_>,
    docs: &Bound<'_, PyAny>,
    seed: usize,
    min_words: usize,
    max_gap: usize,
    max_repeat: usize,
    min_shared: usize,
    max_df: usize,
    workers: Option<i64>,
) -> PyResult<Vec<EdgeTuple>> {
    let docs = documents_of(docs, "docs")?;
    let opts = ReuseOptions { align: align_options(seed, min_words, max_gap, max_repeat), min_shared, max_df };
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result =
        py.detach(|| crate::similarity::align::text_reuse(&docs, &opts, &workers, &mut interrupts.checkpoint()));
    let edges = interrupts.finish(result)?;
    Ok(edges.into_iter().map(edge_tuple).collect())
}

/// One candidate pair: its two texts and publication dates.
type EdgeQuery = (String, String, Option<String>, Option<String>);

/// A pair's edge: `(swapped, directed, passages, first_coverage, second_coverage)`, where
/// `swapped` says the edge runs from the pair's second document to its first (which the
/// passages' offsets and the coverages then follow).
type PairEdgeTuple = (bool, bool, Vec<PassageTuple>, f64, f64);

/// The reuse edges of candidate pairs, one per pair (`None`: no shared passage), as
/// `text_reuse` builds them: the Dask text reuse aligns its pairs partition by partition.
#[pyfunction]
#[pyo3(signature = (pairs, /, *, seed=4, min_words=12, max_gap=8, max_repeat=4, workers=None))]
pub fn reuse_edges(
    py: Python<'_>,
    pairs: Vec<EdgeQuery>,
    seed: usize,
    min_words: usize,
    max_gap: usize,
    max_repeat: usize,
    workers: Option<i64>,
) -> PyResult<Vec<Option<PairEdgeTuple>>> {
    let opts = align_options(seed, min_words, max_gap, max_repeat);
    opts.check()?;
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| {
        workers.map_chunks(
            &pairs,
            64,
            |(ta, tb, pa, pb)| {
                crate::similarity::align::reuse_edge((0, 1), (ta, tb), (pa.as_deref(), pb.as_deref()), &opts)
            },
            &mut interrupts.checkpoint(),
        )
    });
    let edges = interrupts.finish(result)?;
    Ok(edges
        .into_iter()
        .map(|e| {
            e.map(|e| {
                let swapped = e.a == 1;
                let (_, _, directed, passages, first, second) = edge_tuple(e);
                (swapped, directed, passages, first, second)
            })
        })
        .collect())
}

fn edge_tuple(e: crate::similarity::align::ReuseEdge) -> EdgeTuple {
    (e.a, e.b, e.directed, e.passages.iter().map(passage_tuple).collect(), e.a_coverage, e.b_coverage)
}

/// Fuzzy similarity of two strings, in [0, 1].
#[pyfunction]
#[pyo3(signature = (a, b, /, *, scorer="ratio", processor=false))]
pub fn fuzz(a: &Bound<'_, PyString>, b: &Bound<'_, PyString>, scorer: &str, processor: bool) -> PyResult<f64> {
    let scorer = Scorer::parse(scorer)?;
    let (a, b) = (text_of(a, &|| "a".into())?, text_of(b, &|| "b".into())?);
    Ok(fuzzy::score(scorer, &a, &b, processor))
}

/// The score matrix of queries × choices: `(f32 little-endian bytes, rows, cols)`.
#[pyfunction]
#[pyo3(signature = (queries, choices, /, *, scorer="ratio", processor=false, score_cutoff=0.0, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn cdist<'py>(
    py: Python<'py>,
    queries: &Bound<'py, PyAny>,
    choices: &Bound<'py, PyAny>,
    scorer: &str,
    processor: bool,
    score_cutoff: f64,
    workers: Option<i64>,
) -> PyResult<(Bound<'py, PyBytes>, usize, usize)> {
    let scorer = Scorer::parse(scorer)?;
    let (q, c) = (texts_of(queries, "queries")?, texts_of(choices, "choices")?);
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| {
        let qr: Vec<&str> = q.iter().map(String::as_str).collect();
        let cr: Vec<&str> = c.iter().map(String::as_str).collect();
        fuzzy::cdist(&qr, &cr, scorer, processor, score_cutoff, &workers, &mut interrupts.checkpoint())
    });
    let rows = interrupts.finish(result)?;
    // Written straight into the bytes object: one pass, no intermediate buffer.
    let bytes = PyBytes::new_with(py, q.len() * c.len() * 4, |buf| {
        for (out, x) in buf.chunks_exact_mut(4).zip(rows.iter().flatten()) {
            out.copy_from_slice(&x.to_le_bytes());
        }
        Ok(())
    })?;
    Ok((bytes, q.len(), c.len()))
}

/// The best choices per query: `[[(choice index, score)]]`.
#[pyfunction]
#[pyo3(signature = (queries, choices, /, *, scorer="ratio", processor=true, limit=5, score_cutoff=0.0, workers=None))]
#[allow(clippy::too_many_arguments)]
pub fn extract(
    py: Python<'_>,
    queries: &Bound<'_, PyAny>,
    choices: &Bound<'_, PyAny>,
    scorer: &str,
    processor: bool,
    limit: usize,
    score_cutoff: f64,
    workers: Option<i64>,
) -> PyResult<Vec<Vec<(usize, f64)>>> {
    let scorer = Scorer::parse(scorer)?;
    let (q, c) = (texts_of(queries, "queries")?, texts_of(choices, "choices")?);
    let workers = make_workers(workers.unwrap_or(-1))?;
    let mut interrupts = Interrupts::default();
    let result = py.detach(|| {
        let qr: Vec<&str> = q.iter().map(String::as_str).collect();
        let cr: Vec<&str> = c.iter().map(String::as_str).collect();
        fuzzy::extract(&qr, &cr, scorer, processor, limit, score_cutoff, &workers, &mut interrupts.checkpoint())
    });
    interrupts.finish(result)
}
