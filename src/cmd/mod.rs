//! The command line (part of the binary, not the library): the subcommands,
//! one module each, the global options they share, and the one place that
//! reads the environment (`STANCE_MODEL`, `STANCE_BASE`, through clap).

pub mod batch;
pub mod check_precision;
pub mod classify;
pub mod data;
pub mod eval;
pub mod extract;
pub mod fit_cues;
pub mod init;
pub mod progress;
pub mod train;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use stance::batch::BatchLimits;
use stance::model::device::{set_threads, DeviceChoice, Precision};
use stance::output::Printer;
use stance::{Classifier, LoadOptions};
use std::path::{Path, PathBuf};

/// Exit status when every record was scored.
pub const EXIT_OK: u8 = 0;
/// Exit status when some records were bad (and reported in place).
pub const EXIT_BAD_RECORDS: u8 = 3;

/// Who speaks in a quote about a government-company dispute, and what the
/// statement does.
#[derive(Debug, Parser)]
#[command(name = "stance", version, about, long_about = None)]
pub struct Cli {
    /// Options every subcommand takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Model directory, or a shipped model's name: accurate (MPNet, the
    /// default, models/accurate) or fast (MiniLM, models/fast)
    /// [default: models/accurate, or $STANCE_MODEL]
    #[arg(long, global = true, env = "STANCE_MODEL")]
    pub model: Option<PathBuf>,
    /// Base encoder folder [default: the one the model names, under
    /// models/base/; for init and train, models/base/all-minilm-l6-v2; or
    /// $STANCE_BASE]
    #[arg(long, global = true, env = "STANCE_BASE")]
    pub base: Option<PathBuf>,
    /// Where to run the model
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub device: DeviceChoice,
    /// libtorch threads [default: one per core]
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// Inference precision: auto (batch: the fastest on this machine among
    /// those whose accuracy check, stored with the model, is within 0.5
    /// point of f32, else f32; the other commands: f32); f32; bf16 (fast
    /// with AMX, on AMD with AVX512-BF16, and on GPUs); int8 (dynamic
    /// quantization of the linear layers, CPU)
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub precision: Precision,
    /// Most quotes per batch
    #[arg(long, global = true)]
    pub batch_size: Option<usize>,
    /// Print JSON (one object per line) instead of tables
    #[arg(long, global = true)]
    pub json: bool,
    /// Read sources by the model alone: no source cues (gazetteer names,
    /// titles and words that name a kind of speaker)
    #[arg(long, global = true)]
    pub no_source_cues: bool,
}

impl GlobalArgs {
    /// The model directory to use.
    pub fn model_dir(&self) -> PathBuf {
        let shipped = |name: &str| {
            let local = Path::new("models").join(name);
            if local.is_dir() {
                return local;
            }
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("models")
                .join(name)
        };
        match &self.model {
            // A folder of that name wins over the shipped model's name.
            Some(dir) if dir.exists() => dir.clone(),
            Some(dir) => match dir.to_str() {
                Some("fast") => shipped("fast"),
                Some("accurate") | Some("default") => shipped("accurate"),
                _ => dir.clone(),
            },
            None => shipped("accurate"),
        }
    }

    /// Sets libtorch's thread count from `--threads`.
    pub fn set_threads(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.threads != Some(0), "--threads must be at least 1");
        set_threads(self.threads).context("--threads")
    }

    /// A printer on stdout: JSON lines with `--json`, else a table.
    pub fn printer(&self) -> Printer<std::io::BufWriter<std::io::StdoutLock<'static>>> {
        Printer::new(std::io::BufWriter::new(std::io::stdout().lock()), self.json)
    }

    /// Sets threads and loads the classifier with these options, for a
    /// command that scores a few quotes (classify, extract, eval,
    /// fit-cues): `--precision auto` means f32 there, since the model load
    /// outweighs the scoring and f32 is the most accurate.
    pub fn load_classifier(&self) -> anyhow::Result<Classifier> {
        let precision = match self.precision {
            Precision::Auto => Precision::F32,
            p => p,
        };
        self.load_classifier_at(precision)
    }

    /// Like [`GlobalArgs::load_classifier`], for bulk scoring (`batch`):
    /// `--precision auto` picks the fastest precision whose stored
    /// accuracy check passes.
    pub fn load_bulk_classifier(&self) -> anyhow::Result<Classifier> {
        self.load_classifier_at(self.precision)
    }

    fn load_classifier_at(&self, precision: Precision) -> anyhow::Result<Classifier> {
        self.set_threads()?;
        let mut limits = BatchLimits::default();
        if let Some(n) = self.batch_size {
            anyhow::ensure!(n >= 1, "--batch-size must be at least 1");
            limits.max_items = n;
            limits.max_tokens = limits.max_tokens.max(n * 64);
        }
        let options = LoadOptions {
            base_dir: self.base.clone(),
            device: self.device,
            limits: Some(limits),
            fast_only: true,
            no_source_cues: self.no_source_cues,
        };
        let dir = self.model_dir();
        let mut clf = Classifier::load(&dir, &options).with_context(|| {
            let device = match self.device {
                DeviceChoice::Cuda => " (--device cuda)",
                _ => "",
            };
            format!("cannot load the model in {}{device}", dir.display())
        })?;
        clf.set_precision(precision)
            .with_context(|| format!("--precision {}", self.precision.name()))?;
        Ok(clf)
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Classify quotes given as arguments, or one per line on stdin
    Classify(classify::ClassifyArgs),
    /// Score a whole file (JSONL, CSV, TSV, TXT) in input order
    Batch(batch::BatchArgs),
    /// Create a model directory with untrained heads on the base encoder
    Init(init::InitArgs),
    /// Fine-tune on labeled quotes and write a model directory
    Train(train::TrainArgs),
    /// Accuracy, macro-F1, per-class figures, confusion matrix and ECE on labeled quotes
    Eval(eval::EvalArgs),
    /// Work with labeled data files
    Data(data::DataArgs),
    /// Find the statements in a news story, attribute and classify each
    Extract(extract::ExtractArgs),
    /// Fit a model's source-cue weights on labeled quotes with sources
    FitCues(fit_cues::FitCuesArgs),
    /// Measure what each reduced precision (int8, bf16) costs the model
    /// against f32, and record it for --precision auto
    CheckPrecision(check_precision::CheckPrecisionArgs),
}

/// Runs the parsed command line; returns the exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Classify(args) => classify::run(&cli.global, args),
        Command::Batch(args) => batch::run(&cli.global, args),
        Command::Init(args) => init::run(&cli.global, args),
        Command::Data(args) => data::run(&cli.global, args),
        Command::Train(args) => train::run(&cli.global, args),
        Command::Eval(args) => eval::run(&cli.global, args),
        Command::Extract(args) => extract::run(&cli.global, args),
        Command::FitCues(args) => fit_cues::run(&cli.global, args),
        Command::CheckPrecision(args) => check_precision::run(&cli.global, args),
    }
}
