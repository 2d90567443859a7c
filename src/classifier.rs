//! The classifier: tokenizer, batching and network put together. Quotes
//! are tokenized, sorted by length and cut into token-budget batches
//! ([`crate::batch`]), encoded and scored by the heads ([`crate::model`]),
//! calibrated, and returned as [`Prediction`]s in input order.

use crate::batch::{batch_tensors, plan, BatchLimits};
use crate::cues::{CueConfig, CueReader};
use crate::error::{RecordError, Result, StanceError};
use crate::labels::{Head, PerHead};
use crate::model::config::ModelConfig;
use crate::model::config::INT8_RANGES_FILE;
use crate::model::device::{DeviceChoice, Precision};
use crate::model::encoder::fast::ActRanges;
use crate::model::encoder::Encoder;
use crate::model::{dir, StanceNet};
use crate::predict::{LabelScores, Prediction};
use crate::text::tokenize::{QuoteTokenizer, Tokenized};
use std::path::{Path, PathBuf};
use tch::{Device, Kind, Tensor};

/// How to load a classifier.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The base encoder folder; `None` uses [`crate::model::base::default_base_dir`].
    pub base_dir: Option<PathBuf>,
    /// Where to run.
    pub device: DeviceChoice,
    /// Batch limits for scoring.
    pub limits: Option<BatchLimits>,
    /// Build only what scoring needs: the encoder's variables come straight
    /// from the weights files and no trainable encoder is built (a faster
    /// start). Such a classifier cannot score with the fast path disabled;
    /// training builds its own network.
    pub fast_only: bool,
    /// Read sources by the model alone, without the source cues of
    /// [`crate::cues`] even where the model has weights for them.
    pub no_source_cues: bool,
}

/// A loaded classifier: network, tokenizer and config.
pub struct Classifier {
    net: StanceNet,
    /// The fast inference encoder, when built.
    fast: Option<Box<dyn Encoder>>,
    /// The precision inference runs at (never `Auto`).
    precision: Precision,
    tokenizer: QuoteTokenizer,
    config: ModelConfig,
    device: Device,
    limits: BatchLimits,
    dir: PathBuf,
    /// Source cues, when the model has fitted weights and they are wanted.
    cues: Option<CueReader>,
    /// The int8 layers' input ranges, once read or measured.
    int8_ranges: Option<ActRanges>,
}

/// Each quote's result: its prediction, or what is wrong with it.
pub type Results = Vec<std::result::Result<Prediction, RecordError>>;

impl Classifier {
    /// Loads the model directory `dir` on top of its base encoder (see
    /// [`dir::load`] for what is checked).
    pub fn load(dir: &Path, options: &LoadOptions) -> Result<Classifier> {
        let device = options.device.resolve()?;
        let loaded = dir::load(dir, options.base_dir.as_deref(), device, options.fast_only)?;
        let tokenizer =
            QuoteTokenizer::from_file(&loaded.base.tokenizer_path(), loaded.config.max_length)?;
        let fast = Some(loaded.net.fast_encoder(false, None)?);
        let cues = if options.no_source_cues {
            None
        } else {
            cue_reader(&loaded.config)
        };
        Ok(Classifier {
            net: loaded.net,
            fast,
            precision: Precision::F32,
            tokenizer,
            config: loaded.config,
            device,
            limits: options.limits.unwrap_or_default(),
            dir: dir.to_path_buf(),
            cues,
            int8_ranges: None,
        })
    }

    /// Assembles a classifier from parts (used by training): it scores
    /// through the network's trainable encoder until
    /// [`Classifier::enable_fast_path`].
    pub fn from_parts(
        net: StanceNet,
        tokenizer: QuoteTokenizer,
        config: ModelConfig,
        device: Device,
        dir: PathBuf,
    ) -> Classifier {
        let cues = cue_reader(&config);
        Classifier {
            net,
            fast: None,
            precision: Precision::F32,
            tokenizer,
            config,
            device,
            limits: BatchLimits::default(),
            dir,
            cues,
            int8_ranges: None,
        }
    }

    /// The model's config.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// Mutable config (e.g. to set calibration temperatures).
    pub fn config_mut(&mut self) -> &mut ModelConfig {
        &mut self.config
    }

