//! Python bindings (feature `python`): thin wrappers that convert arguments, run the core
//! with the GIL released, and convert results and errors. No algorithm lives here.

pub mod bands;
pub mod clean;
pub mod convert;
pub mod documents;
pub mod entities;
pub mod errors;
pub mod input;
pub mod load;
pub mod parallel;
pub mod similarity;
