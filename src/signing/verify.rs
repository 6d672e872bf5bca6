//! Verification of cosign signatures and attestations against trusted keys,
//! in both formats whatever `signing.format` says: legacy `.sig`/`.att`
//! layers and Sigstore bundles found through the referrers API (see
//! `verify_bundle`). Every signature examined is reported with the reason it
//! did or did not count; the image is verified only if at least one signature
//! counts and every required attestation type is present and signed.

use super::keys::PublicKey;
use super::payload::{
    pae, unb64, Envelope, SimpleSigning, IN_TOTO_PAYLOAD_TYPE, SIMPLE_SIGNING_TYPE,
};
use super::statement::{self, Names};
use super::store::{
    self, DSSE_MEDIA_TYPE, MAX_LAYERS, PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING_MEDIA_TYPE,
};
use super::AttestationType;
use crate::error::{Error, Result};
use crate::registry::{ImageRef, RegistryClient};
use serde::Serialize;
use std::collections::BTreeMap;

/// Largest simple-signing payload read.
pub const MAX_PAYLOAD_BYTES: u64 = 1024 * 1024;
/// Largest attestation envelope read (SBOMs can be large).
pub const MAX_ATTESTATION_BYTES: u64 = 128 * 1024 * 1024;

/// What to require.
#[derive(Clone, Debug, Default)]
pub struct VerifyPolicy {
    /// Annotations every accepted signature's payload must carry.
    pub annotations: BTreeMap<String, String>,
    /// Attestation types that must be present and signed.
    pub required_attestations: Vec<AttestationType>,
}

/// [`LayerCheck::format`] of a `.sig`/`.att` layer.
pub const FORMAT_LEGACY: &str = "legacy";
/// [`LayerCheck::format`] of a Sigstore bundle referrer.
pub const FORMAT_BUNDLE: &str = "bundle";

/// The verdict on one signature or attestation (a legacy layer or a bundle).
#[derive(Clone, Debug, Default, Serialize)]
pub struct LayerCheck {
    /// Digest of the layer blob (the payload, envelope or bundle).
    pub layer: String,
    /// Whether it counts.
    pub valid: bool,
    /// The trusted key that verified it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The predicate type (attestations only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
    /// Why it does or does not count.
    pub reason: String,
    /// [`FORMAT_LEGACY`] or [`FORMAT_BUNDLE`].
    pub format: &'static str,
    /// Digest of the bundle's referrer manifest (bundles only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// The registry failure that kept this layer from being read: when
    /// nothing verified, that failure (exit 4) is the answer, not "unsigned".
    #[serde(skip)]
    pub registry_failure: Option<String>,
}

/// The outcome of verifying one image.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyReport {
    /// `host/repository`.
    pub repository: String,
    /// The manifest digest verified.
    pub digest: String,
    /// Whether the image passed.
    pub verified: bool,
    /// Every signature layer examined.
    pub signatures: Vec<LayerCheck>,
    /// Every attestation layer examined.
    pub attestations: Vec<LayerCheck>,
    /// Required attestation types without a valid attestation.
    pub missing_attestations: Vec<String>,
    /// Why the image did not pass (empty when it did).
    pub reasons: Vec<String>,
}

