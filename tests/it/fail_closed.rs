//! The fail-closed matrix (issue #9, README "Security model"): whenever vimes
//! cannot establish that an image is clean, signed and allowed, the answer is
//! a non-zero exit with the reason, never 0. One table: each row is a set-up,
//! a command, the exit code and a piece of the reason. Real tools and
//! registries wherever they can show the fault; stand-in scripts only for a
//! crash, garbage output or a hang.

mod regressions;

use std::sync::{Mutex, OnceLock};

use crate::support::bed::TestBedBuilder;
use crate::support::trivy::build_fixture_image;
use crate::support::{push_image, Registry, RunOutput, TestBed, TestEnv, TestImage};

pub const PASSWORD: &str = "fail closed password";

/// Files every row starts with (made once by vimes itself).
const SEED_FILES: [&str; 8] = [
    "cosign.key",
    "cosign.pub",
    "security/team.key",
    "security/team.pub",
    "mallory.key",
    "mallory.pub",
    "security/exceptions.yaml",
    "security/exceptions.yaml.sig",
];

/// Staging repositories holding the clean image.
const PROMOTED: [&str; 6] = ["app", "nosyft", "nokey", "noreview", "unreach", "rejected"];

/// Registries and images shared by the rows (read-only once made):
/// - staging `<PROMOTED>:1`: a clean image (no findings);
/// - staging `tiff:1`: the unfixed-only fixture (HIGH CVE-2099-0004 in
///   libtiff6, no fix), which only a valid exception lets through;
/// - production `signed:1`, signed by `cosign.key`;
/// - production `other:1`, whose `.sig` is a copy of `signed`'s.
pub struct Bed {
    bed: TestBed,
    seed: Vec<(String, Vec<u8>)>,
}

impl Bed {
    /// Made once per test process; None when a tool is missing (see
    /// [`TestBedBuilder::build`]).
    pub fn get() -> Option<&'static Bed> {
        static BED: OnceLock<Bed> = OnceLock::new();
        static MAKING: Mutex<()> = Mutex::new(());
        let _making = MAKING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bed) = BED.get() {
            return Some(bed);
        }
        let bed = Bed::make()?;
        Some(BED.get_or_init(|| bed))
    }

    pub fn staging(&self) -> &Registry {
        self.bed.reg("staging")
    }

    pub fn production(&self) -> &Registry {
        self.bed.reg("production")
    }

    fn make() -> Option<Bed> {
        let clean = TestImage::random(9201, 1, 2048);
        let signed = TestImage::random(9202, 1, 1024);
        let other = TestImage::random(9203, 1, 1024);
        let mut builder = base_bed()
            .tool("syft")
            .signing_key("cosign")
            .signing_key("security/team")
            .signing_key("mallory");
        // One staging repository per promoting row, so each row's production
        // side can be checked on its own.
        for repo in PROMOTED {
            builder = builder.image(
                "staging",
                &format!("staging/{repo}"),
                Some("1"),
                clean.clone(),
            );
        }
        let bed = builder
            .fixture("staging", "unfixed-only", "staging/tiff", "1")
            .push_with("staging", "staging/multi:1", move |staging| {
                push_two_platform_index(staging, &clean)
            })
            .image("production", "production/signed", Some("1"), signed.clone())
            .image("production", "production/other", Some("1"), other.clone())
            .build()?;
        let production = bed.reg("production");
        bed.reg("staging").stop_at_exit();
        production.stop_at_exit();

        let env = &bed.env;
        env.run(&[
            "exceptions",
            "add",
            "--id",
            "CVE-2099-0004",
            "--reason",
            "no fix upstream; not reachable",
            "--expires",
            "2027-01-31",
            "--approved-by",
            "secteam@example.com",
            "--package",
            "libtiff6",
        ])
        .assert_code(0);
        env.run(&["exceptions", "sign", "--key", "security/team.key"])
            .assert_code(0);
        // The signed exception lets the tiff image through: the rows below
        // break exactly one thing each.
        env.run(&["scan", "tiff:1"]).assert_code(0);
        env.run(&[
            "sign",
            &format!("{}/production/signed:1", production.host()),
        ])
        .assert_code(0);
        // A signature for another digest: signed's .sig under other's tag.
        let client = production.client();
        let sig = crate::support::signature_tag(&signed.digest);
        let (media_type, bytes, _) = client
            .get_manifest("production/signed", &sig)
            .expect("signed has a .sig");
        let manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for layer in manifest["layers"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&manifest["config"]])
        {
            let digest = layer["digest"].as_str().unwrap();
            let blob = client.get_blob("production/signed", digest).unwrap();
            client.push_blob("production/other", &blob);
        }
        client.push_manifest(
            "production/other",
            &crate::support::signature_tag(&other.digest),
            &media_type,
            &bytes,
        );
        let seed = SEED_FILES
            .iter()
            .map(|f| (f.to_string(), std::fs::read(env.path(f)).unwrap()))
            .collect();
        // The bed lives in a static, which is never dropped: its HOME goes
        // now that the seed files are read (rows get envs of their own).
        std::fs::remove_dir_all(bed.env.home())
            .unwrap_or_else(|e| panic!("remove {}: {e}", bed.env.home().display()));
        Some(Bed { bed, seed })
    }

    /// A fresh env with the shared keys and the signed exceptions file.
    pub fn env(&self) -> TestEnv {
        let mut env = self.bed.sibling(base_bed());
        for (name, bytes) in &self.seed {
            env.write(name, bytes);
        }
        env
    }

    pub fn production_ref(&self, repo_tag: &str) -> String {
        format!("{}/production/{repo_tag}", self.production().host())
    }
}

