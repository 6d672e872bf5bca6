//! The configuration as `vimes config show` prints it.
//!
//! vimes.yaml holds no secrets itself, only the names of the variables that
//! do. Showing whether each named variable is set answers the usual question
//! ("why is it not authenticating?") without ever reading a value out.

use super::model::Config;
use serde_json::Value;

/// The resolved configuration as JSON: each `username_env`/`password_env`
/// is shown as `NAME (set)` or `NAME (not set)`, never with its value; an
/// `env://VAR` signing key stays a reference.
pub fn redacted(config: &Config) -> Value {
    // Serializing these types cannot fail (string keys, no custom impls);
    // `Null` keeps the signature total all the same.
    serde_json::to_value(redacted_config(config)).unwrap_or(Value::Null)
}

/// [`redacted`] as a [`Config`], which serializes with keys in file order
/// (the YAML of `vimes config show`).
pub fn redacted_config(config: &Config) -> Config {
    redacted_with(config, &|name| std::env::var_os(name).is_some())
}

/// [`redacted_config`] with the environment made explicit, for tests.
fn redacted_with(config: &Config, is_set: &dyn Fn(&str) -> bool) -> Config {
    let mut shown = config.clone();
    let mark = |var: &mut Option<String>| {
        if let Some(name) = var.as_mut() {
            let state = if is_set(name) { "set" } else { "not set" };
            *name = format!("{name} ({state})");
        }
    };
    for registry in shown.registries.values_mut() {
        mark(&mut registry.username_env);
        mark(&mut registry.password_env);
    }
    // The signing key is a path or an `env://VAR` reference; both are shown
    // as written and the variable is never read here.
    shown
}

#[cfg(test)]
mod tests {
    use super::super::model::RegistryConfig;
    use super::*;

    #[test]
    fn shows_whether_credentials_are_set_never_their_values() {
        let mut config = Config {
            version: 1,
            ..Default::default()
        };
        config.registries.insert(
            "staging".into(),
            RegistryConfig {
                url: "h.example.com".into(),
                username_env: Some("HARBOR_USER".into()),
                password_env: Some("HARBOR_PASSWORD".into()),
                ..Default::default()
            },
        );
        config.signing.key = Some("env://SIGNING_KEY".into());
        let shown = redacted_with(&config, &|n| n == "HARBOR_PASSWORD");
        let json = serde_json::to_value(&shown).unwrap();
        assert_eq!(
            json["registries"]["staging"]["password_env"],
            "HARBOR_PASSWORD (set)"
        );
        assert_eq!(
            json["registries"]["staging"]["username_env"],
            "HARBOR_USER (not set)"
        );
        assert_eq!(json["signing"]["key"], "env://SIGNING_KEY");
        assert_eq!(json["version"], 1);
        // The public entry point gives the same shape.
        let value = redacted(&config);
        assert_eq!(value["registries"]["staging"]["url"], "h.example.com");
    }
}
