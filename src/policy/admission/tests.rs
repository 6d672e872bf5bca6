//! Tests of `mod.rs`.
use super::kyverno::{kyverno_image_glob, DEFAULT_KYVERNO_VERSION, REKOR_URL};
use super::policy_controller::{policy_controller_image_glob, policy_controller_predicate_type};
use super::*;
use crate::signing::VSA_VERIFIER_ID;
use serde_json::json;

const V13: KyvernoVersion = DEFAULT_KYVERNO_VERSION;
use crate::config::{PromotionConfig, RegistryConfig};

fn registry(url: &str, project: &str) -> RegistryConfig {
    RegistryConfig {
        url: url.into(),
        project: project.into(),
        ..Default::default()
    }
}

fn config(attestations: &[&str]) -> Config {
    let mut config = Config {
        version: 1,
        ..Default::default()
    };
    config
        .registries
        .insert("staging".into(), registry("harbor.example.com", "staging"));
    config.registries.insert(
        "production".into(),
        registry("harbor.example.com:8443", "production"),
    );
    config.promotion = Some(PromotionConfig {
        from: "staging".into(),
        to: "production".into(),
    });
    config.signing.require_attestations = attestations.iter().map(|s| s.to_string()).collect();
    config
}

fn keys(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let pair = crate::signing::keys::generate(b"test password").expect("generate");
            (format!("key{i}.pub"), pair.public_pem)
        })
        .collect()
}

fn lf(pem: &str) -> String {
    pem.replace("\r\n", "\n")
}

fn config_message(err: Error) -> String {
    match err {
        Error::Config(e) => e.message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn admission_glob_is_the_production_registry_and_project() {
    let mut c = config(&[]);
    assert_eq!(
        kyverno_image_glob(&c).unwrap(),
        "harbor.example.com:8443/production/*"
    );
    assert_eq!(
        policy_controller_image_glob(&c).unwrap(),
        "harbor.example.com:8443/production/**"
    );
    // No project: the whole registry.
    c.registries.get_mut("production").unwrap().project = String::new();
    assert_eq!(kyverno_image_glob(&c).unwrap(), "harbor.example.com:8443/*");
    // Stray slashes do not double up.
    c.registries.get_mut("production").unwrap().project = "/prod/".into();
    assert_eq!(
        kyverno_image_glob(&c).unwrap(),
        "harbor.example.com:8443/prod/*"
    );
}

#[test]
fn admission_without_promotion_is_a_config_error_saying_what_is_needed() {
    let mut c = config(&[]);
    c.promotion = None;
    let err = kyverno_policy(&c, &keys(1), V13, Requirement::Configured).unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Usage);
    let message = config_message(err);
    assert!(message.contains("promotion"), "{message}");
    assert!(message.contains("registries"), "{message}");
    let err = policy_controller_policy(&c, &keys(1), Requirement::Configured).unwrap_err();
    assert!(config_message(err).contains("promotion"));
}

#[test]
fn admission_unknown_promotion_target_or_bad_url_is_a_config_error() {
    let mut c = config(&[]);
    c.promotion.as_mut().unwrap().to = "prod".into();
    let message = config_message(production_prefix(&c).unwrap_err());
    assert!(message.contains("\"prod\""), "{message}");
    assert!(message.contains("production, staging"), "{message}");

    let mut c = config(&[]);
    c.registries.get_mut("production").unwrap().url = "https://harbor.example.com".into();
    assert!(config_message(production_prefix(&c).unwrap_err()).contains("host[:port]"));
    c.registries.get_mut("production").unwrap().url = "  ".into();
    assert!(production_prefix(&c).is_err());
}

#[test]
fn admission_policy_controller_glob_refuses_characters_it_cannot_match() {
    let mut c = config(&[]);
    c.registries.get_mut("production").unwrap().project = "prod+x".into();
    assert!(kyverno_image_glob(&c).is_ok());
    assert!(
        config_message(policy_controller_image_glob(&c).unwrap_err()).contains("policy-controller")
    );
}

#[test]
fn admission_needs_a_readable_public_key() {
    let c = config(&[]);
    let message =
        config_message(kyverno_policy(&c, &[], V13, Requirement::Configured).unwrap_err());
    assert!(message.contains("signing.public_keys"), "{message}");
    assert!(policy_controller_policy(&c, &[], Requirement::Configured).is_err());

    let bad = vec![("bad.pub".to_string(), "not a key".to_string())];
    let err = kyverno_policy(&c, &bad, V13, Requirement::Configured).unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Usage);
    assert!(err.to_string().contains("bad.pub"), "{err}");
    assert!(policy_controller_policy(&c, &bad, Requirement::Configured).is_err());
}

