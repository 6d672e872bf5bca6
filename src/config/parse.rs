//! Text to [`Config`]: interpolation, YAML parsing, and turning every parser
//! error into a short `file:line:column: message` that names the key path.

use super::interpolate::{interpolate, ColumnMap};
use super::model::Config;
use super::tree::Node;
use crate::error::Error;
use serde_saphyr::{Location, MessageFormatter};

/// Looks up an environment variable for interpolation: `Ok(None)` when
/// unset, `Err(())` when set but not UTF-8.
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Result<Option<String>, ()>;

/// The parsed document with what is needed to point errors into the file.
pub(crate) struct Source<'a> {
    /// File name as shown in messages.
    pub name: &'a str,
    /// Interpolated-column to file-column mapping.
    pub columns: ColumnMap,
    /// The position-aware view of the document.
    pub tree: Node,
}

impl Source<'_> {
    /// `file:line:column` of a location in the interpolated text.
    pub fn at(&self, loc: Location) -> String {
        format!(
            "{}:{}:{}",
            self.name,
            loc.line(),
            self.columns.original(loc.line(), loc.column())
        )
    }

    /// A configuration error at `loc`, or at the file when `loc` is unknown.
    pub fn error(&self, loc: Option<Location>, message: impl Into<String>) -> Error {
        Error::Config {
            location: Some(match loc {
                Some(loc) if loc.line() > 0 => self.at(loc),
                _ => self.name.to_string(),
            }),
            message: message.into(),
        }
    }
}

/// Interpolates and parses `text` (the contents of the file shown as `name`)
/// into a [`Config`] and the [`Source`] used by the cross-checks.
pub(crate) fn parse<'a>(
    text: &str,
    name: &'a str,
    lookup: Lookup<'_>,
) -> Result<(Config, Source<'a>), Error> {
    let config_error = |line: u64, column: u64, message: String| Error::Config {
        location: Some(format!("{name}:{line}:{column}")),
        message,
    };
    if is_blank(text) {
        return Err(config_error(
            1,
            1,
            "the file is empty; it needs at least \"version: 1\" (`vimes init` writes a \
             commented one)"
                .into(),
        ));
    }
    let (text, columns) =
        interpolate(text, lookup).map_err(|e| config_error(e.line, e.column, e.message))?;
    // The untyped parse goes first: it reports YAML syntax errors as such,
    // before the typed parse can stop at an unknown key above the bad line.
    let tree = match serde_saphyr::from_str::<Node>(&text) {
        Ok(tree) => tree,
        Err(err) => {
            let err = err.without_snippet();
            let (line, column) = err
                .location()
                .map(|l| (l.line(), columns.original(l.line(), l.column())))
                .unwrap_or((1, 1));
            return Err(config_error(line, column, syntax_message(err)));
        }
    };
    let source = Source {
        name,
        columns,
        tree,
    };
    if matches!(source.tree, Node::Null) {
        return Err(source.error(
            None,
            "the file holds no settings; it needs at least \"version: 1\"",
        ));
    }
    match serde_saphyr::from_str::<Config>(&text) {
        Ok(config) => Ok((config, source)),
        Err(err) => {
            let err = err.without_snippet();
            let message = typed_message(&source, err);
            Err(source.error(err.location(), message))
        }
    }
}

/// Whether the file has nothing but blank lines and comments.
fn is_blank(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || l == "---" || l == "...")
}

/// A YAML syntax error, in words.
fn syntax_message(err: &serde_saphyr::Error) -> String {
    match err {
        serde_saphyr::Error::MultipleDocuments { .. } => {
            "more than one YAML document (---) in the file; vimes.yaml is a single document".into()
        }
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => match key {
            Some(k) => format!("duplicate key {k:?}; each key may appear once per section"),
            None => "duplicate key; each key may appear once per section".into(),
        },
        other => format!("invalid YAML: {}", plain_message(other)),
    }
}

