//! Input records for the batch runner: JSONL, CSV, TSV and plain text, read
//! one record at a time with its number, so a bad record becomes an error in
//! its place and nothing else is lost.

use crate::error::{RecordError, Result, StanceError};
use crate::io::lines::Lines;
use serde_json::{Map, Value};
use std::io::{BufRead, Read};
use std::path::Path;

/// An input file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// One JSON object per line with `text` and optional `id`.
    Jsonl,
    /// Comma-separated with a header that has a `text` column.
    Csv,
    /// Tab-separated with a header that has a `text` column.
    Tsv,
    /// One quote per line.
    Txt,
}

impl Format {
    /// The format a file name's extension implies.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "txt" | "text" => Some(Format::Txt),
            _ => None,
        }
    }
}

/// One input record.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRecord {
    /// 0-based record number in the input.
    pub index: usize,
    /// The record's id: the input's `id` as given (any JSON value but
    /// null), or the 1-based record number.
    pub id: Value,
    /// The 1-based line the record starts on (0 when unknown).
    pub line: usize,
    /// The quote, or what is wrong with the record (with its line).
    pub text: std::result::Result<String, RecordError>,
    /// Other fields, carried to the output untouched.
    pub extra: Map<String, Value>,
}

/// Reads records of one format from a byte stream.
pub struct RecordReader {
    inner: Inner,
    /// The input's name, for errors.
    source: String,
    next_index: usize,
    /// Column names of a CSV/TSV header.
    header: Vec<String>,
}

enum Inner {
    Lines(Lines<Box<dyn BufRead + Send>>, Format),
    Csv(csv::Reader<Box<dyn Read + Send>>, usize),
}

impl RecordReader {
    /// Wraps a byte stream. For CSV/TSV the header is read now and must
    /// have a `text` column; `source` names the input in messages.
    pub fn new(
        input: Box<dyn BufRead + Send>,
        format: Format,
        source: &str,
    ) -> Result<RecordReader> {
        match format {
            Format::Jsonl | Format::Txt => Ok(RecordReader {
                inner: Inner::Lines(Lines::new(input), format),
                source: source.to_string(),
                next_index: 0,
                header: Vec::new(),
            }),
            Format::Csv | Format::Tsv => {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(if format == Format::Csv { b',' } else { b'\t' })
                    .flexible(true)
                    .has_headers(true)
                    .from_reader(Box::new(input) as Box<dyn Read + Send>);
                let header: Vec<String> = match reader.byte_headers() {
                    Ok(h) => h
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).trim().to_string())
                        .collect(),
                    Err(e) => {
                        return Err(StanceError::Input {
                            input: source.to_string(),
                            why: format!("cannot read the CSV header: {e}"),
                        })
                    }
                };
                for (i, name) in header.iter().enumerate() {
                    if let Some(j) = header[i + 1..].iter().position(|h| h == name) {
                        return Err(StanceError::Input {
                            input: source.to_string(),
                            why: format!(
                                "line 1: the header names column \"{name}\" twice (columns {} and {}); each column needs its own name",
                                i + 1,
                                i + j + 2
                            ),
                        });
                    }
                }
                let text_col =
                    header
                        .iter()
                        .position(|h| h == "text")
                        .ok_or_else(|| StanceError::Input {
                            input: source.to_string(),
                            why: format!(
                                "line 1: the header has no \"text\" column (columns: {})",
                                header.join(", ")
                            ),
                        })?;
                Ok(RecordReader {
                    inner: Inner::Csv(reader, text_col),
                    source: source.to_string(),
                    next_index: 0,
                    header,
                })
            }
        }
    }

    /// The CSV/TSV header (empty for other formats).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The next record, `Ok(None)` at the end, `Err` when the stream itself
    /// fails.
    pub fn next_record(&mut self) -> Result<Option<InputRecord>> {
        let index = self.next_index;
        let number = index + 1;
        let record = match &mut self.inner {
            Inner::Lines(lines, format) => match lines.next() {
                None => return Ok(None),
                Some(Err(e)) => {
                    return Err(StanceError::Read {
                        input: self.source.clone(),
                        source: e,
                    })
                }
                Some(Ok(line)) => match line.text.map(|t| strip_bom(t, line.number)) {
                    Err(e) => error_record(index, Value::from(number), line.number, e),
                    Ok(text) if *format == Format::Txt => {
                        text_record(index, Value::from(number), text, line.number, Map::new())
                    }
                    Ok(text) => json_record(index, &text, line.number),
                },
            },
            Inner::Csv(reader, text_col) => {
                let mut rec = csv::ByteRecord::new();
                match reader.read_byte_record(&mut rec) {
                    Ok(false) => return Ok(None),
                    Ok(true) => csv_record(index, &rec, &self.header, *text_col),
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        // The reader can go on after a malformed row.
                        error_record(
                            index,
                            Value::from(number),
                            line as usize,
                            RecordError::MalformedCsv {
                                line: line as usize,
                                message: e.to_string(),
                            },
                        )
                    }
                }
            }
        };
        self.next_index += 1;
        Ok(Some(record))
    }
}

/// Drops a UTF-8 byte-order mark from the first line, as editors on Windows
/// write one (the CSV reader drops it itself).
fn strip_bom(text: String, line: usize) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) if line == 1 => rest.to_string(),
        _ => text,
    }
}

