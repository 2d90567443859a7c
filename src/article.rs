//! Classifying the statements of an article: what the model is given for
//! each statement found by [`crate::text::extract`], and a summary per
//! speaker.

use crate::classifier::Classifier;
use crate::error::{RecordError, Result};
use crate::predict::Prediction;
use crate::text::extract::{extract, SourceKind, Statement};

/// A statement of an article with what the model said of it.
pub struct ClassifiedStatement {
    /// The statement as found.
    pub statement: Statement,
    /// Its text as the model read it: on one line.
    pub model_text: String,
    /// The source the model read with it, if any (see [`model_input`]).
    pub model_source: Option<String>,
    /// The prediction, or why there is none.
    pub result: std::result::Result<Prediction, RecordError>,
}

/// What the model is given for a statement: its text on one line, and its
/// source when one was found (read only by models trained with sources);
/// for a bare name, the article's mention that says what the name is.
pub fn model_input(statement: &Statement) -> (String, Option<String>) {
    let source = statement
        .source_mention
        .as_ref()
        .or(statement.source.as_ref())
        .map(|t| one_line(t));
    (one_line(&statement.text), source)
}

/// The side that made a statement, and where that came from: the kind of
/// its source when the article tells it (`article`), else the model's
/// speaker label (`model`); `None` for a statement that was not scored
/// and whose source is unknown.
pub fn party<'a>(
    statement: &Statement,
    result: &'a std::result::Result<Prediction, RecordError>,
) -> Option<(&'a str, &'static str)> {
    match (statement.source_kind, result) {
        (SourceKind::Unknown, Ok(p)) => Some((p.speaker.as_str(), "model")),
        (SourceKind::Unknown, Err(_)) => None,
        (kind, _) => Some((kind.as_str(), "article")),
    }
}

/// Finds the statements of `article` and classifies each.
pub fn classify_article(clf: &Classifier, article: &str) -> Result<Vec<ClassifiedStatement>> {
    classify_statements(clf, extract(article))
}

/// Classifies statements already found.
pub fn classify_statements(
    clf: &Classifier,
    statements: Vec<Statement>,
) -> Result<Vec<ClassifiedStatement>> {
    let inputs: Vec<(String, Option<String>)> = statements.iter().map(model_input).collect();
    let attributed: Vec<(&str, Option<&str>)> = inputs
        .iter()
        .map(|(text, source)| (text.as_str(), source.as_deref()))
        .collect();
    // The party the article resolves (`Nivara` described elsewhere, `she`
    // through the person last mentioned by role).
    let parties: Vec<Option<&str>> = statements
        .iter()
        .map(|s| (s.source_kind != SourceKind::Unknown).then(|| s.source_kind.as_str()))
        .collect();
    let results = clf.classify_with_parties(&attributed, &parties)?;
    Ok(statements
        .into_iter()
        .zip(inputs)
        .zip(results)
        .map(
            |((statement, (model_text, model_source)), result)| ClassifiedStatement {
                statement,
                model_text,
                model_source,
                result,
            },
        )
        .collect())
}

/// `text` with every run of whitespace (line breaks included) made one
/// space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line per speaker label with statements: `company: 5 statements,
/// 3 commitments, 2 denials` (stances in label order, zero counts left
/// out), and a line for statements that could not be scored.
pub fn summary(
    results: &[Result<Prediction, RecordError>],
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
            Err(RecordError::BlankQuote),
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
