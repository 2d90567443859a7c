//! Input and output records: raw lines, labeled data.

pub mod labeled;
pub mod lines;
