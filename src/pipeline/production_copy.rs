//! `vimes copy` into the production registry (`promotion.to`) keeps the
//! promise promotion makes: a production tag never exists without a
//! signature and the required attestations that verify there with
//! `signing.public_keys`. The image and its attachments are copied untagged,
//! verified in production, and only then tagged. Production images are made
//! by `vimes promote`; this path serves re-tagging or restoring images that
//! were promoted (and so signed for their production repository) before.

use crate::config::Config;
use crate::error::{Error, RegistryError, Result};
use crate::registry::copy::{copy_image, refuse_tag_move, CopyOptions, CopyReport};
use crate::registry::identity::same_registry;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::PublicKey;
use crate::signing::verify::{verify_image, VerifyPolicy};
use crate::signing::AttestationType;
use std::collections::BTreeMap;

/// Whether `image` lies in the production registry and project (`promotion.to`).
pub fn is_production(config: &Config, image: &ImageRef) -> bool {
    config.route().is_some_and(|route| {
        same_registry(&route.to.url, &image.registry) && route.to.covers_path(&image.repository)
    })
}

/// Copies `source` to `destination` in production: untagged, verified with
/// `trusted` and `signing.require_attestations`, then tagged.
pub async fn copy_into_production(
    client: &RegistryClient,
    config: &Config,
    source: &ImageRef,
    destination: &ImageRef,
    options: &CopyOptions,
    trusted: &[PublicKey],
) -> Result<CopyReport> {
    if !options.signatures {
        return Err(Error::Usage(format!(
            "{} is in production (promotion.to): copying it without its signatures would leave an unsigned production tag",
            destination.repository_name()
        )));
    }
    if trusted.is_empty() {
        return Err(Error::Usage(
            "signing.public_keys is empty: a copy into production is verified there before it is tagged"
                .into(),
        ));
    }
    let untagged = CopyOptions {
        write_tag: false,
        ..options.clone()
    };
    let mut report = copy_image(client, source, destination, &untagged).await?;
    let digest = report.digest.clone();
    let pinned = destination.with_digest(&digest);
    let policy = VerifyPolicy {
        annotations: BTreeMap::new(),
        required_attestations: config
            .signing
            .require_attestations
            .iter()
            .filter_map(|n| AttestationType::from_name(n))
            .collect(),
        // What the source carries is copied as it is: any layout counts.
        required_formats: Vec::new(),
    };
    let verified = verify_image(client, &pinned, &digest, trusted, &policy).await?;
    if !verified.verified {
        return Err(Error::Policy(format!(
            "{}@{digest} does not verify in production with signing.public_keys, so no tag was written ({}); production images are made with `vimes promote`",
            destination.repository_name(),
            verified.reasons.join("; ")
        )));
    }
    let Some(tag) = report.tag.clone() else {
        return Ok(report);
    };
    let tag_ref = destination.with_tag(&tag);
    // Checked again: the tag may have moved while the copy was verified.
    match client.get_manifest(&tag_ref).await? {
        Some(current) if current.digest == digest => {}
        Some(current) => {
            refuse_tag_move(destination, &tag, &current.digest, &digest, options)?;
            put_tag(client, &tag_ref, &pinned, &mut report).await?;
        }
        None => put_tag(client, &tag_ref, &pinned, &mut report).await?,
    }
    Ok(report)
}

/// Writes `tag_ref` to point at the manifest `pinned` names.
async fn put_tag(
    client: &RegistryClient,
    tag_ref: &ImageRef,
    pinned: &ImageRef,
    report: &mut CopyReport,
) -> Result<()> {
    let manifest = client.get_manifest(pinned).await?.ok_or_else(|| {
        RegistryError::not_found(
            &pinned.registry,
            format!("{pinned} vanished before tagging"),
        )
    })?;
    client.put_manifest(tag_ref, &manifest).await?;
    report.manifests_pushed += 1;
    report.unchanged = false;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{PromotionConfig, RegistryConfig};

    #[test]
    fn production_is_recognised_under_any_spelling_of_its_host() {
        let mut c = Config {
            version: 1,
            ..Default::default()
        };
        c.registries.insert(
            "production".into(),
            RegistryConfig {
                url: "127.0.0.1:5000".into(),
                project: "production".into(),
                ..Default::default()
            },
        );
        c.promotion = Some(PromotionConfig {
            from: "production".into(),
            to: "production".into(),
        });
        let image = |r: &str| ImageRef::parse(r).unwrap();
        for r in [
            "localhost:5000/production/x:1",
            "127.0.0.1:5000/production/x",
            "[::1]:5000/production/a/b",
        ] {
            assert!(is_production(&c, &image(r)), "{r} is production");
        }
        for r in [
            "127.0.0.1:5001/production/x",
            "localhost:5000/staging/x",
            "127.0.0.2:5000/production/x",
        ] {
            assert!(!is_production(&c, &image(r)), "{r} is not production");
        }
    }
}
