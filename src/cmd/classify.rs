//! `stance classify`: quotes from the arguments or stdin, a table or JSON
//! lines out. Stdin is read as a stream: lines are scored in small batches
//! and each batch is printed as soon as it is scored, so a pipe or a person
//! typing sees results line by line, and memory stays flat.

use super::{GlobalArgs, EXIT_BAD_RECORDS, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::io::lines::{Line, Lines};
use stance::output::records::{ErrorRecord, ResultRecord};
use stance::output::Printer;
use stance::{Classifier, RecordError};
use std::io::Write;
use std::sync::mpsc::{sync_channel, Receiver};
use std::time::{Duration, Instant};

/// Most stdin lines scored together.
const STREAM_BATCH: usize = 64;
/// How long a batch waits for more lines once it has one: long enough to
/// fill batches from a pipe, short enough that typed lines answer at once.
const GATHER: Duration = Duration::from_millis(20);

/// Arguments of `stance classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Quotes to classify; none, or "-", reads one quote per line from stdin,
    /// printing results as they are scored
    pub text: Vec<String>,
    /// Who made the quotes, as an article would name them ("the ministry",
    /// "Acme's chief executive"); read by models trained with sources
    #[arg(long)]
    pub source: Option<String>,
}

/// Scores and prints quotes, numbering them on from the last printed.
struct Scorer<'a, W: Write> {
    clf: &'a Classifier,
    source: Option<&'a str>,
    printer: Printer<W>,
    /// Quotes printed so far.
    done: usize,
    /// Of them, errors.
    bad: usize,
}

impl<W: Write> Scorer<'_, W> {
    /// Scores `inputs` (each a quote or what is wrong with it) and prints
    /// the results in order.
    fn run(&mut self, inputs: &[Result<String, RecordError>]) -> anyhow::Result<()> {
        let texts: Vec<&str> = inputs.iter().map(|r| r.as_deref().unwrap_or("")).collect();
        let attributed: Vec<(&str, Option<&str>)> =
            texts.iter().map(|&t| (t, self.source)).collect();
        let mut results = self.clf.classify_attributed(&attributed)?;
        for (result, input) in results.iter_mut().zip(inputs) {
            if let Err(e) = input {
                *result = Err(e.clone());
            }
        }
        let none = serde_json::Map::new();
        for (result, text) in results.iter().zip(&texts) {
            self.done += 1;
            let id = serde_json::json!(self.done);
            match result {
                Ok(p) => self
                    .printer
                    .result(&ResultRecord::new(&id, p, &none, Some(text)))?,
                Err(e) => {
                    self.bad += 1;
                    eprintln!("stance: quote {}: {e}", self.done);
                    self.printer
                        .error(&ErrorRecord::new(&id, e, &none, Some(text)))?;
                }
            }
        }
        self.printer.flush()?;
        Ok(())
    }
}

/// Reads stdin lines on a thread of its own, so that a batch can be cut
/// when no line has come for a moment.
fn stdin_lines() -> Receiver<std::io::Result<Line>> {
    let (tx, rx) = sync_channel(STREAM_BATCH * 4);
    std::thread::spawn(move || {
        for line in Lines::new(std::io::stdin().lock()) {
            let failed = line.is_err();
            if tx.send(line).is_err() || failed {
                break;
            }
        }
    });
    rx
}

/// The next batch of stdin lines: at least one (blocking for it), then what
/// else comes within [`GATHER`], up to [`STREAM_BATCH`]. Empty at the end.
fn next_batch(rx: &Receiver<std::io::Result<Line>>) -> Vec<std::io::Result<Line>> {
    let Ok(first) = rx.recv() else {
        return Vec::new();
    };
    let mut batch = vec![first];
    let deadline = Instant::now() + GATHER;
    while batch.len() < STREAM_BATCH {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => batch.push(line),
            Err(_) => break,
        }
    }
    batch
}

/// Runs `stance classify`.
pub fn run(global: &GlobalArgs, args: ClassifyArgs) -> anyhow::Result<u8> {
    let from_stdin = args.text.is_empty() || args.text == ["-"];
    if args.source.is_some() && !global.no_source_cues {
        // The source cues build while the model loads.
        stance::cues::SourceCues::prewarm();
    }
    let clf = global.load_classifier()?;
    if args.source.is_some() && !clf.reads_sources() {
        eprintln!(
            "stance: note: the model in {} was trained without sources; --source is ignored",
            clf.dir().display()
        );
    }
    let mut scorer = Scorer {
        clf: &clf,
        source: args.source.as_deref(),
        printer: global.printer(),
        done: 0,
        bad: 0,
    };
    if from_stdin {
        let rx = stdin_lines();
        loop {
            let batch = next_batch(&rx);
            if batch.is_empty() {
                break;
            }
            // Lines read before a failed read are still scored and printed.
            let mut inputs = Vec::with_capacity(batch.len());
            let mut failed = None;
            for line in batch {
                match line {
                    Ok(line) => inputs.push(line.text.map_err(|e| RecordError::Stdin(Box::new(e)))),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            scorer.run(&inputs)?;
            if let Some(e) = failed {
                return Err(e).context("cannot read stdin");
            }
        }
        if scorer.done == 0 {
            eprintln!("stance: no quotes on stdin");
        }
    } else {
        let inputs: Vec<Result<String, RecordError>> = args.text.into_iter().map(Ok).collect();
        scorer.run(&inputs)?;
    }
    Ok(if scorer.bad > 0 {
        EXIT_BAD_RECORDS
    } else {
        EXIT_OK
    })
}