/// `staging/multi:1`: an index of the clean image as `linux/amd64` and the
/// tiff fixture (HIGH, unfixed) as `linux/arm64`; Trivy handed the index
/// alone would scan only the host's amd64.
fn push_two_platform_index(staging: &Registry, clean: &TestImage) -> String {
    build_fixture_image(staging, "unfixed-only", "staging/multi", "arm64");
    push_image(staging, "staging/multi", Some("amd64"), clean);
    let client = staging.client();
    let entry = |tag: &str, arch: &str| {
        let (media_type, bytes, digest) = client.get_manifest("staging/multi", tag).unwrap();
        serde_json::json!({"mediaType": media_type, "digest": digest, "size": bytes.len(),
            "platform": {"os": "linux", "architecture": arch}})
    };
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": crate::support::oci::OCI_INDEX,
        "manifests": [entry("amd64", "amd64"), entry("arm64", "arm64")],
    });
    let index = serde_json::to_vec(&index).unwrap();
    client.push_manifest("staging/multi", "1", crate::support::oci::OCI_INDEX, &index);
    crate::support::sha256_digest(&index)
}

/// What every env of the matrix has: staging and production (mutable), the
/// test Trivy DB, approvers and exceptions in `security/`, signing with
/// `cosign.key`.
fn base_bed() -> TestBedBuilder {
    TestBed::builder()
        .tools(["trivy", "buildah"])
        .registries(["staging", "production"])
        .trivy_cache()
        .xdg()
        .password(PASSWORD)
        .user("ci-bot")
        .env("VIMES_TODAY", "2026-11-29")
        .promotion_mutable(
            "policy:\n  exceptions: security/exceptions.yaml\n  approvers: [security/team.pub]\n\
             signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n",
        )
}

/// Appends to vimes.yaml (e.g. a `tools:` section).
pub fn append_config(env: &mut TestEnv, yaml: &str) {
    let cfg = env.read("vimes.yaml") + yaml;
    env.config_yaml(&cfg);
}

/// A stand-in Trivy that answers `version` like 0.59.1 and runs `body` for
/// anything else; vimes.yaml points at it.
fn stand_in_trivy(env: &mut TestEnv, body: &str, extra: &str) {
    env.write_executable(
        "trivy-stand-in",
        &format!("#!/bin/sh\nif [ \"$1\" = version ]; then echo '{{\"Version\":\"0.59.1\"}}'; exit 0; fi\n{body}\n"),
    );
    let path = env.bin_dir().join("trivy-stand-in");
    append_config(
        env,
        &format!(
            "tools:\n  trivy: {{ path: \"{}\", skip_db_update: true{extra} }}\n",
            path.display()
        ),
    );
}

