//! The records `stance` writes, as serde types: a quote's result, a bad
//! record's error, a statement found in an article, an evaluation, and the
//! summary of a training run.

use crate::error::RecordError;
use crate::eval::EvalReport;
use crate::labels::PerHead;
use crate::predict::{Prediction, Scores};
use crate::text::extract::{SourceKind, Statement};
use serde::Serialize;
use serde_json::{Map, Value};

/// Names the output records give fields of their own; an input field with
/// one of these names is carried under `input_NAME` instead, so that, e.g., a
/// gold `speaker` stays beside the predicted one.
const OWN_FIELDS: [&str; 9] = [
    "id",
    "speaker",
    "speaker_score",
    "stance",
    "stance_score",
    "scores",
    "truncated",
    "error",
    "text",
];

/// The name input field `name` is carried under in an output record: the
/// name itself, or `input_` before it (again until it names no output field
/// and no other field of `extra`) when the output has a field of that name.
pub fn carried_name(name: &str, is_input_field: impl Fn(&str) -> bool) -> String {
    let mut carried = name.to_string();
    if OWN_FIELDS.contains(&name) {
        carried = format!("input_{carried}");
        while OWN_FIELDS.contains(&carried.as_str()) || is_input_field(&carried) {
            carried = format!("input_{carried}");
        }
    }
    carried
}

/// Input fields carried into an output record, each under its
/// [`carried_name`].
fn carried(extra: &Map<String, Value>) -> Map<String, Value> {
    extra
        .iter()
        .map(|(k, v)| (carried_name(k, |n| extra.contains_key(n)), v.clone()))
        .collect()
}

/// One quote's result: `id`, the prediction (labels, scores, `truncated`),
/// carried input fields, and for `classify` the quote itself.
#[derive(Debug, Serialize)]
pub struct ResultRecord<'a> {
    /// The input's id or the 1-based record number.
    pub id: &'a Value,
    /// The model's labels and scores.
    #[serde(flatten)]
    pub prediction: &'a Prediction,
    /// Other input fields, carried through.
    #[serde(flatten)]
    pub carried: Map<String, Value>,
    /// The quote (classify prints it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
}

impl<'a> ResultRecord<'a> {
    /// A result with `extra` input fields carried through.
    pub fn new(
        id: &'a Value,
        prediction: &'a Prediction,
        extra: &Map<String, Value>,
        text: Option<&'a str>,
    ) -> ResultRecord<'a> {
        ResultRecord {
            id,
            prediction,
            carried: carried(extra),
            text,
        }
    }
}

/// A bad record in its place: `id`, `error`, carried input fields, and for
/// `classify` the quote.
#[derive(Debug, Serialize)]
pub struct ErrorRecord<'a> {
    /// The input's id or the 1-based record number.
    pub id: &'a Value,
    /// What is wrong, with the line.
    pub error: String,
    /// Other input fields, carried through.
    #[serde(flatten)]
    pub carried: Map<String, Value>,
    /// The quote (classify prints it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
}

impl<'a> ErrorRecord<'a> {
    /// An error record with `extra` input fields carried through.
    pub fn new(
        id: &'a Value,
        error: &RecordError,
        extra: &Map<String, Value>,
        text: Option<&'a str>,
    ) -> ErrorRecord<'a> {
        ErrorRecord {
            id,
            error: error.to_string(),
            carried: carried(extra),
            text,
        }
    }
}

/// What the model said of a statement, or why it could not.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum StatementOutcome<'a> {
    /// Labels and scores.
    Scored {
        /// Most probable speaker.
        speaker: &'a str,
        /// Its probability.
        speaker_score: f64,
        /// Most probable stance.
        stance: &'a str,
        /// Its probability.
        stance_score: f64,
        /// Every label's probability.
        scores: &'a Scores,
        /// Whether the source's kind disagrees with the speaker label.
        speaker_disagrees: bool,
        /// Present and true when the statement was cut to the model's length.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        truncated: bool,
    },
    /// The statement could not be scored.
    Failed {
        /// Why.
        error: String,
    },
}

