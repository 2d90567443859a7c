//! Classifying the statements of an article: what the model is given for
//! each statement found by [`crate::text::extract`], and a summary per
//! speaker.

use crate::classifier::{Classifier, StanceCue};
use crate::error::{RecordError, Result};
use crate::predict::Prediction;
use crate::text::extract::{extract, SourceKind, Statement, StatementKind};

/// A statement of an article with what the model said of it.
pub struct ClassifiedStatement {
    /// The statement as found.
    pub statement: Statement,
    /// Its text as the model read it: on one line.
    pub model_text: String,
    /// The source the model read with it, if any (see [`model_input`]).
    pub model_source: Option<String>,
    /// The prediction, or why there is none.
    pub result: std::result::Result<Prediction, RecordError>,
}

/// What the model is given for a statement: its text on one line, and its
/// source when one was found (read only by models trained with sources);
/// for a bare name, the article's mention that says what the name is.
pub fn model_input(statement: &Statement) -> (String, Option<String>) {
    let source = statement
        .source_mention
        .as_ref()
        .or(statement.source.as_ref())
        .map(|t| one_line(t));
    (one_line(&statement.text), source)
}

/// The side that made a statement, and where that came from: the kind of
/// its source when the article tells it (`article`), else the model's
/// speaker label (`model`); `None` for a statement that was not scored
/// and whose source is unknown.
pub fn party<'a>(
    statement: &Statement,
    result: &'a std::result::Result<Prediction, RecordError>,
) -> Option<(&'a str, &'static str)> {
    match (statement.source_kind, result) {
        (SourceKind::Unknown, Ok(p)) => Some((p.speaker.as_str(), "model")),
        (SourceKind::Unknown, Err(_)) => None,
        (kind, _) => Some((kind.as_str(), "article")),
    }
}

/// Finds the statements of `article` and classifies each.
pub fn classify_article(clf: &Classifier, article: &str) -> Result<Vec<ClassifiedStatement>> {
    classify_statements(clf, article, extract(article))
}

/// Classifies statements already found in `article`.
pub fn classify_statements(
    clf: &Classifier,
    article: &str,
    statements: Vec<Statement>,
) -> Result<Vec<ClassifiedStatement>> {
    let inputs: Vec<(String, Option<String>)> = statements.iter().map(model_input).collect();
    let attributed: Vec<(&str, Option<&str>)> = inputs
        .iter()
        .map(|(text, source)| (text.as_str(), source.as_deref()))
        .collect();
    // The party the article resolves (`Nivara` described elsewhere, `she`
    // through the person last mentioned by role).
    let parties: Vec<Option<&str>> = statements
        .iter()
        .map(|s| (s.source_kind != SourceKind::Unknown).then(|| s.source_kind.as_str()))
        .collect();
    let (denials, reasons) = rejections(article, &statements);
    let cues: Vec<StanceCue> = statements
        .iter()
        .zip(&denials)
        .map(|(s, &denial)| {
            if denial {
                StanceCue::Denial
            } else if is_sanction(s) && states_its_grounds(&s.text) {
                StanceCue::Allegation
            } else {
                StanceCue::None
            }
        })
        .collect();
    let mut results = clf.classify_with_parties(&attributed, &parties, &cues)?;
    // The reason of a rejection does what the rejection does: it takes the
    // rejection's stance (its speaker stays its own).
    for i in (1..results.len()).filter(|&i| reasons[i]) {
        let (before, after) = results.split_at_mut(i);
        if let (Ok(prev), Ok(this)) = (&before[i - 1], &mut after[0]) {
            this.stance.clone_from(&prev.stance);
            this.stance_score = prev.stance_score;
            this.scores.stance = prev.scores.stance.clone();
        }
    }
    Ok(statements
        .into_iter()
        .zip(inputs)
        .zip(results)
        .map(
            |((statement, (model_text, model_source)), result)| ClassifiedStatement {
                statement,
                model_text,
                model_source,
                result,
            },
        )
        .collect())
}

