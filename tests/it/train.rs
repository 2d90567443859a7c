//! Training: a tiny real run lowers the loss and writes a model directory
//! that loads and scores; seeds make runs repeatable; bad data is refused
//! with its line.

use crate::common::{base_dir, fixture, stance, tiny_data};
use predicates::str::contains;
use stance::io::labeled::Dataset;
use stance::model::config::{Labels, ModelConfig, TuneMode};
use stance::train::{TrainData, TrainOptions, TrainOutcome};
use stance::{Classifier, LoadOptions};

fn tiny_options(seed: u64) -> TrainOptions {
    let mut opts = TrainOptions::for_mode(TuneMode::Light);
    opts.epochs = 4;
    opts.patience = 10;
    opts.batch_size = 12;
    opts.seed = seed;
    opts.base_dir = Some(base_dir());
    opts.device = stance::model::device::DeviceChoice::Cpu;
    opts
}

/// Loads a model directory written by a test, on the test base encoder.
fn load_saved(dir: &std::path::Path) -> Classifier {
    Classifier::load(
        dir,
        &LoadOptions {
            base_dir: Some(base_dir()),
            ..Default::default()
        },
    )
    .unwrap()
}

/// Trains on `t`, choosing the epoch by `d`, without a test set or progress.
fn train(t: &Dataset, d: &Dataset, opts: &TrainOptions) -> stance::Result<TrainOutcome> {
    let data = TrainData {
        train: t,
        dev: d,
        test: None,
    };
    stance::train::train(&data, opts, &stance::progress::Silent)
}

#[test]
#[ignore = "slow: a training run; scripts/test.sh runs it"]
fn tiny_training_run_lowers_loss_and_writes_a_loadable_model() {
    tch::set_num_threads(2);
    let (t, d) = tiny_data();
    let outcome = train(&t, &d, &tiny_options(5)).unwrap();
    let losses: Vec<f64> = outcome.epochs.iter().map(|e| e.train_loss).collect();
    assert_eq!(losses.len(), 4);
    assert!(losses[3] < losses[0] * 0.9, "loss did not fall: {losses:?}");
    assert!(outcome.trained_parameters > 1000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    outcome.classifier.save(&dir, false).unwrap();
    let config = ModelConfig::read(&dir).unwrap();
    assert_eq!(config.tuning, TuneMode::Light);
    let loaded = load_saved(&dir);
    let quotes = [
        "We will appeal the ruling.",
        "The regulator said the bank misled savers.",
    ];
    // The loaded model scores through the fast path, the one in memory
    // through rust-bert: the same computation, equal within float error.
    assert_scores_like(&loaded, &outcome.classifier, &quotes);
}

/// Asserts that `saved` (loaded back from disk) gives `in_memory`'s labels
/// and, within float error, its scores on both heads.
fn assert_scores_like(saved: &Classifier, in_memory: &Classifier, quotes: &[&str]) {
    let a = saved.classify(quotes).unwrap();
    let b = in_memory.classify(quotes).unwrap();
    for (a, b) in a.iter().zip(&b) {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        assert_eq!((&a.speaker, &a.stance), (&b.speaker, &b.stance));
        let pairs = a.scores.speaker.0.iter().zip(&b.scores.speaker.0);
        for (x, y) in pairs.chain(a.scores.stance.0.iter().zip(&b.scores.stance.0)) {
            assert!(
                (x.1 - y.1).abs() < 1e-5,
                "a saved model scores like the one in memory: {x:?} vs {y:?}"
            );
        }
    }
}

#[test]
#[ignore = "slow: a training run; scripts/test.sh runs it"]
fn the_same_seed_gives_identical_weights() {
    tch::set_num_threads(2);
    let (t, d) = tiny_data();
    let mut opts = tiny_options(21);
    opts.epochs = 2;
    let tmp = tempfile::tempdir().unwrap();
    let mut hashes = Vec::new();
    for run in 0..2 {
        let outcome = train(&t, &d, &opts).unwrap();
        let dir = tmp.path().join(format!("run{run}"));
        outcome.classifier.save(&dir, false).unwrap();
        hashes.push(ModelConfig::read(&dir).unwrap().weights_sha256);
    }
    assert_eq!(hashes[0], hashes[1]);
    opts.seed = 22;
    let outcome = train(&t, &d, &opts).unwrap();
    let dir = tmp.path().join("other-seed");
    outcome.classifier.save(&dir, false).unwrap();
    assert_ne!(
        ModelConfig::read(&dir).unwrap().weights_sha256,
        hashes[0],
        "another seed gives other weights"
    );
}

#[test]
fn bad_training_files_are_refused_with_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.jsonl");
    let mut text = std::fs::read_to_string(fixture("tiny_train.jsonl")).unwrap();
    text.push_str(
        "{\"text\":\"We pledge to fix it.\",\"speaker\":\"company\",\"stance\":\"promise\"}\n",
    );
    text.push_str("{\"text\": broken\n");
    std::fs::write(&bad, text).unwrap();
    let out = tmp.path().join("m");
    let model = tmp.path().join("unused");
    let train_cmd = |extra: &[&str]| {
        let mut cmd = stance(&model);
        cmd.arg("--base")
            .arg(base_dir())
            .args(["train", "--train"])
            .arg(&bad)
            .arg("--dev")
            .arg(fixture("tiny_dev.jsonl"));
        cmd.arg("--out")
            .arg(&out)
            .args(["--epochs", "1", "--quiet"])
            .args(extra);
        cmd
    };
    train_cmd(&[])
        .assert()
        .code(1)
        .stderr(contains("bad.jsonl:37: unknown stance label \"promise\""))
        .stderr(contains("bad.jsonl:38: not valid JSON"))
        .stderr(contains("--skip-bad"));
    assert!(
        !out.exists(),
        "no model is written when training is refused"
    );
    train_cmd(&["--skip-bad"])
        .assert()
        .success()
        .stderr(contains("skipped 2 bad line(s)"));
    assert!(out.join("stance.json").is_file());
    // An existing output is refused without --force and left intact.
    let before = std::fs::read(out.join("weights.safetensors")).unwrap();
    train_cmd(&["--skip-bad"])
        .assert()
        .code(1)
        .stderr(contains("already exists"));
    assert_eq!(
        std::fs::read(out.join("weights.safetensors")).unwrap(),
        before
    );
}

