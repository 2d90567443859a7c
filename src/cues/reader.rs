//! The source reader: a logistic regression over the spelling of a source's
//! speaker phrase, trained on the gazetteer's training part, that guesses
//! the kind of organisations it has never seen.
//!
//! The encoder learns the names it was shown; on a name it never saw
//! ("Suruhanjaya Tenaga press office", "Lenskart officials") it guesses
//! from the quote's wording as much as from the name. The spelling alone
//! says a lot: "-ministerie", "Autoridad", "Comisión", "Bank of" + a
//! country, "Holdings", "-tech", "Group", a person's role. The reader hashes
//! four kinds of features of the speaker phrase ([`super::speaker_phrase`]):
//!
//! - the character 2- to 5-grams of each word, padded by a space at each
//!   end, as written (capitals carry acronyms);
//! - each word and each pair of adjacent words, in lowercase;
//! - each word's shape ("Xxxxx", "XXX", "dd");
//!
//! into [`BUCKETS`] weights (FNV-1a, so the same text always lands in the
//! same place), scales each source's features to unit length (less for a
//! phrase of one or two words), and fits the
//! weights by AdaGrad on the log-loss. Training takes well under a second
//! and is deterministic, so the reader is trained when the built-in
//! gazetteer is first read, not stored: the model directory keeps only the
//! weight its log-odds get among the other cues ([`super::CueWeights`]).

use fnv::FnvHasher;
use rand::seq::SliceRandom;
use std::hash::Hasher;

/// How many hashed weights the reader has.
pub const BUCKETS: usize = 1 << 18;

/// Passes over the training sources.
const EPOCHS: usize = 6;

/// AdaGrad's step.
const LEARNING_RATE: f32 = 0.5;

/// The squared length below which a phrase's features are not scaled up to
/// unit length (a three- or four-word phrase has about this many): the
/// reader is less sure of a bare name or acronym. Chosen on the dev
/// articles (`extract --eval data/articles/dev`: both labels 88.3 % without
/// it, 89.2 % with it; the dev quotes' fit is the same).
const MIN_SQUARED_NORM: f32 = 60.0;

/// A source's features: hashed indices, sorted, each with its weight (the
/// vector has at most unit length).
pub type Features = Vec<(u32, f32)>;

/// The reader's weights.
#[derive(Debug, Clone, Default)]
pub struct SourceReader {
    weights: Vec<f32>,
    bias: f32,
}

fn bucket(tag: u8, parts: &[&str]) -> u32 {
    let mut h = FnvHasher::default();
    h.write_u8(tag);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.write_u8(b' ');
        }
        h.write(p.as_bytes());
    }
    (h.finish() % BUCKETS as u64) as u32
}

/// A word's shape: capitals `X`, other letters `x`, digits `d`, anything
/// else kept; runs longer than three cut to three ("Xxxx", "XXX").
fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_alphabetic() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        run = if s == last { run + 1 } else { 1 };
        last = s;
        if run <= 3 {
            out.push(s);
        }
    }
    out
}

/// The features of a speaker phrase; empty when it has no words.
pub fn features(phrase: &str) -> Features {
    let ws = super::words(phrase);
    let lower: Vec<String> = ws.iter().map(|w| w.to_lowercase()).collect();
    let mut idx: Vec<u32> = Vec::new();
    let ngram_key = {
        let mut h = FnvHasher::default();
        h.write_u8(b'c');
        h.finish()
    };
    for (i, w) in ws.iter().enumerate() {
        idx.push(bucket(b'w', &[&lower[i]]));
        if i + 1 < ws.len() {
            idx.push(bucket(b'b', &[&lower[i], &lower[i + 1]]));
        }
        idx.push(bucket(b's', &[&shape(w)]));
        // FNV-1a reads bytes one at a time, so hashing a window's bytes is
        // hashing its characters.
        let padded = format!(" {w} ");
        let bytes = padded.as_bytes();
        let starts: Vec<usize> = padded
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(bytes.len()))
            .collect();
        let chars = starts.len() - 1;
        for n in 2..=5.min(chars) {
            for i in 0..=chars - n {
                let mut h = FnvHasher::with_key(ngram_key);
                h.write(&bytes[starts[i]..starts[i + n]]);
                idx.push((h.finish() % BUCKETS as u64) as u32);
            }
        }
    }
    idx.sort_unstable();
    let mut out: Features = Vec::new();
    for i in idx {
        match out.last_mut() {
            Some((j, count)) if *j == i => *count += 1.0,
            _ => out.push((i, 1.0)),
        }
    }
    // Unit length for a phrase of a few words; a shorter one (a bare name
    // or acronym) stays shorter, so the reader is less sure of it.
    let norm = out
        .iter()
        .map(|(_, c)| c * c)
        .sum::<f32>()
        .max(MIN_SQUARED_NORM)
        .sqrt();
    for (_, c) in &mut out {
        *c /= norm;
    }
    out
}

