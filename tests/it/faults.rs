//! Registry faults (issue #9): vimes talks to real registries through a
//! fault-injecting proxy (support/fault_proxy.rs). Every outcome must be
//! either success with byte-identical content at the destination (checked
//! with the independent client straight against the real registry) or exit 4
//! naming the registry and the failure, within a bounded number of attempts
//! and a bounded time; transient faults (one 503, one reset, one 429 ...) are
//! retried and succeed.

mod promote;
mod verify_sbom;

use std::time::Duration;

use crate::support::bed::TestBedBuilder;
use crate::support::fault_proxy::{Fault, FaultProxy, PathMatch, Rule};
use crate::support::{registry_entry, Registry, RunOutput, TestBed, TestEnv, TestImage};

/// Attempts vimes makes per registry operation (RetryPolicy::default()).
pub const ATTEMPTS: usize = 5;

/// Generous bound of one command under a permanent fault (retries of one
/// operation take ~4 s with the default backoff).
pub const GIVE_UP_WITHIN: Duration = Duration::from_secs(60);

/// Two real registries, each behind its own fault proxy.
pub struct ProxiedPair {
    /// Kept running for the proxy in front of it (tests push through the bed).
    #[allow(dead_code)]
    pub staging: Registry,
    pub production: Registry,
    pub sp: FaultProxy,
    pub pp: FaultProxy,
}

impl ProxiedPair {
    /// A test bed with `staging` and `production` registries, each behind
    /// its own fault proxy; the rest (config, images, tools) is the caller's.
    pub fn bed() -> TestBedBuilder {
        TestBed::builder()
            .proxied_registry("staging")
            .proxied_registry("production")
    }

    /// [`ProxiedPair::bed`] with the standard promotion vimes.yaml over the
    /// proxies (both mutable, insecure), then `extra`.
    pub fn promotion_bed(extra: &str) -> TestBedBuilder {
        ProxiedPair::bed().promotion_mutable(extra)
    }

    /// [`ProxiedPair::bed`] with vimes.yaml for plain copies into
    /// `production/` of the production registry: the promotion target is
    /// another project there (`release`), so these copies are not gated like
    /// copies into production are.
    pub fn copy_bed() -> TestBedBuilder {
        ProxiedPair::bed().config(|e| {
            let production = e.host("production");
            format!(
                "version: 1\nregistries:\n{}{}{}promotion:\n  from: staging\n  to: release\n",
                registry_entry(
                    "staging",
                    &e.host("staging"),
                    false,
                    "    project: staging\n"
                ),
                registry_entry(
                    "production",
                    &production,
                    false,
                    "    project: production\n"
                ),
                registry_entry("release", &production, false, "    project: release\n"),
            )
        })
    }

    /// The pair and the environment of a bed built from [`ProxiedPair::bed`].
    pub fn open(bed: TestBed) -> (ProxiedPair, TestEnv) {
        let TestBed {
            env,
            mut regs,
            mut proxies,
            ..
        } = bed;
        let pair = ProxiedPair {
            staging: regs.take("staging"),
            production: regs.take("production"),
            sp: proxies.take("staging"),
            pp: proxies.take("production"),
        };
        (pair, env)
    }

    pub fn clear(&self) {
        self.sp.clear_rules();
        self.pp.clear_rules();
        self.sp.clear_seen();
        self.pp.clear_seen();
    }

    pub fn logs(&self) -> String {
        format!(
            "---- staging proxy ----\n{}\n---- production proxy ----\n{}",
            self.sp.log(),
            self.pp.log()
        )
    }
}

pub fn rule(method: &str, glob: &str, fault: Fault) -> Rule {
    Rule::new(method, PathMatch::Glob(glob.to_string()), fault)
}

/// Asserts a failed run is exit 4, names `registry` and contains `reason`,
/// and finished in bounded time.
#[track_caller]
pub fn assert_registry_failure(out: &RunOutput, registry: &str, reason: &str, context: &str) {
    assert_eq!(out.code, 4, "{context}: expected exit 4\n{}", out.dump());
    assert!(
        out.stderr.contains(registry),
        "{context}: the message must name the registry {registry}\n{}",
        out.dump()
    );
    assert!(
        out.stderr.to_lowercase().contains(&reason.to_lowercase()),
        "{context}: the message must say {reason:?}\n{}",
        out.dump()
    );
    assert!(
        out.elapsed < GIVE_UP_WITHIN,
        "{context}: took {:?}",
        out.elapsed
    );
}

