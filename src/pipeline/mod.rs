//! The streaming whole-file pipeline behind `stance batch`: read records,
//! tokenize, batch, score, write. A reader thread parses and tokenizes windows
//! of records while the model thread scores the previous window; each window
//! is sorted by length, cut into token-budget batches, scored, put back in
//! input order and written whole. Memory holds at most a few windows,
//! whatever the input's size.
//!
//! Windows start at multiples of the window size counted from the start of
//! the input, so a resumed run or a shard batches every record exactly as an
//! uninterrupted run does, and the output is byte-identical.

use crate::classifier::Classifier;
use crate::error::{Result, StanceError};
use crate::io::records::{Format, InputRecord, RecordReader};
use crate::output::records::{ErrorRecord, ResultRecord};
use crate::output::{CsvCarried, Printer};
use crate::progress::Progress;
use crate::text::tokenize::{QuoteTokenizer, Tokenized};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::thread::JoinHandle;
use std::time::Instant;

mod resume;
pub use resume::{partial_path, progress_path};
use resume::{Counting, Opened, OutputFile, ProgressRecord};

/// Where records come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

/// Where results go.
#[derive(Debug, Clone, PartialEq)]
pub enum Sink {
    /// Standard output.
    Stdout,
    /// A file.
    File(PathBuf),
}

/// One share of the records for one of `count` processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based index of this share.
    pub index: usize,
    /// Number of shares.
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("{s}: expected K/N, e.g. 0/4"))?;
        let index: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("{s}: K is not a number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("{s}: N is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("{s}: need 0 <= K < N (K is 0-based)"));
        }
        Ok(Shard { index, count })
    }
}

/// Settings of a batch run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Input.
    pub source: Source,
    /// Output.
    pub sink: Sink,
    /// Input format; `None` takes it from the extension (JSONL for stdin).
    pub format: Option<Format>,
    /// Records per window (sorting and batching happen within a window).
    pub window: usize,
    /// Continue an interrupted run into the same output.
    pub resume: bool,
    /// Score only this share of the records.
    pub shard: Option<Shard>,
    /// Count the input's records first, so progress reports a total.
    pub count_total: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// Records written by this run.
    pub records: usize,
    /// Records scored.
    pub scored: usize,
    /// Bad records (error records written in their place).
    pub bad: usize,
    /// Records already done by an earlier run (with `--resume`).
    pub resumed_from: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// `--resume` found the output complete: nothing was done.
    pub already_complete: bool,
}

/// Watches the ids of a run for a repeat, to warn once: ids are written as
/// given, so two records with one id cannot be told apart in the output.
/// Keeps a 64-bit hash and the line of each id until the first repeat (then
/// nothing), and at most [`DuplicateIds::LIMIT`] of them.
struct DuplicateIds {
    seen: Option<std::collections::HashMap<u64, usize>>,
}

impl DuplicateIds {
    /// Ids kept before checking stops (about 300 MB at most).
    const LIMIT: usize = 10_000_000;

    fn new() -> DuplicateIds {
        DuplicateIds {
            seen: Some(Default::default()),
        }
    }

    /// The warning for `rec` when its id is the first repeat of the run.
    fn check(&mut self, rec: &InputRecord, source: &str) -> Option<String> {
        use std::hash::{Hash, Hasher};
        let seen = self.seen.as_mut()?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        rec.id.to_string().hash(&mut h);
        match seen.entry(h.finish()) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let first = *first.get();
                self.seen = None;
                Some(format!(
                    "stance: {source}: warning: id {} is on line {first} and again on line {}; \
                     ids are written as given, so these results share an id \
                     (further repeats are not reported)",
                    rec.id, rec.line
                ))
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(rec.line);
                if seen.len() >= Self::LIMIT {
                    self.seen = None;
                }
                None
            }
        }
    }
}

/// A window of records and their tokens (`None` for bad records).
struct Window {
    records: Vec<InputRecord>,
    tokens: Vec<Option<Tokenized>>,
}

fn open_input(source: &Source) -> Result<Box<dyn BufRead + Send>> {
    Ok(match source {
        Source::Stdin => Box::new(std::io::BufReader::new(std::io::stdin())),
        Source::File(p) => Box::new(std::io::BufReader::with_capacity(
            1 << 16,
            std::fs::File::open(p).map_err(|e| StanceError::io(p, e))?,
        )),
    })
}

fn source_name(source: &Source) -> String {
    match source {
        Source::Stdin => "stdin".into(),
        Source::File(p) => p.display().to_string(),
    }
}

