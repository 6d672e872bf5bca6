//! Input an attacker chooses (issue #20): package names and versions from an
//! image's own files that are 70,000 characters long (item 6), and input
//! files that are FIFOs or devices, which used to block forever (item 13).

use crate::support::{TestBed, TestEnv};
use serde_json::json;
use std::time::Duration;

/// A CycloneDX SBOM of `127.0.0.1:9/evil/app@sha256:ee..` with `components`.
fn sbom_with(components: serde_json::Value) -> String {
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {
            "type": "container",
            "name": "127.0.0.1:9/evil/app",
            "version": format!("sha256:{}", "ee".repeat(32)),
        }},
        "components": components,
    })
    .to_string()
}

#[test]
fn a_70000_character_version_or_name_is_listed_not_a_panic() {
    let long_version = format!("1:{}", "9".repeat(70_000));
    let long_name = format!("lib{}", "x".repeat(70_000));
    let mut env = TestBed::builder().ready().env;
    env.write(
        "evil.cdx.json",
        sbom_with(json!([
            {"type": "library", "name": "zlib1g", "version": long_version,
             "purl": format!("pkg:deb/debian/zlib1g@{long_version}?arch=amd64")},
            {"type": "library", "name": long_name, "version": "1.0-1",
             "purl": format!("pkg:deb/debian/{long_name}@1.0-1?arch=amd64")},
        ])),
    );
    env.run(&["sbom", "index", "evil.cdx.json"])
        .assert_success();

    let by_version = env.run(&["sbom", "query", "--package", "zlib1g"]);
    by_version.assert_success();
    assert!(
        by_version
            .stdout
            .lines()
            .any(|l| l.contains("zlib1g") && l.ends_with(&long_version)),
        "the version is listed whole\n{}",
        by_version.dump()
    );
    let by_name = env.run(&["sbom", "query", "--package", &long_name]);
    by_name.assert_success();
    assert!(by_name.stdout.contains(&long_name), "{}", by_name.dump());
    // The header is not stretched to the longest value.
    let header = by_name.stdout.lines().nth(1).unwrap_or_default();
    assert!(
        header.starts_with("IMAGE") && header.len() < 1000,
        "{header:.200}"
    );
}

/// Makes a FIFO at `rel` in the test's HOME.
fn mkfifo(env: &TestEnv, rel: &str) -> String {
    let path = env.path(rel);
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
    rel.to_string()
}

#[test]
fn fifos_and_devices_given_as_input_are_refused_at_once() {
    let mut env = TestBed::builder().ready().env;
    // A hang is the bug: it must not cost the default two minutes per case.
    env.timeout(Duration::from_secs(30));
    let fifo = mkfifo(&env, "advisory.json");
    let pipe_dir = "sboms/pipe.json";
    env.write("sboms/good.json", sbom_with(json!([])));
    mkfifo(&env, pipe_dir);
    let key = mkfifo(&env, "trusted.pub");
    let config = mkfifo(&env, "fifo.yaml");

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["sbom", "query", "--advisory", &fifo], "advisory.json"),
        (
            vec!["sbom", "query", "--advisory", "/dev/zero"],
            "/dev/zero",
        ),
        (vec!["sbom", "index", &fifo], "advisory.json"),
        (vec!["sbom", "index", "sboms"], "pipe.json"),
        (
            vec!["sbom", "index", "--key", &key, "127.0.0.1:9/x/y:1"],
            "trusted.pub",
        ),
        (
            vec!["--config", &config, "sbom", "query", "--package", "x"],
            "fifo.yaml",
        ),
    ];
    for (args, names) in cases {
        let out = env.run(&args);
        out.assert_code(2);
        // `sbom index DIR` lists a failed file among its results (stdout).
        let text = format!("{}{}", out.stdout, out.stderr);
        assert!(
            text.contains(names) && text.contains("not a regular file"),
            "{args:?}\n{}",
            out.dump()
        );
    }
    // The regular file beside the FIFO was still filed.
    let q = env.run(&["--output", "json", "sbom", "query", "--package", "x"]);
    assert_eq!(q.json()["images_indexed"], 1, "{}", q.dump());
}
