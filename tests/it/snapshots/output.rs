//! The text output of `scan`, `verify`, `promote` and `check` as a user sees
//! it without a TTY (stdout and stderr), on the test bed's fixture images.

use super::{assert_snapshot, transcript, Normaliser};
use crate::scan::scan_bed;
use crate::support::trivy::{build_fixture_image, trivy_db_cache};
use crate::support::TestBed;
use crate::support::{TestEnv, TestImage};
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// What varies in every env: its temp dir (HOME and working directory) and
/// the shared Trivy DB cache.
fn normaliser(env: &TestEnv) -> Normaliser {
    let mut n = Normaliser::new()
        .known(env.home().display().to_string(), "[dir]")
        .known(trivy_db_cache().display().to_string(), "[trivy-cache]");
    // macOS and some CI runners reach the temp dir through a symlink.
    if let Ok(real) = env.home().canonicalize() {
        if real != env.home() {
            n = n.known(real.display().to_string(), "[dir]");
        }
    }
    n
}

/// `sha256:<hex>` of the public key in the PEM file `rel`: how vimes names a
/// key in its output.
fn key_fingerprint(env: &TestEnv, rel: &str) -> String {
    let pem = env.read(rel);
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap_or_else(|e| panic!("{rel} is not PEM: {e}"));
    format!("sha256:{}", hex::encode(Sha256::digest(der)))
}

#[test]
fn scan_of_a_clean_image_passes_and_of_a_vulnerable_one_is_blocked() {
    let Some(bed) = scan_bed("")
        .fixture("reg", "clean", "staging/clean", "1")
        .fixture("reg", "vulnerable", "staging/vuln", "1")
        .build()
    else {
        return;
    };
    let clean = bed.digests["staging/clean:1"].clone();
    let vuln = bed.digests["staging/vuln:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &bed.env);
    let n = normaliser(env)
        .known(reg.host(), "127.0.0.1:[registry-port]")
        .known(&clean, "[clean-digest]")
        .known(&vuln, "[vulnerable-digest]");

    let out = env.run(&["scan", "clean:1"]);
    out.assert_code(0);
    assert_snapshot("scan_clean", &transcript(&out, &n));

    let out = env.run(&["scan", "vuln:1"]);
    out.assert_code(1);
    assert_snapshot("scan_vulnerable_blocked", &transcript(&out, &n));
}

#[test]
fn verify_of_a_signed_image_is_ok_and_of_an_unsigned_one_refused() {
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    // Seeded images: the same bytes, so the same digests, on every run.
    let signed = reg.push("prod/app", Some("1.0"), &TestImage::random(31, 1, 512));
    let unsigned = reg.push("prod/other", Some("1.0"), &TestImage::random(32, 1, 512));
    let mut env = bed.env;
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\nsigning:\n  key: cosign.key\n  public_keys: [cosign.pub]\n",
        reg.host()
    ));
    env.env("COSIGN_PASSWORD", "snapshot password");
    env.run(&["key", "generate"]).assert_code(0);
    let signed_ref = format!("{}/prod/app:1.0", reg.host());
    env.run(&["sign", &signed_ref]).assert_code(0);
    let n = normaliser(&env)
        .known(reg.host(), "127.0.0.1:[registry-port]")
        .known(&signed, "[signed-digest]")
        .known(&unsigned, "[unsigned-digest]")
        .known(key_fingerprint(&env, "cosign.pub"), "[key-fingerprint]");

    let out = env.run(&["verify", &signed_ref]);
    out.assert_code(0);
    assert_snapshot("verify_signed_ok", &transcript(&out, &n));

    let out = env.run(&["verify", &format!("{}/prod/other:1.0", reg.host())]);
    out.assert_code(1);
    assert_snapshot("verify_unsigned_refused", &transcript(&out, &n));
}

#[test]
fn promote_of_the_clean_image_shows_each_step_and_the_summary() {
    let Some(b) = crate::promote::setup("") else {
        return;
    };
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    let n = normaliser(&b.env)
        .known(b.staging.host(), "127.0.0.1:[staging-port]")
        .known(b.production.host(), "127.0.0.1:[production-port]")
        .known(&digest, "[image-digest]")
        .known(
            key_fingerprint(&b.env, "keys/cosign.pub"),
            "[key-fingerprint]",
        );

    let out = b.env.run(&["--yes", "promote", "web:1.0"]);
    out.assert_code(0);
    assert_snapshot("promote_clean", &transcript(&out, &n));
}

#[test]
fn check_of_a_small_tree_names_each_finding() {
    let env = TestBed::builder()
        .config_text(
        "version: 1\npolicy:\n  allowed_registries: [harbor.example.com/base, harbor.example.com/production]\n  require_digest: true\n",
    )
    .file(
        "Dockerfile",
        "FROM harbor.example.com/base/debian:12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build\n\
         RUN make\n\
         FROM definitely-legitimate-source/totally-not-malware:latest\n\
         COPY --from=build /out /app\n",
    )
    .file(
        "k8s/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: harbor.example.com/production/web:1.4\n        - name: sidecar\n          image: nginx\n",
    )
    .file(
        "compose.yaml",
        "services:\n  db:\n    image: harbor.example.com/base/postgres:16@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
    )
        .ready()
        .env;
    let n = normaliser(&env);
    let out = env.run(&["check", "Dockerfile", "k8s", "compose.yaml"]);
    out.assert_code(1);
    assert_snapshot("check_tree_with_findings", &transcript(&out, &n));
}
