//! The network: an encoder ([`encoder`]), pooling and two heads ([`heads`])
//! in one `VarStore`, with what it is built from and saved to: the base
//! encoder folder ([`base`]), the model directory ([`dir`], [`config`],
//! [`weights`]), the tuning modes ([`tuning`]), devices and precision
//! ([`device`]). Batching lives in [`crate::batch`]; the classifier that
//! puts tokenizer, batching and network together in [`crate::classifier`].

pub mod base;
pub mod config;
pub mod device;
pub mod dir;
pub mod encoder;
pub mod heads;
pub mod precision;
pub mod tuning;
pub mod weights;

pub use dir::{init_model_dir, save_model_dir};

use crate::error::{Result, StanceError};
use crate::labels::PerHead;
use config::ModelConfig;
use encoder::{Encoder, EncoderConfig};
use heads::Heads;
use std::collections::BTreeMap;
use std::path::Path;
use tch::{nn, Device, Tensor};
use tuning::TuneMode;

/// libtorch's random generator is global to the process. Building a network
/// draws from it (initial weights) and so does training (dropout): whoever
/// does either holds this lock, so that a training run's seed alone fixes
/// its weights even while other threads load models.
pub static TORCH_RNG: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Takes [`TORCH_RNG`], whatever an earlier holder did.
pub fn lock_rng() -> std::sync::MutexGuard<'static, ()> {
    TORCH_RNG
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The network: encoder, pooling, dropout, two heads, in one VarStore.
pub struct StanceNet {
    /// All variables (encoder and heads).
    pub vs: nn::VarStore,
    /// The trainable encoder; `None` in a network built for inference only
    /// (see [`StanceNet::for_inference`]), which scores through a fast
    /// encoder ([`StanceNet::fast_encoder`]).
    encoder: Option<Box<dyn Encoder>>,
    heads: Heads,
    /// The encoder's architecture.
    encoder_config: EncoderConfig,
    /// The deltas of the tuned encoder matrices from the base encoder, by
    /// variable name, for models stored as deltas
    /// ([`tuning::Storage::delta_bits`]).
    deltas: BTreeMap<String, weights::Delta>,
}

impl StanceNet {
    fn with_heads(
        vs: nn::VarStore,
        encoder: Option<Box<dyn Encoder>>,
        encoder_config: &EncoderConfig,
        config: &ModelConfig,
    ) -> StanceNet {
        let heads = Heads::new(
            &vs.root(),
            encoder_config.hidden_size,
            &config.labels,
            config.pooling,
            config.dropout,
        );
        StanceNet {
            vs,
            encoder,
            heads,
            encoder_config: encoder_config.clone(),
            deltas: BTreeMap::new(),
        }
    }

    /// Builds the network for inference only: the encoder's variables are
    /// created straight from the safetensors file `encoder_weights` (no
    /// random initialisation to overwrite, which is most of a model load),
    /// and no trainable encoder is built. Returns the network and the
    /// variable names created.
    pub fn for_inference(
        device: Device,
        encoder_config: &EncoderConfig,
        config: &ModelConfig,
        encoder_weights: &Path,
    ) -> Result<(StanceNet, Vec<String>)> {
        let vs = nn::VarStore::new(device);
        let (prefixes, unused) = encoder::weight_names(encoder_config);
        let names = weights::create_from(&vs, encoder_weights, prefixes, unused)?;
        let net = StanceNet::with_heads(vs, None, encoder_config, config);
        Ok((net, names))
    }

    /// Builds the trainable network a model config describes (labels,
    /// pooling, dropout) on the base encoder's architecture, freshly
    /// initialised.
    pub fn for_config(
        device: Device,
        encoder_config: &EncoderConfig,
        config: &ModelConfig,
    ) -> Result<StanceNet> {
        let vs = nn::VarStore::new(device);
        let encoder = encoder::trainable(&vs.root(), encoder_config)?;
        Ok(StanceNet::with_heads(
            vs,
            Some(encoder),
            encoder_config,
            config,
        ))
    }

    /// The encoder's architecture.
    pub fn encoder_config(&self) -> &EncoderConfig {
        &self.encoder_config
    }

