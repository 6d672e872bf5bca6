//! The repositories of a plain OCI registry (`GET /v2/_catalog`), for the
//! commands that walk a whole registry project (`sbom index --registry`,
//! `status`). Harbor projects are listed through Harbor's API instead.

use super::RegistryClient;
use crate::error::{RegistryError, Result};
use crate::registry::ImageRef;

/// Repositories asked for per page. distribution caps a page at its
/// `catalog.maxentries` (1000 by default) without saying so, so a short page
/// does not mean the end: listing stops only at an empty page.
const PAGE: usize = 1000;

/// Largest page read (1000 names of the longest length distribution allows).
const MAX_PAGE_BYTES: u64 = 1024 * 1024;

/// Pages read before giving up (a registry that never stops paging).
const MAX_PAGES: usize = 1000;

impl RegistryClient {
    /// Every repository of `registry` whose path starts with `prefix/` (all
    /// of them when `prefix` is empty), sorted, names without the host.
    /// The request carries the credentials of `registry`; a registry that
    /// answers with a token realm must grant its catalog scope to them.
    pub async fn catalog(&self, registry: &str, prefix: &str) -> Result<Vec<String>> {
        #[derive(serde::Deserialize)]
        struct Page {
            #[serde(default)]
            repositories: Option<Vec<String>>,
        }
        let probe = ImageRef {
            registry: registry.to_string(),
            repository: if prefix.is_empty() {
                "_catalog".to_string()
            } else {
                prefix.to_string()
            },
            tag: None,
            digest: None,
        };
        let what = format!("listing the repositories of {registry}");
        let base = format!("{}/v2/_catalog?n={PAGE}", self.base_url(&probe));
        let wanted = format!("{prefix}/");
        let mut found = Vec::new();
        let mut last: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let url = match &last {
                None => base.clone(),
                Some(last) => format!("{base}&last={}", query_escape(last)),
            };
            let Some((body, _)) = self
                .get_bounded_url(&probe, &url, None, MAX_PAGE_BYTES, &what)
                .await?
            else {
                return Err(RegistryError::protocol(
                    registry,
                    format!("{what}: the registry has no catalog API (/v2/_catalog answered 404)"),
                )
                .into());
            };
            let page: Page = serde_json::from_slice(&body).map_err(|e| {
                RegistryError::protocol(registry, format!("{what}: not a catalog page: {e}"))
            })?;
            let names = page.repositories.unwrap_or_default();
            // A registry that ignores `last` would repeat its first page forever.
            let next = names.last().cloned();
            if names.is_empty() || next <= last {
                break;
            }
            found.extend(
                names
                    .into_iter()
                    .filter(|n| prefix.is_empty() || n.starts_with(&wanted)),
            );
            last = next;
        }
        found.sort();
        found.dedup();
        Ok(found)
    }
}

/// `name` as a query value: repository names are `[a-z0-9._/-]`, so only a
/// stray character from a hostile registry needs escaping.
fn query_escape(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'-' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::query_escape;

    #[test]
    fn only_stray_characters_are_escaped() {
        assert_eq!(query_escape("production/web-app"), "production/web-app");
        assert_eq!(query_escape("a&n=1 b"), "a%26n%3D1%20b");
    }
}
