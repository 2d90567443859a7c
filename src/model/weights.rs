//! Reading and writing safetensors weights with strict checks: every tensor
//! must name a variable of the model and have its shape, or the error says
//! which one and how it differs.

use crate::error::{Result, StanceError};
use crate::model::tuning::{is_encoder_matrix, Storage};
use safetensors::{Dtype, SafeTensors};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tch::{Kind, Tensor};

/// Suffix of the int8 delta of a tuned matrix in a weights file: the tensor
/// `X.delta` (i8, the matrix's shape) plus `X.delta_scale` (f32, one per row)
/// stand for the variable `X` as base + delta * scale.
pub const DELTA_SUFFIX: &str = ".delta";
/// Suffix of the per-row scales of an int8 delta (see [`DELTA_SUFFIX`]).
pub const SCALE_SUFFIX: &str = ".delta_scale";

/// Calls `f(name, tensor)` for every tensor of the safetensors file `path`
/// whose name starts with none of `skip`, in name order. Float tensors keep
/// their type and `X.delta` tensors must be int8; a corrupt file or any other
/// type is an error naming the file and the tensor.
fn for_each_tensor(
    path: &Path,
    skip: &[&str],
    mut f: impl FnMut(&str, Tensor) -> Result<()>,
) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| StanceError::io(path, e))?;
    let bad = |message: String| StanceError::BadWeights {
        path: path.to_path_buf(),
        message,
    };
    let file = SafeTensors::deserialize(&bytes).map_err(|e| {
        bad(format!(
            "not a valid safetensors file (truncated or corrupt?): {e:?}"
        ))
    })?;
    let mut names = file.names();
    names.sort();
    for name in names {
        if skip.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let view = file
            .tensor(name)
            .map_err(|e| bad(format!("tensor '{name}': {e:?}")))?;
        let shape: Vec<i64> = view.shape().iter().map(|&d| d as i64).collect();
        let is_delta = name.ends_with(DELTA_SUFFIX);
        let kind = match view.dtype() {
            Dtype::F32 if !is_delta => Kind::Float,
            Dtype::F16 if !is_delta => Kind::Half,
            Dtype::BF16 if !is_delta => Kind::BFloat16,
            Dtype::F64 if !is_delta => Kind::Double,
            Dtype::I8 if is_delta => Kind::Int8,
            other if is_delta => {
                return Err(bad(format!(
                    "tensor '{name}' has dtype {other:?}, an int8 delta must be I8"
                )))
            }
            other => {
                return Err(bad(format!(
                    "tensor '{name}' has dtype {other:?}, expected a float type"
                )))
            }
        };
        let tensor = Tensor::f_from_data_size(view.data(), &shape, kind)?;
        f(name, tensor)?;
    }
    Ok(())
}

/// Quantizes `delta` (a matrix `[rows, cols]`) to int8 with one symmetric
/// f32 scale per row: returns `(q, scale)` with `delta ≈ q * scale`.
pub fn quantize_delta(delta: &Tensor) -> (Tensor, Tensor) {
    let delta = delta.detach().to_kind(Kind::Float);
    let amax = delta.abs().amax([1].as_slice(), false);
    // A row that did not change gets scale 1 and all-zero deltas.
    let scale = (&amax / 127.0).where_self(&amax.gt(0.0), &amax.ones_like());
    let q = (&delta / scale.unsqueeze(1))
        .round()
        .clamp(-127.0, 127.0)
        .to_kind(Kind::Int8);
    (q, scale)
}

/// `base + q * scale` per row, in `base`'s type and device: the matrix an
/// int8 delta stands for. Training and loading both go through this, so the
/// stored model is exactly the evaluated one.
pub fn apply_delta(base: &Tensor, q: &Tensor, scale: &Tensor) -> Tensor {
    let device = base.device();
    let delta = q.to_device(device).to_kind(Kind::Float)
        * scale.to_device(device).to_kind(Kind::Float).unsqueeze(1);
    (base.to_kind(Kind::Float) + delta).to_kind(base.kind())
}

