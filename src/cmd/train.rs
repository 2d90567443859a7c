//! `stance train`: fine-tune on labeled quotes and write a model directory.

use super::{GlobalArgs, EXIT_OK};
use crate::eval::{evaluate, EvalReport};
use crate::hash::sha256_file;
use crate::io::labeled::{read_labeled, LabeledQuote};
use crate::model::config::{Labels, TuneMode};
use crate::model::device::set_threads;
use crate::train::{train, TrainOptions};
use anyhow::Context;
use clap::Args;
use serde_json::json;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `stance train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labeled training quotes (JSONL with text, speaker, stance)
    #[arg(long)]
    pub train: PathBuf,
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
    /// LayerNorms (~130 KB); that + the top encoder layer (~3.6 MB, f16);
    /// or everything (a ~90 MB checkpoint)
    #[arg(long, value_enum, default_value = "light")]
    pub tune: TuneMode,
    /// Most epochs [default: 20 heads, 12 light, 10 top, 8 full]
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Peak learning rate of the encoder's tuned weights [default: 2e-3 light, 3e-4 top, 8e-5 full]
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
    /// Skip bad lines in the data files (reported) instead of refusing them
    #[arg(long)]
    pub skip_bad: bool,
    /// Replace OUT if it exists (only once the new model is complete)
    #[arg(long)]
    pub force: bool,
    /// No progress bar
    #[arg(long)]
    pub quiet: bool,
}

/// Reads a labeled file, refusing it on any bad line unless `skip_bad`.
pub fn read_data(path: &Path, skip_bad: bool) -> anyhow::Result<Vec<LabeledQuote>> {
    let file = read_labeled(path, &Labels::default())?;
    for p in &file.problems {
        eprintln!("{p}");
    }
    let (records, skipped) = file.into_records(skip_bad).map_err(|e| {
        anyhow::anyhow!("{e}\n(fix the lines above, or pass --skip-bad to leave them out)")
    })?;
    if skipped > 0 {
        eprintln!("{}: skipped {skipped} bad line(s)", path.display());
    }
    if records.is_empty() {
        anyhow::bail!("{}: no labeled records", path.display());
    }
    Ok(records)
}

/// Prints `WHAT: speaker F1, stance F1` (macro-F1, 4 decimals).
fn print_f1(what: &str, r: &EvalReport) {
    println!(
        "{what}: speaker {:.4}, stance {:.4}",
        r.speaker.macro_f1, r.stance.macro_f1
    );
}

fn metrics_json(r: &EvalReport) -> serde_json::Value {
    json!({
        "n": r.n,
        "speaker": {"accuracy": r.speaker.accuracy, "macro_f1": r.speaker.macro_f1, "ece": r.speaker.ece},
        "stance": {"accuracy": r.stance.accuracy, "macro_f1": r.stance.macro_f1, "ece": r.stance.ece},
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
    set_threads(global.threads)?;
    let train_set = read_data(&args.train, args.skip_bad)?;
    let dev_set = read_data(&args.dev, args.skip_bad)?;
    let test_set = match &args.test {
        Some(p) => Some(read_data(p, args.skip_bad)?),
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
    opts.device = global.device;
    opts.base_dir = global.base.clone();
    opts.progress = !args.quiet && std::io::stderr().is_terminal();
    eprintln!(
        "training ({} mode) on {} quotes, dev {} quotes, up to {} epochs, batch {}, seed {}",
        args.tune.name(),
        train_set.len(),
        dev_set.len(),
        opts.epochs,
        opts.batch_size,
        opts.seed
    );
    let outcome = train(&train_set, &dev_set, &opts).context("training failed")?;
    let mut clf = outcome.classifier;
    let test_report = match &test_set {
        Some(set) => Some(evaluate(&clf, set, false)?),
        None => None,
    };
    let test_with_source = match &test_set {
        Some(set) if clf.reads_sources() => Some(evaluate(&clf, set, true)?),
        _ => None,
    };
    let config = clf.config_mut();
    let t = &mut config.training;
    t.insert("tune".into(), json!(args.tune.name()));
    t.insert("seed".into(), json!(opts.seed));
    t.insert("epochs_max".into(), json!(opts.epochs));
    t.insert("epochs_run".into(), json!(outcome.epochs.len()));
    t.insert("best_epoch".into(), json!(outcome.best_epoch));
    t.insert("lr".into(), json!(opts.lr));
    t.insert("head_lr".into(), json!(opts.head_lr));
    t.insert("batch_size".into(), json!(opts.batch_size));
    t.insert("warmup".into(), json!(opts.warmup));
    t.insert("weight_decay".into(), json!(opts.weight_decay));
    t.insert("clip_norm".into(), json!(opts.clip_norm));
    t.insert(
        "loss_weights".into(),
        json!({"speaker": opts.speaker_weight, "stance": opts.stance_weight}),
    );
    t.insert("class_weights".into(), json!(opts.class_weights));
    t.insert("source_rate".into(), json!(opts.source_rate));
    t.insert(
        "source_alone_weight".into(),
        json!(opts.source_alone_weight),
    );
    t.insert("patience".into(), json!(opts.patience));
    t.insert(
        "trained_parameters".into(),
        json!(outcome.trained_parameters),
    );
    t.insert("train_file".into(), json!(args.train.display().to_string()));
    t.insert("train_sha256".into(), json!(sha256_file(&args.train)?));
    t.insert("train_records".into(), json!(train_set.len()));
    t.insert("dev_file".into(), json!(args.dev.display().to_string()));
    t.insert("dev_sha256".into(), json!(sha256_file(&args.dev)?));
    t.insert("dev_records".into(), json!(dev_set.len()));
    t.insert(
        "seconds".into(),
        json!((outcome.seconds * 10.0).round() / 10.0),
    );
    t.insert("history".into(), json!(outcome.epochs));
    let m = &mut config.metrics;
    m.insert("dev".into(), metrics_json(&outcome.dev));
    m.insert(
        "dev_uncalibrated".into(),
        metrics_json(&outcome.dev_uncalibrated),
    );
    if let (Some(report), Some(path)) = (&test_report, &args.test) {
        let mut v = metrics_json(report);
        v["file"] = json!(path.display().to_string());
        v["sha256"] = json!(sha256_file(path)?);
        m.insert("test".into(), v);
    }
    if let Some(report) = &outcome.dev_with_source {
        m.insert("dev_with_source".into(), metrics_json(report));
    }
    if let (Some(report), Some(path)) = (&test_with_source, &args.test) {
        let mut v = metrics_json(report);
        v["file"] = json!(path.display().to_string());
        m.insert("test_with_source".into(), v);
    }
    clf.save(&args.out, args.force)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let d = &outcome.dev;
    let u = &outcome.dev_uncalibrated;
    println!(
        "trained {} parameters in {:.1} s; best epoch {} of {}",
        outcome.trained_parameters,
        outcome.seconds,
        outcome.best_epoch,
        outcome.epochs.len()
    );
    print_f1("dev macro-F1", d);
    println!(
        "calibration: temperature speaker {:.3}, stance {:.3}; dev ECE speaker {:.4} -> {:.4}, stance {:.4} -> {:.4}",
        clf.config().temperature.speaker,
        clf.config().temperature.stance,
        u.speaker.ece,
        d.speaker.ece,
        u.stance.ece,
        d.stance.ece
    );
    for (set, report) in [
        ("dev macro-F1 with sources", &outcome.dev_with_source),
        ("test macro-F1", &test_report),
        ("test macro-F1 with sources", &test_with_source),
    ] {
        if let Some(r) = report {
            print_f1(set, r);
        }
    }
    println!("wrote {}", args.out.display());
    Ok(EXIT_OK)
}
