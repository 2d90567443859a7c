//! The classifier: a BERT encoder (rust-bert on libtorch), mean pooling,
//! dropout and two linear heads (speaker, stance), loaded from the base
//! encoder plus a model directory.

pub mod base;
pub mod config;
pub mod device;
pub mod fast;
pub mod weights;

use crate::batch::{plan, BatchLimits};
use crate::error::{Result, StanceError};
use crate::labels::Head;
use crate::predict::{LabelScores, Prediction};
use crate::text::tokenize::{QuoteTokenizer, Tokenized};
use base::BaseEncoder;
use config::{ModelConfig, Pooling, TuneMode, CONFIG_FILE, WEIGHTS_FILE};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use std::path::{Path, PathBuf};
use tch::{nn, nn::Module, Device, Kind, Tensor};

/// libtorch's random generator is global to the process. Building a network
/// draws from it (initial weights) and so does training (dropout): whoever
/// does either holds this lock, so that a training run's seed alone fixes
/// its weights even while other threads load models.
pub static TORCH_RNG: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Base-encoder tensors that the classifier does not use.
pub const UNUSED_BASE_TENSORS: &[&str] = &["embeddings.position_ids", "pooler."];

/// The network: encoder, pooling, dropout, two heads, in one VarStore.
pub struct StanceNet {
    /// All variables (encoder and heads).
    pub vs: nn::VarStore,
    /// rust-bert's encoder; `None` in a network built for inference only
    /// (see [`StanceNet::for_inference`]), which scores through [`fast`].
    encoder: Option<BertModel<BertEmbeddings>>,
    speaker_head: nn::Linear,
    stance_head: nn::Linear,
    pooling: Pooling,
    dropout: f64,
    /// Name prefix of the top encoder layer's variables.
    top_layer: String,
    /// The name prefix of the layer below it.
    second_layer: String,
    /// The encoder's architecture.
    bert_config: BertConfig,
    /// The int8 deltas `(q, scale)` of the tuned encoder matrices, by
    /// variable name, for models stored as [`config::Storage::Int8Delta`].
    deltas: std::collections::BTreeMap<String, (Tensor, Tensor)>,
}

/// Logits of both heads for a batch.
pub struct HeadLogits {
    /// Speaker logits, shape `[batch, n_speaker]`.
    pub speaker: Tensor,
    /// Stance logits, shape `[batch, n_stance]`.
    pub stance: Tensor,
}

impl HeadLogits {
    /// The logits of `head`.
    pub fn of(&self, head: Head) -> &Tensor {
        match head {
            Head::Speaker => &self.speaker,
            Head::Stance => &self.stance,
        }
    }
}

impl StanceNet {
    /// Adds freshly initialised heads (label counts, pooling and dropout of
    /// `config`) to a VarStore holding the encoder.
    fn with_heads(
        vs: nn::VarStore,
        encoder: Option<BertModel<BertEmbeddings>>,
        bert: &BertConfig,
        config: &ModelConfig,
    ) -> StanceNet {
        let (n_speaker, n_stance) = (config.labels.speaker.len(), config.labels.stance.len());
        let (pooling, dropout) = (config.pooling, config.dropout);
        let root = vs.root();
        let hidden = bert.hidden_size;
        let speaker_head = nn::linear(
            &root / "speaker_head",
            hidden,
            n_speaker as i64,
            Default::default(),
        );
        let stance_head = nn::linear(
            &root / "stance_head",
            hidden,
            n_stance as i64,
            Default::default(),
        );
        StanceNet {
            vs,
            encoder,
            speaker_head,
            stance_head,
            pooling,
            dropout,
            top_layer: format!("encoder.layer.{}.", bert.num_hidden_layers - 1),
            second_layer: format!(
                "encoder.layer.{}.",
                bert.num_hidden_layers.saturating_sub(2)
            ),
            bert_config: bert.clone(),
            deltas: Default::default(),
        }
    }

    /// Builds the network for inference only: the encoder's variables are
    /// created straight from the safetensors file `encoder_weights` (no
    /// random initialisation to overwrite, which is most of a model load),
    /// and rust-bert's encoder is not built, so scoring goes through the
    /// fast path. Returns the network and the variable names created.
    pub fn for_inference(
        device: Device,
        bert: &BertConfig,
        config: &ModelConfig,
        encoder_weights: &Path,
    ) -> Result<(StanceNet, Vec<String>)> {
        let vs = nn::VarStore::new(device);
        let names = weights::create_from(
            &vs.root(),
            encoder_weights,
            &["embeddings.", "encoder."],
            UNUSED_BASE_TENSORS,
        )?;
        let net = StanceNet::with_heads(vs, None, bert, config);
        Ok((net, names))
    }

