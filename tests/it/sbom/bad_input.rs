//! What goes wrong: Syft missing, crashing or printing garbage (exit 3),
//! credentials only in Syft's environment, bad SBOMs, advisories, ranges and
//! inventories (exit 2), and a 100 MB SBOM in bounded memory.

use super::image;
use crate::support::TestBed;
use crate::support::{Registry, TestEnv};
use serde_json::json;

/// A vimes.yaml for `reg` (plain HTTP) with `extra` appended; no keys.
fn plain_env(reg: &Registry, extra: &str) -> TestEnv {
    TestBed::builder()
        .config_text(&format!(
            "version: 1\nregistries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\n{extra}",
            reg.host()
        ))
        .ready()
        .env
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
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    reg.push("app", Some("1"), &image('A'));
    let reference = format!("{}/app:1", reg.host());
    let mut env = bed.env;
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
        let env = plain_env(reg, &format!("tools:\n  syft:\n    path: \"{path}\"\n"));
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
    let Some(bed) = TestBed::builder()
        .tool("syft")
        .tls_auth_registry("reg", "alice", "s3cret-sbom-pw")
        .build()
    else {
        return;
    };
    let reg = &bed.regs["reg"];
    let digest = reg.push("prod/app", Some("1"), &image('A'));
    let ca = reg.ca_cert_path().unwrap();
    let mut env = bed.env;
    // Syft's HOME is a private directory; the spy writes beside vimes.yaml.
    let seen = env.home().display().to_string();
    let spy = fake_syft(
        &mut env,
        "spy-syft",
        &format!("printf '%s\\n' \"$@\" > {seen}/syft.args\nenv | grep '^SYFT_' | sort > {seen}/syft.env\necho \"$HOME\" > {seen}/syft.home\ncp {FIXTURE_CDX} \"$OUT\""),
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
            "--config"
        ]
    );
    assert!(
        !env.read("syft.home").contains(&seen),
        "Syft's home is its own private directory"
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
    let mut env = TestBed::builder().ready().env;
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
    let env = TestBed::builder().ready().env;
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
