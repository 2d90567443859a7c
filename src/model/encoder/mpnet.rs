//! MPNet (`all-mpnet-base-v2`), written in tch since rust-bert has none:
//! BERT-style post-LayerNorm layers, no token-type embeddings, position ids
//! that start at the padding index plus one, and one T5-style bidirectional
//! bucketed relative-position bias (`encoder.relative_attention_bias`)
//! computed once per batch and added to every layer's attention scores.
//! This is the trainable encoder (dropout in training); the fast inference
//! path ([`super::fast`]) runs the same computation from the same variables.

use super::{Encoder, EncoderConfig};
use crate::error::{Result, StanceError};
use serde::Deserialize;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The keys of an MPNet `config.json` this implementation reads.
#[derive(Debug, Clone, Deserialize)]
pub struct MpnetConfig {
    /// Width of the hidden states.
    pub hidden_size: i64,
    /// Number of layers.
    pub num_hidden_layers: i64,
    /// Attention heads per layer.
    pub num_attention_heads: i64,
    /// Width of the feed-forward layer.
    pub intermediate_size: i64,
    /// Vocabulary size.
    pub vocab_size: i64,
    /// Rows of the position embedding table.
    pub max_position_embeddings: i64,
    /// LayerNorm epsilon.
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    /// Dropout on hidden states in training.
    #[serde(default = "default_dropout")]
    pub hidden_dropout_prob: f64,
    /// Dropout on attention weights in training.
    #[serde(default = "default_dropout")]
    pub attention_probs_dropout_prob: f64,
    /// The padding token's id (position ids start one above it).
    #[serde(default = "default_pad")]
    pub pad_token_id: i64,
    /// Buckets of the relative-position bias.
    #[serde(default = "default_buckets")]
    pub relative_attention_num_buckets: i64,
    /// Activation of the feed-forward layer (only `gelu` is supported).
    #[serde(default = "default_act")]
    pub hidden_act: String,
}

fn default_eps() -> f64 {
    1e-5
}
fn default_dropout() -> f64 {
    0.1
}
fn default_pad() -> i64 {
    1
}
fn default_buckets() -> i64 {
    32
}
fn default_act() -> String {
    "gelu".into()
}

/// Relative distances at or beyond this share the last bucket.
const MAX_DISTANCE: f64 = 128.0;

impl MpnetConfig {
    /// Reads the MPNet keys of a base encoder's config.
    pub fn from_encoder(config: &EncoderConfig) -> Result<MpnetConfig> {
        let cfg: MpnetConfig =
            serde_json::from_value(config.raw.clone()).map_err(|e| StanceError::BadJson {
                path: config.path.clone(),
                message: format!("not an MPNet config: {e}"),
            })?;
        if cfg.hidden_act != "gelu" {
            return Err(StanceError::BadJson {
                path: config.path.clone(),
                message: format!(
                    "hidden_act \"{}\" is not supported for MPNet (gelu)",
                    cfg.hidden_act
                ),
            });
        }
        if cfg.num_attention_heads <= 0 || cfg.hidden_size % cfg.num_attention_heads != 0 {
            return Err(StanceError::BadJson {
                path: config.path.clone(),
                message: format!(
                    "hidden_size {} is not a multiple of num_attention_heads {}",
                    cfg.hidden_size, cfg.num_attention_heads
                ),
            });
        }
        Ok(cfg)
    }
}

/// Position ids of MPNet (as fairseq/RoBERTa): real tokens count up from
/// `pad + 1`, padding tokens get `pad`.
pub fn position_ids(ids: &Tensor, pad: i64) -> Tensor {
    let real = ids.ne(pad).to_kind(Kind::Int64);
    real.cumsum(1, Kind::Int64) * &real + pad
}

