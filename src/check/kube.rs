//! Image references in Kubernetes manifests: the `image` of every
//! `containers`, `initContainers` and `ephemeralContainers` entry of any pod
//! spec in the document, wherever the workload nests its pod template (Pod,
//! Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, PodTemplate,
//! `List` items and custom resources that embed pod templates).

use super::yaml::Node;
use super::{Expanded, Mention, SourceKind};
use serde_saphyr::Spanned;

/// The keys whose sequences hold containers.
const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// Whether a document is a Kubernetes object (it has `apiVersion` and `kind`).
pub(crate) fn is_manifest(doc: &Node) -> bool {
    let scalar = |key| doc.value(key).and_then(|v| v.value.text()).is_some();
    scalar("apiVersion") && scalar("kind")
}

/// Appends the container images of `doc`.
pub(crate) fn scan(doc: &Node, mentions: &mut Vec<Mention>) {
    let kind = doc
        .value("kind")
        .and_then(|v| v.value.text())
        .unwrap_or("?");
    let name = doc
        .value("metadata")
        .and_then(|m| m.value.value("name"))
        .and_then(|n| n.value.text());
    let object = match name {
        Some(name) => format!("{kind}/{name}"),
        None => kind.to_string(),
    };
    let mut path = Vec::new();
    walk(doc, &object, &mut path, mentions);
}

fn walk(node: &Node, object: &str, path: &mut Vec<String>, mentions: &mut Vec<Mention>) {
    match node {
        Node::Map(entries) => {
            for (key, value) in entries {
                // A collection as a key names nothing vimes looks for.
                let key = key.value.scalar().unwrap_or("?");
                path.push(key.to_string());
                if CONTAINER_LISTS.contains(&key) {
                    if let Node::Seq(items) = &value.value {
                        containers(items, object, path, mentions);
                    }
                } else {
                    walk(&value.value, object, path, mentions);
                }
                path.pop();
            }
        }
        Node::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                walk(&item.value, object, path, mentions);
                path.pop();
            }
        }
        _ => {}
    }
}

fn containers(items: &[Spanned<Node>], object: &str, path: &[String], mentions: &mut Vec<Mention>) {
    for (i, item) in items.iter().enumerate() {
        let Some(image) = item.value.value("image") else {
            continue;
        };
        let Some(text) = image.value.text() else {
            continue;
        };
        let container = item
            .value
            .value("name")
            .and_then(|n| n.value.text())
            .map(|n| format!(" (container {n})"))
            .unwrap_or_default();
        let context = format!("{object} {}[{i}].image{container}", dotted(path));
        mentions.push(Mention {
            line: image.referenced.line() as usize,
            column: image.referenced.column() as usize,
            written: text.to_string(),
            expanded: expand(text),
            context,
            kind: SourceKind::Kubernetes,
        });
    }
}

/// Kubernetes does no substitution: a template or variable in an image is
/// filled in by some tool before apply, so the real reference is unknown here.
fn expand(text: &str) -> Expanded {
    let trimmed = text.trim();
    if trimmed.contains("{{") {
        Expanded::Unresolved(
            "a template expression: check the rendered manifest instead".to_string(),
        )
    } else if trimmed.contains("${") || trimmed.contains("$(") {
        Expanded::Unresolved(
            "a variable substituted outside Kubernetes (envsubst, Flux, kustomize replacements): \
             check the substituted manifest instead"
                .to_string(),
        )
    } else {
        Expanded::Text(trimmed.to_string())
    }
}

fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        if !segment.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}
