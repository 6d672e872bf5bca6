//! `vimes check` against the evasions of issue #20 (items 5 and 13), through
//! the real binary: files it cannot read fail the check, FIFOs are never
//! opened, and references hidden from one builder's reading of a file are
//! still found.

use crate::support::TestBed;
use std::time::{Duration, Instant};

const POLICY: &str = "version: 1
policy:
  allowed_registries: [harbor.example.com/base]
  require_digest: false
";

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn skipped_files(report: &serde_json::Value) -> Vec<String> {
    report["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| s["file"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_fifo_in_the_directory_fails_promptly_naming_it() {
    let mut env = TestBed::builder()
        .config_text(POLICY)
        .file(
            "repo/Dockerfile",
            "FROM harbor.example.com/base/debian:12\n",
        )
        .ready()
        .env;
    mkfifo(&env.path("repo/deploy.yaml"));
    // On a FIFO the old code blocked in open() for ever.
    env.timeout(Duration::from_secs(20));
    let started = Instant::now();
    let out = env.run(&["check", "repo"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{}",
        out.dump()
    );
    out.assert_code(1)
        .assert_stdout_contains("repo/deploy.yaml")
        .assert_stdout_contains("FIFO");
    // Named on the command line, too.
    env.run(&["check", "repo/deploy.yaml"])
        .assert_code(1)
        .assert_stdout_contains("FIFO");
}

#[test]
fn a_file_check_cannot_read_fails_unless_excluded() {
    let mut env = TestBed::builder()
        .config_text(POLICY)
        .file("app/Dockerfile", "FROM harbor.example.com/base/debian:12\n")
        .file(
            "app/odd.Dockerfile",
            b"FROM evil.example.com/x:1\n\0".as_slice(),
        )
        .ready()
        .env;
    let mut huge = String::from("FROM evil.example.com/huge:1\n");
    while huge.len() <= 5 * 1024 * 1024 {
        huge.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    env.write("app/big/Dockerfile", &huge);
    let mut many = String::new();
    for _ in 0..1001 {
        many.push_str("---\napiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: evil.example.com/x:1}]}\n");
    }
    env.write("app/k8s/many.yaml", &many);
    let deep = format!(
        "apiVersion: v1\nkind: Pod\nimage: {}evil{}\n",
        "[".repeat(70),
        "]".repeat(70)
    );
    env.write("app/k8s/deep.yaml", &deep);

    let out = env.run(&["--output", "json", "check", "app"]);
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["passed"], false);
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    let mut skipped = skipped_files(&report);
    skipped.sort();
    assert_eq!(
        skipped,
        [
            "app/big/Dockerfile",
            "app/k8s/deep.yaml",
            "app/k8s/many.yaml",
            "app/odd.Dockerfile"
        ]
    );
    env.run(&["check", "app"])
        .assert_code(1)
        .assert_stdout_contains("not checked app/odd.Dockerfile")
        .assert_stdout_contains("policy.check_exclude");

    // Excluded in the config: left out, and said so.
    env.config_yaml(&format!(
        "{POLICY}  check_exclude: [app/big, \"app/k8s/*.yaml\", odd.Dockerfile]\n"
    ));
    let out = env.run(&["--output", "json", "check", "app"]);
    out.assert_success();
    let report = out.json();
    assert_eq!(
        report["excluded"].as_array().unwrap().len(),
        4,
        "{report:#}"
    );
    assert_eq!(report["files_checked"], 1);
}

#[test]
fn a_stage_hidden_in_a_heredoc_is_found() {
    let env = TestBed::builder()
        .config_text(POLICY)
        .file(
            "Dockerfile",
            "FROM harbor.example.com/base/debian:12\nCOPY <<CMD /x\nFROM staging/vuln:1.0\nCMD\n",
        )
        .ready()
        .env;
    env.run(&["check", "Dockerfile"])
        .assert_code(1)
        .assert_stdout_contains("Dockerfile:3:6: staging/vuln:1.0")
        .assert_stdout_contains("without heredoc support");
}

#[test]
fn references_written_in_other_shapes_are_found() {
    let mut env = TestBed::builder().ready().env;
    let digest = format!("sha256:{}", "0".repeat(64));
    env.config_yaml(POLICY)
        // No literal "image" in the file: the key is an escape.
        .write(
            "k8s/pod.yaml",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      \"\\x69mage\": evil.example.com/escaped:1\n",
        )
        .write(
            "k8s/pod.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": {\"containers\": [{\"name\": \"a\", \"image\": \"evil.example.com/json:1\"}]}}\n",
        )
        .write(
            "k8s/kustomization.yaml",
            format!("resources: [pod.yaml]\nimages:\n  - name: harbor.example.com/base/app\n    newName: evil.example.com/kustomized\n    digest: {digest}\n"),
        )
        .write(
            "compose.yaml",
            "services:\n  app:\n    build:\n      dockerfile_inline: |\n        FROM evil.example.com/inline:1\n",
        )
        .write(
            "build/app.df",
            "# syntax=evil.example.com/frontend:1\nFROM harbor.example.com/base/debian:12\nRUN --mount=type=bind,\"FROM=evil.example.com/mount:1\",target=/m true\nONBUILD COPY --from=evil.example.com/onbuild:1 /a /b\n",
        )
        .write("Containerfile.prod", "FROM evil.example.com/containerfile:1\n")
        .write("templates/base.tmpl", "FROM evil.example.com/template:1\n");
    let out = env.run(&["--output", "json", "check", ".", "templates/base.tmpl"]);
    out.assert_code(1);
    let report = out.json();
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "disallowed-registry")
        .map(|f| {
            format!(
                "{} {}",
                f["file"].as_str().unwrap(),
                f["image"].as_str().unwrap()
            )
        })
        .collect();
    for expected in [
        "k8s/pod.yaml evil.example.com/escaped:1",
        "k8s/pod.json evil.example.com/json:1",
        &format!("k8s/kustomization.yaml evil.example.com/kustomized@{digest}"),
        "compose.yaml evil.example.com/inline:1",
        "build/app.df evil.example.com/frontend:1",
        "build/app.df evil.example.com/mount:1",
        "build/app.df evil.example.com/onbuild:1",
        "Containerfile.prod evil.example.com/containerfile:1",
        "templates/base.tmpl evil.example.com/template:1",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} missing: {found:#?}"
        );
    }
}
