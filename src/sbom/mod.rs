//! SBOMs: reading CycloneDX and SPDX documents, the inventory that answers
//! "which images contain X?" (an SQLite file or a shared PostgreSQL
//! database), version ranges per ecosystem and OSV advisories. The engine
//! never prints; commands render what it returns.

pub mod document;
mod filing;
pub mod inventory;
pub mod lookup;
pub mod merge;
pub mod osv;
mod postgres;
pub mod purl;
pub mod query;
pub mod range;
mod schema;
mod sqlite;
pub mod version;

pub use document::Sbom;
pub use inventory::Inventory;
