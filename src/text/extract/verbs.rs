//! The attribution verbs: one table, [`VERBS`], with a row per verb form
//! giving its class (how its statement is cut), which form it is and its
//! flags. Adding a verb form is adding its row.

use Form::{Ing, Past, Plain};

/// How an attribution verb's statement is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// A verb of saying: the statement is the clause after it (or after
    /// `that`).
    Say,
    /// A verb of denial or accusation: the statement keeps the verb.
    Deny,
    /// Other reporting verbs: the clause after `that`, else the verb and
    /// its object.
    Report,
}

/// Which form of its verb an attribution verb form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// The base or present form (`say`, `says`).
    Plain,
    /// A past form (`said`, `accused`): after a form of `to be` it is
    /// passive (`was accused`), not an attribution.
    Past,
    /// A participle (`stating`).
    Ing,
}

/// One attribution verb form and what is known about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Verb {
    /// The form, lowercase.
    pub(super) word: &'static str,
    /// How its statement is cut.
    pub(super) class: Class,
    /// Which form it is.
    pub(super) form: Form,
    /// Also a noun or an adjective (`claims`, `notes`, `warning`).
    pub(super) ambiguous: bool,
    /// Takes a statement only with `that` (`told reporters that`).
    pub(super) needs_that: bool,
}

impl Verb {
    /// A verb form without flags.
    const fn new(word: &'static str, class: Class, form: Form) -> Verb {
        Verb {
            word,
            class,
            form,
            ambiguous: false,
            needs_that: false,
        }
    }

    /// The same form, also a noun or an adjective.
    const fn ambiguous(self) -> Verb {
        Verb {
            ambiguous: true,
            ..self
        }
    }

    /// The same form, taking a statement only through `that`.
    const fn needs_that(self) -> Verb {
        Verb {
            needs_that: true,
            ..self
        }
    }

    /// A participle (`stating`).
    pub(super) fn ing(self) -> bool {
        self.form == Ing
    }

    /// A past participle form (`said`, `accused`).
    pub(super) fn past(self) -> bool {
        self.form == Past
    }
}

/// A verb of saying ([`Class::Say`]).
const fn say(word: &'static str, form: Form) -> Verb {
    Verb::new(word, Class::Say, form)
}

/// A verb of denial or accusation ([`Class::Deny`]).
const fn deny(word: &'static str, form: Form) -> Verb {
    Verb::new(word, Class::Deny, form)
}

/// Another reporting verb ([`Class::Report`]).
const fn report(word: &'static str, form: Form) -> Verb {
    Verb::new(word, Class::Report, form)
}

