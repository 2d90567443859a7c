//! The model: encoder load, padding, save/load round trip, bad weights.

use crate::common::{base_dir, init_model};
use stance::model::config::{ModelConfig, CONFIG_FILE, WEIGHTS_FILE};
use stance::text::tokenize::Tokenized;
use stance::{Classifier, LoadOptions};
use tch::Tensor;

fn load(dir: &std::path::Path) -> stance::Result<Classifier> {
    Classifier::load(
        dir,
        &LoadOptions {
            base_dir: Some(base_dir()),
            ..Default::default()
        },
    )
}

fn max_abs_diff(a: &Tensor, b: &Tensor) -> f64 {
    (a - b).abs().max().double_value(&[])
}

#[test]
fn encoder_reproduces_reference_cls_state() {
    let clf = load(init_model()).unwrap();
    let t = clf
        .tokenize("We remain committed to providing the highest level of cybersecurity to our customers worldwide.")
        .unwrap();
    let (ids, mask) = clf.batch_tensors(&[&t]);
    let hidden = tch::no_grad(|| clf.net().hidden_states(&ids, &mask, false)).unwrap();
    let cls: Vec<f32> = Vec::try_from(hidden.get(0).get(0).narrow(0, 0, 5)).unwrap();
    let reference = [-0.0122f32, -0.2677, -0.2125, -0.6568, 0.1271];
    for (got, want) in cls.iter().zip(reference) {
        assert!(
            (got - want).abs() < 1e-4,
            "CLS state {cls:?} differs from {reference:?}"
        );
    }
}

#[test]
fn padding_does_not_leak_into_scores() {
    let mut clf = load(init_model()).unwrap();
    clf.set_limits(stance::batch::BatchLimits {
        max_items: 64,
        max_tokens: 1 << 20,
    });
    let long =
        "The ministry said the company had repeatedly failed to disclose its data transfers. "
            .repeat(12);
    let quotes = [
        "No.",
        "We reject these claims.",
        "Starting today, the regulator suspends the licence of the operator pending a full review of its network equipment.",
        long.as_str(),
        "Officials warned that the app poses a risk.",
    ];
    let items: Vec<Tokenized> = quotes.iter().map(|q| clf.tokenize(q).unwrap()).collect();
    let lengths: Vec<usize> = items.iter().map(|t| t.ids.len()).collect();
    assert!(
        lengths.iter().max().unwrap() > &(lengths.iter().min().unwrap() * 10),
        "{lengths:?}"
    );
    let refs: Vec<&Tokenized> = items.iter().collect();
    let (ids, mask) = clf.batch_tensors(&refs);
    let batch_pooled = tch::no_grad(|| clf.net().pooled(&ids, &mask, false)).unwrap();
    let batch_scores = clf.score(&items).unwrap();
    for (i, item) in items.iter().enumerate() {
        let (ids, mask) = clf.batch_tensors(&[item]);
        let alone = tch::no_grad(|| clf.net().pooled(&ids, &mask, false)).unwrap();
        let d = max_abs_diff(&alone.get(0), &batch_pooled.get(i as i64));
        assert!(
            d < 1e-5,
            "quote {i}: pooled vector differs by {d} in a batch"
        );
        let single = clf.score(std::slice::from_ref(item)).unwrap();
        for (a, b) in single[0]
            .scores
            .stance
            .0
            .iter()
            .zip(&batch_scores[i].scores.stance.0)
        {
            assert!((a.1 - b.1).abs() < 1e-5, "quote {i}: {a:?} vs {b:?}");
        }
    }
}

