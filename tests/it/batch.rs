//! `stance batch`: one output record per input record, in order, for every
//! format and every kind of bad record; resume after a kill; shards.

use crate::common::{init_model, stance};
use predicates::str::contains;
use serde_json::Value;
use std::path::Path;

fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("output line is JSON"))
        .collect()
}

/// `stance batch INPUT -o OUTPUT` with the untrained test model.
fn batch(input: &Path, output: &Path) -> assert_cmd::Command {
    let mut cmd = stance(init_model());
    cmd.arg("batch").arg(input).arg("-o").arg(output);
    cmd
}

fn quotes(n: usize) -> Vec<String> {
    let parts = [
        "The ministry said the operator had failed to protect customer data",
        "We will appeal",
        "Our company has never shared information with any foreign government and never will",
        "Regulators warned that the app poses a risk to children",
        "Starting today, the agency suspends the licence",
    ];
    (0..n)
        .map(|i| {
            let base = parts[i % parts.len()];
            let reps = 1 + (i * 7) % 5;
            format!(
                "{} (item {i}){}",
                base,
                " and that is all we can say".repeat(reps - 1)
            )
        })
        .collect()
}

#[test]
fn order_count_ids_and_bad_records_in_a_mixed_jsonl_file() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.jsonl");
    let long = "word ".repeat(50_000);
    let mut text = String::new();
    text.push_str("{\"id\":\"a\",\"text\":\"We reject the claims.\",\"source\":\"wire\",\"meta\":{\"page\":3}}\n");
    text.push('\n');
    text.push_str("this is not json\n");
    text.push_str(
        "{\"text\":\"The ministry will compensate farmers who lose their contracts this year.\"}\n",
    );
    text.push_str("{\"id\":7,\"body\":\"no text field\"}\n");
    text.push_str("{\"text\":42}\n");
    text.push_str(&format!("{{\"id\":\"long\",\"text\":\"{long}\"}}\n"));
    text.push_str("{\"text\":\"   \"}\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"{\"text\":\"bad \xff byte\"}\n");
    bytes.extend_from_slice(
        b"{\"id\":\"z\",\"text\":\"Officials said the firm misled investors.\"}\n",
    );
    std::fs::write(&input, bytes).unwrap();
    let out = tmp.path().join("out.jsonl");
    stance(init_model())
        .args(["batch", "--window", "3"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(3)
        .stderr(contains("line 3: not valid JSON"))
        .stderr(contains("4 records scored, 6 bad"));
    let recs = read_jsonl(&out);
    assert_eq!(recs.len(), 10, "one output record per input line");
    let ids: Vec<Value> = recs.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(
        ids,
        vec![
            Value::from("a"),
            Value::from(2),
            Value::from(3),
            Value::from(4),
            Value::from(7),
            Value::from(6),
            Value::from("long"),
            Value::from(8),
            Value::from(9),
            Value::from("z")
        ]
    );
    assert_eq!(recs[0]["source"], "wire");
    assert_eq!(recs[0]["meta"]["page"], 3);
    assert!(recs[0]["speaker"].is_string() && recs[0].get("error").is_none());
    assert!(recs[1]["error"]
        .as_str()
        .unwrap()
        .contains("line 2: blank line"));
    assert!(recs[2]["error"]
        .as_str()
        .unwrap()
        .contains("line 3: not valid JSON"));
    assert!(recs[4]["error"]
        .as_str()
        .unwrap()
        .contains("line 5: no \"text\" field"));
    assert_eq!(recs[4]["body"], "no text field");
    assert!(recs[5]["error"]
        .as_str()
        .unwrap()
        .contains("must be a string"));
    assert_eq!(recs[6]["truncated"], true);
    assert!(recs[6]["stance"].is_string());
    assert!(recs[7]["error"]
        .as_str()
        .unwrap()
        .contains("empty or blank"));
    assert!(recs[8]["error"]
        .as_str()
        .unwrap()
        .contains("line 9: invalid UTF-8"));
    assert!(recs[9]["speaker"].is_string());
}

#[test]
fn batch_scores_equal_classify_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let qs = quotes(12);
    let input = tmp.path().join("in.txt");
    std::fs::write(&input, qs.join("\n") + "\n").unwrap();
    let out = tmp.path().join("out.jsonl");
    batch(&input, &out).assert().success();
    let batch = read_jsonl(&out);
    assert_eq!(batch.len(), qs.len());
    for (i, q) in qs.iter().enumerate().step_by(3) {
        let single = stance(init_model())
            .args(["classify", "--json", q])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let single: Value = serde_json::from_slice(&single).unwrap();
        assert_eq!(batch[i]["id"], Value::from(i + 1));
        assert_eq!(batch[i]["stance"], single["stance"]);
        for head in ["speaker", "stance"] {
            for (label, p) in single["scores"][head].as_object().unwrap() {
                let b = batch[i]["scores"][head][label].as_f64().unwrap();
                assert!(
                    (b - p.as_f64().unwrap()).abs() < 1e-5,
                    "quote {i} {label}: {b} vs {p}"
                );
            }
        }
    }
}

#[test]
fn csv_with_quoted_commas_and_newlines_keeps_columns_and_order() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.csv");
    std::fs::write(
        &input,
        "id,text,outlet\nq1,\"We said, plainly, that we will appeal.\",Wire\nq2,\"The regulator said:\nthe bank misled savers.\",Daily\nq3,\"unbalanced, quote\",x,extra\nq4,The agency will publish its report.,Radio\n",
    )
    .unwrap();
    let out = tmp.path().join("out.jsonl");
    batch(&input, &out).assert().code(3);
    let recs = read_jsonl(&out);
    assert_eq!(recs.len(), 4);
    assert_eq!(recs[0]["id"], "q1");
    assert_eq!(recs[0]["outlet"], "Wire");
    assert_eq!(recs[1]["outlet"], "Daily");
    assert!(recs[1]["stance"].is_string());
    assert!(recs[2]["error"]
        .as_str()
        .unwrap()
        .contains("4 fields, the header has 3"));
    assert_eq!(recs[2]["id"], "q3", "a bad row keeps its own id");
    assert_eq!(recs[3]["id"], "q4");
    // CSV out: header plus one row per record, carried columns kept.
    let out_csv = tmp.path().join("out.csv");
    batch(&input, &out_csv).assert().code(3);
    let mut reader = csv::Reader::from_path(&out_csv).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..4], ["id", "outlet", "speaker", "speaker_score"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[1][1], "Daily");
    assert!(rows[2].iter().next_back().unwrap().contains("4 fields"));
}

