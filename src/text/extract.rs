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

use serde::Serialize;
use std::collections::HashMap;

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
/// The fewest words of a reported statement that keeps its verb
/// (`refuted the allegations` is an act, not a statement).
const MIN_VERB_PHRASE_WORDS: usize = 4;
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

/// One statement found in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
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
    let mut ex = Extractor {
        chars: &chars,
        para: 0,
        sents: Vec::new(),
        quotes: Vec::new(),
        found: Vec::new(),
        last_named: None,
    };
    for (ps, pe) in paragraphs(&chars) {
        ex.paragraph(ps, pe);
        ex.para += 1;
    }
    ex.finish()
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
        let kind = kind_of_words(&words[i + 1..]);
        if kind != SourceKind::Unknown {
            return kind;
        }
    }
    kind_of_words(&words)
}

// ---------------------------------------------------------------------------
// Word lists.

/// Words that make a source a government body.
const GOV_STRONG: &[&str] = &[
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
const GOV_WEAK: &[&str] = &[
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
const COMPANY_STRONG: &[&str] = &[
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
const COMPANY_WEAK: &[&str] = &[
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
const NAME_STOP: &[&str] = &[
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
const PRONOUNS: &[&str] = &["it", "he", "she", "they", "we", "i"];

/// Pronouns replaced by the last named source (`he` and `she` are kept:
/// the last name is often not the person's).
const RESOLVED_PRONOUNS: &[&str] = &["it", "they"];

/// Determiners that make `the statement` refer back to one already named.
const DEFINITE: &[&str] = &["the", "its", "their", "this", "that"];

/// Things that say something on a speaker's behalf; after a definite
/// determiner they are replaced by the last named source, like `it`.
const DOCUMENTS: &[&str] = &[
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
const AUX: &[&str] = &[
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
const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];

/// Words that end a subject when going back from its verb.
const SUBJECT_STOP: &[&str] = &[
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
const NOT_BEFORE_VERB: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "my", "your", "this", "these", "those",
    "any", "no", "such", "every", "each", "another", "of", "for", "over", "about", "on", "in",
    "with", "amid", "after", "before", "without", "by", "against", "from", "into", "under", "to",
];

/// Determiners (a subject starts at the last one not after a preposition).
const DETERMINERS: &[&str] = &["the", "a", "an"];

/// Words a reported clause without `that` does not start with
/// (`said in a statement`, `said late on Tuesday`).
const NOT_CLAUSE_START: &[&str] = &[
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
const FORWARD_STOP: &[&str] = &[
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
const INTRO: &[&str] = &[
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
const CONJ: &[&str] = &["and", "but", "while", "whereas", "although", "though"];

/// Titles and initials after which a period never ends a sentence.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "st", "lt", "col", "capt", "sgt",
    "no", "vs", "jr", "sr", "mt", "ft", "hon", "rev",
];

/// Abbreviations after which a period ends a sentence only before a word
/// that usually starts one.
const ABBREVIATIONS: &[&str] = &[
    "inc", "ltd", "corp", "co", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "approx", "dept", "est", "plc", "llc", "bros",
];

/// Words that usually start a sentence.
const SENTENCE_STARTERS: &[&str] = &[
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
const NOT_PLURAL: &[&str] = &[
    "its", "this", "his", "was", "has", "is", "as", "us", "does", "yes", "thus", "less", "across",
    "unless", "hers", "ours", "theirs", "whereas",
];

/// Lowercase -ly words that are not adverbs.
const NOT_ADVERBS: &[&str] = &[
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
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

// ---------------------------------------------------------------------------
// Attribution verbs.

/// How an attribution verb's statement is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A verb of saying: the statement is the clause after it (or after
    /// `that`).
    Say,
    /// A verb of denial or accusation: the statement keeps the verb.
    Deny,
    /// Other reporting verbs: the clause after `that`, else the verb and
    /// its object.
    Report,
}

/// What is known about one attribution verb form.
#[derive(Debug, Clone, Copy)]
struct Verb {
    class: Class,
    /// Also a noun or an adjective (`claims`, `notes`, `warning`).
    ambiguous: bool,
    /// Takes a statement only with `that` (`told reporters that`).
    needs_that: bool,
    /// A participle (`stating`).
    ing: bool,
    /// A past participle form (`said`, `accused`).
    past: bool,
}

/// Attribution verb forms and their class.
const VERBS: &[(&str, Class)] = &[
    ("say", Class::Say),
    ("says", Class::Say),
    ("said", Class::Say),
    ("saying", Class::Say),
    ("stated", Class::Say),
    ("stating", Class::Say),
    ("add", Class::Say),
    ("adds", Class::Say),
    ("added", Class::Say),
    ("adding", Class::Say),
    ("noted", Class::Say),
    ("noting", Class::Say),
    ("insist", Class::Say),
    ("insisted", Class::Say),
    ("insists", Class::Say),
    ("insisting", Class::Say),
    ("argue", Class::Say),
    ("argued", Class::Say),
    ("argues", Class::Say),
    ("arguing", Class::Say),
    ("claimed", Class::Say),
    ("claiming", Class::Say),
    ("asserted", Class::Say),
    ("asserts", Class::Say),
    ("asserting", Class::Say),
    ("contended", Class::Say),
    ("contends", Class::Say),
    ("countered", Class::Say),
    ("replied", Class::Say),
    ("explained", Class::Say),
    ("explains", Class::Say),
    ("explaining", Class::Say),
    ("stressed", Class::Say),
    ("stresses", Class::Say),
    ("stressing", Class::Say),
    ("emphasized", Class::Say),
    ("emphasised", Class::Say),
    ("wrote", Class::Say),
    ("writes", Class::Say),
    ("told", Class::Say),
    ("tells", Class::Say),
    ("maintain", Class::Say),
    ("maintained", Class::Say),
    ("maintains", Class::Say),
    ("maintaining", Class::Say),
    ("responded", Class::Say),
    ("suggested", Class::Say),
    ("suggests", Class::Say),
    ("believes", Class::Say),
    ("state", Class::Say),
    ("states", Class::Say),
    ("note", Class::Say),
    ("notes", Class::Say),
    ("claim", Class::Say),
    ("claims", Class::Say),
    ("deny", Class::Deny),
    ("denies", Class::Deny),
    ("denied", Class::Deny),
    ("denying", Class::Deny),
    ("refute", Class::Deny),
    ("refutes", Class::Deny),
    ("refuted", Class::Deny),
    ("refuting", Class::Deny),
    ("reject", Class::Deny),
    ("rejects", Class::Deny),
    ("rejected", Class::Deny),
    ("rejecting", Class::Deny),
    ("disputed", Class::Deny),
    ("disputing", Class::Deny),
    ("dispute", Class::Deny),
    ("disputes", Class::Deny),
    ("dismissed", Class::Deny),
    ("dismisses", Class::Deny),
    ("dismissing", Class::Deny),
    ("rebuffed", Class::Deny),
    ("rebutted", Class::Deny),
    ("accuse", Class::Deny),
    ("accuses", Class::Deny),
    ("accused", Class::Deny),
    ("accusing", Class::Deny),
    ("blamed", Class::Deny),
    ("blames", Class::Deny),
    ("blaming", Class::Deny),
    ("blame", Class::Deny),
    ("condemned", Class::Deny),
    ("condemns", Class::Deny),
    ("condemning", Class::Deny),
    ("criticized", Class::Deny),
    ("criticised", Class::Deny),
    ("criticizes", Class::Deny),
    ("criticises", Class::Deny),
    ("criticizing", Class::Deny),
    ("criticising", Class::Deny),
    ("allege", Class::Report),
    ("alleges", Class::Report),
    ("alleged", Class::Report),
    ("alleging", Class::Report),
    ("warn", Class::Report),
    ("warns", Class::Report),
    ("warned", Class::Report),
    ("warning", Class::Report),
    ("announce", Class::Report),
    ("announces", Class::Report),
    ("announced", Class::Report),
    ("announcing", Class::Report),
    ("confirm", Class::Report),
    ("confirms", Class::Report),
    ("confirmed", Class::Report),
    ("confirming", Class::Report),
    ("pledge", Class::Report),
    ("pledges", Class::Report),
    ("pledged", Class::Report),
    ("pledging", Class::Report),
    ("promise", Class::Report),
    ("promises", Class::Report),
    ("promised", Class::Report),
    ("promising", Class::Report),
    ("vow", Class::Report),
    ("vows", Class::Report),
    ("vowed", Class::Report),
    ("vowing", Class::Report),
    ("threaten", Class::Report),
    ("threatens", Class::Report),
    ("threatened", Class::Report),
    ("threatening", Class::Report),
    ("reiterate", Class::Report),
    ("reiterates", Class::Report),
    ("reiterated", Class::Report),
    ("reiterating", Class::Report),
    ("acknowledge", Class::Report),
    ("acknowledged", Class::Report),
    ("acknowledges", Class::Report),
    ("acknowledging", Class::Report),
    ("admitted", Class::Report),
    ("admits", Class::Report),
    ("admitting", Class::Report),
    ("disclosed", Class::Report),
    ("revealed", Class::Report),
    ("urged", Class::Report),
    ("urges", Class::Report),
    ("demanded", Class::Report),
    ("demands", Class::Report),
    ("ordered", Class::Report),
    ("orders", Class::Report),
];

/// Verb forms that are also nouns or adjectives.
const AMBIGUOUS: &[&str] = &[
    "state",
    "states",
    "note",
    "notes",
    "claim",
    "claims",
    "pledge",
    "pledges",
    "promise",
    "promises",
    "vow",
    "vows",
    "warning",
    "promising",
    "threatening",
    "dispute",
    "disputes",
    "demands",
    "orders",
    "blame",
    "maintain",
];

/// Verb forms that take a statement only through `that`.
const NEEDS_THAT: &[&str] = &[
    "told",
    "tells",
    "maintain",
    "maintained",
    "maintains",
    "maintaining",
    "responded",
    "suggested",
    "suggests",
    "believes",
    "state",
    "states",
    "note",
    "notes",
    "claim",
    "claims",
    "explained",
    "explains",
    "explaining",
    "stressed",
    "stresses",
    "stressing",
    "emphasized",
    "emphasised",
    "wrote",
    "writes",
];

/// The attribution verb `w` (lowercase), if it is one.
fn verb(w: &str) -> Option<Verb> {
    let class = VERBS.iter().find(|(v, _)| *v == w)?.1;
    Some(Verb {
        class,
        ambiguous: AMBIGUOUS.contains(&w),
        needs_that: NEEDS_THAT.contains(&w),
        ing: w.ends_with("ing"),
        past: w.ends_with("ed") || matches!(w, "said" | "told" | "wrote"),
    })
}

// ---------------------------------------------------------------------------
// Paragraphs and tokens.

/// Char ranges of the paragraphs: blank-line separated, or one per line
/// when the article has no blank line between two lines of text.
fn paragraphs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            lines.push((start, i));
            start = i + 1;
        }
    }
    lines.push((start, chars.len()));
    let blank = |&(s, e): &(usize, usize)| chars[s..e].iter().all(|c| c.is_whitespace());
    let first = lines.iter().position(|l| !blank(l));
    let last = lines.iter().rposition(|l| !blank(l));
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let lines = &lines[first..=last];
    let blank_lines = lines.iter().any(blank);
    let mut paras = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for line in lines {
        if blank(line) {
            if let Some(p) = cur.take() {
                paras.push(p);
            }
        } else if !blank_lines {
            paras.push(*line);
        } else {
            cur = Some(match cur {
                Some((s, _)) => (s, line.1),
                None => *line,
            });
        }
    }
    if let Some(p) = cur {
        paras.push(p);
    }
    paras
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A word (letters and digits, with inner `'`, `-`, `.`, ...).
    Word,
    /// One punctuation char.
    Punct(char),
    /// A double quotation mark not yet classified.
    Mark(char),
    /// The opening mark of a top-level quote.
    Open,
    /// The closing mark of a top-level quote.
    Close,
    /// A quotation mark inside a quote.
    Nested,
}

/// One token of a paragraph.
#[derive(Debug, Clone)]
struct Tok {
    /// First char offset in the article.
    start: usize,
    /// Offset past its last char.
    end: usize,
    kind: Kind,
    /// Inside a quote (between its marks).
    inq: bool,
}

/// Whether `c` is a double quotation mark.
fn is_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»' | '＂')
}

/// Whether `c` can join two runs of letters or digits inside one word.
fn is_connector(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '-' | '‐' | '.' | '&' | '/' | '@' | '_' | '+'
    )
}

/// Whether `c` ends a sentence.
fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// A top-level quote of a paragraph, by token index.
#[derive(Debug)]
struct QuoteSpan {
    /// The opening mark.
    open: usize,
    /// The closing mark, if the quote was closed by one.
    close: Option<usize>,
    /// Token index just past its inner text.
    end_tok: usize,
    /// Char offset just past its inner text (before trimming).
    end_char: usize,
}

/// One paragraph, tokenized.
struct Para<'a> {
    chars: &'a [char],
    toks: Vec<Tok>,
    /// Lowercase text of each word token (empty for others).
    lower: Vec<String>,
    /// The source of the attribution verb at each token, if any.
    attr: Vec<Option<Span>>,
    /// Char offset past the paragraph's end.
    end: usize,
}

/// A char range of the article.
type Span = (usize, usize);

impl<'a> Para<'a> {
    /// Tokenizes chars `ps..pe`.
    fn new(chars: &'a [char], ps: usize, pe: usize) -> Para<'a> {
        let mut toks = Vec::new();
        let mut i = ps;
        while i < pe {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if is_mark(c) {
                toks.push(Tok {
                    start: i,
                    end: i + 1,
                    kind: Kind::Mark(c),
                    inq: false,
                });
                i += 1;
            } else if c.is_alphanumeric() {
                let mut j = i + 1;
                loop {
                    if j < pe && chars[j].is_alphanumeric() {
                        j += 1;
                    } else if j + 1 < pe
                        && chars[j + 1].is_alphanumeric()
                        && (is_connector(chars[j])
                            || (chars[j] == ',' && chars[j - 1].is_ascii_digit()))
                    {
                        j += 2;
                    } else {
                        break;
                    }
                }
                toks.push(Tok {
                    start: i,
                    end: j,
                    kind: Kind::Word,
                    inq: false,
                });
                i = j;
            } else {
                toks.push(Tok {
                    start: i,
                    end: i + 1,
                    kind: Kind::Punct(c),
                    inq: false,
                });
                i += 1;
            }
        }
        let lower = toks
            .iter()
            .map(|t| match t.kind {
                Kind::Word => chars[t.start..t.end]
                    .iter()
                    .collect::<String>()
                    .to_lowercase(),
                _ => String::new(),
            })
            .collect();
        let attr = vec![None; toks.len()];
        Para {
            chars,
            toks,
            lower,
            attr,
            end: pe,
        }
    }

    /// The lowercase word at `k` when it is a word outside quotes.
    fn word(&self, k: usize) -> Option<&str> {
        let t = self.toks.get(k)?;
        (t.kind == Kind::Word && !t.inq).then(|| self.lower[k].as_str())
    }

    /// Whether token `k` is the punctuation `c` outside quotes.
    fn is_punct(&self, k: usize, c: char) -> bool {
        self.toks
            .get(k)
            .is_some_and(|t| t.kind == Kind::Punct(c) && !t.inq)
    }

    /// Whether token `k` starts with an uppercase letter.
    fn capitalized(&self, k: usize) -> bool {
        self.chars[self.toks[k].start].is_uppercase()
    }

    /// The attribution verb at `k`, if that token is one (outside quotes).
    fn verb_at(&self, k: usize) -> Option<Verb> {
        let w = self.word(k)?;
        if self.capitalized(k) {
            return None;
        }
        verb(w)
    }

    /// Char span of tokens `s..e` (`e > s`).
    fn span(&self, s: usize, e: usize) -> Span {
        (self.toks[s].start, self.toks[e - 1].end)
    }

    /// Whether the word at `k` is an abbreviation before a period.
    fn abbreviation(&self, k: usize) -> Option<bool> {
        let t = self.toks.get(k)?;
        if t.kind != Kind::Word {
            return None;
        }
        let w = self.lower[k].as_str();
        let single = t.end - t.start == 1 && self.chars[t.start].is_uppercase();
        if single || TITLES.contains(&w) {
            Some(true)
        } else if w.contains('.') || ABBREVIATIONS.contains(&w) {
            Some(false)
        } else {
            None
        }
    }

    /// Whether token `k` is a period right after an abbreviation
    /// (`Inc.`, `U.S.`), outside quotes.
    fn abbreviation_period(&self, k: usize) -> bool {
        k > 0
            && self.is_punct(k, '.')
            && self.toks[k - 1].end == self.toks[k].start
            && !self.toks[k - 1].inq
            && self.abbreviation(k - 1).is_some()
    }

    /// Finds the top-level quotes and marks the tokens inside them.
    fn find_quotes(&mut self, ps: usize) -> Vec<QuoteSpan> {
        let mut spans: Vec<QuoteSpan> = Vec::new();
        let mut depth = 0usize;
        for t in 0..self.toks.len() {
            let Kind::Mark(c) = self.toks[t].kind else {
                if depth > 0 {
                    self.toks[t].inq = true;
                }
                continue;
            };
            let (s, e) = (self.toks[t].start, self.toks[t].end);
            let after_text = s > ps && !self.chars[s - 1].is_whitespace();
            let before_word = e < self.end && self.chars[e].is_alphanumeric();
            let opens = match c {
                '„' | '«' => true,
                '“' => !(depth > 0 && after_text && !before_word),
                '”' | '»' => depth == 0 && !after_text && before_word,
                _ => depth == 0 || (!after_text && before_word),
            };
            if opens {
                if depth == 0 {
                    self.toks[t].kind = Kind::Open;
                    spans.push(QuoteSpan {
                        open: t,
                        close: None,
                        end_tok: self.toks.len(),
                        end_char: self.end,
                    });
                    depth = 1;
                } else if depth == 1 && self.sentence_end_before(t) {
                    // The quote before was never closed: it ends at its
                    // last sentence, and this mark opens a new one.
                    if let Some(q) = spans.last_mut() {
                        q.end_tok = t;
                        q.end_char = self.toks[t - 1].end;
                    }
                    self.toks[t].kind = Kind::Open;
                    spans.push(QuoteSpan {
                        open: t,
                        close: None,
                        end_tok: self.toks.len(),
                        end_char: self.end,
                    });
                } else {
                    self.toks[t].kind = Kind::Nested;
                    self.toks[t].inq = true;
                    depth += 1;
                }
            } else if depth == 0 {
                self.toks[t].kind = Kind::Punct(c);
            } else if depth == 1 {
                self.toks[t].kind = Kind::Close;
                if let Some(q) = spans.last_mut() {
                    q.close = Some(t);
                    q.end_tok = t;
                    q.end_char = s;
                }
                depth = 0;
            } else {
                self.toks[t].kind = Kind::Nested;
                self.toks[t].inq = true;
                depth -= 1;
            }
        }
        spans
    }

    /// Whether token `t` follows a sentence end and a space inside a quote.
    fn sentence_end_before(&self, t: usize) -> bool {
        t > 0
            && matches!(self.toks[t - 1].kind, Kind::Punct(c) if is_terminal(c))
            && self.toks[t - 1].end < self.toks[t].start
    }

    /// Whether token `k` can start a sentence.
    fn starts_sentence(&self, k: usize) -> bool {
        let Some(t) = self.toks.get(k) else {
            return true;
        };
        match t.kind {
            Kind::Word => {
                let c = self.chars[t.start];
                c.is_uppercase() || c.is_ascii_digit()
            }
            Kind::Open => true,
            Kind::Punct(c) => matches!(c, '(' | '[' | '\'' | '‘'),
            _ => false,
        }
    }

    /// Token ranges of the sentences (sentence ends inside quotes do not
    /// count, so a quote lies within one sentence).
    fn sentences(&self) -> Vec<(usize, usize)> {
        let n = self.toks.len();
        let mut out = Vec::new();
        let mut s = 0;
        for t in 0..n {
            let tok = &self.toks[t];
            if tok.inq {
                continue;
            }
            let end_here = match tok.kind {
                Kind::Punct(c) if is_terminal(c) => {
                    let next_terminal = t + 1 < n
                        && matches!(self.toks[t + 1].kind, Kind::Punct(d) if is_terminal(d));
                    let abbrev = if c == '.' && t > 0 && self.toks[t - 1].end == tok.start {
                        self.abbreviation(t - 1)
                    } else {
                        None
                    };
                    if t + 1 == n {
                        true
                    } else if next_terminal {
                        false
                    } else {
                        match abbrev {
                            Some(true) => false,
                            Some(false) => {
                                self.toks[t + 1].kind == Kind::Open
                                    || self
                                        .word(t + 1)
                                        .is_some_and(|w| SENTENCE_STARTERS.contains(&w))
                            }
                            None => self.starts_sentence(t + 1),
                        }
                    }
                }
                Kind::Close => {
                    t > 0
                        && matches!(self.toks[t - 1].kind, Kind::Punct(c) if is_terminal(c))
                        && self.starts_sentence(t + 1)
                }
                _ => false,
            };
            if end_here {
                out.push((s, t + 1));
                s = t + 1;
            }
        }
        if s < n {
            out.push((s, n));
        }
        out
    }
}

// ---------------------------------------------------------------------------
// The extractor.

/// One sentence, for quotes that look for a source around them.
struct SentInfo {
    /// Its paragraph.
    para: usize,
    /// The first source attributed in it.
    source: Option<Span>,
}

/// One quote found.
struct QuoteInfo {
    start: usize,
    end: usize,
    words: usize,
    /// Ends with a sentence end inside its marks.
    terminal: bool,
    para: usize,
    sent: usize,
    /// Attributed in its own sentence.
    own: Option<Span>,
}

/// One statement before its source's kind is known.
struct Found {
    start: usize,
    end: usize,
    source: Option<Span>,
    quote: bool,
}

/// What was found going back from a verb to its subject.
struct Back {
    /// The subject's tokens.
    subject: Option<(usize, usize)>,
    /// What stands before the subject (or before the verb, with none).
    boundary: Boundary,
    /// The verb is negated, passive, an infinitive or a noun: no statement.
    skip: bool,
}

/// What ends a subject going back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boundary {
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

struct Extractor<'a> {
    chars: &'a [char],
    para: usize,
    sents: Vec<SentInfo>,
    quotes: Vec<QuoteInfo>,
    found: Vec<Found>,
    /// The last source named (not a pronoun) and its paragraph.
    last_named: Option<(Span, usize)>,
}

impl Extractor<'_> {
    /// Finds the statements of paragraph `ps..pe`.
    fn paragraph(&mut self, ps: usize, pe: usize) {
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
            let mut start = p.toks[q.open].end;
            let mut end = q.end_char;
            while start < end && self.chars[start].is_whitespace() {
                start += 1;
            }
            while start < end
                && (self.chars[end - 1].is_whitespace()
                    || matches!(self.chars[end - 1], ',' | ';' | ':'))
            {
                end -= 1;
            }
            if start >= end {
                continue;
            }
            let words = p.toks[q.open + 1..q.end_tok]
                .iter()
                .filter(|t| t.kind == Kind::Word)
                .count();
            let own = Self::quote_own(&p, &q, ts, te);
            self.quotes.push(QuoteInfo {
                start,
                end,
                words,
                terminal: is_terminal(self.chars[end - 1]),
                para: self.para,
                sent: first_sent + si,
                own,
            });
        }
    }

    /// The source of an attribution verb right after a quote's closing mark
    /// or right before its opening mark, in its sentence.
    fn quote_own(p: &Para, q: &QuoteSpan, ts: usize, te: usize) -> Option<Span> {
        if let Some(c) = q.close {
            for k in c + 1..te.min(c + 1 + ATTRIBUTION_WINDOW) {
                if p.toks[k].kind == Kind::Open {
                    break;
                }
                if let Some(src) = p.attr[k] {
                    return Some(src);
                }
            }
        }
        for k in (ts.max(q.open.saturating_sub(ATTRIBUTION_WINDOW))..q.open).rev() {
            if p.toks[k].kind == Kind::Close {
                break;
            }
            if let Some(src) = p.attr[k] {
                return Some(src);
            }
        }
        None
    }

    /// Finds the attribution verbs of sentence `ts..te` and their reported
    /// statements.
    fn sentence(&mut self, p: &mut Para, ts: usize, te: usize) {
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
                t += 1;
                continue;
            };
            let back = self.look_back(p, t, ts);
            if back.skip || (v.ambiguous && !self.subject_like(p, &back, v)) {
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
                        Self::forward_source(p, t + 1, te)
                    }
                    Boundary::Conj => last,
                    Boundary::Comma if v.ing => first.or_else(|| self.main_subject(p, ts, te)),
                    Boundary::Comma => Self::appositive(p, t, ts),
                    _ => None,
                },
            };
            if source.is_none() && back.boundary == Boundary::Comma && v.ing {
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
            // A sentence with its attribution in the middle
            // (`Kaspersky, the statement added, had ...`).
            let subject_start = back.subject.map_or(t, |(s, _)| s);
            if back.boundary == Boundary::Comma
                && back.subject.is_some()
                && p.is_punct(t + 1, ',')
                && subject_start > ts + 1
                && !produced
                && te - ts <= MAX_SENTENCE_TOKENS
            {
                if let Some((s, e)) = trim_tokens(p, ts, te) {
                    if count_words(p, s, e) >= MIN_REPORTED_WORDS {
                        self.push_reported(p, s, e, source);
                        produced = true;
                        covered = te;
                    }
                }
                t += 1;
                continue;
            }
            let (pieces, scan_end) = Self::complement(p, t, te, v, quote_attr);
            for (s, e, min) in pieces {
                if count_words(p, s, e) >= min {
                    self.push_reported(p, s, e, source);
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

    /// Records a reported statement of tokens `s..e`.
    fn push_reported(&mut self, p: &Para, s: usize, e: usize, source: Option<Span>) {
        let (start, end) = p.span(s, e);
        self.found.push(Found {
            start,
            end,
            source,
            quote: false,
        });
    }

    /// Remembers `span` as the last source named, unless it is a pronoun.
    fn note_named(&mut self, span: Span) {
        let text: String = self.chars[span.0..span.1].iter().collect();
        if !PRONOUNS.contains(&text.to_lowercase().as_str()) {
            self.last_named = Some((span, self.para));
        }
    }

    /// A pronoun subject replaced by the last named source, else the
    /// subject as written; remembers named subjects.
    fn resolve(&mut self, p: &Para, s: usize, e: usize) -> Span {
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
    fn look_back(&self, p: &Para, v: usize, ts: usize) -> Back {
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
        let is_past = verb(&p.lower[v]).is_some_and(|x| x.past);
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
            } else {
                break;
            }
        }
        if k > ts && p.word(k - 1) == Some("to") {
            return skip;
        }
        // A relative clause: `Acme, which said ...` is Acme speaking.
        if k > ts && matches!(p.word(k - 1), Some("which" | "who")) {
            k -= 1;
            if k > ts && p.is_punct(k - 1, ',') {
                k -= 1;
            }
        }
        let (s, e) = Self::collect_back(p, k, ts);
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
        let s = Self::trim_subject(p, s, e);
        Back {
            subject: (s < e).then_some((s, e)),
            boundary,
            skip: false,
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
            if SUBJECT_STOP.contains(&w) || (p.verb_at(j).is_some() && !AMBIGUOUS.contains(&w)) {
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

    /// Whether what stands before an ambiguous verb form looks like its
    /// subject (`the company claims`, not `rejected claims`).
    fn subject_like(&self, p: &Para, back: &Back, v: Verb) -> bool {
        if v.ing {
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

    /// The subject of a verb with no subject before it, whose appositive
    /// ends at the comma before it (`Kaspersky, a leading firm, has
    /// confirmed`): the name and its appositive.
    fn appositive(p: &Para, v: usize, ts: usize) -> Option<Span> {
        let mut c = v;
        while c > ts && !p.is_punct(c - 1, ',') {
            c -= 1;
        }
        let comma = c.checked_sub(1)?;
        let mut k = comma;
        let lo = comma.saturating_sub(ATTRIBUTION_WINDOW).max(ts);
        while k > lo {
            k -= 1;
            if p.is_punct(k, ',') {
                let (s, e) = Self::collect_back(p, k, ts);
                let s = Self::trim_subject(p, s, e);
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

    /// The subject of the sentence's main clause, read from its start
    /// (after an introductory phrase like `Earlier,`).
    fn main_subject(&mut self, p: &Para, ts: usize, te: usize) -> Option<Span> {
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

    /// A source read forwards from token `k` (`said John Smith, chief
    /// executive of Acme.`; `according to the ministry,`): words up to
    /// punctuation or a stop word, with an appositive that runs to the
    /// sentence end.
    fn forward_source(p: &Para, k: usize, te: usize) -> Option<Span> {
        let e = Self::forward_words(p, k, te);
        if e == k {
            return None;
        }
        let mut last = e;
        if p.is_punct(e, ',') {
            let e2 = Self::forward_words(p, e + 1, te);
            let at_end = e2 == te || (e2 + 1 == te && p.is_punct(e2, '.'));
            if e2 > e + 1 && at_end {
                last = e2;
            }
        }
        Some(p.span(k, last))
    }

    /// The end of the run of source words from `k`.
    fn forward_words(p: &Para, k: usize, te: usize) -> usize {
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
        let src_end = Self::forward_words(p, src_start, te);
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
            let (end, _) = Self::clause_end(p, src_end + 1, te, false);
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
        self.push_reported(p, s, e, source);
        Some(e.max(src_end))
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
        for k in v + 1..te.min(v + 7) {
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
                let (end, _) = Self::clause_end(p, v + 1, te, that_at.is_none());
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
                    let (end, next) = Self::clause_end(p, start, te, false);
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
                    let (end, next) = Self::clause_end(p, start, te, false);
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
                let (end, _) = Self::clause_end(p, v + 1, te, true);
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
                    if matches!(c, ';' | ':' | '—' | '–' | '(' | ')' | '[' | ']') {
                        return (k, None);
                    }
                    if c == ',' {
                        if commas_end {
                            return (k, None);
                        }
                        let next_open = p.toks.get(k + 1).is_some_and(|t| t.kind == Kind::Open);
                        let next_ing = p.verb_at(k + 1).is_some_and(|v| v.ing);
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
                    if k > start && CONJ.contains(&w) && Self::attribution_follows(p, k + 1, te) {
                        return (k, None);
                    }
                }
                _ => {}
            }
            k += 1;
        }
        (k, None)
    }

    /// Whether an attribution verb follows within a few words of `k`
    /// (`but note that`, `and the ministry added`).
    fn attribution_follows(p: &Para, k: usize, te: usize) -> bool {
        for j in k..te.min(k + 6) {
            let Some(w) = p.word(j) else { return false };
            if let Some(v) = p.verb_at(j) {
                if !v.ambiguous || p.word(j + 1) == Some("that") {
                    return true;
                }
            }
            if w == "that" {
                return false;
            }
        }
        false
    }

    /// Gives quotes their sources, drops scare quotes and quotes inside
    /// reported statements, and works out the sources' kinds.
    fn finish(mut self) -> Vec<Statement> {
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
        kept.iter()
            .zip(kinds)
            .map(|(f, kind)| {
                let source = f.source.map(text);
                let (kind, source_mention) = match (&source, kind) {
                    (Some(src), SourceKind::Unknown) => {
                        let kind = kind_from_names(src, &names);
                        let mention = (kind != SourceKind::Unknown)
                            .then(|| {
                                name_keys(src)
                                    .iter()
                                    .find_map(|key| mentions.get(key).cloned())
                            })
                            .flatten();
                        (kind, mention)
                    }
                    _ => (kind, None),
                };
                (
                    f.quote,
                    Statement {
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
            .collect()
    }
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

/// Whether a token is a quotation mark of a top-level quote.
fn is_quote_tok(t: &Tok) -> bool {
    matches!(t.kind, Kind::Open | Kind::Close)
}

/// Tokens `s..e` without trailing punctuation (a period after an
/// abbreviation stays) or a dangling conjunction; `None` when nothing is
/// left.
fn trim_tokens(p: &Para, s: usize, mut e: usize) -> Option<(usize, usize)> {
    while e > s {
        let t = &p.toks[e - 1];
        let drop = match t.kind {
            Kind::Punct('.') => {
                !(e - 1 > s && p.toks[e - 2].end == t.start && p.abbreviation(e - 2).is_some())
            }
            Kind::Punct(c) => !matches!(c, ')' | ']' | '!' | '?' | '’' | '\'' | '%'),
            Kind::Word => matches!(p.lower[e - 1].as_str(), "and" | "but" | "or"),
            _ => false,
        };
        if !drop {
            break;
        }
        e -= 1;
    }
    (e > s).then_some((s, e))
}

/// Words in tokens `s..e`, quoted ones included.
fn count_words(p: &Para, s: usize, e: usize) -> usize {
    p.toks[s..e].iter().filter(|t| t.kind == Kind::Word).count()
}

/// Whether `w` (lowercase) names a kind of source.
fn is_kind_word(w: &str) -> bool {
    GOV_STRONG.contains(&w)
        || GOV_WEAK.contains(&w)
        || COMPANY_STRONG.contains(&w)
        || COMPANY_WEAK.contains(&w)
}

/// The lowercase words of a source, possessives split off.
fn kind_words(source: &str) -> Vec<String> {
    source
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The kind named by a source's words (see [`source_kind`]).
fn kind_of_words(words: &[String]) -> SourceKind {
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
fn name_keys(source: &str) -> Vec<String> {
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
fn kind_from_names(source: &str, names: &HashMap<String, Option<SourceKind>>) -> SourceKind {
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
    use super::*;

    /// The statements' texts.
    fn texts(article: &str) -> Vec<String> {
        extract(article).into_iter().map(|s| s.text).collect()
    }

    /// `(text, source)` pairs.
    fn pairs(article: &str) -> Vec<(String, Option<String>)> {
        extract(article)
            .into_iter()
            .map(|s| (s.text, s.source))
            .collect()
    }

    fn check_offsets(article: &str) {
        let chars: Vec<char> = article.chars().collect();
        for s in extract(article) {
            let slice: String = chars[s.start..s.end].iter().collect();
            assert_eq!(slice, s.text);
        }
    }

    #[test]
    fn empty_and_blank_articles_have_no_statements() {
        assert!(extract("").is_empty());
        assert!(extract("  \n\r\n\t ").is_empty());
        assert!(extract("The weather was fine. Markets rose on Tuesday.").is_empty());
    }

    #[test]
    fn straight_and_curly_quotes_with_attribution_after() {
        let a = "\"We will appeal the ruling,\" the company said. “We reject the findings,” said the ministry.";
        assert_eq!(
            pairs(a),
            vec![
                (
                    "We will appeal the ruling".to_string(),
                    Some("the company".to_string())
                ),
                (
                    "We reject the findings".to_string(),
                    Some("the ministry".to_string())
                ),
            ]
        );
        check_offsets(a);
    }

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
    fn multi_sentence_quote_is_one_statement() {
        let a = "The regulator said: “The company broke the rules. It hid the data. It must pay.”";
        assert_eq!(
            texts(a),
            vec!["The company broke the rules. It hid the data. It must pay."]
        );
        assert_eq!(extract(a)[0].source.as_deref(), Some("The regulator"));
    }

    #[test]
    fn nested_single_quotes_stay_inside() {
        let a = "“They called our product ‘a threat’ without any evidence,” the company said.";
        assert_eq!(
            texts(a),
            vec!["They called our product ‘a threat’ without any evidence"]
        );
    }

    #[test]
    fn unclosed_quote_runs_to_the_end_of_its_paragraph() {
        let a = "The ministry said: “The firm lied to us and to the public.\n\nIn other news, the weather was fine and “sunny” all day long.";
        let got = extract(a);
        assert_eq!(got[0].text, "The firm lied to us and to the public.");
        assert!(got.iter().all(|s| !s.text.contains("weather")));
        check_offsets(a);
    }

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
        assert!(extract("The company rejected the ruling.").is_empty());
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
    fn windows_line_endings_keep_char_offsets() {
        let a = "Acme said that it would appeal the ruling.\r\n\r\n“We are confident in our case,” the company said.\r\n";
        let got = extract(a);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].text, "We are confident in our case");
        check_offsets(a);
    }

    #[test]
    fn offsets_count_chars_not_bytes() {
        let a = "Ünïcödé — “Nous ne quitterons pas le marché,” a déclaré l’entreprise Renault.";
        let got = extract(a);
        assert_eq!(got[0].start, 11);
        check_offsets(a);
    }

    #[test]
    fn scare_quotes_are_not_statements() {
        assert!(extract("The so-called “kill switch” was never used.").is_empty());
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
