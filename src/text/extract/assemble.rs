//! Assembling the statements: the extractor's state over an article, the
//! pass over each paragraph, and the last step that gives quotes their
//! sources, drops scare quotes and quotes inside reported statements,
//! joins a quoted sentence split by its attribution, and works out each
//! source's kind.

use super::kind::{
    article_words, described_names, kind_from_names, name_keys, role_mentions, PERSON_ROLES,
};
use super::quotes::{quote_info, QuoteInfo};
use super::tokens::{is_mark, Para, Span};
use super::{source_kind, SourceKind, Statement, StatementKind, MAX_SPLIT_GAP, MIN_QUOTE_WORDS};
use std::collections::HashMap;

/// One sentence, for quotes that look for a source around them.
pub(super) struct SentInfo {
    /// Its paragraph.
    pub(super) para: usize,
    /// The first source attributed in it.
    pub(super) source: Option<Span>,
}

/// One statement before its source's kind is known.
pub(super) struct Found {
    /// Offset of its first char.
    pub(super) start: usize,
    /// Offset past its last char.
    pub(super) end: usize,
    /// Who it is attributed to.
    pub(super) source: Option<Span>,
    /// A quote, not a reported statement.
    pub(super) quote: bool,
    /// A government body's measure or finding (kept only if its source is
    /// one).
    pub(super) measure: bool,
    /// A reported statement that is a measure if its source is a
    /// government body (`ordered Brightwater to recall ...`).
    pub(super) measure_if_government: bool,
}

/// The state of one pass over an article.
pub(super) struct Extractor<'a> {
    /// The article.
    pub(super) chars: &'a [char],
    /// The paragraph being read, from 0.
    pub(super) para: usize,
    /// The sentences read so far, over the whole article.
    pub(super) sents: Vec<SentInfo>,
    /// The quotes found so far.
    pub(super) quotes: Vec<QuoteInfo>,
    /// The statements found so far: reported ones, then the quotes kept.
    pub(super) found: Vec<Found>,
    /// The last source named (not a pronoun) and its paragraph.
    pub(super) last_named: Option<(Span, usize)>,
    /// Where the article's body starts: past its headline, if it has one.
    pub(super) body: usize,
}