/// The bucket of every (query, key) pair of a `len`-token input, `[len,
/// len]`: half the buckets for keys after the query, half for keys before;
/// within each half, exact distances up to a quarter of the buckets, then
/// logarithmic up to [`MAX_DISTANCE`].
pub fn relative_buckets(len: i64, buckets: i64, device: tch::Device) -> Tensor {
    let opts = (Kind::Int64, device);
    let context = Tensor::arange(len, opts).unsqueeze(1);
    let memory = Tensor::arange(len, opts).unsqueeze(0);
    // n = query position - key position.
    let n = context - memory;
    let half = buckets / 2;
    let sign = n.lt(0).to_kind(Kind::Int64) * half;
    let n = n.abs();
    let exact = half / 2;
    let is_small = n.lt(exact);
    // The same float32 arithmetic as the reference implementation, so that
    // boundary distances land in the same bucket.
    let large = (n.clamp_min(1).to_kind(Kind::Float) / exact as f64).log()
        / (MAX_DISTANCE / exact as f64).ln()
        * (half - exact) as f64;
    let large = (large.to_kind(Kind::Int64) + exact).clamp_max(half - 1);
    sign + n.where_self(&is_small, &large)
}

/// The additive attention mask of a batch, `[batch, heads, len, len]` in
/// `kind`: the relative-position bias of `bias_table` (`[buckets, heads]`)
/// plus minus infinity on padded keys (0 in `mask`).
pub fn attention_bias(bias_table: &Tensor, mask: &Tensor, kind: Kind) -> Tensor {
    let (b, l) = mask.size2().unwrap_or((0, 0));
    let buckets = bias_table.size()[0];
    let rel = relative_buckets(l, buckets, mask.device());
    // [len, len, heads] -> [1, heads, len, len]
    let bias = Tensor::embedding(bias_table, &rel, -1, false, false)
        .permute([2, 0, 1])
        .unsqueeze(0)
        .to_kind(kind);
    let padded = mask.eq(0).view([b, 1, 1, l]);
    let pad =
        Tensor::zeros([b, 1, 1, l], (kind, mask.device())).masked_fill(&padded, f64::NEG_INFINITY);
    bias + pad
}

/// One MPNet layer's variables.
struct Layer {
    q: nn::Linear,
    k: nn::Linear,
    v: nn::Linear,
    o: nn::Linear,
    attn_norm: nn::LayerNorm,
    inter: nn::Linear,
    out: nn::Linear,
    out_norm: nn::LayerNorm,
}

/// The trainable MPNet encoder.
pub struct MpnetEncoder {
    word: nn::Embedding,
    position: nn::Embedding,
    emb_norm: nn::LayerNorm,
    layers: Vec<Layer>,
    rel_bias: nn::Embedding,
    cfg: MpnetConfig,
}

impl MpnetEncoder {
    /// Builds the encoder's variables under `root` with the Hugging Face
    /// names (randomly initialised; load weights into them afterwards).
    pub fn new(root: &nn::Path, config: &EncoderConfig) -> Result<MpnetEncoder> {
        let cfg = MpnetConfig::from_encoder(config)?;
        let h = cfg.hidden_size;
        let norm = |p: nn::Path| {
            nn::layer_norm(
                p,
                vec![h],
                nn::LayerNormConfig {
                    eps: cfg.layer_norm_eps,
                    ..Default::default()
                },
            )
        };
        let emb = root / "embeddings";
        let word = nn::embedding(
            &emb / "word_embeddings",
            cfg.vocab_size,
            h,
            Default::default(),
        );
        let position = nn::embedding(
            &emb / "position_embeddings",
            cfg.max_position_embeddings,
            h,
            Default::default(),
        );
        let emb_norm = norm(&emb / "LayerNorm");
        let enc = root / "encoder";
        let mut layers = Vec::new();
        for i in 0..cfg.num_hidden_layers {
            let p = &enc / "layer" / i;
            let attn = &p / "attention" / "attn";
            let lin = |p: nn::Path, i: i64, o: i64| nn::linear(p, i, o, Default::default());
            layers.push(Layer {
                q: lin(&attn / "q", h, h),
                k: lin(&attn / "k", h, h),
                v: lin(&attn / "v", h, h),
                o: lin(&attn / "o", h, h),
                attn_norm: norm(&p / "attention" / "LayerNorm"),
                inter: lin(&p / "intermediate" / "dense", h, cfg.intermediate_size),
                out: lin(&p / "output" / "dense", cfg.intermediate_size, h),
                out_norm: norm(&p / "output" / "LayerNorm"),
            });
        }
        let rel_bias = nn::embedding(
            &enc / "relative_attention_bias",
            cfg.relative_attention_num_buckets,
            cfg.num_attention_heads,
            Default::default(),
        );
        Ok(MpnetEncoder {
            word,
            position,
            emb_norm,
            layers,
            rel_bias,
            cfg,
        })
    }

