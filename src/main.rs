//! The `stance` command line: parse, call the library, print the error
//! chain, pick the exit code.

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    stance::model::device::keep_freed_memory();
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(status) => ExitCode::from(status),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("stance: error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// A reader that closed the pipe (`stance ... | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
