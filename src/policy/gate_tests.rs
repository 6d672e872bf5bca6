//! Tests of `gate.rs`.
use super::*;
use crate::policy::exceptions::{Exception, LoadedExceptions};
use crate::tools::trivy::parse_report;

const VULNERABLE: &[u8] = include_bytes!("../../fixtures/trivy/vulnerable.json");
const CLEAN: &[u8] = include_bytes!("../../fixtures/trivy/clean.json");
const UNFIXED: &[u8] = include_bytes!("../../fixtures/trivy/unfixed-only.json");
/// Real Trivy output: CVE-2099-0095 in requests 2.28.1, LOW (dpkg) first,
/// CRITICAL (Python) second.
const DUPLICATE: &[u8] = include_bytes!("../../fixtures/trivy/duplicate-severities/report.json");
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
