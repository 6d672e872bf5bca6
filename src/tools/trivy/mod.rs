//! Trivy: a typed invocation (image by digest, credentials for that registry
//! only, a private cache dir per process) and a typed parse of its JSON report
//! (SchemaVersion 2).

use crate::config::Severity;
use crate::error::{Error, Result};
use crate::process::{absolute, Finished, Invocation};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod sbom;

/// The oldest Trivy whose JSON report and flags vimes relies on.
pub const MIN_VERSION: (u64, u64) = (0, 50);

/// The vulnerability DB Trivy reads when no `--db-repository` is given: the
/// repository Aqua Security publishes trivy-db to. (Trivy 0.56 and later
/// fetch it from `mirror.gcr.io/aquasec/trivy-db:2` first, a copy of the same
/// artefact, and fall back to this one.) The vuln predicate names it as
/// `scanner.db.uri` when `tools.trivy.db_repository` is not set.
pub const DEFAULT_DB_REPOSITORY: &str = "ghcr.io/aquasecurity/trivy-db:2";

/// The DB repository a scan under `db_repository` (the configured
/// `tools.trivy.db_repository`) reads: that one, or Trivy's default.
pub fn db_repository(db_repository: Option<&str>) -> &str {
    db_repository
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or(DEFAULT_DB_REPOSITORY)
}

/// How to run one scan.
#[derive(Clone, Debug)]
pub struct ScanRequest {
    /// Trivy program (path or name on PATH).
    pub program: String,
    /// `host/repo@sha256:...`: always a digest, never a tag.
    pub image: String,
    /// Registry credentials, given only to this child and only for this registry.
    pub credentials: Option<(String, String)>,
    /// Plain HTTP / untrusted TLS allowed (registry marked insecure).
    pub insecure: bool,
    /// Extra CA file to trust (registry `ca_file`).
    pub ca_file: Option<PathBuf>,
    /// Client/server mode: server URL and token.
    pub server: Option<(String, Option<String>)>,
    /// A cache dir owned by this process only (Trivy locks its cache).
    pub cache_dir: PathBuf,
    /// Do not try to download the vulnerability DB.
    pub skip_db_update: bool,
    /// Alternative DB repository.
    pub db_repository: Option<String>,
    /// No network requests to identify dependencies.
    pub offline: bool,
    /// Killed after this long.
    pub timeout: Duration,
    /// A VEX document vimes verified (`--vex FILE --show-suppressed`).
    pub vex_file: Option<PathBuf>,
}

/// What one Trivy run produced.
#[derive(Clone, Debug)]
pub struct ScanOutput {
    /// The raw JSON report (kept for the cache and `--output json`).
    pub raw: Vec<u8>,
    /// The parsed report.
    pub report: Report,
    /// How long Trivy itself ran.
    pub elapsed: Duration,
}

/// Trivy's version (`trivy version --format json`), checked against [`MIN_VERSION`].
pub async fn version(program: &str) -> Result<String> {
    let done = Invocation::new("trivy", program, Duration::from_secs(60))
        .args(["version", "--format", "json"])
        .run()
        .await?;
    if done.code != Some(0) {
        return Err(failed("trivy version", &done));
    }
    #[derive(Deserialize)]
    struct V {
        #[serde(rename = "Version")]
        version: String,
    }
    let v: V = serde_json::from_slice(&done.stdout).map_err(|e| Error::Tool {
        tool: "trivy".into(),
        message: format!("`trivy version` printed something unexpected: {e}"),
    })?;
    check_version(&v.version)?;
    Ok(v.version)
}

/// Refuses versions older than [`MIN_VERSION`] or not of the form `X.Y...`.
pub fn check_version(version: &str) -> Result<()> {
    let mut parts = version.trim_start_matches('v').split(['.', '-']);
    let major = parts.next().and_then(|p| p.parse::<u64>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u64>().ok());
    match (major, minor) {
        (Some(major), Some(minor)) if (major, minor) >= MIN_VERSION => Ok(()),
        (Some(_), Some(_)) => Err(Error::Tool {
            tool: "trivy".into(),
            message: format!(
                "version {version} is too old (vimes needs {}.{} or newer)",
                MIN_VERSION.0, MIN_VERSION.1
            ),
        }),
        _ => Err(Error::Tool {
            tool: "trivy".into(),
            message: format!("cannot read its version from {version:?}"),
        }),
    }
}

/// Every severity: what to report is vimes' gate's decision, never Trivy's.
const ALL_SEVERITIES: &str = "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL";

