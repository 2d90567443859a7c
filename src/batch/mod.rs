//! Batching: planning token-budget batches over length-sorted quotes
//! ([`plan`]), and the streaming batch runner over whole files ([`runner`]).

mod plan;
pub mod runner;

pub use plan::{plan, BatchLimits};