#[test]
fn save_load_classify_round_trips_exactly() {
    let clf = load(init_model()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("copy");
    clf.save(&copy, false).unwrap();
    let again = load(&copy).unwrap();
    let quotes = [
        crate::common::SEED_QUOTES[0].0,
        crate::common::SEED_QUOTES[2].0,
    ];
    let a = clf.classify(&quotes).unwrap();
    let b = again.classify(&quotes).unwrap();
    assert_eq!(a, b);
    assert_eq!(clf.config().labels, again.config().labels);
    // Saving over an existing directory is refused without force.
    let err = clf.save(&copy, false).unwrap_err().to_string();
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn truncated_weights_file_is_named_in_the_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    stance::model::init_model_dir(&dir, Some(&base_dir()), 1, false).unwrap();
    let weights = dir.join(WEIGHTS_FILE);
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
    let err = load(&dir).err().expect("must fail").to_string();
    assert!(
        err.contains("weights.safetensors") && err.contains("sha256"),
        "{err}"
    );
    // With the hash updated to match, the safetensors check itself speaks.
    let mut config = ModelConfig::read(&dir).unwrap();
    config.weights_sha256 = stance::hash::sha256_file(&weights).unwrap();
    std::fs::write(
        dir.join(CONFIG_FILE),
        serde_json::to_string(&config).unwrap(),
    )
    .unwrap();
    let err = load(&dir).err().expect("must fail").to_string();
    assert!(
        err.contains("weights.safetensors") && err.contains("truncated or corrupt"),
        "{err}"
    );
}

#[test]
fn wrong_shape_weights_name_the_tensor_and_shapes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    stance::model::init_model_dir(&dir, Some(&base_dir()), 1, false).unwrap();
    let weights = dir.join(WEIGHTS_FILE);
    let mut tensors = Tensor::read_safetensors(&weights).unwrap();
    for (name, t) in tensors.iter_mut() {
        if name == "stance_head.weight" {
            *t = Tensor::zeros([4, 384], (tch::Kind::Float, tch::Device::Cpu));
        }
    }
    Tensor::write_safetensors(&tensors, &weights).unwrap();
    let mut config = ModelConfig::read(&dir).unwrap();
    config.weights_sha256 = stance::hash::sha256_file(&weights).unwrap();
    std::fs::write(
        dir.join(CONFIG_FILE),
        serde_json::to_string(&config).unwrap(),
    )
    .unwrap();
    let err = load(&dir).err().expect("must fail").to_string();
    assert!(
        err.contains("stance_head.weight") && err.contains("[4, 384]") && err.contains("[3, 384]"),
        "{err}"
    );
}

#[test]
fn a_different_base_encoder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    std::fs::create_dir(&base).unwrap();
    for f in ["config.json", "model.safetensors", "vocab.txt"] {
        std::os::unix::fs::symlink(base_dir().join(f), base.join(f)).unwrap();
    }
    let mut tok = std::fs::read_to_string(base_dir().join("tokenizer.json")).unwrap();
    tok.push('\n');
    std::fs::write(base.join("tokenizer.json"), tok).unwrap();
    let err = Classifier::load(
        init_model(),
        &LoadOptions {
            base_dir: Some(base),
            ..Default::default()
        },
    )
    .err()
    .expect("must fail")
    .to_string();
    assert!(
        err.contains("tokenizer.json") && err.contains("sha256"),
        "{err}"
    );
}

#[test]
fn an_edited_base_config_is_refused() {
    // Same weights and tokenizer, but a config.json that says 4 layers: the
    // encoder would load two layers short and change every prediction.
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    std::fs::create_dir(&base).unwrap();
    for f in ["tokenizer.json", "model.safetensors", "vocab.txt"] {
        std::os::unix::fs::symlink(base_dir().join(f), base.join(f)).unwrap();
    }
    let config = std::fs::read_to_string(base_dir().join("config.json")).unwrap();
    assert!(config.contains("\"num_hidden_layers\": 6"));
    std::fs::write(
        base.join("config.json"),
        config.replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 4"),
    )
    .unwrap();
    let err = Classifier::load(
        init_model(),
        &LoadOptions {
            base_dir: Some(base),
            ..Default::default()
        },
    )
    .err()
    .expect("must fail")
    .to_string();
    assert!(
        err.contains("config.json") && err.contains("sha256"),
        "{err}"
    );
}

