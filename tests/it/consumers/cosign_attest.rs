//! `vimes attest --type NAME` read back as cosign reads it (issue #19,
//! "Formats named like cosign's"): each of cosign's type names gives cosign's
//! predicate type URI in the DSSE statement and the layer annotation, checked
//! with the independent verifier (cosign_compat); `custom` is wrapped as
//! cosign's `CosignPredicate`; the vuln predicate of a real scan is valid
//! against the cosign vuln predicate schema, with the spec's array of
//! parameters and a DB URI.

use super::schema::{assert_valid, json_schema};
use crate::cosign_compat as cc;
use crate::scan::scan_bed;
use crate::support::bed::TestBedBuilder;
use crate::support::TestBed;
use crate::support::{Registry, TestImage};
use serde_json::Value;

const PASSWORD: &str = "cosign names password";

/// cosign's predicate type map (cmd/cosign/cli/options/predicate.go).
const COSIGN_TYPES: &[(&str, &str)] = &[
    ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
    ("slsaprovenance02", "https://slsa.dev/provenance/v0.2"),
    ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
    ("link", "https://in-toto.io/Link/v1"),
    ("spdx", "https://spdx.dev/Document"),
    ("spdxjson", "https://spdx.dev/Document"),
    ("cyclonedx", "https://cyclonedx.org/bom"),
    ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
    ("openvex", "https://openvex.dev/ns"),
    ("custom", "https://cosign.sigstore.dev/attestation/v1"),
];

/// The registry `reg` as `local`, a vimes key pair `cosign.key`/`.pub` to
/// sign with, and `require` as the required attestations.
fn attest_bed(require: &str) -> TestBedBuilder {
    TestBed::builder()
        .registry("reg")
        .password(PASSWORD)
        .signing_config("reg", &format!("  require_attestations: [{require}]\n"))
        .signing_key("cosign")
}

/// The statements of the `.att` manifest of `repo@digest`, each checked with
/// the independent verifier against `public_pem`: (layer annotation, statement).
fn statements(reg: &Registry, repo: &str, digest: &str, public_pem: &str) -> Vec<(String, Value)> {
    let (_, manifest) = cc::read_attachment(reg, repo, digest, "att").expect(".att tag");
    manifest["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|layer| {
            assert_eq!(layer["mediaType"], cc::DSSE);
            let blob = reg
                .client()
                .get_blob(repo, layer["digest"].as_str().expect("digest"))
                .expect("layer blob");
            let envelope: Value = serde_json::from_slice(&blob).expect("DSSE JSON");
            assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
            let payload = cc::unb64(envelope["payload"].as_str().expect("payload"));
            let sig = cc::unb64(envelope["signatures"][0]["sig"].as_str().expect("sig"));
            assert!(
                cc::verifies(
                    public_pem,
                    &cc::pae("application/vnd.in-toto+json", &payload),
                    &sig
                ),
                "the statement's signature verifies independently"
            );
            let annotation = layer["annotations"]["predicateType"]
                .as_str()
                .expect("predicateType annotation")
                .to_string();
            (
                annotation,
                serde_json::from_slice(&payload).expect("statement"),
            )
        })
        .collect()
}

