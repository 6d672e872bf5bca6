//! What an attestation must say to count (issue #20 items 14 and 16), against
//! a real registry, with statements signed by a key vimes did not make: the
//! statement type, the subject's repository as well as its digest (on the
//! same subject when there are several), and `verify`'s text output showing
//! unverified strings only escaped. Also cosign's warning for a private key
//! file others can read.

use super::{signing_bed, PASSWORD};
use crate::cosign_compat::{self as cc, ForeignKey, Layer};
use crate::support::TestBed;
use crate::support::TestImage;
use serde_json::{json, Value};

const CUSTOM: &str = "https://cosign.sigstore.dev/attestation/v1";

/// A DSSE layer around `statement`, signed by `key`, annotated `predicate_type`.
fn statement_layer(key: &ForeignKey, statement: &Value, predicate_type: &str) -> Layer {
    let bytes = serde_json::to_vec(statement).unwrap();
    let sig = key.sign(&cc::pae("application/vnd.in-toto+json", &bytes));
    let envelope = serde_json::to_vec(&json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": cc::b64(&bytes),
        "signatures": [{ "keyid": "", "sig": cc::b64(&sig) }],
    }))
    .unwrap();
    Layer {
        media_type: cc::DSSE,
        blob: envelope,
        annotations: json!({ cc::SIG_ANNOTATION: "", "predicateType": predicate_type }),
    }
}

fn statement(kind: &str, subjects: Value, marker: &str) -> Value {
    json!({
        "_type": kind,
        "predicateType": CUSTOM,
        "subject": subjects,
        "predicate": { "Data": marker },
    })
}

/// The attestation checks of `vimes --output json verify`, keyed by the
/// marker in each statement's predicate (found through the layer digest).
fn verdicts(out: &crate::support::RunOutput, layers: &[(&str, &Layer)]) -> Vec<(String, bool)> {
    let json = out.json();
    let checks = json["attestations"].as_array().unwrap();
    layers
        .iter()
        .map(|(marker, layer)| {
            let digest = crate::support::sha256_digest(&layer.blob);
            let check = checks
                .iter()
                .find(|c| c["layer"] == digest.as_str())
                .unwrap_or_else(|| panic!("{marker} not examined: {}", out.dump()));
            (marker.to_string(), check["valid"].as_bool().unwrap())
        })
        .collect()
}

#[test]
fn attestations_count_only_with_an_in_toto_type_and_this_repository_on_the_matching_subject() {
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    let image = TestImage::random(2016, 1, 512);
    let digest = reg.push("prod/app", Some("1"), &image);
    let hex = digest.trim_start_matches("sha256:");
    let other_hex = "b".repeat(64);
    let here = format!("{}/prod/app", reg.host());
    let elsewhere = format!("{}/staging/app", reg.host());
    let mut env = bed.env;
    let key = ForeignKey::from_seed(16);
    env.write("foreign.pub", key.public_pem());
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\nsigning:\n  public_keys: [foreign.pub]\n",
        reg.host()
    ));
    env.env("COSIGN_PASSWORD", PASSWORD);
    cc::push_attachment(
        reg,
        "prod/app",
        &digest,
        "sig",
        &[Layer::signature(&key, cc::payload(&here, &digest))],
    );
    let v01 = "https://in-toto.io/Statement/v0.1";
    let bad_type = statement_layer(
        &key,
        &statement(
            "https://in-toto.io/Statement/v9",
            json!([{ "name": here, "digest": { "sha256": hex } }]),
            "bad-type",
        ),
        CUSTOM,
    );
    let other_repository = statement_layer(
        &key,
        &statement(
            v01,
            json!([{ "name": elsewhere, "digest": { "sha256": hex } }]),
            "other-repository",
        ),
        CUSTOM,
    );
    // The digest on one subject, this repository on another.
    let split_subjects = statement_layer(
        &key,
        &statement(
            v01,
            json!([
                { "name": elsewhere, "digest": { "sha256": hex } },
                { "name": here, "digest": { "sha256": other_hex } },
            ]),
            "split-subjects",
        ),
        CUSTOM,
    );
    let layers = [
        ("bad-type", &bad_type),
        ("other-repository", &other_repository),
        ("split-subjects", &split_subjects),
    ];
    let owned: Vec<Layer> = layers
        .iter()
        .map(|(_, l)| Layer {
            media_type: l.media_type,
            blob: l.blob.clone(),
            annotations: l.annotations.clone(),
        })
        .collect();
    cc::push_attachment(reg, "prod/app", &digest, "att", &owned);
    let reference = format!("{here}:1");
    let out = env.run(&[
        "--output",
        "json",
        "verify",
        "--require-attestation",
        "custom",
        &reference,
    ]);
    out.assert_code(1);
    assert_eq!(
        verdicts(&out, &layers),
        layers
            .iter()
            .map(|(m, _)| (m.to_string(), false))
            .collect::<Vec<_>>(),
        "{}",
        out.dump()
    );
    let text = out.stdout.clone();
    for reason in ["is not an in-toto Statement", "not in", "staging/app"] {
        assert!(text.contains(reason), "{reason}: {text}");
    }

    // cosign's reading of several subjects: the one with the digest counts,
    // and it names this repository.
    let good_multi = statement_layer(
        &key,
        &statement(
            v01,
            json!([
                { "name": elsewhere, "digest": { "sha256": other_hex } },
                { "name": here, "digest": { "sha256": hex } },
            ]),
            "good-multi",
        ),
        CUSTOM,
    );
    let mut all = owned;
    all.push(Layer {
        media_type: good_multi.media_type,
        blob: good_multi.blob.clone(),
        annotations: good_multi.annotations.clone(),
    });
    cc::push_attachment(reg, "prod/app", &digest, "att", &all);
    let out = env.run(&[
        "--output",
        "json",
        "verify",
        "--require-attestation",
        "custom",
        &reference,
    ]);
    out.assert_code(0);
    let mut with_good = layers.to_vec();
    with_good.push(("good-multi", &good_multi));
    assert_eq!(
        verdicts(&out, &with_good),
        vec![
            ("bad-type".to_string(), false),
            ("other-repository".to_string(), false),
            ("split-subjects".to_string(), false),
            ("good-multi".to_string(), true),
        ]
    );
}

