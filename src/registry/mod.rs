//! Registry engine: references, credentials, a retrying client on oci-client,
//! and digest-verified copies.

pub mod auth;
pub mod bounded;
pub mod client;
pub mod config_lookup;
pub mod copy;
pub mod identity;
pub mod manifest;
pub mod realm;
pub mod reference;
pub mod tls;

pub use client::RegistryClient;
pub use reference::ImageRef;
