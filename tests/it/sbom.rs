//! `vimes sbom`, `sbom index` and `sbom query` with the real binary, a real
//! registry and the real Syft 1.18.1, on images whose rootfs holds real dpkg
//! and Python metadata (support::rootfs).

use crate::cosign_compat::{self as cc, ForeignKey, Layer};
use crate::support::rootfs::{deb, py, RootfsImage};
use crate::support::{push_image, require_tool, Registry, RunOutput, TestEnv, TestImage};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const PASSWORD: &str = "sbom test password";

fn bed() -> bool {
    require_tool("docker-registry") && require_tool("syft")
}

/// The images of the advisory test. A is affected everywhere; B has the fixed
/// versions; C is affected only where a naive comparison says it is not
/// (`~` before the release, no epoch, a release candidate); D is past every fix.
fn image(which: char) -> TestImage {
    let (zlib, ssl, requests) = match which {
        'A' => ("1:1.2.13.dfsg-1", "3.0.11-1~deb12u1", "2.28.1"),
        'B' => ("1:1.2.13.dfsg-3", "3.0.13-1~deb12u1", "2.31.0"),
        'C' => ("1.3.dfsg-1", "3.0.13~rc1-1", "2.31.0rc1"),
        _ => ("2:1.0-1", "3.0.13-1", "2.31.0.post1"),
    };
    RootfsImage::debian(
        &[
            deb("zlib1g", zlib, "zlib"),
            deb("libssl3", ssl, "openssl"),
            deb("libc6", "2.36-9+deb12u3", "glibc"),
            deb("libtiff6", "4.5.0-6+deb12u1", "tiff (4.5.0-6)"),
        ],
        &[py("requests", requests), py("urllib3", "2.0.0rc1")],
    )
}

/// A test env for `reg` (plain HTTP) with a vimes key pair; `extra` is appended to vimes.yaml.
fn sbom_env(reg: &Registry, extra: &str) -> TestEnv {
    let mut env = TestEnv::new();
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\n\
         signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n{extra}",
        reg.host()
    ));
    env.env("COSIGN_PASSWORD", PASSWORD);
    env.run(&["key", "generate"]).assert_success();
    env
}

