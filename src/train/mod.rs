//! Fine-tuning: a multi-task loss (speaker + stance cross-entropy with
//! class weights), AdamW from libtorch over exactly the tensors of the tuning
//! mode, warm-up and linear decay, gradient clipping, dropout only in
//! training, dev evaluation after every epoch, early stopping with the best
//! epoch kept, and temperature calibration on the dev set.

pub mod calibrate;

use crate::classifier::Classifier;
use crate::error::{Result, StanceError};
use crate::eval::{evaluate, report, score_labeled, EvalReport};
use crate::gazetteer::Gazetteer;
use crate::io::labeled::{Dataset, LabeledQuote};
use crate::labels::{Head, PerHead, Temperatures};
use crate::model::base::{default_base_dir, BaseEncoder};
use crate::model::config::{
    EpochLog, Metrics, ModelConfig, Pooling, Provenance, SourceMetrics, Storage, TuneMode,
    FORMAT_VERSION,
};
use crate::model::device::DeviceChoice;
use crate::model::tuning::{self, Group};
use crate::model::{encoder, lock_rng, weights, StanceNet};
use crate::progress::Progress;
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
    /// Real organisations and titles to draw sources from: a shown source
    /// is, `gazetteer_rate` of the time, one drawn from it for the quote's
    /// kind of speaker instead of the data's own (quotes without a source
    /// get one too), so the model learns to read real names.
    pub gazetteer: Option<Gazetteer>,
    /// Share of shown sources drawn from the gazetteer.
    pub gazetteer_rate: f64,
    /// Where to train.
    pub device: DeviceChoice,
    /// Base encoder folder; `None` is the default one.
    pub base_dir: Option<PathBuf>,
}

impl TrainOptions {
    /// Defaults suited to a tuning mode.
    pub fn for_mode(tune: TuneMode) -> TrainOptions {
        let (lr, head_lr, epochs) = match tune {
            TuneMode::Heads => (0.0, 3e-3, 20),
            TuneMode::Light => (2e-3, 2e-3, 12),
            TuneMode::Top => (3e-4, 2e-3, 10),
            TuneMode::Top2 => (3e-4, 2e-3, 12),
            TuneMode::Upper | TuneMode::Upper2 => (1e-4, 2e-3, 6),
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
            gazetteer: None,
            gazetteer_rate: 0.5,
            device: DeviceChoice::Auto,
            base_dir: None,
        }
    }
}

/// The data of a training run: the training set, the dev set that picks
/// the epoch and fits the calibration, and an optional test set evaluated
/// once at the end.
pub struct TrainData<'a> {
    /// Training quotes.
    pub train: &'a Dataset,
    /// Dev quotes.
    pub dev: &'a Dataset,
    /// Test quotes.
    pub test: Option<&'a Dataset>,
}

