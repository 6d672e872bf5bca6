//! The Kyverno `ClusterPolicy` (`kyverno.io/v1`, "Verify Images Rules" and
//! "Sigstore" in Kyverno's documentation), shaped for the Kyverno release
//! the cluster runs: Kyverno validates policies against its CRD and refuses
//! unknown fields, and its CRDs moved the enforcement fields in 1.13
//! (`failureAction` per rule and `webhookConfiguration`, the spec-level
//! `validationFailureAction`, `webhookTimeoutSeconds` and `failurePolicy`
//! deprecated). Each release gets only the fields its CRD defines, and never
//! a deprecated field beside its replacement.

use super::{
    attestation_clause, production_prefix, trusted_keys, Requirement, MANAGED_BY, POLICY_NAME,
    VULN_SCAN_MAX_AGE, WEBHOOK_TIMEOUT_SECONDS,
};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::signing::{AttestationType, VSA_VERIFIER_ID};
use serde_json::{json, Value};
use std::fmt;

/// The Kyverno release `vimes admission kyverno` targets unless told
/// otherwise: the first with the current field layout.
pub const DEFAULT_KYVERNO_VERSION: KyvernoVersion = KyvernoVersion {
    major: 1,
    minor: 13,
};

/// The oldest Kyverno release vimes writes policies for.
pub const OLDEST_KYVERNO_VERSION: KyvernoVersion = KyvernoVersion {
    major: 1,
    minor: 11,
};

/// A Kyverno release, `MAJOR.MINOR` (the patch level does not change the CRD).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KyvernoVersion {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
}

impl KyvernoVersion {
    /// Parses `1.13`, `1.13.2` or `v1.13.2`; releases before
    /// [`OLDEST_KYVERNO_VERSION`] are refused (usage error, exit 2).
    pub fn parse(text: &str) -> Result<KyvernoVersion> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "--kyverno-version {text:?}: {why} (e.g. 1.13 or v1.12.5; default {DEFAULT_KYVERNO_VERSION})"
            ))
        };
        let trimmed = text.trim();
        let trimmed = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let mut parts = trimmed.split('.');
        let number = |p: Option<&str>| p.and_then(|p| p.parse::<u32>().ok());
        let (Some(major), Some(minor)) = (number(parts.next()), number(parts.next())) else {
            return Err(bad("not a version MAJOR.MINOR[.PATCH]"));
        };
        match parts.next() {
            Some(patch) if patch.parse::<u32>().is_err() => {
                return Err(bad("not a version MAJOR.MINOR[.PATCH]"))
            }
            _ => {}
        }
        if parts.next().is_some() {
            return Err(bad("not a version MAJOR.MINOR[.PATCH]"));
        }
        let version = KyvernoVersion { major, minor };
        if version < OLDEST_KYVERNO_VERSION {
            return Err(bad(&format!(
                "vimes writes policies for Kyverno {OLDEST_KYVERNO_VERSION} and later"
            )));
        }
        Ok(version)
    }

    /// Whether this release reads `failureAction` per rule and
    /// `spec.webhookConfiguration.{failurePolicy,timeoutSeconds}` (1.13+).
    fn per_rule_enforcement(self) -> bool {
        self >= KyvernoVersion {
            major: 1,
            minor: 13,
        }
    }
}

impl fmt::Display for KyvernoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Kyverno's expression for the age of a cosign vulnerability attestation
/// (`metadata.scanFinishedOn` of the predicate), as documented by Kyverno.
const SCAN_AGE_KEY: &str = "{{ time_since('','{{metadata.scanFinishedOn}}','') }}";

/// Kyverno's CRD makes `rekor.url` required even when the log is ignored; its
/// documentation pairs `ignoreTlog: true` with the public instance's URL.
pub(super) const REKOR_URL: &str = "https://rekor.sigstore.dev";

