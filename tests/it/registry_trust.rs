//! What vimes trusts a registry with (issue 20, items 4, 10, 12, 15): one
//! registry under another spelling is still that registry (production and
//! immutability included), no tag moves without `--force`, bodies stop at
//! their size limit, credentials go to no token realm but the registry's
//! own, and `-v -v` never prints them.

use crate::support::bed::TestBedBuilder;
use crate::support::TestBed;
use crate::support::{OciClient, Registry, RegistryKind, RegistryOptions, TestEnv, TestImage};
use base64::Engine;
use std::sync::{Arc, Mutex};

/// `production` is the registry configured as `127.0.0.1:P` (project
/// `production`, immutable), with signing keys, so copies into it must verify.
fn production_bed() -> TestBedBuilder {
    TestBed::builder()
        .registries(["staging", "production"])
        .password("identity test")
        .signing_key("cosign")
        .promotion("signing:\n  public_keys: [cosign.pub]\n")
}

fn localhost(reg: &Registry) -> String {
    format!("localhost:{}", reg.port())
}

#[test]
fn production_under_the_localhost_spelling_is_still_production() {
    let Some(bed) = production_bed()
        .image(
            "staging",
            "staging/app",
            Some("1"),
            TestImage::random(2001, 1, 1024),
        )
        .build()
    else {
        return;
    };
    let digest = bed.digest("staging/app:1");
    let (staging, production, env) = (bed.reg("staging"), bed.reg("production"), &bed.env);
    let out = env.run(&[
        "copy",
        &format!("{}/staging/app:1", staging.host()),
        &format!("{}/production/app:1", localhost(production)),
    ]);
    out.assert_code(1);
    out.assert_stderr_contains(&format!("@{digest} does not verify in production"));
    assert!(
        !production.client().manifest_exists("production/app", "1"),
        "an unsigned image must not get a production tag"
    );
}

#[test]
fn an_immutable_tag_does_not_move_under_another_spelling_even_with_force() {
    let first = TestImage::random(2002, 1, 1024);
    let second = TestImage::random(2003, 1, 1024);
    let Some(bed) = production_bed()
        .image("staging", "staging/app", Some("2"), second.clone())
        // The production tag as promotion left it.
        .image(
            "production",
            "production/app",
            Some("release"),
            first.clone(),
        )
        .build()
    else {
        return;
    };
    let (staging, production, env) = (bed.reg("staging"), bed.reg("production"), &bed.env);
    for spelling in [
        localhost(production),
        format!("[::1]:{}", production.port()),
    ] {
        for force in [false, true] {
            let mut args = vec![
                "copy".to_string(),
                format!("{}/staging/app:2", staging.host()),
                format!("{spelling}/production/app:release"),
            ];
            if force {
                args.push("--force".into());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = env.run(&args);
            // [::1] is refused before any copy when the registry does not
            // listen on IPv6; either way nothing may move.
            if spelling.starts_with('[') && out.code == 4 {
                continue;
            }
            out.assert_code(1);
            out.assert_stderr_contains("is immutable and already points to");
            let tag = production
                .client()
                .get_manifest("production/app", "release");
            assert_eq!(
                tag.map(|m| m.2),
                Some(first.digest.clone()),
                "{spelling} {force}"
            );
            assert!(!production
                .client()
                .manifest_exists("production/app", &second.digest));
        }
    }
}

#[test]
fn copy_never_moves_an_existing_tag_without_force() {
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    let (one, two) = (
        TestImage::random(2004, 1, 512),
        TestImage::random(2005, 1, 512),
    );
    reg.push("staging/app", Some("1"), &one);
    reg.push("staging/app", Some("2"), &two);
    let mut env = bed.env;
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\n",
        reg.host()
    ));
    let dst = format!("{}/team/app:stable", reg.host());
    env.run(&["copy", &format!("{}/staging/app:1", reg.host()), &dst])
        .assert_code(0);
    // The same digest again is not a move.
    env.run(&["copy", &format!("{}/staging/app:1", reg.host()), &dst])
        .assert_code(0);
    let src2 = format!("{}/staging/app:2", reg.host());
    let out = env.run(&["copy", &src2, &dst]);
    out.assert_code(1);
    out.assert_stderr_contains("pass --force to move the tag");
    let current = || reg.client().get_manifest("team/app", "stable").map(|m| m.2);
    assert_eq!(current(), Some(one.digest.clone()));
    env.run(&["copy", &src2, &dst, "--force"]).assert_code(0);
    assert_eq!(current(), Some(two.digest.clone()));
}

