//! `vimes promote` end to end: real registries, real Trivy, real Syft, real
//! buildah images; the production tag appears only after signature and
//! attestations verify, and an interrupted promotion completes on re-run.

use crate::cosign_compat as cc;
use crate::support::trivy::build_fixture_image;
use crate::support::TestBed;
use crate::support::{push_image, Registry, TestEnv, TestImage};

pub(crate) const PASSWORD: &str = "promotion key password";

pub struct Bed {
    pub staging: Registry,
    pub production: Registry,
    pub env: TestEnv,
}

/// The promotion bed: staging and production registries (production
/// immutable), Trivy with the test DB, buildah, Syft, a signing key in
/// `keys/` and vimes.yaml requiring both attestations, then `extra`. None:
/// the test skips.
pub fn setup(extra: &str) -> Option<Bed> {
    let bed = TestBed::builder()
        .registries(["staging", "production"])
        .tools(["buildah", "syft"])
        .trivy_cache()
        .xdg()
        .password(PASSWORD)
        .user("ci-bot")
        .signing_key("keys/cosign")
        .promotion(&format!(
            "signing:\n  key: keys/cosign.key\n  public_keys: [keys/cosign.pub]\n  require_attestations: [cyclonedx, vuln]\n{extra}"
        ))
        .build()?;
    let TestBed { env, mut regs, .. } = bed;
    Some(Bed {
        staging: regs.take("staging"),
        production: regs.take("production"),
        env,
    })
}

