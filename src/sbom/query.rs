//! Answers "which images contain X?" from the inventory: by package name and
//! version range, by PURL, or by an OSV advisory. Candidates come from one
//! indexed lookup; versions are then compared in the package's own ecosystem.
//! A version that cannot be parsed is reported as undecided, never as clean.

use super::inventory::Inventory;
use super::lookup::{Lookup, Row};
use super::osv::Advisory;
use super::purl::{normalize_name, Purl};
use super::range::{CompiledRange, Range};
use super::version::{Ecosystem, COMPARABLE_TYPES};
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::BTreeSet;

/// One package of one image that matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Match {
    /// `host/repository`.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Tags recorded for the image.
    pub tags: Vec<String>,
    /// Package name.
    pub package: String,
    /// Installed version.
    pub version: String,
    /// PURL type.
    #[serde(rename = "type")]
    pub kind: String,
    /// PURL.
    pub purl: Option<String>,
    /// Source package, when the match was through it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The advisory's package name that matched (advisory queries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advisory_package: Option<String>,
}

/// A candidate whose version could not be compared.
#[derive(Clone, Debug, Serialize)]
pub struct Undecided {
    /// The candidate.
    #[serde(flatten)]
    pub package: Match,
    /// Why it could not be decided.
    pub reason: String,
}

/// The answer to a query.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Answer {
    /// Matching packages, ordered by image.
    pub matches: Vec<Match>,
    /// Candidates that could be neither included nor excluded.
    pub undecided: Vec<Undecided>,
}

impl Answer {
    /// Distinct images among the matches.
    pub fn image_count(&self) -> usize {
        self.matches
            .iter()
            .map(|m| (&m.repository, &m.digest))
            .collect::<BTreeSet<_>>()
            .len()
    }
}

fn to_match(row: &Row, version: &str, via_source: bool) -> Match {
    Match {
        repository: row.repository.clone(),
        digest: row.digest.clone(),
        tags: row.tags.clone(),
        package: row.name.clone(),
        version: version.to_string(),
        kind: row.kind.clone(),
        purl: row.purl.clone(),
        source: if via_source { row.source.clone() } else { None },
        advisory_package: None,
    }
}

/// The version a query about `name` compares: the source package's version
/// when the row matched through its source name and the SBOM recorded one.
fn compared_version<'a>(row: &'a Row, name: &str) -> (&'a str, bool) {
    let via_source = row.source.as_deref() == Some(name)
        && normalize_name(&row.kind, &row.name) != normalize_name(&row.kind, name);
    match (&row.source_version, via_source) {
        (Some(v), true) => (v.as_str(), true),
        _ => (row.version.as_str(), via_source),
    }
}

