//! The image manifests a scan must cover. A tag can name an index of
//! several platforms; Trivy (and Syft), handed the index, pick the host's
//! platform and say nothing about the others, so a clean `linux/amd64` would
//! vouch for a vulnerable `linux/arm64`. Every platform is scanned instead,
//! and the verdict is the union of theirs.

use crate::error::{Error, RegistryError, Result};
use crate::registry::manifest::{Content, Descriptor};
use crate::registry::{ImageRef, RegistryClient};
use crate::tools::trivy::Report;

/// One image manifest to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanTarget {
    /// Its digest.
    pub digest: String,
    /// `os/arch[/variant]` when it is one platform of an index; `None` for
    /// an image that is not an index.
    pub platform: Option<String>,
}

/// The manifests behind `image@digest`: the image itself, or every platform
/// manifest of an index (BuildKit's `unknown/unknown` attestation entries,
/// which no runtime ever runs, excepted). An index nested in an index, or one
/// with nothing to scan, cannot be judged and is refused.
pub async fn scan_targets(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
) -> Result<Vec<ScanTarget>> {
    let pinned = image.with_digest(digest);
    let manifest = client
        .get_manifest(&pinned)
        .await?
        .ok_or_else(|| RegistryError::not_found(&image.registry, format!("{pinned} not found")))?;
    let Content::Index { manifests } = manifest.content else {
        return Ok(vec![ScanTarget {
            digest: digest.to_string(),
            platform: None,
        }]);
    };
    let mut targets = Vec::new();
    for entry in &manifests {
        let platform = platform_name(entry);
        if platform == "unknown/unknown" {
            continue;
        }
        let child = image.with_digest(&entry.digest);
        let nested = client
            .get_manifest(&child)
            .await?
            .ok_or_else(|| RegistryError::not_found(&image.registry, format!(
                    "platform {platform} of {pinned} ({}) is not in the registry, so it cannot be scanned",
                    entry.digest
                )))?;
        if matches!(nested.content, Content::Index { .. }) {
            return Err(Error::Policy(format!(
                "{pinned} holds an index inside an index ({}); vimes cannot scan every platform of it",
                entry.digest
            )));
        }
        targets.push(ScanTarget {
            digest: entry.digest.clone(),
            platform: Some(platform),
        });
    }
    if targets.is_empty() {
        return Err(Error::Policy(format!(
            "{pinned} is an index with no platform manifest to scan"
        )));
    }
    Ok(targets)
}

/// `os/arch[/variant]` of an index entry; `unspecified` when it names none.
pub fn platform_name(entry: &Descriptor) -> String {
    let field = |name: &str| {
        entry
            .platform
            .as_ref()
            .and_then(|p| p.get(name))
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(sanitize)
    };
    match (field("os"), field("architecture")) {
        (Some(os), Some(arch)) => match field("variant") {
            Some(variant) => format!("{os}/{arch}/{variant}"),
            None => format!("{os}/{arch}"),
        },
        _ => "unspecified".to_string(),
    }
}

/// Registry-supplied text reaches reports and terminals: printable ASCII
/// only, and short.
fn sanitize(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

/// One report for the whole image from one report per platform: each
/// result names its platform, so findings, SARIF and attestations do.
pub fn merge_reports(artifact_name: &str, mut parts: Vec<(Option<String>, Report)>) -> Report {
    if let [(None, _)] = parts.as_slice() {
        if let Some((_, report)) = parts.pop() {
            return report;
        }
    }
    let mut merged = Report {
        schema_version: 2,
        artifact_name: artifact_name.to_string(),
        metadata: Default::default(),
        results: Vec::new(),
        has_results_key: true,
    };
    merged.metadata.repo_digests = vec![artifact_name.to_string()];
    for (platform, report) in parts {
        if merged.metadata.os.is_none() {
            merged.metadata.os = report.metadata.os;
        }
        for mut result in report.results {
            result.platform = platform.clone();
            merged.results.push(result);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::trivy::parse_report;

    fn entry(platform: serde_json::Value) -> Descriptor {
        Descriptor {
            media_type: String::new(),
            digest: format!("sha256:{}", "a".repeat(64)),
            size: 1,
            platform: Some(platform),
        }
    }

    #[test]
    fn platform_names() {
        let p = |v| platform_name(&entry(v));
        assert_eq!(
            p(serde_json::json!({"os":"linux","architecture":"arm64","variant":"v8"})),
            "linux/arm64/v8"
        );
        assert_eq!(
            p(serde_json::json!({"os":"linux","architecture":"amd64"})),
            "linux/amd64"
        );
        assert_eq!(
            p(serde_json::json!({"os":"unknown","architecture":"unknown"})),
            "unknown/unknown"
        );
        assert_eq!(p(serde_json::json!({})), "unspecified");
        assert_eq!(
            p(serde_json::json!({"os":"linux\u{1b}[31m\nVerified","architecture":"x"})),
            "linux[31mVerified/x"
        );
    }

    #[test]
    fn merged_findings_name_their_platform() {
        let clean = parse_report(br#"{"SchemaVersion":2,"ArtifactName":"r/a@sha256:1","Results":[{"Target":"t (debian 12)","Class":"os-pkgs","Type":"debian"}]}"#).unwrap();
        let vulnerable = parse_report(br#"{"SchemaVersion":2,"ArtifactName":"r/a@sha256:2","Results":[{"Target":"t (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","InstalledVersion":"1","Severity":"CRITICAL"}]}]}"#).unwrap();
        let merged = merge_reports(
            "r/a@sha256:i",
            vec![
                (Some("linux/amd64".into()), clean),
                (Some("linux/arm64".into()), vulnerable),
            ],
        );
        assert_eq!(merged.artifact_name, "r/a@sha256:i");
        assert_eq!(merged.results.len(), 2);
        let findings = crate::policy::gate::findings(&merged);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].platform.as_deref(), Some("linux/arm64"));
        // The platform survives the report's JSON (the vuln attestation).
        let again = parse_report(&serde_json::to_vec(&merged).unwrap()).unwrap();
        assert_eq!(again.results[1].platform.as_deref(), Some("linux/arm64"));
    }

    #[test]
    fn a_single_image_report_is_kept_as_it_is() {
        let report =
            parse_report(br#"{"SchemaVersion":2,"ArtifactName":"r/a@sha256:1","Results":[]}"#)
                .unwrap();
        let merged = merge_reports("r/a@sha256:1", vec![(None, report)]);
        assert_eq!(merged.artifact_name, "r/a@sha256:1");
        assert!(merged.results.iter().all(|r| r.platform.is_none()));
    }
}