/// The arguments that decide what Trivy reports for an image, whatever the
/// machine: no configuration or ignore file of the working directory (both
/// named explicitly, and empty), every severity, OS and library packages, and
/// the image read from the registry only, never from a local docker,
/// containerd or podman store that may hold something else under that name.
/// They are part of the report cache key and recorded with every scan.
pub fn report_options(offline: bool, server: Option<&str>) -> Vec<String> {
    let mut args: Vec<String> = [
        "--format",
        "json",
        "--scanners",
        "vuln",
        "--config",
        "/dev/null",
        "--ignorefile",
        "/dev/null",
        "--severity",
        ALL_SEVERITIES,
        "--pkg-types",
        "os,library",
        "--image-src",
        "remote",
    ]
    .map(String::from)
    .to_vec();
    if offline {
        args.push("--offline-scan".into());
    }
    if let Some(url) = server {
        args.extend(["--server".to_string(), url.to_string()]);
    }
    args
}

/// Runs `trivy image` on the digest and parses the report.
pub async fn scan(request: &ScanRequest) -> Result<ScanOutput> {
    let mut invocation = Invocation::new("trivy", &request.program, request.timeout)
        .args(["image", "--quiet", "--cache-dir"])
        .args([absolute(&request.cache_dir).display().to_string()])
        .args(report_options(
            request.offline,
            request.server.as_ref().map(|(url, _)| url.as_str()),
        ));
    if request.skip_db_update {
        invocation = invocation.args(["--skip-db-update", "--skip-java-db-update"]);
    }
    if let Some(repo) = &request.db_repository {
        invocation = invocation.args(["--db-repository", repo.as_str()]);
    }
    if request.insecure {
        invocation = invocation.args(["--insecure"]);
    }
    if let Some(vex) = &request.vex_file {
        invocation = invocation
            .args(["--vex"])
            .args([absolute(vex).display().to_string()])
            .args(["--show-suppressed"]);
    }
    if let Some((_, Some(token))) = &request.server {
        // The token goes through the environment, never argv.
        invocation = invocation.env("TRIVY_TOKEN", token.clone());
    }
    // The environment is built from nothing (the runner): only these reach
    // Trivy. Credentials are for this one image's registry.
    if let Some((user, password)) = &request.credentials {
        invocation = invocation
            .env("TRIVY_USERNAME", user.clone())
            .env("TRIVY_PASSWORD", password.clone());
    }
    if let Some(ca) = &request.ca_file {
        invocation = invocation.env("SSL_CERT_FILE", absolute(ca).display().to_string());
    }
    invocation = invocation
        .env("TRIVY_NO_PROGRESS", "true")
        .env("TRIVY_DISABLE_VEX_NOTICE", "true")
        .args([request.image.as_str()]);
    let done = invocation.run().await?;
    if done.code != Some(0) {
        return Err(failed(&format!("scanning {}", request.image), &done));
    }
    let report = parse_report(&done.stdout)?;
    check_report_subject(&report, &request.image, &done)?;
    Ok(ScanOutput {
        raw: done.stdout,
        report,
        elapsed: done.elapsed,
    })
}

/// Refuses a report that is not about `image` (`host/repo@sha256:…`), or that
/// has no `Results` while Trivy said on stderr that something failed: an
/// empty report is only "clean" when Trivy scanned without error.
pub fn check_report_subject(report: &Report, image: &str, done: &Finished) -> Result<()> {
    let bad = |message: String| Error::Tool {
        tool: "trivy".into(),
        message,
    };
    if report.artifact_name != image {
        return Err(bad(format!(
            "its report is about {:?}, not {image} (refused)",
            report.artifact_name
        )));
    }
    let digest = image.rsplit_once('@').map_or("", |(_, d)| d);
    let about_digest = |name: &String| name.rsplit_once('@').is_some_and(|(_, d)| d == digest);
    if !report.metadata.repo_digests.is_empty()
        && !report.metadata.repo_digests.iter().any(about_digest)
    {
        return Err(bad(format!(
            "its report names the image {} by other digests than {digest} (refused)",
            report.metadata.repo_digests.join(", ")
        )));
    }
    if report.results.is_empty() && !report.has_results_key {
        let complaint = done
            .stderr
            .lines()
            .rev()
            .find(|l| l.contains("FATAL") || l.contains("ERROR"));
        if let Some(line) = complaint {
            return Err(bad(format!(
                "its report has no Results and it printed: {}",
                line.trim()
            )));
        }
    }
    Ok(())
}

fn failed(what: &str, done: &Finished) -> Error {
    let status = done.code.map_or_else(
        || "was killed by a signal".to_string(),
        |c| format!("exited with {c}"),
    );
    Error::Tool {
        tool: "trivy".into(),
        message: format!("{what}: {status}: {}", done.stderr_tail(6)),
    }
}