fn json_file(env: &TestEnv, rel: &str) -> Value {
    serde_json::from_str(&env.read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// (repository, digest, package, version) of every match of a query.
fn matches(out: &RunOutput) -> BTreeSet<(String, String, String, String)> {
    let doc = out.json();
    doc["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("no matches array\n{}", out.dump()))
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            (s("repository"), s("digest"), s("package"), s("version"))
        })
        .collect()
}

#[test]
fn sboms_in_both_formats_list_the_packages() {
    if !bed() {
        return;
    }
    let reg = Registry::plain();
    let digest = push_image(&reg, "fixtures/app", Some("1.0"), &image('A'));
    let env = sbom_env(&reg, "");
    let reference = format!("{}/fixtures/app:1.0", reg.host());
    env.run(&["sbom", "-o", "app.cdx.json", &reference])
        .assert_success()
        .assert_stdout_contains("6 packages, syft 1.18.1");
    let summary = env
        .run(&[
            "--output",
            "json",
            "sbom",
            "--format",
            "spdx-json",
            "-o",
            "app.spdx.json",
            &reference,
        ])
        .assert_success()
        .json();
    assert_eq!(summary["digest"], digest.as_str());
    assert_eq!(summary["packages"], 6);
    assert_eq!(summary["syft_version"], "1.18.1");
    assert_eq!(summary["format"], "spdx-json");

    let cdx = json_file(&env, "app.cdx.json");
    assert_eq!(cdx["bomFormat"], "CycloneDX");
    assert_eq!(cdx["metadata"]["component"]["version"], digest.as_str());
    let purls: BTreeSet<&str> = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    for expected in [
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib",
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
        "pkg:deb/debian/libtiff6@4.5.0-6%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=tiff%404.5.0-6",
        "pkg:pypi/requests@2.28.1",
        "pkg:pypi/urllib3@2.0.0rc1",
    ] {
        assert!(purls.contains(expected), "{expected} missing from {purls:?}");
    }
    let spdx = json_file(&env, "app.spdx.json");
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    let packages: BTreeSet<(&str, &str)> = spdx["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["versionInfo"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for expected in [
        ("zlib1g", "1:1.2.13.dfsg-1"),
        ("libc6", "2.36-9+deb12u3"),
        ("requests", "2.28.1"),
    ] {
        assert!(
            packages.contains(&expected),
            "{expected:?} missing from {packages:?}"
        );
    }
    // Without -o the SBOM itself is the output.
    let printed = env.run(&["-q", "sbom", &reference]).assert_success().json();
    assert_eq!(printed["bomFormat"], "CycloneDX");
    // Files never indexed by `sbom` alone; indexing them finds the same packages.
    env.run(&["sbom", "index", "app.cdx.json", "app.spdx.json"])
        .assert_success();
    let found = env.run(&["--output", "json", "sbom", "query", "--package", "openssl"]);
    assert_eq!(found.json()["images"], 1);
    assert_eq!(
        matches(&found).len(),
        1,
        "one image, filed once whatever the format"
    );
}

#[test]
fn attach_makes_an_attestation_that_verify_accepts_and_index_reads() {
    if !bed() {
        return;
    }
    let reg = Registry::plain();
    let digest = push_image(&reg, "prod/app", Some("1.0"), &image('A'));
    let env = sbom_env(&reg, "");
    let reference = format!("{}/prod/app:1.0", reg.host());
    env.run(&["sign", &reference]).assert_success();
    env.run(&["verify", "--require-attestation", "cyclonedx", &reference])
        .assert_code(1);
    let out = env
        .run(&[
            "--output",
            "json",
            "sbom",
            "--attach",
            "-o",
            "app.cdx.json",
            &reference,
        ])
        .assert_success()
        .json();
    assert_eq!(
        out["attestation"]["predicate_type"],
        "https://cyclonedx.org/bom"
    );
    env.run(&["verify", "--require-attestation", "cyclonedx", &reference])
        .assert_success();

    // Independently: a DSSE envelope, signed with the vimes key, whose predicate is the SBOM.
    let (_, manifest) = cc::read_attachment(&reg, "prod/app", &digest, "att").expect(".att tag");
    let layer = &manifest["layers"][0];
    assert_eq!(
        layer["annotations"]["predicateType"],
        "https://cyclonedx.org/bom"
    );
    let blob = reg
        .client()
        .get_blob("prod/app", layer["digest"].as_str().unwrap())
        .unwrap();
    let envelope: Value = serde_json::from_slice(&blob).unwrap();
    let statement = cc::unb64(envelope["payload"].as_str().unwrap());
    let sig = cc::unb64(envelope["signatures"][0]["sig"].as_str().unwrap());
    assert!(cc::verifies(
        &env.read("cosign.pub"),
        &cc::pae("application/vnd.in-toto+json", &statement),
        &sig
    ));
    let statement: Value = serde_json::from_slice(&statement).unwrap();
    assert_eq!(statement["subject"][0]["digest"]["sha256"], &digest[7..]);
    assert_eq!(statement["predicate"], json_file(&env, "app.cdx.json"));

    // --attach filed it in the default inventory (XDG data dir under HOME).
    assert!(env.path(".local/share/vimes/inventory.db").is_file());
    let q = env.run(&["--output", "json", "sbom", "query", "--package", "zlib1g"]);
    let expected_row = |v: &str| {
        (
            format!("{}/prod/app", reg.host()),
            digest.clone(),
            "zlib1g".into(),
            v.into(),
        )
    };
    assert_eq!(
        matches(&q),
        BTreeSet::from([expected_row("1:1.2.13.dfsg-1")])
    );
    assert_eq!(q.json()["matches"][0]["tags"], json!(["1.0"]));
    // A rebuilt inventory gets it back from the signed attestation.
    env.run(&["sbom", "index", "--rebuild", &reference])
        .assert_success();
    let q = env.run(&["--output", "json", "sbom", "query", "--package", "zlib1g"]);
    assert_eq!(
        matches(&q),
        BTreeSet::from([expected_row("1:1.2.13.dfsg-1")])
    );

    // No SBOM attestation: a policy refusal. One signed by an unknown key: too.
    let other = push_image(&reg, "prod/app", Some("2.0"), &image('B'));
    let unsigned = env.run(&["sbom", "index", &format!("{}/prod/app:2.0", reg.host())]);
    unsigned
        .assert_code(1)
        .assert_stderr_contains("no SBOM attestation");
    let foreign = ForeignKey::from_seed(9);
    let spdx: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/sbom/syft-1.18.1-debian.spdx.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let repository = format!("{}/prod/app", reg.host());
    cc::push_attachment(
        &reg,
        "prod/app",
        &other,
        "att",
        &[Layer::attestation(
            &foreign,
            &repository,
            &other,
            "https://spdx.dev/Document",
            spdx,
        )],
    );
    env.run(&["sbom", "index", &format!("{repository}:2.0")])
        .assert_code(1)
        .assert_stderr_contains("not signed by a trusted key");
    // With that key trusted, an attestation made outside vimes is read.
    let mut env = env;
    env.write("foreign.pub", foreign.public_pem());
    env.run(&[
        "sbom",
        "index",
        "--key",
        "foreign.pub",
        &format!("{repository}:2.0"),
    ])
    .assert_success()
    .assert_stdout_contains("(9 packages, spdx-json)");
}

#[test]
fn repository_index_and_package_queries() {
    if !bed() {
        return;
    }
    let reg = Registry::plain();
    let a = push_image(&reg, "team/api", Some("1.0"), &image('A'));
    push_image(&reg, "team/api", Some("latest"), &image('A'));
    let b = push_image(&reg, "team/api", Some("2.0"), &image('B'));
    let env = sbom_env(&reg, "sbom:\n  inventory: state/sbom.db\n");
    for tag in ["1.0", "2.0"] {
        env.run(&[
            "-q",
            "sbom",
            "--attach",
            "-o",
            &format!("{tag}.cdx.json"),
            &format!("{}/team/api:{tag}", reg.host()),
        ])
        .assert_success();
    }
    assert!(
        env.path("state/sbom.db").is_file(),
        "sbom.inventory is honoured"
    );
    let out = env
        .run(&[
            "--output",
            "json",
            "sbom",
            "index",
            "--rebuild",
            "--repository",
            &format!("{}/team/api", reg.host()),
        ])
        .assert_success()
        .json();
    let indexed: BTreeSet<(String, String)> = out["indexed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["digest"].as_str().unwrap().to_string(),
                i["tags"].to_string(),
            )
        })
        .collect();
    let tags = |t: Value| t.to_string();
    assert_eq!(
        indexed,
        BTreeSet::from([
            (a.clone(), tags(json!(["1.0", "latest"]))),
            (b.clone(), tags(json!(["2.0"])))
        ])
    );

    let repo = format!("{}/team/api", reg.host());
    let row =
        |d: &str, p: &str, v: &str| (repo.clone(), d.to_string(), p.to_string(), v.to_string());
    let q = |args: &[&str]| {
        let mut all = vec!["--output", "json", "sbom", "query"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        out.assert_success();
        matches(&out)
    };
    assert_eq!(
        q(&["--package", "openssl"]),
        BTreeSet::from([
            row(&a, "libssl3", "3.0.11-1~deb12u1"),
            row(&b, "libssl3", "3.0.13-1~deb12u1")
        ])
    );
    assert_eq!(
        q(&["--package", "libssl3", "--version", "<3.0.13-1~deb12u1"]),
        BTreeSet::from([row(&a, "libssl3", "3.0.11-1~deb12u1")])
    );
    assert_eq!(
        q(&[
            "--package",
            "Requests",
            "--type",
            "pypi",
            "--version",
            ">=2.3.0, <2.31.0"
        ]),
        BTreeSet::from([row(&a, "requests", "2.28.1")])
    );
    assert_eq!(
        q(&["--purl", "pkg:pypi/requests@2.31.0"]),
        BTreeSet::from([row(&b, "requests", "2.31.0")])
    );
    assert!(q(&["--package", "log4j"]).is_empty());
    let text = env.run(&[
        "sbom",
        "query",
        "--package",
        "zlib1g",
        "--version",
        ">=1:1.2.13.dfsg-2",
    ]);
    text.assert_success()
        .assert_stdout_contains(&format!("{repo}@{b}  2.0"));
    env.run(&["sbom", "query", "--package", "zlib1g", "--fail-if-found"])
        .assert_code(1);
}

