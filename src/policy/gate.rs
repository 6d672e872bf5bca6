//! The vulnerability gate: Trivy's findings, the policy's blocking severities,
//! `ignore_unfixed`, and signed exceptions give a verdict as a value. Nothing
//! passes unless it was shown to be allowed.

use super::exceptions::{EntryState, LoadedExceptions, SignatureStatus};
use crate::clock::Date;
use crate::config::{PolicyConfig, Severity};
use crate::tools::trivy::Report;
use serde::Serialize;
use std::collections::BTreeMap;

/// One finding, flattened from Trivy's report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// CVE/GHSA id.
    pub id: String,
    /// Package name.
    pub package: String,
    /// Installed version.
    pub installed: String,
    /// Fixed version, if a fix exists.
    pub fixed: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// Trivy's status (`fixed`, `affected`, ...).
    pub status: String,
    /// Title.
    pub title: String,
    /// Advisory URL.
    pub url: String,
    /// Trivy target (OS packages or a language ecosystem).
    pub target: String,
    /// Package URL.
    pub purl: String,
    /// The platform (`linux/arm64`) of a multi-platform image it was found in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

/// What the gate decided for one finding.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Blocks the image.
    Blocked,
    /// Would block, but a valid signed exception waives it.
    Waived {
        /// The exception id.
        exception: String,
        /// Who approved it.
        approved_by: String,
        /// Last valid day.
        expires: String,
        /// Why.
        reason: String,
    },
    /// Severity below the blocking threshold.
    Allowed,
    /// No fix exists and `ignore_unfixed` is set.
    IgnoredUnfixed,
}

/// A finding with its decision.
#[derive(Clone, Debug, Serialize)]
pub struct GatedFinding {
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// The decision.
    #[serde(flatten)]
    pub decision: Decision,
}

/// Per-severity counts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    /// All findings of the severity.
    pub total: usize,
    /// Blocking ones.
    pub blocked: usize,
    /// Waived ones.
    pub waived: usize,
}

/// What happened to one exception entry.
#[derive(Clone, Debug, Serialize)]
pub struct ExceptionOutcome {
    /// The exception id.
    pub id: String,
    /// `applied`, `unused`, `expired`, or `untrusted`.
    pub outcome: String,
    /// Why, in words.
    pub detail: String,
}

/// The gate's verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// Whether the image may proceed.
    pub passed: bool,
    /// Every finding with its decision, most severe first.
    pub findings: Vec<GatedFinding>,
    /// Counts per severity.
    pub counts: BTreeMap<Severity, Counts>,
    /// Exceptions file, if one is configured.
    pub exceptions_file: Option<String>,
    /// Its signature status.
    pub exceptions_signature: Option<SignatureStatus>,
    /// What happened to each exception entry.
    pub exceptions: Vec<ExceptionOutcome>,
    /// Why the image is blocked (empty when it passed).
    pub reasons: Vec<String>,
}

/// Flattens a report into findings, most severe first, duplicates removed.
pub fn findings(report: &Report) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for result in &report.results {
        for v in &result.vulnerabilities {
            let finding = Finding {
                id: v.id.clone(),
                package: v.package.clone(),
                installed: v.installed_version.clone(),
                fixed: Some(v.fixed_version.clone()).filter(|f| !f.is_empty()),
                severity: v.severity,
                status: v.status.clone(),
                title: v.title.clone(),
                url: v.primary_url.clone(),
                target: result.target.clone(),
                purl: v
                    .identifier
                    .as_ref()
                    .map(|i| i.purl.clone())
                    .unwrap_or_default(),
                platform: result.platform.clone(),
            };
            match out.iter_mut().find(|f| same_finding(f, &finding)) {
                // The order of a report decides nothing: of two reports of
                // one finding, the one that blocks more is kept.
                Some(kept) if weight(&finding) > weight(kept) => *kept = finding,
                Some(_) => {}
                None => out.push(finding),
            }
        }
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.package.cmp(&b.package))
    });
    out
}

/// Whether two findings are one: the same advisory in the same package
/// version on the same platform. The one place the duplicate key lives.
fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.id == b.id && a.package == b.package && a.installed == b.installed && a.platform == b.platform
}

