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

#[test]
fn quoted_numbers_and_booleans_are_refused_with_the_unquoted_spelling() {
    let e = err("version: 1\ntools:\n  trivy:\n    path: trivy\n    timeout_secs: \"600\"\n");
    assert_eq!(
        e,
        "vimes.yaml:5:19: tools.trivy.timeout_secs: expected a whole number, found the string \
         \"600\"; write 600 without quotes"
    );
    let e = err("version: 1\nregistries:\n  s: { url: a, insecure: 'true' }\n");
    assert_eq!(
        e,
        "vimes.yaml:3:26: registries.s.insecure: expected true or false, found the string \
         \"true\"; write true without quotes"
    );
    let e = err("version: \"1\"\n");
    assert!(
        e.starts_with("vimes.yaml:1:10: version: expected a whole number"),
        "{e}"
    );
    let e = err("version: 1\npolicy:\n  max_base_age_days: '30'\n");
    assert!(e.contains("write 30 without quotes"), "{e}");
    let e = err("version: 1\ntools:\n  syft: {path: syft, timeout_secs: \"5\"}\n");
    assert!(
        e.starts_with("vimes.yaml:3:36: tools.syft.timeout_secs"),
        "{e}"
    );
}

#[test]
fn quoted_strings_that_look_like_numbers_stay_strings() {
    let text = "version: 1\nregistries:\n  s: { url: \"localhost:5000\", project: \"2024\" }\n\
                policy:\n  max_base_age_days: ~\n  ignore_unfixed: false\n\
                tools:\n  trivy: { path: \"600\", timeout_secs: 600 }\n";
    let (config, _) = parse(text, "vimes.yaml", &no_env).unwrap();
    assert_eq!(config.registries["s"].project, "2024");
    assert_eq!(config.tools.trivy.path, "600");
    assert_eq!(config.tools.trivy.timeout_secs, 600);
    assert_eq!(config.policy.max_base_age_days, None);
}

#[test]
fn interpolated_numbers_stay_numbers_unless_quoted() {
    let env = |name: &str| Ok((name == "TIMEOUT").then(|| "900".to_string()));
    // ${VAR} is replaced before parsing: unquoted, the value is a plain scalar.
    let text = "version: 1\ntools:\n  trivy: { path: trivy, timeout_secs: ${TIMEOUT} }\n";
    let (config, _) = parse(text, "vimes.yaml", &env).unwrap();
    assert_eq!(config.tools.trivy.timeout_secs, 900);
    let text = "version: 1\nregistries:\n  s: { url: a, insecure: ${INSECURE:-true} }\n";
    let (config, _) = parse(text, "vimes.yaml", &env).unwrap();
    assert!(config.registries["s"].insecure);
    // Quoted, it is a string, as it would be without interpolation; the
    // message points at the file's quote and shows what the file says.
    let text = "version: 1\ntools:\n  trivy: { path: trivy, timeout_secs: \"${TIMEOUT}\" }\n";
    let e = match parse(text, "vimes.yaml", &env) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e.to_string(),
    };
    assert_eq!(
        e,
        "vimes.yaml:3:39: tools.trivy.timeout_secs: expected a whole number, found the string \
         \"900\"; write ${TIMEOUT} without quotes"
    );
}

#[test]
fn string_tagged_numbers_are_refused() {
    // The parser itself refuses `!!str` where a number goes.
    let e = err("version: 1\ntools:\n  trivy: { path: trivy, timeout_secs: !!str 600 }\n");
    assert!(
        e.starts_with("vimes.yaml:3:45: tools.trivy.timeout_secs: expected a whole number"),
        "{e}"
    );
}