/// The parser's own wording, without its location suffix or control characters.
fn plain_message(err: &serde_saphyr::Error) -> String {
    serde_saphyr::DefaultMessageFormatter
        .format_message(err)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A type error of the typed parse, naming the key path it concerns.
fn typed_message(source: &Source, err: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as E;
    let loc = err.location();
    let path = loc.and_then(|l| source.tree.path_at(l.line(), l.column()));
    let key = path.as_deref().map(dotted).unwrap_or_default();
    // The scalar text found at the error position, when the error is on a scalar.
    let found = path.as_ref().and_then(|p| {
        let refs: Vec<&str> = p.iter().map(String::as_str).collect();
        scalar_at(&source.tree, &refs)
    });
    let prefix = if key.is_empty() {
        String::new()
    } else {
        format!("{key}: ")
    };
    match err {
        E::SerdeUnknownField {
            field, expected, ..
        } => {
            let section = path
                .as_deref()
                .map(|p| &p[..p.len().saturating_sub(1)])
                .map(dotted)
                .unwrap_or_default();
            let place = if section.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in {section}")
            };
            match did_you_mean(field, expected) {
                Some(s) => format!("unknown key {field:?} {place}; did you mean {s:?}?"),
                None => format!(
                    "unknown key {field:?} {place} (valid keys: {})",
                    expected.join(", ")
                ),
            }
        }
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let hint = did_you_mean(variant, expected)
                .map(|s| format!("did you mean {s:?}? "))
                .unwrap_or_default();
            format!(
                "{prefix}unknown value {variant:?}; {hint}(one of: {})",
                expected.join(", ")
            )
        }
        E::SerdeMissingField { field, .. } => {
            let section = loc
                .map(|l| source.tree.container_at(l.line(), l.column()))
                .unwrap_or_default();
            if section.is_empty() && *field == "version" {
                "missing key \"version\"; add \"version: 1\" at the top".into()
            } else if section.is_empty() {
                format!("missing key {field:?} at the top level")
            } else {
                format!("missing key {field:?} in {}", dotted(&section))
            }
        }
        E::InvalidScalar { ty, .. } => {
            let wanted = match *ty {
                "bool" | "boolean" => "true or false",
                t if t.starts_with('u') => "a whole number (0 or more)",
                t if t.starts_with('i') => "a whole number",
                t if t.starts_with('f') => "a number",
                other => other,
            };
            match found {
                Some(f) => format!("{prefix}expected {wanted}, found {f:?}"),
                None => format!("{prefix}expected {wanted}"),
            }
        }
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => format!("{prefix}expected {expected}, found {unexpected}"),
        E::NullIntoString { .. } => format!("{prefix}a value is required here"),
        E::Unexpected { expected, .. } => {
            let wanted = match *expected {
                "mapping start" => "a mapping (key: value lines)",
                "sequence start" => "a list ([a, b] or \"- item\" lines)",
                other => other,
            };
            let kind = path
                .as_ref()
                .and_then(|p| {
                    let refs: Vec<&str> = p.iter().map(String::as_str).collect();
                    node_at(&source.tree, &refs)
                })
                .or(if key.is_empty() {
                    Some(&source.tree)
                } else {
                    None
                })
                .map(describe);
            match kind {
                Some(k) => format!("{prefix}expected {wanted}, found {k}"),
                None => format!("{prefix}expected {wanted}"),
            }
        }
        other => format!("{prefix}{}", plain_message(other)),
    }
}

/// `a.b[0].c` from a key path.
pub(crate) fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

fn node_at<'t>(tree: &'t Node, path: &[&str]) -> Option<&'t Node> {
    let Some((first, rest)) = path.split_first() else {
        return Some(tree);
    };
    let child = match tree {
        Node::Map(_) => &tree.get(first)?.1.value,
        Node::Seq(items) => &items.get(first.parse::<usize>().ok()?)?.value,
        _ => return None,
    };
    node_at(child, rest)
}

fn scalar_at(tree: &Node, path: &[&str]) -> Option<String> {
    match node_at(tree, path)? {
        Node::Scalar(s) => Some(s.clone()),
        _ => None,
    }
}

fn describe(node: &Node) -> String {
    match node {
        Node::Null => "nothing".into(),
        Node::Scalar(s) => format!("{s:?}"),
        Node::Seq(_) => "a list".into(),
        Node::Map(_) => "a mapping".into(),
    }
}

/// The candidate closest to `input`, if it is close enough to be a likely typo.
/// Case is ignored so that `critical` suggests `CRITICAL`.
pub(crate) fn did_you_mean<'c, S: AsRef<str>>(input: &str, candidates: &'c [S]) -> Option<&'c str> {
    let lower = input.to_lowercase();
    candidates
        .iter()
        .map(|c| {
            let c = c.as_ref();
            (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c)
        })
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
