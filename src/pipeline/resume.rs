//! The output file of a batch run and how `--resume` continues it.
//!
//! New output goes to `OUTPUT.partial`, locked for the whole run, and is
//! renamed over `OUTPUT` only when complete: a run that fails or is killed
//! leaves an existing `OUTPUT` as it was. After every window,
//! `OUTPUT.progress` records how many records and bytes of the partial file
//! are complete, with the sha256 of those bytes and the size, modification
//! time and sha256 of the input. `--resume` continues only when all of these
//! still hold, and says what differs when they do not. When the run
//! completes, the record stays, marked complete, so that `--resume` on a
//! finished output says so and succeeds.

use super::Shard;
use crate::error::{Result, StanceError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// What `OUTPUT.progress` holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(super) struct ProgressRecord {
    /// The input, as named on the command line.
    pub input: String,
    /// The input format.
    pub format: String,
    /// Records per window.
    pub window: usize,
    /// The share of the input scored.
    pub shard: Option<Shard>,
    /// The input's size in bytes.
    #[serde(default)]
    pub input_bytes: u64,
    /// The input's modification time, in nanoseconds since 1970.
    #[serde(default)]
    pub input_modified_ns: u64,
    /// The sha256 of the whole input.
    #[serde(default)]
    pub input_sha256: String,
    /// Records complete in the output.
    pub records: usize,
    /// Bytes of the output those records fill.
    pub bytes: u64,
    /// The sha256 of those bytes.
    #[serde(default)]
    pub output_sha256: String,
    /// Whether the run completed (the output is renamed into place).
    #[serde(default)]
    pub complete: bool,
    /// The process that wrote the record.
    #[serde(default)]
    pub pid: u32,
    /// What scored the records: the model's weights, the precision and
    /// whether source cues were read (empty in records of older builds).
    #[serde(default)]
    pub scoring: String,
}

impl ProgressRecord {
    /// The record for a run over `input` (a file) with these settings, with
    /// nothing done yet.
    pub fn start(
        input: &Path,
        format: String,
        window: usize,
        shard: Option<Shard>,
    ) -> Result<ProgressRecord> {
        let meta = std::fs::metadata(input).map_err(|e| StanceError::io(input, e))?;
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        Ok(ProgressRecord {
            input: input.display().to_string(),
            format,
            window,
            shard,
            input_bytes: meta.len(),
            input_modified_ns: modified_ns,
            input_sha256: crate::hash::sha256_file(input)?,
            pid: std::process::id(),
            ..Default::default()
        })
    }

    /// The record for a run over an input that cannot be checked (stdin):
    /// such a run cannot be resumed.
    pub fn unchecked(input: &str, format: String, window: usize) -> ProgressRecord {
        ProgressRecord {
            input: input.to_string(),
            format,
            window,
            pid: std::process::id(),
            ..Default::default()
        }
    }

    /// What differs between the run this record was written for and the
    /// run `now`, in words; empty when they are the same run.
    fn differences(&self, now: &ProgressRecord) -> Vec<String> {
        let mut why = Vec::new();
        if self.input_sha256.is_empty() {
            why.push("it was written by an older stance, without hashes to check".to_string());
            return why;
        }
        if (&self.input, &self.format, self.window, self.shard)
            != (&now.input, &now.format, now.window, now.shard)
        {
            why.push(format!(
                "it was written for input {} (format {}, window {}, shard {}), this run is input {} (format {}, window {}, shard {})",
                self.input,
                self.format,
                self.window,
                shard_name(self.shard),
                now.input,
                now.format,
                now.window,
                shard_name(now.shard)
            ));
        }
        if self.input_bytes != now.input_bytes {
            why.push(format!(
                "the input was {} bytes and is now {}",
                self.input_bytes, now.input_bytes
            ));
        }
        if self.input_modified_ns != now.input_modified_ns {
            why.push("the input's modification time changed".to_string());
        }
        if self.input_sha256 != now.input_sha256 {
            why.push("the input's sha256 changed".to_string());
        }
        // Mixing two models, or two precisions, in one output would give
        // scores that do not compare.
        if !self.scoring.is_empty() && self.scoring != now.scoring {
            why.push(format!(
                "its records were scored by {}, this run scores with {}",
                self.scoring, now.scoring
            ));
        }
        why
    }
}

