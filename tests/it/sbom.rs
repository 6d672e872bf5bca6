//! `vimes sbom`, `sbom index` and `sbom query` with the real binary, a real
//! registry and the real Syft 1.18.1, on images whose rootfs holds real dpkg
//! and Python metadata (support::rootfs).

mod backends;
mod bad_input;
mod hostile;
mod queries;

use crate::cosign_compat::{self as cc, ForeignKey, Layer};
use crate::support::bed::TestBedBuilder;
use crate::support::rootfs::{deb, py, RootfsImage};
use crate::support::TestBed;
use crate::support::{RunOutput, TestEnv, TestImage};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const PASSWORD: &str = "sbom test password";

/// The images of the advisory test. A is affected everywhere; B has the fixed
/// versions; C is affected only where a naive comparison says it is not
/// (`~` before the release, no epoch, a release candidate); D is past every fix.
fn image(which: char) -> TestImage {
    let (zlib, ssl, requests) = match which {
        'A' => ("1:1.2.13.dfsg-1", "3.0.11-1~deb12u1", "2.28.1"),
        'B' => ("1:1.2.13.dfsg-3", "3.0.13-1~deb12u1", "2.31.0"),
        'C' => ("1.3.dfsg-1", "3.0.13~rc1-1", "2.31.0rc1"),
        _ => ("2:1.0-1", "3.0.13-1", "2.31.0.post1"),
    };
    RootfsImage::debian(
        &[
            deb("zlib1g", zlib, "zlib"),
            deb("libssl3", ssl, "openssl"),
            deb("libc6", "2.36-9+deb12u3", "glibc"),
            deb("libtiff6", "4.5.0-6+deb12u1", "tiff (4.5.0-6)"),
        ],
        &[py("requests", requests), py("urllib3", "2.0.0rc1")],
    )
}

/// A bed with the registry `reg` (plain HTTP, as `local` in vimes.yaml) and a
/// vimes key pair; `extra` is appended to vimes.yaml.
fn sbom_bed(extra: &str) -> TestBedBuilder {
    TestBed::builder()
        .tool("syft")
        .registry("reg")
        .password(PASSWORD)
        .signing_config("reg", extra)
        .signing_key("cosign")
}