impl<'a> Extractor<'a> {
    /// An extractor at the start of `chars`.
    pub(super) fn new(chars: &'a [char]) -> Extractor<'a> {
        Extractor {
            chars,
            para: 0,
            sents: Vec::new(),
            quotes: Vec::new(),
            found: Vec::new(),
            last_named: None,
            body: 0,
        }
    }

    /// Finds the statements of paragraph `ps..pe`.
    pub(super) fn paragraph(&mut self, ps: usize, pe: usize) {
        let mut p = Para::new(self.chars, ps, pe);
        let spans = p.find_quotes(ps);
        let sents = p.sentences();
        let first_sent = self.sents.len();
        for &(ts, te) in &sents {
            self.sentence(&mut p, ts, te);
        }
        let mut si = 0;
        for q in spans {
            while si + 1 < sents.len() && sents[si].1 <= q.open {
                si += 1;
            }
            let (ts, te) = sents[si];
            if let Some(quote) = quote_info(&p, &q, ts, te, self.para, first_sent + si) {
                self.quotes.push(quote);
            }
        }
    }

    /// Gives quotes their sources, drops scare quotes and quotes inside
    /// reported statements, and works out the sources' kinds.
    pub(super) fn finish(mut self) -> Vec<Statement> {
        let quotes = std::mem::take(&mut self.quotes);
        for q in quotes {
            let mut source = q.own;
            if source.is_none() {
                source = self.sents[q.sent].source;
            }
            if source.is_none() && q.sent > 0 && self.sents[q.sent - 1].para + 1 >= q.para {
                source = self.sents[q.sent - 1].source;
            }
            if source.is_none()
                && q.sent + 1 < self.sents.len()
                && self.sents[q.sent + 1].para <= q.para + 1
            {
                source = self.sents[q.sent + 1].source;
            }
            let keep = q.words >= MIN_QUOTE_WORDS
                || (q.own.is_some() && q.words >= 1)
                || (q.terminal && q.words >= 2);
            if !keep {
                continue;
            }
            if self.sents[q.sent].source.is_none() {
                self.sents[q.sent].source = source;
            }
            self.found.push(Found {
                start: q.start,
                end: q.end,
                source,
                quote: true,
                measure: false,
                measure_if_government: false,
            });
        }
        // Reported first on equal starts, so that a quote inside one is
        // seen after it.
        self.found.sort_by_key(|f| (f.start, f.quote, f.end));
        let mut kept: Vec<Found> = Vec::with_capacity(self.found.len());
        let mut reported_end = 0;
        let mut last: Option<Span> = None;
        for f in self.found {
            if f.quote && f.end <= reported_end {
                continue;
            }
            if last == Some((f.start, f.end)) {
                continue;
            }
            if !f.quote {
                reported_end = reported_end.max(f.end);
            }
            last = Some((f.start, f.end));
            kept.push(f);
        }
        let chars = self.chars;
        let text = |(s, e): Span| -> String { chars[s..e].iter().collect() };
        // Names the article tells the kind of (`Kaspersky, a ... firm`).
        let mut names: HashMap<String, Option<SourceKind>> = HashMap::new();
        // The first mention that gave each name its kind.
        let mut mentions: HashMap<String, String> = HashMap::new();
        let words = article_words(chars);
        for (key, (kind, mention)) in described_names(chars, &words, self.body) {
            names.insert(key.clone(), Some(kind));
            mentions.insert(key, mention);
        }
        let mut kinds = Vec::with_capacity(kept.len());
        for f in &kept {
            let kind = f
                .source
                .map_or(SourceKind::Unknown, |s| source_kind(&text(s)));
            if let (Some(s), true) = (f.source, kind != SourceKind::Unknown) {
                for name in name_keys(&text(s)) {
                    mentions.entry(name.clone()).or_insert_with(|| text(s));
                    let entry = names.entry(name).or_insert(Some(kind));
                    if *entry != Some(kind) {
                        *entry = None;
                    }
                }
            }
            kinds.push(kind);
        }
        // The people the article mentions by role, with their kinds, for
        // `he` and `she`.
        let people: Vec<(usize, SourceKind, String)> = role_mentions(chars, &words)
            .into_iter()
            .filter_map(|(at, m)| {
                let mut kind = source_kind(&m);
                if kind == SourceKind::Unknown {
                    kind = kind_from_names(&m, &names);
                }
                if kind == SourceKind::Unknown {
                    kind = gazetteer_kind(&m);
                }
                // `Kurobe's president`: an undescribed name's role is a
                // company's, as a bare name is.
                if kind == SourceKind::Unknown && possessive_name(&m).is_some_and(is_bare_name) {
                    kind = SourceKind::Company;
                }
                (kind != SourceKind::Unknown).then_some((at, kind, m))
            })
            .collect();
        // The last known kind, for `it` and `they`.
        let mut last_kind = SourceKind::Unknown;
        let mut last_person_kind = SourceKind::Unknown;
        kept.iter()
            .zip(kinds)
            .map(|(f, kind)| {
                let source = f.source.map(text);
                let (kind, source_mention) = match (&source, kind) {
                    (Some(src), SourceKind::Unknown) => {
                        let mut kind = kind_from_names(src, &names);
                        let mut mention = (kind != SourceKind::Unknown)
                            .then(|| {
                                name_keys(src)
                                    .iter()
                                    .find_map(|key| mentions.get(key).cloned())
                            })
                            .flatten();
                        if kind == SourceKind::Unknown {
                            kind = gazetteer_kind(src);
                        }
                        let lower = src.to_lowercase();
                        let pronoun = matches!(
                            lower.as_str(),
                            "he" | "she"
                                | "they"
                                | "it"
                                | "the spokesperson"
                                | "the spokeswoman"
                                | "the spokesman"
                        );
                        // `she`: the person last mentioned by role before
                        // the statement, near enough.
                        let at = f.source.map_or(f.start, |(s, _)| s);
                        if kind == SourceKind::Unknown && matches!(lower.as_str(), "he" | "she") {
                            if let Some((_, k, m)) = people
                                .iter()
                                .rev()
                                .find(|(p, _, _)| *p < at && at - *p <= MAX_PRONOUN_REACH)
                            {
                                kind = *k;
                                mention = Some(m.clone());
                            }
                        }
                        if kind == SourceKind::Unknown && pronoun {
                            kind = if matches!(lower.as_str(), "he" | "she")
                                && last_person_kind != SourceKind::Unknown
                            {
                                last_person_kind
                            } else {
                                last_kind
                            };
                        }
                        // A name the article never describes, that is not
                        // in the gazetteer and not a person's, is taken for
                        // a company's: government bodies are named with
                        // words that say what they are.
                        if kind == SourceKind::Unknown && !pronoun && is_bare_name(src) {
                            kind = SourceKind::Company;
                        }
                        // A person read through their organisation
                        // (`Hendriks, Rydlo's chief technology officer`)
                        // is known by name from then on (`Hendriks said`).
                        if kind != SourceKind::Unknown && !pronoun {
                            for key in name_keys(src) {
                                names.entry(key).or_insert(Some(kind));
                            }
                        }
                        (kind, mention)
                    }
                    _ => (kind, None),
                };
                if kind != SourceKind::Unknown {
                    last_kind = kind;
                    if source.as_deref().is_some_and(is_person) {
                        last_person_kind = kind;
                    }
                }
                let statement_kind = if f.quote {
                    StatementKind::Quote
                } else if f.measure || (f.measure_if_government && kind == SourceKind::Government) {
                    StatementKind::Measure
                } else {
                    StatementKind::Reported
                };
                (
                    f.quote,
                    Statement {
                        kind: statement_kind,
                        text: text((f.start, f.end)),
                        start: f.start,
                        end: f.end,
                        source,
                        source_kind: kind,
                        source_mention,
                        parts: Vec::new(),
                    },
                )
            })
            .fold(
                Vec::new(),
                |mut out: Vec<(bool, Statement)>, (quote, next)| {
                    match out.last_mut() {
                        Some((true, prev)) if quote && splits_one_sentence(chars, prev, &next) => {
                            if prev.parts.is_empty() {
                                prev.parts.push((prev.start, prev.end));
                            }
                            prev.parts.push((next.start, next.end));
                            prev.text = format!("{}, {}", prev.text, next.text);
                            prev.end = next.end;
                        }
                        _ => out.push((quote, next)),
                    }
                    out
                },
            )
            .into_iter()
            .map(|(_, statement)| statement)
            .filter(|s| s.kind != StatementKind::Measure || s.source_kind == SourceKind::Government)
            .collect()
    }
}

/// How far back (in chars) a `he` or `she` looks for the person it means.
const MAX_PRONOUN_REACH: usize = 1500;

/// Whether a source reads as one person (`Senator Maria Okafor`, `Dale
/// Kowalchuk, Prairielink's president`), whom a later `he` or `she` means,
/// rather than an organisation (`Cloudline Inc.`).
fn is_person(source: &str) -> bool {
    let words = super::kind::kind_words(source);
    if words.iter().any(|w| PERSON_ROLES.contains(&w.as_str())) {
        return true;
    }
    let org = super::source_kind(source) != SourceKind::Unknown;
    let capitals = source
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    !org && capitals >= 2 && words.len() <= 4
}

/// Whether a source is only a name (`Zipfare`, `Kestrel Silicon`), not a
/// person's (`Talbot` may be one: a single word counts only when the
/// article also writes it in a longer name) and not a generic mention.
fn is_bare_name(source: &str) -> bool {
    let words: Vec<&str> = source.split_whitespace().collect();
    let first_capital = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(first_capital)
        && !words
            .iter()
            .any(|w| super::lexicon::NAME_STOP.contains(&w.to_lowercase().as_str()))
        && !is_person(source)
}

/// The name before a possessive in a mention (`Kurobe` in `Kurobe's
/// president`), if there is one.
fn possessive_name(mention: &str) -> Option<&str> {
    mention.split_whitespace().find_map(|w| {
        w.strip_suffix("’s")
            .or_else(|| w.strip_suffix("'s"))
            .filter(|n| n.chars().next().is_some_and(char::is_uppercase))
    })
}

/// The kind of a source that names a real organisation or title of the
/// gazetteer (`FTC`, `the Taoiseach`, `Microsoft`), if its names agree.
fn gazetteer_kind(source: &str) -> SourceKind {
    let mut kind = SourceKind::Unknown;
    for e in crate::cues::SourceCues::shipped().read(source) {
        if !matches!(e.cue, crate::cues::Cue::Name | crate::cues::Cue::Title) {
            continue;
        }
        let k = if e.kind == "government" {
            SourceKind::Government
        } else {
            SourceKind::Company
        };
        if kind != SourceKind::Unknown && kind != k {
            return SourceKind::Unknown;
        }
        kind = k;
    }
    kind
}

/// Whether two quotes in a row are one sentence cut by its attribution:
/// the same source, and between them only a short attribution that
/// starts with the comma ending the first part and has no sentence end
/// or line break (`“Being a vendor,” Acme said “it will ...”`). With a
/// period (`“...,” the firm said. “...”`) they are two statements.
fn splits_one_sentence(chars: &[char], prev: &Statement, next: &Statement) -> bool {
    if prev.source.is_none() || prev.source != next.source || next.start < prev.end {
        return false;
    }
    let gap = &chars[prev.end..next.start];
    let starts_with_comma = gap
        .iter()
        .find(|c| !is_mark(**c) && !c.is_whitespace())
        .is_some_and(|c| *c == ',');
    gap.len() <= MAX_SPLIT_GAP
        && starts_with_comma
        && !gap
            .iter()
            .any(|c| matches!(c, '.' | '!' | '?' | ';' | ':' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use crate::text::extract::{extract, SourceKind};

    #[test]
    fn split_quote_gives_two_statements_with_one_source() {
        let a = "“We did nothing wrong,” the firm said. “We will fight this decision in court.”";
        let got = extract(a);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].text, "We did nothing wrong");
        assert_eq!(got[1].text, "We will fight this decision in court.");
        assert_eq!(got[0].source.as_deref(), Some("the firm"));
        assert_eq!(got[1].source.as_deref(), Some("the firm"));
        assert_eq!(got[1].source_kind, SourceKind::Company);
    }

    #[test]
    fn attribution_in_the_middle_of_one_sentence() {
        // One sentence cut by its attribution is one statement in two parts.
        let a = "“Being a global vendor,” Acme said “It will keep investing in its markets.”";
        let got = extract(a);
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].text,
            "Being a global vendor, It will keep investing in its markets."
        );
        assert_eq!(got[0].parts, vec![(1, 22), (36, 74)]);
        assert_eq!((got[0].start, got[0].end), (1, 74));
        assert_eq!(got[0].source.as_deref(), Some("Acme"));
    }

    #[test]
    fn scare_quotes_are_not_statements() {
        assert!(extract("The so-called “kill switch” was never used.").is_empty());
    }

    #[test]
    fn he_is_read_through_an_undescribed_company_role() {
        let a = "An official in the ministry said the buyer needed a licence.\n\nKurobe’s president, Shinji Arakawa, bowed at a news conference.\n\n“We will rebuild our export screening,” he said.";
        let got = extract(a);
        let he = got
            .iter()
            .find(|s| s.source.as_deref() == Some("he"))
            .unwrap();
        assert_eq!(he.source_kind, SourceKind::Company, "{got:?}");
        assert_eq!(he.source_mention.as_deref(), Some("Kurobe’s president"));
    }

    #[test]
    fn parties_are_read_from_the_article() {
        // A name described before it (`smartphone maker`), an acronym in
        // brackets, a person through their organisation, then by surname,
        // and `she` through the person last mentioned by role.
        let a = "India's agency froze funds of smartphone maker Lumora Mobile. The Enforcement Directorate (ED) said the transfers were disguised profits.\n\nLumora said it had paid every tax it owed. Arjun Mehra, Lumora's chief executive, said the company would appeal. Mehra added that staff had been intimidated.\n\nAn executive director at the central bank spoke on Thursday. The rules apply to everyone, she said.";
        let got = extract(a);
        let kind_of = |text: &str| {
            got.iter()
                .find(|s| s.text.starts_with(text))
                .map(|s| s.source_kind)
                .unwrap_or_else(|| panic!("{text}: {got:?}"))
        };
        assert_eq!(kind_of("the transfers"), SourceKind::Government);
        assert_eq!(kind_of("it had paid"), SourceKind::Company);
        assert_eq!(kind_of("the company would appeal"), SourceKind::Company);
        assert_eq!(kind_of("staff had been"), SourceKind::Company);
        assert_eq!(kind_of("The rules apply"), SourceKind::Government);
        let she = got
            .iter()
            .find(|s| s.text.starts_with("The rules"))
            .unwrap();
        assert_eq!(
            she.source_mention.as_deref(),
            Some("An executive director at the central bank")
        );
    }
}
