//! Text to [`Config`]: interpolation, YAML parsing, and turning every parser
//! error into a short `file:line:column: message` that names the key path.

use super::interpolate::{interpolate, ColumnMap};
use super::model::Config;
use super::tree::Node;
use crate::error::{self, ConfigError, Error};
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
    pub fn at(&self, loc: Location) -> error::Location {
        error::Location::at(
            self.name,
            loc.line(),
            self.columns.original(loc.line(), loc.column()),
        )
    }

    /// A configuration error at `loc`, or at the file when `loc` is unknown.
    pub fn error(&self, loc: Option<Location>, message: impl Into<String>) -> Error {
        let location = match loc {
            Some(loc) if loc.line() > 0 => self.at(loc),
            _ => error::Location::file(self.name),
        };
        ConfigError::at(location, message).into()
    }
}

/// Interpolates and parses `text` (the contents of the file shown as `name`)
/// into a [`Config`] and the [`Source`] used by the cross-checks.
pub(crate) fn parse<'a>(
    text: &str,
    name: &'a str,
    lookup: Lookup<'_>,
) -> Result<(Config, Source<'a>), Error> {
    let config_error = |line: u64, column: u64, message: String| -> Error {
        ConfigError::at(error::Location::at(name, line, column), message).into()
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
    let original = text;
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
        Ok(config) => {
            refuse_quoted_scalars(original, &text, &source)?;
            Ok((config, source))
        }
        Err(err) => {
            let err = err.without_snippet();
            let message = typed_message(&source, err);
            Err(source.error(err.location(), message))
        }
    }
}

/// What a key of the schema takes that a quoted scalar is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScalarKind {
    Integer,
    Boolean,
}

/// Refuses a quoted scalar where the schema of
/// `vimes config schema` wants an integer or a boolean.
///
/// The YAML parser reads the text of `"600"` as a number when the field is
/// one, but to YAML, and to every editor or CI check validating the file
/// against the schema, `"600"` is a string, which the schema refuses. One
/// rule for both: the schema's. The check reads the schema itself, so a key
/// added there is covered here.
///
/// It looks at the interpolated text, as the parser does: `timeout_secs:
/// ${TIMEOUT}` with `TIMEOUT=600` is the plain scalar 600 and stays a number;
/// `"${TIMEOUT}"` is a quoted string and is refused like `"600"`.
fn refuse_quoted_scalars(original: &str, text: &str, source: &Source) -> Result<(), Error> {
    let schema = super::schema::json_schema();
    let lines: Vec<&str> = text.lines().collect();
    let mut path = Vec::new();
    let Some((path, loc, kind)) = first_quoted(&schema, &schema, &source.tree, &lines, &mut path)
    else {
        return Ok(());
    };
    let wanted = match kind {
        ScalarKind::Integer => "a whole number",
        ScalarKind::Boolean => "true or false",
    };
    let key = dotted(&path);
    let line = |n: u64, of: &str| {
        of.lines()
            .nth(usize::try_from(n.saturating_sub(1)).unwrap_or(usize::MAX))
            .map(str::to_string)
    };
    let column0 = |c: u64| usize::try_from(c.saturating_sub(1)).unwrap_or(usize::MAX);
    // The value as the parser saw it, and as the file spells it (the two
    // differ when a ${VAR} was substituted inside the quotes).
    let seen = line(loc.line(), text)
        .and_then(|l| quoted_text(&l, column0(loc.column())))
        .unwrap_or_default();
    let written = line(loc.line(), original)
        .and_then(|l| {
            quoted_text(
                &l,
                column0(source.columns.original(loc.line(), loc.column())),
            )
        })
        .unwrap_or_else(|| seen.clone());
    Err(source.error(
        Some(loc),
        format!(
            "{key}: expected {wanted}, found the string {seen:?}; write {written} without quotes"
        ),
    ))
}

/// The first scalar, in document order, that the schema wants as an integer
/// or a boolean but that is quoted: its key path, where its text
/// starts, and what it should be.
fn first_quoted(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    node: &Node,
    lines: &[&str],
    path: &mut Vec<String>,
) -> Option<(Vec<String>, Location, ScalarKind)> {
    let schema = resolve_ref(root, schema);
    let visit = |child_schema: &serde_json::Value,
                 child: &serde_saphyr::Spanned<Node>,
                 name: String,
                 path: &mut Vec<String>| {
        path.push(name);
        let child_schema = resolve_ref(root, child_schema);
        let found = match (&child.value, scalar_kind(child_schema)) {
            (Node::Scalar(_), Some(kind)) if quote_at(lines, child.defined).is_some() => {
                Some((path.clone(), child.defined, kind))
            }
            (Node::Map(_) | Node::Seq(_), _) => {
                first_quoted(root, child_schema, &child.value, lines, path)
            }
            _ => None,
        };
        path.pop();
        found
    };
    match node {
        Node::Map(entries) => entries.iter().find_map(|(k, v)| {
            let name = k.value.scalar()?.to_string();
            let child_schema = schema
                .get("properties")
                .and_then(|p| p.get(&name))
                .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))?;
            visit(child_schema, v, name, path)
        }),
        Node::Seq(items) => {
            let each = schema.get("items")?;
            items
                .iter()
                .enumerate()
                .find_map(|(i, item)| visit(each, item, i.to_string(), path))
        }
        _ => None,
    }
}

/// Follows a local `$ref` of the schema.
fn resolve_ref<'a>(
    root: &'a serde_json::Value,
    schema: &'a serde_json::Value,
) -> &'a serde_json::Value {
    match schema.get("$ref").and_then(serde_json::Value::as_str) {
        Some(r) => r
            .strip_prefix("#/$defs/")
            .and_then(|name| root.get("$defs")?.get(name))
            .unwrap_or(schema),
        None => schema,
    }
}

/// Integer or boolean, when that is what the schema wants and a string
/// would not do.
fn scalar_kind(schema: &serde_json::Value) -> Option<ScalarKind> {
    let types: Vec<&str> = match schema.get("type")? {
        serde_json::Value::String(t) => vec![t.as_str()],
        serde_json::Value::Array(ts) => ts.iter().filter_map(serde_json::Value::as_str).collect(),
        _ => return None,
    };
    if types.contains(&"string") {
        return None;
    }
    if types.contains(&"integer") {
        Some(ScalarKind::Integer)
    } else if types.contains(&"boolean") {
        Some(ScalarKind::Boolean)
    } else {
        None
    }
}

/// The quote (`"` or `'`) a scalar written at `loc` starts with. (A
/// `!!str` tag needs no check: the parser refuses it for a number itself.)
fn quote_at(lines: &[&str], loc: Location) -> Option<char> {
    let line = lines.get(usize::try_from(loc.line().checked_sub(1)?).ok()?)?;
    let column = usize::try_from(loc.column().checked_sub(1)?).ok()?;
    line.chars().nth(column).filter(|c| matches!(c, '"' | '\''))
}

/// The text between the quote at character `column` of `line` and the next
/// same quote (numbers and booleans hold no escapes).
fn quoted_text(line: &str, column: usize) -> Option<String> {
    let mut chars = line.chars().skip(column);
    let quote = chars.next().filter(|c| matches!(c, '"' | '\''))?;
    let inner: String = chars.by_ref().take_while(|&c| c != quote).collect();
    Some(inner)
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
