//! The Harbor API v2.0 shapes vimes reads and writes (the subset it uses;
//! unknown fields are ignored so newer Harbor versions still parse).

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// The media type key of Harbor's vulnerability report (scan overview and additions).
pub const VULN_REPORT_MIME: &str = "application/vnd.security.vulnerability.report; version=1.1";

/// The older report media type some scanner adapters still answer with.
pub const VULN_REPORT_MIME_LEGACY: &str =
    "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";

/// `null` in Harbor's JSON (Go's nil slices and maps) reads as the default.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Project metadata values are strings in Harbor ("true", "high"); a value of
/// another JSON type is kept as its text, `null` is dropped.
fn metadata_strings<'de, D>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw: Option<BTreeMap<String, serde_json::Value>> = Option::deserialize(deserializer)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some((k, s)),
            other => Some((k, other.to_string())),
        })
        .collect())
}

/// One `{"code","message"}` of Harbor's error envelope.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApiErrorItem {
    /// e.g. `FORBIDDEN`, `PRECONDITION`.
    #[serde(default)]
    pub code: String,
    /// Harbor's explanation.
    #[serde(default)]
    pub message: String,
}

/// `{"errors":[...]}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApiErrors {
    /// The errors, usually one.
    #[serde(default, deserialize_with = "null_as_default")]
    pub errors: Vec<ApiErrorItem>,
}

/// A Harbor project (`GET /projects/{name}`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Project {
    /// Numeric id (robot queries need it).
    #[serde(default)]
    pub project_id: i64,
    /// Project name.
    #[serde(default)]
    pub name: String,
    /// `auto_scan`, `prevent_vul`, `severity`, ... as strings.
    #[serde(default, deserialize_with = "metadata_strings")]
    pub metadata: BTreeMap<String, String>,
}

/// One selector of an immutable tag rule.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct ImmutableSelector {
    /// Always `doublestar` today.
    #[serde(default)]
    pub kind: String,
    /// `matches`/`excludes` (tags), `repoMatches`/`repoExcludes` (repositories).
    #[serde(default)]
    pub decoration: String,
    /// The doublestar pattern.
    #[serde(default)]
    pub pattern: String,
    /// Unused by vimes; kept so a rule read back compares equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extras: Option<String>,
}

impl ImmutableSelector {
    /// A `doublestar` selector.
    pub fn doublestar(decoration: &str, pattern: &str) -> Self {
        ImmutableSelector {
            kind: "doublestar".into(),
            decoration: decoration.into(),
            pattern: pattern.into(),
            extras: None,
        }
    }

    /// Same kind, decoration and pattern (extras are ignored by Harbor's matcher).
    pub fn same_as(&self, other: &ImmutableSelector) -> bool {
        self.kind == other.kind
            && self.decoration == other.decoration
            && self.pattern == other.pattern
    }
}

/// An immutable tag rule of a project.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct ImmutableRule {
    /// Set by Harbor; absent when creating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Harbor evaluates rules in priority order (all OR-ed for immutability).
    #[serde(default)]
    pub priority: i64,
    /// A disabled rule protects nothing.
    #[serde(default)]
    pub disabled: bool,
    /// `immutable`.
    #[serde(default)]
    pub action: String,
    /// `immutable_template`.
    #[serde(default)]
    pub template: String,
    /// Only the first one counts (Harbor reads `tag_selectors[0]`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub tag_selectors: Vec<ImmutableSelector>,
    /// `{"repository": [...]}`; only the first repository selector counts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub scope_selectors: BTreeMap<String, Vec<ImmutableSelector>>,
}

impl ImmutableRule {
    /// The first repository selector, the only one Harbor applies.
    pub fn repository_selector(&self) -> Option<&ImmutableSelector> {
        self.scope_selectors.get("repository")?.first()
    }

    /// The first tag selector, the only one Harbor applies.
    pub fn tag_selector(&self) -> Option<&ImmutableSelector> {
        self.tag_selectors.first()
    }
}

/// A tag as listed on an artifact.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Tag {
    /// Tag name.
    #[serde(default)]
    pub name: String,
    /// Whether an immutable rule covers it (with `with_immutable_status=true`).
    #[serde(default)]
    pub immutable: bool,
}

/// The scanner that made a report.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Scanner {
    /// e.g. `Trivy`.
    #[serde(default)]
    pub name: String,
    /// e.g. `Aqua Security`.
    #[serde(default)]
    pub vendor: String,
    /// e.g. `v0.59.1`.
    #[serde(default)]
    pub version: String,
}

