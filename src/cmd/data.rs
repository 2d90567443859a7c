//! `stance data check`: validate labeled corpus files.

use super::{GlobalArgs, EXIT_OK};
use clap::{Args, Subcommand};
use stance::labels::Labels;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `stance data`.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// What to do with the data.
    #[command(subcommand)]
    pub command: DataCommand,
}

/// Subcommands of `stance data`.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Check labeled JSONL files: fields, labels, duplicate ids and texts,
    /// disputes shared between files, near-duplicates (a shared 8-word run)
    Check {
        /// The files, e.g. data/train.jsonl data/dev.jsonl data/test.jsonl
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Runs `stance data`.
pub fn run(_global: &GlobalArgs, args: DataArgs) -> anyhow::Result<u8> {
    let DataCommand::Check { files } = args.command;
    let labels = Labels::default();
    let report = stance::data::check(&files, &labels)?;
    for p in &report.problems {
        eprintln!("{p}");
    }
    let mut out = std::io::stdout().lock();
    let total: usize = report.per_file.iter().map(|(_, n)| n).sum();
    writeln!(out, "{:<24} records", "file")?;
    for (path, n) in &report.per_file {
        writeln!(out, "{:<24} {n}", path.display())?;
    }
    writeln!(out, "{total} records, {} disputes", report.disputes)?;
    writeln!(out, "{:<24} {:>6}  per file", "speaker/stance", "total")?;
    for ((sp, st), counts) in &report.cells {
        let name = format!("{}/{}", labels.speaker[*sp], labels.stance[*st]);
        let all: usize = counts.iter().sum();
        let split: Vec<String> = counts.iter().map(|c| c.to_string()).collect();
        writeln!(out, "{name:<24} {all:>6}  {}", split.join(" / "))?;
    }
    if report.problems.is_empty() {
        writeln!(out, "ok: no problems")?;
        out.flush()?;
        Ok(EXIT_OK)
    } else {
        anyhow::bail!(
            "{} problem(s) in the data (listed above)",
            report.problems.len()
        )
    }
}
