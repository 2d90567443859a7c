//! The command line as a user runs it: classify, init, eval, data check,
//! and the bad-input cases of the contract.

use crate::common::{init_model, stance, success_stdout, SEED_QUOTES};
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn classify_json_follows_the_contract() {
    let mut cmd = stance(init_model());
    cmd.arg("classify").arg("--json");
    for (q, _, _) in SEED_QUOTES {
        cmd.arg(q);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    let records = json_lines(&out);
    assert_eq!(records.len(), 6);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["id"], Value::from(i + 1));
        assert_eq!(r["text"], SEED_QUOTES[i].0);
        let speaker = r["speaker"].as_str().unwrap();
        let stance = r["stance"].as_str().unwrap();
        assert!(["government", "company"].contains(&speaker));
        assert!(["denial", "allegation", "commitment"].contains(&stance));
        let sp = r["scores"]["speaker"].as_object().unwrap();
        let st = r["scores"]["stance"].as_object().unwrap();
        let sp_keys: Vec<&str> = sp.keys().map(String::as_str).collect();
        let st_keys: Vec<&str> = st.keys().map(String::as_str).collect();
        assert_eq!(sp_keys, ["government", "company"]);
        assert_eq!(st_keys, ["denial", "allegation", "commitment"]);
        let sum: f64 = st.values().map(|v| v.as_f64().unwrap()).sum();
        assert!(
            (sum - 1.0).abs() < 1e-4,
            "stance probabilities sum to {sum}"
        );
        assert_eq!(r["speaker_score"], sp[speaker]);
        assert_eq!(r["stance_score"], st[stance]);
        let top = st.values().map(|v| v.as_f64().unwrap()).fold(0.0, f64::max);
        assert_eq!(r["stance_score"].as_f64().unwrap(), top);
        assert!(r.get("truncated").is_none());
    }
}

#[test]
fn classify_prints_a_table_with_both_labels() {
    let text = success_stdout(
        stance(init_model())
            .args(["classify", SEED_QUOTES[4].0])
            .assert(),
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("speaker") && lines[0].contains("stance"));
    assert!(lines[1].contains("We remain committed"));
    assert!(lines[1].contains("government") || lines[1].contains("company"));
}

#[test]
fn blank_quotes_are_reported_and_the_rest_classified() {
    let out = stance(init_model())
        .args(["classify", "--json", "-"])
        .write_stdin("We will appeal.\n\n   \nThe ministry said the claims were false.\n")
        .assert()
        .code(3)
        .stderr(contains("quote 2: empty or blank quote"))
        .get_output()
        .stdout
        .clone();
    let records = json_lines(&out);
    assert_eq!(records.len(), 4);
    assert!(records[0]["stance"].is_string());
    assert!(records[1]["error"].as_str().unwrap().contains("blank"));
    assert!(records[2]["error"].is_string());
    assert!(records[3]["speaker"].is_string());
}

#[test]
fn invalid_utf8_on_stdin_names_the_line() {
    let out = stance(init_model())
        .args(["classify", "--json"])
        .write_stdin(b"First quote here.\nbroken \xff\xfe quote\nThird quote here.\n".to_vec())
        .assert()
        .code(3)
        .stderr(contains("stdin line 2: invalid UTF-8"))
        .get_output()
        .stdout
        .clone();
    let records = json_lines(&out);
    assert_eq!(records.len(), 3);
    assert!(records[1]["error"].as_str().unwrap().contains("line 2"));
    assert!(records[2]["speaker"].is_string());
}

#[test]
fn a_missing_model_directory_says_how_to_make_one() {
    let tmp = tempfile::tempdir().unwrap();
    stance(&tmp.path().join("nothing-here"))
        .args(["classify", "hello there"])
        .assert()
        .code(1)
        .stderr(
            contains("does not exist")
                .and(contains("stance init"))
                .and(contains("stance train")),
        );
}

#[test]
fn a_missing_weights_file_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    stance(init_model())
        .args(["init", "--out"])
        .arg(&dir)
        .assert()
        .success();
    std::fs::remove_file(dir.join("weights.safetensors")).unwrap();
    stance(&dir)
        .args(["classify", "hello there"])
        .assert()
        .code(1)
        .stderr(contains("weights.safetensors").and(contains("missing")));
}

