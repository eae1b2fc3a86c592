//! Cleaning (in progress).
pub mod edits;
