//! The vulnerability gate: Trivy's findings, the policy's blocking severities,
//! `ignore_unfixed`, and signed exceptions give a verdict as a value. Nothing
//! passes unless it was shown to be allowed.

use super::date::Date;
use super::exceptions::{EntryState, LoadedExceptions, SignatureStatus};
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
mod tests {
    use super::*;
    use crate::policy::exceptions::{Exception, LoadedExceptions};
    use crate::tools::trivy::parse_report;

    const VULNERABLE: &[u8] = include_bytes!("../../fixtures/trivy/vulnerable.json");
    const CLEAN: &[u8] = include_bytes!("../../fixtures/trivy/clean.json");
    const UNFIXED: &[u8] = include_bytes!("../../fixtures/trivy/unfixed-only.json");
    /// Real Trivy output: CVE-2099-0095 in requests 2.28.1, LOW (dpkg) first,
    /// CRITICAL (Python) second.
    const DUPLICATE: &[u8] =
        include_bytes!("../../fixtures/trivy/duplicate-severities/report.json");
    const REPO: &str = "127.0.0.1:5000/vimes-fixtures/vulnerable";

    fn today() -> Date {
        Date::parse("2026-11-29").unwrap()
    }

    fn exceptions(entries: Vec<Exception>, signature: SignatureStatus) -> LoadedExceptions {
        LoadedExceptions {
            path: "exceptions.yaml".into(),
            entries,
            serial: 0,
            signature,
        }
    }

    fn exception(id: &str, expires: &str) -> Exception {
        Exception {
            id: id.into(),
            images: vec![],
            packages: vec![],
            reason: "accepted".into(),
            expires: expires.into(),
            approved_by: "secteam@example.com".into(),
        }
    }

    fn valid() -> SignatureStatus {
        SignatureStatus::Valid {
            key: "team.pub".into(),
            fingerprint: "sha256:00".into(),
        }
    }

    fn blocked_ids(v: &Verdict) -> Vec<&str> {
        v.findings
            .iter()
            .filter(|g| g.decision == Decision::Blocked)
            .map(|g| g.finding.id.as_str())
            .collect()
    }

    #[test]
    fn real_trivy_reports_parse() {
        let r = parse_report(VULNERABLE).unwrap();
        let f = findings(&r);
        assert_eq!(f.len(), 5);
        assert_eq!(f[0].id, "CVE-2099-0001");
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(f[0].fixed.as_deref(), Some("3.0.11-1~deb12u2"));
        assert!(f
            .iter()
            .any(|x| x.id == "CVE-2099-0004" && x.fixed.is_none()));
        assert!(findings(&parse_report(CLEAN).unwrap()).is_empty());
    }

    #[test]
    fn default_policy_blocks_critical_and_high() {
        let r = parse_report(VULNERABLE).unwrap();
        let v = evaluate(&r, &PolicyConfig::default(), None, REPO, today());
        assert!(!v.passed);
        assert_eq!(
            blocked_ids(&v),
            ["CVE-2099-0001", "CVE-2099-0002", "CVE-2099-0004"]
        );
        assert_eq!(v.counts[&Severity::Medium].blocked, 0);
        assert!(
            v.reasons[0].starts_with("CVE-2099-0001 CRITICAL in libssl3"),
            "{:?}",
            v.reasons
        );
        let clean = evaluate(
            &parse_report(CLEAN).unwrap(),
            &PolicyConfig::default(),
            None,
            REPO,
            today(),
        );
        assert!(clean.passed && clean.reasons.is_empty());
    }

    #[test]
    fn ignore_unfixed_only_skips_findings_without_a_fix() {
        let r = parse_report(UNFIXED).unwrap();
        let policy = PolicyConfig {
            ignore_unfixed: true,
            ..PolicyConfig::default()
        };
        assert!(evaluate(&r, &policy, None, REPO, today()).passed);
        assert!(!evaluate(&r, &PolicyConfig::default(), None, REPO, today()).passed);
    }

