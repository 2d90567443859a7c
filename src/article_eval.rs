//! Measuring `stance extract` on annotated articles: which statements it
//! finds, which it makes up, whether it attributes them to the right party
//! and whether the classifier labels them right.
//!
//! # The annotated set
//!
//! A directory of articles, each `NAME.txt` (the story) beside `NAME.json`:
//!
//! ```json
//! {"style": "wire", "dispute": "...",
//!  "parties": {"government": "the agency", "company": "Halvern Shipping"},
//!  "statements": [{"text": "exact text of the article", "source": "the agency",
//!    "party": "government", "speaker": "government", "stance": "allegation",
//!    "kind": "measure"}]}
//! ```
//!
//! `text` occurs exactly once in the article. `party` is `government`,
//! `company` or `other` (someone outside the two sides; no labels). `kind`
//! is `quote`, `reported` or `measure`. `data/articles/BRIEF.md` says how
//! the project's set was written.
//!
//! # What is counted
//!
//! An annotated statement is **found** when one extracted statement covers
//! at least [`MIN_COVER`] of its chars (a statement quoted in parts covers
//! with its parts only). An extracted statement is **right** when it shares
//! at least [`MIN_COVER`] of its own chars, or of an annotated statement's,
//! with one of the two sides' statements; one that overlaps only an
//! outsider's statement is neither right nor wrong; any other is wrong.
//! Recall is found / annotated (the two sides' statements), precision is
//! right / (extracted less the outsiders'). For each found statement, the
//! extracted statement covering most of it is judged: its **party** (the
//! kind of its source as the extractor read it: an unknown source is not
//! right), its speaker and its stance as the classifier gave them.

use crate::article::{classify_statements, ClassifiedStatement};
use crate::classifier::Classifier;
use crate::error::{Result, StanceError};
use crate::text::extract::extract;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The least share of a statement's chars another must cover to count as
/// the same statement.
pub const MIN_COVER: f64 = 0.4;

/// The annotation of one article, as in `NAME.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// The outlet's style: wire, business, tech, state-media, local,
    /// press-release.
    #[serde(default)]
    pub style: String,
    /// A short name of the dispute.
    #[serde(default)]
    pub dispute: String,
    /// The two sides as the article first names them.
    pub parties: Parties,
    /// The statements, in order.
    pub statements: Vec<AnnotatedStatement>,
}

/// The two sides of an article's dispute.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parties {
    /// The government side.
    pub government: String,
    /// The company side.
    pub company: String,
}

/// One annotated statement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotatedStatement {
    /// Its exact text in the article.
    pub text: String,
    /// Its source as the article writes it (`""` when none).
    #[serde(default)]
    pub source: String,
    /// `government`, `company` or `other`.
    pub party: String,
    /// The speaker label (the two sides only).
    #[serde(default)]
    pub speaker: Option<String>,
    /// The stance label (the two sides only).
    #[serde(default)]
    pub stance: Option<String>,
    /// `quote`, `reported` or `measure`.
    pub kind: String,
}

/// An annotated article, checked and with each statement's char offsets.
#[derive(Debug, Clone)]
pub struct AnnotatedArticle {
    /// The article's file.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Its annotation.
    pub annotation: Annotation,
    /// Each statement's `start..end` in chars, in the annotation's order.
    pub spans: Vec<(usize, usize)>,
}

/// The `.txt` articles of `dir` that have a `.json` annotation beside
/// them, in name order, each checked: a missing annotation, invalid JSON,
/// an unknown label or a text that is not exactly once in the article is an
/// error naming the file and the statement.
pub fn read_dir(dir: &Path) -> Result<Vec<AnnotatedArticle>> {
    let entries = std::fs::read_dir(dir).map_err(|e| StanceError::io(dir, e))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| StanceError::io(dir, e))?.path();
        if path.extension().is_some_and(|e| e == "txt") {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(StanceError::Input {
            input: dir.display().to_string(),
            why: "no annotated articles (NAME.txt beside NAME.json) in this directory".into(),
        });
    }
    paths.into_iter().map(|p| read_one(&p)).collect()
}