#[test]
fn clear_messages_for_empty_files_missing_classes_and_zero_epochs() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let no_commitment = tmp.path().join("dev.jsonl");
    let dev: String = std::fs::read_to_string(fixture("tiny_dev.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains("\"commitment\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&no_commitment, dev).unwrap();
    let run = |train_file: &std::path::Path, dev_file: &std::path::Path, epochs: &str| {
        let mut cmd = stance(&tmp.path().join("unused"));
        cmd.arg("--base")
            .arg(base_dir())
            .args(["train", "--train"])
            .arg(train_file)
            .arg("--dev")
            .arg(dev_file);
        cmd.arg("--out")
            .arg(tmp.path().join("m"))
            .args(["--epochs", epochs, "--quiet"]);
        cmd.assert().code(1)
    };
    run(&empty, &fixture("tiny_dev.jsonl"), "1")
        .stderr(contains("empty.jsonl: no labeled records"));
    run(&fixture("tiny_train.jsonl"), &no_commitment, "1")
        .stderr(contains("dev file has no quote with stance \"commitment\""));
    run(
        &fixture("tiny_train.jsonl"),
        &fixture("tiny_dev.jsonl"),
        "0",
    )
    .stderr(contains("--epochs must be at least 1"));
    let mut cmd = stance(&tmp.path().join("unused"));
    cmd.arg("--base")
        .arg(base_dir())
        .args(["train", "--train"])
        .arg(fixture("tiny_train.jsonl"))
        .arg("--dev")
        .arg(fixture("tiny_dev.jsonl"))
        .arg("--out")
        .arg(tmp.path().join("m"))
        .args(["--source-rate", "1.5", "--quiet"]);
    cmd.assert()
        .code(1)
        .stderr(contains("--source-rate must be between 0 and 1, is 1.5"));
}

#[test]
#[ignore = "slow: a training run; scripts/test.sh runs it"]
fn top2_is_stored_as_int8_deltas_that_load_to_the_evaluated_model() {
    tch::set_num_threads(2);
    let (t, d) = tiny_data();
    let mut opts = tiny_options(9);
    opts.tune = TuneMode::Top2;
    opts.epochs = 2;
    let outcome = train(&t, &d, &opts).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    outcome.classifier.save(&dir, false).unwrap();
    let weights = dir.join("weights.safetensors");

    // The 12 matrices of the two top layers are int8 deltas with per-row
    // scales, they moved in training, and the file stays small.
    let tensors = tch::Tensor::read_safetensors(&weights).unwrap();
    let deltas: Vec<&(String, tch::Tensor)> = tensors
        .iter()
        .filter(|(n, _)| n.ends_with(".delta"))
        .collect();
    assert_eq!(
        deltas.len(),
        12,
        "{:?}",
        tensors.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
    for (name, q) in &deltas {
        assert!(
            name.starts_with("encoder.layer.4.") || name.starts_with("encoder.layer.5."),
            "{name}"
        );
        assert_eq!(q.kind(), tch::Kind::Int8, "{name}");
        let scale = &tensors
            .iter()
            .find(|(n, _)| *n == format!("{}_scale", name))
            .unwrap()
            .1;
        assert_eq!(scale.size(), vec![q.size()[0]], "{name}");
    }
    assert!(
        deltas
            .iter()
            .any(|(_, q)| q.abs().max().int64_value(&[]) > 0),
        "training changed the matrices"
    );
    assert!(tensors.iter().all(|(_, t)| t.kind() != tch::Kind::Half));
    let size = std::fs::metadata(&weights).unwrap().len();
    assert!(size < 4_500_000, "top2 weights are {size} bytes");

    // The loaded model is the one that was evaluated and calibrated.
    let options = LoadOptions {
        base_dir: Some(base_dir()),
        ..Default::default()
    };
    let loaded = Classifier::load(&dir, &options).unwrap();
    let quotes = [
        "We will appeal the ruling.",
        "The regulator said the bank misled savers.",
        "it has never shared customer data with any government",
    ];
    assert_scores_like(&loaded, &outcome.classifier, &quotes);
    // Saving the loaded model writes the same bytes.
    let again = tmp.path().join("again");
    loaded.save(&again, false).unwrap();
    assert_eq!(
        std::fs::read(again.join("weights.safetensors")).unwrap(),
        std::fs::read(&weights).unwrap()
    );

    // A delta whose scales are missing is refused, naming the tensor.
    let broken = tmp.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    let kept: Vec<(String, tch::Tensor)> = tensors
        .into_iter()
        .filter(|(n, _)| n != "encoder.layer.5.output.dense.weight.delta_scale")
        .collect();
    let broken_weights = broken.join("weights.safetensors");
    tch::Tensor::write_safetensors(&kept, &broken_weights).unwrap();
    let mut config = ModelConfig::read(&dir).unwrap();
    config.weights_sha256 = stance::hash::sha256_file(&broken_weights).unwrap();
    std::fs::write(
        broken.join("stance.json"),
        serde_json::to_string(&config).unwrap(),
    )
    .unwrap();
    let err = Classifier::load(&broken, &options)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("encoder.layer.5.output.dense.weight.delta")
            && err.contains("no scales")
            && err.contains("broken/weights.safetensors"),
        "{err}"
    );
}

#[test]
#[ignore = "slow: a training run; scripts/test.sh runs it"]
fn a_model_trained_with_sources_reads_them_and_one_without_ignores_them() {
    tch::set_num_threads(2);
    let (mut t, mut d) = tiny_data();
    let neutral = "We will review the decision carefully.";

    // Data without sources: the model reads quotes alone, a source changes
    // nothing.
    let mut opts = tiny_options(3);
    opts.epochs = 2;
    let plain = train(&t, &d, &opts).unwrap().classifier;
    assert!(!plain.reads_sources());
    assert_eq!(
        plain
            .tokenize_attributed(neutral, Some("the ministry"))
            .unwrap(),
        plain.tokenize(neutral).unwrap()
    );

    // The same quotes with who said them: the source is read as a second
    // segment and moves the speaker the way it should.
    let speakers = Labels::default().speaker;
    for q in t.quotes.iter_mut().chain(d.quotes.iter_mut()) {
        let source = match speakers[q.speaker].as_str() {
            "government" => "the ministry",
            _ => "the company",
        };
        q.source = Some(source.to_string());
    }
    let mut opts = tiny_options(3);
    opts.source_rate = 0.5;
    let outcome = train(&t, &d, &opts).unwrap();
    let clf = &outcome.classifier;
    assert!(clf.reads_sources());
    let with_source = outcome.dev_with_source.as_ref().unwrap();
    assert_eq!(with_source.n, d.len());

    let alone = clf.tokenize(neutral).unwrap().ids;
    let attributed = clf
        .tokenize_attributed(neutral, Some("the ministry"))
        .unwrap()
        .ids;
    let sep = *alone.last().unwrap();
    assert_eq!(
        &attributed[..alone.len()],
        &alone[..],
        "[CLS] quote [SEP] first"
    );
    assert_eq!(attributed.last(), Some(&sep), "then the source and [SEP]");
    assert!(attributed.len() > alone.len() + 1);
    assert_eq!(
        clf.tokenize_attributed(neutral, Some("  ")).unwrap().ids,
        alone,
        "a blank source is no source"
    );

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    clf.save(&dir, false).unwrap();
    assert!(ModelConfig::read(&dir).unwrap().source_input);
    let loaded = load_saved(&dir);
    let government = |source: Option<&str>| {
        let p = loaded.classify_attributed(&[(neutral, source)]).unwrap();
        let p = p[0].as_ref().unwrap().clone();
        let mem = clf.classify_attributed(&[(neutral, source)]).unwrap();
        let mem = mem[0].as_ref().unwrap().clone();
        let g = |p: &stance::predict::Prediction| {
            p.scores
                .speaker
                .0
                .iter()
                .find(|(label, _)| label == "government")
                .unwrap()
                .1
        };
        assert!((g(&p) - g(&mem)).abs() < 1e-5, "loaded scores like trained");
        g(&p)
    };
    let (ministry, company) = (
        government(Some("the ministry")),
        government(Some("the company")),
    );
    assert!(
        ministry > company + 0.05,
        "P(government) with the ministry {ministry:.3}, with the company {company:.3}"
    );
}
