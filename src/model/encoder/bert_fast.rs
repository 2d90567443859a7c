//! A fast inference path for BERT: the same BERT computation as
//! rust-bert's `BertModel` (whose output it is tested against), from the same
//! weights, with fewer and fused libtorch calls: one fused Q/K/V projection
//! per layer, `linear` (a fused matmul and bias add) instead of a matmul then
//! an add, libtorch's fused GELU, and `scaled_dot_product_attention` with a
//! boolean padding mask (padded keys get exactly zero weight).

use super::{Encoder, EncoderConfig};
use crate::error::{Result, StanceError};
use std::collections::HashMap;
use tch::Tensor;

/// A linear layer's weights: float, or int8 for fbgemm's dynamic
/// quantization (int8 weights, activations quantized per call).
enum Linear {
    Float {
        weight: Tensor,
        bias: Tensor,
    },
    Int8 {
        quantized: Tensor,
        packed: Tensor,
        col_offsets: Tensor,
        scale: f64,
        zero_point: i64,
        bias: Tensor,
    },
}

impl Linear {
    /// Wraps float weights, quantizing them to int8 when `int8`.
    fn new(weight: Tensor, bias: Tensor, int8: bool) -> Linear {
        if !int8 {
            return Linear::Float { weight, bias };
        }
        // Per-tensor affine quantization to [-128, 127], with 0 exactly
        // representable; the column offsets fold in the zero point, as
        // fbgemm's int8 GEMM expects.
        let w = weight.to_kind(tch::Kind::Float).contiguous();
        let min = w.min().double_value(&[]).min(0.0);
        let max = w.max().double_value(&[]).max(0.0);
        let scale = if max > min { (max - min) / 255.0 } else { 0.1 };
        let zero_point = (-128.0 - min / scale).round().clamp(-128.0, 127.0) as i64;
        let quantized = (&w / scale)
            .round()
            .g_add_scalar(zero_point)
            .clamp(-128, 127)
            .to_kind(tch::Kind::Int8)
            .contiguous();
        let k = quantized.size()[1];
        let col_offsets = (quantized.sum_dim_intlist(1, false, tch::Kind::Int) - zero_point * k)
            .to_kind(tch::Kind::Int);
        let packed = quantized.fbgemm_pack_quantized_matrix();
        Linear::Int8 {
            quantized,
            packed,
            col_offsets,
            scale,
            zero_point,
            bias: bias.to_kind(tch::Kind::Float).contiguous(),
        }
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        match self {
            Linear::Float { weight, bias } => x.linear(weight, Some(bias)),
            Linear::Int8 {
                quantized,
                packed,
                col_offsets,
                scale,
                zero_point,
                bias,
            } => x.fbgemm_linear_int8_weight_fp32_activation(
                quantized,
                packed,
                col_offsets,
                tch::Scalar::float(*scale),
                tch::Scalar::int(*zero_point),
                bias,
            ),
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

/// The encoder's weights arranged for fast inference.
pub struct FastBert {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
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

impl FastBert {
    /// Arranges the encoder variables of a `StanceNet` (HF names) for fast
    /// inference; with `int8`, the linear layers run fbgemm's int8 GEMM
    /// (CPU only). Call it again after changing the variables' precision.
    pub fn new(
        vars: &HashMap<String, Tensor>,
        config: &EncoderConfig,
        int8: bool,
    ) -> Result<FastBert> {
        let norm = |prefix: &str| -> Result<Norm> {
            Ok(Norm {
                weight: get(vars, &format!("{prefix}.weight"))?,
                bias: get(vars, &format!("{prefix}.bias"))?,
            })
        };
        let mut layers = Vec::new();
        for i in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            let w = |n: &str| get(vars, &format!("{p}.{n}"));
            let qkv_weight = Tensor::cat(
                &[
                    w("attention.self.query.weight")?,
                    w("attention.self.key.weight")?,
                    w("attention.self.value.weight")?,
                ],
                0,
            );
            let qkv_bias = Tensor::cat(
                &[
                    w("attention.self.query.bias")?,
                    w("attention.self.key.bias")?,
                    w("attention.self.value.bias")?,
                ],
                0,
            );
            layers.push(Layer {
                qkv: Linear::new(qkv_weight, qkv_bias, int8),
                attn_out: Linear::new(
                    w("attention.output.dense.weight")?,
                    w("attention.output.dense.bias")?,
                    int8,
                ),
                attn_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                inter: Linear::new(
                    w("intermediate.dense.weight")?,
                    w("intermediate.dense.bias")?,
                    int8,
                ),
                out: Linear::new(w("output.dense.weight")?, w("output.dense.bias")?, int8),
                out_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(FastBert {
            word: get(vars, "embeddings.word_embeddings.weight")?,
            position: get(vars, "embeddings.position_embeddings.weight")?,
            token_type: get(vars, "embeddings.token_type_embeddings.weight")?,
            emb_norm: norm("embeddings.LayerNorm")?,
            layers,
            hidden: config.hidden_size,
            heads: config.num_attention_heads,
            eps: config
                .raw
                .get("layer_norm_eps")
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(1e-12),
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

    /// Last hidden states `[batch, len, hidden]` for ids and a 0/1 mask
    /// `[batch, len]`, without gradients.
    fn run(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        tch::no_grad(|| {
            let (b, l) = ids.size2().unwrap_or((0, 0));
            let positions = self.position.narrow(0, 0, l).unsqueeze(0);
            let token_type = self.token_type.get(0);
            let x = Tensor::embedding(&self.word, ids, -1, false, false) + positions + token_type;
            let mut x = self.layer_norm(&x, &self.emb_norm);
            // True where a key is a real token.
            let attend = mask.gt(0).view([b, 1, 1, l]);
            let head_dim = self.hidden / self.heads;
            for layer in &self.layers {
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
                let a = layer.attn_out.forward(&ctx) + &x;
                x = self.layer_norm(&a, &layer.attn_norm);
                let i = layer.inter.forward(&x).gelu("none");
                let o = layer.out.forward(&i) + &x;
                x = self.layer_norm(&o, &layer.out_norm);
            }
            x
        })
    }
}

impl Encoder for FastBert {
    fn hidden_states(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        if train {
            return Err(StanceError::InferenceOnly);
        }
        Ok(self.run(ids, mask))
    }
}
