//! Sigstore bundles stored as cosign v2.4+/v3 stores them: one OCI image
//! manifest per bundle, `artifactType` the bundle media type, the empty
//! config, one layer holding the bundle JSON, `subject` the signed image, and
//! cosign's annotations. It is pushed through the referrers API, or listed in
//! the `sha256-<hex>` fallback index where the registry has none. Every bundle
//! is its own manifest, so a second signer never replaces the first.

use super::bundle::{
    Bundle, BUNDLE_MEDIA_TYPE, BUNDLE_MEDIA_TYPE_PREFIX, CONTENT_ANNOTATION, CONTENT_DSSE,
    CREATED_ANNOTATION, PREDICATE_ANNOTATION, TITLE_ANNOTATION,
};
use super::store::{AppendOutcome, MAX_LAYERS};
use crate::error::{BundleError, Error, RegistryError, Result};
use crate::registry::manifest::{sha256_digest, Manifest, OCI_MANIFEST};
use crate::registry::{ImageRef, RegistryClient};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Media type of the empty config blob.
pub const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// The empty config blob.
pub const EMPTY_BLOB: &[u8] = b"{}";
/// Largest bundle read (attestation bundles carry whole SBOMs).
pub const MAX_BUNDLE_BYTES: u64 = 128 * 1024 * 1024;

/// A bundle referrer of an image, before its bundle is fetched.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Digest of the referrer manifest.
    pub manifest_digest: String,
    /// Its `dev.sigstore.bundle.predicateType` annotation, if any.
    pub predicate_hint: Option<String>,
}

/// A bundle referrer with its bundle, or why the bundle could not be read.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// Digest of the referrer manifest.
    pub manifest_digest: String,
    /// Digest of the bundle layer (empty when the manifest was unreadable).
    pub layer_digest: String,
    /// The bundle, or why there is none.
    pub bundle: std::result::Result<Bundle, BundleError>,
    /// Set when the registry failed to deliver the referrer or its bundle.
    pub registry_failure: Option<String>,
}

/// The Sigstore-bundle referrers of `image@digest` (at most [`MAX_LAYERS`]),
/// and how many more were left out.
pub async fn candidates(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
) -> Result<(Vec<Candidate>, usize)> {
    let referrers = client.referrers(image, digest).await?;
    let all: Vec<Candidate> = referrers
        .descriptors
        .iter()
        .filter(|d| {
            d.artifact_type
                .as_deref()
                .is_some_and(|t| t.starts_with(BUNDLE_MEDIA_TYPE_PREFIX))
        })
        .map(|d| Candidate {
            manifest_digest: d.digest.clone(),
            predicate_hint: d.annotations.get(PREDICATE_ANNOTATION).cloned(),
        })
        .collect();
    let skipped = all.len().saturating_sub(MAX_LAYERS);
    Ok((all.into_iter().take(MAX_LAYERS).collect(), skipped))
}

/// Reads one bundle referrer of `image@digest`. Anything wrong with it (a
/// manifest about another image, a missing or oversized layer) is the reason
/// in [`Fetched::bundle`], never an error: the caller reports and goes on.
pub async fn fetch(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    candidate: &Candidate,
) -> Fetched {
    let mut out = Fetched {
        manifest_digest: candidate.manifest_digest.clone(),
        layer_digest: String::new(),
        bundle: Err(BundleError::Referrer(String::new())),
        registry_failure: None,
    };
    out.bundle = read(client, image, digest, candidate, &mut out.layer_digest)
        .await
        .map_err(|(reason, error)| {
            if error.is_some_and(|e| e.is_registry_failure()) {
                out.registry_failure = Some(format!(
                    "bundle referrer {}: {reason}",
                    candidate.manifest_digest
                ));
            }
            BundleError::Referrer(reason)
        });
    out
}

async fn read(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    candidate: &Candidate,
    layer_digest: &mut String,
) -> std::result::Result<Bundle, (String, Option<crate::error::Error>)> {
    let plain = |reason: String| (reason, None);
    let manifest = match client
        .get_manifest(&image.with_digest(&candidate.manifest_digest))
        .await
    {
        Ok(Some(m)) => m,
        Ok(None) => {
            return Err(plain(
                "listed as a referrer, but the manifest is missing".into(),
            ))
        }
        Err(e) => return Err((format!("referrer manifest unreadable: {e}"), Some(e))),
    };
    let doc: Value = serde_json::from_slice(&manifest.bytes)
        .map_err(|e| plain(format!("referrer manifest is not JSON: {e}")))?;
    let subject = doc.pointer("/subject/digest").and_then(Value::as_str);
    if subject != Some(digest) {
        return Err(plain(format!(
            "referrer's subject is {}, not this image's {digest}",
            subject.unwrap_or("missing")
        )));
    }
    let artifact_type = doc
        .get("artifactType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !artifact_type.starts_with(BUNDLE_MEDIA_TYPE_PREFIX) {
        return Err(plain(format!(
            "artifactType {artifact_type:?} is not a Sigstore bundle"
        )));
    }
    let layer = doc
        .get("layers")
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .ok_or_else(|| plain("referrer manifest has no layer".into()))?;
    let media_type = layer
        .get("mediaType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !media_type.starts_with(BUNDLE_MEDIA_TYPE_PREFIX) {
        return Err(plain(format!(
            "layer media type {media_type:?} is not a Sigstore bundle"
        )));
    }
    let blob = layer
        .get("digest")
        .and_then(Value::as_str)
        .ok_or_else(|| plain("bundle layer has no digest".into()))?;
    *layer_digest = blob.to_string();
    let size = layer.get("size").and_then(Value::as_u64).unwrap_or(0);
    if size > MAX_BUNDLE_BYTES {
        return Err(plain(format!(
            "bundle of {size} bytes is over the {MAX_BUNDLE_BYTES}-byte limit"
        )));
    }
    let bytes = client
        .pull_blob(image, blob, MAX_BUNDLE_BYTES)
        .await
        .map_err(|e| (format!("bundle unreadable: {e}"), Some(e)))?;
    serde_json::from_slice(&bytes).map_err(|e| plain(format!("not a Sigstore bundle: {e}")))
}

