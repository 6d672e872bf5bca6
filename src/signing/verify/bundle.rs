//! Verification of Sigstore-bundle signatures and attestations (cosign v3's
//! format) with the trust rules of the legacy ones: a trusted key verifies
//! the DSSE envelope, the statement names this exact digest, a repository it
//! names is this one, and required annotations are on the subject. Bundles
//! are signed with keys here; certificate (keyless) bundles and Rekor entries
//! cannot be checked offline and never count on their own.

use super::check::{concurrently, Format, LayerCheck, RegistryFailure, Verdict, VerifyPolicy};
use crate::error::{Result, VerifyError};
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::bundle::{self, Bundle, IN_TOTO_STATEMENT_V1};
use crate::signing::keys::PublicKey;
use crate::signing::payload::IN_TOTO_STATEMENT_V01;
use crate::signing::referrer::{self, Candidate, Fetched};
use crate::signing::statement::{self, same_repository, Names};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The bundle signatures and attestations of `image@digest`, each checked
/// (an attestation that counts with its statement). Attestation bundles are
/// only read when `attestations` is given, and only those whose annotated
/// predicate type it accepts.
pub async fn check_bundles(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    policy: &VerifyPolicy,
    attestations: Option<&(dyn Fn(&str) -> bool + Sync)>,
) -> Result<(Vec<LayerCheck>, Vec<(LayerCheck, Option<Vec<u8>>)>)> {
    let (candidates, skipped) = referrer::candidates(client, image, digest).await?;
    let wanted = candidates.iter().filter(|candidate| {
        match candidate
            .predicate_hint
            .as_deref()
            .filter(|p| *p != bundle::COSIGN_SIGN_PREDICATE_TYPE)
        {
            None => true,
            Some(hinted) => attestations.is_some_and(|wanted| wanted(hinted)),
        }
    });
    let attestations = attestations.is_some();
    let fetched = concurrently(wanted, async |candidate| {
        (
            candidate,
            referrer::fetch(client, image, digest, candidate).await,
        )
    })
    .await;
    let mut signatures = Vec::new();
    let mut checked_attestations = Vec::new();
    for (candidate, fetched) in &fetched {
        match kind_of(candidate, fetched) {
            Kind::Signature => {
                signatures.push(check_signature(image, digest, keys, policy, fetched));
            }
            Kind::Attestation(_) if !attestations => {}
            Kind::Attestation(p) => {
                checked_attestations.push(check_attestation(image, digest, keys, fetched, p));
            }
        }
    }
    if skipped > 0 {
        signatures.push(LayerCheck {
            format: Format::Bundle,
            reason: format!(
                "{skipped} more bundle referrers not examined (limit {})",
                crate::signing::store::MAX_LAYERS
            ),
            ..LayerCheck::default()
        });
    }
    Ok((signatures, checked_attestations))
}

enum Kind {
    Signature,
    Attestation(Option<String>),
}

/// A bundle is an attestation when its statement (or, when it cannot be
/// read, the manifest's annotation) names another predicate than cosign's
/// image signature; everything else is examined as a signature.
fn kind_of(candidate: &Candidate, fetched: &Fetched) -> Kind {
    let predicate = fetched
        .bundle
        .as_ref()
        .ok()
        .and_then(|b| bundle::open(b).ok())
        .and_then(|o| o.predicate_type)
        .or_else(|| candidate.predicate_hint.clone());
    match predicate {
        Some(p) if p != bundle::COSIGN_SIGN_PREDICATE_TYPE => Kind::Attestation(Some(p)),
        _ => Kind::Signature,
    }
}

fn rejected(
    image: &ImageRef,
    fetched: &Fetched,
    predicate_type: Option<String>,
    reason: String,
) -> LayerCheck {
    LayerCheck {
        layer: fetched.layer_digest.clone(),
        verdict: match &fetched.registry_failure {
            Some(message) => Verdict::Unknown(RegistryFailure {
                registry: image.registry.clone(),
                message: message.clone(),
            }),
            None => Verdict::Bad,
        },
        predicate_type,
        reason,
        format: Format::Bundle,
        referrer: Some(fetched.manifest_digest.clone()),
    }
}

/// Opens the bundle and finds the trusted key that signed it.
fn verified<'k>(
    keys: &'k [PublicKey],
    bundle: &Bundle,
) -> std::result::Result<(&'k PublicKey, bundle::Opened), VerifyError> {
    let opened = bundle::open(bundle)?;
    if opened.signatures.is_empty() {
        return Err(VerifyError::NoSignature);
    }
    let key = opened
        .signatures
        .iter()
        .find_map(|sig| keys.iter().find(|k| k.verifies(sig, &opened.message)));
    match key {
        Some(k) => Ok((k, opened)),
        None if bundle.verification_material.certificate.is_some()
            || bundle
                .verification_material
                .x509_certificate_chain
                .is_some() =>
        {
            Err(VerifyError::Keyless)
        }
        None => Err(VerifyError::UntrustedKey),
    }
}

