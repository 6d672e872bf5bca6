//! Semantic versions for cargo, npm and Go: parsed with the `semver` crate
//! after the spellings those ecosystems use around it (`v1.2.3`, Go's
//! `go1.22.1` stdlib, `1.2` in ranges), and ordered by SemVer 2.0 precedence,
//! which ignores build metadata (`+incompatible` in Go).

use super::VersionError;
use std::cmp::Ordering;

/// A parsed semantic version.
#[derive(Clone, Debug)]
pub struct SemVersion(semver::Version);

impl SemVersion {
    /// Parses `[v|go]MAJOR[.MINOR[.PATCH]][-PRE][+BUILD]`; missing minor and
    /// patch numbers are 0, as ranges like `<2.0` mean.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let trimmed = text.trim();
        let body = trimmed
            .strip_prefix("go")
            .or_else(|| trimmed.strip_prefix(['v', 'V', '=']))
            .unwrap_or(trimmed);
        let split = body.find(['-', '+']).unwrap_or(body.len());
        let (core, tail) = body.split_at(split);
        let parts = core.split('.').count();
        let padded = match parts {
            1 => format!("{core}.0.0{tail}"),
            2 => format!("{core}.0{tail}"),
            _ => body.to_string(),
        };
        semver::Version::parse(&padded)
            .map(SemVersion)
            .map_err(|e| VersionError::Semver {
                text: text.to_string(),
                why: e.to_string(),
            })
    }
}

impl Ord for SemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        (a.major, a.minor, a.patch, &a.pre).cmp(&(b.major, b.minor, b.patch, &b.pre))
    }
}

/// Equal when the ordering says so (`1.0` and `1.00` are the same version),
/// so that `==` and [`Ord`] agree as the standard library requires.
impl PartialEq for SemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemVersion {}

impl PartialOrd for SemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> SemVersion {
        SemVersion::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn semver_precedence() {
        // The precedence example of semver.org, item 11.
        let ascending = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for pair in ascending.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn ecosystem_spellings() {
        assert_eq!(v("v1.2.3"), v("1.2.3"));
        assert_eq!(v("go1.22.1"), v("1.22.1"));
        assert_eq!(v("2.0").cmp(&v("2.0.0")), Ordering::Equal);
        assert_eq!(v("2").cmp(&v("2.0.0")), Ordering::Equal);
        assert_eq!(v("v2.0.0+incompatible").cmp(&v("2.0.0")), Ordering::Equal);
        // Go pseudo-versions are pre-releases of the next patch.
        assert!(v("v0.0.0-20210101000000-abcdefabcdef") < v("v0.0.0"));
        assert!(v("7.22.0-beta.1") < v("7.22.0"));
    }

    #[test]
    fn refuses_non_semver() {
        for bad in ["", "abc", "1.2.3.4", "1.02.3", "1.2.x", "latest"] {
            assert!(SemVersion::parse(bad).is_err(), "{bad:?}");
        }
    }
}