/// Checks a range before any lookup: it must be usable for `kind` when given,
/// else for at least one ecosystem, so a malformed range fails even when
/// nothing is indexed yet.
pub fn check_range(range: &Range, kind: Option<&str>) -> Result<()> {
    let orderings = match kind {
        Some(k) => vec![Ecosystem::for_purl_type(k).ok_or_else(|| cannot_compare(k, None))?],
        None => vec![Ecosystem::Debian, Ecosystem::Pep440, Ecosystem::Semver],
    };
    let mut last = String::new();
    for ordering in orderings {
        match range.compile(ordering) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(Error::Usage(last))
}

fn cannot_compare(kind: &str, row: Option<&Row>) -> Error {
    let what = match row {
        Some(r) => format!(
            " ({} {} in {}@{})",
            r.name, r.version, r.repository, r.digest
        ),
        None => String::new(),
    };
    let kind = if kind.is_empty() {
        "untyped (no PURL)"
    } else {
        kind
    };
    Error::Usage(format!(
        "cannot compare versions of {kind} packages{what}: vimes compares {COMPARABLE_TYPES} versions; narrow the query with --type"
    ))
}

/// Images holding package `name` (binary or source name), optionally only
/// of PURL type `kind` and with a version in `range`.
pub fn by_package(
    inv: &Inventory,
    name: &str,
    kind: Option<&str>,
    range: Option<&Range>,
) -> Result<Answer> {
    let rows = inv.lookup(Lookup::Name { name, kind })?;
    let mut answer = Answer::default();
    let mut compiled: Vec<(Ecosystem, CompiledRange)> = Vec::new();
    for row in &rows {
        let (version, via_source) = compared_version(row, name);
        let Some(range) = range else {
            answer.matches.push(to_match(row, version, via_source));
            continue;
        };
        let ordering = Ecosystem::for_purl_type(&row.kind)
            .ok_or_else(|| cannot_compare(&row.kind, Some(row)))?;
        if !compiled.iter().any(|(o, _)| *o == ordering) {
            compiled.push((
                ordering,
                range
                    .compile(ordering)
                    .map_err(|e| Error::Usage(e.to_string()))?,
            ));
        }
        let Some((_, bounds)) = compiled.iter().find(|(o, _)| *o == ordering) else {
            continue;
        };
        match ordering.parse(version) {
            Ok(v) if bounds.contains(&v) => answer.matches.push(to_match(row, version, via_source)),
            Ok(_) => {}
            Err(reason) => answer.undecided.push(Undecided {
                package: to_match(row, version, via_source),
                reason: reason.to_string(),
            }),
        }
    }
    Ok(answer)
}

/// Images holding the package of `purl`; its version (exact, compared in the
/// ecosystem when vimes can) and qualifiers, when given, must match too.
pub fn by_purl(inv: &Inventory, purl: &Purl) -> Result<Answer> {
    let rows = inv.lookup(Lookup::Purl(purl))?;
    let ordering = Ecosystem::for_purl_type(&purl.kind);
    let wanted = purl
        .version
        .as_deref()
        .map(|v| (v, ordering.and_then(|o| o.parse(v).ok())));
    let mut answer = Answer::default();
    for row in &rows {
        let stored = row.purl.as_deref().and_then(|p| Purl::parse(p).ok());
        let qualifiers_match = purl.qualifiers.iter().all(|(k, v)| {
            stored
                .as_ref()
                .and_then(|s| s.qualifier(k))
                .is_some_and(|have| have == v)
        });
        if !qualifiers_match {
            continue;
        }
        let version_matches = match &wanted {
            None => true,
            Some((text, parsed)) => {
                *text == row.version
                    || match (parsed, ordering) {
                        (Some(w), Some(o)) => o
                            .parse(&row.version)
                            .ok()
                            .and_then(|have| have.compare(w))
                            .is_some_and(|ord| ord.is_eq()),
                        _ => false,
                    }
            }
        };
        if version_matches {
            answer.matches.push(to_match(row, &row.version, false));
        }
    }
    Ok(answer)
}

/// Images holding a package version the advisory lists as affected.
pub fn by_advisory(inv: &Inventory, advisory: &Advisory) -> Result<Answer> {
    let mut answer = Answer::default();
    let mut seen = BTreeSet::new();
    for entry in &advisory.entries {
        for row in inv.lookup(Lookup::Typed {
            kind: entry.purl_type,
            name: &entry.name,
        })? {
            if !applies_to_distro(
                entry.distro.as_deref(),
                entry.purl_type,
                row.purl.as_deref(),
            ) {
                continue;
            }
            let (version, via_source) = compared_version(&row, &entry.name);
            let key = (
                row.repository.clone(),
                row.digest.clone(),
                row.name.clone(),
                version.to_string(),
            );
            if seen.contains(&key) {
                continue;
            }
            let mut found = to_match(&row, version, via_source);
            found.advisory_package = Some(entry.name.clone());
            match entry.affects(version) {
                Ok(true) => {
                    seen.insert(key);
                    answer.matches.push(found);
                }
                Ok(false) => {}
                Err(reason) => answer.undecided.push(Undecided {
                    package: found,
                    reason: reason.to_string(),
                }),
            }
        }
    }
    answer.matches.sort_by(|a, b| {
        (&a.repository, &a.digest, &a.package).cmp(&(&b.repository, &b.digest, &b.package))
    });
    Ok(answer)
}

/// A Debian advisory applies to Debian packages (PURL namespace `debian`) of
/// its release; a package whose PURL does not say its release is included.
fn applies_to_distro(distro: Option<&str>, purl_type: &str, purl: Option<&str>) -> bool {
    if purl_type != "deb" {
        return true;
    }
    let Some(parsed) = purl.and_then(|p| Purl::parse(p).ok()) else {
        return true;
    };
    if !parsed.namespace.is_empty() && !parsed.namespace.eq_ignore_ascii_case("debian") {
        return false;
    }
    match (distro, parsed.qualifier("distro")) {
        (Some(want), Some(have)) => have == want || have.starts_with(&format!("{want}.")),
        _ => true,
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
