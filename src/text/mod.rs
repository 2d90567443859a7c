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

/// Bytes of text kept per token of a model's maximum length: far more than
/// any real text needs to fill it (about 5 bytes a token), so cutting there
/// leaves what the model reads unchanged while a runaway record (a 10 MB
/// line) costs no more than a long quote.
pub const BYTES_PER_TOKEN_KEPT: usize = 256;

/// `text` cut to at most `max_bytes`, at the last white space before the
/// cut when there is one in the last kilobyte (else at a character
/// boundary), and whether it was cut.
pub fn cap(text: &str, max_bytes: usize) -> (&str, bool) {
    if text.len() <= max_bytes {
        return (text, false);
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let floor = end.saturating_sub(1024);
    if let Some(space) = text[floor..end].rfind(char::is_whitespace) {
        end = floor + space;
    }
    (&text[..end], true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_cuts_long_text_at_white_space_and_keeps_short_text() {
        assert_eq!(cap("short", 10), ("short", false));
        let long = "word ".repeat(1000);
        let (kept, cut) = cap(&long, 2002);
        assert!(cut && kept.len() <= 2002 && long.starts_with(kept));
        assert!(kept.ends_with("word"), "{:?}", &kept[kept.len() - 8..]);
        // No white space: cut at a character boundary, never inside one.
        let wide = "é".repeat(100);
        let (kept, cut) = cap(&wide, 51);
        assert!(cut);
        assert_eq!(kept, "é".repeat(25));
    }

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
