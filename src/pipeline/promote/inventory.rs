//! After the production tag: the promotion's SBOM and record go into the
//! configured inventory, so that the organisation's inventory knows every
//! image in production without anyone running `sbom index`. Production is
//! the source of truth: a promotion whose inventory cannot be written is
//! still complete, and the outcome says so (see [`InventoryFeed`]).

use super::Promoted;
use crate::sbom::inventory::{ImageRecord, Location, PromotionEntry};
use crate::sbom::Inventory;
use serde::Serialize;

/// What recording a promotion in the inventory did.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum InventoryFeed {
    /// The SBOM and the promotion record are in the inventory.
    Recorded {
        /// The inventory (a file, or a URL without password).
        location: String,
        /// Packages filed for the production digest.
        packages: usize,
        /// `false` when this digest's promotion was recorded before (a
        /// re-run): the first record stands, nothing is recorded twice.
        promotion_added: bool,
    },
    /// The inventory could not be written; the promotion itself is complete.
    Failed {
        /// The inventory (a file, or a URL without password).
        location: String,
        /// Why.
        error: String,
        /// The command that files the SBOM later.
        catch_up: String,
    },
}

/// Files the promoted SBOM under the production repository, digest and tag,
/// and records the promotion once per repository and digest.
pub fn record_promotion(location: Location, promoted: &Promoted) -> InventoryFeed {
    let shown = location.to_string();
    let production = format!("{}:{}", promoted.repository, promoted.record.tag);
    let failed = |error: String| InventoryFeed::Failed {
        location: shown.clone(),
        error,
        catch_up: format!("vimes sbom index {production}"),
    };
    let sbom = match &promoted.sbom {
        Ok(sbom) => sbom,
        Err(e) => return failed(format!("the SBOM Syft wrote cannot be filed: {e}")),
    };
    let record = match serde_json::to_string(&promoted.record) {
        Ok(json) => json,
        Err(e) => return failed(format!("the promotion record cannot be serialised: {e}")),
    };
    let filed = file(location, promoted, sbom, record);
    match filed {
        Ok((packages, promotion_added)) => InventoryFeed::Recorded {
            location: shown,
            packages,
            promotion_added,
        },
        Err(e) => failed(e.to_string()),
    }
}

/// The two writes, in one place so that either failure becomes the outcome.
fn file(
    location: Location,
    promoted: &Promoted,
    sbom: &crate::sbom::Sbom,
    record: String,
) -> crate::error::Result<(usize, bool)> {
    let mut inventory = Inventory::open(location)?;
    let image = ImageRecord {
        repository: promoted.repository.clone(),
        digest: promoted.record.digest.clone(),
        tags: vec![promoted.record.tag.clone()],
        replace_tags: false,
        origin: "promotion".into(),
    };
    let indexed = inventory.index(&[(image, sbom)])?;
    let added = inventory.record_promotion(&PromotionEntry {
        repository: promoted.repository.clone(),
        digest: promoted.record.digest.clone(),
        tag: promoted.record.tag.clone(),
        promoted_at: promoted.record.finished_at.clone(),
        record,
    })?;
    Ok((indexed.iter().map(|i| i.packages).sum(), added))
}