    /// Builds the network a model config describes (labels, pooling,
    /// dropout) on the base encoder's architecture, freshly initialised.
    pub fn for_config(device: Device, bert: &BertConfig, config: &ModelConfig) -> StanceNet {
        let vs = nn::VarStore::new(device);
        let encoder = BertModel::<BertEmbeddings>::new_with_optional_pooler(vs.root(), bert, false);
        StanceNet::with_heads(vs, Some(encoder), bert, config)
    }

    /// The encoder's last hidden states, shape `[batch, len, hidden]`.
    ///
    /// The attention mask is passed to the encoder, so padding does not
    /// change the states of real tokens.
    pub fn hidden_states(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        let Some(encoder) = &self.encoder else {
            return Err(StanceError::Invalid(
                "this network was built for inference only (LoadOptions::fast_only): \
                 rust-bert's encoder is not available"
                    .into(),
            ));
        };
        let out = encoder.forward_t(Some(ids), Some(mask), None, None, None, None, None, train)?;
        Ok(out.hidden_state)
    }

    /// Pooled sentence vectors, shape `[batch, hidden]`.
    ///
    /// # Arguments
    /// * `ids` - token ids `[batch, len]`, padded with 0
    /// * `mask` - attention mask `[batch, len]`, 1 for real tokens, 0 for padding
    /// * `train` - dropout on
    pub fn pooled(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        let hidden = self.hidden_states(ids, mask, train)?;
        Ok(self.pool(&hidden, mask))
    }

    /// Pools hidden states `[batch, len, hidden]` into `[batch, hidden]`
    /// over the real tokens of `mask`.
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

    /// Logits of both heads from pooled vectors.
    pub fn heads(&self, pooled: &Tensor, train: bool) -> HeadLogits {
        let x = pooled.dropout(self.dropout, train);
        HeadLogits {
            speaker: self.speaker_head.forward(&x),
            stance: self.stance_head.forward(&x),
        }
    }

    /// Logits of both heads for a batch (see [`StanceNet::pooled`]).
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Result<HeadLogits> {
        let pooled = self.pooled(ids, mask, train)?;
        Ok(self.heads(&pooled, train))
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

    /// Rounds every tuned matrix of `mode` to what int8-delta storage keeps:
    /// `base` holds the matrices' values before training (by name); each
    /// tuned matrix becomes `base + q * scale` and its delta is kept for
    /// saving.
    pub fn round_to_int8_deltas(
        &mut self,
        mode: TuneMode,
        base: &std::collections::BTreeMap<String, Tensor>,
    ) -> Result<()> {
        for (name, var) in self.tuned_variables(mode) {
            if !weights::is_encoder_matrix(&name) {
                continue;
            }
            let Some(base) = base.get(&name) else {
                return Err(StanceError::Invalid(format!(
                    "no base value of '{name}' to take its int8 delta from"
                )));
            };
            let (q, scale) = weights::quantize_delta(&(&var - base));
            tch::no_grad(|| {
                var.shallow_clone()
                    .f_copy_(&weights::apply_delta(base, &q, &scale))
            })?;
            self.deltas.insert(name, (q, scale));
        }
        Ok(())
    }

    /// Whether variable `name` is trained (and stored) in `mode`.
    pub fn is_tuned(&self, name: &str, mode: TuneMode) -> bool {
        let head = name.starts_with("speaker_head.") || name.starts_with("stance_head.");
        let light = head || name.ends_with(".bias") || name.contains("LayerNorm");
        match mode {
            TuneMode::Heads => head,
            TuneMode::Light => light,
            TuneMode::Top => light || name.starts_with(&self.top_layer),
            TuneMode::Top2 => {
                light || name.starts_with(&self.top_layer) || name.starts_with(&self.second_layer)
            }
            TuneMode::Full => true,
        }
    }
}

/// How to load a classifier.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The base encoder folder; `None` uses [`base::default_base_dir`].
    pub base_dir: Option<PathBuf>,
    /// Where to run.
    pub device: device::DeviceChoice,
    /// Batch limits for scoring.
    pub limits: Option<BatchLimits>,
    /// Build only what scoring needs: the encoder's variables come straight
    /// from the weights files and rust-bert's `BertModel` is not built (a
    /// faster start). Such a classifier cannot score with the fast path
    /// disabled; training builds its own network.
    pub fast_only: bool,
}

