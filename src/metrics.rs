//! Classification metrics on `ndarray`: confusion matrix, accuracy,
//! per-class precision, recall and F1 with support, macro-F1, and expected
//! calibration error.

use ndarray::{Array1, Array2, Axis};
use serde::Serialize;

/// Number of equal-width confidence bins for expected calibration error.
pub const ECE_BINS: usize = 15;

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassMetrics {
    /// The label.
    pub label: String,
    /// Of the quotes predicted as this label, the share that are.
    pub precision: f64,
    /// Of the quotes that are this label, the share predicted so.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Quotes that are this label.
    pub support: usize,
}

/// Metrics of one head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadMetrics {
    /// Share of quotes labelled right.
    pub accuracy: f64,
    /// Unweighted mean of the per-class F1 over the classes present (in
    /// the data or in the predictions).
    pub macro_f1: f64,
    /// Expected calibration error of the top label's probability.
    pub ece: f64,
    /// Per-class figures, in label order.
    pub classes: Vec<ClassMetrics>,
    /// Rows: true label; columns: predicted label.
    pub confusion: Vec<Vec<usize>>,
    /// Number of quotes.
    pub n: usize,
    /// Labels no quote of the data has, left out of macro-F1 unless
    /// predicted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
}

/// The confusion matrix (rows true, columns predicted) of `n` classes.
pub fn confusion(truth: &[usize], predicted: &[usize], n: usize) -> Array2<usize> {
    let mut m = Array2::<usize>::zeros((n, n));
    for (&t, &p) in truth.iter().zip(predicted) {
        if t < n && p < n {
            m[[t, p]] += 1;
        }
    }
    m
}

/// Expected calibration error: the support-weighted mean gap between
/// confidence and accuracy over [`ECE_BINS`] equal-width bins.
pub fn ece(confidence: &[f64], correct: &[bool]) -> f64 {
    let n = confidence.len();
    if n == 0 {
        return 0.0;
    }
    let mut sum_conf = Array1::<f64>::zeros(ECE_BINS);
    let mut sum_acc = Array1::<f64>::zeros(ECE_BINS);
    let mut count = Array1::<f64>::zeros(ECE_BINS);
    for (&c, &ok) in confidence.iter().zip(correct) {
        let bin = ((c * ECE_BINS as f64) as usize).min(ECE_BINS - 1);
        sum_conf[bin] += c;
        sum_acc[bin] += if ok { 1.0 } else { 0.0 };
        count[bin] += 1.0;
    }
    let gaps = (&sum_conf - &sum_acc).mapv(f64::abs);
    gaps.sum() / n as f64
}

/// All metrics of one head from true labels and predicted probabilities
/// (`probs[i]` is quote `i`'s distribution over `labels`).
pub fn head_metrics(truth: &[usize], probs: &[Vec<f64>], labels: &[String]) -> HeadMetrics {
    let n = labels.len();
    let predicted: Vec<usize> = probs.iter().map(|p| argmax(p)).collect();
    let m = confusion(truth, &predicted, n);
    let support = m.sum_axis(Axis(1));
    let predicted_count = m.sum_axis(Axis(0));
    let mut classes = Vec::with_capacity(n);
    for (k, label) in labels.iter().enumerate() {
        let tp = m[[k, k]] as f64;
        let precision = ratio(tp, predicted_count[k] as f64);
        let recall = ratio(tp, support[k] as f64);
        let f1 = ratio(2.0 * precision * recall, precision + recall);
        classes.push(ClassMetrics {
            label: label.clone(),
            precision,
            recall,
            f1,
            support: support[k],
        });
    }
    let total = truth.len();
    let correct: Vec<bool> = truth.iter().zip(&predicted).map(|(t, p)| t == p).collect();
    let confidence: Vec<f64> = probs.iter().zip(&predicted).map(|(p, &k)| p[k]).collect();
    // A class neither in the data nor predicted says nothing about the
    // model: macro-F1 averages over the others.
    let present: Vec<f64> = classes
        .iter()
        .zip(predicted_count.iter())
        .filter(|(c, &p)| c.support > 0 || p > 0)
        .map(|(c, _)| c.f1)
        .collect();
    let absent = classes
        .iter()
        .filter(|c| c.support == 0)
        .map(|c| c.label.clone())
        .collect();
    HeadMetrics {
        accuracy: ratio(m.diag().sum() as f64, total as f64),
        macro_f1: present.iter().sum::<f64>() / present.len().max(1) as f64,
        ece: ece(&confidence, &correct),
        classes,
        confusion: m.outer_iter().map(|row| row.to_vec()).collect(),
        n: total,
        absent,
    }
}

