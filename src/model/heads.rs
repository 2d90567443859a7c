//! Pooling of the encoder's token states into one vector, dropout, and the
//! two linear classification heads.

use crate::labels::{Labels, PerHead};
use crate::model::config::Pooling;
use tch::{nn, nn::Module, Tensor};

/// Pooling, dropout and one linear layer per head.
pub struct Heads {
    linear: PerHead<nn::Linear>,
    pooling: Pooling,
    dropout: f64,
}

impl Heads {
    /// Freshly initialised heads under `root` (`speaker_head`, `stance_head`)
    /// on `hidden`-wide states, one output per label.
    pub fn new(
        root: &nn::Path,
        hidden: i64,
        labels: &Labels,
        pooling: Pooling,
        dropout: f64,
    ) -> Heads {
        let linear = labels.as_ref().map(|head, names| {
            nn::linear(
                root / format!("{}_head", head.name()),
                hidden,
                names.len() as i64,
                Default::default(),
            )
        });
        Heads {
            linear,
            pooling,
            dropout,
        }
    }

    /// Pools hidden states `[batch, len, hidden]` into `[batch, hidden]`
    /// over the real tokens of `mask` `[batch, len]`.
    pub fn pool(&self, hidden: &Tensor, mask: &Tensor) -> Tensor {
        match self.pooling {
            Pooling::Cls => hidden.select(1, 0),
            Pooling::Mean => {
                let m = mask.unsqueeze(-1).to_kind(hidden.kind());
                let sum = (hidden * &m).sum_dim_intlist(1, false, hidden.kind());
                let count = m.sum_dim_intlist(1, false, hidden.kind()).clamp_min(1e-9);
                sum / count
            }
        }
    }

    /// Logits of both heads, `[batch, labels]` each, from pooled vectors
    /// `[batch, hidden]`; dropout only when `train`.
    pub fn logits(&self, pooled: &Tensor, train: bool) -> PerHead<Tensor> {
        let x = pooled.dropout(self.dropout, train);
        self.linear.as_ref().map(|_, layer| layer.forward(&x))
    }
}
