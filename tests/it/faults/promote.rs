//! `vimes promote` with staging and production behind fault proxies (Trivy
//! and Syft go through them too): transient faults are survived; after any
//! failure, production holds either no tag or a tag whose signature verifies
//! (checked independently, straight against the real registry).

use super::{rule, ProxiedPair, GIVE_UP_WITHIN};
use crate::cosign_compat as cc;
use crate::support::fault_proxy::{Fault, Rule};
use crate::support::{Registry, RunOutput, TestEnv, TestImage};

const PASSWORD: &str = "fault promotion key";

/// The proxied pair with `image` as staging/app:1, Trivy's test DB, Syft,
/// a signing key and vimes.yaml requiring both attestations. None: skip.
fn promote_bed(image: &TestImage) -> Option<(ProxiedPair, TestEnv)> {
    let bed = ProxiedPair::promotion_bed(
        "signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  require_attestations: [cyclonedx, vuln]\n",
    )
    .tool("syft")
    .trivy_cache()
    .xdg()
    .password(PASSWORD)
    .user("ci-bot")
    .signing_key("cosign")
    .image("staging", "staging/app", Some("1"), image.clone())
    .build()?;
    Some(ProxiedPair::open(bed))
}

/// Production is safe: no `repo:tag`, or a tag on `digest` with a `.sig`
/// whose simple-signing payload names this digest and verifies with the key.
#[track_caller]
pub fn assert_production_safe(
    production: &Registry,
    repo: &str,
    tag: &str,
    digest: &str,
    public_pem: &str,
    context: &str,
) -> bool {
    let client = production.client();
    let Some((_, _, tagged)) = client.get_manifest(repo, tag) else {
        return false;
    };
    assert_eq!(tagged, digest, "{context}: the tag points elsewhere");
    let (_, sig) = cc::read_attachment(production, repo, digest, "sig")
        .unwrap_or_else(|| panic!("{context}: {repo}:{tag} is tagged without a signature"));
    let verified = sig["layers"].as_array().unwrap().iter().any(|layer| {
        let payload = client
            .get_blob(repo, layer["digest"].as_str().unwrap())
            .unwrap_or_default();
        let doc: serde_json::Value = serde_json::from_slice(&payload).unwrap_or_default();
        let signature = layer["annotations"][cc::SIG_ANNOTATION]
            .as_str()
            .map(cc::unb64)
            .unwrap_or_default();
        doc["critical"]["image"]["docker-manifest-digest"] == digest
            && cc::verifies(public_pem, &payload, &signature)
    });
    assert!(
        verified,
        "{context}: {repo}:{tag} is tagged without a valid signature"
    );
    true
}

fn run_promote(env: &TestEnv) -> RunOutput {
    env.run(&["--yes", "promote", "app:1"])
}

#[test]
fn promote_survives_transient_faults_on_both_registries() {
    let image = TestImage::random(9101, 2, 4096);
    let Some((pair, env)) = promote_bed(&image) else {
        return;
    };
    // For vimes' own requests: Trivy and Syft have retries of their own (see
    // the next test for what they survive).
    let once = |method, path: &str, fault| rule(method, path, fault).agent("vimes/").once();
    pair.sp.add(once(
        "GET",
        "/v2/staging/app/manifests/1",
        Fault::Status(503),
    ));
    pair.sp.add(once(
        "GET",
        "/v2/staging/app/blobs/sha256:*",
        Fault::ResetMidBody,
    ));
    pair.pp.add(once(
        "PUT",
        "/v2/production/app/blobs/uploads/*",
        Fault::Status(502),
    ));
    pair.pp.add(once(
        "PUT",
        "/v2/production/app/manifests/*",
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    ));
    pair.pp.add(once(
        "GET",
        "/v2/production/app/manifests/sha256-*",
        Fault::ResetBeforeResponse,
    ));
    let out = run_promote(&env);
    let context = format!("transient faults\n{}", pair.logs());
    assert_eq!(out.code, 0, "{context}\n{}", out.dump());
    assert_eq!(pair.sp.faults_injected(), 2, "{context}");
    assert_eq!(pair.pp.faults_injected(), 3, "{context}");
    super::assert_identical(&pair.production, "production/app", "1", &image, &context);
    assert!(assert_production_safe(
        &pair.production,
        "production/app",
        "1",
        &image.digest,
        &env.read("cosign.pub"),
        &context
    ));
}

