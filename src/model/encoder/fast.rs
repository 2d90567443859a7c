//! The fast inference path of every architecture: the same computation as
//! the trainable encoders (rust-bert's `BertModel` for BERT, [`super::mpnet`]
//! for MPNet; the output is tested against both), from the same weights,
//! with fewer and fused libtorch calls: one fused Q/K/V projection per
//! layer, `linear` (a fused matmul and bias add) instead of a matmul then an
//! add, libtorch's fused GELU, and `scaled_dot_product_attention` with the
//! padding mask (padded keys get exactly zero weight), to which MPNet adds
//! its relative-position bias, computed once per batch.

use super::mpnet;
use super::{Architecture, Encoder, EncoderConfig};
use crate::error::{Result, StanceError};
use std::collections::HashMap;
use tch::Tensor;

/// A linear layer's weights: float, or int8 with one scale per output
/// channel, run on activations quantized to int8 one token at a time.
enum Linear {
    Float {
        weight: Tensor,
        bias: Tensor,
    },
    Int8 {
        /// `[in]` f32: what each input channel is multiplied by before it
        /// is quantized (SmoothQuant's `1 / s`), when the layer's input
        /// ranges are known; the weights' columns were multiplied by `s`.
        smooth: Option<Tensor>,
        /// `[in, out]` int8, contiguous: the right operand of `_int_mm`.
        weight_t: Tensor,
        /// `[out]` f32: each output channel's scale.
        scale: Tensor,
        /// `[out]` f32: each output channel's int8 weights summed, times
        /// its scale.
        col_sums: Tensor,
        bias: Tensor,
    },
}

/// The largest relative error of a matrix's int8 copy that int8 inference
/// accepts (see [`Linear::new`]).
const MAX_INT8_ERROR: f64 = 0.05;

/// SmoothQuant's migration strength: how much of an input channel's range
/// moves from the activations into the weights (`s = a^alpha / w^(1 - alpha)`
/// for the channel's largest activation `a` and largest weight `w`).
/// Chosen on the realistic dev quotes with the MPNet model (0.4, 0.5 and
/// 0.65 were within a quote of each other and of f32; 0.4 was best).
pub const SMOOTH_ALPHA: f64 = 0.4;

/// The four linear layers of an encoder layer, in the order
/// [`ActRanges`] keeps their inputs' ranges.
pub const LINEAR_NAMES: [&str; 4] = ["qkv", "attn_out", "inter", "out"];

/// The largest absolute value each input channel of every linear layer
/// took over some quotes' real tokens (`[in]` f32 each, per layer in the
/// order of [`LINEAR_NAMES`]): what int8 inference needs to smooth
/// outlier channels (SmoothQuant), measured once in f32 by
/// [`FastEncoder::record_ranges`].
pub struct ActRanges {
    /// Per encoder layer, the four linear layers' input ranges.
    pub layers: Vec<[Tensor; 4]>,
}

impl ActRanges {
    /// The ranges as named tensors (`layer.{i}.{linear}`), for a
    /// safetensors file.
    pub fn named(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for (i, layer) in self.layers.iter().enumerate() {
            for (name, t) in LINEAR_NAMES.iter().zip(layer) {
                out.push((format!("layer.{i}.{name}"), t.shallow_clone()));
            }
        }
        out
    }