/// How strongly a finding can block: severity first, then whether a fix is
/// known (`ignore_unfixed` waives only findings without one).
fn weight(f: &Finding) -> (Severity, bool) {
    (f.severity, f.fixed.is_some() || f.status == "fixed")
}

/// Applies the policy and exceptions to `report` for the image in `repository`.
pub fn evaluate(
    report: &Report,
    policy: &PolicyConfig,
    exceptions: Option<&LoadedExceptions>,
    repository: &str,
    today: Date,
) -> Verdict {
    let mut gated = Vec::new();
    let mut counts: BTreeMap<Severity, Counts> = BTreeMap::new();
    let mut used: BTreeMap<String, bool> = BTreeMap::new();
    for finding in findings(report) {
        let count = counts.entry(finding.severity).or_default();
        count.total += 1;
        let decision = if !policy.block.contains(&finding.severity) {
            Decision::Allowed
        } else if policy.ignore_unfixed && finding.fixed.is_none() && finding.status != "fixed" {
            Decision::IgnoredUnfixed
        } else {
            let waiver = exceptions.filter(|e| e.trusted()).and_then(|e| {
                e.entries.iter().find(|x| {
                    x.state(today) == EntryState::Active
                        && x.covers(&finding.id, &finding.package, repository)
                })
            });
            match waiver {
                Some(x) => {
                    used.insert(x.id.to_ascii_uppercase(), true);
                    Decision::Waived {
                        exception: x.id.clone(),
                        approved_by: x.approved_by.clone(),
                        expires: x.expires.clone(),
                        reason: x.reason.clone(),
                    }
                }
                None => Decision::Blocked,
            }
        };
        match decision {
            Decision::Blocked => count.blocked += 1,
            Decision::Waived { .. } => count.waived += 1,
            _ => {}
        }
        gated.push(GatedFinding { finding, decision });
    }

    let mut outcomes = Vec::new();
    if let Some(e) = exceptions {
        for x in &e.entries {
            let (outcome, detail) = if let SignatureStatus::Invalid { reason } = &e.signature {
                ("untrusted", format!("not applied: {reason}"))
            } else if e.signature == SignatureStatus::Unsigned {
                (
                    "untrusted",
                    "not applied: the exceptions file is not signed by an approver".to_string(),
                )
            } else if x.state(today) == EntryState::Expired {
                ("expired", format!("not applied: expired on {}", x.expires))
            } else if used.contains_key(&x.id.to_ascii_uppercase()) {
                (
                    "applied",
                    format!("approved by {} until {}", x.approved_by, x.expires),
                )
            } else {
                ("unused", "no blocking finding in its scope".to_string())
            };
            outcomes.push(ExceptionOutcome {
                id: x.id.clone(),
                outcome: outcome.to_string(),
                detail,
            });
        }
    }

    let blocked: Vec<&GatedFinding> = gated
        .iter()
        .filter(|g| g.decision == Decision::Blocked)
        .collect();
    let mut reasons: Vec<String> = blocked
        .iter()
        .map(|g| {
            let fix = g
                .finding
                .fixed
                .as_deref()
                .map_or("no fix".to_string(), |f| format!("fixed in {f}"));
            let on = g
                .finding
                .platform
                .as_deref()
                .map_or(String::new(), |p| format!(" on {p}"));
            format!(
                "{} {} in {} {}{on} ({fix})",
                g.finding.id,
                severity_name(g.finding.severity),
                g.finding.package,
                g.finding.installed
            )
        })
        .collect();
    for o in outcomes
        .iter()
        .filter(|o| o.outcome == "untrusted" || o.outcome == "expired")
    {
        let covers_blocked = blocked
            .iter()
            .any(|g| g.finding.id.eq_ignore_ascii_case(&o.id));
        if covers_blocked {
            reasons.push(format!("exception {} {}", o.id, o.detail));
        }
    }
    Verdict {
        passed: blocked.is_empty(),
        findings: gated,
        counts,
        exceptions_file: exceptions.map(|e| e.path.display().to_string()),
        exceptions_signature: exceptions.map(|e| e.signature.clone()),
        exceptions: outcomes,
        reasons,
    }
}

/// The severity as Trivy spells it.
pub fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Unknown => "UNKNOWN",
    }
}

#[cfg(test)]
#[path = "gate_tests.rs"]
mod tests;