/// What a token endpoint was sent: one entry per request, with its
/// `Authorization` header (None when there was none).
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A loopback listener on 127.0.0.2 standing where a registry's token
/// realm points: it records each request and refuses it with a 401 whose
/// body echoes the credential, as some token services do. It is a witness of
/// where credentials go, not a registry.
struct Witness {
    server: Arc<tiny_http::Server>,
    seen: Seen,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Witness {
    fn start() -> Witness {
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.2:0").expect("bind the witness to 127.0.0.2"),
        );
        let seen: Seen = Arc::default();
        let (s, log) = (Arc::clone(&server), Arc::clone(&seen));
        let thread = std::thread::spawn(move || {
            for mut request in s.incoming_requests() {
                let auth = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Authorization"))
                    .map(|h| h.value.as_str().to_string());
                let mut ignored = Vec::new();
                let _ = request.as_reader().read_to_end(&mut ignored);
                let decoded = auth
                    .as_deref()
                    .and_then(|a| a.strip_prefix("Basic "))
                    .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                log.lock()
                    .unwrap()
                    .push((request.url().to_string(), auth.clone()));
                let body = format!(
                    "{{\"details\":\"invalid credentials: {} ({decoded})\"}}",
                    auth.unwrap_or_default()
                );
                let _ =
                    request.respond(tiny_http::Response::from_string(body).with_status_code(401));
            }
        });
        Witness {
            server,
            seen,
            thread: Some(thread),
        }
    }

    fn realm(&self, scheme: &str) -> String {
        let port = self
            .server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .unwrap_or(0);
        format!("{scheme}://127.0.0.2:{port}/token")
    }

    fn host(&self) -> String {
        let port = self
            .server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .unwrap_or(0);
        format!("127.0.0.2:{port}")
    }

    fn credentials_seen(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter().filter_map(|(_, a)| a.clone()).collect()
    }
}

impl Drop for Witness {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

const USER: &str = "ci-robot";
const PASSWORD: &str = "Tr0ub4dor-and-3";

/// The registry `private` sending clients to `realm` for tokens (over TLS
/// when `tls`), and a vimes.yaml naming it with credentials from REG_USER
/// and REG_PASSWORD; `extra` follows its entry.
fn credentials_bed(realm: String, tls: bool, extra: &str) -> TestBedBuilder {
    let extra = extra.to_string();
    TestBed::builder()
        .registry_of(
            "private",
            RegistryKind::Options(RegistryOptions {
                tls,
                token_realm: Some(realm),
                ..Default::default()
            }),
        )
        .env("REG_USER", USER)
        .env("REG_PASSWORD", PASSWORD)
        .config(move |e| {
            let reg = e.registry("private");
            let transport = match reg.ca_cert_path() {
                Some(ca) => format!("    ca_file: \"{}\"\n", ca.display()),
                None => "    insecure: true\n".to_string(),
            };
            format!(
                "version: 1\nregistries:\n  private:\n    url: \"{}\"\n    type: oci\n{transport}    username_env: REG_USER\n    password_env: REG_PASSWORD\n{extra}",
                reg.host()
            )
        })
}

fn basic() -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
}

#[test]
fn credentials_never_reach_a_token_realm_on_another_host() {
    let witness = Witness::start();
    let Some(bed) = credentials_bed(witness.realm("http"), false, "").build() else {
        return;
    };
    let (reg, env) = (bed.reg("private"), &bed.env);
    let target = format!("{}/team/app:1", reg.host());
    let out = env.run(&["copy", &target, &format!("{}/team/other:1", reg.host())]);
    out.assert_code(4);
    out.assert_stderr_contains("not on the registry's host");
    out.assert_stderr_contains("token_hosts");
    assert_eq!(witness.credentials_seen(), Vec::<String>::new());
}

#[test]
fn credentials_never_go_over_plain_http_from_a_tls_registry() {
    let witness = Witness::start();
    // Even a host the registry names as its token service gets nothing in clear.
    let Some(bed) = credentials_bed(
        witness.realm("http"),
        true,
        &format!("    token_hosts: [\"{}\"]\n", witness.host()),
    )
    .build() else {
        return;
    };
    let (reg, env) = (bed.reg("private"), &bed.env);
    let out = env.run(&[
        "copy",
        &format!("{}/team/app:1", reg.host()),
        &format!("{}/team/other:1", reg.host()),
    ]);
    out.assert_code(4);
    out.assert_stderr_contains("plain HTTP, but the registry is reached over TLS");
    assert_eq!(witness.credentials_seen(), Vec::<String>::new());
}