/// Copies the tensors of the safetensors file `path` into `vars` (by name).
///
/// Tensors whose name starts with one of `skip` are ignored (e.g. the base
/// encoder's unused pooler). Every other tensor must match a variable by
/// name and shape. An int8 delta `X.delta` with its `X.delta_scale` is added
/// to the variable `X`, which must hold the base encoder's value already.
/// Returns the names of the variables that were loaded, and the int8 deltas
/// read (by variable name), so that the model can be saved again as it is.
pub fn load_into(vars: &HashMap<String, Tensor>, path: &Path, skip: &[&str]) -> Result<Loaded> {
    let bad = |message: String| StanceError::BadWeights {
        path: path.to_path_buf(),
        message,
    };
    // The variable `target` that tensor `name` sets, checked for shape.
    let var_for = |name: &str, target: &str, src: &Tensor| -> Result<Tensor> {
        let Some(var) = vars.get(target) else {
            return Err(bad(format!(
                "tensor '{name}' is not a variable of this model (wrong architecture?)"
            )));
        };
        if src.size() != var.size() {
            return Err(bad(format!(
                "tensor '{name}' has shape {:?}, the model expects {:?}",
                src.size(),
                var.size()
            )));
        }
        Ok(var.shallow_clone())
    };
    let mut loaded = Loaded::default();
    // Plain tensors are copied as they are read; deltas and their scales are
    // paired once the whole file is read.
    let (mut deltas, mut scales) = (BTreeMap::new(), BTreeMap::new());
    for_each_tensor(path, skip, |name, src| {
        if let Some(target) = name.strip_suffix(SCALE_SUFFIX) {
            scales.insert(target.to_string(), src);
        } else if let Some(target) = name.strip_suffix(DELTA_SUFFIX) {
            deltas.insert(target.to_string(), src);
        } else {
            let mut var = var_for(name, name, &src)?;
            tch::no_grad(|| var.f_copy_(&src))?;
            loaded.names.push(name.to_string());
        }
        Ok(())
    })?;
    if let Some(target) = scales.keys().find(|t| !deltas.contains_key(*t)) {
        return Err(bad(format!(
            "tensor '{target}{SCALE_SUFFIX}' scales a delta '{target}{DELTA_SUFFIX}' that is not in the file"
        )));
    }
    for (target, q) in deltas {
        let name = format!("{target}{DELTA_SUFFIX}");
        let Some(scale) = scales.remove(&target) else {
            return Err(bad(format!(
                "int8 delta '{name}' has no scales '{target}{SCALE_SUFFIX}'"
            )));
        };
        let mut var = var_for(&name, &target, &q)?;
        let rows = var.size().first().copied().unwrap_or(0);
        if var.dim() != 2 || scale.size() != [rows] {
            return Err(bad(format!(
                "int8 delta '{name}': scales have shape {:?}, expected [{rows}] for a matrix",
                scale.size()
            )));
        }
        tch::no_grad(|| var.f_copy_(&apply_delta(&var, &q, &scale)))?;
        loaded.names.push(target.clone());
        loaded.deltas.insert(target, (q, scale));
    }
    Ok(loaded)
}

/// What [`load_into`] loaded.
#[derive(Default)]
pub struct Loaded {
    /// Names of the variables set.
    pub names: Vec<String>,
    /// The int8 deltas `(q, scale)` read, by variable name.
    pub deltas: BTreeMap<String, (Tensor, Tensor)>,
}

/// Creates f32 variables under `root` from the tensors of `path` whose
/// names start with one of `prefixes` (and with none of `skip`), copying the
/// data: no random initialisation first. Returns the names created.
pub fn create_from(
    root: &tch::nn::Path,
    path: &Path,
    prefixes: &[&str],
    skip: &[&str],
) -> Result<Vec<String>> {
    let mut created = Vec::new();
    for_each_tensor(path, skip, |name, src| {
        if !prefixes.iter().any(|p| name.starts_with(p)) {
            return Ok(());
        }
        let mut parts: Vec<&str> = name.split('.').collect();
        let leaf = parts.pop().unwrap_or(name);
        let Some((first, rest)) = parts.split_first() else {
            return Err(StanceError::BadWeights {
                path: path.to_path_buf(),
                message: format!("tensor '{name}' has no module path"),
            });
        };
        let mut p = root.sub(*first);
        for part in rest {
            p = p.sub(*part);
        }
        let src = src.to_kind(Kind::Float);
        let _ = p.f_var_copy(leaf, &src)?;
        created.push(name.to_string());
        Ok(())
    })?;
    Ok(created)
}

/// Writes `tensors` (name, tensor) to a safetensors file at `path`, on the
/// CPU, in the types they have.
pub fn save(tensors: &[(String, Tensor)], path: &Path) -> Result<()> {
    let cpu: Vec<(String, Tensor)> = tensors
        .iter()
        .map(|(n, t)| {
            (
                n.clone(),
                t.detach().to_device(tch::Device::Cpu).contiguous(),
            )
        })
        .collect();
    Tensor::write_safetensors(&cpu, path)?;
    Ok(())
}

/// The tensors a model directory stores for `tuned` (name, variable) at
/// `storage`. For [`Storage::Int8Delta`], every tuned matrix of the encoder
/// must have its int8 delta in `deltas` (made by training, or read back by
/// loading); the other variables are stored as f32.
pub fn stored_tensors(
    tuned: &[(String, Tensor)],
    storage: Storage,
    deltas: &BTreeMap<String, (Tensor, Tensor)>,
) -> Result<Vec<(String, Tensor)>> {
    let mut out = Vec::new();
    for (name, var) in tuned {
        match storage {
            Storage::F32 => out.push((name.clone(), var.to_kind(Kind::Float))),
            Storage::F16 => out.push((name.clone(), var.to_kind(Kind::Half))),
            Storage::Int8Delta => match deltas.get(name) {
                Some((q, scale)) => {
                    out.push((format!("{name}{DELTA_SUFFIX}"), q.shallow_clone()));
                    out.push((format!("{name}{SCALE_SUFFIX}"), scale.to_kind(Kind::Float)));
                }
                None if is_encoder_matrix(name) => {
                    return Err(StanceError::Delta {
                        name: name.clone(),
                        why: "no int8 delta to store (deltas are made by training)",
                    })
                }
                None => out.push((name.clone(), var.to_kind(Kind::Float))),
            },
        }
    }
    Ok(out)
}
