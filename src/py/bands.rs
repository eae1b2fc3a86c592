//! `DedupPlan` (with `band_rows`, `verify_pairs`), `bucket_pairs`, `components`: the steps
//! of near-duplicates that `copydesk.dask` runs per partition; `reuse_check`,
//! `reuse_seed_rows`, `reuse_seed_pairs`: those of text reuse's candidate pairs. Integer
//! columns cross as little-endian bytes (NumPy reads them without a copy per element).

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::Error;
use crate::py::parallel::workers as make_workers;
use crate::py::similarity::{bands_rows, shingling, texts_of};
use crate::similarity::align::{AlignOptions, ReuseOptions};
use crate::similarity::bands;
use crate::similarity::dedup::{DedupOptions, components as components_core};
use crate::similarity::minhash::MinHasher;
use crate::similarity::reuse_keys;

fn le_bytes<'py, const N: usize, T: Copy>(py: Python<'py>, xs: &[T], f: impl Fn(T) -> [u8; N]) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(xs.len() * N);
    for &x in xs {
        out.extend_from_slice(&f(x));
    }
    PyBytes::new(py, &out)
}

fn from_le<const N: usize, T>(data: &[u8], what: &str, f: impl Fn([u8; N]) -> T) -> PyResult<Vec<T>> {
    if data.len() % N != 0 {
        return Err(Error::InvalidValue {
            what: what.into(),
            reason: format!("{} bytes is not a whole number of {N}-byte integers", data.len()),
        }
        .into());
    }
    Ok(data.chunks_exact(N).map(|c| f(c.try_into().expect("chunk of N bytes"))).collect())
}

/// A near-duplicate job's options, validated once: bands and rows, the estimate floor, and the
/// per-partition steps. Picklable (rebuilt from its options), so it travels to workers.
#[pyclass(frozen, name = "DedupPlan", module = "copydesk._core")]
pub struct PyDedupPlan {
    args: Args,
    hasher: MinHasher,
    opts: DedupOptions,
    bands_rows: (usize, usize),
    floor: f64,
}

/// The options as given, for pickling.
#[derive(Clone, IntoPyObject)]
struct Args(f64, Option<f64>, f64, String, usize, usize, u64, Option<usize>, Option<usize>, bool);

#[pymethods]
impl PyDedupPlan {
    #[new]
    #[pyo3(signature = (threshold=0.8, containment=None, max_size_ratio=3.0, shingle="words", ngram=5, num_perm=128, seed=1, bands=None, rows=None, exact=true))]
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
    ) -> PyResult<Self> {
        let hasher = MinHasher::new(shingling(shingle, ngram)?, num_perm, seed)?;
        let opts = DedupOptions {
            threshold,
            containment,
            max_size_ratio,
            bands_rows: bands_rows(bands, rows, num_perm),
            exact,
        };
        let (bands_rows, floor) = bands::plan(&hasher, &opts)?;
        let args =
            Args(threshold, containment, max_size_ratio, shingle.to_owned(), ngram, num_perm, seed, bands, rows, exact);
        Ok(PyDedupPlan { args, hasher, opts, bands_rows, floor })
    }
    /// LSH bands.
    #[getter]
    fn bands(&self) -> usize {
        self.bands_rows.0
    }
    /// Rows per band.
    #[getter]
    fn rows(&self) -> usize {
        self.bands_rows.1
    }
    /// Signature estimate below which a band collision is not a candidate.
    #[getter]
    fn floor(&self) -> f64 {
        self.floor
    }
    /// LSH rows of texts: `(docs u32, bands u32, keys u64)` as little-endian bytes.
    #[pyo3(signature = (texts, /, *, workers=None))]
    #[allow(clippy::type_complexity)]
    fn band_rows<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        workers: Option<i64>,
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let texts = texts_of(texts, "texts")?;
        let workers = make_workers(workers.unwrap_or(-1))?;
        let (docs, band_ids, keys) = py.detach(|| {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            bands::band_rows(&self.hasher, &refs, self.bands_rows, &workers)
        })?;
        Ok((
            le_bytes(py, &docs, u32::to_le_bytes),
            le_bytes(py, &band_ids, u32::to_le_bytes),
            le_bytes(py, &keys, u64::to_le_bytes),
        ))
    }
    /// Verified candidates among pairs `(a[i], b[i])` of `texts`: `(index, keep, jaccard,
    /// a_in_b, b_in_a)` columns, one row per candidate.
    #[pyo3(signature = (texts, a, b, /, *, workers=None))]
    #[allow(clippy::type_complexity)]
    fn verify_pairs(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        a: Vec<u32>,
        b: Vec<u32>,
        workers: Option<i64>,
    ) -> PyResult<(Vec<usize>, Vec<bool>, Vec<f64>, Vec<f64>, Vec<f64>)> {
        let texts = texts_of(texts, "texts")?;
        check_pairs(&a, &b, texts.len())?;
        let workers = make_workers(workers.unwrap_or(-1))?;
        let verified = py.detach(|| {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let pairs: Vec<(u32, u32)> = a.into_iter().zip(b).collect();
            bands::verify_pairs(&self.hasher, &self.opts, self.floor, &refs, &pairs, &workers)
        })?;
        Ok((
            verified.iter().map(|v| v.index).collect(),
            verified.iter().map(|v| v.keep).collect(),
            verified.iter().map(|v| v.pair.jaccard).collect(),
            verified.iter().map(|v| v.pair.a_in_b).collect(),
            verified.iter().map(|v| v.pair.b_in_a).collect(),
        ))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let args = slf.get().args.clone().into_pyobject(slf.py())?.into_any();
        Ok((slf.get_type().into_any(), args))
    }
    fn __repr__(&self) -> String {
        format!("DedupPlan(bands={}, rows={}, floor={:.4})", self.bands_rows.0, self.bands_rows.1, self.floor)
    }
}