/// Attaches `bundle` (whose statement has `predicate_type`) to
/// `image@digest`, unless `already_present` says an existing bundle of that
/// predicate type is equivalent.
pub async fn attach(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    bundle: &Bundle,
    predicate_type: &str,
    already_present: impl AsyncFn(&Bundle) -> bool,
) -> Result<AppendOutcome> {
    let (found, _) = candidates(client, image, digest).await?;
    for candidate in found.iter().filter(|c| {
        c.predicate_hint
            .as_deref()
            .is_none_or(|p| p == predicate_type)
    }) {
        let fetched = fetch(client, image, digest, candidate).await;
        if let Ok(existing) = &fetched.bundle {
            if already_present(existing).await {
                return Ok(AppendOutcome {
                    tag: fetched.manifest_digest.clone(),
                    location: format!("{}@{}", image.repository_name(), fetched.manifest_digest),
                    manifest_digest: fetched.manifest_digest,
                    added: false,
                });
            }
        }
    }
    let subject = client
        .get_manifest(&image.with_digest(digest))
        .await?
        .ok_or_else(|| {
            RegistryError::not_found(
                &image.registry,
                format!("image {} not found", image.with_digest(digest)),
            )
        })?;
    let manifest = build_manifest(&subject, bundle, predicate_type)?;
    client
        .push_blob(image, EMPTY_BLOB.to_vec(), &sha256_digest(EMPTY_BLOB))
        .await?;
    let blob = bundle.to_bytes();
    let blob_digest = sha256_digest(&blob);
    client.push_blob(image, blob, &blob_digest).await?;
    let pushed = client.push_referrer(image, &manifest).await?;
    Ok(AppendOutcome {
        tag: pushed
            .fallback_tag
            .clone()
            .unwrap_or_else(|| pushed.digest.clone()),
        location: format!("{}@{}", image.repository_name(), pushed.digest),
        manifest_digest: pushed.digest,
        added: true,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    media_type: String,
    digest: String,
    size: u64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BundleManifest {
    schema_version: u32,
    media_type: &'static str,
    artifact_type: &'static str,
    config: Descriptor,
    layers: Vec<Descriptor>,
    subject: Descriptor,
    annotations: BTreeMap<String, String>,
}

/// The referrer manifest cosign writes for a bundle.
fn build_manifest(subject: &Manifest, bundle: &Bundle, predicate_type: &str) -> Result<Manifest> {
    let blob = bundle.to_bytes();
    let blob_digest = sha256_digest(&blob);
    let doc = BundleManifest {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        artifact_type: BUNDLE_MEDIA_TYPE,
        config: Descriptor {
            media_type: EMPTY_MEDIA_TYPE.to_string(),
            digest: sha256_digest(EMPTY_BLOB),
            size: EMPTY_BLOB.len() as u64,
            annotations: BTreeMap::new(),
        },
        layers: vec![Descriptor {
            media_type: BUNDLE_MEDIA_TYPE.to_string(),
            annotations: BTreeMap::from([(
                TITLE_ANNOTATION.to_string(),
                format!("{}.sigstore.json", blob_digest.replacen(':', "-", 1)),
            )]),
            digest: blob_digest,
            size: blob.len() as u64,
        }],
        subject: Descriptor {
            media_type: subject.media_type.clone(),
            digest: subject.digest.clone(),
            size: subject.bytes.len() as u64,
            annotations: BTreeMap::new(),
        },
        annotations: BTreeMap::from([
            (CONTENT_ANNOTATION.to_string(), CONTENT_DSSE.to_string()),
            (PREDICATE_ANNOTATION.to_string(), predicate_type.to_string()),
            (CREATED_ANNOTATION.to_string(), crate::clock::now_rfc3339()),
        ]),
    };
    let invalid = |why: String| Error::internal(format!("cannot build the bundle manifest: {why}"));
    let bytes = serde_json::to_vec(&doc).map_err(|e| invalid(e.to_string()))?;
    Manifest::from_bytes(bytes).map_err(|e| invalid(e.to_string()))
}
