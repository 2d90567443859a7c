//! Input and output records: raw lines, labeled data, batch input records
//! and result writers.

pub mod labeled;
pub mod lines;
pub mod records;
pub mod writer;
