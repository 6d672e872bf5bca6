//! SARIF 2.1.0 for a scan verdict, shaped the way GitHub code scanning reads
//! it: one rule per vulnerability id (with the `fullDescription` and `help`
//! GitHub shows), one result per finding with a stable `partialFingerprints`
//! (so a re-scan updates alerts instead of duplicating them), levels from the
//! gate's decision, and waived findings marked with a `suppressions` entry
//! carrying the exception's reason.

use super::gate::{severity_name, Decision, GatedFinding, Verdict};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Key of the fingerprint vimes computes (versioned: a change of inputs must
/// change the key, not silently every alert).
pub const FINGERPRINT_KEY: &str = "vimesFinding/v1";

/// The SARIF document for `verdict` of the image `subject` (`repo@digest`).
pub fn to_sarif(verdict: &Verdict, subject: &str, tool_version: &str) -> Value {
    let (repository, digest) = subject.split_once('@').unwrap_or((subject, ""));
    let location = uri_reference(repository);
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut results = Vec::new();
    for g in &verdict.findings {
        let f = &g.finding;
        rules.entry(f.id.clone()).or_insert_with(|| rule(g));
        let (level, note) = match &g.decision {
            Decision::Blocked => ("error", "blocks promotion".to_string()),
            Decision::Waived {
                exception,
                approved_by,
                expires,
                ..
            } => (
                "note",
                format!(
                    "waived by exception {exception} (approved by {approved_by}, until {expires})"
                ),
            ),
            Decision::Allowed => ("warning", "below the blocking severity".to_string()),
            Decision::IgnoredUnfixed => ("note", "no fix available; ignored by policy".to_string()),
        };
        let fix = f
            .fixed
            .as_deref()
            .map_or("no fix yet".to_string(), |v| format!("fixed in {v}"));
        let on = f
            .platform
            .as_deref()
            .map_or(String::new(), |p| format!(" on {p}"));
        let mut result = json!({
            "ruleId": f.id,
            "level": level,
            "message": { "text": format!("{} {} in {} {}{on} ({fix}) in {subject}: {note}", f.id, severity_name(f.severity), f.package, f.installed) },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": location },
                    "region": { "startLine": 1 }
                },
                "message": { "text": f.target }
            }],
            "partialFingerprints": { FINGERPRINT_KEY: fingerprint(repository, g) },
            "properties": { "package": f.package, "installedVersion": f.installed, "fixedVersion": f.fixed, "platform": f.platform, "decision": decision_name(&g.decision), "image": subject, "digest": digest }
        });
        if let Decision::Waived {
            exception,
            approved_by,
            expires,
            reason,
        } = &g.decision
        {
            // `external`: the waiver lives outside the analysed artifact, in
            // the signed exceptions file; `accepted`: approved, not pending.
            result["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!(
                    "{reason} (exception {exception}, approved by {approved_by}, valid through {expires})"
                ),
            }]);
        }
        results.push(result);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "vimes",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/vimes",
                "rules": rules.into_values().collect::<Vec<_>>(),
                "properties": { "scanner": "trivy", "scannerVersion": tool_version }
            }},
            // One category per image repository: uploading the scan of
            // another image must not close this one's alerts.
            "automationDetails": { "id": format!("vimes-scan/{location}/") },
            "results": results
        }]
    })
}

fn rule(g: &GatedFinding) -> Value {
    let f = &g.finding;
    let title = if f.title.is_empty() {
        f.id.clone()
    } else {
        f.title.clone()
    };
    let severity = severity_name(f.severity);
    let advisory = if f.url.is_empty() {
        String::new()
    } else {
        format!(" Advisory: {}", f.url)
    };
    let help_text = format!(
        "{id} ({severity}): {title}.{advisory} Upgrade the affected package to a fixed version and \
         rebuild the image; if the risk is accepted, record a signed exception \
         (`vimes exceptions add`, then `vimes exceptions sign`).",
        id = f.id
    );
    let help_markdown = format!(
        "**{id}** ({severity}): {title}.{advisory}\n\nUpgrade the affected package to a fixed \
         version and rebuild the image; if the risk is accepted, record a signed exception \
         (`vimes exceptions add`, then `vimes exceptions sign`).",
        id = f.id,
        title = markdown_escape(&title),
        advisory = if f.url.is_empty() {
            String::new()
        } else {
            format!(" [Advisory]({})", f.url)
        },
    );
    let mut rule = json!({
        "id": f.id,
        "name": f.id.replace('-', ""),
        "shortDescription": { "text": title },
        "fullDescription": { "text": format!("{} ({severity})", title) },
        "help": { "text": help_text, "markdown": help_markdown },
        "properties": {
            "security-severity": security_severity(severity),
            "tags": ["security", "vulnerability", severity]
        }
    });
    if !f.url.is_empty() {
        rule["helpUri"] = json!(f.url);
    }
    rule
}