/// Which statements reject a claim: a reported clause that opens so (see
/// [`rejects_a_claim`]), or one that its sentence introduces by a rejection
/// and `saying` ("Kowalchuk disputed the minister's numbers, saying ...");
/// and which give the reason of a rejecting statement right before them,
/// from the same source ("rejected the company's account, saying written
/// guidance had been sent"). The extractor finds such a reason as a
/// statement of its own, and the model reads it alone as the accusation it
/// restates.
fn rejections(article: &str, statements: &[Statement]) -> (Vec<bool>, Vec<bool>) {
    // Statements that reject a claim themselves, or that a rejection and
    // `saying` introduce: their denial log-odds are raised.
    let own: Vec<bool> = statements
        .iter()
        .map(|s| {
            s.kind == StatementKind::Reported
                && (rejects_a_claim(&s.text) || introduced_by_a_rejection(article, s.start))
        })
        .collect();
    // The clause right after a rejecting statement, from the same source:
    // it takes that statement's stance.
    let mut reason = vec![false; statements.len()];
    for i in 1..statements.len() {
        let (prev, this) = (&statements[i - 1], &statements[i]);
        // ", saying " and the like: a few characters between the two.
        reason[i] = own[i - 1]
            && this.kind == StatementKind::Reported
            && this.source == prev.source
            && this.start >= prev.end
            && this.start - prev.end <= 12;
    }
    (own, reason)
}

/// Whether a statement is an action taken, not words: a measure, or a
/// reported clause that opens with the sanction ("imposed a penalty of
/// ...", "has been fined ...").
fn is_sanction(s: &Statement) -> bool {
    const OPENINGS: [&str; 14] = [
        "fined",
        "imposed",
        "issued",
        "barred",
        "banned",
        "suspended",
        "revoked",
        "sanctioned",
        "penalised",
        "penalized",
        "censured",
        "froze",
        "has been fined",
        "was fined",
    ];
    let lower = s.text.trim_start().to_lowercase();
    s.kind == StatementKind::Measure
        || (s.kind == StatementKind::Reported
            && OPENINGS
                .iter()
                .any(|o| lower.starts_with(o) && lower[o.len()..].starts_with(' ')))
}

/// Whether a sanction is stated with the wrongdoing it punishes:
/// a sanction ("fined", "a penalty", "barred", "revoked") followed by its
/// grounds ("for transferring ...", "for breaches of ...", "after finding
/// that ...", "accusing the company of ..."). LABELING.md: a statement that
/// "justifies a sanction by such a claim" is an allegation, where the model
/// reads a measure as a commitment. An order with no grounds ("ordered the
/// company to destroy the data") and a penalty for what is still to come
/// ("a penalty of €100,000 for each day of delay") do not count.
pub fn states_its_grounds(text: &str) -> bool {
    const SANCTIONS: [&str; 18] = [
        "fined",
        "fine",
        "fines",
        "penalty",
        "penalties",
        "penalised",
        "penalized",
        "sanctioned",
        "sanctions",
        "barred",
        "banned",
        "suspended",
        "revoked",
        "censured",
        "reprimanded",
        "blacklisted",
        "froze",
        "frozen",
    ];
    const WRONGS: [&str; 10] = [
        "breach",
        "breaches",
        "breaching",
        "violation",
        "violations",
        "failure",
        "failures",
        "infringement",
        "infringements",
        "misconduct",
    ];
    // Words ending in -ing after "for" that are not a gerund of wrongdoing.
    const NOT_GROUNDS: [&str; 12] = [
        "during",
        "nothing",
        "something",
        "anything",
        "everything",
        "morning",
        "evening",
        "spring",
        "building",
        "housing",
        "hearing",
        "meeting",
    ];
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let Some(sanction) = words.iter().position(|w| SANCTIONS.contains(w)) else {
        return false;
    };
    const FOUND: [&str; 5] = ["found", "finding", "concluded", "concluding", "determined"];
    let rest = &words[sanction + 1..];
    (0..rest.len()).any(|i| {
        let next = |k: usize| rest.get(i + k).copied().unwrap_or("");
        match rest[i] {
            // "for transferring", "for breaches", "for its failure to"
            "for" => {
                let w = next(1);
                let gerund = w.len() > 4 && w.ends_with("ing") && !NOT_GROUNDS.contains(&w);
                gerund
                    || WRONGS.contains(&w)
                    || (matches!(w, "its" | "their" | "the" | "a") && WRONGS.contains(&next(2)))
            }
            // "after finding that", "after an investigation found"
            "after" => (1..=3).any(|k| FOUND.contains(&next(k))),
            "accusing" => true,
            _ => false,
        }
    })
}

