//! `vimes key generate`, `sign`, `attest` and `verify` against a real
//! registry, checked by an independent cosign implementation (cosign_compat).

use crate::cosign_compat::{self as cc, ForeignKey, Layer};
use crate::support::bed::TestBedBuilder;
use crate::support::TestBed;
use crate::support::{push_index, registry_entry, TestEnv, TestImage};

const PASSWORD: &str = "correct horse battery staple";

/// A bed with the registry `reg` (as `local` in vimes.yaml) and a generated
/// vimes key pair (`cosign.key`/`.pub`) to sign with and trust.
pub fn signing_bed() -> TestBedBuilder {
    TestBed::builder()
        .registry("reg")
        .password(PASSWORD)
        .signing_config("reg", "")
        .signing_key("cosign")
}

/// Staging and production (immutable) for `vimes promote`, with the test
/// Trivy DB and a vimes key pair (`cosign.key`/`.pub`) that signs and must
/// attest cyclonedx and vuln; `extra` follows under `signing:`.
pub fn promotion_bed(extra: &str) -> TestBedBuilder {
    TestBed::builder()
        .registries(["staging", "production"])
        .tools(["buildah", "syft"])
        .trivy_cache()
        .xdg()
        .password(PASSWORD)
        .user("ci-bot")
        .signing_key("cosign")
        .promotion(&format!(
            "signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  require_attestations: [cyclonedx, vuln]\n{extra}"
        ))
}

#[test]
fn key_generate_writes_a_private_key_only_its_owner_reads() {
    use std::os::unix::fs::PermissionsExt;
    let mut env = TestBed::builder().ready().env;
    env.env("COSIGN_PASSWORD", PASSWORD);
    env.run(&["key", "generate", "--output-prefix", "team"])
        .assert_code(0);
    let mode = std::fs::metadata(env.path("team.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(env
        .read("team.key")
        .contains("ENCRYPTED SIGSTORE PRIVATE KEY"));
    // The public key parses with an independent library.
    let public = env.read("team.pub");
    assert!(p256::pkcs8::DecodePublicKey::from_public_key_pem(&public)
        .map(|_: p256::ecdsa::VerifyingKey| ())
        .is_ok());
    // No overwrite without --force.
    env.run(&["key", "generate", "--output-prefix", "team"])
        .assert_code(2);
    env.run(&["key", "generate", "--output-prefix", "team", "--force"])
        .assert_code(0);
    assert_ne!(env.read("team.pub"), public);
    // Empty password refused unless asked for; no password and no TTY refused.
    env.env("COSIGN_PASSWORD", "");
    env.run(&["key", "generate", "--output-prefix", "empty"])
        .assert_code(2);
    env.unset_env("COSIGN_PASSWORD");
    let out = env.run(&["key", "generate", "--output-prefix", "none"]);
    out.assert_code(2);
    out.assert_stderr_contains("COSIGN_PASSWORD");
    assert!(!env.path("none.key").exists());
}

#[test]
fn signature_is_cosign_format_checked_by_an_independent_verifier() {
    let image = TestImage::random(21, 1, 512);
    let Some(bed) = signing_bed()
        .image("reg", "prod/app", Some("1.0"), image.clone())
        .build()
    else {
        return;
    };
    let digest = bed.digests["prod/app:1.0"].clone();
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    let out = env.run(&[
        "--output",
        "json",
        "sign",
        &format!("{}/prod/app:1.0", reg.host()),
    ]);
    out.assert_code(0);
    assert_eq!(out.json()["digest"], digest.as_str());

    let (media_type, manifest) =
        cc::read_attachment(reg, "prod/app", &digest, "sig").expect(".sig tag");
    assert_eq!(media_type, cc::OCI_MANIFEST);
    assert_eq!(manifest["mediaType"], cc::OCI_MANIFEST);
    assert_eq!(
        manifest["config"]["mediaType"],
        "application/vnd.oci.image.config.v1+json"
    );
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["mediaType"], cc::SIMPLE_SIGNING);
    let payload = reg
        .client()
        .get_blob("prod/app", layers[0]["digest"].as_str().unwrap())
        .unwrap();
    let repository = format!("{}/prod/app", reg.host());
    assert_eq!(
        String::from_utf8(payload.clone()).unwrap(),
        String::from_utf8(cc::payload(&repository, &digest)).unwrap(),
        "payload must be byte-identical to Go cosign's (docker-reference without tag)"
    );
    let sig = cc::unb64(
        layers[0]["annotations"][cc::SIG_ANNOTATION]
            .as_str()
            .unwrap(),
    );
    assert!(
        cc::verifies(&env.read("cosign.pub"), &payload, &sig),
        "independent ECDSA P-256 check"
    );

    env.run(&["verify", &format!("{}/prod/app:1.0", reg.host())])
        .assert_code(0);
}

