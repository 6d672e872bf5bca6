//! `vimes harbor setup|status` against the fake Harbor (support::harbor_fake),
//! whose `/v2/` is a real docker-registry; every API request vimes sent is
//! checked against Harbor's published spec (`contract`).

mod contract;

use crate::support::bed::TestBedBuilder;
use crate::support::harbor_fake::{HarborFake, ADMIN};
use crate::support::TestBed;
use crate::support::{push_image_with, signature_tag, TestImage};
use serde_json::{json, Value};

/// The fake Harbor with staging and production projects in vimes.yaml;
/// production is the immutable promotion target; vimes signs in as `user`.
fn harbor_bed(user: &str, password: &str) -> TestBedBuilder {
    TestBed::builder().harbor_promotion(user, password, "policy:\n  block: [CRITICAL, HIGH]\n")
}

fn admin_bed() -> TestBedBuilder {
    harbor_bed(ADMIN.0, ADMIN.1)
}

/// Validates every API request vimes sent to `fake` against swagger.yaml
/// (skipped with a message when the spec is absent, unless CI=true). Other
/// test files that run vimes against a fake Harbor call this too.
pub(crate) fn assert_contract(fake: &HarborFake, test: &str) {
    let requests: Vec<_> = fake
        .api_requests()
        .into_iter()
        .filter(|r| r.sent_by_vimes())
        .collect();
    assert!(!requests.is_empty(), "{test}: vimes sent no API request");
    for r in &requests {
        assert!(!r.cookie, "vimes sent a cookie: {} {}", r.method, r.target);
        assert!(
            r.body_text.is_none(),
            "non-JSON body: {} {}",
            r.method,
            r.target
        );
    }
    let Some(spec) = contract::load_or_skip(test) else {
        return;
    };
    let problems: Vec<String> = requests
        .iter()
        .filter_map(|r| spec.check(&r.method, &r.target, r.body.as_ref()).err())
        .flatten()
        .collect();
    assert!(
        problems.is_empty(),
        "{test}: requests that do not fit swagger.yaml:\n{}",
        problems.join("\n")
    );
    eprintln!(
        "{test}: {} API requests fit swagger.yaml ({})",
        requests.len(),
        contract::spec_path().display()
    );
}

fn writes(fake: &HarborFake) -> Vec<String> {
    fake.api_requests()
        .into_iter()
        .filter(|r| r.sent_by_vimes() && r.is_write())
        .map(|r| format!("{} {}", r.method, r.target))
        .collect()
}

fn setting<'a>(status: &'a Value, project: &str, name: &str) -> &'a Value {
    status["projects"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["project"] == project))
        .and_then(|p| p["settings"].as_array())
        .and_then(|s| s.iter().find(|s| s["setting"] == name))
        .unwrap_or_else(|| panic!("no setting {project}/{name} in {status:#}"))
}

