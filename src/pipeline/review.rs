//! The human review of a scan: who looked at which digest, what they saw,
//! and what they decided. The record is kept locally (so `promote` can attach
//! it as a signed attestation) and printed.

use super::reviewer::{find_reviewer, CiRun, Reviewer};
use super::scan::ScanOutcome;
use crate::clock::now_rfc3339;
use crate::error::{Error, Result};
use crate::policy::gate::Decision;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The reviewer's decision.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// Approved for promotion.
    Approved,
    /// Rejected.
    Rejected,
}

/// A review record (the predicate of the review attestation).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReviewRecord {
    /// `host/repo`.
    pub repository: String,
    /// The digest reviewed.
    pub digest: String,
    /// Who reviewed.
    pub reviewer: String,
    /// The CI run the review was made in (provider and run address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<CiRun>,
    /// When (RFC 3339 UTC).
    pub reviewed_at: String,
    /// Approved or rejected.
    pub decision: ReviewDecision,
    /// Whether a person answered a prompt (false: `--yes` in a script).
    pub interactive: bool,
    /// Trivy version of the scan reviewed.
    pub trivy_version: String,
    /// Trivy DB `UpdatedAt`, when known.
    pub db_updated_at: Option<String>,
    /// Findings by decision.
    pub summary: ReviewSummary,
}

/// Counts of what the reviewer saw.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReviewSummary {
    /// Findings below the blocking severity.
    pub allowed: usize,
    /// Findings waived by signed exceptions (ids).
    pub waived: Vec<String>,
    /// Unfixed findings ignored by policy.
    pub ignored_unfixed: usize,
    /// Blocking findings (a blocked scan cannot be approved).
    pub blocked: usize,
}

/// Summarises a scan for the reviewer.
pub fn summarize(outcome: &ScanOutcome) -> ReviewSummary {
    let mut s = ReviewSummary::default();
    for g in &outcome.verdict.findings {
        match &g.decision {
            Decision::Allowed => s.allowed += 1,
            Decision::Waived { exception, .. } => s.waived.push(exception.clone()),
            Decision::IgnoredUnfixed => s.ignored_unfixed += 1,
            Decision::Blocked => s.blocked += 1,
        }
    }
    s.waived.sort();
    s.waived.dedup();
    s
}

/// Builds the record. An approval of a blocked scan is refused (exit 1): only
/// signed exceptions can waive a blocking finding, never a reviewer.
pub fn record(
    outcome: &ScanOutcome,
    reviewer: &Reviewer,
    decision: ReviewDecision,
    interactive: bool,
) -> Result<ReviewRecord> {
    let summary = summarize(outcome);
    if decision == ReviewDecision::Approved && !outcome.verdict.passed {
        return Err(Error::Policy(format!(
            "{}@{} is blocked by {} finding(s); a review cannot override the gate (only signed exceptions can)",
            outcome.repository, outcome.digest, summary.blocked
        )));
    }
    Ok(ReviewRecord {
        repository: outcome.repository.clone(),
        digest: outcome.digest.clone(),
        reviewer: reviewer.name.clone(),
        ci: reviewer.ci.clone(),
        reviewed_at: now_rfc3339(),
        decision,
        interactive,
        trivy_version: outcome.trivy_version.clone(),
        db_updated_at: outcome.db_updated_at.clone(),
        summary,
    })
}

fn record_path(digest: &str) -> PathBuf {
    crate::paths::reviews_dir().join(format!("{}.json", digest.replace(':', "-")))
}

/// Saves the record for its digest (the latest review wins).
pub fn save(record: &ReviewRecord) -> Result<PathBuf> {
    let path = record_path(&record.digest);
    let io = |error| Error::File {
        path: path.clone(),
        error,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let bytes = serde_json::to_vec_pretty(record)
        .map_err(|e| Error::Internal(format!("cannot serialise the review: {e}")))?;
    std::fs::write(&path, bytes).map_err(io)?;
    Ok(path)
}

/// The saved review of `digest`, approving or rejecting it. A rejection
/// stands until a reviewer records a new decision with `vimes review`: `--yes`
/// on promote must never override it.
pub fn load_saved(digest: &str) -> Option<ReviewRecord> {
    let bytes = std::fs::read(record_path(digest)).ok()?;
    serde_json::from_slice::<ReviewRecord>(&bytes)
        .ok()
        .filter(|r| r.digest == digest)
}

/// The reviewer: `flag`, else the CI system's identity (from `environment`,
/// the variables the caller read at the edge), else git's `user.email`, else
/// `$USER`, else the OS account ([`super::reviewer`]).
pub fn default_reviewer(
    flag: Option<&str>,
    environment: &std::collections::BTreeMap<String, String>,
) -> Option<Reviewer> {
    find_reviewer(flag, environment)
}
