//! `signing.format: bundle`: Sigstore bundles v0.3 in OCI referrers, written
//! by vimes and checked independently (cosign_compat::bundle), through the
//! referrers API (fake Harbor) and the tag-schema fallback (docker-registry);
//! bundles vimes did not make, verified or refused with the reason.

use super::{signing_bed, PASSWORD};
use crate::cosign_compat::bundle::{self as cb, BUNDLE, SIGN_PREDICATE};
use crate::cosign_compat::{self as cc, ForeignKey, Layer};
use crate::support::harbor_fake::HarborFake;
use crate::support::TestBed;
use crate::support::{push_image_with, TestEnv, TestImage};
use serde_json::json;
use sha2::Digest as _;

/// vimes.yaml for one registry at `host`, bundle format, vimes key pair.
pub(super) fn bundle_env(host: &str) -> TestEnv {
    TestBed::builder()
        .config_text(&format!(
            "version: 1\nregistries:\n  local:\n    url: \"{host}\"\n    type: oci\n    insecure: true\nsigning:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  format: bundle\n"
        ))
        .password(PASSWORD)
        .signing_key("cosign")
        .ready()
        .env
}

/// base64(sha256(DER)) of a PEM public key: sigstore-go's key hint.
fn hint(public_pem: &str) -> String {
    use p256::pkcs8::{DecodePublicKey, EncodePublicKey};
    let key = p256::ecdsa::VerifyingKey::from_public_key_pem(public_pem).unwrap();
    let der = key.to_public_key_der().unwrap();
    cc::b64(&sha2::Sha256::digest(der.as_bytes()))
}

