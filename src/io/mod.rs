//! Input and output records.

pub mod lines;
