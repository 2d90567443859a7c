//! `stance extract`: finds the statements in a news story (quotes and
//! reported speech), attributes each to its source and classifies it.

use super::{GlobalArgs, EXIT_BAD_RECORDS, EXIT_OK};
use crate::predict::Prediction;
use crate::text::extract::{extract, Statement};
use anyhow::Context;
use clap::Args;
use std::io::{Read, Write};
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
    let (name, article) = read_article(&args.article)?;
    let statements = extract(&article);
    if statements.is_empty() {
        if global.json {
            eprintln!("stance: no statements found in {name}");
        } else {
            println!("no statements found in {name}");
        }
        return Ok(EXIT_OK);
    }
    let clf = global.load_classifier()?;
    // The model sees each statement on one line, with its source when one
    // was found (read only by models trained with sources): for a bare name,
    // the article's mention that says what the name is.
    let inputs: Vec<String> = statements.iter().map(|s| one_line(&s.text)).collect();
    let sources: Vec<Option<String>> = statements
        .iter()
        .map(|s| {
            s.source_mention
                .as_ref()
                .or(s.source.as_ref())
                .map(|t| one_line(t))
        })
        .collect();
    let attributed: Vec<(&str, Option<&str>)> = inputs
        .iter()
        .zip(&sources)
        .map(|(text, source)| (text.as_str(), source.as_deref()))
        .collect();
    let results = clf.classify_attributed(&attributed)?;
    let labels = &clf.config().labels;
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::new(stdout);
    let mut bad = 0;
    for (i, (statement, result)) in statements.iter().zip(&results).enumerate() {
        if let Err(e) = result {
            bad += 1;
            eprintln!("stance: statement {}: {e}", i + 1);
        }
        if global.json {
            let record = json_record(i + 1, statement, result);
            serde_json::to_writer(&mut out, &record)?;
            writeln!(out)?;
        } else {
            write_block(&mut out, i + 1, statement, &inputs[i], result)?;
        }
    }
    if !global.json {
        for line in summary(&results, &labels.speaker, &labels.stance) {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(if bad > 0 { EXIT_BAD_RECORDS } else { EXIT_OK })
}

/// Reads the article from `path` ("-" is stdin): its name for messages and
/// its text. Invalid UTF-8 is an error naming the file and the place.
pub fn read_article(path: &std::path::Path) -> anyhow::Result<(String, String)> {
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read stdin")?;
        ("stdin".to_string(), bytes)
    } else {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
        (name, bytes)
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            anyhow::bail!(
                "{name}: not valid UTF-8 (line {line}, byte {}): save the article as UTF-8 text",
                at + 1
            )
        }
    }
}

/// `text` with every run of whitespace (line breaks included) made one
/// space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One statement as a JSON object: id, text, offsets, source, the model's
/// labels and scores, and whether the source's kind disagrees with the
/// speaker label (or the error, for a statement that could not be scored).
pub fn json_record(
    id: usize,
    statement: &Statement,
    result: &Result<Prediction, String>,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{json, Value};
    let mut map = serde_json::Map::new();
    map.insert("id".into(), json!(id));
    map.insert("text".into(), json!(statement.text));
    map.insert("start".into(), json!(statement.start));
    map.insert("end".into(), json!(statement.end));
    if !statement.parts.is_empty() {
        map.insert("parts".into(), json!(statement.parts));
    }
    map.insert("source".into(), json!(statement.source));
    map.insert("source_kind".into(), json!(statement.source_kind));
    if let Some(mention) = &statement.source_mention {
        map.insert("source_mention".into(), json!(mention));
    }
    match result {
        Ok(p) => {
            map.insert("speaker".into(), json!(p.speaker));
            map.insert("speaker_score".into(), json!(p.speaker_score));
            map.insert("stance".into(), json!(p.stance));
            map.insert("stance_score".into(), json!(p.stance_score));
            map.insert(
                "scores".into(),
                serde_json::to_value(&p.scores).unwrap_or(Value::Null),
            );
            map.insert(
                "speaker_disagrees".into(),
                json!(statement.source_kind.disagrees_with(&p.speaker)),
            );
            if p.truncated {
                map.insert("truncated".into(), json!(true));
            }
        }
        Err(e) => {
            map.insert("error".into(), json!(e));
        }
    }
    map
}

