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
    check_sbom(config, &mut p);
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

fn check_sbom(config: &Config, p: &mut Problems) {
    let sbom = &config.sbom;
    if let Some(Err(why)) = sbom.inventory.as_deref().map(super::parse_inventory) {
        p.at_value(&["sbom", "inventory"], why.to_string());
    }
    if let Some(var) = sbom.password_env.as_deref().filter(|v| !is_var_name(v)) {
        p.at_value(
            &["sbom", "password_env"],
            format!(
                "sbom.password_env {var:?} is not an environment variable name (letters, digits \
                 and _; e.g. PGPASSWORD); it names the variable, it is not the value"
            ),
        );
    }
    if sbom.ca_file.as_deref().is_some_and(|f| f.trim().is_empty()) {
        p.at_value(
            &["sbom", "ca_file"],
            "sbom.ca_file is empty; give a PEM file or remove the key".into(),
        );
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
#[path = "validate_tests.rs"]
mod tests;
