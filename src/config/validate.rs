//! Cross-checks that the types alone cannot express: names that must refer to
//! each other, and strings that must have a given shape. Each problem points
//! at the key or value it concerns.

use super::interpolate::is_var_name;
use super::model::Config;
use super::parse::{did_you_mean, Source};
use super::shapes::{check_registry_prefix, check_registry_url, check_repo_path, is_name};
use crate::error::Error;
use serde_saphyr::Location;

use super::model::ATTESTATION_TYPES;

mod provenance;

/// Problems found so far, each with where it is.
struct Problems<'s, 'a> {
    source: &'s Source<'a>,
    found: Vec<(Option<Location>, String)>,
}

impl Problems<'_, '_> {
    /// Records a problem at the key `path`.
    fn at_key(&mut self, path: &[&str], message: String) {
        let loc = self.source.tree.key_location(path);
        self.found.push((loc, message));
    }

    /// Records a problem at the value of `path`.
    fn at_value(&mut self, path: &[&str], message: String) {
        let loc = self.source.tree.value_location(path);
        self.found.push((loc, message));
    }
}

/// Runs every cross-check; all problems are reported, the first (in file
/// order) as the error's location and the rest on the following lines.
pub(crate) fn validate(config: &Config, source: &Source) -> Result<(), Error> {
    let mut p = Problems {
        source,
        found: Vec::new(),
    };
    if config.version != 1 {
        p.at_value(
            &["version"],
            format!(
                "unsupported version {}; this vimes reads \"version: 1\"",
                config.version
            ),
        );
    }
    check_registries(config, &mut p);
    check_promotion(config, &mut p);
    check_images(config, &mut p);
    for (i, entry) in config.policy.allowed_registries.iter().enumerate() {
        if let Err(why) = check_registry_prefix(entry) {
            let index = i.to_string();
            p.at_value(
                &["policy", "allowed_registries", &index],
                format!("policy.allowed_registries[{i}] {entry:?} {why}"),
            );
        }
    }
    check_signing(config, &mut p);
    provenance::check_provenance(config, &mut p);
    let trivy = &config.tools.trivy;
    let tools = [
        ("trivy", trivy.path.as_str(), trivy.timeout_secs),
        (
            "syft",
            config.tools.syft.path.as_str(),
            config.tools.syft.timeout_secs,
        ),
    ];
    if let Some(var) = &trivy.token_env {
        if !var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') || var.is_empty() {
            p.at_value(
                &["tools", "trivy", "token_env"],
                format!("tools.trivy.token_env {var:?} is not an environment variable name"),
            );
        }
    }
    let pins = [
        (vec!["tools", "trivy", "sha256"], &trivy.sha256),
        (vec!["tools", "syft", "sha256"], &config.tools.syft.sha256),
        (
            vec!["tools", "builder_sha256"],
            &config.tools.builder_sha256,
        ),
    ];
    for (key, pin) in pins {
        if let Some(hex) = pin {
            if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                p.at_value(
                    &key,
                    format!(
                        "{} {hex:?} is not a SHA-256: give the 64 lowercase hex digits `sha256sum` prints",
                        key.join(".")
                    ),
                );
            }
        }
    }
    if let Some(module) = &config.tools.pkcs11.module {
        if module.trim().is_empty() {
            p.at_value(
                &["tools", "pkcs11", "module"],
                "tools.pkcs11.module is empty; give the path of a PKCS#11 library".into(),
            );
        }
    }
    if let Some(server) = &config.tools.syft.server {
        // Accepted for symmetry with tools.trivy, but a value would silently do nothing.
        p.at_value(
            &["tools", "syft", "server"],
            format!("tools.syft.server {server:?}: Syft has no client/server mode; remove it (or set it to null)"),
        );
    }
    for (name, path, timeout_secs) in tools {
        if timeout_secs == 0 {
            p.at_value(
                &["tools", name, "timeout_secs"],
                format!("tools.{name}.timeout_secs must be more than 0"),
            );
        }
        if path.trim().is_empty() {
            p.at_value(
                &["tools", name, "path"],
                format!("tools.{name}.path is empty; give a program name or path"),
            );
        }
    }

    let mut found = p.found;
    if found.is_empty() {
        return Ok(());
    }
    // Unknown positions sort last; the rest in file order.
    found.sort_by_key(|(loc, _)| loc.map(|l| (0, l.line(), l.column())).unwrap_or((1, 0, 0)));
    let (first_loc, first) = found.remove(0);
    let mut message = first;
    for (loc, more) in &found {
        let place = loc
            .map(|l| source.at(l))
            .unwrap_or_else(|| crate::error::Location::file(source.name));
        message.push_str(&format!("\n  {place}: {more}"));
    }
    Err(source.error(first_loc, message))
}