    fn embed(&self, ids: &Tensor, train: bool) -> Tensor {
        let positions = position_ids(ids, self.cfg.pad_token_id);
        let x = self.word.forward(ids) + self.position.forward(&positions);
        self.emb_norm
            .forward(&x)
            .dropout(self.cfg.hidden_dropout_prob, train)
    }

    fn layer(&self, layer: &Layer, x: &Tensor, bias: &Tensor, train: bool) -> Tensor {
        let (b, l, _) = x.size3().unwrap_or((0, 0, 0));
        let heads = self.cfg.num_attention_heads;
        let d = self.cfg.hidden_size / heads;
        let split = |t: Tensor| t.view([b, l, heads, d]).transpose(1, 2);
        let q = split(layer.q.forward(x));
        let k = split(layer.k.forward(x));
        let v = split(layer.v.forward(x));
        let p = if train {
            self.cfg.attention_probs_dropout_prob
        } else {
            0.0
        };
        let ctx = Tensor::scaled_dot_product_attention(&q, &k, &v, Some(bias), p, false, None)
            .transpose(1, 2)
            .reshape([b, l, self.cfg.hidden_size]);
        let drop = self.cfg.hidden_dropout_prob;
        let a = layer.o.forward(&ctx).dropout(drop, train) + x;
        let x = layer.attn_norm.forward(&a);
        let i = layer.inter.forward(&x).gelu("none");
        let o = layer.out.forward(&i).dropout(drop, train) + x;
        layer.out_norm.forward(&o)
    }

    fn bias(&self, mask: &Tensor, like: &Tensor) -> Tensor {
        attention_bias(&self.rel_bias.ws, mask, like.kind())
    }
}

impl Encoder for MpnetEncoder {
    fn hidden_states(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        let mut x = self.embed(ids, train);
        let bias = self.bias(mask, &x);
        for layer in &self.layers {
            x = self.layer(layer, &x, &bias, train);
        }
        Ok(x)
    }

    fn splits(&self) -> bool {
        true
    }

    fn lower_states(&self, ids: &Tensor, mask: &Tensor, k: usize) -> Result<Tensor> {
        tch::no_grad(|| {
            let mut x = self.embed(ids, false);
            let bias = self.bias(mask, &x);
            for layer in self.layers.iter().take(k) {
                x = self.layer(layer, &x, &bias, false);
            }
            Ok(x)
        })
    }

    fn upper_states(
        &self,
        states: &Tensor,
        mask: &Tensor,
        k: usize,
        train: bool,
    ) -> Result<Tensor> {
        let bias = self.bias(mask, states);
        let mut x = states.shallow_clone();
        for layer in self.layers.iter().skip(k) {
            x = self.layer(layer, &x, &bias, train);
        }
        Ok(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_the_t5_scheme() {
        let b = relative_buckets(200, 32, tch::Device::Cpu);
        let at = |q: i64, k: i64| b.int64_value(&[q, k]);
        // Same position: bucket 0; keys before the query use 0..16, keys
        // after it 16..32.
        assert_eq!(at(5, 5), 0);
        assert_eq!(at(5, 4), 1);
        assert_eq!(at(5, 6), 17);
        assert_eq!(at(10, 3), 7);
        // From 8 on the buckets grow logarithmically, the last from 128 on
        // (values from Hugging Face's `relative_position_bucket`).
        assert_eq!(at(20, 4), 10);
        assert_eq!(at(30, 0), 11);
        assert_eq!(at(0, 30), 27);
        assert_eq!(at(199, 0), 15);
        assert_eq!(at(0, 199), 31);
    }

    #[test]
    fn positions_skip_padding() {
        let ids = Tensor::from_slice2(&[[0i64, 7, 2, 1, 1], [0, 7, 8, 9, 2]]);
        let p: Vec<Vec<i64>> = Vec::try_from(position_ids(&ids, 1)).unwrap_or_default();
        assert_eq!(p, vec![vec![2, 3, 4, 1, 1], vec![2, 3, 4, 5, 6]]);
    }
}
