//! Scan freshness as the generated admission policy judges it (issue #19):
//! Kyverno checks `scanFinishedOn` of every vuln statement it verifies, so a
//! re-scan's attestation replaces this key's older one; and a cached report
//! is reused only while it is recent, so a promotion never attests a scan
//! the policy already refuses.

use super::scan_bed;
use crate::cosign_compat as cc;
use crate::support::dates::unix_seconds;
use crate::support::Registry;
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// The vuln statements in `.att` whose DSSE signature verifies with `pem`.
fn vuln_statements(reg: &Registry, repo: &str, digest: &str, pem: &str) -> Vec<Value> {
    let Some((_, manifest)) = cc::read_attachment(reg, repo, digest, "att") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for layer in manifest["layers"].as_array().unwrap() {
        if layer["annotations"]["predicateType"]
            != "https://cosign.sigstore.dev/attestation/vuln/v1"
        {
            continue;
        }
        let blob = reg
            .client()
            .get_blob(repo, layer["digest"].as_str().unwrap())
            .unwrap();
        let envelope: Value = serde_json::from_slice(&blob).unwrap();
        let payload = cc::unb64(envelope["payload"].as_str().unwrap());
        let message = cc::pae(envelope["payloadType"].as_str().unwrap(), &payload);
        let signed = envelope["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| cc::verifies(pem, &message, &cc::unb64(s["sig"].as_str().unwrap())));
        if signed {
            found.push(serde_json::from_slice(&payload).unwrap());
        }
    }
    found
}

/// The generated Kyverno policy's own scan-age condition, applied as Kyverno
/// applies it: to every verified vuln statement.
fn policy_admits(policy: &Value, statements: &[Value]) -> bool {
    let vuln = policy["spec"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rule| rule["verifyImages"].as_array().unwrap())
        .flat_map(|v| v["attestations"].as_array().cloned().unwrap_or_default())
        .find(|a| a["type"] == "https://cosign.sigstore.dev/attestation/vuln/v1")
        .expect("the policy checks vuln attestations");
    let condition = &vuln["conditions"][0]["all"][0];
    assert_eq!(
        condition["key"],
        "{{ time_since('','{{metadata.scanFinishedOn}}','') }}"
    );
    assert_eq!(condition["operator"], "LessThanOrEquals");
    let hours: i64 = condition["value"]
        .as_str()
        .unwrap()
        .strip_suffix('h')
        .unwrap()
        .parse()
        .unwrap();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    !statements.is_empty()
        && statements.iter().all(|s| {
            let finished = s["predicate"]["metadata"]["scanFinishedOn"]
                .as_str()
                .unwrap();
            now - unix_seconds(finished) <= hours * 3600
        })
}

#[test]
fn a_re_scan_replaces_this_keys_stale_vuln_attestation_and_the_policy_admits() {
    let Some(mut bed) =
        scan_bed("signing:\n  public_keys: [security/team.pub]\n  require_attestations: [vuln]\n")
            .fixture("reg", "clean", "staging/app", "1")
            .build()
    else {
        return;
    };
    let digest = bed.digests["staging/app:1"].clone();
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    env.run(&["key", "generate", "--output-prefix", "other"])
        .assert_code(0);
    // Nine days old, by the key the cluster trusts and by another key.
    let stale = r#"{"invocation":{"parameters":[],"uri":"","event_id":"","builder.id":""},
        "scanner":{"uri":"pkg:github/aquasecurity/trivy@0.59.1","version":"0.59.1",
        "db":{"uri":"","version":""},"result":{}},
        "metadata":{"scanStartedOn":"2026-11-20T00:00:00Z","scanFinishedOn":"2026-11-20T00:00:00Z"}}"#;
    env.write("stale.json", stale);
    for key in ["security/team.key", "other.key"] {
        env.run(&[
            "attest",
            "--type",
            "vuln",
            "--predicate",
            "stale.json",
            "--key",
            key,
            "app:1",
        ])
        .assert_code(0);
    }
    let team = std::fs::read_to_string(env.path("security/team.pub")).unwrap();
    let other = std::fs::read_to_string(env.path("other.pub")).unwrap();
    let policy_out = env.run(&["--output", "json", "admission", "kyverno"]);
    policy_out.assert_code(0);
    let policy: Value = serde_yaml_like(&policy_out.stdout);
    let before = vuln_statements(reg, "staging/app", &digest, &team);
    assert!(
        !policy_admits(&policy, &before),
        "the stale scan is refused"
    );

    let out = env.run(&["scan", "--attach", "--key", "security/team.key", "app:1"]);
    out.assert_code(0);
    let after = vuln_statements(reg, "staging/app", &digest, &team);
    assert_eq!(after.len(), 1, "one vuln statement by this key: {after:?}");
    assert!(policy_admits(&policy, &after), "{after:?}");
    // Another signer's statement is not ours to remove.
    assert_eq!(
        vuln_statements(reg, "staging/app", &digest, &other).len(),
        1
    );
    // A second re-scan still leaves one.
    env.run(&["scan", "--attach", "--key", "security/team.key", "app:1"])
        .assert_code(0);
    assert_eq!(vuln_statements(reg, "staging/app", &digest, &team).len(), 1);
}