/// The result of training.
pub struct TrainOutcome {
    /// The trained, calibrated classifier (best epoch), its config holding
    /// the run's provenance and metrics: save it with
    /// [`Classifier::save`] for a complete model directory.
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
    /// Test metrics, when a test set was given.
    pub test: Option<EvalReport>,
    /// Test metrics with sources, when a test set was given and the model
    /// reads sources.
    pub test_with_source: Option<EvalReport>,
    /// Held-out gazetteer sources read alone, when a gazetteer was given.
    pub gazetteer_held_out: Option<SourceMetrics>,
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
            return Err(StanceError::Unusable {
                set: name,
                why: "has no records".into(),
            });
        }
        for head in Head::ALL {
            for (k, label) in config.labels.of(head).iter().enumerate() {
                if !set.iter().any(|q| q.label(head) == k) {
                    return Err(StanceError::Unusable {
                        set: name,
                        why: format!(
                            "has no quote with {} \"{label}\": every class must appear in it",
                            head.name()
                        ),
                    });
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

/// Trains a classifier on `data.train`, choosing the epoch by `data.dev`,
/// evaluating `data.test` once at the end, and reporting to `progress`. The
/// returned classifier's config holds the run's provenance and metrics.
///
/// Holds [`crate::model::TORCH_RNG`] throughout, so the same seed, data and
/// settings give the same weights even when other threads load models.
pub fn train(
    data: &TrainData,
    opts: &TrainOptions,
    progress: &dyn Progress,
) -> Result<TrainOutcome> {
    let (train, dev) = (&data.train.quotes[..], &data.dev.quotes[..]);
    let _rng = lock_rng();
    if opts.epochs == 0 {
        return Err(StanceError::setting("epochs", "at least 1", opts.epochs));
    }
    if !(0.0..=1.0).contains(&opts.source_rate) {
        return Err(StanceError::setting(
            "source_rate",
            "between 0 and 1",
            opts.source_rate,
        ));
    }
    if !(0.0..=1.0).contains(&opts.gazetteer_rate) {
        return Err(StanceError::setting(
            "gazetteer_rate",
            "between 0 and 1",
            opts.gazetteer_rate,
        ));
    }
    if opts.batch_size == 0 {
        return Err(StanceError::setting("batch_size", "at least 1", 0));
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
        source_input: opts.source_rate > 0.0
            && (opts.gazetteer.is_some() || train.iter().any(|q| q.source.is_some())),
        temperature: Temperatures::default(),
        source_cues: None,
        weights_sha256: String::new(),
        note: None,
        training: None,
        metrics: Metrics::default(),
    };
    check_data(train, dev, &config)?;
    let device = opts.device.resolve()?;
    tch::manual_seed(opts.seed as i64);
    let net = StanceNet::for_config(device, &base.config, &config)?;
    let (_, unused) = encoder::weight_names(&base.config);
    weights::load_into(&net.vs.variables(), &base.weights_path(), unused)?;
    // The base values of the matrices delta storage keeps as deltas.
    let base_matrices: BTreeMap<String, Tensor> = if opts.tune.storage().delta_bits().is_some() {
        net.tuned_variables(opts.tune)
            .into_iter()
            .filter(|(name, _)| tuning::is_encoder_matrix(name))
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
    // One optimizer group per tuning::Group, each with its learning rate;
    // biases and LayerNorms are not decayed.
    let mut groups_used = [false; 3];
    for (name, var) in &tuned {
        let g = tuning::group(name) as usize;
        groups_used[g] = true;
        opt.add_parameters(var, g)?;
    }
    let group_lr = [opts.head_lr, opts.lr, opts.lr];
    if groups_used[Group::Norms as usize] {
        opt.set_weight_decay_group(Group::Norms as usize, 0.0)?;
    }
    let trainable: Vec<Tensor> = tuned.iter().map(|(_, t)| t.shallow_clone()).collect();
    let trained_parameters: i64 = trainable.iter().map(|t| t.numel() as i64).sum();

    let encode = |set: &[LabeledQuote]| -> Result<Vec<Tokenized>> {
        set.iter().map(|q| clf.tokenize(&q.text)).collect()
    };
    // Layers frozen whole are run once: their output for every sequence
    // training shows is cached, and each step runs only the layers above.
    let layers = clf.net().encoder_config().layers();
    let split = opts
        .tune
        .frozen_below(layers)
        .filter(|_| clf.net().encoder().is_some_and(|e| e.splits()));
    let train_items = encode(train)?;
    // The sources shown with the quotes: the data's own, or, a share of the
    // time, one drawn from the gazetteer for the quote's kind of speaker.
    // Each is kept as the quote with its source as a second segment and as
    // the source alone (for the source-alone loss). A cached run fixes which
    // quotes are shown with a source (a `source_rate` share, always the same
    // ones), so that only those sequences are cached.
    let keep = if split.is_some() {
        opts.source_rate
    } else {
        1.0
    };
    let speaker_labels = clf.config().labels.speaker.clone();
    let draw_sources =
        |rng: &mut rand_chacha::ChaCha8Rng| -> Result<Vec<Option<(Tokenized, Tokenized)>>> {
            train
                .iter()
                .map(|q| {
                    if !clf.reads_sources() || (keep < 1.0 && rng.gen::<f64>() >= keep) {
                        return Ok(None);
                    }
                    let drawn = opts.gazetteer.as_ref().and_then(|g| {
                        if rng.gen::<f64>() < opts.gazetteer_rate || q.source.is_none() {
                            g.source(&speaker_labels[q.label(Head::Speaker)], rng)
                        } else {
                            None
                        }
                    });
                    match drawn.as_deref().or(q.source.as_deref()) {
                        Some(s) => Ok(Some((
                            clf.tokenize_attributed(&q.text, Some(s))?,
                            clf.tokenize(s)?,
                        ))),
                        None => Ok(None),
                    }
                })
                .collect()
        };
    let mut gazetteer_rng = rand_chacha::ChaCha8Rng::seed_from_u64(opts.seed ^ 0x9a2e_77e1);
    let mut train_sourced = draw_sources(&mut gazetteer_rng)?;
    let cache = match split {
        Some(k) => {
            progress.note(&format!(
                "running the {k} frozen lower layers once over the training quotes and caching their output"
            ));
            let attributed: Vec<&Tokenized> =
                train_sourced.iter().flatten().map(|(a, _)| a).collect();
            let alone: Vec<&Tokenized> = train_sourced.iter().flatten().map(|(_, s)| s).collect();
            let quotes: Vec<&Tokenized> = train_items.iter().collect();
            let mut slots = train_sourced.iter().map(Option::is_some);
            let mut attributed = cache_lower(&clf, &attributed, k)?.into_iter();
            let mut alone = cache_lower(&clf, &alone, k)?.into_iter();
            let sourced: Vec<Option<(Tensor, Tensor)>> = (0..train.len())
                .map(|_| match slots.next() {
                    Some(true) => attributed.next().zip(alone.next()),
                    _ => None,
                })
                .collect();
            Some(Cache {
                k,
                quotes: cache_lower(&clf, &quotes, k)?,
                sourced,
            })
        }
        None => None,
    };
    let truth: PerHead<Vec<usize>> =
        PerHead::from_fn(|head| train.iter().map(|q| q.label(head)).collect());
    let loss_weights = PerHead::from_fn(|head| {
        let n = clf.config().labels.of(head).len();
        let w = if opts.class_weights {
            class_weights(truth.of(head), n)
        } else {
            vec![1.0; n]
        };
        Tensor::from_slice(&w).to_device(device)
    });

    let steps_per_epoch = train.len().div_ceil(opts.batch_size);
    let total_steps = steps_per_epoch * opts.epochs;
    let warmup_steps = ((total_steps as f64 * opts.warmup).ceil() as usize).max(1);
    progress.start(Some(total_steps as u64), 0);
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
        if epoch > 1 && cache.is_none() && opts.gazetteer.is_some() {
            // Fresh gazetteer sources each epoch (a cached run keeps the
            // ones it cached).
            train_sourced = draw_sources(&mut gazetteer_rng)?;
        }
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
            let mut with_source: Vec<bool> = Vec::with_capacity(chunk.len());
            for &i in chunk {
                let show = train_sourced[i].is_some()
                    && (cache.is_some() || source_rng.gen::<f64>() < opts.source_rate);
                if show {
                    shown.push(i);
                }
                with_source.push(show);
            }
            // Logits of the sequences picked by `pick` for the quotes `rows`.
            let forward = |rows: &[usize], alone_sources: bool| -> Result<PerHead<Tensor>> {
                let show = |j: usize| alone_sources || with_source[j];
                match &cache {
                    Some(cache) => {
                        let states: Vec<&Tensor> = rows
                            .iter()
                            .enumerate()
                            .map(|(j, &i)| match (&cache.sourced[i], show(j)) {
                                (Some((_, alone)), true) if alone_sources => alone,
                                (Some((attributed, _)), true) => attributed,
                                _ => &cache.quotes[i],
                            })
                            .collect();
                        let (x, mask) = pad_states(&states, device);
                        clf.net().forward_from(&x, &mask, cache.k, true)
                    }
                    None => {
                        let refs: Vec<&Tokenized> = rows
                            .iter()
                            .enumerate()
                            .map(|(j, &i)| match (&train_sourced[i], show(j)) {
                                (Some((_, alone)), true) if alone_sources => alone,
                                (Some((attributed, _)), true) => attributed,
                                _ => &train_items[i],
                            })
                            .collect();
                        let (ids, mask) = clf.batch_tensors(&refs);
                        clf.net().forward(&ids, &mask, true)
                    }
                }
            };
            let logits = forward(chunk, false)?;
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
            let speaker_loss = head_loss(
                &logits.speaker,
                chunk,
                &truth.speaker,
                &loss_weights.speaker,
            );
            let stance_loss = head_loss(&logits.stance, chunk, &truth.stance, &loss_weights.stance);
            let loss = speaker_loss * opts.speaker_weight + stance_loss * opts.stance_weight;
            let loss = if shown.is_empty() || opts.source_alone_weight <= 0.0 {
                loss
            } else {
                let logits = forward(&shown, true)?;
                let source_loss = head_loss(
                    &logits.speaker,
                    &shown,
                    &truth.speaker,
                    &loss_weights.speaker,
                );
                loss + source_loss * (opts.speaker_weight * opts.source_alone_weight)
            };
            opt.zero_grad()?;
            loss.backward();
            clip_grad_norm(&trainable, opts.clip_norm);
            opt.step()?;
            let value = loss.double_value(&[]);
            if !value.is_finite() {
                return Err(StanceError::Diverged { epoch, loss: value });
            }
            loss_sum += value * chunk.len() as f64;
            step += 1;
            progress.status(&format!("epoch {epoch}/{} loss {value:.4}", opts.epochs));
            progress.advance(1);
        }
        let scored = score_labeled(&clf, dev, false)?;
        let dev_report = report(&clf, &scored, Temperatures::default());
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
        progress.note(&line);
        logs.push(log);
        if improved {
            let copies = trainable.iter().map(|t| t.detach().copy()).collect();
            best = Some((score, epoch, copies));
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= opts.patience {
                progress.note(&format!(
                    "no dev improvement for {} epochs: stopping early",
                    opts.patience
                ));
                break;
            }
        }
    }
    progress.finish();
    let (_, best_epoch, copies) = best.ok_or(StanceError::setting("epochs", "at least 1", 0))?;
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
        Storage::Int8Delta | Storage::Int4Delta => {
            if let Some(bits) = opts.tune.storage().delta_bits() {
                clf.net_mut()
                    .round_to_deltas(opts.tune, bits, &base_matrices)?
            }
        }
        Storage::F32 => {}
    }

    // Calibration: one temperature per head, fitted on the dev set.
    let scored = score_labeled(&clf, dev, false)?;
    let dev_uncalibrated = report(&clf, &scored, Temperatures::default());
    let temperatures = PerHead::from_fn(|head| {
        calibrate::fit_temperature(scored.logits.of(head), scored.truth.of(head))
    });
    let dev_report = report(&clf, &scored, temperatures);
    clf.config_mut().temperature = temperatures;
    // Source cues: their weights are fitted on the dev set with sources.
    let cues = crate::eval::fit_source_cues(
        &mut clf,
        dev,
        &data.dev.path.display().to_string(),
        &data.dev.sha256,
    )?;
    clf.set_source_cues(cues);
    let dev_with_source = if clf.reads_sources() {
        let scored = score_labeled(&clf, dev, true)?;
        Some(report(&clf, &scored, temperatures))
    } else {
        None
    };
    let test = data
        .test
        .map(|t| evaluate(&clf, &t.quotes, false))
        .transpose()?;
    let test_with_source = match data.test {
        Some(t) if clf.reads_sources() => Some(evaluate(&clf, &t.quotes, true)?),
        _ => None,
    };
    let gazetteer_held_out = match &opts.gazetteer {
        Some(g) if clf.reads_sources() => Some(gazetteer_accuracy(&clf, g)?),
        _ => None,
    };
    let seconds = start.elapsed().as_secs_f64();
    let config = clf.config_mut();
    config.training = Some(Provenance {
        batch_size: opts.batch_size,
        best_epoch,
        class_weights: opts.class_weights,
        clip_norm: opts.clip_norm,
        dev_file: data.dev.path.display().to_string(),
        dev_records: dev.len(),
        dev_sha256: data.dev.sha256.clone(),
        epochs_max: opts.epochs,
        cached_layers: cache.as_ref().map(|c| c.k),
        gazetteer: opts.gazetteer.as_ref().map(|g| g.dir.display().to_string()),
        gazetteer_rate: opts.gazetteer.as_ref().map(|_| opts.gazetteer_rate),
        gazetteer_sha256: opts.gazetteer.as_ref().map(|g| g.sha256.clone()),
        epochs_run: logs.len(),
        head_lr: opts.head_lr,
        history: logs.clone(),
        loss_weights: PerHead {
            speaker: opts.speaker_weight,
            stance: opts.stance_weight,
        },
        lr: opts.lr,
        patience: opts.patience,
        seconds: (seconds * 10.0).round() / 10.0,
        seed: opts.seed,
        source_alone_weight: opts.source_alone_weight,
        source_rate: opts.source_rate,
        train_file: data.train.path.display().to_string(),
        train_records: train.len(),
        train_sha256: data.train.sha256.clone(),
        trained_parameters,
        tune: opts.tune,
        warmup: opts.warmup,
        weight_decay: opts.weight_decay,
    });
    let test_file = data.test.map(|t| t.path.display().to_string());
    config.metrics = Metrics {
        dev: Some(dev_report.summary(None, None)),
        dev_uncalibrated: Some(dev_uncalibrated.summary(None, None)),
        dev_with_source: dev_with_source.as_ref().map(|r| r.summary(None, None)),
        test: test
            .as_ref()
            .map(|r| r.summary(test_file.clone(), data.test.map(|t| t.sha256.clone()))),
        test_with_source: test_with_source
            .as_ref()
            .map(|r| r.summary(test_file.clone(), None)),
        gazetteer_held_out,
        other: BTreeMap::new(),
    };
    Ok(TrainOutcome {
        classifier: clf,
        epochs: logs,
        best_epoch,
        dev_uncalibrated,
        dev: dev_report,
        dev_with_source,
        test,
        test_with_source,
        gazetteer_held_out,
        trained_parameters,
        seconds,
    })
}

/// The cached output of the frozen lower layers.
struct Cache {
    /// Layers run to make it.
    k: usize,
    /// Each training quote alone, `[len, hidden]`.
    quotes: Vec<Tensor>,
    /// Each quote with its source, and the source alone, where one is shown.
    sourced: Vec<Option<(Tensor, Tensor)>>,
}

/// Runs the first `k` encoder layers over `items` (in length-sorted
/// batches) and returns each item's states `[len, hidden]`, in order.
fn cache_lower(clf: &Classifier, items: &[&Tokenized], k: usize) -> Result<Vec<Tensor>> {
    let encoder = clf.net().encoder().ok_or(StanceError::InferenceOnly)?;
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].ids.len());
    let mut out: Vec<Option<Tensor>> = (0..items.len()).map(|_| None).collect();
    for chunk in order.chunks(32) {
        let refs: Vec<&Tokenized> = chunk.iter().map(|&i| items[i]).collect();
        let (ids, mask) = clf.batch_tensors(&refs);
        let states = encoder.lower_states(&ids, &mask, k)?;
        for (j, &i) in chunk.iter().enumerate() {
            let len = items[i].ids.len() as i64;
            out[i] = Some(states.get(j as i64).narrow(0, 0, len).copy());
        }
    }
    Ok(out.into_iter().flatten().collect())
}

