//! Reading text one line at a time as raw bytes, so that a line of invalid
//! UTF-8 becomes an error naming that line instead of ending the read.

use crate::error::RecordError;
use std::io::BufRead;

/// One line of input: its 1-based number and its text, or what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 1-based line number.
    pub number: usize,
    /// The text without its line ending, or what is wrong with it.
    pub text: Result<String, RecordError>,
}

/// Iterates over the lines of `reader`, stripping `\n` and `\r\n`.
pub struct Lines<R: BufRead> {
    reader: R,
    number: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    /// Wraps a reader.
    pub fn new(reader: R) -> Lines<R> {
        Lines {
            reader,
            number: 0,
            buf: Vec::new(),
        }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = std::io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        self.buf.clear();
        match self.reader.read_until(b'\n', &mut self.buf) {
            Ok(0) => None,
            Ok(_) => {
                self.number += 1;
                if self.buf.last() == Some(&b'\n') {
                    self.buf.pop();
                    if self.buf.last() == Some(&b'\r') {
                        self.buf.pop();
                    }
                }
                let text = match std::str::from_utf8(&self.buf) {
                    Ok(s) => Ok(s.to_string()),
                    Err(e) => Err(RecordError::BadUtf8 {
                        line: self.number,
                        byte: e.valid_up_to() + 1,
                    }),
                };
                Some(Ok(Line {
                    number: self.number,
                    text,
                }))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_bad_utf8_are_handled_per_line() {
        let input: &[u8] = b"one\r\ntw\xffo\nthree";
        let lines: Vec<Line> = Lines::new(input).map(|l| l.unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].text, Ok("one".to_string()));
        assert_eq!(
            lines[1].text.as_ref().unwrap_err().to_string(),
            "line 2: invalid UTF-8 at byte 3"
        );
        assert_eq!(lines[2].text, Ok("three".to_string()));
        assert_eq!(lines[2].number, 3);
    }
}
