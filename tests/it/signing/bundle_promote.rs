//! `vimes promote` with `signing.format: bundle`: the sign and attest steps
//! write Sigstore bundles in production, verify reads them before the tag is
//! written, and re-running the promotion duplicates nothing.

use super::PASSWORD;
use crate::cosign_compat::{self as cc, bundle as cb};
use crate::support::trivy::{build_fixture_image, trivy_db_cache};
use crate::support::Registry;
use crate::support::TestBed;

#[test]
fn promote_signs_and_attests_with_bundles() {
    let Some(bed) = TestBed::builder()
        .tool("docker-registry")
        .tool("trivy")
        .tool("buildah")
        .tool("syft")
        .build()
    else {
        return;
    };
    let (staging, production) = (Registry::plain(), Registry::plain());
    let mut env = bed.env;
    env.env("TRIVY_CACHE_DIR", trivy_db_cache().display().to_string());
    env.env("XDG_CACHE_HOME", env.path(".cache").display().to_string());
    env.env("XDG_DATA_HOME", env.path(".data").display().to_string());
    env.env("COSIGN_PASSWORD", PASSWORD);
    env.env("USER", "ci-bot");
    env.config_yaml(&format!(
        "version: 1\nregistries:\n  staging:\n    url: \"{}\"\n    project: staging\n    type: oci\n    insecure: true\n  production:\n    url: \"{}\"\n    project: production\n    type: oci\n    insecure: true\n    immutable: true\npromotion:\n  from: staging\n  to: production\nsigning:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  require_attestations: [cyclonedx, vuln]\n  format: bundle\n",
        staging.host(),
        production.host()
    ));
    env.run(&["key", "generate"]).assert_code(0);
    let digest = build_fixture_image(&staging, "clean", "staging/web", "1.0");
    let out = env.run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    out.assert_code(0);
    let client = production.client();
    assert_eq!(
        client.get_manifest("production/web", "1.0").map(|m| m.2),
        Some(digest.clone())
    );
    assert!(cc::read_attachment(&production, "production/web", &digest, "sig").is_none());
    assert!(cc::read_attachment(&production, "production/web", &digest, "att").is_none());
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
