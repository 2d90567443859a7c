//! The command line's view of library progress: indicatif bars on a
//! terminal, and notes on stderr either way.

use indicatif::{ProgressBar, ProgressStyle};
use stance::progress::Progress;

/// A progress bar (hidden when `show` is false) that prints notes on
/// stderr above it.
pub struct Bar {
    bar: ProgressBar,
    template: &'static str,
    show: bool,
}

impl Bar {
    /// A bar drawn with `template` when `show` (indicatif's template syntax).
    pub fn new(show: bool, template: &'static str) -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            template,
            show,
        }
    }

    /// A bar for a batch run.
    pub fn records(show: bool) -> Bar {
        Bar::new(
            show,
            "{elapsed_precise} [{bar:30}] {pos}/{len} records  {per_sec}  ETA {eta}",
        )
    }

    /// A bar for a training run.
    pub fn steps(show: bool) -> Bar {
        Bar::new(show, "{elapsed_precise} [{bar:30}] {pos}/{len} steps {msg}")
    }
}

impl Progress for Bar {
    fn start(&self, total: Option<u64>, done: u64) {
        if !self.show {
            return;
        }
        let style = ProgressStyle::with_template(self.template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        match total {
            Some(t) => self.bar.set_length(t),
            None => self.bar.set_length(0),
        }
        self.bar.set_style(style);
        self.bar.set_position(done);
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn status(&self, message: &str) {
        self.bar.set_message(message.to_string());
    }

    fn note(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
