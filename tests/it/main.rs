//! The integration tests, one binary: the command line as a user runs it,
//! and the library's public API. Shared helpers are in `common`. Tests
//! marked `#[ignore]` are slow (whole test sets, training runs, long
//! inputs): `cargo test` skips them, `scripts/test.sh` runs them all.

mod common;

mod batch;
mod cli;
mod extract;
mod model;
mod mpnet;
mod train;
