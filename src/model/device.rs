//! Choosing the libtorch device and thread count.

use crate::error::{Result, StanceError};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tch::Device;

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
            DeviceChoice::Auto => {
                // Without an NVIDIA driver there is nothing to find, and the
                // CUDA libraries are not worth loading just to be told so.
                if nvidia_driver_present() && cuda_backend().is_ok() && tch::Cuda::is_available() {
                    Ok(Device::Cuda(0))
                } else {
                    Ok(Device::Cpu)
                }
            }
            DeviceChoice::Cuda => {
                cuda_backend().map_err(|why| StanceError::Device {
                    device: "cuda",
                    why,
                })?;
                if tch::Cuda::is_available() {
                    Ok(Device::Cuda(0))
                } else {
                    Err(StanceError::Device {
                        device: "cuda",
                        why: "libtorch sees no CUDA GPU on this machine (use the CPU or auto)"
                            .into(),
                    })
                }
            }
        }
    }
}

/// Whether this machine has an NVIDIA kernel driver loaded.
fn nvidia_driver_present() -> bool {
    Path::new("/proc/driver/nvidia").exists() || Path::new("/dev/nvidiactl").exists()
}

/// Loads libtorch's CUDA backend into the process, once.
///
/// The binary is linked against libtorch's CPU libraries only (see
/// `build.rs` and `scripts/setup.sh`): libtorch_cuda.so and the CUDA
/// libraries it pulls in are about 2 GB, and mapping them at every start
/// doubled the start-up time of `stance classify`. Loading
/// libtorch_cuda.so with `RTLD_GLOBAL` registers its CUDA kernels and hooks
/// with the libtorch already in the process, after which tch's CUDA calls
/// work as if it had been linked. When the build linked it anyway (a
/// LIBTORCH with the CUDA libraries in its lib folder), this finds it
/// already loaded.
pub fn cuda_backend() -> std::result::Result<(), String> {
    static LOADED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    LOADED.get_or_init(load_cuda_backend).clone()
}

fn load_cuda_backend() -> std::result::Result<(), String> {
    let path = cuda_library_path()?;
    // SAFETY: libtorch_cuda.so is the CUDA half of the same libtorch build
    // the binary is linked against (found beside the real libtorch_cpu.so).
    // Its initialisers only register CUDA kernels and hooks with libtorch;
    // the handle is never closed, so nothing it registered is unloaded.
    let library = unsafe {
        libloading::os::unix::Library::open(
            Some(&path),
            libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_GLOBAL,
        )
    }
    .map_err(|e| {
        format!(
            "cannot load libtorch's CUDA library {}: {e}",
            path.display()
        )
    })?;
    std::mem::forget(library);
    Ok(())
}

/// Where libtorch_cuda.so lies: beside the libtorch_cpu.so that the binary
/// was linked against, following the links of `.libtorch/lib` to the torch
/// package.
fn cuda_library_path() -> std::result::Result<PathBuf, String> {
    let lib_dir = option_env!("STANCE_LIBTORCH_LIB")
        .ok_or_else(|| "this build does not know where libtorch is".to_string())?;
    let cpu = Path::new(lib_dir).join("libtorch_cpu.so");
    let real = std::fs::canonicalize(&cpu)
        .map_err(|e| format!("cannot find libtorch at {}: {e}", cpu.display()))?;
    let dir = real
        .parent()
        .ok_or_else(|| format!("{} has no folder", real.display()))?;
    Ok(dir.join("libtorch_cuda.so"))
}

/// Largest block glibc hands out from its heap rather than a fresh `mmap`
/// (glibc's ceiling for this setting on 64-bit).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 32 << 20;

/// Free memory glibc may keep at the top of its heap before giving it back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: i32 = 1 << 30;

/// Makes glibc keep freed tensor memory for reuse instead of returning it to
/// the system after every batch.
///
/// Every encoder layer allocates outputs of a few MB (a batch of 32 news
/// quotes: 1,100 tokens x 1,536 floats). By default glibc serves blocks that
/// large with `mmap` and unmaps them on free, so each new tensor starts on
/// fresh pages and every write to it takes a page fault: GELU and the bias
/// copy of each linear layer ran 3-4x slower than their arithmetic. Raising
/// the mmap and trim thresholds keeps those pages in the heap. Measured on
/// a 2-core Xeon (Emerald Rapids), 1,000 news-length quotes, 2 threads:
/// `stance batch` f32 229 -> 254 quotes/s, int8 295 -> 386. The cost is that
/// the process keeps its peak heap until it exits.
///
/// It changes the whole process's allocator, so the binary calls it once at
/// start (as do the benches); a program embedding the library decides for
/// itself. Does nothing outside Linux with glibc.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocation parameters; it takes
    // plain integers and is safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

/// Sets libtorch's intra-op thread count; `None` keeps libtorch's default
/// (one per core).
pub fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        if n == 0 {
            return Err(StanceError::setting("threads", "at least 1", 0));
        }
        let n = i32::try_from(n)
            .map_err(|_| StanceError::setting("threads", "at most 2147483647", n))?;
        tch::set_num_threads(n);
    }
    Ok(())
}

/// Numeric precision of inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Precision {
    /// The fastest precision this machine runs well whose accuracy check,
    /// stored in the model directory, passes (see
    /// [`crate::model::precision::choose`]); f32 when none does.
    Auto,
    /// 32-bit floats (the library's default).
    #[default]
    F32,
    /// bfloat16 weights and activations: faster on CPUs with AMX, on AMD
    /// CPUs with AVX512-BF16, and on GPUs; scores differ slightly from f32.
    Bf16,
    /// int8 quantization of the encoder's linear layers (CPU only): int8
    /// weights with a scale per output channel, activations quantized on
    /// the fly one token at a time.
    Int8,
}

impl Precision {
    /// Its name on the command line and in `stance.json`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Auto => "auto",
            Precision::F32 => "f32",
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cuda_library_is_found_beside_libtorch() {
        let path = cuda_library_path().unwrap();
        assert!(path.ends_with("libtorch_cuda.so"));
        assert!(path.exists(), "{} is missing", path.display());
    }
}