#[test]
fn admission_keys_keep_their_bytes_except_crlf_line_ends() {
    let crlf = keys(1);
    let lf_only = vec![("lf.pub".to_string(), lf(&crlf[0].1))];
    for keys in [&crlf, &lf_only] {
        let p = kyverno_policy(&config(&[]), keys, V13, Requirement::Configured).unwrap();
        let pem = p["spec"]["rules"][0]["verifyImages"][0]["attestors"][0]["entries"][0]["keys"]
            ["publicKeys"]
            .as_str()
            .unwrap();
        assert_eq!(pem, lf_only[0].1);
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert!(!pem.contains('\r'));
    }
}

#[test]
fn admission_unknown_attestation_type_is_a_config_error() {
    let c = config(&["cyclonedx", "sbom"]);
    let message =
        config_message(kyverno_policy(&c, &keys(1), V13, Requirement::Configured).unwrap_err());
    assert!(message.contains("\"sbom\""), "{message}");
    assert!(
        message.contains("cyclonedx, spdx, spdxjson, vuln"),
        "{message}"
    );
}

#[test]
fn admission_required_attestations_keep_order_and_drop_duplicates() {
    let c = config(&["vuln", "cyclonedx", "vuln"]);
    assert_eq!(
        required_attestations(&c).unwrap(),
        vec![AttestationType::Vuln, AttestationType::Cyclonedx]
    );
}

