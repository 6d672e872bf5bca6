//! SBOMs: reading CycloneDX and SPDX documents, the local inventory that
//! answers "which images contain X?", version ranges per ecosystem and OSV
//! advisories. The engine never prints; commands render what it returns.

pub mod document;
pub mod filing;
pub mod inventory;
pub mod lookup;
pub mod merge;
pub mod osv;
pub mod purl;
pub mod query;
pub mod range;
pub mod version;

pub use document::Sbom;
pub use inventory::Inventory;
