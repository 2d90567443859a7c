//! `stance batch`: score a whole file, in order, one output record per
//! input record.

use super::progress::Bar;
use super::{GlobalArgs, EXIT_BAD_RECORDS, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::io::records::Format;
use stance::pipeline::{run as run_batch, RunOptions, Shard, Sink, Source};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `stance batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Input: .jsonl, .csv, .tsv or .txt, or "-" for stdin (JSONL unless --format)
    pub input: String,
    /// Output file (.csv gives CSV, anything else JSONL); stdout when absent or "-"
    #[arg(short, long)]
    pub output: Option<String>,
    /// Input format, instead of guessing it from the extension
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Continue an interrupted run: keep the output's complete windows and
    /// score the rest
    #[arg(long)]
    pub resume: bool,
    /// Score only share K of N (0-based K), e.g. --shard 0/4; concatenating
    /// the outputs of shards 0..N-1 in order gives the whole
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Records per window: each window is sorted by length and batched
    #[arg(long, default_value_t = 2048)]
    pub window: usize,
    /// Most padded tokens per batch (longest quote x batch size)
    #[arg(long)]
    pub max_batch_tokens: Option<usize>,
    /// No progress bar and no summary line
    #[arg(short, long)]
    pub quiet: bool,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse().map_err(|e| format!("--shard {e}"))
}

/// Runs `stance batch`.
pub fn run(global: &GlobalArgs, args: BatchArgs) -> anyhow::Result<u8> {
    anyhow::ensure!(args.window >= 1, "--window must be at least 1");
    if args.format.is_none() && args.input != "-" {
        let path = std::path::Path::new(&args.input);
        anyhow::ensure!(
            Format::from_path(path).is_some(),
            "{}: cannot tell the format from the extension; use .jsonl, .csv, .tsv or .txt, or --format",
            args.input
        );
    }
    anyhow::ensure!(
        !(args.resume && matches!(args.output.as_deref(), None | Some("-"))),
        "--resume needs an output file (-o FILE)"
    );
    anyhow::ensure!(
        !(args.shard.is_some() && args.input == "-"),
        "--shard needs an input file, not stdin"
    );
    let mut clf = global.load_bulk_classifier()?;
    let precision = clf.precision();
    if let Some(t) = args.max_batch_tokens {
        anyhow::ensure!(t >= 1, "--max-batch-tokens must be at least 1");
        let mut limits = clf.limits();
        limits.max_tokens = t;
        clf.set_limits(limits);
    }
    let source = if args.input == "-" {
        Source::Stdin
    } else {
        Source::File(PathBuf::from(&args.input))
    };
    let sink = match args.output.as_deref() {
        None | Some("-") => Sink::Stdout,
        Some(p) => Sink::File(PathBuf::from(p)),
    };
    let show = !args.quiet && std::io::stderr().is_terminal();
    let opts = RunOptions {
        source,
        sink,
        format: args.format,
        window: args.window,
        resume: args.resume,
        shard: args.shard,
        count_total: show,
    };
    let summary = run_batch(&clf, &opts, &Bar::records(show))
        .with_context(|| format!("batch run over {} failed", args.input))?;
    if summary.already_complete {
        if !args.quiet {
            eprintln!(
                "stance batch: {} is already complete ({} records); nothing to do",
                args.output.as_deref().unwrap_or("the output"),
                summary.resumed_from
            );
        }
        return Ok(EXIT_OK);
    }
    if !args.quiet {
        let rate = summary.scored as f64 / summary.seconds.max(1e-9);
        let resumed = if summary.resumed_from > 0 {
            format!(" (resumed after {} records)", summary.resumed_from)
        } else {
            String::new()
        };
        eprintln!(
            "stance batch: {} records scored, {} bad, in {:.1} s ({:.0} quotes/s, {}){resumed}",
            summary.scored,
            summary.bad,
            summary.seconds,
            rate,
            precision.name()
        );
    }
    Ok(if summary.bad > 0 {
        EXIT_BAD_RECORDS
    } else {
        EXIT_OK
    })
}