#[test]
fn cuda_request_without_a_gpu_is_a_clear_error() {
    // The binary loads libtorch's CUDA library on demand; "no CUDA GPU"
    // (not "cannot load") also shows that the load itself works here.
    stance::model::device::cuda_backend().unwrap();
    if tch::Cuda::is_available() {
        return;
    }
    stance(init_model())
        .args(["--device", "cuda", "classify", "hello there"])
        .assert()
        .code(1)
        .stderr(contains("no CUDA GPU"));
}

#[test]
fn data_check_reports_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\":\"a\",\"text\":\"We will appeal the ruling.\",\"speaker\":\"company\",\"stance\":\"commitment\",\"dispute\":\"x\"}\n{\"id\":\"b\",\"text\":\"The firm lied.\",\"speaker\":\"regulator\",\"stance\":\"allegation\",\"dispute\":\"x\"}\n",
    )
    .unwrap();
    stance(init_model())
        .args(["data", "check"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("bad.jsonl:2: unknown speaker label \"regulator\""));
}

#[test]
fn sources_given_to_a_model_trained_without_them_are_explained() {
    // classify --source: the quote is still classified, with a note that
    // the source is not read.
    let out = stance(init_model())
        .args([
            "classify",
            "--json",
            "--source",
            "the ministry",
            SEED_QUOTES[3].0,
        ])
        .assert()
        .success()
        .stderr(contains("trained without sources; --source is ignored"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_lines(&out).len(), 1);
    let plain = stance(init_model())
        .args(["classify", "--json", SEED_QUOTES[3].0])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(out, plain, "the source changes nothing");

    // eval --with-source refuses, saying why and what to do.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d.jsonl");
    std::fs::write(
        &data,
        "{\"text\":\"We will appeal.\",\"speaker\":\"company\",\"stance\":\"commitment\",\"source\":\"Acme\"}\n",
    )
    .unwrap();
    stance(init_model())
        .args(["eval", "--with-source", "--data"])
        .arg(&data)
        .assert()
        .failure()
        .stderr(contains("--with-source").and(contains("trained without sources")));
}

#[test]
fn shipped_models_are_one_flag_away() {
    // Without --model, stance runs the accurate (MPNet) model: the same
    // scores as `--model accurate`, and not those of `--model fast`.
    let run = |model: Option<&str>| {
        let mut cmd = assert_cmd::Command::cargo_bin("stance").unwrap();
        cmd.env_remove("STANCE_MODEL")
            .env_remove("STANCE_BASE")
            .current_dir(std::env::temp_dir());
        if let Some(m) = model {
            cmd.args(["--model", m]);
        }
        cmd.args(["--json", "classify"]).arg(SEED_QUOTES[1].0);
        json_lines(&cmd.assert().success().get_output().stdout.clone())
    };
    let default = run(None);
    assert_eq!(default, run(Some("accurate")));
    assert_eq!(default, run(Some("default")));
    assert_ne!(default, run(Some("fast")));
    // `--model accurate` is the MPNet model in models/accurate, `--model
    // fast` the MiniLM one in models/fast; both label the guide's example
    // quotes.
    for name in ["accurate", "fast"] {
        let mut cmd = assert_cmd::Command::cargo_bin("stance").unwrap();
        cmd.env_remove("STANCE_MODEL")
            .env_remove("STANCE_BASE")
            .current_dir(std::env::temp_dir())
            .args(["--model", name, "--threads", "2", "classify", "--json"]);
        for (q, _, _) in SEED_QUOTES {
            cmd.arg(q);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        let records = json_lines(&out);
        let right = records
            .iter()
            .zip(SEED_QUOTES)
            .filter(|(r, (_, speaker, stance))| r["speaker"] == *speaker && r["stance"] == *stance)
            .count();
        assert!(
            right >= 5,
            "--model {name}: {right} of 6 right: {records:?}"
        );
    }
    // The shipped MPNet model runs int8 with the input ranges it ships;
    // a copy without them refuses int8 and says how to measure them.
    let int8 = |model: &std::path::Path| {
        let mut cmd = assert_cmd::Command::cargo_bin("stance").unwrap();
        cmd.env_remove("STANCE_MODEL")
            .env_remove("STANCE_BASE")
            .arg("--model")
            .arg(model)
            .args(["--precision", "int8", "--json", "classify"])
            .arg(SEED_QUOTES[0].0);
        cmd.assert()
    };
    let shipped = crate::common::root().join("models/accurate");
    let out = int8(&shipped).success().get_output().stdout.clone();
    let records = json_lines(&out);
    assert_eq!(records[0]["speaker"], SEED_QUOTES[0].1, "{records:?}");
    assert_eq!(records[0]["stance"], SEED_QUOTES[0].2, "{records:?}");
    let tmp = tempfile::tempdir().unwrap();
    for f in ["stance.json", "weights.safetensors"] {
        std::fs::copy(shipped.join(f), tmp.path().join(f)).unwrap();
    }
    int8(tmp.path())
        .code(1)
        .stderr(contains("int8 is not accurate for MPNet").and(contains("check-precision")));
}

#[test]
#[ignore = "slow: reads 2,905 gazetteer sources; scripts/test.sh runs it"]
fn eval_records_its_figures_and_reads_held_out_gazetteer_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    std::fs::create_dir(&dir).unwrap();
    for f in ["stance.json", "weights.safetensors"] {
        std::fs::copy(init_model().join(f), dir.join(f)).unwrap();
    }
    let weights = std::fs::read(dir.join("weights.safetensors")).unwrap();
    let data = crate::common::root().join("tests/fixtures/tiny_dev.jsonl");
    let text = success_stdout(
        stance(&dir)
            .args(["eval", "--record", "mine", "--gazetteer"])
            .arg(crate::common::root().join("data/gazetteer"))
            .arg("--data")
            .arg(&data)
            .assert(),
    );
    let held_out =
        stance::gazetteer::Gazetteer::read(&crate::common::root().join("data/gazetteer"))
            .unwrap()
            .held_out_sources()
            .len();
    assert!(
        text.contains(&format!("of {held_out} right")),
        "no gazetteer line: {text}"
    );
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("stance.json")).unwrap()).unwrap();
    let mine = &config["metrics"]["mine"];
    assert_eq!(mine["n"], 12);
    assert_eq!(mine["file"], data.display().to_string());
    assert!(mine["stance"]["macro_f1"].as_f64().is_some());
    // The weights are untouched and the model still loads.
    assert_eq!(
        std::fs::read(dir.join("weights.safetensors")).unwrap(),
        weights
    );
    stance(&dir)
        .args(["classify", "We will appeal."])
        .assert()
        .success();
    // A name the config uses for its own figures is refused.
    stance(&dir)
        .args(["eval", "--record", "test", "--data"])
        .arg(&data)
        .assert()
        .code(1)
        .stderr(contains("--record test"));
}

