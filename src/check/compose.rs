//! Image references in compose files: `services.<name>.image`, with compose's
//! `${VAR:-default}` interpolation evaluated statically (the environment and
//! `.env` are not read: a variable without a default is unresolvable).

use super::vars::{self, Dialect, Lookup, Missing};
use super::yaml::Node;
use super::{Expanded, Mention, SourceKind};

/// Whether a document is a compose file: a `services` mapping, in a file
/// named like one (`compose.yaml`, `docker-compose.prod.yml`, ...) or with a
/// service that names an `image`.
pub(crate) fn is_compose(path: &str, doc: &Node) -> bool {
    let Some(Node::Map(services)) = doc.get("services").map(|s| &s.value) else {
        return false;
    };
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.starts_with("compose")
        || name.starts_with("docker-compose")
        || services.iter().any(|(_, s)| s.value.get("image").is_some())
}

/// Appends the service images of `doc`.
pub(crate) fn scan(doc: &Node, mentions: &mut Vec<Mention>) {
    let Some(Node::Map(services)) = doc.get("services").map(|s| &s.value) else {
        return;
    };
    for (name, service) in services {
        let Some(image) = service.value.get("image") else {
            continue;
        };
        let Some(text) = image.value.scalar() else {
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
