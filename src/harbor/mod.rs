//! Harbor's REST API v2.0: a typed client (projects, immutable tag rules,
//! artifacts and tags, scans, robot accounts) and `setup`/`status`, which make
//! Harbor's projects match vimes.yaml. The engine never prints.

pub mod client;
pub mod pattern;
pub mod plan;
pub mod scan;
pub mod setup;
#[cfg(test)]
mod test_server;
mod transport;
pub mod types;

pub use client::TagOutcome;

use crate::error::{Error, Result};
use crate::registry::auth::Credentials;
use crate::registry::client::RetryPolicy;
use std::time::Duration;

/// A client for one Harbor instance. Build it with
/// [`HarborClient::for_registry`] or [`HarborClient::for_registry_config`].
pub struct HarborClient {
    http: reqwest::Client,
    /// `host[:port]`, lowercase.
    host: String,
    /// `http(s)://host/api/v2.0`.
    base: String,
    credentials: Credentials,
    retry: RetryPolicy,
    poll: PollPolicy,
}

impl std::fmt::Debug for HarborClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HarborClient")
            .field("base", &self.base)
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// How often a running scan is polled.
#[derive(Clone, Copy, Debug)]
pub struct PollPolicy {
    /// First wait between polls; grows by half each time.
    pub initial: Duration,
    /// Longest wait between polls.
    pub max: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(5),
        }
    }
}

/// Splits a repository path under a Harbor host into Harbor's project (the
/// first segment) and the repository inside it: `production/payments/api` →
/// (`production`, `payments/api`).
pub fn split_repository(path: &str) -> Result<(&str, &str)> {
    match path.split_once('/') {
        Some((project, repository)) if !project.is_empty() && !repository.is_empty() => {
            Ok((project, repository))
        }
        _ => Err(Error::Reference {
            reference: path.to_string(),
            reason: "a Harbor repository is <project>/<repository>".into(),
        }),
    }
}

/// Makes `tag` name `digest` in Harbor, never moving it: asks first where the
/// tag points (no write when it already names `digest`), refuses (exit 1) when
/// it names another digest, and otherwise adds it through the API, settling a
/// concurrent 409 the same way. This is the promotion's last step.
pub async fn tag_or_conflict(
    client: &HarborClient,
    project: &str,
    repository: &str,
    digest: &str,
    tag: &str,
) -> Result<TagOutcome> {
    match client.tag_digest(project, repository, tag).await? {
        Some(existing) if existing == digest => Ok(TagOutcome::AlreadyThere),
        Some(existing) => Err(client::already_elsewhere(
            project, repository, tag, &existing, digest,
        )),
        None => client.add_tag(project, repository, digest, tag).await,
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod client_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_project_and_repository() {
        assert_eq!(
            split_repository("production/payments/api").unwrap(),
            ("production", "payments/api")
        );
        assert_eq!(split_repository("p/r").unwrap(), ("p", "r"));
        assert!(split_repository("alone").is_err());
        assert!(split_repository("/x").is_err());
    }
}