fn check_registries(config: &Config, p: &mut Problems) {
    for (name, reg) in &config.registries {
        if !is_name(name) {
            p.at_key(
                &["registries", name],
                format!(
                    "registry name {name:?} is not valid: use lowercase letters, digits, \
                     '-' and '_', starting with a letter or digit"
                ),
            );
        }
        if let Err(why) = check_registry_url(&reg.url) {
            p.at_value(
                &["registries", name, "url"],
                format!("registries.{name}.url {:?} {why}", reg.url),
            );
        }
        if let Err(why) = check_repo_path(&reg.project, true) {
            p.at_value(
                &["registries", name, "project"],
                format!("registries.{name}.project {:?} {why}", reg.project),
            );
        }
        for (key, value) in [
            ("username_env", &reg.username_env),
            ("password_env", &reg.password_env),
        ] {
            if let Some(var) = value {
                if !is_var_name(var) {
                    p.at_value(
                        &["registries", name, key],
                        format!(
                            "registries.{name}.{key} {var:?} is not an environment variable \
                             name (letters, digits and _; e.g. HARBOR_PASSWORD); it names the \
                             variable, it is not the value"
                        ),
                    );
                }
            }
        }
        match (&reg.username_env, &reg.password_env) {
            (Some(_), None) => p.at_key(
                &["registries", name, "username_env"],
                format!(
                    "registries.{name} has username_env but no password_env; set both, or \
                     neither to use docker's credentials"
                ),
            ),
            (None, Some(_)) => p.at_key(
                &["registries", name, "password_env"],
                format!(
                    "registries.{name} has password_env but no username_env; set both, or \
                     neither to use docker's credentials"
                ),
            ),
            _ => {}
        }
        for (i, host) in reg.token_hosts.iter().enumerate() {
            if let Err(why) = check_registry_url(host) {
                let index = i.to_string();
                p.at_value(
                    &["registries", name, "token_hosts", &index],
                    format!("registries.{name}.token_hosts[{i}] {host:?} {why}"),
                );
            }
        }
        if reg.ca_file.as_deref().is_some_and(|f| f.trim().is_empty()) {
            p.at_value(
                &["registries", name, "ca_file"],
                format!("registries.{name}.ca_file is empty; give a PEM file or remove the key"),
            );
        }
    }
}

fn check_promotion(config: &Config, p: &mut Problems) {
    let Some(promotion) = &config.promotion else {
        return;
    };
    let names: Vec<&str> = config.registries.keys().map(String::as_str).collect();
    for (key, value) in [("from", &promotion.from), ("to", &promotion.to)] {
        if config.registries.contains_key(value) {
            continue;
        }
        let hint = match did_you_mean(value, &names) {
            Some(s) => format!("; did you mean {s:?}?"),
            None if names.is_empty() => "; no registries are defined".to_string(),
            None => format!(" (defined: {})", names.join(", ")),
        };
        p.at_value(
            &["promotion", key],
            format!(
                "promotion.{key} names registry {value:?}, which is not under registries{hint}"
            ),
        );
    }
    if promotion.from == promotion.to {
        p.at_value(
            &["promotion", "to"],
            format!(
                "promotion.from and promotion.to are both {:?}; promotion copies between two \
                 different registries entries",
                promotion.to
            ),
        );
    }
}

fn check_images(config: &Config, p: &mut Problems) {
    for (name, image) in &config.images {
        // Image names follow the registry-name rule, with '.' also allowed.
        if !is_name(&name.replace('.', "-")) {
            p.at_key(
                &["images", name],
                format!(
                    "image name {name:?} is not valid: use lowercase letters, digits, '.', '-' \
                     and '_', starting with a letter or digit"
                ),
            );
        }
        if let Err(why) = check_repo_path(&image.repository, false) {
            p.at_value(
                &["images", name, "repository"],
                format!("images.{name}.repository {:?} {why}", image.repository),
            );
        }
        for (key, value) in [
            ("context", &image.context),
            ("dockerfile", &image.dockerfile),
        ] {
            if value.trim().is_empty() {
                p.at_value(
                    &["images", name, key],
                    format!("images.{name}.{key} is empty"),
                );
            }
        }
    }
}

fn check_signing(config: &Config, p: &mut Problems) {
    let signing = &config.signing;
    if let Some(key) = &signing.key {
        if let Some(var) = key.strip_prefix("env://") {
            if !is_var_name(var) {
                p.at_value(
                    &["signing", "key"],
                    format!("signing.key {key:?}: {var:?} is not an environment variable name"),
                );
            }
        } else if super::pkcs11_uri::Pkcs11Uri::is_pkcs11(key) {
            // The message never repeats the URI: a refused one may hold a PIN.
            if let Err(why) = super::pkcs11_uri::Pkcs11Uri::parse(key) {
                p.at_value(&["signing", "key"], format!("signing.key: {why}"));
            }
        } else if key.trim().is_empty() {
            p.at_value(
                &["signing", "key"],
                "signing.key is empty; give a key file or env://VAR".into(),
            );
        }
    }
    for (i, kind) in signing.require_attestations.iter().enumerate() {
        if ATTESTATION_TYPES.contains(&kind.as_str()) {
            continue;
        }
        let hint = did_you_mean(kind, ATTESTATION_TYPES)
            .map(|s| format!("did you mean {s:?}? "))
            .unwrap_or_default();
        let index = i.to_string();
        p.at_value(
            &["signing", "require_attestations", &index],
            format!(
                "signing.require_attestations[{i}]: unknown attestation type {kind:?}; {hint}\
                 (one of: {})",
                ATTESTATION_TYPES.join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
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
        check(&format!("{BASE}tools:\n  trivy: {{path: trivy, sha256: {good}}}\n  builder_sha256: \"{good}\"\n")).unwrap();
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
        let e = check("version: 1\nregistries:\n  s:\n    url: h\n    username_env: USER\n")
            .unwrap_err();
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
        let e =
            check("version: 1\npolicy:\n  allowed_registries: [h.example.com/prod, 'https://x']\n")
                .unwrap_err();
        assert!(
            e.starts_with("vimes.yaml:3:44: policy.allowed_registries[1]"),
            "{e}"
        );
        let e =
            check("version: 1\nsigning:\n  require_attestations: [cyclonedx, slsa-provenance]\n")
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
}