/// Counts the records of a file (for sharding and the progress bar).
pub fn count_records(path: &Path, format: Format) -> Result<usize> {
    let mut reader = RecordReader::new(
        open_input(&Source::File(path.to_path_buf()))?,
        format,
        &path.display().to_string(),
    )?;
    let mut n = 0;
    while reader.next_record()?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// Starts the reader thread: skips to `start`, then sends windows of
/// records `[start, end)` with their tokens, cut at multiples of `window`.
/// With `sources`, a record's string field `source` (who made the quote) is
/// tokenized as a second segment and read for `cues`. The thread returns how many records it
/// sent.
fn spawn_reader(
    mut reader: RecordReader,
    tokenizer: QuoteTokenizer,
    sources: bool,
    cues: Option<crate::cues::CueReader>,
    start: usize,
    end: Option<usize>,
    window: usize,
) -> (Receiver<Result<Window>>, JoinHandle<usize>) {
    let (tx, rx) = sync_channel::<Result<Window>>(2);
    let handle = std::thread::spawn(move || {
        let mut sent = 0usize;
        let mut current = Window {
            records: Vec::with_capacity(window),
            tokens: Vec::with_capacity(window),
        };
        loop {
            let mut rec = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return sent;
                }
            };
            if rec.index < start {
                continue;
            }
            if end.is_some_and(|e| rec.index >= e) {
                break;
            }
            let source = match rec.extra.get("source") {
                Some(serde_json::Value::String(s)) if sources => Some(s.as_str()),
                _ => None,
            };
            let tokens = match &rec.text {
                Ok(t) => match tokenizer.encode_attributed(t, source) {
                    Ok(mut tok) => {
                        if let (Some(cues), Some(source)) = (&cues, source) {
                            tok.speaker_shift = cues.shift(source);
                        }
                        Some(tok)
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return sent;
                    }
                },
                Err(_) => None,
            };
            // Only the tokens go on: a window holds no quote text, however
            // long the quotes.
            if let Ok(text) = &mut rec.text {
                *text = String::new();
            }
            let last_of_window = (rec.index + 1) % window == 0;
            current.records.push(rec);
            current.tokens.push(tokens);
            if last_of_window {
                let full = std::mem::replace(
                    &mut current,
                    Window {
                        records: Vec::with_capacity(window),
                        tokens: Vec::with_capacity(window),
                    },
                );
                sent += full.records.len();
                if tx.send(Ok(full)).is_err() {
                    return sent;
                }
            }
        }
        if !current.records.is_empty() {
            sent += current.records.len();
            let _ = tx.send(Ok(current));
        }
        sent
    });
    (rx, handle)
}

