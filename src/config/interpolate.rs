//! `${VAR}` interpolation of vimes.yaml.
//!
//! Interpolation is textual: it runs on the raw file before YAML parsing. That
//! keeps it independent of the YAML structure (a variable can stand for any
//! scalar, in block or flow style, quoted or not) and lets every error point at
//! the `${` the user wrote. Its limits follow from that:
//!
//! - the value is inserted as-is: a value holding YAML syntax (`: `, `#`, a
//!   leading `[`...) changes how the line parses, so quote the scalar
//!   (`url: "${HOST}"`) when the value might contain such characters, but
//!   never for a number or boolean key: `timeout_secs: ${T}` with `T=600` is
//!   the integer 600, `timeout_secs: "${T}"` the string "600", which the
//!   loader refuses as the schema does (see `parse::refuse_quoted_scalars`);
//! - a value containing a newline is refused, since it would change the
//!   document's structure and shift every line number after it;
//! - whole-line comments (first non-blank character `#`) are copied verbatim so
//!   that documentation of a variable does not require it to be set; a `${...}`
//!   in a trailing comment (`key: v  # ${X}`) is still interpolated;
//! - the default of `${VAR:-default}` is literal text up to the first `}`: it
//!   cannot contain `}` or another `${...}`;
//! - `$$` is a literal `$`; a `$` followed by anything else is left alone.
//!
//! Like the shell, `${VAR:-default}` uses the default when `VAR` is unset *or
//! empty*, and `${VAR}` with `VAR` set to the empty string yields "".

/// Where interpolation failed, and why (1-based line, character column).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct InterpolationError {
    /// Line of the offending `${`.
    pub line: u64,
    /// Column of the offending `${`.
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

/// One replaced span of a line: where it is in the output and where it was in
/// the input, both as 0-based character columns.
#[derive(Clone, Debug)]
struct Replacement {
    out_start: u64,
    out_len: u64,
    orig_start: u64,
    orig_len: u64,
}

/// Maps a column of the interpolated text back to the column the user sees in
/// the file, so that parser errors point into the file as written. Lines are
/// never added or removed by interpolation, so only columns need mapping.
#[derive(Clone, Debug, Default)]
pub(crate) struct ColumnMap {
    /// Indexed by 0-based line; empty for lines without replacements.
    lines: Vec<Vec<Replacement>>,
}

impl ColumnMap {
    /// The column (1-based) in the original text of `column` (1-based) on `line`.
    pub fn original(&self, line: u64, column: u64) -> u64 {
        let Some(repls) = line
            .checked_sub(1)
            .and_then(|l| self.lines.get(usize::try_from(l).ok()?))
        else {
            return column;
        };
        let col0 = column.saturating_sub(1);
        // Shift accumulated by the replacements left of the column.
        let mut shift: i64 = 0;
        for r in repls {
            if col0 < r.out_start {
                break;
            }
            if col0 < r.out_start + r.out_len {
                // Inside a substituted value: point at the `${` that produced it.
                return r.orig_start + 1;
            }
            shift += r.orig_len as i64 - r.out_len as i64;
        }
        (col0 as i64 + shift).max(0) as u64 + 1
    }
}

