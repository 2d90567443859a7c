//! Makes the `stance` binaries find libtorch at run time without
//! `LD_LIBRARY_PATH`.
//!
//! torch-sys hands its libtorch folder to crates that depend on it directly
//! as `DEP_TCH_LIBTORCH_LIB`; `rustc-link-arg` from tch's own build script
//! only reaches tch's targets, so we set the rpath for ours here. libtorch_cuda
//! is linked with `--no-as-needed`, or the linker drops it and CUDA silently
//! reports unavailable.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    let Some(lib) = std::env::var_os("DEP_TCH_LIBTORCH_LIB") else {
        return;
    };
    let lib = Path::new(&lib);
    println!("cargo:rustc-link-arg=-Wl,-rpath={}", lib.display());
    println!("cargo:rustc-link-arg=-Wl,--no-as-needed");
    if lib.join("libtorch_cuda.so").exists() {
        println!("cargo:rustc-link-arg=-ltorch_cuda");
    }
    println!("cargo:rustc-link-arg=-ltorch");
}
