//! The production tag: where it points now, and writing it last, once.

use super::{Context, Prepared};
use crate::config::{RegistryConfig, RegistryType};
use crate::error::{Error, RegistryError, Result};
use crate::harbor::{self, HarborClient};
use crate::registry::ImageRef;

/// Where `tag` points in production now. On Harbor the API is asked:
/// `prevent_vul` blocks manifest reads through /v2.
pub(super) async fn existing_tag(
    cx: &Context<'_>,
    destination: &ImageRef,
    to: &RegistryConfig,
    tag: &str,
) -> Result<Option<String>> {
    if to.kind == RegistryType::Harbor {
        let client = HarborClient::for_registry_config(cx.config, to).await?;
        let (project, repository) = harbor::split_repository(&destination.repository)?;
        return client.tag_digest(project, repository, tag).await;
    }
    Ok(cx
        .client
        .get_manifest(&destination.with_tag(tag))
        .await?
        .map(|m| m.digest))
}

/// Creates the production tag unless it already points at the digest.
/// A plain OCI registry has no atomic "create tag if absent", so concurrent
/// promotions on this machine are serialised by a lock file, and the tag is
/// read back after writing: a promotion that finds another digest there has
/// lost a race and says so (exit 1).
pub(super) async fn apply_tag(
    cx: &Context<'_>,
    dst: &ImageRef,
    prepared: &Prepared,
) -> Result<bool> {
    if let Some(to) = cx
        .config
        .route()
        .map(|route| route.to)
        .filter(|r| r.kind == RegistryType::Harbor)
    {
        // Harbor's tag API creates a tag atomically (409 if it exists).
        let client = HarborClient::for_registry_config(cx.config, to).await?;
        let (project, repository) = harbor::split_repository(&dst.repository)?;
        let outcome = harbor::tag_or_conflict(
            &client,
            project,
            repository,
            &prepared.digest,
            &prepared.tag,
        )
        .await?;
        return Ok(outcome == harbor::TagOutcome::Created);
    }
    let tag_ref = prepared.destination.with_tag(&prepared.tag);
    let _lock = TagLock::acquire(&format!("{}:{}", dst.repository_name(), prepared.tag))?;
    let moved = |current: &str| {
        Error::Policy(format!(
            "{}:{} now points to {current}; refusing to overwrite it (another promotion won)",
            dst.repository_name(),
            prepared.tag
        ))
    };
    match cx.client.get_manifest(&tag_ref).await? {
        Some(m) if m.digest == prepared.digest => return Ok(false),
        Some(m) => return Err(moved(&m.digest)),
        None => {}
    }
    let manifest = cx.client.get_manifest(dst).await?.ok_or_else(|| {
        RegistryError::not_found(&dst.registry, format!("{dst} vanished before tagging"))
    })?;
    cx.client.put_manifest(&tag_ref, &manifest).await?;
    match cx.client.get_manifest(&tag_ref).await? {
        Some(m) if m.digest == prepared.digest => Ok(true),
        Some(m) => Err(moved(&m.digest)),
        None => Err(RegistryError::protocol(
            &dst.registry,
            format!("{tag_ref} is missing right after it was written"),
        )
        .into()),
    }
}

/// An exclusive lock file per production tag, held while it is checked and written.
struct TagLock {
    _file: std::fs::File,
}

impl TagLock {
    fn acquire(name: &str) -> Result<Self> {
        use sha2::Digest as _;
        let dir = crate::paths::cache_dir_or_temp().join("locks");
        let io = |error| Error::File {
            path: dir.clone(),
            error,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let path = dir.join(format!(
            "{}.lock",
            hex::encode(sha2::Sha256::digest(name.as_bytes()))
        ));
        let file = std::fs::File::create(&path).map_err(io)?;
        file.lock().map_err(io)?;
        Ok(TagLock { _file: file })
    }
}