/// Writes one statement's readable block.
fn write_block(
    out: &mut impl Write,
    id: usize,
    statement: &Statement,
    flat_text: &str,
    result: &Result<Prediction, String>,
) -> std::io::Result<()> {
    if statement.parts.is_empty() {
        writeln!(out, "[{id}] chars {}..{}", statement.start, statement.end)?;
    } else {
        let parts: Vec<String> = statement
            .parts
            .iter()
            .map(|(s, e)| format!("{s}..{e}"))
            .collect();
        writeln!(
            out,
            "[{id}] chars {} (one sentence quoted in parts)",
            parts.join(", ")
        )?;
    }
    match &statement.source {
        Some(source) => writeln!(
            out,
            "    source:  {source} ({})",
            statement.source_kind.as_str()
        )?,
        None => writeln!(out, "    source:  none found")?,
    }
    if let Some(mention) = &statement.source_mention {
        writeln!(out, "    named:   {}", one_line(mention))?;
    }
    match result {
        Ok(p) => {
            writeln!(out, "    speaker: {} {:.3}", p.speaker, p.speaker_score)?;
            writeln!(out, "    stance:  {} {:.3}", p.stance, p.stance_score)?;
            if statement.source_kind.disagrees_with(&p.speaker) {
                writeln!(
                    out,
                    "    note:    the source reads as {} but the model says {}",
                    statement.source_kind, p.speaker
                )?;
            }
            if p.truncated {
                writeln!(out, "    note:    cut to the model's maximum length")?;
            }
        }
        Err(e) => writeln!(out, "    error:   {e}")?,
    }
    writeln!(out, "    text:    {flat_text}")?;
    writeln!(out)
}

/// One line per speaker label with statements: `company: 5 statements,
/// 3 commitments, 2 denials` (stances in label order, zero counts left
/// out), and a line for statements that could not be scored.
pub fn summary(
    results: &[Result<Prediction, String>],
    speakers: &[String],
    stances: &[String],
) -> Vec<String> {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut lines = Vec::new();
    for speaker in speakers {
        let mine: Vec<&Prediction> = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .filter(|p| &p.speaker == speaker)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut parts = vec![plural(mine.len(), "statement")];
        for stance in stances {
            let n = mine.iter().filter(|p| &p.stance == stance).count();
            if n > 0 {
                parts.push(plural(n, stance));
            }
        }
        lines.push(format!("{speaker}: {}", parts.join(", ")));
    }
    let bad = results.iter().filter(|r| r.is_err()).count();
    if bad > 0 {
        lines.push(format!("not classified: {}", plural(bad, "statement")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predict::LabelScores;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn prediction(speaker: &str, stance: &str) -> Prediction {
        let sp = labels(&["government", "company"]);
        let st = labels(&["denial", "allegation", "commitment"]);
        let sp_p: Vec<f32> = sp
            .iter()
            .map(|l| if l == speaker { 0.9 } else { 0.1 })
            .collect();
        let st_p: Vec<f32> = st
            .iter()
            .map(|l| if l == stance { 0.8 } else { 0.1 })
            .collect();
        Prediction::new(
            LabelScores::new(&sp, &sp_p),
            LabelScores::new(&st, &st_p),
            false,
        )
    }

    #[test]
    fn summary_counts_per_speaker() {
        let results = vec![
            Ok(prediction("company", "commitment")),
            Ok(prediction("company", "denial")),
            Ok(prediction("company", "commitment")),
            Ok(prediction("government", "allegation")),
            Err("bad".to_string()),
        ];
        let lines = summary(
            &results,
            &labels(&["government", "company"]),
            &labels(&["denial", "allegation", "commitment"]),
        );
        assert_eq!(
            lines,
            vec![
                "government: 1 statement, 1 allegation",
                "company: 3 statements, 1 denial, 2 commitments",
                "not classified: 1 statement",
            ]
        );
    }

    #[test]
    fn one_line_flattens_line_breaks() {
        assert_eq!(one_line("We will\r\n  appeal."), "We will appeal.");
    }
}
