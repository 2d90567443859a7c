//! Source kinds: the words of a source that say it is a government body
//! or a company, and the names that take the kind the article gave them
//! elsewhere.

use super::lexicon::{COMPANY_STRONG, COMPANY_WEAK, GOV_STRONG, GOV_WEAK, NAME_STOP};
use super::SourceKind;
use std::collections::HashMap;

/// Whether `w` (lowercase) names a kind of source.
pub(super) fn is_kind_word(w: &str) -> bool {
    GOV_STRONG.contains(&w)
        || GOV_WEAK.contains(&w)
        || COMPANY_STRONG.contains(&w)
        || COMPANY_WEAK.contains(&w)
}

/// The lowercase words of a source, possessives split off.
pub(super) fn kind_words(source: &str) -> Vec<String> {
    source
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The kind named by a source's words (see [`source_kind`](super::source_kind)).
pub(super) fn kind_of_words(words: &[String]) -> SourceKind {
    let (mut strong_gov, mut strong_co, mut weak_gov, mut weak_co) = (0, 0, 0, 0);
    let mut last_strong = SourceKind::Unknown;
    for (i, w) in words.iter().enumerate() {
        let w = w.as_str();
        let white_house = w == "house" && i > 0 && words[i - 1] == "white";
        if GOV_STRONG.contains(&w) || white_house {
            strong_gov += 1;
            last_strong = SourceKind::Government;
        } else if COMPANY_STRONG.contains(&w) {
            strong_co += 1;
            last_strong = SourceKind::Company;
        } else if GOV_WEAK.contains(&w) {
            weak_gov += 1;
        } else if COMPANY_WEAK.contains(&w) {
            weak_co += 1;
        }
    }
    match (strong_gov > 0, strong_co > 0) {
        (true, false) => SourceKind::Government,
        (false, true) => SourceKind::Company,
        (true, true) => last_strong,
        (false, false) => match (weak_gov > 0, weak_co > 0) {
            (true, false) => SourceKind::Government,
            (false, true) => SourceKind::Company,
            _ => SourceKind::Unknown,
        },
    }
}

/// The capitalized names in a source that may stand for it elsewhere in
/// the article (`Kaspersky` in `Kaspersky Lab`), possessives dropped.
pub(super) fn name_keys(source: &str) -> Vec<String> {
    source
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')'))
        .map(|w| {
            let w = w.trim_end_matches(['.', '!', '?']);
            w.strip_suffix("’s")
                .or_else(|| w.strip_suffix("'s"))
                .unwrap_or(w)
        })
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(str::to_lowercase)
        .filter(|w| !NAME_STOP.contains(&w.as_str()) && !is_kind_word(w))
        .collect()
}

/// The kind the article gave the names of a source, if they agree.
pub(super) fn kind_from_names(
    source: &str,
    names: &HashMap<String, Option<SourceKind>>,
) -> SourceKind {
    let mut kind = SourceKind::Unknown;
    for key in name_keys(source) {
        match names.get(&key) {
            Some(Some(k)) if kind == SourceKind::Unknown || kind == *k => kind = *k,
            Some(_) => return SourceKind::Unknown,
            None => {}
        }
    }
    kind
}

#[cfg(test)]
mod tests {
    use crate::text::extract::{extract, source_kind, SourceKind};

    #[test]
    fn source_kinds_from_words() {
        use SourceKind::*;
        assert_eq!(
            source_kind("Commerce Department Secretary Gina Raimondo"),
            Government
        );
        assert_eq!(source_kind("Commerce officials"), Government);
        assert_eq!(source_kind("the firm"), Company);
        assert_eq!(source_kind("Acme Inc."), Company);
        assert_eq!(source_kind("a spokesperson for the ministry"), Government);
        assert_eq!(source_kind("an official at the company"), Company);
        assert_eq!(source_kind("John Smith, chief executive of Acme"), Company);
        assert_eq!(source_kind("the White House"), Government);
        assert_eq!(source_kind("Kaspersky"), Unknown);
        assert!(Government.disagrees_with("company"));
        assert!(!Unknown.disagrees_with("company"));
        assert!(!Company.disagrees_with("company"));
    }

    #[test]
    fn names_take_the_kind_given_elsewhere() {
        let a = "Acme, a cybersecurity firm, said it would cut jobs in Europe. Later, Acme said that the cuts were final.";
        let got = extract(a);
        assert_eq!(got[1].source.as_deref(), Some("Acme"));
        assert_eq!(got[1].source_kind, SourceKind::Company);
        // The model is given the mention that says what Acme is; a source
        // that says it itself needs none.
        assert_eq!(
            got[1].source_mention.as_deref(),
            Some("Acme, a cybersecurity firm")
        );
        assert_eq!(got[0].source_mention, None);
        // A name the article never describes gets no mention.
        let b =
            "Borel said it would cut jobs in Europe. Later, Borel said that the cuts were final.";
        assert!(extract(b).iter().all(|s| s.source_mention.is_none()));
    }
}