#[derive(Deserialize)]
struct AnyStatement {
    #[serde(rename = "_type", default)]
    kind: String,
    #[serde(rename = "predicateType", default)]
    predicate_type: String,
    #[serde(default)]
    subject: Vec<bundle::ResourceDescriptor>,
}

fn parse_statement(bytes: &[u8]) -> std::result::Result<AnyStatement, VerifyError> {
    let statement: AnyStatement =
        serde_json::from_slice(bytes).map_err(|e| VerifyError::NotAStatement(e.to_string()))?;
    if statement.kind != IN_TOTO_STATEMENT_V1 && statement.kind != IN_TOTO_STATEMENT_V01 {
        return Err(VerifyError::StatementType(statement.kind));
    }
    Ok(statement)
}

/// The subject entry naming `digest`, if any.
fn subject_for<'s>(
    statement: &'s AnyStatement,
    digest: &str,
) -> Option<&'s bundle::ResourceDescriptor> {
    let (algorithm, hex) = digest.split_once(':')?;
    statement
        .subject
        .iter()
        .find(|s| s.digest.get(algorithm).map(String::as_str) == Some(hex))
}

fn check_signature(
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    policy: &VerifyPolicy,
    fetched: &Fetched,
) -> LayerCheck {
    let bundle = match &fetched.bundle {
        Ok(b) => b,
        Err(reason) => return rejected(image, fetched, None, reason.to_string()),
    };
    let (key, opened) = match verified(keys, bundle) {
        Ok(v) => v,
        Err(reason) => return rejected(image, fetched, None, reason.to_string()),
    };
    let statement = match parse_statement(&opened.statement) {
        Ok(s) => s,
        Err(reason) => return rejected(image, fetched, None, reason.to_string()),
    };
    if statement.predicate_type != bundle::COSIGN_SIGN_PREDICATE_TYPE {
        return rejected(
            image,
            fetched,
            None,
            format!(
                "predicate type {:?} is not an image signature",
                statement.predicate_type
            ),
        );
    }
    let Some(subject) = subject_for(&statement, digest) else {
        let signed: Vec<String> = statement
            .subject
            .iter()
            .flat_map(|s| s.digest.iter().map(|(a, h)| format!("{a}:{h}")))
            .collect();
        return rejected(
            image,
            fetched,
            None,
            format!(
                "signed digest {} is not this image's {digest}",
                if signed.is_empty() {
                    "(none)".to_string()
                } else {
                    signed.join(", ")
                }
            ),
        );
    };
    let repository = image.repository_name();
    let bound = match &subject.name {
        Some(name) if !same_repository(name, &repository) => {
            return rejected(
                image,
                fetched,
                None,
                format!("signed for repository {name:?}, not {repository}"),
            )
        }
        Some(_) => "",
        None => "; the statement names no repository (cosign v3 layout)",
    };
    let empty = BTreeMap::new();
    let annotations = subject.annotations.as_ref().unwrap_or(&empty);
    for (k, v) in &policy.annotations {
        if annotations.get(k).and_then(|f| f.as_str()) != Some(v.as_str()) {
            return rejected(image, fetched, None, format!("annotation {k}={v} missing"));
        }
    }
    LayerCheck {
        layer: fetched.layer_digest.clone(),
        verdict: Verdict::Good {
            key: key.name.clone(),
        },
        predicate_type: None,
        reason: format!(
            "valid bundle signature by {} ({}){bound}",
            key.name, key.fingerprint
        ),
        format: Format::Bundle,
        referrer: Some(fetched.manifest_digest.clone()),
    }
}

fn check_attestation(
    image: &ImageRef,
    digest: &str,
    keys: &[PublicKey],
    fetched: &Fetched,
    hinted: Option<String>,
) -> (LayerCheck, Option<Vec<u8>>) {
    let bundle = match &fetched.bundle {
        Ok(b) => b,
        Err(reason) => return (rejected(image, fetched, hinted, reason.to_string()), None),
    };
    let (key, opened) = match verified(keys, bundle) {
        Ok(v) => v,
        Err(reason) => return (rejected(image, fetched, hinted, reason.to_string()), None),
    };
    let bound = match statement::check(
        &opened.statement,
        digest,
        &image.repository_name(),
        Names::Optional,
    ) {
        Ok(bound) => bound,
        Err(refused) => {
            let check = rejected(
                image,
                fetched,
                refused.predicate_type.or(hinted),
                refused.reason,
            );
            return (check, None);
        }
    };
    let check = LayerCheck {
        layer: fetched.layer_digest.clone(),
        verdict: Verdict::Good {
            key: key.name.clone(),
        },
        reason: format!(
            "valid {} bundle attestation by {}{}",
            bound.predicate_type,
            key.name,
            if bound.unnamed {
                "; the statement names no repository"
            } else {
                ""
            }
        ),
        predicate_type: Some(bound.predicate_type),
        format: Format::Bundle,
        referrer: Some(fetched.manifest_digest.clone()),
    };
    (check, Some(opened.statement))
}
