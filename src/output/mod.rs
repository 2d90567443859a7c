//! One output layer: a [`Printer`] chosen once (a table for people, JSON
//! lines, or CSV) writes every kind of record `stance` produces
//! ([`records`]): results and error records (classify, batch), statements
//! (extract), evaluations (eval) and training summaries (train).

pub mod html;
pub mod records;
mod table;

use crate::labels::Labels;
use records::{ErrorRecord, EvalRecord, ResultRecord, StatementRecord, TrainRecord};
use serde::Serialize;
use serde_json::Value;
use std::io::{self, Write};

pub use table::excerpt;

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Readable tables and blocks.
    Table,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header (results and errors only).
    Csv,
}

/// Writes records in one format.
pub struct Printer<W: Write> {
    kind: Kind<W>,
}

enum Kind<W: Write> {
    Table { out: W, header_done: bool },
    Jsonl { out: W },
    Csv(Box<CsvOut<W>>),
}

struct CsvOut<W: Write> {
    writer: csv::Writer<W>,
    labels: Labels,
    carried: CsvCarried,
}

/// How a CSV output carries the input's other fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvCarried {
    /// A CSV/TSV input's other columns, in input order, each in a column of
    /// its own (under its [`records::carried_name`]).
    Columns(Vec<String>),
    /// A JSONL input's other fields, which differ from record to record: one
    /// `fields` column holding them as a JSON object (empty when none).
    Fields,
    /// Nothing to carry (plain-text input).
    Nothing,
}

impl CsvCarried {
    /// The header names of the carried columns.
    fn header(&self) -> Vec<String> {
        match self {
            CsvCarried::Columns(names) => names.clone(),
            CsvCarried::Fields => vec!["fields".to_string()],
            CsvCarried::Nothing => Vec::new(),
        }
    }

    /// The carried columns' values for one record.
    fn values(&self, carried: &serde_json::Map<String, Value>) -> Vec<String> {
        match self {
            CsvCarried::Columns(names) => names
                .iter()
                .map(|k| carried.get(k).map(plain).unwrap_or_default())
                .collect(),
            CsvCarried::Fields if carried.is_empty() => vec![String::new()],
            CsvCarried::Fields => vec![Value::Object(carried.clone()).to_string()],
            CsvCarried::Nothing => Vec::new(),
        }
    }
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A JSON value as plain text (strings without quotes).
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<W: Write> Printer<W> {
    /// A table printer.
    pub fn table(out: W) -> Printer<W> {
        Printer {
            kind: Kind::Table {
                out,
                header_done: false,
            },
        }
    }

    /// A JSON-lines printer.
    pub fn jsonl(out: W) -> Printer<W> {
        Printer {
            kind: Kind::Jsonl { out },
        }
    }

    /// JSON lines when `json`, else a table.
    pub fn new(out: W, json: bool) -> Printer<W> {
        if json {
            Printer::jsonl(out)
        } else {
            Printer::table(out)
        }
    }

    /// A CSV printer for results with `labels` and the `carried` input
    /// fields; the header is written now when `header`.
    pub fn csv(
        out: W,
        labels: &Labels,
        carried: CsvCarried,
        header: bool,
    ) -> io::Result<Printer<W>> {
        // Carried columns that share a name with a result column are
        // renamed as in JSON output.
        let carried = match carried {
            CsvCarried::Columns(names) => CsvCarried::Columns(
                names
                    .iter()
                    .map(|n| records::carried_name(n, |m| names.iter().any(|k| k == m)))
                    .collect(),
            ),
            other => other,
        };
        let mut writer = csv::WriterBuilder::new().flexible(false).from_writer(out);
        if header {
            let mut cols = vec!["id".to_string()];
            cols.extend(carried.header());
            cols.extend(["speaker", "speaker_score", "stance", "stance_score"].map(String::from));
            cols.extend(labels.speaker.iter().map(|l| format!("p_{l}")));
            cols.extend(labels.stance.iter().map(|l| format!("p_{l}")));
            cols.extend(["truncated", "error"].map(String::from));
            writer.write_record(&cols).map_err(csv_error)?;
        }
        Ok(Printer {
            kind: Kind::Csv(Box::new(CsvOut {
                writer,
                labels: labels.clone(),
                carried,
            })),
        })
    }

    /// The format.
    pub fn format(&self) -> OutputFormat {
        match self.kind {
            Kind::Table { .. } => OutputFormat::Table,
            Kind::Jsonl { .. } => OutputFormat::Jsonl,
            Kind::Csv(_) => OutputFormat::Csv,
        }
    }

    /// Where the output goes (CSV output may still hold buffered rows:
    /// [`Printer::flush`] first).
    pub fn get_ref(&self) -> &W {
        match &self.kind {
            Kind::Table { out, .. } | Kind::Jsonl { out } => out,
            Kind::Csv(c) => c.writer.get_ref(),
        }
    }

    fn json_line(out: &mut W, record: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut *out, record)?;
        writeln!(out)
    }

