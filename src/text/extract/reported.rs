//! Reported speech: the attribution verbs of a sentence and the clauses
//! they introduce (`officials say that X`, `stating X`, `denied that X`),
//! `X, according to Y`, and sentences with the attribution in their middle.

use super::assemble::{Extractor, Found, SentInfo};
use super::lexicon::{AUX, BE, CONJ, NOT_CLAUSE_START, PRONOUNS};
use super::source::{appositive, forward_source, forward_words, Boundary};
use super::tokens::{count_words, is_quote_tok, is_terminal, trim_tokens, Kind, Para, Span};
use super::verbs::{measure, Class, Verb};
use super::{
    MAX_CLAUSE_TOKENS, MAX_SENTENCE_TOKENS, MAX_SOURCE_WORDS, MIN_REPORTED_WORDS,
    MIN_VERB_PHRASE_WORDS,
};

impl Extractor<'_> {
    /// Finds the attribution verbs of sentence `ts..te` and their reported
    /// statements.
    pub(super) fn sentence(&mut self, p: &mut Para, ts: usize, te: usize) {
        let mut first: Option<Span> = None;
        let mut last: Option<Span> = None;
        let mut covered = ts;
        let mut produced = false;
        let mut t = ts;
        while t < te {
            if t < covered || p.word(t).is_none() {
                t += 1;
                continue;
            }
            if p.word(t) == Some("according") && p.word(t + 1) == Some("to") && t + 2 < te {
                if let Some(end) = self.according(p, t, ts, te, produced) {
                    covered = end;
                    produced = true;
                }
                if first.is_none() {
                    first = p.attr[t];
                }
                t += 2;
                continue;
            }
            let Some(v) = p.verb_at(t) else {
                if let Some(end) = self.measure_at(p, t, ts, te) {
                    covered = end;
                    produced = true;
                }
                t += 1;
                continue;
            };
            let back = self.look_back(p, t, ts);
            // `did not say whether it would appeal`: not a statement.
            let subject_at = back.subject.map_or(t, |(s, _)| s);
            let embedded =
                subject_at > ts && matches!(p.word(subject_at - 1), Some("whether" | "if"));
            if back.skip || embedded || (v.ambiguous && !self.subject_like(p, &back, v)) {
                t += 1;
                continue;
            }
            let mut quote_attr = false;
            let mut source = match back.subject {
                Some((s, e)) => {
                    quote_attr = back.boundary == Boundary::Close;
                    Some(self.resolve(p, s, e))
                }
                None => match back.boundary {
                    Boundary::Close => {
                        quote_attr = true;
                        forward_source(p, t + 1, te)
                    }
                    Boundary::Conj => last,
                    Boundary::Comma if v.ing() => first.or_else(|| self.main_subject(p, ts, te)),
                    Boundary::Comma => appositive(p, t, ts),
                    _ => None,
                },
            };
            if source.is_none() && back.boundary == Boundary::Comma && v.ing() {
                source = last;
            }
            p.attr[t] = source;
            if let Some(span) = source {
                self.note_named(span);
            }
            if source.is_some() {
                first = first.or(source);
                last = source;
            }
            // A whole sentence is the statement when its attribution is in
            // its middle (`Kaspersky, the statement added, had ...`) or at
            // its end (`Existing cardholders will not be affected, the RBI
            // said.`): up to the sentence's end, or to the attribution.
            let subject_start = back.subject.map_or(t, |(s, _)| s);
            let whole = if back.boundary != Boundary::Comma
                || back.subject.is_none()
                || produced
                || te - ts > MAX_SENTENCE_TOKENS
            {
                None
            } else if p.is_punct(t + 1, ',') && subject_start > ts + 1 {
                Some(te)
            } else if v.class != Class::Deny
                && subject_start > ts + 2
                && attribution_ends_sentence(p, t, te)
                && !p.toks[ts..subject_start].iter().any(is_quote_tok)
            {
                Some(subject_start - 1)
            } else {
                None
            };
            if let Some(end) = whole {
                if let Some((s, e)) = trim_tokens(p, ts, end) {
                    if count_words(p, s, e) >= MIN_REPORTED_WORDS {
                        self.push_reported(p, s, e, source, false);
                        produced = true;
                        covered = te;
                    }
                }
                t += 1;
                continue;
            }
            let (pieces, scan_end) = complement(p, t, te, v, quote_attr);
            for (s, e, min) in pieces {
                if count_words(p, s, e) >= min {
                    // `The ministry ordered Brightwater to recall ...`: a
                    // measure when the speaker is a government body.
                    let measure = v.class == Class::Report && s == t && measure(&p.lower[t]);
                    self.push_reported(p, s, e, source, measure);
                    produced = true;
                }
            }
            covered = covered.max(scan_end);
            t += 1;
        }
        self.sents.push(SentInfo {
            para: self.para,
            source: first,
        });
    }

    /// A government body's measure or finding at `t` (`The agency fined
    /// Halvern $2 million for ...`, `Halvern was fined ... by the agency`):
    /// the verb and its clause, recorded with the subject (or the agent
    /// after `by`) as its source; kept at the end only if that source is a
    /// government body. Returns the token where it ends.
    fn measure_at(&mut self, p: &mut Para, t: usize, ts: usize, te: usize) -> Option<usize> {
        let w = p.word(t)?;
        if p.capitalized(t) || !measure(w) {
            return None;
        }
        let passive = t > ts && p.word(t - 1).is_some_and(|w| BE.contains(&w));
        let source = if passive {
            let by = (t + 1..te.min(t + 15)).find(|&k| p.word(k) == Some("by"))?;
            let src_end = agent_end(p, by + 1, te);
            if src_end == by + 1 {
                return None;
            }
            p.span(by + 1, src_end)
        } else {
            let back = self.look_back(p, t, ts);
            let (s, e) = back.subject?;
            // At the sentence's start, after an opening phrase, or after a
            // dateline (`TOKYO — The ministry ...`).
            let dateline =
                s > ts && matches!(p.toks[s - 1].kind, Kind::Punct('—' | '–' | '-' | ':'));
            if back.skip
                || !(matches!(back.boundary, Boundary::Start | Boundary::Comma) || dateline)
            {
                return None;
            }
            self.resolve(p, s, e)
        };
        let (end, _) = clause_end(p, t + 1, te, false);
        let (s, e) = trim_tokens(p, t, end)?;
        if count_words(p, s, e) < MIN_REPORTED_WORDS + 1 {
            return None;
        }
        let (start, end) = p.span(s, e);
        self.found.push(Found {
            start,
            end,
            source: Some(source),
            quote: false,
            measure: true,
            measure_if_government: false,
        });
        Some(e)
    }

    /// Records a reported statement of tokens `s..e` (a measure if its
    /// source is a government body, when `measure_if_government`).
    fn push_reported(
        &mut self,
        p: &Para,
        s: usize,
        e: usize,
        source: Option<Span>,
        measure_if_government: bool,
    ) {
        let (start, end) = p.span(s, e);
        self.found.push(Found {
            start,
            end,
            source,
            quote: false,
            measure: false,
            measure_if_government,
        });
    }

    /// `according to SOURCE`: records the attribution at `a` and the
    /// statement it introduces; returns the token where it ends.
    fn according(
        &mut self,
        p: &mut Para,
        a: usize,
        ts: usize,
        te: usize,
        produced: bool,
    ) -> Option<usize> {
        let src_start = a + 2;
        let src_end = forward_words(p, src_start, te);
        if src_end == src_start {
            return None;
        }
        let source = Some(p.span(src_start, src_end));
        p.attr[a] = source;
        if let Some(span) = source {
            self.note_named(span);
        }
        let more = p.is_punct(src_end, ',') && src_end + 1 < te && p.word(src_end + 1).is_some();
        let (s, e) = if a == ts {
            if !more {
                return None;
            }
            let (end, _) = clause_end(p, src_end + 1, te, false);
            (src_end + 1, end)
        } else {
            if produced || a - ts > MAX_CLAUSE_TOKENS || p.toks[ts..a].iter().any(is_quote_tok) {
                return None;
            }
            if more {
                if te - ts > MAX_SENTENCE_TOKENS || p.toks[a..te].iter().any(is_quote_tok) {
                    return None;
                }
                (ts, te)
            } else {
                (ts, a)
            }
        };
        let (s, e) = trim_tokens(p, s, e)?;
        if count_words(p, s, e) < MIN_REPORTED_WORDS {
            return None;
        }
        self.push_reported(p, s, e, source, false);
        Some(e.max(src_end))
    }
}

