//! Sources: the subject of an attribution verb, found going back from
//! it (`the firm said`), an appositive (`Acme, a leading firm, said`), a
//! sentence's main subject, or a source read forwards (`,” said John
//! Smith`); pronouns and documents (`it`, `the statement`) resolved to the
//! last source named.

use super::assemble::Extractor;
use super::kind::is_kind_word;
use super::lexicon::{
    AUX, BE, DEFINITE, DETERMINERS, DOCUMENTS, FORWARD_STOP, INTRO, NOT_ADVERBS, NOT_BEFORE_VERB,
    NOT_PLURAL, PRONOUNS, RESOLVED_PRONOUNS, SUBJECT_STOP, WEEKDAYS,
};
use super::tokens::{Kind, Para, Span};
use super::verbs::{verb, Verb};
use super::{ATTRIBUTION_WINDOW, MAX_SOURCE_WORDS};

/// What was found going back from a verb to its subject.
pub(super) struct Back {
    /// The subject's tokens.
    pub(super) subject: Option<(usize, usize)>,
    /// What stands before the subject (or before the verb, with none).
    pub(super) boundary: Boundary,
    /// The verb is negated, passive, an infinitive or a noun: no statement.
    pub(super) skip: bool,
}

/// What ends a subject going back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Boundary {
    /// The start of the sentence.
    Start,
    /// A quote's closing mark (`,” the firm said`).
    Close,
    /// A comma.
    Comma,
    /// `and`, `but` or `or`.
    Conj,
    /// Anything else.
    Other,
}

impl Extractor<'_> {
    /// Remembers `span` as the last source named, unless it is a pronoun.
    pub(super) fn note_named(&mut self, span: Span) {
        let text: String = self.chars[span.0..span.1].iter().collect();
        if !PRONOUNS.contains(&text.to_lowercase().as_str()) {
            self.last_named = Some((span, self.para));
        }
    }

    /// A pronoun subject replaced by the last named source, else the
    /// subject as written; remembers named subjects.
    pub(super) fn resolve(&mut self, p: &Para, s: usize, e: usize) -> Span {
        let span = p.span(s, e);
        let pronoun = e == s + 1 && RESOLVED_PRONOUNS.contains(&p.lower[s].as_str());
        // `the statement added` speaks for whoever issued the statement.
        let document = e == s + 2
            && DEFINITE.contains(&p.lower[s].as_str())
            && DOCUMENTS.contains(&p.lower[s + 1].as_str());
        if pronoun || document {
            if let Some((named, para)) = self.last_named {
                if para + 1 >= self.para {
                    return named;
                }
            }
            return span;
        }
        if !(e == s + 1 && PRONOUNS.contains(&p.lower[s].as_str())) {
            self.last_named = Some((span, self.para));
        }
        span
    }

    /// Goes back from the verb at `v` over auxiliaries and adverbs to its
    /// subject.
    pub(super) fn look_back(&self, p: &Para, v: usize, ts: usize) -> Back {
        let skip = Back {
            subject: None,
            boundary: Boundary::Other,
            skip: true,
        };
        if v > ts {
            if let Some(w) = p.word(v - 1) {
                if NOT_BEFORE_VERB.contains(&w) {
                    return skip;
                }
            }
        }
        let is_past = verb(&p.lower[v]).is_some_and(|x| x.past());
        let mut k = v;
        let mut n = 0;
        while k > ts && n < 6 {
            let j = k - 1;
            let Some(w) = p.word(j) else { break };
            let negation = w == "not" || w == "never" || w.ends_with("n't") || w.ends_with("n’t");
            if negation {
                return skip;
            }
            let adverb =
                !p.capitalized(j) && w.len() > 4 && w.ends_with("ly") && !NOT_ADVERBS.contains(&w);
            if BE.contains(&w) && is_past {
                return skip;
            }
            if AUX.contains(&w) || adverb {
                k = j;
                n += 1;
            } else if WEEKDAYS.contains(&w) && j > ts && p.word(j - 1) == Some("on") {
                k = j - 1;
                n += 2;
            } else if matches!(w, "morning" | "afternoon" | "evening" | "night")
                && j > ts + 1
                && p.word(j - 1).is_some_and(|d| WEEKDAYS.contains(&d))
                && p.word(j - 2) == Some("on")
            {
                k = j - 2;
                n += 3;
            } else if matches!(
                w,
                "yesterday"
                    | "today"
                    | "tonight"
                    | "also"
                    | "again"
                    | "now"
                    | "earlier"
                    | "later"
                    | "already"
                    | "previously"
                    | "first"
            ) {
                k = j;
                n += 1;
            } else {
                break;
            }
        }
        if k > ts && p.word(k - 1) == Some("to") {
            return skip;
        }
        // `The Enforcement Directorate (ED) said`: the acronym in brackets
        // is part of the subject.
        if k >= ts + 4
            && p.is_punct(k - 1, ')')
            && p.is_punct(k - 3, '(')
            && p.word(k - 2).is_some()
            && p.word(k - 4).is_some()
        {
            k -= 3;
        }
        // A relative clause: `Acme, which said ...` is Acme speaking.
        if k > ts && matches!(p.word(k - 1), Some("which" | "who")) {
            k -= 1;
            if k > ts && p.is_punct(k - 1, ',') {
                k -= 1;
            }
        }
        let (s, e) = collect_back(p, k, ts);
        let boundary = if s == ts {
            Boundary::Start
        } else {
            let b = s - 1;
            match p.toks[b].kind {
                Kind::Close => Boundary::Close,
                Kind::Punct(',') if !p.toks[b].inq => Boundary::Comma,
                Kind::Word if matches!(p.word(b), Some("and" | "but" | "or")) => Boundary::Conj,
                _ => Boundary::Other,
            }
        };
        let s = trim_subject(p, s, e);
        Back {
            subject: (s < e).then_some((s, e)),
            boundary,
            skip: false,
        }
    }

    /// Whether what stands before an ambiguous verb form looks like its
    /// subject (`the company claims`, not `rejected claims`).
    pub(super) fn subject_like(&self, p: &Para, back: &Back, v: Verb) -> bool {
        if v.ing() {
            return back.subject.is_none() && back.boundary == Boundary::Comma;
        }
        match back.subject {
            Some((_, e)) => {
                let j = e - 1;
                let w = p.lower[j].as_str();
                p.capitalized(j)
                    || PRONOUNS.contains(&w)
                    || is_kind_word(w)
                    || (w.ends_with('s') && w.len() > 3 && !NOT_PLURAL.contains(&w))
            }
            None => back.boundary == Boundary::Conj,
        }
    }

    /// The subject of the sentence's main clause, read from its start
    /// (after an introductory phrase like `Earlier,`).
    pub(super) fn main_subject(&mut self, p: &Para, ts: usize, te: usize) -> Option<Span> {
        let mut s = ts;
        if p.word(ts).is_some_and(|w| INTRO.contains(&w)) {
            if let Some(c) = (ts..te.min(ts + 8)).find(|&k| p.is_punct(k, ',')) {
                s = c + 1;
            }
        }
        let mut e = s;
        while e < te && e < s + MAX_SOURCE_WORDS {
            let Some(w) = p.word(e) else { break };
            if AUX.contains(&w) || SUBJECT_STOP.contains(&w) || p.verb_at(e).is_some() {
                break;
            }
            if !p.capitalized(e)
                && (w.ends_with("ed") || w.ends_with("ing"))
                && !is_kind_word(w)
                && !(e > s && p.word(e - 1).is_some_and(|d| NOT_BEFORE_VERB.contains(&d)))
            {
                break;
            }
            e += 1;
            if PRONOUNS.contains(&w) {
                break;
            }
        }
        (e > s).then(|| self.resolve(p, s, e))
    }
}

