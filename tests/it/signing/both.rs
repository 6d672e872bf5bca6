//! `signing.format: both`: every signature and attestation is written as a
//! legacy `.sig`/`.att` layer and as a Sigstore bundle referrer, on the real
//! registry (bundles through the referrers tag fallback) and on the Harbor
//! fake (the referrers API); `verify` names each with its format, `copy`
//! carries both, `promote` tags only once both are in place, and re-runs add
//! nothing. Every copy is checked with the independent verifier
//! (cosign_compat), not with vimes.

use super::{promotion_bed, PASSWORD};
use crate::cosign_compat::bundle::{self as cb, SIGN_PREDICATE};
use crate::cosign_compat::{self as cc};
use crate::support::oci::OciClient;
use crate::support::{push_image_with, registry_entry, TestBed, TestEnv, TestImage};
use serde_json::Value;

const SIGNATURE: &str = "dev.cosignproject.cosign/signature";

/// The layers under the legacy tag `sha256-<hex>.<suffix>`, each checked
/// independently against `public_pem`; returns their predicate types (the
/// signed payload's `critical.type` for `.sig`).
fn legacy_types(
    client: &OciClient,
    repo: &str,
    digest: &str,
    suffix: &str,
    public_pem: &str,
) -> Vec<String> {
    let tag = format!("{}.{suffix}", digest.replacen(':', "-", 1));
    let Some((_, bytes, _)) = client.get_manifest(repo, &tag) else {
        return Vec::new();
    };
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    let mut types: Vec<String> = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|layer| {
            let blob = client
                .get_blob(repo, layer["digest"].as_str().unwrap())
                .unwrap();
            if suffix == "sig" {
                let sig = cc::unb64(layer["annotations"][SIGNATURE].as_str().unwrap());
                assert!(cc::verifies(public_pem, &blob, &sig), "{tag} layer");
                let payload: Value = serde_json::from_slice(&blob).unwrap();
                assert_eq!(
                    payload["critical"]["image"]["docker-manifest-digest"],
                    digest
                );
                payload["critical"]["type"].as_str().unwrap().to_string()
            } else {
                let envelope: Value = serde_json::from_slice(&blob).unwrap();
                let statement = cc::unb64(envelope["payload"].as_str().unwrap());
                let sig = cc::unb64(envelope["signatures"][0]["sig"].as_str().unwrap());
                let message = cc::pae(envelope["payloadType"].as_str().unwrap(), &statement);
                assert!(cc::verifies(public_pem, &message, &sig), "{tag} layer");
                let statement: Value = serde_json::from_slice(&statement).unwrap();
                assert_eq!(
                    statement["subject"][0]["digest"]["sha256"],
                    digest.trim_start_matches("sha256:")
                );
                statement["predicateType"].as_str().unwrap().to_string()
            }
        })
        .collect();
    types.sort();
    types
}

/// The predicate types of the bundle referrers of `digest`, each verified
/// independently against `public_pem`, sorted.
fn bundle_types(client: &OciClient, repo: &str, digest: &str, public_pem: &str) -> Vec<String> {
    let mut types: Vec<String> = cb::read_bundles(client, repo, digest)
        .iter()
        .map(|s| {
            assert!(s.verifies_with(public_pem));
            s.statement["predicateType"].as_str().unwrap().to_string()
        })
        .collect();
    types.sort();
    types
}

/// (legacy `.sig` types, `.att` types, bundle types) of `repo@digest`.
fn stored(
    legacy: &OciClient,
    bundles: &OciClient,
    repo: &str,
    digest: &str,
    pem: &str,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    (
        legacy_types(legacy, repo, digest, "sig", pem),
        legacy_types(legacy, repo, digest, "att", pem),
        bundle_types(bundles, repo, digest, pem),
    )
}

/// The `format` of each valid entry of a `verify --output json` list, sorted.
fn valid_formats(report: &Value, list: &str) -> Vec<String> {
    let mut formats: Vec<String> = report[list]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["valid"] == true)
        .map(|c| c["format"].as_str().unwrap().to_string())
        .collect();
    formats.sort();
    formats
}