/// The statements an attribution verb at `v` introduces, as token
/// ranges with their least word count, and the token where its
/// complement ends.
fn complement(
    p: &Para,
    v: usize,
    te: usize,
    verb: Verb,
    quote_attr: bool,
) -> (Vec<(usize, usize, usize)>, usize) {
    // `that` after a short object: `told reporters that`.
    let mut that_at = None;
    for k in v + 1..te.min(v + 9) {
        // `maintained, however, that`: commas and a discourse adverb.
        if p.is_punct(k, ',') {
            continue;
        }
        let Some(w) = p.word(k) else { break };
        if w == "that" {
            that_at = Some(k);
            break;
        }
        if PRONOUNS.contains(&w) || AUX.contains(&w) || p.verb_at(k).is_some() {
            break;
        }
    }
    let mut pieces = Vec::new();
    if quote_attr && that_at.is_none() {
        return (pieces, v + 1);
    }
    match (verb.class, that_at) {
        (Class::Deny, _) => {
            let (end, _) = clause_end(p, v + 1, te, that_at.is_none());
            // `refuted the allegations, stating it does not ...`: the
            // clause of `stating` is the statement, the act is not another.
            let short = count_words(p, v, end) < MIN_VERB_PHRASE_WORDS + 2;
            if that_at.is_none()
                && short
                && p.is_punct(end, ',')
                && p.verb_at(end + 1)
                    .is_some_and(|x| x.ing() && x.class == Class::Say)
            {
                return (pieces, end);
            }
            let min = if that_at.is_some() {
                MIN_REPORTED_WORDS
            } else {
                MIN_VERB_PHRASE_WORDS
            };
            if let Some((s, e)) = trim_tokens(p, v, end) {
                pieces.push((s, e, min));
            }
            (pieces, end)
        }
        (_, Some(th)) => {
            let mut start = th + 1;
            loop {
                let (end, next) = clause_end(p, start, te, false);
                if let Some((s, e)) = trim_tokens(p, start, end) {
                    pieces.push((s, e, MIN_REPORTED_WORDS));
                }
                match next {
                    Some(n) => start = n,
                    None => return (pieces, end),
                }
            }
        }
        (Class::Say, None) => {
            let start = v + 1;
            let Some(w) = p.word(start) else {
                return (pieces, v + 1);
            };
            if verb.needs_that || NOT_CLAUSE_START.contains(&w) || p.verb_at(start).is_some() {
                return (pieces, v + 1);
            }
            let mut start = start;
            loop {
                let (end, next) = clause_end(p, start, te, false);
                if let Some((s, e)) = trim_tokens(p, start, end) {
                    pieces.push((s, e, MIN_REPORTED_WORDS));
                }
                match next {
                    Some(n) => start = n,
                    None => return (pieces, end),
                }
            }
        }
        (Class::Report, None) => {
            if verb.needs_that || p.word(v + 1).is_none() {
                return (pieces, v + 1);
            }
            let (end, _) = clause_end(p, v + 1, te, true);
            if let Some((s, e)) = trim_tokens(p, v, end) {
                pieces.push((s, e, MIN_VERB_PHRASE_WORDS));
            }
            (pieces, end)
        }
    }
}

