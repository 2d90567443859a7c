//! Tokenization with Hugging Face `tokenizers`, padding to the longest quote
//! of a batch (not the file's fixed 128) and truncating at the model's
//! maximum length.

use crate::error::{Result, StanceError};
use std::path::Path;
use tokenizers::{
    EncodeInput, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy,
};

/// A quote turned into token ids, ready for the encoder.
#[derive(Debug, Clone, PartialEq)]
pub struct Tokenized {
    /// Token ids, [CLS] and [SEP] included, no padding.
    pub ids: Vec<i64>,
    /// Whether the quote was cut to the model's maximum length.
    pub truncated: bool,
    /// What the source's cues add to the speaker head's company-minus-
    /// government log-odds (see [`crate::cues`]); 0 without a source.
    pub speaker_shift: f32,
    /// What is added to the stance head's denial log-odds: the extractor's
    /// cue for a reported clause that rejects a claim (see
    /// [`crate::article::rejects_a_claim`]); 0 elsewhere.
    pub denial_shift: f32,
    /// What is added to the stance head's allegation log-odds: the
    /// extractor's cue for a sanction stated with the wrongdoing it is for
    /// (see [`crate::article::states_its_grounds`]); 0 elsewhere.
    pub allegation_shift: f32,
}

/// The base model's WordPiece tokenizer with per-batch padding.
#[derive(Clone)]
pub struct QuoteTokenizer {
    inner: Tokenizer,
    max_length: usize,
    pad_id: i64,
}

impl QuoteTokenizer {
    /// Loads `tokenizer.json` and sets truncation at `max_length` tokens
    /// (special tokens included) and no padding: batches are padded to
    /// their longest quote when tensors are built.
    pub fn from_file(path: &Path, max_length: usize) -> Result<QuoteTokenizer> {
        let file_error = |source| StanceError::TokenizerFile {
            path: path.to_path_buf(),
            source,
        };
        let mut inner = Tokenizer::from_file(path).map_err(file_error)?;
        let pad_id = ["[PAD]", "<pad>"]
            .iter()
            .find_map(|t| inner.token_to_id(t))
            .map_or(0, i64::from);
        inner.with_padding(None);
        inner
            .with_truncation(Some(TruncationParams {
                max_length,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
                direction: TruncationDirection::Right,
            }))
            .map_err(file_error)?;
        Ok(QuoteTokenizer {
            inner,
            max_length,
            pad_id,
        })
    }

    /// The maximum length in tokens.
    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// The id batches are padded with.
    pub fn pad_id(&self) -> i64 {
        self.pad_id
    }

    /// Tokenizes one quote.
    pub fn encode(&self, text: &str) -> Result<Tokenized> {
        let (text, cut) = self.cap(text);
        self.encode_input(text.into(), cut)
    }

    /// Tokenizes a quote with the source it is attributed to as a second
    /// segment, `[CLS] quote [SEP] source [SEP]`, or alone when the source
    /// is missing or blank. Over the maximum length, the longer of the two
    /// is cut first.
    pub fn encode_attributed(&self, text: &str, source: Option<&str>) -> Result<Tokenized> {
        match source.map(str::trim) {
            Some(source) if !source.is_empty() => {
                let ((text, a), (source, b)) = (self.cap(text), self.cap(source));
                self.encode_input((text, source).into(), a || b)
            }
            _ => self.encode(text),
        }
    }

    /// Tokenizing a whole runaway text only to keep its first tokens costs
    /// memory in proportion to it (1.6 GB for a 10 MB line): it is cut
    /// first, far past what the model reads.
    fn cap<'t>(&self, text: &'t str) -> (&'t str, bool) {
        crate::text::cap(text, self.max_length * crate::text::BYTES_PER_TOKEN_KEPT)
    }

    /// Encodes `input`; `cut` says the text was capped already.
    fn encode_input(&self, input: EncodeInput<'_>, cut: bool) -> Result<Tokenized> {
        let enc = self
            .inner
            .encode(input, true)
            .map_err(StanceError::Tokenize)?;
        Ok(Tokenized {
            ids: enc.get_ids().iter().map(|&i| i64::from(i)).collect(),
            truncated: cut || !enc.get_overflowing().is_empty(),
            speaker_shift: 0.0,
            denial_shift: 0.0,
            allegation_shift: 0.0,
        })
    }
}
