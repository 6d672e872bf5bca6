//! `vimes --output sarif scan` against the SARIF 2.1.0 schema (OASIS, and
//! the copy GitHub's upload-sarif validates with) and GitHub code scanning's
//! documented requirements ("SARIF support for code scanning": the
//! properties it reads), using the real Trivy on a real image.

use super::schema::{assert_valid, json_schema};
use crate::scan::scan_bed;
use crate::support::TestBed;
use serde_json::Value;

/// GitHub's documented requirements that the schema does not state.
fn assert_github_requirements(sarif: &Value) {
    let runs = sarif["runs"].as_array().expect("runs");
    assert!(
        !runs.is_empty() && runs.len() <= 20,
        "GitHub takes 1 to 20 runs"
    );
    for run in runs {
        let driver = &run["tool"]["driver"];
        assert!(driver["name"].is_string(), "tool.driver.name is required");
        let rules = driver["rules"].as_array().expect("rules");
        for rule in rules {
            for field in ["shortDescription", "fullDescription"] {
                assert!(
                    rule[field]["text"].as_str().is_some_and(|t| !t.is_empty()),
                    "rule {field}: {rule}"
                );
            }
            assert!(
                rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "rule help: {rule}"
            );
            let score: f64 = rule["properties"]["security-severity"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("security-severity is a number as a string");
            assert!((0.0..=10.0).contains(&score));
            let tags = rule["properties"]["tags"].as_array().expect("tags");
            assert!(tags.len() <= 20);
        }
        assert!(
            run["automationDetails"]["id"].is_string(),
            "a category per image"
        );
        for result in run["results"].as_array().expect("results") {
            let rule_id = result["ruleId"].as_str().expect("ruleId");
            assert!(rules.iter().any(|r| r["id"] == rule_id));
            assert!(result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()));
            assert!(["error", "warning", "note", "none"]
                .contains(&result["level"].as_str().expect("level")));
            let fingerprints = result["partialFingerprints"]
                .as_object()
                .expect("partialFingerprints");
            assert!(!fingerprints.is_empty());
            let locations = result["locations"].as_array().expect("locations");
            assert!(!locations.is_empty() && locations.len() <= 1000);
            for l in locations {
                let uri = l["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri");
                // A relative reference: GitHub reads `host:port/...` or
                // `localhost/...` as a URI with that scheme and refuses it.
                let first = uri.split('/').next().unwrap_or_default();
                assert!(
                    !first.contains(':'),
                    "uri {uri:?} has a scheme-like first segment"
                );
                assert!(
                    uri.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
                    "uri {uri:?}"
                );
                assert!(l["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .is_some_and(|n| n >= 1));
            }
        }
    }
}

/// The `partialFingerprints` of every result, in order.
fn fingerprints(doc: &Value) -> Vec<String> {
    doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["partialFingerprints"].to_string())
        .collect()
}

/// Valid against the OASIS schema, upload-sarif's copy and GitHub's
/// documented requirements.
fn assert_valid_for_schemas_and_github(sarif: &Value) {
    assert_valid(
        &json_schema("sarif/sarif-schema-2.1.0.json"),
        sarif,
        "SARIF (OASIS schema)",
    );
    // upload-sarif's copy has `anyOf` (startLine, startColumn, charOffset,
    // ...) misplaced under region.properties, which its validator ignores but
    // a 2020-12 metaschema check refuses: apply it where it was meant, to the
    // region (stricter than upload-sarif, never looser).
    let mut github = json_schema("sarif/codeql-action-sarif-schema-2.1.0.json");
    if let Some(any_of) = github["definitions"]["region"]["properties"]
        .as_object_mut()
        .and_then(|p| p.remove("anyOf"))
    {
        github["definitions"]["region"]["anyOf"] = any_of;
    }
    assert_valid(&github, sarif, "SARIF (upload-sarif's schema)");
    assert_github_requirements(sarif);
}

/// `vimes check --output sarif` meets the same requirements: rules with
/// help and a security severity, stable distinct fingerprints (lines may
/// move), relative URIs for awkward file names.
#[test]
fn check_sarif_is_valid_for_the_schema_and_github_and_stable_when_lines_move() {
    let mut env = TestBed::builder()
        .config_text(
        "version: 1\npolicy:\n  allowed_registries: [registry.example.com/prod]\n  require_digest: true\n",
    )
    .file(
        "svc:a/Dockerfile",
        "FROM alpine:latest\nFROM alpine:latest\nFROM registry.example.com/prod/base:1\n",
    )
    .file(
        "k8s/app.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: nginx\n",
    )
        .ready()
        .env;
    let out = env.run(&["--output", "sarif", "check", "svc:a", "k8s"]);
    out.assert_code(1);
    let sarif = out.json();
    assert_valid_for_schemas_and_github(&sarif);
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "vimes-check/");
    let first = fingerprints(&sarif);
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        first.len(),
        "two identical FROMs are two alerts"
    );
    // Lines inserted above the findings: the same alerts.
    env.write(
        "svc:a/Dockerfile",
        "# syntax comment\n\nFROM alpine:latest\nFROM alpine:latest\nFROM registry.example.com/prod/base:1\n",
    );
    let moved = env.run(&["--output", "sarif", "check", "svc:a", "k8s"]);
    moved.assert_code(1);
    let mut a = first.clone();
    let mut b = fingerprints(&moved.json());
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn scan_sarif_is_valid_for_the_schema_and_github_and_stable_across_runs() {
    let Some(bed) = scan_bed("")
        .fixture("reg", "vulnerable", "staging/vuln", "1")
        .build()
    else {
        return;
    };
    let digest = bed.digests["staging/vuln:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    env.run(&[
        "exceptions",
        "add",
        "--id",
        "CVE-2099-0002",
        "--reason",
        "zlib path not reachable",
        "--expires",
        "2027-06-30",
        "--approved-by",
        "secteam@example.com",
        "--package",
        "zlib1g",
    ])
    .assert_code(0);
    env.run(&["exceptions", "sign", "--key", "security/team.key"])
        .assert_code(0);
    let out = env.run(&["--output", "sarif", "scan", "vuln:1"]);
    out.assert_code(1);
    let sarif = out.json();
    assert_valid_for_schemas_and_github(&sarif);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert_eq!(uri, format!("127.0.0.1%3A{}/staging/vuln", reg.port()));
    assert!(results[0]["message"]["text"]
        .as_str()
        .is_some_and(|t| t.contains(&digest)));

    // The waived finding carries the exception's reason as a suppression;
    // the others carry none.
    for r in results {
        let suppressions = r.get("suppressions");
        if r["ruleId"] == "CVE-2099-0002" {
            let s = &suppressions.expect("suppressions")[0];
            assert_eq!(s["kind"], "external");
            assert_eq!(s["status"], "accepted");
            assert!(s["justification"]
                .as_str()
                .is_some_and(|j| j.contains("zlib path not reachable")));
        } else {
            assert!(suppressions.is_none(), "{r}");
        }
    }

    // Fingerprints are stable across runs (no cache: Trivy runs again) and
    // distinct between findings.
    let again = env.run(&["--output", "sarif", "scan", "--no-cache", "vuln:1"]);
    again.assert_code(1);
    let first = fingerprints(&sarif);
    assert_eq!(first, fingerprints(&again.json()));
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len());
}