fn attestation_types(reg: &Registry, repo: &str, digest: &str) -> Vec<String> {
    cc::read_attachment(reg, repo, digest, "att")
        .map(|(_, m)| {
            m["layers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    l["annotations"]["predicateType"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The predicate of the attestation of `predicate_type` (decoded from its DSSE envelope).
pub(crate) fn attestation_predicate(
    reg: &Registry,
    repo: &str,
    digest: &str,
    predicate_type: &str,
) -> serde_json::Value {
    let (_, manifest) = cc::read_attachment(reg, repo, digest, "att").expect(".att manifest");
    let layer = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["annotations"]["predicateType"] == predicate_type)
        .unwrap_or_else(|| panic!("no {predicate_type} attestation"));
    let envelope: serde_json::Value = serde_json::from_slice(
        &reg.client()
            .get_blob(repo, layer["digest"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    use base64::Engine as _;
    let statement = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&statement).unwrap()["predicate"].clone()
}

fn signature_count(reg: &Registry, repo: &str, digest: &str) -> usize {
    cc::read_attachment(reg, repo, digest, "sig")
        .map_or(0, |(_, m)| m["layers"].as_array().unwrap().len())
}

#[test]
fn clean_image_is_promoted_signed_attested_and_verified_and_re_promotion_is_a_no_op() {
    let Some(b) = setup("") else {
        return;
    };
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    let out = b
        .env
        .run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    out.assert_code(0);
    let record = out.json();
    assert_eq!(record["digest"], digest.as_str());
    assert_eq!(record["tag"], "1.0");
    assert_eq!(record["reviewer"], "ci-bot");
    assert_eq!(record["review_interactive"], false);
    assert_eq!(record["trivy_version"], "0.59.1");
    assert!(record["signer"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(record["unchanged"], false);
    let client = b.production.client();
    assert_eq!(
        client.get_manifest("production/web", "1.0").map(|m| m.2),
        Some(digest.clone())
    );
    let types = attestation_types(&b.production, "production/web", &digest);
    for t in [
        "https://cyclonedx.org/bom",
        "https://cosign.sigstore.dev/attestation/vuln/v1",
        "https://vimes.dev/attestation/review/v1",
        "https://vimes.dev/attestation/promotion/v1",
    ] {
        assert_eq!(
            types.iter().filter(|x| *x == t).count(),
            1,
            "{t} in {types:?}"
        );
    }
    // Syft read the staging digest, but the SBOM names what it describes: the
    // production image.
    let sbom = attestation_predicate(
        &b.production,
        "production/web",
        &digest,
        "https://cyclonedx.org/bom",
    );
    assert_eq!(
        sbom["metadata"]["component"]["name"],
        format!("{}/production/web", b.production.host()).as_str()
    );
    assert_eq!(sbom["metadata"]["component"]["version"], digest.as_str());
    assert!(sbom["components"].as_array().is_some_and(|c| !c.is_empty()));
    let steps: Vec<&str> = record["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["resolve", "scan", "review", "copy", "sign", "sbom", "attest", "verify", "tag"]
    );
    let prod_ref = format!("{}/production/web:1.0", b.production.host());
    b.env
        .run(&[
            "verify",
            "--require-attestation",
            "review",
            "--require-attestation",
            "promotion",
            &prod_ref,
        ])
        .assert_code(0);
    let audit = std::fs::read_to_string(b.env.path(".data/vimes/audit.log")).unwrap();
    assert_eq!(audit.lines().count(), 1);

    // Again: nothing changes, nothing is duplicated.
    let again = b
        .env
        .run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    again.assert_code(0);
    assert_eq!(again.json()["unchanged"], true, "{}", again.dump());
    assert_eq!(signature_count(&b.production, "production/web", &digest), 1);
    assert_eq!(
        attestation_types(&b.production, "production/web", &digest).len(),
        5
    );
}

#[test]
fn vulnerable_image_is_refused_and_production_holds_nothing_of_it() {
    let Some(b) = setup("") else {
        return;
    };
    let digest = build_fixture_image(&b.staging, "vulnerable", "staging/vuln", "1");
    let out = b.env.run(&["--yes", "promote", "vuln:1"]);
    out.assert_code(1);
    out.assert_stderr_contains("CVE-2099-0001");
    let client = b.production.client();
    assert!(
        client.catalog().is_empty(),
        "production must hold nothing: {:?}",
        client.catalog()
    );
    assert!(!client.manifest_exists("production/vuln", &digest));
}

/// Syft starts beside the scan; a blocked scan must stop it, not leave it
/// running after vimes has answered. (A stand-in Syft that never finishes,
/// since the real one is done before anyone could look.)
#[test]
fn a_blocked_scan_stops_the_sbom_run_it_started() {
    let Some(mut b) = setup("") else {
        return;
    };
    let pid_file = b.env.path("syft.pid");
    b.env.write_executable(
        "syft-never-done",
        &format!(
            "#!/bin/sh\nif [ \"$1\" = version ]; then echo '{{\"application\":\"syft\",\"version\":\"1.18.1\"}}'; exit 0; fi\necho $$ > {}\nexec sleep 300\n",
            pid_file.display()
        ),
    );
    let cfg = b.env.read("vimes.yaml")
        + &format!(
            "tools:\n  syft: {{ path: \"{}\" }}\n",
            b.env.bin_dir().join("syft-never-done").display()
        );
    b.env.config_yaml(&cfg);
    build_fixture_image(&b.staging, "vulnerable", "staging/vuln", "1");
    let out = b.env.run(&["--yes", "promote", "vuln:1"]);
    out.assert_code(1);
    out.assert_stderr_contains("scan gate blocked");
    let pid = std::fs::read_to_string(&pid_file)
        .expect("Syft should have been started beside the scan")
        .trim()
        .to_string();
    let running = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| !stat.contains(") Z "))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while running() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        !running(),
        "Syft ({pid}) still runs after the blocked promotion"
    );
    assert!(b.production.client().catalog().is_empty());
}

/// `vimes copy` into production tags only what verifies there: a promoted
/// image can be re-tagged (or restored), an unsigned one cannot get in.
#[test]
fn copies_into_production_are_tagged_only_when_they_verify_there() {
    let Some(b) = setup("") else {
        return;
    };
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    let prod = format!("{}/production/web", b.production.host());
    let client = b.production.client();

    let out = b.env.run(&[
        "copy",
        &format!("{prod}@{digest}"),
        &format!("{prod}:stable"),
    ]);
    out.assert_code(0);
    assert_eq!(
        client.get_manifest("production/web", "stable").map(|m| m.2),
        Some(digest.clone())
    );

    let unsigned = build_fixture_image(&b.staging, "clean", "staging/other", "1");
    let out = b.env.run(&[
        "copy",
        "other:1",
        &format!("{}/production/other:1", b.production.host()),
    ]);
    out.assert_code(1);
    out.assert_stderr_contains("no signatures found");
    out.assert_stderr_contains("vimes promote");
    assert!(!client.manifest_exists("production/other", "1"));
    assert!(
        client.manifest_exists("production/other", &unsigned),
        "the content is copied by digest, untagged, before the check"
    );

    let out = b.env.run(&[
        "copy",
        "--no-signatures",
        &format!("{prod}@{digest}"),
        &format!("{prod}:nosig"),
    ]);
    out.assert_code(2);
    assert!(!client.manifest_exists("production/web", "nosig"));
}

#[test]
fn a_conflicting_production_tag_is_refused() {
    let Some(b) = setup("") else {
        return;
    };
    push_image(
        &b.staging,
        "staging/app",
        Some("1"),
        &TestImage::random(31, 1, 2048),
    );
    let second = TestImage::random(32, 1, 2048);
    push_image(&b.staging, "staging/app", Some("2"), &second);
    b.env
        .run(&["--yes", "promote", "--tag", "release", "app:1"])
        .assert_code(0);
    let out = b
        .env
        .run(&["--yes", "promote", "--tag", "release", "app:2"]);
    out.assert_code(1);
    out.assert_stderr_contains("already points to");
    assert!(
        !b.production
            .client()
            .manifest_exists("production/app", &second.digest),
        "nothing of the second image is copied"
    );
}

#[test]
fn bad_inputs_stop_before_anything_is_written() {
    let Some(mut b) = setup("") else {
        return;
    };
    push_image(
        &b.staging,
        "staging/app",
        Some("1"),
        &TestImage::random(33, 1, 1024),
    );
    let client = b.production.client();
    // Wrong password: exit 2 before anything.
    b.env.env("COSIGN_PASSWORD", "not the password");
    b.env.run(&["--yes", "promote", "app:1"]).assert_code(2);
    b.env.env("COSIGN_PASSWORD", PASSWORD);
    // No review and no terminal: no.
    let out = b.env.run(&["promote", "app:1"]);
    out.assert_code(1);
    out.assert_stderr_contains("review");
    // Missing in staging, outside promotion.from, no tag.
    b.env.run(&["--yes", "promote", "nothing:1"]).assert_code(2);
    b.env
        .run(&[
            "--yes",
            "promote",
            &format!("{}/elsewhere/app:1", b.staging.host()),
        ])
        .assert_code(2);
    b.env
        .run(&[
            "--yes",
            "promote",
            &format!(
                "{}/staging/app@{}",
                b.staging.host(),
                TestImage::random(33, 1, 1024).digest
            ),
        ])
        .assert_code(2);
    // Dry run writes nothing.
    b.env
        .run(&["--yes", "promote", "--dry-run", "app:1"])
        .assert_code(0);
    assert!(client.catalog().is_empty(), "{:?}", client.catalog());
    // Missing signing key.
    let cfg = b
        .env
        .read("vimes.yaml")
        .replace("keys/cosign.key", "keys/missing.key");
    b.env.config_yaml(&cfg);
    b.env.run(&["--yes", "promote", "app:1"]).assert_code(2);
    assert!(client.catalog().is_empty());
}

#[test]
fn an_interrupted_promotion_never_leaves_an_unsigned_tag_and_completes_on_re_run() {
    // The interruption switch exists only in builds with this feature
    // (scripts/test turns it on); a release binary must not have it.
    if !cfg!(feature = "fault-injection") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI runs the suite through scripts/test, with --features fault-injection"
        );
        eprintln!("skipped: build without --features fault-injection (use scripts/test)");
        return;
    }
    for step in ["review", "copy", "sign", "sbom", "attest", "verify"] {
        // A fresh production registry each time, so every step is interrupted for real.
        let Some(mut b) = setup("") else {
            return;
        };
        let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1");
        let client = b.production.client();
        b.env.env("VIMES_FAULT_AFTER_STEP", step);
        let out = b.env.run(&["--yes", "promote", "web:1"]);
        assert_eq!(out.code, 86, "fault after {step}: {}", out.dump());
        assert!(
            !client.manifest_exists("production/web", "1"),
            "a tag exists after a crash at {step}"
        );
        b.env.unset_env("VIMES_FAULT_AFTER_STEP");
        let out = b.env.run(&["--yes", "promote", "web:1"]);
        out.assert_code(0);
        assert_eq!(
            client.get_manifest("production/web", "1").map(|m| m.2),
            Some(digest.clone())
        );
        b.env
            .run(&[
                "verify",
                &format!("{}/production/web:1", b.production.host()),
            ])
            .assert_code(0);
        assert_eq!(
            signature_count(&b.production, "production/web", &digest),
            1,
            "after {step}"
        );
        let types = attestation_types(&b.production, "production/web", &digest);
        assert_eq!(types.len(), 5, "after {step}: {types:?}");
    }
}

#[test]
fn two_promotions_to_the_same_tag_at_once_exactly_one_wins() {
    let Some(b) = setup("") else {
        return;
    };
    let first = TestImage::random(41, 1, 4096);
    let second = TestImage::random(42, 1, 4096);
    push_image(&b.staging, "staging/app", Some("a"), &first);
    push_image(&b.staging, "staging/app", Some("b"), &second);
    let spawn = |src: &str| {
        b.env
            .command(&["--yes", "promote", "--tag", "release", src])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (x, y) = (spawn("app:a"), spawn("app:b"));
    let (x, y) = (x.wait_with_output().unwrap(), y.wait_with_output().unwrap());
    let codes = [x.status.code(), y.status.code()];
    assert!(
        codes == [Some(0), Some(1)] || codes == [Some(1), Some(0)],
        "exactly one must win: {codes:?}\n{}\n{}",
        String::from_utf8_lossy(&x.stderr),
        String::from_utf8_lossy(&y.stderr)
    );
    let winner = if codes[0] == Some(0) { &first } else { &second };
    let tagged = b
        .production
        .client()
        .get_manifest("production/app", "release")
        .map(|m| m.2);
    assert_eq!(tagged, Some(winner.digest.clone()));
    b.env
        .run(&[
            "verify",
            &format!("{}/production/app:release", b.production.host()),
        ])
        .assert_code(0);
}

#[test]
fn promotion_between_harbor_projects_uses_harbors_tag_api() {
    use crate::support::harbor_fake::ADMIN;
    use crate::support::push_image_with;
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
            "signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  require_attestations: [cyclonedx, vuln]\n",
        )
        .build()
    else {
        return;
    };
    let fake = bed.harbor();
    let env = &bed.env;
    env.run(&["harbor", "setup"]).assert_code(0);
    let first = TestImage::random(51, 1, 2048);
    let second = TestImage::random(52, 1, 2048);
    push_image_with(&fake.client(), "staging/app", Some("1"), &first);
    push_image_with(&fake.client(), "staging/app", Some("2"), &second);

    let out = env.run(&[
        "--yes", "--output", "json", "promote", "--tag", "release", "app:1",
    ]);
    out.assert_code(0);
    assert_eq!(out.json()["digest"], first.digest.as_str());
    // Re-promotion: nothing changes.
    let again = env.run(&[
        "--yes", "--output", "json", "promote", "--tag", "release", "app:1",
    ]);
    again.assert_code(0);
    assert_eq!(again.json()["unchanged"], true, "{}", again.dump());
    // Another digest to the same (immutable) tag: refused, nothing moved.
    let out = env.run(&["--yes", "promote", "--tag", "release", "app:2"]);
    out.assert_code(1);
    let tags: Vec<_> = fake
        .api_requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.target.contains("/tags"))
        .collect();
    assert_eq!(
        tags.len(),
        1,
        "the tag was created once, through Harbor's API"
    );
    crate::harbor::assert_contract(fake, "promote");
}

/// Issue #20 item 1, SBOM half: promoting an index attests one SBOM that
/// lists every platform's packages (Syft alone catalogues the host's
/// platform), with each package's platform named and the production index
/// digest as its subject.
#[test]
fn a_promoted_index_carries_an_sbom_of_every_platform() {
    let Some(b) = setup("policy:\n  ignore_unfixed: true\n") else {
        return;
    };
    let index = crate::scan::platforms::push_index(
        &b.staging,
        "staging/multi",
        &[("clean", "amd64"), ("unfixed-only", "arm64")],
        &[],
    );
    let out = b
        .env
        .run(&["--yes", "--output", "json", "promote", "multi:1"]);
    out.assert_code(0);
    assert_eq!(out.json()["digest"], index.as_str(), "{}", out.dump());
    let sbom = attestation_predicate(
        &b.production,
        "production/multi",
        &index,
        "https://cyclonedx.org/bom",
    );
    assert_eq!(sbom["metadata"]["component"]["version"], index.as_str());
    let platforms_of = |name: &str| crate::scan::platforms::cyclonedx_platforms_of(&sbom, name);
    assert_eq!(platforms_of("libtiff6"), ["linux/arm64"]);
    assert_eq!(platforms_of("requests"), ["linux/amd64"]);
    assert_eq!(platforms_of("libc6"), ["linux/amd64", "linux/arm64"]);
}
