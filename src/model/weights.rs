//! Reading and writing safetensors weights with strict checks: every tensor
//! must name a variable of the model and have its shape, or the error says
//! which one and how it differs.

use crate::error::{Result, StanceError};
use crate::model::config::Storage;
use safetensors::{Dtype, SafeTensors};
use std::collections::HashMap;
use std::path::Path;
use tch::{Kind, Tensor};

/// Calls `f(name, tensor)` for every tensor of the safetensors file `path`
/// whose name starts with none of `skip`, in name order. A corrupt file or a
/// tensor of a non-float type is an error naming the file and the tensor.
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
        let kind = match view.dtype() {
            Dtype::F32 => Kind::Float,
            Dtype::F16 => Kind::Half,
            Dtype::BF16 => Kind::BFloat16,
            Dtype::F64 => Kind::Double,
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

/// Copies the tensors of the safetensors file `path` into `vars` (by name).
///
/// Tensors whose name starts with one of `skip` are ignored (e.g. the base
/// encoder's unused pooler). Every other tensor must match a variable by
/// name and shape. Returns the names that were loaded.
pub fn load_into(
    vars: &HashMap<String, Tensor>,
    path: &Path,
    skip: &[&str],
) -> Result<Vec<String>> {
    let mut loaded = Vec::new();
    for_each_tensor(path, skip, |name, src| {
        let bad = |message: String| StanceError::BadWeights {
            path: path.to_path_buf(),
            message,
        };
        let Some(var) = vars.get(name) else {
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
        let mut var = var.shallow_clone();
        tch::no_grad(|| var.f_copy_(&src))?;
        loaded.push(name.to_string());
        Ok(())
    })?;
    Ok(loaded)
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
/// CPU, as f32 or f16.
pub fn save(tensors: &[(String, Tensor)], path: &Path, storage: Storage) -> Result<()> {
    let kind = match storage {
        Storage::F32 => Kind::Float,
        Storage::F16 => Kind::Half,
    };
    let cpu: Vec<(String, Tensor)> = tensors
        .iter()
        .map(|(n, t)| {
            (
                n.clone(),
                t.detach()
                    .to_device(tch::Device::Cpu)
                    .to_kind(kind)
                    .contiguous(),
            )
        })
        .collect();
    Tensor::write_safetensors(&cpu, path)?;
    Ok(())
}
