//! Admission policies generated from vimes.yaml, so that a cluster refuses
//! what `vimes verify` refuses: an image of the production registry must carry
//! a cosign signature by one of `signing.public_keys`, and for every type in
//! `signing.require_attestations` an attestation signed by one of them.
//!
//! Two admission controllers are targeted, each in the shape its own
//! documentation gives:
//! - Kyverno: one `ClusterPolicy` (`kyverno.io/v1`) with `verifyImages` rules
//!   (kyverno.io, "Verify Images Rules" and "Sigstore");
//! - sigstore policy-controller: `ClusterImagePolicy` resources
//!   (`policy.sigstore.dev/v1beta1`, docs.sigstore.dev "Policy Controller").
//!
//! vimes signs offline and writes nothing to a transparency log, so both
//! policies check key signatures without Rekor.
//!
//! Nothing here prints: the functions return JSON values that the command
//! renders as YAML or JSON.

mod kyverno;
mod policy_controller;

pub use kyverno::{kyverno_policy, KyvernoVersion};
pub use policy_controller::policy_controller_policy;

use crate::config::Config;
use crate::error::{ConfigError, Error, Result};
use crate::signing::keys::PublicKey;
use crate::signing::AttestationType;
use serde_json::Value;

/// `metadata.name` of the generated policy (policy-controller attestation
/// policies append `-<type>`).
pub const POLICY_NAME: &str = "vimes-verify-images";

/// Largest age of a vulnerability scan Kyverno accepts (Kyverno's documented
/// `scanFinishedOn` condition uses one week).
pub const VULN_SCAN_MAX_AGE: &str = "168h";

/// The longest admission webhook timeout Kubernetes allows: verification
/// fetches signatures and attestations from the registry.
const WEBHOOK_TIMEOUT_SECONDS: u64 = 30;

/// Label put on every generated resource, so they can be found and pruned.
const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "vimes");

/// The resources a generated value holds: the items of a `v1` `List`, or the
/// value itself. Used to render one YAML document per resource.
pub fn documents(value: &Value) -> Vec<&Value> {
    match (value.get("kind"), value.get("items")) {
        (Some(kind), Some(Value::Array(items))) if kind == "List" => items.iter().collect(),
        _ => vec![value],
    }
}

/// `host[:port][/project]` of the registry promotion writes to: the images an
/// admission policy covers.
pub fn production_prefix(config: &Config) -> Result<String> {
    let Some(promotion) = &config.promotion else {
        return Err(config_error(
            "no `promotion` section: admission policies cover the production registry, so \
             vimes.yaml needs `promotion: {from: <staging>, to: <production>}` naming two \
             entries of `registries`",
        ));
    };
    let Some(route) = config.route() else {
        let known: Vec<&str> = config.registries.keys().map(String::as_str).collect();
        let (key, name) = match config.registries.contains_key(&promotion.to) {
            true => ("from", &promotion.from),
            false => ("to", &promotion.to),
        };
        return Err(config_error(format!(
            "promotion.{key} names registry {name:?}, which is not defined under `registries` (defined: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    let host = route.to.url.trim().trim_end_matches('/');
    if host.is_empty() || host.contains("://") || host.contains('/') {
        return Err(config_error(format!(
            "registries.{}.url must be `host[:port]` (no scheme, no path), got {:?}",
            route.to_name, route.to.url
        )));
    }
    let project = route.to.project.trim().trim_matches('/');
    Ok(if project.is_empty() {
        host.to_string()
    } else {
        format!("{host}/{project}")
    })
}

/// Which attestations a generated policy requires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Requirement {
    /// A signature, and an attestation of each `signing.require_attestations`
    /// type: the checks of `vimes verify`.
    #[default]
    Configured,
    /// A signature, and one SLSA verification summary by vimes' verifier
    /// saying `PASSED`: promotion checked the rest before signing it.
    VsaOnly,
}

impl Requirement {
    /// The attestation types the policy requires.
    fn attestations(self, config: &Config) -> Result<Vec<AttestationType>> {
        match self {
            Requirement::Configured => required_attestations(config),
            Requirement::VsaOnly => Ok(vec![AttestationType::Vsa]),
        }
    }
}

/// `signing.require_attestations` as types, in order, without duplicates.
pub fn required_attestations(config: &Config) -> Result<Vec<AttestationType>> {
    let mut required = Vec::new();
    for name in &config.signing.require_attestations {
        let kind = AttestationType::from_name(name).ok_or_else(|| {
            config_error(format!(
                "signing.require_attestations: unknown attestation type {name:?} (known: {})",
                AttestationType::NAMES.join(", ")
            ))
        })?;
        if !required.contains(&kind) {
            required.push(kind);
        }
    }
    Ok(required)
}

/// Checks that there is at least one key and that each is a PEM public key
/// vimes itself could verify with, so the cluster is never handed a key that
/// `vimes verify` would refuse. Returns `(name, PEM)` with `\n` line ends:
/// the same key, but rendered as a readable YAML block instead of a quoted
/// string full of `\r\n` escapes.
fn trusted_keys(public_keys_pem: &[(String, String)]) -> Result<Vec<(&str, String)>> {
    if public_keys_pem.is_empty() {
        return Err(config_error(
            "signing.public_keys is empty: an admission policy needs at least one trusted public \
             key (e.g. `public_keys: [cosign.pub]`, made by `vimes key generate`)",
        ));
    }
    public_keys_pem
        .iter()
        .map(|(name, pem)| {
            PublicKey::from_pem(pem.as_bytes(), name)?;
            Ok((name.as_str(), pem.replace("\r\n", "\n")))
        })
        .collect()
}

fn attestation_clause(required: &[AttestationType]) -> String {
    if required.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = required.iter().map(|t| t.name()).collect();
    format!(
        " and attestations of type {} signed by one of them",
        names.join(", ")
    )
}

fn config_error(message: impl Into<String>) -> Error {
    ConfigError::new(message.into()).into()
}

#[cfg(test)]
mod tests;