/// Every command whose standard output cannot be written (a full disk)
/// says so and exits 1, without a panic.
#[test]
fn a_full_disk_on_stdout_is_a_clean_error_for_every_command() {
    let root = crate::common::root();
    let data = root.join("tests/fixtures/tiny_dev.jsonl");
    let article = root.join("tests/fixtures/articles/according-to.txt");
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["classify".into(), "We deny it.".into()],
        vec!["eval".into(), "--data".into(), data.clone().into()],
        vec!["data".into(), "check".into(), data.clone().into()],
        vec!["batch".into(), data.clone().into()],
        vec!["extract".into(), article.into()],
    ];
    for args in runs {
        let Ok(full) = std::fs::File::create("/dev/full") else {
            return; // not on Linux
        };
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"))
            .arg("--model")
            .arg(init_model())
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn init_force_replaces_a_model_directory_but_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("plan.txt"), "keep me").unwrap();
    let init = |out: &std::path::Path| {
        let mut cmd = assert_cmd::Command::cargo_bin("stance").unwrap();
        cmd.env_remove("STANCE_MODEL")
            .arg("--base")
            .arg(crate::common::base_dir())
            .args(["init", "--force", "--out"])
            .arg(out);
        cmd
    };
    init(&notes)
        .assert()
        .code(1)
        .stderr(contains("is not a model directory"));
    assert_eq!(
        std::fs::read_to_string(notes.join("plan.txt")).unwrap(),
        "keep me"
    );
    let model = tmp.path().join("m");
    init(&model).assert().success();
    init(&model).assert().success();
    assert!(model.join("stance.json").is_file());
}