#[test]
fn verify_text_output_cannot_be_forged_by_a_registry_writer() {
    let image = TestImage::random(2014, 1, 512);
    let Some(bed) = signing_bed()
        .image("reg", "prod/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let digest = bed.digests["prod/app:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    let reference = format!("{}/prod/app:1", reg.host());
    env.run(&["sign", &reference]).assert_code(0);
    // Anyone who can push can annotate a layer; nothing here is signed.
    let forged = format!(
        "x\nVerified: {}/prod/app@{digest}\n  attestation sha256:0000 (legacy) ok [https://cyclonedx.org/bom]: \x1b[32mvalid\x1b[0m",
        reg.host()
    );
    let key = ForeignKey::from_seed(14);
    let planted = statement_layer(
        &key,
        &statement(
            "https://in-toto.io/Statement/v0.1",
            json!([{ "name": format!("{}/prod/app", reg.host()), "digest": { "sha256": digest.trim_start_matches("sha256:") } }]),
            "untrusted",
        ),
        &forged,
    );
    cc::push_attachment(reg, "prod/app", &digest, "att", &[planted]);
    let out = env.run(&["verify", "--require-attestation", "cyclonedx", &reference]);
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("NOT verified: "), "{}", out.dump());
    for line in &lines[1..] {
        assert!(
            line.starts_with("  "),
            "a line vimes did not write: {line:?}\n{}",
            out.dump()
        );
    }
    assert!(!out.stdout.contains('\x1b'), "{}", out.dump());
    assert!(!out.stdout.contains("Verified: "), "{}", out.dump());
    // The JSON report keeps the claim as data.
    let json = env.run(&[
        "--output",
        "json",
        "verify",
        "--require-attestation",
        "cyclonedx",
        &reference,
    ]);
    assert_eq!(
        json.json()["attestations"][0]["predicate_type"],
        forged.as_str()
    );
}

#[test]
fn a_private_key_others_can_read_signs_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let image = TestImage::random(2017, 1, 512);
    let Some(bed) = signing_bed()
        .image("reg", "prod/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    let reference = format!("{}/prod/app:1", reg.host());
    let key = env.path("cosign.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.run(&["-q", "sign", &reference]);
    out.assert_code(0);
    out.assert_stderr_contains("mode 0644");
    out.assert_stderr_contains("chmod 600");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env.run(&["sign", &reference]);
    out.assert_code(0);
    assert!(!out.stderr.contains("chmod 600"), "{}", out.dump());
}
