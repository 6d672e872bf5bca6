//! Report conversion, and the trigger/poll/read flow against a scripted server.

use super::*;
use crate::clock::Date;
use crate::config::PolicyConfig;
use crate::harbor::test_server::Scripted;
use crate::harbor::types::HarborVulnerability;
use std::sync::Mutex;

fn vuln(id: &str, package: &str, severity: &str, fix: &str) -> HarborVulnerability {
    HarborVulnerability {
        id: id.into(),
        package: package.into(),
        version: "1.0".into(),
        fix_version: fix.into(),
        severity: severity.into(),
        description: "first line\nmore".into(),
        links: vec![format!("https://avd.example/{id}")],
        status: String::new(),
    }
}

fn harbor_report(vulns: Vec<HarborVulnerability>) -> HarborReport {
    HarborReport {
        generated_at: Some("2026-01-01T00:00:00Z".into()),
        scanner: Some(Scanner {
            name: "Trivy".into(),
            vendor: "Aqua Security".into(),
            version: "v0.59.1".into(),
        }),
        severity: Some("High".into()),
        vulnerabilities: vulns,
    }
}

#[test]
fn conversion_feeds_the_same_gate() {
    let report = to_trivy_report(
        "h/p/r@sha256:1",
        &harbor_report(vec![
            vuln("CVE-1", "openssl", "High", "3.0.2"),
            vuln("CVE-2", "zlib", "Negligible", ""),
            vuln("CVE-3", "bash", "unknown", ""),
        ]),
    )
    .unwrap();
    assert_eq!(report.schema_version, 2);
    let v = &report.results[0].vulnerabilities;
    assert_eq!(v[0].installed_version, "1.0");
    assert_eq!(v[0].fixed_version, "3.0.2");
    assert_eq!(v[0].status, "fixed");
    assert_eq!(v[0].title, "first line");
    assert_eq!(v[0].primary_url, "https://avd.example/CVE-1");
    assert_eq!(v[1].severity, Severity::Low, "negligible is rounded up");
    assert_eq!(v[1].status, "affected");
    assert_eq!(v[2].severity, Severity::Unknown);
    assert!(report.results[0].target.contains("Trivy v0.59.1"));

    let today = Date::parse("2026-01-02").unwrap();
    let verdict =
        crate::policy::gate::evaluate(&report, &PolicyConfig::default(), None, "p/r", today);
    assert!(
        !verdict.passed,
        "a fixable HIGH blocks under the default policy"
    );
    let lenient = PolicyConfig {
        block: vec![Severity::Critical],
        ..PolicyConfig::default()
    };
    assert!(crate::policy::gate::evaluate(&report, &lenient, None, "p/r", today).passed);
}

#[test]
fn unknown_severities_and_malformed_findings_fail_closed() {
    let err =
        to_trivy_report("x", &harbor_report(vec![vuln("CVE-1", "p", "Severe", "")])).unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Tool);
    assert!(err.to_string().contains("\"Severe\""), "{err}");
    assert!(to_trivy_report("x", &harbor_report(vec![vuln("", "p", "High", "")])).is_err());
    assert!(to_trivy_report("x", &harbor_report(vec![vuln("CVE-1", "p", "None", "")])).is_err());
}

fn overview(status: &str, percent: u8) -> String {
    serde_json::json!({
        "digest": "sha256:1",
        "scan_overview": { VULN_REPORT_MIME: { "scan_status": status, "complete_percent": percent } }
    })
    .to_string()
}

/// The percents (and statuses) a scan reported.
#[derive(Default)]
struct Percents(Mutex<Vec<(u8, String)>>);

impl Progress for Percents {
    fn started(&self, _: &str, _: &str) {}
    fn percent(&self, step: &str, percent: u8, detail: &str) {
        assert_eq!(step, "scan");
        self.0.lock().unwrap().push((percent, detail.to_string()));
    }
    fn finished(&self, _: &str, _: &str, _: bool) {}
    fn failed(&self, _: &str, _: &str) {}
    fn log(&self, _: &str) {}
    fn warn(&self, _: &str) {}
}

#[tokio::test]
async fn triggers_polls_with_progress_and_reads_the_report() {
    let report = serde_json::json!({ VULN_REPORT_MIME: harbor_report(vec![vuln("CVE-9", "glibc", "Critical", "2.40")]) });
    let server = Scripted::start(vec![
        (
            "POST",
            "/scan",
            409,
            r#"{"errors":[{"code":"CONFLICT","message":"running"}]}"#.into(),
        ),
        ("GET", "/artifacts/sha256:1", 200, overview("Running", 30)),
        ("GET", "/artifacts/sha256:1", 200, overview("Running", 60)),
        ("GET", "/artifacts/sha256:1", 200, overview("Success", 100)),
        ("GET", "/additions/vulnerabilities", 200, report.to_string()),
    ]);
    let progress = Percents::default();
    let out = server
        .client()
        .scan(
            "prod",
            "team/api",
            "sha256:1",
            Duration::from_secs(5),
            &progress,
        )
        .await
        .unwrap();
    assert_eq!(
        *progress.0.lock().unwrap(),
        vec![
            (30, "Harbor: Running".to_string()),
            (60, "Harbor: Running".to_string()),
            (100, "Harbor: Success".to_string())
        ]
    );
    assert_eq!(out.scanner.name, "Trivy");
    assert_eq!(
        out.report.results[0].vulnerabilities[0].severity,
        Severity::Critical
    );
    let seen = server.seen();
    assert_eq!(
        (seen[0].0.as_str(), seen[0].1.as_str()),
        (
            "POST",
            "/api/v2.0/projects/prod/repositories/team%252Fapi/artifacts/sha256:1/scan"
        )
    );
    assert_eq!(
        seen[0].2,
        Some(serde_json::json!({"scan_type": "vulnerability"}))
    );
    assert!(seen[1].1.contains("with_scan_overview=true"), "{seen:?}");
    server.assert_contract("harbor scan");
}

#[tokio::test]
async fn failed_stuck_and_reportless_scans_are_tool_errors() {
    let failed = Scripted::start(vec![
        ("POST", "/scan", 202, String::new()),
        ("GET", "/artifacts/sha256:1", 200, overview("Error", 0)),
    ]);
    let none = crate::ui::progress::Silent;
    let err = failed
        .client()
        .scan("p", "r", "sha256:1", Duration::from_secs(5), &none)
        .await
        .unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Tool, "{err}");

    let stuck = Scripted::start(vec![
        ("POST", "/scan", 202, String::new()),
        ("GET", "/artifacts/sha256:1", 200, overview("Running", 10)),
    ]);
    let err = stuck
        .client()
        .scan("p", "r", "sha256:1", Duration::from_millis(60), &none)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not done after"), "{err}");

    let empty = Scripted::start(vec![
        ("POST", "/scan", 202, String::new()),
        ("GET", "/artifacts/sha256:1", 200, overview("Success", 100)),
        ("GET", "/additions/vulnerabilities", 200, "{}".into()),
    ]);
    let err = empty
        .client()
        .scan("p", "r", "sha256:1", Duration::from_secs(5), &none)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no vulnerability report"), "{err}");

    let denied = Scripted::start(vec![(
        "POST",
        "/scan",
        403,
        r#"{"errors":[{"code":"FORBIDDEN","message":"forbidden"}]}"#.into(),
    )]);
    let err = denied
        .client()
        .scan("p", "r", "sha256:1", Duration::from_secs(5), &none)
        .await
        .unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Registry);
    assert!(err.to_string().contains("Harbor 403 FORBIDDEN"), "{err}");
}
