//! Evaluating a classifier on labeled quotes: both heads' metrics.

use crate::error::Result;
use crate::io::labeled::LabeledQuote;
use crate::labels::Head;
use crate::metrics::{head_metrics, HeadMetrics};
use crate::model::{softmax, Classifier};
use crate::text::tokenize::Tokenized;
use serde::Serialize;

/// Metrics of both heads on one data set.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Number of quotes.
    pub n: usize,
    /// Speaker head.
    pub speaker: HeadMetrics,
    /// Stance head.
    pub stance: HeadMetrics,
}

impl EvalReport {
    /// The metrics of `head`.
    pub fn of(&self, head: Head) -> &HeadMetrics {
        match head {
            Head::Speaker => &self.speaker,
            Head::Stance => &self.stance,
        }
    }
}

/// Raw logits and true labels of a data set, to evaluate or calibrate.
pub struct Scored {
    /// `[speaker, stance]` logits, one row per quote.
    pub logits: [Vec<Vec<f32>>; 2],
    /// `[speaker, stance]` true label indices.
    pub truth: [Vec<usize>; 2],
}

/// Runs the classifier over labeled quotes and keeps the logits. With
/// `sources`, each quote is read with its `source` field where it has one
/// and the model reads sources ([`Classifier::tokenize_attributed`]).
pub fn score_labeled(clf: &Classifier, quotes: &[LabeledQuote], sources: bool) -> Result<Scored> {
    let items: Vec<Tokenized> = quotes
        .iter()
        .map(|q| {
            let source = q.source.as_deref().filter(|_| sources);
            clf.tokenize_attributed(&q.text, source)
        })
        .collect::<Result<_>>()?;
    Ok(Scored {
        logits: clf.all_logits(&items)?,
        truth: [
            quotes.iter().map(|q| q.speaker).collect(),
            quotes.iter().map(|q| q.stance).collect(),
        ],
    })
}

/// Metrics of both heads from scored data under the given temperatures.
pub fn report(clf: &Classifier, scored: &Scored, temperatures: [f64; 2]) -> EvalReport {
    let labels = &clf.config().labels;
    let metrics = |k: usize, head: Head| {
        let probs: Vec<Vec<f64>> = scored.logits[k]
            .iter()
            .map(|l| {
                softmax(l, temperatures[k])
                    .iter()
                    .map(|&p| f64::from(p))
                    .collect()
            })
            .collect();
        head_metrics(&scored.truth[k], &probs, labels.of(head))
    };
    EvalReport {
        n: scored.truth[0].len(),
        speaker: metrics(0, Head::Speaker),
        stance: metrics(1, Head::Stance),
    }
}

/// Evaluates the classifier (with its calibration) on labeled quotes, read
/// with their sources when `sources` (see [`score_labeled`]).
pub fn evaluate(clf: &Classifier, quotes: &[LabeledQuote], sources: bool) -> Result<EvalReport> {
    let scored = score_labeled(clf, quotes, sources)?;
    let t = clf.config().temperature;
    Ok(report(clf, &scored, [t.speaker, t.stance]))
}
