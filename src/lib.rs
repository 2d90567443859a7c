//! `stance` reads quotes from news stories about disputes between
//! governments and companies and labels each one twice: who speaks
//! (`government` or `company`) and what the statement does (`denial`,
//! `allegation` or `commitment`).
//!
//! The pipeline: quotes are tokenized with Hugging Face `tokenizers`
//! ([`text::tokenize`]), sorted by length and cut into token-budget batches
//! ([`batch`]), encoded by a BERT encoder on libtorch through `rust-bert`,
//! mean-pooled, and scored by two linear heads ([`model`]); results are
//! typed, serde-serializable [`predict::Prediction`]s.
//!
//! ```no_run
//! use stance::model::{Classifier, LoadOptions};
//! # fn main() -> stance::Result<()> {
//! let clf = Classifier::load("models/default".as_ref(), &LoadOptions::default())?;
//! let quotes = ["We reject these baseless accusations."];
//! for result in clf.classify(&quotes)? {
//!     let p = result.expect("not blank");
//!     println!("{} {} {} {}", p.speaker, p.speaker_score, p.stance, p.stance_score);
//! }
//! # Ok(())
//! # }
//! ```

pub mod batch;
pub mod cmd;
pub mod data;
pub mod error;
pub mod eval;
pub mod hash;
pub mod io;
pub mod labels;
pub mod metrics;
pub mod model;
pub mod output;
pub mod predict;
pub mod text;
pub mod train;

pub use error::{Result, StanceError};
