//! The corpus validator: labels, required fields, duplicates, disputes that
//! cross splits, and near-duplicates (a shared run of 8 words), each problem
//! with its file and line.

use crate::error::Result;
use crate::io::labeled::{read_labeled, LabeledQuote, Problem};
use crate::model::config::Labels;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Length of the word runs two quotes may not share.
pub const NEAR_DUPLICATE_RUN: usize = 8;

/// What the validator found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem, in file and line order.
    pub problems: Vec<Problem>,
    /// Records per file.
    pub per_file: Vec<(PathBuf, usize)>,
    /// Records per (speaker, stance) cell and file.
    pub cells: BTreeMap<(usize, usize), Vec<usize>>,
    /// Number of distinct disputes.
    pub disputes: usize,
}

/// The lowercase words of a quote (letters, digits, apostrophes).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('\u{2019}', "'"))
        .collect()
}

/// Checks labeled corpus files together.
pub fn check(paths: &[PathBuf], labels: &Labels) -> Result<Report> {
    let mut report = Report::default();
    let mut files: Vec<(PathBuf, Vec<LabeledQuote>)> = Vec::new();
    for path in paths {
        let file = read_labeled(path, labels)?;
        report.problems.extend(file.problems);
        files.push((path.clone(), file.records));
    }
    let problem = |path: &Path, line: usize, message: String| Problem {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut ids: HashMap<&str, (&Path, usize)> = HashMap::new();
    let mut texts: HashMap<String, (&Path, usize)> = HashMap::new();
    let mut disputes: HashMap<&str, usize> = HashMap::new();
    let mut runs: HashMap<String, (&Path, usize, usize)> = HashMap::new();
    for (file_idx, (path, records)) in files.iter().enumerate() {
        report.per_file.push((path.clone(), records.len()));
        for q in records {
            let cell = report
                .cells
                .entry((q.speaker, q.stance))
                .or_insert_with(|| vec![0; paths.len()]);
            cell[file_idx] += 1;
            if let Some((p, l)) = ids.insert(q.id.as_str(), (path, q.line)) {
                report.problems.push(problem(
                    path,
                    q.line,
                    format!("duplicate id \"{}\" (also {}:{l})", q.id, p.display()),
                ));
            }
            let norm = words(&q.text).join(" ");
            if let Some((p, l)) = texts.insert(norm, (path, q.line)) {
                report.problems.push(problem(
                    path,
                    q.line,
                    format!("duplicate text (also {}:{l})", p.display()),
                ));
                continue;
            }
            match &q.dispute {
                None => {
                    report
                        .problems
                        .push(problem(path, q.line, "missing field \"dispute\"".into()))
                }
                Some(d) if d.trim().is_empty() => {
                    report
                        .problems
                        .push(problem(path, q.line, "field \"dispute\" is empty".into()))
                }
                Some(d) => {
                    if let Some(&other) = disputes.get(d.as_str()) {
                        if other != file_idx {
                            report.problems.push(problem(path, q.line, format!(
                                "dispute \"{d}\" also appears in {}: splits must not share a dispute",
                                files[other].0.display()
                            )));
                        }
                    } else {
                        disputes.insert(d.as_str(), file_idx);
                    }
                }
            }
            let w = words(&q.text);
            let mut reported = false;
            for run in w.windows(NEAR_DUPLICATE_RUN) {
                let key = run.join(" ");
                match runs.get(&key) {
                    Some(&(p, l, owner)) if owner != q.line || p != path.as_path() => {
                        if !reported {
                            report.problems.push(problem(path, q.line, format!(
                                "near-duplicate: shares the {NEAR_DUPLICATE_RUN}-word run \"{key}\" with {}:{l}",
                                p.display()
                            )));
                            reported = true;
                        }
                    }
                    Some(_) => {}
                    None => {
                        runs.insert(key, (path, q.line, q.line));
                    }
                }
            }
        }
    }
    report.disputes = disputes.len();
    report
        .problems
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(lines: &[&str]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for l in lines {
            writeln!(f, "{l}").unwrap();
        }
        f
    }

    #[test]
    fn finds_duplicates_crossing_disputes_and_shared_runs() {
        let a = file(&[
            r#"{"id":"1","text":"The ministry said the operator failed to report the breach for months.","speaker":"government","stance":"allegation","dispute":"d1"}"#,
            r#"{"id":"2","text":"We will appeal the ruling.","speaker":"company","stance":"commitment","dispute":"d1"}"#,
        ]);
        let b = file(&[
            r#"{"id":"1","text":"We will appeal the ruling!","speaker":"company","stance":"commitment","dispute":"d2"}"#,
            r#"{"id":"4","text":"Officials insist the operator failed to report the breach for months, a source said.","speaker":"government","stance":"allegation","dispute":"d1"}"#,
            r#"{"id":"5","text":"No ties exist.","speaker":"company","stance":"denial"}"#,
        ]);
        let paths = vec![a.path().to_path_buf(), b.path().to_path_buf()];
        let report = check(&paths, &Labels::default()).unwrap();
        let msgs: Vec<String> = report
            .problems
            .iter()
            .map(|p| format!("{}:{}", p.line, p.message))
            .collect();
        assert_eq!(report.problems.len(), 5, "{msgs:#?}");
        assert!(msgs[0].starts_with("1:duplicate id \"1\""), "{msgs:?}");
        assert!(msgs[1].starts_with("1:duplicate text"), "{msgs:?}");
        assert!(msgs[2].contains("dispute \"d1\" also appears"), "{msgs:?}");
        assert!(
            msgs[3].contains("8-word run \"the operator failed to report the breach for\""),
            "{msgs:?}"
        );
        assert!(
            msgs[4].starts_with("3:missing field \"dispute\""),
            "{msgs:?}"
        );
    }
}
