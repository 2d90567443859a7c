//! The two heads, their label names in output order, and [`PerHead`], one
//! value for each head.

use serde::{Deserialize, Serialize};

/// Speaker labels in head order.
pub const SPEAKER_LABELS: [&str; 2] = ["government", "company"];
/// Stance labels in head order.
pub const STANCE_LABELS: [&str; 3] = ["denial", "allegation", "commitment"];

/// The two heads of the classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Head {
    /// Who speaks: government or company.
    Speaker,
    /// What the statement does: denial, allegation or commitment.
    Stance,
}

impl Head {
    /// Both heads, in output order.
    pub const ALL: [Head; 2] = [Head::Speaker, Head::Stance];

    /// The head's name as used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Head::Speaker => "speaker",
            Head::Stance => "stance",
        }
    }

    /// The default label names of this head, in output order.
    pub fn default_labels(self) -> Vec<String> {
        let names: &[&str] = match self {
            Head::Speaker => &SPEAKER_LABELS,
            Head::Stance => &STANCE_LABELS,
        };
        names.iter().map(|s| s.to_string()).collect()
    }
}

/// One value for each head: logits, labels, temperatures, metrics.
///
/// Serializes as `{"speaker": ..., "stance": ...}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerHead<T> {
    /// The speaker head's value.
    pub speaker: T,
    /// The stance head's value.
    pub stance: T,
}

impl<T> PerHead<T> {
    /// Builds both values from a function of the head.
    pub fn from_fn(mut f: impl FnMut(Head) -> T) -> PerHead<T> {
        PerHead {
            speaker: f(Head::Speaker),
            stance: f(Head::Stance),
        }
    }

    /// The value of `head`.
    pub fn of(&self, head: Head) -> &T {
        match head {
            Head::Speaker => &self.speaker,
            Head::Stance => &self.stance,
        }
    }

    /// The value of `head`, mutable.
    pub fn of_mut(&mut self, head: Head) -> &mut T {
        match head {
            Head::Speaker => &mut self.speaker,
            Head::Stance => &mut self.stance,
        }
    }

    /// Both values by reference.
    pub fn as_ref(&self) -> PerHead<&T> {
        PerHead {
            speaker: &self.speaker,
            stance: &self.stance,
        }
    }

    /// Applies `f` to each value with its head.
    pub fn map<U>(self, mut f: impl FnMut(Head, T) -> U) -> PerHead<U> {
        PerHead {
            speaker: f(Head::Speaker, self.speaker),
            stance: f(Head::Stance, self.stance),
        }
    }

    /// Applies a fallible `f` to each value with its head.
    pub fn try_map<U, E>(
        self,
        mut f: impl FnMut(Head, T) -> Result<U, E>,
    ) -> Result<PerHead<U>, E> {
        Ok(PerHead {
            speaker: f(Head::Speaker, self.speaker)?,
            stance: f(Head::Stance, self.stance)?,
        })
    }

    /// The heads with their values, in output order.
    pub fn iter(&self) -> impl Iterator<Item = (Head, &T)> {
        [(Head::Speaker, &self.speaker), (Head::Stance, &self.stance)].into_iter()
    }
}

/// Label names of each head, in output order. The default is the labeling
/// guide's: `government`/`company` and `denial`/`allegation`/`commitment`.
pub type Labels = PerHead<Vec<String>>;

impl Default for Labels {
    fn default() -> Self {
        PerHead::from_fn(Head::default_labels)
    }
}

/// One calibration temperature per head, dividing the logits before
/// softmax; 1 by default.
pub type Temperatures = PerHead<f64>;

impl Default for Temperatures {
    fn default() -> Self {
        PerHead {
            speaker: 1.0,
            stance: 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_head_maps_in_head_order_and_serializes_by_name() {
        let n = Labels::default().map(|_, l| l.len());
        assert_eq!((n.speaker, n.stance), (2, 3));
        assert_eq!(*n.of(Head::Stance), 3);
        let heads: Vec<&str> = n.iter().map(|(h, _)| h.name()).collect();
        assert_eq!(heads, ["speaker", "stance"]);
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            r#"{"speaker":2,"stance":3}"#
        );
    }
}