/// The destination holds exactly `image` under `repo:tag`: manifest bytes and
/// every blob identical (read from the real registry, not through the proxy).
#[track_caller]
pub fn assert_identical(reg: &Registry, repo: &str, tag: &str, image: &TestImage, context: &str) {
    let client = reg.client();
    let (_, bytes, digest) = client
        .get_manifest(repo, tag)
        .unwrap_or_else(|| panic!("{context}: {repo}:{tag} is missing"));
    assert_eq!(digest, image.digest, "{context}: digest");
    assert_eq!(bytes, image.manifest, "{context}: manifest bytes");
    assert_eq!(
        client.get_blob(repo, &image.config_digest()).as_deref(),
        Some(image.config.as_slice()),
        "{context}: config blob"
    );
    for (layer, digest) in image.layers.iter().zip(image.layer_digests()) {
        assert_eq!(
            client.get_blob(repo, &digest).as_deref(),
            Some(layer.as_slice()),
            "{context}: layer {digest}"
        );
    }
}

/// After a failure: no tag; a manifest by digest, if one was written, is
/// complete (every blob it names is there).
#[track_caller]
pub fn assert_no_partial_copy(
    reg: &Registry,
    repo: &str,
    tag: &str,
    image: &TestImage,
    context: &str,
) {
    let client = reg.client();
    assert!(
        !client.manifest_exists(repo, tag),
        "{context}: the tag {repo}:{tag} must not exist after a failure"
    );
    if client.manifest_exists(repo, &image.digest) {
        for digest in image.blob_digests() {
            assert!(
                client.blob_exists(repo, &digest),
                "{context}: manifest written without blob {digest}"
            );
        }
    }
}