fn read_one(path: &Path) -> Result<AnnotatedArticle> {
    let (_, text) = crate::io::article::read_article(path)?;
    let json_path = path.with_extension("json");
    let bad = |why: String| StanceError::Input {
        input: json_path.display().to_string(),
        why,
    };
    let bytes = std::fs::read(&json_path).map_err(|e| StanceError::io(&json_path, e))?;
    let annotation: Annotation =
        serde_json::from_slice(&bytes).map_err(|e| bad(format!("line {}: {e}", e.line())))?;
    let mut spans = Vec::with_capacity(annotation.statements.len());
    for (i, s) in annotation.statements.iter().enumerate() {
        let n = i + 1;
        let side = matches!(s.party.as_str(), "government" | "company");
        if !side && s.party != "other" {
            return Err(bad(format!(
                "statement {n}: party {:?} is not government, company or other",
                s.party
            )));
        }
        if !matches!(s.kind.as_str(), "quote" | "reported" | "measure") {
            return Err(bad(format!(
                "statement {n}: kind {:?} is not quote, reported or measure",
                s.kind
            )));
        }
        if side {
            if s.speaker.as_deref() != Some(s.party.as_str()) {
                return Err(bad(format!(
                    "statement {n}: speaker {:?} differs from party {:?}",
                    s.speaker, s.party
                )));
            }
            if !matches!(
                s.stance.as_deref(),
                Some("denial" | "allegation" | "commitment")
            ) {
                return Err(bad(format!(
                    "statement {n}: stance {:?} is not denial, allegation or commitment",
                    s.stance
                )));
            }
        }
        let mut found = text.match_indices(s.text.as_str());
        let at = match (found.next(), found.next()) {
            (Some((at, _)), None) if !s.text.trim().is_empty() => at,
            (None, _) => {
                return Err(bad(format!(
                    "statement {n}: its text is not in {}: {:?}",
                    path.display(),
                    s.text
                )))
            }
            _ => {
                return Err(bad(format!(
                    "statement {n}: its text occurs more than once in {}: {:?}",
                    path.display(),
                    s.text
                )))
            }
        };
        let start = text[..at].chars().count();
        spans.push((start, start + s.text.chars().count()));
    }
    Ok(AnnotatedArticle {
        path: path.to_path_buf(),
        text,
        annotation,
        spans,
    })
}

/// Counts over one or more articles.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Counts {
    /// Articles scored.
    pub articles: usize,
    /// The two sides' annotated statements.
    pub annotated: usize,
    /// Of them, found.
    pub found: usize,
    /// Statements extracted.
    pub extracted: usize,
    /// Extracted statements that overlap only an outsider's statement.
    pub outsiders: usize,
    /// Extracted statements that are one of the two sides' statements.
    pub right: usize,
    /// Found statements whose extracted source has the right party.
    pub party_right: usize,
    /// Found statements with the right speaker label.
    pub speaker_right: usize,
    /// Found statements with the right stance label.
    pub stance_right: usize,
    /// Found statements with both labels right.
    pub both_right: usize,
    /// Annotated and found statements per kind.
    pub by_kind: BTreeMap<String, (usize, usize)>,
}

