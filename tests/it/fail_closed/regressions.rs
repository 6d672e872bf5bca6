//! Fail-open cases the matrix found outside the registry code, kept as
//! regression tests: each states the behaviour the security model asks for.

use super::Bed;
use crate::support::{push_image, TestBed, TestImage};

/// A human rejected this digest (`vimes review --reject`); `promote --yes`
/// must not approve it anyway (once, `--yes` recorded a fresh approval over
/// the saved rejection and the image was promoted).
#[test]
fn a_saved_rejection_is_not_overridden_by_yes() {
    let Some(bed) = Bed::get() else {
        return;
    };
    let env = bed.env();
    env.run(&["review", "--reject", "rejected:1"])
        .assert_code(1);
    let out = env.run(&["--yes", "promote", "rejected:1"]);
    let tagged = bed
        .production()
        .client()
        .manifest_exists("production/rejected", "1");
    assert!(
        out.code == 1 && !tagged,
        "a rejected digest was promoted (tag written: {tagged})\n{}",
        out.dump()
    );
    out.assert_stderr_contains("rejected");
}

/// `VIMES_TODAY` overrides the clock for audits; a malformed value must be an
/// error, not silently replaced by the real date (an audit of "2027/02/01"
/// would otherwise apply an exception that expired on 2027-01-31).
#[test]
fn a_malformed_vimes_today_is_an_error() {
    let Some(bed) = Bed::get() else {
        return;
    };
    let mut env = bed.env();
    env.env("VIMES_TODAY", "2027/02/01");
    let out = env.run(&["scan", "tiff:1"]);
    assert_eq!(out.code, 2, "{}", out.dump());
    out.assert_stderr_contains("VIMES_TODAY");
}

/// Issue #20 item 9: `VIMES_TODAY` can bring an expired exception back to
/// life in a real promotion, so whatever is decided under it says so: a
/// warning on stderr, `today_overridden` in the JSON output, the audit log,
/// and the signed vuln and promotion attestations.
#[test]
fn vimes_today_is_named_in_output_audit_and_evidence() {
    let Some(bed) = Bed::get() else {
        return;
    };
    let mut env = bed.env();
    let today = "2026-11-29";
    env.env("VIMES_TODAY", today);
    let out = env.run(&["--output", "json", "scan", "tiff:1"]);
    out.assert_code(0);
    let overridden = out.json();
    assert_eq!(overridden["today_overridden"], today, "{}", out.dump());
    out.assert_stderr_contains(&format!("VIMES_TODAY={today}"));
    let out = env.run(&["--output", "json", "exceptions", "list"]);
    assert_eq!(out.json()["today_overridden"], today, "{}", out.dump());

    let digest = push_image(
        bed.staging(),
        "staging/today",
        Some("1"),
        &TestImage::random(9209, 1, 1024),
    );
    let out = env.run(&["--yes", "--output", "json", "promote", "today:1"]);
    out.assert_code(0);
    out.assert_stderr_contains(&format!("VIMES_TODAY={today}"));
    assert_eq!(out.json()["today_overridden"], today, "{}", out.dump());
    let audit = std::fs::read_to_string(env.path(".data/vimes/audit.log")).unwrap();
    assert!(
        audit.contains(&format!("\"today_overridden\":\"{today}\"")),
        "{audit}"
    );
    let predicates = attested_predicates(bed, "production/today", &digest);
    let of = |t: &str| {
        predicates
            .iter()
            .find(|(p, _)| p == t)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {t} attestation"))
    };
    assert_eq!(
        of("https://vimes.dev/attestation/promotion/v1")["today_overridden"],
        today
    );
    // cosign's vuln spec: `invocation.parameters` is an array of strings.
    let parameters =
        of("https://cosign.sigstore.dev/attestation/vuln/v1")["invocation"]["parameters"].clone();
    assert!(
        parameters
            .as_array()
            .is_some_and(|p| p.contains(&format!("VIMES_TODAY={today}").into())),
        "{parameters}"
    );

    // Without it: no warning, no field (the real date decides).
    env.unset_env("VIMES_TODAY");
    let out = env.run(&["--output", "json", "scan", "tiff:1"]);
    // Exactly the keys of the overridden scan document but that one: a
    // renamed field would not pass for an absent one.
    let keys = |d: &serde_json::Value| {
        d.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
    };
    let mut expected = keys(&overridden);
    assert!(expected.remove("today_overridden"));
    assert_eq!(keys(&out.json()), expected, "{}", out.dump());
    assert!(!out.stderr.contains("VIMES_TODAY"), "{}", out.dump());
}