/// A Trivy JSON report (the parts vimes uses; other fields are ignored).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Report {
    /// Must be 2.
    #[serde(rename = "SchemaVersion")]
    pub schema_version: u32,
    /// What was scanned.
    #[serde(rename = "ArtifactName", default)]
    pub artifact_name: String,
    /// Image metadata.
    #[serde(rename = "Metadata", default)]
    pub metadata: Metadata,
    /// One result per target (OS packages, language packages ...).
    #[serde(rename = "Results", default)]
    pub results: Vec<ScanResult>,
    /// Whether the report had a `Results` key at all (Trivy omits it for an
    /// image with nothing it recognises, and for some failures).
    #[serde(skip)]
    pub has_results_key: bool,
}

/// `Metadata`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Metadata {
    /// Detected OS.
    #[serde(rename = "OS", default)]
    pub os: Option<Os>,
    /// `repo@digest` names.
    #[serde(rename = "RepoDigests", default)]
    pub repo_digests: Vec<String>,
}

/// `Metadata.OS`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Os {
    /// e.g. `debian`.
    #[serde(rename = "Family", default)]
    pub family: String,
    /// e.g. `12.2`.
    #[serde(rename = "Name", default)]
    pub name: String,
}

/// One entry of `Results`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ScanResult {
    /// e.g. `host/repo@sha256:... (debian 12.2)` or `Python`.
    #[serde(rename = "Target", default)]
    pub target: String,
    /// `os-pkgs`, `lang-pkgs`.
    #[serde(rename = "Class", default)]
    pub class: String,
    /// e.g. `debian`, `python-pkg`.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// Absent when there are none.
    #[serde(rename = "Vulnerabilities", default)]
    pub vulnerabilities: Vec<Vulnerability>,
    /// Every package of the target, with `--list-all-pkgs` (only `trivy
    /// sbom` asks, to check that no OS package went unjudged); not kept.
    #[serde(rename = "Packages", default, skip_serializing)]
    pub packages: Vec<ListedPackage>,
    /// Findings a VEX statement suppressed (`--show-suppressed`).
    #[serde(
        rename = "ExperimentalModifiedFindings",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub suppressed: Vec<SuppressedFinding>,
    /// vimes' addition for a multi-platform image: the platform
    /// (`linux/arm64`) whose manifest this result is about.
    #[serde(rename = "Platform", default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

/// One entry of `Results[].ExperimentalModifiedFindings`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SuppressedFinding {
    /// `vulnerability`.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The VEX status (`not_affected`, `fixed`).
    #[serde(rename = "Status", default)]
    pub status: String,
    /// The statement's justification.
    #[serde(rename = "Statement", default)]
    pub statement: String,
    /// The document it came from.
    #[serde(rename = "Source", default)]
    pub source: String,
    /// The finding.
    #[serde(rename = "Finding")]
    pub finding: Vulnerability,
}

/// One entry of `Results[].Packages`.
#[derive(Clone, Debug, Deserialize)]
pub struct ListedPackage {
    /// Its identifiers.
    #[serde(rename = "Identifier", default)]
    pub identifier: Option<PkgIdentifier>,
}

/// One finding.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Vulnerability {
    /// CVE or GHSA id.
    #[serde(rename = "VulnerabilityID")]
    pub id: String,
    /// Package name.
    #[serde(rename = "PkgName")]
    pub package: String,
    /// Package identifiers.
    #[serde(rename = "PkgIdentifier", default)]
    pub identifier: Option<PkgIdentifier>,
    /// Installed version.
    #[serde(rename = "InstalledVersion", default)]
    pub installed_version: String,
    /// First fixed version; empty when there is no fix.
    #[serde(rename = "FixedVersion", default)]
    pub fixed_version: String,
    /// `fixed`, `affected`, `will_not_fix`, ...
    #[serde(rename = "Status", default)]
    pub status: String,
    /// Severity; an unknown word is a parse error (fail closed).
    #[serde(rename = "Severity")]
    pub severity: Severity,
    /// Short title.
    #[serde(rename = "Title", default)]
    pub title: String,
    /// Advisory URL.
    #[serde(rename = "PrimaryURL", default)]
    pub primary_url: String,
}

/// `PkgIdentifier`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct PkgIdentifier {
    /// Package URL.
    #[serde(rename = "PURL", default)]
    pub purl: String,
}

