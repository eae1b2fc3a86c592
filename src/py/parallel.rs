//! The `workers` knob and Ctrl-C for batches run from Python.

use pyo3::prelude::*;

use crate::error::{Error, Result};
use crate::parallel::Workers;

/// Converts the Python `workers` argument.
pub fn workers(n: i64) -> PyResult<Workers> {
    Ok(Workers::new(n)?)
}

/// Checks for Ctrl-C between chunks of a batch that runs with the GIL released, and keeps
/// the `KeyboardInterrupt` to raise once the batch has stopped.
#[derive(Default)]
pub struct Interrupts {
    pending: Option<PyErr>,
}

impl Interrupts {
    /// A checkpoint for [`Workers::map_chunks`]: `false` once a signal handler raised.
    pub fn checkpoint(&mut self) -> impl FnMut(usize, usize) -> bool + '_ {
        move |_, _| {
            Python::attach(|py| match py.check_signals() {
                Ok(()) => true,
                Err(e) => {
                    self.pending = Some(e);
                    false
                }
            })
        }
    }

    /// The batch's result, with an interruption turned back into the Python exception.
    pub fn finish<T>(self, result: Result<T>) -> PyResult<T> {
        match (result, self.pending) {
            (Err(Error::Interrupted), Some(err)) => Err(err),
            (result, _) => Ok(result?),
        }
    }
}
