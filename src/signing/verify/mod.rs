//! Verification of cosign signatures and attestations against trusted keys,
//! in both formats whatever `signing.format` says: legacy `.sig`/`.att`
//! layers ([`legacy`]) and Sigstore bundles found through the referrers API
//! ([`bundle`]), on the shared rules of [`check`]. Every signature examined
//! is reported with the reason it did or did not count; the image is
//! verified only if at least one signature counts and every required
//! attestation type is present and signed. [`verified_statements`] is the
//! one reader of signed attestations for everything else (the SBOM
//! inventory, promotion): what verification counts is what they count.

pub mod bundle;
pub mod check;
pub mod legacy;

pub use check::{Format, LayerCheck, RegistryFailure, Verdict, VerifiedStatement, VerifyPolicy};

use super::keys::PublicKey;
use super::store::{self, MAX_LAYERS, PREDICATE_TYPE_ANNOTATION};
use crate::error::{Error, Result};
use crate::registry::{ImageRef, RegistryClient};
use check::concurrently;
use serde::Serialize;

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
            legacy::check_signature(client, image, digest, keys, policy, layer)
        })
        .await;
        if sigs.layers.len() > MAX_LAYERS {
            checks.push(LayerCheck {
                reason: format!(
                    "{} more layers not examined (limit {MAX_LAYERS})",
                    sigs.layers.len() - MAX_LAYERS
                ),
                format: Format::Legacy,
                ..LayerCheck::default()
            });
        }
        Ok::<_, Error>(checks)
    };
    let legacy_attestations = async {
        if !want_attestations {
            return Ok(Vec::new());
        }
        legacy_attestation_checks(client, image, digest, keys, &|_| true).await
    };
    // One pass over the referrers serves signatures and attestations.
    let bundles = bundle::check_bundles(
        client,
        image,
        digest,
        keys,
        policy,
        want_attestations.then_some(&|_: &str| true),
    );
    let (signatures, attestations, bundles) =
        tokio::join!(legacy_signatures, legacy_attestations, bundles);
    let (mut signatures, mut attestations) = (signatures?, attestations?);
    let (bundle_signatures, bundle_attestations) = bundles?;
    signatures.extend(bundle_signatures);
    attestations.extend(bundle_attestations);
    let attestations: Vec<LayerCheck> = attestations.into_iter().map(|(c, _)| c).collect();
    let mut reasons = Vec::new();
    if signatures.is_empty() {
        reasons.push(format!("no signatures found for {repository}@{digest}"));
    } else if !signatures.iter().any(LayerCheck::is_valid) {
        reasons.push("no signature is valid for a trusted key".to_string());
    }
    let missing_attestations: Vec<String> = policy
        .required_attestations
        .iter()
        .filter(|t| {
            !attestations.iter().any(|a| {
                a.is_valid()
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
    for &format in &policy.required_formats {
        reasons.extend(missing_in(format, &signatures, &attestations, policy));
    }
    if !reasons.is_empty() {
        // "Not verified" must not hide a registry that failed to deliver what
        // might have verified: scripts tell unsigned (1) from broken (4).
        let failing = signatures
            .iter()
            .chain(attestations.iter())
            .find_map(|c| c.verdict.registry_failure().cloned());
        if let Some(failure) = failing {
            return Err(RegistryFailure {
                message: format!(
                    "cannot verify {repository}@{digest}: reading {}",
                    failure.message
                ),
                ..failure
            }
            .into_error());
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

/// Why `format` alone would not verify: no valid signature in it, or a
/// required attestation type without a valid one in it (none: it would).
fn missing_in(
    format: Format,
    signatures: &[LayerCheck],
    attestations: &[LayerCheck],
    policy: &VerifyPolicy,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if !signatures
        .iter()
        .any(|s| s.format == format && s.is_valid())
    {
        reasons.push(format!("no valid {format} signature"));
    }
    let missing: Vec<&str> = policy
        .required_attestations
        .iter()
        .filter(|t| {
            !attestations.iter().any(|a| {
                a.format == format
                    && a.is_valid()
                    && a.predicate_type
                        .as_deref()
                        .is_some_and(|p| t.matches_uri(p))
            })
        })
        .map(|t| t.name())
        .collect();
    if !missing.is_empty() {
        reasons.push(format!(
            "required attestations missing or not validly signed as {format}: {}",
            missing.join(", ")
        ));
    }
    reasons
}

/// A checked attestation, with its statement when it counts.
type CheckedAttestation = (LayerCheck, Option<Vec<u8>>);

/// The `.att` layers of `image@digest` annotated with a type `wanted`
/// accepts (or none), each checked, in the order written. Layers of other
/// types are not downloaded.
async fn legacy_attestation_checks(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<CheckedAttestation>> {
    let Some(atts) = store::read(client, image, digest, "att").await? else {
        return Ok(Vec::new());
    };
    let layers = atts.layers.iter().take(MAX_LAYERS).filter(|layer| {
        layer
            .annotations
            .get(PREDICATE_TYPE_ANNOTATION)
            .is_none_or(|t| wanted(t))
    });
    Ok(concurrently(layers, |layer| {
        legacy::check_attestation(client, image, digest, keys, layer)
    })
    .await)
}

/// What [`verified_statements`] found.
#[derive(Clone, Debug, Default)]
pub struct Statements {
    /// The statements that verified, newest first (legacy before bundles).
    pub verified: Vec<VerifiedStatement>,
    /// Why each other candidate did not count (`layer: reason`).
    pub refused: Vec<String>,
    /// A registry failure that kept a candidate from being read, if any.
    pub registry_failure: Option<RegistryFailure>,
}

/// The signed in-toto statements about `image@digest` whose predicate type
/// `wanted` accepts, verified with `keys` by the rules of [`verify_image`]:
/// the one entry point for readers of attestations.
pub async fn verified_statements(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Statements> {
    let mut found = Statements::default();
    let no_annotations = VerifyPolicy::default();
    let (legacy, bundles) = tokio::join!(
        legacy_attestation_checks(client, image, digest, keys, wanted),
        bundle::check_bundles(client, image, digest, keys, &no_annotations, Some(wanted),)
    );
    let keep = |(check, _): &CheckedAttestation| check.predicate_type.as_deref().is_none_or(wanted);
    let legacy: Vec<_> = legacy?.into_iter().filter(keep).collect();
    let bundles: Vec<_> = bundles?.1.into_iter().filter(keep).collect();
    // Both stores append: the newest of each is last.
    for (check, statement) in legacy.into_iter().rev().chain(bundles.into_iter().rev()) {
        match (statement, &check.verdict) {
            (Some(statement), Verdict::Good { .. }) => {
                found.verified.push(VerifiedStatement { check, statement });
            }
            (_, Verdict::Unknown(failure)) => {
                found
                    .registry_failure
                    .get_or_insert_with(|| failure.clone());
                found
                    .refused
                    .push(format!("{}: {}", check.layer, check.reason));
            }
            _ => found
                .refused
                .push(format!("{}: {}", check.layer, check.reason)),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::AttestationType;

    fn good(format: Format, predicate_type: Option<&str>) -> LayerCheck {
        LayerCheck {
            verdict: Verdict::Good { key: "k".into() },
            predicate_type: predicate_type.map(str::to_string),
            format,
            ..LayerCheck::default()
        }
    }

    #[test]
    fn a_required_layout_needs_its_own_signature_and_attestations() {
        let policy = VerifyPolicy {
            required_attestations: vec![AttestationType::Vuln],
            required_formats: vec![Format::Legacy, Format::Bundle],
            ..VerifyPolicy::default()
        };
        let vuln = Some(AttestationType::Vuln.uri());
        let signatures = [good(Format::Legacy, None), good(Format::Bundle, None)];
        let attestations = [good(Format::Legacy, vuln)];
        assert!(missing_in(Format::Legacy, &signatures, &attestations, &policy).is_empty());
        // The legacy attestation does not stand in for the bundle one.
        assert_eq!(
            missing_in(Format::Bundle, &signatures, &attestations, &policy),
            ["required attestations missing or not validly signed as bundle: vuln"]
        );
        let bad_bundle = LayerCheck {
            verdict: Verdict::Bad,
            ..good(Format::Bundle, None)
        };
        assert_eq!(
            missing_in(
                Format::Bundle,
                &[good(Format::Legacy, None), bad_bundle],
                &[good(Format::Bundle, vuln)],
                &policy
            ),
            ["no valid bundle signature"]
        );
    }

    #[test]
    fn both_writes_legacy_first() {
        use crate::config::SignatureFormat;
        assert_eq!(
            Format::written_for(SignatureFormat::Both),
            [Format::Legacy, Format::Bundle]
        );
        assert_eq!(
            Format::written_for(SignatureFormat::Legacy),
            [Format::Legacy]
        );
        assert_eq!(
            Format::written_for(SignatureFormat::Bundle),
            [Format::Bundle]
        );
    }
}
