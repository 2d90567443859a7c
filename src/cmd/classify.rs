//! `stance classify`: quotes from the arguments or stdin, a table or JSON
//! lines out.

use super::{GlobalArgs, EXIT_BAD_RECORDS, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::io::lines::Lines;
use stance::output::records::{ErrorRecord, ResultRecord};
use stance::RecordError;

/// Arguments of `stance classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Quotes to classify; none, or "-", reads one quote per line from stdin
    pub text: Vec<String>,
    /// Who made the quotes, as an article would name them ("the ministry",
    /// "Acme's chief executive"); read by models trained with sources
    #[arg(long)]
    pub source: Option<String>,
}

/// Runs `stance classify`.
pub fn run(global: &GlobalArgs, args: ClassifyArgs) -> anyhow::Result<u8> {
    // Each input: the quote, or an error found while reading it.
    let inputs: Vec<Result<String, RecordError>> = if args.text.is_empty() || args.text == ["-"] {
        let stdin = std::io::stdin().lock();
        let mut inputs = Vec::new();
        for line in Lines::new(stdin) {
            let line = line.context("cannot read stdin")?;
            inputs.push(line.text.map_err(|e| RecordError::Stdin(Box::new(e))));
        }
        inputs
    } else {
        args.text.into_iter().map(Ok).collect()
    };
    let clf = global.load_classifier()?;
    if args.source.is_some() && !clf.reads_sources() {
        eprintln!(
            "stance: note: the model in {} was trained without sources; --source is ignored",
            clf.dir().display()
        );
    }
    let texts: Vec<&str> = inputs.iter().map(|r| r.as_deref().unwrap_or("")).collect();
    let attributed: Vec<(&str, Option<&str>)> =
        texts.iter().map(|&t| (t, args.source.as_deref())).collect();
    let mut results = clf.classify_attributed(&attributed)?;
    for (result, input) in results.iter_mut().zip(&inputs) {
        if let Err(e) = input {
            *result = Err(e.clone());
        }
    }
    let mut printer = global.printer();
    let mut bad = 0;
    let none = serde_json::Map::new();
    for (i, (result, text)) in results.iter().zip(&texts).enumerate() {
        let id = serde_json::json!(i + 1);
        match result {
            Ok(p) => printer.result(&ResultRecord::new(&id, p, &none, Some(text)))?,
            Err(e) => {
                bad += 1;
                eprintln!("stance: quote {}: {e}", i + 1);
                printer.error(&ErrorRecord::new(&id, e, &none, Some(text)))?;
            }
        }
    }
    printer.flush()?;
    Ok(if bad > 0 { EXIT_BAD_RECORDS } else { EXIT_OK })
}
