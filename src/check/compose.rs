//! Image references in compose files: `services.<name>.image` and the
//! Dockerfile written inline in `build.dockerfile_inline` (with `build.args`),
//! with compose's `${VAR:-default}` interpolation evaluated statically (the
//! environment and `.env` are not read: a variable without a default is
//! unresolvable).

use super::vars::{self, Dialect, Lookup, Missing};
use super::yaml::Node;
use super::{Expanded, Mention, SourceKind};
use std::collections::BTreeMap;

/// Whether a document is a compose file: a `services` mapping, in a file
/// named like one (`compose.yaml`, `docker-compose.prod.yml`, ...) or with a
/// service that names an `image` or a `build`.
pub(crate) fn is_compose(path: &str, doc: &Node) -> bool {
    let Some(Node::Map(services)) = doc.value("services").map(|s| &s.value) else {
        return false;
    };
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.starts_with("compose")
        || name.starts_with("docker-compose")
        || services
            .iter()
            .any(|(_, s)| s.value.value("image").is_some() || s.value.value("build").is_some())
}

/// Appends the service images of `doc`.
pub(crate) fn scan(doc: &Node, mentions: &mut Vec<Mention>) {
    let Some(Node::Map(services)) = doc.value("services").map(|s| &s.value) else {
        return;
    };
    for (name, service) in services {
        let name = name.value.scalar().unwrap_or("?");
        inline_dockerfile(name, &service.value, mentions);
        let Some(image) = service.value.value("image") else {
            continue;
        };
        let Some(text) = image.value.text() else {
            continue;
        };
        let expanded = match vars::expand(text.trim(), Dialect::Compose, &|_| Lookup::Undeclared) {
            Ok(text) => Expanded::Text(text),
            Err(missing) => Expanded::Unresolved(explain(&missing)),
        };
        mentions.push(Mention {
            line: image.referenced.line() as usize,
            column: image.referenced.column() as usize,
            written: text.to_string(),
            expanded,
            context: format!("services.{name}.image"),
            kind: SourceKind::Compose,
        });
    }
}

/// `build.dockerfile_inline`: scanned as the Dockerfile it is, with the
/// service's `build.args` as build arguments. Findings point at the inline
/// text and name the line inside it.
fn inline_dockerfile(service: &str, spec: &Node, mentions: &mut Vec<Mention>) {
    let Some(build) = spec.value("build") else {
        return;
    };
    let Some(inline) = build.value.value("dockerfile_inline") else {
        return;
    };
    let Some(text) = inline.value.text() else {
        return;
    };
    let mut args = BTreeMap::new();
    match build.value.value("args").map(|a| &a.value) {
        Some(Node::Map(entries)) => {
            for (key, value) in entries {
                if let (Some(k), Some(v)) = (key.value.text(), value.value.text()) {
                    args.insert(k.to_string(), interpolate(v));
                }
            }
        }
        // `args: [KEY=VALUE, ...]`
        Some(Node::Seq(items)) => {
            for item in items {
                if let Some((k, v)) = item.value.text().and_then(|s| s.split_once('=')) {
                    args.insert(k.to_string(), interpolate(v));
                }
            }
        }
        _ => {}
    }
    // Compose interpolates the text before the builder reads it.
    let text = interpolate(text);
    for mut m in super::dockerfile::scan(&text, &args, None) {
        m.context = format!(
            "services.{service}.build.dockerfile_inline line {}: {}",
            m.line, m.context
        );
        // Exact for a block scalar (`|`), whose lines are the file's lines.
        let (line, column) = (
            inline.referenced.line() as usize,
            inline.referenced.column() as usize,
        );
        m.column = column + m.column - 1;
        m.line = line + m.line - 1;
        m.kind = SourceKind::Compose;
        mentions.push(m);
    }
}

/// Compose's interpolation of a value; one that needs the environment stays
/// as written (so a reference built from it is not a valid one).
fn interpolate(text: &str) -> String {
    vars::expand(text, Dialect::Compose, &|_| Lookup::Undeclared)
        .unwrap_or_else(|_| text.to_string())
}

fn explain(missing: &Missing) -> String {
    match missing {
        Missing::Variable { name, .. } | Missing::Required { name } => {
            format!("${{{name}}} comes from the environment or .env and has no default in the file")
        }
        Missing::Operator(op) => format!("{op} uses an operator vimes does not evaluate"),
        Missing::Syntax => "unbalanced ${...}".to_string(),
        Missing::TooLong => format!("expands to more than {} KiB", vars::MAX_EXPANSION / 1024),
    }
}
