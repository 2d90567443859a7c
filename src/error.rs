//! The library's error type: every failure names the file, line or key and
//! keeps its cause.

use std::path::PathBuf;

/// Errors raised by the `stance` library.
#[derive(Debug, thiserror::Error)]
pub enum StanceError {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// The model directory does not exist.
    #[error(
        "model directory {0} does not exist: create one with `stance init --out {0}` \
         (untrained heads) or train one with `stance train --train FILE --dev FILE --out {0}`"
    )]
    NoModel(PathBuf),
    /// The base encoder folder is missing or incomplete.
    #[error("base encoder not found at {path}: {why}. Run `scripts/setup.sh` to fetch it, or point STANCE_BASE at a folder with config.json, model.safetensors and tokenizer.json")]
    NoBase {
        /// Where it was looked for.
        path: PathBuf,
        /// What is missing.
        why: String,
    },
    /// A JSON file could not be parsed or has a bad value.
    #[error("{path}: {message}")]
    BadJson {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong, with the key.
        message: String,
    },
    /// A weights file is corrupt, truncated, or does not fit the model.
    #[error("{path}: {message}")]
    BadWeights {
        /// The weights file.
        path: PathBuf,
        /// What is wrong: tensor name, expected and found shapes.
        message: String,
    },
    /// A file's sha256 differs from the one recorded.
    #[error("{path}: sha256 is {found}, expected {expected}: {hint}")]
    HashMismatch {
        /// The file concerned.
        path: PathBuf,
        /// The recorded hash.
        expected: String,
        /// The hash of the file on disk.
        found: String,
        /// What to do about it.
        hint: String,
    },
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// libtorch reported an error.
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
    /// The encoder reported an error.
    #[error("encoder: {0}")]
    Encoder(#[from] rust_bert::RustBertError),
    /// A setting has a value it cannot take.
    #[error("{0}")]
    Invalid(String),
    /// Labeled data has problems (each with file and line).
    #[error("{path}: {count} bad record(s); first: {first}")]
    BadData {
        /// The data file.
        path: PathBuf,
        /// How many records are bad.
        count: usize,
        /// The first problem, with its line number.
        first: String,
    },
    /// The run was interrupted (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
}

impl StanceError {
    /// Wraps an io error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StanceError::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = StanceError> = std::result::Result<T, E>;
