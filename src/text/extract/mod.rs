//! Finding the statements in a news story: direct quotes and reported
//! speech, each with its offsets, the source it is attributed to and what
//! kind of source that is.
//!
//! # What counts as a statement
//!
//! * **Direct quotes** in straight (`"..."`) or curly (`“...”`) double
//!   quotes, or guillemets (`«...»`). Each quoted span is its own statement,
//!   so a quote split by its attribution (`“...,” the company said. “...”`)
//!   gives two statements with the same source, except one sentence cut in
//!   two by an attribution without a sentence end (`“The risk is real,” the
//!   minister said, “and the recall must go ahead.”`): its parts are joined
//!   into one statement ([`Statement::parts`]). A quote may run over several
//!   sentences. Single quotes inside a quote (`‘...’`) stay part of it, and
//!   so does a double-quoted span inside a curly one. A quote that is never
//!   closed runs to the end of its paragraph, never further; an opening mark
//!   right after a sentence end inside an open quote starts a new quote.
//!   Very short quotes (fewer than 4 words, not a whole sentence, not
//!   attributed) are scare quotes, not statements, and are left out; so is a
//!   quote lying inside a reported statement (a partial quote).
//! * **Reported speech**: the clause of an attribution verb (`said`,
//!   `says`, `stated`, `stating`, `added`, `noted`, `warned`, `announced`,
//!   `pledged`, `alleged`, ...): the clause after `that`
//!   (`officials say that X` gives `X`), or the clause right after a verb of
//!   saying (`stating it does not ...` gives `it does not ...`). Clauses
//!   joined by `and that` are separate statements, and a coordinated verb
//!   (`... but note that Y`) starts a new one with the same source. Verbs of
//!   denial and accusation (`denied`, `refuted`, `rejected`, `accused`) keep
//!   the verb in the statement (`denied that it shared data`), since the
//!   clause alone would say the opposite; so do other verbs whose object is
//!   not a clause (`confirmed its decision to leave`). `X, according to Y`
//!   and `According to Y, X` give `X` with source `Y`. A sentence with the
//!   attribution in its middle (`Kaspersky, the statement added, had ...`)
//!   is a statement as a whole.
//!
//! # Sources
//!
//! The source is the subject of the attribution verb as written (`the
//! firm`, `Commerce Department Secretary Gina Raimondo`, `Kaspersky, a
//! leading global cybersecurity firm`), or the name after a verb that
//! follows a quote (`,” said John Smith`). A quote without an attribution
//! in its own sentence takes the source of the sentence before it (which
//! covers split quotes), else of the sentence after it. `it` and `they`,
//! and a document with a definite determiner (`the statement`, `its
//! letter`), are replaced by the last source named in the same or the
//! previous paragraph. [`SourceKind`] is read from the source's words
//! ([`source_kind`]); a bare name takes the kind the article gave it
//! elsewhere (`Kaspersky, a ... firm` makes a later `Kaspersky` a company).
//!
//! # Offsets
//!
//! `start` and `end` count Unicode scalar values (Rust `char`s, not bytes)
//! of the article exactly as given, from 0, end exclusive: the statement is
//! `article.chars().skip(start).take(end - start)`. A `\r` of a Windows line
//! ending counts as one char, a byte-order mark too.
//!
//! # Paragraphs and cost
//!
//! Paragraphs are separated by blank lines; an article without blank lines
//! has one paragraph per line. Everything is one pass over the text with
//! look-arounds of a bounded number of words (a clause is at most
//! [`MAX_CLAUSE_TOKENS`] tokens), so time grows linearly with length.
//!
//! # Layout
//!
//! * `lexicon`: the word lists (pronouns, auxiliaries, stop words, the
//!   words that name a kind of source, ...);
//! * `verbs`: the attribution verbs, one table with each form's flags;
//! * `tokens`: paragraphs, tokens and sentences;
//! * `quotes`: the quotation marks and the quotes they enclose;
//! * `source`: subjects and sources of attribution verbs;
//! * `reported`: reported clauses and `according to`;
//! * `assemble`: the extractor's state, and the statements it makes;
//! * `kind`: the kind of a source.

