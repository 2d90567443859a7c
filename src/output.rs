//! One printer for results: a readable table or JSON lines, chosen once.

use crate::predict::Prediction;
use std::io::Write;

/// How results are printed.
pub enum Printer<W: Write> {
    /// A table for people.
    Table {
        /// Where it goes.
        out: W,
        /// Whether the header was printed.
        header_done: bool,
    },
    /// One JSON object per line.
    Json {
        /// Where it goes.
        out: W,
    },
}

/// Widest quote excerpt shown in the table.
const QUOTE_WIDTH: usize = 70;

impl<W: Write> Printer<W> {
    /// A printer writing JSON lines when `json`, else a table.
    pub fn new(out: W, json: bool) -> Printer<W> {
        if json {
            Printer::Json { out }
        } else {
            Printer::Table {
                out,
                header_done: false,
            }
        }
    }

    /// Prints one quote's result (or its error).
    pub fn record(
        &mut self,
        id: &serde_json::Value,
        text: &str,
        result: &Result<Prediction, String>,
    ) -> std::io::Result<()> {
        match self {
            Printer::Json { out } => {
                let mut map = match result {
                    Ok(p) => p.to_record(id.clone(), &serde_json::Map::new()),
                    Err(e) => {
                        let mut m = serde_json::Map::new();
                        m.insert("id".into(), id.clone());
                        m.insert("error".into(), e.clone().into());
                        m
                    }
                };
                map.insert("text".into(), text.into());
                serde_json::to_writer(&mut *out, &map)?;
                writeln!(out)
            }
            Printer::Table { out, header_done } => {
                if !*header_done {
                    writeln!(
                        out,
                        "{:>3}  {:<10} {:>5}  {:<10} {:>5}  quote",
                        "id", "speaker", "p", "stance", "p"
                    )?;
                    *header_done = true;
                }
                let id = match id {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match result {
                    Ok(p) => writeln!(
                        out,
                        "{:>3}  {:<10} {:>5.3}  {:<10} {:>5.3}  {}{}",
                        id,
                        p.speaker,
                        p.speaker_score,
                        p.stance,
                        p.stance_score,
                        excerpt(text, QUOTE_WIDTH),
                        if p.truncated { " [truncated]" } else { "" }
                    ),
                    Err(e) => writeln!(out, "{id:>3}  error: {e}"),
                }
            }
        }
    }

    /// Flushes the output.
    pub fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Printer::Json { out } | Printer::Table { out, .. } => out.flush(),
        }
    }
}

/// The first `width` characters of `text` on one line, with "..." if cut.
pub fn excerpt(text: &str, width: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= width {
        flat
    } else {
        let cut: String = flat.chars().take(width.saturating_sub(3)).collect();
        format!("{cut}...")
    }
}