fn json_file(env: &TestEnv, rel: &str) -> Value {
    serde_json::from_str(&env.read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// (repository, digest, package, version) of every match of a query.
fn matches(out: &RunOutput) -> BTreeSet<(String, String, String, String)> {
    let doc = out.json();
    doc["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("no matches array\n{}", out.dump()))
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            (s("repository"), s("digest"), s("package"), s("version"))
        })
        .collect()
}

#[test]
fn sboms_in_both_formats_list_the_packages() {
    let Some(bed) = sbom_bed("")
        .image("reg", "fixtures/app", Some("1.0"), image('A'))
        .build()
    else {
        return;
    };
    let digest = bed.digests["fixtures/app:1.0"].clone();
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    let reference = format!("{}/fixtures/app:1.0", reg.host());
    env.run(&["sbom", "-o", "app.cdx.json", &reference])
        .assert_success()
        .assert_stdout_contains("6 packages, syft 1.18.1");
    let summary = env
        .run(&[
            "--output",
            "json",
            "sbom",
            "--format",
            "spdx-json",
            "-o",
            "app.spdx.json",
            &reference,
        ])
        .assert_success()
        .json();
    assert_eq!(summary["digest"], digest.as_str());
    assert_eq!(summary["packages"], 6);
    assert_eq!(summary["syft_version"], "1.18.1");
    assert_eq!(summary["format"], "spdx-json");

    let cdx = json_file(env, "app.cdx.json");
    assert_eq!(cdx["bomFormat"], "CycloneDX");
    assert_eq!(cdx["metadata"]["component"]["version"], digest.as_str());
    let purls: BTreeSet<&str> = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    for expected in [
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib",
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
        "pkg:deb/debian/libtiff6@4.5.0-6%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=tiff%404.5.0-6",
        "pkg:pypi/requests@2.28.1",
        "pkg:pypi/urllib3@2.0.0rc1",
    ] {
        assert!(purls.contains(expected), "{expected} missing from {purls:?}");
    }
    let spdx = json_file(env, "app.spdx.json");
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    let packages: BTreeSet<(&str, &str)> = spdx["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["versionInfo"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for expected in [
        ("zlib1g", "1:1.2.13.dfsg-1"),
        ("libc6", "2.36-9+deb12u3"),
        ("requests", "2.28.1"),
    ] {
        assert!(
            packages.contains(&expected),
            "{expected:?} missing from {packages:?}"
        );
    }
    // Without -o the SBOM itself is the output.
    let printed = env.run(&["-q", "sbom", &reference]).assert_success().json();
    assert_eq!(printed["bomFormat"], "CycloneDX");
    // Files never indexed by `sbom` alone; indexing them finds the same packages.
    env.run(&["sbom", "index", "app.cdx.json", "app.spdx.json"])
        .assert_success();
    let found = env.run(&["--output", "json", "sbom", "query", "--package", "openssl"]);
    assert_eq!(found.json()["images"], 1);
    assert_eq!(
        matches(&found).len(),
        1,
        "one image, filed once whatever the format"
    );
}

#[test]
fn attach_makes_an_attestation_that_verify_accepts_and_index_reads() {
    let Some(mut bed) = sbom_bed("")
        .image("reg", "prod/app", Some("1.0"), image('A'))
        .build()
    else {
        return;
    };
    let digest = bed.digests["prod/app:1.0"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    let reference = format!("{}/prod/app:1.0", reg.host());
    env.run(&["sign", &reference]).assert_success();
    env.run(&["verify", "--require-attestation", "cyclonedx", &reference])
        .assert_code(1);
    let out = env
        .run(&[
            "--output",
            "json",
            "sbom",
            "--attach",
            "-o",
            "app.cdx.json",
            &reference,
        ])
        .assert_success()
        .json();
    assert_eq!(
        out["attestation"]["predicate_type"],
        "https://cyclonedx.org/bom"
    );
    env.run(&["verify", "--require-attestation", "cyclonedx", &reference])
        .assert_success();

    // Independently: a DSSE envelope, signed with the vimes key, whose predicate is the SBOM.
    let (_, manifest) = cc::read_attachment(reg, "prod/app", &digest, "att").expect(".att tag");
    let layer = &manifest["layers"][0];
    assert_eq!(
        layer["annotations"]["predicateType"],
        "https://cyclonedx.org/bom"
    );
    let blob = reg
        .client()
        .get_blob("prod/app", layer["digest"].as_str().unwrap())
        .unwrap();
    let envelope: Value = serde_json::from_slice(&blob).unwrap();
    let statement = cc::unb64(envelope["payload"].as_str().unwrap());
    let sig = cc::unb64(envelope["signatures"][0]["sig"].as_str().unwrap());
    assert!(cc::verifies(
        &env.read("cosign.pub"),
        &cc::pae("application/vnd.in-toto+json", &statement),
        &sig
    ));
    let statement: Value = serde_json::from_slice(&statement).unwrap();
    assert_eq!(statement["subject"][0]["digest"]["sha256"], &digest[7..]);
    assert_eq!(statement["predicate"], json_file(env, "app.cdx.json"));

    // --attach filed it in the default inventory (XDG data dir under HOME).
    assert!(env.path(".local/share/vimes/inventory.db").is_file());
    let q = env.run(&["--output", "json", "sbom", "query", "--package", "zlib1g"]);
    let expected_row = |v: &str| {
        (
            format!("{}/prod/app", reg.host()),
            digest.clone(),
            "zlib1g".into(),
            v.into(),
        )
    };
    assert_eq!(
        matches(&q),
        BTreeSet::from([expected_row("1:1.2.13.dfsg-1")])
    );
    assert_eq!(q.json()["matches"][0]["tags"], json!(["1.0"]));
    // A rebuilt inventory gets it back from the signed attestation.
    env.run(&["sbom", "index", "--rebuild", &reference])
        .assert_success();
    let q = env.run(&["--output", "json", "sbom", "query", "--package", "zlib1g"]);
    assert_eq!(
        matches(&q),
        BTreeSet::from([expected_row("1:1.2.13.dfsg-1")])
    );

    // No SBOM attestation: a policy refusal. One signed by an unknown key: too.
    let other = reg.push("prod/app", Some("2.0"), &image('B'));
    let unsigned = env.run(&["sbom", "index", &format!("{}/prod/app:2.0", reg.host())]);
    unsigned
        .assert_code(1)
        .assert_stderr_contains("no SBOM attestation");
    let foreign = ForeignKey::from_seed(9);
    let spdx: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/sbom/syft-1.18.1-debian.spdx.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let repository = format!("{}/prod/app", reg.host());
    cc::push_attachment(
        reg,
        "prod/app",
        &other,
        "att",
        &[Layer::attestation(
            &foreign,
            &repository,
            &other,
            "https://spdx.dev/Document",
            spdx,
        )],
    );
    env.run(&["sbom", "index", &format!("{repository}:2.0")])
        .assert_code(1)
        .assert_stderr_contains("no envelope signature verifies with a trusted key");
    // With that key trusted, an attestation made outside vimes is read.
    env.write("foreign.pub", foreign.public_pem());
    env.run(&[
        "sbom",
        "index",
        "--key",
        "foreign.pub",
        &format!("{repository}:2.0"),
    ])
    .assert_success()
    .assert_stdout_contains("(9 packages, spdx-json)");
}

/// With `signing.format: bundle`, `--attach` writes a Sigstore bundle referrer
/// (and says where), and `sbom index` reads the SBOM back from it.
#[test]
fn bundle_format_sbom_attestations_are_indexed() {
    let Some(bed) = sbom_bed("  format: bundle\n")
        .image("reg", "prod/app", Some("1.0"), image('A'))
        .build()
    else {
        return;
    };
    let digest = bed.digests["prod/app:1.0"].clone();
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    let reference = format!("{}/prod/app:1.0", reg.host());
    let attached = env
        .run(&[
            "--output",
            "json",
            "sbom",
            "--attach",
            "-o",
            "app.cdx.json",
            &reference,
        ])
        .assert_success()
        .assert_stderr_contains(&format!("attestation: {}/prod/app@sha256:", reg.host()))
        .json();
    assert!(
        attached["attestation"]["location"]
            .as_str()
            .is_some_and(|l| l.starts_with(&format!("{}/prod/app@sha256:", reg.host()))),
        "{attached}"
    );
    assert!(
        cc::read_attachment(reg, "prod/app", &digest, "att").is_none(),
        "a bundle, not a legacy .att layer"
    );
    env.run(&["sbom", "index", "--rebuild", &reference])
        .assert_success();
    let q = env.run(&["--output", "json", "sbom", "query", "--package", "zlib1g"]);
    assert_eq!(
        matches(&q),
        BTreeSet::from([(
            format!("{}/prod/app", reg.host()),
            digest.clone(),
            "zlib1g".to_string(),
            "1:1.2.13.dfsg-1".to_string(),
        )])
    );
    // Another key's bundle does not count.
    let stranger = bed.sibling(sbom_bed("  format: bundle\n"));
    stranger
        .run(&["sbom", "index", "--rebuild", &reference])
        .assert_code(1)
        .assert_stderr_contains("signature does not verify with any trusted key");
}