/// (predicate type, predicate) of every attestation of `repo@digest` in production.
fn attested_predicates(bed: &Bed, repo: &str, digest: &str) -> Vec<(String, serde_json::Value)> {
    use base64::Engine as _;
    let client = bed.production().client();
    let (_, bytes, _) = client
        .get_manifest(repo, &crate::support::attestation_tag(digest))
        .expect(".att manifest");
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|layer| {
            let envelope: serde_json::Value = serde_json::from_slice(
                &client
                    .get_blob(repo, layer["digest"].as_str().unwrap())
                    .unwrap(),
            )
            .unwrap();
            let statement: serde_json::Value = serde_json::from_slice(
                &base64::engine::general_purpose::STANDARD
                    .decode(envelope["payload"].as_str().unwrap())
                    .unwrap(),
            )
            .unwrap();
            (
                statement["predicateType"].as_str().unwrap().to_string(),
                statement["predicate"].clone(),
            )
        })
        .collect()
}

/// Issue #20 item 16: a withdrawn exception must stay withdrawn. The older
/// file and its `.sig` are still validly signed; its lower `serial` is what
/// gives it away once vimes has seen the newer one.
#[test]
fn an_older_signed_exceptions_file_restored_after_a_withdrawal_is_refused() {
    let Some(bed) = Bed::get() else {
        return;
    };
    let mut env = bed.env();
    let (file, sig) = ("security/exceptions.yaml", "security/exceptions.yaml.sig");
    let (old, old_sig) = (env.read(file), env.read(sig));
    assert!(
        old.contains("serial: 1"),
        "exceptions add sets a serial: {old}"
    );
    env.run(&["scan", "tiff:1"]).assert_code(0);
    // The security team withdraws the exception.
    env.write(file, "version: 1\nserial: 2\nexceptions: []\n");
    env.run(&["exceptions", "sign", "--key", "security/team.key"])
        .assert_code(0);
    env.run(&["scan", "tiff:1"]).assert_code(1);
    // Someone restores the old pair from git history.
    env.write(file, &old);
    env.write(sig, &old_sig);
    for args in [&["scan", "tiff:1"][..], &["exceptions", "verify"][..]] {
        let out = env.run(args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.dump());
        out.assert_stderr_contains("has serial 1, but a signed version with serial 2 was seen");
    }
}

/// Issue #20 item 16: exceptions run a year at most, dates are strict
/// `YYYY-MM-DD`, and YAML merge keys are refused (exit 2, like any invalid
/// exceptions file).
#[test]
fn exceptions_with_far_expiry_loose_dates_or_merge_keys_are_invalid() {
    let mut env = TestBed::builder().ready().env;
    let add = |expires: &str| {
        env.run(&[
            "exceptions",
            "add",
            "--file",
            "e.yaml",
            "--id",
            "CVE-2099-0004",
            "--reason",
            "r",
            "--approved-by",
            "sec@example.com",
            "--expires",
            expires,
        ])
    };
    let out = add("2099-01-01");
    out.assert_code(2);
    out.assert_stderr_contains("more than 365 days");
    let out = add("2099-+1-+1");
    out.assert_code(2);
    out.assert_stderr_contains("is not a date");
    assert!(!env.path("e.yaml").exists());
    env.write(
        "merged.yaml",
        "version: 1\nexceptions:\n  - &first\n    id: CVE-2099-0004\n    reason: r\n    expires: 2000-01-01\n    approved_by: sec@example.com\n  - <<: *first\n    id: CVE-2099-0005\n",
    );
    let out = env.run(&["exceptions", "list", "--file", "merged.yaml"]);
    out.assert_code(2);
    out.assert_stderr_contains("merged.yaml");
}