#[test]
fn stdin_to_stdout_equals_file_to_file() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = quotes(7)
        .iter()
        .map(|q| serde_json::json!({"text": q, "n": 1}).to_string())
        .collect();
    let input = tmp.path().join("in.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = tmp.path().join("out.jsonl");
    batch(&input, &out).assert().success();
    let piped = stance(init_model())
        .args(["batch", "-", "--quiet"])
        .write_stdin(lines.join("\n") + "\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(piped, std::fs::read(&out).unwrap());
}

#[test]
fn tsv_txt_and_empty_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let tsv = tmp.path().join("in.tsv");
    std::fs::write(
        &tsv,
        "text\tdesk\nWe will cooperate with the inquiry.\tbusiness\n",
    )
    .unwrap();
    let out = stance(init_model())
        .arg("batch")
        .arg(&tsv)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rec: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(rec["desk"], "business");
    assert_eq!(rec["id"], 1);
    let empty = tmp.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    stance(init_model())
        .arg("batch")
        .arg(&empty)
        .assert()
        .success()
        .stdout("")
        .stderr(contains("0 records scored"));
    let unknown = tmp.path().join("in.doc");
    std::fs::write(&unknown, "x\n").unwrap();
    stance(init_model())
        .arg("batch")
        .arg(&unknown)
        .assert()
        .code(1)
        .stderr(contains("--format"));
}

