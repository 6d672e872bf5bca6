//! One SBOM for a multi-platform image from one Syft SBOM per platform.
//! Syft, handed an index, catalogues the host's platform only, so the SBOM
//! signed for an index would leave the other platforms' packages out and the
//! inventory would answer "not in production" for them. Each platform is
//! catalogued on its own and the documents are merged here: every package
//! keeps its identity (identifiers are prefixed per platform so two platforms
//! never collide), names its platform, and the document describes the index
//! digest, which is what a deployment pulls.

use crate::config::SbomFormat;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// One platform's SBOM as Syft wrote it.
#[derive(Clone, Debug)]
pub struct PlatformSbom {
    /// `os/arch[/variant]`.
    pub platform: String,
    /// The platform manifest's digest.
    pub digest: String,
    /// The document.
    pub document: Value,
}

/// The property (CycloneDX) or annotation (SPDX) prefix naming a package's
/// platform.
pub const PLATFORM_PROPERTY: &str = "vimes:platform";

/// Why per-platform SBOMs cannot be merged: a document that is not of the
/// format asked for, or lacks what Syft always writes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no platform SBOM to merge")]
    NoParts,
    /// A field that must be an array is something else.
    #[error("the {what} SBOM's {key:?} is not an array")]
    NotAnArray {
        /// Which document (a platform, or "first platform's").
        what: String,
        /// The field.
        key: String,
    },
    /// A document that is not SPDX 2.x JSON.
    #[error("the {0} SBOM is not SPDX 2.x JSON")]
    NotSpdx(String),
    /// A document that is not CycloneDX.
    #[error("the {0} SBOM is not CycloneDX")]
    NotCyclonedx(String),
    /// A SPDX document without its namespace.
    #[error("the first platform's SBOM has no documentNamespace")]
    NoNamespace,
    /// A CycloneDX document without its subject.
    #[error("the {0} SBOM names no metadata.component")]
    NoSubject(String),
    /// A document that is not a JSON object.
    #[error("the first platform's SBOM is not a JSON object")]
    NotAnObject,
}

/// Merges per-platform documents of one format into one document whose
/// subject is `subject_name` at `index_digest`. Fails (with the reason) on a
/// document that is not of `format` or lacks what Syft always writes.
pub fn merge_platforms(
    format: SbomFormat,
    subject_name: &str,
    index_digest: &str,
    parts: &[PlatformSbom],
) -> Result<Value, MergeError> {
    if parts.is_empty() {
        return Err(MergeError::NoParts);
    }
    match format {
        SbomFormat::SpdxJson => merge_spdx(subject_name, index_digest, parts),
        SbomFormat::CyclonedxJson => merge_cyclonedx(subject_name, index_digest, parts),
    }
}

/// `SPDXRef-` identifiers allow letters, digits, `.` and `-` only.
fn id_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' => c,
            _ => '-',
        })
        .collect()
}

fn array<'a>(doc: &'a Value, key: &str, what: &str) -> Result<&'a Vec<Value>, MergeError> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(&EMPTY),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(MergeError::NotAnArray {
            what: what.to_string(),
            key: key.to_string(),
        }),
    }
}

static EMPTY: Vec<Value> = Vec::new();

/// Replaces every string in `value` that is one of `defined` by its renamed form.
fn rename(value: &mut Value, defined: &BTreeSet<String>, renamed: &dyn Fn(&str) -> String) {
    match value {
        Value::String(s) if defined.contains(s.as_str()) => *s = renamed(s),
        Value::Array(items) => items.iter_mut().for_each(|v| rename(v, defined, renamed)),
        Value::Object(map) => map.values_mut().for_each(|v| rename(v, defined, renamed)),
        _ => {}
    }
}

fn digest_hex(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap_or(digest)
}

const INDEX_ROOT_ID: &str = "SPDXRef-DocumentRoot-Index";

