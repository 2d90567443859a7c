//! Typed, serde-serializable results of classifying one quote.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// Probabilities of one head's labels, in the head's label order.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelScores(pub Vec<(String, f64)>);

impl LabelScores {
    /// Pairs label names with probabilities. Probabilities are kept at f32
    /// precision and printed in their shortest form.
    pub fn new(labels: &[String], probs: &[f32]) -> LabelScores {
        LabelScores(
            labels
                .iter()
                .zip(probs)
                .map(|(l, &p)| (l.clone(), tidy(p)))
                .collect(),
        )
    }

    /// The most probable label and its probability (first wins on ties).
    pub fn best(&self) -> (&str, f64) {
        let mut best = ("", f64::NEG_INFINITY);
        for (l, p) in &self.0 {
            if *p > best.1 {
                best = (l.as_str(), *p);
            }
        }
        best
    }

    /// The probability of `label`, if the head has it.
    pub fn get(&self, label: &str) -> Option<f64> {
        self.0.iter().find(|(l, _)| l == label).map(|(_, p)| *p)
    }
}

impl Serialize for LabelScores {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (l, p) in &self.0 {
            map.serialize_entry(l, p)?;
        }
        map.end()
    }
}

/// An f32 probability as the f64 with the same shortest decimal form, so
/// JSON shows `0.97`, not `0.9700000286102295`.
fn tidy(p: f32) -> f64 {
    format!("{p}").parse().unwrap_or(f64::from(p))
}

/// Both heads' probabilities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Speaker probabilities.
    pub speaker: LabelScores,
    /// Stance probabilities.
    pub stance: LabelScores,
}

/// The result for one quote, in the field order of the output contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Most probable speaker.
    pub speaker: String,
    /// Its probability.
    pub speaker_score: f64,
    /// Most probable stance.
    pub stance: String,
    /// Its probability.
    pub stance_score: f64,
    /// Every label's probability.
    pub scores: Scores,
    /// Present and true when the quote was cut to the model's length.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl Prediction {
    /// Builds a prediction from both heads' scores.
    pub fn new(speaker: LabelScores, stance: LabelScores, truncated: bool) -> Prediction {
        let (sp, sps) = speaker.best();
        let (st, sts) = stance.best();
        Prediction {
            speaker: sp.to_string(),
            speaker_score: sps,
            stance: st.to_string(),
            stance_score: sts,
            scores: Scores {
                speaker: speaker.clone(),
                stance: stance.clone(),
            },
            truncated,
        }
    }

    /// The prediction as a JSON object with `id` first and `extra` fields
    /// (carried from the input) after the results.
    pub fn to_record(
        &self,
        id: serde_json::Value,
        extra: &serde_json::Map<String, serde_json::Value>,
    ) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        map.insert("id".into(), id);
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(self) {
            map.extend(fields);
        }
        for (k, v) in extra {
            if !map.contains_key(k) {
                map.insert(k.clone(), v.clone());
            }
        }
        map
    }
}