/// Whether `s` is RFC 3339 as Go's `time.RFC3339` writes UTC: `YYYY-MM-DDTHH:MM:SSZ`.
fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn attest_types_carry_cosigns_predicate_types_and_custom_is_wrapped() {
    let Some(mut bed) = attest_bed("slsaprovenance02, spdxjson, link, openvex")
        .image(
            "reg",
            "team/app",
            Some("1"),
            TestImage::random(1901, 1, 512),
        )
        .build()
    else {
        return;
    };
    let digest = bed.digest("team/app:1").to_string();
    // A second environment on the registry, requiring no attestation.
    let mut plain = bed.sibling(attest_bed(""));
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    let reference = format!("{}/team/app:1", reg.host());
    env.run(&["sign", &reference]).assert_code(0);
    let custom_text = "build 1234 on ci.example.com\nnot JSON, as cosign allows\n";
    env.write("custom.txt", custom_text);
    for (name, uri) in COSIGN_TYPES {
        // Each predicate names its type, so no two statements are equal.
        let file = if *name == "custom" {
            "custom.txt".to_string()
        } else {
            let file = format!("{name}.json");
            env.write(&file, format!("{{\"made_for\": \"{name}\"}}"));
            file
        };
        let out = env.run(&[
            "--output",
            "json",
            "attest",
            "--type",
            name,
            "--predicate",
            &file,
            &reference,
        ]);
        out.assert_code(0);
        assert_eq!(out.json()["predicate_type"], *uri, "{name}: {}", out.dump());
    }

    let found = statements(reg, "team/app", &digest, &env.read("cosign.pub"));
    assert_eq!(found.len(), COSIGN_TYPES.len());
    for ((name, uri), (annotation, statement)) in COSIGN_TYPES.iter().zip(&found) {
        assert_eq!(annotation, uri, "{name}");
        assert_eq!(statement["predicateType"], *uri, "{name}");
        assert_eq!(statement["_type"], "https://in-toto.io/Statement/v0.1");
        assert_eq!(
            statement["subject"][0]["digest"]["sha256"],
            digest.trim_start_matches("sha256:")
        );
        if *name == "custom" {
            // cosign's CosignPredicate: the file as a string, and when.
            let predicate = statement["predicate"].as_object().expect("object");
            assert_eq!(predicate.len(), 2, "{predicate:?}");
            assert_eq!(predicate["Data"], custom_text);
            let stamp = predicate["Timestamp"].as_str().expect("Timestamp string");
            assert!(is_rfc3339_utc(stamp), "{stamp}");
        } else {
            assert_eq!(statement["predicate"]["made_for"], *name);
        }
    }

    // Every name asks `verify` for the URI `attest` wrote under it, from the
    // command line and from signing.require_attestations alike.
    env.run(&["verify", &reference]).assert_code(0);
    for (name, _) in COSIGN_TYPES {
        env.run(&["verify", "--require-attestation", name, &reference])
            .assert_code(0);
    }

    // SLSA v0.2 and v1 are told apart, as cosign tells them apart.
    let v1_only = reg.push("team/v1", Some("1"), &TestImage::random(1902, 1, 512));
    let v1_ref = format!("{}/team/v1:1", reg.host());
    env.run(&["sign", &v1_ref]).assert_code(0);
    env.write("prov.json", "{\"buildDefinition\": {}, \"runDetails\": {}}");
    env.run(&[
        "attest",
        "--type",
        "slsaprovenance1",
        "--predicate",
        "prov.json",
        &v1_ref,
    ])
    .assert_code(0);
    let found = statements(reg, "team/v1", &v1_only, &env.read("cosign.pub"));
    assert_eq!(found[0].0, "https://slsa.dev/provenance/v1");
    // signing.require_attestations (v0.2, link, ...) still holds for it.
    env.run(&["verify", &v1_ref]).assert_code(1);
    plain.write("cosign.pub", env.read("cosign.pub"));
    plain
        .run(&[
            "verify",
            "--require-attestation",
            "slsaprovenance1",
            &v1_ref,
        ])
        .assert_code(0);
    let out = plain.run(&["verify", "--require-attestation", "slsaprovenance", &v1_ref]);
    out.assert_code(1);
    out.assert_stdout_contains("slsaprovenance");

    // Names cosign does not have are refused, listing the ones it has.
    let out = plain.run(&[
        "attest",
        "--type",
        "slsa-provenance",
        "--predicate",
        "prov.json",
        &v1_ref,
    ]);
    out.assert_code(2);
    out.assert_stderr_contains("slsaprovenance1");
}

#[test]
fn vuln_predicate_of_a_scan_is_valid_against_cosigns_vuln_spec() {
    let Some(bed) = scan_bed("")
        .fixture("reg", "clean", "staging/clean0", "1")
        .fixture("reg", "clean", "staging/clean1", "1")
        .build()
    else {
        return;
    };
    let schema = json_schema("cosign/cosign-vuln-predicate.schema.json");
    let reg = &bed.regs["reg"];
    for (i, (extra, db_uri)) in [
        ("", "ghcr.io/aquasecurity/trivy-db:2"),
        (
            "tools:\n  trivy:\n    path: trivy\n    skip_db_update: true\n    db_repository: mirror.example.com/trivy-db:2\n",
            "mirror.example.com/trivy-db:2",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let repo = format!("staging/clean{i}");
        let digest = bed.digest(&format!("{repo}:1"));
        let env = bed.sibling(
            scan_bed(&format!(
                "signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n{extra}"
            ))
            .signing_key("cosign"),
        );
        let image = format!("{}/{repo}:1", reg.host());
        env.run(&["scan", "--no-cache", "--attach", &image])
            .assert_code(0);
        let found = statements(reg, &repo, digest, &env.read("cosign.pub"));
        let [(annotation, statement)] = &found[..] else {
            panic!("one attestation expected: {found:?}");
        };
        assert_eq!(annotation, "https://cosign.sigstore.dev/attestation/vuln/v1");
        let predicate = &statement["predicate"];
        assert_valid(&schema, predicate, "the vuln predicate");
        // The spec's `parameters` is an array (of the scanner's arguments).
        let parameters = predicate["invocation"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("parameters is not an array: {predicate}"));
        assert!(parameters.iter().all(Value::is_string), "{parameters:?}");
        assert!(parameters.contains(&"--scanners".into()), "{parameters:?}");
        assert!(
            parameters.contains(&"VIMES_TODAY=2026-11-29".into()),
            "{parameters:?}"
        );
        assert_eq!(predicate["scanner"]["db"]["uri"], db_uri);
        assert_eq!(predicate["scanner"]["version"], "0.59.1");
        assert_eq!(predicate["scanner"]["result"]["SchemaVersion"], 2);
    }
}
