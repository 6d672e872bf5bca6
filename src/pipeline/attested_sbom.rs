//! The SBOM attested for an image: the newest SBOM attestation (CycloneDX or
//! SPDX) about the digest that a trusted key signed, in cosign's legacy
//! `.att` layout or as a Sigstore bundle referrer, read through the one
//! verifier ([`verified_statements`]). `sbom index` builds the inventory from
//! these, so only signed SBOMs of production images count.

use crate::error::{Error, Result};
use crate::registry::{ImageRef, RegistryClient};
use crate::sbom::document::parse_statement;
use crate::sbom::Sbom;
use crate::signing::keys::PublicKey;
use crate::signing::verify::verified_statements;
use crate::signing::AttestationType;

fn is_sbom_type(uri: &str) -> bool {
    uri.starts_with(AttestationType::Cyclonedx.uri())
        || uri.starts_with(AttestationType::Spdx.uri())
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
    let subject = format!("{}@{digest}", image.repository_name());
    let found = verified_statements(client, image, digest, keys, &is_sbom_type).await?;
    if let Some(failure) = found.registry_failure {
        return Err(failure.into_error());
    }
    let mut reasons = found.refused;
    for verified in found.verified {
        match parse_statement(&verified.statement) {
            Ok(sbom) => return Ok(sbom),
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
