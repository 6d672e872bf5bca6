//! Registry engine: references, credentials, a retrying client on oci-client,
//! and digest-verified copies.