/// Where a clause starting at `start` ends (exclusive), and where the
/// next clause of the same verb starts after `and that`. Commas end it
/// when `commas_end`.
fn clause_end(p: &Para, start: usize, te: usize, commas_end: bool) -> (usize, Option<usize>) {
    let cap = te.min(start + MAX_CLAUSE_TOKENS);
    let mut k = start;
    while k < cap {
        let tok = &p.toks[k];
        if tok.inq {
            k += 1;
            continue;
        }
        match tok.kind {
            Kind::Open if k > start && (p.is_punct(k - 1, ',') || p.is_punct(k - 1, ':')) => {
                return (k - 1, None);
            }
            Kind::Punct(c) => {
                if is_terminal(c) && k + 1 >= te {
                    return (k, None);
                }
                // A short aside in brackets stays in the clause (`6.3
                // billion won (about $4.5 million) for ...`).
                if c == '(' {
                    if let Some(close) = (k + 1..cap.min(k + 16)).find(|&j| p.is_punct(j, ')')) {
                        k = close + 1;
                        continue;
                    }
                }
                if matches!(c, ';' | ':' | '—' | '–' | '(' | ')' | '[' | ']') {
                    return (k, None);
                }
                if c == ',' {
                    if commas_end {
                        return (k, None);
                    }
                    let next_open = p.toks.get(k + 1).is_some_and(|t| t.kind == Kind::Open);
                    let next_ing = p.verb_at(k + 1).is_some_and(|v| v.ing());
                    let next_according = p.word(k + 1) == Some("according");
                    if next_open || next_ing || next_according {
                        return (k, None);
                    }
                }
            }
            Kind::Word => {
                let w = p.lower[k].as_str();
                if matches!(w, "and" | "but") && p.word(k + 1) == Some("that") {
                    return (k, Some(k + 2));
                }
                if w == "according" && p.word(k + 1) == Some("to") {
                    return (k, None);
                }
                if k > start && CONJ.contains(&w) && attribution_follows(p, k + 1, te) {
                    return (k, None);
                }
            }
            _ => {}
        }
        k += 1;
    }
    (k, None)
}