#[test]
fn admission_kyverno_policy_signatures_only() {
    let keys = keys(1);
    let p = kyverno_policy(&config(&[]), &keys, V13, Requirement::Configured).unwrap();
    assert_eq!(p["apiVersion"], "kyverno.io/v1");
    assert_eq!(p["kind"], "ClusterPolicy");
    assert_eq!(p["metadata"]["name"], POLICY_NAME);
    assert_eq!(p["metadata"]["labels"][MANAGED_BY.0], "vimes");
    assert!(
        p["metadata"]["annotations"]["policies.kyverno.io/description"]
            .as_str()
            .unwrap()
            .contains("harbor.example.com:8443/production/*")
    );
    let spec = &p["spec"];
    assert_eq!(spec["background"], false);
    // 1.13+: the replacements only, never the deprecated fields beside them.
    for deprecated in [
        "validationFailureAction",
        "webhookTimeoutSeconds",
        "failurePolicy",
    ] {
        assert!(spec.get(deprecated).is_none(), "{deprecated}");
    }
    assert_eq!(spec["webhookConfiguration"]["failurePolicy"], "Fail");
    assert_eq!(spec["webhookConfiguration"]["timeoutSeconds"], 30);
    let rules = spec["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "no attestation rule without requirements");
    let rule = &rules[0];
    assert_eq!(rule["name"], "verify-signatures");
    assert_eq!(
        rule["match"]["any"][0]["resources"]["kinds"],
        json!(["Pod"])
    );
    let verify = &rule["verifyImages"][0];
    assert_eq!(
        verify["imageReferences"],
        json!(["harbor.example.com:8443/production/*"])
    );
    assert_eq!(verify["failureAction"], "Enforce");
    assert_eq!(verify["mutateDigest"], true);
    assert_eq!(verify["verifyDigest"], true);
    assert_eq!(verify["required"], true);
    assert!(verify.get("attestations").is_none());
    let set = &verify["attestors"][0];
    assert_eq!(set["count"], 1);
    let entry = &set["entries"][0]["keys"];
    assert_eq!(entry["publicKeys"], lf(&keys[0].1));
    assert_eq!(entry["rekor"]["ignoreTlog"], true);
    assert_eq!(entry["rekor"]["url"], REKOR_URL);
    assert_eq!(entry["ctlog"]["ignoreSCT"], true);
}

#[test]
fn admission_kyverno_policy_any_key_and_each_required_attestation() {
    let keys = keys(2);
    let p = kyverno_policy(
        &config(&["cyclonedx", "vuln"]),
        &keys,
        V13,
        Requirement::Configured,
    )
    .unwrap();
    let rules = p["spec"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    let signatures = &rules[0]["verifyImages"][0]["attestors"];
    // Two keys in one set with count 1: either key suffices.
    assert_eq!(signatures.as_array().unwrap().len(), 1);
    assert_eq!(signatures[0]["count"], 1);
    let pems: Vec<&str> = signatures[0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["keys"]["publicKeys"].as_str().unwrap())
        .collect();
    assert_eq!(pems, vec![lf(&keys[0].1), lf(&keys[1].1)]);

    assert_eq!(rules[1]["name"], "verify-attestations");
    let verify = &rules[1]["verifyImages"][0];
    assert!(verify.get("attestors").is_none());
    assert_eq!(verify["failureAction"], "Enforce");
    assert_eq!(verify["required"], true);
    let attestations = verify["attestations"].as_array().unwrap();
    assert_eq!(attestations.len(), 2);
    assert_eq!(attestations[0]["type"], "https://cyclonedx.org/bom");
    assert!(attestations[0].get("predicateType").is_none());
    assert!(attestations[0].get("conditions").is_none());
    assert_eq!(&attestations[0]["attestors"], signatures);
    assert_eq!(
        attestations[1]["type"],
        "https://cosign.sigstore.dev/attestation/vuln/v1"
    );
    assert_eq!(&attestations[1]["attestors"], signatures);
    let condition = &attestations[1]["conditions"][0]["all"][0];
    assert_eq!(
        condition["key"],
        "{{ time_since('','{{metadata.scanFinishedOn}}','') }}"
    );
    assert_eq!(condition["operator"], "LessThanOrEquals");
    assert_eq!(condition["value"], "168h");
    assert!(condition["message"]
        .as_str()
        .unwrap()
        .contains("{{metadata.scanFinishedOn}}"));
}

#[test]
fn admission_policy_controller_signature_policy() {
    let keys = keys(2);
    let list = policy_controller_policy(&config(&[]), &keys, Requirement::Configured).unwrap();
    assert_eq!(list["apiVersion"], "v1");
    assert_eq!(list["kind"], "List");
    let items = documents(&list);
    assert_eq!(items.len(), 1);
    let p = items[0];
    assert_eq!(p["apiVersion"], "policy.sigstore.dev/v1beta1");
    assert_eq!(p["kind"], "ClusterImagePolicy");
    assert_eq!(p["metadata"]["name"], POLICY_NAME);
    assert_eq!(
        p["spec"]["images"],
        json!([{ "glob": "harbor.example.com:8443/production/**" }])
    );
    assert_eq!(p["spec"]["mode"], "enforce");
    let authorities = p["spec"]["authorities"].as_array().unwrap();
    assert_eq!(
        authorities.len(),
        2,
        "one authority per key (any one suffices)"
    );
    for (authority, (_, pem)) in authorities.iter().zip(&keys) {
        assert_eq!(authority["key"]["data"], lf(pem));
        assert!(authority.get("ctlog").is_none(), "no tlog for offline keys");
        assert!(authority.get("attestations").is_none());
    }
    assert_ne!(authorities[0]["name"], authorities[1]["name"]);
}

#[test]
fn admission_policy_controller_one_policy_per_required_attestation() {
    let keys = keys(1);
    let list = policy_controller_policy(
        &config(&["cyclonedx", "vuln", "slsaprovenance", "review"]),
        &keys,
        Requirement::Configured,
    )
    .unwrap();
    let items = documents(&list);
    let names: Vec<&str> = items
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "vimes-verify-images",
            "vimes-verify-images-cyclonedx",
            "vimes-verify-images-vuln",
            "vimes-verify-images-slsaprovenance",
            "vimes-verify-images-review",
        ]
    );
    let expected = [
        ("cyclonedx", "https://cyclonedx.org/bom"),
        ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
        ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
        ("review", "https://vimes.dev/attestation/review/v1"),
    ];
    for (p, (name, predicate)) in items[1..].iter().zip(expected) {
        assert_eq!(p["spec"]["mode"], "enforce");
        assert_eq!(p["spec"]["images"], items[0]["spec"]["images"]);
        let authority = &p["spec"]["authorities"][0];
        assert_eq!(authority["key"]["data"], lf(&keys[0].1));
        assert_eq!(
            authority["attestations"],
            json!([{ "name": name, "predicateType": predicate }])
        );
    }
}

#[test]
fn admission_policy_controller_predicate_types_are_full_uris() {
    for kind in AttestationType::ALL {
        let predicate = policy_controller_predicate_type(kind);
        assert_eq!(predicate, kind.uri(), "{kind:?}");
        assert!(predicate.starts_with("https://"), "{kind:?}: {predicate}");
    }
}

