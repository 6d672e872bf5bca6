//! The evidence of a promotion: the record printed with `--output json`,
//! appended to the local audit log, and attached as a signed attestation;
//! and the cosign vuln predicate of the scan.

use super::review::ReviewDecision;
use super::scan::ScanOutcome;
use crate::error::{Error, Result};
use crate::policy::gate::Decision;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One step's outcome, kept in the evidence.
#[derive(Clone, Debug, Serialize)]
pub struct StepRecord {
    /// Step name.
    pub step: String,
    /// `done` or `skipped`.
    pub status: String,
    /// What happened.
    pub detail: String,
}

/// The evidence of one promotion (printed, logged, and attested).
#[derive(Clone, Debug, Serialize)]
pub struct PromotionRecord {
    /// `host/repo@digest` in staging.
    pub source: String,
    /// The digest.
    pub digest: String,
    /// `host/repo@digest` in production.
    pub destination: String,
    /// The production tag.
    pub tag: String,
    /// Whether nothing had to be written (already promoted).
    pub unchanged: bool,
    /// Trivy version.
    pub trivy_version: String,
    /// Trivy DB `UpdatedAt`.
    pub db_updated_at: Option<String>,
    /// Findings per severity.
    pub findings: BTreeMap<String, usize>,
    /// Exceptions applied, with their approvers.
    pub exceptions_applied: Vec<AppliedException>,
    /// The signed VEX statements that counted, the findings they suppressed
    /// (each with its statement and signer), and what did not count.
    #[serde(skip_serializing_if = "crate::pipeline::scan::VexOutcome::is_empty")]
    pub vex: crate::pipeline::scan::VexOutcome,
    /// The `VIMES_TODAY` date exceptions were judged on instead of today's:
    /// an expired exception may have counted. Absent on a normal run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today_overridden: Option<String>,
    /// Reviewer.
    pub reviewer: String,
    /// The CI run the review was made in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer_ci: Option<crate::pipeline::reviewer::CiRun>,
    /// Review decision.
    pub review_decision: ReviewDecision,
    /// Whether the review was interactive.
    pub review_interactive: bool,
    /// Fingerprint of the signing key.
    pub signer: String,
    /// Syft version that made the SBOM.
    pub syft_version: Option<String>,
    /// Every tool binary that ran, by resolved path and SHA-256 (and whether
    /// `tools.*.sha256` pinned it): what the verdict and the SBOM rest on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<crate::tools::pin::ToolBinary>,
    /// Seconds Trivy ran (0 when a cached report was used).
    pub trivy_seconds: f64,
    /// Seconds Syft ran.
    pub syft_seconds: f64,
    /// Start time.
    pub started_at: String,
    /// End time.
    pub finished_at: String,
    /// vimes version.
    pub vimes_version: String,
    /// What each step did.
    pub steps: Vec<StepRecord>,
}

/// An exception that waived a finding.
#[derive(Clone, Debug, Serialize)]
pub struct AppliedException {
    /// The exception id.
    pub id: String,
    /// Who approved it.
    pub approved_by: String,
    /// Until when.
    pub expires: String,
}

/// The exceptions that waived findings in `scan`.
pub fn applied_exceptions(scan: &ScanOutcome) -> Vec<AppliedException> {
    let mut out: Vec<AppliedException> = Vec::new();
    for g in &scan.verdict.findings {
        if let Decision::Waived {
            exception,
            approved_by,
            expires,
            ..
        } = &g.decision
        {
            if !out.iter().any(|e| &e.id == exception) {
                out.push(AppliedException {
                    id: exception.clone(),
                    approved_by: approved_by.clone(),
                    expires: expires.clone(),
                });
            }
        }
    }
    out
}

/// cosign's vuln predicate (specs/COSIGN_VULN_ATTESTATION_SPEC.md, decoded
/// by cosign into `CosignVulnPredicate`).
///
/// `invocation.parameters` is an array of strings, as the spec shows it: the
/// Trivy options that decided the report, then `VIMES_TODAY=<date>` when the
/// verdict was judged on that date instead of today's (so the signed
/// evidence says so). `scanner.db.uri` names the DB's repository, never "".
pub fn vuln_predicate(scan: &ScanOutcome) -> serde_json::Value {
    let mut parameters = scan.trivy_options.clone();
    if let Some(date) = &scan.today_overridden {
        parameters.push(format!("VIMES_TODAY={date}"));
    }
    serde_json::json!({
        "invocation": { "parameters": parameters, "uri": "", "event_id": "", "builder.id": "vimes" },
        "scanner": {
            "uri": format!("pkg:github/aquasecurity/trivy@{}", scan.trivy_version),
            "version": scan.trivy_version,
            "db": { "uri": scan.db_repository, "version": scan.db_updated_at.clone().unwrap_or_default() },
            "result": serde_json::to_value(&scan.report).unwrap_or(serde_json::Value::Null),
        },
        "metadata": { "scanStartedOn": scan.scan_started_on, "scanFinishedOn": scan.scan_finished_on },
    })
}

/// Appends the record to the local audit log (JSON lines).
pub fn append_audit_log(record: &PromotionRecord) -> Result<PathBuf> {
    use std::io::Write;
    let path = crate::paths::audit_log();
    let io = |error| Error::File {
        path: path.clone(),
        error,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let line =
        serde_json::to_string(record).map_err(|e| Error::internal(format!("audit record: {e}")))?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io)?;
    writeln!(file, "{line}").map_err(io)?;
    Ok(path)
}