fn merge_spdx(
    subject_name: &str,
    index_digest: &str,
    parts: &[PlatformSbom],
) -> Result<Value, MergeError> {
    let first = &parts[0].document;
    if !first
        .get("spdxVersion")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("SPDX-2."))
    {
        return Err(MergeError::NotSpdx("first platform's".into()));
    }
    let created = first
        .pointer("/creationInfo/created")
        .cloned()
        .unwrap_or(Value::Null);
    let mut packages = vec![json!({
        "name": subject_name,
        "SPDXID": INDEX_ROOT_ID,
        "versionInfo": index_digest,
        "supplier": "NOASSERTION",
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "checksums": [{ "algorithm": "SHA256", "checksumValue": digest_hex(index_digest) }],
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
        "comment": format!("multi-platform index: {} platforms, each catalogued on its own", parts.len()),
        "primaryPackagePurpose": "CONTAINER",
    })];
    let mut files = Vec::new();
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relatedSpdxElement": INDEX_ROOT_ID,
        "relationshipType": "DESCRIBES",
    })];
    for (position, part) in parts.iter().enumerate() {
        let doc = &part.document;
        if !doc
            .get("spdxVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("SPDX-2."))
        {
            return Err(MergeError::NotSpdx(part.platform.clone()));
        }
        let what = part.platform.as_str();
        let part_packages = array(doc, "packages", what)?;
        let part_files = array(doc, "files", what)?;
        let defined: BTreeSet<String> = part_packages
            .iter()
            .chain(part_files)
            .filter_map(|item| item.get("SPDXID").and_then(Value::as_str))
            .filter(|id| *id != "SPDXRef-DOCUMENT")
            .map(str::to_string)
            .collect();
        let prefix = format!("SPDXRef-Platform{}-{}-", position + 1, id_safe(what));
        let renamed = |id: &str| format!("{prefix}{}", id.strip_prefix("SPDXRef-").unwrap_or(id));
        let annotation = json!({
            "annotationDate": created,
            "annotationType": "OTHER",
            "annotator": concat!("Tool: vimes-", env!("CARGO_PKG_VERSION")),
            "comment": format!("{PLATFORM_PROPERTY}={what} {}", part.digest),
        });
        for package in part_packages {
            let mut package = package.clone();
            rename(&mut package, &defined, &renamed);
            if let Value::Object(map) = &mut package {
                let annotations = map
                    .entry("annotations")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = annotations {
                    list.push(annotation.clone());
                }
            }
            packages.push(package);
        }
        for file in part_files {
            let mut file = file.clone();
            rename(&mut file, &defined, &renamed);
            files.push(file);
        }
        for relationship in array(doc, "relationships", what)? {
            let from_document = relationship.get("spdxElementId").and_then(Value::as_str)
                == Some("SPDXRef-DOCUMENT");
            let mut relationship = relationship.clone();
            rename(&mut relationship, &defined, &renamed);
            if from_document {
                // The platform's root, described by its own document, is
                // contained in the index the merged document describes.
                relationship["spdxElementId"] = json!(INDEX_ROOT_ID);
                relationship["relationshipType"] = json!("CONTAINS");
            }
            relationships.push(relationship);
        }
    }
    let mut merged = Map::new();
    for key in ["spdxVersion", "dataLicense", "SPDXID"] {
        if let Some(v) = first.get(key) {
            merged.insert(key.into(), v.clone());
        }
    }
    merged.insert("name".into(), json!(subject_name));
    let namespace = first
        .get("documentNamespace")
        .and_then(Value::as_str)
        .ok_or(MergeError::NoNamespace)?;
    merged.insert(
        "documentNamespace".into(),
        json!(format!(
            "{namespace}-platforms-{}",
            digest_hex(index_digest)
                .chars()
                .take(16)
                .collect::<String>()
        )),
    );
    let mut creation = first.get("creationInfo").cloned().unwrap_or(json!({}));
    if let Some(Value::Array(creators)) = creation.get_mut("creators") {
        creators.push(json!(concat!("Tool: vimes-", env!("CARGO_PKG_VERSION"))));
    }
    merged.insert("creationInfo".into(), creation);
    merged.insert("packages".into(), Value::Array(packages));
    merged.insert("files".into(), Value::Array(files));
    merged.insert("relationships".into(), Value::Array(relationships));
    Ok(Value::Object(merged))
}