fn shard_name(shard: Option<Shard>) -> String {
    shard.map_or("none".to_string(), |s| format!("{}/{}", s.index, s.count))
}

/// The file beside `output` whose name adds `suffix`.
fn beside(output: &Path, suffix: &str) -> PathBuf {
    let mut name = output
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    output.with_file_name(name)
}

/// The progress file of an output.
pub fn progress_path(output: &Path) -> PathBuf {
    beside(output, ".progress")
}

/// The file an output is written to until it is complete.
pub fn partial_path(output: &Path) -> PathBuf {
    beside(output, ".partial")
}

fn read_progress(path: &Path) -> Result<Option<ProgressRecord>> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StanceError::BadJson {
                path: path.to_path_buf(),
                message: format!("cannot resume: {e}"),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StanceError::io(path, e)),
    }
}

/// The sha256 state after the first `len` bytes of `file` (or `None` when
/// the file is shorter).
fn hash_prefix(file: &mut File, len: u64) -> std::io::Result<Option<Sha256>> {
    file.seek(SeekFrom::Start(0))?;
    let mut hasher = Sha256::new();
    let mut left = len;
    let mut buf = vec![0u8; 1 << 20];
    while left > 0 {
        let want = buf.len().min(left as usize);
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            return Ok(None);
        }
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(Some(hasher))
}

