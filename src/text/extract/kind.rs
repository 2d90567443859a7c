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
        if GOV_STRONG.contains(&w) || white_house || central_bank(words, i) {
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

/// Whether `words[i]` is the `bank` of a central bank (`the central
/// bank`, `the Reserve Bank of India`), which is a government body.
fn central_bank(words: &[String], i: usize) -> bool {
    matches!(words[i].as_str(), "bank" | "banks")
        && i > 0
        && matches!(words[i - 1].as_str(), "central" | "reserve" | "federal")
}

/// Weak words that name a person's role rather than an organisation: in
/// `Prairielink's president` they take the kind of the name before them.
pub(super) const WEAK_ROLES: &[&str] = &[
    "official",
    "officials",
    "president",
    "executive",
    "executives",
    "chairman",
    "chairwoman",
    "chief",
    "counsel",
    "lawyer",
    "lawyers",
    "attorney",
    "attorneys",
    "manager",
    "managing",
    "owner",
    "owners",
    "staff",
    "employees",
    "investors",
    "advocates",
];

/// The kind named by a source's strong words only (an organisation or a
/// role that says its side: `ministry`, `company`, `minister`, `ceo`).
pub(super) fn strong_kind(words: &[String]) -> SourceKind {
    let mut last = SourceKind::Unknown;
    for (i, w) in words.iter().enumerate() {
        let w = w.as_str();
        let white_house = w == "house" && i > 0 && words[i - 1] == "white";
        if GOV_STRONG.contains(&w) || white_house || central_bank(words, i) {
            last = SourceKind::Government;
        } else if COMPANY_STRONG.contains(&w) {
            last = SourceKind::Company;
        }
    }
    last
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

/// One word of an article, for [`described_names`] and [`role_mentions`].
pub(super) struct Word {
    /// The word as written, a trailing possessive dropped.
    text: String,
    /// Offsets of its first char and past its last.
    start: usize,
    end: usize,
    /// The punctuation right after it (`,` `.` `(` ...), if any.
    punct: Option<char>,
}

/// The words of `chars` with the punctuation that follows each.
pub(super) fn article_words(chars: &[char]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            let s = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || (matches!(chars[i], '-' | '.' | '\'' | '’' | '&')
                        && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())))
            {
                i += 1;
            }
            let text: String = chars[s..i].iter().collect();
            let text = text
                .strip_suffix("’s")
                .or_else(|| text.strip_suffix("'s"))
                .map(str::to_string)
                .unwrap_or(text);
            out.push(Word {
                text,
                start: s,
                end: i,
                punct: None,
            });
            continue;
        }
        if c == '\n' {
            if let Some(w) = out.last_mut() {
                w.punct.get_or_insert('\n');
            }
        } else if !c.is_whitespace() {
            if let Some(w) = out.last_mut() {
                if w.punct.is_none() && (w.end == i || !matches!(c, '“' | '"' | '‘')) {
                    w.punct = Some(c);
                }
            }
        }
        i += 1;
    }
    out
}

/// Words that may sit inside an organisation's name (`Ministry of Energy`).
/// Not `and`: `Transport Commission and BusCo` is two names.
const NAME_INNER: &[&str] = &["of", "for", "de", "du", "la", "del", "des", "van", "von"];

/// The most words of a description after a name (`Kaspersky, a leading
/// global cybersecurity firm,`).
const MAX_DESCRIPTION_WORDS: usize = 12;

