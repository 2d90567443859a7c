//! The word lists of statement finding: the words that name a kind of
//! source, pronouns, auxiliaries, determiners, and the words that stop a
//! subject, a source or a clause. All are lowercase, and are matched
//! against lowercased words. The attribution verbs are in `verbs`.

/// Words that make a source a government body.
pub(crate) const GOV_STRONG: &[&str] = &[
    "government",
    "governments",
    "ministry",
    "ministries",
    "minister",
    "ministers",
    "department",
    "departments",
    "dept",
    "agency",
    "agencies",
    "commission",
    "commissioner",
    "regulator",
    "regulators",
    "secretary",
    "embassy",
    "ambassador",
    "court",
    "courts",
    "judge",
    "judges",
    "tribunal",
    "senator",
    "senators",
    "senate",
    "congress",
    "congressman",
    "congresswoman",
    "lawmaker",
    "lawmakers",
    "legislator",
    "legislators",
    "parliament",
    "administration",
    "kremlin",
    "pentagon",
    "authorities",
    "prosecutor",
    "prosecutors",
    "police",
    "bureau",
    "treasury",
    "fbi",
    "fcc",
    "ftc",
    "sec",
    "doj",
    "cisa",
    "watchdog",
    "cabinet",
    "mayor",
    "governor",
    "premier",
    "state-run",
];

/// Words that suggest a government source unless company words are there.
pub(crate) const GOV_WEAK: &[&str] = &[
    "official",
    "officials",
    "authority",
    "president",
    "federal",
    "commerce",
    "white",
    "council",
    "office",
];

/// Words that make a source a company.
pub(crate) const COMPANY_STRONG: &[&str] = &[
    "company",
    "companies",
    "firm",
    "firms",
    "corporation",
    "corp",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "plc",
    "gmbh",
    "group",
    "bank",
    "holdings",
    "lab",
    "labs",
    "technologies",
    "maker",
    "makers",
    "manufacturer",
    "retailer",
    "airline",
    "carrier",
    "vendor",
    "developer",
    "operator",
    "startup",
    "conglomerate",
    "insurer",
    "subsidiary",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "founder",
    "shareholders",
];

/// Words that suggest a company source unless government words are there.
pub(crate) const COMPANY_WEAK: &[&str] = &[
    "executive",
    "executives",
    "chairman",
    "chairwoman",
    "board",
    "website",
    "brand",
    "unit",
    "giant",
    "provider",
    "platform",
    "management",
];

/// Capitalized words that say nothing about who an organisation is.
pub(super) const NAME_STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "u.s",
    "us",
    "u.k",
    "uk",
    "eu",
    "mr",
    "mrs",
    "ms",
    "dr",
    "its",
    "his",
    "her",
    "their",
    "american",
    "russian",
    "chinese",
    "european",
    "british",
    "national",
    "new",
    "state",
    "states",
    "united",
    "global",
    "international",
    "north",
    "south",
    "east",
    "west",
    "i",
    "we",
    "it",
    "he",
    "she",
    "they",
];

/// Subject pronouns.
pub(super) const PRONOUNS: &[&str] = &["it", "he", "she", "they", "we", "i"];

/// Pronouns replaced by the last named source (`he` and `she` are kept:
/// the last name is often not the person's).
pub(super) const RESOLVED_PRONOUNS: &[&str] = &["it", "they"];

/// Determiners that make `the statement` refer back to one already named.
pub(super) const DEFINITE: &[&str] = &["the", "its", "their", "this", "that"];

/// Things that say something on a speaker's behalf; after a definite
/// determiner they are replaced by the last named source, like `it`.
pub(super) const DOCUMENTS: &[&str] = &[
    "statement",
    "release",
    "announcement",
    "letter",
    "notice",
    "filing",
    "post",
    "message",
];

/// Words that may stand between a subject and its verb.
pub(super) const AUX: &[&str] = &[
    "has",
    "have",
    "had",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "did",
    "does",
    "do",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "also",
    "not",
    "never",
    "already",
    "still",
    "again",
    "later",
    "then",
    "now",
    "today",
    "yesterday",
    "tonight",
    "earlier",
    "once",
    "too",
    "since",
    "previously",
];

/// Forms of "to be" (passive voice before a participle).
pub(super) const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];

/// Words that end a subject when going back from its verb.
pub(super) const SUBJECT_STOP: &[&str] = &[
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "and",
    "but",
    "or",
    "nor",
    "because",
    "as",
    "while",
    "when",
    "whereas",
    "after",
    "before",
    "if",
    "since",
    "so",
    "although",
    "though",
    "where",
    "than",
    "to",
    "in",
    "on",
    "with",
    "by",
    "into",
    "over",
    "under",
    "about",
    "against",
    "during",
    "through",
    "without",
    "amid",
    "despite",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "do",
    "does",
    "did",
    "not",
    "also",
    "there",
    "here",
    "however",
    "meanwhile",
    "earlier",
    "later",
    "then",
    "now",
    "yesterday",
    "today",
    "separately",
    "instead",
    "yet",
    "still",
    "told",
    "adding",
    "saying",
];

/// Words right before a verb that show it is a noun, an adjective or an
/// infinitive (`the alleged breach`, `declined to say`).
pub(super) const NOT_BEFORE_VERB: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "my", "your", "this", "these", "those",
    "any", "no", "such", "every", "each", "another", "of", "for", "over", "about", "on", "in",
    "with", "amid", "after", "before", "without", "by", "against", "from", "into", "under", "to",
];