/// Where the agent of a passive measure starting at `k` ends (`by the
/// maritime regulator` before `for late filings`): at punctuation or a
/// preposition other than `of`.
fn agent_end(p: &Para, k: usize, te: usize) -> usize {
    let mut e = k;
    while e < te && e < k + MAX_SOURCE_WORDS {
        let Some(w) = p.word(e) else { break };
        if matches!(
            w,
            "for"
                | "over"
                | "after"
                | "in"
                | "on"
                | "at"
                | "with"
                | "to"
                | "because"
                | "following"
                | "and"
                | "which"
                | "who"
                | "that"
        ) {
            break;
        }
        e += 1;
    }
    e
}

/// Whether the attribution verb at `v` ends its sentence, but for a short
/// tail without a verb or a clause (`said`, `said on Monday`, `told
/// reporters in Brussels`, `added in a statement`).
fn attribution_ends_sentence(p: &Para, v: usize, te: usize) -> bool {
    let mut words = 0;
    for k in v + 1..te {
        match p.toks[k].kind {
            Kind::Punct(c) if is_terminal(c) => return k + 1 >= te,
            Kind::Word => {
                let w = p.lower[k].as_str();
                words += 1;
                if words > 6 || w == "that" || p.verb_at(k).is_some() || PRONOUNS.contains(&w) {
                    return false;
                }
            }
            Kind::Punct(',') => {}
            _ => return false,
        }
    }
    true
}