#[test]
#[ignore = "slow: a long input or whole test sets; scripts/test.sh runs it"]
fn killed_run_resumes_to_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let qs = quotes(1200);
    let input = tmp.path().join("in.txt");
    std::fs::write(&input, qs.join("\n") + "\n").unwrap();
    let whole = tmp.path().join("whole.jsonl");
    stance(init_model())
        .args(["batch", "--window", "40"])
        .arg(&input)
        .arg("-o")
        .arg(&whole)
        .assert()
        .success();

    let out = tmp.path().join("out.jsonl");
    let progress = tmp.path().join("out.jsonl.progress");
    // An older output stays as it is until the new one is complete.
    std::fs::write(&out, "older results\n").unwrap();
    let mut child = spawn_batch(&input, &out, 40);
    // Kill it (SIGKILL) once some windows are written, well before the end.
    wait_for_records(&progress, 120);
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = std::fs::read(tmp.path().join("out.jsonl.partial")).unwrap();
    assert!(
        partial.len() < std::fs::read(&whole).unwrap().len(),
        "killed before the end"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "older results\n");
    let resume = || {
        let mut cmd = stance(init_model());
        cmd.args(["batch", "--window", "40", "--resume"])
            .arg(&input)
            .arg("-o")
            .arg(&out);
        cmd
    };
    resume()
        .assert()
        .success()
        .stderr(contains("resumed after"));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&whole).unwrap());
    assert!(!tmp.path().join("out.jsonl.partial").exists());
    // The progress record stays, marked complete: a requeued task that
    // resumes again succeeds without redoing anything.
    let record: Value = serde_json::from_str(&std::fs::read_to_string(&progress).unwrap()).unwrap();
    assert_eq!(record["complete"], true);
    assert_eq!(record["records"], 1200);
    resume()
        .assert()
        .success()
        .stderr(contains("is already complete (1200 records)"));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&whole).unwrap());
    // A complete output that was changed since is not called complete.
    std::fs::write(&out, "edited\n").unwrap();
    resume()
        .assert()
        .code(1)
        .stderr(contains("is missing or not those bytes"));
}

/// Starts `stance batch INPUT -o OUT --window W --quiet` in the background.
fn spawn_batch(input: &Path, out: &Path, window: usize) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"))
        .args(["--model"])
        .arg(init_model())
        .args(["--threads", "1", "batch", "--quiet", "--window"])
        .arg(window.to_string())
        .arg(input)
        .arg("-o")
        .arg(out)
        .spawn()
        .unwrap()
}

/// Waits (up to a minute) until the progress record says `n` records are
/// complete.
fn wait_for_records(progress: &Path, n: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let done = std::fs::read_to_string(progress)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["records"].as_u64())
            .unwrap_or(0);
        if done >= n || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
#[ignore = "slow: a long input or whole test sets; scripts/test.sh runs it"]
fn resume_refuses_progress_that_no_longer_fits_and_a_second_writer_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.txt");
    std::fs::write(&input, quotes(800).join("\n") + "\n").unwrap();
    let out = tmp.path().join("out.jsonl");
    let progress = tmp.path().join("out.jsonl.progress");
    let mut child = spawn_batch(&input, &out, 20);
    wait_for_records(&progress, 40);
    // While it runs, a second run on the same output is refused and names
    // the process that holds it.
    batch(&input, &out)
        .assert()
        .code(1)
        .stderr(contains("another stance batch run (process"))
        .stderr(contains(format!("{}", child.id())));
    child.kill().unwrap();
    child.wait().unwrap();
    let resume = || {
        let mut cmd = stance(init_model());
        cmd.args(["batch", "--window", "20", "--resume"])
            .arg(&input)
            .arg("-o")
            .arg(&out);
        cmd
    };
    // The partial output deleted, its progress left: refused, not padded.
    let partial = tmp.path().join("out.jsonl.partial");
    let kept = std::fs::read(&partial).unwrap();
    std::fs::remove_file(&partial).unwrap();
    resume()
        .assert()
        .code(1)
        .stderr(contains("holds 0 bytes"))
        .stderr(contains("run without --resume to start over"));
    // The partial output edited: refused.
    let mut edited = kept.clone();
    edited[5] ^= 1;
    std::fs::write(&partial, &edited).unwrap();
    resume()
        .assert()
        .code(1)
        .stderr(contains("are not the ones"));
    // Another precision: refused, naming both (one output, one scoring).
    std::fs::write(&partial, &kept).unwrap();
    resume()
        .args(["--precision", "int8"])
        .assert()
        .code(1)
        .stderr(contains("scored by the model with weights"))
        .stderr(contains("at f32"))
        .stderr(contains("at int8"));
    // The input grown: refused, saying how.
    let size = std::fs::metadata(&input).unwrap().len();
    std::fs::write(&input, quotes(801).join("\n") + "\n").unwrap();
    resume()
        .assert()
        .code(1)
        .stderr(contains(format!("the input was {size} bytes and is now")));
}