/// Collects subject words going back from token `k` (exclusive):
/// returns the token range.
fn collect_back(p: &Para, k: usize, ts: usize) -> (usize, usize) {
    let mut s = k;
    let mut words = 0;
    while s > ts && words < MAX_SOURCE_WORDS {
        let j = s - 1;
        if p.abbreviation_period(j) {
            s = j;
            continue;
        }
        let Some(w) = p.word(j) else { break };
        // `and` inside a name: `the Food and Drug Agency`.
        let in_name = matches!(w, "and" | "of")
            && s < k
            && p.capitalized(s)
            && j > ts
            && p.word(j - 1).is_some()
            && p.capitalized(j - 1);
        if in_name {
            s = j;
            continue;
        }
        if SUBJECT_STOP.contains(&w) || p.verb_at(j).is_some_and(|v| !v.ambiguous) {
            break;
        }
        if !p.capitalized(j)
            && (w.ends_with("ing") || w.ends_with("ed"))
            && !is_kind_word(w)
            && !(j > ts && p.word(j - 1).is_some_and(|d| NOT_BEFORE_VERB.contains(&d)))
        {
            break;
        }
        s = j;
        words += 1;
        if PRONOUNS.contains(&w) {
            break;
        }
    }
    (s, k)
}

/// Drops dangling prepositions and cuts a subject to its last noun
/// phrase (`a claim the company` becomes `the company`).
fn trim_subject(p: &Para, mut s: usize, e: usize) -> usize {
    while s < e && matches!(p.word(s), Some("of" | "for" | "at" | "from")) {
        s += 1;
    }
    let mut start = s;
    for j in s + 1..e {
        if p.word(j).is_some_and(|w| DETERMINERS.contains(&w))
            && !matches!(p.word(j - 1), Some("of" | "for" | "at" | "from"))
        {
            start = j;
        }
    }
    start
}