fn hex(hasher: &Sha256) -> String {
    hasher
        .clone()
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A writer that counts and hashes the bytes it accepts.
pub(super) struct Counting<W: Write> {
    inner: W,
    /// Bytes written since the start of the output.
    pub bytes: u64,
    /// The sha256 of those bytes so far.
    pub hasher: Sha256,
}

impl<W: Write> Counting<W> {
    pub fn new(inner: W, bytes: u64, hasher: Sha256) -> Self {
        Counting {
            inner,
            bytes,
            hasher,
        }
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// How an output file was opened.
pub(super) enum Opened {
    /// Ready to write, from record `done` on.
    Writing(Box<OutputFile>),
    /// `--resume` found the output complete and unchanged: nothing to do.
    Complete {
        /// Records in the output.
        records: usize,
    },
}

/// The locked partial file of a run and its progress record.
pub(super) struct OutputFile {
    output: PathBuf,
    partial: PathBuf,
    /// The partial file, locked; written through a clone of this handle.
    file: File,
    record: ProgressRecord,
    /// Records already complete (from a resumed run).
    pub done: usize,
    /// Bytes already complete and their sha256 state.
    pub bytes: u64,
    pub hasher: Sha256,
    /// Whether the output is complete and in place.
    finished: bool,
}

impl Drop for OutputFile {
    /// A run that stops with an error before completing a window leaves
    /// nothing behind: no partial file and no progress record.
    fn drop(&mut self) {
        if !self.finished && self.record.records == 0 {
            let _ = std::fs::remove_file(&self.partial);
            let _ = std::fs::remove_file(progress_path(&self.output));
        }
    }
}

impl OutputFile {
    /// Opens `output` for a run described by `record`: takes the lock on
    /// `OUTPUT.partial`, and with `resume` checks the progress record
    /// against the input and the partial file, continuing after its last
    /// complete window. Without `resume` the run starts over.
    pub fn open(output: &Path, record: ProgressRecord, resume: bool) -> Result<Opened> {
        let progress = progress_path(output);
        let previous = if resume {
            read_progress(&progress)?
        } else {
            None
        };
        let refuse = |why: String| StanceError::Resume {
            output: output.to_path_buf(),
            why: format!("{why}; run without --resume to start over"),
        };
        if let Some(p) = previous.as_ref().filter(|p| p.complete) {
            let why = p.differences(&record);
            if !why.is_empty() {
                return Err(refuse(format!(
                    "{} says the output is complete, but {}",
                    progress.display(),
                    why.join("; ")
                )));
            }
            let matches = File::open(output)
                .and_then(|mut f| hash_prefix(&mut f, p.bytes).map(|h| (f, h)))
                .ok()
                .and_then(|(f, h)| Some((f.metadata().ok()?.len(), hex(&h?))));
            if matches != Some((p.bytes, p.output_sha256.clone())) {
                return Err(refuse(format!(
                    "{} says the output is complete with {} bytes, but {} is missing or not those bytes",
                    progress.display(),
                    p.bytes,
                    output.display()
                )));
            }
            return Ok(Opened::Complete { records: p.records });
        }

        let partial = partial_path(output);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&partial)
            .map_err(|e| StanceError::io(&partial, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = read_progress(&progress)
                    .ok()
                    .flatten()
                    .filter(|p| p.pid != 0)
                    .map(|p| format!(" (process {})", p.pid))
                    .unwrap_or_default();
                return Err(StanceError::Busy {
                    output: output.to_path_buf(),
                    holder,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(StanceError::io(&partial, e)),
        }
        let (mut done, mut bytes, mut hasher) = (0, 0, Sha256::new());
        let held = file
            .metadata()
            .map_err(|e| StanceError::io(&partial, e))?
            .len();
        match previous {
            Some(p) => {
                let why = p.differences(&record);
                if !why.is_empty() {
                    return Err(refuse(format!(
                        "{} does not fit this run: {}",
                        progress.display(),
                        why.join("; ")
                    )));
                }
                if held < p.bytes {
                    return Err(refuse(format!(
                        "{} holds {held} bytes, but {} says {} records in {} bytes were written",
                        partial.display(),
                        progress.display(),
                        p.records,
                        p.bytes
                    )));
                }
                let prefix =
                    hash_prefix(&mut file, p.bytes).map_err(|e| StanceError::io(&partial, e))?;
                if prefix.as_ref().map(hex) != Some(p.output_sha256.clone()) {
                    return Err(refuse(format!(
                        "the first {} bytes of {} are not the ones {} recorded (the file was changed)",
                        p.bytes,
                        partial.display(),
                        progress.display()
                    )));
                }
                if p.bytes > 0 {
                    let mut last = [0u8; 1];
                    file.seek(SeekFrom::Start(p.bytes - 1))
                        .and_then(|_| file.read_exact(&mut last))
                        .map_err(|e| StanceError::io(&partial, e))?;
                    if last[0] != b'\n' {
                        return Err(refuse(format!(
                            "byte {} of {} does not end a record",
                            p.bytes,
                            partial.display()
                        )));
                    }
                }
                done = p.records;
                bytes = p.bytes;
                hasher = prefix.unwrap_or_default();
            }
            None if resume && held > 0 => {
                return Err(refuse(format!(
                    "{} holds {held} bytes but there is no progress record {} to say which are complete",
                    partial.display(),
                    progress.display()
                )));
            }
            None => {}
        }
        file.set_len(bytes)
            .and_then(|_| file.seek(SeekFrom::Start(bytes)))
            .map_err(|e| StanceError::io(&partial, e))?;
        let mut opened = OutputFile {
            output: output.to_path_buf(),
            partial,
            file,
            record,
            done,
            bytes,
            hasher,
            finished: false,
        };
        if done == 0 {
            // A run that starts over makes any older progress record void.
            let empty = opened.hasher.clone();
            opened.window_done(0, 0, &empty)?;
        }
        Ok(Opened::Writing(Box::new(opened)))
    }

    /// A handle that writes to the partial file from where the run goes on.
    pub fn writer(&self) -> Result<File> {
        self.file
            .try_clone()
            .map_err(|e| StanceError::io(&self.partial, e))
    }

    /// Records that the first `records` records, filling the first `bytes`
    /// bytes hashed by `hasher`, are complete in the partial file.
    pub fn window_done(&mut self, records: usize, bytes: u64, hasher: &Sha256) -> Result<()> {
        self.record.records = records;
        self.record.bytes = bytes;
        self.record.output_sha256 = hex(hasher);
        write_progress(&self.output, &self.record)
    }

    /// Completes the run: the partial file, synced, replaces the output,
    /// and the progress record says the output is complete.
    pub fn finish(mut self, records: usize, bytes: u64, hasher: &Sha256) -> Result<()> {
        self.file
            .sync_all()
            .map_err(|e| StanceError::io(&self.partial, e))?;
        std::fs::rename(&self.partial, &self.output)
            .map_err(|e| StanceError::io(&self.output, e))?;
        self.finished = true;
        self.record.complete = true;
        self.window_done(records, bytes, hasher)
    }
}

fn write_progress(output: &Path, record: &ProgressRecord) -> Result<()> {
    let path = progress_path(output);
    let text = serde_json::to_string(record).map_err(|e| StanceError::BadJson {
        path: path.clone(),
        message: e.to_string(),
    })?;
    crate::io::atomic::write_atomic(&path, text.as_bytes())
}
