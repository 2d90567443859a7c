//! `stance` reads quotes from news stories about disputes between
//! governments and companies and labels each one twice: who speaks
//! (`government` or `company`) and what the statement does (`denial`,
//! `allegation` or `commitment`).
//!
//! The pipeline: quotes are read ([`io`]), tokenized with Hugging Face
//! `tokenizers` ([`text::tokenize`]), sorted by length and cut into
//! token-budget batches, padded with their attention masks ([`batch`]),
//! encoded by an [`model::encoder::Encoder`] on libtorch, mean-pooled and
//! scored by two linear heads ([`model`]), put together by the
//! [`Classifier`]; results are typed, serde-serializable
//! [`predict::Prediction`]s, written by one printer ([`output`]). Whole
//! files stream through [`pipeline`]; [`train`] fine-tunes and [`eval`]
//! measures; [`text::extract`] and [`article`] find and classify the
//! statements of a news story.
//!
//! The library does not need the command line: build it with
//! `default-features = false` to leave out clap, anyhow and indicatif.
//!
//! ```no_run
//! use stance::{Classifier, LoadOptions};
//! # fn main() -> stance::Result<()> {
//! let clf = Classifier::load("models/accurate".as_ref(), &LoadOptions::default())?;
//! let quotes = ["We reject these baseless accusations."];
//! for result in clf.classify(&quotes)? {
//!     let p = result.expect("not blank");
//!     println!("{} {} {} {}", p.speaker, p.speaker_score, p.stance, p.stance_score);
//! }
//! # Ok(())
//! # }
//! ```

pub mod article;
pub mod article_eval;
pub mod batch;
pub mod classifier;
pub mod cues;
pub mod data;
pub mod error;
pub mod eval;
pub mod gazetteer;
pub mod hash;
pub mod io;
pub mod labels;
pub mod metrics;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod predict;
pub mod progress;
pub mod text;
pub mod train;

pub use classifier::{Classifier, LoadOptions};
pub use error::{RecordError, Result, StanceError};