/// Whether the sentence before char `start` (a statement's offset, in
/// chars) of `article` ends `<source> <rejection>, saying ` ("Kowalchuk
/// disputed the minister's numbers, saying "), the rejection read as
/// [`rejects_a_claim`] reads it.
fn introduced_by_a_rejection(article: &str, start: usize) -> bool {
    let byte = article
        .char_indices()
        .nth(start)
        .map_or(article.len(), |(i, _)| i);
    let before = &article[..byte];
    let lead = before.trim_end();
    let Some(lead) = lead.strip_suffix("saying").map(str::trim_end) else {
        return false;
    };
    let Some(lead) = lead.strip_suffix(',') else {
        return false;
    };
    // The clause from the sentence's start (or the last semicolon).
    let clause = lead
        .rfind(['.', '!', '?', ';', '\n'])
        .map_or(lead, |i| &lead[i + 1..]);
    // Try each word as the start of the verb phrase, after the source.
    clause
        .char_indices()
        .filter(|&(i, c)| i > 0 && c.is_whitespace())
        .any(|(i, _)| rejects_a_claim(&clause[i..]))
}

/// Whether a reported clause opens by rejecting a claim: "denied that
/// ...", "disputed the minister's numbers", "rejected the company's
/// account, saying ...", "pushed back against suggestions that ...". Such a
/// clause is a denial (LABELING.md) even where what follows reads as an
/// accusation. "Rejected" and "dismissed" count only with a claim as their
/// object, and "denied" only with "that" or a claim: "rejected the merger"
/// or "denied the licence" is a measure.
pub fn rejects_a_claim(text: &str) -> bool {
    const ALWAYS: [&str; 8] = [
        "disputed",
        "disputes",
        "refuted",
        "refutes",
        "contested",
        "contests",
        "pushed back",
        "pushes back",
    ];
    const WITH_CLAIM: [&str; 6] = [
        "denied",
        "denies",
        "rejected",
        "rejects",
        "dismissed",
        "dismisses",
    ];
    const CLAIMS: [&str; 22] = [
        "argument",
        "arguments",
        "claim",
        "claims",
        "account",
        "accusation",
        "accusations",
        "allegation",
        "allegations",
        "suggestion",
        "suggestions",
        "criticism",
        "characterization",
        "characterisation",
        "assertion",
        "assertions",
        "finding",
        "findings",
        "conclusion",
        "conclusions",
        "version",
        "charges",
    ];
    let lower = text.trim_start().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    if ALWAYS.iter().any(|v| lower.starts_with(v)) {
        return true;
    }
    if !WITH_CLAIM.contains(first) {
        return false;
    }
    let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let rest: Vec<String> = words.iter().skip(1).take(6).map(|w| bare(w)).collect();
    (first.starts_with("den") && rest.first().is_some_and(|w| w == "that"))
        || rest.iter().any(|w| CLAIMS.contains(&w.as_str()))
}

