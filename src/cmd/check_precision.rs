//! `stance check-precision`: how much accuracy each reduced precision costs
//! a model, recorded where `--precision auto` reads it.

use super::{GlobalArgs, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::io::labeled::Dataset;
use stance::model::config::ModelConfig;
use stance::model::device::Precision;
use stance::model::precision::{candidates, check, choose, record_name, CpuFeatures};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `stance check-precision`.
#[derive(Debug, Args)]
pub struct CheckPrecisionArgs {
    /// Labeled quotes (JSONL with text, speaker, stance); several files are
    /// read as one. A thousand quotes or so: on fewer, one quote moves
    /// macro-F1 by more than the 0.5 point the check allows
    #[arg(long, required = true, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// Skip bad lines (reported) instead of refusing a file
    #[arg(long)]
    pub skip_bad: bool,
}

/// Runs `stance check-precision`.
pub fn run(global: &GlobalArgs, args: CheckPrecisionArgs) -> anyhow::Result<u8> {
    let dir = global.model_dir();
    let labels = ModelConfig::read(&dir)
        .with_context(|| format!("cannot read the model in {}", dir.display()))?
        .labels;
    let sets = args
        .data
        .iter()
        .map(|p| super::train::read_data(p, &labels, args.skip_bad))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // int8's input ranges are measured on the first file's quotes.
    let calibration: Vec<String> = sets
        .first()
        .map(|d| d.quotes.iter().map(|q| q.text.clone()).collect())
        .unwrap_or_default();
    let data = super::train::joined(sets)?;
    check_and_record(global, &dir, &data, &calibration, false)?;
    Ok(EXIT_OK)
}

/// One precision's line of the report.
#[derive(serde::Serialize)]
struct Row {
    precision: &'static str,
    speaker_macro_f1: f64,
    stance_macro_f1: f64,
    /// f32's macro-F1 minus this one's, in points (absent for f32).
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker_loss_points: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stance_loss_points: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passes: Option<bool>,
}

/// Scores `data` with the model in `dir` in f32 and in each reduced
/// precision this machine runs natively, records each as
/// `metrics.check_<precision>` (dropping older checks made on other
/// quotes), and reports the losses and what `--precision auto` now picks
/// here. Before int8 is checked, its input ranges are measured on
/// `calibration` and stored in `dir` (see
/// [`stance::Classifier::measure_int8_ranges`]). `brief` (after training)
/// prints one line per precision on stderr instead of the report on
/// stdout.
pub fn check_and_record(
    global: &GlobalArgs,
    dir: &Path,
    data: &Dataset,
    calibration: &[String],
    brief: bool,
) -> anyhow::Result<()> {
    global.set_threads()?;
    let options = stance::LoadOptions {
        base_dir: global.base.clone(),
        device: global.device,
        limits: None,
        fast_only: true,
        no_source_cues: global.no_source_cues,
    };
    let mut clf = stance::Classifier::load(dir, &options)
        .with_context(|| format!("cannot load the model in {}", dir.display()))?;
    let gpu = clf.device() != tch::Device::Cpu;
    let cpu = CpuFeatures::this_machine();
    if candidates(cpu, gpu, true).contains(&Precision::Int8) {
        clf.measure_int8_ranges(calibration, dir)
            .with_context(|| format!("measuring int8's input ranges in {}", dir.display()))?;
    }
    let int8_allowed = !gpu;
    let mut measured = Vec::new();
    for precision in std::iter::once(Precision::F32).chain(candidates(cpu, gpu, int8_allowed)) {
        clf.set_precision(precision)?;
        let report = stance::eval::evaluate(&clf, &data.quotes, false)
            .with_context(|| format!("scoring in {}", precision.name()))?;
        let summary = report
            .summary(
                Some(data.path.display().to_string()),
                Some(data.sha256.clone()),
            )
            .measured_at(precision);
        measured.push((precision, summary));
    }
    ModelConfig::update(dir, |config| {
        // Checks made on other quotes no longer compare with these.
        config.metrics.other.retain(|name, m| {
            !name.starts_with("check_") || m.sha256.as_deref() == Some(data.sha256.as_str())
        });
        for (precision, summary) in &measured {
            config
                .metrics
                .other
                .insert(record_name(*precision), summary.clone());
        }
    })
    .with_context(|| format!("recording the checks in {}", dir.display()))?;
    let config = ModelConfig::read(dir)?;
    let rows: Vec<Row> = measured
        .iter()
        .map(|(precision, m)| {
            let c = check(&config.metrics, *precision);
            Row {
                precision: precision.name(),
                speaker_macro_f1: m.speaker.macro_f1,
                stance_macro_f1: m.stance.macro_f1,
                speaker_loss_points: c.map(|c| 100.0 * c.speaker_loss),
                stance_loss_points: c.map(|c| 100.0 * c.stance_loss),
                passes: c.map(|c| c.passes()),
            }
        })
        .collect();
    let auto = choose(&config.metrics, cpu, gpu, int8_allowed);
    if brief {
        for r in rows.iter().filter(|r| r.passes.is_some()) {
            eprintln!(
                "precision check {}: macro-F1 speaker {:.4}, stance {:.4} ({:.2} / {:.2} point(s) below f32 on {} quotes): {}",
                r.precision,
                r.speaker_macro_f1,
                r.stance_macro_f1,
                r.speaker_loss_points.unwrap_or(0.0),
                r.stance_loss_points.unwrap_or(0.0),
                data.quotes.len(),
                if r.passes == Some(true) { "passes" } else { "fails" }
            );
        }
        eprintln!(
            "batch (--precision auto) runs this model at {} here",
            auto.name()
        );
        return Ok(());
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if global.json {
        let record = serde_json::json!({
            "model": dir.display().to_string(),
            "data": data.path.display().to_string(),
            "n": data.quotes.len(),
            "precisions": rows,
            "auto": auto.name(),
        });
        writeln!(out, "{record}")?;
    } else {
        writeln!(
            out,
            "{} quotes from {}, model {}",
            data.quotes.len(),
            data.path.display(),
            dir.display()
        )?;
        writeln!(
            out,
            "  precision  speaker F1  stance F1  points below f32 (speaker / stance)"
        )?;
        for r in &rows {
            let loss = match (r.speaker_loss_points, r.stance_loss_points, r.passes) {
                (Some(a), Some(b), Some(p)) => format!(
                    "{a:.2} / {b:.2}  {}",
                    if p { "passes" } else { "fails (over 0.5)" }
                ),
                _ => "(reference)".to_string(),
            };
            writeln!(
                out,
                "  {:<9}  {:>10.4}  {:>9.4}  {loss}",
                r.precision, r.speaker_macro_f1, r.stance_macro_f1
            )?;
        }
        writeln!(
            out,
            "recorded as metrics.check_* in {}; batch (--precision auto) runs this model at {} here",
            dir.join("stance.json").display(),
            auto.name()
        )?;
    }
    out.flush()?;
    Ok(())
}
