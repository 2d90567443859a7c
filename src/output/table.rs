//! The readable forms of the records: the classify table, statement
//! blocks, the evaluation report and the training summary.

use super::records::{EvalRecord, StatementOutcome, StatementRecord, TrainRecord};
use crate::eval::EvalReport;
use crate::labels::Head;
use crate::metrics::HeadMetrics;
use crate::predict::Prediction;
use serde_json::Value;
use std::io::{self, Write};

/// Widest quote excerpt shown in the table.
const QUOTE_WIDTH: usize = 70;

/// `text` safe to send to a terminal: control characters (an escape
/// sequence's ESC, a bell, a carriage return) shown as U+FFFD, and invisible
/// format characters (direction overrides, zero-width spaces) dropped.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            c if c.is_control() => Some('\u{FFFD}'),
            c if crate::text::is_invisible(c) => None,
            c => Some(c),
        })
        .collect()
}

/// The first `width` characters of `text` on one line, with "..." if cut;
/// nothing in it drives a terminal (see [`printable`]).
pub fn excerpt(text: &str, width: usize) -> String {
    let flat: String = printable(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    if flat.chars().count() <= width {
        flat
    } else {
        let cut: String = flat.chars().take(width.saturating_sub(3)).collect();
        format!("{cut}...")
    }
}

/// One row of the classify table (the header before the first).
pub(super) fn result_row(
    out: &mut impl Write,
    header_done: &mut bool,
    id: &Value,
    text: &str,
    result: Result<&Prediction, &str>,
) -> io::Result<()> {
    if !*header_done {
        writeln!(
            out,
            "{:>3}  {:<10} {:>5}  {:<10} {:>5}  quote",
            "id", "speaker", "p", "stance", "p"
        )?;
        *header_done = true;
    }
    let id = match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let id = printable(&id);
    match result {
        Ok(p) => writeln!(
            out,
            "{:>3}  {:<10} {:>5.3}  {:<10} {:>5.3}  {}{}",
            id,
            p.speaker,
            p.speaker_score,
            p.stance,
            p.stance_score,
            excerpt(text, QUOTE_WIDTH),
            if p.truncated { " [truncated]" } else { "" }
        ),
        Err(e) => writeln!(out, "{id:>3}  error: {}", printable(e)),
    }
}

/// One statement's readable block.
pub(super) fn statement_block(out: &mut impl Write, r: &StatementRecord) -> io::Result<()> {
    let id = r.id;
    let kind = r.kind.as_str();
    if r.parts.is_empty() {
        writeln!(out, "[{id}] {kind}, chars {}..{}", r.start, r.end)?;
    } else {
        let parts: Vec<String> = r.parts.iter().map(|(s, e)| format!("{s}..{e}")).collect();
        writeln!(
            out,
            "[{id}] {kind}, chars {} (one sentence quoted in parts)",
            parts.join(", ")
        )?;
    }
    match r.source {
        Some(source) => writeln!(
            out,
            "    source:  {} ({})",
            printable(source),
            r.source_kind.as_str()
        )?,
        None => writeln!(out, "    source:  none found")?,
    }
    if let Some(mention) = r.source_mention {
        writeln!(out, "    named:   {}", excerpt(mention, usize::MAX))?;
    }
    if let (Some(party), Some("model")) = (r.party, r.party_from) {
        writeln!(
            out,
            "    party:   {party} (the article does not say; the model's speaker)"
        )?;
    }
    match &r.outcome {
        StatementOutcome::Scored {
            speaker,
            speaker_score,
            stance,
            stance_score,
            speaker_disagrees,
            truncated,
            ..
        } => {
            writeln!(out, "    speaker: {speaker} {speaker_score:.3}")?;
            writeln!(out, "    stance:  {stance} {stance_score:.3}")?;
            if *speaker_disagrees {
                writeln!(
                    out,
                    "    note:    the source reads as {} but the model says {speaker}",
                    r.source_kind
                )?;
            }
            if *truncated {
                writeln!(out, "    note:    cut to the model's maximum length")?;
            }
        }
        StatementOutcome::Failed { error } => writeln!(out, "    error:   {error}")?,
    }
    writeln!(out, "    text:    {}", printable(r.flat_text))?;
    writeln!(out)
}

/// The evaluation report: a line on the data, then per head accuracy,
/// macro-F1, ECE, per-class figures and the confusion matrix.
pub(super) fn eval_report(out: &mut impl Write, r: &EvalRecord) -> io::Result<()> {
    writeln!(
        out,
        "{} quotes from {}, model {} ({})",
        r.report.n, r.data, r.model, r.precision
    )?;
    if r.with_source > 0 {
        writeln!(out, "{} of them read with their source", r.with_source)?;
    }
    for head in Head::ALL {
        head_block(out, head, r.report.of(head))?;
    }
    Ok(())
}

fn head_block(out: &mut impl Write, head: Head, m: &HeadMetrics) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{}: accuracy {:.4}  macro-F1 {:.4}  ECE {:.4}",
        head.name(),
        m.accuracy,
        m.macro_f1,
        m.ece
    )?;
    if !m.absent.is_empty() {
        writeln!(
            out,
            "  no quote in the data is {}: macro-F1 is over the labels present",
            m.absent.join(" or ")
        )?;
    }
    writeln!(
        out,
        "  {:<12} {:>9} {:>9} {:>9} {:>8}",
        "label", "precision", "recall", "f1", "support"
    )?;
    for c in &m.classes {
        writeln!(
            out,
            "  {:<12} {:>9.4} {:>9.4} {:>9.4} {:>8}",
            c.label, c.precision, c.recall, c.f1, c.support
        )?;
    }
    let width = m
        .classes
        .iter()
        .map(|c| c.label.len())
        .max()
        .unwrap_or(5)
        .max(5);
    write!(
        out,
        "  confusion (rows true, columns predicted)\n  {:<width$}",
        ""
    )?;
    for c in &m.classes {
        write!(out, " {:>width$}", c.label)?;
    }
    writeln!(out)?;
    for (c, row) in m.classes.iter().zip(&m.confusion) {
        write!(out, "  {:<width$}", c.label)?;
        for v in row {
            write!(out, " {v:>width$}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `WHAT: speaker F1, stance F1` (macro-F1, 4 decimals).
fn f1_line(out: &mut impl Write, what: &str, r: &EvalReport) -> io::Result<()> {
    writeln!(
        out,
        "{what}: speaker {:.4}, stance {:.4}",
        r.speaker.macro_f1, r.stance.macro_f1
    )
}

/// How many held-out gazetteer sources were read as the right kind.
pub(super) fn source_line(
    out: &mut impl Write,
    g: &crate::model::config::SourceMetrics,
) -> io::Result<()> {
    writeln!(
        out,
        "held-out gazetteer sources read alone: {} of {} right ({:.4}; government {:.4}, company {:.4})",
        (g.accuracy * g.n as f64).round() as usize,
        g.n,
        g.accuracy,
        g.government,
        g.company
    )?;
    match g.model_alone {
        Some(alone) => writeln!(
            out,
            "  (with source cues; the model alone reads {:.4} of them right)",
            alone
        ),
        None => Ok(()),
    }
}

/// The summary `stance train` prints.
pub(super) fn train_summary(out: &mut impl Write, r: &TrainRecord) -> io::Result<()> {
    writeln!(
        out,
        "trained {} parameters in {:.1} s; best epoch {} of {}",
        r.trained_parameters, r.seconds, r.best_epoch, r.epochs_run
    )?;
    f1_line(out, "dev macro-F1", r.dev)?;
    let (d, u) = (r.dev, r.dev_uncalibrated);
    writeln!(
        out,
        "calibration: temperature speaker {:.3}, stance {:.3}; dev ECE speaker {:.4} -> {:.4}, stance {:.4} -> {:.4}",
        r.temperature.speaker,
        r.temperature.stance,
        u.speaker.ece,
        d.speaker.ece,
        u.stance.ece,
        d.stance.ece
    )?;
    if let Some(w) = &r.source_cues {
        writeln!(
            out,
            "source-cue weights fitted on dev: name {}, title {}, word {}, weak {}",
            w.name, w.title, w.word, w.weak
        )?;
    }
    for (set, report) in [
        ("dev macro-F1 with sources", r.dev_with_source),
        ("test macro-F1", r.test),
        ("test macro-F1 with sources", r.test_with_source),
    ] {
        if let Some(report) = report {
            f1_line(out, set, report)?;
        }
    }
    if let Some(g) = &r.gazetteer_held_out {
        source_line(out, g)?;
    }
    writeln!(out, "wrote {}", r.out)
}
