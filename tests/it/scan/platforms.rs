//! Multi-platform images (issue #20, item 1): every platform manifest of an
//! index is scanned and the verdict is their union, so a clean `linux/amd64`
//! never vouches for a vulnerable `linux/arm64`.

use super::scan_bed;
use crate::support::oci::{sha256_digest, OCI_INDEX};
use crate::support::trivy::build_fixture_image;
use crate::support::Registry;
use serde_json::json;

/// Pushes `staging/multi:1`, an OCI index of the clean fixture as
/// `linux/amd64` and the vulnerable one as `linux/arm64` (plus `extra`
/// entries), and returns the index digest.
pub fn push_two_platform_index(reg: &Registry, extra: &[serde_json::Value]) -> String {
    push_index(
        reg,
        "staging/multi",
        &[("clean", "amd64"), ("vulnerable", "arm64")],
        extra,
    )
}

/// Pushes `REPO:1`, an OCI index of one fixture image per `(fixture,
/// architecture)` (each also tagged with its architecture), plus `extra`
/// entries, and returns the index digest.
pub fn push_index(
    reg: &Registry,
    repo: &str,
    platforms: &[(&str, &str)],
    extra: &[serde_json::Value],
) -> String {
    let client = reg.client();
    let mut manifests = Vec::new();
    for (fixture, arch) in platforms {
        build_fixture_image(reg, fixture, repo, arch);
        let (media_type, bytes, digest) = client
            .get_manifest(repo, arch)
            .expect("the platform image was pushed");
        manifests.push(json!({
            "mediaType": media_type,
            "digest": digest,
            "size": bytes.len(),
            "platform": {"os": "linux", "architecture": arch},
        }));
    }
    manifests.extend(extra.iter().cloned());
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": manifests,
    }))
    .unwrap();
    client.push_manifest(repo, "1", OCI_INDEX, &index);
    sha256_digest(&index)
}

/// The platforms a merged CycloneDX SBOM names for the components called
/// `name` (their `vimes:platform` properties).
pub fn cyclonedx_platforms_of(doc: &serde_json::Value, name: &str) -> Vec<String> {
    doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == name)
        .flat_map(|c| c["properties"].as_array().unwrap())
        .filter(|p| p["name"] == "vimes:platform")
        .map(|p| p["value"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_vulnerable_platform_blocks_the_whole_index_and_is_named() {
    let Some(bed) = scan_bed("")
        .push_with("reg", "staging/multi:1", |reg| {
            push_two_platform_index(reg, &[])
        })
        .build()
    else {
        return;
    };
    let (index, env) = (bed.digest("staging/multi:1"), &bed.env);
    let out = env.run(&["--output", "json", "scan", "multi:1"]);
    out.assert_code(1);
    let doc = out.json();
    assert_eq!(doc["digest"], index, "{}", out.dump());
    assert_eq!(doc["platforms"], json!(["linux/amd64", "linux/arm64"]));
    let blocked: Vec<(&str, &str)> = doc["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["decision"] == "blocked")
        .map(|f| (f["id"].as_str().unwrap(), f["platform"].as_str().unwrap()))
        .collect();
    assert_eq!(
        blocked,
        [
            ("CVE-2099-0001", "linux/arm64"),
            ("CVE-2099-0002", "linux/arm64"),
            ("CVE-2099-0004", "linux/arm64")
        ],
        "{}",
        out.dump()
    );

    let text = env.run(&["scan", "multi:1"]);
    text.assert_code(1);
    assert!(
        text.stdout.contains("CVE-2099-0001 CRITICAL in libssl3")
            && text.stdout.contains("on linux/arm64"),
        "{}",
        text.dump()
    );
    assert!(text
        .stdout
        .contains("Platforms scanned: linux/amd64, linux/arm64"));

    let sarif = env.run(&["--output", "sarif", "scan", "multi:1"]);
    sarif.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["properties"]["platform"] == "linux/arm64"));
}

#[test]
fn the_clean_platform_alone_passes_and_attestation_entries_are_not_images() {
    let Some(bed) = scan_bed("")
        .fixture("reg", "clean", "staging/single", "amd64")
        .fixture("reg", "vulnerable", "staging/single", "att")
        .push_with("reg", "staging/single:1", index_with_an_attestation_entry)
        .build()
    else {
        return;
    };
    let env = &bed.env;
    let out = env.run(&["--output", "json", "scan", "single:1"]);
    out.assert_code(0);
    assert_eq!(
        out.json()["platforms"],
        json!(["linux/amd64"]),
        "{}",
        out.dump()
    );
}

/// Pushes `staging/single:1`, an index of `staging/single:amd64` as
/// `linux/amd64` and of `staging/single:att` as a BuildKit attestation
/// manifest; returns its digest.
fn index_with_an_attestation_entry(reg: &Registry) -> String {
    let client = reg.client();
    let (clean_type, clean, clean_digest) = client.get_manifest("staging/single", "amd64").unwrap();
    let (att_type, att, att_digest) = client.get_manifest("staging/single", "att").unwrap();
    // BuildKit's attestation manifests sit in the index as unknown/unknown;
    // no runtime runs them, so they are not scanned as a platform.
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {"mediaType": clean_type, "digest": clean_digest, "size": clean.len(),
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": att_type, "digest": att_digest, "size": att.len(),
             "platform": {"os": "unknown", "architecture": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest"}},
        ],
    }))
    .unwrap();
    client.push_manifest("staging/single", "1", OCI_INDEX, &index);
    sha256_digest(&index)
}