#[test]
fn a_failed_run_leaves_an_existing_output_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.jsonl");
    std::fs::write(&out, "older results\n").unwrap();
    // The input is a directory.
    let folder = tmp.path().join("quotes.txt");
    std::fs::create_dir(&folder).unwrap();
    batch(&folder, &out).assert().code(1);
    // The input is a CSV without a text column.
    let csv = tmp.path().join("in.csv");
    std::fs::write(&csv, "id,body\n1,We deny it.\n").unwrap();
    batch(&csv, &out).assert().code(1);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "older results\n");
    assert!(!tmp.path().join("out.jsonl.partial").exists());
    assert!(!tmp.path().join("out.jsonl.progress").exists());
}

#[test]
#[ignore = "slow: a long input or whole test sets; scripts/test.sh runs it"]
fn shards_concatenated_equal_the_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.txt");
    std::fs::write(&input, quotes(45).join("\n") + "\n").unwrap();
    let whole = tmp.path().join("whole.jsonl");
    stance(init_model())
        .args(["batch", "--window", "8"])
        .arg(&input)
        .arg("-o")
        .arg(&whole)
        .assert()
        .success();
    let mut joined = Vec::new();
    for k in 0..3 {
        let part = tmp.path().join(format!("part{k}.jsonl"));
        stance(init_model())
            .args(["batch", "--window", "8", "--shard", &format!("{k}/3")])
            .arg(&input)
            .arg("-o")
            .arg(&part)
            .assert()
            .success();
        let bytes = std::fs::read(&part).unwrap();
        assert!(!bytes.is_empty(), "every shard gets records");
        joined.extend(bytes);
    }
    assert_eq!(joined, std::fs::read(&whole).unwrap());
    stance(init_model())
        .args(["batch", "--shard", "3/3"])
        .arg(&input)
        .assert()
        .code(2);
}

