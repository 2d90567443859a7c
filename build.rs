//! Makes the `stance` binaries find libtorch at run time without
//! `LD_LIBRARY_PATH`.
//!
//! torch-sys hands its libtorch folder to crates that depend on it directly
//! as `DEP_TCH_LIBTORCH_LIB`; `rustc-link-arg` from tch's own build script
//! only reaches tch's targets, so we set the rpath for ours here.
//!
//! libtorch_cuda is deliberately not linked: with its CUDA libraries it is
//! about 2 GB of shared objects, and mapping them took half of the start-up
//! time of `stance classify`. `model::device` loads it at run time when a
//! GPU is asked for or present; the folder is passed on as
//! `STANCE_LIBTORCH_LIB` so it can be found there.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    let Some(lib) = std::env::var_os("DEP_TCH_LIBTORCH_LIB") else {
        return;
    };
    // The rpath names the real torch folder, not the links in
    // `.libtorch/lib`: the loader reads `$ORIGIN` in libtorch's own run
    // paths (`$ORIGIN/../../nvidia/...`) from the path it opened.
    let lib = Path::new(&lib);
    let lib = std::fs::canonicalize(lib.join("libtorch_cpu.so"))
        .ok()
        .and_then(|real| real.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| lib.to_path_buf());
    println!("cargo:rustc-link-arg=-Wl,-rpath={}", lib.display());
    println!("cargo:rustc-env=STANCE_LIBTORCH_LIB={}", lib.display());
}
