//! Every `sbom query` case (those of src/sbom/query_tests.rs and
//! inventory_tests.rs, through the CLI) against both inventory backends: an
//! SQLite file and a real PostgreSQL server. Each case must give the
//! expected answer, and the two backends the same JSON, match for match.
//! Then PostgreSQL's own paths: concurrent writers, TLS, and what goes wrong.

use crate::support::postgres::{self, Postgres, PASSWORD};
use crate::support::{RunOutput, TestBed, TestEnv};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/sbom/syft-1.18.1-debian.cdx.json"
);
const ADVISORY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/sbom/osv-fixture-advisory.json"
);
const A: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const REPO_A: &str = "reg.example.com/team/a";
const REPO_B: &str = "reg.example.com/team/b";

/// The fixture SBOM as the image `name` (`repo[:tag]`) of `digest`, with
/// `versions` changed and `extra` components added (as query_tests.rs does).
fn sbom(name: &str, digest: &str, versions: &[(&str, &str)], extra: &[Value]) -> String {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    doc["metadata"]["component"]["name"] = json!(name);
    doc["metadata"]["component"]["version"] = json!(digest);
    let components = doc["components"].as_array_mut().unwrap();
    for (package, version) in versions {
        let c = components
            .iter_mut()
            .find(|c| c["name"] == *package)
            .unwrap();
        c["version"] = json!(version);
    }
    components.extend(extra.iter().cloned());
    doc.to_string()
}

fn image_b() -> String {
    sbom(
        REPO_B,
        B,
        &[
            ("libssl3", "3.0.13-1~deb12u1"),
            ("zlib1g", "1:1.2.13.dfsg-3"),
            ("requests", "2.31.0"),
            ("django", "4.2"),
            ("urllib3", "2.0.0"),
        ],
        &[
            json!({"type": "library", "name": "weird", "version": "not a version", "purl": "pkg:pypi/weird@x"}),
            json!({"type": "library", "name": "mystery", "version": "1.0", "purl": "pkg:apk/alpine/mystery@1.0"}),
        ],
    )
}

/// A vimes.yaml whose inventory is `inventory` (`PGPASSWORD` set for URLs).
fn env_for(inventory: &str) -> TestEnv {
    TestBed::builder()
        .config_text(&format!(
            "version: 1\nsbom:\n  inventory: \"{inventory}\"\n"
        ))
        .env("PGPASSWORD", PASSWORD)
        .ready()
        .env
}

/// (repository, package, version) of each match, in order.
fn found(out: &RunOutput) -> Vec<(String, String, String)> {
    out.json()["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("no matches\n{}", out.dump()))
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            (s("repository"), s("package"), s("version"))
        })
        .collect()
}

fn t(repo: &str, package: &str, version: &str) -> (String, String, String) {
    (repo.to_string(), package.to_string(), version.to_string())
}