#[test]
fn admission_kyverno_fields_follow_the_release() {
    let keys = keys(1);
    let c = config(&["vuln"]);
    for old in ["1.11", "v1.12.3", "1.11.0"] {
        let version = KyvernoVersion::parse(old).unwrap();
        let p = kyverno_policy(&c, &keys, version, Requirement::Configured).unwrap();
        let spec = &p["spec"];
        assert_eq!(spec["validationFailureAction"], "Enforce", "{old}");
        assert_eq!(spec["failurePolicy"], "Fail", "{old}");
        assert_eq!(spec["webhookTimeoutSeconds"], 30, "{old}");
        assert!(spec.get("webhookConfiguration").is_none(), "{old}");
        for rule in spec["rules"].as_array().unwrap() {
            assert!(
                rule["verifyImages"][0].get("failureAction").is_none(),
                "{old}"
            );
        }
    }
    for new in ["1.13", "1.19.0", "2.0"] {
        let p = kyverno_policy(
            &c,
            &keys,
            KyvernoVersion::parse(new).unwrap(),
            Requirement::Configured,
        )
        .unwrap();
        assert!(p["spec"].get("validationFailureAction").is_none(), "{new}");
        for rule in p["spec"]["rules"].as_array().unwrap() {
            assert_eq!(rule["verifyImages"][0]["failureAction"], "Enforce", "{new}");
        }
    }
    for bad in ["1.10", "1", "one.two", "1.13.x", "1.13.0.1", ""] {
        let err = KyvernoVersion::parse(bad).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Usage, "{bad}");
        assert!(err.to_string().contains("--kyverno-version"), "{err}");
    }
    assert_eq!(DEFAULT_KYVERNO_VERSION.to_string(), "1.13");
}

#[test]
fn admission_policies_survive_yaml_rendering() {
    let keys = keys(2);
    let c = config(&["vuln", "spdx"]);
    for value in [
        kyverno_policy(&c, &keys, V13, Requirement::Configured).unwrap(),
        policy_controller_policy(&c, &keys, Requirement::Configured).unwrap(),
    ] {
        let docs = documents(&value);
        let yaml = serde_saphyr::to_string_multiple(&docs).unwrap();
        let back: Vec<Value> = serde_saphyr::from_multiple(&yaml).unwrap();
        let expected: Vec<Value> = docs.into_iter().cloned().collect();
        assert_eq!(back, expected, "{yaml}");
    }
}

#[test]
fn admission_documents_unwraps_lists_only() {
    let single = json!({ "kind": "ClusterPolicy" });
    assert_eq!(documents(&single), vec![&single]);
    let list = json!({ "kind": "List", "items": [{ "a": 1 }, { "b": 2 }] });
    assert_eq!(documents(&list).len(), 2);
}

#[test]
fn admission_require_vsa_needs_only_vimes_passed_summary_in_both_controllers() {
    let c = config(&["cyclonedx", "vuln"]);
    let p = kyverno_policy(&c, &keys(2), V13, Requirement::VsaOnly).unwrap();
    let rules = p["spec"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    let attestations = rules[1]["verifyImages"][0]["attestations"]
        .as_array()
        .unwrap();
    assert_eq!(attestations.len(), 1, "only the VSA: {attestations:?}");
    let vsa = &attestations[0];
    assert_eq!(vsa["type"], "https://slsa.dev/verification_summary/v1");
    let conditions = vsa["conditions"][0]["all"].as_array().unwrap();
    let condition = |key: &str| {
        conditions
            .iter()
            .find(|c| c["key"] == key)
            .unwrap_or_else(|| panic!("{key} in {conditions:?}"))
    };
    assert_eq!(condition("{{ verificationResult }}")["value"], "PASSED");
    assert_eq!(condition("{{ verifier.id }}")["value"], VSA_VERIFIER_ID);
    assert_eq!(vsa["attestors"][0]["entries"].as_array().unwrap().len(), 2);

    let list = policy_controller_policy(&c, &keys(1), Requirement::VsaOnly).unwrap();
    let items = list["items"].as_array().unwrap();
    let names: Vec<&str> = items
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [POLICY_NAME, &format!("{POLICY_NAME}-vsa")]);
    let check = &items[1]["spec"]["authorities"][0]["attestations"][0];
    assert_eq!(check["predicateType"], AttestationType::Vsa.uri());
    assert_eq!(check["policy"]["type"], "cue");
    let cue = check["policy"]["data"].as_str().unwrap();
    assert!(cue.contains("verificationResult: \"PASSED\""), "{cue}");
    assert!(cue.contains(&format!("id: \"{VSA_VERIFIER_ID}\"")), "{cue}");
    // Without --require-vsa the configured types are required, and no VSA.
    let configured = policy_controller_policy(&c, &keys(1), Requirement::Configured).unwrap();
    assert_eq!(configured["items"].as_array().unwrap().len(), 3);
}
