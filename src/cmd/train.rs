//! `stance train`: fine-tune on labeled quotes and write a model directory.

use super::progress::Bar;
use super::{GlobalArgs, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::io::labeled::{read_labeled, Dataset};
use stance::labels::Labels;
use stance::model::config::TuneMode;
use stance::output::records::TrainRecord;
use stance::train::{train, TrainData, TrainOptions};
use stance::StanceError;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `stance train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labeled training quotes (JSONL with text, speaker, stance); several
    /// files are read as one, in order
    #[arg(long, required = true, num_args = 1..)]
    pub train: Vec<PathBuf>,
    /// Labeled dev quotes, for early stopping and calibration
    #[arg(long)]
    pub dev: PathBuf,
    /// Model directory to write
    #[arg(long)]
    pub out: PathBuf,
    /// Labeled test quotes: evaluated once at the end and recorded in the config
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Which weights to train: heads only; heads + encoder biases and
    /// LayerNorms (~130 KB); that + the top encoder layer (~3.6 MB, f16) or
    /// the two top layers (int8 deltas); the top layer and heads alone,
    /// lower layers run once and cached (upper: the mode for MPNet); or
    /// everything (a full checkpoint)
    #[arg(long, value_enum, default_value = "light")]
    pub tune: TuneMode,
    /// Most epochs [default: 20 heads, 12 light, 10 top, 12 top2, 6 upper, 8 full]
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Peak learning rate of the encoder's tuned weights [default: 2e-3 light, 3e-4 top and top2, 1e-4 upper, 8e-5 full]
    #[arg(long)]
    pub lr: Option<f64>,
    /// Peak learning rate of the heads [default: 3e-3 heads, 2e-3 light and top, 1e-3 full]
    #[arg(long)]
    pub head_lr: Option<f64>,
    /// Seed of initialisation, shuffling and dropout
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
    /// Epochs without dev improvement before stopping
    #[arg(long, default_value_t = 3)]
    pub patience: usize,
    /// Weight of the speaker loss
    #[arg(long, default_value_t = 1.0)]
    pub speaker_weight: f64,
    /// Weight of the stance loss
    #[arg(long, default_value_t = 1.0)]
    pub stance_weight: f64,
    /// Do not weight classes by inverse frequency
    #[arg(long)]
    pub no_class_weights: bool,
    /// Longest input in tokens
    #[arg(long, default_value_t = 256)]
    pub max_length: usize,
    /// Share of training quotes with a "source" field (who the article says
    /// made the statement) that are shown with it, drawn afresh each epoch;
    /// the model then reads a source when `extract`, `classify --source` or
    /// `eval --with-source` give one. 0 trains on quotes alone
    #[arg(long, default_value_t = 0.5)]
    pub source_rate: f64,
    /// A gazetteer folder (organisations.tsv, roles.tsv, titles.tsv; e.g.
    /// data/gazetteer): shown sources are drawn from its real names for the
    /// quote's kind of speaker (--gazetteer-rate of the time), and its
    /// held-out names measure how well the model reads unseen names
    #[arg(long)]
    pub gazetteer: Option<PathBuf>,
    /// Share of shown sources drawn from the gazetteer
    #[arg(long, default_value_t = 0.5)]
    pub gazetteer_rate: f64,
    /// Skip bad lines in the data files (reported) instead of refusing them
    #[arg(long)]
    pub skip_bad: bool,
    /// Replace OUT if it is a model directory (has stance.json) or empty,
    /// only once the new model is complete
    #[arg(long)]
    pub force: bool,
    /// No progress bar
    #[arg(long)]
    pub quiet: bool,
}

/// Reads a labeled file against `labels`, reporting each bad line on
/// stderr and refusing the file on any unless `skip_bad`.
pub fn read_data(path: &Path, labels: &Labels, skip_bad: bool) -> anyhow::Result<Dataset> {
    let file = read_labeled(path, labels)?;
    for p in &file.problems {
        eprintln!("{p}");
    }
    let bad = file.problems.len();
    if skip_bad && bad > 0 {
        eprintln!("{}: skipped {bad} bad line(s)", path.display());
    }
    file.into_dataset(skip_bad).map_err(|e| match e {
        StanceError::BadData { .. } => {
            anyhow::anyhow!("{e}\n(fix the lines above, or pass --skip-bad to leave them out)")
        }
        other => other.into(),
    })
}

/// Reads the training files as one data set (see [`joined`]).
pub fn read_train(paths: &[PathBuf], labels: &Labels, skip_bad: bool) -> anyhow::Result<Dataset> {
    let sets = paths
        .iter()
        .map(|p| read_data(p, labels, skip_bad))
        .collect::<anyhow::Result<Vec<_>>>()?;
    joined(sets)
}

/// Data sets taken as one: its path names them all (joined by " + "), its
/// quotes follow in order and its sha256 is that of the files'
/// concatenation. One set is returned as it is.
pub(super) fn joined(mut sets: Vec<Dataset>) -> anyhow::Result<Dataset> {
    if sets.len() == 1 {
        return Ok(sets.remove(0));
    }
    let refs: Vec<&Path> = sets.iter().map(|d| d.path.as_path()).collect();
    let sha256 = stance::hash::sha256_files(&refs)?;
    let path = PathBuf::from(
        sets.iter()
            .map(|d| d.path.display().to_string())
            .collect::<Vec<_>>()
            .join(" + "),
    );
    Ok(Dataset {
        path,
        sha256,
        quotes: sets.into_iter().flat_map(|d| d.quotes).collect(),
    })
}

/// Runs `stance train`.
pub fn run(global: &GlobalArgs, args: TrainArgs) -> anyhow::Result<u8> {
    if args.out.exists() && !args.force {
        anyhow::bail!(
            "{} already exists: choose another --out or pass --force to replace it",
            args.out.display()
        );
    }
    if let Some(0) = args.epochs {
        anyhow::bail!("--epochs must be at least 1");
    }
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.source_rate),
        "--source-rate must be between 0 and 1, is {}",
        args.source_rate
    );
    anyhow::ensure!(
        global.batch_size != Some(0),
        "--batch-size must be at least 1"
    );
    global.set_threads()?;
    let labels = Labels::default();
    let train_set = read_train(&args.train, &labels, args.skip_bad)?;
    let dev_set = read_data(&args.dev, &labels, args.skip_bad)?;
    let test_set = match &args.test {
        Some(p) => Some(read_data(p, &labels, args.skip_bad)?),
        None => None,
    };
    let mut opts = TrainOptions::for_mode(args.tune);
    if let Some(e) = args.epochs {
        opts.epochs = e;
    }
    if let Some(lr) = args.lr {
        opts.lr = lr;
    }
    if let Some(lr) = args.head_lr {
        opts.head_lr = lr;
    }
    if let Some(b) = global.batch_size {
        opts.batch_size = b;
    }
    opts.seed = args.seed;
    opts.patience = args.patience.max(1);
    opts.speaker_weight = args.speaker_weight;
    opts.stance_weight = args.stance_weight;
    opts.class_weights = !args.no_class_weights;
    opts.max_length = args.max_length;
    opts.source_rate = args.source_rate;
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.gazetteer_rate),
        "--gazetteer-rate must be between 0 and 1, is {}",
        args.gazetteer_rate
    );
    opts.gazetteer_rate = args.gazetteer_rate;
    opts.gazetteer = args
        .gazetteer
        .as_deref()
        .map(stance::gazetteer::Gazetteer::read)
        .transpose()?;
    opts.device = global.device;
    opts.base_dir = global.base.clone();
    eprintln!(
        "training ({} mode) on {} quotes, dev {} quotes, up to {} epochs, batch {}, seed {}",
        args.tune.name(),
        train_set.quotes.len(),
        dev_set.quotes.len(),
        opts.epochs,
        opts.batch_size,
        opts.seed
    );
    let data = TrainData {
        train: &train_set,
        dev: &dev_set,
        test: test_set.as_ref(),
    };
    let show = !args.quiet && std::io::stderr().is_terminal();
    let outcome = train(&data, &opts, &Bar::steps(show)).context("training failed")?;
    let clf = outcome.classifier;
    clf.save(&args.out, args.force)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    // The precision checks, on the dev and test quotes together (more
    // quotes, a steadier figure; neither precision was tuned on either).
    // int8's input ranges are measured on the dev quotes alone.
    let calibration: Vec<String> = dev_set.quotes.iter().map(|q| q.text.clone()).collect();
    let check_set = joined(std::iter::once(dev_set).chain(test_set).collect())?;
    super::check_precision::check_and_record(global, &args.out, &check_set, &calibration, true)?;
    let mut printer = global.printer();
    printer.trained(&TrainRecord {
        out: args.out.display().to_string(),
        trained_parameters: outcome.trained_parameters,
        seconds: outcome.seconds,
        best_epoch: outcome.best_epoch,
        epochs_run: outcome.epochs.len(),
        temperature: clf.config().temperature,
        dev: &outcome.dev,
        dev_uncalibrated: &outcome.dev_uncalibrated,
        source_cues: clf.config().source_cues.as_ref().map(|c| c.weights),
        dev_with_source: outcome.dev_with_source.as_ref(),
        test: outcome.test.as_ref(),
        test_with_source: outcome.test_with_source.as_ref(),
        gazetteer_held_out: outcome.gazetteer_held_out,
    })?;
    printer.flush()?;
    Ok(EXIT_OK)
}
