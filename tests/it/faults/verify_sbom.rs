//! `vimes verify` and `vimes sbom` through the fault proxy: transient faults
//! are survived; altered content and permanent failures end non-zero (exit 4
//! for vimes' own registry reads, the tool's failure for Syft), never 0.

use super::{assert_registry_failure, rule, ProxiedPair, ATTEMPTS};
use crate::support::fault_proxy::{Fault, PathMatch, Rule};
use crate::support::{signature_tag, TestEnv, TestImage};

const PASSWORD: &str = "fault verify key";

/// A production image behind the fault proxy, signed by vimes (with
/// `signing_extra` appended to the signing section of vimes.yaml).
/// None: the test skips.
fn signed_through_proxy(
    seed: u64,
    signing_extra: &str,
) -> Option<(ProxiedPair, TestImage, TestEnv, String)> {
    let image = TestImage::random(seed, 1, 2048);
    let bed = ProxiedPair::promotion_bed(&format!(
        "signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n{signing_extra}"
    ))
    .password(PASSWORD)
    .signing_key("cosign")
    .image("production", "production/app", Some("1"), image.clone())
    .build()?;
    let (pair, env) = ProxiedPair::open(bed);
    let reference = format!("{}/production/app:1", pair.pp.host());
    env.run(&["sign", &reference]).assert_code(0);
    Some((pair, image, env, reference))
}

#[test]
fn verify_through_faults_is_0_only_when_the_signature_really_verifies() {
    let Some((pair, image, env, reference)) = signed_through_proxy(9301, "") else {
        return;
    };

    let sig = format!(
        "/v2/production/app/manifests/{}",
        signature_tag(&image.digest)
    );
    let blobs = "/v2/production/app/blobs/sha256:*";
    let tag = "/v2/production/app/manifests/1";
    // (name, rule, expected exit, reason when failing, most requests matching)
    let cases: Vec<(&str, Rule, i32, &str, usize)> = vec![
        (
            "503 once on the .sig",
            rule("GET", &sig, Fault::Status(503)).once(),
            0,
            "",
            0,
        ),
        (
            "truncated .sig once",
            rule("GET", &sig, Fault::Truncate).once(),
            0,
            "",
            0,
        ),
        (
            "429 once on the tag",
            rule(
                "GET",
                tag,
                Fault::TooManyRequests {
                    retry_after_secs: 1,
                },
            )
            .once(),
            0,
            "",
            0,
        ),
        (
            "reset mid-payload once",
            rule("GET", blobs, Fault::ResetMidBody).once(),
            0,
            "",
            0,
        ),
        (
            "altered .sig manifest",
            rule("GET", &sig, Fault::FlipByte).once(),
            4,
            "digest",
            1,
        ),
        (
            "altered image manifest",
            rule("GET", tag, Fault::FlipByte).once(),
            4,
            "digest",
            1,
        ),
        (
            "the .sig fails for good",
            rule("GET", &sig, Fault::Status(503)),
            4,
            "503",
            ATTEMPTS,
        ),
        // A payload the registry does not deliver intact is a registry
        // failure (4), not an unsigned image (1).
        (
            "altered payload",
            rule("GET", blobs, Fault::FlipByte).once(),
            4,
            "digest",
            1,
        ),
        (
            "payloads reset for good",
            rule("GET", blobs, Fault::ResetBeforeResponse),
            4,
            "fetching blob",
            ATTEMPTS,
        ),
    ];
    for (name, fault, code, reason, most) in cases {
        pair.clear();
        let glob = match &fault.path {
            PathMatch::Glob(g) => g.clone(),
            _ => unreachable!(),
        };
        pair.pp.add(fault);
        let out = env.run(&["verify", &reference]);
        let context = format!("{name}\n{}", pair.logs());
        assert!(pair.pp.faults_injected() >= 1, "{context}: did not fire");
        match code {
            0 => assert_eq!(out.code, 0, "{context}\n{}", out.dump()),
            4 => assert_registry_failure(&out, &pair.pp.host(), reason, &context),
            _ => {
                assert_eq!(out.code, code, "{context}\n{}", out.dump());
                let text = format!("{}{}", out.stdout, out.stderr);
                assert!(
                    text.contains(&pair.pp.host()) && text.contains(reason),
                    "{context}: the reason must name the registry and {reason:?}\n{}",
                    out.dump()
                );
            }
        }
        if code != 0 {
            let matched = pair.pp.count("GET", &PathMatch::Glob(glob));
            assert!(matched <= most, "{context}: {matched} requests");
        }
    }
}

