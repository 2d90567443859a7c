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
    report("orders", Plain).ambiguous(),
];

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
}