/// Attribution verb forms, each once, with their class, form and flags.
pub(super) const VERBS: &[Verb] = &[
    // Verbs of saying.
    say("say", Plain),
    say("says", Plain),
    say("said", Past),
    say("saying", Ing),
    say("stated", Past),
    say("stating", Ing),
    say("add", Plain),
    say("adds", Plain),
    say("added", Past),
    say("adding", Ing),
    say("noted", Past),
    say("noting", Ing),
    say("insist", Plain),
    say("insisted", Past),
    say("insists", Plain),
    say("insisting", Ing),
    say("argue", Plain),
    say("argued", Past),
    say("argues", Plain),
    say("arguing", Ing),
    say("claimed", Past),
    say("claiming", Ing),
    say("asserted", Past),
    say("asserts", Plain),
    say("asserting", Ing),
    say("contended", Past),
    say("contends", Plain),
    say("countered", Past),
    say("replied", Past),
    say("explained", Past).needs_that(),
    say("explains", Plain).needs_that(),
    say("explaining", Ing).needs_that(),
    say("stressed", Past).needs_that(),
    say("stresses", Plain).needs_that(),
    say("stressing", Ing).needs_that(),
    say("emphasized", Past).needs_that(),
    say("emphasised", Past).needs_that(),
    say("wrote", Past).needs_that(),
    say("writes", Plain).needs_that(),
    say("told", Past).needs_that(),
    say("tells", Plain).needs_that(),
    say("maintain", Plain).ambiguous().needs_that(),
    say("maintained", Past).needs_that(),
    say("maintains", Plain).needs_that(),
    say("maintaining", Ing).needs_that(),
    say("responded", Past).needs_that(),
    say("suggested", Past).needs_that(),
    say("suggests", Plain).needs_that(),
    say("believes", Plain).needs_that(),
    say("state", Plain).ambiguous().needs_that(),
    say("states", Plain).ambiguous().needs_that(),
    say("note", Plain).ambiguous().needs_that(),
    say("notes", Plain).ambiguous().needs_that(),
    say("claim", Plain).ambiguous().needs_that(),
    say("claims", Plain).ambiguous().needs_that(),
    // Verbs of denial and accusation.
    deny("deny", Plain),
    deny("denies", Plain),
    deny("denied", Past),
    deny("denying", Ing),
    deny("refute", Plain),
    deny("refutes", Plain),
    deny("refuted", Past),
    deny("refuting", Ing),
    deny("reject", Plain),
    deny("rejects", Plain),
    deny("rejected", Past),
    deny("rejecting", Ing),
    deny("disputed", Past),
    deny("disputing", Ing),
    deny("dispute", Plain).ambiguous(),
    deny("disputes", Plain).ambiguous(),
    deny("dismissed", Past),
    deny("dismisses", Plain),
    deny("dismissing", Ing),
    deny("rebuffed", Past),
    deny("rebutted", Past),
    deny("accuse", Plain),
    deny("accuses", Plain),
    deny("accused", Past),
    deny("accusing", Ing),
    deny("blamed", Past),
    deny("blames", Plain),
    deny("blaming", Ing),
    deny("blame", Plain).ambiguous(),
    deny("condemned", Past),
    deny("condemns", Plain),
    deny("condemning", Ing),
    deny("criticized", Past),
    deny("criticised", Past),
    deny("criticizes", Plain),
    deny("criticises", Plain),
    deny("criticizing", Ing),
    deny("criticising", Ing),
    // Other reporting verbs.
    report("allege", Plain),
    report("alleges", Plain),
    report("alleged", Past),
    report("alleging", Ing),
    report("warn", Plain),
    report("warns", Plain),
    report("warned", Past),
    report("warning", Ing).ambiguous(),
    report("announce", Plain),
    report("announces", Plain),
    report("announced", Past),
    report("announcing", Ing),
    report("confirm", Plain),
    report("confirms", Plain),
    report("confirmed", Past),
    report("confirming", Ing),
    report("pledge", Plain).ambiguous(),
    report("pledges", Plain).ambiguous(),
    report("pledged", Past),
    report("pledging", Ing),
    report("promise", Plain).ambiguous(),
    report("promises", Plain).ambiguous(),
    report("promised", Past),
    report("promising", Ing).ambiguous(),
    report("vow", Plain).ambiguous(),
    report("vows", Plain).ambiguous(),
    report("vowed", Past),
    report("vowing", Ing),
    report("threaten", Plain),
    report("threatens", Plain),
    report("threatened", Past),
    report("threatening", Ing).ambiguous(),
    report("reiterate", Plain),
    report("reiterates", Plain),
    report("reiterated", Past),
    report("reiterating", Ing),
    report("acknowledge", Plain),
    report("acknowledged", Past),
    report("acknowledges", Plain),
    report("acknowledging", Ing),
    report("admitted", Past),
    report("admits", Plain),
    report("admitting", Ing),
    report("disclosed", Past),
    report("revealed", Past),
    report("urged", Past),
    report("urges", Plain),
    report("demanded", Past),
    report("demands", Plain).ambiguous(),
    report("ordered", Past),
    report("orders", Plain).ambiguous(), // More of each class, from real coverage: verbs of saying, of
    // cognition and finding (`the agency found that`), of denial,
    // accusation and challenge, and of commitment.
    say("affirm", Plain).needs_that(),
    say("affirms", Plain).needs_that(),
    say("affirmed", Past).needs_that(),
    say("affirming", Ing).needs_that(),
    say("reaffirm", Plain).needs_that(),
    say("reaffirms", Plain).needs_that(),
    say("reaffirmed", Past).needs_that(),
    say("reaffirming", Ing).needs_that(),
    say("declare", Plain).needs_that(),
    say("declares", Plain).needs_that(),
    say("declared", Past).needs_that(),
    say("declaring", Ing).needs_that(),
    say("concede", Plain),
    say("concedes", Plain),
    say("conceded", Past),
    say("conceding", Ing),
    say("complain", Plain),
    say("complains", Plain),
    say("complained", Past),
    say("complaining", Ing),
    say("protest", Plain).ambiguous().needs_that(),
    say("protests", Plain).ambiguous().needs_that(),
    say("protested", Past).needs_that(),
    say("protesting", Ing).needs_that(),
    say("observe", Plain).needs_that(),
    say("observes", Plain).needs_that(),
    say("observed", Past).needs_that(),
    say("observing", Ing).needs_that(),
    say("remark", Plain).ambiguous().needs_that(),
    say("remarks", Plain).ambiguous().needs_that(),
    say("remarked", Past).needs_that(),
    say("remarking", Ing).needs_that(),
    say("recalled", Past).needs_that(),
    say("recalling", Ing).needs_that(),
    say("reported", Past).needs_that(),
    say("reports", Plain).ambiguous().needs_that(),
    say("reporting", Ing).ambiguous().needs_that(),
    say("indicate", Plain).needs_that(),
    say("indicates", Plain).needs_that(),
    say("indicated", Past).needs_that(),
    say("indicating", Ing).needs_that(),
    say("signal", Plain).ambiguous(),
    say("signals", Plain).ambiguous(),
    say("signaled", Past),
    say("signalled", Past),
    say("signaling", Ing),
    say("signalling", Ing),
    say("hint", Plain).ambiguous(),
    say("hints", Plain).ambiguous(),
    say("hinted", Past),
    say("hinting", Ing),
    say("predict", Plain).needs_that(),
    say("predicts", Plain).needs_that(),
    say("predicted", Past).needs_that(),
    say("predicting", Ing).needs_that(),
    say("estimate", Plain).ambiguous().needs_that(),
    say("estimates", Plain).ambiguous().needs_that(),
    say("estimated", Past).needs_that(),
    say("estimating", Ing).needs_that(),
    say("reckon", Plain),
    say("reckons", Plain),
    say("reckoned", Past),
    say("testify", Plain).needs_that(),
    say("testifies", Plain).needs_that(),
    say("testified", Past).needs_that(),
    say("testifying", Ing).needs_that(),
    say("underline", Plain).needs_that(),
    say("underlines", Plain).needs_that(),
    say("underlined", Past).needs_that(),
    say("underlining", Ing).needs_that(),
    say("underscore", Plain).needs_that(),
    say("underscores", Plain).needs_that(),
    say("underscored", Past).needs_that(),
    say("underscoring", Ing).needs_that(),
    say("emphasize", Plain).needs_that(),
    say("emphasizes", Plain).needs_that(),
    say("emphasizing", Ing).needs_that(),
    say("emphasise", Plain).needs_that(),
    say("emphasises", Plain).needs_that(),
    say("emphasising", Ing).needs_that(),
    say("stress", Plain).ambiguous().needs_that(),
    say("explain", Plain).needs_that(),
    say("conclude", Plain).needs_that(),
    say("concludes", Plain).needs_that(),
    say("concluded", Past).needs_that(),
    say("concluding", Ing).needs_that(),
    say("find", Plain).needs_that(),
    say("finds", Plain).needs_that(),
    say("found", Past).needs_that(),
    say("finding", Ing).ambiguous().needs_that(),
    say("determine", Plain).needs_that(),
    say("determines", Plain).needs_that(),
    say("determined", Past).needs_that(),
    say("rule", Plain).ambiguous().needs_that(),
    say("rules", Plain).ambiguous().needs_that(),
    say("ruled", Past).needs_that(),
    say("ruling", Ing).ambiguous().needs_that(),
    say("held", Past).needs_that(),
    say("holds", Plain).needs_that(),
    say("decided", Past).needs_that(),
    say("decides", Plain).needs_that(),
    say("believe", Plain).needs_that(),
    say("believed", Past).needs_that(),
    say("thinks", Plain).needs_that(),
    say("thought", Past).needs_that(),
    say("retort", Plain),
    say("retorts", Plain),
    say("retorted", Past),
    say("reply", Plain).ambiguous(),
    say("replies", Plain).ambiguous(),
    say("replying", Ing),
    say("counter", Plain).ambiguous(),
    say("counters", Plain).ambiguous(),
    say("countering", Ing),
    say("respond", Plain).needs_that(),
    say("responds", Plain).needs_that(),
    say("responding", Ing).needs_that(),
    say("write", Plain).needs_that(),
    say("writing", Ing).ambiguous().needs_that(),
    say("telling", Ing).needs_that(),
    say("tell", Plain).needs_that(),
    say("contend", Plain),
    say("contending", Ing),
    say("assert", Plain),
    say("charged", Past).needs_that(),
    say("charges", Plain).ambiguous().needs_that(),
    say("clarify", Plain).needs_that(),
    say("clarifies", Plain).needs_that(),
    say("clarified", Past).needs_that(),
    say("pointed", Past).needs_that(),
    say("points", Plain).ambiguous().needs_that(),
    say("informed", Past).needs_that(),
    say("informs", Plain).needs_that(),
    say("advised", Past).needs_that(),
    say("advises", Plain).needs_that(),
    say("lament", Plain).needs_that(),
    say("laments", Plain).needs_that(),
    say("lamented", Past).needs_that(),
    say("lamenting", Ing).needs_that(),
    say("speculated", Past).needs_that(),
    say("mentioned", Past).needs_that(),
    say("mentions", Plain).ambiguous().needs_that(),
    say("posted", Past).needs_that(),
    say("tweeted", Past),
    say("tweets", Plain).ambiguous(),
    deny("suspect", Plain).ambiguous(),
    deny("suspects", Plain).ambiguous(),
    deny("suspected", Past).ambiguous(),
    deny("suspecting", Ing),
    deny("fault", Plain).ambiguous(),
    deny("faults", Plain).ambiguous(),
    deny("faulted", Past),
    deny("faulting", Ing),
    deny("slam", Plain).ambiguous(),
    deny("slams", Plain).ambiguous(),
    deny("slammed", Past),
    deny("slamming", Ing),
    deny("blast", Plain).ambiguous(),
    deny("blasts", Plain).ambiguous(),
    deny("blasted", Past),
    deny("blasting", Ing),
    deny("decry", Plain),
    deny("decries", Plain),
    deny("decried", Past),
    deny("decrying", Ing),
    deny("deplore", Plain),
    deny("deplores", Plain),
    deny("deplored", Past),
    deny("deploring", Ing),
    deny("denounce", Plain),
    deny("denounces", Plain),
    deny("denounced", Past),
    deny("denouncing", Ing),
    deny("lambast", Plain),
    deny("lambasts", Plain),
    deny("lambaste", Plain),
    deny("lambastes", Plain),
    deny("lambasted", Past),
    deny("lambasting", Ing),
    deny("castigate", Plain),
    deny("castigates", Plain),
    deny("castigated", Past),
    deny("castigating", Ing),
    deny("rebuke", Plain).ambiguous(),
    deny("rebukes", Plain).ambiguous(),
    deny("rebuked", Past),
    deny("rebuking", Ing),
    deny("contest", Plain).ambiguous(),
    deny("contests", Plain).ambiguous(),
    deny("contested", Past),
    deny("contesting", Ing),
    deny("challenge", Plain).ambiguous(),
    deny("challenges", Plain).ambiguous(),
    deny("challenged", Past),
    deny("challenging", Ing).ambiguous(),
    deny("question", Plain).ambiguous(),
    deny("questions", Plain).ambiguous(),
    deny("questioned", Past),
    deny("questioning", Ing),
    deny("disagree", Plain),
    deny("disagrees", Plain),
    deny("disagreed", Past),
    deny("disagreeing", Ing),
    deny("repudiate", Plain),
    deny("repudiates", Plain),
    deny("repudiated", Past),
    deny("repudiating", Ing),
    deny("downplay", Plain),
    deny("downplays", Plain),
    deny("downplayed", Past),
    deny("downplaying", Ing),
    deny("dismiss", Plain),
    deny("rebuff", Plain),
    deny("rebuffs", Plain),
    deny("rebuffing", Ing),
    deny("rebut", Plain),
    deny("rebuts", Plain),
    deny("rebutting", Ing),
    deny("attack", Plain).ambiguous(),
    deny("attacks", Plain).ambiguous(),
    deny("attacked", Past),
    deny("attacking", Ing).ambiguous(),
    deny("criticize", Plain),
    deny("criticise", Plain),
    deny("condemn", Plain),
    deny("refuse", Plain),
    deny("refuses", Plain),
    deny("refused", Past),
    deny("refusing", Ing),
    deny("oppose", Plain),
    deny("opposes", Plain),
    deny("opposed", Past).ambiguous(),
    deny("opposing", Ing).ambiguous(),
    deny("object", Plain),
    deny("objects", Plain).ambiguous(),
    deny("objected", Past),
    deny("objecting", Ing),
    deny("appeal", Plain).ambiguous(),
    deny("appeals", Plain).ambiguous(),
    deny("appealed", Past),
    deny("appealing", Ing).ambiguous(),
    report("caution", Plain).ambiguous(),
    report("cautions", Plain).ambiguous(),
    report("cautioned", Past),
    report("cautioning", Ing),
    report("undertake", Plain),
    report("undertakes", Plain),
    report("undertook", Past),
    report("undertaking", Ing).ambiguous(),
    report("guarantee", Plain).ambiguous(),
    report("guarantees", Plain).ambiguous(),
    report("guaranteed", Past),
    report("guaranteeing", Ing),
    report("assure", Plain),
    report("assures", Plain),
    report("assured", Past).ambiguous(),
    report("assuring", Ing),
    report("propose", Plain),
    report("proposes", Plain),
    report("proposed", Past).ambiguous(),
    report("proposing", Ing),
    report("recommend", Plain),
    report("recommends", Plain),
    report("recommended", Past),
    report("recommending", Ing),
    report("urge", Plain),
    report("urging", Ing),
    report("demand", Plain).ambiguous(),
    report("demanding", Ing).ambiguous(),
    report("order", Plain).ambiguous(),
    report("ordering", Ing),
    report("called", Past).ambiguous(),
    report("calls", Plain).ambiguous(),
    report("calling", Ing).ambiguous(),
    report("described", Past),
    report("describes", Plain),
    report("describing", Ing),
    report("branded", Past),
    report("brands", Plain).ambiguous(),
    report("labelled", Past),
    report("labeled", Past),
    report("termed", Past),
    report("characterized", Past),
    report("characterised", Past),
    report("admit", Plain),
    report("disclose", Plain),
    report("discloses", Plain),
    report("disclosing", Ing),
    report("reveal", Plain),
    report("reveals", Plain),
    report("revealing", Ing),
    report("agree", Plain),
    report("agrees", Plain),
    report("agreed", Past),
    report("agreeing", Ing),
    report("commit", Plain),
    report("commits", Plain),
    report("committing", Ing),
    report("intend", Plain),
    report("intends", Plain),
    report("intended", Past).ambiguous(),
    report("plan", Plain).ambiguous(),
    report("plans", Plain).ambiguous(),
    report("planned", Past).ambiguous(),
    report("expect", Plain).needs_that(),
    report("expects", Plain).needs_that(),
    report("expected", Past).ambiguous().needs_that(),
    report("hope", Plain).ambiguous().needs_that(),
    report("hopes", Plain).ambiguous().needs_that(),
    report("hoped", Past).needs_that(),
    report("offer", Plain).ambiguous(),
    report("offers", Plain).ambiguous(),
    report("offered", Past),
    report("offering", Ing).ambiguous(),
    report("welcomed", Past),
    report("welcomes", Plain).ambiguous(),
    report("welcome", Plain).ambiguous(),
];