/// Index of the largest value (first on ties).
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_hot(k: usize, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| if i == k { 0.9 } else { 0.1 / (n - 1) as f64 })
            .collect()
    }

    #[test]
    fn matches_a_hand_computed_confusion_matrix() {
        // truth:     d d d a a c c c c
        // predicted: d d a a c c c c d
        let truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
        let pred = [0, 0, 1, 1, 2, 2, 2, 2, 0];
        let labels: Vec<String> = ["denial", "allegation", "commitment"]
            .map(String::from)
            .to_vec();
        let probs: Vec<Vec<f64>> = pred.iter().map(|&k| one_hot(k, 3)).collect();
        let m = head_metrics(&truth, &probs, &labels);
        assert_eq!(
            m.confusion,
            vec![vec![2, 1, 0], vec![0, 1, 1], vec![1, 0, 3]]
        );
        assert!((m.accuracy - 6.0 / 9.0).abs() < 1e-12);
        // denial: P = 2/3, R = 2/3, F1 = 2/3
        assert!((m.classes[0].precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.classes[0].f1 - 2.0 / 3.0).abs() < 1e-12);
        // allegation: P = 1/2, R = 1/2, F1 = 1/2
        assert!((m.classes[1].f1 - 0.5).abs() < 1e-12);
        // commitment: P = 3/4, R = 3/4, F1 = 3/4
        assert!((m.classes[2].recall - 0.75).abs() < 1e-12);
        assert_eq!(m.classes[2].support, 4);
        let macro_f1 = (2.0 / 3.0 + 0.5 + 0.75) / 3.0;
        assert!((m.macro_f1 - macro_f1).abs() < 1e-12);
        // All confidences 0.9 in one bin, accuracy 6/9: ECE = |0.9 - 2/3|.
        assert!((m.ece - (0.9 - 6.0 / 9.0)).abs() < 1e-12);
    }

    #[test]
    fn a_class_the_data_lacks_is_named_and_left_out_of_macro_f1() {
        let labels: Vec<String> = ["denial", "allegation", "commitment"]
            .map(String::from)
            .to_vec();
        // No commitment in the data, all right: macro-F1 1, not 0.667.
        let m = head_metrics(
            &[0, 1, 1],
            &[one_hot(0, 3), one_hot(1, 3), one_hot(1, 3)],
            &labels,
        );
        assert_eq!(m.absent, ["commitment"]);
        assert!((m.macro_f1 - 1.0).abs() < 1e-12);
        // Predicted although absent: it counts, with F1 0.
        let m = head_metrics(&[0, 1], &[one_hot(0, 3), one_hot(2, 3)], &labels);
        assert_eq!(m.absent, ["commitment"]);
        assert!((m.macro_f1 - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_class_never_predicted_has_zero_precision_not_nan() {
        let labels: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let m = head_metrics(&[0, 1], &[one_hot(0, 2), one_hot(0, 2)], &labels);
        assert_eq!(m.classes[1].precision, 0.0);
        assert_eq!(m.classes[1].f1, 0.0);
        assert!(m.macro_f1.is_finite());
    }
}
