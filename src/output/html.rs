//! `stance extract --html`: the article as one self-contained HTML page,
//! each statement highlighted by speaker (its underline) and stance (its
//! background), with the labels, scores and source on hover, a legend and
//! the summary on top. No script, no external resource.

use crate::article::ClassifiedStatement;
use crate::text::extract::SourceKind;
use std::fmt::Write as _;

/// `text` escaped for HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters (but line breaks) are not shown.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:17px/1.6 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}
header{font:14px/1.5 system-ui,sans-serif;border-bottom:1px solid #ccc;margin-bottom:1.5em;padding-bottom:.8em}
header h1{font-size:18px;margin:0 0 .4em}
.legend span{display:inline-block;margin:.2em .8em .2em 0;padding:0 .4em}
mark{color:inherit;padding:0 .1em;border-bottom:3px solid;cursor:help}
.government{border-bottom-color:#1f5fbf}.company{border-bottom-color:#d9730d}
.denial{background:#f6d5d5}.allegation{background:#fbeaa5}.commitment{background:#d3efd6}
.unscored{background:#e4e4e4}
mark sup{font:11px system-ui,sans-serif;color:#555;margin-left:.15em}
ul.summary{margin:.3em 0;padding-left:1.2em}";

/// The page for `article` (its name shown as `title`) with its classified
/// statements and the summary lines.
pub fn article_page(
    title: &str,
    article: &str,
    statements: &[ClassifiedStatement],
    summary: &[String],
) -> String {
    // Every highlighted span: (start, end, statement index), in order;
    // a span that overlaps the one before is not highlighted.
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    for (i, c) in statements.iter().enumerate() {
        let s = &c.statement;
        if s.parts.is_empty() {
            spans.push((s.start, s.end, i));
        } else {
            spans.extend(s.parts.iter().map(|&(a, b)| (a, b, i)));
        }
    }
    spans.sort();
    let mut kept: Vec<(usize, usize, usize)> = Vec::with_capacity(spans.len());
    for sp in spans {
        if kept.last().is_none_or(|last| sp.0 >= last.1) {
            kept.push(sp);
        }
    }
    let chars: Vec<char> = article.chars().collect();
    let mut body = String::new();
    let mut at = 0;
    let push_text = |body: &mut String, from: usize, to: usize| {
        let text: String = chars[from..to].iter().collect();
        // Blank lines end paragraphs; other line breaks stay breaks.
        let text = escape(&text.replace("\r\n", "\n"));
        let paras: Vec<String> = text
            .split("\n\n")
            .map(|p| p.replace('\n', "<br>\n"))
            .collect();
        body.push_str(&paras.join("</p>\n<p>"));
    };
    for &(s, e, i) in &kept {
        push_text(&mut body, at, s);
        let c = &statements[i];
        let (classes, tip, label) = match &c.result {
            Ok(p) => {
                let mut tip = format!(
                    "[{}] {}: speaker {} {:.3}, stance {} {:.3}",
                    i + 1,
                    c.statement.kind.as_str(),
                    p.speaker,
                    p.speaker_score,
                    p.stance,
                    p.stance_score
                );
                if let Some(src) = &c.statement.source {
                    let _ = write!(tip, "; source: {src} ({})", c.statement.source_kind);
                }
                if c.statement.source_kind == SourceKind::Unknown {
                    let _ = write!(tip, "; party by the model: {}", p.speaker);
                }
                (
                    format!("{} {}", p.speaker, p.stance),
                    tip,
                    format!("{}", i + 1),
                )
            }
            Err(e) => (
                "unscored".to_string(),
                format!("[{}] not classified: {e}", i + 1),
                format!("{}", i + 1),
            ),
        };
        let _ = write!(
            body,
            "<mark class=\"{}\" title=\"{}\">",
            escape(&classes),
            escape(&tip)
        );
        push_text(&mut body, s, e);
        let _ = write!(body, "<sup>{label}</sup></mark>");
        at = e;
    }
    push_text(&mut body, at, chars.len());
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<div class=\"legend\">speaker (underline): <span class=\"government\" style=\"border-bottom:3px solid #1f5fbf\">government</span><span style=\"border-bottom:3px solid #d9730d\">company</span> stance (background): <span class=\"denial\">denial</span><span class=\"allegation\">allegation</span><span class=\"commitment\">commitment</span></div>\n<ul class=\"summary\">\n",
        escape(title),
        escape(title)
    );
    for line in summary {
        let _ = writeln!(page, "<li>{}</li>", escape(line));
    }
    let _ = write!(
        page,
        "</ul>\n<div>{} statements; hover over one for its scores and source.</div>\n</header>\n<main>\n<p>{}</p>\n</main>\n</body>\n</html>\n",
        statements.len(),
        body.trim()
    );
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predict::{LabelScores, Prediction, Scores};
    use crate::text::extract::extract;

    #[test]
    fn statements_are_marked_with_their_labels_and_text_is_escaped() {
        let article = "Acme <b>news</b>\n\n“We will appeal,” the company said.";
        let statements: Vec<ClassifiedStatement> = extract(article)
            .into_iter()
            .map(|s| ClassifiedStatement {
                statement: s,
                model_text: String::new(),
                model_source: None,
                result: Ok(Prediction {
                    speaker: "company".into(),
                    speaker_score: 0.9,
                    stance: "commitment".into(),
                    stance_score: 0.8,
                    scores: Scores {
                        speaker: LabelScores(Vec::new()),
                        stance: LabelScores(Vec::new()),
                    },
                    truncated: false,
                }),
            })
            .collect();
        let page = article_page(
            "a <test>",
            article,
            &statements,
            &["company: 1 statement".into()],
        );
        assert!(
            page.contains("<mark class=\"company commitment\""),
            "{page}"
        );
        assert!(
            page.contains(">We will appeal<sup>1</sup></mark>"),
            "{page}"
        );
        assert!(page.contains("speaker company 0.900, stance commitment 0.800"));
        assert!(
            page.contains("Acme &lt;b&gt;news&lt;/b&gt;</p>\n<p>"),
            "{page}"
        );
        assert!(page.contains("<li>company: 1 statement</li>"));
        assert!(page.contains("<title>a &lt;test&gt;</title>"));
        assert!(
            !page.contains("src=") && !page.contains("http"),
            "self-contained"
        );
    }
}