/// Whether an attribution verb follows within a few words of `k`
/// (`but note that`, `and the ministry added`).
fn attribution_follows(p: &Para, k: usize, te: usize) -> bool {
    for j in k..te.min(k + 6) {
        let Some(w) = p.word(j) else { return false };
        if let Some(v) = p.verb_at(j) {
            let infinitive = j > 0 && p.word(j - 1) == Some("to");
            if !infinitive && ((!v.ambiguous && !v.needs_that) || p.word(j + 1) == Some("that")) {
                return true;
            }
        }
        if w == "that" {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::text::extract::test_util::{pairs, texts};
    use crate::text::extract::{extract, SourceKind};

    #[test]
    fn reported_clause_after_stating() {
        let a = "Kaspersky has refuted the allegations, stating it does not engage in activities that could threaten U.S. national security.";
        assert_eq!(
            pairs(a),
            vec![(
                "it does not engage in activities that could threaten U.S. national security"
                    .to_string(),
                Some("Kaspersky".to_string())
            )]
        );
    }

    #[test]
    fn say_that_and_note_that_give_two_statements() {
        let a = "Commerce officials say that individuals who keep using the software will not be penalized but note that their systems will then be at risk.";
        let got = extract(a);
        assert_eq!(
            got.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
            vec![
                "individuals who keep using the software will not be penalized",
                "their systems will then be at risk"
            ]
        );
        for s in &got {
            assert_eq!(s.source.as_deref(), Some("Commerce officials"));
            assert_eq!(s.source_kind, SourceKind::Government);
        }
    }

    #[test]
    fn denial_keeps_its_verb_and_short_acts_are_dropped() {
        let a = "The company denied that it had shared any customer data with Moscow.";
        assert_eq!(
            texts(a),
            vec!["denied that it had shared any customer data with Moscow"]
        );
        // A verb of denial with its object is a statement as readers
        // count them; the verb alone is not.
        assert_eq!(
            texts("The company rejected the ruling."),
            vec!["rejected the ruling"]
        );
        assert!(extract("The company rejected it.").is_empty());
        assert!(extract("The firm was accused of spying on its users.").is_empty());
        assert!(extract("The company did not say whether it would appeal the fine.").is_empty());
    }

    #[test]
    fn according_to_before_and_after() {
        let a = "The firm failed to report the breach for six months, according to the regulator. According to company filings, the fine will be paid in full.";
        assert_eq!(
            pairs(a),
            vec![
                (
                    "The firm failed to report the breach for six months".to_string(),
                    Some("the regulator".to_string())
                ),
                (
                    "the fine will be paid in full".to_string(),
                    Some("company filings".to_string())
                ),
            ]
        );
    }

    #[test]
    fn a_sentence_that_ends_with_its_attribution_is_a_statement() {
        let a = "Existing cardholders will not be affected, the central bank said on Monday.";
        assert_eq!(
            pairs(a),
            vec![(
                "Existing cardholders will not be affected".to_string(),
                Some("the central bank".to_string())
            )]
        );
        // Not after a verb of denial: `a claim the company denied` reports
        // what was denied, not what the company said.
        let b = "It has faced allegations of ties to the state, a claim the company has denied.";
        assert!(extract(b).is_empty());
        let c = "The company maintained, however, that none of the transfers broke the rules.";
        assert_eq!(texts(c), vec!["none of the transfers broke the rules"]);
    }

    #[test]
    fn a_government_measure_is_a_statement_and_a_company_action_is_not() {
        use crate::text::extract::StatementKind;
        let a = "TOKYO — The trade ministry on Friday barred Kurobe Machinery from exporting goods for six months. Kurobe opened a new plant in Osaka last year.";
        let got = extract(a);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].kind, StatementKind::Measure);
        assert_eq!(
            got[0].text,
            "barred Kurobe Machinery from exporting goods for six months"
        );
        assert_eq!(got[0].source_kind, SourceKind::Government);
        let b = "Halvern has been fined $2 million by the maritime regulator for late filings.";
        let got = extract(b);
        assert_eq!(got[0].kind, StatementKind::Measure);
        assert_eq!(got[0].source.as_deref(), Some("the maritime regulator"));
    }

    #[test]
    fn a_place_in_an_appositive_is_not_the_source() {
        let a = "Corvanta, based in Bellevue, Washington, rejected the lawsuit as baseless.";
        assert_eq!(
            pairs(a),
            vec![(
                "rejected the lawsuit as baseless".to_string(),
                Some("Corvanta".to_string())
            )]
        );
    }

    #[test]
    fn a_headline_is_not_read_for_statements() {
        let a = "Regulator says Halvern misled savers\n\nThe regulator said the bank had misled savers for years.";
        assert_eq!(texts(a), vec!["the bank had misled savers for years"]);
    }
}