#[test]
fn setup_creates_projects_settings_and_rule_and_a_second_run_writes_nothing() {
    let Some(bed) = admin_bed().build() else {
        return;
    };
    let fake = bed.harbor();
    // production exists already with two unrelated rules; one item per page
    // makes vimes page through the rule list.
    fake.create_project("production");
    for pattern in ["v*", "release-*"] {
        fake.add_rule(
            "production",
            json!({"action": "immutable", "template": "immutable_template", "priority": 0,
                   "disabled": false, "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": pattern}],
                   "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches", "pattern": "legacy/**"}]}}),
        );
    }
    fake.set_page_cap(1);
    let env = &bed.env;

    let out = env.run(&["harbor", "setup"]);
    out.assert_success()
        .assert_stdout_contains("Harbor now matches vimes.yaml");
    assert_eq!(fake.project_names(), vec!["production", "staging"]);
    let staging = fake.metadata("staging").unwrap();
    assert_eq!(staging.get("auto_scan").map(String::as_str), Some("true"));
    assert!(!staging.contains_key("prevent_vul"), "{staging:?}");
    let prod = fake.metadata("production").unwrap();
    for (k, v) in [
        ("auto_scan", "true"),
        ("prevent_vul", "true"),
        ("severity", "high"),
        ("enable_content_trust_cosign", "true"),
    ] {
        assert_eq!(prod.get(k).map(String::as_str), Some(v), "{k} in {prod:?}");
    }
    let rules = fake.rules("production");
    assert_eq!(rules.len(), 3, "{rules:#?}");
    let ours = &rules[2];
    assert_eq!(
        ours["tag_selectors"],
        json!([{"kind": "doublestar", "decoration": "excludes", "pattern": "sha256-*"}])
    );
    assert_eq!(
        ours["scope_selectors"]["repository"],
        json!([{"kind": "doublestar", "decoration": "repoMatches", "pattern": "**"}])
    );
    assert!(fake.rules("staging").is_empty());
    assert_contract(fake, "setup (first run)");

    fake.take_requests();
    let again = env.run(&["harbor", "setup"]);
    again
        .assert_success()
        .assert_stdout_contains("Harbor already matches vimes.yaml: nothing changed.");
    assert_eq!(writes(fake), Vec::<String>::new(), "the second run wrote");
    assert!(
        fake.api_requests()
            .iter()
            .any(|r| r.target.contains("immutabletagrules") && r.target.contains("page=3")),
        "the rule list was not paged through"
    );
    let json_run = env.run(&["--output", "json", "harbor", "setup"]);
    json_run.assert_success();
    assert_eq!(json_run.json()["changed"], false);

    let status = env.run(&["harbor", "status"]);
    status.assert_success().assert_stdout_contains("In sync");
    assert_eq!(writes(fake), Vec::<String>::new());
    assert_contract(fake, "setup (second run) and status");
}

#[test]
fn status_reports_drift_with_exit_1_and_setup_repairs_it() {
    let Some(bed) = admin_bed().build() else {
        return;
    };
    let fake = bed.harbor();
    let env = &bed.env;
    env.run(&["harbor", "setup"]).assert_success();
    let status = env.run(&["--output", "json", "harbor", "status"]);
    status.assert_success();
    assert_eq!(status.json()["in_sync"], true);

    // Someone loosens production by hand and freezes every tag in staging.
    fake.set_metadata("production", "prevent_vul", Some("false"));
    fake.set_metadata("production", "severity", None);
    let rule_id = fake.rules("production")[0]["id"].clone();
    let mut disabled = fake.rules("production")[0].clone();
    disabled["disabled"] = json!(true);
    fake.set_rules("production", vec![disabled]);
    fake.add_rule(
        "staging",
        json!({"action": "immutable", "template": "immutable_template", "disabled": false,
               "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": "**"}],
               "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches", "pattern": "**"}]}}),
    );

    let drift = env.run(&["--output", "json", "harbor", "status"]);
    drift.assert_code(1);
    let doc = drift.json();
    assert_eq!(doc["in_sync"], false);
    let prevent = setting(&doc, "production", "prevent_vul");
    assert_eq!(
        (prevent["desired"].as_str(), prevent["actual"].as_str()),
        (Some("true"), Some("false"))
    );
    assert_eq!(
        setting(&doc, "production", "severity")["actual"],
        Value::Null
    );
    let rule = setting(&doc, "production", "immutable_rule");
    assert!(
        rule["actual"].as_str().unwrap().starts_with("disabled"),
        "{rule}"
    );
    assert_eq!(
        setting(&doc, "staging", "signature_tags_mutable")["in_sync"],
        false
    );
    assert_eq!(setting(&doc, "staging", "auto_scan")["in_sync"], true);
    let text = env.run(&["harbor", "status"]);
    text.assert_code(1).assert_stdout_contains("DRIFT");
    assert!(
        text.stdout.contains("sigstore/cosign#313"),
        "{}",
        text.dump()
    );

    let fix = env.run(&["harbor", "setup"]);
    fix.assert_success().assert_stderr_contains("warning:");
    let prod = fake.metadata("production").unwrap();
    assert_eq!(prod["prevent_vul"], "true");
    assert_eq!(prod["severity"], "high");
    let rules = fake.rules("production");
    assert_eq!(
        rules.len(),
        1,
        "re-enabled in place, not duplicated: {rules:#?}"
    );
    assert_eq!(rules[0]["id"], rule_id);
    assert_eq!(rules[0]["disabled"], false);
    // The staging rule is the admin's to narrow: still drift until it is gone.
    env.run(&["harbor", "status"]).assert_code(1);
    fake.set_rules("staging", Vec::new());
    env.run(&["harbor", "status"]).assert_success();
    assert_contract(fake, "drift and repair");
}

