//! `stance eval`: metrics of the model on labeled quotes.

use super::{GlobalArgs, EXIT_OK};
use crate::eval::evaluate;
use crate::labels::Head;
use crate::metrics::HeadMetrics;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `stance eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labeled quotes (JSONL with text, speaker, stance)
    #[arg(long)]
    pub data: PathBuf,
    /// Skip bad lines (reported) instead of refusing the file
    #[arg(long)]
    pub skip_bad: bool,
    /// Read each quote with its "source" field (who the article says made
    /// it), as `stance extract` does; needs a model trained with sources
    #[arg(long)]
    pub with_source: bool,
}

/// Runs `stance eval`.
pub fn run(global: &GlobalArgs, args: EvalArgs) -> anyhow::Result<u8> {
    let quotes = super::train::read_data(&args.data, args.skip_bad)?;
    let clf = global.load_classifier()?;
    if args.with_source && !clf.reads_sources() {
        anyhow::bail!(
            "--with-source: the model in {} was trained without sources and reads quotes alone \
             (retrain it with `stance train` on data that has a \"source\" field)",
            clf.dir().display()
        );
    }
    let with_source = quotes.iter().filter(|q| q.source.is_some()).count();
    if args.with_source && with_source == 0 {
        anyhow::bail!(
            "--with-source: no record of {} has a \"source\" field",
            args.data.display()
        );
    }
    let report = evaluate(&clf, &quotes, args.with_source)?;
    if global.json {
        let mut v = serde_json::to_value(&report)?;
        v["data"] = args.data.display().to_string().into();
        v["model"] = clf.dir().display().to_string().into();
        v["with_source"] = if args.with_source { with_source } else { 0 }.into();
        println!("{}", serde_json::to_string(&v)?);
        return Ok(EXIT_OK);
    }
    println!(
        "{} quotes from {}, model {}",
        report.n,
        args.data.display(),
        clf.dir().display()
    );
    if args.with_source {
        println!("{with_source} of them read with their source");
    }
    for head in Head::ALL {
        print_head(head, report.of(head));
    }
    Ok(EXIT_OK)
}

fn print_head(head: Head, m: &HeadMetrics) {
    println!();
    println!(
        "{}: accuracy {:.4}  macro-F1 {:.4}  ECE {:.4}",
        head.name(),
        m.accuracy,
        m.macro_f1,
        m.ece
    );
    println!(
        "  {:<12} {:>9} {:>9} {:>9} {:>8}",
        "label", "precision", "recall", "f1", "support"
    );
    for c in &m.classes {
        println!(
            "  {:<12} {:>9.4} {:>9.4} {:>9.4} {:>8}",
            c.label, c.precision, c.recall, c.f1, c.support
        );
    }
    let width = m
        .classes
        .iter()
        .map(|c| c.label.len())
        .max()
        .unwrap_or(5)
        .max(5);
    print!(
        "  confusion (rows true, columns predicted)\n  {:<width$}",
        ""
    );
    for c in &m.classes {
        print!(" {:>width$}", c.label);
    }
    println!();
    for (c, row) in m.classes.iter().zip(&m.confusion) {
        print!("  {:<width$}", c.label);
        for v in row {
            print!(" {v:>width$}");
        }
        println!();
    }
}