#[test]
fn a_second_signer_appends_and_re_signing_adds_nothing() {
    let image = TestImage::random(22, 1, 512);
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
    env.run(&["key", "generate", "--output-prefix", "second"])
        .assert_code(0);
    env.run(&["sign", "--key", "second.key", &reference])
        .assert_code(0);
    let again = env.run(&["--output", "json", "sign", &reference]);
    again.assert_code(0);
    assert_eq!(again.json()["added"], false);
    let (_, manifest) = cc::read_attachment(reg, "prod/app", &digest, "sig").unwrap();
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2, "both signatures kept, none duplicated");
    for (layer, public) in layers.iter().zip(["cosign.pub", "second.pub"]) {
        let payload = reg
            .client()
            .get_blob("prod/app", layer["digest"].as_str().unwrap())
            .unwrap();
        let sig = cc::unb64(layer["annotations"][cc::SIG_ANNOTATION].as_str().unwrap());
        assert!(cc::verifies(&env.read(public), &payload, &sig));
    }
    // Either key verifies; several --key flags are accepted.
    env.run(&["verify", "--key", "second.pub", &reference])
        .assert_code(0);
    env.run(&[
        "verify",
        "--key",
        "second.pub",
        "--key",
        "cosign.pub",
        &reference,
    ])
    .assert_code(0);
}

#[test]
fn verify_accepts_signatures_vimes_did_not_make() {
    let foreign = ForeignKey::from_seed(7);
    let Some(bed) = TestBed::builder()
        .registry("reg")
        .config(|e| {
            format!(
                "version: 1\nregistries:\n{}",
                registry_entry("local", &e.host("reg"), false, "")
            )
        })
        .file("foreign.pub", foreign.public_pem())
        .image("reg", "prod/app", Some("1"), TestImage::random(23, 1, 512))
        .build()
    else {
        return;
    };
    let digest = bed.digest("prod/app:1").to_string();
    let reg = &bed.regs["reg"];
    let repository = format!("{}/prod/app", reg.host());
    cc::push_attachment(
        reg,
        "prod/app",
        &digest,
        "sig",
        &[Layer::signature(
            &foreign,
            cc::payload(&repository, &digest),
        )],
    );
    let env = &bed.env;
    let out = env.run(&[
        "--output",
        "json",
        "verify",
        "--key",
        "foreign.pub",
        &format!("{repository}:1"),
    ]);
    out.assert_code(0);
    let report = out.json();
    assert_eq!(report["verified"], true);
    assert_eq!(report["signatures"][0]["valid"], true);

    // vimes appends to a foreign .sig manifest instead of replacing it.
    let env2 = bed.sibling(signing_bed());
    env2.run(&["sign", &format!("{repository}:1")])
        .assert_code(0);
    let (_, manifest) = cc::read_attachment(reg, "prod/app", &digest, "sig").unwrap();
    assert_eq!(manifest["layers"].as_array().unwrap().len(), 2);
    env.run(&["verify", "--key", "foreign.pub", &format!("{repository}:1")])
        .assert_code(0);
}

