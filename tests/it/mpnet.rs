//! The MPNet encoder against Python `transformers` (4.44.2, `MPNetModel`
//! on the same `all-mpnet-base-v2` weights; the values were computed once
//! and are kept here), its fast path, and splitting it between layers.

use crate::common::{init_mpnet_model, mpnet_base_dir};
use stance::model::device::Precision;
use stance::text::tokenize::Tokenized;
use stance::{Classifier, LoadOptions};
use tch::Tensor;

const SHORT: &str = "We remain committed to providing the highest level of cybersecurity to our customers worldwide.";
const LONG: &str = "The ministry said the operator had ignored repeated warnings about its data transfers, and that it would be fined 4.2 million euros unless it complied within thirty days of the order.";

/// `(quote, token, first five hidden values)` from `transformers`, the two
/// quotes in one padded batch (lengths 20 and 37).
const REFERENCE: [(usize, i64, [f32; 5]); 5] = [
    (0, 0, [0.048521, 0.140529, -0.0958, -0.007843, -0.098287]),
    (0, 19, [0.040498, 0.09466, -0.097415, -0.009297, -0.068968]),
    (1, 0, [0.002444, 0.218151, -0.098663, 0.103266, 0.101846]),
    (1, 36, [-0.04615, 0.213515, -0.095134, 0.077635, 0.114279]),
    (1, 20, [0.003172, -0.367033, 0.053138, -0.085487, 0.129177]),
];

fn load() -> Classifier {
    Classifier::load(
        init_mpnet_model(),
        &LoadOptions {
            base_dir: Some(mpnet_base_dir()),
            ..Default::default()
        },
    )
    .expect("MPNet model loads")
}

fn batch(clf: &Classifier) -> (Tensor, Tensor) {
    let items: Vec<Tokenized> = [SHORT, LONG]
        .iter()
        .map(|q| clf.tokenize(q).expect("tokenizes"))
        .collect();
    assert_eq!(items[0].ids.len(), 20);
    assert_eq!(items[1].ids.len(), 37);
    // <s> ... </s> as transformers' tokenizer gives.
    assert_eq!(&items[0].ids[..4], &[0, 2061, 3965, 5466]);
    assert_eq!(items[0].ids[19], 2);
    clf.batch_tensors(&[&items[0], &items[1]])
}

fn check(hidden: &Tensor, what: &str) {
    for (quote, token, want) in REFERENCE {
        let got: Vec<f32> =
            Vec::try_from(hidden.get(quote as i64).get(token).narrow(0, 0, 5)).expect("floats");
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g - w).abs() < 1e-4,
                "{what}: quote {quote} token {token}: {got:?} differs from transformers' {want:?}"
            );
        }
    }
}

#[test]
fn mpnet_matches_transformers_hidden_states() {
    let clf = load();
    let (ids, mask) = batch(&clf);
    let trainable = tch::no_grad(|| clf.net().hidden_states(&ids, &mask, false)).unwrap();
    check(&trainable, "trainable encoder");
    let fast = clf.net().fast_encoder(false, None).unwrap();
    let fast_states = fast.hidden_states(&ids, &mask, false).unwrap();
    check(&fast_states, "fast path");
}

#[test]
fn mpnet_split_between_layers_equals_whole() {
    let clf = load();
    let (ids, mask) = batch(&clf);
    let encoder = clf.net().encoder().expect("trainable encoder");
    let whole = tch::no_grad(|| encoder.hidden_states(&ids, &mask, false)).unwrap();
    let lower = encoder.lower_states(&ids, &mask, 9).unwrap();
    let upper = tch::no_grad(|| encoder.upper_states(&lower, &mask, 9, false)).unwrap();
    let diff = (&whole - &upper).abs().max().double_value(&[]);
    assert!(diff < 1e-5, "split encoder differs by {diff}");
}

#[test]
fn mpnet_padding_does_not_change_a_quote() {
    let clf = load();
    let (ids, mask) = batch(&clf);
    let fast = clf.net().fast_encoder(false, None).unwrap();
    let batched = fast.hidden_states(&ids, &mask, false).unwrap();
    let alone = clf.tokenize(SHORT).unwrap();
    let (ids1, mask1) = clf.batch_tensors(&[&alone]);
    let single = fast.hidden_states(&ids1, &mask1, false).unwrap();
    let diff = (batched.get(0).narrow(0, 0, 20) - single.get(0))
        .abs()
        .max()
        .double_value(&[]);
    assert!(diff < 1e-5, "padding changed the short quote by {diff}");
}

