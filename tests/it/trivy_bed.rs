//! Self-tests of the Trivy test bed: our own vulnerability DB, the fixture
//! images built with real buildah, and the real Trivy scanning them give
//! exactly the findings the fixtures were designed for. They also keep the
//! captured reports in `fixtures/trivy/` true to what Trivy prints
//! (`VIMES_UPDATE_TRIVY_FIXTURES=1` rewrites them).

use crate::support::TestBed;
use std::fs;

use serde_json::Value;

use crate::support::trivy::{
    build_fixture_image, captured_reports_dir, findings, fresh_cache_dir, run_trivy_raw,
    trivy_db_cache, Finding,
};

/// The stable registry address written into the captured reports.
const CAPTURED_HOST: &str = "127.0.0.1:5000";

/// Set to `1` to rewrite `fixtures/trivy/*.json` from this run.
const UPDATE_ENV: &str = "VIMES_UPDATE_TRIVY_FIXTURES";

/// The expected findings, sorted like [`findings`] sorts.
fn expected(rows: &[[&str; 6]]) -> Vec<Finding> {
    let mut rows: Vec<Finding> = rows
        .iter()
        .map(|[id, pkg, sev, fixed, status, source]| {
            Finding::new(id, pkg, sev, fixed, status, source)
        })
        .collect();
    rows.sort();
    rows
}

/// A bed with fixture image `name` built and pushed as
/// `vimes-fixtures/NAME:1` to the registry `reg`.
fn fixture_bed(name: &str) -> Option<TestBed> {
    TestBed::builder()
        .tool("trivy")
        .registry("reg")
        .fixture("reg", name, &format!("vimes-fixtures/{name}"), "1")
        .build()
}

/// Scans fixture image `name` of `bed` (see [`fixture_bed`]) with the real
/// Trivy, and returns its report. Also checks it against the captured one.
fn scan_fixture(bed: &TestBed, name: &str) -> Value {
    let registry = bed.reg("reg");
    let repo = format!("vimes-fixtures/{name}");
    let digest = bed.digest(&format!("{repo}:1"));
    let image_ref = format!("{}/{repo}:1", registry.host());
    let raw = run_trivy_raw(&fresh_cache_dir(), &image_ref, &[], &[]);
    let report: Value = serde_json::from_str(&raw)
        .unwrap_or_else(|e| panic!("trivy printed no JSON report: {e}\n{raw}"));

    assert_eq!(report["SchemaVersion"], 2);
    assert_eq!(report["ArtifactName"], image_ref.as_str());
    assert_eq!(report["ArtifactType"], "container_image");
    assert_eq!(report["Metadata"]["OS"]["Family"], "debian");
    assert_eq!(report["Metadata"]["OS"]["Name"], "12.2");
    assert_eq!(
        report["Metadata"]["RepoDigests"][0],
        format!("{}/{repo}@{digest}", registry.host()).as_str(),
        "Trivy scanned another manifest than buildah pushed"
    );
    let stable = raw.replace(&registry.host(), CAPTURED_HOST);
    check_captured(name, &stable);
    report
}

/// What of a report must not change between runs and machines: all but the
/// report time and what hashes the image bytes (digests, the image config).
fn stable_part(report: &Value) -> Value {
    let mut v = report.clone();
    let obj = v.as_object_mut().expect("the report is a JSON object");
    obj.remove("CreatedAt");
    let os = report["Metadata"]["OS"].clone();
    let tags = report["Metadata"]["RepoTags"].clone();
    obj.insert(
        "Metadata".to_string(),
        serde_json::json!({ "OS": os, "RepoTags": tags }),
    );
    if let Some(results) = v["Results"].as_array_mut() {
        for result in results {
            if let Some(vulns) = result["Vulnerabilities"].as_array_mut() {
                for vuln in vulns {
                    vuln.as_object_mut()
                        .expect("a vulnerability is a JSON object")
                        .remove("Layer");
                }
            }
        }
    }
    v
}

