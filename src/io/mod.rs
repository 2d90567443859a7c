//! Reading input: raw lines, batch input records, labeled data and
//! articles. (Output goes through [`crate::output`].)

pub mod article;
pub mod atomic;
pub mod labeled;
pub mod lines;
pub mod records;
