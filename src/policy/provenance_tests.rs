use super::*;
use serde_json::{json, Value};

const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const BASE: &str = "2222222222222222222222222222222222222222222222222222222222222222";

/// A provenance statement as `vimes build` writes one.
fn statement() -> Value {
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "reg/staging/app", "digest": {"sha256": &DIGEST[7..]}}],
        "predicateType": SLSA_PROVENANCE_V1,
        "predicate": {
            "buildDefinition": {
                "buildType": "https://vimes.dev/build/v1",
                "externalParameters": {"image": "app"},
                "resolvedDependencies": [
                    {"uri": "git+https://git.example.com/acme/app.git", "digest": {"gitCommit": "abc123"}},
                    {"uri": "oci://reg/base/debian:12", "digest": {"sha256": BASE}}
                ]
            },
            "runDetails": {"builder": {"id": "ci.example.com/vimes-build"}}
        }
    })
}

fn policy() -> ProvenancePolicy {
    ProvenancePolicy {
        required: true,
        builders: vec!["ci.example.com/vimes-build".into()],
        source_repositories: vec!["https://git.example.com/*".into()],
        trusted_keys: Vec::new(),
    }
}

fn run(statement: &Value) -> Result<Accepted, String> {
    judge(&serde_json::to_vec(statement).unwrap(), DIGEST, &policy()).map_err(|e| e.to_string())
}

#[test]
fn provenance_a_good_statement_is_accepted() {
    let accepted = run(&statement()).unwrap();
    assert_eq!(accepted.builder_id, "ci.example.com/vimes-build");
    assert_eq!(
        accepted.source.as_deref(),
        Some("https://git.example.com/acme/app.git")
    );
    assert_eq!(accepted.commit.as_deref(), Some("abc123"));
    assert_eq!(
        accepted.dependencies,
        [format!("oci://reg/base/debian:12@sha256:{BASE}")]
    );
    // Nothing configured but `required`: any builder, any source or none.
    let mut bare = statement();
    bare["predicate"]["buildDefinition"]["resolvedDependencies"] = json!([]);
    let any = ProvenancePolicy {
        required: true,
        ..Default::default()
    };
    assert!(judge(&serde_json::to_vec(&bare).unwrap(), DIGEST, &any).is_ok());
}

#[test]
fn provenance_for_another_digest_is_refused() {
    let other = "sha256:3333333333333333333333333333333333333333333333333333333333333333";
    let e = judge(&serde_json::to_vec(&statement()).unwrap(), other, &policy())
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("subject is not {other}")), "{e}");
}

#[test]
fn provenance_from_a_builder_not_allowed_is_refused() {
    let mut s = statement();
    s["predicate"]["runDetails"]["builder"]["id"] = json!("laptop/mallory");
    let e = run(&s).unwrap_err();
    assert!(
        e.contains("builder \"laptop/mallory\" is not in policy.provenance.builders"),
        "{e}"
    );
    s["predicate"]["runDetails"]["builder"]["id"] = json!(" ");
    assert!(run(&s).unwrap_err().contains("builder.id is empty"));
}

#[test]
fn provenance_with_an_unpinned_base_is_refused() {
    let mut s = statement();
    s["predicate"]["buildDefinition"]["resolvedDependencies"][1] =
        json!({"uri": "oci://reg/base/debian:12"});
    let e = run(&s).unwrap_err();
    assert!(
        e.contains("\"oci://reg/base/debian:12\" is not pinned"),
        "{e}"
    );
    s["predicate"]["buildDefinition"]["resolvedDependencies"][1]["digest"] =
        json!({"sha256": "short"});
    assert!(run(&s).unwrap_err().contains("not pinned"));
}

#[test]
fn provenance_from_a_source_not_allowed_is_refused() {
    let mut s = statement();
    s["predicate"]["buildDefinition"]["resolvedDependencies"][0]["uri"] =
        json!("git+https://evil.example.org/acme/app.git@refs/heads/main");
    let e = run(&s).unwrap_err();
    assert!(
        e.contains("source https://evil.example.org/acme/app.git is not in"),
        "{e}"
    );
    // No source at all while sources are restricted.
    s["predicate"]["buildDefinition"]["resolvedDependencies"] =
        json!([{"uri": "oci://reg/base/debian:12", "digest": {"sha256": BASE}}]);
    assert!(run(&s).unwrap_err().contains("names no source repository"));
    // A source without its commit.
    s["predicate"]["buildDefinition"]["resolvedDependencies"] =
        json!([{"uri": "git+https://git.example.com/acme/app.git"}]);
    assert!(run(&s).unwrap_err().contains("has no commit"));
}

#[test]
fn provenance_that_is_malformed_is_refused() {
    for bytes in [
        b"{not json".to_vec(),
        b"[]".to_vec(),
        serde_json::to_vec(
            &json!({"predicateType": SLSA_PROVENANCE_V1, "subject": [], "predicate": {}}),
        )
        .unwrap(),
    ] {
        let e = judge(&bytes, DIGEST, &policy()).unwrap_err().to_string();
        assert!(e.contains("not a SLSA v1 provenance statement"), "{e}");
    }
    let mut s = statement();
    s["predicateType"] = json!("https://slsa.dev/provenance/v0.2");
    assert!(run(&s)
        .unwrap_err()
        .contains("is not https://slsa.dev/provenance/v1"));
}

#[test]
fn provenance_first_accepted_lists_every_reason() {
    let good = serde_json::to_vec(&statement()).unwrap();
    let bad = b"nope".to_vec();
    let found = first_accepted(
        [("layer-a", bad.as_slice()), ("layer-b", good.as_slice())],
        DIGEST,
        &policy(),
    )
    .unwrap();
    assert_eq!(found.0, 1);
    let reasons = first_accepted([("layer-a", bad.as_slice())], DIGEST, &policy()).unwrap_err();
    assert_eq!(reasons.len(), 1);
    assert!(reasons[0].starts_with("layer-a: not a SLSA"), "{reasons:?}");
}

#[test]
fn provenance_url_globs() {
    assert!(url_glob(
        "https://git.example.com/*",
        "https://git.example.com/a/b.git"
    ));
    assert!(!url_glob(
        "https://git.example.com/*",
        "https://git.example.org/a"
    ));
    assert!(url_glob(
        "https://git.example.com/acme/app.git",
        "https://git.example.com/acme/app.git"
    ));
    assert!(!url_glob(
        "https://git.example.com/acme",
        "https://git.example.com/acme/app"
    ));
}
