//! Image references a kustomization writes into the manifests it renders:
//! `images: [{name, newName, newTag, digest}]`. The result is
//! `newName` (or `name`) with `digest` (or `newTag`), as kustomize's image
//! transformer builds it; without either, the tag comes from the resources
//! and the reference cannot be known from this file.

use super::yaml::Node;
use super::{Expanded, Mention, SourceKind};

/// Whether a document is a kustomization: named `kustomization.yaml`
/// (`.yml`, `Kustomization`), or of kind `Kustomization`/`Component`.
pub(crate) fn is_kustomization(path: &str, doc: &Node) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let named = matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    );
    let kind = doc.value("kind").and_then(|k| k.value.text());
    named || matches!(kind, Some("Kustomization" | "Component"))
}

/// Appends the images the kustomization sets.
pub(crate) fn scan(doc: &Node, mentions: &mut Vec<Mention>) {
    let Some(Node::Seq(items)) = doc.value("images").map(|i| &i.value) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let field = |key| {
            item.value
                .value(key)
                .and_then(|v| v.value.text().map(|s| (v, s)))
        };
        let (Some((at, image)), field_name) = (match field("newName") {
            Some(found) => (Some(found), "newName"),
            None => (field("name"), "name"),
        }) else {
            continue;
        };
        let image = image.trim();
        let digest = field("digest").map(|(_, d)| d.trim());
        let tag = field("newTag").map(|(_, t)| t.trim());
        let (written, expanded) = match (digest, tag) {
            (Some(d), _) => {
                let text = format!("{image}@{d}");
                (text.clone(), Expanded::Text(text))
            }
            (None, Some(t)) => {
                let text = format!("{image}:{t}");
                (text.clone(), Expanded::Text(text))
            }
            (None, None) => (
                image.to_string(),
                Expanded::Unresolved(
                    "kustomize keeps the tag of the resources it rewrites: set newTag or digest \
                     here, or check the output of `kustomize build`"
                        .into(),
                ),
            ),
        };
        mentions.push(Mention {
            line: at.referenced.line() as usize,
            column: at.referenced.column() as usize,
            written,
            expanded,
            context: format!("images[{i}].{field_name} (kustomize)"),
            kind: SourceKind::Kubernetes,
        });
    }
}
