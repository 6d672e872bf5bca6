//! `vimes admission kyverno` against every Kyverno CRD in
//! `../shared/schemas/kyverno/` (unknown fields refused, no deprecated field
//! set) and `vimes admission policy-controller` against policy-controller's
//! CRD, with full predicate-type URIs.

use super::schema::{assert_valid, crd_schema, deprecated_fields, errors, shared_schema};
use crate::support::{TestBed, TestEnv};
use serde_json::Value;

const CONFIG: &str = "version: 1\nregistries:\n  staging:\n    url: harbor.example.com\n    project: staging\n  production:\n    url: \"harbor.example.com:8443\"\n    project: production\npromotion:\n  from: staging\n  to: production\nsigning:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  require_attestations: [cyclonedx, vuln, slsaprovenance, spdx]\n";

fn env() -> TestEnv {
    TestBed::builder()
        .config_text(CONFIG)
        .password("admission test")
        .signing_key("cosign")
        .ready()
        .env
}

fn yaml_documents(stdout: &str) -> Vec<Value> {
    serde_saphyr::from_multiple(stdout).unwrap_or_else(|e| panic!("not YAML: {e}\n{stdout}"))
}

/// The Kyverno releases whose CRDs are in shared/schemas: `(file, "1.13")`.
fn kyverno_crds() -> Vec<(String, String)> {
    let dir = shared_schema("kyverno/SOURCE");
    let dir = dir.parent().expect("schema dir");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("read kyverno schemas")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version = name
                .strip_prefix("clusterpolicies-v")?
                .strip_suffix(".yaml")?
                .rsplit_once('.')?
                .0
                .to_string();
            Some((format!("kyverno/{name}"), version))
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 9,
        "expected the Kyverno CRDs 1.11..1.19, found {out:?}"
    );
    out
}

#[test]
fn kyverno_policy_is_accepted_by_the_crd_of_every_release_it_is_made_for() {
    let env = env();
    for (crd, version) in kyverno_crds() {
        let out = env.run(&["admission", "kyverno", "--kyverno-version", &version]);
        out.assert_code(0);
        let docs = yaml_documents(&out.stdout);
        assert_eq!(docs.len(), 1);
        let schema = crd_schema(&crd, "v1");
        assert_valid(
            &schema,
            &docs[0],
            &format!("the policy for Kyverno {version} ({crd})"),
        );
        let mut deprecated = Vec::new();
        deprecated_fields(&schema, &docs[0], "", &mut deprecated);
        assert!(
            deprecated.is_empty(),
            "Kyverno {version}: deprecated fields set: {deprecated:?}"
        );
        // Enforcing either way: per rule (1.13+) or for the whole policy.
        let spec = &docs[0]["spec"];
        let per_rule = spec["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .all(|r| r["verifyImages"][0]["failureAction"] == "Enforce");
        assert!(
            per_rule || spec["validationFailureAction"] == "Enforce",
            "Kyverno {version}: not enforcing\n{}",
            out.stdout
        );
        let fail = spec["webhookConfiguration"]["failurePolicy"] == "Fail"
            || spec["failurePolicy"] == "Fail";
        assert!(
            fail,
            "Kyverno {version}: webhook failure policy is not Fail"
        );
    }
}

#[test]
fn kyverno_default_release_is_1_13_and_old_releases_get_no_new_fields() {
    let env = env();
    let default = yaml_documents(&env.run(&["admission", "kyverno"]).assert_code(0).stdout);
    let explicit = yaml_documents(
        &env.run(&["admission", "kyverno", "--kyverno-version", "1.13"])
            .assert_code(0)
            .stdout,
    );
    assert_eq!(default, explicit);
    // What vimes printed before (1.13 fields plus deprecated ones) is refused
    // by Kyverno 1.11's CRD; the policy made for 1.11 is not.
    let schema = crd_schema("kyverno/clusterpolicies-v1.11.0.yaml", "v1");
    assert!(
        !errors(&schema, &default[0]).is_empty(),
        "1.13 fields accepted by 1.11"
    );
    let old = yaml_documents(
        &env.run(&["admission", "kyverno", "--kyverno-version", "v1.11.4"])
            .assert_code(0)
            .stdout,
    );
    assert_valid(&schema, &old[0], "the policy for Kyverno 1.11");
    for bad in ["1.10", "latest"] {
        env.run(&["admission", "kyverno", "--kyverno-version", bad])
            .assert_code(2)
            .assert_stderr_contains("--kyverno-version");
    }
}

#[test]
fn policy_controller_policies_match_the_crd_and_use_full_predicate_uris() {
    let env = env();
    let out = env.run(&["admission", "policy-controller"]);
    out.assert_code(0);
    let docs = yaml_documents(&out.stdout);
    assert_eq!(docs.len(), 5, "signature + 4 attestation policies");
    let schema = crd_schema(
        "policy-controller/300-clusterimagepolicy-v0.15.1.yaml",
        "v1beta1",
    );
    let mut predicates = Vec::new();
    for doc in &docs {
        assert_valid(&schema, doc, "a ClusterImagePolicy");
        for authority in doc["spec"]["authorities"].as_array().expect("authorities") {
            if let Some(atts) = authority["attestations"].as_array() {
                for a in atts {
                    predicates.push(
                        a["predicateType"]
                            .as_str()
                            .expect("predicateType")
                            .to_string(),
                    );
                }
            }
        }
    }
    assert_eq!(
        predicates,
        [
            "https://cyclonedx.org/bom",
            "https://cosign.sigstore.dev/attestation/vuln/v1",
            "https://slsa.dev/provenance/v0.2",
            "https://spdx.dev/Document",
        ]
    );
}

/// `--require-vsa` policies are accepted by both controllers' CRDs.
#[test]
fn require_vsa_policies_are_accepted_by_every_crd() {
    let env = env();
    for (crd, version) in kyverno_crds() {
        let out = env.run(&[
            "admission",
            "kyverno",
            "--kyverno-version",
            &version,
            "--require-vsa",
        ]);
        out.assert_code(0);
        let docs = yaml_documents(&out.stdout);
        let schema = crd_schema(&crd, "v1");
        assert_valid(
            &schema,
            &docs[0],
            &format!("--require-vsa for Kyverno {version}"),
        );
    }
    let out = env.run(&["admission", "policy-controller", "--require-vsa"]);
    out.assert_code(0);
    let docs = yaml_documents(&out.stdout);
    assert_eq!(docs.len(), 2, "signature + VSA");
    let schema = crd_schema(
        "policy-controller/300-clusterimagepolicy-v0.15.1.yaml",
        "v1beta1",
    );
    for doc in &docs {
        assert_valid(&schema, doc, "a --require-vsa ClusterImagePolicy");
    }
}
