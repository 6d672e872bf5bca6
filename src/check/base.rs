//! Base-image freshness for `vimes build`: where a pinned base's tag points
//! now, and how old the base is by its image config's `created`. Reads the
//! registry (manifest, then config blob); decides nothing about the build.

use crate::clock::{date_of_timestamp, Date};
use crate::error::{RegistryError, Result};
use crate::registry::manifest::{Content, Descriptor};
use crate::registry::{ImageRef, RegistryClient};
use serde::Serialize;

/// Largest image config blob read to learn a base's age.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// What was learnt about one base image.
#[derive(Clone, Debug, Serialize)]
pub struct BaseImage {
    /// The reference as the Dockerfile names it (after ARG substitution).
    pub reference: String,
    /// When its config says it was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Its age in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
    /// For a base pinned by tag and digest: where the tag points now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_digest: Option<String>,
    /// Whether the tag has moved away from the pinned digest.
    pub outdated: bool,
}

/// What the registry says about one base, and what the policy makes of it.
#[derive(Clone, Debug)]
pub struct BaseVerdict {
    /// The facts.
    pub base: BaseImage,
    /// Worth reporting, not refusing (a moved tag, an unknown age).
    pub warnings: Vec<String>,
    /// Why the base is refused (older than `max_age_days`), if it is.
    pub refusal: Option<String>,
}

/// Inspects `image`: for a base pinned by tag *and* digest, where the tag
/// points now (a different digest is reported as a newer base); with
/// `max_age_days`, its age, refusing an older base.
pub async fn inspect(
    client: &RegistryClient,
    image: &ImageRef,
    platform: Option<&str>,
    max_age_days: Option<u32>,
    today: Date,
) -> Result<BaseVerdict> {
    let mut verdict = BaseVerdict {
        base: BaseImage {
            reference: image.to_string(),
            created: None,
            age_days: None,
            tag_digest: None,
            outdated: false,
        },
        warnings: Vec::new(),
        refusal: None,
    };
    let name = image.repository_name();
    if let (Some(tag), Some(pinned)) = (&image.tag, &image.digest) {
        match client.get_manifest(&image.with_tag(tag)).await? {
            Some(current) => {
                if &current.digest != pinned {
                    verdict.base.outdated = true;
                    verdict.warnings.push(format!(
                        "base {name}:{tag} has moved: the tag points at {} now, the Dockerfile \
                         pins {pinned}; rebuild on the newer base by pinning {name}:{tag}@{}",
                        current.digest, current.digest
                    ));
                }
                verdict.base.tag_digest = Some(current.digest);
            }
            None => verdict.warnings.push(format!(
                "base {name}: the tag {tag} no longer exists in its registry"
            )),
        }
    }
    let Some(max) = max_age_days else {
        return Ok(verdict);
    };
    match created(client, image, platform).await? {
        Some(created) => {
            let age = age_in_days(&created, today);
            verdict.base.age_days = age;
            match age {
                Some(age) if age > i64::from(max) => {
                    verdict.refusal = Some(format!(
                        "base {image} was created {created} ({age} days ago), older than \
                         policy.max_base_age_days ({max}); move to a newer base"
                    ))
                }
                Some(_) => {}
                None => verdict.warnings.push(format!(
                    "base {image}: cannot read its creation date {created:?}; age not checked"
                )),
            }
            verdict.base.created = Some(created);
        }
        None => verdict.warnings.push(format!(
            "base {image}: its config has no creation date; age not checked"
        )),
    }
    Ok(verdict)
}

/// The `created` of a base's image config (for an index: the platform's
/// image, else linux/amd64, else the first).
async fn created(
    client: &RegistryClient,
    image: &ImageRef,
    platform: Option<&str>,
) -> Result<Option<String>> {
    let not_found =
        || RegistryError::not_found(&image.registry, format!("base image {image} not found"));
    let manifest = client.get_manifest(image).await?.ok_or_else(not_found)?;
    let config = match manifest.content {
        Content::Image { config, .. } => config,
        Content::Index { manifests } => {
            let child = pick_platform(&manifests, platform).ok_or_else(not_found)?;
            let child_ref = image.with_digest(&child.digest);
            match client.get_manifest(&child_ref).await?.map(|m| m.content) {
                Some(Content::Image { config, .. }) => config,
                _ => return Err(not_found().into()),
            }
        }
    };
    let bytes = client
        .pull_blob(image, &config.digest, MAX_CONFIG_BYTES)
        .await?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        RegistryError::protocol(
            &image.registry,
            format!("the config of {image} is not JSON: {e}"),
        )
    })?;
    Ok(doc
        .get("created")
        .and_then(|c| c.as_str())
        .map(str::to_string))
}

fn pick_platform<'a>(
    manifests: &'a [Descriptor],
    platform: Option<&str>,
) -> Option<&'a Descriptor> {
    let wanted = platform.unwrap_or("linux/amd64");
    let mut parts = wanted.split('/');
    let (os, arch) = (
        parts.next().unwrap_or("linux"),
        parts.next().unwrap_or("amd64"),
    );
    manifests
        .iter()
        .find(|d| {
            d.platform.as_ref().is_some_and(|p| {
                p.get("os").and_then(|v| v.as_str()) == Some(os)
                    && p.get("architecture").and_then(|v| v.as_str()) == Some(arch)
            })
        })
        .or_else(|| manifests.first())
}

/// Days from an RFC 3339 timestamp's date (UTC) to `today`.
fn age_in_days(created: &str, today: Date) -> Option<i64> {
    date_of_timestamp(created).map(|date| today.days_since(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_days_to_the_given_today() {
        let today = Date::parse("2026-12-03").unwrap();
        assert_eq!(age_in_days("2026-12-03T23:59:59Z", today), Some(0));
        assert_eq!(age_in_days("2025-12-03T00:00:00Z", today), Some(365));
        // 01:00 at +02:00 is still the previous day in UTC.
        assert_eq!(age_in_days("2026-12-03T01:00:00+02:00", today), Some(1));
        assert_eq!(age_in_days("garbage", today), None);
    }

    #[test]
    fn picks_the_wanted_platform() {
        let d = |arch: &str| Descriptor {
            media_type: String::new(),
            digest: format!("sha256:{arch}"),
            size: 1,
            platform: Some(serde_json::json!({"os": "linux", "architecture": arch})),
        };
        let list = [d("arm64"), d("amd64")];
        assert_eq!(pick_platform(&list, None).unwrap().digest, "sha256:amd64");
        assert_eq!(
            pick_platform(&list, Some("linux/arm64")).unwrap().digest,
            "sha256:arm64"
        );
        assert_eq!(
            pick_platform(&list[..1], None).unwrap().digest,
            "sha256:arm64"
        );
    }
}
