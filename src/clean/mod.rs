//! Cleaning (in progress).
pub mod edits;
pub mod markup;
pub mod unicode;
