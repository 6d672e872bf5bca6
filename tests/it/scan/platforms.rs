//! Multi-platform images (issue #20, item 1): every platform manifest of an
//! index is scanned and the verdict is their union, so a clean `linux/amd64`
//! never vouches for a vulnerable `linux/arm64`.

use super::{bed, scan_env};
use crate::support::oci::{sha256_digest, OCI_INDEX};
use crate::support::trivy::build_fixture_image;
use crate::support::Registry;
use serde_json::json;

/// Pushes `staging/multi:1`, an OCI index of the clean fixture as
/// `linux/amd64` and the vulnerable one as `linux/arm64` (plus `extra`
/// entries), and returns the index digest.
pub fn push_two_platform_index(reg: &Registry, extra: &[serde_json::Value]) -> String {
    build_fixture_image(reg, "clean", "staging/multi", "amd64");
    build_fixture_image(reg, "vulnerable", "staging/multi", "arm64");
    let client = reg.client();
    let entry = |tag: &str, arch: &str| {
        let (media_type, bytes, digest) = client
            .get_manifest("staging/multi", tag)
            .expect("the platform image was pushed");
        json!({
            "mediaType": media_type,
            "digest": digest,
            "size": bytes.len(),
            "platform": {"os": "linux", "architecture": arch},
        })
    };
    let mut manifests = vec![entry("amd64", "amd64"), entry("arm64", "arm64")];
    manifests.extend(extra.iter().cloned());
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": manifests,
    }))
    .unwrap();
    client.push_manifest("staging/multi", "1", OCI_INDEX, &index);
    sha256_digest(&index)
}

#[test]
fn a_vulnerable_platform_blocks_the_whole_index_and_is_named() {
    if !bed() {
        return;
    }
    let reg = Registry::plain();
    let index = push_two_platform_index(&reg, &[]);
    let env = scan_env(&reg, "");
    let out = env.run(&["--output", "json", "scan", "multi:1"]);
    out.assert_code(1);
    let doc = out.json();
    assert_eq!(doc["digest"], index.as_str(), "{}", out.dump());
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
    if !bed() {
        return;
    }
    let reg = Registry::plain();
    build_fixture_image(&reg, "clean", "staging/single", "amd64");
    build_fixture_image(&reg, "vulnerable", "staging/single", "att");
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
    let env = scan_env(&reg, "");
    let out = env.run(&["--output", "json", "scan", "single:1"]);
    out.assert_code(0);
    assert_eq!(
        out.json()["platforms"],
        json!(["linux/amd64"]),
        "{}",
        out.dump()
    );
}
