//! Pinned tool binaries (`tools.*.sha256`, `tools.require_pinned`): the
//! real Trivy and Syft run when their hashes match and are named in the
//! promotion record; a Trivy swapped after pinning, or an unpinned tool under
//! `require_pinned`, stops the promotion before production holds anything.

use crate::promote::setup;
use crate::support::find_on_path;
use crate::support::trivy::build_fixture_image;
use sha2::{Digest as _, Sha256};
use std::path::PathBuf;

/// The real binary behind a name on PATH (symlinks followed) and its SHA-256.
fn real_binary(name: &str) -> (PathBuf, String) {
    let found = find_on_path(name).unwrap_or_else(|| panic!("{name} on PATH"));
    let real = std::fs::canonicalize(&found).unwrap();
    let bytes = std::fs::read(&real).unwrap();
    (real, hex::encode(Sha256::digest(&bytes)))
}

#[test]
fn pinned_tools_run_and_are_recorded_and_a_swapped_trivy_is_refused_before_anything_is_written() {
    let (trivy, trivy_sha) = real_binary("trivy");
    // A link the test can later point elsewhere, as a changed PATH entry would.
    let tools = format!("tools:\n  trivy: {{path: bin-pinned/trivy, sha256: {trivy_sha}}}\n");
    let Some(mut b) = setup(&tools) else {
        return;
    };
    std::fs::create_dir_all(b.env.path("bin-pinned")).unwrap();
    std::os::unix::fs::symlink(&trivy, b.env.path("bin-pinned/trivy")).unwrap();
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");

    let out = b
        .env
        .run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    out.assert_code(0);
    let record = out.json();
    let ran: Vec<(&str, &str, bool)> = record["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("tools in the record: {}", out.dump()))
        .iter()
        .map(|t| {
            (
                t["tool"].as_str().unwrap(),
                t["sha256"].as_str().unwrap(),
                t["pinned"].as_bool().unwrap(),
            )
        })
        .collect();
    let (_, syft_sha) = real_binary("syft");
    assert_eq!(
        ran,
        [
            ("trivy", trivy_sha.as_str(), true),
            ("syft", syft_sha.as_str(), false)
        ]
    );
    assert_eq!(
        record["tools"][0]["path"],
        trivy.display().to_string().as_str()
    );
    let promoted = b.production.client().get_manifest("production/web", "1.0");
    assert_eq!(promoted.map(|m| m.2), Some(digest));

    // The link now leads to a wrapper that behaves exactly like Trivy: only
    // its hash gives it away.
    b.env.write_executable(
        "trivy-wrapper",
        &format!("#!/bin/sh\nexec {} \"$@\"\n", trivy.display()),
    );
    std::fs::remove_file(b.env.path("bin-pinned/trivy")).unwrap();
    let wrapper = b.env.bin_dir().join("trivy-wrapper");
    std::os::unix::fs::symlink(&wrapper, b.env.path("bin-pinned/trivy")).unwrap();
    let wrapper_sha = hex::encode(Sha256::digest(std::fs::read(&wrapper).unwrap()));
    build_fixture_image(&b.staging, "clean", "staging/api", "2.0");
    let out = b.env.run(&["--yes", "promote", "api:2.0"]);
    out.assert_code(3);
    for named in [
        trivy_sha.as_str(),
        wrapper_sha.as_str(),
        "tools.trivy.sha256",
        "refusing to run it",
    ] {
        assert!(out.stderr.contains(named), "{named} in {}", out.dump());
    }
    assert_eq!(
        b.production.client().get_manifest("production/api", "2.0"),
        None,
        "nothing promoted with a swapped scanner"
    );
    b.env.run(&["scan", "web:1.0"]).assert_code(3);
}

#[test]
fn an_unpinned_tool_under_require_pinned_is_a_config_error_and_nothing_is_promoted() {
    let (_, trivy_sha) = real_binary("trivy");
    let tools =
        format!("tools:\n  trivy: {{path: trivy, sha256: {trivy_sha}}}\n  require_pinned: true\n");
    let Some(b) = setup(&tools) else {
        return;
    };
    build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    let out = b.env.run(&["--yes", "promote", "web:1.0"]);
    out.assert_code(2);
    assert!(
        out.stderr
            .contains("tools.require_pinned is set but tools.syft.sha256 is not"),
        "{}",
        out.dump()
    );
    assert_eq!(
        b.production.client().get_manifest("production/web", "1.0"),
        None
    );

    // `config show` names what would run and what is missing, without failing.
    let shown = b.env.run(&["config", "show"]);
    shown.assert_code(0);
    assert!(
        shown
            .stdout
            .contains(&format!("sha256 {trivy_sha} (pinned)")),
        "{}",
        shown.dump()
    );
    assert!(
        shown.stdout.contains("tools.syft.sha256 is not"),
        "{}",
        shown.dump()
    );
}