/// Whether results written to `sink` are CSV (an output file ending in
/// `.csv`) rather than JSON lines.
pub fn writes_csv(sink: &Sink) -> bool {
    matches!(sink, Sink::File(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
}

/// Runs the classifier over a whole input, reporting to `progress`; see the
/// module docs.
pub fn run(clf: &Classifier, opts: &RunOptions, progress: &dyn Progress) -> Result<RunSummary> {
    let started = Instant::now();
    if opts.window == 0 {
        return Err(StanceError::setting("window", "at least 1", opts.window));
    }
    let format = match (opts.format, &opts.source) {
        (Some(f), _) => f,
        (None, Source::Stdin) => Format::Jsonl,
        (None, Source::File(p)) => Format::from_path(p).ok_or_else(|| StanceError::Input {
            input: p.display().to_string(),
            why: "cannot tell the format from the extension; use .jsonl, .csv, .tsv or .txt, or set the format".into(),
        })?,
    };
    if matches!(opts.sink, Sink::Stdout) && opts.resume {
        return Err(StanceError::Run("resuming needs an output file"));
    }
    if let Sink::File(out) = &opts.sink {
        refuse_output_over_input(&opts.source, out)?;
    }
    // The range of records this process scores: windows split evenly.
    let needs_count = opts.shard.is_some() || opts.count_total;
    let total = match (&opts.source, needs_count) {
        (Source::File(p), true) => Some(count_records(p, format)?),
        (Source::Stdin, _) if opts.shard.is_some() => {
            return Err(StanceError::Run("sharding needs an input file, not stdin"))
        }
        _ => None,
    };
    let (start, end) = match (opts.shard, total) {
        (Some(s), Some(total)) => {
            let windows = total.div_ceil(opts.window);
            let first = windows * s.index / s.count;
            let last = windows * (s.index + 1) / s.count;
            (first * opts.window, Some((last * opts.window).min(total)))
        }
        _ => (0, None),
    };
    let source = source_name(&opts.source);
    let reader = RecordReader::new(open_input(&opts.source)?, format, &source)?;
    let carried = match format {
        Format::Csv | Format::Tsv => CsvCarried::Columns(
            reader
                .header()
                .iter()
                .filter(|h| *h != "text" && *h != "id")
                .cloned()
                .collect(),
        ),
        Format::Jsonl => CsvCarried::Fields,
        Format::Txt => CsvCarried::Nothing,
    };
    // The output: a locked partial file renamed into place at the end, or
    // stdout. With --resume, the complete windows of the partial file are
    // kept once its progress record is checked.
    let mut output = match &opts.sink {
        Sink::Stdout => None,
        Sink::File(path) => {
            let format_name = format!("{format:?}");
            let mut record = match &opts.source {
                Source::File(input) => {
                    ProgressRecord::start(input, format_name, opts.window, opts.shard)?
                }
                Source::Stdin if opts.resume => {
                    return Err(StanceError::Run(
                        "resuming needs an input file: stdin cannot be checked against the progress record",
                    ))
                }
                Source::Stdin => ProgressRecord::unchecked(&source, format_name, opts.window),
            };
            record.scoring = format!(
                "the model with weights {} at {}, source cues {}",
                clf.config().weights_sha256.get(..12).unwrap_or("?"),
                clf.precision().name(),
                if clf.cue_reader().is_some() {
                    "on"
                } else {
                    "off"
                }
            );
            match OutputFile::open(path, record, opts.resume)? {
                Opened::Writing(file) => Some(*file),
                Opened::Complete { records } => {
                    return Ok(RunSummary {
                        already_complete: true,
                        resumed_from: records,
                        seconds: started.elapsed().as_secs_f64(),
                        ..Default::default()
                    })
                }
            }
        }
    };
    let mut done = output.as_ref().map_or(0, |o| o.done);
    let out: Box<dyn Write> = match &output {
        Some(file) => Box::new(file.writer()?),
        None => Box::new(std::io::stdout()),
    };
    let (bytes, hasher) = output
        .as_ref()
        .map_or((0, Sha256::default()), |o| (o.bytes, o.hasher.clone()));
    let out = Counting::new(
        std::io::BufWriter::with_capacity(1 << 16, out),
        bytes,
        hasher,
    );
    let sink = sink_name(&opts.sink);
    let write_error = |e| StanceError::io(&sink, e);
    let mut printer = if writes_csv(&opts.sink) {
        Printer::csv(out, &clf.config().labels, carried, done == 0).map_err(write_error)?
    } else {
        Printer::jsonl(out)
    };

    progress.start(
        total.map(|t| (end.unwrap_or(t) - start) as u64),
        done as u64,
    );
    let (rx, reader) = spawn_reader(
        reader,
        clf.tokenizer().clone(),
        clf.reads_sources(),
        clf.cue_reader().cloned(),
        start + done,
        end,
        opts.window,
    );
    let mut summary = RunSummary {
        resumed_from: done,
        ..Default::default()
    };
    let mut ids = DuplicateIds::new();
    for window in rx {
        let window = window?;
        for rec in &window.records {
            if let Some(warning) = ids.check(rec, &source) {
                progress.note(&warning);
            }
        }
        let good: Vec<Tokenized> = window.tokens.iter().flatten().cloned().collect();
        let mut scores = clf.score(&good)?.into_iter();
        for (rec, tok) in window.records.iter().zip(&window.tokens) {
            let written = match (&rec.text, tok) {
                (Ok(_), Some(_)) => {
                    let p = scores.next().ok_or(StanceError::Run(
                        "internal error: a record was scored without a result",
                    ))?;
                    summary.scored += 1;
                    printer.result(&ResultRecord::new(&rec.id, &p, &rec.extra, None))
                }
                (Err(e), _) => {
                    summary.bad += 1;
                    progress.note(&format!("stance: {source}: record {}: {e}", rec.index + 1));
                    printer.error(&ErrorRecord::new(&rec.id, e, &rec.extra, None))
                }
                (Ok(_), None) => {
                    return Err(StanceError::Run(
                        "internal error: a good record was not tokenized",
                    ))
                }
            };
            written.map_err(write_error)?;
        }
        printer.flush().map_err(write_error)?;
        summary.records += window.records.len();
        done += window.records.len();
        if let Some(file) = output.as_mut() {
            let counted = printer.get_ref();
            file.window_done(done, counted.bytes, &counted.hasher)?;
        }
        progress.advance(window.records.len() as u64);
    }
    // The run is complete only if the reader read to the end and every
    // record it sent was written.
    let sent = reader.join().map_err(|_| {
        StanceError::Run("the reader thread stopped unexpectedly; the output is left incomplete")
    })?;
    if sent != summary.records {
        return Err(StanceError::Run(
            "records read and records written differ; the output is left incomplete",
        ));
    }
    printer.flush().map_err(write_error)?;
    if let Some(file) = output.take() {
        let counted = printer.get_ref();
        file.finish(done, counted.bytes, &counted.hasher)?;
    }
    progress.finish();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn sink_name(sink: &Sink) -> PathBuf {
    match sink {
        Sink::Stdout => PathBuf::from("stdout"),
        Sink::File(p) => p.clone(),
    }
}

/// Refuses an output that is the input file itself: the same path, or the
/// same file through `..`, a link, or stdin redirected from it.
fn refuse_output_over_input(source: &Source, out: &Path) -> Result<()> {
    let Ok(out_meta) = std::fs::metadata(out) else {
        // The output does not exist yet: it cannot be the input.
        return Ok(());
    };
    let input_meta = match source {
        Source::File(p) => std::fs::metadata(p).ok(),
        Source::Stdin => std::fs::metadata("/dev/stdin").ok(),
    };
    let Some(input_meta) = input_meta else {
        return Ok(());
    };
    if same_file(&input_meta, &out_meta) {
        let how = match source {
            Source::Stdin => " (stdin is redirected from it)",
            Source::File(p) if p == out => "",
            Source::File(_) => " (the same file under another path)",
        };
        return Err(StanceError::OutputIsInput {
            output: out.to_path_buf(),
            how,
        });
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.is_file() && a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_a: &std::fs::Metadata, _b: &std::fs::Metadata) -> bool {
    false
}