const ADVISORY: &str = r#"{
  "schema_version": "1.6.0", "id": "VIMES-IT-0001", "modified": "2024-06-01T00:00:00Z",
  "affected": [
    {"package": {"ecosystem": "Debian:12", "name": "openssl"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]},
    {"package": {"ecosystem": "Debian:12", "name": "zlib"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.2.13.dfsg-2"}]}]},
    {"package": {"ecosystem": "PyPI", "name": "requests"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]}
  ]
}"#;

/// Matches none of the images: openssl fixed long ago, zlib of another
/// Debian release, requests from a later version on.
const UNRELATED_ADVISORY: &str = r#"{
  "id": "VIMES-IT-0002", "modified": "2024-06-01T00:00:00Z",
  "affected": [
    {"package": {"ecosystem": "Debian:12", "name": "openssl"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1.1n-0+deb11u1"}]}]},
    {"package": {"ecosystem": "Debian:11", "name": "zlib"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]},
    {"package": {"ecosystem": "PyPI", "name": "requests"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.32.0"}]}],
     "versions": ["2.32.0"]}
  ]
}"#;

#[test]
fn osv_advisory_returns_exactly_the_affected_digests() {
    if !bed() {
        return;
    }
    let reg = Registry::plain();
    let mut env = sbom_env(&reg, "");
    env.write(
        "sboms/README",
        "SBOM files of the advisory test; only *.json is indexed",
    );
    let mut digests = std::collections::BTreeMap::new();
    for (which, format) in [
        ('A', "cyclonedx-json"),
        ('B', "spdx-json"),
        ('C', "spdx-json"),
        ('D', "cyclonedx-json"),
    ] {
        let tag = which.to_string();
        digests.insert(
            which,
            push_image(&reg, "osv/app", Some(&tag), &image(which)),
        );
        let reference = format!("{}/osv/app:{tag}", reg.host());
        env.run(&[
            "-q",
            "sbom",
            "--format",
            format,
            "-o",
            &format!("sboms/{tag}.json"),
            &reference,
        ])
        .assert_success();
    }
    env.run(&["sbom", "index", "sboms"]).assert_success();
    env.write("advisory.json", ADVISORY);
    let out = env.run(&[
        "--output",
        "json",
        "sbom",
        "query",
        "--advisory",
        "advisory.json",
    ]);
    out.assert_success();
    let repo = format!("{}/osv/app", reg.host());
    let row = |w: char, p: &str, v: &str| {
        (
            repo.clone(),
            digests[&w].clone(),
            p.to_string(),
            v.to_string(),
        )
    };
    assert_eq!(
        matches(&out),
        BTreeSet::from([
            row('A', "libssl3", "3.0.11-1~deb12u1"),
            row('A', "zlib1g", "1:1.2.13.dfsg-1"),
            row('A', "requests", "2.28.1"),
            row('C', "libssl3", "3.0.13~rc1-1"),
            row('C', "zlib1g", "1.3.dfsg-1"),
            row('C', "requests", "2.31.0rc1"),
        ]),
        "{}",
        out.dump()
    );
    assert_eq!(out.json()["images"], 2);
    env.run(&[
        "sbom",
        "query",
        "--advisory",
        "advisory.json",
        "--fail-if-found",
    ])
    .assert_code(1)
    .assert_stdout_contains("VIMES-IT-0001");
    // An advisory nothing matches: exit 0 even with --fail-if-found.
    env.write("other.json", UNRELATED_ADVISORY);
    let none = env.run(&[
        "--output",
        "json",
        "sbom",
        "query",
        "--advisory",
        "other.json",
        "--fail-if-found",
    ]);
    none.assert_success();
    assert_eq!(none.json()["found"], false);
}

/// A vimes.yaml for `reg` (plain HTTP) with `extra` appended; no keys.
fn plain_env(reg: &Registry, extra: &str) -> TestEnv {
    let mut env = TestEnv::new();
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\n{extra}",
        reg.host()
    ));
    env
}

/// A stand-in for Syft: `version` answers as Syft 1.18.1 does; otherwise
/// `body` runs with $OUT set to the file of `-o FORMAT=FILE`. Returns its path.
fn fake_syft(env: &mut TestEnv, name: &str, body: &str) -> String {
    env.write_executable(
        name,
        &format!(
            "#!/bin/sh\nif [ \"$1\" = version ]; then echo '{{\"application\":\"syft\",\"version\":\"1.18.1\"}}'; exit 0; fi\n\
             for a in \"$@\"; do case \"$a\" in *=*) OUT=\"${{a#*=}}\";; esac; done\n{body}\n"
        ),
    );
    env.bin_dir().join(name).display().to_string()
}

const FIXTURE_CDX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/sbom/syft-1.18.1-debian.cdx.json"
);
const FIXTURE_SPDX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/sbom/syft-1.18.1-debian.spdx.json"
);