/// One row of the matrix.
struct Row {
    name: &'static str,
    setup: fn(&Bed, &mut TestEnv),
    args: fn(&Bed) -> Vec<String>,
    code: i32,
    reason: &'static str,
    /// More checks on the outcome (e.g. production holds nothing).
    after: fn(&Bed, &RunOutput),
}

fn nothing(_: &Bed, _: &mut TestEnv) {}
fn no_check(_: &Bed, _: &RunOutput) {}
fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}
fn scan_clean(_: &Bed) -> Vec<String> {
    args(&["scan", "--no-cache", "app:1"])
}
fn scan_tiff(_: &Bed) -> Vec<String> {
    args(&["scan", "tiff:1"])
}

/// Production holds nothing of `production/<repo>`, or at least no tag.
fn no_production_tag(bed: &Bed, repo: &str) {
    let client = bed.production().client();
    assert!(
        !client.manifest_exists(&format!("production/{repo}"), "1"),
        "production/{repo}:1 must not exist"
    );
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "Trivy missing",
            setup: |_, env| append_config(env, "tools:\n  trivy: { path: /nonexistent/trivy }\n"),
            args: scan_clean,
            code: 3,
            reason: "not found",
            after: no_check,
        },
        Row {
            name: "Trivy crashes (SIGSEGV)",
            setup: |_, env| stand_in_trivy(env, "kill -SEGV $$", ""),
            args: scan_clean,
            code: 3,
            reason: "signal",
            after: no_check,
        },
        Row {
            name: "Trivy exits 2",
            setup: |_, env| {
                stand_in_trivy(env, "echo 'FATAL: cannot scan (stand-in)' >&2; exit 2", "")
            },
            args: scan_clean,
            code: 3,
            reason: "FATAL: cannot scan (stand-in)",
            after: no_check,
        },
        Row {
            name: "Trivy prints garbage",
            setup: |_, env| stand_in_trivy(env, "echo 'this is not json'", ""),
            args: scan_clean,
            code: 3,
            reason: "not its JSON report",
            after: no_check,
        },
        Row {
            name: "unknown severity in Trivy's JSON",
            setup: |_, env| {
                stand_in_trivy(
                    env,
                    r#"echo '{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","InstalledVersion":"1","Severity":"APOCALYPTIC"}]}]}'"#,
                    "",
                )
            },
            args: scan_clean,
            code: 3,
            reason: "report could not be read",
            after: no_check,
        },
        Row {
            name: "unknown Trivy SchemaVersion",
            setup: |_, env| stand_in_trivy(env, r#"echo '{"SchemaVersion":3,"Results":[]}'"#, ""),
            args: scan_clean,
            code: 3,
            reason: "SchemaVersion 3",
            after: no_check,
        },
        Row {
            name: "Trivy hangs",
            setup: |_, env| stand_in_trivy(env, "sleep 60", ", timeout_secs: 1"),
            args: scan_clean,
            code: 3,
            reason: "timed out",
            after: no_check,
        },
        Row {
            name: "index: clean amd64, vulnerable arm64 (issue #20)",
            setup: |_, env| std::fs::remove_file(env.path("security/exceptions.yaml.sig")).unwrap(),
            args: |_| args(&["--yes", "promote", "multi:1"]),
            code: 1,
            reason: "libtiff6 4.5.0-6 on linux/arm64",
            after: |b, _| no_production_tag(b, "multi"),
        },
        Row {
            name: "scanner configuration next to vimes.yaml and in the environment (issue #20)",
            setup: |_, env| {
                std::fs::remove_file(env.path("security/exceptions.yaml.sig")).unwrap();
                env.write(".trivyignore", "CVE-2099-0004\n");
                env.write("trivy.yaml", "severity: [LOW]\n");
                env.env("TRIVY_SEVERITY", "LOW");
                env.env("TRIVY_IGNORE_UNFIXED", "true");
            },
            args: scan_tiff,
            code: 1,
            reason: "CVE-2099-0004 HIGH in libtiff6",
            after: no_check,
        },
        Row {
            name: "Trivy's report is about another image (issue #20)",
            setup: |_, env| {
                stand_in_trivy(
                    env,
                    r#"echo '{"SchemaVersion":2,"ArtifactName":"elsewhere/clean@sha256:0000000000000000000000000000000000000000000000000000000000000000","Results":[]}'"#,
                    "",
                )
            },
            args: scan_clean,
            code: 3,
            reason: "its report is about \"elsewhere/clean@",
            after: no_check,
        },
        Row {
            name: "Trivy prints no Results and FATAL but exits 0 (issue #20)",
            setup: |_, env| {
                stand_in_trivy(
                    env,
                    r#"for a; do last="$a"; done; printf '{"SchemaVersion":2,"ArtifactName":"%s"}\n' "$last"; echo 'FATAL image scan error (stand-in)' >&2"#,
                    "",
                )
            },
            args: scan_clean,
            code: 3,
            reason: "FATAL image scan error (stand-in)",
            after: no_check,
        },
        Row {
            name: "unsigned exceptions file",
            setup: |_, env| std::fs::remove_file(env.path("security/exceptions.yaml.sig")).unwrap(),
            args: scan_tiff,
            code: 1,
            reason: "not signed by an approver",
            after: no_check,
        },
        Row {
            name: "exception expired (VIMES_TODAY after its day)",
            setup: |_, env| {
                env.env("VIMES_TODAY", "2027-02-01");
            },
            args: scan_tiff,
            code: 1,
            reason: "expired on 2027-01-31",
            after: no_check,
        },
        Row {
            name: "exceptions signed by a non-approver",
            setup: |_, env| {
                env.run(&["exceptions", "sign", "--key", "mallory.key"])
                    .assert_code(0);
            },
            args: scan_tiff,
            code: 1,
            reason: "does not verify with any approver key",
            after: no_check,
        },
        Row {
            name: "exceptions file tampered after signing",
            setup: |_, env| {
                let text = env.read("security/exceptions.yaml");
                env.write(
                    "security/exceptions.yaml",
                    text.replace("2027-01-31", "2027-06-30"),
                );
            },
            args: scan_tiff,
            code: 1,
            reason: "does not verify",
            after: no_check,
        },
        Row {
            name: "exception with a malformed expiry date",
            setup: |_, env| {
                let text = env.read("security/exceptions.yaml");
                env.write(
                    "security/exceptions.yaml",
                    text.replace("2027-01-31", "2027-02-30"),
                );
                env.run(&["exceptions", "sign", "--key", "security/team.key"]);
            },
            args: scan_tiff,
            code: 2,
            reason: "exceptions.yaml:",
            after: no_check,
        },
        Row {
            name: "wrong public key at verify",
            setup: nothing,
            args: |b| {
                args(&[
                    "verify",
                    "--key",
                    "mallory.pub",
                    &b.production_ref("signed:1"),
                ])
            },
            code: 1,
            reason: "does not verify with any trusted key",
            after: no_check,
        },
        Row {
            name: "signature for another digest",
            setup: nothing,
            args: |b| args(&["verify", &b.production_ref("other:1")]),
            code: 1,
            reason: "is not this image's",
            after: no_check,
        },
        Row {
            name: "registry unreachable",
            setup: |_, env| {
                let port = std::net::TcpListener::bind("127.0.0.1:0")
                    .unwrap()
                    .local_addr()
                    .unwrap()
                    .port();
                let cfg = env.read("vimes.yaml");
                let staging = cfg
                    .split("url: \"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_string();
                env.config_yaml(&cfg.replace(&staging, &format!("127.0.0.1:{port}")));
            },
            args: |_| args(&["--yes", "promote", "unreach:1"]),
            code: 4,
            reason: "127.0.0.1:",
            after: |b, _| no_production_tag(b, "unreach"),
        },
        Row {
            name: "Syft missing at promote",
            setup: |_, env| append_config(env, "tools:\n  syft: { path: /nonexistent/syft }\n"),
            args: |_| args(&["--yes", "promote", "nosyft:1"]),
            code: 3,
            reason: "not found",
            after: |b, _| {
                // Syft's failure is seen before the copy: production holds nothing of it.
                let catalog = b.production().client().catalog();
                assert!(
                    !catalog.iter().any(|r| r == "production/nosyft"),
                    "{catalog:?}"
                );
            },
        },
        Row {
            name: "copy of an unsigned image into production",
            setup: nothing,
            args: |b| {
                args(&[
                    "copy",
                    "app:1",
                    &format!("{}/production/copied:1", b.production().host()),
                ])
            },
            code: 1,
            reason: "does not verify in production",
            after: |b, _| no_production_tag(b, "copied"),
        },
        Row {
            name: "advisory file is a FIFO (used to block forever)",
            setup: |_, env| {
                let fifo = env.path("advisory.json");
                let made = std::process::Command::new("mkfifo").arg(&fifo).status();
                assert!(made.is_ok_and(|s| s.success()), "mkfifo");
            },
            args: |_| args(&["sbom", "query", "--advisory", "advisory.json"]),
            code: 2,
            reason: "not a regular file",
            after: no_check,
        },
        Row {
            name: "no review, no TTY, no --yes",
            setup: nothing,
            args: |_| args(&["promote", "noreview:1"]),
            code: 1,
            reason: "no approving review",
            after: |b, _| no_production_tag(b, "noreview"),
        },
        Row {
            name: "review rejected",
            setup: nothing,
            args: |_| args(&["review", "--reject", "app:1"]),
            code: 1,
            reason: "Rejected",
            after: no_check,
        },
        Row {
            name: "missing signing key at promote",
            setup: |_, env| {
                let cfg = env
                    .read("vimes.yaml")
                    .replace("key: cosign.key", "key: keys/missing.key");
                env.config_yaml(&cfg);
            },
            args: |_| args(&["--yes", "promote", "nokey:1"]),
            code: 2,
            reason: "missing.key",
            after: |b, _| {
                let client = b.production().client();
                assert!(
                    !client.catalog().iter().any(|r| r == "production/nokey"),
                    "nothing may be copied before the key is loaded: {:?}",
                    client.catalog()
                );
            },
        },
        // Issue #20 items 5 and 13: `vimes check` evasions.
        Row {
            name: "check: a stage hidden in a heredoc",
            setup: |_, env| {
                env.write(
                    "Dockerfile",
                    "FROM scratch\nCOPY <<CMD /x\nFROM staging/vuln:1.0\nCMD\n",
                );
            },
            args: |_| args(&["check", "Dockerfile"]),
            code: 1,
            reason: "without heredoc support",
            after: no_check,
        },
        Row {
            name: "check: a file it cannot read",
            setup: |_, env| {
                env.write("app/Dockerfile", b"FROM evil/x:1\n\0".as_slice());
            },
            args: |_| args(&["check", "app"]),
            code: 1,
            reason: "not checked app/Dockerfile",
            after: no_check,
        },
        Row {
            name: "check: a FIFO named like a manifest",
            setup: |_, env| {
                std::fs::create_dir_all(env.path("k8s")).expect("mkdir k8s");
                let made = std::process::Command::new("mkfifo")
                    .arg(env.path("k8s/deploy.yaml"))
                    .status()
                    .expect("run mkfifo");
                assert!(made.success());
                env.timeout(std::time::Duration::from_secs(30));
            },
            args: |_| args(&["check", "k8s"]),
            code: 1,
            reason: "FIFO",
            after: no_check,
        },
    ]
}

#[test]
fn every_fault_ends_non_zero_with_its_reason() {
    let Some(bed) = Bed::get() else {
        return;
    };
    let mut failures = Vec::new();
    for row in rows() {
        let mut env = bed.env();
        (row.setup)(bed, &mut env);
        let argv = (row.args)(bed);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = env.run(&argv);
        let text = format!("{}\n{}", out.stdout, out.stderr);
        if out.code != row.code || !text.contains(row.reason) {
            failures.push(format!(
                "row {:?}: expected exit {} with {:?}\n{}",
                row.name,
                row.code,
                row.reason,
                out.dump()
            ));
            continue;
        }
        assert_ne!(out.code, 0, "{}", row.name);
        (row.after)(bed, &out);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
