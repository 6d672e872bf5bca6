//! Walking a registry: the repositories of a configured registry entry
//! (Harbor's project API for `type: harbor`, `/v2/_catalog` for `type: oci`)
//! and the tagged digests of a repository, for the commands that look at a
//! whole project (`sbom index --registry`, `status`).

use crate::config::{Config, RegistryConfig, RegistryType};
use crate::error::{Error, Result};
use crate::harbor::HarborClient;
use crate::registry::identity::same_registry;
use crate::registry::{ImageRef, RegistryClient};
use futures_util::{stream, StreamExt, TryStreamExt};
use std::collections::BTreeMap;

/// Tags resolved at once: each is one small request.
const TAG_LOOKUPS: usize = 8;

/// The registry entry called `name` in vimes.yaml.
pub fn registry_entry<'a>(config: &'a Config, name: &str) -> Result<&'a RegistryConfig> {
    config.registries.get(name).ok_or_else(|| {
        let known: Vec<&str> = config.registries.keys().map(String::as_str).collect();
        Error::Usage(format!(
            "no registry {name:?} under registries in vimes.yaml (configured: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    })
}

/// Lists repositories and resolves their tags, through Harbor's API for the
/// hosts vimes.yaml declares `type: harbor`: a project with
/// `enable_content_trust_cosign` or `prevent_vul` refuses `/v2` manifest
/// reads of exactly the unsigned or vulnerable images a walk must report.
pub struct RegistryWalk<'a> {
    client: &'a RegistryClient,
    harbors: Vec<(String, HarborClient)>,
}

impl<'a> RegistryWalk<'a> {
    /// A walker over every registry of `config` (no request is made yet).
    pub async fn new(config: &Config, client: &'a RegistryClient) -> Result<RegistryWalk<'a>> {
        let mut harbors: Vec<(String, HarborClient)> = Vec::new();
        for registry in config.registries.values() {
            let host = registry.url.to_ascii_lowercase();
            if registry.kind == RegistryType::Harbor
                && !harbors.iter().any(|(h, _)| same_registry(h, &host))
            {
                let api = HarborClient::for_registry_config(config, registry).await?;
                harbors.push((host, api));
            }
        }
        Ok(RegistryWalk { client, harbors })
    }

    fn harbor(&self, host: &str) -> Option<&HarborClient> {
        self.harbors
            .iter()
            .find(|(h, _)| same_registry(h, host))
            .map(|(_, api)| api)
    }

    /// Every repository under `registry`'s project, sorted.
    pub async fn repositories(&self, registry: &RegistryConfig) -> Result<Vec<ImageRef>> {
        let host = registry.url.to_ascii_lowercase();
        let names = match self.harbor(&host) {
            Some(api) => api.repositories(&registry.project).await?,
            None => self.client.catalog(&host, &registry.project).await?,
        };
        let mut found: Vec<ImageRef> = names
            .into_iter()
            .map(|repository| ImageRef {
                registry: host.clone(),
                repository,
                tag: None,
                digest: None,
            })
            .collect();
        found.sort_by(|a, b| a.repository.cmp(&b.repository));
        Ok(found)
    }

    /// The image tags of `repository` (cosign's `sha256-…` tags left out),
    /// grouped by the digest each names, digests in order.
    pub async fn tagged_digests(
        &self,
        repository: &ImageRef,
    ) -> Result<BTreeMap<String, Vec<String>>> {
        let tags: Vec<String> = self
            .client
            .list_tags(repository)
            .await?
            .into_iter()
            .filter(|t| !t.starts_with("sha256-"))
            .collect();
        let resolved: Vec<Option<(String, String)>> = stream::iter(tags)
            .map(|tag| async move {
                let digest = self.digest_of(repository, &tag).await?;
                Ok::<_, Error>(digest.map(|d| (d, tag)))
            })
            .buffered(TAG_LOOKUPS)
            .try_collect()
            .await?;
        let mut by_digest: BTreeMap<String, Vec<String>> = BTreeMap::new();
        // A tag deleted between the listing and its lookup is simply gone.
        for (digest, tag) in resolved.into_iter().flatten() {
            by_digest.entry(digest).or_default().push(tag);
        }
        for tags in by_digest.values_mut() {
            tags.sort();
        }
        Ok(by_digest)
    }

    /// Every tagged digest of `repositories`, as `(repository, digest,
    /// tags)`. A repository that cannot be read goes to `failed`, as does one
    /// without tags when it was `asked` for by name (a typo must not pass as
    /// "nothing to judge"); the others are still walked.
    pub async fn tagged_images<'r>(
        &self,
        repositories: &'r [ImageRef],
        asked: bool,
        failed: &mut Vec<(String, Error)>,
    ) -> Vec<(&'r ImageRef, String, Vec<String>)> {
        let mut images = Vec::new();
        for repository in repositories {
            match self.tagged_digests(repository).await {
                Ok(found) if found.is_empty() && asked => failed.push((
                    repository.repository_name(),
                    Error::Usage(format!(
                        "{} has no image tags or does not exist",
                        repository.repository_name()
                    )),
                )),
                Ok(found) => {
                    images.extend(found.into_iter().map(|(d, tags)| (repository, d, tags)));
                }
                Err(e) => failed.push((repository.repository_name(), e)),
            }
        }
        images
    }

    async fn digest_of(&self, repository: &ImageRef, tag: &str) -> Result<Option<String>> {
        let in_project = repository.repository.split_once('/');
        match (self.harbor(&repository.registry), in_project) {
            (Some(api), Some((project, name))) => api.tag_digest(project, name, tag).await,
            _ => self
                .client
                .digest_of(&repository.with_tag(tag))
                .await
                .map(Some),
        }
    }
}