/// `admission kyverno` prints YAML or JSON; JSON is valid YAML, and with
/// `--output json` it is JSON.
fn serde_yaml_like(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("policy JSON: {e}\n{text}"))
}

#[test]
fn a_cached_report_older_than_a_day_is_not_reused() {
    let Some(bed) = scan_bed("")
        .fixture("reg", "clean", "staging/app", "1")
        .build()
    else {
        return;
    };
    let env = &bed.env;
    let first = env.run(&["--output", "json", "scan", "app:1"]);
    first.assert_code(0);
    assert_eq!(first.json()["cached"], false);
    let scans = env.path(".cache/vimes/scans");
    let reports: Vec<_> = std::fs::read_dir(&scans)
        .unwrap_or_else(|e| panic!("{}: {e}", scans.display()))
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!reports.is_empty());
    // A report from 23 hours ago is reused...
    let age = |hours: u64| SystemTime::now() - Duration::from_secs(hours * 3600);
    for r in &reports {
        std::fs::File::options()
            .write(true)
            .open(r)
            .unwrap()
            .set_modified(age(23))
            .unwrap();
    }
    let second = env.run(&["--output", "json", "scan", "app:1"]);
    second.assert_code(0);
    assert_eq!(second.json()["cached"], true, "{}", second.dump());
    // ...one from 25 hours ago is not: Trivy runs again.
    for r in &reports {
        std::fs::File::options()
            .write(true)
            .open(r)
            .unwrap()
            .set_modified(age(25))
            .unwrap();
    }
    let third = env.run(&["--output", "json", "scan", "app:1"]);
    third.assert_code(0);
    assert_eq!(third.json()["cached"], false, "{}", third.dump());
}

/// A cached report dated in the future (a clock set back, a planted file)
/// is not trusted as recent: Trivy runs again.
#[test]
fn a_cached_report_from_the_future_is_not_reused() {
    let Some(bed) = scan_bed("")
        .fixture("reg", "clean", "staging/app", "1")
        .build()
    else {
        return;
    };
    let env = &bed.env;
    env.run(&["--output", "json", "scan", "app:1"])
        .assert_code(0);
    let scans = env.path(".cache/vimes/scans");
    for entry in std::fs::read_dir(&scans).unwrap() {
        std::fs::File::options()
            .write(true)
            .open(entry.unwrap().path())
            .unwrap()
            .set_modified(SystemTime::now() + Duration::from_secs(3600))
            .unwrap();
    }
    let again = env.run(&["--output", "json", "scan", "app:1"]);
    again.assert_code(0);
    assert_eq!(again.json()["cached"], false, "{}", again.dump());
}