/// With the realm's host configured, credentials do go there (so the
/// witness is where the leak would be); the 401 it answers echoes them,
/// and nothing of that reaches `-v -v` output or the error.
#[test]
fn a_token_endpoint_echoing_the_credential_is_withheld_from_debug_logs() {
    let witness = Witness::start();
    let Some(bed) = credentials_bed(
        witness.realm("http"),
        false,
        &format!("    token_hosts: [\"{}\"]\n", witness.host()),
    )
    .build() else {
        return;
    };
    let (reg, env) = (bed.reg("private"), &bed.env);
    let out = env.run(&[
        "-v",
        "-v",
        "copy",
        &format!("{}/team/app:1", reg.host()),
        &format!("{}/team/other:1", reg.host()),
    ]);
    out.assert_code(4);
    let sent = witness.credentials_seen();
    assert!(
        sent.iter().any(|a| a.contains(&basic())),
        "the configured token host gets the credentials: {sent:?}\n{}",
        out.dump()
    );
    assert!(
        out.stderr.contains("DEBUG"),
        "-v -v prints debug logs\n{}",
        out.dump()
    );
    for leaked in [PASSWORD, basic().as_str()] {
        assert!(
            !out.stderr.contains(leaked) && !out.stdout.contains(leaked),
            "{leaked} printed\n{}",
            out.dump()
        );
    }
}

/// Runs vimes under GNU time and returns (exit code, stderr, peak RSS in
/// KiB). time forks vimes from its own small process: a child forked from
/// this test process would count the test's own memory in its peak.
fn run_measured(env: &TestEnv, args: &[&str]) -> (i32, String, u64) {
    let vimes = env.command(args);
    let report = env.path("peak-rss");
    let mut cmd = std::process::Command::new("/usr/bin/time");
    cmd.arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(vimes.get_program())
        .args(vimes.get_args())
        .env_clear();
    for (k, v) in vimes.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    if let Some(dir) = vimes.get_current_dir() {
        cmd.current_dir(dir);
    }
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run vimes under /usr/bin/time");
    let peak = std::fs::read_to_string(&report)
        .ok()
        .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no peak RSS in {}", report.display()));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        peak,
    )
}

/// A signature whose layer claims 300 bytes but whose blob holds 96 MiB: the
/// payload limit (1 MiB) must stop the read, not judge it afterwards.
#[test]
fn an_oversized_signature_payload_is_refused_without_being_read() {
    let Some(bed) = TestBed::builder().tool("time").registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    let image = TestImage::random(2006, 1, 1024);
    let digest = reg.push("team/app", Some("1"), &image);
    let client: OciClient = reg.client();
    let big = vec![b'{'; 96 * 1024 * 1024];
    let big_digest = client.push_blob("team/app", &big);
    drop(big);
    let config = client.push_blob("team/app", b"{}");
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": 2},
        "layers": [{
            "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
            "digest": big_digest,
            "size": 300,
            "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ=="}
        }]
    });
    let sig_tag = format!("{}.sig", digest.replacen(':', "-", 1));
    client.push_manifest(
        "team/app",
        &sig_tag,
        "application/vnd.oci.image.manifest.v1+json",
        &serde_json::to_vec(&manifest).unwrap(),
    );
    let mut env = bed.env;
    env.env("COSIGN_PASSWORD", "size test");
    env.run(&["key", "generate", "--output-prefix", "cosign"])
        .assert_code(0);
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\nsigning:\n  public_keys: [cosign.pub]\n",
        reg.host()
    ));
    let target = format!("{}/team/app@{digest}", reg.host());
    let (code, stderr, peak_kib) = run_measured(&env, &["verify", &target]);
    assert!(
        code == 1 || code == 4,
        "fails closed: exit {code}\n{stderr}"
    );
    assert!(
        stderr.contains("larger than 1048576 bytes"),
        "names the limit\n{stderr}"
    );
    assert!(
        peak_kib < 64 * 1024,
        "vimes peaked at {peak_kib} KiB: the 96 MiB body was read\n{stderr}"
    );
}