#[test]
fn weights_short_of_what_the_tuning_mode_stores_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    stance::model::init_model_dir(&dir, Some(&base_dir()), 1, false).unwrap();
    // An untrained model stores only the heads; a config edited to say
    // `top2` (which also stores the top two layers, norms and biases) must
    // not load with the base encoder's values in their place.
    let weights = dir.join(WEIGHTS_FILE);
    let names: Vec<String> = Tensor::read_safetensors(&weights)
        .unwrap()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert!(names.iter().all(|n| n.contains("_head.")), "{names:?}");
    load(&dir).expect("the heads-only model loads");
    let mut config = ModelConfig::read(&dir).unwrap();
    config.tuning = stance::model::tuning::TuneMode::Top2;
    config.weights_sha256 = stance::hash::sha256_file(&weights).unwrap();
    std::fs::write(
        dir.join(CONFIG_FILE),
        serde_json::to_string(&config).unwrap(),
    )
    .unwrap();
    let err = load(&dir).err().expect("must fail").to_string();
    assert!(
        err.contains("tunes 'top2'")
            && err.contains("74 of the tensors that mode stores are not in this file"),
        "{err}"
    );
}

#[test]
fn a_runaway_quote_is_read_as_its_first_tokens_and_flagged() {
    // 2 MB of text (no line breaks) is cut before tokenizing, far past the
    // 256 tokens the model reads: the same tokens as a 40 KB prefix.
    let clf = load(init_model()).unwrap();
    let sentence = "The agency said the firm misled investors about its reserves. ";
    let runaway = sentence.repeat(40_000);
    let prefix = sentence.repeat(640);
    assert!(runaway.len() > 2_000_000 && prefix.len() < 64 * 1024);
    let a = clf.tokenize(&runaway).unwrap();
    let b = clf.tokenize(&prefix).unwrap();
    assert_eq!(a.ids, b.ids);
    assert!(a.truncated && b.truncated);
    // A quote whose source is runaway too.
    let out = clf
        .classify_attributed(&[(prefix.as_str(), Some(runaway.as_str()))])
        .unwrap();
    assert!(out[0].as_ref().unwrap().truncated);
}

#[test]
fn long_quote_is_truncated_and_flagged() {
    let clf = load(init_model()).unwrap();
    let long = "The agency said the firm misled investors about its reserves. ".repeat(2000);
    let out = clf.classify(&[long.as_str(), "We will appeal."]).unwrap();
    let first = out[0].as_ref().unwrap();
    assert!(first.truncated);
    assert!(!out[1].as_ref().unwrap().truncated);
    assert_eq!(
        clf.tokenize(&long).unwrap().ids.len(),
        clf.config().max_length
    );
}

#[test]
fn bf16_scores_stay_close_to_f32() {
    let mut clf = load(init_model()).unwrap();
    let quotes: Vec<&str> = crate::common::SEED_QUOTES.iter().map(|q| q.0).collect();
    let f32_scores = clf.classify(&quotes).unwrap();
    clf.set_precision(stance::model::device::Precision::Bf16)
        .unwrap();
    let bf16_scores = clf.classify(&quotes).unwrap();
    clf.set_precision(stance::model::device::Precision::F32)
        .unwrap();
    for (a, b) in f32_scores.iter().zip(&bf16_scores) {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        for (x, y) in a.scores.stance.0.iter().zip(&b.scores.stance.0) {
            assert!((x.1 - y.1).abs() < 0.05, "{x:?} vs {y:?}");
        }
    }
}

#[test]
fn fast_path_matches_rust_bert() {
    // The trained default model, so that the heads' scores are not flat.
    let mut clf = load(&crate::common::root().join("models/fast")).unwrap();
    let long = "The commission said the operator had ignored repeated warnings. ".repeat(6);
    let quotes = ["We will appeal.", SEED_TEXT, long.as_str()];
    let items: Vec<Tokenized> = quotes.iter().map(|q| clf.tokenize(q).unwrap()).collect();
    let fast = clf.score(&items).unwrap();
    clf.disable_fast_path();
    let slow = clf.score(&items).unwrap();
    for (f, s) in fast.iter().zip(&slow) {
        for (a, b) in probabilities(f).zip(probabilities(s)) {
            assert!((a.1 - b.1).abs() < 1e-4, "fast {a:?} vs rust-bert {b:?}");
        }
    }
}

/// Every label's probability of a prediction, stance then speaker.
fn probabilities(p: &stance::predict::Prediction) -> impl Iterator<Item = &(String, f64)> {
    p.scores.stance.0.iter().chain(&p.scores.speaker.0)
}

const SEED_TEXT: &str = "We are deeply disappointed by the U.S. government's decision, which we believe is based on unfounded allegations and political motives.";

