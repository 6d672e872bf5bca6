//! Version ranges given on the command line: comparators joined by commas,
//! all of which must hold (`>=1.2.3, <2.0`). A bare version means `=`.

use super::version::{Ecosystem, Version, VersionError};
use std::cmp::Ordering;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=` or `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl Op {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            Op::Eq => ord == Ordering::Equal,
            Op::Ne => ord != Ordering::Equal,
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
        }
    }
}

/// A parsed range whose versions are still text (their ecosystem is known
/// only once a package is matched).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// The text as given, for messages.
    pub text: String,
    comparators: Vec<(Op, String)>,
}

/// A range whose versions are parsed for one ecosystem.
#[derive(Clone, Debug)]
pub struct CompiledRange {
    comparators: Vec<(Op, Version)>,
}

/// Why a version range is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// Nothing between two commas.
    #[error("malformed version range {0:?}: empty comparator (stray comma?)")]
    EmptyComparator(String),
    /// An operator without a version.
    #[error("malformed version range {text:?}: {part:?} has no version")]
    NoVersion {
        /// The range.
        text: String,
        /// The comparator.
        part: String,
    },
    /// Something that is not `op version`.
    #[error("malformed version range {text:?}: {part:?} is not one comparator (write e.g. \">=1.2.3, <2.0\")")]
    NotOneComparator {
        /// The range.
        text: String,
        /// The comparator.
        part: String,
    },
    /// A bound that is not a version of the ecosystem.
    #[error("malformed version range {text:?} for {} versions: {why}", ecosystem.name())]
    Version {
        /// The range.
        text: String,
        /// The ecosystem its versions were parsed for.
        ecosystem: Ecosystem,
        /// Why the bound is not one of its versions.
        why: VersionError,
    },
}

impl Range {
    /// Parses `op version[, op version]...`; anything else is an error
    /// message naming the bad part.
    pub fn parse(text: &str) -> Result<Self, RangeError> {
        let mut comparators = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(RangeError::EmptyComparator(text.to_string()));
            }
            // Two-character operators first, so `>=` is not read as `>` and `=1`.
            let ops = [
                ("==", Op::Eq),
                ("!=", Op::Ne),
                ("<=", Op::Le),
                (">=", Op::Ge),
                ("=", Op::Eq),
                ("<", Op::Lt),
                (">", Op::Gt),
            ];
            let (op, version) = ops
                .iter()
                .find_map(|(sym, op)| part.strip_prefix(sym).map(|rest| (*op, rest.trim())))
                .unwrap_or((Op::Eq, part));
            if version.is_empty() {
                return Err(RangeError::NoVersion {
                    text: text.to_string(),
                    part: part.to_string(),
                });
            }
            if version
                .chars()
                .any(|c| c.is_whitespace() || "<>=!,|^*".contains(c))
            {
                return Err(RangeError::NotOneComparator {
                    text: text.to_string(),
                    part: part.to_string(),
                });
            }
            comparators.push((op, version.to_string()));
        }
        Ok(Range {
            text: text.to_string(),
            comparators,
        })
    }

    /// Parses the range's versions as versions of `ecosystem`.
    pub fn compile(&self, ecosystem: Ecosystem) -> Result<CompiledRange, RangeError> {
        let comparators = self
            .comparators
            .iter()
            .map(|(op, v)| {
                ecosystem
                    .parse(v)
                    .map(|parsed| (*op, parsed))
                    .map_err(|why| RangeError::Version {
                        text: self.text.clone(),
                        ecosystem,
                        why,
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(CompiledRange { comparators })
    }
}

impl CompiledRange {
    /// Whether `version` satisfies every comparator.
    pub fn contains(&self, version: &Version) -> bool {
        self.comparators
            .iter()
            .all(|(op, bound)| version.compare(bound).is_some_and(|ord| op.holds(ord)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(range: &str, eco: Ecosystem, version: &str) -> bool {
        Range::parse(range)
            .unwrap()
            .compile(eco)
            .unwrap()
            .contains(&eco.parse(version).unwrap())
    }

    #[test]
    fn comparators_are_anded() {
        let r = ">=1.2.3, <2.0";
        assert!(contains(r, Ecosystem::Semver, "1.2.3"));
        assert!(contains(r, Ecosystem::Semver, "1.9.9"));
        assert!(!contains(r, Ecosystem::Semver, "2.0.0"));
        // Plain precedence: a pre-release of 2.0.0 is below 2.0.
        assert!(contains(r, Ecosystem::Semver, "2.0.0-rc.1"));
        assert!(!contains(r, Ecosystem::Semver, "1.2.2"));
        assert!(contains("1.0", Ecosystem::Pep440, "1.0.0"));
        assert!(contains("!=1.0", Ecosystem::Pep440, "1.1"));
        assert!(contains(
            "<=1:1.2.13.dfsg-1",
            Ecosystem::Debian,
            "1:1.2.13.dfsg-1"
        ));
        assert!(contains(
            ">= 3.0.11-1~deb12u1 , < 3.0.13-1~deb12u1",
            Ecosystem::Debian,
            "3.0.11-1~deb12u1"
        ));
        assert!(!contains("<3.0.11-1", Ecosystem::Debian, "3.0.11-1"));
        assert!(contains("<3.0.11-1", Ecosystem::Debian, "3.0.11-1~deb12u1"));
    }

    #[test]
    fn malformed_ranges_are_refused() {
        for bad in [
            "",
            ">=",
            "1.0,",
            ",1.0",
            ">=1.0 <2.0",
            "^1.2",
            "1.0 || 2.0",
            ">=>1",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
        let r = Range::parse(">=abc").unwrap();
        assert!(r.compile(Ecosystem::Semver).is_err());
        assert!(r.compile(Ecosystem::Debian).is_err());
    }

    #[test]
    fn a_refused_range_names_its_part_and_the_version_error() {
        let err = Range::parse(">=1.0,").unwrap_err();
        assert_eq!(err, RangeError::EmptyComparator(">=1.0,".into()));
        assert_eq!(
            err.to_string(),
            r#"malformed version range ">=1.0,": empty comparator (stray comma?)"#
        );
        let err = Range::parse("<abc")
            .unwrap()
            .compile(Ecosystem::Debian)
            .unwrap_err();
        assert!(matches!(
            err,
            RangeError::Version {
                why: VersionError::DebianUpstream(_),
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            r#"malformed version range "<abc" for Debian versions: Debian version "abc": upstream version must start with a digit"#
        );
    }
}
