//! `vimes exceptions export` read by its consumers: the real Trivy 0.59.1
//! scanning a real image with the exported `.trivyignore.yaml` or OpenVEX
//! document drops exactly the findings vimes waives; the OpenVEX document is
//! valid against the OpenVEX schema; Harbor's allowlist says what it widens.

use super::schema::{assert_valid, json_schema};
use crate::scan::scan_bed;
use crate::support::dates::{real_day, real_today};
use crate::support::trivy::{findings, fresh_cache_dir, run_trivy_raw};
use crate::support::{TestBed, TestEnv};
use std::collections::BTreeSet;

/// The exceptions of the scenario, signed by the approver:
/// - CVE-2099-0001 limited to zlib1g, but found in libssl3: stays;
/// - CVE-2099-0002 limited to zlib1g, valid through today: dropped;
/// - CVE-2099-0003 limited to other images: stays;
/// - CVE-2099-0004 limited to this image and libtiff6: dropped;
/// - CVE-2099-0005 for every image and package: dropped.
fn signed_exceptions(env: &mut TestEnv) {
    let today = real_today();
    let later = real_day(180);
    let yaml = format!(
        "version: 1\nexceptions:\n\
         - id: CVE-2099-0001\n  packages: [zlib1g]\n  reason: wrong package on purpose\n  expires: {later}\n  approved_by: sec@example.com\n\
         - id: cve-2099-0002\n  packages: [zlib1g]\n  reason: not reachable\n  expires: {today}\n  approved_by: sec@example.com\n\
         - id: CVE-2099-0003\n  images: [\"other/*\"]\n  reason: other images only\n  expires: {later}\n  approved_by: sec@example.com\n\
         - id: CVE-2099-0004\n  images: [staging/vuln]\n  packages: [libtiff6]\n  reason: no fix upstream\n  expires: {later}\n  approved_by: sec@example.com\n\
         - id: CVE-2099-0005\n  reason: requests is not used at runtime\n  expires: {later}\n  approved_by: sec@example.com\n"
    );
    env.write("security/exceptions.yaml", yaml);
    // vimes judges "today" by VIMES_TODAY in scan_bed; make it the real day
    // so that vimes and Trivy agree on what is in force.
    env.env("VIMES_TODAY", &today);
    env.run(&["exceptions", "sign", "--key", "security/team.key"])
        .assert_code(0);
}

/// The real Trivy's JSON report of `image` with `extra` arguments.
fn trivy_report(cache: &std::path::Path, image: &str, extra: &[&str]) -> serde_json::Value {
    serde_json::from_str(&run_trivy_raw(cache, image, extra, &[])).expect("report")
}

fn ids(report: &serde_json::Value) -> BTreeSet<String> {
    findings(report).into_iter().map(|f| f.id).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn trivy_drops_exactly_the_excepted_findings_with_the_exported_files() {
    let Some(mut bed) = scan_bed("")
        .fixture("reg", "vulnerable", "staging/vuln", "1")
        .build()
    else {
        return;
    };
    let digest = bed.digests["staging/vuln:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    signed_exceptions(env);
    let by_digest = format!("{}/staging/vuln@{digest}", reg.host());
    let cache = fresh_cache_dir();
    let baseline = trivy_report(&cache, &by_digest, &[]);
    let all = set(&[
        "CVE-2099-0001",
        "CVE-2099-0002",
        "CVE-2099-0003",
        "CVE-2099-0004",
        "CVE-2099-0005",
    ]);
    assert_eq!(ids(&baseline), all);
    let remaining = set(&["CVE-2099-0001", "CVE-2099-0003"]);

    // vimes itself waives 0002 and 0004 (0005 is MEDIUM: allowed, not
    // blocking, but covered by an exception all the same).
    let out = env.run(&["--output", "json", "scan", &by_digest]);
    let waived: BTreeSet<String> = out.json()["verdict"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["decision"] == "waived")
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(
        waived,
        set(&["CVE-2099-0002", "CVE-2099-0004"]),
        "{}",
        out.dump()
    );

    // Without --image the image scopes cannot be expressed: refused, named.
    let out = env.run(&["exceptions", "export", "--format", "trivyignore"]);
    out.assert_code(2);
    out.assert_stderr_contains("CVE-2099-0003 (images: other/*)");
    out.assert_stderr_contains("--image");

    let ignore = env.path("vuln.trivyignore.yaml");
    env.run(&[
        "exceptions",
        "export",
        "--format",
        "trivyignore",
        "--image",
        "vuln",
        "-o",
        &ignore.display().to_string(),
    ])
    .assert_code(0);
    let ignore_arg = ignore.display().to_string();
    let report = trivy_report(&cache, &by_digest, &["--ignorefile", &ignore_arg]);
    assert_eq!(
        ids(&report),
        remaining,
        "{}",
        env.read("vuln.trivyignore.yaml")
    );

    // OpenVEX: valid for the schema, and Trivy suppresses the same three.
    let out = env.run(&[
        "exceptions",
        "export",
        "--format",
        "openvex",
        "--image",
        "vuln:1",
    ]);
    out.assert_code(2);
    out.assert_stderr_contains("by digest");
    let out = env.run(&[
        "--output",
        "json",
        "exceptions",
        "export",
        "--format",
        "openvex",
        "--image",
        &by_digest,
    ]);
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(
        doc["exported"],
        serde_json::json!([
            "CVE-2099-0001",
            "cve-2099-0002",
            "CVE-2099-0004",
            "CVE-2099-0005"
        ])
    );
    let vex = &doc["document"];
    assert_valid(
        &json_schema("openvex/openvex_json_schema.json"),
        vex,
        "the OpenVEX export",
    );
    env.write(
        "vuln.openvex.json",
        serde_json::to_string_pretty(vex).expect("json"),
    );
    let vex_arg = env.path("vuln.openvex.json").display().to_string();
    let report = trivy_report(&cache, &by_digest, &["--vex", &vex_arg]);
    assert_eq!(ids(&report), remaining, "{}", env.read("vuln.openvex.json"));
}

#[test]
fn harbor_allowlist_says_what_it_widens() {
    let mut env = TestBed::builder()
        .password("approver")
        .env("VIMES_TODAY", "2026-11-29")
        .config_text(
            "version: 1\npolicy:\n  exceptions: exceptions.yaml\n  approvers: [team.pub]\n",
        )
        .signing_key("team")
        .ready()
        .env;
    env.write(
        "exceptions.yaml",
        "version: 1\nexceptions:\n- id: CVE-2099-0001\n  reason: r\n  expires: 2027-01-01\n  approved_by: a@example.com\n\
         - id: CVE-2099-0002\n  packages: [zlib1g]\n  images: [\"payments/*\"]\n  reason: r\n  expires: 2027-01-01\n  approved_by: a@example.com\n",
    );
    env.run(&["exceptions", "sign", "--key", "team.key"])
        .assert_code(0);
    let out = env.run(&[
        "--output",
        "json",
        "exceptions",
        "export",
        "--format",
        "harbor",
    ]);
    out.assert_code(0);
    out.assert_stderr_contains(
        "warning: CVE-2099-0002 is limited to images payments/*; packages zlib1g",
    );
    let doc = out.json();
    assert_eq!(doc["widened"][0]["id"], "CVE-2099-0002");
    assert_eq!(doc["widened"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["document"]["items"].as_array().map(Vec::len), Some(2));
    // -q silences progress, not the warning.
    let out = env.run(&["-q", "exceptions", "export", "--format", "harbor"]);
    out.assert_code(0);
    out.assert_stderr_contains("warning: CVE-2099-0002");
    assert!(out.json()["items"].is_array());
}
