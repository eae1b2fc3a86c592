//! The `workers` knob and Ctrl-C for batches run from Python.

use pyo3::prelude::*;

use crate::error::{Error, Result};
use crate::parallel::Workers;

/// Converts the Python `workers` argument.
pub fn workers(n: i64) -> PyResult<Workers> {
    Ok(Workers::new(n)?)
}

thread_local! {
    /// The progress hook of this Python thread: called as `hook(done, total)` between the
    /// chunks of every batch the thread starts.
    static PROGRESS: std::cell::RefCell<Option<Py<PyAny>>> = const { std::cell::RefCell::new(None) };
}

/// Sets this thread's progress hook (or clears it with `None`); returns the previous one.
#[pyfunction]
#[pyo3(signature = (hook, /))]
pub fn set_progress_hook(hook: Option<Py<PyAny>>) -> Option<Py<PyAny>> {
    PROGRESS.with(|p| std::mem::replace(&mut *p.borrow_mut(), hook))
}

/// Checks for Ctrl-C between chunks of a batch that runs with the GIL released, reports
/// progress to the thread's hook, and keeps the `KeyboardInterrupt` (or the hook's error)
/// to raise once the batch has stopped.
pub struct Interrupts {
    pending: Option<PyErr>,
    progress: Option<Py<PyAny>>,
}

impl Default for Interrupts {
    fn default() -> Self {
        let progress = PROGRESS.with(|p| p.borrow().as_ref().map(|h| Python::attach(|py| h.clone_ref(py))));
        Interrupts { pending: None, progress }
    }
}

impl Interrupts {
    /// A checkpoint for [`Workers::map_chunks`]: `false` once a signal handler (or the
    /// progress hook) raised.
    pub fn checkpoint(&mut self) -> impl FnMut(usize, usize) -> bool + '_ {
        move |done, total| {
            Python::attach(|py| {
                let outcome = py.check_signals().and_then(|()| match &self.progress {
                    Some(hook) => hook.call1(py, (done, total)).map(drop),
                    None => Ok(()),
                });
                match outcome {
                    Ok(()) => true,
                    Err(e) => {
                        self.pending = Some(e);
                        false
                    }
                }
            })
        }
    }

    /// The batch's result, with an interruption turned back into the Python exception.
    pub fn finish<T>(mut self, result: Result<T>) -> PyResult<T> {
        self.part(result)
    }

    /// [`Interrupts::finish`] for one part of a batch run in parts: an error ends the batch.
    pub fn part<T>(&mut self, result: Result<T>) -> PyResult<T> {
        match (result, self.pending.take()) {
            (Err(Error::Interrupted), Some(err)) => Err(err),
            (result, _) => Ok(result?),
        }
    }
}
