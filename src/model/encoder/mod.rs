//! Encoders: the [`Encoder`] trait that turns token ids into hidden states,
//! and one module per implementation. An architecture has a trainable
//! implementation (variables in a `VarStore`, dropout in training) and a fast
//! inference one built from the same variables; adding an architecture is
//! one more file here and one more [`Architecture`] variant.

pub mod bert;
pub mod fast;
pub mod mpnet;

use crate::error::{Result, StanceError};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tch::{nn, Tensor};

/// Turns padded token ids into contextual hidden states.
pub trait Encoder {
    /// Last hidden states `[batch, len, hidden]`.
    ///
    /// # Arguments
    /// * `ids` - token ids `[batch, len]`, padded
    /// * `mask` - attention mask `[batch, len]`, 1 for real tokens, 0 for padding;
    ///   padding must not change the states of real tokens
    /// * `train` - dropout on (only trainable encoders accept it)
    fn hidden_states(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor>;

    /// Whether [`Encoder::lower_states`] and [`Encoder::upper_states`] are
    /// implemented.
    fn splits(&self) -> bool {
        false
    }

    /// The states after the embeddings and the first `k` layers, without
    /// gradients: what training caches when only the layers above `k` are
    /// tuned. Implementations that cannot split return an error.
    fn lower_states(&self, _ids: &Tensor, _mask: &Tensor, _k: usize) -> Result<Tensor> {
        Err(StanceError::Run(
            "this encoder cannot be split between layers",
        ))
    }

    /// Runs the layers from `k` on over `states` from
    /// [`Encoder::lower_states`]: `lower_states` then `upper_states` equals
    /// [`Encoder::hidden_states`].
    fn upper_states(
        &self,
        _states: &Tensor,
        _mask: &Tensor,
        _k: usize,
        _train: bool,
    ) -> Result<Tensor> {
        Err(StanceError::Run(
            "this encoder cannot be split between layers",
        ))
    }
}

/// The encoder architectures `stance` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Architecture {
    /// BERT (MiniLM and friends): rust-bert for training, [`fast`] for
    /// inference.
    #[default]
    Bert,
    /// MPNet (`all-mpnet-base-v2`): [`mpnet`] for training, [`fast`] for
    /// inference.
    Mpnet,
}

/// The parts of a base encoder's `config.json` (Hugging Face keys) that
/// `stance` reads itself; the whole file is kept for the implementation.
#[derive(Debug, Clone, Deserialize)]
pub struct EncoderConfig {
    /// `model_type` (e.g. `bert`); absent means BERT.
    #[serde(default)]
    pub model_type: Option<String>,
    /// Width of the hidden states.
    pub hidden_size: i64,
    /// Number of layers.
    pub num_hidden_layers: i64,
    /// Attention heads per layer.
    pub num_attention_heads: i64,
    /// The architecture `model_type` names, resolved when the file is read.
    #[serde(skip)]
    pub architecture: Architecture,
    /// The whole `config.json`.
    #[serde(skip)]
    pub raw: serde_json::Value,
    /// Where it was read from, for messages.
    #[serde(skip)]
    pub path: PathBuf,
}

impl EncoderConfig {
    /// Reads `config.json`; errors name the file and the key.
    pub fn read(path: &Path) -> Result<EncoderConfig> {
        let text = std::fs::read_to_string(path).map_err(|e| StanceError::io(path, e))?;
        let bad = |e: serde_json::Error| StanceError::BadJson {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let raw: serde_json::Value = serde_json::from_str(&text).map_err(bad)?;
        let mut config: EncoderConfig = serde_json::from_value(raw.clone()).map_err(bad)?;
        config.architecture = match config.model_type.as_deref() {
            None | Some("bert") => Architecture::Bert,
            Some("mpnet") => Architecture::Mpnet,
            Some(other) => {
                return Err(StanceError::BadJson {
                    path: path.to_path_buf(),
                    message: format!(
                        "model_type \"{other}\" is not an architecture stance runs (bert, mpnet)"
                    ),
                })
            }
        };
        config.raw = raw;
        config.path = path.to_path_buf();
        Ok(config)
    }

    /// Number of layers as a count.
    pub fn layers(&self) -> usize {
        usize::try_from(self.num_hidden_layers).unwrap_or(0)
    }
}

/// Builds the trainable encoder of `config`'s architecture under `root`,
/// with freshly initialised variables (load weights into them afterwards).
pub fn trainable(root: &nn::Path, config: &EncoderConfig) -> Result<Box<dyn Encoder>> {
    match config.architecture {
        Architecture::Bert => Ok(Box::new(bert::BertEncoder::new(root, config)?)),
        Architecture::Mpnet => Ok(Box::new(mpnet::MpnetEncoder::new(root, config)?)),
    }
}

/// Builds the fast inference encoder of `config`'s architecture from the
/// variables `vars` (Hugging Face names); with `int8`, its linear layers run
/// in int8 (CPU only).
///
/// `ranges`: the int8 layers' input ranges, to smooth outlier channels by
/// (see [`fast::ActRanges`]).
pub fn fast(
    vars: &HashMap<String, Tensor>,
    config: &EncoderConfig,
    int8: bool,
    ranges: Option<&fast::ActRanges>,
) -> Result<Box<dyn Encoder>> {
    Ok(Box::new(fast::FastEncoder::new(
        vars, config, int8, ranges,
    )?))
}

/// Measures the input ranges of every linear layer of the f32 fast path
/// over `batches` (ids and mask each), for int8 smoothing.
pub fn activation_ranges(
    vars: &HashMap<String, Tensor>,
    config: &EncoderConfig,
    batches: impl IntoIterator<Item = (Tensor, Tensor)>,
) -> Result<fast::ActRanges> {
    let encoder = fast::FastEncoder::new(vars, config, false, None)?;
    let mut slots = Vec::new();
    for (ids, mask) in batches {
        encoder.record_ranges(&ids, &mask, &mut slots);
    }
    let layers = slots
        .into_iter()
        .map(|[a, b, c, d]| Some([a?, b?, c?, d?]))
        .collect::<Option<Vec<_>>>()
        .filter(|layers| !layers.is_empty())
        .ok_or_else(|| StanceError::Int8Ranges("no quotes to measure them on".into()))?;
    Ok(fast::ActRanges { layers })
}

/// Prefixes of the variables an encoder of `config`'s architecture reads
/// from a weights file, and the tensors of the file it does not use.
pub fn weight_names(config: &EncoderConfig) -> (&'static [&'static str], &'static [&'static str]) {
    match config.architecture {
        Architecture::Bert | Architecture::Mpnet => (
            &["embeddings.", "encoder."],
            &["embeddings.position_ids", "pooler."],
        ),
    }
}
