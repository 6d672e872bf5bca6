//! `$NAME` / `${NAME...}` substitution as Dockerfiles and compose files do
//! it, evaluated statically: a value that only the build or the shell could
//! supply makes the reference unresolvable instead of silently empty.

/// What the scope knows about a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Not declared at all (Docker would substitute an empty string).
    Undeclared,
    /// Declared without a value (`ARG TAG`): only the build can supply it.
    Unset,
    /// Known value.
    Value(String),
}

/// Why a text could not be expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The variable has no value that can be known statically.
    Variable {
        /// Its name.
        name: String,
        /// Whether it is declared (without a value) rather than undeclared.
        declared: bool,
    },
    /// `${NAME?message}`: required and unset.
    Required {
        /// Its name.
        name: String,
    },
    /// An operator that is not evaluated statically (`#`, `%`, `/`, ...).
    Operator(String),
    /// Unbalanced braces.
    Syntax,
    /// The expansion grew past [`MAX_EXPANSION`] bytes (variables that
    /// repeat variables: `ARG B=$A$A$A$A` doubles and redoubles).
    TooLong,
}

/// The longest text an expansion may produce. An image reference has at most
/// 512 characters; this leaves room for any real ARG value while keeping a
/// file of self-repeating ARGs from growing exponentially.
pub const MAX_EXPANSION: usize = 16 * 1024;

/// The escaping rules of the file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Dockerfile: the escape character (`\` or `` ` ``) before `$` makes it literal.
    Dockerfile(char),
    /// Compose: `$$` is a literal `$`.
    Compose,
}

/// Expands every variable of `text`.
pub fn expand(
    text: &str,
    dialect: Dialect,
    lookup: &dyn Fn(&str) -> Lookup,
) -> Result<String, Missing> {
    expand_depth(text, dialect, lookup, 0)
}

fn expand_depth(
    text: &str,
    dialect: Dialect,
    lookup: &dyn Fn(&str) -> Lookup,
    depth: usize,
) -> Result<String, Missing> {
    // Nested defaults (`${A:-${B:-x}}`) are fine; a pathological nest is not.
    if depth > 16 {
        return Err(Missing::Syntax);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if out.len() > MAX_EXPANSION {
            return Err(Missing::TooLong);
        }
        let c = chars[i];
        if let Dialect::Dockerfile(escape) = dialect {
            if c == escape && chars.get(i + 1) == Some(&'$') {
                out.push('$');
                i += 2;
                continue;
            }
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if dialect == Dialect::Compose && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        match chars.get(i + 1) {
            Some('{') => {
                let close = matching_brace(&chars, i + 1).ok_or(Missing::Syntax)?;
                let inner: String = chars[i + 2..close].iter().collect();
                out.push_str(&braced(&inner, dialect, lookup, depth)?);
                i = close + 1;
            }
            Some(&n) if n.is_ascii_alphabetic() || n == '_' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_')
                {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                out.push_str(&plain(&name, lookup)?);
                i = end;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    if out.len() > MAX_EXPANSION {
        return Err(Missing::TooLong);
    }
    Ok(out)
}

fn matching_brace(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn plain(name: &str, lookup: &dyn Fn(&str) -> Lookup) -> Result<String, Missing> {
    match lookup(name) {
        Lookup::Value(v) => Ok(v),
        other => Err(Missing::Variable {
            name: name.to_string(),
            declared: other == Lookup::Unset,
        }),
    }
}

fn braced(
    inner: &str,
    dialect: Dialect,
    lookup: &dyn Fn(&str) -> Lookup,
    depth: usize,
) -> Result<String, Missing> {
    let name_len = inner
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(inner.len(), |(i, _)| i);
    let (name, rest) = inner.split_at(name_len);
    if name.is_empty() {
        return Err(Missing::Syntax);
    }
    if rest.is_empty() {
        return plain(name, lookup);
    }
    let (op, word) = if let Some(w) = rest.strip_prefix(":-") {
        (":-", w)
    } else if let Some(w) = rest.strip_prefix(":+") {
        (":+", w)
    } else if let Some(w) = rest.strip_prefix(":?") {
        (":?", w)
    } else if let Some(w) = rest.strip_prefix('-') {
        ("-", w)
    } else if let Some(w) = rest.strip_prefix('+') {
        ("+", w)
    } else if let Some(w) = rest.strip_prefix('?') {
        ("?", w)
    } else {
        return Err(Missing::Operator(format!("${{{inner}}}")));
    };
    let value = lookup(name);
    let set = matches!(value, Lookup::Value(_));
    let non_empty = matches!(&value, Lookup::Value(v) if !v.is_empty());
    let sub = |w: &str| expand_depth(w, dialect, lookup, depth + 1);
    match op {
        // A default applies when no value is known: statically, that is the
        // value the build gets unless someone passes --build-arg.
        ":-" if non_empty => plain(name, lookup),
        ":-" => sub(word),
        "-" if set => plain(name, lookup),
        "-" => sub(word),
        ":+" if non_empty => sub(word),
        "+" if set => sub(word),
        // Declared-but-unset: the build may still supply it, so the
        // alternative is unknowable; undeclared is certainly empty.
        ":+" | "+" if value == Lookup::Unset => Err(Missing::Variable {
            name: name.to_string(),
            declared: true,
        }),
        ":+" | "+" => Ok(String::new()),
        ":?" if non_empty => plain(name, lookup),
        "?" if set => plain(name, lookup),
        _ => Err(Missing::Required {
            name: name.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(name: &str) -> Lookup {
        match name {
            "REG" => Lookup::Value("harbor.example.com".into()),
            "EMPTY" => Lookup::Value(String::new()),
            "TAG" => Lookup::Unset,
            _ => Lookup::Undeclared,
        }
    }

    fn docker(text: &str) -> Result<String, Missing> {
        expand(text, Dialect::Dockerfile('\\'), &scope)
    }

    #[test]
    fn substitutes_forms() {
        assert_eq!(docker("$REG/a:1").unwrap(), "harbor.example.com/a:1");
        assert_eq!(docker("${REG}/a").unwrap(), "harbor.example.com/a");
        assert_eq!(docker("a:${TAG:-1.2}").unwrap(), "a:1.2");
        assert_eq!(docker("a:${NOPE-3}").unwrap(), "a:3");
        assert_eq!(docker("a${EMPTY:+x}").unwrap(), "a");
        assert_eq!(docker("a${REG:+-x}").unwrap(), "a-x");
        assert_eq!(docker("${X:-${REG}}/b").unwrap(), "harbor.example.com/b");
        assert_eq!(docker(r"a\$b").unwrap(), "a$b");
        assert_eq!(docker("a$").unwrap(), "a$");
        assert_eq!(
            expand("x:$${A}", Dialect::Compose, &scope).unwrap(),
            "x:${A}"
        );
    }

    #[test]
    fn unknowable_values_are_errors() {
        assert_eq!(
            docker("a:$TAG").unwrap_err(),
            Missing::Variable {
                name: "TAG".into(),
                declared: true
            }
        );
        assert_eq!(
            docker("${BASE}").unwrap_err(),
            Missing::Variable {
                name: "BASE".into(),
                declared: false
            }
        );
        assert!(matches!(docker("${A#x}"), Err(Missing::Operator(_))));
        assert!(matches!(docker("${A"), Err(Missing::Syntax)));
        assert!(matches!(docker("${TAG:+x}"), Err(Missing::Variable { .. })));
        assert!(matches!(
            docker("${NOPE:?set it}"),
            Err(Missing::Required { .. })
        ));
    }
}