/// Indexes images A and B into `inventory` and runs every case; returns
/// each case's JSON answer (without the inventory's location) for comparing.
fn every_case(inventory: &str) -> Vec<Value> {
    let mut env = env_for(inventory);
    env.write("a.json", sbom(&format!("{REPO_A}:1.0"), A, &[], &[]));
    env.write("b.json", image_b());
    env.write(
        "a-latest.json",
        sbom(&format!("{REPO_A}:latest"), A, &[], &[]),
    );
    let out = env.run(&["--output", "json", "sbom", "index", "a.json", "b.json"]);
    out.assert_success();
    assert_eq!(
        (out.json()["images"].clone(), out.json()["packages"].clone()),
        (json!(2), json!(20))
    );
    let mut answers = Vec::new();
    let mut q = |args: &[&str]| -> RunOutput {
        let mut all = vec!["--output", "json", "sbom", "query"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        let mut doc = match out.code {
            0 => out.json(),
            code => json!({"exit": code, "stderr": out.stderr.trim()}),
        };
        if let Some(o) = doc.as_object_mut() {
            o.remove("inventory");
        }
        answers.push(doc);
        out
    };
    // Package names and ranges.
    assert_eq!(q(&["--package", "libssl3"]).json()["images"], 2);
    let out = q(&["--package", "openssl", "--version", "<3.0.13-1~deb12u1"]);
    assert_eq!(found(&out), [t(REPO_A, "libssl3", "3.0.11-1~deb12u1")]);
    assert_eq!(out.json()["matches"][0]["source"], "openssl");
    let out = q(&[
        "--package",
        "requests",
        "--type",
        "pypi",
        "--version",
        ">=2.3.0, <2.31.0",
    ]);
    assert_eq!(found(&out), [t(REPO_A, "requests", "2.28.1")]);
    assert_eq!(
        found(&q(&["--package", "urllib3", "--version", "<2.0.0"])).len(),
        1
    );
    assert_eq!(
        found(&q(&["--package", "zlib1g", "--version", ">=2.0"])).len(),
        2
    );
    let out = q(&["--package", "tiff", "--version", "=4.5.0-6"]);
    assert_eq!(out.json()["images"], 2);
    assert_eq!(out.json()["matches"][0]["version"], "4.5.0-6");
    // PyPI names in any spelling, and only of the type asked for.
    assert_eq!(
        q(&["--package", "Django", "--type", "pypi"]).json()["images"],
        2
    );
    assert!(found(&q(&["--package", "Django", "--type", "npm"])).is_empty());
    assert!(found(&q(&["--package", "nothing"])).is_empty());
    // Undecided versions, and types whose versions vimes cannot compare.
    let out = q(&["--package", "weird", "--version", ">=1.0"]);
    assert!(found(&out).is_empty());
    assert_eq!(out.json()["undecided"].as_array().map(Vec::len), Some(1));
    let out = q(&["--package", "mystery", "--version", ">=1.0"]);
    out.assert_code(2)
        .assert_stderr_contains("cannot compare versions of apk");
    assert_eq!(found(&q(&["--package", "mystery"])).len(), 1);
    // PURLs.
    assert_eq!(q(&["--purl", "pkg:pypi/Django"]).json()["images"], 2);
    assert_eq!(
        found(&q(&["--purl", "pkg:pypi/django@4.2.0"])),
        [t(REPO_B, "django", "4.2")]
    );
    let out = q(&[
        "--purl",
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12",
    ]);
    assert_eq!(out.json()["images"], 1);
    assert_eq!(
        q(&["--purl", "pkg:deb/debian/libssl3?distro=debian-11"]).json()["images"],
        0
    );
    assert_eq!(
        q(&["--purl", "pkg:npm/%40babel/core@7.22.0-beta.1"]).json()["images"],
        2
    );
    // An OSV advisory: exactly the affected.
    let out = q(&["--advisory", ADVISORY]);
    assert_eq!(
        found(&out),
        [
            t(REPO_A, "libssl3", "3.0.11-1~deb12u1"),
            t(REPO_A, "requests", "2.28.1"),
            t(REPO_A, "zlib1g", "1:1.2.13.dfsg-1"),
            t(REPO_B, "django", "4.2"),
        ]
    );
    assert_eq!(out.json()["matches"][0]["advisory_package"], "openssl");

    // Re-indexing a digest replaces its rows and merges its tags.
    let out = env.run(&[
        "--output",
        "json",
        "sbom",
        "index",
        "a-latest.json",
        "a.json",
    ]);
    out.assert_success();
    assert_eq!(
        (out.json()["images"].clone(), out.json()["packages"].clone()),
        (json!(2), json!(20))
    );
    let out = q(&["--package", "libc6"]);
    assert_eq!(found(&out).len(), 2, "no duplicate rows after re-indexing");
    assert_eq!(out.json()["matches"][0]["tags"], json!(["1.0", "latest"]));
    answers
}

#[test]
fn every_query_case_gives_the_same_answer_on_sqlite_and_postgresql() {
    if !postgres::available() {
        return;
    }
    let sqlite = every_case("state/inventory.db");
    let server = Postgres::start();
    let pg = every_case(&server.url(false));
    assert_eq!(sqlite.len(), pg.len());
    for (i, (s, p)) in sqlite.iter().zip(&pg).enumerate() {
        assert_eq!(s, p, "case {i}: SQLite and PostgreSQL differ");
    }
    // The schema version is recorded, and the image digest is the identity.
    assert_eq!(server.psql("SELECT version FROM vimes_schema"), "3");
    assert_eq!(
        server.psql("SELECT count(*), count(DISTINCT (repository, digest)) FROM images"),
        "2|2"
    );
}

#[test]
fn concurrent_writers_lose_nothing_and_duplicate_nothing() {
    if !postgres::available() {
        return;
    }
    let server = Postgres::start();
    let mut env = env_for(&server.url(false));
    // Eight images, each indexed by all four processes at once, in
    // different orders (the worst case for locks).
    let digests: Vec<String> = (0..8).map(|i| format!("sha256:{:064x}", i + 1)).collect();
    for (i, digest) in digests.iter().enumerate() {
        env.write(
            &format!("s{i}.json"),
            sbom(&format!("{REPO_A}:{i}"), digest, &[], &[]),
        );
    }
    let children: Vec<_> = (0..4)
        .map(|p| {
            let mut files: Vec<String> = (0..8).map(|i| format!("s{i}.json")).collect();
            files.rotate_left(p * 2);
            if p % 2 == 1 {
                files.reverse();
            }
            let mut args = vec!["sbom".to_string(), "index".to_string()];
            args.extend(files);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            env.command(&args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start vimes")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait for vimes");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(server.psql("SELECT count(*) FROM images"), "8");
    assert_eq!(server.psql("SELECT sum(package_count) FROM images"), "72");
    assert_eq!(server.psql("SELECT count(*) FROM packages"), "72");
    assert_eq!(
        server.psql(
            "SELECT count(*) FROM (SELECT key FROM names GROUP BY key HAVING count(*) > 1) d"
        ),
        "0"
    );
    let out = env.run(&["--output", "json", "sbom", "query", "--package", "libc6"]);
    out.assert_success();
    let images: BTreeSet<String> = out.json()["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["digest"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(images, digests.into_iter().collect());
}

#[test]
fn tls_with_the_configured_ca_is_verified() {
    if !postgres::available() {
        return;
    }
    let server = Postgres::start_tls();
    let mut env = env_for(&server.url(true));
    env.write("one.json", sbom(REPO_A, A, &[], &[]));
    // Without the CA the certificate is not trusted: exit 4, and no plain fallback.
    let out = env.run(&["sbom", "index", "one.json"]);
    out.assert_code(4);
    assert!(out.stderr.contains("certificate"), "{}", out.dump());
    env.config_yaml(&format!(
        "version: 1\nsbom:\n  inventory: \"{}\"\n  ca_file: {}\n",
        server.url(true),
        server.ca_file().display()
    ));
    env.run(&["sbom", "index", "one.json"]).assert_success();
    let out = env.run(&["--output", "json", "sbom", "query", "--package", "zlib1g"]);
    out.assert_success();
    assert_eq!(out.json()["images"], 1);
    // The server saw TLS.
    assert_eq!(
        server.psql("SELECT count(*) > 0 FROM pg_stat_ssl WHERE ssl"),
        "t",
        "the psql check itself runs over TLS"
    );
}

#[test]
fn bad_servers_passwords_urls_and_schemas() {
    if !postgres::available() {
        return;
    }
    let server = Postgres::start();
    // A URL with a password: exit 2, and the password is not repeated.
    let mut env = env_for(&format!(
        "postgres://vimes:hunter2@127.0.0.1:{}/vimes?sslmode=disable",
        server.port()
    ));
    env.write("one.json", sbom(REPO_A, A, &[], &[]));
    let out = env.run(&["sbom", "index", "one.json"]);
    out.assert_code(2)
        .assert_stderr_contains("use password_env");
    assert!(!out.stderr.contains("hunter2") && !out.stdout.contains("hunter2"));
    // Plain TCP to a host that is not this machine: exit 2.
    let env = env_for("postgres://vimes@db.example.com/vimes?sslmode=disable");
    env.run(&["sbom", "index", "one.json"])
        .assert_code(2)
        .assert_stderr_contains("only for a server on this machine");
    // A wrong password: exit 4, not echoed.
    let mut env = env_for(&server.url(false));
    env.write("one.json", sbom(REPO_A, A, &[], &[]));
    env.env("PGPASSWORD", "wrong-password-here");
    let out = env.run(&["sbom", "index", "one.json"]);
    out.assert_code(4)
        .assert_stderr_contains("password authentication failed");
    assert!(
        !out.stderr.contains("wrong-password-here"),
        "{}",
        out.dump()
    );
    // The password from the variable sbom.password_env names.
    env.unset_env("PGPASSWORD");
    env.env("INVENTORY_PASSWORD", PASSWORD);
    env.config_yaml(&format!(
        "version: 1\nsbom:\n  inventory: \"{}\"\n  password_env: INVENTORY_PASSWORD\n",
        server.url(false)
    ));
    env.run(&["sbom", "index", "one.json"]).assert_success();
    // A database of a newer schema: exit 2 naming both versions.
    server.psql("UPDATE vimes_schema SET version = 99");
    let out = env.run(&["sbom", "query", "--package", "zlib1g"]);
    out.assert_code(2)
        .assert_stderr_contains("schema version 99 is newer than the version 3");
    // A database with no inventory yet: a query says so instead of "nothing found".
    let empty = server.create_database("empty");
    let mut env = env_for(&empty);
    env.env("PGPASSWORD", PASSWORD);
    env.run(&["sbom", "query", "--package", "zlib1g"])
        .assert_code(2)
        .assert_stderr_contains("index SBOMs first");
    // An unreachable server: exit 4.
    let port = server.port();
    drop(server);
    let env = env_for(&format!(
        "postgres://vimes@127.0.0.1:{port}/vimes?sslmode=disable"
    ));
    env.run(&["sbom", "query", "--package", "zlib1g"])
        .assert_code(4)
        .assert_stderr_contains("SBOM inventory");
}