/// The names an article describes, with the kind the description gives and
/// the mention that gives it: `Kaspersky, a leading global cybersecurity
/// firm` (an appositive after the name), `Chinese smartphone maker Lumora
/// Mobile` (a kind word right before it), `the Dutch Data Protection
/// Authority (AP)` (the name's own words; the acronym in brackets takes
/// them too). A name described as both kinds is left out.
pub(super) fn described_names(
    chars: &[char],
    words: &[Word],
    body: usize,
) -> HashMap<String, (SourceKind, String)> {
    // Not the headline (before `body`): its title case runs names together.
    let words = &words[words.partition_point(|w| w.start < body)..];
    let text = |s: usize, e: usize| -> String { chars[s..e].iter().collect() };
    let mut out: HashMap<String, (SourceKind, String)> = HashMap::new();
    let mut conflicted: std::collections::HashSet<String> = Default::default();
    let mut add = |key: String, kind: SourceKind, mention: String| {
        if conflicted.contains(&key) {
            return;
        }
        match out.get(&key) {
            Some((k, _)) if *k != kind => {
                out.remove(&key);
                conflicted.insert(key);
            }
            Some(_) => {}
            None => {
                out.insert(key, (kind, mention));
            }
        }
    };
    let capital = |w: &Word| w.text.chars().next().is_some_and(char::is_uppercase);
    let mut i = 0;
    while i < words.len() {
        if !capital(&words[i]) {
            i += 1;
            continue;
        }
        // A run of capitalized words, with inner words between them.
        let s = i;
        let mut e = i + 1;
        while e < words.len() && words[e - 1].punct.is_none() {
            if capital(&words[e]) {
                e += 1;
            } else if NAME_INNER.contains(&words[e].text.to_lowercase().as_str())
                && e + 1 < words.len()
                && words[e].punct.is_none()
                && capital(&words[e + 1])
            {
                e += 2;
            } else {
                break;
            }
        }
        let mut ns = s;
        while ns < e && NAME_STOP.contains(&words[ns].text.to_lowercase().as_str()) {
            ns += 1;
        }
        i = e;
        if ns >= e {
            continue;
        }
        let name_words: Vec<String> = words[ns..e].iter().map(|w| w.text.to_lowercase()).collect();
        let name = text(words[ns].start, words[e - 1].end);
        let keys = name_keys(&name);
        if keys.is_empty() {
            continue;
        }
        let mut kinds: Vec<(SourceKind, String)> = Vec::new();
        // The name's own words (`Dutch Data Protection Authority`).
        let own = strong_kind(&name_words);
        if own != SourceKind::Unknown {
            kinds.push((own, name.clone()));
        }
        // A kind word right before it (`smartphone maker Lumora`).
        if ns > 0 && words[ns - 1].punct.is_none() && !capital(&words[ns - 1]) {
            let w = words[ns - 1].text.to_lowercase();
            let k = strong_kind(std::slice::from_ref(&w));
            if k != SourceKind::Unknown {
                let mut from = ns - 1;
                while from > 0
                    && words[from - 1].punct.is_none()
                    && !capital(&words[from - 1])
                    && ns - from < 4
                    && super::verbs::verb(&words[from - 1].text.to_lowercase()).is_none()
                    && !super::verbs::measure(&words[from - 1].text.to_lowercase())
                    && !matches!(
                        words[from - 1].text.as_str(),
                        "said"
                            | "says"
                            | "and"
                            | "by"
                            | "to"
                            | "with"
                            | "on"
                            | "in"
                            | "of"
                            | "the"
                            | "a"
                            | "an"
                            | "for"
                            | "from"
                            | "at"
                    )
                {
                    from -= 1;
                }
                kinds.push((k, text(words[from].start, words[e - 1].end)));
            }
        }
        // An appositive (`Kaspersky, a leading ... firm,`).
        if words[e - 1].punct == Some(',') && e < words.len() {
            let first = words[e].text.to_lowercase();
            if matches!(first.as_str(), "a" | "an" | "the" | "its" | "one") {
                let mut d = e;
                let mut desc = Vec::new();
                while d < words.len() && desc.len() < MAX_DESCRIPTION_WORDS {
                    let w = words[d].text.to_lowercase();
                    if super::verbs::verb(&w).is_some() {
                        desc.clear();
                        break;
                    }
                    desc.push(w);
                    if words[d].punct.is_some() {
                        break;
                    }
                    d += 1;
                }
                let k = kind_of_words(&desc);
                if k != SourceKind::Unknown && d < words.len() {
                    kinds.push((k, text(words[ns].start, words[d].end)));
                }
            }
        }
        // An acronym in brackets (`... Authority (AP)`).
        let acronym = (words[e - 1].punct == Some('(') && e < words.len())
            .then(|| &words[e])
            .filter(|w| w.text.len() >= 2 && w.text.chars().all(|c| c.is_uppercase() || c == '.'));
        for (k, mention) in kinds {
            for key in &keys {
                add(key.clone(), k, mention.clone());
            }
            if let Some(a) = acronym {
                add(a.text.to_lowercase(), k, mention.clone());
            }
        }
    }
    out
}