/// Determiners (a subject starts at the last one not after a preposition).
pub(super) const DETERMINERS: &[&str] = &["the", "a", "an"];

/// Words a reported clause without `that` does not start with
/// (`said in a statement`, `said late on Tuesday`).
pub(super) const NOT_CLAUSE_START: &[&str] = &[
    "in",
    "on",
    "at",
    "during",
    "to",
    "after",
    "before",
    "via",
    "through",
    "from",
    "with",
    "by",
    "for",
    "about",
    "of",
    "so",
    "as",
    "earlier",
    "later",
    "last",
    "this",
    "late",
    "early",
    "again",
    "today",
    "yesterday",
    "tonight",
    "previously",
    "recently",
    "separately",
    "publicly",
    "privately",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "when",
    "while",
    "if",
    "whether",
    "what",
    "nothing",
    "anything",
    "something",
    "more",
];

/// Words that stop a source read forwards (`said John Smith in a ...`).
pub(super) const FORWARD_STOP: &[&str] = &[
    "in",
    "on",
    "during",
    "adding",
    "saying",
    "stating",
    "noting",
    "told",
    "who",
    "which",
    "that",
    "to",
    "when",
    "while",
    "after",
    "before",
    "and",
    "but",
    "as",
    "late",
    "early",
    "last",
    "earlier",
    "later",
    "today",
    "yesterday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Introductory words skipped before a sentence's subject (`Earlier,`).
pub(super) const INTRO: &[&str] = &[
    "earlier",
    "later",
    "meanwhile",
    "however",
    "separately",
    "still",
    "yet",
    "instead",
    "also",
    "but",
    "and",
    "on",
    "in",
    "at",
    "after",
    "before",
    "despite",
    "following",
    "since",
    "last",
    "this",
    "when",
    "while",
    "although",
    "though",
    "as",
    "for",
    "with",
    "under",
    "according",
];

/// Conjunctions after which a new attribution may start inside a clause.
pub(super) const CONJ: &[&str] = &["and", "but", "while", "whereas", "although", "though"];

/// Titles and initials after which a period never ends a sentence.
pub(super) const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "st", "lt", "col", "capt", "sgt",
    "no", "vs", "jr", "sr", "mt", "ft", "hon", "rev",
];

/// Abbreviations after which a period ends a sentence only before a word
/// that usually starts one.
pub(super) const ABBREVIATIONS: &[&str] = &[
    "inc", "ltd", "corp", "co", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "approx", "dept", "est", "plc", "llc", "bros",
];

/// Words that usually start a sentence.
pub(super) const SENTENCE_STARTERS: &[&str] = &[
    "the",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "this",
    "that",
    "these",
    "those",
    "but",
    "however",
    "in",
    "on",
    "a",
    "an",
    "its",
    "their",
    "our",
    "and",
    "meanwhile",
    "earlier",
    "later",
    "separately",
    "there",
    "according",
];

/// Words ending in -s that are not plural nouns.
pub(super) const NOT_PLURAL: &[&str] = &[
    "its", "this", "his", "was", "has", "is", "as", "us", "does", "yes", "thus", "less", "across",
    "unless", "hers", "ours", "theirs", "whereas",
];

/// Lowercase -ly words that are not adverbs.
pub(super) const NOT_ADVERBS: &[&str] = &[
    "family",
    "supply",
    "reply",
    "apply",
    "rally",
    "ally",
    "assembly",
    "monopoly",
    "july",
    "italy",
    "only",
    "early",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
];

/// Days of the week (`the ministry on Tuesday said`).
pub(super) const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every list, by name.
    const LISTS: &[(&str, &[&str])] = &[
        ("GOV_STRONG", GOV_STRONG),
        ("GOV_WEAK", GOV_WEAK),
        ("COMPANY_STRONG", COMPANY_STRONG),
        ("COMPANY_WEAK", COMPANY_WEAK),
        ("NAME_STOP", NAME_STOP),
        ("PRONOUNS", PRONOUNS),
        ("RESOLVED_PRONOUNS", RESOLVED_PRONOUNS),
        ("DEFINITE", DEFINITE),
        ("DOCUMENTS", DOCUMENTS),
        ("AUX", AUX),
        ("BE", BE),
        ("SUBJECT_STOP", SUBJECT_STOP),
        ("NOT_BEFORE_VERB", NOT_BEFORE_VERB),
        ("DETERMINERS", DETERMINERS),
        ("NOT_CLAUSE_START", NOT_CLAUSE_START),
        ("FORWARD_STOP", FORWARD_STOP),
        ("INTRO", INTRO),
        ("CONJ", CONJ),
        ("TITLES", TITLES),
        ("ABBREVIATIONS", ABBREVIATIONS),
        ("SENTENCE_STARTERS", SENTENCE_STARTERS),
        ("NOT_PLURAL", NOT_PLURAL),
        ("NOT_ADVERBS", NOT_ADVERBS),
        ("WEEKDAYS", WEEKDAYS),
    ];

    #[test]
    fn words_are_lowercase_and_listed_once() {
        for (name, list) in LISTS {
            for (i, w) in list.iter().enumerate() {
                assert_eq!(*w, w.to_lowercase(), "{name}: {w} is never matched");
                assert!(!list[..i].contains(w), "{name}: {w} is listed twice");
            }
        }
    }
}