#[test]
fn classify_on_stdin_prints_each_line_before_the_next_arrives() {
    use std::io::{BufRead, Write};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"))
        .env_remove("STANCE_MODEL")
        .arg("--model")
        .arg(init_model())
        .args(["--threads", "1", "classify", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    // The first result comes while stdin is still open: it cannot have
    // waited for the end of the input.
    writeln!(stdin, "We will appeal the ruling.").unwrap();
    stdin.flush().unwrap();
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["id"], 1);
    assert_eq!(first["text"], "We will appeal the ruling.");
    writeln!(stdin, "The ministry said the firm misled savers.").unwrap();
    drop(stdin);
    let mut second = String::new();
    stdout.read_line(&mut second).unwrap();
    let second: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(second["id"], 2);
    assert!(child.wait().unwrap().success());
}

#[test]
fn classify_stops_early_when_the_reader_goes_and_says_when_stdin_is_empty() {
    // `| head -1`: the reader closes the pipe after one line; classify ends
    // cleanly (exit 0) without reading the rest of a large input.
    let input = "We will appeal the ruling.\n".repeat(200_000);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"))
        .env_remove("STANCE_MODEL")
        .arg("--model")
        .arg(init_model())
        .args(["--threads", "1", "classify", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        // Fails with a broken pipe once classify has gone.
        stdin.write_all(input.as_bytes()).is_ok()
    });
    {
        use std::io::BufRead;
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.contains("\"id\":1"), "{line}");
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        !writer.join().unwrap(),
        "classify read the whole input after its reader had gone"
    );

    stance(init_model())
        .arg("classify")
        .write_stdin("")
        .assert()
        .success()
        .stdout("")
        .stderr(contains("no quotes on stdin"));
}

#[test]
fn control_characters_are_blank_quotes_and_never_reach_the_terminal_raw() {
    let run = stance(init_model())
        .arg("classify")
        .write_stdin("\u{1b}\u{7}\u{0}\n\u{1b}[2J\u{1b}[31mWe will appeal.\u{202e}\n")
        .assert()
        .code(3)
        .stderr(contains("quote 1: empty or blank quote"));
    let table = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    assert!(
        !table.chars().any(|c| c.is_control() && c != '\n'),
        "{table:?}"
    );
    assert!(!table.contains('\u{202e}'), "{table:?}");
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[1].contains("error: empty or blank quote"), "{table}");
    assert!(lines[2].contains("\u{fffd}[31mWe will appeal."), "{table}");
}

/// The speaker scores `classify --json --source SOURCE QUOTE` gives.
fn speaker_with_source(model: &std::path::Path, extra: &[&str], source: &str) -> (String, f64) {
    let out = success_stdout(
        stance(model)
            .args(extra)
            .args(["classify", "--json", "--source", source])
            .arg("We will respond in due course.")
            .assert(),
    );
    let r: Value = serde_json::from_str(&out).unwrap();
    let speaker = r["speaker"].as_str().unwrap().to_string();
    let p = r["scores"]["speaker"]["government"].as_f64().unwrap();
    (speaker, p)
}

#[test]
fn source_cues_read_real_names_and_can_be_turned_off() {
    let model = crate::common::root().join("models/fast");
    // The examples: real names the model alone misreads.
    for (source, kind) in [
        ("FCC Chairwoman", "government"),
        ("Microsoft officials", "company"),
        ("the Taoiseach", "government"),
    ] {
        let (with, p_with) = speaker_with_source(&model, &[], source);
        assert_eq!(with, kind, "{source}: {p_with}");
        let (_, p_alone) = speaker_with_source(&model, &["--no-source-cues"], source);
        assert!(
            (p_with - p_alone).abs() > 0.1,
            "{source}: cues change nothing"
        );
    }
    // A source whose speaker part has no words (only a setting) gives no
    // cue: it is left to the model.
    let (_, a) = speaker_with_source(&model, &[], ", in a statement");
    let (_, b) = speaker_with_source(&model, &["--no-source-cues"], ", in a statement");
    assert!((a - b).abs() < 1e-5, "{a} {b}");
}

/// A copy of the shipped default model in `dir/m`, to change freely.
fn shipped_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let model = dir.join("m");
    std::fs::create_dir(&model).unwrap();
    let shipped = crate::common::root().join("models/fast");
    for f in ["stance.json", "weights.safetensors"] {
        std::fs::copy(shipped.join(f), model.join(f)).unwrap();
    }
    model
}