/// Verbs of a government body's own measures and findings, reported
/// without a verb of saying (`The agency fined Halvern $2 million for
/// ...`): past and present forms. They make a statement only when their
/// subject is a government body (see `reported`). A form that is also an
/// attribution verb is read as one; for the reporting verbs among them
/// (`ordered`), the statement is a measure when a government body says it.
pub(super) const MEASURES: &[&str] = &[
    "fined",
    "fines",
    "imposed",
    "imposes",
    "barred",
    "bars",
    "banned",
    "bans",
    "suspended",
    "suspends",
    "revoked",
    "revokes",
    "froze",
    "frozen",
    "freezes",
    "blocked",
    "blocks",
    "seized",
    "seizes",
    "halted",
    "halts",
    "stopped",
    "stops",
    "launched",
    "launches",
    "opened",
    "opens",
    "vetoed",
    "vetoes",
    "cancelled",
    "canceled",
    "cancels",
    "terminated",
    "terminates",
    "withheld",
    "withholds",
    "detained",
    "detains",
    "grounded",
    "raided",
    "raids",
    "summoned",
    "summons",
    "sanctioned",
    "sanctions",
    "penalized",
    "penalised",
    "blacklisted",
    "exercised",
    "requested",
    "requests",
    "asked",
    "asks",
    "directed",
    "directs",
    "instructed",
    "instructs",
    "gave",
    "gives",
    "issued",
    "issues",
    "required",
    "requires",
    "referred",
    "refers",
    "expelled",
    "restricted",
    "restricts",
    "prohibited",
    "prohibits",
    "forbade",
    "closed",
    "shut",
    "placed",
    "sued",
    "sues",
    "prosecuted",
    "indicted",
    "convicted",
    "awarded",
    "demanded",
    "ordered",
    "orders",
    "approved",
    "cleared",
    "extended",
    "granted",
    "grants",
    "withdrew",
    "withdrawn",
    "seeks",
    "sought",
    "proposed",
    "proposes",
    "plans",
];