/// Interpolates `text`, looking variables up with `lookup`.
///
/// `lookup` returns `Err(())` for a variable that is set but not valid
/// UTF-8, so the error can say so instead of calling it unset.
pub(crate) fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Result<Option<String>, ()>,
) -> Result<(String, ColumnMap), InterpolationError> {
    let mut out = String::with_capacity(text.len());
    let mut map = ColumnMap::default();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let line_no = index as u64 + 1;
        let mut repls = Vec::new();
        if line.trim_start().starts_with('#') {
            out.push_str(line);
            map.lines.push(repls);
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0usize;
        let mut out_col = 0u64;
        while i < chars.len() {
            let c = chars[i];
            if c != '$' || i + 1 >= chars.len() || (chars[i + 1] != '$' && chars[i + 1] != '{') {
                out.push(c);
                out_col += 1;
                i += 1;
                continue;
            }
            let at = |message: String| InterpolationError {
                line: line_no,
                column: i as u64 + 1,
                message,
            };
            let (value, consumed) = if chars[i + 1] == '$' {
                ("$".to_string(), 2)
            } else {
                let Some(close) = chars[i + 2..].iter().position(|&c| c == '}') else {
                    return Err(at(
                        "unterminated \"${\": write ${NAME} or ${NAME:-default} on one line, \
                         or $$ for a literal $"
                            .into(),
                    ));
                };
                let inner: String = chars[i + 2..i + 2 + close].iter().collect();
                let (name, default) = match inner.split_once(":-") {
                    Some((n, d)) => (n, Some(d)),
                    None => (inner.as_str(), None),
                };
                if !is_var_name(name) {
                    return Err(at(format!(
                        "invalid variable reference \"${{{inner}}}\": expected ${{NAME}} or \
                         ${{NAME:-default}} with NAME made of letters, digits and _ \
                         (write $$ for a literal $)"
                    )));
                }
                let value = match lookup(name) {
                    Err(()) => {
                        return Err(at(format!(
                            "environment variable {name} is not valid UTF-8"
                        )))
                    }
                    Ok(Some(v)) if !(v.is_empty() && default.is_some()) => v,
                    Ok(_) => match default {
                        Some(d) => d.to_string(),
                        None => {
                            return Err(at(format!(
                                "environment variable {name} is not set (referenced as \
                                 ${{{name}}}); set it, or give a default with \
                                 ${{{name}:-value}}"
                            )))
                        }
                    },
                };
                if value.contains(['\n', '\r']) {
                    return Err(at(format!(
                        "the value of ${{{name}}} contains a line break, which would change \
                         the structure of the file; vimes.yaml values must be single-line"
                    )));
                }
                (value, close + 3)
            };
            let out_len = value.chars().count() as u64;
            repls.push(Replacement {
                out_start: out_col,
                out_len,
                orig_start: i as u64,
                orig_len: consumed as u64,
            });
            out.push_str(&value);
            out_col += out_len;
            i += consumed;
        }
        map.lines.push(repls);
    }
    Ok((out, map))
}

/// Whether `name` is a POSIX-style environment variable name.
pub(crate) fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Result<Option<String>, ()> {
        Ok(match name {
            "HOST" => Some("harbor.example.com".into()),
            "EMPTY" => Some(String::new()),
            "MULTI" => Some("a\nb".into()),
            _ => None,
        })
    }

    fn run(text: &str) -> Result<String, InterpolationError> {
        interpolate(text, &env).map(|(s, _)| s)
    }

    #[test]
    fn substitutes_variables_defaults_and_dollars() {
        assert_eq!(run("url: ${HOST}\n").unwrap(), "url: harbor.example.com\n");
        assert_eq!(run("a: ${NOPE:-x y}\n").unwrap(), "a: x y\n");
        assert_eq!(run("a: ${EMPTY:-d}\n").unwrap(), "a: d\n");
        assert_eq!(run("a: ${EMPTY}\n").unwrap(), "a: \n");
        assert_eq!(run("a: ${HOST:-d}\n").unwrap(), "a: harbor.example.com\n");
        assert_eq!(run("a: $$HOME $5 $\n").unwrap(), "a: $HOME $5 $\n");
        assert_eq!(run("a: $${HOST}\n").unwrap(), "a: ${HOST}\n");
        assert_eq!(run("a: ${NOPE:-}\n").unwrap(), "a: \n");
    }

    #[test]
    fn whole_line_comments_are_left_alone() {
        let text = "  # set ${UNSET} first, $$ stays\na: 1\n";
        assert_eq!(run(text).unwrap(), text);
    }

    #[test]
    fn missing_variable_points_at_its_dollar() {
        let err = run("version: 1\nregistries:\n  s: { url: ${MISSING} }\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 13));
        assert!(
            err.message.contains("MISSING is not set"),
            "{}",
            err.message
        );
        assert!(err.message.contains("${MISSING:-value}"), "{}", err.message);
    }

    #[test]
    fn rejects_newlines_bad_names_and_unterminated_references() {
        let err = run("a: ${MULTI}\n").unwrap_err();
        assert!(err.message.contains("line break"), "{}", err.message);
        let err = run("a: ${1X}\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 4));
        assert!(err.message.contains("invalid variable reference"));
        let err = run("a: b\nc: ${HOST\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 4));
        assert!(err.message.contains("unterminated"));
    }

    #[test]
    fn columns_map_back_to_the_file() {
        // "a: ${HOST} ${NOPE:-z}: x" -> "a: harbor.example.com z: x"
        let (out, map) = interpolate("k: 1\na: ${HOST} ${NOPE:-z}: x\n", &env).unwrap();
        assert_eq!(out, "k: 1\na: harbor.example.com z: x\n");
        assert_eq!(map.original(1, 3), 3);
        assert_eq!(map.original(2, 1), 1);
        // Inside the first value -> its `${`.
        assert_eq!(map.original(2, 10), 4);
        // The "z" -> the `${` of the second reference (column 12).
        assert_eq!(map.original(2, 23), 12);
        // The ":" after "z" is at column 22 of the file.
        assert_eq!(map.original(2, 24), 22);
    }
}
