//! Progress reporting from long library operations (batch runs, training)
//! through a trait, so the library draws nothing itself: the command line
//! turns it into progress bars; a library user may log it or ignore it.

/// Receives progress from a long operation. Every method has a default that
/// does nothing.
pub trait Progress: Sync {
    /// Work starts: `total` units when known, `done` of them already done
    /// (a resumed run).
    fn start(&self, total: Option<u64>, done: u64) {
        let _ = (total, done);
    }

    /// `n` more units are done.
    fn advance(&self, n: u64) {
        let _ = n;
    }

    /// A short status (e.g. the epoch and loss).
    fn status(&self, message: &str) {
        let _ = message;
    }

    /// A line worth telling the user (an epoch's figures, a bad record).
    fn note(&self, line: &str) {
        let _ = line;
    }

    /// Work ended.
    fn finish(&self) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
