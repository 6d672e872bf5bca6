//! SLSA provenance end to end, with real buildah and real registries:
//! `vimes build` attests it (and `vimes verify --require-attestation
//! slsaprovenance1` accepts it), `vimes attest --type slsaprovenance1`
//! attaches provenance made elsewhere, and `policy.provenance.required`
//! makes promote pass a built image and refuse one without acceptable
//! provenance, writing nothing to production.

use crate::build::{build_bed, git};
use crate::promote::{attestation_predicate, PASSWORD};
use crate::support::trivy::build_fixture_image;
use crate::support::{TestBed, TestImage};

const BUILDER: &str = "ci.example.com/vimes-build";
const SLSA_V1: &str = "https://slsa.dev/provenance/v1";

#[test]
fn vimes_build_attests_provenance_that_verify_accepts() {
    let Some(mut bed) = build_bed(&format!(
        "signing:\n  key: keys/cosign.key\n  public_keys: [keys/cosign.pub]\nbuild:\n  builder_id: {BUILDER}\n"
    ))
    .tool("buildah")
    .tool("git")
    .signing_key("keys/cosign")
    .image("reg", "base/debian", Some("12"), TestImage::random(731, 1, 512))
    .build() else {
        return;
    };
    let base = bed.digests["base/debian:12"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.write(
        "app/Containerfile",
        format!(
            "FROM {}/base/debian:12@{base}\nARG TOKEN\nCOPY hello.txt /hello.txt\n",
            reg.host()
        ),
    );
    git(env, &["init", "-q", "-b", "main"]);
    git(
        env,
        &[
            "remote",
            "add",
            "origin",
            "https://bob:s3cret@git.example.com/acme/app.git",
        ],
    );
    git(env, &["add", "-A"]);
    git(env, &["commit", "-q", "-m", "app"]);
    let revision = git(env, &["rev-parse", "HEAD"]);

    let out = env.run(&[
        "--output",
        "json",
        "build",
        "--tag",
        "v1",
        "--build-arg",
        "TOKEN=hunter2-secret",
    ]);
    out.assert_success();
    let image = &out.json()["images"][0];
    assert!(image["provenance"].is_string(), "{}", out.dump());
    let digest = image["digest"].as_str().unwrap().to_string();
    let reference = image["reference"].as_str().unwrap().to_string();

    let predicate = attestation_predicate(reg, "staging/team/app", &digest, SLSA_V1);
    let text = predicate.to_string();
    assert!(
        !text.contains("hunter2-secret"),
        "a build-arg value leaked: {text}"
    );
    assert!(!text.contains("s3cret"), "credentials leaked: {text}");
    assert_eq!(predicate["runDetails"]["builder"]["id"], BUILDER);
    let definition = &predicate["buildDefinition"];
    assert_eq!(definition["buildType"], "https://vimes.dev/build/v1");
    assert_eq!(definition["externalParameters"]["image"], "app");
    assert_eq!(
        definition["externalParameters"]["dockerfile"]["path"],
        "Containerfile"
    );
    assert_eq!(
        definition["externalParameters"]["buildArgs"],
        serde_json::json!(["TOKEN"])
    );
    let deps = definition["resolvedDependencies"].as_array().unwrap();
    assert_eq!(deps[0]["uri"], "git+https://git.example.com/acme/app.git");
    assert_eq!(deps[0]["digest"]["gitCommit"], revision.as_str());
    assert_eq!(deps[1]["digest"]["sha256"], &base[7..]);

    // verify wants a signature too: the build signs nothing, `vimes sign` does.
    env.run(&["sign", &reference]).assert_success();
    env.run(&[
        "verify",
        &reference,
        "--require-attestation",
        "slsaprovenance1",
    ])
    .assert_success();
    // No VSA was made for a staging image.
    env.run(&["verify", &reference, "--require-attestation", "vsa"])
        .assert_code(1);
}

#[test]
fn without_a_key_build_warns_unless_provenance_is_required() {
    let Some(mut bed) =
        build_bed("  provenance:\n    required: true\n    trusted_keys: [keys/cosign.pub]\n")
            .build()
    else {
        return;
    };
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.write(
        "app/Containerfile",
        "FROM scratch\nCOPY hello.txt /hello.txt\n",
    );
    env.run(&["build", "--tag", "t"])
        .assert_code(2)
        .assert_stderr_contains("vimes build needs a signing key to attest provenance");
    assert!(
        reg.client().tags("staging/team/app").is_empty(),
        "nothing pushed"
    );
}

/// The promotion bed with buildah for `vimes build`, a second key pair
/// `keys/other` (never trusted), an image `app` and `policy.provenance`
/// requiring provenance from [`BUILDER`].
fn promote_bed() -> Option<TestBed> {
    TestBed::builder()
        .registries(["staging", "production"])
        .tools(["buildah", "syft", "git"])
        .trivy_cache()
        .xdg()
        .password(PASSWORD)
        .user("ci-bot")
        .signing_key("keys/cosign")
        .signing_key("keys/other")
        .env_home_path("VIMES_BUILDAH_ROOT", "buildah")
        .env("VIMES_BUILDAH_STORAGE_DRIVER", "vfs")
        .env("VIMES_BUILDAH_ISOLATION", "chroot")
        .file("app/hello.txt", "hello\n")
        .file("app/Containerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n")
        .promotion(&format!(
            "signing:\n  key: keys/cosign.key\n  public_keys: [keys/cosign.pub]\n\
             images:\n  app:\n    repository: app\n    context: app\n    dockerfile: Containerfile\n\
             build:\n  builder_id: {BUILDER}\n\
             policy:\n  provenance:\n    required: true\n    builders: [{BUILDER}]\n"
        ))
        .build()
}

#[test]
fn promote_requires_provenance_when_the_policy_says_so() {
    let Some(bed) = promote_bed() else {
        return;
    };
    let (staging, production, env) = (bed.reg("staging"), bed.reg("production"), &bed.env);

    // Built by vimes build: provenance signed by the trusted key, promoted.
    let out = env.run(&["--output", "json", "build", "--tag", "v1"]);
    out.assert_success();
    let built = out.json()["images"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let out = env.run(&["--yes", "--output", "json", "promote", "app:v1"]);
    out.assert_code(0);
    assert!(
        out.stderr.contains(&format!("built by {BUILDER}")),
        "{}",
        out.dump()
    );
    assert_eq!(
        production
            .client()
            .get_manifest("production/app", "v1")
            .map(|m| m.2),
        Some(built.clone())
    );
    // The verification summary went in before the tag, naming what it checked.
    let vsa = attestation_predicate(
        production,
        "production/app",
        &built,
        "https://slsa.dev/verification_summary/v1",
    );
    assert_eq!(
        vsa["resourceUri"],
        format!("oci://{}/production/app@{built}", production.host()).as_str()
    );
    assert_eq!(vsa["verificationResult"], "PASSED");
    assert_eq!(
        vsa["verifiedLevels"],
        serde_json::json!(["SLSA_BUILD_LEVEL_1"])
    );
    assert_eq!(vsa["verifier"]["id"], "https://vimes.dev/verifier");
    assert!(vsa["policy"]["digest"]["sha256"]
        .as_str()
        .is_some_and(|d| d.len() == 64));
    let input = vsa["inputAttestations"][0]["uri"].as_str().unwrap();
    assert!(
        input.starts_with(&format!("oci://{}/staging/app@sha256:", staging.host())),
        "{vsa}"
    );
    let production_ref = format!("{}/production/app:v1", production.host());
    env.run(&["verify", &production_ref, "--require-attestation", "vsa"])
        .assert_success();

    // Pushed without provenance: refused before the scan, nothing in production.
    let digest = build_fixture_image(staging, "clean", "staging/web", "1.0");
    let refused = |why: &str| {
        let out = env.run(&["--yes", "promote", "web:1.0"]);
        out.assert_code(1)
            .assert_stderr_contains("provenance gate refused")
            .assert_stderr_contains(why);
        let client = production.client();
        assert!(client.tags("production/web").is_empty(), "{}", out.dump());
        assert!(!client.manifest_exists("production/web", &digest));
    };
    refused("no acceptable SLSA v1 provenance attestation signed by a trusted key");

    // Provenance made elsewhere, attached with `vimes attest`.
    let attest = |builder: &str, key: &str| {
        let predicate = serde_json::json!({
            "buildDefinition": {"buildType": "https://example.com/ci/v1", "externalParameters": {}},
            "runDetails": {"builder": {"id": builder}}
        });
        std::fs::write(env.home().join("provenance.json"), predicate.to_string()).unwrap();
        env.run(&[
            "attest",
            "web:1.0",
            "--type",
            "slsaprovenance1",
            "--predicate",
            "provenance.json",
            "--key",
            key,
        ])
        .assert_success();
    };
    // By a key the policy does not trust.
    attest(BUILDER, "keys/other.key");
    refused("no envelope signature verifies with a trusted key");
    // By the trusted key, from a builder not allowed.
    attest("laptop/mallory", "keys/cosign.key");
    refused("builder \"laptop/mallory\" is not in policy.provenance.builders");
    // By the trusted key, from the allowed builder: the gate passes (a dry
    // run goes through the gates and writes nothing).
    attest(BUILDER, "keys/cosign.key");
    let out = env.run(&["--yes", "promote", "--dry-run", "web:1.0"]);
    out.assert_code(0);
    assert!(
        out.stderr
            .contains(&format!("provenance: ✓ built by {BUILDER}")),
        "{}",
        out.dump()
    );
    assert!(production.client().tags("production/web").is_empty());
}