/// Signs and attests `reference` (`repo@digest` at `legacy`/`bundles`) twice
/// with `format: both`: the first run writes each in both layouts, `verify`
/// names both, and the second run adds nothing anywhere.
fn sign_attest_verify_twice(
    env: &mut TestEnv,
    reference: &str,
    legacy: &OciClient,
    bundles: &OciClient,
    repo: &str,
    digest: &str,
) {
    env.write(
        "bom.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#,
    );
    let pem = env.read("cosign.pub");
    let sign = ["--output", "json", "sign", reference];
    let attest = [
        "--output",
        "json",
        "attest",
        "--type",
        "cyclonedx",
        "--predicate",
        "bom.json",
        reference,
    ];
    for (round, added) in [(1, true), (2, false)] {
        for args in [&sign[..], &attest[..]] {
            let out = env.run(args);
            out.assert_code(0);
            let json = out.json();
            assert_eq!(json["added"], added, "round {round}: {json}");
            assert_eq!(json["format"], "both");
            let written: Vec<(&str, bool)> = json["written"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| (w["format"].as_str().unwrap(), w["added"] == true))
                .collect();
            assert_eq!(
                written,
                [("legacy", added), ("bundle", added)],
                "round {round}: {json}"
            );
        }
        let (sig, att, bundle) = stored(legacy, bundles, repo, digest, &pem);
        assert_eq!(sig, ["cosign container image signature"], "round {round}");
        assert_eq!(att, ["https://cyclonedx.org/bom"], "round {round}");
        assert_eq!(
            bundle,
            ["https://cyclonedx.org/bom", SIGN_PREDICATE],
            "round {round}: one bundle each"
        );
    }
    let out = env.run(&[
        "--output",
        "json",
        "verify",
        "--require-attestation",
        "cyclonedx",
        reference,
    ]);
    out.assert_code(0);
    let report = out.json();
    assert_eq!(valid_formats(&report, "signatures"), ["bundle", "legacy"]);
    assert_eq!(valid_formats(&report, "attestations"), ["bundle", "legacy"]);
    // The text names each signature's format too.
    let text = env.run(&["verify", reference]);
    text.assert_code(0);
    assert!(
        text.stdout.contains("legacy") && text.stdout.contains("bundle"),
        "{}",
        text.dump()
    );
}

#[test]
fn both_formats_on_the_real_registry_sign_attest_verify_and_copy() {
    let Some(bed) = TestBed::builder()
        .registries(["a", "b"])
        .password(PASSWORD)
        .signing_key("cosign")
        .config(|e| {
            format!(
                "version: 1\nregistries:\n{}{}signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  format: both\n",
                registry_entry("a", &e.host("a"), false, ""),
                registry_entry("b", &e.host("b"), false, ""),
            )
        })
        .build()
    else {
        return;
    };
    let TestBed { mut env, regs, .. } = bed;
    let (a, b) = (&regs["a"], &regs["b"]);
    let image = TestImage::random(81, 1, 512);
    let digest = a.push("prod/app", Some("1"), &image);
    let (ac, bc) = (a.client(), b.client());
    let reference = format!("{}/prod/app:1", a.host());
    sign_attest_verify_twice(&mut env, &reference, &ac, &ac, "prod/app", &digest);
    assert!(
        ac.referrers_api("prod/app", &digest).is_none(),
        "distribution 2.8: bundles through the fallback tag"
    );

    // `copy` carries the legacy tags and the bundle referrers alike.
    let copy = |env: &TestEnv| {
        let out = env.run(&[
            "--output",
            "json",
            "copy",
            &reference,
            &format!("{}/prod/app:1", b.host()),
        ]);
        out.assert_code(0);
        out.json()
    };
    let report = copy(&env);
    assert_eq!(report["referrers"].as_array().unwrap().len(), 2, "{report}");
    let pem = env.read("cosign.pub");
    assert_eq!(
        stored(&bc, &bc, "prod/app", &digest, &pem),
        stored(&ac, &ac, "prod/app", &digest, &pem)
    );
    let again = copy(&env);
    assert_eq!(again["unchanged"], true, "{again}");
    assert_eq!(cb::read_bundles(&bc, "prod/app", &digest).len(), 2);
}

#[test]
fn both_formats_on_harbor_use_the_referrers_api_and_copy_to_a_plain_registry() {
    let Some(bed) = TestBed::builder()
        .registry("b")
        .harbor()
        .password(PASSWORD)
        .signing_key("cosign")
        .config(|e| {
            format!(
                "version: 1\nregistries:\n{}{}signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  format: both\n",
                registry_entry("h", &e.harbor().host(), false, ""),
                registry_entry("b", &e.host("b"), false, ""),
            )
        })
        .build()
    else {
        return;
    };
    let TestBed {
        mut env,
        regs,
        harbor,
        ..
    } = bed;
    let fake = harbor.as_ref().expect("the Harbor fake");
    fake.create_project("staging");
    let image = TestImage::random(82, 1, 512);
    push_image_with(&fake.client(), "staging/app", Some("1"), &image);
    let digest = image.digest.clone();
    let (hc, backend) = (fake.client(), fake.backend().client());
    let reference = format!("{}/staging/app:1", fake.host());
    sign_attest_verify_twice(&mut env, &reference, &hc, &hc, "staging/app", &digest);
    let listed = hc.referrers_api("staging/app", &digest).expect("API");
    assert_eq!(listed["manifests"].as_array().unwrap().len(), 2);
    assert!(
        !backend.manifest_exists("staging/app", &digest.replacen(':', "-", 1)),
        "no fallback tag where the referrers API exists"
    );

    let b = &regs["b"];
    let out = env.run(&[
        "--output",
        "json",
        "copy",
        &reference,
        &format!("{}/staging/app:1", b.host()),
    ]);
    out.assert_code(0);
    let pem = env.read("cosign.pub");
    let bc = b.client();
    assert_eq!(
        stored(&bc, &bc, "staging/app", &digest, &pem),
        stored(&hc, &hc, "staging/app", &digest, &pem)
    );
}

