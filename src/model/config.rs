//! The model directory's JSON config (`stance.json`), read once into serde
//! structs.

use crate::error::{Result, StanceError};
use crate::labels::{Head, PerHead};
pub use crate::labels::{Labels, Temperatures};
pub use crate::model::tuning::{Storage, TuneMode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// File name of the config inside a model directory.
pub const CONFIG_FILE: &str = "stance.json";
/// File name of the trained weights inside a model directory.
pub const WEIGHTS_FILE: &str = "weights.safetensors";
/// The int8 layers' input ranges (SmoothQuant), when measured
/// (`check-precision`, `train`): see [`crate::model::encoder::fast::ActRanges`].
pub const INT8_RANGES_FILE: &str = "int8_ranges.safetensors";
/// Version of the model-directory format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// How the sentence vector is pooled from the encoder's token states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// Mean over the real (unpadded) tokens.
    Mean,
    /// The hidden state of the first ([CLS]) token.
    Cls,
}

/// The base encoder a model directory was built on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaseInfo {
    /// Package and version the encoder comes from.
    pub name: String,
    /// sha256 of the base `model.safetensors`.
    pub sha256: String,
    /// sha256 of the base `tokenizer.json`.
    pub tokenizer_sha256: String,
    /// sha256 of the base `config.json` (absent in models made before it
    /// was recorded: the known base's is checked then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_sha256: Option<String>,
}

/// The contents of `stance.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelConfig {
    /// Format version of the directory.
    pub format: u32,
    /// The base encoder this model needs.
    pub base: BaseInfo,
    /// Label names in output order.
    pub labels: Labels,
    /// Longest input in tokens, [CLS] and [SEP] included; longer quotes are
    /// truncated and flagged.
    pub max_length: usize,
    /// Pooling of token states into one vector.
    pub pooling: Pooling,
    /// Dropout before the heads (training only).
    pub dropout: f64,
    /// Which weights were tuned and are stored in the weights file.
    pub tuning: TuneMode,
    /// Whether the model was trained to read a quote's attributed source
    /// (who the article says made it) as a second input segment. Quotes
    /// without a source are read alone either way.
    #[serde(default)]
    pub source_input: bool,
    /// Calibration temperatures.
    #[serde(default)]
    pub temperature: Temperatures,
    /// Weights of the source cues (see [`crate::cues`]), fitted on a dev
    /// set with sources; `None`: sources are read by the model alone.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub source_cues: Option<crate::cues::CueConfig>,
    /// sha256 of `weights.safetensors`.
    pub weights_sha256: String,
    /// A note on how the directory was made when it was not trained
    /// (`stance init`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How the model was trained: hyper-parameters, data files and hashes,
    /// the epochs run; `None` for an untrained directory.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub training: Option<Provenance>,
    /// Metrics measured on the dev (and test) data.
    #[serde(default)]
    pub metrics: Metrics,
}

/// Reads an optional section, taking one that does not parse (written by an
/// older version) as absent.
fn lenient<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// How a model was trained, filled by [`crate::train::train`] and saved in
/// `stance.json`. Fields are in name order, as they are written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    /// Quotes per step.
    pub batch_size: usize,
    /// The epoch whose weights were kept.
    pub best_epoch: usize,
    /// Lower encoder layers run once and cached (frozen whole), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_layers: Option<usize>,
    /// Whether classes were weighted by inverse frequency.
    pub class_weights: bool,
    /// Largest global gradient norm.
    pub clip_norm: f64,
    /// The dev file, as given.
    pub dev_file: String,
    /// Its records.
    pub dev_records: usize,
    /// Its sha256.
    pub dev_sha256: String,
    /// Most epochs.
    pub epochs_max: usize,
    /// Epochs run.
    pub epochs_run: usize,
    /// The gazetteer folder sources were drawn from, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer: Option<String>,
    /// Share of shown sources drawn from the gazetteer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer_rate: Option<f64>,
    /// sha256 of the gazetteer's three files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer_sha256: Option<String>,
    /// Peak learning rate of the heads.
    pub head_lr: f64,
    /// One entry per epoch run.
    pub history: Vec<EpochLog>,
    /// Weights of the two heads' losses.
    pub loss_weights: PerHead<f64>,
    /// Peak learning rate of the encoder's tuned weights.
    pub lr: f64,
    /// Epochs without dev improvement before stopping.
    pub patience: usize,
    /// Wall-clock seconds of training.
    pub seconds: f64,
    /// Seed of initialisation, shuffling and dropout.
    pub seed: u64,
    /// Weight of the speaker loss on sources read alone.
    pub source_alone_weight: f64,
    /// Share of training quotes shown with their source.
    pub source_rate: f64,
    /// The training file, as given.
    pub train_file: String,
    /// Its records.
    pub train_records: usize,
    /// Its sha256.
    pub train_sha256: String,
    /// Number of trained scalar parameters.
    pub trained_parameters: i64,
    /// The tuning mode.
    pub tune: TuneMode,
    /// Share of steps spent warming the learning rate up.
    pub warmup: f64,
    /// AdamW weight decay.
    pub weight_decay: f64,
}

/// What happened in one training epoch.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EpochLog {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Dev macro-F1 of the speaker head.
    pub dev_speaker_f1: f64,
    /// Dev macro-F1 of the stance head.
    pub dev_stance_f1: f64,
    /// Seconds the epoch took, dev evaluation included.
    pub seconds: f64,
}