/// A relative URI reference naming the image repository. SARIF wants an RFC
/// 3986 URI reference, and GitHub reads `host:5000/...` or `localhost/...`
/// as a URI with a scheme: every character but unreserved ones and `/` is
/// percent-encoded, so the first segment can never look like a scheme.
pub fn uri_reference(repository: &str) -> String {
    let mut out = String::with_capacity(repository.len());
    for b in repository.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Stable across runs and rebuilds: the repository (not the digest), the
/// platform, Trivy's target, the package and the vulnerability id.
fn fingerprint(repository: &str, g: &GatedFinding) -> String {
    let f = &g.finding;
    fingerprint_of(&[
        repository,
        f.platform.as_deref().unwrap_or(""),
        &f.target,
        &f.package,
        &f.id,
    ])
}

/// A `partialFingerprints` value: the SHA-256 of `parts`, each prefixed by
/// its length so that no two different lists hash alike.
pub fn fingerprint_of(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.len().to_le_bytes());
        hash.update(part.as_bytes());
    }
    hex::encode(hash.finalize())
}

fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_{}[]()#+-.!<>|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn decision_name(d: &Decision) -> &'static str {
    match d {
        Decision::Blocked => "blocked",
        Decision::Waived { .. } => "waived",
        Decision::Allowed => "allowed",
        Decision::IgnoredUnfixed => "ignored_unfixed",
    }
}

/// GitHub maps `security-severity` (a CVSS-like number as a string) to its levels.
fn security_severity(severity: &str) -> &'static str {
    match severity {
        "CRITICAL" => "9.5",
        "HIGH" => "8.0",
        "MEDIUM" => "5.5",
        "LOW" => "2.0",
        _ => "0.0",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Severity;
    use crate::policy::gate::Finding;

    fn gated(id: &str, package: &str, decision: Decision) -> GatedFinding {
        GatedFinding {
            finding: Finding {
                id: id.into(),
                package: package.into(),
                installed: "1.0".into(),
                fixed: Some("1.1".into()),
                severity: Severity::High,
                status: "fixed".into(),
                title: "A [test] flaw".into(),
                url: "https://example.invalid/advisory".into(),
                target: "img (debian 12.2)".into(),
                purl: String::new(),
                platform: None,
            },
            decision,
        }
    }

    fn verdict(findings: Vec<GatedFinding>) -> Verdict {
        Verdict {
            passed: false,
            findings,
            counts: BTreeMap::new(),
            exceptions_file: None,
            exceptions_signature: None,
            exceptions: vec![],
            reasons: vec![],
        }
    }

    #[test]
    fn locations_are_relative_uri_references_without_a_scheme() {
        assert_eq!(
            uri_reference("127.0.0.1:5000/staging/x"),
            "127.0.0.1%3A5000/staging/x"
        );
        assert_eq!(uri_reference("localhost:5000/p/x"), "localhost%3A5000/p/x");
        assert_eq!(uri_reference("[::1]:5000/p/x"), "%5B%3A%3A1%5D%3A5000/p/x");
        let v = verdict(vec![gated("CVE-1", "p", Decision::Blocked)]);
        let doc = to_sarif(&v, "localhost:5000/p/x@sha256:abc", "0.59.1");
        let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
            ["artifactLocation"]["uri"];
        assert_eq!(
            uri, "localhost%3A5000/p/x",
            "the digest is not part of the location"
        );
    }

    #[test]
    fn rules_have_descriptions_and_help_and_results_stable_fingerprints() {
        let waived = Decision::Waived {
            exception: "CVE-2".into(),
            approved_by: "sec@example.com".into(),
            expires: "2027-01-31".into(),
            reason: "not reachable".into(),
        };
        let v = verdict(vec![
            gated("CVE-1", "p", Decision::Blocked),
            gated("CVE-2", "q", waived),
        ]);
        let a = to_sarif(&v, "h/p/x@sha256:aaa", "0.59.1");
        let b = to_sarif(&v, "h/p/x@sha256:bbb", "0.59.1");
        let rules = a["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        for r in rules {
            assert!(r["fullDescription"]["text"].is_string());
            assert!(r["help"]["text"].as_str().unwrap().contains("exceptions"));
            assert!(r["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("\\[test\\]"));
        }
        let results = a["runs"][0]["results"].as_array().unwrap();
        let fp = |doc: &Value, i: usize| {
            doc["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY].clone()
        };
        assert_eq!(
            fp(&a, 0),
            fp(&b, 0),
            "a rebuild (new digest) keeps the alert"
        );
        assert_ne!(fp(&a, 0), fp(&a, 1));
        assert!(results[0].get("suppressions").is_none());
        let s = &results[1]["suppressions"][0];
        assert_eq!(s["kind"], "external");
        assert_eq!(s["status"], "accepted");
        assert!(s["justification"]
            .as_str()
            .unwrap()
            .starts_with("not reachable (exception CVE-2"));
    }
}
