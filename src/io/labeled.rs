//! Labeled quotes (JSONL with `text`, `speaker`, `stance`, and for the
//! corpus `id` and `dispute`): read with every problem reported by file and
//! line, never a panic.

use crate::error::{Result, StanceError};
use crate::io::lines::Lines;
use crate::labels::{Head, Labels};
use std::fmt;
use std::path::{Path, PathBuf};

/// One labeled quote.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledQuote {
    /// The record's `id`, or its line number when it has none.
    pub id: String,
    /// The quote.
    pub text: String,
    /// Index of the speaker label in the model's label order.
    pub speaker: usize,
    /// Index of the stance label in the model's label order.
    pub stance: usize,
    /// The affair the quote belongs to, when given.
    pub dispute: Option<String>,
    /// Who the article says made the statement, as written ("the company",
    /// "Commerce officials"), when given.
    pub source: Option<String>,
    /// 1-based line in its file.
    pub line: usize,
}

impl LabeledQuote {
    /// The index of its label of `head`.
    pub fn label(&self, head: Head) -> usize {
        match head {
            Head::Speaker => self.speaker,
            Head::Stance => self.stance,
        }
    }
}

/// A labeled data file read whole, with its hash (the provenance a trained
/// model records).
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The file, as given.
    pub path: PathBuf,
    /// sha256 of the file.
    pub sha256: String,
    /// Its records.
    pub quotes: Vec<LabeledQuote>,
}

impl Dataset {
    /// Reads a labeled file against `labels` (the model's label names).
    /// Any bad line refuses the file unless `skip_bad`; the problems are
    /// returned either way, to be reported. A file with no good record is
    /// an error.
    pub fn read(path: &Path, labels: &Labels, skip_bad: bool) -> Result<(Dataset, Vec<Problem>)> {
        let file = read_labeled(path, labels)?;
        let problems = file.problems.clone();
        Ok((file.into_dataset(skip_bad)?, problems))
    }
}

impl std::ops::Deref for Dataset {
    type Target = [LabeledQuote];
    fn deref(&self) -> &[LabeledQuote] {
        &self.quotes
    }
}

/// A problem with one line of a data file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// A labeled file: the good records and the problems of the others.
#[derive(Debug, Clone)]
pub struct LabeledFile {
    /// The file.
    pub path: PathBuf,
    /// Records that parsed.
    pub records: Vec<LabeledQuote>,
    /// Lines that did not, each with its problem.
    pub problems: Vec<Problem>,
}

impl LabeledFile {
    /// The file as a [`Dataset`] (see [`LabeledFile::into_records`]); a file
    /// with no good record is an error.
    pub fn into_dataset(self, skip_bad: bool) -> Result<Dataset> {
        let path = self.path.clone();
        let (quotes, _) = self.into_records(skip_bad)?;
        if quotes.is_empty() {
            return Err(StanceError::NoRecords { path });
        }
        Ok(Dataset {
            sha256: crate::hash::sha256_file(&path)?,
            path,
            quotes,
        })
    }

    /// Fails with the first problem unless `skip_bad`; with `skip_bad`,
    /// returns the records and the number of lines skipped.
    pub fn into_records(self, skip_bad: bool) -> Result<(Vec<LabeledQuote>, usize)> {
        if !skip_bad {
            if let Some(first) = self.problems.first() {
                return Err(StanceError::BadData {
                    path: self.path,
                    count: self.problems.len(),
                    first: format!("line {}: {}", first.line, first.message),
                });
            }
        }
        Ok((self.records, self.problems.len()))
    }
}

/// Reads a labeled JSONL file. Label names must be among `labels`.
///
/// Unreadable files are an error; every bad line becomes a [`Problem`].
pub fn read_labeled(path: &Path, labels: &Labels) -> Result<LabeledFile> {
    let file = std::fs::File::open(path).map_err(|e| StanceError::io(path, e))?;
    let mut out = LabeledFile {
        path: path.to_path_buf(),
        records: Vec::new(),
        problems: Vec::new(),
    };
    for line in Lines::new(std::io::BufReader::new(file)) {
        let line = line.map_err(|e| StanceError::io(path, e))?;
        let number = line.number;
        match line
            .text
            .map_err(|e| e.to_string())
            .and_then(|t| parse_line(&t, number, labels))
        {
            Ok(q) => out.records.push(q),
            Err(message) => out.problems.push(Problem {
                path: path.to_path_buf(),
                line: number,
                message: message
                    .trim_start_matches(&format!("line {number}: "))
                    .to_string(),
            }),
        }
    }
    Ok(out)
}

