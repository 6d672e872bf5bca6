//! Lookups other code does on a loaded [`Config`].

use super::model::{Config, RegistryConfig};

impl Config {
    /// The registry entry called `name`.
    pub fn registry(&self, name: &str) -> Option<&RegistryConfig> {
        self.registries.get(name)
    }

    /// The registry promotion reads from (`promotion.from`), with its name.
    pub fn promotion_source(&self) -> Option<(&str, &RegistryConfig)> {
        let name = &self.promotion.as_ref()?.from;
        self.registries
            .get_key_value(name)
            .map(|(n, r)| (n.as_str(), r))
    }

    /// The registry promotion writes to (`promotion.to`), with its name.
    pub fn promotion_target(&self) -> Option<(&str, &RegistryConfig)> {
        let name = &self.promotion.as_ref()?.to;
        self.registries
            .get_key_value(name)
            .map(|(n, r)| (n.as_str(), r))
    }
}

impl RegistryConfig {
    /// Whether `repository_path` (on this entry's host) lies in its project:
    /// the project itself or below it at a `/` boundary; an empty project
    /// covers every path.
    pub fn covers_path(&self, repository_path: &str) -> bool {
        let project = self.project.trim_matches('/');
        project.is_empty()
            || repository_path == project
            || repository_path
                .strip_prefix(project)
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// Registry entries the lookup tests of `config` and `registry` share: one
/// host with nested projects, and a loopback registry.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::super::model::{Config, PromotionConfig, RegistryConfig};

    pub(crate) fn reg(url: &str, project: &str) -> RegistryConfig {
        RegistryConfig {
            url: url.into(),
            project: project.into(),
            ..Default::default()
        }
    }

    pub(crate) fn config() -> Config {
        let mut c = Config {
            version: 1,
            ..Default::default()
        };
        c.registries.insert("base".into(), reg("h.example.com", ""));
        c.registries
            .insert("prod".into(), reg("h.example.com", "production"));
        c.registries
            .insert("team".into(), reg("h.example.com", "production/team"));
        c.registries
            .insert("stage".into(), reg("h.example.com", "staging"));
        c.registries
            .insert("other".into(), reg("localhost:5000", "x"));
        c.promotion = Some(PromotionConfig {
            from: "stage".into(),
            to: "prod".into(),
        });
        c
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::config;
    use super::Config;

    #[test]
    fn promotion_ends_and_names() {
        let c = config();
        assert_eq!(c.promotion_source().map(|(n, _)| n), Some("stage"));
        assert_eq!(
            c.promotion_target().map(|(n, r)| (n, r.project.as_str())),
            Some(("prod", "production"))
        );
        assert!(c.registry("team").is_some());
        assert!(c.registry("nope").is_none());
        let empty = Config::default();
        assert!(empty.promotion_source().is_none());
    }
}
