//! Quotes: which double quotation marks open and close a top-level quote
//! of a paragraph, and each quote as found, with the source of an
//! attribution verb next to it.

use super::tokens::{is_terminal, Kind, Para, Span};
use super::ATTRIBUTION_WINDOW;

/// A top-level quote of a paragraph, by token index.
#[derive(Debug)]
pub(super) struct QuoteSpan {
    /// The opening mark.
    pub(super) open: usize,
    /// The closing mark, if the quote was closed by one.
    pub(super) close: Option<usize>,
    /// Token index just past its inner text.
    pub(super) end_tok: usize,
    /// Char offset just past its inner text (before trimming).
    pub(super) end_char: usize,
}

impl Para<'_> {
    /// Finds the top-level quotes and marks the tokens inside them.
    pub(super) fn find_quotes(&mut self, ps: usize) -> Vec<QuoteSpan> {
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
}

/// One quote found.
pub(super) struct QuoteInfo {
    /// Offset of the first char of its text.
    pub(super) start: usize,
    /// Offset past its text.
    pub(super) end: usize,
    /// Its words, quoted ones inside it included.
    pub(super) words: usize,
    /// Ends with a sentence end inside its marks.
    pub(super) terminal: bool,
    /// Its paragraph.
    pub(super) para: usize,
    /// Its sentence, counted over the whole article.
    pub(super) sent: usize,
    /// Attributed in its own sentence.
    pub(super) own: Option<Span>,
}

/// The quote `q` of the sentence of tokens `ts..te`, as found: its inner
/// text without the spaces around it or a trailing `,`, `;` or `:`, its
/// words, and the source of an attribution verb next to it; `None` when
/// nothing is left between its marks. `para` and `sent` number its
/// paragraph and sentence.
pub(super) fn quote_info(
    p: &Para,
    q: &QuoteSpan,
    ts: usize,
    te: usize,
    para: usize,
    sent: usize,
) -> Option<QuoteInfo> {
    let chars = p.chars;
    let mut start = p.toks[q.open].end;
    let mut end = q.end_char;
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while start < end
        && (chars[end - 1].is_whitespace() || matches!(chars[end - 1], ',' | ';' | ':'))
    {
        end -= 1;
    }
    if start >= end {
        return None;
    }
    let words = p.toks[q.open + 1..q.end_tok]
        .iter()
        .filter(|t| t.kind == Kind::Word)
        .count();
    let own = quote_own(p, q, ts, te);
    Some(QuoteInfo {
        start,
        end,
        words,
        terminal: is_terminal(chars[end - 1]),
        para,
        sent,
        own,
    })
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

#[cfg(test)]
mod tests {
    use crate::text::extract::extract;
    use crate::text::extract::test_util::{check_offsets, pairs, texts};

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
}
