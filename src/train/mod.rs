//! Fine-tuning: a multi-task loss (speaker + stance cross-entropy with
//! class weights), AdamW from libtorch over exactly the tensors of the tuning
//! mode, warm-up and linear decay, gradient clipping, dropout only in
//! training, dev evaluation after every epoch, early stopping with the best
//! epoch kept, and temperature calibration on the dev set.

pub mod calibrate;

use crate::error::{Result, StanceError};
use crate::eval::{report, score_labeled, EvalReport};
use crate::io::labeled::LabeledQuote;
use crate::labels::Head;
use crate::model::base::{default_base_dir, BaseEncoder};
use crate::model::config::{ModelConfig, Pooling, Storage, Temperatures, TuneMode, FORMAT_VERSION};
use crate::model::device::DeviceChoice;
use crate::model::{batch_tensors, weights, Classifier, StanceNet};
use crate::text::tokenize::{QuoteTokenizer, Tokenized};
use rand::seq::SliceRandom;
use rand::Rng;
use rand::SeedableRng;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;
use tch::{Kind, Tensor};

/// Settings of a training run.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Which weights to train.
    pub tune: TuneMode,
    /// Most epochs (early stopping may end sooner).
    pub epochs: usize,
    /// Peak learning rate of the encoder's tuned weights.
    pub lr: f64,
    /// Peak learning rate of the heads.
    pub head_lr: f64,
    /// Quotes per step.
    pub batch_size: usize,
    /// Seed of initialisation, shuffling and dropout.
    pub seed: u64,
    /// Share of steps spent warming the learning rate up.
    pub warmup: f64,
    /// AdamW weight decay (not applied to biases and LayerNorms).
    pub weight_decay: f64,
    /// Largest global gradient L2 norm.
    pub clip_norm: f64,
    /// Weight of the speaker loss.
    pub speaker_weight: f64,
    /// Weight of the stance loss.
    pub stance_weight: f64,
    /// Epochs without dev improvement before stopping.
    pub patience: usize,
    /// Longest input in tokens.
    pub max_length: usize,
    /// Dropout before the heads.
    pub dropout: f64,
    /// Weight classes by inverse frequency in the loss.
    pub class_weights: bool,
    /// Share of the training quotes that have a `source` shown with it (a
    /// fresh draw each epoch); the rest are shown alone, so the model reads
    /// quotes with and without a source. 0 trains on quotes alone.
    pub source_rate: f64,
    /// Weight of a second speaker loss on each shown source read alone
    /// (`[CLS] source [SEP]`), which teaches the encoder what sources say
    /// about the speaker ("the firm", "officials") rather than leaving it
    /// to the quote.
    pub source_alone_weight: f64,
    /// Where to train.
    pub device: DeviceChoice,
    /// Base encoder folder.
    pub base_dir: Option<PathBuf>,
    /// Show a progress bar.
    pub progress: bool,
}

impl TrainOptions {
    /// Defaults suited to a tuning mode.
    pub fn for_mode(tune: TuneMode) -> TrainOptions {
        let (lr, head_lr, epochs) = match tune {
            TuneMode::Heads => (0.0, 3e-3, 20),
            TuneMode::Light => (2e-3, 2e-3, 12),
            TuneMode::Top => (3e-4, 2e-3, 10),
            TuneMode::Top2 => (3e-4, 2e-3, 12),
            TuneMode::Full => (8e-5, 1e-3, 8),
        };
        TrainOptions {
            tune,
            epochs,
            lr,
            head_lr,
            batch_size: 32,
            seed: 13,
            warmup: 0.1,
            weight_decay: 0.01,
            clip_norm: 1.0,
            speaker_weight: 1.0,
            stance_weight: 1.0,
            patience: 3,
            max_length: 256,
            dropout: 0.1,
            class_weights: true,
            source_rate: 0.5,
            source_alone_weight: 0.5,
            device: DeviceChoice::Auto,
            base_dir: None,
            progress: true,
        }
    }
}

