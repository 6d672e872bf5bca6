//! cosign-compatible signing: keys, signatures and attestations in the legacy
//! tag scheme or as Sigstore bundles through the referrers API
//! (`signing.format`), and the verification of both.

pub mod bundle;
pub mod keys;
pub mod payload;
pub mod referrer;
pub mod sign;
pub mod statement;
pub mod store;
pub mod verify;

/// Attestation types cosign (and vimes) name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttestationType {
    /// CycloneDX SBOM.
    Cyclonedx,
    /// SPDX SBOM.
    Spdx,
    /// cosign vulnerability scan.
    Vuln,
    /// SLSA provenance.
    SlsaProvenance,
    /// OpenVEX.
    OpenVex,
    /// cosign custom predicate.
    Custom,
    /// vimes review record.
    Review,
    /// vimes promotion record.
    Promotion,
}

impl AttestationType {
    /// Every type, in the order they are listed to users.
    pub const ALL: [AttestationType; 8] = [
        AttestationType::Cyclonedx,
        AttestationType::Spdx,
        AttestationType::Vuln,
        AttestationType::SlsaProvenance,
        AttestationType::OpenVex,
        AttestationType::Custom,
        AttestationType::Review,
        AttestationType::Promotion,
    ];

    /// The short name used on the command line and in vimes.yaml.
    pub fn name(self) -> &'static str {
        match self {
            AttestationType::Cyclonedx => "cyclonedx",
            AttestationType::Spdx => "spdx",
            AttestationType::Vuln => "vuln",
            AttestationType::SlsaProvenance => "slsaprovenance",
            AttestationType::OpenVex => "openvex",
            AttestationType::Custom => "custom",
            AttestationType::Review => "review",
            AttestationType::Promotion => "promotion",
        }
    }

    /// The predicate type URI written into statements.
    pub fn uri(self) -> &'static str {
        match self {
            AttestationType::Cyclonedx => "https://cyclonedx.org/bom",
            AttestationType::Spdx => "https://spdx.dev/Document",
            AttestationType::Vuln => "https://cosign.sigstore.dev/attestation/vuln/v1",
            AttestationType::SlsaProvenance => "https://slsa.dev/provenance/v1",
            AttestationType::OpenVex => "https://openvex.dev/ns",
            AttestationType::Custom => "https://cosign.sigstore.dev/attestation/v1",
            AttestationType::Review => "https://vimes.dev/attestation/review/v1",
            AttestationType::Promotion => "https://vimes.dev/attestation/promotion/v1",
        }
    }

    /// Whether a statement's predicate type counts as this type (older
    /// SLSA and versioned OpenVEX URIs included).
    pub fn matches_uri(self, uri: &str) -> bool {
        uri == self.uri()
            || match self {
                AttestationType::SlsaProvenance => uri == "https://slsa.dev/provenance/v0.2",
                AttestationType::OpenVex => uri.starts_with("https://openvex.dev/ns"),
                _ => false,
            }
    }

    /// Parses a short name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}