#[test]
fn robot_secret_is_shown_once_or_written_private_and_never_logged() {
    let Some(mut bed) = admin_bed().build() else {
        return;
    };
    let fake = bed.harbor.as_ref().expect("the Harbor fake");
    let env = &mut bed.env;

    let out = env.run(&["-vv", "harbor", "setup", "--robot", "ci"]);
    out.assert_success();
    let secret = fake
        .robot_secret("robot$production+ci")
        .expect("robot created");
    assert!(
        out.stdout.contains(&secret),
        "secret not shown:\n{}",
        out.dump()
    );
    assert!(
        !out.stderr.contains(&secret),
        "secret in the logs:\n{}",
        out.stderr
    );
    let access = fake.robot_access("robot$production+ci");
    for pair in [
        ("repository", "pull"),
        ("repository", "push"),
        ("artifact", "read"),
        ("tag", "create"),
        ("scan", "create"),
        ("artifact-addition", "read"),
    ] {
        assert!(
            access.contains(&(pair.0.into(), pair.1.into())),
            "{pair:?} missing: {access:?}"
        );
    }

    // Again: found by listing, not created twice, no secret.
    fake.take_requests();
    let again = env.run(&["harbor", "setup", "--robot", "ci"]);
    again
        .assert_success()
        .assert_stdout_contains("already exists");
    assert!(!again.stdout.contains(&secret));
    assert_eq!(writes(fake), Vec::<String>::new());

    // To a file: mode 0600, nothing on stdout or stderr.
    env.write("secrets/.keep", "");
    let to_file = env.run(&[
        "-vv",
        "harbor",
        "setup",
        "--robot",
        "deploy",
        "--robot-secret-file",
        "secrets/deploy.txt",
    ]);
    to_file.assert_success();
    let deploy = fake.robot_secret("robot$production+deploy").unwrap();
    assert_eq!(env.read("secrets/deploy.txt"), deploy);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.path("secrets/deploy.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!to_file.stdout.contains(&deploy) && !to_file.stderr.contains(&deploy));

    let json_run = env.run(&["--output", "json", "harbor", "setup", "--robot", "scripted"]);
    json_run.assert_success();
    let doc = json_run.json();
    assert_eq!(doc["robot"]["name"], "robot$production+scripted");
    assert_eq!(
        doc["robot"]["secret"].as_str(),
        fake.robot_secret("robot$production+scripted").as_deref()
    );
    env.run(&["harbor", "setup", "--robot", "Bad Name"])
        .assert_code(2);
    assert_contract(fake, "robots");

    // The secret is real: the robot reads its project's API.
    let resp = reqwest::blocking::Client::new()
        .get(format!("{}/api/v2.0/projects/production", fake.base_url()))
        .basic_auth("robot$production+ci", Some(&secret))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[test]
fn harbor_auth_and_server_failures_exit_4_naming_harbors_code() {
    let Some(bed) = harbor_bed(ADMIN.0, "not-the-password").build() else {
        return;
    };
    let fake = bed.harbor();
    fake.add_user("dev", "dev-password");

    // Wrong password: Harbor goes on as anonymous, and anonymous gets 401.
    let wrong = &bed.env;
    let out = wrong.run(&["harbor", "status"]);
    out.assert_code(4)
        .assert_stderr_contains("Harbor 401 UNAUTHORIZED");
    assert!(!out.stderr.contains("not-the-password"));

    // A user without rights: creating the missing projects is refused.
    let dev = bed.sibling(harbor_bed("dev", "dev-password"));
    dev.run(&["harbor", "setup"])
        .assert_code(4)
        .assert_stderr_contains("Harbor 403 FORBIDDEN");
    assert!(fake.project_names().is_empty());
    // ... and reading existing ones too (403, and the project does exist).
    let admin = bed.sibling(admin_bed());
    admin.run(&["harbor", "setup"]).assert_success();
    dev.run(&["harbor", "status"])
        .assert_code(4)
        .assert_stderr_contains("Harbor 403 FORBIDDEN");

    // One 503 is retried away; a persistent 500 is not.
    fake.fail(Some("GET"), "/systeminfo", 503, "UNKNOWN", Some(1));
    admin.run(&["harbor", "status"]).assert_success();
    fake.fail(None, "/projects/production", 500, "UNKNOWN", None);
    let broken = admin.run(&["--output", "json", "harbor", "status"]);
    broken
        .assert_code(4)
        .assert_stderr_contains("Harbor 500 UNKNOWN")
        .assert_stderr_contains("after 5 attempts");
    assert_eq!(broken.json()["error"]["exit_code"], 4);
    fake.clear_faults();
    assert_contract(fake, "failures");
}

/// Pushes a one-layer cosign-shaped manifest under `tag`; returns the status.
fn push_signature(fake: &HarborFake, repo: &str, tag: &str, payload: &[u8]) -> u16 {
    let client = fake.client();
    let layer = client.push_blob(repo, payload);
    let config = client.push_blob(repo, b"{}");
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": 2},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "digest": layer, "size": payload.len()}],
    }))
    .unwrap();
    put_manifest(
        fake,
        repo,
        tag,
        "application/vnd.oci.image.manifest.v1+json",
        manifest,
    )
    .0
}