    /// The ranges as the bytes of a safetensors file (f32).
    pub fn to_safetensors(&self) -> Result<Vec<u8>> {
        let mut data = Vec::new();
        for (name, t) in self.named() {
            let values = Vec::<f32>::try_from(&t.to_kind(tch::Kind::Float).contiguous())?;
            let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            data.push((name, vec![values.len()], bytes));
        }
        let views = data
            .iter()
            .map(|(name, shape, bytes)| {
                safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), bytes)
                    .map(|v| (name.clone(), v))
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| StanceError::Int8Ranges(format!("{e:?}")))?;
        safetensors::tensor::serialize(views, &None)
            .map_err(|e| StanceError::Int8Ranges(format!("{e:?}")))
    }

    /// Reads ranges back from named tensors for an encoder of `layers`
    /// layers; the error names the first tensor missing.
    pub fn from_named(
        tensors: &HashMap<String, Tensor>,
        layers: usize,
    ) -> std::result::Result<ActRanges, String> {
        let mut out = Vec::with_capacity(layers);
        for i in 0..layers {
            let get = |n: &str| -> std::result::Result<Tensor, String> {
                let key = format!("layer.{i}.{n}");
                tensors
                    .get(&key)
                    .map(|t| t.to_kind(tch::Kind::Float))
                    .ok_or(key)
            };
            out.push([
                get(LINEAR_NAMES[0])?,
                get(LINEAR_NAMES[1])?,
                get(LINEAR_NAMES[2])?,
                get(LINEAR_NAMES[3])?,
            ]);
        }
        Ok(ActRanges { layers: out })
    }
}

/// Keeps the running per-channel maximum of `|x|` over the real tokens of
/// `mask` (`[batch, len, 1]`, 0/1 in `x`'s kind) in `slot`.
fn record_max(slot: &mut Option<Tensor>, x: &Tensor, mask: &Tensor) {
    let m = (x.abs() * mask)
        .amax([0, 1], false)
        .to_kind(tch::Kind::Float);
    *slot = Some(match slot.take() {
        Some(old) => old.maximum(&m),
        None => m,
    });
}

impl Linear {
    /// Wraps float weights, quantizing them to int8 when `int8` and the
    /// matrix survives it: one whose int8 copy is off by more than
    /// [`MAX_INT8_ERROR`] (relative Frobenius norm) stays float. A matrix
    /// with a few huge outlier weights, such as the FFN output matrices of
    /// MPNet's middle layers (weights up to 15 where the spread is 0.05),
    /// cannot be held in int8; quantized anyway, it turns MPNet's sentence
    /// vectors into noise.
    ///
    /// Weights are quantized symmetrically, one scale per output channel
    /// (row): `w ~ q * scale[row]`, `q` in [-127, 127].
    ///
    /// With the input's per-channel ranges (`range`), outlier channels are
    /// smoothed first (SmoothQuant, [`SMOOTH_ALPHA`]): each input channel
    /// is divided by `s` before quantization and the weights' column
    /// multiplied by it, so one channel's huge values no longer set every
    /// token's quantization step.
    fn new(weight: Tensor, bias: Tensor, int8: bool, range: Option<&Tensor>) -> Linear {
        if !int8 {
            return Linear::Float { weight, bias };
        }
        let mut w = weight.to_kind(tch::Kind::Float).contiguous();
        let smooth = range.map(|a| {
            let a = a.to_kind(tch::Kind::Float).clamp_min(1e-5);
            let wmax = w.abs().amax([0], false).clamp_min(1e-5);
            let s = (a.pow_tensor_scalar(SMOOTH_ALPHA)
                / wmax.pow_tensor_scalar(1.0 - SMOOTH_ALPHA))
            .clamp(1e-2, 1e2);
            w = &w * s.unsqueeze(0);
            s.reciprocal()
        });
        let scale = (w.abs().amax([1], true) / 127.0).clamp_min(1e-12);
        let q = (&w / &scale).round();
        let restored = &q * &scale;
        let error =
            (&restored - &w).norm().double_value(&[]) / w.norm().double_value(&[]).max(1e-12);
        if error > MAX_INT8_ERROR {
            return Linear::Float { weight, bias };
        }
        let scale = scale.view([-1]);
        Linear::Int8 {
            smooth,
            weight_t: q.to_kind(tch::Kind::Int8).transpose(0, 1).contiguous(),
            col_sums: q.sum_dim_intlist(1, false, tch::Kind::Float) * &scale,
            scale,
            bias: bias.to_kind(tch::Kind::Float).contiguous(),
        }
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        match self {
            Linear::Float { weight, bias } => x.linear(weight, Some(bias)),
            Linear::Int8 {
                smooth,
                weight_t,
                scale,
                col_sums,
                bias,
            } => {
                // Each token (row) is quantized on its own (asymmetric:
                // its min to its max over 256 steps), so a quote's result
                // does not depend on the other quotes of its batch, and
                // the mostly positive GELU outputs keep their 8 bits:
                // x ~ s * (q + 128) + m, so
                // x . w_j ~ scale_j * (s * (q . wq_j) + (128 s + m) * sum wq_j).
                let size = x.size();
                let k = size.last().copied().unwrap_or(0);
                let rows = match smooth {
                    Some(inv) => x.reshape([-1, k]) * inv,
                    None => x.reshape([-1, k]),
                };
                let min = rows.amin([1], true);
                let mut step = rows.amax([1], true) - &min;
                let _ = step.g_div_scalar_(255.0).clamp_min_(1e-12);
                let mut q = (&rows - &min).divide(&step);
                let _ = q.round_().g_sub_scalar_(128.0);
                let xq = q.to_kind(tch::Kind::Int8);
                let mut acc = xq.internal_int_mm(weight_t).to_kind(tch::Kind::Float);
                let _ = acc.g_mul_(&step);
                let mut out = bias.addcmul(&acc, scale);
                let offset = step * 128.0 + min;
                let _ = out.addcmul_(&offset, col_sums);
                let mut shape = size;
                if let Some(last) = shape.last_mut() {
                    *last = bias.size()[0];
                }
                out.view(shape.as_slice())
            }
        }
    }
}