impl SourceReader {
    /// Fits a reader on sources labeled company (`true`) or government;
    /// the same sources always give the same reader.
    pub fn train(sources: &[(Features, bool)]) -> SourceReader {
        // Each weight beside its sum of squared gradients: one cache line.
        let mut state = vec![[0f32, 1e-8f32]; BUCKETS];
        let (mut bias, mut bias_squares) = (0f32, 1e-8f32);
        let mut order: Vec<usize> = (0..sources.len()).collect();
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(11);
        for _ in 0..EPOCHS {
            order.shuffle(&mut rng);
            for &n in &order {
                let (x, company) = &sources[n];
                let z = bias
                    + x.iter()
                        .map(|&(i, v)| state[i as usize][0] * v)
                        .sum::<f32>();
                let p = 1.0 / (1.0 + (-z).exp());
                let g = p - f32::from(u8::from(*company));
                for &(i, v) in x {
                    let [w, sq] = &mut state[i as usize];
                    let gi = g * v;
                    *sq += gi * gi;
                    *w -= LEARNING_RATE * gi / sq.sqrt();
                }
                bias_squares += g * g;
                bias -= LEARNING_RATE * g / bias_squares.sqrt();
            }
        }
        SourceReader {
            weights: state.into_iter().map(|[w, _]| w).collect(),
            bias,
        }
    }

    /// The company-minus-government log-odds the spelling of `phrase`
    /// gives; `None` when it has no words or the reader is untrained.
    pub fn logit(&self, phrase: &str) -> Option<f32> {
        if self.weights.is_empty() {
            return None;
        }
        let x = features(phrase);
        if x.is_empty() {
            return None;
        }
        Some(
            self.bias
                + x.iter()
                    .map(|&(i, v)| self.weights[i as usize] * v)
                    .sum::<f32>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_keep_case_and_cut_long_runs() {
        assert_eq!(shape("Toyota"), "Xxxx");
        assert_eq!(shape("FCC"), "XXX");
        assert_eq!(shape("AT&T"), "XX&X");
        assert_eq!(shape("3M"), "dX");
    }

    #[test]
    fn features_have_unit_length_and_depend_only_on_the_text() {
        let a = features("a spokesperson for Statistics Canada");
        let norm: f32 = a.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        // A bare name counts for less.
        let bare: f32 = features("Tessaro").iter().map(|(_, v)| v * v).sum();
        assert!(bare < 0.6, "{bare}");
        assert_eq!(a, features("a spokesperson for Statistics Canada"));
        assert_ne!(a, features("a spokesperson for Statistics Norway"));
        assert!(features("  , ").is_empty());
    }

    #[test]
    fn a_reader_learns_spellings_it_can_apply_to_new_names() {
        let mut sources = Vec::new();
        for stem in [
            "Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Larch", "Oak",
        ] {
            sources.push((features(&format!("{stem} Holdings")), true));
            sources.push((features(&format!("{stem}tech Group")), true));
            sources.push((features(&format!("Ministry of {stem}")), false));
            sources.push((features(&format!("{stem} Regulatory Authority")), false));
        }
        let reader = SourceReader::train(&sources);
        assert!(reader.logit("Rowan Holdings").unwrap() > 1.0);
        assert!(reader.logit("Ministry of Rowan").unwrap() < -1.0);
        assert_eq!(reader.logit("..."), None);
        assert_eq!(SourceReader::default().logit("Rowan Holdings"), None);
    }
}
