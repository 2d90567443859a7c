//! `stance fit-cues`: fits a model's source-cue weights on labeled quotes
//! with sources and re-measures the figures they change.

use super::{GlobalArgs, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::eval::{evaluate, fit_source_cues};
use stance::model::config::ModelConfig;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `stance fit-cues`.
#[derive(Debug, Args)]
pub struct FitCuesArgs {
    /// Labeled dev quotes with a "source" field to fit the weights on
    #[arg(long)]
    pub data: PathBuf,
    /// A labeled test file to re-measure with sources (recorded as
    /// metrics.test_with_source)
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Re-measure the held-out names of this gazetteer folder (recorded as
    /// metrics.gazetteer_held_out)
    #[arg(long, value_name = "DIR")]
    pub gazetteer: Option<PathBuf>,
}

/// Runs `stance fit-cues`.
pub fn run(global: &GlobalArgs, args: FitCuesArgs) -> anyhow::Result<u8> {
    let mut clf = global.load_classifier()?;
    anyhow::ensure!(
        clf.reads_sources(),
        "the model in {} was trained without sources: it has no use for source cues",
        clf.dir().display()
    );
    let labels = clf.config().labels.clone();
    let dev = super::train::read_data(&args.data, &labels, false)?;
    let file = args.data.display().to_string();
    let cues = fit_source_cues(&mut clf, &dev.quotes, &file, &dev.sha256)?.with_context(|| {
        format!(
            "{file}: no quote has a \"source\" field, or the model's speakers are not government and company"
        )
    })?;
    clf.set_source_cues(Some(cues.clone()));
    let dev_report = evaluate(&clf, &dev.quotes, true)?;
    let test = match &args.test {
        Some(path) => {
            let t = super::train::read_data(path, &labels, false)?;
            let report = evaluate(&clf, &t.quotes, true)?;
            Some(report.summary(Some(path.display().to_string()), Some(t.sha256)))
        }
        None => None,
    };
    let gazetteer = match &args.gazetteer {
        Some(dir) => {
            let g = stance::gazetteer::Gazetteer::read(dir)?;
            Some(stance::train::gazetteer_accuracy(&clf, &g)?)
        }
        None => None,
    };
    let w = cues.weights;
    let mut out = std::io::stdout().lock();
    if global.json {
        let record = serde_json::json!({
            "source_cues": &cues,
            "dev_with_source": dev_report.summary(None, None),
            "test_with_source": &test,
            "gazetteer_held_out": &gazetteer,
        });
        writeln!(out, "{record}")?;
    } else {
        writeln!(
            out,
            "source-cue weights fitted on {file}: name {}, title {}, word {}, weak {}, reader {}",
            w.name, w.title, w.word, w.weak, w.reader
        )?;
        writeln!(
            out,
            "dev speaker macro-F1 with sources: {:.4} by the model alone, {:.4} with cues",
            cues.dev_speaker_f1[0], cues.dev_speaker_f1[1]
        )?;
        if let Some(t) = &test {
            writeln!(
                out,
                "test macro-F1 with sources and cues: speaker {:.4}, stance {:.4}",
                t.speaker.macro_f1, t.stance.macro_f1
            )?;
        }
        if let Some(g) = &gazetteer {
            writeln!(
                out,
                "held-out gazetteer sources read alone: {:.4} with cues, {:.4} by the model alone",
                g.accuracy,
                g.model_alone.unwrap_or(g.accuracy)
            )?;
        }
    }
    out.flush()?;
    ModelConfig::update(clf.dir(), |config| {
        config.source_cues = Some(cues);
        config.metrics.dev_with_source = Some(dev_report.summary(None, None));
        if test.is_some() {
            config.metrics.test_with_source = test;
        }
        if gazetteer.is_some() {
            config.metrics.gazetteer_held_out = gazetteer;
        }
    })
    .with_context(|| {
        format!(
            "cannot write the model's stance.json in {}",
            clf.dir().display()
        )
    })?;
    Ok(EXIT_OK)
}
