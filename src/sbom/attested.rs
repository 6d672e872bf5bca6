//! The SBOM attested for an image: the newest SBOM attestation (CycloneDX or
//! SPDX) about the digest that a trusted key signed, in cosign's legacy
//! `.att` layout or as a Sigstore bundle referrer. `sbom index` builds the
//! inventory from these, so only signed SBOMs of production images count.

use super::document::parse_statement;
use super::Sbom;
use crate::error::{Error, Result};
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::PublicKey;
use crate::signing::payload::{pae, unb64, Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::signing::statement::{check, Names};
use crate::signing::store::{self, DSSE_MEDIA_TYPE, MAX_LAYERS, PREDICATE_TYPE_ANNOTATION};
use crate::signing::verify::MAX_ATTESTATION_BYTES;
use crate::signing::{bundle, referrer, AttestationType};

fn is_sbom_type(uri: &str) -> bool {
    uri.starts_with(AttestationType::Cyclonedx.uri())
        || uri.starts_with(AttestationType::Spdx.uri())
}

/// The newest SBOM attestation of `image@digest` signed by one of `keys`
/// (legacy layers first, then bundle referrers). An image without one is a
/// policy refusal (exit 1) that lists the reasons each candidate failed.
pub async fn attested_sbom(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
) -> Result<Sbom> {
    let subject = format!("{}@{digest}", image.repository_name());
    let mut reasons = Vec::new();
    if let Some(sbom) = from_legacy(client, image, digest, keys, &mut reasons).await? {
        return Ok(sbom);
    }
    if let Some(sbom) = from_bundles(client, image, digest, keys, &mut reasons).await? {
        return Ok(sbom);
    }
    let why = match reasons.is_empty() {
        true => String::new(),
        false => format!(" ({})", reasons.join("; ")),
    };
    Err(Error::Policy(format!(
        "{subject} has no SBOM attestation signed by a trusted key{why}"
    )))
}

/// The image a statement must be about, and whether its subject may be unnamed.
struct About<'a> {
    digest: &'a str,
    repository: &'a str,
    names: Names,
}

/// Checks a signed statement: trusted signature, SBOM predicate about
/// `repository@digest`.
/// `None` (with a reason, unless it is simply another predicate) when it does not count.
fn accept(
    id: &str,
    statement: &[u8],
    message: &[u8],
    signatures: &[Vec<u8>],
    about: &About<'_>,
    keys: &[PublicKey],
    reasons: &mut Vec<String>,
) -> Option<Sbom> {
    let digest = about.digest;
    let trusted = signatures
        .iter()
        .any(|sig| keys.iter().any(|k| k.verifies(sig, message)));
    if !trusted {
        reasons.push(format!("{id}: not signed by a trusted key"));
        return None;
    }
    match parse_statement(statement) {
        Ok(s) if !is_sbom_type(&s.predicate_type) => None,
        Ok(s) if !s.subject_digests.iter().any(|d| d == digest) => {
            reasons.push(format!("{id}: its subject is not {digest}"));
            None
        }
        // The rules verification applies: statement type, and the subject
        // with this digest naming this repository.
        Ok(s) => match check(statement, digest, about.repository, about.names) {
            Ok(_) => Some(s.sbom),
            Err(refused) => {
                reasons.push(format!("{id}: {}", refused.reason));
                None
            }
        },
        Err(why) => {
            reasons.push(format!("{id}: {why}"));
            None
        }
    }
}

async fn from_legacy(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    reasons: &mut Vec<String>,
) -> Result<Option<Sbom>> {
    let layers = store::read(client, image, digest, "att")
        .await?
        .map(|a| a.layers)
        .unwrap_or_default();
    // cosign appends: the last layer is the newest.
    for layer in layers.iter().rev().take(MAX_LAYERS) {
        let annotated = layer.annotations.get(PREDICATE_TYPE_ANNOTATION);
        if layer.media_type != DSSE_MEDIA_TYPE || annotated.is_some_and(|t| !is_sbom_type(t)) {
            continue;
        }
        if layer.size > MAX_ATTESTATION_BYTES {
            reasons.push(format!(
                "{}: over {MAX_ATTESTATION_BYTES} bytes",
                layer.digest
            ));
            continue;
        }
        let bytes = client
            .pull_blob(image, &layer.digest, MAX_ATTESTATION_BYTES)
            .await?;
        let envelope: Envelope = match serde_json::from_slice(&bytes) {
            Ok(e) => e,
            Err(e) => {
                reasons.push(format!("{}: not a DSSE envelope: {e}", layer.digest));
                continue;
            }
        };
        drop(bytes);
        let statement = match (
            envelope.payload_type == IN_TOTO_PAYLOAD_TYPE,
            unb64(&envelope.payload),
        ) {
            (true, Some(s)) => s,
            _ => {
                reasons.push(format!("{}: not an in-toto payload", layer.digest));
                continue;
            }
        };
        let message = pae(&envelope.payload_type, &statement);
        let signatures: Vec<Vec<u8>> = envelope
            .signatures
            .iter()
            .filter_map(|s| unb64(&s.sig))
            .collect();
        if let Some(sbom) = accept(
            &layer.digest,
            &statement,
            &message,
            &signatures,
            &About {
                digest,
                repository: &image.repository_name(),
                names: Names::Required,
            },
            keys,
            reasons,
        ) {
            return Ok(Some(sbom));
        }
    }
    Ok(None)
}

async fn from_bundles(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    reasons: &mut Vec<String>,
) -> Result<Option<Sbom>> {
    let (candidates, _) = referrer::candidates(client, image, digest).await?;
    // Referrers index entries are appended: the last is the newest.
    for candidate in candidates.iter().rev() {
        if candidate
            .predicate_hint
            .as_deref()
            .is_some_and(|p| !is_sbom_type(p))
        {
            continue;
        }
        let fetched = referrer::fetch(client, image, digest, candidate).await;
        let id = &candidate.manifest_digest;
        let opened = match fetched
            .bundle
            .as_ref()
            .map_err(String::clone)
            .and_then(bundle::open)
        {
            Ok(opened) => opened,
            Err(why) => {
                if let Some(failure) = fetched.registry_failure {
                    return Err(Error::Registry {
                        registry: image.registry.clone(),
                        message: failure,
                    });
                }
                reasons.push(format!("{id}: {why}"));
                continue;
            }
        };
        if let Some(sbom) = accept(
            id,
            &opened.statement,
            &opened.message,
            &opened.signatures,
            &About {
                digest,
                repository: &image.repository_name(),
                names: Names::Optional,
            },
            keys,
            reasons,
        ) {
            return Ok(Some(sbom));
        }
    }
    Ok(None)
}