/// Pads cached states `[len, hidden]` into one batch `[batch, longest,
/// hidden]` with its 0/1 mask. Padding with zeros is exact: padded keys get
/// no attention weight and pooling skips them.
fn pad_states(states: &[&Tensor], device: tch::Device) -> (Tensor, Tensor) {
    let lens: Vec<i64> = states.iter().map(|s| s.size()[0]).collect();
    let longest = lens.iter().copied().max().unwrap_or(0);
    let padded: Vec<Tensor> = states
        .iter()
        .zip(&lens)
        .map(|(s, &l)| s.constant_pad_nd([0, 0, 0, longest - l]))
        .collect();
    let mask: Vec<i64> = lens
        .iter()
        .flat_map(|&l| (0..longest).map(move |i| i64::from(i < l)))
        .collect();
    let mask = Tensor::from_slice(&mask)
        .view([states.len() as i64, longest])
        .to_device(device);
    (Tensor::stack(&padded, 0).to_device(device), mask)
}

/// Reads each held-out gazetteer source alone and counts how often the
/// speaker head names its kind.
pub fn gazetteer_accuracy(clf: &Classifier, gazetteer: &Gazetteer) -> Result<SourceMetrics> {
    let sources = gazetteer.held_out_sources();
    let mut items: Vec<Tokenized> = sources
        .iter()
        .map(|s| clf.tokenize(&s.text))
        .collect::<Result<_>>()?;
    let alone = clf.score(&items)?;
    let mut right = [0usize; 2];
    let mut total = [0usize; 2];
    let mut right_alone = 0;
    let predictions = match clf.cue_reader() {
        Some(cues) => {
            for (item, s) in items.iter_mut().zip(&sources) {
                item.speaker_shift = cues.shift(&s.text);
            }
            Some(clf.score(&items)?)
        }
        None => None,
    };
    for (i, source) in sources.iter().enumerate() {
        let k = usize::from(source.kind != crate::gazetteer::KINDS[0]);
        let p = predictions.as_ref().map_or(&alone[i], |p| &p[i]);
        total[k] += 1;
        right[k] += usize::from(p.speaker == source.kind);
        right_alone += usize::from(alone[i].speaker == source.kind);
    }
    let share = |r: usize, t: usize| if t == 0 { 0.0 } else { r as f64 / t as f64 };
    Ok(SourceMetrics {
        n: sources.len(),
        accuracy: share(right[0] + right[1], total[0] + total[1]),
        government: share(right[0], total[0]),
        company: share(right[1], total[1]),
        model_alone: predictions
            .is_some()
            .then(|| share(right_alone, total[0] + total[1])),
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
