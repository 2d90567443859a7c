//! `stance extract`: finds the statements in a news story (quotes and
//! reported speech), attributes each to its source and classifies it.

use super::{GlobalArgs, EXIT_BAD_RECORDS, EXIT_OK};
use anyhow::Context;
use clap::Args;
use stance::article::{classify_statements, summary};
use stance::article_eval;
use stance::io::article::read_article;
use stance::output::records::StatementRecord;
use stance::text::extract::extract;
use std::path::{Path, PathBuf};

/// Arguments of `stance extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The news story: a UTF-8 text file, or "-" for stdin. Statement
    /// offsets count chars (Unicode scalar values), not bytes
    #[arg(required_unless_present = "eval")]
    pub article: Option<PathBuf>,
    /// Measure extraction on annotated articles instead: every NAME.txt of
    /// DIR with its NAME.json (see data/articles/BRIEF.md); prints statement
    /// recall and precision, source party and label accuracy
    #[arg(long, value_name = "DIR", conflicts_with = "article")]
    pub eval: Option<PathBuf>,
    /// With --eval: also list each missed, made-up or mislabeled statement
    #[arg(long, requires = "eval")]
    pub misses: bool,
    /// Also write the article as one self-contained HTML page, each
    /// statement highlighted by speaker and stance, scores on hover
    #[arg(long, value_name = "OUT.html", conflicts_with = "eval")]
    pub html: Option<PathBuf>,
}

/// Runs `stance extract`.
pub fn run(global: &GlobalArgs, args: ExtractArgs) -> anyhow::Result<u8> {
    if let Some(dir) = &args.eval {
        return run_eval(global, dir, args.misses);
    }
    let Some(path) = &args.article else {
        anyhow::bail!("give an article, or --eval DIR");
    };
    let (name, article) = read_article(path).context("cannot read the article")?;
    let statements = extract(&article);
    if statements.is_empty() {
        if global.json {
            eprintln!("stance: no statements found in {name}");
        } else {
            use std::io::Write;
            writeln!(std::io::stdout(), "no statements found in {name}")?;
        }
        if let Some(out) = &args.html {
            let lines = [format!("no statements found in {name}")];
            let page = stance::output::html::article_page(&name, &article, &[], &lines);
            stance::io::atomic::write_atomic(out, page.as_bytes())
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("stance: wrote {}", out.display());
        }
        return Ok(EXIT_OK);
    }
    let clf = global.load_classifier()?;
    let classified = classify_statements(&clf, &article, statements)?;
    let mut printer = global.printer();
    let mut bad = 0;
    for (i, c) in classified.iter().enumerate() {
        if let Err(e) = &c.result {
            bad += 1;
            eprintln!("stance: statement {}: {e}", i + 1);
        }
        printer.statement(&StatementRecord::new(
            i + 1,
            &c.statement,
            &c.model_text,
            &c.result,
        ))?;
    }
    let results: Vec<_> = classified.iter().map(|c| c.result.clone()).collect();
    let labels = &clf.config().labels;
    let lines = summary(&results, &labels.speaker, &labels.stance);
    printer.summary(&lines)?;
    printer.flush()?;
    if let Some(out) = &args.html {
        let page = stance::output::html::article_page(&name, &article, &classified, &lines);
        stance::io::atomic::write_atomic(out, page.as_bytes())
            .with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!("stance: wrote {}", out.display());
    }
    Ok(if bad > 0 { EXIT_BAD_RECORDS } else { EXIT_OK })
}

/// Runs `stance extract --eval DIR`.
fn run_eval(global: &GlobalArgs, dir: &Path, misses: bool) -> anyhow::Result<u8> {
    use std::io::Write;
    let articles = article_eval::read_dir(dir).context("cannot read the annotated articles")?;
    let clf = global.load_classifier()?;
    let (total, each) = article_eval::evaluate(&clf, &articles)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if global.json {
        let listed: Vec<_> = articles
            .iter()
            .zip(&each)
            .flat_map(|(a, s)| {
                s.misses.iter().map(move |m| {
                    serde_json::json!({"article": a.path.display().to_string(),
                        "what": m.what, "text": m.text, "detail": m.detail})
                })
            })
            .collect();
        let mut v = serde_json::json!({
            "dir": dir.display().to_string(),
            "recall": total.recall(),
            "precision": total.precision(),
            "counts": total,
        });
        if misses {
            v["misses"] = serde_json::Value::Array(listed);
        }
        writeln!(out, "{v}")?;
    } else {
        if misses {
            for (a, s) in articles.iter().zip(&each) {
                for m in &s.misses {
                    writeln!(
                        out,
                        "{}: {:<6} {:?}: {}",
                        a.path.display(),
                        m.what,
                        m.text,
                        m.detail
                    )?;
                }
            }
        }
        for line in article_eval::report_lines(&total) {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}