/// Words that name one person's role: a source with one is a person
/// (see `assemble`), and [`role_mentions`] finds people by them (and by
/// [`MENTION_ROLES`]).
pub(super) const PERSON_ROLES: &[&str] = &[
    "minister",
    "senator",
    "secretary",
    "commissioner",
    "ambassador",
    "judge",
    "mayor",
    "governor",
    "premier",
    "official",
    "spokesperson",
    "spokeswoman",
    "spokesman",
    "chief",
    "executive",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "president",
    "chairman",
    "chairwoman",
    "chair",
    "founder",
    "counsel",
    "lawyer",
    "director",
    "manager",
    "head",
    "inspector",
    "prosecutor",
    "treasurer",
    "lawmaker",
    "legislator",
    "mp",
    "councillor",
    "officer",
    "deputy",
];

/// More words [`role_mentions`] finds people by, that do not by
/// themselves make a source a person (`the regulator` is a body).
const MENTION_ROLES: &[&str] = &[
    "member",
    "councilmember",
    "administrator",
    "superintendent",
    "regulator",
];

/// The most words of a role mention on either side of its role word.
const ROLE_REACH: usize = 6;

/// The mentions of one person by their role in the article (`The council
/// member who sponsored the ordinance`, `An executive director at the
/// central bank`, `Tasha Brennan, Zipfare's general manager`), each with
/// the offset of its first char: the people a later `he` or `she` may
/// mean. A mention runs from a few words before its role word (no further
/// than a comma or a verb) to a few after it (`at the central bank`).
pub(super) fn role_mentions(chars: &[char], words: &[Word]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let stop = |w: &str| {
        super::verbs::verb(w).is_some()
            || super::verbs::measure(w)
            || super::lexicon::AUX.contains(&w)
            || matches!(
                w,
                "who" | "which" | "that" | "and" | "but" | "when" | "while" | "spoke" | "speaking"
            )
    };
    let mut i = 0;
    while i < words.len() {
        let w = words[i].text.to_lowercase();
        if !PERSON_ROLES.contains(&w.as_str()) && !MENTION_ROLES.contains(&w.as_str()) {
            i += 1;
            continue;
        }
        let capital = |w: &Word| w.text.chars().next().is_some_and(char::is_uppercase);
        let mut s = i;
        while s > 0
            && i - s < ROLE_REACH
            && words[s - 1].punct.is_none()
            && !stop(&words[s - 1].text.to_lowercase())
        {
            s -= 1;
        }
        // `Tasha Brennan, Zipfare's general manager`: the name before an
        // appositive role.
        if s > 0 && words[s - 1].punct == Some(',') && capital(&words[s - 1]) {
            let mut n = s - 1;
            while n > 0 && s - n < 3 && words[n - 1].punct.is_none() && capital(&words[n - 1]) {
                n -= 1;
            }
            s = n;
        }
        let mut e = i + 1;
        while e < words.len()
            && e - i <= ROLE_REACH
            && words[e - 1].punct.is_none()
            && !stop(&words[e].text.to_lowercase())
        {
            e += 1;
        }
        out.push((
            words[s].start,
            chars[words[s].start..words[e - 1].end].iter().collect(),
        ));
        i = e;
    }
    out
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
