//! Registry engine: references, credentials, a retrying client on oci-client,
//! and digest-verified copies.

pub mod auth;
pub mod client;
pub mod copy;
pub mod manifest;
pub mod reference;
pub mod tls;

pub use client::RegistryClient;
pub use reference::ImageRef;