/// LayerNorm weight and bias.
struct Norm {
    weight: Tensor,
    bias: Tensor,
}

/// One encoder layer's weights.
struct Layer {
    qkv: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    inter: Linear,
    out: Linear,
    out_norm: Norm,
}

/// What the architectures do differently before and around the layers.
enum Flavor {
    /// Absolute positions from 0 and a token-type embedding (type 0).
    Bert { token_type: Tensor },
    /// Positions from `pad + 1` and a relative-position bias table
    /// `[buckets, heads]`.
    Mpnet { pad: i64, rel_bias: Tensor },
}

/// The encoder's weights arranged for fast inference.
pub struct FastEncoder {
    word: Tensor,
    position: Tensor,
    flavor: Flavor,
    emb_norm: Norm,
    layers: Vec<Layer>,
    hidden: i64,
    heads: i64,
    eps: f64,
}

fn get(vars: &HashMap<String, Tensor>, name: &str) -> Result<Tensor> {
    vars.get(name)
        .map(|t| t.detach())
        .ok_or_else(|| StanceError::MissingVariable {
            name: name.to_string(),
        })
}

/// The variable names of one layer's tensors, per architecture.
struct LayerNames {
    q: &'static str,
    k: &'static str,
    v: &'static str,
    attn_out: &'static str,
    attn_norm: &'static str,
}

const BERT_NAMES: LayerNames = LayerNames {
    q: "attention.self.query",
    k: "attention.self.key",
    v: "attention.self.value",
    attn_out: "attention.output.dense",
    attn_norm: "attention.output.LayerNorm",
};

const MPNET_NAMES: LayerNames = LayerNames {
    q: "attention.attn.q",
    k: "attention.attn.k",
    v: "attention.attn.v",
    attn_out: "attention.attn.o",
    attn_norm: "attention.LayerNorm",
};

