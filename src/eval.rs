//! Evaluating a classifier on labeled quotes: both heads' metrics.

use crate::classifier::{softmax, Classifier};
use crate::error::Result;
use crate::io::labeled::LabeledQuote;
use crate::labels::{Head, PerHead, Temperatures};
use crate::metrics::{head_metrics, HeadMetrics};
use crate::model::config::{HeadSummary, SetMetrics};
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

    /// The summary figures a model directory records, with the data file
    /// and its hash when known.
    pub fn summary(&self, file: Option<String>, sha256: Option<String>) -> SetMetrics {
        let head = |m: &HeadMetrics| HeadSummary {
            accuracy: m.accuracy,
            macro_f1: m.macro_f1,
            ece: m.ece,
        };
        SetMetrics {
            n: self.n,
            speaker: head(&self.speaker),
            stance: head(&self.stance),
            file,
            sha256,
        }
    }
}

/// Raw logits and true labels of a data set, to evaluate or calibrate.
pub struct Scored {
    /// Logits, one row per quote.
    pub logits: PerHead<Vec<Vec<f32>>>,
    /// True label indices.
    pub truth: PerHead<Vec<usize>>,
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
        truth: PerHead::from_fn(|head| quotes.iter().map(|q| q.label(head)).collect()),
    })
}

/// Metrics of both heads from scored data under the given temperatures.
pub fn report(clf: &Classifier, scored: &Scored, temperatures: Temperatures) -> EvalReport {
    let labels = &clf.config().labels;
    let metrics = |head: Head| {
        let t = *temperatures.of(head);
        let probs: Vec<Vec<f64>> = scored
            .logits
            .of(head)
            .iter()
            .map(|l| softmax(l, t).iter().map(|&p| f64::from(p)).collect())
            .collect();
        head_metrics(scored.truth.of(head), &probs, labels.of(head))
    };
    EvalReport {
        n: scored.truth.speaker.len(),
        speaker: metrics(Head::Speaker),
        stance: metrics(Head::Stance),
    }
}

/// Evaluates the classifier (with its calibration) on labeled quotes, read
/// with their sources when `sources` (see [`score_labeled`]).
pub fn evaluate(clf: &Classifier, quotes: &[LabeledQuote], sources: bool) -> Result<EvalReport> {
    let scored = score_labeled(clf, quotes, sources)?;
    Ok(report(clf, &scored, clf.config().temperature))
}
