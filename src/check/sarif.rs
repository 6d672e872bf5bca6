//! SARIF 2.1.0 for a check report, shaped like the scan SARIF
//! (`policy::sarif`): one rule per rule id, one result per finding with its
//! file, line and column, and files that could not be checked as error
//! notifications of an unsuccessful run (they fail the check).

use super::{Report, Rule};
use crate::policy::sarif::{fingerprint_of, uri_reference};
use serde_json::{json, Value};

/// The SARIF document of `report`.
pub fn to_sarif(report: &Report) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id(),
                "name": rule.id().split('-').map(capitalize).collect::<String>(),
                "shortDescription": { "text": rule.summary() },
                "fullDescription": { "text": format!("{} {}", rule.summary(), rule.help()) },
                "help": {
                    "text": rule.help(),
                    "markdown": format!("**{}**\n\n{}", rule.summary(), rule.help()),
                },
                "defaultConfiguration": { "level": "error" },
                "properties": {
                    "tags": ["security", "supply-chain"],
                    "security-severity": rule.security_severity(),
                }
            })
        })
        .collect();
    // The n-th identical finding of a file gets its own fingerprint.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let base = fingerprint(f);
            let occurrence = seen.entry(base.clone()).or_default();
            *occurrence += 1;
            let print = format!("{base}:{occurrence}");
            let rule_index = Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
            let mut properties = json!({
                "reference": f.reference,
                "context": f.context,
                "kind": f.kind,
                "hint": f.hint,
            });
            if let Some(image) = &f.image {
                properties["image"] = json!(image);
            }
            if let Some(pinned) = &f.pinned {
                properties["pinned"] = json!(pinned);
            }
            json!({
                "ruleId": f.rule.id(),
                "ruleIndex": rule_index,
                "partialFingerprints": { FINGERPRINT_KEY: print },
                "level": "error",
                "message": { "text": format!("{} Fix: {}", f.message, f.hint) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_reference(&f.file) },
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endColumn": f.column + f.reference.chars().count(),
                        }
                    }
                }],
                "properties": properties
            })
        })
        .collect();
    let notifications: Vec<Value> = report
        .skipped
        .iter()
        .map(|s| {
            json!({
                "level": "error",
                "message": { "text": format!("not checked: {}", s.reason) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri_reference(&s.file) } } }]
            })
        })
        .chain(report.warnings.iter().map(|w| {
            json!({
                "level": "note",
                "message": { "text": w.message },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri_reference(&w.file) } } }]
            })
        }))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "vimes",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/vimes",
                "rules": rules
            }},
            "invocations": [{
                "executionSuccessful": report.skipped.is_empty(),
                "toolExecutionNotifications": notifications
            }],
            "results": results,
            // One category for check results, apart from the per-image scan runs.
            "automationDetails": { "id": "vimes-check/" }
        }]
    })
}

/// The key of [`fingerprint`] in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "vimesCheck/v1";

/// What identifies a finding across runs, so code scanning keeps one alert
/// while lines move: the rule, the file, the reference as written and where
/// it was found (not the line number); [`to_sarif`] numbers repeats.
fn fingerprint(f: &super::Finding) -> String {
    fingerprint_of(&[f.rule.id(), &f.file, &f.reference, &f.context])
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_uris() {
        assert_eq!(uri_reference("a b/Dockerfile"), "a%20b/Dockerfile");
        assert_eq!(uri_reference("k8s/app.yaml"), "k8s/app.yaml");
    }
}
