//! `stance extract`: finds the statements in a news story (quotes and
//! reported speech), attributes each to its source and classifies it.

use super::{GlobalArgs, EXIT_BAD_RECORDS, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::article::{classify_statements, summary};
use stance::io::article::read_article;
use stance::output::records::StatementRecord;
use stance::text::extract::extract;
use std::path::PathBuf;

/// Arguments of `stance extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The news story: a UTF-8 text file, or "-" for stdin. Statement
    /// offsets count chars (Unicode scalar values), not bytes
    pub article: PathBuf,
}

/// Runs `stance extract`.
pub fn run(global: &GlobalArgs, args: ExtractArgs) -> anyhow::Result<u8> {
    let (name, article) = read_article(&args.article).context("cannot read the article")?;
    let statements = extract(&article);
    if statements.is_empty() {
        if global.json {
            eprintln!("stance: no statements found in {name}");
        } else {
            use std::io::Write;
            writeln!(std::io::stdout(), "no statements found in {name}")?;
        }
        return Ok(EXIT_OK);
    }
    let clf = global.load_classifier()?;
    let classified = classify_statements(&clf, statements)?;
    let mut printer = global.printer();
    let mut bad = 0;
    for (i, c) in classified.iter().enumerate() {
        if let Err(e) = &c.result {
            bad += 1;
            eprintln!("stance: statement {}: {e}", i + 1);
        }
        printer.statement(&StatementRecord::new(
            i + 1,
            &c.statement,
            &c.model_text,
            &c.result,
        ))?;
    }
    let results: Vec<_> = classified.iter().map(|c| c.result.clone()).collect();
    let labels = &clf.config().labels;
    printer.summary(&summary(&results, &labels.speaker, &labels.stance))?;
    printer.flush()?;
    Ok(if bad > 0 { EXIT_BAD_RECORDS } else { EXIT_OK })
}