/// A loaded classifier: network, tokenizer and config.
pub struct Classifier {
    net: StanceNet,
    /// The fast inference path, when built (see [`fast`]).
    fast: Option<fast::FastEncoder>,
    /// Whether the fast path runs int8 linear layers.
    int8: bool,
    tokenizer: QuoteTokenizer,
    config: ModelConfig,
    device: Device,
    limits: BatchLimits,
    dir: PathBuf,
}

impl Classifier {
    /// Loads the model directory `dir` on top of its base encoder.
    ///
    /// Checks the base encoder's hashes against the config, the weights
    /// file's hash, and every tensor's name and shape.
    pub fn load(dir: &Path, options: &LoadOptions) -> Result<Classifier> {
        if !dir.is_dir() {
            return Err(StanceError::NoModel(dir.to_path_buf()));
        }
        let config = ModelConfig::read(dir)?;
        let weights_path = dir.join(WEIGHTS_FILE);
        if !weights_path.is_file() {
            return Err(StanceError::BadWeights {
                path: weights_path,
                message: "missing: the model directory is incomplete".into(),
            });
        }
        let found = crate::hash::sha256_file(&weights_path)?;
        if found != config.weights_sha256 {
            return Err(StanceError::HashMismatch {
                path: weights_path,
                expected: config.weights_sha256.clone(),
                found,
                hint: format!(
                    "the weights do not belong to {}; the file is corrupt or was replaced",
                    dir.join(CONFIG_FILE).display()
                ),
            });
        }
        let base_dir = options
            .base_dir
            .clone()
            .unwrap_or_else(base::default_base_dir);
        let base = BaseEncoder::open(&base_dir, Some(&config.base))?;
        let device = options.device.resolve()?;
        let mut loaded = std::collections::BTreeSet::new();
        let mut net = {
            let _rng = TORCH_RNG
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if options.fast_only {
                let source = match config.tuning {
                    TuneMode::Full => weights_path.clone(),
                    _ => base.weights_path(),
                };
                let (net, names) =
                    StanceNet::for_inference(device, &base.config, &config, &source)?;
                loaded.extend(names);
                net
            } else {
                StanceNet::for_config(device, &base.config, &config)
            }
        };
        let vars = net.vs.variables();
        if config.tuning != TuneMode::Full && !options.fast_only {
            loaded.extend(
                weights::load_into(&vars, &base.weights_path(), UNUSED_BASE_TENSORS)?.names,
            );
        }
        let tuned = weights::load_into(&vars, &weights_path, &[])?;
        loaded.extend(tuned.names);
        net.deltas = tuned.deltas;
        let missing: Vec<&String> = vars.keys().filter(|k| !loaded.contains(*k)).collect();
        if let Some(first) = missing.first() {
            return Err(StanceError::BadWeights {
                path: weights_path,
                message: format!(
                    "{} variable(s) of the model found in neither the base encoder nor this file, e.g. '{first}'",
                    missing.len()
                ),
            });
        }
        let tokenizer = QuoteTokenizer::from_file(&base.tokenizer_path(), config.max_length)?;
        let fast = Some(fast::FastEncoder::new(
            &net.vs.variables(),
            &base.config,
            false,
        )?);
        Ok(Classifier {
            net,
            fast,
            int8: false,
            tokenizer,
            config,
            device,
            limits: options.limits.unwrap_or_default(),
            dir: dir.to_path_buf(),
        })
    }

