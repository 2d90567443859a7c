//! `stance init`: a model directory with freshly initialised heads.

use super::{GlobalArgs, EXIT_OK};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `stance init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Model directory to create
    #[arg(long)]
    pub out: PathBuf,
    /// Seed of the heads' random initialisation
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Replace OUT if it is a model directory (has stance.json) or empty
    #[arg(long)]
    pub force: bool,
}

/// Runs `stance init`.
pub fn run(global: &GlobalArgs, args: InitArgs) -> anyhow::Result<u8> {
    stance::model::init_model_dir(&args.out, global.base.as_deref(), args.seed, args.force)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    eprintln!(
        "created {} (untrained heads, seed {}); train one with `stance train`",
        args.out.display(),
        args.seed
    );
    Ok(EXIT_OK)
}
