//! Multi-step workflows built from the engine's parts: scan gate, review,
//! promotion, copies into production, builds, SBOMs and their inventory.
//! They take typed requests, return typed outcomes and report progress to
//! [`crate::ui::progress::Progress`]; the commands render what they return.

pub mod attested_sbom;
pub mod build;
pub mod evidence;
pub mod production_copy;
pub mod promote;
pub mod provenance;
pub mod registry_walk;
pub mod report;
pub mod rescan;
pub mod review;
pub mod reviewer;
pub mod sbom;
pub mod sbom_index;
pub mod scan;
pub mod status;