/// `text` with every run of whitespace (line breaks included) made one
/// space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line per speaker label with statements: `company: 5 statements,
/// 3 commitments, 2 denials` (stances in label order, zero counts left
/// out), and a line for statements that could not be scored.
pub fn summary(
    results: &[Result<Prediction, RecordError>],
    speakers: &[String],
    stances: &[String],
) -> Vec<String> {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut lines = Vec::new();
    for speaker in speakers {
        let mine: Vec<&Prediction> = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .filter(|p| &p.speaker == speaker)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut parts = vec![plural(mine.len(), "statement")];
        for stance in stances {
            let n = mine.iter().filter(|p| &p.stance == stance).count();
            if n > 0 {
                parts.push(plural(n, stance));
            }
        }
        lines.push(format!("{speaker}: {}", parts.join(", ")));
    }
    let bad = results.iter().filter(|r| r.is_err()).count();
    if bad > 0 {
        lines.push(format!("not classified: {}", plural(bad, "statement")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sanction_with_its_grounds_is_told_from_an_order() {
        assert!(states_its_grounds(
            "has been fined €58 million by the regulator for transferring drivers' data"
        ));
        assert!(states_its_grounds(
            "imposed a penalty of $2.4 million on Nivara Payments for breaching AML rules"
        ));
        assert!(states_its_grounds(
            "barred the firm from exporting for six months, after finding that it had shipped machines"
        ));
        assert!(!states_its_grounds(
            "ordered the company to destroy the data within 60 days"
        ));
        assert!(!states_its_grounds(
            "ordered the company to fix its consent screen, under a penalty of €100,000 for each day of delay"
        ));
        assert!(!states_its_grounds("fined the company during the hearing"));
    }
    use crate::predict::LabelScores;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn prediction(speaker: &str, stance: &str) -> Prediction {
        let sp = labels(&["government", "company"]);
        let st = labels(&["denial", "allegation", "commitment"]);
        let sp_p: Vec<f32> = sp
            .iter()
            .map(|l| if l == speaker { 0.9 } else { 0.1 })
            .collect();
        let st_p: Vec<f32> = st
            .iter()
            .map(|l| if l == stance { 0.8 } else { 0.1 })
            .collect();
        Prediction::new(
            LabelScores::new(&sp, &sp_p),
            LabelScores::new(&st, &st_p),
            false,
        )
    }

    #[test]
    fn a_clause_that_rejects_a_claim_is_told_from_a_measure() {
        for yes in [
            "rejected Tessaro's argument that the checks protect shoppers",
            "denied that the agency had ignored residents",
            "disputed the minister's numbers",
            "pushed back against suggestions that the law singles out firms",
            "dismissed the allegations as baseless",
        ] {
            assert!(rejects_a_claim(yes), "{yes}");
        }
        for no in [
            "rejected the merger of the two carriers",
            "denied the company's request for a licence",
            "dismissed the board of the bank",
            "said it would appeal",
            "",
        ] {
            assert!(!rejects_a_claim(no), "{no}");
        }
    }

    #[test]
    fn a_reason_introduced_by_a_rejection_is_found() {
        let article = "Lanmart denied wrongdoing. A representative of the Việt Nam E-commerce and Digital Economy Agency rejected the company’s account, saying written guidance had been sent.";
        // Offsets in chars: "ệ" and "’" are one char each, not one byte.
        let start = article[..article.find("written").unwrap()].chars().count();
        assert!(introduced_by_a_rejection(article, start));
        let article =
            "Kowalchuk disputed the minister's numbers, saying the homes sit along lines.";
        assert!(introduced_by_a_rejection(
            article,
            article.find("the homes").unwrap()
        ));
        let article = "The minister welcomed the plan, saying it would help.";
        assert!(!introduced_by_a_rejection(
            article,
            article.find("it would").unwrap()
        ));
    }

    #[test]
    fn the_reason_given_for_a_rejection_is_marked_after_it() {
        let statement = |text: &str, start: usize, source: &str| Statement {
            kind: StatementKind::Reported,
            text: text.to_string(),
            start,
            end: start + text.len(),
            source: Some(source.to_string()),
            source_kind: SourceKind::Government,
            source_mention: None,
            parts: Vec::new(),
        };
        let first = "rejected the company's account";
        let statements = vec![
            statement(first, 100, "the office"),
            // ", saying " between the two.
            statement(
                "guidance had been sent twice",
                100 + first.len() + 9,
                "the office",
            ),
            // Later, or from someone else: not the rejection's reason.
            statement("guidance was never received", 400, "the office"),
            statement("the firm complied", 430 + 9, "the firm"),
        ];
        let (own, reason) = rejections("", &statements);
        assert_eq!(own, [true, false, false, false]);
        // (A reason may be a rejection too; it still takes the first's stance.)
        assert_eq!(reason, [false, true, false, false]);
    }

    #[test]
    fn summary_counts_per_speaker() {
        let results = vec![
            Ok(prediction("company", "commitment")),
            Ok(prediction("company", "denial")),
            Ok(prediction("company", "commitment")),
            Ok(prediction("government", "allegation")),
            Err(RecordError::BlankQuote),
        ];
        let lines = summary(
            &results,
            &labels(&["government", "company"]),
            &labels(&["denial", "allegation", "commitment"]),
        );
        assert_eq!(
            lines,
            vec![
                "government: 1 statement, 1 allegation",
                "company: 3 statements, 1 denial, 2 commitments",
                "not classified: 1 statement",
            ]
        );
    }

    #[test]
    fn one_line_flattens_line_breaks() {
        assert_eq!(one_line("We will\r\n  appeal."), "We will appeal.");
    }
}
