//! The SBOM attested for an image: the newest SBOM attestation (CycloneDX or
//! SPDX) about the digest that a trusted key signed, in cosign's legacy
//! `.att` layout or as a Sigstore bundle referrer, read through the one
//! verifier ([`verified_statements`]). `sbom index` builds the inventory from
//! these, so only signed SBOMs of production images count.

use crate::error::{Error, Result};
use crate::registry::{ImageRef, RegistryClient};
use crate::sbom::document::{parse_statement, SbomError};
use crate::sbom::Sbom;
use crate::signing::keys::PublicKey;
use crate::signing::verify::verified_statements;
use crate::signing::AttestationType;

fn is_sbom_type(uri: &str) -> bool {
    uri.starts_with(AttestationType::Cyclonedx.uri())
        || uri.starts_with(AttestationType::Spdx.uri())
}

/// A signed SBOM attestation: the parsed packages and the document as signed.
#[derive(Debug)]
pub struct AttestedSbom {
    /// The packages, as the inventory files them.
    pub sbom: Sbom,
    /// The predicate (the CycloneDX or SPDX document) as signed.
    pub document: serde_json::Value,
}

/// The newest SBOM attestation of `image@digest` signed by one of `keys`
/// (legacy layers first, then bundle referrers). An image without one is a
/// policy refusal (exit 1) that lists the reasons each candidate failed; a
/// registry that failed to deliver a candidate is exit 4, since the SBOM it
/// withheld may be the newest.
pub async fn attested_sbom(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
) -> Result<Sbom> {
    Ok(attested_sbom_document(client, image, digest, keys)
        .await?
        .sbom)
}

/// As [`attested_sbom`], with the signed document kept.
pub async fn attested_sbom_document(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
) -> Result<AttestedSbom> {
    let subject = format!("{}@{digest}", image.repository_name());
    let found = verified_statements(client, image, digest, keys, &is_sbom_type).await?;
    if let Some(failure) = found.registry_failure {
        return Err(failure.into_error());
    }
    let mut reasons = found.refused;
    for verified in found.verified {
        let parsed = parse_statement(&verified.statement).and_then(|sbom| {
            predicate_of(&verified.statement).map(|document| AttestedSbom { sbom, document })
        });
        match parsed {
            Ok(attested) => return Ok(attested),
            Err(why) => reasons.push(format!("{}: {why}", verified.check.layer)),
        }
    }
    let why = match reasons.is_empty() {
        true => String::new(),
        false => format!(" ({})", reasons.join("; ")),
    };
    Err(Error::Policy(format!(
        "{subject} has no SBOM attestation signed by a trusted key{why}"
    )))
}

fn predicate_of(statement: &[u8]) -> std::result::Result<serde_json::Value, SbomError> {
    #[derive(serde::Deserialize)]
    struct Statement {
        predicate: serde_json::Value,
    }
    serde_json::from_slice::<Statement>(statement)
        .map(|s| s.predicate)
        .map_err(|e| SbomError::Shape(e.to_string()))
}
