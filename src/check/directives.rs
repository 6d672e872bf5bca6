//! The parts of a Dockerfile that builders read differently: parser
//! directives (`# escape=`, `# syntax=`) and the quoting of instruction flags
//! (`--from=`, `--mount=` with BuildKit's CSV fields). The scanner reads a
//! file once per builder dialect and checks every reference either finds.

use super::{Expanded, Mention, SourceKind};
use std::collections::BTreeMap;

/// How a builder reads a Dockerfile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reader {
    /// BuildKit (docker buildx, Docker ≥ 23): heredocs, `escape`/`syntax`/`check`
    /// directives, an unknown directive ends them.
    BuildKit,
    /// The classic parser (buildah/podman before heredoc support — Debian 12's
    /// buildah 1.28 —, docker's legacy builder): no heredocs, and only a
    /// leading run of `# escape=` lines is a directive (seen with buildah 1.28:
    /// a `# syntax=` line before `# escape=` makes the escape a comment).
    Classic,
}

/// The escape character the reader takes from the leading directives.
pub(crate) fn escape(lines: &[&str], reader: Reader) -> char {
    let mut escape = '\\';
    for line in lines {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            break;
        };
        match reader {
            Reader::BuildKit => {
                let Some((name, value)) = rest.split_once('=') else {
                    break;
                };
                let name = name.trim();
                let first_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                if !first_ok || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                    break;
                }
                match name.to_ascii_lowercase().as_str() {
                    "escape" => {
                        if value.trim() == "`" {
                            escape = '`';
                        }
                    }
                    "syntax" | "check" => {}
                    _ => break,
                }
            }
            Reader::Classic => {
                // `^#[ \t]*escape[ \t]*=[ \t]*(.)` on the lower-cased line.
                let lower = rest.to_ascii_lowercase();
                let Some(after) = lower.trim_start_matches([' ', '\t']).strip_prefix("escape")
                else {
                    break;
                };
                let Some(value) = after.trim_start_matches([' ', '\t']).strip_prefix('=') else {
                    break;
                };
                match value.trim_start_matches([' ', '\t']).chars().next() {
                    Some('`') => escape = '`',
                    Some(_) => escape = '\\',
                    None => break,
                }
            }
        }
    }
    escape
}

/// Every frontend image a `# syntax=` directive may select, with its 1-based
/// line: BuildKit reads `#` directives, then `//` ones, then a JSON
/// `{"syntax": ...}` document, after an optional `#!` line. Read generously
/// (with and without leading blanks): an extra candidate is only one more
/// reference the policy must allow.
pub(crate) fn syntax_images(lines: &[&str], text: &str) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let skip = usize::from(lines.first().is_some_and(|l| l.starts_with("#!")));
    for prefix in ["#", "//"] {
        for trim in [false, true] {
            for (i, line) in lines.iter().enumerate().skip(skip) {
                let line = if trim { line.trim_start() } else { line };
                let Some(rest) = line.strip_prefix(prefix) else {
                    break;
                };
                let Some((name, value)) = rest.trim_start().split_once('=') else {
                    break;
                };
                let name = name.trim_end();
                let first_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                if !first_ok || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                    break;
                }
                match name.to_ascii_lowercase().as_str() {
                    "syntax" => {
                        // BuildKit takes the first word; the rest are frontend options.
                        if let Some(image) = value.split_whitespace().next() {
                            push_unique(&mut found, i + 1, image);
                        }
                    }
                    "escape" | "check" => {}
                    _ => break,
                }
            }
        }
    }
    if text.trim_start().starts_with('{') {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(text) {
            if let Some(serde_json::Value::String(image)) = map.get("syntax") {
                push_unique(&mut found, 1, image);
            }
        }
    }
    found
}

fn push_unique(found: &mut Vec<(usize, String)>, line: usize, image: &str) {
    if !found.iter().any(|(_, i)| i == image) {
        found.push((line, image.to_string()));
    }
}