fn error_record(index: usize, id: Value, line: usize, error: RecordError) -> InputRecord {
    InputRecord {
        index,
        id,
        line,
        text: Err(error),
        extra: Map::new(),
    }
}

fn text_record(
    index: usize,
    id: Value,
    text: String,
    line: usize,
    extra: Map<String, Value>,
) -> InputRecord {
    let text = if crate::text::is_blank(&text) {
        Err(RecordError::BlankText { line })
    } else {
        Ok(text)
    };
    InputRecord {
        index,
        id,
        line,
        text,
        extra,
    }
}

fn json_record(index: usize, line_text: &str, line: usize) -> InputRecord {
    let number = Value::from(index + 1);
    if line_text.trim().is_empty() {
        return error_record(index, number, line, RecordError::BlankLine { line });
    }
    let value: Value = match serde_json::from_str(line_text) {
        Ok(v) => v,
        Err(e) => {
            let message = e.to_string();
            return error_record(index, number, line, RecordError::NotJson { line, message });
        }
    };
    let Value::Object(mut obj) = value else {
        return error_record(index, number, line, RecordError::NotObject { line });
    };
    let id = match obj.remove("id") {
        Some(Value::Null) | None => number,
        Some(v) => v,
    };
    let text = obj.remove("text");
    let extra = obj;
    match text {
        None => InputRecord {
            index,
            id,
            line,
            text: Err(RecordError::NoText { line }),
            extra,
        },
        Some(Value::String(s)) => text_record(index, id, s, line, extra),
        Some(other) => InputRecord {
            index,
            id,
            line,
            text: Err(RecordError::TextNotString {
                line,
                found: kind(&other),
            }),
            extra,
        },
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn csv_record(
    index: usize,
    rec: &csv::ByteRecord,
    header: &[String],
    text_col: usize,
) -> InputRecord {
    let line = rec.position().map_or(0, |p| p.line() as usize);
    let number = Value::from(index + 1);
    if rec.len() != header.len() {
        // Keep the row's own id when its id column can still be read.
        let id = header
            .iter()
            .position(|h| h == "id")
            .and_then(|k| rec.get(k))
            .and_then(|f| std::str::from_utf8(f).ok())
            .filter(|f| !f.is_empty())
            .map_or(number, Value::from);
        return error_record(
            index,
            id,
            line,
            RecordError::FieldCount {
                line,
                got: rec.len(),
                want: header.len(),
            },
        );
    }
    let mut extra = Map::new();
    let mut id = number;
    let mut text = None;
    for (k, (name, field)) in header.iter().zip(rec.iter()).enumerate() {
        let Ok(value) = std::str::from_utf8(field) else {
            return error_record(
                index,
                Value::from(index + 1),
                line,
                RecordError::ColumnUtf8 {
                    line,
                    column: name.clone(),
                },
            );
        };
        if k == text_col {
            text = Some(value.to_string());
        } else if name == "id" && !value.is_empty() {
            id = Value::from(value);
        } else {
            extra.insert(name.clone(), Value::from(value));
        }
    }
    text_record(index, id, text.unwrap_or_default(), line, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &'static [u8], format: Format) -> Vec<InputRecord> {
        let mut r = RecordReader::new(Box::new(input), format, "test").unwrap();
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            out.push(rec);
        }
        out
    }

    #[test]
    fn jsonl_bad_lines_become_error_records() {
        let recs = read_all(
            b"{\"id\":\"a\",\"text\":\"ok one\",\"src\":\"x\"}\n\nnot json\n{\"text\":5}\n{\"body\":\"x\"}\n{\"text\":\"  \"}\n{\"text\":\"last\"}\n",
            Format::Jsonl,
        );
        assert_eq!(recs.len(), 7);
        assert_eq!(recs[0].id, Value::from("a"));
        assert_eq!(recs[0].extra["src"], Value::from("x"));
        assert!(recs[1]
            .text
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("line 2: blank"));
        assert!(recs[2]
            .text
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("line 3: not valid JSON"));
        assert!(recs[3]
            .text
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("must be a string, is a number"));
        assert!(recs[4]
            .text
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("no \"text\" field"));
        assert!(recs[5]
            .text
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("empty or blank"));
        assert_eq!(recs[6].id, Value::from(7));
        assert_eq!(recs[6].text, Ok("last".into()));
    }

    #[test]
    fn csv_quoted_commas_newlines_and_wrong_field_counts() {
        let recs = read_all(
            b"id,text,source\nq1,\"We said, plainly, no.\",wire\nq2,\"Two\nlines\",paper\nq3,too,many,fields\nq4,fine,radio\n",
            Format::Csv,
        );
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].text, Ok("We said, plainly, no.".into()));
        assert_eq!(recs[0].extra["source"], Value::from("wire"));
        assert_eq!(recs[1].text, Ok("Two\nlines".into()));
        let e = recs[2].text.as_ref().unwrap_err().to_string();
        assert!(e.contains("line 5") && e.contains("4 fields"), "{e}");
        assert_eq!(recs[2].id, Value::from("q3"));
        assert_eq!(recs[3].id, Value::from("q4"));
    }

    #[test]
    fn csv_without_text_column_is_refused() {
        let err = RecordReader::new(Box::new(&b"id,body\n1,x\n"[..]), Format::Csv, "in.csv")
            .err()
            .unwrap();
        assert!(err.to_string().contains("no \"text\" column"));
    }
}
