//! Shared helpers for the integration tests: the project's paths, model
//! directories made in temp folders, and a command runner for the binary.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The base encoder fetched by `scripts/setup.sh`.
pub fn base_dir() -> PathBuf {
    root().join("models/base/all-minilm-l6-v2")
}

/// A model directory with untrained heads (seed 7) on the MiniLM base, made
/// once per test binary.
pub fn init_model() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    init_once(&DIR, &base_dir())
}

/// A model directory with untrained heads (seed 7) on the base in `base`,
/// made the first time `cell` is asked.
fn init_once(cell: &'static OnceLock<tempfile::TempDir>, base: &Path) -> &'static Path {
    cell.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("temp dir");
        stance::model::init_model_dir(&tmp.path().join("m"), Some(base), 7, false)
            .expect("init model dir");
        tmp
    })
    .path()
    .join("m")
    .leak()
}

/// A file of `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The tiny labeled train and dev fixtures, read with the default labels.
pub fn tiny_data() -> (stance::io::labeled::Dataset, stance::io::labeled::Dataset) {
    let labels = stance::model::config::Labels::default();
    let read = |name: &str| {
        stance::io::labeled::Dataset::read(&fixture(name), &labels, false)
            .expect("tiny fixture")
            .0
    };
    (read("tiny_train.jsonl"), read("tiny_dev.jsonl"))
}

/// The `stance` binary, run with the given model directory and a clean
/// environment for the model settings.
pub fn stance(model: &Path) -> Command {
    let mut cmd = Command::cargo_bin("stance").expect("binary built");
    cmd.env_remove("STANCE_MODEL")
        .env_remove("STANCE_BASE")
        .arg("--model")
        .arg(model)
        .arg("--threads")
        .arg("2");
    cmd
}

/// The standard output of a run that must succeed, as text.
pub fn success_stdout(run: assert_cmd::assert::Assert) -> String {
    String::from_utf8(run.success().get_output().stdout.clone()).expect("stdout is UTF-8")
}

/// The six statements of the labeling guide's example table, with labels.
pub const SEED_QUOTES: [(&str, &str, &str); 6] = [
    ("Starting from July 20, 2024, Kaspersky will gradually wind down its US operations and eliminate US-based positions.", "company", "commitment"),
    ("The decision was made based on the present geopolitical climate and theoretical concerns, rather than a comprehensive evaluation of its products and services.", "company", "denial"),
    ("The software poses an undue risk to U.S. national security because of the company's ties to the Russian government.", "government", "allegation"),
    ("Individuals and businesses that continue to use existing products will not be penalized.", "government", "commitment"),
    ("We remain committed to providing the highest level of cybersecurity to our customers worldwide.", "company", "commitment"),
    ("We are deeply disappointed by the U.S. government's decision, which we believe is based on unfounded allegations and political motives.", "company", "denial"),
];

/// The MPNet base encoder fetched by `scripts/setup.sh`.
pub fn mpnet_base_dir() -> PathBuf {
    root().join("models/base/all-mpnet-base-v2")
}

/// A model directory with untrained heads (seed 7) on the MPNet base, made
/// once per test binary.
pub fn init_mpnet_model() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    init_once(&DIR, &mpnet_base_dir())
}