    /// A fast inference encoder over this network's current variables (see
    /// [`encoder::fast`]); build it again after changing their precision.
    /// `ranges` smooth the int8 layers' outlier input channels.
    pub fn fast_encoder(
        &self,
        int8: bool,
        ranges: Option<&encoder::fast::ActRanges>,
    ) -> Result<Box<dyn Encoder>> {
        encoder::fast(&self.vs.variables(), &self.encoder_config, int8, ranges)
    }

    /// The trainable encoder, unless the network was built for inference
    /// only.
    pub fn encoder(&self) -> Option<&dyn Encoder> {
        self.encoder.as_deref()
    }

    /// The trainable encoder's last hidden states, `[batch, len, hidden]`.
    pub fn hidden_states(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        match &self.encoder {
            Some(encoder) => encoder.hidden_states(ids, mask, train),
            None => Err(StanceError::InferenceOnly),
        }
    }

    /// Pooled sentence vectors, shape `[batch, hidden]`.
    ///
    /// # Arguments
    /// * `ids` - token ids `[batch, len]`, padded
    /// * `mask` - attention mask `[batch, len]`, 1 for real tokens, 0 for padding
    /// * `train` - dropout on
    pub fn pooled(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        let hidden = self.hidden_states(ids, mask, train)?;
        Ok(self.pool(&hidden, mask))
    }

    /// Pools hidden states `[batch, len, hidden]` into `[batch, hidden]`
    /// over the real tokens of `mask`.
    pub fn pool(&self, hidden: &Tensor, mask: &Tensor) -> Tensor {
        self.heads.pool(hidden, mask)
    }

    /// Logits of both heads from pooled vectors.
    pub fn heads(&self, pooled: &Tensor, train: bool) -> PerHead<Tensor> {
        self.heads.logits(pooled, train)
    }

    /// Logits of both heads for a batch (see [`StanceNet::pooled`]).
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<PerHead<Tensor>> {
        let pooled = self.pooled(ids, mask, train)?;
        Ok(self.heads(&pooled, train))
    }

    /// Logits of both heads from the states after the first `k` encoder
    /// layers (see [`Encoder::lower_states`]), running the layers above.
    pub fn forward_from(
        &self,
        states: &Tensor,
        mask: &Tensor,
        k: usize,
        train: bool,
    ) -> Result<PerHead<Tensor>> {
        let encoder = self.encoder.as_ref().ok_or(StanceError::InferenceOnly)?;
        let hidden = encoder.upper_states(states, mask, k, train)?;
        let pooled = self.pool(&hidden, mask);
        Ok(self.heads(&pooled, train))
    }

    /// Whether variable `name` is trained (and stored) in `mode`.
    pub fn is_tuned(&self, name: &str, mode: TuneMode) -> bool {
        mode.tunes(name, self.encoder_config.layers())
    }

    /// The variables a tuning mode trains and a model directory stores,
    /// sorted by name.
    pub fn tuned_variables(&self, mode: TuneMode) -> Vec<(String, Tensor)> {
        let mut vars: Vec<(String, Tensor)> = self
            .vs
            .variables()
            .into_iter()
            .filter(|(name, _)| self.is_tuned(name, mode))
            .collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        vars
    }

    /// The deltas of the tuned matrices, by variable name.
    pub fn deltas(&self) -> &BTreeMap<String, weights::Delta> {
        &self.deltas
    }

    /// Rounds every tuned matrix of `mode` to what delta storage with `bits`
    /// keeps: `base` holds the matrices' values before training (by name);
    /// each tuned matrix becomes base + its quantized delta, and the delta
    /// is kept for saving.
    pub fn round_to_deltas(
        &mut self,
        mode: TuneMode,
        bits: weights::DeltaBits,
        base: &BTreeMap<String, Tensor>,
    ) -> Result<()> {
        for (name, var) in self.tuned_variables(mode) {
            if !tuning::is_encoder_matrix(&name) {
                continue;
            }
            let Some(base) = base.get(&name) else {
                return Err(StanceError::Delta {
                    name,
                    why: "no base value to take its delta from",
                });
            };
            let delta = weights::Delta::quantize(&(&var - base), bits);
            tch::no_grad(|| var.shallow_clone().f_copy_(&delta.apply(base)))?;
            self.deltas.insert(name, delta);
        }
        Ok(())
    }
}
