//! Label names of the two heads, in the order of the model's outputs.

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