    #[test]
    fn signed_current_exceptions_waive_exactly_their_scope() {
        let r = parse_report(VULNERABLE).unwrap();
        let mut scoped = exception("CVE-2099-0002", "2027-01-31");
        scoped.packages = vec!["zlib1g".into()];
        let mut elsewhere = exception("CVE-2099-0001", "2027-01-31");
        elsewhere.images = vec!["other/*".into()];
        let ex = exceptions(
            vec![scoped, elsewhere, exception("CVE-2099-0004", "2026-11-28")],
            valid(),
        );
        let v = evaluate(&r, &PolicyConfig::default(), Some(&ex), REPO, today());
        assert_eq!(blocked_ids(&v), ["CVE-2099-0001", "CVE-2099-0004"]);
        let outcomes: Vec<(&str, &str)> = v
            .exceptions
            .iter()
            .map(|o| (o.id.as_str(), o.outcome.as_str()))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("CVE-2099-0002", "applied"),
                ("CVE-2099-0001", "unused"),
                ("CVE-2099-0004", "expired")
            ]
        );
        assert!(v
            .reasons
            .iter()
            .any(|r| r.contains("CVE-2099-0004 not applied: expired on 2026-11-28")));
    }

    #[test]
    fn untrusted_files_waive_nothing() {
        let r = parse_report(UNFIXED).unwrap();
        for signature in [
            SignatureStatus::Unsigned,
            SignatureStatus::Invalid {
                reason: "tampered".into(),
            },
        ] {
            let ex = exceptions(vec![exception("CVE-2099-0004", "2099-01-01")], signature);
            let v = evaluate(&r, &PolicyConfig::default(), Some(&ex), REPO, today());
            assert!(!v.passed);
            assert_eq!(v.exceptions[0].outcome, "untrusted");
        }
        let ex = exceptions(vec![exception("CVE-2099-0004", "2099-01-01")], valid());
        assert!(evaluate(&r, &PolicyConfig::default(), Some(&ex), REPO, today()).passed);
    }

    #[test]
    fn a_duplicate_keeps_its_most_severe_report_whatever_the_order() {
        let r = parse_report(DUPLICATE).unwrap();
        let reported: Vec<Severity> = r
            .results
            .iter()
            .flat_map(|x| &x.vulnerabilities)
            .map(|v| v.severity)
            .collect();
        assert_eq!(
            reported,
            [Severity::Low, Severity::Critical],
            "fixture order"
        );
        let f = findings(&r);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].id.as_str(), f[0].severity),
            ("CVE-2099-0095", Severity::Critical)
        );
        let v = evaluate(&r, &PolicyConfig::default(), None, REPO, today());
        assert!(!v.passed, "a CRITICAL finding passed as LOW");
        assert!(v.reasons[0].starts_with("CVE-2099-0095 CRITICAL in requests 2.28.1"));

        // The other order gives the same verdict.
        let mut reversed = r.clone();
        reversed.results.reverse();
        assert_eq!(findings(&reversed)[0].severity, Severity::Critical);
    }

    #[test]
    fn of_two_equal_severities_the_duplicate_with_a_fix_is_kept() {
        // The same HIGH finding reported once without a fix and once with
        // one: under ignore_unfixed only the fixed report blocks.
        let mut r = parse_report(DUPLICATE).unwrap();
        for (i, result) in r.results.iter_mut().enumerate() {
            for v in &mut result.vulnerabilities {
                v.severity = Severity::High;
                if i == 0 {
                    v.fixed_version.clear();
                    v.status = "affected".into();
                }
            }
        }
        let policy = PolicyConfig {
            ignore_unfixed: true,
            ..PolicyConfig::default()
        };
        let v = evaluate(&r, &policy, None, REPO, today());
        assert!(!v.passed, "{:?}", v.findings);
        assert_eq!(v.findings[0].finding.fixed.as_deref(), Some("2.28.2"));
    }
}