/// What happened in one epoch.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EpochLog {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Dev macro-F1 of the speaker head.
    pub dev_speaker_f1: f64,
    /// Dev macro-F1 of the stance head.
    pub dev_stance_f1: f64,
    /// Seconds the epoch took, dev evaluation included.
    pub seconds: f64,
}

/// The result of training.
pub struct TrainOutcome {
    /// The trained, calibrated classifier (best epoch).
    pub classifier: Classifier,
    /// One entry per epoch run.
    pub epochs: Vec<EpochLog>,
    /// The epoch whose weights were kept.
    pub best_epoch: usize,
    /// Dev metrics before calibration.
    pub dev_uncalibrated: EvalReport,
    /// Dev metrics after calibration.
    pub dev: EvalReport,
    /// Dev metrics after calibration, quotes read with their sources, when
    /// the model reads sources.
    pub dev_with_source: Option<EvalReport>,
    /// Number of trained scalar parameters.
    pub trained_parameters: i64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Checks the data: both sets non-empty, and every class of both heads
/// present in each (macro-F1 and calibration need them).
fn check_data(train: &[LabeledQuote], dev: &[LabeledQuote], config: &ModelConfig) -> Result<()> {
    for (name, set) in [("training", train), ("dev", dev)] {
        if set.is_empty() {
            return Err(StanceError::Invalid(format!(
                "the {name} file has no records"
            )));
        }
        for head in Head::ALL {
            for (k, label) in config.labels.of(head).iter().enumerate() {
                let present = set.iter().any(|q| match head {
                    Head::Speaker => q.speaker == k,
                    Head::Stance => q.stance == k,
                });
                if !present {
                    return Err(StanceError::Invalid(format!(
                        "the {name} file has no quote with {} \"{label}\": every class must appear in it",
                        head.name()
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Inverse-frequency class weights `n / (k * n_c)`.
fn class_weights(labels: &[usize], k: usize) -> Vec<f32> {
    let mut counts = vec![0usize; k];
    for &l in labels {
        counts[l] += 1;
    }
    counts
        .iter()
        .map(|&c| labels.len() as f32 / (k as f32 * c.max(1) as f32))
        .collect()
}

/// Trains a classifier on `train`, choosing the epoch by `dev`.
///
/// Holds [`crate::model::TORCH_RNG`] throughout, so the same seed, data and
/// settings give the same weights even when other threads load models.
pub fn train(
    train: &[LabeledQuote],
    dev: &[LabeledQuote],
    opts: &TrainOptions,
) -> Result<TrainOutcome> {
    let _rng = crate::model::TORCH_RNG
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if opts.epochs == 0 {
        return Err(StanceError::Invalid("--epochs must be at least 1".into()));
    }
    if !(0.0..=1.0).contains(&opts.source_rate) {
        return Err(StanceError::Invalid(format!(
            "--source-rate must be between 0 and 1, is {}",
            opts.source_rate
        )));
    }
    if opts.batch_size == 0 {
        return Err(StanceError::Invalid(
            "--batch-size must be at least 1".into(),
        ));
    }
    let start = Instant::now();
    let base_dir = opts.base_dir.clone().unwrap_or_else(default_base_dir);
    let base = BaseEncoder::open(&base_dir, None)?;
    let config = ModelConfig {
        format: FORMAT_VERSION,
        base: base.info.clone(),
        labels: Default::default(),
        max_length: opts.max_length,
        pooling: Pooling::Mean,
        dropout: opts.dropout,
        tuning: opts.tune,
        source_input: opts.source_rate > 0.0 && train.iter().any(|q| q.source.is_some()),
        temperature: Temperatures::default(),
        weights_sha256: String::new(),
        training: BTreeMap::new(),
        metrics: BTreeMap::new(),
    };
    check_data(train, dev, &config)?;
    let device = opts.device.resolve()?;
    tch::manual_seed(opts.seed as i64);
    let net = StanceNet::for_config(device, &base.config, &config);
    weights::load_into(
        &net.vs.variables(),
        &base.weights_path(),
        crate::model::UNUSED_BASE_TENSORS,
    )?;
    // The base values of the matrices int8-delta storage keeps as deltas.
    let base_matrices: BTreeMap<String, Tensor> = if opts.tune.storage() == Storage::Int8Delta {
        net.tuned_variables(opts.tune)
            .into_iter()
            .filter(|(name, _)| weights::is_encoder_matrix(name))
            .map(|(name, var)| (name, var.detach().copy()))
            .collect()
    } else {
        BTreeMap::new()
    };
    let tokenizer = QuoteTokenizer::from_file(&base.tokenizer_path(), opts.max_length)?;
    let mut clf = Classifier::from_parts(net, tokenizer, config, device, PathBuf::new());

    // Exactly the tensors of the tuning mode are trained; the rest is frozen.
    let tuned = clf.net().tuned_variables(opts.tune);
    for (name, var) in clf.net().vs.variables() {
        let on = tuned.iter().any(|(n, _)| *n == name);
        let _ = var.set_requires_grad(on);
    }
    let mut opt = tch::COptimizer::adamw(opts.head_lr, 0.9, 0.999, opts.weight_decay, 1e-8, false)?;
    // Groups: 0 heads, 1 encoder matrices (decayed), 2 encoder biases and LayerNorms.
    let group_of = |name: &str| {
        if name.starts_with("speaker_head.") || name.starts_with("stance_head.") {
            0
        } else if name.ends_with(".bias") || name.contains("LayerNorm") {
            2
        } else {
            1
        }
    };
    let mut groups_used = [false; 3];
    for (name, var) in &tuned {
        let g = group_of(name);
        groups_used[g] = true;
        opt.add_parameters(var, g)?;
    }
    let group_lr = [opts.head_lr, opts.lr, opts.lr];
    if groups_used[2] {
        opt.set_weight_decay_group(2, 0.0)?;
    }
    let trainable: Vec<Tensor> = tuned.iter().map(|(_, t)| t.shallow_clone()).collect();
    let trained_parameters: i64 = trainable.iter().map(|t| t.numel() as i64).sum();

    let encode = |set: &[LabeledQuote]| -> Result<Vec<Tokenized>> {
        set.iter().map(|q| clf.tokenize(&q.text)).collect()
    };
    let train_items = encode(train)?;
    // Where a source is given and read: the quote with its source as a
    // second segment, and the source alone (for the source-alone loss).
    let train_sourced: Vec<Option<(Tokenized, Tokenized)>> = train
        .iter()
        .map(|q| match q.source.as_deref() {
            Some(s) if clf.reads_sources() => Ok(Some((
                clf.tokenize_attributed(&q.text, Some(s))?,
                clf.tokenize(s)?,
            ))),
            _ => Ok(None),
        })
        .collect::<Result<_>>()?;
    let speaker_truth: Vec<usize> = train.iter().map(|q| q.speaker).collect();
    let stance_truth: Vec<usize> = train.iter().map(|q| q.stance).collect();
    let n_labels = [
        clf.config().labels.speaker.len(),
        clf.config().labels.stance.len(),
    ];
    let loss_weights = if opts.class_weights {
        [
            class_weights(&speaker_truth, n_labels[0]),
            class_weights(&stance_truth, n_labels[1]),
        ]
    } else {
        [vec![1.0; n_labels[0]], vec![1.0; n_labels[1]]]
    };
    let loss_weights = [
        Tensor::from_slice(&loss_weights[0]).to_device(device),
        Tensor::from_slice(&loss_weights[1]).to_device(device),
    ];

    let steps_per_epoch = train.len().div_ceil(opts.batch_size);
    let total_steps = steps_per_epoch * opts.epochs;
    let warmup_steps = ((total_steps as f64 * opts.warmup).ceil() as usize).max(1);
    let bar = if opts.progress {
        indicatif::ProgressBar::new(total_steps as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} steps {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(opts.seed);
    // A separate stream for showing sources, so the shuffles do not depend
    // on whether the data has sources.
    let mut source_rng = rand_chacha::ChaCha8Rng::seed_from_u64(opts.seed ^ 0x5ca1_ab1e);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut logs: Vec<EpochLog> = Vec::new();
    let mut best: Option<(f64, usize, Vec<Tensor>)> = None;
    let mut step = 0usize;
    let mut since_best = 0usize;
    for epoch in 1..=opts.epochs {
        let epoch_start = Instant::now();
        order.shuffle(&mut rng);
        let mut loss_sum = 0.0;
        for chunk in order.chunks(opts.batch_size) {
            let scale = if step < warmup_steps {
                (step + 1) as f64 / warmup_steps as f64
            } else {
                ((total_steps - step) as f64 / (total_steps - warmup_steps).max(1) as f64).max(0.0)
            };
            for (g, used) in groups_used.iter().enumerate() {
                if *used {
                    opt.set_learning_rate_group(g, group_lr[g] * scale)?;
                }
            }
            let mut shown: Vec<usize> = Vec::new();
            let refs: Vec<&Tokenized> = chunk
                .iter()
                .map(|&i| match &train_sourced[i] {
                    Some((attributed, _)) if source_rng.gen::<f64>() < opts.source_rate => {
                        shown.push(i);
                        attributed
                    }
                    _ => &train_items[i],
                })
                .collect();
            let (ids, mask) = batch_tensors(&refs, device);
            let logits = clf.net().forward(&ids, &mask, true)?;
            // Cross-entropy of one head's logits for the training quotes `rows`.
            let head_loss = |logits: &Tensor, rows: &[usize], truth: &[usize], weights: &Tensor| {
                let t: Vec<i64> = rows.iter().map(|&i| truth[i] as i64).collect();
                logits.cross_entropy_loss::<Tensor>(
                    &Tensor::from_slice(&t).to_device(device),
                    Some(weights.shallow_clone()),
                    tch::Reduction::Mean,
                    -100,
                    0.0,
                )
            };
            let speaker_loss = head_loss(&logits.speaker, chunk, &speaker_truth, &loss_weights[0]);
            let stance_loss = head_loss(&logits.stance, chunk, &stance_truth, &loss_weights[1]);
            let loss = speaker_loss * opts.speaker_weight + stance_loss * opts.stance_weight;
            let loss = if shown.is_empty() || opts.source_alone_weight <= 0.0 {
                loss
            } else {
                let alone: Vec<&Tokenized> = shown
                    .iter()
                    .filter_map(|&i| train_sourced[i].as_ref().map(|(_, alone)| alone))
                    .collect();
                let (ids, mask) = batch_tensors(&alone, device);
                let logits = clf.net().forward(&ids, &mask, true)?;
                let source_loss =
                    head_loss(&logits.speaker, &shown, &speaker_truth, &loss_weights[0]);
                loss + source_loss * (opts.speaker_weight * opts.source_alone_weight)
            };
            opt.zero_grad()?;
            loss.backward();
            clip_grad_norm(&trainable, opts.clip_norm);
            opt.step()?;
            let value = loss.double_value(&[]);
            if !value.is_finite() {
                return Err(StanceError::Invalid(format!(
                    "training diverged at epoch {epoch} (loss {value}); lower --lr"
                )));
            }
            loss_sum += value * chunk.len() as f64;
            step += 1;
            bar.set_message(format!("epoch {epoch}/{} loss {value:.4}", opts.epochs));
            bar.inc(1);
        }
        let scored = score_labeled(&clf, dev, false)?;
        let dev_report = report(&clf, &scored, [1.0, 1.0]);
        let log = EpochLog {
            epoch,
            train_loss: loss_sum / train.len() as f64,
            dev_speaker_f1: dev_report.speaker.macro_f1,
            dev_stance_f1: dev_report.stance.macro_f1,
            seconds: epoch_start.elapsed().as_secs_f64(),
        };
        let score = (log.dev_speaker_f1 + log.dev_stance_f1) / 2.0;
        let improved = best.as_ref().is_none_or(|(s, _, _)| score > *s);
        let line = format!(
            "epoch {epoch:>2}: train loss {:.4}  dev macro-F1 speaker {:.4} stance {:.4}  ({:.1} s){}",
            log.train_loss,
            log.dev_speaker_f1,
            log.dev_stance_f1,
            log.seconds,
            if improved { "  best so far" } else { "" }
        );
        bar.suspend(|| eprintln!("{line}"));
        logs.push(log);
        if improved {
            let copies = trainable.iter().map(|t| t.detach().copy()).collect();
            best = Some((score, epoch, copies));
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= opts.patience {
                bar.suspend(|| {
                    eprintln!(
                        "no dev improvement for {} epochs: stopping early",
                        opts.patience
                    )
                });
                break;
            }
        }
    }
    bar.finish_and_clear();
    let (_, best_epoch, copies) =
        best.ok_or_else(|| StanceError::Invalid("no epoch ran".into()))?;
    tch::no_grad(|| -> Result<()> {
        for (var, saved) in trainable.iter().zip(&copies) {
            let mut var = var.shallow_clone();
            var.f_copy_(saved)?;
        }
        Ok(())
    })?;
    for (_, var) in clf.net().vs.variables() {
        let _ = var.set_requires_grad(false);
    }
    // Evaluate and calibrate exactly the model that is stored.
    match opts.tune.storage() {
        Storage::F16 => tch::no_grad(|| -> Result<()> {
            for var in &trainable {
                let rounded = var.to_kind(Kind::Half).to_kind(var.kind());
                var.shallow_clone().f_copy_(&rounded)?;
            }
            Ok(())
        })?,
        Storage::Int8Delta => clf
            .net_mut()
            .round_to_int8_deltas(opts.tune, &base_matrices)?,
        Storage::F32 => {}
    }

    // Calibration: one temperature per head, fitted on the dev set.
    let scored = score_labeled(&clf, dev, false)?;
    let dev_uncalibrated = report(&clf, &scored, [1.0, 1.0]);
    let temperatures = [
        calibrate::fit_temperature(&scored.logits[0], &scored.truth[0]),
        calibrate::fit_temperature(&scored.logits[1], &scored.truth[1]),
    ];
    let dev_report = report(&clf, &scored, temperatures);
    let dev_with_source = if clf.reads_sources() {
        let scored = score_labeled(&clf, dev, true)?;
        Some(report(&clf, &scored, temperatures))
    } else {
        None
    };
    let config = clf.config_mut();
    config.temperature = Temperatures {
        speaker: temperatures[0],
        stance: temperatures[1],
    };
    Ok(TrainOutcome {
        classifier: clf,
        epochs: logs,
        best_epoch,
        dev_uncalibrated,
        dev: dev_report,
        dev_with_source,
        trained_parameters,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Scales the gradients of `params` so their global L2 norm is at most `max`.
fn clip_grad_norm(params: &[Tensor], max: f64) {
    tch::no_grad(|| {
        let norms: Vec<Tensor> = params
            .iter()
            .map(|p| p.grad())
            .filter(|g| g.defined())
            .map(|g| g.norm().to_kind(Kind::Double))
            .collect();
        if norms.is_empty() {
            return;
        }
        let total = Tensor::stack(&norms, 0).norm().double_value(&[]);
        let coef = max / (total + 1e-6);
        if coef < 1.0 {
            for p in params {
                let mut g = p.grad();
                if g.defined() {
                    let _ = g.g_mul_scalar_(coef);
                }
            }
        }
    });
}
