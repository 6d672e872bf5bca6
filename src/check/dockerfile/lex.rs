//! The lexical layer of a Dockerfile: instructions joined across
//! continuation lines with each character's file position, words split
//! outside quotes, and heredoc markers. No meaning is given to any of it here.

/// One instruction, joined across continuation lines, with the file position
/// of each of its characters.
pub(super) struct Instruction {
    pub(super) text: Vec<char>,
    positions: Vec<(usize, usize)>,
}

impl Instruction {
    pub(super) fn position(&self, index: usize) -> (usize, usize) {
        self.positions
            .get(index)
            .or(self.positions.last())
            .copied()
            .unwrap_or((1, 1))
    }
}

/// A whitespace-separated word of an instruction and where it starts.
pub(super) struct Word {
    pub(super) text: String,
    pub(super) start: usize,
}

/// Joins the instruction starting at `start` with its continuation lines
/// (skipping comment and empty lines inside it). Returns it and the index of
/// the line after it.
pub(super) fn join_continuations(
    lines: &[&str],
    start: usize,
    escape: char,
) -> (Instruction, usize) {
    let mut instruction = Instruction {
        text: Vec::new(),
        positions: Vec::new(),
    };
    let mut j = start;
    loop {
        let line = lines[j];
        let trimmed_end = line.trim_end();
        let continues = trimmed_end.ends_with(escape);
        let content = if continues {
            &trimmed_end[..trimmed_end.len() - escape.len_utf8()]
        } else {
            line
        };
        for (column, c) in content.chars().enumerate() {
            instruction.text.push(c);
            instruction.positions.push((j + 1, column + 1));
        }
        j += 1;
        if !continues {
            break;
        }
        while j < lines.len() && {
            let t = lines[j].trim_start();
            t.is_empty() || t.starts_with('#')
        } {
            j += 1;
        }
        if j >= lines.len() {
            break;
        }
    }
    (instruction, j)
}

/// Splits on whitespace outside quotes, keeping quotes in the word.
pub(super) fn words(text: &[char], from: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = from;
    while i < text.len() {
        while i < text.len() && text[i].is_whitespace() {
            i += 1;
        }
        if i >= text.len() {
            break;
        }
        let start = i;
        let mut quote: Option<char> = None;
        while i < text.len() {
            let c = text[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => break,
                None => {}
            }
            i += 1;
        }
        out.push(Word {
            text: text[start..i].iter().collect(),
            start,
        });
    }
    out
}

/// The word without one pair of surrounding quotes.
pub(super) fn unquote(s: &str) -> String {
    let t = s.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}

/// Heredoc markers (`<<EOF`, `<<-"EOF"`) among an instruction's words.
pub(super) fn heredocs(args: &[Word]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for word in args {
        let mut text = word.text.as_str();
        // `RUN 3<<EOF` redirects a file descriptor: still a heredoc.
        text = text.trim_start_matches(|c: char| c.is_ascii_digit());
        let Some(rest) = text.strip_prefix("<<") else {
            continue;
        };
        let (strip_tabs, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name = unquote(rest);
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if valid {
            out.push((name, strip_tabs));
        }
    }
    out
}