/// Pairs of indices below `n`, as many `a` as `b`.
fn check_pairs(a: &[u32], b: &[u32], n: usize) -> PyResult<()> {
    if a.len() != b.len() || a.iter().chain(b).any(|&d| d as usize >= n) {
        return Err(Error::InvalidValue {
            what: "pairs".into(),
            reason: format!("{} a and {} b, each an index below {n}", a.len(), b.len()),
        }
        .into());
    }
    Ok(())
}

/// Distinct pairs sharing a `(band, key)`: `(a u64, b u64)` as little-endian bytes, sorted.
#[pyfunction]
pub fn bucket_pairs<'py>(
    py: Python<'py>,
    bands: &[u8],
    keys: &[u8],
    docs: &[u8],
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let bands = from_le(bands, "bands", u32::from_le_bytes)?;
    let keys = from_le(keys, "keys", u64::from_le_bytes)?;
    let docs = from_le(docs, "docs", u64::from_le_bytes)?;
    if bands.len() != keys.len() || keys.len() != docs.len() {
        return Err(Error::InvalidValue {
            what: "band rows".into(),
            reason: format!("{} bands, {} keys and {} docs", bands.len(), keys.len(), docs.len()),
        }
        .into());
    }
    let pairs = py.detach(|| bands::bucket_pairs(&bands, &keys, &docs));
    let a: Vec<u64> = pairs.iter().map(|p| p.0).collect();
    let b: Vec<u64> = pairs.iter().map(|p| p.1).collect();
    Ok((le_bytes(py, &a, u64::to_le_bytes), le_bytes(py, &b, u64::to_le_bytes)))
}

/// Connected components of `n` documents joined by pairs `(a[i], b[i])`, numbered in order
/// of first document (as `near_duplicates` numbers its clusters).
#[pyfunction]
pub fn components(n: usize, a: Vec<u32>, b: Vec<u32>) -> PyResult<Vec<u32>> {
    if u32::try_from(n).is_err() {
        return Err(Error::InvalidValue { what: "n".into(), reason: format!("{n} documents: at most 2^32") }.into());
    }
    check_pairs(&a, &b, n)?;
    Ok(components_core(n, a.into_iter().zip(b)))
}

/// Validates text reuse options as `text_reuse` does (an error names the option).
#[pyfunction]
#[pyo3(signature = (*, seed=4, min_words=12, max_gap=8, max_repeat=4, min_shared=3, max_df=100))]
pub fn reuse_check(
    seed: usize,
    min_words: usize,
    max_gap: usize,
    max_repeat: usize,
    min_shared: usize,
    max_df: usize,
) -> PyResult<()> {
    let opts = ReuseOptions { align: AlignOptions { seed, min_words, max_gap, max_repeat }, min_shared, max_df };
    Ok(reuse_keys::check(&opts)?)
}

/// Seed rows of texts, one per distinct seed n-gram of each: `(docs u32, seeds u64)` as
/// little-endian bytes.
#[pyfunction]
#[pyo3(signature = (texts, /, *, seed=4, workers=None))]
pub fn reuse_seed_rows<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    seed: usize,
    workers: Option<i64>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let texts = texts_of(texts, "texts")?;
    let workers = make_workers(workers.unwrap_or(-1))?;
    let (docs, seeds) = py.detach(|| {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        reuse_keys::seed_rows(&refs, seed, &workers)
    })?;
    Ok((le_bytes(py, &docs, u32::to_le_bytes), le_bytes(py, &seeds, u64::to_le_bytes)))
}

/// Pairs sharing seeds of at most `max_df` documents among rows `(seeds[i], docs[i])`:
/// `(a u64, b u64, shared u32)` as little-endian bytes, sorted.
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn reuse_seed_pairs<'py>(
    py: Python<'py>,
    seeds: &[u8],
    docs: &[u8],
    max_df: usize,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let seeds = from_le(seeds, "seeds", u64::from_le_bytes)?;
    let docs = from_le(docs, "docs", u64::from_le_bytes)?;
    if seeds.len() != docs.len() {
        return Err(Error::InvalidValue {
            what: "seed rows".into(),
            reason: format!("{} seeds and {} docs", seeds.len(), docs.len()),
        }
        .into());
    }
    let pairs = py.detach(|| reuse_keys::seed_pairs(&seeds, &docs, max_df));
    let a: Vec<u64> = pairs.iter().map(|p| p.0).collect();
    let b: Vec<u64> = pairs.iter().map(|p| p.1).collect();
    let n: Vec<u32> = pairs.iter().map(|p| p.2).collect();
    Ok((le_bytes(py, &a, u64::to_le_bytes), le_bytes(py, &b, u64::to_le_bytes), le_bytes(py, &n, u32::to_le_bytes)))
}
