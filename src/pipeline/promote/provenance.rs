//! The provenance gate of promotion (`policy.provenance.required`): the
//! source digest must carry a SLSA v1 provenance attestation, signed by a
//! key of `policy.provenance.trusted_keys` (default `signing.public_keys`),
//! that `policy::provenance` accepts. Read through the one verifier; run
//! before the scan, since it is cheap and writes nothing.

use super::Context;
use crate::error::{Error, Result};
use crate::policy::provenance::{first_accepted, Accepted};
use crate::registry::ImageRef;
use crate::signing::keys::load_configured_keys;
use crate::signing::verify::verified_statements;
use crate::signing::AttestationType;

/// The provenance the gate accepted.
#[derive(Clone, Debug)]
pub struct CheckedProvenance {
    /// What it says.
    pub accepted: Accepted,
    /// Where it was read: `repository@sha256:<hex>` of the attestation
    /// (the legacy layer's envelope or the bundle).
    pub location: String,
    /// The digest of that blob.
    pub layer: String,
    /// The fingerprint of the key that signed it.
    pub signer: String,
}

/// Checks the provenance of `source` (pinned to `digest`); `None` when
/// `policy.provenance.required` is off. A refusal is exit 1 with every
/// candidate's reason; a registry that withheld a candidate, exit 4.
pub(super) async fn check(
    cx: &Context<'_>,
    source: &ImageRef,
    digest: &str,
) -> Result<Option<CheckedProvenance>> {
    let policy = &cx.config.policy.provenance;
    if !policy.required {
        return Ok(None);
    }
    let references = match policy.trusted_keys.is_empty() {
        true => &cx.config.signing.public_keys,
        false => &policy.trusted_keys,
    };
    let keys = load_configured_keys(references, cx.config_dir)?;
    if keys.is_empty() {
        return Err(Error::Usage(
            "policy.provenance.required: no keys to trust (set policy.provenance.trusted_keys \
             or signing.public_keys)"
                .into(),
        ));
    }
    let wanted = |uri: &str| AttestationType::SlsaProvenance1.matches_uri(uri);
    let found = verified_statements(cx.client, source, digest, &keys, &wanted).await?;
    let candidates = found
        .verified
        .iter()
        .map(|v| (v.check.layer.as_str(), v.statement.as_slice()));
    let subject = format!("{}@{digest}", source.repository_name());
    match first_accepted(candidates, digest, policy) {
        Ok((index, accepted)) => {
            let verified = &found.verified[index];
            Ok(Some(CheckedProvenance {
                accepted,
                location: format!("{}@{}", source.repository_name(), verified.check.layer),
                layer: verified.check.layer.clone(),
                signer: verified.check.verdict.key().unwrap_or_default().to_string(),
            }))
        }
        Err(mut reasons) => {
            if let Some(failure) = found.registry_failure {
                return Err(failure.into_error());
            }
            reasons.extend(found.refused);
            let why = match reasons.is_empty() {
                true => String::new(),
                false => format!(" ({})", reasons.join("; ")),
            };
            Err(Error::Policy(format!(
                "provenance gate refused {subject} (policy.provenance): no acceptable SLSA v1 \
                 provenance attestation signed by a trusted key{why}"
            )))
        }
    }
}