/// The subject of a verb with no subject before it, whose appositive
/// ends at the comma before it (`Kaspersky, a leading firm, has
/// confirmed`): the name and its appositive.
pub(super) fn appositive(p: &Para, v: usize, ts: usize) -> Option<Span> {
    let mut c = v;
    while c > ts && !p.is_punct(c - 1, ',') {
        c -= 1;
    }
    let comma = c.checked_sub(1)?;
    let mut k = comma;
    let lo = comma.saturating_sub(ATTRIBUTION_WINDOW + 4).max(ts);
    while k > lo {
        k -= 1;
        // `Corvanta, based in Bellevue, Washington, rejected`: the comma
        // inside a place is not the appositive's.
        let in_place = p.is_punct(k, ',')
            && k >= ts + 2
            && p.word(k + 1).is_some()
            && p.capitalized(k + 1)
            && p.capitalized(k - 1)
            && p.word(k - 2) == Some("in");
        if in_place {
            continue;
        }
        if p.is_punct(k, ',') {
            // `Acme, based in Ohio, said`: Acme alone.
            if matches!(p.word(k + 1), Some("based" | "headquartered" | "located")) {
                let (s, e) = collect_back(p, k, ts);
                let s = trim_subject(p, s, e);
                return (s < e).then(|| p.span(s, e));
            }
            let (s, e) = collect_back(p, k, ts);
            let s = trim_subject(p, s, e);
            if s >= e || comma <= k + 1 {
                return None;
            }
            // `Acme, which has denied it, said`: Acme alone.
            if matches!(p.word(k + 1), Some("which" | "who")) {
                return Some(p.span(s, e));
            }
            return Some((p.toks[s].start, p.toks[comma - 1].end));
        }
        p.word(k)?;
    }
    None
}

/// A source read forwards from token `k` (`said John Smith, chief
/// executive of Acme.`; `according to the ministry,`): words up to
/// punctuation or a stop word, with an appositive that runs to the
/// sentence end.
pub(super) fn forward_source(p: &Para, k: usize, te: usize) -> Option<Span> {
    let e = forward_words(p, k, te);
    if e == k {
        return None;
    }
    let mut last = e;
    if p.is_punct(e, ',') {
        let e2 = forward_words(p, e + 1, te);
        let at_end = e2 == te || (e2 + 1 == te && p.is_punct(e2, '.'));
        if e2 > e + 1 && at_end {
            last = e2;
        }
    }
    Some(p.span(k, last))
}

/// The end of the run of source words from `k`.
pub(super) fn forward_words(p: &Para, k: usize, te: usize) -> usize {
    let mut e = k;
    while e < te && e < k + MAX_SOURCE_WORDS {
        if e > k && e + 2 < te && p.abbreviation_period(e) && p.word(e + 1).is_some() {
            e += 1;
            continue;
        }
        let Some(w) = p.word(e) else { break };
        if FORWARD_STOP.contains(&w) || p.verb_at(e).is_some() || AUX.contains(&w) {
            break;
        }
        e += 1;
    }
    e
}

#[cfg(test)]
mod tests {
    use crate::text::extract::{extract, SourceKind};

    #[test]
    fn appositive_and_pronoun_sources() {
        let a = "Acme, a leading software maker, said it would leave the market. It added that talks had failed.";
        let got = extract(a);
        assert_eq!(
            got[0].source.as_deref(),
            Some("Acme, a leading software maker")
        );
        assert_eq!(got[0].source_kind, SourceKind::Company);
        assert_eq!(got[1].text, "talks had failed");
        assert_eq!(
            got[1].source.as_deref(),
            Some("Acme, a leading software maker")
        );
    }

    #[test]
    fn the_statement_speaks_for_whoever_issued_it() {
        let a = "The Trade Ministry said the licence was void. \"We will appeal,\" Acme Corp said in a statement. Acme, the statement added, had complied with every audit since 2009.";
        let got = extract(a);
        let last = got.last().unwrap();
        assert!(last.text.starts_with("Acme, the statement added"));
        assert_eq!(last.source.as_deref(), Some("Acme Corp"));
        assert_eq!(last.source_kind, SourceKind::Company);
        // An indefinite "a statement" is not resolved to anyone.
        let b =
            "Acme Corp said it would appeal. A statement said that all sales would stop on Monday.";
        let got = extract(b);
        assert_eq!(got[1].source.as_deref(), Some("A statement"));
    }
}