fn collect_bom_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("bom-ref") {
                out.insert(r.clone());
            }
            map.values().for_each(|v| collect_bom_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_bom_refs(v, out)),
        _ => {}
    }
}

fn with_platform_property(component: &mut Value, platform: &str) {
    if let Value::Object(map) = component {
        let properties = map
            .entry("properties")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = properties {
            list.push(json!({ "name": PLATFORM_PROPERTY, "value": platform }));
        }
    }
}

/// An RFC 9562 version-8 UUID from the merged document's inputs, so the
/// same platforms merge to the same serial number.
fn serial_number(subject_name: &str, index_digest: &str, parts: &[PlatformSbom]) -> String {
    let mut hash = Sha256::new();
    hash.update(subject_name.as_bytes());
    hash.update([0]);
    hash.update(index_digest.as_bytes());
    for part in parts {
        hash.update([0]);
        hash.update(part.digest.as_bytes());
        if let Some(serial) = part.document.get("serialNumber").and_then(Value::as_str) {
            hash.update(serial.as_bytes());
        }
    }
    let mut bytes: [u8; 16] = [0; 16];
    bytes.copy_from_slice(&hash.finalize()[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h = hex::encode(bytes);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn merge_cyclonedx(
    subject_name: &str,
    index_digest: &str,
    parts: &[PlatformSbom],
) -> Result<Value, MergeError> {
    let first = &parts[0].document;
    let mut components = Vec::new();
    let mut dependencies = Vec::new();
    let mut platform_roots = Vec::new();
    let index_ref = format!("index:{index_digest}");
    for (position, part) in parts.iter().enumerate() {
        let doc = &part.document;
        let what = part.platform.as_str();
        if doc.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
            return Err(MergeError::NotCyclonedx(what.to_string()));
        }
        let mut defined = BTreeSet::new();
        collect_bom_refs(doc, &mut defined);
        let prefix = format!("platform{}:{what}:", position + 1);
        let renamed = |r: &str| format!("{prefix}{r}");
        for component in array(doc, "components", what)? {
            let mut component = component.clone();
            rename(&mut component, &defined, &renamed);
            with_platform_property(&mut component, what);
            components.push(component);
        }
        for dependency in array(doc, "dependencies", what)? {
            let mut dependency = dependency.clone();
            rename(&mut dependency, &defined, &renamed);
            dependencies.push(dependency);
        }
        let mut root = doc
            .pointer("/metadata/component")
            .cloned()
            .ok_or_else(|| MergeError::NoSubject(what.to_string()))?;
        rename(&mut root, &defined, &renamed);
        with_platform_property(&mut root, what);
        platform_roots.push(root);
    }
    let root_refs: Vec<Value> = platform_roots
        .iter()
        .filter_map(|r| r.get("bom-ref").cloned())
        .collect();
    dependencies.push(json!({ "ref": index_ref, "dependsOn": root_refs }));
    let mut merged = first.as_object().cloned().ok_or(MergeError::NotAnObject)?;
    merged.insert(
        "serialNumber".into(),
        json!(serial_number(subject_name, index_digest, parts)),
    );
    let mut metadata = first.get("metadata").cloned().unwrap_or_else(|| json!({}));
    if let Some(Value::Array(tools)) = metadata.pointer_mut("/tools/components") {
        tools.push(json!({
            "type": "application",
            "name": "vimes",
            "version": env!("CARGO_PKG_VERSION"),
        }));
    }
    metadata["component"] = json!({
        "bom-ref": index_ref,
        "type": "container",
        "name": subject_name,
        "version": index_digest,
        "description": format!("multi-platform index: {} platforms, each catalogued on its own", parts.len()),
        "components": platform_roots,
    });
    merged.insert("metadata".into(), metadata);
    merged.insert("components".into(), Value::Array(components));
    merged.insert("dependencies".into(), Value::Array(dependencies));
    Ok(Value::Object(merged))
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