/// Faults that Trivy (User-Agent `trivy/...`) or Syft (User-Agent
/// `go-containerregistry/...`) see; both read staging, side by side. Whatever they make
/// of them, the promotion ends either with a verified production tag, or
/// non-zero with no tag.
#[test]
fn faults_seen_by_trivy_and_syft_end_in_a_verified_tag_or_non_zero() {
    let cases: [(&str, Rule); 4] = [
        (
            "Trivy: one reset mid-blob",
            rule("GET", "/v2/staging/app/blobs/sha256:*", Fault::ResetMidBody)
                .agent("trivy")
                .once(),
        ),
        (
            "Trivy: one 503 on the manifest",
            rule("GET", "/v2/staging/app/manifests/*", Fault::Status(503))
                .agent("trivy")
                .once(),
        ),
        (
            "Syft: one 503 on a blob",
            rule("GET", "/v2/staging/app/blobs/sha256:*", Fault::Status(503))
                .agent("go-containerregistry")
                .once(),
        ),
        (
            "Syft: altered manifest",
            rule("GET", "/v2/staging/app/manifests/sha256:*", Fault::FlipByte)
                .agent("go-containerregistry")
                .once(),
        ),
    ];
    for (n, (name, fault)) in cases.into_iter().enumerate() {
        let image = TestImage::random(9110 + n as u64, 1, 4096);
        let Some((pair, env)) = promote_bed(&image) else {
            return;
        };
        pair.sp.add(fault);
        let out = run_promote(&env);
        let context = format!(
            "{name}
{}",
            pair.logs()
        );
        let fired = pair.sp.faults_injected() + pair.pp.faults_injected();
        assert_eq!(
            fired,
            1,
            "{context}: the fault did not fire
{}",
            out.dump()
        );
        let tagged = assert_production_safe(
            &pair.production,
            "production/app",
            "1",
            &image.digest,
            &env.read("cosign.pub"),
            &context,
        );
        assert_eq!(
            out.code == 0,
            tagged,
            "{context}: exit 0 exactly when the tag is there
{}",
            out.dump()
        );
        assert!(
            [0, 3, 4].contains(&out.code),
            "{context}: unexpected exit
{}",
            out.dump()
        );
        eprintln!("{name}: exit {}", out.code);
    }
}

#[test]
fn promote_never_leaves_a_production_tag_without_a_valid_signature() {
    let image = TestImage::random(9102, 1, 4096);
    let Some((pair, env)) = promote_bed(&image) else {
        return;
    };
    let public = env.read("cosign.pub");
    let sig_tag = format!(
        "/v2/production/app/manifests/{}",
        crate::support::signature_tag(&image.digest)
    );
    let att_tag = sig_tag.replace(".sig", ".att");
    // (name, production rule, message the failure must carry)
    let cases: Vec<(&str, Rule, &str)> = vec![
        (
            "signature push fails for good",
            rule("PUT", &sig_tag, Fault::Status(503)),
            "503",
        ),
        (
            "attestation push resets for good",
            rule("PUT", &att_tag, Fault::ResetBeforeResponse),
            "pushing manifest",
        ),
        (
            "signature read back altered",
            rule("GET", &sig_tag, Fault::FlipByte),
            "digest",
        ),
        (
            "tag push fails for good",
            rule("PUT", "/v2/production/app/manifests/1", Fault::Status(500)),
            "500",
        ),
        (
            "production blobs fail for good (Syft's pulls)",
            rule(
                "GET",
                "/v2/production/app/blobs/sha256:*",
                Fault::Status(503),
            ),
            "syft",
        ),
    ];
    for (name, fault, reason) in cases {
        pair.clear();
        pair.pp.add(fault);
        let out = run_promote(&env);
        let context = format!("{name}\n{}", pair.logs());
        assert_ne!(out.code, 0, "{context}\n{}", out.dump());
        assert!(
            out.code == 4 || (reason == "syft" && out.code == 3),
            "{context}: exit 4 expected (3 when Syft is the one failing)\n{}",
            out.dump()
        );
        assert!(
            out.stderr.to_lowercase().contains(reason),
            "{context}: the reason {reason:?} is missing\n{}",
            out.dump()
        );
        assert!(
            out.elapsed < GIVE_UP_WITHIN * 2,
            "{context}: {:?}",
            out.elapsed
        );
        assert!(
            !assert_production_safe(
                &pair.production,
                "production/app",
                "1",
                &image.digest,
                &public,
                &context
            ),
            "{context}: a failed promotion left a tag"
        );
    }
    // Without faults the same promotion completes, and the tag verifies.
    pair.clear();
    let out = run_promote(&env);
    assert_eq!(out.code, 0, "{}", out.dump());
    assert!(assert_production_safe(
        &pair.production,
        "production/app",
        "1",
        &image.digest,
        &public,
        "after recovery"
    ));
}