/// Compares a fresh report with `fixtures/trivy/<name>.json` (rewrites it
/// when `VIMES_UPDATE_TRIVY_FIXTURES=1`).
fn check_captured(name: &str, stable_text: &str) {
    let path = captured_reports_dir().join(format!("{name}.json"));
    if std::env::var(UPDATE_ENV).as_deref() == Ok("1") {
        // Keep the file (and its CreatedAt) when nothing else changed.
        let without_time = |text: &str| {
            serde_json::from_str::<Value>(text).ok().map(|mut v| {
                v.as_object_mut().map(|o| o.remove("CreatedAt"));
                v
            })
        };
        if let Ok(old) = fs::read_to_string(&path) {
            if without_time(&old).is_some() && without_time(&old) == without_time(stable_text) {
                eprintln!("trivy bed: {} is up to date", path.display());
                return;
            }
        }
        fs::create_dir_all(captured_reports_dir()).expect("create fixtures/trivy");
        fs::write(&path, stable_text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        eprintln!("trivy bed: rewrote {}", path.display());
        return;
    }
    let captured = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "read {}: {e} (make it with {UPDATE_ENV}=1 cargo test --test it trivy_bed)",
            path.display()
        )
    });
    let captured: Value = serde_json::from_str(&captured)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let fresh: Value = serde_json::from_str(stable_text).expect("fresh report is JSON");
    if let Some(diff) = first_difference(&stable_part(&captured), &stable_part(&fresh), "") {
        panic!(
            "real Trivy no longer reports what {} holds ({diff}): rerun with {UPDATE_ENV}=1 \
             (and tell whoever parses it)",
            path.display()
        );
    }
}

/// Where two JSON values first differ, as `path: captured X, fresh Y`.
fn first_difference(captured: &Value, fresh: &Value, path: &str) -> Option<String> {
    match (captured, fresh) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                let (x, y) = (
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                );
                first_difference(x, y, &format!("{path}.{k}"))
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]"))),
        _ if captured == fresh => None,
        _ => Some(format!("{path}: captured {captured}, fresh {fresh}")),
    }
}

#[test]
fn db_is_built_with_trivy_metadata() {
    let Some(_bed) = TestBed::builder().tool("trivy").build() else {
        return;
    };
    let cache = trivy_db_cache();
    assert!(cache.join("db/trivy.db").is_file());
    let meta: Value = serde_json::from_slice(
        &fs::read(cache.join("db/metadata.json")).expect("read metadata.json"),
    )
    .expect("metadata.json is JSON");
    assert_eq!(meta["Version"], 2);
    assert_eq!(meta["UpdatedAt"], "2026-11-01T00:00:00Z");
    for key in ["NextUpdate", "DownloadedAt"] {
        assert!(
            meta[key].as_str().is_some_and(|s| s.ends_with('Z')),
            "{key} is no RFC 3339 UTC time: {meta}"
        );
    }
    // Each fresh cache is a separate copy.
    let (a, b) = (fresh_cache_dir(), fresh_cache_dir());
    assert_ne!(a, b);
    assert!(a.join("db/trivy.db").is_file() && b.join("db/metadata.json").is_file());
}

#[test]
fn vulnerable_image_reports_exactly_the_designed_findings() {
    let Some(bed) = fixture_bed("vulnerable") else {
        return;
    };
    let report = scan_fixture(&bed, "vulnerable");
    assert_eq!(
        findings(&report),
        expected(&[
            [
                "CVE-2099-0001",
                "libssl3",
                "CRITICAL",
                "3.0.11-1~deb12u2",
                "fixed",
                "debian"
            ],
            [
                "CVE-2099-0002",
                "zlib1g",
                "HIGH",
                "1:1.2.13.dfsg-1+deb12u1",
                "fixed",
                "debian"
            ],
            // Debian says LOW, NVD says HIGH: the data source's vendor wins.
            [
                "CVE-2099-0003",
                "libc6",
                "LOW",
                "2.36-9+deb12u4",
                "fixed",
                "debian"
            ],
            // No fix: no FixedVersion, status "affected", NVD severity.
            ["CVE-2099-0004", "libtiff6", "HIGH", "", "affected", "nvd"],
            [
                "CVE-2099-0005",
                "requests",
                "MEDIUM",
                "2.31.0",
                "fixed",
                "ghsa"
            ],
        ]),
        "findings of the vulnerable image"
    );
    let text = report.to_string();
    for decoy in [
        "CVE-2099-0090",
        "CVE-2099-0091",
        "CVE-2099-0092",
        "CVE-2099-0093",
    ] {
        assert!(!text.contains(decoy), "decoy {decoy} was reported");
    }

    // The shapes parsers rely on.
    let results = report["Results"].as_array().expect("Results");
    assert_eq!(results.len(), 2, "one OS result and one Python result");
    assert_eq!(results[0]["Class"], "os-pkgs");
    assert_eq!(results[0]["Type"], "debian");
    assert!(results[0]["Target"]
        .as_str()
        .is_some_and(|t| t.ends_with(" (debian 12.2)")));
    assert_eq!(results[1]["Class"], "lang-pkgs");
    assert_eq!(results[1]["Type"], "python-pkg");
    assert_eq!(results[1]["Target"], "Python");
    let zlib = results[0]["Vulnerabilities"]
        .as_array()
        .expect("OS vulnerabilities")
        .iter()
        .find(|v| v["PkgName"] == "zlib1g")
        .expect("zlib1g finding");
    assert_eq!(zlib["InstalledVersion"], "1:1.2.13.dfsg-1");
    assert_eq!(
        zlib["PkgIdentifier"]["PURL"],
        "pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.2&epoch=1"
    );
    let tiff = results[0]["Vulnerabilities"]
        .as_array()
        .expect("OS vulnerabilities")
        .iter()
        .find(|v| v["PkgName"] == "libtiff6")
        .expect("libtiff6 finding");
    assert!(
        tiff.get("FixedVersion").is_none(),
        "an unfixed finding has no FixedVersion key: {tiff}"
    );
    let requests = &results[1]["Vulnerabilities"][0];
    assert_eq!(requests["InstalledVersion"], "2.28.1");
    assert_eq!(
        requests["PkgIdentifier"]["PURL"],
        "pkg:pypi/requests@2.28.1"
    );
}

