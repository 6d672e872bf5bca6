//! Scanning through Harbor: trigger, poll the scan overview with progress and
//! a deadline, read the vulnerability report, and turn it into the same Trivy
//! report shape the local scan produces, so `policy::gate::evaluate` decides
//! both the same way. Unknown severities are an error (fail closed).

use super::transport::encode_segment;
use super::types::{HarborReport, Scanner, VULN_REPORT_MIME, VULN_REPORT_MIME_LEGACY};
use super::HarborClient;
use crate::config::{Config, RegistryType, Severity};
use crate::error::{ConfigError, Error, HarborError, Result};
use crate::registry::ImageRef;
use crate::tools::trivy::{Metadata, Report, ScanResult, Vulnerability};
use crate::ui::progress::Progress;
use reqwest::{Method, StatusCode};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;

/// What a Harbor scan established.
#[derive(Clone, Debug, serde::Serialize)]
pub struct HarborVulnReport {
    /// The findings in Trivy's report shape, ready for the gate.
    pub report: Report,
    /// The scanner Harbor used (name, vendor, version).
    pub scanner: Scanner,
    /// When the scanner made the report, as Harbor says.
    pub generated_at: Option<String>,
    /// The report media type it came under.
    pub media_type: String,
}

impl HarborClient {
    /// Scans `digest` with Harbor's scanner and returns its report converted
    /// for the gate. A scan already running (409) is waited for instead of
    /// started. `progress` gets the percent done and Harbor's status of the
    /// `scan` step after each poll. Exit 3 when
    /// the scan fails or is not done within `timeout`.
    pub async fn scan(
        &self,
        project: &str,
        repository: &str,
        digest: &str,
        timeout: Duration,
        progress: &dyn Progress,
    ) -> Result<HarborVulnReport> {
        let deadline = Instant::now() + timeout;
        self.trigger_scan(project, repository, digest).await?;
        let mut interval = self.poll.initial;
        loop {
            let artifact = self
                .artifact(project, repository, digest, true)
                .await?
                .ok_or_else(|| {
                    HarborError::not_found(
                        &self.host,
                        format!("{project}/{repository}@{digest} disappeared during its scan"),
                    )
                })?;
            let summary = artifact.vulnerability_summary();
            let status = summary.map_or("Pending", |s| s.scan_status.as_str());
            match status {
                "Success" => {
                    progress.percent("scan", 100, &format!("Harbor: {status}"));
                    break;
                }
                "Error" | "Stopped" => {
                    return Err(Error::Tool {
                        tool: "Harbor scanner".into(),
                        message: format!(
                            "the scan of {project}/{repository}@{digest} ended with status {status}"
                        ),
                    })
                }
                _ => {
                    let percent = summary.and_then(|s| s.complete_percent).unwrap_or(0);
                    let percent = percent.clamp(0, 99) as u8;
                    progress.percent("scan", percent, &format!("Harbor: {status}"));
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::Tool {
                    tool: "Harbor scanner".into(),
                    message: format!(
                        "the scan of {project}/{repository}@{digest} was not done after {}s \
                         (status {status}); raise tools.trivy.timeout_secs or check Harbor's scanner",
                        timeout.as_secs()
                    ),
                });
            }
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = interval.mul_f32(1.5).min(self.poll.max);
        }
        let (media_type, raw) = self
            .vulnerability_report(project, repository, digest)
            .await?;
        let artifact_name = format!("{}/{project}/{repository}@{digest}", self.host);
        let scanner = raw.scanner.clone().unwrap_or_default();
        Ok(HarborVulnReport {
            report: to_trivy_report(&artifact_name, &raw)?,
            scanner,
            generated_at: raw.generated_at.clone(),
            media_type,
        })
    }

    /// `POST .../scan`; 409 (a scan is already pending or running) is fine.
    async fn trigger_scan(&self, project: &str, repository: &str, digest: &str) -> Result<()> {
        let what = format!("starting Harbor's scan of {project}/{repository}@{digest}");
        let path = format!(
            "{}/artifacts/{}/scan",
            self.repository_path(project, repository),
            encode_segment(digest)
        );
        let url = self.url(&path, &[])?;
        let body = serde_json::json!({ "scan_type": "vulnerability" });
        let answer = self
            .send(Method::POST, url, Some(&body), &[], &what)
            .await?;
        match answer.status {
            s if s.is_success() => Ok(()),
            StatusCode::CONFLICT => Ok(()),
            _ => Err(self.failure(&what, &answer)),
        }
    }