#[test]
fn syft_missing_crashing_or_printing_garbage_is_exit_3() {
    if !require_tool("docker-registry") {
        return;
    }
    let reg = Registry::plain();
    push_image(&reg, "app", Some("1"), &image('A'));
    let reference = format!("{}/app:1", reg.host());
    let mut env = TestEnv::new();
    let cases = [
        ("/nonexistent/syft".to_string(), "not found"),
        (
            fake_syft(&mut env, "garbage", "echo 'Segmentation fault' > \"$OUT\""),
            "not JSON",
        ),
        (
            fake_syft(
                &mut env,
                "wrong-format",
                &format!("cp {FIXTURE_SPDX} \"$OUT\""),
            ),
            "asked for cyclonedx-json but wrote spdx-json",
        ),
        (
            fake_syft(
                &mut env,
                "crash",
                "echo 'fatal: out of cheese' >&2; kill -SEGV $$",
            ),
            "killed by a signal",
        ),
        (
            fake_syft(
                &mut env,
                "fails",
                "echo 'could not determine source' >&2; exit 1",
            ),
            "exited with status 1: could not determine source",
        ),
        (fake_syft(&mut env, "silent", "exit 0"), "cannot be read"),
        (
            env.write_executable("bad-version", "#!/bin/sh\necho 'syft 1.18.1'\n")
                .bin_dir()
                .join("bad-version")
                .display()
                .to_string(),
            "printed something unexpected",
        ),
    ];
    for (path, message) in cases {
        let env = plain_env(&reg, &format!("tools:\n  syft:\n    path: \"{path}\"\n"));
        let out = env.run(&["sbom", "-o", "out.json", &reference]);
        out.assert_code(3).assert_stderr_contains(message);
        assert!(
            !env.path("out.json").exists(),
            "{path}: no SBOM file after a failure"
        );
    }
}