#[test]
fn a_source_field_is_read_by_the_default_model_and_carried_through() {
    let model = crate::common::root().join("models/fast");
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.jsonl");
    let quote = "We will respond in due course.";
    std::fs::write(
        &input,
        format!(
            "{{\"id\":\"a\",\"text\":\"{quote}\",\"source\":\"Commerce officials\"}}\n\
             {{\"id\":\"b\",\"text\":\"{quote}\",\"source\":\"the firm\"}}\n\
             {{\"id\":\"c\",\"text\":\"{quote}\"}}\n"
        ),
    )
    .unwrap();
    let out = tmp.path().join("out.jsonl");
    stance(&model)
        // One precision for both (batch's auto is int8 here, classify's f32).
        .args(["--precision", "f32", "batch", "--quiet"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let records = read_jsonl(&out);
    assert_eq!(records.len(), 3);
    // A quote either side could say takes its speaker from the source.
    assert_eq!(records[0]["speaker"], "government");
    assert_eq!(records[0]["source"], "Commerce officials");
    assert_eq!(records[1]["speaker"], "company");
    assert_eq!(records[1]["source"], "the firm");
    // Without a source, the quote is read alone, as classify does.
    let alone = stance(&model)
        .args(["--precision", "f32", "classify", "--json", quote])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let alone: Value = serde_json::from_slice(&alone).unwrap();
    for label in ["government", "company"] {
        let (a, b) = (
            records[2]["scores"]["speaker"][label].as_f64().unwrap(),
            alone["scores"]["speaker"][label].as_f64().unwrap(),
        );
        assert!((a - b).abs() < 1e-5, "{label}: batch {a}, classify {b}");
    }
}

#[test]
fn an_output_that_is_the_input_is_refused_and_the_input_kept() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    let input = tmp.path().join("q.txt");
    let text = quotes(4).join("\n") + "\n";
    std::fs::write(&input, &text).unwrap();
    std::os::unix::fs::symlink(&input, tmp.path().join("link.txt")).unwrap();
    // The same path, the same file through `..` and through a link.
    for out in ["q.txt", "sub/../q.txt", "link.txt"] {
        stance(init_model())
            .current_dir(tmp.path())
            .args(["batch", "q.txt", "-o", out])
            .assert()
            .code(1)
            .stderr(contains("is the input"));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), text, "-o {out}");
    }
    // stdin redirected from the output file (`stance batch - < q.txt -o q.txt`).
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"))
        .env_remove("STANCE_MODEL")
        .env_remove("STANCE_BASE")
        .current_dir(tmp.path())
        .arg("--model")
        .arg(init_model())
        .args(["batch", "-", "--format", "txt", "-o", "q.txt"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stdin is redirected from it"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
}

#[test]
fn a_byte_order_mark_is_accepted_and_a_duplicate_column_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // JSONL, TXT and CSV starting with a UTF-8 BOM: record 1 is scored.
    for (name, body) in [
        (
            "b.jsonl",
            "\u{feff}{\"id\":\"a\",\"text\":\"We will appeal.\"}\n{\"text\":\"We deny it.\"}\n",
        ),
        ("b.txt", "\u{feff}We will appeal.\nWe deny it.\n"),
        (
            "b.csv",
            "\u{feff}id,text\na,We will appeal.\nb,We deny it.\n",
        ),
    ] {
        let input = tmp.path().join(name);
        std::fs::write(&input, body).unwrap();
        let out = tmp.path().join(format!("{name}.out.jsonl"));
        batch(&input, &out).assert().success();
        let records = read_jsonl(&out);
        assert_eq!(records.len(), 2, "{name}");
        assert!(
            records.iter().all(|r| r.get("error").is_none()),
            "{name}: {records:?}"
        );
    }
    // A CSV header naming `text` twice is refused, naming both columns.
    let input = tmp.path().join("dup.csv");
    std::fs::write(&input, "text,id,text\nWe will appeal.,1,other\n").unwrap();
    stance(init_model())
        .arg("batch")
        .arg(&input)
        .assert()
        .code(1)
        .stderr(contains("names column \"text\" twice (columns 1 and 3)"));
}