mod assemble;
mod kind;
pub(crate) mod lexicon;
mod quotes;
mod reported;
mod source;
mod tokens;
mod verbs;

use assemble::Extractor;
use kind::{kind_of_words, kind_words};
use serde::Serialize;
use tokens::paragraphs;

/// The most tokens (words and punctuation) a reported clause can take; a
/// longer clause is cut there.
pub const MAX_CLAUSE_TOKENS: usize = 80;
/// How many tokens before an opening or after a closing quotation mark are
/// searched for the quote's attribution verb.
const ATTRIBUTION_WINDOW: usize = 12;
/// The longest sentence (in tokens) reported whole (for a mid-sentence
/// attribution or `according to`).
const MAX_SENTENCE_TOKENS: usize = 120;
/// The longest attribution (in chars) between the two parts of a quoted
/// sentence that are joined into one statement.
const MAX_SPLIT_GAP: usize = 100;
/// The most words of a source.
const MAX_SOURCE_WORDS: usize = 10;
/// The fewest words of a reported statement.
const MIN_REPORTED_WORDS: usize = 3;
/// The fewest words of a reported statement that keeps its verb: `rejects
/// the claim` is a denial as readers count them (`rejected` alone is not).
const MIN_VERB_PHRASE_WORDS: usize = 3;
/// The fewest words of a quote kept without other evidence that it is a
/// statement.
const MIN_QUOTE_WORDS: usize = 4;

/// What kind of speaker a source is, judged from its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A government body or someone speaking for one: ministry,
    /// department, agency, regulator, court, official, senator, ...
    Government,
    /// A company or someone speaking for one: company, firm, Inc, Ltd,
    /// bank, chief executive, ...
    Company,
    /// Not clear from the words, or no source.
    Unknown,
}

impl SourceKind {
    /// The kind's name as printed: `government`, `company` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Government => "government",
            SourceKind::Company => "company",
            SourceKind::Unknown => "unknown",
        }
    }

    /// Whether a known kind contradicts the model's speaker label (an
    /// unknown kind contradicts nothing).
    pub fn disagrees_with(self, speaker: &str) -> bool {
        self != SourceKind::Unknown && self.as_str() != speaker
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a statement is given in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StatementKind {
    /// Between quotation marks.
    Quote,
    /// Reported speech: the clause of an attribution verb, or `according
    /// to`.
    Reported,
    /// A government body's own measure or finding, reported without a verb
    /// of saying (`The agency fined Halvern $2 million for late filings`).
    Measure,
}

impl StatementKind {
    /// The kind's name as printed: `quote`, `reported` or `measure`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementKind::Quote => "quote",
            StatementKind::Reported => "reported",
            StatementKind::Measure => "measure",
        }
    }
}

/// One statement found in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// A quote, reported speech, or a government body's measure.
    pub kind: StatementKind,
    /// The statement exactly as written: a quote without its quotation
    /// marks (and without a trailing comma), or a reported clause.
    pub text: String,
    /// Offset of its first char in the article, in chars (see the module
    /// documentation).
    pub start: usize,
    /// Offset just past its last char, in chars.
    pub end: usize,
    /// Who it is attributed to, as written in the article.
    pub source: Option<String>,
    /// What kind of speaker the source is.
    pub source_kind: SourceKind,
    /// For a source that is only a name (`Kaspersky`), the article's
    /// mention of that name that says what it is (`Kaspersky, a leading
    /// global cybersecurity firm`), as a reader would resolve it; `None`
    /// when the source describes itself or the article never does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_mention: Option<String>,
    /// For one sentence quoted in two parts around its attribution
    /// (`“The risk is real,” the minister said, “and the recall must
    /// go ahead.”`): the offsets of each part. `text` is then the parts
    /// joined by ", " and `start..end` runs from the first part's start to
    /// the last part's end, attribution included. Empty for a statement in
    /// one piece, whose text is exactly `start..end`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<(usize, usize)>,
}

/// Finds every statement in `article`, in order of their start.
pub fn extract(article: &str) -> Vec<Statement> {
    let chars: Vec<char> = article.chars().collect();
    let mut ex = Extractor::new(&chars);
    for (i, (ps, pe)) in paragraphs(&chars).into_iter().enumerate() {
        if i == 0 && is_headline(&chars[ps..pe]) {
            ex.body = pe;
        } else {
            ex.paragraph(ps, pe);
        }
        ex.para += 1;
    }
    ex.finish()
}

