//! Batch execution: one `workers` knob, chunked so a caller can stop a long batch.
//!
//! Every batch operation maps a function over items with [`Workers::map_chunks`]. Items are
//! processed in chunks; each chunk runs in parallel on a rayon pool, and between chunks the
//! calling thread runs a checkpoint callback (the Python binding checks for Ctrl-C and feeds
//! progress there). The loop itself stays on the calling thread because Python delivers
//! signals only to the main thread.
//!
//! Pools are never rayon's global pool: a pool's threads do not survive `fork`, so pools are
//! cached per process id and a forked child builds its own (the same guard as tokenizers'
//! `child_after_fork`). `workers = 1` runs inline with no pool at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Items handed to the pool between two checkpoints.
pub const DEFAULT_CHUNK: usize = 2048;

/// How many threads a batch may use.
#[derive(Clone)]
pub struct Workers {
    threads: usize,
    pool: Option<Arc<rayon::ThreadPool>>,
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Workers({})", self.threads)
    }
}

type PoolCache = Mutex<HashMap<(u32, usize), Arc<rayon::ThreadPool>>>;

fn pools() -> &'static PoolCache {
    static POOLS: OnceLock<PoolCache> = OnceLock::new();
    POOLS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Threads used by `workers = -1`: `RAYON_NUM_THREADS` if set, else the machine's cores.
pub fn default_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

impl Workers {
    /// `-1` (or any negative number) uses [`default_threads`]; `1` runs inline; `n > 1` uses
    /// a pool of `n` threads. `0` is refused.
    ///
    /// # Examples
    /// ```
    /// use copydesk::parallel::Workers;
    /// let w = Workers::new(2).unwrap();
    /// let out = w.map_chunks(&[1, 2, 3], 2, |x| x * 10, |_, _| true).unwrap();
    /// assert_eq!(out, vec![10, 20, 30]);
    /// assert!(Workers::new(0).is_err());
    /// ```
    pub fn new(workers: i64) -> Result<Self> {
        let threads = match workers {
            0 => {
                return Err(Error::InvalidOption {
                    name: "workers".into(),
                    reason: "0 threads cannot do any work; use -1 for all cores or a positive count".into(),
                });
            }
            n if n < 0 => default_threads(),
            n => usize::try_from(n).unwrap_or(usize::MAX).min(1024),
        };
        if threads == 1 {
            return Ok(Workers { threads, pool: None });
        }
        Ok(Workers { threads, pool: Some(pool_of(threads)?) })
    }

    /// Inline execution on the calling thread.
    pub fn inline() -> Self {
        Workers { threads: 1, pool: None }
    }

    /// Number of threads this uses.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` inside this pool, so rayon's parallel iterators in `f` use these threads
    /// (`workers = 1` uses a one-thread pool, never rayon's global one).
    ///
    /// # Examples
    /// ```
    /// use rayon::prelude::*;
    /// let w = copydesk::parallel::Workers::new(1).unwrap();
    /// assert_eq!(w.install(|| rayon::current_num_threads()), 1);
    /// ```
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => match pool_of(1) {
                Ok(pool) => pool.install(f),
                Err(_) => f(),
            },
        }
    }

    /// Maps `f` over `items` in chunks of `chunk` items, keeping order. After each chunk,
    /// `checkpoint(done, total)` runs on the calling thread; when it returns `false` the
    /// batch stops with [`Error::Interrupted`].
    pub fn map_chunks<T, R, F, C>(&self, items: &[T], chunk: usize, f: F, mut checkpoint: C) -> Result<Vec<R>>
    where
        T: Sync,
        R: Send,
        F: Fn(&T) -> R + Sync + Send,
        C: FnMut(usize, usize) -> bool,
    {
        let chunk = chunk.max(1);
        let mut out = Vec::with_capacity(items.len());
        for part in items.chunks(chunk) {
            match &self.pool {
                Some(pool) if part.len() > 1 => pool.install(|| out.par_extend(part.par_iter().map(&f))),
                _ => out.extend(part.iter().map(&f)),
            }
            if !checkpoint(out.len(), items.len()) {
                return Err(Error::Interrupted);
            }
        }
        Ok(out)
    }
}

/// The pool of `threads` threads of this process (built once, cached by process id).
fn pool_of(threads: usize) -> Result<Arc<rayon::ThreadPool>> {
    let key = (std::process::id(), threads);
    let mut cache = pools().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(pool) = cache.get(&key) {
        return Ok(pool.clone());
    }
    // Entries of a parent process (before a fork) stay in the map untouched: dropping a
    // pool whose threads do not exist in this process is not worth the risk.
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(threads).thread_name(|i| format!("copydesk-{i}")).build().map_err(
            |e| Error::InvalidOption { name: "workers".into(), reason: format!("cannot start {threads} threads: {e}") },
        )?;
    let pool = Arc::new(pool);
    cache.insert(key, pool.clone());
    Ok(pool)
}

/// A checkpoint that never stops and reports nothing.
pub fn no_checkpoint(_done: usize, _total: usize) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_kept_for_every_worker_count() {
        let items: Vec<u32> = (0..10_000).collect();
        for w in [1, 2, 3, -1] {
            let out = Workers::new(w).unwrap().map_chunks(&items, 97, |x| x * 2, no_checkpoint).unwrap();
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn checkpoint_can_stop_a_batch() {
        let items: Vec<u32> = (0..1000).collect();
        let mut calls = 0;
        let err = Workers::new(2)
            .unwrap()
            .map_chunks(
                &items,
                10,
                |x| *x,
                |_, _| {
                    calls += 1;
                    calls < 3
                },
            )
            .unwrap_err();
        assert!(matches!(err, Error::Interrupted));
        assert_eq!(calls, 3);
    }

    #[test]
    fn empty_input() {
        let out: Vec<u8> = Workers::inline().map_chunks(&[] as &[u8], 10, |x| *x, no_checkpoint).unwrap();
        assert!(out.is_empty());
    }
}