/// One entry of an artifact's `scan_overview`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ScanSummary {
    /// Pending, Scheduled, Running, Success, Error, Stopped.
    #[serde(default)]
    pub scan_status: String,
    /// Overall severity once done.
    #[serde(default)]
    pub severity: Option<String>,
    /// 0..=100.
    #[serde(default)]
    pub complete_percent: Option<i64>,
    /// Who scans.
    #[serde(default)]
    pub scanner: Option<Scanner>,
}

/// An artifact (`GET .../artifacts/{reference}`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Artifact {
    /// The manifest digest.
    #[serde(default)]
    pub digest: String,
    /// Its tags (with `with_tag=true`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<Tag>,
    /// Scan state per report media type (with `with_scan_overview=true`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub scan_overview: BTreeMap<String, ScanSummary>,
}

impl Artifact {
    /// The vulnerability scan summary, whichever report media type Harbor keyed it by.
    pub fn vulnerability_summary(&self) -> Option<&ScanSummary> {
        self.scan_overview
            .get(VULN_REPORT_MIME)
            .or_else(|| self.scan_overview.get(VULN_REPORT_MIME_LEGACY))
    }
}

/// One finding of Harbor's vulnerability report.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct HarborVulnerability {
    /// CVE or GHSA id.
    #[serde(default)]
    pub id: String,
    /// Package name.
    #[serde(default)]
    pub package: String,
    /// Installed version.
    #[serde(default)]
    pub version: String,
    /// First fixed version; empty when none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fix_version: String,
    /// Harbor's severity word (`Critical`, `High`, ..., `Unknown`).
    #[serde(default)]
    pub severity: String,
    /// Description (the first line becomes the title).
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    /// Advisory links.
    #[serde(default, deserialize_with = "null_as_default")]
    pub links: Vec<String>,
    /// `fixed`, `affected`, ... when the scanner says.
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: String,
}

/// One report of `additions/vulnerabilities` (the value under a media type key).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct HarborReport {
    /// When the scanner made it.
    #[serde(default)]
    pub generated_at: Option<String>,
    /// Who made it.
    #[serde(default)]
    pub scanner: Option<Scanner>,
    /// Overall severity.
    #[serde(default)]
    pub severity: Option<String>,
    /// The findings; `null` when there are none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub vulnerabilities: Vec<HarborVulnerability>,
}

/// One `{resource, action}` a robot may do.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct Access {
    /// e.g. `repository`, `artifact`, `tag`, `scan`.
    pub resource: String,
    /// e.g. `pull`, `push`, `read`, `create`.
    pub action: String,
}

/// The permissions of a robot on one namespace (project).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct RobotPermission {
    /// `project`.
    pub kind: String,
    /// The project name.
    pub namespace: String,
    /// What it may do there.
    pub access: Vec<Access>,
}

/// `POST /robots` body.
#[derive(Clone, Debug, Serialize)]
pub struct RobotCreate {
    /// The short name (Harbor prefixes `robot$<project>+`).
    pub name: String,
    /// Shown in Harbor's UI.
    pub description: String,
    /// `project`.
    pub level: String,
    /// Days; -1 never expires.
    pub duration: i64,
    /// What it may do.
    pub permissions: Vec<RobotPermission>,
}

/// A robot account as listed (`GET /robots`); never carries the secret.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Robot {
    /// Full name, e.g. `robot$production+ci`.
    #[serde(default)]
    pub name: String,
}

/// `GET /systeminfo` (the part vimes shows).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct SystemInfo {
    /// `vX.Y.Z-<commit>`; absent for anonymous callers.
    #[serde(default)]
    pub harbor_version: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_non_string_metadata_read_safely() {
        let p: Project = serde_json::from_str(
            r#"{"project_id":3,"name":"p","metadata":{"auto_scan":"true","public":false,"x":null}}"#,
        )
        .unwrap();
        assert_eq!(
            p.metadata.get("auto_scan").map(String::as_str),
            Some("true")
        );
        assert_eq!(p.metadata.get("public").map(String::as_str), Some("false"));
        assert!(!p.metadata.contains_key("x"));
        let a: Artifact =
            serde_json::from_str(r#"{"digest":"sha256:1","tags":null,"scan_overview":null}"#)
                .unwrap();
        assert!(a.tags.is_empty() && a.vulnerability_summary().is_none());
        let r: HarborReport = serde_json::from_str(r#"{"vulnerabilities":null}"#).unwrap();
        assert!(r.vulnerabilities.is_empty());
    }
}