const PROMOTED: [&str; 5] = [
    "https://cosign.sigstore.dev/attestation/vuln/v1",
    "https://cyclonedx.org/bom",
    "https://slsa.dev/verification_summary/v1",
    "https://vimes.dev/attestation/promotion/v1",
    "https://vimes.dev/attestation/review/v1",
];

fn promoted_bundles() -> Vec<String> {
    let mut all: Vec<String> = PROMOTED.iter().map(|s| s.to_string()).collect();
    all.push(SIGN_PREDICATE.to_string());
    all.sort();
    all
}

#[test]
fn promote_with_both_tags_only_once_both_layouts_are_in_place() {
    let Some(mut bed) = promotion_bed("  format: both\n")
        .fixture("staging", "clean", "staging/web", "1.0")
        .build()
    else {
        return;
    };
    let digest = bed.digest("staging/web:1.0").to_string();
    let (production, env) = (&bed.regs["production"], &mut bed.env);
    let client = production.client();
    let pem = env.read("cosign.pub");

    // Stopped after signing: both signatures are there, but no tag.
    env.env("VIMES_FAULT_AFTER_STEP", "sign");
    env.run(&["--yes", "promote", "web:1.0"]).assert_code(86);
    assert!(client.get_manifest("production/web", "1.0").is_none());
    let (sig, att, bundles) = stored(&client, &client, "production/web", &digest, &pem);
    assert_eq!(sig.len(), 1);
    assert!(att.is_empty());
    assert_eq!(bundles, [SIGN_PREDICATE]);

    env.env("VIMES_FAULT_AFTER_STEP", "");
    for round in 1..=2 {
        let out = env.run(&["--yes", "--output", "json", "promote", "web:1.0"]);
        out.assert_code(0);
        assert_eq!(
            client.get_manifest("production/web", "1.0").map(|m| m.2),
            Some(digest.clone())
        );
        let (sig, att, bundles) = stored(&client, &client, "production/web", &digest, &pem);
        assert_eq!(sig, ["cosign container image signature"], "round {round}");
        assert_eq!(att, PROMOTED, "round {round}: nothing duplicated");
        assert_eq!(bundles, promoted_bundles(), "round {round}");
    }
    let prod_ref = format!("{}/production/web:1.0", production.host());
    let out = env.run(&[
        "--output",
        "json",
        "verify",
        "--require-attestation",
        "promotion",
        &prod_ref,
    ]);
    out.assert_code(0);
    assert_eq!(
        valid_formats(&out.json(), "signatures"),
        ["bundle", "legacy"]
    );
}

/// On the Harbor fake with "cosign required" on (`harbor setup`), the fake
/// refuses to serve a manifest without a `.sig` tag, bundle referrers
/// included: the production verify cannot read them, so promotion stops
/// before the tag (fail closed, exit 4). With the policy off, both layouts
/// are written, the bundles through Harbor's referrers API.
#[test]
fn promote_with_both_on_harbor_writes_bundles_through_the_referrers_api() {
    use crate::support::harbor_fake::ADMIN;
    let Some(bed) = TestBed::builder()
        .tools(["buildah", "syft"])
        .trivy_cache()
        .xdg()
        .password(PASSWORD)
        .user("ci-bot")
        .signing_key("cosign")
        .harbor_promotion(
            ADMIN.0,
            ADMIN.1,
            "signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  require_attestations: [cyclonedx, vuln]\n  format: both\n",
        )
        .build()
    else {
        return;
    };
    let fake = bed.harbor();
    let env = &bed.env;
    env.run(&["harbor", "setup"]).assert_code(0);
    let image = TestImage::random(83, 1, 2048);
    push_image_with(&fake.client(), "staging/app", Some("1"), &image);
    let hc = fake.client();
    let pem = env.read("cosign.pub");

    let refused = env.run(&["--yes", "promote", "app:1"]);
    refused.assert_code(4);
    assert!(
        refused.stderr.contains("bundle referrer"),
        "{}",
        refused.dump()
    );
    assert!(
        !fake
            .backend()
            .client()
            .manifest_exists("production/app", "1"),
        "no production tag when a layout cannot be verified"
    );

    fake.set_metadata("production", "enable_content_trust_cosign", Some("false"));
    for round in 1..=2 {
        let out = env.run(&["--yes", "--output", "json", "promote", "app:1"]);
        out.assert_code(0);
        let (sig, att, bundles) = stored(&hc, &hc, "production/app", &image.digest, &pem);
        assert_eq!(sig, ["cosign container image signature"], "round {round}");
        assert_eq!(att, PROMOTED, "round {round}: nothing duplicated");
        assert_eq!(bundles, promoted_bundles(), "round {round}");
    }
    let listed = hc
        .referrers_api("production/app", &image.digest)
        .expect("API");
    assert_eq!(
        listed["manifests"].as_array().unwrap().len(),
        promoted_bundles().len()
    );
    assert_eq!(
        hc.get_manifest("production/app", "1").map(|m| m.2),
        Some(image.digest.clone())
    );
}