    /// `GET .../additions/vulnerabilities`: the report under a known media type.
    async fn vulnerability_report(
        &self,
        project: &str,
        repository: &str,
        digest: &str,
    ) -> Result<(String, HarborReport)> {
        let what =
            format!("reading Harbor's vulnerability report of {project}/{repository}@{digest}");
        let path = format!(
            "{}/artifacts/{}/additions/vulnerabilities",
            self.repository_path(project, repository),
            encode_segment(digest)
        );
        let url = self.url(&path, &[])?;
        let accept = format!("{VULN_REPORT_MIME}, {VULN_REPORT_MIME_LEGACY}");
        let answer = self
            .send(
                Method::GET,
                url,
                None,
                &[("X-Accept-Vulnerabilities", accept.as_str())],
                &what,
            )
            .await?;
        if !answer.ok() {
            return Err(self.failure(&what, &answer));
        }
        let mut reports: BTreeMap<String, HarborReport> = self.parse(&what, &answer)?;
        for mime in [VULN_REPORT_MIME, VULN_REPORT_MIME_LEGACY] {
            if let Some(report) = reports.remove(mime) {
                return Ok((mime.to_string(), report));
            }
        }
        // `{}` after a successful scan, or only unknown formats: nothing can be
        // shown to be clean, so the gate must not run on it.
        Err(Error::Tool {
            tool: "Harbor scanner".into(),
            message: format!(
                "the scan of {project}/{repository}@{digest} succeeded but Harbor holds no \
                 vulnerability report in a format vimes reads (found: {})",
                if reports.is_empty() {
                    "none".to_string()
                } else {
                    reports.keys().cloned().collect::<Vec<_>>().join(", ")
                }
            ),
        })
    }
}

/// Scans `image` (by `digest`) through the Harbor that holds it, for
/// `tools.trivy.engine: harbor`: the registry entry covering the image must be
/// `type: harbor`; the timeout is `tools.trivy.timeout_secs`. The result's
/// `report` goes to `policy::gate::evaluate` exactly as a local Trivy report.
pub async fn scan_image(
    config: &Config,
    image: &ImageRef,
    digest: &str,
    progress: &dyn Progress,
) -> Result<HarborVulnReport> {
    let (name, registry) = config
        .registry_for_host(&image.registry, &image.repository)
        .filter(|(_, r)| r.kind == RegistryType::Harbor)
        .ok_or_else(|| {
            ConfigError::new(format!(
                "tools.trivy.engine is harbor, but {} is not under a `type: harbor` registry",
                image.repository_name()
            ))
        })?;
    tracing::debug!(registry = name, "scanning through Harbor");
    let (project, repository) = super::split_repository(&image.repository)?;
    let client = HarborClient::for_registry_config(config, registry).await?;
    let timeout = Duration::from_secs(config.tools.trivy.timeout_secs);
    client
        .scan(project, repository, digest, timeout, progress)
        .await
}

/// Harbor's severity words (any case) on vimes' scale. `Negligible` is rounded
/// up to `Low` (never down); anything else unknown is an error.
pub fn map_severity(word: &str) -> Option<Severity> {
    match word.to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "high" => Some(Severity::High),
        "medium" => Some(Severity::Medium),
        "low" | "negligible" => Some(Severity::Low),
        "unknown" => Some(Severity::Unknown),
        _ => None,
    }
}

/// Converts Harbor's report into a Trivy report (SchemaVersion 2, one result)
/// for `policy::gate`. Fails (exit 3) on a finding without id or package or
/// with a severity vimes does not know.
pub fn to_trivy_report(artifact_name: &str, harbor: &HarborReport) -> Result<Report> {
    let bad = |message: String| Error::Tool {
        tool: "Harbor scanner".into(),
        message,
    };
    let mut vulnerabilities = Vec::with_capacity(harbor.vulnerabilities.len());
    for v in &harbor.vulnerabilities {
        if v.id.is_empty() || v.package.is_empty() {
            return Err(bad(format!(
                "report has a finding without id or package: {:?}/{:?}",
                v.id, v.package
            )));
        }
        let severity = map_severity(&v.severity).ok_or_else(|| {
            bad(format!(
                "report gives {} in {} the severity {:?}, which vimes does not know; \
                 refusing to guess",
                v.id, v.package, v.severity
            ))
        })?;
        let status = if !v.status.is_empty() {
            v.status.clone()
        } else if v.fix_version.is_empty() {
            "affected".to_string()
        } else {
            "fixed".to_string()
        };
        let title: String = v
            .description
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(120)
            .collect();
        vulnerabilities.push(Vulnerability {
            id: v.id.clone(),
            package: v.package.clone(),
            identifier: None,
            installed_version: v.version.clone(),
            fixed_version: v.fix_version.clone(),
            status,
            severity,
            title,
            primary_url: v.links.first().cloned().unwrap_or_default(),
        });
    }
    let scanner = harbor.scanner.clone().unwrap_or_default();
    Ok(Report {
        schema_version: 2,
        artifact_name: artifact_name.to_string(),
        metadata: Metadata::default(),
        has_results_key: true,
        results: vec![ScanResult {
            target: format!(
                "{artifact_name} (Harbor: {} {})",
                if scanner.name.is_empty() {
                    "scanner"
                } else {
                    scanner.name.as_str()
                },
                scanner.version
            )
            .trim_end()
            .to_string(),
            class: "harbor".into(),
            kind: String::new(),
            vulnerabilities,
            packages: Vec::new(),
            suppressed: Vec::new(),
            platform: None,
        }],
    })
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
