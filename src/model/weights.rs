//! Reading and writing safetensors weights with strict checks: every tensor
//! must name a variable of the model and have its shape, or the error says
//! which one and how it differs.

use crate::error::{Result, StanceError};
use crate::model::tuning::{is_encoder_matrix, Storage};
use safetensors::{Dtype, SafeTensors};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tch::{Kind, Tensor};

/// Suffix of an int8 delta of a tuned matrix in a weights file: the tensor
/// `X.delta` (i8, the matrix's shape) plus `X.delta_scale` (f32, one per
/// row) stand for the variable `X` as base + delta * scale.
pub const DELTA_SUFFIX: &str = ".delta";
/// Suffix of an int4 delta: `X.delta4` (u8, `[rows, cols / 2]`, two codes
/// per byte, the even column in the low nibble, each code stored plus 8)
/// with `X.delta_scale` (f32, `[rows, groups]`: one scale per run of
/// [`INT4_GROUP`] columns).
pub const DELTA4_SUFFIX: &str = ".delta4";
/// Suffix of the scales of a delta (see [`DELTA_SUFFIX`], [`DELTA4_SUFFIX`]).
pub const SCALE_SUFFIX: &str = ".delta_scale";
/// Columns that share one scale in an int4 delta.
pub const INT4_GROUP: i64 = 64;

/// How many bits the codes of a [`Delta`] have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeltaBits {
    /// Codes in ±127, one scale per row.
    Eight,
    /// Codes in ±7, one scale per [`INT4_GROUP`] columns of a row.
    Four,
}

impl DeltaBits {
    fn max_code(self) -> f64 {
        match self {
            DeltaBits::Eight => 127.0,
            DeltaBits::Four => 7.0,
        }
    }
}

/// A tuned matrix kept as its difference from the base encoder's value:
/// integer codes times a symmetric f32 scale per run of columns.
pub struct Delta {
    /// The codes, int8, in the matrix's shape `[rows, cols]`.
    q: Tensor,
    /// The scales, f32 `[rows, groups]`: each row's columns fall in
    /// `groups` equal runs, each with its scale.
    scale: Tensor,
    bits: DeltaBits,
}

impl Delta {
    /// Quantizes `delta` (a matrix `[rows, cols]`) to `bits`. An int4 delta
    /// of a matrix whose columns do not split into [`INT4_GROUP`] runs is
    /// kept as int8 instead.
    pub fn quantize(delta: &Tensor, bits: DeltaBits) -> Delta {
        let delta = delta.detach().to_kind(Kind::Float);
        let (rows, cols) = delta.size2().unwrap_or((delta.numel() as i64, 1));
        let bits = match bits {
            DeltaBits::Four if cols % INT4_GROUP == 0 => DeltaBits::Four,
            _ => DeltaBits::Eight,
        };
        let groups = match bits {
            DeltaBits::Four => cols / INT4_GROUP,
            DeltaBits::Eight => 1,
        };
        let runs = delta.reshape([rows, groups, cols / groups]);
        let amax = runs.abs().amax([2].as_slice(), false);
        // A run that did not change gets scale 1 and all-zero codes.
        let scale = (&amax / bits.max_code()).where_self(&amax.gt(0.0), &amax.ones_like());
        let q = (&runs / scale.unsqueeze(2))
            .round()
            .clamp(-bits.max_code(), bits.max_code())
            .to_kind(Kind::Int8)
            .reshape([rows, cols]);
        Delta { q, scale, bits }
    }

    /// `base + codes * scales`, in `base`'s type and device: the matrix the
    /// delta stands for. Training and loading both go through this, so the
    /// stored model is exactly the evaluated one.
    pub fn apply(&self, base: &Tensor) -> Tensor {
        let device = base.device();
        let (rows, cols) = self.q.size2().unwrap_or((0, 0));
        let groups = self.scale.size().get(1).copied().unwrap_or(1);
        let delta = self.q.to_device(device).to_kind(Kind::Float).reshape([
            rows,
            groups,
            cols / groups.max(1),
        ]) * self
            .scale
            .to_device(device)
            .to_kind(Kind::Float)
            .unsqueeze(2);
        (base.to_kind(Kind::Float) + delta.reshape([rows, cols])).to_kind(base.kind())
    }

    /// The tensors that store this delta of variable `name`.
    fn stored(&self, name: &str) -> Vec<(String, Tensor)> {
        let scale_name = format!("{name}{SCALE_SUFFIX}");
        match self.bits {
            DeltaBits::Eight => vec![
                (format!("{name}{DELTA_SUFFIX}"), self.q.shallow_clone()),
                (scale_name, self.scale.squeeze_dim(1)),
            ],
            DeltaBits::Four => {
                let (rows, cols) = self.q.size2().unwrap_or((0, 0));
                let codes = (self.q.to_kind(Kind::Int16) + 8).reshape([rows, cols / 2, 2]);
                let packed = codes.select(2, 0) + codes.select(2, 1) * 16;
                vec![
                    (
                        format!("{name}{DELTA4_SUFFIX}"),
                        packed.to_kind(Kind::Uint8),
                    ),
                    (scale_name, self.scale.shallow_clone()),
                ]
            }
        }
    }

