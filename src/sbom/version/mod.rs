//! Version comparison per ecosystem. Each package type (the PURL type) has
//! its own ordering; comparing across ecosystems, or within one vimes does not
//! know, is refused instead of guessed, since a wrong answer here hides an
//! affected image.

mod debian;
mod pep440;
mod semantic;

pub use debian::DebVersion;
pub use pep440::Pep440;
pub use semantic::SemVersion;

use std::cmp::Ordering;

/// Why a version string is refused rather than compared by guesswork.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Nothing where a Debian version belongs.
    #[error("empty Debian version")]
    DebianEmpty,
    /// Whitespace or control characters in a Debian version.
    #[error("Debian version {0:?} contains whitespace")]
    DebianWhitespace(String),
    /// An epoch that is not a number.
    #[error("Debian version {text:?}: epoch {epoch:?} is not a number")]
    DebianEpoch {
        /// The version.
        text: String,
        /// Its epoch part.
        epoch: String,
    },
    /// An upstream version not starting with a digit (deb-version(7)).
    #[error("Debian version {0:?}: upstream version must start with a digit")]
    DebianUpstream(String),
    /// Characters dpkg refuses.
    #[error("Debian version {0:?} contains characters dpkg does not allow")]
    DebianCharacters(String),
    /// Not a PEP 440 version.
    #[error("{text:?} is not a PEP 440 version: {why}")]
    Pep440 {
        /// The version.
        text: String,
        /// What in it is not PEP 440.
        why: Pep440Reason,
    },
    /// Not a semantic version.
    #[error("{text:?} is not a semantic version: {why}")]
    Semver {
        /// The version.
        text: String,
        /// The semver crate's reason.
        why: String,
    },
}

/// What in a string is not PEP 440.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Pep440Reason {
    /// A number over 64 bits.
    #[error("number {0} is too large")]
    NumberTooLarge(String),
    /// No leading release number.
    #[error("no release number")]
    NoRelease,
    /// `N!` not followed by a release.
    #[error("no release after the epoch")]
    NoReleaseAfterEpoch,
    /// A local label with an empty or non-alphanumeric segment.
    #[error("malformed local version label")]
    MalformedLocal,
    /// A numeric local segment over 64 bits.
    #[error("local number too large")]
    LocalTooLarge,
    /// Text left over after the version.
    #[error("unexpected {0:?}")]
    Unexpected(String),
}

/// A version ordering vimes implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ecosystem {
    /// dpkg's ordering (deb packages).
    Debian,
    /// PEP 440 (pypi packages).
    Pep440,
    /// Semantic Versioning (cargo, npm, golang packages).
    Semver,
}

/// The PURL types whose versions can be compared, for messages.
pub const COMPARABLE_TYPES: &str = "deb, pypi, npm, cargo, golang";

impl Ecosystem {
    /// The ordering used for packages of PURL type `purl_type`, if vimes has one.
    pub fn for_purl_type(purl_type: &str) -> Option<Self> {
        match purl_type {
            "deb" => Some(Ecosystem::Debian),
            "pypi" => Some(Ecosystem::Pep440),
            "npm" | "cargo" | "golang" => Some(Ecosystem::Semver),
            _ => None,
        }
    }

    /// Parses `text` as a version of this ecosystem.
    pub fn parse(self, text: &str) -> Result<Version, VersionError> {
        match self {
            Ecosystem::Debian => DebVersion::parse(text).map(Version::Debian),
            Ecosystem::Pep440 => Pep440::parse(text).map(Version::Pep440),
            Ecosystem::Semver => SemVersion::parse(text).map(Version::Semver),
        }
    }

    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Ecosystem::Debian => "Debian",
            Ecosystem::Pep440 => "PEP 440",
            Ecosystem::Semver => "SemVer",
        }
    }
}

/// A parsed version of some ecosystem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    /// A Debian version.
    Debian(DebVersion),
    /// A PEP 440 version.
    Pep440(Pep440),
    /// A semantic version.
    Semver(SemVersion),
}

impl Version {
    /// The order of two versions of the same ecosystem; `None` across ecosystems.
    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Debian(a), Version::Debian(b)) => Some(a.cmp(b)),
            (Version::Pep440(a), Version::Pep440(b)) => Some(a.cmp(b)),
            (Version::Semver(a), Version::Semver(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purl_types_map_to_orderings() {
        assert_eq!(Ecosystem::for_purl_type("deb"), Some(Ecosystem::Debian));
        assert_eq!(Ecosystem::for_purl_type("pypi"), Some(Ecosystem::Pep440));
        for t in ["npm", "cargo", "golang"] {
            assert_eq!(Ecosystem::for_purl_type(t), Some(Ecosystem::Semver));
        }
        for t in ["apk", "rpm", "maven", "gem", ""] {
            assert_eq!(Ecosystem::for_purl_type(t), None);
        }
    }

    /// Regression (property test of issue #9): `==` was structural while
    /// the ordering normalised (`1.0` vs `1.00`, `1.0` vs `1.0.0`, build
    /// metadata), so two versions could be neither `<`, `>` nor `==`.
    #[test]
    fn equality_agrees_with_the_ordering() {
        for (eco, a, b) in [
            (Ecosystem::Debian, "1.0", "1.00"),
            (Ecosystem::Debian, "0:1.0", "1.0-0"),
            (Ecosystem::Pep440, "1.0", "1.0.0"),
            (Ecosystem::Pep440, "1.0rc1", "1.0-preview-1"),
            (Ecosystem::Semver, "2.0.0+incompatible", "2.0.0"),
        ] {
            let (a, b) = (eco.parse(a).unwrap(), eco.parse(b).unwrap());
            assert_eq!(a.compare(&b), Some(Ordering::Equal));
            assert_eq!(a, b);
        }
        let (a, b) = (
            Ecosystem::Debian.parse("1.0").unwrap(),
            Ecosystem::Debian.parse("1.0a").unwrap(),
        );
        assert_ne!(a, b);
    }

    #[test]
    fn no_order_across_ecosystems() {
        let deb = Ecosystem::Debian.parse("1.0").unwrap();
        let py = Ecosystem::Pep440.parse("1.0").unwrap();
        assert_eq!(deb.compare(&py), None);
        assert_eq!(deb.compare(&deb), Some(Ordering::Equal));
    }
}
