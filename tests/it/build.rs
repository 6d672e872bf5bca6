//! `vimes build` with real buildah (vfs storage, chroot isolation) against a
//! real registry: FROM scratch, FROM a fixture base pushed to the registry,
//! the push to staging by digest and tag, a base whose tag moved, a base too
//! old for the policy, a disallowed base, and a failing build.

use crate::support::bed::{promotion_yaml, TestBedBuilder};
use crate::support::TestBed;
use crate::support::{Registry, TestEnv, TestImage};
use serde_json::Value;
use std::process::Command;

/// A bed with buildah pointed at private storage under its HOME, and a
/// vimes.yaml with staging/production on the registry `reg` and bases allowed
/// from `reg/base`; `extra_policy` is appended under `policy:`.
pub(crate) fn build_bed(extra_policy: &str) -> TestBedBuilder {
    let extra_policy = extra_policy.to_string();
    TestBed::builder()
        .registry("reg")
        .env_home_path("VIMES_BUILDAH_ROOT", "buildah")
        .env("VIMES_BUILDAH_STORAGE_DRIVER", "vfs")
        .env("VIMES_BUILDAH_ISOLATION", "chroot")
        .config(move |e| {
            let host = e.host("reg");
            promotion_yaml(
                (&host, false),
                (&host, false),
                false,
                &format!(
                    "images:
  app:
    repository: team/app
    context: app
    dockerfile: Containerfile
policy:
  allowed_registries: [\"{host}/base\"]
  require_digest: true
{extra_policy}"
                ),
            )
        })
        .file("app/hello.txt", "hello from vimes build\n")
}

pub(crate) fn git(env: &TestEnv, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .current_dir(env.home())
        .env("HOME", env.home())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The image config of `repo:reference` in `reg`.
fn config_of(reg: &Registry, repo: &str, reference: &str) -> Value {
    let client = reg.client();
    let (_, bytes, _) = client.get_manifest(repo, reference).expect("manifest");
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    let digest = manifest["config"]["digest"].as_str().unwrap();
    serde_json::from_slice(&client.get_blob(repo, digest).expect("config blob")).unwrap()
}

#[test]
fn from_scratch_is_built_labelled_and_pushed_to_staging_by_digest() {
    let Some(mut bed) = build_bed("").tool("buildah").tool("git").build() else {
        return;
    };
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.write(
        "app/Containerfile",
        "FROM scratch\nCOPY hello.txt /hello.txt\n",
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
    let short = git(env, &["describe", "--tags", "--always"]);

    let out = env.run(&["--output", "json", "build"]);
    out.assert_success();
    let report = out.json();
    let image = &report["images"][0];
    let digest = image["digest"].as_str().unwrap().to_string();
    let repository = format!("{}/staging/team/app", reg.host());
    assert_eq!(image["repository"], repository.as_str());
    assert_eq!(
        image["reference"],
        format!("{repository}@{digest}").as_str()
    );
    assert_eq!(image["tag"], short.as_str(), "default tag is git describe");
    assert_eq!(image["builder"], "buildah");
    // Builder output went to stderr, the JSON alone to stdout.
    assert!(out.stderr.contains("COPY hello.txt"), "{}", out.dump());

    let client = reg.client();
    assert_eq!(
        client.get_manifest("staging/team/app", &short).map(|m| m.2),
        Some(digest.clone())
    );
    assert!(client.manifest_exists("staging/team/app", &digest));
    let config = config_of(reg, "staging/team/app", &digest);
    let labels = &config["config"]["Labels"];
    assert_eq!(
        labels["org.opencontainers.image.revision"],
        revision.as_str()
    );
    assert_eq!(
        labels["org.opencontainers.image.source"], "https://git.example.com/acme/app.git",
        "credentials never reach a label"
    );
    assert!(labels["org.opencontainers.image.created"]
        .as_str()
        .is_some_and(|c| c.ends_with('Z')));

    // Text mode with --tag: one line, repo@digest.
    let text = env.run(&["build", "app", "--tag", "1.0.0"]);
    text.assert_success();
    let line = text.stdout.trim();
    assert!(
        line.starts_with(&format!("{repository}@sha256:")),
        "{}",
        text.dump()
    );
    assert!(client.manifest_exists("staging/team/app", "1.0.0"));
}

#[test]
fn from_a_fixture_base_in_the_local_registry() {
    let base = TestImage::random(701, 2, 2048);
    let Some(mut bed) = build_bed("")
        .tool("buildah")
        .tool("git")
        .image("reg", "base/debian", Some("12"), base.clone())
        .build()
    else {
        return;
    };
    let base_digest = bed.digests["base/debian:12"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.write(
        "app/Containerfile",
        format!(
            "ARG BASE={}/base/debian:12@{base_digest}\nFROM ${{BASE}}\nCOPY hello.txt /srv/hello.txt\n",
            reg.host()
        ),
    );
    let out = env.run(&["--output", "json", "build", "--tag", "v1"]);
    out.assert_success();
    let image = &out.json()["images"][0];
    assert_eq!(image["bases"][0]["outdated"], false);
    assert_eq!(image["bases"][0]["tag_digest"], base_digest.as_str());
    let digest = image["digest"].as_str().unwrap();
    let (_, bytes, _) = reg
        .client()
        .get_manifest("staging/team/app", digest)
        .expect("pushed manifest");
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        manifest["layers"].as_array().unwrap().len(),
        3,
        "two base layers and the COPY"
    );
}

#[test]
fn a_base_whose_tag_moved_is_reported() {
    let Some(mut bed) = build_bed("")
        .tool("buildah")
        .tool("git")
        .image(
            "reg",
            "base/debian",
            Some("12"),
            TestImage::random(711, 1, 1024),
        )
        .build()
    else {
        return;
    };
    let v1 = bed.digests["base/debian:12"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.write(
        "app/Containerfile",
        format!(
            "FROM {}/base/debian:12@{v1}\nCOPY hello.txt /hello.txt\n",
            reg.host()
        ),
    );
    // Up to date: no warning.
    let out = env.run(&["build", "--tag", "a"]);
    out.assert_success();
    assert!(!out.stderr.contains("has moved"), "{}", out.dump());

    let v2 = reg.push("base/debian", Some("12"), &TestImage::random(712, 1, 1024));
    assert_ne!(v1, v2);
    let out = env.run(&["--output", "json", "build", "--tag", "b"]);
    out.assert_success();
    assert!(out.stderr.contains("warning: app: base"), "{}", out.dump());
    assert!(
        out.stderr.contains(&format!("points at {v2} now")),
        "{}",
        out.dump()
    );
    let base = &out.json()["images"][0]["bases"][0];
    assert_eq!(base["outdated"], true);
    assert_eq!(base["tag_digest"], v2.as_str());
    assert_eq!(
        out.json()["images"][0]["warnings"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_base_older_than_the_policy_allows_is_refused() {
    // TestImage configs say `created: 1970-01-01T00:00:00Z`.
    let Some(mut bed) = build_bed("  max_base_age_days: 30\n")
        .tool("buildah")
        .tool("git")
        .image("reg", "base/old", Some("1"), TestImage::random(721, 1, 512))
        .build()
    else {
        return;
    };
    let old = bed.digests["base/old:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.write(
        "app/Containerfile",
        format!(
            "FROM {}/base/old:1@{old}\nCOPY hello.txt /hello.txt\n",
            reg.host()
        ),
    );
    let out = env.run(&["build", "--tag", "t"]);
    out.assert_code(1)
        .assert_stderr_contains("created 1970-01-01T00:00:00Z")
        .assert_stderr_contains("older than policy.max_base_age_days (30)")
        .assert_stderr_contains("nothing was built");
    assert!(
        reg.client().tags("staging/team/app").is_empty(),
        "nothing pushed"
    );

    // The same base on a day it was young enough.
    env.env("VIMES_TODAY", "1970-01-20");
    let out = env.run(&["--output", "json", "build", "--tag", "t"]);
    out.assert_success();
    assert_eq!(out.json()["images"][0]["bases"][0]["age_days"], 19);
}

#[test]
fn a_disallowed_base_stops_everything_before_the_build() {
    let Some(mut bed) = build_bed("").build() else {
        return;
    };
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    // No builder reachable: the policy must refuse before one is looked for.
    env.env("PATH", "/nonexistent");
    env.write(
        "app/Containerfile",
        "FROM definitely-legitimate-source/totally-not-malware:latest\nCOPY hello.txt /\n",
    );
    let out = env.run(&["build", "--tag", "t"]);
    out.assert_code(1)
        .assert_stderr_contains("app/Containerfile:1:6")
        .assert_stderr_contains("[disallowed-registry]")
        .assert_stderr_contains("[latest-tag]")
        .assert_stderr_contains("nothing was built");
    assert!(reg.client().tags("staging/team/app").is_empty());

    env.run(&["build", "nope"])
        .assert_code(2)
        .assert_stderr_contains("no image \"nope\"");
}

#[test]
fn a_failing_build_is_exit_3_with_the_builders_last_lines() {
    let Some(mut bed) = build_bed("").tool("buildah").tool("git").build() else {
        return;
    };
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.write(
        "app/Containerfile",
        "FROM scratch\nCOPY hello.txt /hello.txt\nCOPY does-not-exist.txt /x\n",
    );
    let out = env.run(&["build", "--tag", "t"]);
    out.assert_code(3)
        .assert_stderr_contains("the build failed")
        .assert_stderr_contains("does-not-exist.txt");
    assert!(reg.client().tags("staging/team/app").is_empty());
}

#[test]
fn tls_and_auth_registries_use_a_private_auth_file_and_the_ca() {
    let Some(bed) = TestBed::builder()
        .tool("buildah")
        .tool("git")
        .tls_auth_registry("reg", "builder", "b-secret-7781")
        .build()
    else {
        return;
    };
    let reg = &bed.regs["reg"];
    let ca = reg.ca_cert_path().expect("a TLS registry has a CA");
    let base = reg.push("base/debian", Some("12"), &TestImage::random(731, 1, 512));
    let mut env = bed.env;
    let log = env.path("buildah-args.log");
    // A buildah that records its command line, then runs the real one.
    env.write_executable(
        "buildah",
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec /usr/bin/buildah \"$@\"\n",
            log.display()
        ),
    );
    env.env(
        "VIMES_BUILDAH_ROOT",
        env.path("buildah").display().to_string(),
    )
    .env("VIMES_BUILDAH_STORAGE_DRIVER", "vfs")
    .env("VIMES_BUILDAH_ISOLATION", "chroot")
    .env("REG_USER", "builder")
    .env("REG_PASSWORD", "b-secret-7781");
    let registry = |project: &str| {
        format!(
            "    url: \"{}\"\n    project: {project}\n    type: oci\n    username_env: REG_USER\n    password_env: REG_PASSWORD\n    ca_file: \"{}\"\n",
            reg.host(),
            ca.display()
        )
    };
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  staging:\n{}  production:\n{}promotion: {{from: staging, to: production}}\n\
         images:\n  app: {{repository: team/app, context: app, dockerfile: Containerfile}}\n\
         policy:\n  allowed_registries: [\"{}/base\"]\n  max_base_age_days: 100000\n",
        registry("staging"),
        registry("production"),
        reg.host()
    ))
    .write("app/hello.txt", "hi\n")
    .write(
        "app/Containerfile",
        format!(
            "FROM {}/base/debian:12@{base}\nCOPY hello.txt /hello.txt\n",
            reg.host()
        ),
    );
    let out = env.run(&["--output", "json", "build", "--tag", "secure"]);
    out.assert_success();
    let digest = out.json()["images"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        reg.client()
            .get_manifest("staging/team/app", "secure")
            .map(|m| m.2),
        Some(digest)
    );
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(args.contains("--authfile"), "{args}");
    assert!(args.contains("--cert-dir"), "{args}");
    assert!(!args.contains("tls-verify"), "TLS stays verified: {args}");
    assert!(
        !args.contains("b-secret-7781"),
        "a secret on a command line: {args}"
    );
    assert!(!args.contains("--creds"), "{args}");
    assert!(!out.stdout.contains("b-secret-7781") && !out.stderr.contains("b-secret-7781"));
}

#[test]
fn an_invalid_tag_is_refused_before_anything_is_built() {
    let Some(mut bed) = build_bed("").build() else {
        return;
    };
    let env = &mut bed.env;
    env.env("PATH", "/nonexistent");
    env.write("app/Containerfile", "FROM scratch\nCOPY hello.txt /\n");
    env.run(&["build", "--tag", "not a tag!"])
        .assert_code(2)
        .assert_stderr_contains("invalid image reference");
}

/// Issue #20 item 5: `COPY <<CMD` ... `FROM <staging image>` ... `CMD`. BuildKit
/// reads the body as data; Debian 12's buildah 1.28 has no heredocs and builds
/// the hidden stage (shown here with the real buildah). `vimes build` must
/// refuse it before anything is built.
#[test]
fn a_stage_hidden_in_a_heredoc_is_refused_before_the_builder_builds_it() {
    let vuln = TestImage::random(702, 1, 1024);
    let Some(mut bed) = build_bed("")
        .tool("buildah")
        .tool("git")
        .image("reg", "staging/vuln", Some("1.0"), vuln.clone())
        .build()
    else {
        return;
    };
    let vuln_digest = bed.digests["staging/vuln:1.0"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    let hidden = format!("{}/staging/vuln:1.0@{vuln_digest}", reg.host());
    env.write(
        "app/Containerfile",
        format!("FROM scratch\nCOPY <<CMD /x\nFROM {hidden}\nCMD\nCOPY hello.txt /hello.txt\n"),
    );

    // What the builder itself makes of the file.
    let version = Command::new("buildah")
        .arg("--version")
        .output()
        .expect("buildah --version");
    let version = String::from_utf8_lossy(&version.stdout).to_string();
    let minor: Option<u32> = version
        .split_whitespace()
        .nth(2)
        .and_then(|v| v.strip_prefix("1."))
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse().ok());
    if minor.is_some_and(|m| m < 33) {
        let root = env.path("buildah-direct");
        let direct = Command::new("buildah")
            .arg("--storage-driver=vfs")
            .arg("--root")
            .arg(root.join("root"))
            .arg("--runroot")
            .arg(root.join("run"))
            .args([
                "bud",
                "--isolation",
                "chroot",
                "--tls-verify=false",
                "--format",
                "oci",
            ])
            .args(["-t", "localhost/heredoc:1", "-f"])
            .arg(env.path("app/Containerfile"))
            .arg(env.path("app"))
            .output()
            .expect("run buildah");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&direct.stdout),
            String::from_utf8_lossy(&direct.stderr)
        );
        assert!(
            printed.contains(&format!("FROM {hidden}")),
            "{version}: buildah was expected to build the hidden stage:\n{printed}"
        );
    }

    let out = env.run(&["build", "--tag", "t"]);
    out.assert_code(1)
        .assert_stderr_contains("app/Containerfile:3:6")
        .assert_stderr_contains("[disallowed-registry]")
        .assert_stderr_contains("nothing was built");
    assert!(reg.client().tags("staging/team/app").is_empty());
}
