//! Filing SBOMs, the part both backends share: the other names a package is
//! found by, and the record of the ids an image's rows were filed under (so
//! that re-indexing a digest deletes exactly its old rows).

use super::document::Package;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// The ids an image's rows are filed under (kept in `image_keys` as JSON).
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Keys {
    /// Name ids of its package rows.
    pub names: BTreeSet<i64>,
    /// Alias ids of its alias rows.
    pub aliases: BTreeSet<i64>,
}

/// Other names a package is found by: its source package and, when it
/// differs from the package name, the name in its PURL (npm scopes, Go paths).
pub(super) fn aliases<'a>(p: &'a Package, name_key: &str) -> Vec<Cow<'a, str>> {
    let mut out = Vec::new();
    if let Some(source) = p.source.as_deref().filter(|s| *s != name_key) {
        out.push(Cow::Borrowed(source));
    }
    // purl_key is `type/namespace/name`; lookups by PURL try `name` and
    // `namespace/name`, so the PURL name needs an alias only when neither is
    // the package's own name key.
    if let Some((_, path)) = p.purl_key.as_deref().and_then(|k| k.split_once('/')) {
        let path = path.trim_start_matches('/');
        let name = path.rsplit('/').next().unwrap_or(path);
        if name != name_key && path != name_key && !name.is_empty() {
            out.push(Cow::Borrowed(name));
        }
    }
    out
}