/// The most words of a headline.
const MAX_HEADLINE_WORDS: usize = 25;

/// Whether an article's first paragraph is a headline: one short line
/// that does not end as a sentence does (`FTC says exit fees trap business
/// customers`). Headlines report statements the story tells in full below,
/// so they are not read for statements.
fn is_headline(para: &[char]) -> bool {
    let text: String = para.iter().collect();
    let text = text.trim();
    let ends_as_sentence = text
        .trim_end_matches(['"', '”', '»', '’', '\''])
        .chars()
        .last()
        .is_some_and(|c| matches!(c, '.' | '!' | '?'));
    !text.contains('\n')
        && !ends_as_sentence
        && text.split_whitespace().count() <= MAX_HEADLINE_WORDS
}

/// The kind of a source, from its words alone: a government body or
/// official, a company or someone of one, or unknown.
///
/// `a spokesperson for the ministry` and `an official at the company` take
/// the kind of the organisation after `for`/`of`/`at`/`from`; otherwise
/// words that name an organisation (`ministry`, `company`, `Inc`) win over
/// words that name a role (`official`, `executive`), and where both kinds
/// are named the last one (the head of the phrase) decides.
pub fn source_kind(source: &str) -> SourceKind {
    let words = kind_words(source);
    if let Some(i) = words
        .iter()
        .position(|w| matches!(w.as_str(), "for" | "of" | "at" | "from"))
    {
        // An organisation named before the preposition is the head
        // (`the Ministry of Energy`, `Halvern Bank of Commerce`); a role
        // (`a spokesperson for`, `chief executive of`) takes the kind of
        // the organisation after it.
        let head = kind::strong_kind(&words[..i]);
        if head != SourceKind::Unknown {
            return head;
        }
        let kind = kind_of_words(&words[i + 1..]);
        if kind != SourceKind::Unknown {
            return kind;
        }
    }
    // `Prairielink's president`: a name's role is the name's, known only
    // from the article (see the kinds of names in `assemble`), unless the
    // words say more than a weak role.
    if let Some(i) = words.iter().position(|w| w == "s") {
        if i > 0 && kind_of_words(&words[..i]) == SourceKind::Unknown {
            let after: Vec<String> = words[i + 1..]
                .iter()
                .filter(|w| !kind::WEAK_ROLES.contains(&w.as_str()))
                .cloned()
                .collect();
            return kind_of_words(&after);
        }
    }
    kind_of_words(&words)
}

/// Helpers for the unit tests of every file of the module.
#[cfg(test)]
mod test_util {
    use super::extract;

    /// The statements' texts.
    pub(super) fn texts(article: &str) -> Vec<String> {
        extract(article).into_iter().map(|s| s.text).collect()
    }

    /// `(text, source)` pairs.
    pub(super) fn pairs(article: &str) -> Vec<(String, Option<String>)> {
        extract(article)
            .into_iter()
            .map(|s| (s.text, s.source))
            .collect()
    }

    /// Checks that each statement's text is its `start..end` chars.
    pub(super) fn check_offsets(article: &str) {
        let chars: Vec<char> = article.chars().collect();
        for s in extract(article) {
            let slice: String = chars[s.start..s.end].iter().collect();
            assert_eq!(slice, s.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::extract;
    use crate::text::extract::test_util::check_offsets;

    #[test]
    fn offsets_count_chars_not_bytes() {
        let a = "Ünïcödé — “Nous ne quitterons pas le marché,” a déclaré l’entreprise Renault.";
        let got = extract(a);
        assert_eq!(got[0].start, 11);
        check_offsets(a);
    }

    #[test]
    fn pathological_inputs_finish() {
        let many_quotes = "\"a ".repeat(20_000);
        check_offsets(&many_quotes);
        let many_verbs = "said that ".repeat(20_000);
        check_offsets(&many_verbs);
        let open = format!("“{}", "word said it would go, ".repeat(20_000));
        assert_eq!(extract(&open).len(), 1);
    }
}