/// Whether `w` (lowercase) is a verb of measure ([`MEASURES`]).
pub(super) fn measure(w: &str) -> bool {
    MEASURES.contains(&w)
}

/// The attribution verb `w` (lowercase), if it is one.
pub(super) fn verb(w: &str) -> Option<Verb> {
    VERBS.iter().find(|v| v.word == w).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_listed_once() {
        for (i, v) in VERBS.iter().enumerate() {
            assert!(
                VERBS[..i].iter().all(|u| u.word != v.word),
                "{} is listed twice",
                v.word
            );
        }
    }

    #[test]
    fn forms_are_lowercase_and_match_their_spelling() {
        for v in VERBS {
            assert_eq!(v.word, v.word.to_lowercase(), "{} is never matched", v.word);
            assert_eq!(v.form == Ing, v.word.ends_with("ing"), "{}", v.word);
            if v.word.ends_with("ed") {
                assert_eq!(v.form, Past, "{}", v.word);
            }
        }
    }

    #[test]
    fn lookup_gives_class_form_and_flags() {
        let said = verb("said").unwrap();
        assert_eq!((said.class, said.form), (Class::Say, Past));
        assert!(said.past() && !said.ing() && !said.ambiguous && !said.needs_that);
        let told = verb("told").unwrap();
        assert!(told.past() && told.needs_that && !told.ambiguous);
        let maintain = verb("maintain").unwrap();
        assert!(maintain.ambiguous && maintain.needs_that && maintain.form == Plain);
        let warning = verb("warning").unwrap();
        assert_eq!(warning.class, Class::Report);
        assert!(warning.ing() && warning.ambiguous && !warning.needs_that);
        assert_eq!(verb("denied").map(|v| v.class), Some(Class::Deny));
        assert_eq!(verb("Said"), None);
        assert_eq!(verb("speak"), None);
    }

    #[test]
    fn a_measure_that_is_an_attribution_verb_is_a_reporting_verb() {
        for w in MEASURES {
            if let Some(v) = verb(w) {
                assert_eq!(v.class, Class::Report, "{w} is never read as a measure");
            }
        }
    }
}
