//! Every promotion feeds the configured inventory: the SBOM it attested,
//! filed under the production repository and tag, and its promotion record,
//! once per digest. An inventory that cannot be written does not undo a
//! complete promotion: the outcome says so (a warning on stderr and
//! `inventory.status: failed` in the JSON), and `sbom index` catches up.

use crate::promote::setup;
use crate::support::postgres::{self, Postgres, PASSWORD};
use crate::support::trivy::build_fixture_image;
use serde_json::Value;

/// The repositories `sbom query --package requests` finds.
fn repositories_with_requests(env: &crate::support::TestEnv) -> Vec<String> {
    let out = env.run(&["--output", "json", "sbom", "query", "--package", "requests"]);
    out.assert_code(0);
    out.json()["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("no matches\n{}", out.dump()))
        .iter()
        .map(|m| {
            let field = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            format!("{}@{}", field("repository"), field("version"))
        })
        .collect()
}

#[test]
fn a_promotion_files_its_sbom_and_record_once_in_the_sqlite_inventory() {
    let Some(b) = setup("sbom:\n  inventory: state/inventory.db\n") else {
        return;
    };
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    let out = b
        .env
        .run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    out.assert_code(0);
    let inventory = &out.json()["inventory"];
    assert_eq!(inventory["status"], "recorded", "{}", out.dump());
    assert_eq!(inventory["promotion_added"], true);
    assert!(inventory["packages"].as_u64().unwrap() > 0, "{inventory}");
    assert!(inventory["location"]
        .as_str()
        .unwrap()
        .ends_with("state/inventory.db"));
    let production = format!("{}/production/web", b.production.host());
    assert_eq!(
        repositories_with_requests(&b.env),
        [format!("{production}@2.31.0")]
    );

    // A re-run records nothing twice: the first record stands.
    let again = b
        .env
        .run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    again.assert_code(0);
    assert_eq!(again.json()["inventory"]["promotion_added"], false);
    assert_eq!(repositories_with_requests(&b.env).len(), 1);
    let db = rusqlite::Connection::open(b.env.path("state/inventory.db")).unwrap();
    let (count, recorded): (i64, String) = db
        .query_row("SELECT count(*), max(record) FROM promotions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(count, 1);
    let record: Value = serde_json::from_str(&recorded).unwrap();
    assert_eq!(record["digest"], digest.as_str());
    assert_eq!(record["tag"], "1.0");
    assert_eq!(record["reviewer"], "ci-bot");
    assert_eq!(record["unchanged"], false, "the first promotion's record");
    assert!(record["signer"].as_str().unwrap().starts_with("sha256:"));
}

#[test]
fn an_unwritable_inventory_leaves_a_complete_promotion_and_says_so() {
    // A directory where the SQLite file should be: it cannot be opened.
    let Some(b) = setup("sbom:\n  inventory: state/inventory.db\n") else {
        return;
    };
    std::fs::create_dir_all(b.env.path("state/inventory.db")).unwrap();
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    let out = b
        .env
        .run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    out.assert_code(0);
    out.assert_stderr_contains("the promotion is complete, but the inventory");
    out.assert_stderr_contains("vimes sbom index");
    let inventory = &out.json()["inventory"];
    assert_eq!(inventory["status"], "failed", "{}", out.dump());
    assert!(inventory["catch_up"]
        .as_str()
        .unwrap()
        .ends_with("/production/web:1.0"));
    // Production is the source of truth: the tag is there, signed.
    assert_eq!(
        b.production
            .client()
            .get_manifest("production/web", "1.0")
            .map(|m| m.2),
        Some(digest)
    );
    // Once the inventory can be written, `sbom index` files the image.
    std::fs::remove_dir(b.env.path("state/inventory.db")).unwrap();
    let production = format!("{}/production/web:1.0", b.production.host());
    b.env.run(&["sbom", "index", &production]).assert_code(0);
    assert_eq!(repositories_with_requests(&b.env).len(), 1);
}

#[test]
fn promotions_feed_a_shared_postgresql_inventory_and_an_unreachable_one_warns() {
    if !postgres::available() {
        return;
    }
    let server = Postgres::start();
    let Some(mut b) = setup(&format!("sbom:\n  inventory: \"{}\"\n", server.url(false))) else {
        return;
    };
    b.env.env("PGPASSWORD", PASSWORD);
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    let out = b
        .env
        .run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    out.assert_code(0);
    assert_eq!(
        out.json()["inventory"]["status"],
        "recorded",
        "{}",
        out.dump()
    );
    assert!(!out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD));
    assert_eq!(
        server.psql("SELECT digest, tag, record::json->>'reviewer' FROM promotions"),
        format!("{digest}|1.0|ci-bot")
    );
    assert_eq!(repositories_with_requests(&b.env).len(), 1);
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    assert_eq!(server.psql("SELECT count(*) FROM promotions"), "1");

    // The server goes away: the next promotion completes and warns.
    drop(server);
    build_fixture_image(&b.staging, "clean", "staging/api", "2.0");
    let out = b
        .env
        .run(&["--yes", "--output", "json", "promote", "api:2.0"]);
    out.assert_code(0);
    assert_eq!(
        out.json()["inventory"]["status"],
        "failed",
        "{}",
        out.dump()
    );
    out.assert_stderr_contains("was not written");
    assert!(!out.stderr.contains(PASSWORD));
    assert!(b
        .production
        .client()
        .get_manifest("production/api", "2.0")
        .is_some());
}