    /// The network.
    pub fn net(&self) -> &StanceNet {
        &self.net
    }

    /// The network, mutable (training rounds its weights to their storage).
    pub fn net_mut(&mut self) -> &mut StanceNet {
        &mut self.net
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The device the model runs on.
    pub fn device(&self) -> Device {
        self.device
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &QuoteTokenizer {
        &self.tokenizer
    }

    /// Runs inference at `precision`: converts every weight (bf16 keeps the
    /// f32 calibration; scores differ from f32 in the third decimal or so).
    /// `Auto` picks one by [`crate::model::precision::choose`]: the fastest
    /// on this machine whose accuracy check the model directory stores and
    /// passes. Returns the precision in effect.
    ///
    /// int8 smooths outlier input channels by the ranges stored in the
    /// model directory ([`INT8_RANGES_FILE`]) when it has them; MPNet,
    /// whose outlier features int8 cannot otherwise hold, refuses int8
    /// without them.
    pub fn set_precision(&mut self, precision: Precision) -> Result<Precision> {
        let mpnet =
            self.net.encoder_config().architecture == crate::model::encoder::Architecture::Mpnet;
        if self.int8_ranges.is_none() && self.device == Device::Cpu {
            self.int8_ranges = self.read_int8_ranges()?;
        }
        let int8_allowed = !mpnet || self.int8_ranges.is_some();
        let precision = match precision {
            Precision::Auto => crate::model::precision::choose(
                &self.config.metrics,
                crate::model::precision::CpuFeatures::this_machine(),
                self.device != Device::Cpu,
                int8_allowed,
            ),
            p => p,
        };
        if precision == Precision::Int8 && self.device != Device::Cpu {
            return Err(StanceError::Int8NeedsCpu);
        }
        if precision == Precision::Int8 && !int8_allowed {
            return Err(StanceError::Int8Inaccurate {
                architecture: "MPNet",
            });
        }
        if precision == self.precision {
            return Ok(precision);
        }
        match precision {
            Precision::Bf16 => self.net.vs.set_kind(Kind::BFloat16),
            _ => self.net.vs.set_kind(Kind::Float),
        }
        self.precision = precision;
        // int8 always runs on the fast path (and leaving it had built one).
        if self.fast.is_some() || precision == Precision::Int8 {
            self.enable_fast_path()?;
        }
        Ok(precision)
    }

    /// The precision inference runs at.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Builds (or rebuilds) the fast inference path from the current
    /// weights; scoring uses it from then on.
    pub fn enable_fast_path(&mut self) -> Result<()> {
        self.fast = Some(
            self.net
                .fast_encoder(self.precision == Precision::Int8, self.int8_ranges.as_ref())?,
        );
        Ok(())
    }

    /// The int8 input ranges of the model directory, if it has them.
    fn read_int8_ranges(&self) -> Result<Option<ActRanges>> {
        let path = self.dir.join(INT8_RANGES_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let bad = |message: String| StanceError::BadWeights {
            path: path.clone(),
            message,
        };
        let tensors = Tensor::read_safetensors(&path).map_err(|e| bad(e.to_string()))?;
        let map: std::collections::HashMap<String, Tensor> = tensors.into_iter().collect();
        let ranges = ActRanges::from_named(&map, self.net.encoder_config().layers())
            .map_err(|name| bad(format!("no tensor '{name}' (written for another encoder?)")))?;
        let hidden = self.net.encoder_config().hidden_size;
        for layer in &ranges.layers {
            if layer[0].size() != [hidden] {
                return Err(bad(format!(
                    "ranges of width {:?}, but the encoder's hidden size is {hidden}",
                    layer[0].size()
                )));
            }
        }
        Ok(Some(ranges))
    }

    /// Measures the int8 layers' input ranges on `texts` (in f32, whatever
    /// the precision in effect), uses them from now on, and stores them in
    /// `dir` ([`INT8_RANGES_FILE`], written whole then renamed). Calibrate
    /// on a few hundred quotes like those the model will score.
    pub fn measure_int8_ranges<S: AsRef<str>>(&mut self, texts: &[S], dir: &Path) -> Result<()> {
        let items: Vec<Tokenized> = texts
            .iter()
            .filter(|t| !t.as_ref().trim().is_empty())
            .map(|t| self.tokenize(t.as_ref()))
            .collect::<Result<_>>()?;
        let lengths: Vec<usize> = items.iter().map(|t| t.ids.len()).collect();
        let batches: Vec<(Tensor, Tensor)> = plan(&lengths, self.limits)
            .iter()
            .map(|batch| {
                let refs: Vec<&Tokenized> = batch.iter().map(|&i| &items[i]).collect();
                self.batch_tensors(&refs)
            })
            .collect();
        let previous = self.precision;
        self.set_precision(Precision::F32)?;
        let ranges = crate::model::encoder::activation_ranges(
            &self.net.vs.variables(),
            self.net.encoder_config(),
            batches,
        )?;
        let path = dir.join(INT8_RANGES_FILE);
        crate::io::atomic::write_atomic(&path, &ranges.to_safetensors()?)?;
        self.int8_ranges = Some(ranges);
        // Back to int8 rebuilds the fast path with the ranges; f32's does
        // not use them.
        self.set_precision(previous)?;
        Ok(())
    }

    /// Scores through the network's trainable encoder (rust-bert for BERT)
    /// instead of the fast path.
    pub fn disable_fast_path(&mut self) {
        self.fast = None;
    }

    /// Sets the batch limits used by scoring.
    pub fn set_limits(&mut self, limits: BatchLimits) {
        self.limits = limits;
    }

    /// The batch limits used by scoring.
    pub fn limits(&self) -> BatchLimits {
        self.limits
    }

    /// Tokenizes one quote.
    pub fn tokenize(&self, text: &str) -> Result<Tokenized> {
        self.tokenizer.encode(text)
    }

    /// Tokenizes one quote with the source the article attributes it to:
    /// a second input segment when the model was trained to read one
    /// ([`ModelConfig::source_input`]) and a non-blank source is given,
    /// otherwise the quote alone.
    pub fn tokenize_attributed(&self, text: &str, source: Option<&str>) -> Result<Tokenized> {
        let source = source.filter(|_| self.config.source_input);
        let mut tok = self.tokenizer.encode_attributed(text, source)?;
        if let (Some(cues), Some(source)) = (&self.cues, source) {
            tok.speaker_shift = cues.shift(source);
        }
        Ok(tok)
    }

    /// The source cues in use (see [`crate::cues`]), if any.
    pub fn cue_reader(&self) -> Option<&CueReader> {
        self.cues.as_ref()
    }

    /// Sets the model's source-cue weights (`None`: none) and uses them.
    pub fn set_source_cues(&mut self, cues: Option<CueConfig>) {
        self.config.source_cues = cues;
        self.cues = cue_reader(&self.config);
    }

    /// Whether this model reads attributed sources (see
    /// [`Classifier::tokenize_attributed`]).
    pub fn reads_sources(&self) -> bool {
        self.config.source_input
    }

    /// Pads a batch of tokenized quotes into id and mask tensors on the
    /// model's device.
    pub fn batch_tensors(&self, items: &[&Tokenized]) -> (Tensor, Tensor) {
        batch_tensors(items, self.tokenizer.pad_id(), self.device)
    }

    /// Logits of both heads for already-tokenized quotes in one padded
    /// batch, in the order given (no temperature applied).
    pub fn logits(&self, items: &[&Tokenized], train: bool) -> Result<PerHead<Tensor>> {
        let (ids, mask) = self.batch_tensors(items);
        match (&self.fast, train) {
            (Some(fast), false) => {
                let hidden = fast.hidden_states(&ids, &mask, false)?;
                Ok(self.net.heads(&self.net.pool(&hidden, &mask), false))
            }
            _ => self.net.forward(&ids, &mask, train),
        }
    }

    /// Raw logits of both heads (no temperature) for tokenized quotes, in
    /// the order given, one row per quote.
    ///
    /// Quotes are sorted by length and cut into token-budget batches, run
    /// under no-grad, and put back in input order.
    pub fn all_logits(&self, items: &[Tokenized]) -> Result<PerHead<Vec<Vec<f32>>>> {
        let lengths: Vec<usize> = items.iter().map(|t| t.ids.len()).collect();
        let mut out = PerHead::from_fn(|_| vec![Vec::new(); items.len()]);
        for batch in plan(&lengths, self.limits) {
            let refs: Vec<&Tokenized> = batch.iter().map(|&i| &items[i]).collect();
            let rows = tch::no_grad(|| -> Result<PerHead<Vec<f32>>> {
                self.logits(&refs, false)?.try_map(|_, t| {
                    let flat = t.to_device(Device::Cpu).to_kind(Kind::Float).flatten(0, -1);
                    Ok(Vec::<f32>::try_from(&flat)?)
                })
            })?;
            for (head, flat) in rows.iter() {
                let n = self.config.labels.of(head).len();
                let dest = out.of_mut(head);
                for (row, &i) in batch.iter().enumerate() {
                    dest[i] = flat[row * n..(row + 1) * n].to_vec();
                }
            }
        }
        Ok(out)
    }

    /// Scores tokenized quotes (see [`Classifier::all_logits`]), applying
    /// the calibration temperatures, and returns predictions in the order
    /// given.
    pub fn score(&self, items: &[Tokenized]) -> Result<Vec<Prediction>> {
        let logits = self.all_logits(items)?;
        let t = self.config.temperature;
        let labels = &self.config.labels;
        let company = company_index(&self.config);
        let denial = labels.stance.iter().position(|l| l == "denial");
        let allegation = labels.stance.iter().position(|l| l == "allegation");
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let scores = PerHead::from_fn(|head| {
                    let shifts = match head {
                        Head::Speaker => vec![(item.speaker_shift, company)],
                        Head::Stance => vec![
                            (item.denial_shift, denial),
                            (item.allegation_shift, allegation),
                        ],
                    };
                    let probs = softmax_shifted(&logits.of(head)[i], *t.of(head), &shifts);
                    LabelScores::new(labels.of(head), &probs)
                });
                Prediction::new(scores.speaker, scores.stance, item.truncated)
            })
            .collect())
    }

