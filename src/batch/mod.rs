//! Batching: planning token-budget batches over length-sorted quotes
//! ([`plan`]) and padding a batch into tensors with its attention mask
//! ([`pad`]). The whole-file runner that streams records through them is
//! [`crate::pipeline`].

pub mod pad;
mod plan;

pub use pad::batch_tensors;
pub use plan::{plan, BatchLimits};
