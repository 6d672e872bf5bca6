//! cosign-compatible signing: keys, signatures and attestations in the legacy
//! tag scheme, as Sigstore bundles through the referrers API, or in both
//! (`signing.format`), and the verification of both.

pub mod bundle;
pub mod keys;
pub mod payload;
pub mod pkcs11;
pub mod predicate;
pub mod referrer;
pub mod sign;
pub mod statement;
pub mod store;
pub mod verify;

/// `verifier.id` of the SLSA verification summaries vimes attests: the
/// admission policies of `--require-vsa` accept only this verifier's.
pub const VSA_VERIFIER_ID: &str = "https://vimes.dev/verifier";

/// Attestation types cosign (and vimes) name.
///
/// The short names and the predicate type URIs they stand for are cosign's
/// (`cosign attest --type NAME`, `cosign verify-attestation --type NAME`):
/// whatever `vimes attest --type NAME` writes, `cosign verify-attestation
/// --type NAME` finds, and `vimes verify --require-attestation NAME` asks for
/// the same URI. `review` and `promotion` are vimes' own; `vsa` is SLSA's
/// verification summary, which cosign has no name for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttestationType {
    /// CycloneDX SBOM.
    Cyclonedx,
    /// SPDX SBOM (`spdx`, `spdxjson`).
    Spdx,
    /// cosign vulnerability scan.
    Vuln,
    /// SLSA provenance v0.2 (`slsaprovenance`, `slsaprovenance02`).
    SlsaProvenance02,
    /// SLSA provenance v1 (`slsaprovenance1`).
    SlsaProvenance1,
    /// in-toto link.
    Link,
    /// OpenVEX.
    OpenVex,
    /// cosign custom predicate (`{"Data": ..., "Timestamp": ...}`).
    Custom,
    /// vimes review record.
    Review,
    /// vimes promotion record.
    Promotion,
    /// SLSA verification summary (`https://slsa.dev/verification_summary/v1`).
    Vsa,
}

impl AttestationType {
    /// Every type, in the order they are listed to users.
    pub const ALL: [AttestationType; 11] = [
        AttestationType::Cyclonedx,
        AttestationType::Spdx,
        AttestationType::Vuln,
        AttestationType::SlsaProvenance02,
        AttestationType::SlsaProvenance1,
        AttestationType::Link,
        AttestationType::OpenVex,
        AttestationType::Custom,
        AttestationType::Review,
        AttestationType::Promotion,
        AttestationType::Vsa,
    ];