    /// Classifies quotes. A blank quote gives an error in its place; the
    /// others are scored.
    pub fn classify<S: AsRef<str>>(&self, texts: &[S]) -> Result<Results> {
        let unattributed: Vec<(&str, Option<&str>)> =
            texts.iter().map(|t| (t.as_ref(), None)).collect();
        self.classify_attributed(&unattributed)
    }

    /// Classifies quotes, each with the source an article attributes it to
    /// when known (read only by models trained with sources, see
    /// [`Classifier::tokenize_attributed`]). A blank quote gives an error in
    /// its place; the others are scored.
    pub fn classify_attributed(&self, quotes: &[(&str, Option<&str>)]) -> Result<Results> {
        self.classify_with_parties(quotes, &[], &[])
    }

    /// Classifies quotes with sources, as [`Classifier::classify_attributed`],
    /// where `parties[i]` (if given) is the speaker label the quote's
    /// context says made it (`extract` resolving `Nivara` or `she` from the
    /// article). When the source's own words do not name its kind (no
    /// gazetteer name or title, no word such as "ministry"), that party
    /// moves the speaker's log-odds as a known name would (the model's
    /// `name` cue weight), in place of the cues' guess from the spelling or
    /// a weak word; models without source cues ignore it. `stance_cues[i]`
    /// (if given) is what the article says the statement does: a reported
    /// clause that rejects a claim moves its denial log-odds by
    /// [`DENIAL_CUE`], a sanction stated with its grounds its allegation
    /// log-odds by [`ALLEGATION_CUE`].
    pub fn classify_with_parties(
        &self,
        quotes: &[(&str, Option<&str>)],
        parties: &[Option<&str>],
        stance_cues: &[StanceCue],
    ) -> Result<Results> {
        let mut results: Results = Vec::with_capacity(quotes.len());
        let mut good = Vec::new();
        let mut good_idx = Vec::new();
        for (i, &(text, source)) in quotes.iter().enumerate() {
            results.push(Err(RecordError::BlankQuote));
            if !crate::text::is_blank(text) {
                let mut tok = self.tokenize_attributed(text, source)?;
                let party = parties.get(i).copied().flatten();
                // Cues exist only for models that read sources and speak
                // of government and company (see `cue_reader`).
                if let (Some(cues), Some(party)) = (&self.cues, party) {
                    if !source.is_some_and(|s| cues.names_its_kind(s)) {
                        let w = cues.weights.name as f32;
                        tok.speaker_shift = if party == crate::gazetteer::KINDS[1] {
                            w
                        } else {
                            -w
                        };
                    }
                }
                match stance_cues.get(i) {
                    Some(StanceCue::Denial) => tok.denial_shift = DENIAL_CUE,
                    Some(StanceCue::Allegation) => tok.allegation_shift = ALLEGATION_CUE,
                    Some(StanceCue::None) | None => {}
                }
                good.push(tok);
                good_idx.push(i);
            }
        }
        for (pred, i) in self.score(&good)?.into_iter().zip(good_idx) {
            results[i] = Ok(pred);
        }
        Ok(results)
    }