/// The frontend images BuildKit would run: `# syntax=` and `--build-arg
/// BUILDKIT_SYNTAX=` (which overrides it). A frontend sees the whole build,
/// so it is an image reference like any base.
pub(crate) fn frontend_images(
    lines: &[&str],
    text: &str,
    build_args: &BTreeMap<String, String>,
) -> Vec<Mention> {
    let mut out = Vec::new();
    for (line, image) in syntax_images(lines, text) {
        let column = lines
            .get(line.wrapping_sub(1))
            .and_then(|l| {
                l.find(image.as_str())
                    .map(|byte| l[..byte].chars().count() + 1)
            })
            .unwrap_or(1);
        out.push(Mention {
            line,
            column,
            written: image.clone(),
            expanded: Expanded::Text(image),
            context: "# syntax= (BuildKit frontend image)".into(),
            kind: SourceKind::Dockerfile,
        });
    }
    if let Some(image) = build_args.get("BUILDKIT_SYNTAX") {
        out.push(Mention {
            line: 1,
            column: 1,
            written: image.clone(),
            expanded: Expanded::Text(image.clone()),
            context: "--build-arg BUILDKIT_SYNTAX (BuildKit frontend image)".into(),
            kind: SourceKind::Dockerfile,
        });
    }
    out
}

/// `text` without `prefix`, compared without regard to ASCII case.
pub(crate) fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Where `value` starts in the word as written (in characters), or just
/// after the flag name when quoting moved it.
pub(crate) fn offset_in(word: &str, value: &str, after_flag: usize) -> usize {
    match word.find(value) {
        Some(byte) if !value.is_empty() => word[..byte].chars().count(),
        _ => after_flag,
    }
}

/// A flag word with its quotes removed, as BuildKit's flag extraction reads
/// `--from="a"b` or `--mount="type=bind,from=x"` (quotes anywhere; a
/// backslash outside single quotes takes the next character literally).
pub(crate) fn dequote(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut quote: Option<char> = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (Some('\''), _) => out.push(c),
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The fields of a `--mount` value as Go's CSV reader splits them: a field
/// that starts with `"` runs to its closing quote (`""` is a quote); others
/// run to the next comma.
pub(crate) fn csv_fields(value: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    loop {
        let mut field = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            while i < chars.len() {
                if chars[i] == '"' {
                    if chars.get(i + 1) == Some(&'"') {
                        field.push('"');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                field.push(chars[i]);
                i += 1;
            }
            // Anything between the closing quote and the comma (Go refuses
            // it; keep it so nothing is lost).
            while i < chars.len() && chars[i] != ',' {
                field.push(chars[i]);
                i += 1;
            }
        } else {
            while i < chars.len() && chars[i] != ',' {
                field.push(chars[i]);
                i += 1;
            }
        }
        fields.push(field);
        if i >= chars.len() {
            break;
        }
        i += 1;
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_directives_per_reader() {
        let after_syntax = ["# syntax=docker/dockerfile:1", "# escape=`", "FROM a"];
        assert_eq!(escape(&after_syntax, Reader::BuildKit), '`');
        // Seen with buildah 1.28: the escape after a syntax line is a comment.
        assert_eq!(escape(&after_syntax, Reader::Classic), '\\');
        let odd = ["  #  ESCAPE = `x", "FROM a"];
        assert_eq!(escape(&odd, Reader::Classic), '`');
        let unknown_first = ["# foo=bar", "# escape=`"];
        assert_eq!(escape(&unknown_first, Reader::BuildKit), '\\');
        assert_eq!(escape(&unknown_first, Reader::Classic), '\\');
    }

    #[test]
    fn syntax_images_in_every_form_buildkit_reads() {
        let lines = [
            "#!/usr/bin/env buildctl",
            "# SYNTAX = evil/frontend:1 opt=x",
            "FROM a",
        ];
        assert_eq!(
            syntax_images(&lines, ""),
            [(2, "evil/frontend:1".to_string())]
        );
        let lines = ["// syntax=evil/c-style:1", "FROM a"];
        assert_eq!(syntax_images(&lines, "")[0].1, "evil/c-style:1");
        let json = r#"{"syntax": "evil/json:1"}"#;
        assert_eq!(syntax_images(&[json], json)[0].1, "evil/json:1");
        assert!(syntax_images(&["FROM a", "# syntax=x"], "").is_empty());
    }

    #[test]
    fn flags_are_dequoted_and_mounts_split_as_csv() {
        assert_eq!(dequote(r#"--from="ev"il"#), "--from=evil");
        assert_eq!(
            dequote(r#"--mount="type=bind,from=x""#),
            "--mount=type=bind,from=x"
        );
        assert_eq!(
            csv_fields(r#"type=bind,"from=evil",target=/x"#),
            ["type=bind", "from=evil", "target=/x"]
        );
        assert_eq!(csv_fields(r#""a,""b""",c"#), [r#"a,"b""#, "c"]);
    }
}