/// One head's summary figures on one data set.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct HeadSummary {
    /// Share of quotes labeled right.
    pub accuracy: f64,
    /// Mean F1 over the classes.
    pub macro_f1: f64,
    /// Expected calibration error.
    pub ece: f64,
}

/// Summary figures of both heads on one data set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SetMetrics {
    /// Number of quotes.
    pub n: usize,
    /// Speaker head.
    pub speaker: HeadSummary,
    /// Stance head.
    pub stance: HeadSummary,
    /// The data file, when it came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Its sha256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The inference precision, when not f32 (`int8`, `bf16`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
}

impl SetMetrics {
    /// These figures, marked as measured at `precision` (f32 stays
    /// unmarked).
    pub fn measured_at(mut self, precision: crate::model::device::Precision) -> SetMetrics {
        self.precision = (precision != crate::model::device::Precision::F32)
            .then(|| precision.name().to_string());
        self
    }

    /// The figures of `head`.
    pub fn of(&self, head: Head) -> &HeadSummary {
        match head {
            Head::Speaker => &self.speaker,
            Head::Stance => &self.stance,
        }
    }
}

/// How well sources alone are attributed to the right kind of speaker.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct SourceMetrics {
    /// Number of sources.
    pub n: usize,
    /// Share read as the right kind.
    pub accuracy: f64,
    /// Share of government sources read as government.
    pub government: f64,
    /// Share of company sources read as company.
    pub company: f64,
    /// Share read as the right kind by the model alone, without source
    /// cues (present when cues were used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_alone: Option<f64>,
}

/// The metrics a model directory records.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Metrics {
    /// Dev set, calibrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<SetMetrics>,
    /// Dev set before calibration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_uncalibrated: Option<SetMetrics>,
    /// Dev set, quotes read with their sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_with_source: Option<SetMetrics>,
    /// Test set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<SetMetrics>,
    /// Test set, quotes read with their sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_with_source: Option<SetMetrics>,
    /// Held-out gazetteer names and titles read alone as sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer_held_out: Option<SourceMetrics>,
    /// Further sets, by name (e.g. other test sets or precisions).
    #[serde(flatten)]
    pub other: BTreeMap<String, SetMetrics>,
}

/// Names `metrics` uses for its own fields, which a recorded set may not take.
pub const RESERVED_METRICS: [&str; 6] = [
    "dev",
    "dev_uncalibrated",
    "dev_with_source",
    "test",
    "test_with_source",
    "gazetteer_held_out",
];

impl ModelConfig {
    /// Records `metrics` under `name` in the `stance.json` of `dir`,
    /// rewriting the file atomically (a temporary file renamed over it); the
    /// weights are not touched.
    pub fn record_metrics(dir: &Path, name: &str, metrics: SetMetrics) -> Result<()> {
        if RESERVED_METRICS.contains(&name) || name.is_empty() {
            return Err(StanceError::setting(
                "record",
                "a name other than dev, dev_uncalibrated, dev_with_source, test, test_with_source and gazetteer_held_out",
                name,
            ));
        }
        ModelConfig::update(dir, |config| {
            config.metrics.other.insert(name.to_string(), metrics);
        })
    }

    /// Reads `stance.json`, changes it with `change` and writes it back
    /// whole (a temporary file renamed over it: never half written).
    pub fn update(dir: &Path, change: impl FnOnce(&mut ModelConfig)) -> Result<()> {
        let mut config = ModelConfig::read(dir)?;
        change(&mut config);
        let path = dir.join(CONFIG_FILE);
        let text = serde_json::to_string_pretty(&config).map_err(|e| StanceError::BadJson {
            path: path.clone(),
            message: e.to_string(),
        })?;
        crate::io::atomic::write_atomic(&path, format!("{text}\n").as_bytes())
    }

    /// Reads `stance.json` from a model directory.
    pub fn read(dir: &Path) -> Result<ModelConfig> {
        let path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| StanceError::io(&path, e))?;
        let config: ModelConfig =
            serde_json::from_str(&text).map_err(|e| StanceError::BadJson {
                path: path.clone(),
                message: e.to_string(),
            })?;
        if config.format != FORMAT_VERSION {
            return Err(StanceError::BadJson {
                path,
                message: format!(
                    "format {} is not supported (this build reads format {FORMAT_VERSION})",
                    config.format
                ),
            });
        }
        for head in Head::ALL {
            let n = config.labels.of(head).len();
            if n < 2 {
                return Err(StanceError::BadJson {
                    path,
                    message: format!(
                        "labels.{} must name at least 2 labels, has {n}",
                        head.name()
                    ),
                });
            }
        }
        if config.max_length < 3 || config.max_length > 512 {
            return Err(StanceError::BadJson {
                path,
                message: format!(
                    "max_length must be within 3..=512, is {}",
                    config.max_length
                ),
            });
        }
        for head in Head::ALL {
            let t = *config.temperature.of(head);
            if !(t.is_finite() && t > 0.0) {
                return Err(StanceError::BadJson {
                    path,
                    message: format!("temperature.{} must be positive, is {t}", head.name()),
                });
            }
        }
        Ok(config)
    }
}