enum Expect {
    /// Exit 0, identical content; `min_requests` of the faulted kind were
    /// seen (the fault fired and was retried).
    Success,
    /// Exit 4 with this in the message, at most this many requests matching
    /// the rule (bounded retries).
    Exit4(&'static str, usize),
}

enum Side {
    Source,
    Destination,
}

struct Case {
    name: &'static str,
    side: Side,
    method: &'static str,
    /// Glob with `{repo}` standing for the destination repository.
    path: &'static str,
    fault: Fault,
    times: Option<usize>,
    expect: Expect,
}

fn case(
    name: &'static str,
    side: Side,
    method: &'static str,
    path: &'static str,
    fault: Fault,
    times: Option<usize>,
    expect: Expect,
) -> Case {
    Case {
        name,
        side,
        method,
        path,
        fault,
        times,
        expect,
    }
}

#[test]
fn copy_through_faults_succeeds_identically_or_fails_with_exit_4() {
    use Expect::*;
    use Fault::*;
    use Side::*;
    let image = TestImage::random(9001, 2, 48 * 1024);
    let Some(bed) = ProxiedPair::copy_bed()
        .image("staging", "staging/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let (bed, env) = ProxiedPair::open(bed);

    let blobs = "/v2/staging/app/blobs/sha256:*";
    let manifests = "/v2/staging/app/manifests/*";
    let uploads = "/v2/production/{repo}/blobs/uploads/*";
    let dst_blobs = "/v2/production/{repo}/blobs/sha256:*";
    let dst_manifests = "/v2/production/{repo}/manifests/*";
    let dst_tag = "/v2/production/{repo}/manifests/1";
    let cases = [
        case(
            "503 once on a source blob",
            Source,
            "GET",
            blobs,
            Status(503),
            Some(1),
            Success,
        ),
        case(
            "reset mid-blob once",
            Source,
            "GET",
            blobs,
            ResetMidBody,
            Some(1),
            Success,
        ),
        case(
            "truncated blob once",
            Source,
            "GET",
            blobs,
            Truncate,
            Some(1),
            Success,
        ),
        case(
            "429 once on the source manifest",
            Source,
            "GET",
            manifests,
            TooManyRequests {
                retry_after_secs: 1,
            },
            Some(1),
            Success,
        ),
        case(
            "502 once on the source manifest",
            Source,
            "GET",
            manifests,
            Status(502),
            Some(1),
            Success,
        ),
        case(
            "slow source manifest",
            Source,
            "GET",
            manifests,
            Delay(Duration::from_millis(1500)),
            Some(2),
            Success,
        ),
        case(
            "500 once on a destination HEAD",
            Destination,
            "HEAD",
            dst_blobs,
            Status(500),
            Some(1),
            Success,
        ),
        case(
            "502 once on a blob upload",
            Destination,
            "PUT",
            uploads,
            Status(502),
            Some(1),
            Success,
        ),
        case(
            "reset once on a blob upload",
            Destination,
            "PUT",
            uploads,
            ResetBeforeResponse,
            Some(1),
            Success,
        ),
        case(
            "503 once on a manifest push",
            Destination,
            "PUT",
            dst_manifests,
            Status(503),
            Some(1),
            Success,
        ),
        case(
            "429 once on a manifest push",
            Destination,
            "PUT",
            dst_manifests,
            TooManyRequests {
                retry_after_secs: 1,
            },
            Some(1),
            Success,
        ),
        case(
            "flipped byte in a source blob",
            Source,
            "GET",
            blobs,
            FlipByte,
            Some(1),
            Exit4("digest mismatch", 3),
        ),
        case(
            "flipped byte in the source manifest",
            Source,
            "GET",
            manifests,
            FlipByte,
            Some(1),
            Exit4("digest", 1),
        ),
        case(
            "source blobs fail for good (503)",
            Source,
            "GET",
            blobs,
            Status(503),
            None,
            Exit4("503", 3 * ATTEMPTS),
        ),
        case(
            "source manifest resets for good",
            Source,
            "GET",
            manifests,
            ResetBeforeResponse,
            None,
            Exit4("fetching manifest", ATTEMPTS),
        ),
        case(
            "destination tag push fails for good (502)",
            Destination,
            "PUT",
            dst_tag,
            Status(502),
            None,
            Exit4("502", ATTEMPTS),
        ),
    ];
    for (n, c) in cases.iter().enumerate() {
        bed.clear();
        let repo = format!("row{n}");
        let path = c.path.replace("{repo}", &repo);
        let mut rule = rule(c.method, &path, c.fault.clone());
        rule.times = c.times;
        let proxy = match c.side {
            Source => &bed.sp,
            Destination => &bed.pp,
        };
        proxy.add(rule);
        let destination = format!("{}/production/{repo}:1", bed.pp.host());
        let out = env.run(&["--output", "json", "copy", "app:1", &destination]);
        let context = format!("{}\n{}", c.name, bed.logs());
        let matched = proxy.count(c.method, &PathMatch::Glob(path.clone()));
        assert!(
            proxy.faults_injected() >= 1,
            "{context}: the fault never fired"
        );
        match c.expect {
            Success => {
                assert_eq!(out.code, 0, "{context}\n{}", out.dump());
                assert_eq!(out.json()["digest"], image.digest.as_str(), "{context}");
                assert_identical(
                    &bed.production,
                    &format!("production/{repo}"),
                    "1",
                    &image,
                    &context,
                );
                assert!(
                    matched >= 2,
                    "{context}: the faulted request was not retried"
                );
            }
            Exit4(reason, max_requests) => {
                assert_registry_failure(&out, &proxy.host(), reason, &context);
                assert!(
                    matched <= max_requests,
                    "{context}: {matched} requests, at most {max_requests} expected"
                );
                assert_no_partial_copy(
                    &bed.production,
                    &format!("production/{repo}"),
                    "1",
                    &image,
                    &context,
                );
                assert_eq!(out.json()["error"]["exit_code"], 4, "{context}");
            }
        }
    }
}

#[test]
fn a_permanently_failing_registry_is_given_up_on_in_bounded_attempts_and_time() {
    let image = TestImage::random(9002, 1, 1024);
    let Some(bed) = ProxiedPair::copy_bed()
        .image("staging", "staging/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let (bed, env) = ProxiedPair::open(bed);
    // Every request to staging fails, /v2/ included.
    bed.sp
        .add(Rule::new("*", PathMatch::Any, Fault::Status(503)));
    let out = env.run(&[
        "copy",
        "app:1",
        &format!("{}/production/app:1", bed.pp.host()),
    ]);
    assert_registry_failure(&out, &bed.sp.host(), "503", "all of staging answers 503");
    out.assert_stderr_contains(&format!("after {ATTEMPTS} attempts"));
    let manifest_requests = bed.sp.count(
        "GET",
        &PathMatch::Glob("/v2/staging/app/manifests/*".into()),
    );
    assert!(
        (1..=ATTEMPTS).contains(&manifest_requests),
        "{manifest_requests} manifest requests\n{}",
        bed.logs()
    );
    assert!(
        out.elapsed < Duration::from_secs(20),
        "gave up after {:?}",
        out.elapsed
    );
    assert!(bed.production.client().catalog().is_empty());
}

/// A registry that accepts connections and never answers: bounded too (30 s
/// per attempt, no retry after 90 s), not hanging until killed. Slow by
/// nature (~90 s), but it runs in parallel with the rest of the suite.
#[test]
fn a_registry_that_never_answers_is_given_up_on_in_bounded_time() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let host = silent.local_addr().unwrap().to_string();
    let mut env = TestBed::builder()
        .config_text(&format!(
        "version: 1\nregistries:\n  silent:\n    url: \"{host}\"\n    type: oci\n    insecure: true\n"
    ))
        .ready()
        .env;
    env.timeout(Duration::from_secs(240));
    let out = env.run(&["copy", &format!("{host}/a/b:1"), &format!("{host}/c/d:1")]);
    assert_eq!(out.code, 4, "{}", out.dump());
    out.assert_stderr_contains(&host);
    assert!(
        out.elapsed < Duration::from_secs(150),
        "a silent registry held vimes for {:?}",
        out.elapsed
    );
    drop(silent);
}
