//! Temperature scaling: one temperature per head, fitted on dev logits by
//! minimising the negative log-likelihood.

use crate::classifier::softmax;

/// Mean negative log-likelihood of `truth` under `softmax(logits / t)`.
pub fn nll(logits: &[Vec<f32>], truth: &[usize], t: f64) -> f64 {
    let n = logits.len().max(1) as f64;
    logits
        .iter()
        .zip(truth)
        .map(|(l, &y)| -f64::from(softmax(l, t)[y]).max(1e-12).ln())
        .sum::<f64>()
        / n
}

/// The temperature in [0.05, 20] minimising [`nll`], by golden-section search
/// on log t (the NLL is unimodal in t for fixed logits).
pub fn fit_temperature(logits: &[Vec<f32>], truth: &[usize]) -> f64 {
    if logits.is_empty() {
        return 1.0;
    }
    let f = |x: f64| nll(logits, truth, x.exp());
    let (mut a, mut b) = (0.05f64.ln(), 20f64.ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    ((a + b) / 2.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::head_metrics;

    #[test]
    fn temperature_scaling_lowers_ece_of_an_overconfident_model() {
        // Logits that put ~99.9% on the predicted class, which is right only
        // 70% of the time.
        let mut logits = Vec::new();
        let mut truth = Vec::new();
        for i in 0..100 {
            let pred = i % 3;
            logits.push(
                (0..3)
                    .map(|k| if k == pred { 7.0 } else { 0.0 })
                    .collect::<Vec<f32>>(),
            );
            truth.push(if i % 10 < 7 { pred } else { (pred + 1) % 3 });
        }
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let probs = |t: f64| -> Vec<Vec<f64>> {
            logits
                .iter()
                .map(|l| softmax(l, t).iter().map(|&p| f64::from(p)).collect())
                .collect()
        };
        let before = head_metrics(&truth, &probs(1.0), &labels).ece;
        let t = fit_temperature(&logits, &truth);
        let after = head_metrics(&truth, &probs(t), &labels).ece;
        assert!(t > 1.5, "an overconfident model needs t > 1, got {t}");
        assert!(after < before / 5.0, "ECE {before} -> {after}");
        assert!(nll(&logits, &truth, t) < nll(&logits, &truth, 1.0));
    }
}
