//! `vimes config schema|show` and `vimes init`, run as the real binary in a
//! temporary working directory with a minimal environment (no TTY).

use std::path::Path;
use std::process::{Command, Stdio};

/// What a run of vimes left behind.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs vimes in `dir` with only PATH, a temporary HOME and `env` set.
fn vimes(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = tempfile::tempdir().expect("temp HOME");
    let output = Command::new(env!("CARGO_BIN_EXE_vimes"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run vimes");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

const GOOD: &str = "\
version: 1
registries:
  staging:
    url: localhost:5000
    project: staging
    type: oci
    username_env: HARBOR_USER
    password_env: HARBOR_PASSWORD
  production:
    url: ${PROD_HOST:-localhost:5001}
    project: production
    immutable: true
promotion:
  from: staging
  to: production
signing:
  key: env://SIGNING_KEY
  require_attestations: [cyclonedx]
";

#[test]
fn show_prints_the_resolved_config_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vimes.yaml"), GOOD).unwrap();
    let env = [
        ("HARBOR_PASSWORD", "s3cret-value"),
        ("SIGNING_KEY", "private-key-material"),
    ];

    let run = vimes(dir.path(), &["config", "show"], &env);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("# from ") && first.ends_with("vimes.yaml"),
        "{first}"
    );
    assert!(
        run.stdout.contains("password_env: HARBOR_PASSWORD (set)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("username_env: HARBOR_USER (not set)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("url: localhost:5001"), "{}", run.stdout);
    assert!(!run.stdout.contains("s3cret") && !run.stdout.contains("private-key-material"));

    let run = vimes(dir.path(), &["--output", "json", "config", "show"], &env);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["registries"]["staging"]["password_env"],
        "HARBOR_PASSWORD (set)"
    );
    assert_eq!(doc["registries"]["production"]["immutable"], true);
    assert_eq!(doc["signing"]["key"], "env://SIGNING_KEY");
    assert!(!run.stdout.contains("s3cret") && !run.stdout.contains("private-key-material"));
}

#[test]
fn show_finds_the_file_in_a_parent_and_interpolates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vimes.yml"), GOOD).unwrap();
    let sub = dir.path().join("services/api");
    std::fs::create_dir_all(&sub).unwrap();
    let run = vimes(
        &sub,
        &["--output", "json", "config", "show"],
        &[("PROD_HOST", "prod.example.com")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["registries"]["production"]["url"], "prod.example.com");

    // --config and VIMES_CONFIG name the file directly.
    let other = dir.path().join("other.yaml");
    std::fs::write(
        &other,
        "version: 1\nregistries:\n  only: {url: o.example.com}\n",
    )
    .unwrap();
    let other = other.to_string_lossy().into_owned();
    for (args, env) in [
        (
            vec![
                "--output",
                "json",
                "--config",
                other.as_str(),
                "config",
                "show",
            ],
            vec![],
        ),
        (
            vec!["--output", "json", "config", "show"],
            vec![("VIMES_CONFIG", other.as_str())],
        ),
    ] {
        let run = vimes(&sub, &args, &env);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(doc["registries"]["only"]["url"], "o.example.com");
    }
    let run = vimes(&sub, &["--config", "missing.yaml", "config", "show"], &[]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("missing.yaml: no such file"),
        "{}",
        run.stderr
    );
}

#[test]
fn show_reports_each_bad_input_at_its_line_and_column() {
    let cases: &[(&str, &str)] = &[
        // malformed YAML
        (
            "version: 1\nregistries:\n  staging:\n   url: a\n  - b\n",
            "vimes.yaml:5:",
        ),
        // unknown key, with a suggestion
        (
            "version: 1\nregistries:\n  staging:\n    url: h.example.com\n    usernme_env: U\n",
            "vimes.yaml:5:5: unknown key \"usernme_env\" in registries.staging; did you mean \"username_env\"?",
        ),
        // wrong type
        (
            "version: 1\ntools:\n  trivy: {path: trivy, timeout_secs: soon}\n",
            "vimes.yaml:3:38: tools.trivy.timeout_secs: expected a whole number",
        ),
        // missing ${VAR}
        (
            "version: 1\nregistries:\n  staging:\n    url: ${NOT_SET_ANYWHERE}\n",
            "vimes.yaml:4:10: environment variable NOT_SET_ANYWHERE is not set",
        ),
        // promotion names an unknown registry
        (
            "version: 1\nregistries:\n  staging: {url: h}\n  production: {url: h}\npromotion:\n  from: staging\n  to: prodution\n",
            "vimes.yaml:7:7: promotion.to names registry \"prodution\", which is not under registries; did you mean \"production\"?",
        ),
        // url with a scheme
        (
            "version: 1\nregistries:\n  staging:\n    url: https://harbor.example.com\n",
            "vimes.yaml:4:10: registries.staging.url \"https://harbor.example.com\" has a scheme; drop \"https://\"",
        ),
        // bad version
        ("version: 2\n", "vimes.yaml:1:10: unsupported version 2"),
        // empty file
        ("\n# nothing yet\n", "vimes.yaml:1:1: the file is empty"),
    ];
    for (text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("vimes.yaml"), text).unwrap();
        let run = vimes(dir.path(), &["config", "show"], &[]);
        assert_eq!(run.code, Some(2), "{text}\n{}", run.stderr);
        assert!(
            run.stderr.contains(expected),
            "expected {expected:?} in:\n{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);

        // In JSON mode the same error is the stdout document.
        let run = vimes(dir.path(), &["--output", "json", "config", "show"], &[]);
        assert_eq!(run.code, Some(2));
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(doc["error"]["kind"], "config");
        assert!(doc["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(expected));
    }
}

#[test]
fn default_with_unset_variable_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let text = "version: 1\nregistries:\n  staging: {url: \"${REG:-localhost:5000}\", project: \"${PROJ:-team}\"}\n";
    std::fs::write(dir.path().join("vimes.yaml"), text).unwrap();
    let run = vimes(
        dir.path(),
        &["--output", "json", "config", "show"],
        &[("PROJ", "")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["registries"]["staging"]["url"], "localhost:5000");
    assert_eq!(doc["registries"]["staging"]["project"], "team");
}

#[test]
fn schema_is_json_whatever_the_output_format() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["config", "schema"][..],
        &["--output", "json", "config", "schema"],
    ] {
        let run = vimes(dir.path(), args, &[]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        assert!(schema["properties"]["registries"].is_object());
        assert_eq!(schema["additionalProperties"], false);
    }
}

#[test]
fn init_with_flags_writes_a_file_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let run = vimes(
        dir.path(),
        &[
            "init",
            "--staging-url",
            "localhost:5000",
            "--production-project",
            "prod",
            "--registry-type",
            "oci",
            "--insecure",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("wrote vimes.yaml"), "{}", run.stdout);
    let written = std::fs::read_to_string(dir.path().join("vimes.yaml")).unwrap();
    assert!(written.starts_with("# vimes.yaml"), "{written}");

    let run = vimes(dir.path(), &["--output", "json", "config", "show"], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["registries"]["staging"]["url"], "localhost:5000");
    assert_eq!(doc["registries"]["production"]["project"], "prod");
    assert_eq!(doc["registries"]["production"]["type"], "oci");
    assert_eq!(doc["registries"]["staging"]["insecure"], true);
    assert_eq!(doc["promotion"]["to"], "production");

    // JSON mode reports the path written.
    let run = vimes(
        dir.path(),
        &[
            "--output",
            "json",
            "init",
            "--staging-url",
            "h.example.com",
            "--path",
            "second.yaml",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["path"], "second.yaml");
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vimes.yaml");
    std::fs::write(&file, "version: 1\n# mine\n").unwrap();
    let run = vimes(
        dir.path(),
        &["init", "--staging-url", "localhost:5000"],
        &[],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("already exists; pass --force"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "version: 1\n# mine\n"
    );

    let run = vimes(
        dir.path(),
        &["init", "--force", "--staging-url", "localhost:5000"],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("url: localhost:5000"));
}

#[test]
fn init_without_a_terminal_needs_the_staging_url() {
    let dir = tempfile::tempdir().unwrap();
    let run = vimes(dir.path(), &["init"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("--staging-url is required"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("vimes.yaml").exists());

    // A bad flag value is refused the way vimes.yaml would refuse it.
    let run = vimes(
        dir.path(),
        &["init", "--staging-url", "https://h.example.com"],
        &[],
    );
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("drop \"https://\""), "{}", run.stderr);
    assert!(!dir.path().join("vimes.yaml").exists());
}
