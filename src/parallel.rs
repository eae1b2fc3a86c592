//! Batch execution: one `workers` knob, chunked so a caller can stop a long batch.
//!
//! Every batch operation maps a function over items with [`Workers::map_chunks`]. On a rayon
//! pool the items run as one parallel job while the calling thread wakes every
//! [`CHECK_EVERY`] to run a checkpoint callback (the Python binding checks for Ctrl-C and
//! feeds progress there); inline, the checkpoint runs between chunks. The checkpoint stays
//! on the calling thread because Python delivers signals only to the main thread.
//!
//! Pools are never rayon's global pool: a pool's threads do not survive `fork`, so pools are
//! cached per process id and a forked child builds its own (the same guard as tokenizers'
//! `child_after_fork`). `workers = 1` runs inline with no pool at all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Duration;

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Items between two checkpoints when a batch runs inline.
pub const DEFAULT_CHUNK: usize = 2048;

/// How often a batch running on a pool runs its checkpoint: Ctrl-C stops it within this
/// (and the items already started).
pub const CHECK_EVERY: Duration = Duration::from_millis(20);

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

    /// Maps `f` over `items`, keeping order, calling `checkpoint(done, total)` on the calling
    /// thread as it goes and once at the end; when the checkpoint returns `false` the batch
    /// stops with [`Error::Interrupted`].
    ///
    /// Inline (one thread), the checkpoint runs after every `chunk` items. On a pool, the
    /// items are one parallel job, balanced by rayon's work stealing with no barrier between
    /// chunks, while the calling thread runs the checkpoint every [`CHECK_EVERY`]; once it
    /// says stop, the items not yet started are skipped.
    pub fn map_chunks<T, R, F, C>(&self, items: &[T], chunk: usize, f: F, mut checkpoint: C) -> Result<Vec<R>>
    where
        T: Sync,
        R: Send,
        F: Fn(&T) -> R + Sync + Send,
        C: FnMut(usize, usize) -> bool,
    {
        let total = items.len();
        let pool = self.pool.as_ref().filter(|_| total > 1);
        // Called from a pool's own thread (a batch inside a batch), the wait of
        // `map_watched` would hold that thread: chunks with a barrier instead.
        match pool.filter(|_| rayon::current_thread_index().is_none()) {
            Some(pool) => map_watched(pool, items, &f, &mut checkpoint),
            None => map_in_chunks(pool, items, chunk, &f, &mut checkpoint),
        }
    }
}

/// Chunks of `chunk` items (in parallel on `pool` if given), the checkpoint between them.
fn map_in_chunks<T: Sync, R: Send>(
    pool: Option<&Arc<rayon::ThreadPool>>,
    items: &[T],
    chunk: usize,
    f: &(impl Fn(&T) -> R + Sync + Send),
    checkpoint: &mut impl FnMut(usize, usize) -> bool,
) -> Result<Vec<R>> {
    let total = items.len();
    let mut out = Vec::with_capacity(total);
    for part in items.chunks(chunk.max(1)) {
        match pool {
            Some(pool) => pool.install(|| out.par_extend(part.par_iter().map(f))),
            None => out.extend(part.iter().map(f)),
        }
        if !checkpoint(out.len(), total) {
            return Err(Error::Interrupted);
        }
    }
    Ok(out)
}

/// All items as one parallel job on `pool`, while the calling thread runs the checkpoint
/// every [`CHECK_EVERY`] and once at the end; once it says stop, the items not yet started
/// are skipped.
fn map_watched<T: Sync, R: Send>(
    pool: &rayon::ThreadPool,
    items: &[T],
    f: &(impl Fn(&T) -> R + Sync + Send),
    checkpoint: &mut impl FnMut(usize, usize) -> bool,
) -> Result<Vec<R>> {
    let total = items.len();
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut results: std::result::Result<Vec<R>, ()> = Err(());
    let (finished, wait) = mpsc::channel::<()>();
    pool.in_place_scope(|scope| {
        let (done, stop, results) = (&done, &stop, &mut results);
        scope.spawn(move |_| {
            // An `Err` item ends the collection early: the items not yet started are skipped.
            *results = items
                .par_iter()
                .map(|item| {
                    if stop.load(Ordering::Relaxed) {
                        return Err(());
                    }
                    let r = f(item);
                    done.fetch_add(1, Ordering::Relaxed);
                    Ok(r)
                })
                .collect();
            // A panic drops the sender unsent: the wait below ends either way, and the scope
            // passes the panic on.
            let _ = finished.send(());
        });
        while let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(CHECK_EVERY) {
            if !stop.load(Ordering::Relaxed) && !checkpoint(done.load(Ordering::Relaxed), total) {
                stop.store(true, Ordering::Relaxed);
            }
        }
    });
    match results {
        Ok(out) if !stop.load(Ordering::Relaxed) && checkpoint(total, total) => Ok(out),
        _ => Err(Error::Interrupted),
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
        // Inline: after every chunk.
        let items: Vec<u32> = (0..1000).collect();
        let mut calls = 0;
        let err = Workers::inline()
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
        // On a pool: every `CHECK_EVERY`; the items not yet started are skipped.
        let started = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let err = Workers::new(2)
            .unwrap()
            .map_chunks(
                &items,
                10,
                |x| {
                    started.fetch_add(1, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(2));
                    *x
                },
                |done, total| {
                    seen.push((done, total));
                    seen.len() < 3
                },
            )
            .unwrap_err();
        assert!(matches!(err, Error::Interrupted));
        assert_eq!(seen.len(), 3, "no checkpoint after the stop");
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0) && seen.iter().all(|&(_, t)| t == 1000));
        assert!(started.load(Ordering::Relaxed) < 1000, "stopped early");
    }

    #[test]
    fn a_pool_batch_reports_its_end_and_survives_a_panic() {
        let items: Vec<u32> = (0..500).collect();
        let mut seen = Vec::new();
        let out = Workers::new(2)
            .unwrap()
            .map_chunks(
                &items,
                10,
                |x| x + 1,
                |done, total| {
                    seen.push((done, total));
                    true
                },
            )
            .unwrap();
        assert_eq!(out.len(), 500);
        assert_eq!(seen.last(), Some(&(500, 500)));
        let w = Workers::new(2).unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            w.map_chunks(&items, 10, |&x| if x == 250 { panic!("item {x}") } else { x }, no_checkpoint)
        }));
        assert!(panicked.is_err());
        assert_eq!(w.map_chunks(&items, 10, |x| *x, no_checkpoint).unwrap(), items, "the pool still works");
    }

    #[test]
    fn a_batch_inside_a_batch_completes() {
        let w = Workers::new(2).unwrap();
        let outer: Vec<u32> = (0..8).collect();
        let sums = w
            .map_chunks(
                &outer,
                1,
                |&i| {
                    let inner: Vec<u32> = (0..100).map(|j| i * j).collect();
                    w.map_chunks(&inner, 7, |x| *x, no_checkpoint).unwrap().iter().sum::<u32>()
                },
                no_checkpoint,
            )
            .unwrap();
        assert_eq!(sums, outer.iter().map(|i| (0..100).map(|j| i * j).sum::<u32>()).collect::<Vec<_>>());
    }

    #[test]
    fn empty_input() {
        let out: Vec<u8> = Workers::inline().map_chunks(&[] as &[u8], 10, |x| *x, no_checkpoint).unwrap();
        assert!(out.is_empty());
    }
}
