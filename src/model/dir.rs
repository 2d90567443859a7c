//! The model directory: reading it (config, weights hash, base encoder,
//! every variable accounted for), writing it atomically, and creating one
//! with untrained heads.

use super::base::{base_dir_for, default_base_dir, BaseEncoder};
use super::config::{ModelConfig, Pooling, CONFIG_FILE, FORMAT_VERSION, WEIGHTS_FILE};
use super::tuning::TuneMode;
use super::{encoder, lock_rng, weights, StanceNet};
use crate::error::{Result, StanceError};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tch::Device;

/// A model directory read and checked, with its network built.
pub struct LoadedModel {
    /// The network, every variable loaded.
    pub net: StanceNet,
    /// `stance.json`.
    pub config: ModelConfig,
    /// The base encoder it was built on.
    pub base: BaseEncoder,
}

/// Reads the model directory `dir` on top of the base encoder in
/// `base_dir` (the default one when `None`) onto `device`.
///
/// Checks the weights file's hash against the config, the base encoder's
/// hashes, and every tensor's name and shape; every variable of the network
/// must come from the base encoder or the weights file. With `fast_only`,
/// only what scoring needs is built (no trainable encoder: a faster start).
pub fn load(
    dir: &Path,
    base_dir: Option<&Path>,
    device: Device,
    fast_only: bool,
) -> Result<LoadedModel> {
    if !dir.is_dir() {
        return Err(StanceError::NoModel(dir.to_path_buf()));
    }
    let config = ModelConfig::read(dir)?;
    let weights_path = dir.join(WEIGHTS_FILE);
    if !weights_path.is_file() {
        return Err(StanceError::BadWeights {
            path: weights_path,
            message: "missing: the model directory is incomplete".into(),
        });
    }
    let found = crate::hash::sha256_file(&weights_path)?;
    if found != config.weights_sha256 {
        return Err(StanceError::HashMismatch {
            path: weights_path,
            expected: config.weights_sha256.clone(),
            found,
            hint: format!(
                "the weights do not belong to {}; the file is corrupt or was replaced",
                dir.join(CONFIG_FILE).display()
            ),
        });
    }
    let base_dir = base_dir.map_or_else(|| base_dir_for(&config.base.name), Path::to_path_buf);
    let base = BaseEncoder::open(&base_dir, Some(&config.base))?;
    let (_, unused) = encoder::weight_names(&base.config);
    let mut loaded = BTreeSet::new();
    let mut net = {
        let _rng = lock_rng();
        if fast_only {
            let source = if config.tuning.stores_encoder() {
                weights_path.clone()
            } else {
                base.weights_path()
            };
            let (net, names) = StanceNet::for_inference(device, &base.config, &config, &source)?;
            loaded.extend(names);
            net
        } else {
            StanceNet::for_config(device, &base.config, &config)?
        }
    };
    let vars = net.vs.variables();
    if !config.tuning.stores_encoder() && !fast_only {
        loaded.extend(weights::load_into(&vars, &base.weights_path(), unused)?.names);
    }
    let tuned = weights::load_into(&vars, &weights_path, &[])?;
    // The weights file must hold everything its tuning mode stores: a file
    // short of some would leave those variables at the base encoder's
    // values, a different model than the one trained.
    let from_file: BTreeSet<&str> = tuned.names.iter().map(String::as_str).collect();
    let mut absent: Vec<&String> = vars
        .keys()
        .filter(|k| net.is_tuned(k, config.tuning) && !from_file.contains(k.as_str()))
        .collect();
    absent.sort();
    if let Some(first) = absent.first() {
        return Err(StanceError::BadWeights {
            path: weights_path,
            message: format!(
                "{} says the model tunes '{}', but {} of the tensors that mode stores are not in this file, e.g. '{first}'; the weights and the config do not belong together",
                dir.join(CONFIG_FILE).display(),
                config.tuning.name(),
                absent.len()
            ),
        });
    }
    loaded.extend(tuned.names);
    net.deltas = tuned.deltas;
    let missing: Vec<&String> = vars.keys().filter(|k| !loaded.contains(*k)).collect();
    if let Some(first) = missing.first() {
        return Err(StanceError::BadWeights {
            path: weights_path,
            message: format!(
                "{} variable(s) of the model found in neither the base encoder nor this file, e.g. '{first}'",
                missing.len()
            ),
        });
    }
    Ok(LoadedModel { net, config, base })
}

/// Writes a model directory: the tuned weights (safetensors) and
/// `stance.json` go to a temporary folder beside `out`, which is renamed into
/// place only when complete, so an interrupted save never leaves a
/// half-written model. An existing `out` is refused unless `force`, and is
/// then replaced only after the new one is complete.
pub fn save_model_dir(
    net: &StanceNet,
    config: &ModelConfig,
    out: &Path,
    force: bool,
) -> Result<()> {
    if out.exists() && !force {
        return Err(StanceError::Exists {
            path: out.to_path_buf(),
        });
    }
    // --force replaces a model directory (or an empty folder), never
    // anything else that happens to have the name.
    if out.exists() && !out.join(CONFIG_FILE).is_file() {
        let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
        if !empty {
            return Err(StanceError::NotAModelDir {
                path: out.to_path_buf(),
            });
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| StanceError::io(&parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".stance-model-")
        .tempdir_in(&parent)
        .map_err(|e| StanceError::io(&parent, e))?;
    let weights_path = tmp.path().join(WEIGHTS_FILE);
    let tensors = weights::stored_tensors(
        &net.tuned_variables(config.tuning),
        config.tuning.storage(),
        net.deltas(),
    )?;
    weights::save(&tensors, &weights_path)?;
    let mut config = config.clone();
    config.weights_sha256 = crate::hash::sha256_file(&weights_path)?;
    let config_path = tmp.path().join(CONFIG_FILE);
    let text = serde_json::to_string_pretty(&config).map_err(|e| StanceError::BadJson {
        path: config_path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&config_path, text + "\n").map_err(|e| StanceError::io(&config_path, e))?;
    let tmp_path = tmp.keep();
    if out.exists() {
        let old = parent.join(format!(
            ".stance-old-{}",
            out.file_name()
                .map_or("model".into(), |n| n.to_string_lossy().into_owned())
        ));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(out, &old).map_err(|e| StanceError::io(out, e))?;
        std::fs::rename(&tmp_path, out).map_err(|e| StanceError::io(out, e))?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(&tmp_path, out).map_err(|e| StanceError::io(out, e))?;
    }
    Ok(())
}

/// Creates a model directory with freshly initialised heads on the base
/// encoder in `base_dir` (the default one when `None`), seeded, so
/// everything can be tried before training.
pub fn init_model_dir(out: &Path, base_dir: Option<&Path>, seed: u64, force: bool) -> Result<()> {
    let base_dir = base_dir.map_or_else(default_base_dir, Path::to_path_buf);
    let base = BaseEncoder::open(&base_dir, None)?;
    let config = ModelConfig {
        format: FORMAT_VERSION,
        base: base.info.clone(),
        labels: Default::default(),
        max_length: 256,
        pooling: Pooling::Mean,
        dropout: 0.1,
        tuning: TuneMode::Heads,
        source_input: false,
        temperature: Default::default(),
        source_cues: None,
        weights_sha256: String::new(),
        note: Some(format!("untrained heads (stance init), seed {seed}")),
        training: None,
        metrics: Default::default(),
    };
    let net = {
        let _rng = lock_rng();
        tch::manual_seed(seed as i64);
        StanceNet::for_config(Device::Cpu, &base.config, &config)?
    };
    save_model_dir(&net, &config, out, force)
}