/// A statement found in an article, with what the model said of it.
#[derive(Debug, Serialize)]
pub struct StatementRecord<'a> {
    /// 1-based number in the article.
    pub id: usize,
    /// `quote`, `reported` or `measure`.
    pub kind: crate::text::extract::StatementKind,
    /// The statement as written.
    pub text: &'a str,
    /// Offset of its first char, in chars.
    pub start: usize,
    /// Offset past its last char.
    pub end: usize,
    /// The parts of a sentence quoted in parts.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub parts: &'a [(usize, usize)],
    /// Who it is attributed to, as written.
    pub source: Option<&'a str>,
    /// What kind of speaker the source reads as.
    pub source_kind: SourceKind,
    /// The article's describing mention of a bare-name source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_mention: Option<&'a str>,
    /// The side that made the statement: the source's kind when the
    /// article tells it, else the model's speaker label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<&'a str>,
    /// Where `party` came from: `article` or `model`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party_from: Option<&'static str>,
    /// The model's labels, or the error.
    #[serde(flatten)]
    pub outcome: StatementOutcome<'a>,
    /// The text as the model read it, on one line (for the table).
    #[serde(skip)]
    pub flat_text: &'a str,
}

impl<'a> StatementRecord<'a> {
    /// The record of statement number `id` and its result.
    pub fn new(
        id: usize,
        statement: &'a Statement,
        flat_text: &'a str,
        result: &'a Result<Prediction, RecordError>,
    ) -> StatementRecord<'a> {
        let outcome = match result {
            Ok(p) => StatementOutcome::Scored {
                speaker: &p.speaker,
                speaker_score: p.speaker_score,
                stance: &p.stance,
                stance_score: p.stance_score,
                scores: &p.scores,
                speaker_disagrees: statement.source_kind.disagrees_with(&p.speaker),
                truncated: p.truncated,
            },
            Err(e) => StatementOutcome::Failed {
                error: e.to_string(),
            },
        };
        let party = crate::article::party(statement, result);
        StatementRecord {
            id,
            kind: statement.kind,
            party: party.map(|(p, _)| p),
            party_from: party.map(|(_, from)| from),
            text: &statement.text,
            start: statement.start,
            end: statement.end,
            parts: &statement.parts,
            source: statement.source.as_deref(),
            source_kind: statement.source_kind,
            source_mention: statement.source_mention.as_deref(),
            outcome,
            flat_text,
        }
    }
}

/// An evaluation: the report, what data and model it came from.
#[derive(Debug, Serialize)]
pub struct EvalRecord<'a> {
    /// Metrics of both heads.
    #[serde(flatten)]
    pub report: &'a EvalReport,
    /// The data file.
    pub data: String,
    /// The model directory.
    pub model: String,
    /// The inference precision (`f32`, `bf16`, `int8`).
    pub precision: &'static str,
    /// How many quotes were read with their source (0 when sources were
    /// not asked for).
    pub with_source: usize,
}

/// Summary of a training run.
#[derive(Debug, Serialize)]
pub struct TrainRecord<'a> {
    /// The model directory written.
    pub out: String,
    /// Trained scalar parameters.
    pub trained_parameters: i64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// The epoch kept.
    pub best_epoch: usize,
    /// Epochs run.
    pub epochs_run: usize,
    /// Calibration temperatures.
    pub temperature: PerHead<f64>,
    /// Dev metrics after calibration.
    pub dev: &'a EvalReport,
    /// Dev metrics before calibration.
    pub dev_uncalibrated: &'a EvalReport,
    /// Source-cue weights fitted on the dev set (models that read sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_cues: Option<crate::cues::CueWeights>,
    /// Dev metrics with sources (and the cues).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev_with_source: Option<&'a EvalReport>,
    /// Test metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<&'a EvalReport>,
    /// Test metrics with sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_with_source: Option<&'a EvalReport>,
    /// Held-out gazetteer sources read alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gazetteer_held_out: Option<crate::model::config::SourceMetrics>,
}
