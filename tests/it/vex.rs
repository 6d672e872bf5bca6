//! Signed VEX (`policy.vex`): the real Trivy is handed only the statements
//! vimes verified (`--vex FILE`), so a finding is suppressed only by an
//! approver-signed, current statement naming this image; unsigned, tampered,
//! expired, foreign and malformed VEX suppress nothing and are named.

use crate::scan::scan_bed;
use serde_json::{json, Value};

const VEX: &str = "security/app.openvex.json";

fn vex_document(product: &str, expires: &str) -> String {
    serde_json::to_string_pretty(&json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/app-1",
        "author": "secteam@example.com",
        "timestamp": "2026-11-20T09:00:00Z",
        "version": 1,
        "statements": [{
            "vulnerability": {"name": "CVE-2099-0004"},
            "products": [{"@id": product}],
            "status": "not_affected",
            "justification": "vulnerable_code_not_in_execute_path",
            "vimes:expires": expires
        }]
    }))
    .unwrap()
}

fn ignored_reasons(doc: &Value) -> Vec<String> {
    doc["vex"]["ignored"]
        .as_array()
        .unwrap_or_else(|| panic!("no vex.ignored in {}", doc["vex"]))
        .iter()
        .map(|i| i["reason"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn only_an_approver_signed_current_statement_for_this_image_suppresses_a_finding() {
    let Some(mut bed) = scan_bed(&format!("  vex: [{VEX}]\n"))
        .fixture("reg", "unfixed-only", "staging/app", "1")
        .build()
    else {
        return;
    };
    let digest = bed.digests["staging/app:1"].clone();
    let host = bed.regs["reg"].host();
    let here = format!("{host}/staging/app@{digest}");
    let env = &mut bed.env;
    env.write(VEX, vex_document(&here, "2027-01-31"));

    // Unsigned: the unfixed HIGH still blocks, and the output says why.
    let out = env.run(&["--output", "json", "scan", "app:1"]);
    out.assert_code(1);
    let reasons = ignored_reasons(&out.json());
    assert!(
        reasons.iter().any(|r| r.contains("not signed")),
        "{reasons:?}"
    );
    env.run(&["vex", "verify", VEX]).assert_code(1);

    // Signed by the approver: suppressed by Trivy, listed with its signer.
    env.run(&["vex", "sign", "--key", "security/team.key", VEX])
        .assert_code(0);
    env.run(&["vex", "verify", VEX]).assert_code(0);
    let out = env.run(&["--output", "json", "scan", "app:1"]);
    out.assert_code(0);
    let doc = out.json();
    let suppressed = doc["vex"]["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1, "{}", doc["vex"]);
    assert_eq!(suppressed[0]["id"], "CVE-2099-0004");
    assert_eq!(suppressed[0]["package"], "libtiff6");
    assert_eq!(suppressed[0]["status"], "not_affected");
    assert!(suppressed[0]["signed_by"]
        .as_str()
        .unwrap()
        .ends_with("team.pub"));
    let ids: Vec<&str> = doc["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["finding"]["id"]
                .as_str()
                .unwrap_or(f["id"].as_str().unwrap_or(""))
        })
        .collect();
    assert!(!ids.contains(&"CVE-2099-0004"), "{ids:?}");
    let text = env.run(&["scan", "app:1"]);
    text.assert_code(0);
    assert!(
        text.stdout
            .contains("vex CVE-2099-0004: suppressed in libtiff6"),
        "{}",
        text.dump()
    );

    // Expired: suppresses nothing.
    let out = env
        .env("VIMES_TODAY", "2027-02-15")
        .run(&["--output", "json", "scan", "app:1"]);
    out.assert_code(1);
    let reasons = ignored_reasons(&out.json());
    assert!(
        reasons.iter().any(|r| r.contains("expired on 2027-01-31")),
        "{reasons:?}"
    );
    env.env("VIMES_TODAY", "2026-11-29");

    // Tampered after signing (the scope widened): suppresses nothing.
    env.write(
        VEX,
        vex_document(&format!("{host}/staging/*"), "2027-01-31"),
    );
    let out = env.run(&["--output", "json", "scan", "app:1"]);
    out.assert_code(1);
    let reasons = ignored_reasons(&out.json());
    assert!(
        reasons.iter().any(|r| r.contains("does not verify")),
        "{reasons:?}"
    );
    env.run(&["vex", "verify", VEX]).assert_code(1);

    // Signed, but about another image: suppresses nothing, named.
    env.write(
        VEX,
        vex_document(
            &format!("{host}/staging/app@sha256:{}", "0".repeat(64)),
            "2027-01-31",
        ),
    );
    env.run(&["vex", "sign", "--key", "security/team.key", VEX])
        .assert_code(0);
    let out = env.run(&["--output", "json", "scan", "app:1"]);
    out.assert_code(1);
    let reasons = ignored_reasons(&out.json());
    assert!(
        reasons.iter().any(|r| r.contains("names other images")),
        "{reasons:?}"
    );

    // A repository glob in the exceptions syntax, signed: counts.
    env.write(
        VEX,
        vex_document(&format!("{host}/staging/*"), "2027-01-31"),
    );
    env.run(&["vex", "sign", "--key", "security/team.key", VEX])
        .assert_code(0);
    env.run(&["scan", "app:1"]).assert_code(0);

    // Malformed: refused (exit 2), never read as "no suppressions"; and
    // signing refuses what is not OpenVEX.
    env.write(VEX, "{\"@context\": \"https://openvex.dev/ns/v0.2.0\"");
    let out = env.run(&["scan", "app:1"]);
    out.assert_code(2);
    out.assert_stderr_contains("not an OpenVEX document");
    env.run(&["vex", "sign", "--key", "security/team.key", VEX])
        .assert_code(2);
    env.run(&["vex", "verify", VEX]).assert_code(2);
    env.run(&["vex", "verify", "security/missing.openvex.json"])
        .assert_code(2);
}

#[test]
fn an_openvex_attestation_counts_only_when_an_approver_key_signed_it() {
    let Some(mut bed) = scan_bed("  vex_attestations: true\n")
        .fixture("reg", "unfixed-only", "staging/app", "1")
        .signing_key("keys/dev")
        .build()
    else {
        return;
    };
    let digest = bed.digests["staging/app:1"].clone();
    let host = bed.regs["reg"].host();
    let image = format!("{host}/staging/app:1");
    let env = &mut bed.env;
    env.write(
        "app.openvex.json",
        vex_document(&format!("{host}/staging/app@{digest}"), "2027-01-31"),
    );

    // Attested with a developer's key, not an approver's: suppresses nothing.
    env.run(&[
        "attest",
        "--type",
        "openvex",
        "--predicate",
        "app.openvex.json",
        "--key",
        "keys/dev.key",
        &image,
    ])
    .assert_code(0);
    let out = env.run(&["--output", "json", "scan", "--no-cache", "app:1"]);
    out.assert_code(1);
    let reasons = ignored_reasons(&out.json());
    assert!(
        reasons.iter().any(|r| r.contains("suppresses nothing")),
        "the refused attestation is named: {reasons:?}"
    );

    // Attested with the security team's key: Trivy suppresses the finding.
    env.run(&[
        "attest",
        "--type",
        "openvex",
        "--predicate",
        "app.openvex.json",
        "--key",
        "security/team.key",
        &image,
    ])
    .assert_code(0);
    let out = env.run(&["--output", "json", "scan", "app:1"]);
    out.assert_code(0);
    let doc = out.json();
    let suppressed = doc["vex"]["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1, "{}", doc["vex"]);
    assert_eq!(suppressed[0]["id"], "CVE-2099-0004");
    assert!(
        suppressed[0]["source"]
            .as_str()
            .unwrap()
            .starts_with("openvex attestation"),
        "{}",
        doc["vex"]
    );
}
