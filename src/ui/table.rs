//! Plain-text tables whose cells come from outside vimes (SBOMs, registries,
//! reports). Widths are computed and padding added by hand, never with a
//! `format!` width: a width over 65535 panics, and an image can carry a
//! 70,000-character package version.

/// Widest a column is padded to. A longer cell is printed whole (the text
/// output must not hide data) and only that row loses alignment, so one
/// absurd value cannot push every other row off the screen.
pub const MAX_COLUMN_WIDTH: usize = 160;

/// `cell` followed by spaces up to `width` characters; a cell that is
/// already as wide or wider comes back unchanged.
pub fn pad(cell: &str, width: usize) -> String {
    let len = cell.chars().count();
    let mut out = String::with_capacity(cell.len() + width.saturating_sub(len));
    out.push_str(cell);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(len)));
    out
}

/// A cell as it is printed: control characters (ANSI escapes, carriage
/// returns, newlines) from outside data are shown escaped so that a value
/// cannot rewrite the terminal or forge lines of the table.
pub fn printable(cell: &str) -> String {
    match cell.chars().any(char::is_control) {
        false => cell.to_string(),
        true => cell
            .chars()
            .map(|c| match c.is_control() {
                true => c.escape_default().collect::<String>(),
                false => c.to_string(),
            })
            .collect(),
    }
}

/// `header` and `rows` as left-aligned columns two spaces apart, each
/// column as wide as its widest cell up to [`MAX_COLUMN_WIDTH`], trailing
/// spaces trimmed. Rows shorter than the header leave the rest empty.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = header.iter().map(|h| printable(h)).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| printable(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(MAX_COLUMN_WIDTH));
        }
    }
    std::iter::once(&header)
        .chain(&rows)
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| pad(cell, *w))
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_70000_character_cell_is_printed_whole_without_panicking() {
        let long = "9".repeat(70_000);
        let text = render(
            &["PACKAGE", "VERSION", "TAGS"],
            &[
                vec!["zlib1g".into(), long.clone(), "1".into()],
                vec![long.clone(), "1.0".into(), "2".into()],
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].contains(&long), "the version is not cut");
        assert!(lines[2].starts_with(&long), "the name is not cut");
        // The columns are capped, not stretched to 70,000 characters.
        assert!(lines[0].len() < 2 * MAX_COLUMN_WIDTH + 20, "{}", lines[0]);
        assert_eq!(lines[0].find("VERSION"), Some(MAX_COLUMN_WIDTH + 2));
    }

    #[test]
    fn short_cells_are_aligned() {
        let text = render(
            &["A", "B"],
            &[
                vec!["xyz".into(), "1".into()],
                vec!["q".into(), "22".into()],
            ],
        );
        assert_eq!(text, "A    B\nxyz  1\nq    22");
        assert_eq!(pad("ab", 5), "ab   ");
        assert_eq!(pad("abcdef", 3), "abcdef");
        assert_eq!(pad("é", 3), "é  ");
    }

    #[test]
    fn control_characters_from_outside_are_escaped() {
        let text = render(&["P"], &[vec!["evil\u{1b}[2J\nVerified: yes\r".into()]]);
        assert_eq!(text.lines().count(), 2, "{text:?}");
        assert!(!text.contains('\u{1b}') && !text.contains('\r'));
        assert!(
            text.contains("evil\\u{1b}[2J\\nVerified: yes\\r"),
            "{text:?}"
        );
    }
}
