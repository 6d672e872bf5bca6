//! Error messages of the parse step: each with its file:line:column.

use super::parse::*;

fn no_env(_: &str) -> Result<Option<String>, ()> {
    Ok(None)
}

/// The error message (with location) for `text`.
fn err(text: &str) -> String {
    match parse(text, "vimes.yaml", &no_env) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unknown_key_names_section_and_suggests() {
    let e = err("version: 1\nregistries:\n  staging:\n    url: a\n    usernme_env: X\n");
    assert_eq!(
        e,
        "vimes.yaml:5:5: unknown key \"usernme_env\" in registries.staging; \
         did you mean \"username_env\"?"
    );
    let e = err("version: 1\nsigning: {}\nzzz: 1\n");
    assert!(
        e.starts_with(
            "vimes.yaml:3:1: unknown key \"zzz\" at the top level (valid keys: version, registries"
        ),
        "{e}"
    );
    let e = err("version: 1\ntools:\n  trivy: { path: trivy, timeout: 5 }\n");
    assert!(
        e.starts_with("vimes.yaml:3:25: unknown key \"timeout\" in tools.trivy"),
        "{e}"
    );
}

#[test]
fn wrong_types_name_the_key_and_what_was_found() {
    let e = err("version: 1\nregistries:\n  staging:\n    url: a\n    insecure: maybe\n");
    assert_eq!(
        e,
        "vimes.yaml:5:15: registries.staging.insecure: expected true or false, found \"maybe\""
    );
    let e = err("version: 1\ntools:\n  trivy: { path: trivy, timeout_secs: -5 }\n");
    assert!(
        e.starts_with("vimes.yaml:3:39: tools.trivy.timeout_secs: expected a whole number"),
        "{e}"
    );
    let e = err("version: 1\nregistries: [a, b]\n");
    assert_eq!(
        e,
        "vimes.yaml:2:13: registries: expected a mapping (key: value lines), found a list"
    );
    let e = err("- a\n");
    assert!(e.starts_with("vimes.yaml:1:1: expected a mapping"), "{e}");
    let e = err("version: 1\npolicy:\n  block: [HIGH, critical]\n");
    assert!(e.starts_with("vimes.yaml:3:17: policy.block[1]: unknown value \"critical\"; did you mean \"CRITICAL\"?"), "{e}");
    let e = err("version: 1\nregistries:\n  s:\n    url: a\n    type: harbour\n");
    assert!(e.contains("did you mean \"harbor\"?"), "{e}");
}

#[test]
fn missing_keys_name_their_section() {
    let e = err("version: 1\nregistries:\n  staging:\n    insecure: true\n");
    assert_eq!(
        e,
        "vimes.yaml:4:5: missing key \"url\" in registries.staging"
    );
    let e = err("registries: {}\n");
    assert_eq!(
        e,
        "vimes.yaml:1:1: missing key \"version\"; add \"version: 1\" at the top"
    );
}

#[test]
fn malformed_and_empty_files() {
    let e = err("version: 1\nregistries:\n  staging:\n   url: a\n  - b\n");
    assert!(e.starts_with("vimes.yaml:5:"), "{e}");
    assert!(e.contains("invalid YAML"), "{e}");
    let e = err("version: 1\nfoo: [\n");
    assert!(
        e.starts_with("vimes.yaml:") && e.contains("invalid YAML"),
        "{e}"
    );
    assert!(err("").starts_with("vimes.yaml:1:1: the file is empty"));
    assert!(err("# nothing\n\n").starts_with("vimes.yaml:1:1: the file is empty"));
    let e = err("version: 1\nversion: 2\n");
    assert!(
        e.starts_with("vimes.yaml:2:1: duplicate key \"version\""),
        "{e}"
    );
    let e = err("version: 1\n---\nversion: 1\n");
    assert!(e.contains("more than one YAML document"), "{e}");
}

#[test]
fn interpolation_errors_and_columns_point_into_the_file() {
    let e = err("version: 1\nregistries:\n  s: { url: ${NOPE} }\n");
    assert!(
        e.starts_with("vimes.yaml:3:13: environment variable NOPE is not set"),
        "{e}"
    );
    // The bad boolean comes after a substituted value: its column is the file's.
    let e = err("version: 1\nregistries:\n  s: { url: ${H:-a.example.com}, insecure: maybe }\n");
    assert!(
        e.starts_with("vimes.yaml:3:44: registries.s.insecure"),
        "{e}"
    );
}

#[test]
fn suggestions_only_for_close_matches() {
    assert_eq!(
        did_you_mean("usernme_env", &["url", "username_env"]),
        Some("username_env")
    );
    assert_eq!(
        did_you_mean("prodution", &["staging", "production"]),
        Some("production")
    );
    assert_eq!(did_you_mean("zzz", &["version", "registries"]), None);
}
