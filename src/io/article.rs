//! Reading a news article as UTF-8 text, from a file or stdin.

use crate::error::{Result, StanceError};
use std::io::Read;
use std::path::Path;

/// Reads the article at `path` (`-` is stdin): its name for messages and its
/// text. Invalid UTF-8 is an error naming the file, the line and the byte.
pub fn read_article(path: &Path) -> Result<(String, String)> {
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| StanceError::Read {
                input: "stdin".into(),
                source: e,
            })?;
        ("stdin".to_string(), bytes)
    } else {
        let bytes = std::fs::read(path).map_err(|e| StanceError::io(path, e))?;
        (path.display().to_string(), bytes)
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
            Err(StanceError::Input {
                input: name,
                why: format!(
                    "not valid UTF-8 (line {line}, byte {}): save the article as UTF-8 text",
                    at + 1
                ),
            })
        }
    }
}