/// The SBOM half of item 1: `vimes sbom` of an index catalogues every
/// platform (Syft alone reads the host's), names each package's platform,
/// and describes the index digest, so the inventory finds a package that
/// only the `linux/arm64` image holds.
#[test]
fn the_sbom_of_an_index_lists_every_platform_and_the_inventory_finds_them() {
    let Some(bed) = scan_bed("")
        .tool("syft")
        .push_with("reg", "staging/multi:1", |reg| {
            push_index(
                reg,
                "staging/multi",
                &[("clean", "amd64"), ("unfixed-only", "arm64")],
                &[],
            )
        })
        .build()
    else {
        return;
    };
    let (index, env) = (bed.digest("staging/multi:1"), &bed.env);
    for (format, file) in [
        ("cyclonedx-json", "multi.cdx.json"),
        ("spdx-json", "multi.spdx.json"),
    ] {
        env.run(&["sbom", "--format", format, "--output-file", file, "multi:1"])
            .assert_code(0);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(env.path(file)).unwrap()).unwrap();
        let platforms_of = |name: &str| -> Vec<String> {
            if format == "cyclonedx-json" {
                cyclonedx_platforms_of(&doc, name)
            } else {
                doc["packages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|p| p["name"] == name)
                    .flat_map(|p| p["annotations"].as_array().unwrap())
                    .map(|a| {
                        let comment = a["comment"].as_str().unwrap();
                        comment.split(' ').next().unwrap().to_string()
                    })
                    .collect()
            }
        };
        let expect = |items: &[&str]| -> Vec<String> {
            items
                .iter()
                .map(|p| match format {
                    "cyclonedx-json" => p.to_string(),
                    _ => format!("vimes:platform={p}"),
                })
                .collect()
        };
        // libtiff6 is only in the arm64 image, requests only in the amd64
        // one, libc6 in both.
        assert_eq!(
            platforms_of("libtiff6"),
            expect(&["linux/arm64"]),
            "{format}"
        );
        assert_eq!(
            platforms_of("requests"),
            expect(&["linux/amd64"]),
            "{format}"
        );
        assert_eq!(
            platforms_of("libc6"),
            expect(&["linux/amd64", "linux/arm64"]),
            "{format}"
        );
        env.run(&["sbom", "index", file]).assert_code(0);
    }
    let out = env.run(&["--output", "json", "sbom", "query", "--package", "libtiff6"]);
    out.assert_code(0);
    let text = out.stdout.clone();
    assert!(
        text.contains(index),
        "the index digest is the subject: {}",
        out.dump()
    );
}

/// A platform Syft cannot catalogue fails the SBOM of the whole index (exit
/// 3, naming the platform) instead of leaving its packages out: a stand-in
/// runs the real Syft for every platform but `linux/arm64`'s manifest.
#[test]
fn a_platform_syft_cannot_catalogue_fails_the_whole_sbom_naming_it() {
    // Found on the test's PATH, where the stand-in is written.
    let Some(mut bed) = scan_bed("tools:\n  syft:\n    path: syft-but-arm64\n")
        .tool("syft")
        .push_with("reg", "staging/multi:1", |reg| {
            push_index(
                reg,
                "staging/multi",
                &[("clean", "amd64"), ("unfixed-only", "arm64")],
                &[],
            )
        })
        .build()
    else {
        return;
    };
    let (_, _, arm64) = bed.regs["reg"]
        .client()
        .get_manifest("staging/multi", "arm64")
        .expect("the arm64 image");
    let real = crate::support::find_on_path("syft").expect("syft");
    let env = &mut bed.env;
    env.write_executable(
        "syft-but-arm64",
        &format!(
            "#!/bin/sh\ncase \"$*\" in *{arm64}*) echo 'MANIFEST_UNKNOWN' >&2; exit 1;; esac\nexec {} \"$@\"\n",
            real.display()
        ),
    );
    let out = env.run(&["sbom", "--output-file", "multi.json", "multi:1"]);
    out.assert_code(3);
    out.assert_stderr_contains("on platform linux/arm64");
    out.assert_stderr_contains("MANIFEST_UNKNOWN");
    assert!(
        !env.path("multi.json").exists(),
        "no SBOM is written for an index missing a platform"
    );
}