#[test]
fn input_fields_named_like_result_fields_are_carried_apart_in_jsonl_and_csv() {
    let tmp = tempfile::tempdir().unwrap();
    // Gold labels and an `error` column beside the text, as a user comparing
    // gold and predicted labels would have them.
    let input = tmp.path().join("gold.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"q1\",\"text\":\"We deny every claim in the report.\",\"speaker\":\"company\",\"stance\":\"denial\",\"error\":\"none\",\"scores\":[1]}\n\
         {\"id\":\"q2\",\"text\":\"The ministry will publish its findings.\",\"source\":\"wire\"}\n",
    )
    .unwrap();
    let out = tmp.path().join("out.jsonl");
    batch(&input, &out).assert().success();
    let recs = read_jsonl(&out);
    assert_eq!(recs[0]["input_speaker"], "company");
    assert_eq!(recs[0]["input_stance"], "denial");
    assert_eq!(recs[0]["input_error"], "none");
    assert_eq!(recs[0]["input_scores"], serde_json::json!([1]));
    // The predictions are the model's, and a scored record has no error.
    assert!(recs[0].get("error").is_none(), "{:?}", recs[0]);
    assert!(recs[0]["scores"]["speaker"].is_object());
    let speaker = recs[0]["speaker"].as_str().unwrap();
    let p = recs[0]["scores"]["speaker"][speaker].as_f64().unwrap();
    assert_eq!(p, recs[0]["speaker_score"].as_f64().unwrap());

    // JSONL in, CSV out: the other fields travel as one JSON column.
    let out_csv = tmp.path().join("out.csv");
    batch(&input, &out_csv).assert().success();
    let mut rows = csv::Reader::from_path(&out_csv).unwrap();
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    let fields: Value = serde_json::from_str(&rows[0][col("fields")]).unwrap();
    assert_eq!(fields["input_speaker"], "company");
    assert_eq!(fields["input_error"], "none");
    assert_eq!(&rows[0][col("error")], "");
    let fields: Value = serde_json::from_str(&rows[1][col("fields")]).unwrap();
    assert_eq!(fields, serde_json::json!({"source": "wire"}));

    // CSV in, CSV out: a gold column keeps its own column under a new name,
    // and a column already called input_speaker is not overwritten.
    let input = tmp.path().join("gold.csv");
    std::fs::write(
        &input,
        "id,speaker,text,input_speaker,error\nq1,company,We deny every claim.,note,none\n",
    )
    .unwrap();
    let out_csv = tmp.path().join("gold.out.csv");
    batch(&input, &out_csv).assert().success();
    let mut rows = csv::Reader::from_path(&out_csv).unwrap();
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    let row = rows.records().next().unwrap().unwrap();
    let get = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    assert_eq!(get("input_input_speaker"), "company");
    assert_eq!(get("input_speaker"), "note");
    assert_eq!(get("input_error"), "none");
    assert_eq!(get("error"), "");
    assert!(["government", "company"].contains(&get("speaker")));
    assert_eq!(
        header.iter().filter(|h| *h == "speaker").count(),
        1,
        "{header:?}"
    );
}

#[test]
fn any_json_id_is_kept_and_a_repeated_id_is_reported_once() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("ids.jsonl");
    std::fs::write(
        &input,
        "{\"id\":{\"doc\":7,\"para\":2},\"text\":\"We deny it.\"}\n\
         {\"id\":\"a\",\"text\":\"We will appeal.\"}\n\
         {\"id\":[1,2],\"text\":\"The agency fined the firm.\"}\n\
         {\"id\":\"a\",\"text\":\"The firm misled investors.\"}\n\
         {\"id\":\"a\",\"text\":\"We will cooperate.\"}\n\
         {\"id\":null,\"text\":\"We reject the findings.\"}\n",
    )
    .unwrap();
    let out = tmp.path().join("out.jsonl");
    let run = batch(&input, &out)
        .assert()
        .success()
        .stderr(contains("id \"a\" is on line 2 and again on line 4"));
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert_eq!(stderr.matches("again on line").count(), 1, "{stderr}");
    let ids: Vec<Value> = read_jsonl(&out).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(
        ids,
        vec![
            serde_json::json!({"doc": 7, "para": 2}),
            Value::from("a"),
            serde_json::json!([1, 2]),
            Value::from("a"),
            Value::from("a"),
            Value::from(6),
        ]
    );
    // Unique ids: no warning.
    let input = tmp.path().join("unique.jsonl");
    std::fs::write(
        &input,
        "{\"id\":1,\"text\":\"We deny it.\"}\n{\"text\":\"We will appeal.\"}\n",
    )
    .unwrap();
    let run = batch(&input, &tmp.path().join("u.jsonl"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(!stderr.contains("warning"), "{stderr}");
}