/// The Kyverno `ClusterPolicy` enforcing vimes' verification rules.
///
/// `public_keys_pem` holds `(name, PEM)` pairs (the name only appears in
/// error messages); every key is checked to be a readable PEM public key.
/// Errors: no `promotion` section or an unknown `promotion.to` registry, no
/// key, or an unknown attestation type are configuration errors (exit 2); an
/// unreadable key is a usage error (exit 2). The fields are those of
/// `version`'s CRD; `requirement` says which attestations are required.
pub fn kyverno_policy(
    config: &Config,
    public_keys_pem: &[(String, String)],
    version: KyvernoVersion,
    requirement: Requirement,
) -> Result<Value> {
    let glob = kyverno_image_glob(config)?;
    let keys = trusted_keys(public_keys_pem)?;
    let required = requirement.attestations(config)?;

    // One attestor set with every key and `count: 1`: Kyverno then accepts a
    // signature by any one key (a logical OR), as `vimes verify` accepts a
    // signature by any trusted key. Without a count, every key would have to
    // have signed.
    let attestors = json!([{
        "count": 1,
        "entries": keys.iter().map(|(_, pem)| json!({
            "keys": {
                "publicKeys": pem,
                // vimes signs offline: no transparency-log entry, no SCT.
                "rekor": { "url": REKOR_URL, "ignoreTlog": true },
                "ctlog": { "ignoreSCT": true },
            }
        })).collect::<Vec<_>>(),
    }]);

    // Kyverno documents that a verifyImages rule checks signatures or
    // attestations, not both: signatures and attestations get a rule each.
    let mut rules = vec![kyverno_rule(
        "verify-signatures",
        &glob,
        ("attestors", attestors.clone()),
        version,
    )];
    if !required.is_empty() {
        let attestations = required
            .iter()
            .map(|kind| kyverno_attestation(*kind, &attestors))
            .collect();
        rules.push(kyverno_rule(
            "verify-attestations",
            &glob,
            ("attestations", Value::Array(attestations)),
            version,
        ));
    }

    let description = format!(
        "Generated by `vimes admission kyverno` from vimes.yaml. Pods may run images under {glob} \
         only if they carry a cosign signature by one of the {count} trusted key(s){atts}: the \
         checks of `vimes verify`. vimes signs offline, so no transparency log is consulted.{vuln}",
        count = keys.len(),
        atts = attestation_clause(&required),
        vuln = if required.contains(&AttestationType::Vuln) {
            format!(" The vulnerability scan attested must be at most {VULN_SCAN_MAX_AGE} old.")
        } else {
            String::new()
        },
    );
    let mut spec = json!({
        // Image verification runs at admission; background scans would only
        // repeat registry calls (Kyverno's samples set it false).
        "background": false,
        "rules": rules,
    });
    if version.per_rule_enforcement() {
        // `failureAction: Enforce` is on each rule (kyverno_rule).
        spec["webhookConfiguration"] = json!({
            "failurePolicy": "Fail",
            "timeoutSeconds": WEBHOOK_TIMEOUT_SECONDS,
        });
    } else {
        spec["validationFailureAction"] = json!("Enforce");
        spec["failurePolicy"] = json!("Fail");
        spec["webhookTimeoutSeconds"] = json!(WEBHOOK_TIMEOUT_SECONDS);
    }
    Ok(json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {
            "name": POLICY_NAME,
            "labels": { MANAGED_BY.0: MANAGED_BY.1 },
            "annotations": {
                "policies.kyverno.io/title": "Verify images promoted by vimes",
                "policies.kyverno.io/category": "Software Supply Chain Security",
                "policies.kyverno.io/severity": "high",
                "policies.kyverno.io/subject": "Pod",
                "policies.kyverno.io/description": description,
                "policies.kyverno.io/minversion": format!("{version}.0"),
            },
        },
        "spec": spec,
    }))
}

/// Kyverno `imageReferences` pattern for the production registry. Kyverno's
/// `*` also matches `/` and `:`, so this covers nested repositories, tags and
/// digests.
pub fn kyverno_image_glob(config: &Config) -> Result<String> {
    Ok(format!("{}/*", production_prefix(config)?))
}

fn kyverno_rule(name: &str, glob: &str, check: (&str, Value), version: KyvernoVersion) -> Value {
    let mut verify = json!({
        "imageReferences": [glob],
        // Admit the digest that was verified, never a tag that could move.
        "mutateDigest": true,
        "verifyDigest": true,
        "required": true,
    });
    if version.per_rule_enforcement() {
        // Per-rule enforcement, the form Kyverno 1.13+ defines.
        verify["failureAction"] = json!("Enforce");
    }
    verify[check.0] = check.1;
    json!({
        "name": name,
        "match": { "any": [{ "resources": { "kinds": ["Pod"] } }] },
        "verifyImages": [verify],
    })
}

fn kyverno_attestation(kind: AttestationType, attestors: &Value) -> Value {
    let mut attestation = json!({
        // `type` replaces the deprecated `predicateType`; Kyverno compares it
        // with the statement's predicateType, which vimes writes as this URI.
        "type": kind.uri(),
        "attestors": attestors,
    });
    if kind == AttestationType::Vsa {
        // Only vimes' own summary of a gate that passed stands for the rest.
        attestation["conditions"] = json!([{
            "all": [
                {
                    "key": "{{ verificationResult }}",
                    "operator": "Equals",
                    "value": "PASSED",
                    "message": "the verification summary does not say PASSED",
                },
                {
                    "key": "{{ verifier.id }}",
                    "operator": "Equals",
                    "value": VSA_VERIFIER_ID,
                    "message": format!("the verification summary is not by {VSA_VERIFIER_ID}"),
                },
            ]
        }]);
    }
    if kind == AttestationType::Vuln {
        attestation["conditions"] = json!([{
            "all": [{
                "key": SCAN_AGE_KEY,
                "operator": "LessThanOrEquals",
                "value": VULN_SCAN_MAX_AGE,
                "message": format!(
                    "the vulnerability scan finished at {{{{metadata.scanFinishedOn}}}}, more than \
                     {VULN_SCAN_MAX_AGE} ago: scan and attest the image again"
                ),
            }]
        }]);
    }
    attestation
}