    /// Assembles a classifier from parts (used by training).
    pub fn from_parts(
        net: StanceNet,
        tokenizer: QuoteTokenizer,
        config: ModelConfig,
        device: Device,
        dir: PathBuf,
    ) -> Classifier {
        Classifier {
            net,
            fast: None,
            int8: false,
            tokenizer,
            config,
            device,
            limits: BatchLimits::default(),
            dir,
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
    pub fn set_precision(&mut self, precision: device::Precision) -> Result<()> {
        match precision {
            device::Precision::F32 | device::Precision::Int8 => self.net.vs.set_kind(Kind::Float),
            device::Precision::Bf16 => self.net.vs.set_kind(Kind::BFloat16),
        }
        if precision == device::Precision::Int8 && self.device != Device::Cpu {
            return Err(StanceError::Invalid(
                "--precision int8 runs on the CPU only (use --device cpu, or bf16 on a GPU)".into(),
            ));
        }
        self.int8 = precision == device::Precision::Int8;
        if self.fast.is_some() || self.int8 {
            self.enable_fast_path()?;
        }
        Ok(())
    }

    /// Builds (or rebuilds) the fast inference path from the current
    /// weights; scoring uses it from then on.
    pub fn enable_fast_path(&mut self) -> Result<()> {
        let bert = self.net.bert_config.clone();
        self.fast = Some(fast::FastEncoder::new(
            &self.net.vs.variables(),
            &bert,
            self.int8,
        )?);
        Ok(())
    }

    /// Scores with rust-bert's `BertModel` instead of the fast path.
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
        self.tokenizer.encode_attributed(text, source)
    }

    /// Whether this model reads attributed sources (see
    /// [`Classifier::tokenize_attributed`]).
    pub fn reads_sources(&self) -> bool {
        self.config.source_input
    }

    /// Logits of both heads for already-tokenized quotes in one padded
    /// batch, in the order given (no temperature applied).
    pub fn logits(&self, items: &[&Tokenized], train: bool) -> Result<HeadLogits> {
        let (ids, mask) = batch_tensors(items, self.device);
        match (&self.fast, train) {
            (Some(fast), false) => {
                let hidden = fast.hidden_states(&ids, &mask);
                Ok(self.net.heads(&self.net.pool(&hidden, &mask), false))
            }
            _ => self.net.forward(&ids, &mask, train),
        }
    }

    /// Raw logits of both heads (no temperature) for tokenized quotes, in
    /// the order given: `[speaker, stance]`, each one row per quote.
    ///
    /// Quotes are sorted by length and cut into token-budget batches, run
    /// under no-grad, and put back in input order.
    pub fn all_logits(&self, items: &[Tokenized]) -> Result<[Vec<Vec<f32>>; 2]> {
        let lengths: Vec<usize> = items.iter().map(|t| t.ids.len()).collect();
        let mut out: [Vec<Vec<f32>>; 2] =
            [vec![Vec::new(); items.len()], vec![Vec::new(); items.len()]];
        for batch in plan(&lengths, self.limits) {
            let refs: Vec<&Tokenized> = batch.iter().map(|&i| &items[i]).collect();
            let rows = tch::no_grad(|| -> Result<[Vec<f32>; 2]> {
                let logits = self.logits(&refs, false)?;
                let speaker = logits
                    .speaker
                    .to_device(Device::Cpu)
                    .to_kind(Kind::Float)
                    .flatten(0, -1);
                let stance = logits
                    .stance
                    .to_device(Device::Cpu)
                    .to_kind(Kind::Float)
                    .flatten(0, -1);
                Ok([
                    Vec::<f32>::try_from(&speaker)?,
                    Vec::<f32>::try_from(&stance)?,
                ])
            })?;
            for (k, head) in Head::ALL.into_iter().enumerate() {
                let n = self.config.labels.of(head).len();
                for (row, &i) in batch.iter().enumerate() {
                    out[k][i] = rows[k][row * n..(row + 1) * n].to_vec();
                }
            }
        }
        Ok(out)
    }

    /// Scores tokenized quotes (see [`Classifier::all_logits`]), applying
    /// the calibration temperatures, and returns predictions in the order
    /// given.
    pub fn score(&self, items: &[Tokenized]) -> Result<Vec<Prediction>> {
        let [speaker, stance] = self.all_logits(items)?;
        let t = self.config.temperature;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let sp = LabelScores::new(
                    &self.config.labels.speaker,
                    &softmax(&speaker[i], t.speaker),
                );
                let st =
                    LabelScores::new(&self.config.labels.stance, &softmax(&stance[i], t.stance));
                Prediction::new(sp, st, item.truncated)
            })
            .collect())
    }

    /// Classifies quotes. A blank quote gives an error in its place; the
    /// others are scored.
    pub fn classify<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Result<Prediction, String>>> {
        let unattributed: Vec<(&str, Option<&str>)> =
            texts.iter().map(|t| (t.as_ref(), None)).collect();
        self.classify_attributed(&unattributed)
    }

    /// Classifies quotes, each with the source an article attributes it to
    /// when known (read only by models trained with sources, see
    /// [`Classifier::tokenize_attributed`]). A blank quote gives an error in
    /// its place; the others are scored.
    pub fn classify_attributed(
        &self,
        quotes: &[(&str, Option<&str>)],
    ) -> Result<Vec<Result<Prediction, String>>> {
        let mut results: Vec<Result<Prediction, String>> = Vec::with_capacity(quotes.len());
        let mut good = Vec::new();
        let mut good_idx = Vec::new();
        for (i, &(text, source)) in quotes.iter().enumerate() {
            if text.trim().is_empty() {
                results.push(Err("empty or blank quote: nothing to classify".into()));
                continue;
            }
            good.push(self.tokenize_attributed(text, source)?);
            good_idx.push(i);
            results.push(Err(String::new()));
        }
        for (pred, i) in self.score(&good)?.into_iter().zip(good_idx) {
            results[i] = Ok(pred);
        }
        Ok(results)
    }

    /// Writes this classifier to a model directory (see [`save_model_dir`]).
    pub fn save(&self, out: &Path, force: bool) -> Result<()> {
        save_model_dir(&self.net, &self.config, out, force)
    }
}

