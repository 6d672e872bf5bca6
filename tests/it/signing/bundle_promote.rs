//! `vimes promote` with `signing.format: bundle`: the sign and attest steps
//! write Sigstore bundles in production, verify reads them before the tag is
//! written, and re-running the promotion duplicates nothing.

use super::promotion_bed;
use crate::cosign_compat::{self as cc, bundle as cb};

#[test]
fn promote_signs_and_attests_with_bundles() {
    let Some(mut bed) = promotion_bed("  format: bundle\n")
        .fixture("staging", "clean", "staging/web", "1.0")
        .build()
    else {
        return;
    };
    let digest = bed.digest("staging/web:1.0").to_string();
    let (production, env) = (&bed.regs["production"], &mut bed.env);
    let out = env.run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    out.assert_code(0);
    let client = production.client();
    assert_eq!(
        client.get_manifest("production/web", "1.0").map(|m| m.2),
        Some(digest.clone())
    );
    assert!(cc::read_attachment(production, "production/web", &digest, "sig").is_none());
    assert!(cc::read_attachment(production, "production/web", &digest, "att").is_none());
    let types = |client| {
        let mut t: Vec<String> = cb::read_bundles(client, "production/web", &digest)
            .iter()
            .map(|s| {
                assert!(s.verifies_with(&env.read("cosign.pub")));
                s.statement["predicateType"].as_str().unwrap().to_string()
            })
            .collect();
        t.sort();
        t
    };
    let expected = vec![
        "https://cosign.sigstore.dev/attestation/vuln/v1".to_string(),
        "https://cyclonedx.org/bom".to_string(),
        cb::SIGN_PREDICATE.to_string(),
        "https://slsa.dev/verification_summary/v1".to_string(),
        "https://vimes.dev/attestation/promotion/v1".to_string(),
        "https://vimes.dev/attestation/review/v1".to_string(),
    ];
    assert_eq!(types(&client), expected);
    let prod_ref = format!("{}/production/web:1.0", production.host());
    env.run(&["verify", "--require-attestation", "promotion", &prod_ref])
        .assert_code(0);

    let again = env.run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    again.assert_code(0);
    assert_eq!(types(&client), expected, "nothing duplicated");
}