#[test]
fn verify_says_no_with_the_reason_for_every_bad_signature() {
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    let image = TestImage::random(24, 1, 512);
    let other = TestImage::random(25, 1, 512);
    let digest = reg.push("prod/app", Some("1"), &image);
    reg.push("prod/app", Some("other"), &other);
    let trusted = ForeignKey::from_seed(8);
    let untrusted = ForeignKey::from_seed(9);
    let repository = format!("{}/prod/app", reg.host());
    let mut env = bed.env;
    env.write("trusted.pub", trusted.public_pem());
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\n",
        reg.host()
    ));
    let verify = |env: &TestEnv| {
        env.run(&[
            "--output",
            "json",
            "verify",
            "--key",
            "trusted.pub",
            &format!("{repository}:1"),
        ])
    };

    // No signatures at all.
    let out = verify(&env);
    out.assert_code(1);
    assert!(out.json()["reasons"][0]
        .as_str()
        .unwrap()
        .contains("no signatures"));

    let tampered = {
        let good = Layer::signature(&trusted, cc::payload(&repository, &digest));
        let mut blob = good.blob.clone();
        blob.extend_from_slice(b" ");
        Layer { blob, ..good }
    };
    let truncated = {
        let mut l = Layer::signature(&trusted, cc::payload(&repository, &digest));
        let s = l.annotations[cc::SIG_ANNOTATION]
            .as_str()
            .unwrap()
            .to_string();
        l.annotations[cc::SIG_ANNOTATION] = serde_json::Value::String(s[..s.len() / 2].to_string());
        l
    };
    let not_base64 = {
        let mut l = Layer::signature(&trusted, cc::payload(&repository, &digest));
        l.annotations[cc::SIG_ANNOTATION] = serde_json::Value::String("%%%not-base64%%%".into());
        l
    };
    let layers = vec![
        Layer::signature(&untrusted, cc::payload(&repository, &digest)),
        Layer::signature(&trusted, cc::payload(&repository, &other.digest)),
        Layer::signature(
            &trusted,
            cc::payload(&format!("{}/elsewhere/app", reg.host()), &digest),
        ),
        tampered,
        truncated,
        not_base64,
    ];
    cc::push_attachment(reg, "prod/app", &digest, "sig", &layers);
    let out = verify(&env);
    out.assert_code(1);
    let report = out.json();
    let reasons: Vec<String> = report["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["valid"], false);
            s["reason"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(reasons.len(), 6, "{reasons:?}");
    assert!(reasons[0].contains("any trusted key"), "{}", reasons[0]);
    assert!(reasons[1].contains("not this image"), "{}", reasons[1]);
    assert!(reasons[2].contains("repository"), "{}", reasons[2]);
    assert!(reasons[3].contains("any trusted key"), "{}", reasons[3]);
    assert!(
        reasons[4].contains("any trusted key") || reasons[4].contains("base64"),
        "{}",
        reasons[4]
    );
    assert!(reasons[5].contains("base64"), "{}", reasons[5]);
    // Text output lists every signature examined.
    let text = env.run(&["verify", "--key", "trusted.pub", &format!("{repository}:1")]);
    text.assert_code(1);
    assert_eq!(
        text.stdout.matches("rejected").count(),
        6,
        "{}",
        text.stdout
    );

    // Dozens of bad layers and one good one: verified, every layer reported.
    let mut many: Vec<Layer> = (0..40)
        .map(|_| Layer::signature(&untrusted, cc::payload(&repository, &digest)))
        .collect();
    many.push(Layer::signature(
        &trusted,
        cc::payload(&repository, &digest),
    ));
    cc::push_attachment(reg, "prod/app", &digest, "sig", &many);
    let out = verify(&env);
    out.assert_code(0);
    assert_eq!(out.json()["signatures"].as_array().unwrap().len(), 41);

    // A required annotation that the signature lacks.
    env.run(&[
        "verify",
        "--key",
        "trusted.pub",
        "-a",
        "env=prod",
        &format!("{repository}:1"),
    ])
    .assert_code(1);
    // An unresolvable tag is a "no" for verify.
    let out = env.run(&[
        "verify",
        "--key",
        "trusted.pub",
        &format!("{repository}:missing"),
    ]);
    out.assert_code(1);
    out.assert_stderr_contains("not found");
}

#[test]
fn attestations_are_dsse_in_toto_and_required_types_are_enforced() {
    let image = TestImage::random(26, 1, 512);
    let Some(mut bed) = signing_bed()
        .image("reg", "prod/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let digest = bed.digests["prod/app:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    let reference = format!("{}/prod/app:1", reg.host());
    env.run(&["sign", &reference]).assert_code(0);
    env.run(&["verify", "--require-attestation", "cyclonedx", &reference])
        .assert_code(1);
    env.write(
        "bom.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#,
    );
    env.run(&[
        "attest",
        "--type",
        "cyclonedx",
        "--predicate",
        "bom.json",
        &reference,
    ])
    .assert_code(0);
    // Idempotent.
    let again = env.run(&[
        "--output",
        "json",
        "attest",
        "--type",
        "cyclonedx",
        "--predicate",
        "bom.json",
        &reference,
    ]);
    again.assert_code(0);
    assert_eq!(again.json()["added"], false);

    let (_, manifest) = cc::read_attachment(reg, "prod/app", &digest, "att").expect(".att tag");
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["mediaType"], cc::DSSE);
    assert_eq!(
        layers[0]["annotations"]["predicateType"],
        "https://cyclonedx.org/bom"
    );
    assert_eq!(layers[0]["annotations"][cc::SIG_ANNOTATION], "");
    let envelope: serde_json::Value = serde_json::from_slice(
        &reg.client()
            .get_blob("prod/app", layers[0]["digest"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
    let statement_bytes = cc::unb64(envelope["payload"].as_str().unwrap());
    let sig = cc::unb64(envelope["signatures"][0]["sig"].as_str().unwrap());
    assert!(cc::verifies(
        &env.read("cosign.pub"),
        &cc::pae("application/vnd.in-toto+json", &statement_bytes),
        &sig
    ));
    let statement: serde_json::Value = serde_json::from_slice(&statement_bytes).unwrap();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v0.1");
    assert_eq!(
        statement["subject"][0]["digest"]["sha256"],
        digest.trim_start_matches("sha256:")
    );
    assert_eq!(statement["predicate"]["bomFormat"], "CycloneDX");

    let out = env.run(&[
        "--output",
        "json",
        "verify",
        "--require-attestation",
        "cyclonedx",
        &reference,
    ]);
    out.assert_code(0);
    assert_eq!(out.json()["attestations"][0]["valid"], true);
    env.run(&["verify", "--require-attestation", "vuln", &reference])
        .assert_code(1);

    // A foreign attestation (made as cosign attest makes it) counts too.
    let foreign = ForeignKey::from_seed(11);
    env.write("foreign.pub", foreign.public_pem());
    let repository = format!("{}/prod/app", reg.host());
    let mut layers = vec![Layer::attestation(
        &foreign,
        &repository,
        &digest,
        "https://cosign.sigstore.dev/attestation/vuln/v1",
        serde_json::json!({"scanner": {"uri": "trivy"}}),
    )];
    layers.push(Layer::signature(
        &foreign,
        cc::payload(&repository, &digest),
    ));
    cc::push_attachment(reg, "prod/app", &digest, "att", &layers[..1]);
    cc::push_attachment(reg, "prod/app", &digest, "sig", &layers[1..]);
    env.run(&[
        "verify",
        "--key",
        "foreign.pub",
        "--require-attestation",
        "vuln",
        &reference,
    ])
    .assert_code(0);

    // Bad predicate type name and non-JSON predicate are usage errors.
    env.run(&[
        "attest",
        "--type",
        "nonsense",
        "--predicate",
        "bom.json",
        &reference,
    ])
    .assert_code(2);
    // (`custom` takes any text, as cosign's does: it is stored as a string.)
    env.write("bad.json", "not json");
    env.run(&[
        "attest",
        "--type",
        "cyclonedx",
        "--predicate",
        "bad.json",
        &reference,
    ])
    .assert_code(2);
}

#[test]
fn signatures_survive_a_copy_and_verify_there_for_an_index_too() {
    let Some(bed) = TestBed::builder().registry("a").registry("b").build() else {
        return;
    };
    let a = &bed.regs["a"];
    let b = &bed.regs["b"];
    let amd = TestImage::random_platform(27, "linux", "amd64", 1, 512);
    let arm = TestImage::random_platform(28, "linux", "arm64", 1, 512);
    push_index(
        a,
        "staging/multi",
        Some("1"),
        &[("linux", "amd64", &amd), ("linux", "arm64", &arm)],
    );
    let mut env = bed.env;
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  a:\n    url: \"{}\"\n    type: oci\n    insecure: true\n  b:\n    url: \"{}\"\n    type: oci\n    insecure: true\nsigning:\n  key: cosign.key\n  public_keys: [cosign.pub]\n",
        a.host(),
        b.host()
    ));
    env.env("COSIGN_PASSWORD", PASSWORD);
    env.run(&["key", "generate"]).assert_code(0);
    env.run(&["sign", &format!("{}/staging/multi:1", a.host())])
        .assert_code(0);
    env.run(&["verify", &format!("{}/staging/multi:1", a.host())])
        .assert_code(0);
    // Copied within the same repository path but another registry: still the same repository?
    // No: cosign binds the repository, so copy to the same path on b.
    env.run(&[
        "copy",
        &format!("{}/staging/multi:1", a.host()),
        &format!("{}/staging/multi:1", b.host()),
    ])
    .assert_code(0);
    // b's repository name differs from a's (host is part of it): a signature
    // made for a does not count on b...
    env.run(&["verify", &format!("{}/staging/multi:1", b.host())])
        .assert_code(1);
    // ...until it is signed there, as promote does after copying.
    env.run(&["sign", &format!("{}/staging/multi:1", b.host())])
        .assert_code(0);
    env.run(&["verify", &format!("{}/staging/multi:1", b.host())])
        .assert_code(0);
}

#[test]
fn key_problems_are_found_before_anything_is_written() {
    let image = TestImage::random(29, 1, 512);
    let Some(mut bed) = signing_bed()
        .image("reg", "prod/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let digest = bed.digests["prod/app:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    let reference = format!("{}/prod/app:1", reg.host());
    env.env("COSIGN_PASSWORD", "not-the-password-123");
    let out = env.run(&["sign", &reference]);
    out.assert_code(2);
    out.assert_stderr_contains("wrong password");
    assert!(
        !out.stderr.contains("not-the-password-123"),
        "the password itself is never printed"
    );
    env.env("COSIGN_PASSWORD", PASSWORD);
    env.write("garbage.key", "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
    env.run(&["sign", "--key", "garbage.key", &reference])
        .assert_code(2);
    env.run(&["sign", "--key", "missing.key", &reference])
        .assert_code(2);
    assert!(cc::read_attachment(reg, "prod/app", &digest, "sig").is_none());
    // A tag that does not exist cannot be signed.
    env.run(&["sign", &format!("{}/prod/app:nope", reg.host())])
        .assert_code(2);
}

mod both;
mod bundle;
mod bundle_copy;
mod bundle_promote;
mod many;
mod planted;
mod statements;