fn cosine(a: &Tensor, b: &Tensor) -> f64 {
    (a * b).sum(tch::Kind::Float).double_value(&[])
        / (a.norm().double_value(&[]) * b.norm().double_value(&[]))
}

#[test]
fn mpnet_bf16_stays_close_to_f32() {
    let mut clf = load();
    let (ids, mask) = batch(&clf);
    let pool = |h: &Tensor| h.get(1).mean_dim(0, false, tch::Kind::Float);
    let f32_vec = pool(
        &clf.net()
            .fast_encoder(false, None)
            .unwrap()
            .hidden_states(&ids, &mask, false)
            .unwrap(),
    );
    clf.set_precision(Precision::Bf16).unwrap();
    let bf16_vec = pool(
        &clf.net()
            .fast_encoder(false, None)
            .unwrap()
            .hidden_states(&ids, &mask, false)
            .unwrap(),
    );
    let cos = cosine(&f32_vec, &bf16_vec);
    assert!(cos > 0.995, "bf16 MPNet sentence vector cosine {cos}");
}

/// The first `n` quotes of the realistic dev set.
fn dev_quotes(n: usize) -> Vec<String> {
    std::fs::read_to_string(crate::common::root().join("data/v2/dev.jsonl"))
        .unwrap()
        .lines()
        .take(n)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn mpnet_int8_needs_measured_ranges_and_then_holds_its_outliers() {
    let mut clf = load();
    // Without measured input ranges, int8 is refused, saying what to use.
    let err = clf.set_precision(Precision::Int8).unwrap_err().to_string();
    assert!(
        err.contains("bf16") && err.contains("check-precision"),
        "{err}"
    );
    let calibration: Vec<String> = dev_quotes(64);
    let dir = tempfile::tempdir().unwrap();
    clf.measure_int8_ranges(&calibration, dir.path()).unwrap();
    let ranges_file = dir.path().join("int8_ranges.safetensors");
    let named = Tensor::read_safetensors(&ranges_file).unwrap();
    assert_eq!(
        named.len(),
        12 * 4,
        "four linear layers' ranges in each of 12 layers"
    );
    assert_eq!(
        clf.precision(),
        Precision::F32,
        "measuring keeps the precision"
    );
    clf.set_precision(Precision::Int8).unwrap();
    // The classifier scores with the smoothed path: its int8 scores stay
    // close to f32's.
    let int8_scores = clf.classify(&[SHORT, LONG]).unwrap();
    clf.set_precision(Precision::F32).unwrap();
    let f32_scores = clf.classify(&[SHORT, LONG]).unwrap();
    for (a, b) in int8_scores.iter().zip(&f32_scores) {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        assert!(
            (a.speaker_score - b.speaker_score).abs() < 0.05,
            "{a:?} {b:?}"
        );
    }
}

#[test]
#[ignore = "slow: an MPNet training run; scripts/test.sh runs it"]
fn upper_tuning_caches_lower_layers_and_reads_the_gazetteer() {
    use stance::gazetteer::Gazetteer;
    use stance::model::config::{ModelConfig, TuneMode};
    use stance::train::{TrainData, TrainOptions};
    tch::set_num_threads(2);
    let (t, d) = crate::common::tiny_data();
    let gazetteer = Gazetteer::read(&crate::common::root().join("data/gazetteer")).unwrap();
    let held_out = gazetteer.held_out_sources().len();
    let mut opts = TrainOptions::for_mode(TuneMode::Upper);
    opts.epochs = 2;
    opts.batch_size = 12;
    opts.base_dir = Some(mpnet_base_dir());
    opts.device = stance::model::device::DeviceChoice::Cpu;
    opts.gazetteer = Some(gazetteer);
    let data = TrainData {
        train: &t,
        dev: &d,
        test: None,
    };
    let outcome = stance::train::train(&data, &opts, &stance::progress::Silent).unwrap();
    let losses: Vec<f64> = outcome.epochs.iter().map(|e| e.train_loss).collect();
    assert!(losses[1] < losses[0], "loss did not fall: {losses:?}");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    outcome.classifier.save(&dir, false).unwrap();
    let config = ModelConfig::read(&dir).unwrap();
    let training = config.training.as_ref().unwrap();
    // Eleven of the twelve layers were run once and cached; only the top
    // layer and the heads were trained and stored.
    assert_eq!(training.cached_layers, Some(11));
    assert!(training.gazetteer_sha256.is_some());
    assert!(
        config.source_input,
        "a gazetteer makes the model read sources"
    );
    // The six matrices of the top layer are int4 deltas (two codes a byte,
    // a scale per 64 columns), which keeps the model under 5 MB.
    let weights = dir.join("weights.safetensors");
    let tensors = tch::Tensor::read_safetensors(&weights).unwrap();
    let packed: Vec<&(String, tch::Tensor)> = tensors
        .iter()
        .filter(|(n, _)| n.ends_with(".delta4"))
        .collect();
    assert_eq!(
        packed.len(),
        6,
        "{:?}",
        tensors.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
    for (name, q) in &packed {
        assert!(name.starts_with("encoder.layer.11."), "{name}");
        assert_eq!(q.kind(), tch::Kind::Uint8, "{name}");
    }
    assert!(!tensors.iter().any(|(n, _)| n.ends_with(".delta")));
    let size = std::fs::metadata(&weights).unwrap().len();
    assert!(size < 5_000_000, "weights are {size} bytes");
    let g = config.metrics.gazetteer_held_out.unwrap();
    assert_eq!(g.n, held_out);
    // The stored model, loaded through the fast path, is the one trained
    // from cached states: it scores the dev set as training recorded.
    let loaded = Classifier::load(
        &dir,
        &LoadOptions {
            base_dir: Some(mpnet_base_dir()),
            ..Default::default()
        },
    )
    .unwrap();
    let report = stance::eval::evaluate(&loaded, &d.quotes, false).unwrap();
    let recorded = config.metrics.dev.unwrap();
    assert!((report.stance.macro_f1 - recorded.stance.macro_f1).abs() < 1e-9);
    assert!((report.speaker.macro_f1 - recorded.speaker.macro_f1).abs() < 1e-9);
}

/// On the shipped MPNet model, int8 smoothed by the ranges it ships keeps
/// close to f32 (plain per-token int8, a little further off, loses 0.9
/// point of stance macro-F1 on 1,056 test and dev quotes; smoothed, none).
#[test]
fn smoothing_keeps_the_shipped_mpnet_int8_close_to_f32() {
    let dir = crate::common::root().join("models/accurate");
    let mut clf = Classifier::load(&dir, &LoadOptions::default()).expect("shipped model loads");
    let quotes = dev_quotes(200);
    let items: Vec<Tokenized> = quotes.iter().map(|q| clf.tokenize(q).unwrap()).collect();
    let batches: Vec<(Tensor, Tensor)> = items
        .chunks(32)
        .map(|chunk| clf.batch_tensors(&chunk.iter().collect::<Vec<_>>()))
        .collect();
    let stance_probs = |enc: &dyn stance::model::encoder::Encoder,
                        net: &stance::model::StanceNet| {
        let mut out = Vec::new();
        for (ids, mask) in &batches {
            let hidden = enc.hidden_states(ids, mask, false).unwrap();
            let logits = net.heads(&net.pool(&hidden, mask), false);
            out.push(logits.stance.softmax(-1, tch::Kind::Float));
        }
        Tensor::cat(&out, 0)
    };
    let reference = stance_probs(
        clf.net().fast_encoder(false, None).unwrap().as_ref(),
        clf.net(),
    );
    let plain = stance_probs(
        clf.net().fast_encoder(true, None).unwrap().as_ref(),
        clf.net(),
    );
    clf.set_precision(Precision::Int8)
        .expect("the shipped ranges allow int8");
    let named = Tensor::read_safetensors(dir.join("int8_ranges.safetensors")).unwrap();
    let ranges =
        stance::model::encoder::fast::ActRanges::from_named(&named.into_iter().collect(), 12)
            .unwrap();
    let smoothed = stance_probs(
        clf.net()
            .fast_encoder(true, Some(&ranges))
            .unwrap()
            .as_ref(),
        clf.net(),
    );
    let off = |p: &Tensor| {
        (p - &reference)
            .abs()
            .mean(tch::Kind::Float)
            .double_value(&[])
    };
    let agree = |p: &Tensor| {
        p.argmax(-1, false)
            .eq_tensor(&reference.argmax(-1, false))
            .to_kind(tch::Kind::Float)
            .mean(tch::Kind::Float)
            .double_value(&[])
    };
    let (p, s) = (off(&plain), off(&smoothed));
    eprintln!(
        "stance against f32: plain {p:.4} off, {:.3} agree; smoothed {s:.4} off, {:.3} agree",
        agree(&plain),
        agree(&smoothed)
    );
    assert!(s < 0.015, "smoothed int8 is {s} from f32 on average");
    assert!(
        agree(&smoothed) >= 0.97,
        "smoothed int8 changes too many stances"
    );
}