/// Parses one line into a labeled quote, or says what is wrong with it.
fn parse_line(
    text: &str,
    number: usize,
    labels: &Labels,
) -> std::result::Result<LabeledQuote, String> {
    if text.trim().is_empty() {
        return Err("blank line".into());
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let obj = value
        .as_object()
        .ok_or_else(|| "not a JSON object".to_string())?;
    let field = |name: &str| -> std::result::Result<String, String> {
        match obj.get(name) {
            None => Err(format!("missing field \"{name}\"")),
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!("field \"{name}\" must be a string, is {other}")),
        }
    };
    let quote = field("text")?;
    if crate::text::is_blank(&quote) {
        return Err("field \"text\" is empty".into());
    }
    let label = |name: &str, allowed: &[String]| -> std::result::Result<usize, String> {
        let value = field(name)?;
        allowed.iter().position(|l| *l == value).ok_or_else(|| {
            format!(
                "unknown {name} label \"{value}\" (expected one of: {})",
                allowed.join(", ")
            )
        })
    };
    let speaker = label("speaker", &labels.speaker)?;
    let stance = label("stance", &labels.stance)?;
    let id = match obj.get("id") {
        None => number.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Err(format!(
                "field \"id\" must be a string or number, is {other}"
            ))
        }
    };
    let optional = |name: &str| -> std::result::Result<Option<String>, String> {
        match obj.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("field \"{name}\" must be a string, is {other}")),
        }
    };
    let dispute = optional("dispute")?;
    let source = optional("source")?;
    Ok(LabeledQuote {
        id,
        text: quote,
        speaker,
        stance,
        dispute,
        source,
        line: number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn each_bad_line_is_reported_with_its_number() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            f,
            r#"{{"id":"a","text":"We will appeal.","speaker":"company","stance":"commitment"}}"#
        )
        .unwrap();
        writeln!(f, "{{not json").unwrap();
        writeln!(
            f,
            r#"{{"text":"x y","speaker":"company","stance":"threat"}}"#
        )
        .unwrap();
        writeln!(f, r#"{{"text":"x y","stance":"denial"}}"#).unwrap();
        writeln!(f).unwrap();
        writeln!(
            f,
            r#"{{"text":"  ","speaker":"company","stance":"denial"}}"#
        )
        .unwrap();
        let file = read_labeled(f.path(), &Labels::default()).unwrap();
        assert_eq!(file.records.len(), 1);
        assert_eq!(file.records[0].stance, 2);
        let lines: Vec<usize> = file.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6]);
        assert!(file.problems[0].message.starts_with("not valid JSON"));
        assert!(file.problems[1]
            .message
            .contains("unknown stance label \"threat\""));
        assert!(file.problems[2]
            .message
            .contains("missing field \"speaker\""));
        assert_eq!(file.problems[3].message, "blank line");
        assert!(file.problems[4].message.contains("empty"));
        let err = file.clone().into_records(false).unwrap_err().to_string();
        assert!(
            err.contains("5 bad record(s)") && err.contains("line 2"),
            "{err}"
        );
        let (records, skipped) = file.into_records(true).unwrap();
        assert_eq!((records.len(), skipped), (1, 5));
    }

    #[test]
    fn a_source_is_read_when_given_and_must_be_a_string() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for line in [
            r#"{"text":"We will appeal.","speaker":"company","stance":"commitment","source":"Acme's chief executive"}"#,
            r#"{"text":"We will appeal.","speaker":"company","stance":"commitment","source":" "}"#,
            r#"{"text":"We will appeal.","speaker":"company","stance":"commitment"}"#,
            r#"{"text":"We will appeal.","speaker":"company","stance":"commitment","source":3}"#,
        ] {
            writeln!(f, "{line}").unwrap();
        }
        let file = read_labeled(f.path(), &Labels::default()).unwrap();
        let sources: Vec<Option<&str>> = file.records.iter().map(|r| r.source.as_deref()).collect();
        assert_eq!(sources, vec![Some("Acme's chief executive"), None, None]);
        assert_eq!(file.problems.len(), 1);
        assert_eq!(file.problems[0].line, 4);
        assert_eq!(
            file.problems[0].message,
            "field \"source\" must be a string, is 3"
        );
    }
}