#[test]
fn credentials_reach_syft_only_through_its_environment() {
    if !bed() {
        return;
    }
    let reg = Registry::tls_auth("alice", "s3cret-sbom-pw");
    let digest = push_image(&reg, "prod/app", Some("1"), &image('A'));
    let ca = reg.ca_cert_path().unwrap();
    let mut env = TestEnv::new();
    let spy = fake_syft(
        &mut env,
        "spy-syft",
        &format!("printf '%s\\n' \"$@\" > \"$HOME/syft.args\"\nenv | grep '^SYFT_' | sort > \"$HOME/syft.env\"\ncp {FIXTURE_CDX} \"$OUT\""),
    );
    let registry_yaml = format!(
        "version: 1\nregistries:\n  prod:\n    url: \"{}\"\n    type: oci\n    username_env: PROD_USER\n    password_env: PROD_PASSWORD\n    ca_file: \"{}\"\n",
        reg.host(),
        ca.display()
    );
    env.env("PROD_USER", "alice")
        .env("PROD_PASSWORD", "s3cret-sbom-pw");
    env.config_yaml(&format!(
        "{registry_yaml}tools:\n  syft:\n    path: \"{spy}\"\n"
    ));
    let reference = format!("{}/prod/app:1", reg.host());
    env.run(&["sbom", "-o", "out.json", &reference])
        .assert_success();
    let args = env.read("syft.args");
    assert_eq!(
        args.lines().take(3).collect::<Vec<_>>(),
        [
            "scan",
            &format!("registry:{}/prod/app@{digest}", reg.host()),
            "-o"
        ]
    );
    assert!(args.contains("cyclonedx-json="), "{args}");
    assert!(
        !args.contains("s3cret"),
        "no secret on the command line: {args}"
    );
    let vars = env.read("syft.env");
    for expected in [
        format!("SYFT_REGISTRY_AUTH_AUTHORITY={}", reg.host()),
        "SYFT_REGISTRY_AUTH_USERNAME=alice".to_string(),
        "SYFT_REGISTRY_AUTH_PASSWORD=s3cret-sbom-pw".to_string(),
        format!("SYFT_REGISTRY_CA_CERT={}", ca.display()),
        "SYFT_CHECK_FOR_APP_UPDATE=false".to_string(),
    ] {
        assert!(
            vars.lines().any(|l| l == expected),
            "{expected} not in\n{vars}"
        );
    }
    assert!(!vars.contains("INSECURE"), "{vars}");

    // The real Syft gets through TLS and basic auth with exactly that.
    env.config_yaml(&registry_yaml);
    let out = env
        .run(&["--output", "json", "sbom", &reference])
        .assert_success()
        .json();
    assert_eq!(out["packages"], 6);
}