impl Counts {
    /// found / annotated.
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.annotated)
    }

    /// right / (extracted - outsiders).
    pub fn precision(&self) -> f64 {
        ratio(self.right, self.extracted - self.outsiders)
    }

    fn add(&mut self, o: &Counts) {
        self.articles += o.articles;
        self.annotated += o.annotated;
        self.found += o.found;
        self.extracted += o.extracted;
        self.outsiders += o.outsiders;
        self.right += o.right;
        self.party_right += o.party_right;
        self.speaker_right += o.speaker_right;
        self.stance_right += o.stance_right;
        self.both_right += o.both_right;
        for (k, (a, f)) in &o.by_kind {
            let e = self.by_kind.entry(k.clone()).or_default();
            e.0 += a;
            e.1 += f;
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// What went wrong in one article, for `--misses`.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// `missed` (an annotated statement not found), `extra` (an extracted
    /// statement that is none of the two sides'), `party`, `labels`.
    pub what: &'static str,
    /// The statement's text.
    pub text: String,
    /// What was expected, what was got.
    pub detail: String,
}

/// One article's counts and misses.
#[derive(Debug, Clone)]
pub struct ArticleScore {
    /// Its counts.
    pub counts: Counts,
    /// What went wrong.
    pub misses: Vec<Miss>,
}

/// The char spans an extracted statement covers.
fn spans_of(c: &ClassifiedStatement) -> Vec<(usize, usize)> {
    if c.statement.parts.is_empty() {
        vec![(c.statement.start, c.statement.end)]
    } else {
        c.statement.parts.clone()
    }
}

fn overlap(a: (usize, usize), spans: &[(usize, usize)]) -> usize {
    spans
        .iter()
        .map(|&(s, e)| e.min(a.1).saturating_sub(s.max(a.0)))
        .sum()
}

/// Scores one article's extracted and classified statements against its
/// annotation.
pub fn score(article: &AnnotatedArticle, got: &[ClassifiedStatement]) -> ArticleScore {
    let mut c = Counts {
        articles: 1,
        extracted: got.len(),
        ..Counts::default()
    };
    let mut misses = Vec::new();
    let ann = &article.annotation.statements;
    let got_spans: Vec<Vec<(usize, usize)>> = got.iter().map(spans_of).collect();
    for (a, &span) in ann.iter().zip(&article.spans) {
        let side = a.party != "other";
        let len = (span.1 - span.0).max(1);
        let best = got_spans
            .iter()
            .enumerate()
            .map(|(j, s)| (j, overlap(span, s)))
            .max_by_key(|&(_, o)| o);
        if !side {
            continue;
        }
        c.annotated += 1;
        let kind = c.by_kind.entry(a.kind.clone()).or_default();
        kind.0 += 1;
        let Some((j, o)) = best.filter(|&(_, o)| o as f64 >= MIN_COVER * len as f64) else {
            misses.push(Miss {
                what: "missed",
                text: a.text.clone(),
                detail: format!(
                    "{} {} {}, source {:?}",
                    a.kind,
                    a.party,
                    a.stance.as_deref().unwrap_or(""),
                    a.source
                ),
            });
            continue;
        };
        let _ = o;
        c.found += 1;
        kind.1 += 1;
        let g = &got[j];
        let party = crate::article::party(&g.statement, &g.result).map_or("unknown", |(p, _)| p);
        if party == a.party {
            c.party_right += 1;
        } else {
            misses.push(Miss {
                what: "party",
                text: a.text.clone(),
                detail: format!(
                    "{} (source {:?}), read {party} ({}) from {:?}",
                    a.party, a.source, g.statement.source_kind, g.statement.source
                ),
            });
        }
        if let Ok(p) = &g.result {
            let sp = Some(p.speaker.as_str()) == a.speaker.as_deref();
            let st = Some(p.stance.as_str()) == a.stance.as_deref();
            c.speaker_right += sp as usize;
            c.stance_right += st as usize;
            c.both_right += (sp && st) as usize;
            if !(sp && st) {
                misses.push(Miss {
                    what: "labels",
                    text: a.text.clone(),
                    detail: format!(
                        "{}/{} read {} {:.2} / {} {:.2}",
                        a.party,
                        a.stance.as_deref().unwrap_or(""),
                        p.speaker,
                        p.speaker_score,
                        p.stance,
                        p.stance_score
                    ),
                });
            }
        }
    }
    for (g, spans) in got.iter().zip(&got_spans) {
        let glen: usize = spans.iter().map(|(s, e)| e - s).sum::<usize>().max(1);
        let matches = |span: (usize, usize)| {
            let o = overlap(span, spans) as f64;
            o >= MIN_COVER * glen as f64 || o >= MIN_COVER * (span.1 - span.0).max(1) as f64
        };
        let mut side = false;
        let mut outsider = false;
        for (a, &span) in ann.iter().zip(&article.spans) {
            if matches(span) {
                if a.party == "other" {
                    outsider = true;
                } else {
                    side = true;
                }
            }
        }
        if side {
            c.right += 1;
        } else if outsider {
            c.outsiders += 1;
        } else {
            misses.push(Miss {
                what: "extra",
                text: g.statement.text.clone(),
                detail: format!("source {:?}", g.statement.source),
            });
        }
    }
    ArticleScore { counts: c, misses }
}

/// Extracts, classifies and scores every article; the total and each
/// article's score, in order.
pub fn evaluate(
    clf: &Classifier,
    articles: &[AnnotatedArticle],
) -> Result<(Counts, Vec<ArticleScore>)> {
    let mut total = Counts::default();
    let mut each = Vec::with_capacity(articles.len());
    for a in articles {
        let got = classify_statements(clf, &a.text, extract(&a.text))?;
        let s = score(a, &got);
        total.add(&s.counts);
        each.push(s);
    }
    Ok((total, each))
}

/// The report's lines: recall, precision, party, labels, recall by kind.
pub fn report_lines(c: &Counts) -> Vec<String> {
    let pct = |a: usize, b: usize| format!("{:.1}%", 100.0 * ratio(a, b));
    let mut lines = vec![
        format!(
            "{} articles, {} statements of the two sides; {} extracted",
            c.articles, c.annotated, c.extracted
        ),
        format!(
            "statement recall     {} ({} of {} found)",
            pct(c.found, c.annotated),
            c.found,
            c.annotated
        ),
        format!(
            "statement precision  {} ({} of {} extracted are the sides' statements; {} outsiders' left out)",
            pct(c.right, c.extracted - c.outsiders),
            c.right,
            c.extracted - c.outsiders,
            c.outsiders
        ),
        format!(
            "source party right   {} of found ({} of {})",
            pct(c.party_right, c.found),
            c.party_right,
            c.found
        ),
        format!(
            "speaker right        {} of found",
            pct(c.speaker_right, c.found)
        ),
        format!(
            "stance right         {} of found",
            pct(c.stance_right, c.found)
        ),
        format!(
            "both labels right    {} of found ({} of {}; {} of all annotated)",
            pct(c.both_right, c.found),
            c.both_right,
            c.found,
            pct(c.both_right, c.annotated)
        ),
    ];
    let kinds: Vec<String> = c
        .by_kind
        .iter()
        .map(|(k, (a, f))| format!("{k} {} ({f} of {a})", pct(*f, *a)))
        .collect();
    lines.push(format!("recall by kind       {}", kinds.join(", ")));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::extract::{SourceKind, Statement};

    fn article(text: &str, statements: &[(&str, &str)]) -> AnnotatedArticle {
        let json = serde_json::json!({
            "parties": {"government": "the agency", "company": "Halvern"},
            "statements": statements.iter().map(|(t, party)| {
                let side = *party != "other";
                serde_json::json!({"text": t, "party": party, "kind": "quote",
                    "speaker": if side { Some(*party) } else { None },
                    "stance": if side { Some("denial") } else { None }})
            }).collect::<Vec<_>>()
        });
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, text).unwrap();
        std::fs::write(p.with_extension("json"), json.to_string()).unwrap();
        read_one(&p).unwrap()
    }

    fn got(text: &str, spans: &[(usize, usize, SourceKind)]) -> Vec<ClassifiedStatement> {
        let chars: Vec<char> = text.chars().collect();
        spans
            .iter()
            .map(|&(s, e, kind)| ClassifiedStatement {
                statement: Statement {
                    kind: crate::text::extract::StatementKind::Quote,
                    text: chars[s..e].iter().collect(),
                    start: s,
                    end: e,
                    source: None,
                    source_kind: kind,
                    source_mention: None,
                    parts: vec![],
                },
                model_text: String::new(),
                model_source: None,
                result: Err(crate::error::RecordError::BlankQuote),
            })
            .collect()
    }

    #[test]
    fn found_right_and_outsiders_are_counted_by_overlap() {
        let text = "“We did nothing wrong at all,” Halvern said. “A fine idea,” an analyst said. The weather was fine today.";
        let a = article(
            text,
            &[
                ("We did nothing wrong at all", "company"),
                ("A fine idea", "other"),
            ],
        );
        assert_eq!(a.spans[0], (1, 28));
        // Half of the first statement, the outsider's quote, a made-up one.
        let g = got(
            text,
            &[
                (1, 14, SourceKind::Company),
                (46, 57, SourceKind::Unknown),
                (77, 90, SourceKind::Unknown),
            ],
        );
        let s = score(&a, &g);
        let c = &s.counts;
        assert_eq!((c.annotated, c.found, c.right, c.outsiders), (1, 1, 1, 1));
        assert_eq!(c.extracted, 3);
        assert_eq!(c.precision(), 0.5);
        assert_eq!(c.party_right, 1);
        assert_eq!(s.misses.iter().filter(|m| m.what == "extra").count(), 1);
        // Less than 40 % covered is not found.
        let s = score(&a, &got(text, &[(1, 9, SourceKind::Government)]));
        assert_eq!(s.counts.found, 0);
    }

    #[test]
    fn bad_annotations_name_the_file_and_statement() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        std::fs::write(&p, "“We deny it all,” it said. “We deny it all,” it said.").unwrap();
        let ann = |t: &str, party: &str| {
            format!(
                r#"{{"parties":{{"government":"g","company":"c"}},"statements":[{{"text":"{t}","party":"{party}","speaker":"company","stance":"denial","kind":"quote"}}]}}"#
            )
        };
        std::fs::write(p.with_extension("json"), ann("We deny it all", "company")).unwrap();
        let e = read_one(&p).unwrap_err().to_string();
        assert!(
            e.contains("x.json") && e.contains("statement 1") && e.contains("more than once"),
            "{e}"
        );
        std::fs::write(p.with_extension("json"), ann("absent", "company")).unwrap();
        let e = read_one(&p).unwrap_err().to_string();
        assert!(e.contains("is not in"), "{e}");
        std::fs::write(p.with_extension("json"), ann("absent", "nobody")).unwrap();
        let e = read_one(&p).unwrap_err().to_string();
        assert!(e.contains("party \"nobody\""), "{e}");
        let e = read_dir(&dir.path().join("none")).unwrap_err().to_string();
        assert!(e.contains("none"), "{e}");
    }
}