    /// Reads a delta from its stored tensors, checked against the shape of
    /// the matrix it changes; `Err` says what is wrong.
    fn from_stored(
        stored: &Tensor,
        bits: DeltaBits,
        scale: &Tensor,
        shape: &[i64],
    ) -> std::result::Result<Delta, String> {
        let &[rows, cols] = shape else {
            return Err(format!("the variable has shape {shape:?}, not a matrix"));
        };
        let (q, expected_scale) = match bits {
            DeltaBits::Eight => {
                if stored.size() != shape {
                    return Err(format!(
                        "codes have shape {:?}, the model expects {shape:?}",
                        stored.size()
                    ));
                }
                (stored.shallow_clone(), vec![rows])
            }
            DeltaBits::Four => {
                if cols % INT4_GROUP != 0 || stored.size() != [rows, cols / 2] {
                    return Err(format!(
                        "packed codes have shape {:?}, expected [{rows}, {}] for a [{rows}, {cols}] matrix in runs of {INT4_GROUP}",
                        stored.size(),
                        cols / 2
                    ));
                }
                let bytes = stored.to_kind(Kind::Int16);
                let low = bytes.remainder(16);
                let high = bytes.floor_divide_scalar(16);
                let q =
                    (Tensor::stack(&[low, high], 2).reshape([rows, cols]) - 8).to_kind(Kind::Int8);
                (q, vec![rows, cols / INT4_GROUP])
            }
        };
        if scale.size() != expected_scale {
            return Err(format!(
                "scales have shape {:?}, expected {expected_scale:?}",
                scale.size()
            ));
        }
        let scale = scale.to_kind(Kind::Float).reshape([rows, -1]);
        Ok(Delta { q, scale, bits })
    }
}

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
        let is_delta4 = name.ends_with(DELTA4_SUFFIX);
        let kind = match view.dtype() {
            Dtype::F32 if !is_delta && !is_delta4 => Kind::Float,
            Dtype::F16 if !is_delta && !is_delta4 => Kind::Half,
            Dtype::BF16 if !is_delta && !is_delta4 => Kind::BFloat16,
            Dtype::F64 if !is_delta && !is_delta4 => Kind::Double,
            Dtype::I8 if is_delta => Kind::Int8,
            Dtype::U8 if is_delta4 => Kind::Uint8,
            other if is_delta => {
                return Err(bad(format!(
                    "tensor '{name}' has dtype {other:?}, an int8 delta must be I8"
                )))
            }
            other if is_delta4 => {
                return Err(bad(format!(
                    "tensor '{name}' has dtype {other:?}, an int4 delta must be U8"
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
            deltas.insert(
                target.to_string(),
                (name.to_string(), DeltaBits::Eight, src),
            );
        } else if let Some(target) = name.strip_suffix(DELTA4_SUFFIX) {
            deltas.insert(target.to_string(), (name.to_string(), DeltaBits::Four, src));
        } else {
            let mut var = var_for(name, name, &src)?;
            tch::no_grad(|| var.f_copy_(&src))?;
            loaded.names.push(name.to_string());
        }
        Ok(())
    })?;
    if let Some(target) = scales.keys().find(|t| !deltas.contains_key(*t)) {
        return Err(bad(format!(
            "tensor '{target}{SCALE_SUFFIX}' scales a delta of '{target}' that is not in the file"
        )));
    }
    for (target, (name, bits, stored)) in deltas {
        let Some(scale) = scales.remove(&target) else {
            return Err(bad(format!(
                "delta '{name}' has no scales '{target}{SCALE_SUFFIX}'"
            )));
        };
        let Some(var) = vars.get(&target) else {
            return Err(bad(format!(
                "tensor '{name}' is not a variable of this model (wrong architecture?)"
            )));
        };
        let delta = Delta::from_stored(&stored, bits, &scale, &var.size())
            .map_err(|why| bad(format!("delta '{name}': {why}")))?;
        tch::no_grad(|| var.shallow_clone().f_copy_(&delta.apply(var)))?;
        loaded.names.push(target.clone());
        loaded.deltas.insert(target, delta);
    }
    Ok(loaded)
}

/// What [`load_into`] loaded.
#[derive(Default)]
pub struct Loaded {
    /// Names of the variables set.
    pub names: Vec<String>,
    /// The deltas read, by variable name.
    pub deltas: BTreeMap<String, Delta>,
}

/// Creates f32 variables in `vs` from the tensors of `path` whose names
/// start with one of `prefixes` (and with none of `skip`), named as in the
/// file, not trainable: each variable is the tensor read from the file
/// (converted to f32 and moved to the store's device when needed), with no
/// initialisation or copy first. For inference. Returns the names created.
pub fn create_from(
    vs: &tch::nn::VarStore,
    path: &Path,
    prefixes: &[&str],
    skip: &[&str],
) -> Result<Vec<String>> {
    let mut created = Vec::new();
    let device = vs.device();
    for_each_tensor(path, skip, |name, src| {
        if !prefixes.iter().any(|p| name.starts_with(p)) {
            return Ok(());
        }
        if !name.contains('.') {
            return Err(StanceError::BadWeights {
                path: path.to_path_buf(),
                message: format!("tensor '{name}' has no module path"),
            });
        }
        let tensor = src.to_kind(Kind::Float).to_device(device);
        let mut variables = vs.variables_.lock().map_err(|_| StanceError::BadWeights {
            path: path.to_path_buf(),
            message: "the variable store was poisoned by an earlier panic".into(),
        })?;
        variables.named_variables.insert(name.to_string(), tensor);
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
/// `storage`. For delta storage, every tuned matrix of the encoder must have
/// its delta in `deltas` (made by training, or read back by loading), stored
/// in the precision it has; the other variables are stored as f32.
pub fn stored_tensors(
    tuned: &[(String, Tensor)],
    storage: Storage,
    deltas: &BTreeMap<String, Delta>,
) -> Result<Vec<(String, Tensor)>> {
    let mut out = Vec::new();
    for (name, var) in tuned {
        match storage {
            Storage::F32 => out.push((name.clone(), var.to_kind(Kind::Float))),
            Storage::F16 => out.push((name.clone(), var.to_kind(Kind::Half))),
            Storage::Int8Delta | Storage::Int4Delta => match deltas.get(name) {
                Some(delta) => out.extend(delta.stored(name)),
                None if is_encoder_matrix(name) => {
                    return Err(StanceError::Delta {
                        name: name.clone(),
                        why: "no delta to store (deltas are made by training)",
                    })
                }
                None => out.push((name.clone(), var.to_kind(Kind::Float))),
            },
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A delta written to its tensors and read back stands for the same
    /// matrix, within half a step of its scale.
    fn round_trip(cols: i64, bits: DeltaBits) -> (Delta, Delta) {
        tch::manual_seed(3);
        let delta = Tensor::randn([8, cols], (Kind::Float, tch::Device::Cpu)) * 0.01;
        let quantized = Delta::quantize(&delta, bits);
        let stored = quantized.stored("m.weight");
        let (codes, scale) = (&stored[0].1, &stored[1].1);
        let bits_read = if stored[0].0.ends_with(DELTA4_SUFFIX) {
            DeltaBits::Four
        } else {
            DeltaBits::Eight
        };
        let read = Delta::from_stored(codes, bits_read, scale, &[8, cols]).unwrap();
        let base = Tensor::zeros([8, cols], (Kind::Float, tch::Device::Cpu));
        let (a, b) = (quantized.apply(&base), read.apply(&base));
        assert_eq!(f64::try_from((&a - &b).abs().max()).unwrap(), 0.0);
        let step: f64 = f64::try_from(read.scale.max()).unwrap();
        let err: f64 = f64::try_from((&a - &delta).abs().max()).unwrap();
        assert!(
            err <= step / 2.0 + 1e-9,
            "error {err} over half a step {step}"
        );
        (quantized, read)
    }

    #[test]
    fn int4_deltas_pack_two_codes_a_byte_and_read_back_exactly() {
        let (q, read) = round_trip(128, DeltaBits::Four);
        assert_eq!(read.bits, DeltaBits::Four);
        let stored = q.stored("m.weight");
        assert_eq!(stored[0].0, "m.weight.delta4");
        assert_eq!(stored[0].1.size(), [8, 64]);
        assert_eq!(stored[0].1.kind(), Kind::Uint8);
        assert_eq!(stored[1].1.size(), [8, 2], "one scale per 64 columns");
        let codes = read.q.to_kind(Kind::Int64);
        assert!(i64::try_from(codes.abs().max()).unwrap() == 7);
    }

    #[test]
    fn int8_deltas_keep_one_scale_a_row_and_odd_widths_fall_back_to_them() {
        let (q, _) = round_trip(96, DeltaBits::Eight);
        let stored = q.stored("m.weight");
        assert_eq!(stored[0].0, "m.weight.delta");
        assert_eq!(stored[1].1.size(), [8]);
        // 100 columns do not split into runs of 64: kept as int8.
        let (_, read) = round_trip(100, DeltaBits::Four);
        assert_eq!(read.bits, DeltaBits::Eight);
    }

    #[test]
    fn a_delta_of_the_wrong_shape_is_refused_saying_what_was_expected() {
        let q = Delta::quantize(
            &Tensor::ones([4, 64], (Kind::Float, tch::Device::Cpu)),
            DeltaBits::Four,
        );
        let stored = q.stored("m.weight");
        let err = Delta::from_stored(&stored[0].1, DeltaBits::Four, &stored[1].1, &[4, 128])
            .err()
            .unwrap();
        assert!(err.contains("expected [4, 64]"), "{err}");
        let err = Delta::from_stored(&stored[0].1, DeltaBits::Four, &stored[0].1, &[4, 64])
            .err()
            .unwrap();
        assert!(
            err.contains("scales have shape [4, 32], expected [4, 1]"),
            "{err}"
        );
    }
}