    /// Writes one quote's result.
    pub fn result(&mut self, r: &ResultRecord) -> io::Result<()> {
        match &mut self.kind {
            Kind::Jsonl { out } => Self::json_line(out, r),
            Kind::Table { out, header_done } => table::result_row(
                out,
                header_done,
                r.id,
                r.text.unwrap_or(""),
                Ok(r.prediction),
            ),
            Kind::Csv(c) => {
                let p = r.prediction;
                let mut cols = vec![plain(r.id)];
                cols.extend(c.carried.values(&r.carried));
                cols.push(p.speaker.clone());
                cols.push(p.speaker_score.to_string());
                cols.push(p.stance.clone());
                cols.push(p.stance_score.to_string());
                for (scores, labels) in [
                    (&p.scores.speaker, &c.labels.speaker),
                    (&p.scores.stance, &c.labels.stance),
                ] {
                    cols.extend(
                        labels
                            .iter()
                            .map(|l| scores.get(l).map(|v| v.to_string()).unwrap_or_default()),
                    );
                }
                cols.push(if p.truncated {
                    "true".into()
                } else {
                    String::new()
                });
                cols.push(String::new());
                c.writer.write_record(&cols).map_err(csv_error)
            }
        }
    }

    /// Writes a bad record's error in its place.
    pub fn error(&mut self, r: &ErrorRecord) -> io::Result<()> {
        match &mut self.kind {
            Kind::Jsonl { out } => Self::json_line(out, r),
            Kind::Table { out, header_done } => {
                table::result_row(out, header_done, r.id, r.text.unwrap_or(""), Err(&r.error))
            }
            Kind::Csv(c) => {
                let mut cols = vec![plain(r.id)];
                cols.extend(c.carried.values(&r.carried));
                let n = 4 + c.labels.speaker.len() + c.labels.stance.len() + 1;
                cols.extend(std::iter::repeat_n(String::new(), n));
                cols.push(r.error.clone());
                c.writer.write_record(&cols).map_err(csv_error)
            }
        }
    }

    /// Writes one statement found in an article.
    pub fn statement(&mut self, r: &StatementRecord) -> io::Result<()> {
        match &mut self.kind {
            Kind::Table { out, .. } => table::statement_block(out, r),
            Kind::Jsonl { out } => Self::json_line(out, r),
            Kind::Csv(_) => Err(not_csv()),
        }
    }

    /// Writes summary lines that only a table shows (JSON output carries
    /// the same facts in its records).
    pub fn summary(&mut self, lines: &[String]) -> io::Result<()> {
        match &mut self.kind {
            Kind::Table { out, .. } => lines.iter().try_for_each(|l| writeln!(out, "{l}")),
            _ => Ok(()),
        }
    }

    /// Writes an evaluation.
    pub fn eval(&mut self, r: &EvalRecord) -> io::Result<()> {
        match &mut self.kind {
            Kind::Table { out, .. } => table::eval_report(out, r),
            Kind::Jsonl { out } => Self::json_line(out, r),
            Kind::Csv(_) => Err(not_csv()),
        }
    }

    /// Writes how well held-out gazetteer sources were read.
    pub fn sources(&mut self, m: &crate::model::config::SourceMetrics) -> io::Result<()> {
        match &mut self.kind {
            Kind::Table { out, .. } => table::source_line(out, m),
            Kind::Jsonl { out } => {
                Self::json_line(out, &serde_json::json!({ "gazetteer_held_out": m }))
            }
            Kind::Csv(_) => Err(not_csv()),
        }
    }

    /// Writes a training run's summary.
    pub fn trained(&mut self, r: &TrainRecord) -> io::Result<()> {
        match &mut self.kind {
            Kind::Table { out, .. } => table::train_summary(out, r),
            Kind::Jsonl { out } => Self::json_line(out, r),
            Kind::Csv(_) => Err(not_csv()),
        }
    }

    /// Flushes the output.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.kind {
            Kind::Table { out, .. } | Kind::Jsonl { out } => out.flush(),
            Kind::Csv(c) => c.writer.flush(),
        }
    }
}

/// The error for a record that has no CSV form.
fn not_csv() -> io::Error {
    io::Error::other("this record cannot be written as CSV: use a table or JSON lines")
}
