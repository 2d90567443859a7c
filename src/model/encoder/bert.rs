//! BERT through rust-bert's `BertModel`: the trainable encoder (dropout in
//! training), and the reference the fast path is tested against.

use super::{Encoder, EncoderConfig};
use crate::error::{Result, StanceError};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use tch::{nn, Tensor};

/// rust-bert's BERT encoder, without its pooler.
pub struct BertEncoder {
    model: BertModel<BertEmbeddings>,
}

impl BertEncoder {
    /// Builds the encoder's variables under `root` (randomly initialised)
    /// from the Hugging Face config.
    pub fn new(root: &nn::Path, config: &EncoderConfig) -> Result<BertEncoder> {
        let bert: BertConfig =
            serde_json::from_value(config.raw.clone()).map_err(|e| StanceError::BadJson {
                path: config.path.clone(),
                message: format!("not a BERT config: {e}"),
            })?;
        Ok(BertEncoder {
            model: BertModel::<BertEmbeddings>::new_with_optional_pooler(root, &bert, false),
        })
    }
}

impl Encoder for BertEncoder {
    fn hidden_states(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        // The attention mask is passed, so padding does not change the
        // states of real tokens (rust-bert's pipelines pass none).
        let out =
            self.model
                .forward_t(Some(ids), Some(mask), None, None, None, None, None, train)?;
        Ok(out.hidden_state)
    }
}