/// Verifies `image@digest` against `keys` and `policy`.
pub async fn verify_image(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    policy: &VerifyPolicy,
) -> Result<VerifyReport> {
    let repository = image.repository_name();
    let want_attestations = !policy.required_attestations.is_empty();
    // The three stores are independent reads: one round trip each, at once.
    let legacy_signatures = async {
        let Some(sigs) = store::read(client, image, digest, "sig").await? else {
            return Ok(Vec::new());
        };
        let mut checks = concurrently(sigs.layers.iter().take(MAX_LAYERS), |layer| {
            check_signature(client, image, digest, keys, policy, layer)
        })
        .await;
        if sigs.layers.len() > MAX_LAYERS {
            checks.push(LayerCheck {
                reason: format!(
                    "{} more layers not examined (limit {MAX_LAYERS})",
                    sigs.layers.len() - MAX_LAYERS
                ),
                format: FORMAT_LEGACY,
                ..LayerCheck::default()
            });
        }
        Ok::<_, Error>(checks)
    };
    let legacy_attestations = async {
        if !want_attestations {
            return Ok(Vec::new());
        }
        let Some(atts) = store::read(client, image, digest, "att").await? else {
            return Ok(Vec::new());
        };
        Ok::<_, Error>(
            concurrently(atts.layers.iter().take(MAX_LAYERS), |layer| {
                check_attestation(client, image, digest, keys, layer)
            })
            .await,
        )
    };
    let bundles =
        super::verify_bundle::check_bundles(client, image, digest, keys, policy, want_attestations);
    let (signatures, attestations, bundles) =
        tokio::join!(legacy_signatures, legacy_attestations, bundles);
    let (mut signatures, mut attestations) = (signatures?, attestations?);
    let (bundle_signatures, bundle_attestations) = bundles?;
    signatures.extend(bundle_signatures);
    attestations.extend(bundle_attestations);
    let mut reasons = Vec::new();
    if signatures.is_empty() {
        reasons.push(format!("no signatures found for {repository}@{digest}"));
    } else if !signatures.iter().any(|s| s.valid) {
        reasons.push("no signature is valid for a trusted key".to_string());
    }
    let missing_attestations: Vec<String> = policy
        .required_attestations
        .iter()
        .filter(|t| {
            !attestations.iter().any(|a| {
                a.valid
                    && a.predicate_type
                        .as_deref()
                        .is_some_and(|p| t.matches_uri(p))
            })
        })
        .map(|t| t.name().to_string())
        .collect();
    if !missing_attestations.is_empty() {
        reasons.push(format!(
            "required attestations missing or not validly signed: {}",
            missing_attestations.join(", ")
        ));
    }
    if !reasons.is_empty() {
        // "Not verified" must not hide a registry that failed to deliver what
        // might have verified: scripts tell unsigned (1) from broken (4).
        let failing = signatures
            .iter()
            .chain(attestations.iter())
            .find_map(|c| c.registry_failure.clone());
        if let Some(message) = failing {
            return Err(Error::Registry {
                registry: image.registry.clone(),
                message: format!("cannot verify {repository}@{digest}: reading {message}"),
            });
        }
    }
    Ok(VerifyReport {
        repository,
        digest: digest.to_string(),
        verified: reasons.is_empty(),
        signatures,
        attestations,
        missing_attestations,
        reasons,
    })
}