impl FastEncoder {
    /// Arranges the encoder variables of a `StanceNet` (HF names) for fast
    /// inference; with `int8`, the linear layers run in int8 (per-channel
    /// weights, per-token activations, libtorch's `_int_mm`; CPU only).
    /// Call it again after changing the variables' precision.
    ///
    /// `ranges` (measured by [`FastEncoder::record_ranges`] on this
    /// model's f32 weights) smooth the int8 layers' outlier input channels;
    /// it must have one entry per layer.
    pub fn new(
        vars: &HashMap<String, Tensor>,
        config: &EncoderConfig,
        int8: bool,
        ranges: Option<&ActRanges>,
    ) -> Result<FastEncoder> {
        if let Some(r) = ranges {
            if r.layers.len() != config.layers() {
                return Err(StanceError::Int8Ranges(format!(
                    "measured for {} layers, but the encoder has {}",
                    r.layers.len(),
                    config.layers()
                )));
            }
        }
        let norm = |prefix: &str| -> Result<Norm> {
            Ok(Norm {
                weight: get(vars, &format!("{prefix}.weight"))?,
                bias: get(vars, &format!("{prefix}.bias"))?,
            })
        };
        let names = match config.architecture {
            Architecture::Bert => &BERT_NAMES,
            Architecture::Mpnet => &MPNET_NAMES,
        };
        let mut layers = Vec::new();
        for i in 0..config.layers() {
            let range = |j: usize| ranges.map(|r| &r.layers[i][j]);
            let p = format!("encoder.layer.{i}");
            let w = |n: &str, part: &str| get(vars, &format!("{p}.{n}.{part}"));
            let fused = |part: &str| -> Result<Tensor> {
                Ok(Tensor::cat(
                    &[w(names.q, part)?, w(names.k, part)?, w(names.v, part)?],
                    0,
                ))
            };
            let linear = |n: &str, j: usize| -> Result<Linear> {
                Ok(Linear::new(w(n, "weight")?, w(n, "bias")?, int8, range(j)))
            };
            layers.push(Layer {
                qkv: Linear::new(fused("weight")?, fused("bias")?, int8, range(0)),
                attn_out: linear(names.attn_out, 1)?,
                attn_norm: norm(&format!("{p}.{}", names.attn_norm))?,
                inter: linear("intermediate.dense", 2)?,
                out: linear("output.dense", 3)?,
                out_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let raw_f64 = |key: &str| config.raw.get(key).and_then(serde_json::Value::as_f64);
        let (flavor, eps) = match config.architecture {
            Architecture::Bert => (
                Flavor::Bert {
                    token_type: get(vars, "embeddings.token_type_embeddings.weight")?,
                },
                raw_f64("layer_norm_eps").unwrap_or(1e-12),
            ),
            Architecture::Mpnet => {
                let cfg = mpnet::MpnetConfig::from_encoder(config)?;
                (
                    Flavor::Mpnet {
                        pad: cfg.pad_token_id,
                        rel_bias: get(vars, "encoder.relative_attention_bias.weight")?,
                    },
                    cfg.layer_norm_eps,
                )
            }
        };
        Ok(FastEncoder {
            word: get(vars, "embeddings.word_embeddings.weight")?,
            position: get(vars, "embeddings.position_embeddings.weight")?,
            flavor,
            emb_norm: norm("embeddings.LayerNorm")?,
            layers,
            hidden: config.hidden_size,
            heads: config.num_attention_heads,
            eps,
        })
    }

    fn layer_norm(&self, x: &Tensor, n: &Norm) -> Tensor {
        x.layer_norm(
            [self.hidden],
            Some(&n.weight),
            Some(&n.bias),
            self.eps,
            true,
        )
    }

    /// Runs a batch (ids and a 0/1 mask `[batch, len]`), keeping in
    /// `ranges` the running maximum of `|x|` per input channel of every
    /// linear layer over the real tokens: the ranges int8 inference smooths
    /// by (see [`ActRanges`]). Run it on f32 weights, over a few hundred
    /// quotes like those to be scored.
    pub fn record_ranges(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        ranges: &mut Vec<[Option<Tensor>; 4]>,
    ) {
        ranges.resize_with(self.layers.len(), Default::default);
        let _ = self.run_recording(ids, mask, Some(ranges));
    }

    /// Last hidden states `[batch, len, hidden]` for ids and a 0/1 mask
    /// `[batch, len]`, without gradients.
    fn run(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        self.run_recording(ids, mask, None)
    }

    fn run_recording(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        mut record: Option<&mut Vec<[Option<Tensor>; 4]>>,
    ) -> Tensor {
        tch::no_grad(|| {
            let (b, l) = ids.size2().unwrap_or((0, 0));
            let word = Tensor::embedding(&self.word, ids, -1, false, false);
            let (x, attend) = match &self.flavor {
                Flavor::Bert { token_type } => {
                    let positions = self.position.narrow(0, 0, l).unsqueeze(0);
                    // True where a key is a real token.
                    let attend = mask.gt(0).view([b, 1, 1, l]);
                    (word + positions + token_type.get(0), attend)
                }
                Flavor::Mpnet { pad, rel_bias } => {
                    let positions = mpnet::position_ids(ids, *pad);
                    let x = word + Tensor::embedding(&self.position, &positions, -1, false, false);
                    let bias = mpnet::attention_bias(rel_bias, mask, x.kind());
                    (x, bias)
                }
            };
            let mut x = self.layer_norm(&x, &self.emb_norm);
            let head_dim = self.hidden / self.heads;
            let real = record
                .as_ref()
                .map(|_| mask.unsqueeze(-1).to_kind(x.kind()));
            for (n, layer) in self.layers.iter().enumerate() {
                let mut note = |j: usize, t: &Tensor| {
                    if let (Some(rec), Some(real)) = (record.as_deref_mut(), &real) {
                        record_max(&mut rec[n][j], t, real);
                    }
                };
                note(0, &x);
                let qkv = layer
                    .qkv
                    .forward(&x)
                    .view([b, l, 3, self.heads, head_dim])
                    .permute([2, 0, 3, 1, 4]);
                let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2));
                let ctx = Tensor::scaled_dot_product_attention(
                    &q,
                    &k,
                    &v,
                    Some(&attend),
                    0.0,
                    false,
                    None::<f64>,
                )
                .transpose(1, 2)
                .reshape([b, l, self.hidden]);
                note(1, &ctx);
                // In place on each linear layer's fresh output: one
                // allocation fewer per step.
                let mut a = layer.attn_out.forward(&ctx);
                let _ = a.g_add_(&x);
                x = self.layer_norm(&a, &layer.attn_norm);
                note(2, &x);
                let mut i = layer.inter.forward(&x);
                let _ = i.gelu_("none");
                note(3, &i);
                let mut o = layer.out.forward(&i);
                let _ = o.g_add_(&x);
                x = self.layer_norm(&o, &layer.out_norm);
            }
            x
        })
    }
}

impl Encoder for FastEncoder {
    fn hidden_states(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        if train {
            return Err(StanceError::InferenceOnly);
        }
        Ok(self.run(ids, mask))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One input channel a hundred times the others (as MPNet's outlier
    /// features are) sets every token's int8 step, and the other channels
    /// lose their bits; smoothing by the measured range moves it into the
    /// weights and keeps the product close to float.
    #[test]
    fn smoothing_holds_an_outlier_channel_that_plain_int8_loses() {
        tch::manual_seed(5);
        let weight = Tensor::randn([32, 64], (tch::Kind::Float, tch::Device::Cpu)) * 0.05;
        let bias = Tensor::zeros([32], (tch::Kind::Float, tch::Device::Cpu));
        let x = Tensor::randn([2, 8, 64], (tch::Kind::Float, tch::Device::Cpu));
        let _ = x.narrow(2, 3, 1).g_mul_scalar_(100.0);
        let mut slot = None;
        record_max(
            &mut slot,
            &x,
            &Tensor::ones([2, 8, 1], (tch::Kind::Float, tch::Device::Cpu)),
        );
        let range = slot.expect("recorded");
        assert!(
            (range.get(3).double_value(&[]) - x.narrow(2, 3, 1).abs().max().double_value(&[]))
                .abs()
                < 1e-4
        );
        let float = x.linear(&weight, Some(&bias));
        let error = |l: &Linear| {
            (l.forward(&x) - &float).norm().double_value(&[]) / float.norm().double_value(&[])
        };
        let plain = Linear::new(weight.copy(), bias.copy(), true, None);
        let smoothed = Linear::new(weight.copy(), bias.copy(), true, Some(&range));
        assert!(matches!(
            smoothed,
            Linear::Int8 {
                smooth: Some(_),
                ..
            }
        ));
        let (p, s) = (error(&plain), error(&smoothed));
        assert!(s < 0.02, "smoothed int8 off by {s}");
        assert!(s < p / 3.0, "smoothed {s} against plain {p}");
    }
}
