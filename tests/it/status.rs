//! `vimes status` (what is in production, judged now) and `vimes sbom
//! index --registry` (every repository of a registry entry), against the
//! real registries of the promotion bed and, for `type: harbor`, the Harbor
//! fake's project API.

use crate::promote::setup;
use crate::support::oci::{push_image, TestImage};
use crate::support::trivy::build_fixture_image;
use serde_json::Value;

/// The status entry of `repository` (the path under the host).
pub(crate) fn image<'a>(status: &'a Value, repository: &str) -> &'a Value {
    status["images"]
        .as_array()
        .unwrap_or_else(|| panic!("no images in {status}"))
        .iter()
        .find(|i| {
            i["repository"]
                .as_str()
                .is_some_and(|r| r.ends_with(&format!("/{repository}")))
        })
        .unwrap_or_else(|| panic!("{repository} not in {status}"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn status_shows_every_production_tag_with_its_signers_attestations_scan_and_verdict() {
    let Some(mut b) = setup("policy:\n  max_scan_age_days: 7\n") else {
        return;
    };
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    // Someone pushed straight to production, around vimes.
    let rogue = TestImage::random(61, 1, 1024);
    push_image(&b.production, "production/rogue", Some("latest"), &rogue);

    let out = b.env.run(&["--output", "json", "status"]);
    out.assert_code(1);
    let status = out.json();
    assert_eq!(status["verified"], false);
    assert_eq!(
        status["repositories"].as_array().unwrap().len(),
        2,
        "{status}"
    );
    let web = image(&status, "production/web");
    assert_eq!(web["digest"], digest.as_str());
    assert_eq!(strings(&web["tags"]), ["1.0"]);
    assert_eq!(web["verdict"], "verified", "{web}");
    let signers = strings(&web["signers"]);
    assert_eq!(signers.len(), 1, "{web}");
    assert!(signers[0].ends_with("keys/cosign.pub"), "{web}");
    let attestations = strings(&web["attestations"]);
    for kind in ["cyclonedx", "vuln", "promotion", "vsa"] {
        assert!(attestations.contains(&kind.to_string()), "{attestations:?}");
    }
    assert_eq!(web["sbom"], true);
    assert_eq!(web["scan"]["age_days"], 0, "{web}");
    assert!(web["scan"]["db"].as_str().is_some(), "{web}");
    let rogue_status = image(&status, "production/rogue");
    assert_eq!(rogue_status["verdict"], "unsigned", "{rogue_status}");
    assert_eq!(rogue_status["digest"], rogue.digest.as_str());
    assert_eq!(rogue_status["sbom"], false);
    assert!(strings(&rogue_status["missing_attestations"]).contains(&"vuln".to_string()));

    // The table for people: one row per digest, the reason under it.
    let text = b.env.run(&["status"]);
    text.assert_code(1);
    text.assert_stdout_contains("VERDICT");
    let stdout = &text.stdout;
    let row = |repo: &str| {
        stdout
            .lines()
            .find(|l| l.contains(&format!("/production/{repo} ")))
            .unwrap_or_else(|| panic!("no {repo} row:\n{stdout}"))
            .to_string()
    };
    assert!(row("web").trim_end().ends_with("verified"), "{stdout}");
    assert!(row("web").contains("keys/cosign.pub"), "{stdout}");
    assert!(row("rogue").trim_end().ends_with("unsigned"), "{stdout}");
    text.assert_stdout_contains("2 images, 1 verified, 1 failing");

    // Named repositories only: the promoted one alone passes.
    let web_only = b.env.run(&["--output", "json", "status", "web"]);
    web_only.assert_code(0);
    assert_eq!(web_only.json()["images"].as_array().unwrap().len(), 1);

    // Weeks later the same signed scan is stale.
    b.env.env("VIMES_TODAY", "2027-01-20");
    let later = b.env.run(&["--output", "json", "status", "web"]);
    later.assert_code(1);
    let web = image(&later.json(), "production/web").clone();
    assert_eq!(web["verdict"], "stale_scan", "{web}");
    assert!(
        strings(&web["reasons"])
            .iter()
            .any(|r| r.contains("days old (policy.max_scan_age_days: 7)")),
        "{web}"
    );
}

#[test]
fn status_names_a_required_attestation_the_image_lacks_and_refuses_bad_input() {
    let Some(b) = setup("") else {
        return;
    };
    build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    let config = b.env.path("vimes.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let stricter = text.replace(
        "require_attestations: [cyclonedx, vuln]",
        "require_attestations: [cyclonedx, vuln, slsaprovenance1]",
    );
    assert_ne!(text, stricter, "the bed's vimes.yaml changed shape");
    std::fs::write(&config, stricter).unwrap();
    let out = b.env.run(&["--output", "json", "status", "web"]);
    out.assert_code(1);
    let web = image(&out.json(), "production/web").clone();
    assert_eq!(web["verdict"], "missing_attestation", "{web}");
    assert_eq!(strings(&web["missing_attestations"]), ["slsaprovenance1"]);

    // An image, not a repository: usage.
    b.env.run(&["status", "web:1.0"]).assert_code(2);
    // A repository with no tags, named: it cannot be judged.
    b.env.run(&["status", "nothing-here"]).assert_code(2);
    // A registry that does not answer: exit 4, not "unsigned".
    let out = b.env.run(&["status", "127.0.0.1:1/production/web"]);
    out.assert_code(4);
    // An unknown registry entry for sbom index: usage, naming the known ones.
    let out = b.env.run(&["sbom", "index", "--registry", "nope"]);
    out.assert_code(2);
    out.assert_stderr_contains("production");
}

#[test]
fn sbom_index_registry_files_every_signed_sbom_once_and_skips_what_is_indexed() {
    let Some(b) = setup("sbom:\n  inventory: state/inventory.db\n") else {
        return;
    };
    build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    let rogue = TestImage::random(62, 1, 1024);
    push_image(&b.production, "production/rogue", Some("latest"), &rogue);
    // Start from an empty inventory: the promotion filed web already.
    std::fs::remove_file(b.env.path("state/inventory.db")).unwrap();

    let out = b.env.run(&[
        "--output",
        "json",
        "sbom",
        "index",
        "--registry",
        "production",
    ]);
    out.assert_code(0);
    let first = out.json();
    let indexed = first["indexed"].as_array().unwrap();
    assert_eq!(indexed.len(), 1, "{first}");
    assert!(indexed[0]["repository"]
        .as_str()
        .unwrap()
        .ends_with("/production/web"));
    assert_eq!(strings(&indexed[0]["tags"]), ["1.0"]);
    // The unsigned image has no signed SBOM: skipped, and said so.
    let skipped = first["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{first}");
    assert!(skipped[0]["image"]
        .as_str()
        .unwrap()
        .contains(&format!("/production/rogue@{}", rogue.digest)));

    // A second run reads nothing it already has.
    let again = b.env.run(&[
        "--output",
        "json",
        "sbom",
        "index",
        "--registry",
        "production",
    ]);
    again.assert_code(0);
    let second = again.json();
    assert_eq!(second["indexed"].as_array().unwrap().len(), 0, "{second}");
    assert_eq!(second["already_indexed"], 1, "{second}");
    assert_eq!(second["images"], 1);
}

#[test]
fn status_and_registry_index_list_a_harbor_project_through_harbors_api() {
    use crate::support::harbor_fake::ADMIN;
    use crate::support::push_image_with;
    use crate::support::TestBed;
    let Some(bed) = TestBed::builder()
        .tools(["buildah", "syft"])
        .trivy_cache()
        .xdg()
        .password(crate::promote::PASSWORD)
        .user("ci-bot")
        .signing_key("cosign")
        .harbor_promotion(
            ADMIN.0,
            ADMIN.1,
            "signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  require_attestations: [cyclonedx, vuln]\nsbom:\n  inventory: inventory.db\n",
        )
        .build()
    else {
        return;
    };
    let fake = bed.harbor();
    let env = &bed.env;
    env.run(&["harbor", "setup"]).assert_code(0);
    let app = TestImage::random(63, 1, 2048);
    push_image_with(&fake.client(), "staging/app", Some("1"), &app);
    env.run(&["--yes", "promote", "app:1"]).assert_code(0);
    let stray = TestImage::random(64, 1, 2048);
    push_image_with(&fake.client(), "production/stray", Some("v1"), &stray);
    // Not production: never listed.
    push_image_with(&fake.client(), "staging/other", Some("1"), &stray);

    let out = env.run(&["--output", "json", "status"]);
    out.assert_code(1);
    let status = out.json();
    let repositories = strings(&status["repositories"]);
    assert_eq!(repositories.len(), 2, "{status}");
    assert!(repositories.iter().all(|r| r.contains("/production/")));
    assert_eq!(image(&status, "production/app")["verdict"], "verified");
    assert_eq!(image(&status, "production/stray")["verdict"], "unsigned");
    assert!(
        fake.api_requests()
            .iter()
            .any(|r| r.method == "GET" && r.target.contains("/projects/production/repositories")),
        "listed through Harbor's API"
    );

    std::fs::remove_file(env.path("inventory.db")).ok();
    let out = env.run(&[
        "--output",
        "json",
        "sbom",
        "index",
        "--registry",
        "production",
    ]);
    out.assert_code(0);
    assert_eq!(out.json()["indexed"].as_array().unwrap().len(), 1);
    crate::harbor::assert_contract(fake, "status");
}
