//! The model directory's JSON config (`stance.json`), read once into serde
//! structs.

use crate::error::{Result, StanceError};
use crate::labels::Head;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// File name of the config inside a model directory.
pub const CONFIG_FILE: &str = "stance.json";
/// File name of the trained weights inside a model directory.
pub const WEIGHTS_FILE: &str = "weights.safetensors";
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

/// Which weights training updates (and the model directory stores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TuneMode {
    /// Only the two heads; the encoder is the base model, unchanged.
    Heads,
    /// The heads plus every bias and LayerNorm of the encoder: ~130 KB.
    Light,
    /// Light plus the whole top encoder layer, stored as f16: ~3.6 MB.
    Top,
    /// Light plus the two top encoder layers, their matrices stored as int8
    /// deltas from the base encoder: ~3.7 MB.
    Top2,
    /// The heads and the whole encoder: a complete checkpoint (~90 MB).
    Full,
}

impl TuneMode {
    /// The mode's name.
    pub fn name(self) -> &'static str {
        match self {
            TuneMode::Heads => "heads",
            TuneMode::Light => "light",
            TuneMode::Top => "top",
            TuneMode::Top2 => "top2",
            TuneMode::Full => "full",
        }
    }

    /// The precision the weights of this mode are stored in.
    pub fn storage(self) -> Storage {
        match self {
            TuneMode::Top => Storage::F16,
            TuneMode::Top2 => Storage::Int8Delta,
            _ => Storage::F32,
        }
    }
}

/// Precision of the stored weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// 32-bit floats.
    F32,
    /// 16-bit floats; training rounds the tuned weights to f16 before
    /// calibration, so the stored model is exactly the evaluated one.
    F16,
    /// Tuned encoder matrices as int8 deltas from the base encoder, one f32
    /// scale per row; everything else as f32. Training rounds the matrices
    /// to what is stored before calibration, as for f16.
    Int8Delta,
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
}

/// Label names of each head, in output order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Labels {
    /// Speaker labels.
    pub speaker: Vec<String>,
    /// Stance labels.
    pub stance: Vec<String>,
}

impl Labels {
    /// The labels of `head`.
    pub fn of(&self, head: Head) -> &[String] {
        match head {
            Head::Speaker => &self.speaker,
            Head::Stance => &self.stance,
        }
    }
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            speaker: Head::Speaker.default_labels(),
            stance: Head::Stance.default_labels(),
        }
    }
}

/// One temperature per head, dividing the logits before softmax.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Temperatures {
    /// Speaker head temperature.
    pub speaker: f64,
    /// Stance head temperature.
    pub stance: f64,
}

impl Temperatures {
    /// The temperature of `head`.
    pub fn of(&self, head: Head) -> f64 {
        match head {
            Head::Speaker => self.speaker,
            Head::Stance => self.stance,
        }
    }
}

impl Default for Temperatures {
    fn default() -> Self {
        Temperatures {
            speaker: 1.0,
            stance: 1.0,
        }
    }
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
    /// sha256 of `weights.safetensors`.
    pub weights_sha256: String,
    /// How the model was made: seed, hyper-parameters, data hashes.
    #[serde(default)]
    pub training: BTreeMap<String, serde_json::Value>,
    /// Metrics measured on the dev (and test) data.
    #[serde(default)]
    pub metrics: BTreeMap<String, serde_json::Value>,
}

impl ModelConfig {
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
            let t = config.temperature.of(head);
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
