//! Evaluating a classifier on labeled quotes: both heads' metrics.

use crate::classifier::{company_index, softmax_shifted, Classifier};
use crate::cues::{CueConfig, FitItem, SourceCues};
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
            precision: None,
        }
    }
}

/// Raw logits and true labels of a data set, to evaluate or calibrate.
pub struct Scored {
    /// Logits, one row per quote.
    pub logits: PerHead<Vec<Vec<f32>>>,
    /// True label indices.
    pub truth: PerHead<Vec<usize>>,
    /// The source cues' shift of each quote's speaker log-odds.
    pub shifts: Vec<f32>,
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
        shifts: items.iter().map(|t| t.speaker_shift).collect(),
    })
}

/// Metrics of both heads from scored data under the given temperatures.
pub fn report(clf: &Classifier, scored: &Scored, temperatures: Temperatures) -> EvalReport {
    let labels = &clf.config().labels;
    let company = company_index(clf.config());
    let metrics = |head: Head| {
        let t = *temperatures.of(head);
        let probs: Vec<Vec<f64>> = scored
            .logits
            .of(head)
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let shift = match head {
                    Head::Speaker => scored.shifts.get(i).copied().unwrap_or(0.0),
                    Head::Stance => 0.0,
                };
                softmax_shifted(l, t, &[(shift, company)])
                    .iter()
                    .map(|&p| f64::from(p))
                    .collect()
            })
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

/// Fits the source-cue weights (see [`crate::cues::fit`]) on labeled quotes
/// with sources, for a model that reads sources: the model's speaker
/// log-odds with each quote's source (its calibration applied, no cues)
/// against the cues of the source. `None` when the model does not read
/// sources, has other speaker labels, or no quote has a source.
pub fn fit_source_cues(
    clf: &mut Classifier,
    quotes: &[LabeledQuote],
    file: &str,
    sha256: &str,
) -> Result<Option<CueConfig>> {
    let Some(company) = company_index(clf.config()).filter(|_| clf.reads_sources()) else {
        return Ok(None);
    };
    let with_source: Vec<LabeledQuote> = quotes
        .iter()
        .filter(|q| q.source.is_some())
        .cloned()
        .collect();
    if with_source.is_empty() {
        return Ok(None);
    }
    let before = clf.config().source_cues.clone();
    clf.set_source_cues(None);
    let scored = score_labeled(clf, &with_source, true);
    clf.set_source_cues(before);
    let scored = scored?;
    let t = clf.config().temperature.speaker;
    let cues = SourceCues::shipped();
    let items: Vec<FitItem> = with_source
        .iter()
        .zip(&scored.logits.speaker)
        .zip(&scored.truth.speaker)
        .map(|((q, l), &truth)| FitItem {
            logit: (f64::from(l[company]) - f64::from(l[1 - company])) / t,
            evidence: cues.read(q.source.as_deref().unwrap_or("")),
            company: truth == company,
        })
        .collect();
    let weights = crate::cues::fit(&items);
    let alone = crate::cues::score_weights(&items, &crate::cues::CueWeights::NONE).0;
    let with = crate::cues::score_weights(&items, &weights).0;
    Ok(Some(CueConfig {
        weights,
        fitted_on: file.to_string(),
        sha256: sha256.to_string(),
        dev_speaker_f1: [alone, with],
    }))
}