#[test]
fn clean_image_reports_nothing() {
    let Some(bed) = fixture_bed("clean") else {
        return;
    };
    let report = scan_fixture(&bed, "clean");
    assert_eq!(
        findings(&report),
        expected(&[]),
        "findings of the clean image"
    );
    let results = report["Results"].as_array().expect("Results");
    assert_eq!(results.len(), 2, "both targets are listed even when clean");
    for result in results {
        assert!(
            result.get("Vulnerabilities").is_none(),
            "a clean result has no Vulnerabilities key: {result}"
        );
    }
}

#[test]
fn unfixed_only_image_reports_the_unfixed_high_and_the_low() {
    let Some(bed) = fixture_bed("unfixed-only") else {
        return;
    };
    let report = scan_fixture(&bed, "unfixed-only");
    assert_eq!(
        findings(&report),
        expected(&[
            [
                "CVE-2099-0003",
                "libc6",
                "LOW",
                "2.36-9+deb12u4",
                "fixed",
                "debian"
            ],
            ["CVE-2099-0004", "libtiff6", "HIGH", "", "affected", "nvd"],
        ]),
        "findings of the unfixed-only image"
    );
    let results = report["Results"].as_array().expect("Results");
    assert_eq!(results.len(), 1, "no Python packages, no Python result");
}

#[test]
fn fixture_builds_are_reproducible_and_reach_tls_auth_registries() {
    let Some(bed) = TestBed::builder()
        .tool("trivy")
        .tool("buildah")
        .tool("openssl")
        .tool("htpasswd")
        .registry("plain")
        .tls_auth_registry("secure", "bed-user", "bed-password")
        .build()
    else {
        return;
    };
    let plain = &bed.regs["plain"];
    let secure = &bed.regs["secure"];
    let a = build_fixture_image(plain, "unfixed-only", "bed/a", "1");
    let b = build_fixture_image(plain, "unfixed-only", "bed/b", "2");
    let c = build_fixture_image(secure, "unfixed-only", "bed/c", "3");
    assert_eq!(a, b, "--timestamp 0 builds give one digest");
    assert_eq!(a, c, "the TLS registry got the same manifest");

    // Trivy through TLS and Basic auth (run_trivy_raw passes --insecure, so the
    // CA in SSL_CERT_FILE is not what makes this pass).
    let ca = secure.ca_cert_path().expect("CA of the TLS registry");
    let ca = ca.to_string_lossy();
    let (user, password) = secure.credentials().expect("credentials");
    let image_ref = format!("{}/bed/c:3", secure.host());
    let raw = run_trivy_raw(
        &fresh_cache_dir(),
        &image_ref,
        &[],
        &[
            ("SSL_CERT_FILE", &ca),
            ("TRIVY_USERNAME", &user),
            ("TRIVY_PASSWORD", &password),
        ],
    );
    let report: Value = serde_json::from_str(&raw).expect("trivy JSON");
    assert_eq!(
        report["Metadata"]["RepoDigests"][0],
        format!("{}/bed/c@{c}", secure.host()).as_str()
    );
    assert_eq!(findings(&report).len(), 2);
}
