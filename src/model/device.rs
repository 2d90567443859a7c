//! Choosing the libtorch device and thread count.

use crate::error::{Result, StanceError};
use tch::Device;

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DeviceChoice {
    /// CUDA when libtorch sees a GPU, else the CPU.
    #[default]
    Auto,
    /// The CPU.
    Cpu,
    /// The first CUDA GPU; an error when none is visible.
    Cuda,
}

impl DeviceChoice {
    /// Resolves the choice to a libtorch device.
    pub fn resolve(self) -> Result<Device> {
        match self {
            DeviceChoice::Cpu => Ok(Device::Cpu),
            DeviceChoice::Auto => Ok(Device::cuda_if_available()),
            DeviceChoice::Cuda => {
                if tch::Cuda::is_available() {
                    Ok(Device::Cuda(0))
                } else {
                    Err(StanceError::Invalid(
                        "--device cuda: libtorch sees no CUDA GPU on this machine (use --device cpu or auto)".into(),
                    ))
                }
            }
        }
    }
}

/// Sets libtorch's intra-op thread count; `None` keeps libtorch's default
/// (one per core).
pub fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        if n == 0 {
            return Err(StanceError::Invalid("--threads must be at least 1".into()));
        }
        let n = i32::try_from(n)
            .map_err(|_| StanceError::Invalid(format!("--threads {n} is too large")))?;
        tch::set_num_threads(n);
    }
    Ok(())
}

/// Numeric precision of inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Precision {
    /// 32-bit floats (the default).
    #[default]
    F32,
    /// bfloat16 weights and activations: faster on CPUs with AVX512-BF16 or
    /// AMX (and on GPUs); scores differ slightly from f32.
    Bf16,
    /// int8 dynamic quantization of the encoder's linear layers (fbgemm,
    /// CPU only): int8 weights, activations quantized on the fly.
    Int8,
}