#[test]
fn bad_sboms_advisories_ranges_and_inventories_are_usage_errors() {
    let mut env = TestEnv::new();
    env.run(&["sbom", "query", "--package", "zlib1g"])
        .assert_code(2)
        .assert_stderr_contains("index SBOMs first");
    env.write("good.json", std::fs::read(FIXTURE_CDX).unwrap());
    env.write("not-json.json", "<html>502 Bad Gateway</html>");
    env.write("unknown.json", r#"{"hello": "world"}"#);
    env.write(
        "no-spec.json",
        r#"{"bomFormat": "CycloneDX", "components": []}"#,
    );
    env.write("no-digest.json", r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "x", "version": "1", "purl": "pkg:npm/x@1"}]}"#);
    for (file, message) in [
        ("not-json.json", "not JSON"),
        ("unknown.json", "neither CycloneDX"),
        ("no-spec.json", "without specVersion"),
        ("no-digest.json", "pass --image"),
        ("missing.json", "missing.json"),
    ] {
        env.run(&["sbom", "index", file])
            .assert_code(2)
            .assert_stderr_contains(message);
    }
    let digest = format!("sha256:{}", "ab".repeat(32));
    env.run(&[
        "sbom",
        "index",
        "--image",
        &format!("127.0.0.1:9/x/y@{digest}"),
        "no-digest.json",
    ])
    .assert_success();
    // One bad file among good ones: the good ones are filed, the exit says 2.
    let mixed = env.run(&[
        "--output",
        "json",
        "sbom",
        "index",
        "good.json",
        "not-json.json",
    ]);
    mixed.assert_code(2);
    assert_eq!(mixed.json()["indexed"].as_array().unwrap().len(), 1);
    assert_eq!(mixed.json()["failed"][0]["exit_code"], 2);

    for (advisory, message) in [
        (
            r#"{"id":"X","affected":[{"package":{"ecosystem":"Maven","name":"log4j"}}]}"#,
            "ecosystem \"Maven\" is not supported",
        ),
        (
            r#"{"id":"X","affected":[{"package":{"ecosystem":"PyPI","name":"requests"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"two"}]}]}]}"#,
            "malformed version",
        ),
        ("[]", "not an OSV record"),
    ] {
        env.write("advisory.json", advisory);
        env.run(&["sbom", "query", "--advisory", "advisory.json"])
            .assert_code(2)
            .assert_stderr_contains(message);
    }
    for range in [">=1.0 <2.0", "~>1.2", ">=", "1.0,,2.0", ">=not.a.version"] {
        env.run(&["sbom", "query", "--package", "zlib1g", "--version", range])
            .assert_code(2)
            .assert_stderr_contains("malformed version range");
    }
    env.run(&[
        "sbom",
        "query",
        "--package",
        "x",
        "--type",
        "maven",
        "--version",
        ">=1",
    ])
    .assert_code(2)
    .assert_stderr_contains("cannot compare versions of maven");
    env.run(&["sbom", "query", "--purl", "npm/x@1"])
        .assert_code(2);

    // A corrupt inventory: a clear error that names the fix; --rebuild is the fix.
    let inventory = ".local/share/vimes/inventory.db";
    env.write(inventory, vec![0x42_u8; 16384]);
    for args in [
        &["sbom", "query", "--package", "zlib1g"][..],
        &["sbom", "index", "good.json"],
    ] {
        env.run(args)
            .assert_code(2)
            .assert_stderr_contains("inventory.db")
            .assert_stderr_contains("vimes sbom index --rebuild");
    }
    env.run(&["sbom", "index", "--rebuild", "good.json"])
        .assert_success();
    let q = env.run(&["--output", "json", "sbom", "query", "--package", "zlib1g"]);
    assert_eq!(q.json()["images"], 1);
}