    /// Writes this classifier to a model directory (see
    /// [`crate::model::save_model_dir`]).
    pub fn save(&self, out: &Path, force: bool) -> Result<()> {
        crate::model::save_model_dir(&self.net, &self.config, out, force)
    }
}

/// What a reported clause that rejects a claim ("rejected the company's
/// account, saying ...") adds to the stance head's denial log-odds (before
/// the temperature). LABELING.md: a statement that "rejects an accusation,
/// a claim or the basis of an action" is a denial, and the reporting verb
/// says so where the clause's content reads as an accusation. Chosen on
/// the dev articles (`extract --eval data/articles/dev`).
pub const DENIAL_CUE: f32 = 3.0;

/// What a sanction stated with the wrongdoing it punishes ("fined the
/// operator €58 million for transferring drivers' data ...") adds to the
/// stance head's allegation log-odds (before the temperature). LABELING.md:
/// a statement that "justifies a sanction by such a claim" is an
/// allegation; the model reads the sanction as a measure, a commitment.
/// The same weight as [`DENIAL_CUE`]; checked on the dev articles.
pub const ALLEGATION_CUE: f32 = 3.0;

/// What an article says a statement does, beside the model (see
/// [`Classifier::classify_with_parties`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StanceCue {
    /// Nothing: the model alone decides.
    #[default]
    None,
    /// A reported clause that rejects a claim.
    Denial,
    /// A sanction stated with its grounds.
    Allegation,
}

