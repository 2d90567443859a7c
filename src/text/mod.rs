//! Text handling: tokenization, and finding statements in articles.

pub mod extract;
pub mod tokenize;

/// Whether a quote has nothing to read: only white space, control
/// characters (e.g. a stray escape or NUL) and invisible format characters
/// (zero-width spaces and joiners, byte-order marks, direction marks).
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// Control characters and invisible format characters: nothing a reader
/// sees, and nothing a terminal should be sent raw.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_means_nothing_visible() {
        for blank in [
            "",
            "   ",
            "\t\n",
            "\u{1b}\u{7}\0",
            " \u{200b}\u{feff} ",
            "\u{1b}",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for text in ["a", " \u{1b}[31mred", "\u{200b}We deny it.", "-"] {
            assert!(!is_blank(text), "{text:?}");
        }
    }
}
