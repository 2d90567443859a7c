//! The one place that names which variables each tuning mode trains and a
//! model directory stores, how they are grouped for the optimizer, and in
//! what precision they are stored.

use serde::{Deserialize, Serialize};

/// Which weights training updates (and the model directory stores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
    /// The top encoder layer whole and the heads; every layer below is
    /// frozen whole (no biases or LayerNorms tuned), so training runs the
    /// lower layers once and caches their output. Its matrices are stored as
    /// int4 deltas from the base encoder. The mode for large encoders
    /// (MPNet: ~4 MB).
    Upper,
    /// As [`TuneMode::Upper`] with the two top encoder layers whole
    /// (MPNet: ~8 MB).
    Upper2,
    /// The heads and the whole encoder: a complete checkpoint (~90 MB).
    Full,
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
    /// As [`Storage::Int8Delta`] with 4-bit codes and one f32 scale per 64
    /// columns of a row (a matrix whose columns do not split so is kept as
    /// int8): half the size.
    Int4Delta,
}

impl Storage {
    /// The bits of the deltas this storage keeps, if it keeps deltas.
    pub fn delta_bits(self) -> Option<crate::model::weights::DeltaBits> {
        use crate::model::weights::DeltaBits;
        match self {
            Storage::Int8Delta => Some(DeltaBits::Eight),
            Storage::Int4Delta => Some(DeltaBits::Four),
            Storage::F32 | Storage::F16 => None,
        }
    }
}

/// The optimizer group of a tuned variable: each has its own learning rate
/// and weight decay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The classification heads.
    Heads = 0,
    /// Weight matrices of the encoder (weight-decayed).
    Matrices = 1,
    /// Biases and LayerNorms of the encoder (not decayed).
    Norms = 2,
}

/// Prefixes of the two heads' variables.
const HEAD_PREFIXES: [&str; 2] = ["speaker_head.", "stance_head."];

/// Whether `name` is a variable of a classification head.
pub fn is_head(name: &str) -> bool {
    HEAD_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Whether `name` is a bias or LayerNorm parameter.
fn is_norm_or_bias(name: &str) -> bool {
    name.ends_with(".bias") || name.contains("LayerNorm")
}

/// Whether variable `name` is a weight matrix of the encoder's layers (not a
/// bias, LayerNorm, embedding or head): the tensors int8-delta storage keeps
/// as deltas.
pub fn is_encoder_matrix(name: &str) -> bool {
    name.starts_with("encoder.") && name.ends_with(".weight") && !name.contains("LayerNorm")
}

/// The optimizer group of variable `name`.
pub fn group(name: &str) -> Group {
    if is_head(name) {
        Group::Heads
    } else if is_norm_or_bias(name) {
        Group::Norms
    } else {
        Group::Matrices
    }
}

impl TuneMode {
    /// The mode's name.
    pub fn name(self) -> &'static str {
        match self {
            TuneMode::Heads => "heads",
            TuneMode::Light => "light",
            TuneMode::Top => "top",
            TuneMode::Top2 => "top2",
            TuneMode::Upper => "upper",
            TuneMode::Upper2 => "upper2",
            TuneMode::Full => "full",
        }
    }

    /// The precision the weights of this mode are stored in.
    pub fn storage(self) -> Storage {
        match self {
            TuneMode::Top => Storage::F16,
            TuneMode::Top2 => Storage::Int8Delta,
            TuneMode::Upper | TuneMode::Upper2 => Storage::Int4Delta,
            _ => Storage::F32,
        }
    }

    /// How many of the encoder's top layers this mode tunes whole.
    fn top_layers(self) -> usize {
        match self {
            TuneMode::Top | TuneMode::Upper => 1,
            TuneMode::Top2 | TuneMode::Upper2 => 2,
            _ => 0,
        }
    }

    /// Whether the model directory holds the whole encoder (so the base
    /// encoder's weights are not read).
    pub fn stores_encoder(self) -> bool {
        self == TuneMode::Full
    }

    /// Whether variable `name` of an encoder with `layers` layers is trained
    /// (and stored) in this mode.
    pub fn tunes(self, name: &str, layers: usize) -> bool {
        let light = is_head(name) || is_norm_or_bias(name);
        match self {
            TuneMode::Heads => is_head(name),
            TuneMode::Light => light,
            TuneMode::Top | TuneMode::Top2 => {
                light
                    || (layers.saturating_sub(self.top_layers())..layers)
                        .any(|i| name.starts_with(&format!("encoder.layer.{i}.")))
            }
            TuneMode::Upper | TuneMode::Upper2 => {
                is_head(name)
                    || (layers.saturating_sub(self.top_layers())..layers)
                        .any(|i| name.starts_with(&format!("encoder.layer.{i}.")))
            }
            TuneMode::Full => true,
        }
    }

    /// How many lower encoder layers this mode leaves frozen whole, so that
    /// training may run them once and cache their output: all of them for
    /// `heads`, all but the top one for `upper`; `None` when every layer
    /// has tuned weights.
    pub fn frozen_below(self, layers: usize) -> Option<usize> {
        match self {
            TuneMode::Heads => Some(layers),
            TuneMode::Upper | TuneMode::Upper2 => Some(layers.saturating_sub(self.top_layers())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_names_its_variables() {
        let names = [
            "speaker_head.weight",
            "encoder.layer.0.attention.self.query.bias",
            "encoder.layer.0.output.LayerNorm.weight",
            "encoder.layer.4.intermediate.dense.weight",
            "encoder.layer.5.attention.self.key.weight",
            "embeddings.word_embeddings.weight",
        ];
        let tuned =
            |mode: TuneMode| -> Vec<bool> { names.iter().map(|n| mode.tunes(n, 6)).collect() };
        assert_eq!(
            tuned(TuneMode::Heads),
            [true, false, false, false, false, false]
        );
        assert_eq!(
            tuned(TuneMode::Light),
            [true, true, true, false, false, false]
        );
        assert_eq!(tuned(TuneMode::Top), [true, true, true, false, true, false]);
        assert_eq!(tuned(TuneMode::Top2), [true, true, true, true, true, false]);
        assert_eq!(
            tuned(TuneMode::Upper),
            [true, false, false, false, true, false]
        );
        assert_eq!(tuned(TuneMode::Full), [true; 6]);
        assert_eq!(TuneMode::Upper.frozen_below(12), Some(11));
        assert_eq!(TuneMode::Upper2.frozen_below(12), Some(10));
        assert!(TuneMode::Upper2.tunes("encoder.layer.10.attention.attn.q.weight", 12));
        assert!(!TuneMode::Upper2.tunes("encoder.layer.9.attention.attn.q.bias", 12));
        assert_eq!(TuneMode::Upper2.storage(), Storage::Int4Delta);
        assert_eq!(TuneMode::Heads.frozen_below(6), Some(6));
        assert_eq!(TuneMode::Top2.frozen_below(6), None);
        assert_eq!(group(names[0]), Group::Heads);
        assert_eq!(group(names[1]), Group::Norms);
        assert_eq!(group(names[3]), Group::Matrices);
        assert!(is_encoder_matrix(names[3]) && !is_encoder_matrix(names[2]));
    }
}