/// Writes a CycloneDX SBOM of at least `bytes` bytes, shaped like Syft's
/// (each component with CPEs and properties); returns its package count.
fn write_big_sbom(path: &std::path::Path, bytes: u64) -> usize {
    use std::io::Write;
    let file = std::fs::File::create(path).unwrap();
    let mut out = std::io::BufWriter::new(file);
    let digest = format!("sha256:{}", "cd".repeat(32));
    write!(out, r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{{"component":{{"type":"container","name":"registry.example/big/app","version":"{digest}"}}}},"components":["#).unwrap();
    let mut written = 0u64;
    let mut count = 0;
    while written < bytes {
        let (name, version) = (
            format!("libbig{count}"),
            format!("1.{}.{}-{}", count % 97, count % 13, count % 7),
        );
        let component = json!({
            "bom-ref": format!("pkg:deb/debian/{name}@{version}?package-id={count:016x}"),
            "type": "library", "name": name, "version": version,
            "cpe": format!("cpe:2.3:a:{name}:{name}:{version}:*:*:*:*:*:*:*"),
            "purl": format!("pkg:deb/debian/{name}@{version}?arch=amd64&distro=debian-12&upstream=big{}", count % 50),
            "properties": (0..8).map(|i| json!({"name": format!("syft:location:{i}:path"), "value": format!("/usr/share/doc/{name}/copyright-{i}")})).collect::<Vec<_>>(),
        })
        .to_string();
        if count > 0 {
            out.write_all(b",").unwrap();
        }
        out.write_all(component.as_bytes()).unwrap();
        written += component.len() as u64 + 1;
        count += 1;
    }
    out.write_all(b"]}").unwrap();
    out.flush().unwrap();
    count
}

/// Peak resident memory (VmHWM, bytes) of `vimes ARGS`, sampled until it exits.
fn peak_rss(env: &TestEnv, args: &[&str]) -> (i32, u64) {
    let mut child = env
        .command(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = peak.max(hwm.unwrap_or(0) * 1024);
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code().unwrap_or(-1), peak);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn a_100_mb_sbom_is_indexed_in_bounded_memory() {
    let env = TestEnv::new();
    let size = 100 * 1024 * 1024;
    let packages = write_big_sbom(&env.path("big.cdx.json"), size);
    let (code, peak) = peak_rss(&env, &["sbom", "index", "big.cdx.json"]);
    assert_eq!(code, 0);
    assert!(peak > 0, "no memory sample");
    assert!(
        peak < 3 * size,
        "peak RSS {} MB for a 100 MB SBOM",
        peak >> 20
    );
    eprintln!(
        "100 MB SBOM ({packages} packages): peak RSS {} MB",
        peak >> 20
    );
    let q = env.run(&[
        "--output",
        "json",
        "sbom",
        "query",
        "--package",
        "big7",
        "--version",
        ">=1.0",
    ]);
    // Every 50th package has source big7 (write_big_sbom's upstream qualifier).
    let expected = (0..packages).filter(|c| c % 50 == 7).count();
    assert_eq!(q.json()["matches"].as_array().unwrap().len(), expected);
}
