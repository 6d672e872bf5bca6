//! OSV advisories (the ossf/osv-schema JSON format): which package of which
//! ecosystem, and which of its versions are affected (`ranges` of type
//! ECOSYSTEM or SEMVER with introduced/fixed/last_affected/limit events, and
//! explicit `versions`). Everything that cannot be evaluated exactly (an
//! unknown ecosystem, a malformed event) is refused rather than skipped, since
//! a skipped entry would report affected images as clean.

use super::version::{Ecosystem, Version, VersionError};
use serde::Deserialize;

/// A parsed advisory.
#[derive(Clone, Debug)]
pub struct Advisory {
    /// The OSV id (`CVE-...`, `GHSA-...`, `DSA-...`).
    pub id: String,
    /// One entry per `affected[]` item.
    pub entries: Vec<Entry>,
}

/// One affected package.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The PURL type it maps to.
    pub purl_type: &'static str,
    /// For `Debian:N`: the PURL `distro` qualifier it applies to (`debian-N`).
    pub distro: Option<String>,
    /// The package name (a source package for Debian).
    pub name: String,
    ordering: Ecosystem,
    ranges: Vec<EventRange>,
    versions: Vec<String>,
}

#[derive(Clone, Debug)]
struct EventRange {
    ordering: Ecosystem,
    /// Sorted by version; an `introduced: "0"` has no version and comes first.
    events: Vec<(EventKind, Option<Version>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

#[derive(Deserialize)]
struct RawAdvisory {
    id: String,
    #[serde(default)]
    affected: Vec<RawAffected>,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Vec<RawRange>,
    #[serde(default)]
    versions: Vec<String>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

/// The OSV ecosystems vimes evaluates, for messages.
pub const SUPPORTED_ECOSYSTEMS: &str = "Debian, Debian:<release>, PyPI, npm, crates.io, Go";

/// The PURL type, version ordering and Debian release of an OSV ecosystem.
fn map_ecosystem(ecosystem: &str) -> Option<(&'static str, Ecosystem, Option<String>)> {
    match ecosystem.split_once(':') {
        Some(("Debian", release)) if !release.is_empty() => {
            Some(("deb", Ecosystem::Debian, Some(format!("debian-{release}"))))
        }
        Some(_) => None,
        None => match ecosystem {
            "Debian" => Some(("deb", Ecosystem::Debian, None)),
            "PyPI" => Some(("pypi", Ecosystem::Pep440, None)),
            "npm" => Some(("npm", Ecosystem::Semver, None)),
            "crates.io" => Some(("cargo", Ecosystem::Semver, None)),
            "Go" => Some(("golang", Ecosystem::Semver, None)),
            _ => None,
        },
    }
}

/// Why an OSV record is refused; the message names the offending part
/// (`at` is its path in the record, e.g. `affected[0].ranges[1]`).
#[derive(Debug, thiserror::Error)]
pub enum OsvError {
    /// Not JSON of an OSV record's shape.
    #[error("not an OSV record: {0}")]
    NotOsv(#[from] serde_json::Error),
    /// An `affected` entry without its package.
    #[error("{0} has no package")]
    NoPackage(String),
    /// An ecosystem vimes has no version ordering for.
    #[error("{at}: ecosystem {ecosystem:?} is not supported (supported: {SUPPORTED_ECOSYSTEMS})")]
    Ecosystem {
        /// Where.
        at: String,
        /// The ecosystem named.
        ecosystem: String,
    },
    /// A range type other than ECOSYSTEM, SEMVER or GIT.
    #[error("{at}: unknown range type {kind:?}")]
    RangeType {
        /// Where.
        at: String,
        /// The type named.
        kind: String,
    },
    /// An event with zero or several of its fields.
    #[error("{0} must have exactly one of introduced, fixed, last_affected, limit")]
    Event(String),
    /// An event's version that is not one of the ecosystem.
    #[error("{at}: malformed version: {why}")]
    Version {
        /// Where.
        at: String,
        /// Why.
        why: VersionError,
    },
    /// A range that never starts.
    #[error("{0} has no introduced event")]
    NoIntroduced(String),
}

/// Parses and checks an OSV record; the message names the offending part.
pub fn parse(bytes: &[u8]) -> Result<Advisory, OsvError> {
    let raw: RawAdvisory = serde_json::from_slice(bytes)?;
    let mut entries = Vec::new();
    for (index, affected) in raw.affected.into_iter().enumerate() {
        let at = format!("affected[{index}]");
        let package = affected
            .package
            .ok_or_else(|| OsvError::NoPackage(at.clone()))?;
        let (purl_type, ordering, distro) =
            map_ecosystem(&package.ecosystem).ok_or_else(|| OsvError::Ecosystem {
                at: at.clone(),
                ecosystem: package.ecosystem.clone(),
            })?;
        let mut ranges = Vec::new();
        for (r, range) in affected.ranges.into_iter().enumerate() {
            let at = format!("{at}.ranges[{r}]");
            let range_ordering = match range.kind.as_str() {
                "ECOSYSTEM" => ordering,
                "SEMVER" => Ecosystem::Semver,
                // Commit ranges describe source history, not installed versions.
                "GIT" => continue,
                other => {
                    return Err(OsvError::RangeType {
                        at,
                        kind: other.to_string(),
                    })
                }
            };
            ranges.push(compile_range(&at, range_ordering, range.events)?);
        }
        entries.push(Entry {
            purl_type,
            distro,
            name: package.name,
            ordering,
            ranges,
            versions: affected.versions,
        });
    }
    Ok(Advisory {
        id: raw.id,
        entries,
    })
}

fn compile_range(
    at: &str,
    ordering: Ecosystem,
    raw: Vec<RawEvent>,
) -> Result<EventRange, OsvError> {
    let mut events = Vec::with_capacity(raw.len());
    for (e, event) in raw.into_iter().enumerate() {
        let given = [
            (EventKind::Introduced, event.introduced),
            (EventKind::Fixed, event.fixed),
            (EventKind::LastAffected, event.last_affected),
            (EventKind::Limit, event.limit),
        ];
        let mut present = given.into_iter().filter_map(|(k, v)| v.map(|v| (k, v)));
        let (Some((kind, text)), None) = (present.next(), present.next()) else {
            return Err(OsvError::Event(format!("{at}.events[{e}]")));
        };
        let version = if kind == EventKind::Introduced && text == "0" {
            None
        } else if text == "*" && kind == EventKind::Limit {
            continue;
        } else {
            Some(ordering.parse(&text).map_err(|why| OsvError::Version {
                at: format!("{at}.events[{e}]"),
                why,
            })?)
        };
        events.push((kind, version));
    }
    if !events.iter().any(|(k, _)| *k == EventKind::Introduced) {
        return Err(OsvError::NoIntroduced(at.to_string()));
    }
    events.sort_by(|(_, a), (_, b)| match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(a), Some(b)) => a.compare(b).unwrap_or(std::cmp::Ordering::Equal),
    });
    Ok(EventRange { ordering, events })
}

impl EventRange {
    /// OSV's evaluation: the last event at or below the version decides.
    fn contains(&self, version: &Version) -> bool {
        let at_or_above = |v: &Version| version.compare(v).is_some_and(|o| o.is_ge());
        let mut affected = false;
        for (kind, bound) in &self.events {
            match (kind, bound) {
                (EventKind::Introduced, None) => affected = true,
                (EventKind::Introduced, Some(v)) if at_or_above(v) => affected = true,
                (EventKind::Fixed | EventKind::Limit, Some(v)) if at_or_above(v) => {
                    affected = false
                }
                (EventKind::LastAffected, Some(v))
                    if version.compare(v).is_some_and(|o| o.is_gt()) =>
                {
                    affected = false
                }
                _ => {}
            }
        }
        affected
    }
}

impl Entry {
    /// Whether `version` is affected; an error when it cannot be parsed in
    /// the ecosystem, so the caller can report it as undecided.
    pub fn affects(&self, version: &str) -> Result<bool, VersionError> {
        if self.versions.iter().any(|v| v == version) {
            return Ok(true);
        }
        let parsed = self.ordering.parse(version)?;
        let listed = self.versions.iter().any(|v| {
            self.ordering
                .parse(v)
                .ok()
                .and_then(|l| parsed.compare(&l))
                .is_some_and(|o| o.is_eq())
        });
        if listed {
            return Ok(true);
        }
        for range in &self.ranges {
            let in_range = if range.ordering == self.ordering {
                range.contains(&parsed)
            } else {
                range.contains(&range.ordering.parse(version)?)
            };
            if in_range {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
#[path = "osv_tests.rs"]
mod tests;