/// Softmax of `logits / temperature`, computed in f64.
pub fn softmax(logits: &[f32], temperature: f64) -> Vec<f32> {
    let scaled: Vec<f64> = logits.iter().map(|&l| f64::from(l) / temperature).collect();
    let max = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = scaled.iter().map(|l| (l - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|e| (e / sum) as f32).collect()
}

/// Builds the padded id and mask tensors `[batch, longest]` for a batch.
pub fn batch_tensors(items: &[&Tokenized], device: Device) -> (Tensor, Tensor) {
    let longest = items.iter().map(|t| t.ids.len()).max().unwrap_or(0);
    let mut ids = vec![0i64; items.len() * longest];
    let mut mask = vec![0i64; items.len() * longest];
    for (row, item) in items.iter().enumerate() {
        let start = row * longest;
        ids[start..start + item.ids.len()].copy_from_slice(&item.ids);
        mask[start..start + item.ids.len()].fill(1);
    }
    let shape = [items.len() as i64, longest as i64];
    (
        Tensor::from_slice(&ids).view(shape).to_device(device),
        Tensor::from_slice(&mask).view(shape).to_device(device),
    )
}

/// Writes a model directory: the tuned weights (safetensors) and
/// `stance.json` go to a temporary folder beside `out`, which is renamed into
/// place only when complete, so an interrupted save never leaves a
/// half-written model. An existing `out` is refused unless `force`, and is
/// then replaced only after the new one is complete.
pub fn save_model_dir(
    net: &StanceNet,
    config: &ModelConfig,
    out: &Path,
    force: bool,
) -> Result<()> {
    if out.exists() && !force {
        return Err(StanceError::Invalid(format!(
            "{} already exists: choose another --out or pass --force to replace it",
            out.display()
        )));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| StanceError::io(&parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".stance-model-")
        .tempdir_in(&parent)
        .map_err(|e| StanceError::io(&parent, e))?;
    let weights_path = tmp.path().join(WEIGHTS_FILE);
    let tensors = weights::stored_tensors(
        &net.tuned_variables(config.tuning),
        config.tuning.storage(),
        &net.deltas,
    )?;
    weights::save(&tensors, &weights_path)?;
    let mut config = config.clone();
    config.weights_sha256 = crate::hash::sha256_file(&weights_path)?;
    let config_path = tmp.path().join(CONFIG_FILE);
    let text = serde_json::to_string_pretty(&config).map_err(|e| StanceError::BadJson {
        path: config_path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&config_path, text + "\n").map_err(|e| StanceError::io(&config_path, e))?;
    let tmp_path = tmp.keep();
    if out.exists() {
        let old = parent.join(format!(
            ".stance-old-{}",
            out.file_name()
                .map_or("model".into(), |n| n.to_string_lossy().into_owned())
        ));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(out, &old).map_err(|e| StanceError::io(out, e))?;
        std::fs::rename(&tmp_path, out).map_err(|e| StanceError::io(out, e))?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(&tmp_path, out).map_err(|e| StanceError::io(out, e))?;
    }
    Ok(())
}

/// Creates a model directory with freshly initialised heads on the base
/// encoder (seeded), so everything can be tried before training.
pub fn init_model_dir(out: &Path, base_dir: Option<&Path>, seed: u64, force: bool) -> Result<()> {
    let base_dir = base_dir.map_or_else(base::default_base_dir, Path::to_path_buf);
    let base = BaseEncoder::open(&base_dir, None)?;
    let mut training = std::collections::BTreeMap::new();
    training.insert("seed".to_string(), serde_json::json!(seed));
    training.insert(
        "note".to_string(),
        serde_json::json!("untrained heads (stance init)"),
    );
    let config = ModelConfig {
        format: config::FORMAT_VERSION,
        base: base.info.clone(),
        labels: Default::default(),
        max_length: 256,
        pooling: Pooling::Mean,
        dropout: 0.1,
        tuning: TuneMode::Heads,
        source_input: false,
        temperature: Default::default(),
        weights_sha256: String::new(),
        training,
        metrics: Default::default(),
    };
    let net = {
        let _rng = TORCH_RNG
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        tch::manual_seed(seed as i64);
        StanceNet::for_config(Device::Cpu, &base.config, &config)
    };
    save_model_dir(&net, &config, out, force)
}
