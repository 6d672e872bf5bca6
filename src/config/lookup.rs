//! Lookups other code does on a loaded [`Config`].

use super::model::{Config, RegistryConfig};

impl Config {
    /// The promotion route, both ends at once: the one place that turns
    /// `promotion: {from, to}` into registry entries. `None` without a
    /// promotion section (load has already refused names that are not
    /// under `registries`, so a present section always resolves).
    pub fn route(&self) -> Option<Route<'_>> {
        let promotion = self.promotion.as_ref()?;
        let (from_name, from) = self.registries.get_key_value(&promotion.from)?;
        let (to_name, to) = self.registries.get_key_value(&promotion.to)?;
        Some(Route {
            from_name,
            from,
            to_name,
            to,
        })
    }
}

/// Where promotion takes images from and puts them, with the names vimes.yaml
/// gives the two registries.
#[derive(Clone, Copy, Debug)]
pub struct Route<'a> {
    /// `promotion.from`.
    pub from_name: &'a str,
    /// Its registry entry (staging).
    pub from: &'a RegistryConfig,
    /// `promotion.to`.
    pub to_name: &'a str,
    /// Its registry entry (production).
    pub to: &'a RegistryConfig,
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
        let route = c.route().unwrap();
        assert_eq!(route.from_name, "stage");
        assert_eq!(
            (route.to_name, route.to.project.as_str()),
            ("prod", "production")
        );
        let empty = Config::default();
        assert!(empty.route().is_none());
    }
}