#[test]
fn int8_scores_stay_close_to_f32() {
    let mut clf = load(&crate::common::root().join("models/fast")).unwrap();
    let quotes: Vec<&str> = crate::common::SEED_QUOTES.iter().map(|q| q.0).collect();
    let f32_scores = clf.classify(&quotes).unwrap();
    clf.set_precision(stance::model::device::Precision::Int8)
        .unwrap();
    let int8_scores = clf.classify(&quotes).unwrap();
    for (a, b) in f32_scores.iter().zip(&int8_scores) {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        if a.stance_score > 0.9 {
            assert_eq!(a.stance, b.stance, "int8 keeps the stance of clear quotes");
        }
        for (x, y) in a.scores.stance.0.iter().zip(&b.scores.stance.0) {
            assert!((x.1 - y.1).abs() < 0.05, "{x:?} vs {y:?}");
        }
    }
}

#[test]
fn an_int8_score_moves_little_with_its_batch() {
    // Activations are quantized one token at a time, so a loud neighbour
    // does not squeeze a quote's int8 range. Padding still moves the f32
    // parts (attention) by about 1e-6, and rounding to int8 turns that into
    // about 0.01: in int8 a quote's score depends on its padding that much
    // (in f32, by under 1e-5).
    let mut clf = load(&crate::common::root().join("models/fast")).unwrap();
    let loud = "THE MINISTRY SAID THE FIRM HAD LIED, LIED AND LIED AGAIN!!! ".repeat(5);
    for (precision, tolerance) in [
        (stance::model::device::Precision::F32, 1e-5),
        (stance::model::device::Precision::Int8, 0.03),
    ] {
        clf.set_precision(precision).unwrap();
        let alone = clf.classify(&[SEED_TEXT]).unwrap();
        let same_length = clf.classify(&[SEED_TEXT, "No."]).unwrap();
        let padded = clf.classify(&[loud.as_str(), SEED_TEXT, "No."]).unwrap();
        let a = alone[0].as_ref().unwrap();
        for (b, tolerance) in [
            // Shorter neighbours pad nothing onto it: the same score.
            (same_length[0].as_ref().unwrap(), 1e-6),
            (padded[1].as_ref().unwrap(), tolerance),
        ] {
            for (x, y) in probabilities(a).zip(probabilities(b)) {
                assert!(
                    (x.1 - y.1).abs() < tolerance,
                    "{precision:?}: alone {x:?}, in a batch {y:?}"
                );
            }
        }
    }
}

#[test]
fn fast_only_load_scores_like_the_full_load() {
    let dir = crate::common::root().join("models/fast");
    let full = load(&dir).unwrap();
    let lean = Classifier::load(
        &dir,
        &LoadOptions {
            base_dir: Some(base_dir()),
            fast_only: true,
            ..Default::default()
        },
    )
    .unwrap();
    let quotes: Vec<&str> = crate::common::SEED_QUOTES.iter().map(|q| q.0).collect();
    for (a, b) in full
        .classify(&quotes)
        .unwrap()
        .iter()
        .zip(&lean.classify(&quotes).unwrap())
    {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        assert_eq!((&a.speaker, &a.stance), (&b.speaker, &b.stance));
        for (x, y) in a.scores.stance.0.iter().zip(&b.scores.stance.0) {
            assert!((x.1 - y.1).abs() < 1e-6, "{x:?} vs {y:?}");
        }
    }
    // rust-bert's encoder is not built in this mode, and says so.
    let t = lean.tokenize("We will appeal.").unwrap();
    let (ids, mask) = lean.batch_tensors(&[&t]);
    let err = lean
        .net()
        .hidden_states(&ids, &mask, false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("inference only"), "{err}");
}