#[test]
fn fit_cues_writes_its_weights_into_the_model_and_keeps_the_weights_file() {
    let tmp = tempfile::tempdir().unwrap();
    let model = shipped_copy(tmp.path());
    let weights = std::fs::read(model.join("weights.safetensors")).unwrap();
    // Sixty dev quotes with sources, half of each speaker.
    let dev_text =
        std::fs::read_to_string(crate::common::root().join("data/v2/dev.jsonl")).unwrap();
    let dev = tmp.path().join("dev.jsonl");
    std::fs::write(
        &dev,
        dev_text.lines().step_by(6).collect::<Vec<_>>().join("\n") + "\n",
    )
    .unwrap();
    let out = success_stdout(
        stance(&model)
            .args(["fit-cues", "--data"])
            .arg(&dev)
            .assert(),
    );
    assert!(out.starts_with("source-cue weights fitted on"), "{out}");
    assert!(out.contains("dev speaker macro-F1 with sources"), "{out}");
    let config: Value =
        serde_json::from_slice(&std::fs::read(model.join("stance.json")).unwrap()).unwrap();
    let cues = &config["source_cues"];
    assert_eq!(cues["fitted_on"], dev.display().to_string());
    let f1 = cues["dev_speaker_f1"].as_array().unwrap();
    assert!(f1[1].as_f64().unwrap() >= f1[0].as_f64().unwrap(), "{f1:?}");
    assert!(config["metrics"]["dev_with_source"]["speaker"]["macro_f1"].is_number());
    assert_eq!(
        std::fs::read(model.join("weights.safetensors")).unwrap(),
        weights
    );
    // The model still loads and classifies.
    success_stdout(stance(&model).args(["classify", "We deny it."]).assert());
    // A model that does not read sources is refused, saying why.
    stance(init_model())
        .args(["fit-cues", "--data"])
        .arg(&dev)
        .assert()
        .code(1)
        .stderr(contains("source"));
}

#[test]
fn check_precision_records_checks_that_auto_follows() {
    let tmp = tempfile::tempdir().unwrap();
    let model = shipped_copy(tmp.path());
    // Without checks auto runs f32.
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("stance.json")).unwrap()).unwrap();
    let metrics = config["metrics"].as_object_mut().unwrap();
    metrics.retain(|k, _| !k.starts_with("check_"));
    std::fs::write(model.join("stance.json"), config.to_string()).unwrap();
    let test = crate::common::root().join("data/v2/test.jsonl");
    // The precision `batch` runs at, from its summary line.
    let quotes = tmp.path().join("q.jsonl");
    std::fs::write(&quotes, "{\"text\":\"We will appeal.\"}\n").unwrap();
    let batch_precision = |model: &std::path::Path| {
        let out = stance(model)
            .args(["batch"])
            .arg(&quotes)
            .arg("-o")
            .arg(tmp.path().join("out.jsonl"))
            .assert()
            .success();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        let summary = err.lines().find(|l| l.contains("records scored")).unwrap();
        let (_, tail) = summary.rsplit_once(", ").unwrap();
        tail.trim_end_matches(')').to_string()
    };
    assert_eq!(batch_precision(&model), "f32");

    let out = success_stdout(
        stance(&model)
            .args(["--json", "check-precision", "--data"])
            .arg(&test)
            .assert(),
    );
    let report: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(report["n"], 360);
    // int8's input ranges were measured and stored beside the weights.
    assert!(model.join("int8_ranges.safetensors").is_file());
    let rows = report["precisions"].as_array().unwrap();
    assert_eq!(rows[0]["precision"], "f32");
    let int8 = rows.iter().find(|r| r["precision"] == "int8").unwrap();
    // What the report says is what stance.json holds and auto does.
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("stance.json")).unwrap()).unwrap();
    let (f32_check, int8_check) = (
        &config["metrics"]["check_f32"],
        &config["metrics"]["check_int8"],
    );
    assert_eq!(int8_check["precision"], "int8");
    assert_eq!(int8_check["sha256"], f32_check["sha256"]);
    let loss = f32_check["stance"]["macro_f1"].as_f64().unwrap()
        - int8_check["stance"]["macro_f1"].as_f64().unwrap();
    assert!(
        (100.0 * loss - int8["stance_loss_points"].as_f64().unwrap()).abs() < 1e-9,
        "{int8}"
    );
    let auto = report["auto"].as_str().unwrap();
    assert_eq!(batch_precision(&model), auto);
    if int8["passes"] == true {
        assert_ne!(auto, "f32");
    }
    // The commands that score a few quotes stay at f32 under auto.
    let eval = success_stdout(stance(&model).args(["eval", "--data"]).arg(&test).assert());
    assert!(eval.lines().next().unwrap().ends_with("(f32)"), "{eval}");
    // Checks made on other quotes are dropped when the model is checked again.
    let dev = crate::common::root().join("data/v2/dev.jsonl");
    success_stdout(
        stance(&model)
            .args(["check-precision", "--data"])
            .arg(&dev)
            .assert(),
    );
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("stance.json")).unwrap()).unwrap();
    for (name, m) in config["metrics"].as_object().unwrap() {
        if name.starts_with("check_") {
            assert_eq!(m["file"], dev.display().to_string(), "{name}");
        }
    }
}
