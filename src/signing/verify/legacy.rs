//! cosign's legacy layout: `.sig` layers (simple-signing payloads with the
//! signature in an annotation) and `.att` layers (DSSE envelopes of in-toto
//! statements), each checked against the trusted keys.

use super::check::{
    LayerCheck, RegistryFailure, Verdict, VerifyPolicy, MAX_ATTESTATION_BYTES, MAX_PAYLOAD_BYTES,
};
use crate::error::Error;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::PublicKey;
use crate::signing::payload::{
    pae, unb64, Envelope, SimpleSigning, IN_TOTO_PAYLOAD_TYPE, SIMPLE_SIGNING_TYPE,
};
use crate::signing::statement::{self, same_repository, Names};
use crate::signing::store::{
    self, DSSE_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING_MEDIA_TYPE,
};

/// A layer whose blob the registry did not deliver (or delivered altered).
fn unreadable(
    image: &ImageRef,
    layer: &str,
    predicate_type: Option<String>,
    what: &str,
    error: &Error,
) -> LayerCheck {
    let mut check = rejected(layer, predicate_type, format!("{what} unreadable: {error}"));
    if error.is_registry_failure() {
        check.verdict = Verdict::Unknown(RegistryFailure {
            registry: image.registry.clone(),
            message: format!("{what} {layer}: {error}"),
        });
    }
    check
}

fn rejected(layer: &str, predicate_type: Option<String>, reason: impl Into<String>) -> LayerCheck {
    LayerCheck {
        layer: layer.to_string(),
        verdict: Verdict::Bad,
        predicate_type,
        reason: reason.into(),
        ..LayerCheck::default()
    }
}

/// Checks one `.sig` layer: a trusted key's signature over a simple-signing
/// payload for this digest and repository, with the required annotations.
pub async fn check_signature(
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
        Err(e) => return unreadable(image, id, None, "payload", &e),
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
        verdict: Verdict::Good {
            key: key.name.clone(),
        },
        reason: format!("valid signature by {} ({})", key.name, key.fingerprint),
        ..LayerCheck::default()
    }
}

/// Checks one `.att` layer: a DSSE envelope a trusted key signed, of an
/// in-toto statement about this digest and repository. The statement comes
/// back with a check that counts.
pub async fn check_attestation(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    layer: &store::LayerDescriptor,
) -> (LayerCheck, Option<Vec<u8>>) {
    let refused = |check: LayerCheck| (check, None);
    let id = layer.digest.as_str();
    let annotated = layer.annotations.get(PREDICATE_TYPE_ANNOTATION).cloned();
    if layer.media_type != DSSE_MEDIA_TYPE {
        return refused(rejected(
            id,
            annotated,
            format!(
                "layer media type {:?} is not a DSSE envelope",
                layer.media_type
            ),
        ));
    }
    if layer.size > MAX_ATTESTATION_BYTES {
        return refused(rejected(id, annotated, "envelope over the size limit"));
    }
    let bytes = match client
        .pull_blob(image, &layer.digest, MAX_ATTESTATION_BYTES)
        .await
    {
        Ok(b) => b,
        Err(e) => return refused(unreadable(image, id, annotated, "envelope", &e)),
    };
    let envelope: Envelope = match serde_json::from_slice(&bytes) {
        Ok(e) => e,
        Err(e) => return refused(rejected(id, annotated, format!("not a DSSE envelope: {e}"))),
    };
    drop(bytes);
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return refused(rejected(
            id,
            annotated,
            format!("payload type {:?} is not in-toto", envelope.payload_type),
        ));
    }
    let Some(statement_bytes) = unb64(&envelope.payload) else {
        return refused(rejected(id, annotated, "payload is not valid base64"));
    };
    let message = pae(&envelope.payload_type, &statement_bytes);
    let key = envelope
        .signatures
        .iter()
        .filter_map(|s| unb64(&s.sig))
        .find_map(|sig| keys.iter().find(|k| k.verifies(&sig, &message)));
    let Some(key) = key else {
        return refused(rejected(
            id,
            annotated,
            "no envelope signature verifies with a trusted key",
        ));
    };
    let bound = match statement::check(
        &statement_bytes,
        digest,
        &image.repository_name(),
        Names::Required,
    ) {
        Ok(bound) => bound,
        Err(why) => return refused(rejected(id, why.predicate_type.or(annotated), why.reason)),
    };
    let check = LayerCheck {
        layer: id.to_string(),
        verdict: Verdict::Good {
            key: key.name.clone(),
        },
        reason: format!("valid {} attestation by {}", bound.predicate_type, key.name),
        predicate_type: Some(bound.predicate_type),
        ..LayerCheck::default()
    };
    (check, Some(statement_bytes))
}