#[test]
fn top_modes_tune_the_top_layers_and_nothing_else_of_the_encoder() {
    use stance::model::config::TuneMode;
    let clf = load(init_model()).unwrap();
    let names = |mode| -> Vec<String> {
        clf.net()
            .tuned_variables(mode)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    };
    let light = names(TuneMode::Light);
    let top = names(TuneMode::Top);
    let top2 = names(TuneMode::Top2);
    // Weight matrices (not biases or LayerNorms) beyond `light`.
    let matrices = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .filter(|n| !light.contains(n))
            .cloned()
            .collect()
    };
    let top_matrices = matrices(&top);
    let top2_matrices = matrices(&top2);
    assert!(!top_matrices.is_empty());
    assert!(
        top_matrices
            .iter()
            .all(|n| n.starts_with("encoder.layer.5.")),
        "{top_matrices:?}"
    );
    assert!(top.iter().all(|n| top2.contains(n)), "top is part of top2");
    assert_eq!(top2_matrices.len(), 2 * top_matrices.len());
    assert!(top2_matrices
        .iter()
        .all(|n| n.starts_with("encoder.layer.4.") || n.starts_with("encoder.layer.5.")));
}

/// The two shipped models: their scores on the realistic held-out test
/// (alone and with sources) and on the old test are the ones their configs
/// record (and the README quotes), above the floors the project promises,
/// and they label at least five of the guide's six seed-article statements.
#[test]
#[ignore = "slow: whole test sets through both models; scripts/test.sh runs it"]
fn the_shipped_models_keep_their_published_figures() {
    use stance::eval::evaluate;
    use stance::io::labeled::read_labeled;
    let root = crate::common::root();
    // (model, base, floors: realistic test speaker, stance, speaker with
    // sources; the most its weights may take)
    let models = [
        (
            "models/fast",
            crate::common::base_dir(),
            (0.84, 0.90, 0.96),
            5_000_000,
        ),
        (
            "models/accurate",
            crate::common::mpnet_base_dir(),
            (0.79, 0.93, 0.97),
            5_000_000,
        ),
    ];
    for (dir, base, floors, most) in models {
        // A shipped model stays a few MB over its base.
        let size = std::fs::metadata(root.join(dir).join("weights.safetensors"))
            .unwrap()
            .len();
        assert!(size < most, "{dir} weights are {size} bytes");
        let clf = Classifier::load(
            &root.join(dir),
            &LoadOptions {
                base_dir: Some(base),
                ..Default::default()
            },
        )
        .unwrap();
        let labels = clf.config().labels.clone();
        let metrics = serde_json::to_value(&clf.config().metrics).unwrap();
        let figures = |file: &str, sources: bool| {
            let quotes = read_labeled(&root.join(file), &labels)
                .unwrap()
                .into_records(false)
                .unwrap()
                .0;
            let report = evaluate(&clf, &quotes, sources).unwrap();
            (report.speaker.macro_f1, report.stance.macro_f1)
        };
        let mut got_all = Vec::new();
        for (file, sources, key) in [
            ("data/v2/test.jsonl", false, "test"),
            ("data/v2/test.jsonl", true, "test_with_source"),
            ("data/test.jsonl", false, "old_test"),
            ("data/test.jsonl", true, "old_test_with_source"),
        ] {
            let got = figures(file, sources);
            let recorded = &metrics[key];
            assert_eq!(recorded["file"], file, "{dir} {key}");
            for (got, head) in [(got.0, "speaker"), (got.1, "stance")] {
                let want = recorded[head]["macro_f1"].as_f64().unwrap();
                // Training scored through the trainable encoder, loading
                // through the fast path: at most a quote near 0.5 may flip.
                assert!(
                    (got - want).abs() < 0.005,
                    "{dir} {key} {head} macro-F1 {got:.4}, the config records {want:.4}"
                );
            }
            got_all.push(got);
        }
        let (speaker, stance, speaker_sourced) = floors;
        assert!(
            got_all[0].0 >= speaker && got_all[0].1 >= stance && got_all[1].0 >= speaker_sourced,
            "{dir} realistic test {:?}, with sources {:?}",
            got_all[0],
            got_all[1]
        );
        let texts: Vec<&str> = crate::common::SEED_QUOTES.iter().map(|q| q.0).collect();
        let right = clf
            .classify(&texts)
            .unwrap()
            .iter()
            .zip(crate::common::SEED_QUOTES)
            .filter(|(p, (_, speaker, stance))| {
                let p = p.as_ref().unwrap();
                p.speaker == *speaker && p.stance == *stance
            })
            .count();
        assert!(
            right >= 5,
            "{dir}: {right} of the six seed statements right"
        );
    }
}