/// The cue reader a model's config asks for: its fitted weights, for a
/// model that reads sources and has government and company speakers.
fn cue_reader(config: &ModelConfig) -> Option<CueReader> {
    let fitted = config.source_cues.as_ref()?;
    (config.source_input && company_index(config).is_some()).then_some(CueReader {
        weights: fitted.weights,
    })
}

/// The speaker head's index of `company` when its labels are exactly
/// government and company (the labels source cues speak of).
pub fn company_index(config: &ModelConfig) -> Option<usize> {
    let speakers = &config.labels.speaker;
    let has = |l: &str| speakers.iter().any(|s| s == l);
    (speakers.len() == 2 && has(crate::cues::KINDS[0]) && has(crate::cues::KINDS[1]))
        .then(|| speakers.iter().position(|s| s == crate::cues::KINDS[1]))
        .flatten()
}

/// Softmax of `logits / temperature` with `shift` added to the scaled
/// logit at `index` (the source cues' move of the speaker's log-odds).
pub fn softmax_shifted(
    logits: &[f32],
    temperature: f64,
    shifts: &[(f32, Option<usize>)],
) -> Vec<f32> {
    let mut shifted: Option<Vec<f32>> = None;
    for &(shift, index) in shifts {
        if let Some(i) = index.filter(|&i| shift != 0.0 && i < logits.len()) {
            let scaled = shifted.get_or_insert_with(|| logits.to_vec());
            scaled[i] += (f64::from(shift) * temperature) as f32;
        }
    }
    softmax(shifted.as_deref().unwrap_or(logits), temperature)
}

/// Softmax of `logits / temperature`, computed in f64.
pub fn softmax(logits: &[f32], temperature: f64) -> Vec<f32> {
    let scaled: Vec<f64> = logits.iter().map(|&l| f64::from(l) / temperature).collect();
    let max = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = scaled.iter().map(|l| (l - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|e| (e / sum) as f32).collect()
}
