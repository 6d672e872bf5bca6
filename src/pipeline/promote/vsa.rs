//! The SLSA verification summary (`https://slsa.dev/verification_summary/v1`)
//! promotion attests on the production digest once the gates passed, so that
//! an admission policy can trust one attestation by the promotion key instead
//! of re-checking every piece of evidence.
//!
//! `verifiedLevels` claims `SLSA_BUILD_LEVEL_1` only when the provenance gate
//! checked a signed provenance; vimes cannot tell whether a builder is a
//! hosted build platform, so it never claims level 2 or above on its own.

use super::CheckedProvenance;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::registry::manifest::sha256_digest;
use crate::signing::keys::PublicKey;
use serde_json::{json, Value};

/// The verifier id vimes writes.
pub use crate::signing::VSA_VERIFIER_ID as VERIFIER_ID;

/// `sha256:<hex>` of the effective policy: `policy:` with every default
/// filled in, the attestation types required and the keys trusted, as
/// canonical JSON (struct fields in declaration order, keys sorted).
pub fn policy_digest(config: &Config, trusted: &[PublicKey]) -> Result<String> {
    let mut keys: Vec<&str> = trusted.iter().map(|k| k.fingerprint.as_str()).collect();
    keys.sort_unstable();
    let effective = json!({
        "policy": config.policy,
        "require_attestations": config.signing.require_attestations,
        "trusted_keys": keys,
    });
    let bytes = serde_json::to_vec(&effective)
        .map_err(|e| Error::Internal(format!("effective policy: {e}")))?;
    Ok(sha256_digest(&bytes))
}

/// The VSA predicate for `resource` (`repository@digest` in production).
pub fn predicate(
    resource: &str,
    policy_digest: &str,
    provenance: Option<&CheckedProvenance>,
    time_verified: &str,
) -> Value {
    let inputs: Vec<Value> = provenance
        .iter()
        .map(|p| {
            json!({
                "uri": format!("oci://{}", p.location),
                "digest": { "sha256": p.layer.trim_start_matches("sha256:") },
            })
        })
        .collect();
    let level = match provenance {
        Some(_) => "SLSA_BUILD_LEVEL_1",
        None => "SLSA_BUILD_LEVEL_0",
    };
    json!({
        "verifier": { "id": VERIFIER_ID, "version": { "vimes": env!("CARGO_PKG_VERSION") } },
        "timeVerified": time_verified,
        "resourceUri": format!("oci://{resource}"),
        "policy": {
            "uri": "https://vimes.dev/policy/v1",
            "digest": { "sha256": policy_digest.trim_start_matches("sha256:") },
        },
        "inputAttestations": inputs,
        "verificationResult": "PASSED",
        "verifiedLevels": [level],
        "slsaVersion": "1.0",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::provenance::Accepted;

    #[test]
    fn vsa_names_the_resource_policy_and_inputs() {
        let checked = CheckedProvenance {
            accepted: Accepted {
                builder_id: "b".into(),
                source: None,
                commit: None,
                dependencies: Vec::new(),
            },
            signer: "sha256:k".into(),
            location: format!("reg/staging/app@sha256:{}", "a".repeat(64)),
            layer: format!("sha256:{}", "a".repeat(64)),
        };
        let p = predicate(
            "reg/production/app@sha256:1",
            "sha256:ff",
            Some(&checked),
            "2026-01-01T00:00:00Z",
        );
        assert_eq!(p["resourceUri"], "oci://reg/production/app@sha256:1");
        assert_eq!(p["policy"]["digest"]["sha256"], "ff");
        assert_eq!(p["verificationResult"], "PASSED");
        assert_eq!(p["verifiedLevels"], json!(["SLSA_BUILD_LEVEL_1"]));
        assert_eq!(
            p["inputAttestations"][0]["digest"]["sha256"],
            "a".repeat(64)
        );
        assert_eq!(p["verifier"]["id"], VERIFIER_ID);
        let none = predicate("r@sha256:1", "sha256:ff", None, "t");
        assert_eq!(none["verifiedLevels"], json!(["SLSA_BUILD_LEVEL_0"]));
        assert_eq!(none["inputAttestations"], json!([]));
    }

    #[test]
    fn vsa_policy_digest_follows_the_policy() {
        let a = Config::default();
        let mut b = Config::default();
        b.policy.provenance.required = true;
        let da = policy_digest(&a, &[]).unwrap();
        assert_eq!(da, policy_digest(&a, &[]).unwrap());
        assert_ne!(da, policy_digest(&b, &[]).unwrap());
        assert!(da.starts_with("sha256:"));
    }
}
