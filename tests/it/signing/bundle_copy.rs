//! `vimes copy` carries Sigstore-bundle referrers (for the index and each
//! platform manifest) to another registry, through its referrers API or its
//! fallback index, never dropping what the destination lists already.

use super::PASSWORD;
use crate::cosign_compat::bundle::{self as cb, SIGN_PREDICATE};
use crate::cosign_compat::ForeignKey;
use crate::support::TestBed;
use crate::support::{registry_entry, TestImage};
use serde_json::json;

#[test]
fn bundle_referrers_survive_a_copy_and_verify_there_for_an_index_too() {
    let amd = TestImage::random_platform(71, "linux", "amd64", 1, 512);
    let arm = TestImage::random_platform(72, "linux", "arm64", 1, 512);
    let foreign = ForeignKey::from_seed(51);
    let Some(bed) = TestBed::builder()
        .registries(["a", "b"])
        .harbor()
        .password(PASSWORD)
        .signing_key("cosign")
        .config(|e| {
            format!(
                "version: 1\nregistries:\n{}{}{}signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  format: bundle\n",
                registry_entry("a", &e.host("a"), false, ""),
                registry_entry("b", &e.host("b"), false, ""),
                registry_entry("h", &e.harbor().host(), false, ""),
            )
        })
        .file("foreign.pub", foreign.public_pem())
        .index(
            "a",
            "staging/multi",
            Some("1"),
            vec![("linux", "amd64", amd.clone()), ("linux", "arm64", arm.clone())],
        )
        .build()
    else {
        return;
    };
    let index = bed.digest("staging/multi:1").to_string();
    let TestBed {
        env, regs, harbor, ..
    } = bed;
    let (a, b, fake) = (
        &regs["a"],
        &regs["b"],
        harbor.as_ref().expect("the Harbor fake"),
    );
    fake.create_project("staging");
    let at = |host: String| format!("{host}/staging/multi");

    // vimes signs the index; cosign (here: the test) signed the amd64 manifest.
    env.run(&["sign", &format!("{}:1", at(a.host()))])
        .assert_code(0);
    cb::push_bundle(
        &a.client(),
        "staging/multi",
        &amd.digest,
        &amd.media_type,
        amd.manifest.len(),
        &cb::bundle(&foreign, &cb::sign_statement(&amd.digest, json!({}))),
        SIGN_PREDICATE,
        true,
    );

    let copy = |to: String| {
        let out = env.run(&[
            "--output",
            "json",
            "copy",
            &format!("{}:1", at(a.host())),
            &format!("{}:1", to),
        ]);
        out.assert_code(0);
        out.json()
    };
    let report = copy(at(b.host()));
    assert_eq!(report["referrers"].as_array().unwrap().len(), 2, "{report}");
    let bc = b.client();
    let on_b = cb::read_bundles(&bc, "staging/multi", &index);
    assert_eq!(on_b.len(), 1);
    assert!(on_b[0].verifies_with(&env.read("cosign.pub")));
    let amd_on_b = cb::read_bundles(&bc, "staging/multi", &amd.digest);
    assert_eq!(amd_on_b.len(), 1);
    assert!(amd_on_b[0].verifies_with(&foreign.public_pem()));

    // cosign's bundle names no repository: it verifies on b as it was.
    env.run(&[
        "verify",
        "--key",
        "foreign.pub",
        &format!("{}@{}", at(b.host()), amd.digest),
    ])
    .assert_code(0);
    // vimes binds the repository (host included), as the legacy payload does:
    // a's signature does not count on b until b's is added.
    let out = env.run(&["--output", "json", "verify", &format!("{}:1", at(b.host()))]);
    out.assert_code(1);
    assert!(out.json()["signatures"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("repository"));
    env.run(&["sign", &format!("{}:1", at(b.host()))])
        .assert_code(0);
    env.run(&["verify", &format!("{}:1", at(b.host()))])
        .assert_code(0);

    // A new signature at a, copied again: b keeps its own entry as well.
    env.run(&["key", "generate", "--output-prefix", "second"])
        .assert_code(0);
    env.run(&[
        "sign",
        "--key",
        "second.key",
        &format!("{}:1", at(a.host())),
    ])
    .assert_code(0);
    let report = copy(at(b.host()));
    assert_eq!(report["referrers"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(cb::referrers(&bc, "staging/multi", &index).1.len(), 3);
    let report = copy(at(b.host()));
    assert_eq!(report["unchanged"], true, "{report}");
    assert!(report["referrers"].as_array().unwrap().is_empty());

    // Into a registry with the referrers API: pushed with their subject, no tag.
    let report = copy(at(fake.host()));
    assert_eq!(report["referrers"].as_array().unwrap().len(), 3, "{report}");
    let hc = fake.client();
    let listed = hc.referrers_api("staging/multi", &index).expect("API");
    assert_eq!(listed["manifests"].as_array().unwrap().len(), 2);
    assert!(hc.referrers_api("staging/multi", &amd.digest).is_some());
    let tag = index.replacen(':', "-", 1);
    assert!(!fake
        .backend()
        .client()
        .manifest_exists("staging/multi", &tag));
    env.run(&[
        "verify",
        "--key",
        "foreign.pub",
        &format!("{}@{}", at(fake.host()), amd.digest),
    ])
    .assert_code(0);
}

#[test]
fn concurrent_signers_all_stay_in_the_fallback_index() {
    let Some(bed) = TestBed::builder().registry("reg").build() else {
        return;
    };
    let reg = &bed.regs["reg"];
    let image = TestImage::random(73, 1, 512);
    let digest = reg.push("prod/app", Some("1"), &image);
    let env = super::bundle::bundle_env(&reg.host());
    let names = ["k1", "k2", "k3", "k4"];
    for name in names {
        env.run(&["key", "generate", "--output-prefix", name])
            .assert_code(0);
    }
    let reference = format!("{}/prod/app:1", reg.host());
    std::thread::scope(|s| {
        for name in names {
            let (env, reference) = (&env, &reference);
            s.spawn(move || {
                env.run(&["sign", "--key", &format!("{name}.key"), reference])
                    .assert_code(0);
            });
        }
    });
    let stored = cb::read_bundles(&reg.client(), "prod/app", &digest);
    assert_eq!(stored.len(), names.len(), "no signer's entry was lost");
    for name in names {
        assert!(stored
            .iter()
            .any(|s| s.verifies_with(&env.read(&format!("{name}.pub")))));
    }
}