#[test]
fn bundle_signatures_use_the_fallback_tag_where_there_is_no_referrers_api() {
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    let image = TestImage::random(61, 1, 512);
    let digest = reg.push("prod/app", Some("1"), &image);
    let mut env = bundle_env(&reg.host());
    let reference = format!("{}/prod/app:1", reg.host());
    let out = env.run(&["--output", "json", "sign", "-a", "env=prod", &reference]);
    out.assert_code(0);
    assert_eq!(out.json()["added"], true);
    assert_eq!(out.json()["format"], "bundle");

    let client = reg.client();
    assert!(
        client.referrers_api("prod/app", &digest).is_none(),
        "distribution 2.8 has none"
    );
    assert!(
        cc::read_attachment(reg, "prod/app", &digest, "sig").is_none(),
        "no .sig tag"
    );
    let (api, entries) = cb::referrers(&client, "prod/app", &digest);
    assert!(!api);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["artifactType"], BUNDLE);
    assert_eq!(
        entries[0]["annotations"]["dev.sigstore.bundle.predicateType"],
        SIGN_PREDICATE
    );
    let stored = cb::read_bundles(&client, "prod/app", &digest);
    assert_eq!(stored.len(), 1);
    let s = &stored[0];
    assert_eq!(entries[0]["digest"], s.manifest_digest.as_str());
    assert!(
        s.verifies_with(&env.read("cosign.pub")),
        "independent p256 check"
    );
    assert_eq!(
        s.manifest["subject"]["mediaType"],
        image.media_type.as_str()
    );
    assert_eq!(s.manifest["subject"]["size"], image.manifest.len());
    let annotations = &s.manifest["annotations"];
    assert_eq!(annotations["dev.sigstore.bundle.content"], "dsse-envelope");
    assert_eq!(
        annotations["dev.sigstore.bundle.predicateType"],
        SIGN_PREDICATE
    );
    assert!(annotations["org.opencontainers.image.created"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    let material = &s.bundle["verificationMaterial"];
    assert_eq!(material["publicKey"]["hint"], hint(&env.read("cosign.pub")));
    // A key-signed bundle: the public key hint and nothing else (no tlog
    // entries, no certificate, under any name).
    assert_eq!(
        material.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["publicKey"],
        "{material}"
    );
    assert_eq!(s.statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(s.statement["predicateType"], SIGN_PREDICATE);
    assert_eq!(s.statement["predicate"], json!({}));
    let subject = &s.statement["subject"][0];
    assert_eq!(
        subject["digest"]["sha256"],
        digest.trim_start_matches("sha256:")
    );
    assert_eq!(subject["name"], format!("{}/prod/app", reg.host()));
    assert_eq!(subject["annotations"]["env"], "prod");

    // Re-signing adds nothing; a second signer adds a bundle, keeping the first.
    let again = env.run(&["--output", "json", "sign", "-a", "env=prod", &reference]);
    again.assert_code(0);
    assert_eq!(again.json()["added"], false);
    env.run(&["key", "generate", "--output-prefix", "second"])
        .assert_code(0);
    env.run(&["sign", "--key", "second.key", &reference])
        .assert_code(0);
    let stored = cb::read_bundles(&client, "prod/app", &digest);
    assert_eq!(stored.len(), 2, "both bundles listed in the fallback index");
    assert!(stored
        .iter()
        .any(|s| s.verifies_with(&env.read("cosign.pub"))));
    assert!(stored
        .iter()
        .any(|s| s.verifies_with(&env.read("second.pub"))));

    let out = env.run(&["--output", "json", "verify", "-a", "env=prod", &reference]);
    out.assert_code(0);
    let report = out.json();
    assert!(report["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["format"] == "bundle"));
    env.run(&["verify", "--key", "second.pub", &reference])
        .assert_code(0);
    // The second signature lacks env=prod, the first has it: one is enough.
    let foreign = ForeignKey::from_seed(40);
    env.write("foreign.pub", foreign.public_pem());
    let out = env.run(&["verify", "--key", "foreign.pub", &reference]);
    out.assert_code(1);
    assert_eq!(
        out.stdout.matches("(bundle) rejected").count(),
        2,
        "{}",
        out.stdout
    );

    // Attestations go the same way, idempotent, and required types count.
    env.write(
        "bom.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#,
    );
    let attest = [
        "--output",
        "json",
        "attest",
        "--type",
        "cyclonedx",
        "--predicate",
        "bom.json",
    ];
    let out = env.run(&[&attest[..], &[reference.as_str()]].concat());
    out.assert_code(0);
    assert_eq!(out.json()["added"], true);
    let out = env.run(&[&attest[..], &[reference.as_str()]].concat());
    assert_eq!(out.json()["added"], false);
    let stored = cb::read_bundles(&client, "prod/app", &digest);
    let att = stored
        .iter()
        .find(|s| s.statement["predicateType"] == "https://cyclonedx.org/bom")
        .expect("attestation bundle");
    assert!(att.verifies_with(&env.read("cosign.pub")));
    assert_eq!(att.statement["predicate"]["bomFormat"], "CycloneDX");
    assert!(cc::read_attachment(reg, "prod/app", &digest, "att").is_none());
    env.run(&["verify", "--require-attestation", "cyclonedx", &reference])
        .assert_code(0);
    env.run(&["verify", "--require-attestation", "vuln", &reference])
        .assert_code(1);
}

#[test]
fn bundle_signatures_go_through_the_referrers_api_on_harbor() {
    let Some(_bed) = TestBed::builder().tool("docker-registry").build() else {
        return;
    };
    let fake = HarborFake::start();
    fake.create_project("prod");
    let image = TestImage::random(62, 1, 512);
    let digest = push_image_with(&fake.client(), "prod/app", Some("1"), &image);
    let mut env = bundle_env(&fake.host());
    let reference = format!("{}/prod/app:1", fake.host());
    env.run(&["sign", &reference]).assert_code(0);
    env.write(
        "bom.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#,
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

    let client = fake.client();
    let index = client
        .referrers_api("prod/app", &digest)
        .expect("referrers API");
    assert_eq!(index["manifests"].as_array().unwrap().len(), 2);
    let tag = digest.replacen(':', "-", 1);
    assert!(
        !fake.backend().client().manifest_exists("prod/app", &tag),
        "no fallback tag where the registry indexes referrers itself"
    );
    let stored = cb::read_bundles(&client, "prod/app", &digest);
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|s| s.verifies_with(&env.read("cosign.pub"))));
    let put = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" && r.path.contains("/manifests/sha256:"))
        .count();
    assert!(put >= 2, "bundle manifests are pushed by digest");
    env.run(&["verify", "--require-attestation", "cyclonedx", &reference])
        .assert_code(0);
    // Re-signing finds the bundle through the API: nothing added.
    let again = env.run(&["--output", "json", "sign", &reference]);
    assert_eq!(again.json()["added"], false);
}

#[test]
fn verify_accepts_cosign_bundles_and_says_why_bad_ones_fail() {
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    let image = TestImage::random(63, 1, 512);
    let other = TestImage::random(64, 1, 512);
    let digest = reg.push("prod/app", Some("1"), &image);
    reg.push("prod/app", Some("other"), &other);
    let (trusted, untrusted) = (ForeignKey::from_seed(41), ForeignKey::from_seed(42));
    let mut env = bed.env;
    env.write("trusted.pub", trusted.public_pem());
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\n",
        reg.host()
    ));
    let reference = format!("{}/prod/app:1", reg.host());
    let verify = |env: &TestEnv, extra: &[&str]| {
        let mut args = vec!["--output", "json", "verify", "--key", "trusted.pub"];
        args.extend_from_slice(extra);
        args.push(&reference);
        env.run(&args)
    };
    let client = reg.client();
    let push = |bundle: &[u8], predicate: &str| {
        cb::push_bundle(
            &client,
            "prod/app",
            &digest,
            &image.media_type,
            image.manifest.len(),
            bundle,
            predicate,
            true,
        )
    };

    // Bad bundles only: every one listed, each with its reason.
    let tampered = {
        let mut b: serde_json::Value = serde_json::from_slice(&cb::bundle(
            &trusted,
            &cb::sign_statement(&digest, json!({})),
        ))
        .unwrap();
        let forged = cb::sign_statement(&other.digest, json!({}));
        b["dsseEnvelope"]["payload"] = json!(cc::b64(&forged));
        serde_json::to_vec(&b).unwrap()
    };
    let message_signature = serde_json::to_vec(&json!({
        "mediaType": BUNDLE, "verificationMaterial": {"publicKey": {"hint": "x"}},
        "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": "AA=="}, "signature": "AA=="},
    }))
    .unwrap();
    push(
        &cb::bundle(&untrusted, &cb::sign_statement(&digest, json!({}))),
        SIGN_PREDICATE,
    );
    push(
        &cb::bundle(&trusted, &cb::sign_statement(&other.digest, json!({}))),
        SIGN_PREDICATE,
    );
    push(&tampered, SIGN_PREDICATE);
    push(&message_signature, SIGN_PREDICATE);
    // A bundle about another image, listed under this one's fallback tag.
    let stray = cb::push_bundle(
        &client,
        "prod/app",
        &other.digest,
        &other.media_type,
        other.manifest.len(),
        &cb::bundle(&trusted, &cb::sign_statement(&other.digest, json!({}))),
        SIGN_PREDICATE,
        false,
    );
    cb::list_under(&client, "prod/app", &digest, &stray);
    let out = verify(&env, &[]);
    out.assert_code(1);
    let reasons: Vec<String> = out.json()["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["valid"], false);
            assert_eq!(s["format"], "bundle");
            s["reason"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert!(reasons[0].contains("any trusted key"), "{}", reasons[0]);
    assert!(reasons[1].contains("not this image"), "{}", reasons[1]);
    assert!(reasons[2].contains("any trusted key"), "{}", reasons[2]);
    assert!(reasons[3].contains("message-signature"), "{}", reasons[3]);
    assert!(reasons[4].contains("not this image"), "{}", reasons[4]);

    // A legacy bad signature is listed beside them, in text too.
    cc::push_attachment(
        reg,
        "prod/app",
        &digest,
        "sig",
        &[Layer::signature(
            &untrusted,
            cc::payload(&format!("{}/prod/app", reg.host()), &digest),
        )],
    );
    let text = env.run(&["verify", "--key", "trusted.pub", &reference]);
    text.assert_code(1);
    assert_eq!(
        text.stdout.matches("(bundle) rejected").count(),
        5,
        "{}",
        text.stdout
    );
    assert_eq!(
        text.stdout.matches("(legacy) rejected").count(),
        1,
        "{}",
        text.stdout
    );

    // A good cosign v3 bundle (no repository in it) counts; annotations are
    // read from the subject; a vuln attestation bundle counts when required.
    push(
        &cb::bundle(
            &trusted,
            &cb::sign_statement(&digest, json!({"env": "prod"})),
        ),
        SIGN_PREDICATE,
    );
    let out = verify(&env, &["-a", "env=prod"]);
    out.assert_code(0);
    let valid: Vec<_> = out.json()["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["valid"] == true)
        .cloned()
        .collect();
    assert_eq!(valid.len(), 1);
    assert!(valid[0]["reason"]
        .as_str()
        .unwrap()
        .contains("names no repository"));
    verify(&env, &["-a", "env=staging"]).assert_code(1);
    verify(&env, &["--require-attestation", "vuln"]).assert_code(1);
    let statement = serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://cosign.sigstore.dev/attestation/vuln/v1",
        "subject": [{"name": format!("{}/prod/app", reg.host()), "digest": {"sha256": digest.trim_start_matches("sha256:")}}],
        "predicate": {"scanner": {"uri": "trivy"}},
    }))
    .unwrap();
    push(
        &cb::bundle(&trusted, &statement),
        "https://cosign.sigstore.dev/attestation/vuln/v1",
    );
    let out = verify(&env, &["--require-attestation", "vuln"]);
    out.assert_code(0);
    assert_eq!(out.json()["attestations"][0]["format"], "bundle");

    // Appending never erases another signer's bundle: vimes adds its own.
    let mut env2 = bundle_env(&reg.host());
    env2.write("trusted.pub", trusted.public_pem());
    env2.run(&["sign", &reference]).assert_code(0);
    let entries = cb::referrers(&client, "prod/app", &digest).1;
    assert_eq!(entries.len(), 8, "{entries:?}");
    env2.run(&[
        "verify",
        "--key",
        "trusted.pub",
        "--key",
        "cosign.pub",
        &reference,
    ])
    .assert_code(0);
}

