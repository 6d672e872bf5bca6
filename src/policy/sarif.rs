//! SARIF 2.1.0 for a scan verdict, shaped the way GitHub code scanning reads
//! it: one rule per vulnerability id, one result per finding, levels from the
//! gate's decision.

use super::gate::{severity_name, Decision, Verdict};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The SARIF document for `verdict` of the image `subject` (`repo@digest`).
pub fn to_sarif(verdict: &Verdict, subject: &str, tool_version: &str) -> Value {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut results = Vec::new();
    for g in &verdict.findings {
        let f = &g.finding;
        rules.entry(f.id.clone()).or_insert_with(|| {
            json!({
                "id": f.id,
                "name": f.id.replace('-', ""),
                "shortDescription": { "text": if f.title.is_empty() { f.id.clone() } else { f.title.clone() } },
                "helpUri": if f.url.is_empty() { Value::Null } else { Value::String(f.url.clone()) },
                "properties": {
                    "security-severity": security_severity(severity_name(f.severity)),
                    "tags": ["security", "vulnerability", severity_name(f.severity)]
                }
            })
        });
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
        results.push(json!({
            "ruleId": f.id,
            "level": level,
            "message": { "text": format!("{} {} in {} {}{on} ({fix}): {note}", f.id, severity_name(f.severity), f.package, f.installed) },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": subject.replace('@', "%40") },
                    "region": { "startLine": 1 }
                },
                "message": { "text": f.target }
            }],
            "properties": { "package": f.package, "installedVersion": f.installed, "fixedVersion": f.fixed, "platform": f.platform, "decision": decision_name(&g.decision) }
        }));
    }
    // Drop null helpUri entries (SARIF wants absent, not null).
    let rules: Vec<Value> = rules
        .into_values()
        .map(|mut r| {
            if r["helpUri"].is_null() {
                if let Some(o) = r.as_object_mut() {
                    o.remove("helpUri");
                }
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "vimes",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/vimes",
                "rules": rules,
                "properties": { "scanner": "trivy", "scannerVersion": tool_version }
            }},
            "results": results
        }]
    })
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
