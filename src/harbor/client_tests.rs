//! The calls the promote pipeline makes (tag lookups and tagging), the 403
//! ambiguity of projects, and retries, against a scripted Harbor.

use super::test_server::Scripted;
use super::*;
use crate::exit::Exit;

const DIGEST: &str = "sha256:aaaa";

fn artifact(digest: &str) -> String {
    serde_json::json!({"digest": digest, "tags": [{"name": "v1", "immutable": true}]}).to_string()
}

fn error(code: &str) -> String {
    serde_json::json!({"errors": [{"code": code, "message": "said Harbor"}]}).to_string()
}

fn posts(server: &Scripted) -> usize {
    server.seen().iter().filter(|s| s.0 == "POST").count()
}

#[tokio::test]
async fn tag_or_conflict_writes_only_a_missing_tag() {
    let missing = Scripted::start(vec![
        ("GET", "/artifacts/v1", 404, error("NOT_FOUND")),
        ("POST", "/tags", 201, String::new()),
    ]);
    let outcome = tag_or_conflict(&missing.client(), "prod", "team/api", DIGEST, "v1")
        .await
        .unwrap();
    assert_eq!(outcome, TagOutcome::Created);
    let seen = missing.seen();
    assert_eq!(
        seen[1].1,
        "/api/v2.0/projects/prod/repositories/team%252Fapi/artifacts/sha256:aaaa/tags"
    );
    assert_eq!(seen[1].2, Some(serde_json::json!({"name": "v1"})));
    missing.assert_contract("tag_or_conflict");

    let same = Scripted::start(vec![("GET", "/artifacts/v1", 200, artifact(DIGEST))]);
    let outcome = tag_or_conflict(&same.client(), "prod", "team/api", DIGEST, "v1")
        .await
        .unwrap();
    assert_eq!(outcome, TagOutcome::AlreadyThere);
    assert_eq!(posts(&same), 0, "nothing is written when the tag is there");

    let other = Scripted::start(vec![("GET", "/artifacts/v1", 200, artifact("sha256:bbbb"))]);
    let err = tag_or_conflict(&other.client(), "prod", "team/api", DIGEST, "v1")
        .await
        .unwrap_err();
    assert_eq!(err.exit(), Exit::PolicyDenied);
    assert!(
        err.to_string().contains("already points to sha256:bbbb"),
        "{err}"
    );
    assert_eq!(posts(&other), 0);
}

#[tokio::test]
async fn add_tag_settles_409_and_412() {
    let raced_same = Scripted::start(vec![
        ("POST", "/tags", 409, error("CONFLICT")),
        ("GET", "/artifacts/v1", 200, artifact(DIGEST)),
    ]);
    let outcome = raced_same
        .client()
        .add_tag("prod", "api", DIGEST, "v1")
        .await
        .unwrap();
    assert_eq!(outcome, TagOutcome::AlreadyThere);

    let raced_other = Scripted::start(vec![
        ("POST", "/tags", 409, error("CONFLICT")),
        ("GET", "/artifacts/v1", 200, artifact("sha256:bbbb")),
    ]);
    let err = raced_other
        .client()
        .add_tag("prod", "api", DIGEST, "v1")
        .await
        .unwrap_err();
    assert_eq!(err.exit(), Exit::PolicyDenied);

    let frozen = Scripted::start(vec![("POST", "/tags", 412, error("PRECONDITION"))]);
    let err = frozen
        .client()
        .add_tag("prod", "api", DIGEST, "v1")
        .await
        .unwrap_err();
    assert_eq!(err.exit(), Exit::PolicyDenied);
    let text = err.to_string();
    assert!(
        text.contains("immutable") && text.contains("412 PRECONDITION"),
        "{text}"
    );
    raced_other.assert_contract("add_tag");
}

#[tokio::test]
async fn a_403_project_is_missing_only_when_head_says_so() {
    let missing = Scripted::start(vec![
        ("GET", "/projects/prod", 403, error("FORBIDDEN")),
        ("HEAD", "/projects", 404, String::new()),
    ]);
    assert!(missing.client().project("prod").await.unwrap().is_none());
    missing.assert_contract("project lookup");

    let hidden = Scripted::start(vec![
        ("GET", "/projects/prod", 403, error("FORBIDDEN")),
        ("HEAD", "/projects", 200, String::new()),
    ]);
    let err = hidden.client().project("prod").await.unwrap_err();
    assert_eq!(err.exit(), Exit::Registry);
    assert!(err.to_string().contains("Harbor 403 FORBIDDEN"), "{err}");
}

#[tokio::test]
async fn transient_failures_are_retried_and_persistent_ones_reported() {
    let flaky = Scripted::start(vec![
        ("GET", "/systeminfo", 503, error("UNKNOWN")),
        (
            "GET",
            "/systeminfo",
            200,
            r#"{"harbor_version":"v2.15.2"}"#.into(),
        ),
    ]);
    let info = flaky.client().system_info().await.unwrap();
    assert_eq!(info.harbor_version.as_deref(), Some("v2.15.2"));

    let down = Scripted::start(vec![("GET", "/ping", 500, error("UNKNOWN"))]);
    let err = down.client().ping().await.unwrap_err();
    assert_eq!(err.exit(), Exit::Registry);
    let text = err.to_string();
    assert!(
        text.contains("Harbor 500 UNKNOWN") && text.contains("after 2 attempts"),
        "{text}"
    );
    down.assert_contract("ping");
}
