//! The library's error types: [`StanceError`] for failures that stop an
//! operation, [`RecordError`] for one bad input record that is reported in
//! its place while the rest go on. Every error names the file, line, key or
//! setting and the value; a cause is kept as its `source`, not repeated in
//! the message (print the chain, e.g. with anyhow's `{:#}`).

use std::path::PathBuf;

/// Errors raised by the `stance` library.
#[derive(Debug, thiserror::Error)]
pub enum StanceError {
    /// A file could not be opened, read or written.
    #[error("{}", path.display())]
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
    /// A model directory to be written exists already and replacing it was
    /// not asked for.
    #[error("{} already exists: choose another output folder or ask to replace it (stance: --force)", path.display())]
    Exists {
        /// The folder.
        path: PathBuf,
    },
    /// The base encoder folder is missing or incomplete.
    #[error("base encoder not found at {}: {why}. Run `scripts/setup.sh` to fetch it (the default model, accurate, needs the MPNet base that STANCE_SKIP_MPNET=1 skips; `--model fast` needs only MiniLM's), or point STANCE_BASE at a folder with config.json, model.safetensors and tokenizer.json", path.display())]
    NoBase {
        /// Where it was looked for.
        path: PathBuf,
        /// What is missing.
        why: String,
    },
    /// A JSON file could not be parsed or has a bad value.
    #[error("{}: {message}", path.display())]
    BadJson {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong, with the key.
        message: String,
    },
    /// A weights file is corrupt, truncated, or does not fit the model.
    #[error("{}: {message}", path.display())]
    BadWeights {
        /// The weights file.
        path: PathBuf,
        /// What is wrong: tensor name, expected and found shapes.
        message: String,
    },
    /// A file's sha256 differs from the one recorded.
    #[error("{}: sha256 is {found}, expected {expected}: {hint}", path.display())]
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
    /// The tokenizer file could not be loaded or set up.
    #[error("tokenizer {}", path.display())]
    TokenizerFile {
        /// The `tokenizer.json`.
        path: PathBuf,
        /// The tokenizer's error.
        #[source]
        source: tokenizers::Error,
    },
    /// The tokenizer failed on a text.
    #[error("tokenizer")]
    Tokenize(#[source] tokenizers::Error),
    /// libtorch reported an error.
    #[error("libtorch")]
    Torch(#[from] tch::TchError),
    /// rust-bert reported an error.
    #[error("encoder")]
    Encoder(#[from] rust_bert::RustBertError),
    /// A setting has a value it cannot take.
    #[error("{setting} must be {expected}, is {value}")]
    Setting {
        /// The setting, as the library names it (`epochs`, `window`).
        setting: &'static str,
        /// What it must be.
        expected: &'static str,
        /// The value given.
        value: String,
    },
    /// The device asked for cannot be used.
    #[error("device {device}: {why}")]
    Device {
        /// The device asked for.
        device: &'static str,
        /// Why it cannot be used.
        why: String,
    },
    /// int8 inference was asked for on a device other than the CPU.
    #[error("precision int8 runs on the CPU only (use the CPU device, or bf16 on a GPU)")]
    Int8NeedsCpu,
    /// int8 inference was asked of an encoder it is not accurate for.
    #[error("precision int8 is not accurate for {architecture} models without measured input ranges (its outlier features do not survive plain int8: MPNet loses 2 points of stance macro-F1 even with per-token activation scales); run `stance check-precision --data DEV.jsonl` on the model to measure them, or use f32, or bf16 where the CPU (AMX, or AVX512-BF16 on AMD) or GPU has it")]
    Int8Inaccurate {
        /// The architecture's name.
        architecture: &'static str,
    },
    /// The int8 input ranges (SmoothQuant) cannot be used.
    #[error("int8 input ranges: {0}")]
    Int8Ranges(String),
    /// Scoring through rust-bert's encoder was asked of a network built
    /// for inference only.
    #[error("this network was built for inference only (LoadOptions::fast_only): rust-bert's encoder is not available")]
    InferenceOnly,
    /// A variable the network needs is not among the loaded ones.
    #[error("encoder variable '{name}' is missing")]
    MissingVariable {
        /// The variable's name.
        name: String,
    },
    /// An int8-delta model lacks the delta or base value of a matrix.
    #[error("'{name}': {why}")]
    Delta {
        /// The variable.
        name: String,
        /// What is missing.
        why: &'static str,
    },
    /// A gazetteer file is malformed.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Gazetteer {
        /// The file (or folder).
        path: PathBuf,
        /// The 1-based line, when one is at fault.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Labeled data has problems (each with file and line).
    #[error("{}: {count} bad record(s); first: {first}", path.display())]
    BadData {
        /// The data file.
        path: PathBuf,
        /// How many records are bad.
        count: usize,
        /// The first problem, with its line number.
        first: String,
    },
    /// A labeled data file has no records.
    #[error("{}: no labeled records", path.display())]
    NoRecords {
        /// The data file.
        path: PathBuf,
    },
    /// A labeled data set cannot be used for training as it is.
    #[error("the {set} file {why}")]
    Unusable {
        /// Which set: `training`, `dev`.
        set: &'static str,
        /// What is wrong.
        why: String,
    },
    /// Training diverged.
    #[error("training diverged at epoch {epoch} (loss {loss}); lower the learning rate")]
    Diverged {
        /// The epoch.
        epoch: usize,
        /// The loss reached.
        loss: f64,
    },
    /// An input's format cannot be told or read.
    #[error("{input}: {why}")]
    Input {
        /// The input's name (a path or `stdin`).
        input: String,
        /// What is wrong.
        why: String,
    },
    /// An input stream failed while it was read.
    #[error("{input}: read error")]
    Read {
        /// The input's name.
        input: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A batch run cannot resume into its output.
    #[error("cannot resume into {}: {why}", output.display())]
    Resume {
        /// The output file.
        output: PathBuf,
        /// Why.
        why: String,
    },
    /// A batch run's options do not fit its input or output.
    #[error("{0}")]
    Run(&'static str),
    /// A batch run would write over its own input.
    #[error("the output {} is the input{how}: writing it would destroy the quotes being read; choose another output file", output.display())]
    OutputIsInput {
        /// The output file.
        output: PathBuf,
        /// How they are the same (e.g. " (through a link)"), or empty.
        how: &'static str,
    },
    /// `--force` would replace something that is not a model directory.
    #[error("{} exists and is not a model directory (it has no stance.json); --force replaces only a model directory: choose another --out, or move it away", path.display())]
    NotAModelDir {
        /// The path.
        path: PathBuf,
    },
    /// Another batch run is writing the same output.
    #[error("{}: another stance batch run{holder} is writing this output; wait for it to end, or choose another output file", output.display())]
    Busy {
        /// The output file.
        output: PathBuf,
        /// Which process holds it (" (process 123)"), or empty.
        holder: String,
    },
}

impl StanceError {
    /// Wraps an io error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StanceError::Io {
            path: path.into(),
            source,
        }
    }

    /// A setting with a value it cannot take.
    pub fn setting(setting: &'static str, expected: &'static str, value: impl ToString) -> Self {
        StanceError::Setting {
            setting,
            expected,
            value: value.to_string(),
        }
    }
}

/// The library's result type.
pub type Result<T, E = StanceError> = std::result::Result<T, E>;

/// What is wrong with one input record. The record gets an error in its
/// place (with this message) and the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A quote given directly is empty or only whitespace.
    #[error("empty or blank quote: nothing to classify")]
    BlankQuote,
    /// A JSONL line is empty or only whitespace.
    #[error("line {line}: blank line")]
    BlankLine {
        /// 1-based line.
        line: usize,
    },
    /// The record's text is empty or only whitespace.
    #[error("line {line}: empty or blank text")]
    BlankText {
        /// 1-based line.
        line: usize,
    },
    /// A line is not valid UTF-8.
    #[error("line {line}: invalid UTF-8 at byte {byte}")]
    BadUtf8 {
        /// 1-based line.
        line: usize,
        /// 1-based byte in the line where the bad sequence starts.
        byte: usize,
    },
    /// A JSONL line does not parse.
    #[error("line {line}: not valid JSON: {message}")]
    NotJson {
        /// 1-based line.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// A JSONL line is JSON but not an object.
    #[error("line {line}: not a JSON object")]
    NotObject {
        /// 1-based line.
        line: usize,
    },
    /// A JSONL object has no `text`.
    #[error("line {line}: no \"text\" field")]
    NoText {
        /// 1-based line.
        line: usize,
    },
    /// A JSONL object's `text` is not a string.
    #[error("line {line}: \"text\" must be a string, is {found}")]
    TextNotString {
        /// 1-based line.
        line: usize,
        /// What it is ("a number").
        found: &'static str,
    },
    /// A CSV/TSV row has a different number of fields than the header.
    #[error("line {line}: {got} fields, the header has {want} (unbalanced quotes?)")]
    FieldCount {
        /// 1-based line where the row starts.
        line: usize,
        /// Fields in the row.
        got: usize,
        /// Fields in the header.
        want: usize,
    },
    /// A CSV/TSV row could not be parsed.
    #[error("line {line}: malformed CSV: {message}")]
    MalformedCsv {
        /// 1-based line.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// A CSV/TSV field is not valid UTF-8.
    #[error("line {line}: column \"{column}\" is not valid UTF-8")]
    ColumnUtf8 {
        /// 1-based line.
        line: usize,
        /// The column's name.
        column: String,
    },
    /// A stdin line of `classify` (the inner error names the line).
    #[error("stdin {0}")]
    Stdin(Box<RecordError>),
}