#[test]
fn sbom_through_faults_writes_an_sbom_or_ends_non_zero() {
    let image = TestImage::random(9302, 1, 2048);
    let Some(bed) = ProxiedPair::promotion_bed("")
        .tool("syft")
        .xdg()
        .image("staging", "staging/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let (pair, env) = ProxiedPair::open(bed);
    let blobs = "/v2/staging/app/blobs/sha256:*";
    let manifests = "/v2/staging/app/manifests/*";
    let syft = "go-containerregistry";
    // (name, rule, exit codes allowed)
    let cases: Vec<(&str, Rule, &[i32])> = vec![
        (
            "vimes: 503 once resolving the tag",
            rule("GET", manifests, Fault::Status(503))
                .agent("vimes/")
                .once(),
            &[0],
        ),
        (
            "Syft: 503 once on a blob",
            rule("GET", blobs, Fault::Status(503)).agent(syft).once(),
            &[0],
        ),
        (
            "Syft: reset once mid-blob",
            rule("GET", blobs, Fault::ResetMidBody).agent(syft).once(),
            &[0, 3],
        ),
        (
            "Syft: altered blob",
            rule("GET", blobs, Fault::FlipByte).agent(syft).once(),
            &[3],
        ),
        (
            "Syft: blobs fail for good",
            rule("GET", blobs, Fault::Status(503)).agent(syft),
            &[3],
        ),
        (
            "vimes: manifests fail for good",
            rule("GET", manifests, Fault::ResetBeforeResponse),
            &[4],
        ),
    ];
    for (n, (name, fault, allowed)) in cases.into_iter().enumerate() {
        pair.clear();
        pair.sp.add(fault);
        let file = format!("sbom-{n}.json");
        let out = env.run(&["sbom", "app:1", "-o", &file]);
        let context = format!("{name}\n{}", pair.logs());
        assert!(pair.sp.faults_injected() >= 1, "{context}: did not fire");
        assert!(
            allowed.contains(&out.code),
            "{context}: exit {} not in {allowed:?}\n{}",
            out.code,
            out.dump()
        );
        let written = std::fs::read(env.path(&file)).ok();
        if out.code == 0 {
            let doc: serde_json::Value = serde_json::from_slice(&written.unwrap_or_default())
                .unwrap_or_else(|e| panic!("{context}: the SBOM is not JSON: {e}"));
            assert!(doc.is_object(), "{context}");
        } else {
            assert!(
                written.is_none_or(|w| w.is_empty()),
                "{context}: a failed run left an SBOM file behind"
            );
            if out.code == 4 {
                assert_registry_failure(&out, &pair.sp.host(), "fetching manifest", &context);
            } else {
                out.assert_stderr_contains("syft");
            }
        }
    }
}

/// The contract says exit 4 for a registry failure "after retries": an
/// unreadable signature payload must not read as "unsigned" (exit 1), so a
/// script can tell "unsigned" from "registry broken".
#[test]
fn verify_with_unreadable_payloads_is_exit_4() {
    let Some((pair, _image, env, reference)) = signed_through_proxy(9303, "") else {
        return;
    };
    pair.pp.add(rule(
        "GET",
        "/v2/production/app/blobs/sha256:*",
        Fault::Status(503),
    ));
    let out = env.run(&["verify", &reference]);
    assert_registry_failure(&out, &pair.pp.host(), "503", "payloads answer 503");
}

/// The same for a Sigstore bundle: a bundle the registry does not deliver is
/// exit 4, not "unsigned".
#[test]
fn verify_with_unreadable_bundles_is_exit_4() {
    let Some((pair, _image, env, reference)) = signed_through_proxy(9304, "  format: bundle\n")
    else {
        return;
    };
    env.run(&["verify", &reference]).assert_code(0);
    pair.pp.add(rule(
        "GET",
        "/v2/production/app/blobs/sha256:*",
        Fault::Status(503),
    ));
    let out = env.run(&["verify", &reference]);
    assert_registry_failure(&out, &pair.pp.host(), "503", "bundle blobs answer 503");
}
