//! What every verifier shares: the policy asked for, the verdict on one
//! signature or attestation, its format, the size limits, and how reads run
//! side by side. The format-specific checks (`legacy`, `bundle`) build on
//! this; nothing here knows a format's layout.

use super::super::AttestationType;
use crate::config::SignatureFormat;
use crate::error::{Error, RegistryError};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Largest simple-signing payload read.
pub const MAX_PAYLOAD_BYTES: u64 = 1024 * 1024;
/// Largest attestation envelope read (SBOMs can be large).
pub const MAX_ATTESTATION_BYTES: u64 = 128 * 1024 * 1024;

/// What to require.
#[derive(Clone, Debug, Default)]
pub struct VerifyPolicy {
    /// Annotations every accepted signature's payload must carry.
    pub annotations: BTreeMap<String, String>,
    /// Attestation types that must be present and signed.
    pub required_attestations: Vec<AttestationType>,
    /// Layouts that must each hold a valid signature and every required
    /// attestation (empty: any layout counts). Promotion asks for every
    /// layout it wrote, so `signing.format: both` tags an image only when a
    /// verifier reading either layout alone would accept it.
    pub required_formats: Vec<Format>,
}

/// Where a signature or attestation is stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// cosign's `.sig`/`.att` tag layout, one layer each.
    #[default]
    Legacy,
    /// A Sigstore bundle referrer (cosign v3).
    Bundle,
}

impl Format {
    /// The layouts `signing.format` writes, legacy first (so that output
    /// naming one location names the layout every verifier reads).
    pub fn written_for(format: SignatureFormat) -> &'static [Format] {
        match format {
            SignatureFormat::Legacy => &[Format::Legacy],
            SignatureFormat::Bundle => &[Format::Bundle],
            SignatureFormat::Both => &[Format::Legacy, Format::Bundle],
        }
    }

    /// The name in output (`legacy`, `bundle`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Legacy => "legacy",
            Format::Bundle => "bundle",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A registry that failed to deliver something that might have verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryFailure {
    /// The registry host.
    pub registry: String,
    /// What could not be read, and the registry's error.
    pub message: String,
}

impl RegistryFailure {
    /// The crate error (exit 4) for this failure.
    pub fn into_error(self) -> Error {
        RegistryError::protocol(self.registry, self.message).into()
    }
}

/// Whether one signature or attestation counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Verdict {
    /// It verified with the trusted key named.
    Good {
        /// The key's name (file name or configured name).
        key: String,
    },
    /// It does not count (the reason is in [`LayerCheck::reason`]).
    #[default]
    Bad,
    /// It could not be read: the registry failed, so it might have counted.
    Unknown(RegistryFailure),
}

impl Verdict {
    /// Whether it counts.
    pub fn is_good(&self) -> bool {
        matches!(self, Verdict::Good { .. })
    }

    /// The trusted key that verified it.
    pub fn key(&self) -> Option<&str> {
        match self {
            Verdict::Good { key } => Some(key),
            _ => None,
        }
    }

    /// The registry failure that kept it from being read.
    pub fn registry_failure(&self) -> Option<&RegistryFailure> {
        match self {
            Verdict::Unknown(failure) => Some(failure),
            _ => None,
        }
    }
}

/// In JSON a verdict is `valid` (and the `key` when it counts), as before
/// verdicts were typed: the output contract.
impl Serialize for Verdict {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let key = self.key();
        let mut map = serializer.serialize_map(Some(1 + usize::from(key.is_some())))?;
        map.serialize_entry("valid", &self.is_good())?;
        if let Some(key) = key {
            map.serialize_entry("key", key)?;
        }
        map.end()
    }
}

/// The verdict on one signature or attestation (a legacy layer or a bundle).
#[derive(Clone, Debug, Default, Serialize)]
pub struct LayerCheck {
    /// Digest of the layer blob (the payload, envelope or bundle).
    pub layer: String,
    /// Whether it counts, and by which key.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The predicate type (attestations only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
    /// Why it does or does not count.
    pub reason: String,
    /// Where it is stored.
    pub format: Format,
    /// Digest of the bundle's referrer manifest (bundles only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

impl LayerCheck {
    /// Whether it counts.
    pub fn is_valid(&self) -> bool {
        self.verdict.is_good()
    }
}

/// Runs `check` over `items` a few at a time, results in the order of `items`.
pub async fn concurrently<'a, T: 'a, R, F: std::future::Future<Output = R>>(
    items: impl Iterator<Item = &'a T>,
    check: impl FnMut(&'a T) -> F,
) -> Vec<R> {
    use futures_util::StreamExt as _;
    // Enough to overlap round trips; few enough not to flood a registry.
    const IN_FLIGHT: usize = 8;
    futures_util::stream::iter(items)
        .map(check)
        .buffered(IN_FLIGHT)
        .collect()
        .await
}

/// A signed in-toto statement that verified, with where it was found.
#[derive(Clone, Debug)]
pub struct VerifiedStatement {
    /// The check that accepted it (layer, key, predicate type, format,
    /// referrer).
    pub check: LayerCheck,
    /// The statement, as signed.
    pub statement: Vec<u8>,
}