/// Runs `check` over `items` a few at a time, results in the order of `items`.
pub(super) async fn concurrently<'a, T: 'a, R, F: std::future::Future<Output = R>>(
    items: impl Iterator<Item = &'a T>,
    check: impl FnMut(&'a T) -> F,
) -> Vec<R> {
    use futures_util::StreamExt as _;
    // Enough to overlap round trips; few enough not to flood a registry.
    const IN_FLIGHT: usize = 8;
    futures_util::stream::iter(items)
        .map(check)
        .buffered(IN_FLIGHT)
        .collect()
        .await
}

/// A layer whose blob the registry did not deliver (or delivered altered).
fn unreadable(
    layer: &str,
    predicate_type: Option<String>,
    what: &str,
    error: &Error,
) -> LayerCheck {
    let mut check = rejected(layer, predicate_type, format!("{what} unreadable: {error}"));
    if error.is_registry_failure() {
        check.registry_failure = Some(format!("{what} {layer}: {error}"));
    }
    check
}

fn rejected(layer: &str, predicate_type: Option<String>, reason: impl Into<String>) -> LayerCheck {
    LayerCheck {
        layer: layer.to_string(),
        valid: false,
        key: None,
        predicate_type,
        reason: reason.into(),
        format: FORMAT_LEGACY,
        referrer: None,
        registry_failure: None,
    }
}

async fn check_signature(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    policy: &VerifyPolicy,
    layer: &store::LayerDescriptor,
) -> LayerCheck {
    let id = layer.digest.as_str();
    if layer.media_type != SIMPLE_SIGNING_MEDIA_TYPE {
        return rejected(
            id,
            None,
            format!(
                "layer media type {:?} is not a simple-signing payload",
                layer.media_type
            ),
        );
    }
    let Some(encoded) = layer.annotations.get(SIGNATURE_ANNOTATION) else {
        return rejected(id, None, "no signature annotation");
    };
    let Some(signature) = unb64(encoded).filter(|s| !s.is_empty()) else {
        return rejected(id, None, "signature annotation is not valid base64");
    };
    if layer.size > MAX_PAYLOAD_BYTES {
        return rejected(
            id,
            None,
            format!(
                "payload of {} bytes is over the {MAX_PAYLOAD_BYTES}-byte limit",
                layer.size
            ),
        );
    }
    let payload = match client
        .pull_blob(image, &layer.digest, MAX_PAYLOAD_BYTES)
        .await
    {
        Ok(p) => p,
        Err(e) => return unreadable(id, None, "payload", &e),
    };
    let Some(key) = keys.iter().find(|k| k.verifies(&signature, &payload)) else {
        return rejected(
            id,
            None,
            "signature does not verify with any trusted key (wrong key or tampered payload)",
        );
    };
    let parsed: SimpleSigning = match serde_json::from_slice(&payload) {
        Ok(p) => p,
        Err(e) => {
            return rejected(
                id,
                None,
                format!("payload is not a simple-signing document: {e}"),
            )
        }
    };
    if parsed.critical.kind != SIMPLE_SIGNING_TYPE {
        return rejected(
            id,
            None,
            format!(
                "payload type {:?} is not {SIMPLE_SIGNING_TYPE:?}",
                parsed.critical.kind
            ),
        );
    }
    if parsed.critical.image.docker_manifest_digest != digest {
        return rejected(
            id,
            None,
            format!(
                "signed digest {} is not this image's {digest}",
                parsed.critical.image.docker_manifest_digest
            ),
        );
    }
    if !same_repository(
        &parsed.critical.identity.docker_reference,
        &image.repository_name(),
    ) {
        return rejected(
            id,
            None,
            format!(
                "signed for repository {:?}, not {}",
                parsed.critical.identity.docker_reference,
                image.repository_name()
            ),
        );
    }
    for (k, v) in &policy.annotations {
        let found = parsed.optional.as_ref().and_then(|o| o.get(k));
        if found.and_then(|f| f.as_str()) != Some(v.as_str()) {
            return rejected(id, None, format!("annotation {k}={v} missing"));
        }
    }
    LayerCheck {
        layer: id.to_string(),
        valid: true,
        key: Some(key.name.clone()),
        predicate_type: None,
        reason: format!("valid signature by {} ({})", key.name, key.fingerprint),
        format: FORMAT_LEGACY,
        referrer: None,
        registry_failure: None,
    }
}

/// cosign binds the repository; sigstore-rs historically wrote `repo:tag`, so a
/// tag suffix is tolerated but a different repository is not.
pub(super) fn same_repository(signed: &str, expected: &str) -> bool {
    if signed == expected {
        return true;
    }
    ImageRef::parse(signed).is_ok_and(|r| r.repository_name() == expected && r.digest.is_none())
}

async fn check_attestation(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    layer: &store::LayerDescriptor,
) -> LayerCheck {
    let id = layer.digest.as_str();
    let annotated = layer.annotations.get(PREDICATE_TYPE_ANNOTATION).cloned();
    if layer.media_type != DSSE_MEDIA_TYPE {
        return rejected(
            id,
            annotated,
            format!(
                "layer media type {:?} is not a DSSE envelope",
                layer.media_type
            ),
        );
    }
    if layer.size > MAX_ATTESTATION_BYTES {
        return rejected(id, annotated, "envelope over the size limit");
    }
    let bytes = match client
        .pull_blob(image, &layer.digest, MAX_ATTESTATION_BYTES)
        .await
    {
        Ok(b) => b,
        Err(e) => return unreadable(id, annotated, "envelope", &e),
    };
    let envelope: Envelope = match serde_json::from_slice(&bytes) {
        Ok(e) => e,
        Err(e) => return rejected(id, annotated, format!("not a DSSE envelope: {e}")),
    };
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return rejected(
            id,
            annotated,
            format!("payload type {:?} is not in-toto", envelope.payload_type),
        );
    }
    let Some(statement_bytes) = unb64(&envelope.payload) else {
        return rejected(id, annotated, "payload is not valid base64");
    };
    let message = pae(&envelope.payload_type, &statement_bytes);
    let key = envelope
        .signatures
        .iter()
        .filter_map(|s| unb64(&s.sig))
        .find_map(|sig| keys.iter().find(|k| k.verifies(&sig, &message)));
    let Some(key) = key else {
        return rejected(
            id,
            annotated,
            "no envelope signature verifies with a trusted key",
        );
    };
    let bound = match statement::check(
        &statement_bytes,
        digest,
        &image.repository_name(),
        Names::Required,
    ) {
        Ok(bound) => bound,
        Err(refused) => return rejected(id, refused.predicate_type.or(annotated), refused.reason),
    };
    LayerCheck {
        layer: id.to_string(),
        valid: true,
        key: Some(key.name.clone()),
        reason: format!("valid {} attestation by {}", bound.predicate_type, key.name),
        predicate_type: Some(bound.predicate_type),
        format: FORMAT_LEGACY,
        referrer: None,
        registry_failure: None,
    }
}