/// Parses a Trivy JSON report; refuses unknown schema versions and unknown
/// severities rather than guessing (exit 3).
pub fn parse_report(bytes: &[u8]) -> Result<Report> {
    #[derive(Deserialize)]
    struct Version {
        #[serde(rename = "SchemaVersion")]
        schema_version: Option<u32>,
    }
    let bad = |message: String| Error::Tool {
        tool: "trivy".into(),
        message,
    };
    let version: Version = serde_json::from_slice(bytes)
        .map_err(|e| bad(format!("printed output that is not its JSON report: {e}")))?;
    match version.schema_version {
        Some(2) => {}
        Some(other) => {
            return Err(bad(format!(
                "report SchemaVersion {other} is not supported (only 2)"
            )))
        }
        None => return Err(bad("report has no SchemaVersion".into())),
    }
    let mut report: Report =
        serde_json::from_slice(bytes).map_err(|e| bad(format!("report could not be read: {e}")))?;
    #[derive(Deserialize)]
    struct HasResults {
        #[serde(rename = "Results")]
        results: Option<serde::de::IgnoredAny>,
    }
    report.has_results_key =
        serde_json::from_slice::<HasResults>(bytes).is_ok_and(|r| r.results.is_some());
    Ok(report)
}

/// The DB's `UpdatedAt` from `<cache>/db/metadata.json`, if present.
pub fn db_updated_at(cache_dir: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct Meta {
        #[serde(rename = "UpdatedAt")]
        updated_at: String,
    }
    let text = std::fs::read(cache_dir.join("db").join("metadata.json")).ok()?;
    serde_json::from_slice::<Meta>(&text)
        .ok()
        .map(|m| m.updated_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        check_version("0.59.1").unwrap();
        check_version("v1.0.0").unwrap();
        assert!(check_version("0.49.9").is_err());
        assert!(check_version("dev").is_err());
    }

    #[test]
    fn refuses_unknown_schema_and_severity() {
        assert!(parse_report(br#"{"SchemaVersion":3}"#)
            .unwrap_err()
            .to_string()
            .contains("SchemaVersion 3"));
        assert!(parse_report(b"not json").is_err());
        let weird = br#"{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","Severity":"APOCALYPTIC"}]}]}"#;
        let err = parse_report(weird).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Tool);
        let ok =
            br#"{"SchemaVersion":2,"Results":[{"Target":"t","Class":"os-pkgs","NewField":1}]}"#;
        assert!(parse_report(ok).unwrap().results[0]
            .vulnerabilities
            .is_empty());
    }

    fn finished(stderr: &str) -> Finished {
        Finished {
            signal: None,
            code: Some(0),
            stdout: Vec::new(),
            stderr: stderr.to_string(),
            elapsed: Duration::ZERO,
        }
    }

    const IMAGE: &str =
        "r.example/app@sha256:1111111111111111111111111111111111111111111111111111111111111111";

    #[test]
    fn a_report_about_another_artifact_is_refused() {
        let other = parse_report(br#"{"SchemaVersion":2,"ArtifactName":"r.example/other@sha256:2222222222222222222222222222222222222222222222222222222222222222","Results":[]}"#).unwrap();
        let err = check_report_subject(&other, IMAGE, &finished("")).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Tool);
        assert!(err.to_string().contains("not r.example/app@"), "{err}");

        let text = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"{IMAGE}","Metadata":{{"RepoDigests":["r.example/app@sha256:{}"]}},"Results":[]}}"#,
            "3".repeat(64)
        );
        let moved = parse_report(text.as_bytes()).unwrap();
        let err = check_report_subject(&moved, IMAGE, &finished("")).unwrap_err();
        assert!(err.to_string().contains("other digests"), "{err}");

        let text = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"{IMAGE}","Metadata":{{"RepoDigests":["{IMAGE}"]}},"Results":[]}}"#
        );
        let same = parse_report(text.as_bytes()).unwrap();
        check_report_subject(&same, IMAGE, &finished("")).unwrap();
    }

    #[test]
    fn no_results_with_a_fatal_line_is_a_failure_not_a_clean_image() {
        let text = format!(r#"{{"SchemaVersion":2,"ArtifactName":"{IMAGE}"}}"#);
        let bare = parse_report(text.as_bytes()).unwrap();
        assert!(!bare.has_results_key);
        let err =
            check_report_subject(&bare, IMAGE, &finished("2026 FATAL image scan error: boom"))
                .unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Tool);
        assert!(err.to_string().contains("FATAL image scan error"), "{err}");
        // Trivy omits Results for an image it finds nothing in; with a
        // quiet stderr that is an empty, clean report.
        check_report_subject(&bare, IMAGE, &finished("")).unwrap();
    }
}
