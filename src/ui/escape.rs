//! The one way text from outside vimes (registries, images, signed documents)
//! reaches a terminal or a CI log: control characters are shown, never
//! obeyed, so a layer annotation cannot start a line of its own ("Verified:
//! ...") or send ANSI escape sequences.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1), line or paragraph
/// separator and bidirectional override written as a visible escape (`\n`,
/// `\u{1b}`); other text unchanged.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_not_obeyed() {
        assert!(matches!(
            escape_control("plain: sha256:ab"),
            Cow::Borrowed(_)
        ));
        let escaped = escape_control("x\nVerified: y\r\x1b[32mok\x1b[0m\u{202e}\u{85}");
        assert_eq!(
            escaped,
            "x\\nVerified: y\\r\\u{1b}[32mok\\u{1b}[0m\\u{202e}\\u{85}"
        );
        assert!(!escaped.chars().any(needs_escape));
        assert_eq!(escape_control("é ü 漢"), "é ü 漢");
    }
}
