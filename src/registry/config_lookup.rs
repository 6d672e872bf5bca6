//! Which registry entry of vimes.yaml covers an image: hosts compared as
//! registry identities ([`super::identity`]), projects by longest prefix.
//! It lives here, not in `config`, because only the registry layer knows
//! what makes two host names the same registry.

use super::identity::same_registry;
use crate::config::{Config, RegistryConfig};

impl Config {
    /// The registry entry that covers `repository_path` on `host`: among the
    /// entries whose `url` is the same registry as `host` (compared as
    /// [`crate::registry::identity::RegistryIdentity`]s), the one whose `project` is the longest
    /// prefix of the path (at a `/` boundary). When no project matches, the
    /// host's first entry (by name) is returned anyway, because settings such
    /// as `insecure`, `ca_file` and credentials belong to the host.
    pub fn registry_for_host(
        &self,
        host: &str,
        repository_path: &str,
    ) -> Option<(&str, &RegistryConfig)> {
        let on_host = || {
            self.registries
                .iter()
                .filter(|(_, r)| same_registry(&r.url, host))
        };
        let mut best: Option<(&String, &RegistryConfig)> = None;
        for (name, reg) in on_host().filter(|(_, r)| r.covers_path(repository_path)) {
            // Strictly longer wins, so ties keep the first name in order.
            if best.is_none_or(|(_, b)| reg.project.len() > b.project.len()) {
                best = Some((name, reg));
            }
        }
        best.or_else(|| on_host().next())
            .map(|(name, reg)| (name.as_str(), reg))
    }
}

#[cfg(test)]
mod tests {
    use crate::config::lookup::fixtures::{config, reg};

    #[test]
    fn longest_matching_project_wins() {
        let c = config();
        let name = |h: &str, p: &str| c.registry_for_host(h, p).map(|(n, _)| n);
        assert_eq!(name("h.example.com", "production/team/api"), Some("team"));
        assert_eq!(name("h.example.com", "production/api"), Some("prod"));
        assert_eq!(name("h.example.com", "production"), Some("prod"));
        // "production2" is not under "production": only the empty project covers it.
        assert_eq!(name("h.example.com", "production2/api"), Some("base"));
        assert_eq!(name("H.EXAMPLE.COM", "staging/api"), Some("stage"));
        // A host whose projects do not match still yields its first entry.
        assert_eq!(name("localhost:5000", "y/api"), Some("other"));
        assert_eq!(name("nowhere.example.com", "x"), None);
    }

    #[test]
    fn hosts_compare_as_registry_identities() {
        let mut c = config();
        c.registries
            .insert("loop".into(), reg("127.0.0.1:5000", "production"));
        let name = |h: &str, p: &str| c.registry_for_host(h, p).map(|(n, _)| n);
        assert_eq!(name("localhost:5000", "production/api"), Some("loop"));
        assert_eq!(name("[::1]:5000", "production/api"), Some("loop"));
        assert_eq!(name("127.0.0.1:5000", "x/api"), Some("other"));
        assert_eq!(name("h.example.com:443", "production/api"), Some("prod"));
        assert_eq!(name("H.Example.com.", "staging/api"), Some("stage"));
        assert_eq!(name("h.example.com:8443", "production/api"), None);
    }
}
