//! Paragraphs, tokens and sentences: an article's paragraphs, each
//! tokenized into words, punctuation and quotation marks ([`Para`]), and
//! split into sentences.

use super::lexicon::{ABBREVIATIONS, SENTENCE_STARTERS, TITLES};
use super::verbs::{verb, Verb};

/// Char ranges of the paragraphs: blank-line separated, or one per line
/// when the article has no blank line between two lines of text.
pub(super) fn paragraphs(chars: &[char]) -> Vec<(usize, usize)> {
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
pub(super) enum Kind {
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
pub(super) struct Tok {
    /// First char offset in the article.
    pub(super) start: usize,
    /// Offset past its last char.
    pub(super) end: usize,
    /// What it is.
    pub(super) kind: Kind,
    /// Inside a quote (between its marks).
    pub(super) inq: bool,
}

/// Whether `c` is a double quotation mark.
pub(super) fn is_mark(c: char) -> bool {
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
pub(super) fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// One paragraph, tokenized.
pub(super) struct Para<'a> {
    /// The article.
    pub(super) chars: &'a [char],
    /// Its tokens.
    pub(super) toks: Vec<Tok>,
    /// Lowercase text of each word token (empty for others).
    pub(super) lower: Vec<String>,
    /// The source of the attribution verb at each token, if any.
    pub(super) attr: Vec<Option<Span>>,
    /// Char offset past the paragraph's end.
    pub(super) end: usize,
}

/// A char range of the article.
pub(super) type Span = (usize, usize);

impl<'a> Para<'a> {
    /// Tokenizes chars `ps..pe`.
    pub(super) fn new(chars: &'a [char], ps: usize, pe: usize) -> Para<'a> {
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
    pub(super) fn word(&self, k: usize) -> Option<&str> {
        let t = self.toks.get(k)?;
        (t.kind == Kind::Word && !t.inq).then(|| self.lower[k].as_str())
    }

    /// Whether token `k` is the punctuation `c` outside quotes.
    pub(super) fn is_punct(&self, k: usize, c: char) -> bool {
        self.toks
            .get(k)
            .is_some_and(|t| t.kind == Kind::Punct(c) && !t.inq)
    }

    /// Whether token `k` starts with an uppercase letter.
    pub(super) fn capitalized(&self, k: usize) -> bool {
        self.chars[self.toks[k].start].is_uppercase()
    }

    /// The attribution verb at `k`, if that token is one (outside quotes).
    pub(super) fn verb_at(&self, k: usize) -> Option<Verb> {
        let w = self.word(k)?;
        if self.capitalized(k) {
            return None;
        }
        verb(w)
    }

    /// Char span of tokens `s..e` (`e > s`).
    pub(super) fn span(&self, s: usize, e: usize) -> Span {
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
    pub(super) fn abbreviation_period(&self, k: usize) -> bool {
        k > 0
            && self.is_punct(k, '.')
            && self.toks[k - 1].end == self.toks[k].start
            && !self.toks[k - 1].inq
            && self.abbreviation(k - 1).is_some()
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
    pub(super) fn sentences(&self) -> Vec<(usize, usize)> {
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

/// Whether a token is a quotation mark of a top-level quote.
pub(super) fn is_quote_tok(t: &Tok) -> bool {
    matches!(t.kind, Kind::Open | Kind::Close)
}

/// Tokens `s..e` without trailing punctuation (a period after an
/// abbreviation stays) or a dangling conjunction; `None` when nothing is
/// left.
pub(super) fn trim_tokens(p: &Para, s: usize, mut e: usize) -> Option<(usize, usize)> {
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
pub(super) fn count_words(p: &Para, s: usize, e: usize) -> usize {
    p.toks[s..e].iter().filter(|t| t.kind == Kind::Word).count()
}

#[cfg(test)]
mod tests {
    use crate::text::extract::extract;
    use crate::text::extract::test_util::check_offsets;

    #[test]
    fn empty_and_blank_articles_have_no_statements() {
        assert!(extract("").is_empty());
        assert!(extract("  \n\r\n\t ").is_empty());
        assert!(extract("The weather was fine. Markets rose on Tuesday.").is_empty());
    }

    #[test]
    fn windows_line_endings_keep_char_offsets() {
        let a = "Acme said that it would appeal the ruling.\r\n\r\n“We are confident in our case,” the company said.\r\n";
        let got = extract(a);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].text, "We are confident in our case");
        check_offsets(a);
    }
}