#[test]
fn legacy_format_writes_no_referrers() {
    let image = TestImage::random(65, 1, 512);
    let Some(bed) = signing_bed()
        .image("reg", "prod/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let digest = bed.digests["prod/app:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    env.run(&["sign", &format!("{}/prod/app:1", reg.host())])
        .assert_code(0);
    assert!(cc::read_attachment(reg, "prod/app", &digest, "sig").is_some());
    assert!(cb::referrers(&reg.client(), "prod/app", &digest)
        .1
        .is_empty());
}

#[test]
fn bundle_format_works_over_tls_with_credentials() {
    let Some(bed) = TestBed::builder()
        .tls_auth_registry("secure", "alice", "s3cret-pw")
        .build()
    else {
        return;
    };
    let secure = &bed.regs["secure"];
    let image = TestImage::random(66, 1, 512);
    let digest = secure.push("prod/app", Some("1"), &image);
    let mut env = bed.env;
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  prod:\n    url: \"{}\"\n    type: oci\n    username_env: PROD_USER\n    password_env: PROD_PASSWORD\n    ca_file: \"{}\"\nsigning:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  format: bundle\n",
        secure.host(),
        secure.ca_cert_path().unwrap().display()
    ));
    env.env("COSIGN_PASSWORD", PASSWORD)
        .env("PROD_USER", "alice")
        .env("PROD_PASSWORD", "s3cret-pw");
    env.run(&["key", "generate"]).assert_code(0);
    let reference = format!("{}/prod/app:1", secure.host());
    let out = env.run(&["sign", &reference]);
    out.assert_code(0);
    assert!(!out.stdout.contains("s3cret-pw") && !out.stderr.contains("s3cret-pw"));
    let stored = cb::read_bundles(&secure.client(), "prod/app", &digest);
    assert_eq!(stored.len(), 1);
    assert!(stored[0].verifies_with(&env.read("cosign.pub")));
    env.run(&["verify", &reference]).assert_code(0);
    let again = env.run(&["--output", "json", "sign", &reference]);
    assert_eq!(again.json()["added"], false);

    env.env("PROD_PASSWORD", "wrong");
    let out = env.run(&["verify", &reference]);
    out.assert_code(4);
    out.assert_stderr_contains(&secure.host());
}
