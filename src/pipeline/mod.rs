//! Multi-step workflows built from the engine's parts: scan gate, review,
//! promotion, copies into production.

pub mod attested_sbom;
pub mod build;
pub mod evidence;
pub mod production_copy;
pub mod promote;
pub mod review;
pub mod reviewer;
pub mod sbom;
pub mod scan;
