//! Output records of the batch runner: JSONL (the contract's records) or
//! CSV, each record formatted whole into memory before it is written.

use crate::predict::Prediction;
use serde_json::{Map, Value};

/// An output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header.
    Csv,
}

/// Formats result records.
pub struct RecordWriter {
    format: OutFormat,
    speaker_labels: Vec<String>,
    stance_labels: Vec<String>,
    /// CSV: input columns carried through, in input order.
    extra_columns: Vec<String>,
}

impl RecordWriter {
    /// A writer for `format`; `extra_columns` are the input's carried CSV
    /// columns (CSV output only carries these).
    pub fn new(
        format: OutFormat,
        speaker_labels: &[String],
        stance_labels: &[String],
        extra_columns: Vec<String>,
    ) -> RecordWriter {
        RecordWriter {
            format,
            speaker_labels: speaker_labels.to_vec(),
            stance_labels: stance_labels.to_vec(),
            extra_columns,
        }
    }

    /// The header, if the format has one.
    pub fn header(&self) -> Option<String> {
        match self.format {
            OutFormat::Jsonl => None,
            OutFormat::Csv => {
                let mut cols = vec!["id".to_string()];
                cols.extend(self.extra_columns.iter().cloned());
                cols.extend(
                    ["speaker", "speaker_score", "stance", "stance_score"].map(String::from),
                );
                cols.extend(self.speaker_labels.iter().map(|l| format!("p_{l}")));
                cols.extend(self.stance_labels.iter().map(|l| format!("p_{l}")));
                cols.extend(["truncated", "error"].map(String::from));
                Some(csv_line(&cols))
            }
        }
    }

    /// Appends one record (a result or an error) to `out`, newline included.
    pub fn write(
        &self,
        out: &mut String,
        id: &Value,
        extra: &Map<String, Value>,
        result: &Result<Prediction, String>,
    ) {
        match self.format {
            OutFormat::Jsonl => {
                let map = match result {
                    Ok(p) => p.to_record(id.clone(), extra),
                    Err(e) => {
                        let mut m = Map::new();
                        m.insert("id".into(), id.clone());
                        m.insert("error".into(), Value::from(e.as_str()));
                        for (k, v) in extra {
                            m.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                        m
                    }
                };
                out.push_str(&Value::Object(map).to_string());
                out.push('\n');
            }
            OutFormat::Csv => {
                let mut cols = vec![plain(id)];
                for c in &self.extra_columns {
                    cols.push(extra.get(c).map(plain).unwrap_or_default());
                }
                match result {
                    Ok(p) => {
                        cols.push(p.speaker.clone());
                        cols.push(p.speaker_score.to_string());
                        cols.push(p.stance.clone());
                        cols.push(p.stance_score.to_string());
                        for l in &self.speaker_labels {
                            cols.push(
                                p.scores
                                    .speaker
                                    .get(l)
                                    .map(|v| v.to_string())
                                    .unwrap_or_default(),
                            );
                        }
                        for l in &self.stance_labels {
                            cols.push(
                                p.scores
                                    .stance
                                    .get(l)
                                    .map(|v| v.to_string())
                                    .unwrap_or_default(),
                            );
                        }
                        cols.push(if p.truncated {
                            "true".into()
                        } else {
                            String::new()
                        });
                        cols.push(String::new());
                    }
                    Err(e) => {
                        let n = 4 + self.speaker_labels.len() + self.stance_labels.len() + 1;
                        cols.extend(std::iter::repeat_n(String::new(), n));
                        cols.push(e.clone());
                    }
                }
                out.push_str(&csv_line(&cols));
            }
        }
    }
}

/// A JSON value as plain CSV text (strings without quotes).
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One CSV line, quoting fields as needed, newline included.
fn csv_line(fields: &[String]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
