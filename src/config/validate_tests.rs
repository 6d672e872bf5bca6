//! Each validation rule on small vimes.yaml texts: the message and its position.
use super::*;

fn check(text: &str) -> Result<Config, String> {
    let lookup = |_: &str| Ok(None);
    let (config, source) =
        super::super::parse::parse(text, "vimes.yaml", &lookup).map_err(|e| e.to_string())?;
    validate(&config, &source).map_err(|e| e.to_string())?;
    Ok(config)
}

const BASE: &str = "version: 1\nregistries:\n  staging:\n    url: harbor.example.com\n    project: staging\n  production:\n    url: harbor.example.com:8443\n    project: prod/x\n";

#[test]
fn a_good_file_passes() {
    let text = format!("{BASE}promotion:\n  from: staging\n  to: production\n");
    let config = check(&text).unwrap();
    assert_eq!(config.registries.len(), 2);
}

#[test]
fn tool_pins_are_sha256_hex() {
    let good = "a".repeat(64);
    check(&format!(
        "{BASE}tools:\n  trivy: {{path: trivy, sha256: {good}}}\n  builder_sha256: \"{good}\"\n"
    ))
    .unwrap();
    let e = check(&format!(
        "{BASE}tools:\n  syft: {{path: syft, sha256: \"sha256:{good}\"}}\n"
    ))
    .unwrap_err();
    assert!(e.contains("tools.syft.sha256 \"sha256:"), "{e}");
    assert!(e.contains("64 lowercase hex digits"), "{e}");
    let upper = "A".repeat(64);
    let e = check(&format!("{BASE}tools:\n  builder_sha256: \"{upper}\"\n")).unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:10:19: tools.builder_sha256"),
        "{e}"
    );
}

#[test]
fn pkcs11_key_uris_are_checked_and_a_pin_in_them_refused() {
    let ok = check(
        "version: 1\nsigning:\n  key: 'pkcs11:token=release;object=signing?module-path=/m.so'\ntools:\n  pkcs11: {module: /usr/lib/softhsm/libsofthsm2.so}\n",
    )
    .unwrap();
    assert_eq!(
        ok.tools.pkcs11.module.as_deref(),
        Some("/usr/lib/softhsm/libsofthsm2.so")
    );
    let e = check("version: 1\nsigning:\n  key: 'pkcs11:token=t;object=o?pin-value=hunter2'\n")
        .unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:3:8: signing.key: the PKCS#11 URI carries pin-value"),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");
    let e = check("version: 1\nsigning:\n  key: 'pkcs11:tokn=t'\n").unwrap_err();
    assert!(e.contains("unknown attribute \"tokn\""), "{e}");
    let e = check("version: 1\ntools:\n  pkcs11: {module: ''}\n").unwrap_err();
    assert!(e.contains("tools.pkcs11.module is empty"), "{e}");
}

#[test]
fn a_syft_server_is_refused_not_ignored() {
    let e = check(&format!(
        "{BASE}tools:\n  syft:\n    path: syft\n    server: http://syft:8080\n"
    ))
    .unwrap_err();
    assert!(e.starts_with("vimes.yaml:12:13: tools.syft.server"), "{e}");
    assert!(e.contains("no client/server mode"), "{e}");
    check(&format!(
        "{BASE}tools:\n  syft:\n    path: syft\n    server: null\n"
    ))
    .unwrap();
}

#[test]
fn bad_version_points_at_the_value() {
    let e = check("version: 2\n").unwrap_err();
    assert_eq!(
        e,
        "vimes.yaml:1:10: unsupported version 2; this vimes reads \"version: 1\""
    );
}

#[test]
fn unknown_promotion_registry_suggests_the_closest() {
    let e = check(&format!(
        "{BASE}promotion:\n  from: staging\n  to: prodution\n"
    ))
    .unwrap_err();
    assert_eq!(
        e,
        "vimes.yaml:11:7: promotion.to names registry \"prodution\", which is not under \
         registries; did you mean \"production\"?"
    );
    let e = check(&format!(
        "{BASE}promotion: {{from: staging, to: staging}}\n"
    ))
    .unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:9:32: promotion.from and promotion.to are both"),
        "{e}"
    );
}

#[test]
fn url_with_scheme_says_to_drop_it() {
    let e = check("version: 1\nregistries:\n  s:\n    url: https://harbor.example.com/v2\n")
        .unwrap_err();
    assert_eq!(
        e,
        "vimes.yaml:4:10: registries.s.url \"https://harbor.example.com/v2\" has a scheme; \
         drop \"https://\" and write \"harbor.example.com\""
    );
    let e = check("version: 1\nregistries:\n  s: {url: h.example.com/staging}\n").unwrap_err();
    assert!(
        e.contains("has a path; write \"h.example.com\" and put \"staging\" in project"),
        "{e}"
    );
}

#[test]
fn names_paths_credentials_and_tools_are_checked() {
    let e = check("version: 1\nregistries:\n  Staging: {url: h}\n").unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:3:3: registry name \"Staging\""),
        "{e}"
    );
    let e = check("version: 1\nregistries:\n  s: {url: h, project: Team/x}\n").unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:3:24: registries.s.project"),
        "{e}"
    );
    let e =
        check("version: 1\nregistries:\n  s:\n    url: h\n    username_env: USER\n").unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:5:5: registries.s has username_env but no password_env"),
        "{e}"
    );
    let e = check("version: 1\nregistries:\n  s:\n    url: h\n    username_env: U\n    password_env: my secret\n").unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:6:19: registries.s.password_env"),
        "{e}"
    );
    let e = check("version: 1\nimages:\n  api:\n    repository: /api\n").unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:4:17: images.api.repository"),
        "{e}"
    );
    let e = check("version: 1\ntools:\n  syft: {path: syft, timeout_secs: 0}\n").unwrap_err();
    assert_eq!(
        e,
        "vimes.yaml:3:36: tools.syft.timeout_secs must be more than 0"
    );
    let e = check("version: 1\npolicy:\n  allowed_registries: [h.example.com/prod, 'https://x']\n")
        .unwrap_err();
    assert!(
        e.starts_with("vimes.yaml:3:44: policy.allowed_registries[1]"),
        "{e}"
    );
    let e = check("version: 1\nsigning:\n  require_attestations: [cyclonedx, slsa-provenance]\n")
        .unwrap_err();
    assert!(e.contains("did you mean \"slsaprovenance\"?"), "{e}");
}

#[test]
fn all_problems_are_listed_in_file_order() {
    let e = check("version: 1\nregistries:\n  s: {url: 'http://h'}\ntools:\n  syft: {path: syft, timeout_secs: 0}\n")
        .unwrap_err();
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 2, "{e}");
    assert!(
        lines[0].starts_with("vimes.yaml:3:12: registries.s.url"),
        "{e}"
    );
    assert!(lines[0].contains("insecure: true"), "{e}");
    assert!(lines[1].starts_with("  vimes.yaml:5:36: tools.syft"), "{e}");
}
