//! Issue #20 item 11: an attestation vimes signed for one digest, copied by a
//! registry writer under another digest's `.att` tag, must not make the
//! promotion of that other digest believe it is already attested ("0 of 5
//! added", then a verification failure on every attempt). Real registries,
//! Trivy, Syft and buildah, in both signature formats' legacy layout.

use super::promotion_bed;
use crate::cosign_compat as cc;
use crate::support::TestImage;

#[test]
fn a_planted_attestation_for_another_digest_is_not_already_attested() {
    let Some(mut bed) = promotion_bed("")
        .fixture("staging", "clean", "staging/web", "1.0")
        .build()
    else {
        return;
    };
    let first = bed.digest("staging/web:1.0").to_string();
    let (staging, production, env) = (&bed.regs["staging"], &bed.regs["production"], &mut bed.env);
    env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    let second = staging.push(
        "staging/web",
        Some("2.0"),
        &TestImage::random(2011, 1, 1024),
    );
    assert_ne!(first, second);

    // The registry writer's move: the first digest's (validly signed)
    // attestations, under the second digest's tag, in the same repository.
    let client = production.client();
    let (media_type, bytes, _) = client
        .get_manifest("production/web", &crate::support::attestation_tag(&first))
        .expect("the first promotion attested");
    client.push_manifest(
        "production/web",
        &crate::support::attestation_tag(&second),
        &media_type,
        &bytes,
    );

    let out = env.run(&["--yes", "--output", "json", "promote", "web:2.0"]);
    out.assert_code(0);
    let record = out.json();
    let attest = record["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "attest")
        .expect("an attest step");
    assert_eq!(
        attest["detail"],
        "5 of 5 attestations added",
        "{}",
        out.dump()
    );
    assert_eq!(
        client.get_manifest("production/web", "2.0").map(|m| m.2),
        Some(second.clone())
    );
    // The planted layers stay (vimes appends), and count for nothing.
    let (_, manifest) =
        cc::read_attachment(production, "production/web", &second, "att").expect(".att");
    assert_eq!(manifest["layers"].as_array().unwrap().len(), 10);
    let verify = env.run(&[
        "--output",
        "json",
        "verify",
        "--require-attestation",
        "review",
        "--require-attestation",
        "promotion",
        &format!("{}/production/web:2.0", production.host()),
    ]);
    verify.assert_code(0);
    let checks = verify.json()["attestations"].as_array().unwrap().clone();
    assert_eq!(checks.iter().filter(|c| c["valid"] == true).count(), 5);
    assert!(checks
        .iter()
        .filter(|c| c["valid"] == false)
        .all(|c| c["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("subject is not {second}"))));

    // Re-running adds nothing now that real ones are there.
    let again = env.run(&["--yes", "--output", "json", "promote", "web:2.0"]);
    again.assert_code(0);
    assert_eq!(again.json()["unchanged"], true, "{}", again.dump());
}
