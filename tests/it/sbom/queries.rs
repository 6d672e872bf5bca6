//! `sbom index --repository` with package, range and PURL queries, and OSV
//! advisories that must return exactly the affected digests.

use super::{image, matches, sbom_bed};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[test]
fn repository_index_and_package_queries() {
    let Some(bed) = sbom_bed("sbom:\n  inventory: state/sbom.db\n")
        .image("reg", "team/api", Some("1.0"), image('A'))
        .image("reg", "team/api", Some("latest"), image('A'))
        .image("reg", "team/api", Some("2.0"), image('B'))
        .build()
    else {
        return;
    };
    let a = bed.digests["team/api:1.0"].clone();
    let b = bed.digests["team/api:2.0"].clone();
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    for tag in ["1.0", "2.0"] {
        env.run(&[
            "-q",
            "sbom",
            "--attach",
            "-o",
            &format!("{tag}.cdx.json"),
            &format!("{}/team/api:{tag}", reg.host()),
        ])
        .assert_success();
    }
    assert!(
        env.path("state/sbom.db").is_file(),
        "sbom.inventory is honoured"
    );
    let out = env
        .run(&[
            "--output",
            "json",
            "sbom",
            "index",
            "--rebuild",
            "--repository",
            &format!("{}/team/api", reg.host()),
        ])
        .assert_success()
        .json();
    let indexed: BTreeSet<(String, String)> = out["indexed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["digest"].as_str().unwrap().to_string(),
                i["tags"].to_string(),
            )
        })
        .collect();
    let tags = |t: Value| t.to_string();
    assert_eq!(
        indexed,
        BTreeSet::from([
            (a.clone(), tags(json!(["1.0", "latest"]))),
            (b.clone(), tags(json!(["2.0"])))
        ])
    );

    // A repository that does not exist indexes nothing: an error, not "0 indexed".
    let out = env.run(&[
        "sbom",
        "index",
        "--repository",
        &format!("{}/team/no-such-repo", reg.host()),
    ]);
    out.assert_code(2);
    out.assert_stderr_contains("no image tags or does not exist");

    let repo = format!("{}/team/api", reg.host());
    let row =
        |d: &str, p: &str, v: &str| (repo.clone(), d.to_string(), p.to_string(), v.to_string());
    let q = |args: &[&str]| {
        let mut all = vec!["--output", "json", "sbom", "query"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        out.assert_success();
        matches(&out)
    };
    assert_eq!(
        q(&["--package", "openssl"]),
        BTreeSet::from([
            row(&a, "libssl3", "3.0.11-1~deb12u1"),
            row(&b, "libssl3", "3.0.13-1~deb12u1")
        ])
    );
    assert_eq!(
        q(&["--package", "libssl3", "--version", "<3.0.13-1~deb12u1"]),
        BTreeSet::from([row(&a, "libssl3", "3.0.11-1~deb12u1")])
    );
    assert_eq!(
        q(&[
            "--package",
            "Requests",
            "--type",
            "pypi",
            "--version",
            ">=2.3.0, <2.31.0"
        ]),
        BTreeSet::from([row(&a, "requests", "2.28.1")])
    );
    assert_eq!(
        q(&["--purl", "pkg:pypi/requests@2.31.0"]),
        BTreeSet::from([row(&b, "requests", "2.31.0")])
    );
    assert!(q(&["--package", "log4j"]).is_empty());
    let text = env.run(&[
        "sbom",
        "query",
        "--package",
        "zlib1g",
        "--version",
        ">=1:1.2.13.dfsg-2",
    ]);
    text.assert_success()
        .assert_stdout_contains(&format!("{repo}@{b}  2.0"));
    env.run(&["sbom", "query", "--package", "zlib1g", "--fail-if-found"])
        .assert_code(1);
}

const ADVISORY: &str = r#"{
  "schema_version": "1.6.0", "id": "VIMES-IT-0001", "modified": "2024-06-01T00:00:00Z",
  "affected": [
    {"package": {"ecosystem": "Debian:12", "name": "openssl"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]},
    {"package": {"ecosystem": "Debian:12", "name": "zlib"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.2.13.dfsg-2"}]}]},
    {"package": {"ecosystem": "PyPI", "name": "requests"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]}
  ]
}"#;

/// Matches none of the images: openssl fixed long ago, zlib of another
/// Debian release, requests from a later version on.
const UNRELATED_ADVISORY: &str = r#"{
  "id": "VIMES-IT-0002", "modified": "2024-06-01T00:00:00Z",
  "affected": [
    {"package": {"ecosystem": "Debian:12", "name": "openssl"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1.1n-0+deb11u1"}]}]},
    {"package": {"ecosystem": "Debian:11", "name": "zlib"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]},
    {"package": {"ecosystem": "PyPI", "name": "requests"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.32.0"}]}],
     "versions": ["2.32.0"]}
  ]
}"#;

#[test]
fn osv_advisory_returns_exactly_the_affected_digests() {
    let Some(mut bed) = sbom_bed("").build() else {
        return;
    };
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.write(
        "sboms/README",
        "SBOM files of the advisory test; only *.json is indexed",
    );
    let mut digests = std::collections::BTreeMap::new();
    for (which, format) in [
        ('A', "cyclonedx-json"),
        ('B', "spdx-json"),
        ('C', "spdx-json"),
        ('D', "cyclonedx-json"),
    ] {
        let tag = which.to_string();
        digests.insert(which, reg.push("osv/app", Some(&tag), &image(which)));
        let reference = format!("{}/osv/app:{tag}", reg.host());
        env.run(&[
            "-q",
            "sbom",
            "--format",
            format,
            "-o",
            &format!("sboms/{tag}.json"),
            &reference,
        ])
        .assert_success();
    }
    env.run(&["sbom", "index", "sboms"]).assert_success();
    env.write("advisory.json", ADVISORY);
    let out = env.run(&[
        "--output",
        "json",
        "sbom",
        "query",
        "--advisory",
        "advisory.json",
    ]);
    out.assert_success();
    let repo = format!("{}/osv/app", reg.host());
    let row = |w: char, p: &str, v: &str| {
        (
            repo.clone(),
            digests[&w].clone(),
            p.to_string(),
            v.to_string(),
        )
    };
    assert_eq!(
        matches(&out),
        BTreeSet::from([
            row('A', "libssl3", "3.0.11-1~deb12u1"),
            row('A', "zlib1g", "1:1.2.13.dfsg-1"),
            row('A', "requests", "2.28.1"),
            row('C', "libssl3", "3.0.13~rc1-1"),
            row('C', "zlib1g", "1.3.dfsg-1"),
            row('C', "requests", "2.31.0rc1"),
        ]),
        "{}",
        out.dump()
    );
    assert_eq!(out.json()["images"], 2);
    env.run(&[
        "sbom",
        "query",
        "--advisory",
        "advisory.json",
        "--fail-if-found",
    ])
    .assert_code(1)
    .assert_stdout_contains("VIMES-IT-0001");
    // An advisory nothing matches: exit 0 even with --fail-if-found.
    env.write("other.json", UNRELATED_ADVISORY);
    let none = env.run(&[
        "--output",
        "json",
        "sbom",
        "query",
        "--advisory",
        "other.json",
        "--fail-if-found",
    ]);
    none.assert_success();
    assert_eq!(none.json()["found"], false);
}
