//! `vimes rescan`: production re-judged from the signed SBOMs against a new
//! Trivy DB (the real Trivy, our own DB written twice), through the same gate
//! and signed exceptions as `scan`, with no layer pulled.

use crate::promote::setup;
use crate::status::image;
use crate::support::oci::{push_image, TestImage};
use crate::support::trivy::{build_fixture_image, db_fixture_path, write_db};
use serde_json::Value;

/// A DB that also knows CVE-2099-0100, announced "today": HIGH in zlib,
/// fixed only after the version the `clean` fixture has (with its epoch).
fn db_with_new_cve(dir: &std::path::Path) -> std::path::PathBuf {
    let mut db: Value =
        serde_json::from_str(&std::fs::read_to_string(db_fixture_path()).unwrap()).unwrap();
    db["buckets"]["debian 12"]["buckets"]["zlib"]["values"]["CVE-2099-0100"] =
        serde_json::json!({"FixedVersion": "1:1.2.13.dfsg-1+deb12u2"});
    db["buckets"]["vulnerability"]["values"]["CVE-2099-0100"] = serde_json::json!({
        "Title": "zlib: vimes test data: announced after the promotion",
        "Description": "TEST DATA for the vimes test bed, not a real vulnerability.",
        "Severity": "HIGH",
        "VendorSeverity": {"debian": 3},
        "PublishedDate": "2026-12-01T10:00:00Z",
        "LastModifiedDate": "2026-12-01T10:00:00Z"
    });
    let fixture = dir.join("db-new-cve.json");
    std::fs::write(&fixture, db.to_string()).unwrap();
    let cache = dir.join("trivy-new-cve");
    write_db(&fixture, &cache);
    cache
}

#[test]
fn rescan_blocks_production_images_a_new_cve_reaches_and_honours_signed_exceptions() {
    let Some(mut b) = setup(
        "policy:\n  exceptions: security/exceptions.yaml\n  approvers: [security/team.pub]\n",
    ) else {
        return;
    };
    b.env
        .write("security/exceptions.yaml", "version: 1\nexceptions: []\n");
    b.env
        .run(&["key", "generate", "--output-prefix", "security/team"])
        .assert_code(0);
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);

    // Today's DB: the promoted image still passes.
    let out = b.env.run(&["--output", "json", "rescan"]);
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["passed"], true, "{doc}");
    let web = image(&doc, "production/web");
    assert_eq!(web["digest"], digest.as_str());
    assert_eq!(web["passed"], true);
    assert_eq!(doc["blocked"].as_array().unwrap().len(), 0);

    // A CVE is announced: the new DB blocks it, naming the CVE, with no pull.
    let dir = tempfile::tempdir().unwrap();
    let new_db = db_with_new_cve(dir.path());
    b.env.env("TRIVY_CACHE_DIR", new_db.display().to_string());
    let out = b.env.run(&["--output", "json", "rescan"]);
    out.assert_code(1);
    let doc = out.json();
    let web = image(&doc, "production/web");
    assert_eq!(web["passed"], false, "{web}");
    assert_eq!(
        web["blocked_by"],
        serde_json::json!(["CVE-2099-0100"]),
        "{web}"
    );
    assert_eq!(web["tags"], serde_json::json!(["1.0"]));
    let text = b.env.run(&["rescan"]);
    text.assert_code(1);
    assert!(text.stdout.contains("Now blocked"), "{}", text.dump());
    assert!(text.stdout.contains("CVE-2099-0100"), "{}", text.dump());
    assert!(
        text.stdout
            .contains("1 images rescanned, 0 still pass, 1 blocked"),
        "{}",
        text.dump()
    );

    // The security team's signed exception waives it; an unsigned one does not.
    b.env
        .run(&[
            "exceptions",
            "add",
            "--id",
            "CVE-2099-0100",
            "--reason",
            "zlib inflate not reachable in web",
            "--expires",
            "2027-06-30",
            "--approved-by",
            "secteam@example.com",
        ])
        .assert_code(0);
    b.env.run(&["rescan"]).assert_code(1);
    b.env
        .run(&["exceptions", "sign", "--key", "security/team.key"])
        .assert_code(0);
    let out = b.env.run(&["--output", "json", "rescan"]);
    out.assert_code(0);
    let findings = image(&out.json(), "production/web")["verdict"]["findings"].clone();
    let waived = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CVE-2099-0100")
        .unwrap_or_else(|| panic!("{findings}"));
    assert_eq!(waived["decision"], "waived");
}

#[test]
fn rescan_attach_signs_fresh_scans_and_an_image_without_a_signed_sbom_fails_closed() {
    let Some(b) = setup("") else {
        return;
    };
    build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    let before = b.env.run(&["--output", "json", "status", "web"]);
    before.assert_code(0);
    let first_scan = image(&before.json(), "production/web")["scan"]["finished_on"].clone();

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = b.env.run(&["--output", "json", "rescan", "--attach"]);
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["attached"].as_array().unwrap().len(), 1, "{doc}");
    // status now reads the fresh, signed scan.
    let after = b.env.run(&["--output", "json", "status", "web"]);
    after.assert_code(0);
    let web = image(&after.json(), "production/web").clone();
    assert_ne!(web["scan"]["finished_on"], first_scan, "{web}");
    assert_eq!(web["verdict"], "verified");

    // Pushed around vimes: no SBOM signed by a trusted key, so not "clean".
    let rogue = TestImage::random(71, 1, 1024);
    push_image(&b.production, "production/rogue", Some("latest"), &rogue);
    let out = b.env.run(&["--output", "json", "rescan"]);
    out.assert_code(1);
    let doc = out.json();
    let failed = doc["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{doc}");
    assert!(failed[0]["target"]
        .as_str()
        .unwrap()
        .contains("/production/rogue@"));
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("no SBOM attestation signed by a trusted key"),
        "{doc}"
    );
    assert_eq!(doc["passed"], false);
    // Bad input: a tag instead of a repository; a repository with no tags.
    b.env.run(&["rescan", "web:1.0"]).assert_code(2);
    b.env.run(&["rescan", "nothing-here"]).assert_code(2);
}
