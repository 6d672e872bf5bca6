//! `vimes check` through the real binary: the seed case, each rule, the file
//! sets (git-tracked, named paths), JSON and SARIF, `--resolve` against a
//! real registry, and hostile input.

use crate::support::TestBed;
use crate::support::{TestEnv, TestImage};
use serde_json::Value;
use std::process::Command;

const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const POLICY: &str = "version: 1
policy:
  allowed_registries: [harbor.example.com/base, harbor.example.com/production]
  require_digest: true
";

fn git(env: &TestEnv, args: &[&str]) {
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
}

fn rules_of(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                format!(
                    "{}:{}:{}",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["column"]
                ),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn seed_case_fails_naming_file_line_and_both_rules() {
    let env = TestBed::builder()
        .config_text(POLICY)
        .file(
            "Dockerfile",
            "FROM definitely-legitimate-source/totally-not-malware:latest\nRUN ./install.sh\n",
        )
        .ready()
        .env;
    let out = env.run(&["check", "Dockerfile"]);
    out.assert_code(1)
        .assert_stdout_contains(
            "Dockerfile:1:6: definitely-legitimate-source/totally-not-malware:latest",
        )
        .assert_stdout_contains("error[disallowed-registry]")
        .assert_stdout_contains("error[latest-tag]")
        .assert_stdout_contains("docker.io/definitely-legitimate-source/totally-not-malware is not under policy.allowed_registries");

    let json = env.run(&["--output", "json", "check", "Dockerfile"]);
    json.assert_code(1);
    let report = json.json();
    assert_eq!(report["passed"], false);
    let found = rules_of(&report);
    for rule in ["disallowed-registry", "latest-tag", "digest-required"] {
        assert!(
            found.contains(&("Dockerfile:1:6".to_string(), rule.to_string())),
            "{rule} missing: {found:?}"
        );
    }
}

#[test]
fn each_rule_has_its_own_id_and_a_hint() {
    let env = TestBed::builder()
        .config_text(POLICY)
        .file(
            "Dockerfile",
            format!(
                "FROM harbor.example.com/base/debian:12@{D} AS ok\n\
             FROM ghcr.io/acme/tool:1@{D} AS disallowed\n\
             FROM harbor.example.com/base/debian:12 AS unpinned\n\
             FROM harbor.example.com/base/debian:latest@{D} AS latest\n\
             FROM harbor.example.com/base/debian@{D} AS digest-only\n\
             FROM harbor.example.com/base/debian AS untagged\n\
             FROM harbor.example.com/base/debian:${{NOPE}} AS unresolvable\n\
             FROM Harbor.example.com/base/Debian:12 AS invalid\n"
            ),
        )
        .ready()
        .env;
    let out = env.run(&["--output", "json", "check", "Dockerfile"]);
    out.assert_code(1);
    let report = out.json();
    let found = rules_of(&report);
    let expected = [
        ("Dockerfile:2:6", "disallowed-registry"),
        ("Dockerfile:3:6", "digest-required"),
        ("Dockerfile:4:6", "latest-tag"),
        ("Dockerfile:6:6", "untagged"),
        ("Dockerfile:6:6", "digest-required"),
        ("Dockerfile:7:6", "unresolvable-reference"),
        ("Dockerfile:8:6", "invalid-reference"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(l, r)| (l.to_string(), r.to_string()))
        .collect();
    assert_eq!(found, expected, "{report:#}");
    for f in report["findings"].as_array().unwrap() {
        assert!(!f["hint"].as_str().unwrap().is_empty(), "{f}");
        assert!(!f["message"].as_str().unwrap().is_empty(), "{f}");
    }
    assert_eq!(report["files_checked"], 1);
    assert_eq!(report["references"], 8);
}

#[test]
fn json_and_sarif_structure() {
    let env = TestBed::builder()
        .config_text(POLICY)
        .file("svc/Dockerfile", "FROM alpine:latest\n")
        .file(
            "k8s/app.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: \"nginx\"\n",
        )
        .file("broken.yaml", "image: [unclosed\n")
        .ready()
        .env;
    let out = env.run(&["--output", "json", "check", "svc", "k8s", "broken.yaml"]);
    out.assert_code(1);
    let report = out.json();
    let f = &report["findings"][0];
    for key in [
        "file",
        "line",
        "column",
        "reference",
        "image",
        "context",
        "kind",
        "rule",
        "message",
        "hint",
    ] {
        assert!(!f[key].is_null(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["kind"], "dockerfile");
    let k8s: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "kubernetes")
        .collect();
    assert_eq!(
        (k8s[0]["line"].as_u64(), k8s[0]["column"].as_u64()),
        (Some(7), Some(15))
    );
    assert_eq!(report["skipped"][0]["file"], "broken.yaml");

    let out = env.run(&["--output", "sarif", "check", "svc", "k8s", "broken.yaml"]);
    out.assert_code(1);
    let sarif = out.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rule_ids,
        [
            "disallowed-registry",
            "digest-required",
            "latest-tag",
            "untagged",
            "unresolvable-reference",
            "invalid-reference"
        ]
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report["findings"].as_array().unwrap().len());
    let first = &results[0];
    assert!(rule_ids.contains(&first["ruleId"].as_str().unwrap()));
    assert_eq!(
        rule_ids[first["ruleIndex"].as_u64().unwrap() as usize],
        first["ruleId"].as_str().unwrap()
    );
    let location = &first["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "svc/Dockerfile");
    assert_eq!(location["region"]["startLine"], 1);
    assert_eq!(location["region"]["startColumn"], 6);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(
        |n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.yaml"
    ));
}

#[test]
fn default_is_the_files_git_tracks_and_clean_is_exit_0() {
    let Some(bed) = TestBed::builder().tool("git").build() else {
        return;
    };
    let mut env = bed.env;
    env.config_yaml(POLICY)
        .write("app/Dockerfile", format!("FROM harbor.example.com/base/debian:12@{D}\n"))
        .write(
            "deploy/web.yaml",
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: w\n          image: harbor.example.com/production/web:1@{D}\n"),
        )
        .write(
            "compose.yaml",
            format!("services:\n  db:\n    image: harbor.example.com/base/postgres:16@{D}\n"),
        );
    git(&env, &["init", "-q"]);
    git(&env, &["add", "-A"]);
    // Not tracked: not checked.
    env.write("scratch/Dockerfile", "FROM alpine:latest\n");
    let out = env.run(&["check"]);
    out.assert_success()
        .assert_stdout_contains("4 files checked, 3 image references: no findings");
    let report = env.run(&["--output", "json", "check"]).json();
    assert_eq!(report["passed"], true);
    git(&env, &["add", "scratch/Dockerfile"]);
    env.run(&["check"])
        .assert_code(1)
        .assert_stdout_contains("scratch/Dockerfile:1:6");
}

#[test]
fn outside_git_without_paths_is_a_usage_error() {
    let mut env = TestBed::builder().config_text(POLICY).ready().env;
    env.env(
        "GIT_CEILING_DIRECTORIES",
        env.home().parent().unwrap().display().to_string(),
    );
    env.run(&["check"])
        .assert_code(2)
        .assert_stderr_contains("not inside a git work tree");
}

#[test]
fn build_args_feed_arg_defaults() {
    let env = TestBed::builder()
        .config_text(POLICY)
        .file("Dockerfile", "ARG BASE\nFROM ${BASE}\n")
        .ready()
        .env;
    env.run(&["check", "Dockerfile"])
        .assert_code(1)
        .assert_stdout_contains("unresolvable-reference");
    env.run(&[
        "check",
        "--build-arg",
        &format!("BASE=harbor.example.com/base/debian:12@{D}"),
        "Dockerfile",
    ])
    .assert_success();
}

#[test]
fn hostile_input_is_skipped_with_reasons_and_never_crashes() {
    use std::os::unix::fs::symlink;
    let mut env = TestBed::builder()
        .config_text(POLICY)
        .file("bad/latin1.Dockerfile", b"# caf\xe9\nFROM alpine:latest\n".as_slice())
        .file("bad/binary.Dockerfile", b"FROM \0\x01\x02 binary".as_slice())
        .file(
            "bad/helm/templates/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: {{ .Values.image }}\n      {{- toYaml .Values.x | nindent 8 }}\n",
        )
        .ready()
        .env;
    let mut bomb = String::from(
        "apiVersion: v1\nkind: Pod\nimage: x\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..20 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    env.write("bad/bomb.yaml", &bomb);
    let mut huge = String::from("FROM alpine:latest\n");
    while huge.len() <= 5 * 1024 * 1024 {
        huge.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    env.write("bad/huge/Dockerfile", &huge);
    symlink("loop-b.yaml", env.path("bad/loop-a.yaml")).unwrap();
    symlink("loop-a.yaml", env.path("bad/loop-b.yaml")).unwrap();
    // A link to a parent directory named like a manifest: not followed.
    symlink("..", env.path("bad/helm/up.yaml")).unwrap();
    symlink("missing", env.path("bad/Dockerfile.dangling")).unwrap();

    let started = std::time::Instant::now();
    let out = env.run(&["--output", "json", "check", "bad"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{}",
        out.dump()
    );
    out.assert_code(1);
    let report = out.json();
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reason = |file: &str| {
        skipped
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{file} not skipped: {skipped:?}"))
    };
    assert!(reason("bad/binary.Dockerfile").contains("binary"));
    assert!(reason("bad/bomb.yaml").contains("not valid YAML"));
    assert!(reason("bad/helm/templates/deploy.yaml").contains("Helm"));
    assert!(reason("bad/huge/Dockerfile").contains("larger than 5 MiB"));
    assert!(reason("bad/loop-a.yaml").contains("symbolic link loop"));
    assert!(reason("bad/Dockerfile.dangling").contains("dangling"));
    // Invalid UTF-8 is read anyway (with a warning): its FROM is still checked.
    assert!(report["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
    assert_eq!(report["findings"][0]["file"], "bad/latin1.Dockerfile");
    assert_eq!(report["findings"][0]["line"], 2);

    // A named file of no known kind is read (as a Dockerfile); a named path
    // that does not exist cannot be checked, which fails the check.
    env.write("notes.txt", "hello");
    let out = env.run(&["--output", "json", "check", "notes.txt", "nope/Dockerfile"]);
    out.assert_code(1);
    assert_eq!(out.json()["skipped"].as_array().unwrap().len(), 1);
    assert_eq!(out.json()["files_checked"], 1);
}

#[test]
fn resolve_puts_the_current_digest_in_the_hint() {
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    let image = TestImage::random(71, 1, 512);
    let digest = reg.push("base/debian", Some("12"), &image);
    let mut env = bed.env;
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  base:\n    url: \"{host}\"\n    type: oci\n    insecure: true\npolicy:\n  allowed_registries: [\"{host}/base\"]\n",
        host = reg.host()
    ))
    .write(
        "Dockerfile",
        format!("FROM {}/base/debian:12\nFROM {}/base/missing:1\n", reg.host(), reg.host()),
    );
    // Without --resolve nothing is looked up.
    let plain = env.run(&["--output", "json", "check", "Dockerfile"]);
    plain.assert_code(1);
    assert!(plain.json()["findings"][0]["pinned"].is_null());

    let out = env.run(&["--output", "json", "check", "--resolve", "Dockerfile"]);
    out.assert_code(1);
    let report = out.json();
    let first = &report["findings"][0];
    assert_eq!(first["rule"], "digest-required");
    let pinned = format!("{}/base/debian:12@{digest}", reg.host());
    assert_eq!(first["pinned"], pinned.as_str());
    assert_eq!(first["hint"], format!("pin it: {pinned}").as_str());
    let second = &report["findings"][1];
    assert!(
        second["hint"].as_str().unwrap().contains("not found"),
        "{second}"
    );

    let text = env.run(&["check", "--resolve", "Dockerfile"]);
    text.assert_code(1)
        .assert_stdout_contains(&format!("fix: pin it: {pinned}"));
}
