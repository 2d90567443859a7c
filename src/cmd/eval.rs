//! `stance eval`: metrics of the model on labeled quotes.

use super::{GlobalArgs, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::eval::evaluate;
use stance::output::records::EvalRecord;
use std::path::PathBuf;

/// Arguments of `stance eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labeled quotes (JSONL with text, speaker, stance)
    #[arg(long)]
    pub data: PathBuf,
    /// Skip bad lines (reported) instead of refusing the file
    #[arg(long)]
    pub skip_bad: bool,
    /// Read each quote with its "source" field (who the article says made
    /// it), as `stance extract` does; needs a model trained with sources
    #[arg(long)]
    pub with_source: bool,
    /// Also record the figures in the model's stance.json under
    /// metrics.NAME (e.g. old_test), with the file, its sha256 and the
    /// precision; test_int8 or test_bf16, measured on the model's test
    /// file, is the accuracy check `--precision auto` reads
    #[arg(long, value_name = "NAME")]
    pub record: Option<String>,
    /// Also read the held-out names and titles of this gazetteer folder
    /// (e.g. data/gazetteer) alone as sources and report the share read as
    /// the right kind of speaker
    #[arg(long, value_name = "DIR")]
    pub gazetteer: Option<PathBuf>,
}

/// Runs `stance eval`.
pub fn run(global: &GlobalArgs, args: EvalArgs) -> anyhow::Result<u8> {
    let clf = global.load_classifier()?;
    // The data is read against the loaded model's label names.
    let data = super::train::read_data(&args.data, &clf.config().labels, args.skip_bad)?;
    let quotes = &data.quotes;
    if args.with_source && !clf.reads_sources() {
        anyhow::bail!(
            "--with-source: the model in {} was trained without sources and reads quotes alone \
             (retrain it with `stance train` on data that has a \"source\" field)",
            clf.dir().display()
        );
    }
    let with_source = quotes.iter().filter(|q| q.source.is_some()).count();
    if args.with_source && with_source == 0 {
        anyhow::bail!(
            "--with-source: no record of {} has a \"source\" field",
            args.data.display()
        );
    }
    let report = evaluate(&clf, quotes, args.with_source).context("evaluation failed")?;
    let mut printer = global.printer();
    printer.eval(&EvalRecord {
        report: &report,
        data: args.data.display().to_string(),
        model: clf.dir().display().to_string(),
        precision: clf.precision().name(),
        with_source: if args.with_source { with_source } else { 0 },
    })?;
    if let Some(dir) = &args.gazetteer {
        let g = stance::gazetteer::Gazetteer::read(dir)?;
        let m = stance::train::gazetteer_accuracy(&clf, &g)
            .context("reading the gazetteer's sources")?;
        printer.sources(&m)?;
    }
    printer.flush()?;
    if let Some(name) = &args.record {
        let summary = report
            .summary(
                Some(args.data.display().to_string()),
                Some(data.sha256.clone()),
            )
            .measured_at(clf.precision());
        stance::model::config::ModelConfig::record_metrics(clf.dir(), name, summary)
            .with_context(|| format!("--record {name}"))?;
    }
    Ok(EXIT_OK)
}