fn put_manifest(
    fake: &HarborFake,
    repo: &str,
    reference: &str,
    media_type: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let resp = reqwest::blocking::Client::new()
        .put(format!(
            "{}/v2/{repo}/manifests/{reference}",
            fake.base_url()
        ))
        .header("Content-Type", media_type)
        .body(body)
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.text().unwrap_or_default())
}

fn get_manifest_status(fake: &HarborFake, repo: &str, reference: &str) -> (u16, String) {
    let resp = reqwest::blocking::Client::new()
        .get(format!(
            "{}/v2/{repo}/manifests/{reference}",
            fake.base_url()
        ))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json")
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.text().unwrap_or_default())
}

#[test]
fn the_immutable_rule_freezes_release_tags_but_not_signature_tags() {
    let Some(bed) = admin_bed().build() else {
        return;
    };
    let fake = bed.harbor();
    bed.env.run(&["harbor", "setup"]).assert_success();
    let repo = "production/payments/api";
    let client = fake.client();
    let a = TestImage::random(11, 1, 512);
    let digest = push_image_with(&client, repo, Some("1.0"), &a);

    // cosign re-signs: the same sha256-*.sig tag is pushed twice.
    let sig = signature_tag(&digest);
    assert_eq!(push_signature(fake, repo, &sig, b"first signature"), 201);
    assert_eq!(push_signature(fake, repo, &sig, b"second signature"), 201);

    // The release tag cannot be moved, nor even re-pushed.
    let b = TestImage::random(12, 1, 512);
    push_image_with(&client, repo, None, &b);
    for (image, what) in [(&b, "another image"), (&a, "the same image")] {
        let (status, body) =
            put_manifest(fake, repo, "1.0", &image.media_type, image.manifest.clone());
        assert_eq!(status, 412, "{what}: {body}");
        assert!(
            body.contains("PRECONDITION") && body.contains("configured as immutable"),
            "{body}"
        );
    }
    // By digest nothing is checked.
    assert_eq!(
        put_manifest(fake, repo, &b.digest, &b.media_type, b.manifest.clone()).0,
        201
    );

    // Pull-time policy: signed and clean passes; unsigned, or vulnerable, is refused.
    assert_eq!(get_manifest_status(fake, repo, "1.0").0, 200);
    let (status, body) = get_manifest_status(fake, repo, &b.digest);
    assert_eq!(status, 412);
    assert!(
        body.contains("PROJECTPOLICYVIOLATION") && body.contains("not signed by cosign"),
        "{body}"
    );
    fake.set_findings(
        &digest,
        &[("CVE-2024-0001", "openssl", "3.0.1", "3.0.2", "Critical")],
    );
    let (status, body) = get_manifest_status(fake, repo, &digest);
    assert_eq!(status, 412);
    assert!(body.contains("vulnerabilities cannot be pulled"), "{body}");
    // The signature itself always stays readable.
    assert_eq!(get_manifest_status(fake, repo, &sig).0, 200);
}