    /// Every name accepted on the command line and in vimes.yaml, aliases
    /// included, in the order of [`Self::ALL`] (what `vimes config schema`
    /// lists for `signing.require_attestations`).
    pub const NAMES: &'static [&'static str] = crate::config::ATTESTATION_TYPES;

    /// The short name vimes shows (the first of [`Self::names`]).
    pub fn name(self) -> &'static str {
        self.names()[0]
    }

    /// Every short name of this type. cosign gives some URIs two names
    /// (`spdx`/`spdxjson`, `slsaprovenance`/`slsaprovenance02`); both are
    /// accepted so that a name copied from a cosign command line works.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            AttestationType::Cyclonedx => &["cyclonedx"],
            AttestationType::Spdx => &["spdx", "spdxjson"],
            AttestationType::Vuln => &["vuln"],
            // cosign's `slsaprovenance` is v0.2, not the latest SLSA.
            AttestationType::SlsaProvenance02 => &["slsaprovenance", "slsaprovenance02"],
            AttestationType::SlsaProvenance1 => &["slsaprovenance1"],
            AttestationType::Link => &["link"],
            AttestationType::OpenVex => &["openvex"],
            AttestationType::Custom => &["custom"],
            AttestationType::Review => &["review"],
            AttestationType::Promotion => &["promotion"],
            AttestationType::Vsa => &["vsa"],
        }
    }

    /// The predicate type URI written into statements (cosign's
    /// `PredicateTypeMap` for cosign's names).
    pub fn uri(self) -> &'static str {
        match self {
            AttestationType::Cyclonedx => "https://cyclonedx.org/bom",
            AttestationType::Spdx => "https://spdx.dev/Document",
            AttestationType::Vuln => "https://cosign.sigstore.dev/attestation/vuln/v1",
            AttestationType::SlsaProvenance02 => "https://slsa.dev/provenance/v0.2",
            AttestationType::SlsaProvenance1 => "https://slsa.dev/provenance/v1",
            AttestationType::Link => "https://in-toto.io/Link/v1",
            AttestationType::OpenVex => "https://openvex.dev/ns",
            AttestationType::Custom => "https://cosign.sigstore.dev/attestation/v1",
            AttestationType::Review => "https://vimes.dev/attestation/review/v1",
            AttestationType::Promotion => "https://vimes.dev/attestation/promotion/v1",
            AttestationType::Vsa => "https://slsa.dev/verification_summary/v1",
        }
    }

    /// Whether a statement's predicate type counts as this type. Only
    /// OpenVEX has more than one spelling (`https://openvex.dev/ns/v0.2.0`);
    /// the SLSA versions are told apart, as cosign tells them apart.
    pub fn matches_uri(self, uri: &str) -> bool {
        uri == self.uri()
            || match self {
                AttestationType::OpenVex => uri.starts_with("https://openvex.dev/ns"),
                _ => false,
            }
    }

    /// Parses a short name (any of [`Self::names`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.names().contains(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::AttestationType;

    /// cosign's predicate type map (cmd/cosign/cli/options/predicate.go and
    /// pkg/cosign/attestation/attestation.go), name by name.
    const COSIGN: &[(&str, &str)] = &[
        ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
        ("slsaprovenance02", "https://slsa.dev/provenance/v0.2"),
        ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
        ("link", "https://in-toto.io/Link/v1"),
        ("spdx", "https://spdx.dev/Document"),
        ("spdxjson", "https://spdx.dev/Document"),
        ("cyclonedx", "https://cyclonedx.org/bom"),
        ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
        ("openvex", "https://openvex.dev/ns"),
        ("custom", "https://cosign.sigstore.dev/attestation/v1"),
    ];

    #[test]
    fn attestation_names_map_to_cosigns_predicate_types() {
        for (name, uri) in COSIGN {
            let kind = AttestationType::from_name(name)
                .unwrap_or_else(|| panic!("{name} is not accepted"));
            assert_eq!(kind.uri(), *uri, "{name}");
            assert!(kind.matches_uri(uri), "{name}");
        }
        assert_eq!(
            AttestationType::from_name("review").map(AttestationType::uri),
            Some("https://vimes.dev/attestation/review/v1")
        );
        assert_eq!(AttestationType::from_name("slsa-provenance"), None);
        assert_eq!(AttestationType::from_name("SPDX"), None);
    }

    #[test]
    fn attestation_slsa_versions_are_told_apart() {
        let v02 = AttestationType::from_name("slsaprovenance").unwrap();
        let v1 = AttestationType::from_name("slsaprovenance1").unwrap();
        assert!(!v02.matches_uri("https://slsa.dev/provenance/v1"));
        assert!(!v1.matches_uri("https://slsa.dev/provenance/v0.2"));
        assert!(AttestationType::OpenVex.matches_uri("https://openvex.dev/ns/v0.2.0"));
    }

    #[test]
    fn attestation_names_list_every_alias_once() {
        let all: Vec<&str> = AttestationType::ALL
            .iter()
            .flat_map(|t| t.names().iter().copied())
            .collect();
        assert_eq!(all, AttestationType::NAMES);
        for kind in AttestationType::ALL {
            assert_eq!(AttestationType::from_name(kind.name()), Some(kind));
            for name in kind.names() {
                assert_eq!(AttestationType::from_name(name), Some(kind), "{name}");
            }
        }
    }
}
