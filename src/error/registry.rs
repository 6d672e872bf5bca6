//! Failures of registries and of Harbor's API (exit 4), typed by cause so
//! callers can tell a rejected credential from a registry that is down.

/// Why a registry (or Harbor) failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistryErrorKind {
    /// Credentials missing, rejected, or refused for that token service.
    Auth,
    /// A TLS or certificate problem, or an HTTP client that cannot be set up.
    Tls,
    /// Unreachable, timed out, 5xx or 429 after the retries ran out.
    Transient,
    /// The image, manifest, blob or Harbor object does not exist.
    NotFound,
    /// Content did not match the digest it was asked by: nothing was written.
    DigestMismatch,
    /// An answer vimes could not use (bad JSON, too large, unexpected status).
    Protocol,
}

impl RegistryErrorKind {
    /// The kind an HTTP status that ended a request stands for.
    pub fn of_status(status: u16) -> Self {
        match status {
            401 | 403 => RegistryErrorKind::Auth,
            404 => RegistryErrorKind::NotFound,
            429 | 500..=599 => RegistryErrorKind::Transient,
            _ => RegistryErrorKind::Protocol,
        }
    }

    /// The kind a request that got no answer stands for: a certificate
    /// problem is TLS (it does not heal by retrying), anything else the
    /// network.
    pub fn of_unanswered(chain_text: &str) -> Self {
        if chain_text.to_ascii_lowercase().contains("certificate") {
            RegistryErrorKind::Tls
        } else {
            RegistryErrorKind::Transient
        }
    }
}

/// A registry failure, naming the host it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{host}: {message}")]
pub struct RegistryError {
    /// The registry host the failure concerns.
    pub host: String,
    /// Why it failed.
    pub kind: RegistryErrorKind,
    /// What happened (never contains a credential).
    pub message: String,
}

impl RegistryError {
    /// A failure of `kind` at `host`.
    pub fn new(
        kind: RegistryErrorKind,
        host: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        RegistryError {
            host: host.into(),
            kind,
            message: message.into(),
        }
    }

    /// Credentials missing or rejected.
    pub fn auth(host: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RegistryErrorKind::Auth, host, message)
    }

    /// A TLS problem, or an HTTP client that cannot be set up.
    pub fn tls(host: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RegistryErrorKind::Tls, host, message)
    }

    /// Still failing after the retries.
    pub fn transient(host: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RegistryErrorKind::Transient, host, message)
    }

    /// Something the registry does not have.
    pub fn not_found(host: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RegistryErrorKind::NotFound, host, message)
    }

    /// An answer vimes could not use.
    pub fn protocol(host: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RegistryErrorKind::Protocol, host, message)
    }

    /// Bytes that did not hash to the digest `what` was fetched by.
    pub fn digest_mismatch(
        host: impl Into<String>,
        what: &str,
        expected: &str,
        actual: &str,
    ) -> Self {
        Self::new(
            RegistryErrorKind::DigestMismatch,
            host,
            format!("digest mismatch for {what}: expected {expected}, got {actual}"),
        )
    }
}

/// A failure of Harbor's own API (projects, rules, scans), as opposed to its
/// OCI distribution endpoints (exit 4, like any registry).
#[derive(Debug, thiserror::Error)]
#[error("{host}: {message}")]
pub struct HarborError {
    /// The Harbor host.
    pub host: String,
    /// Why it failed.
    pub kind: RegistryErrorKind,
    /// What was being done and what Harbor answered.
    pub message: String,
}

impl HarborError {
    /// A failure of `kind` at `host`.
    pub fn new(
        kind: RegistryErrorKind,
        host: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        HarborError {
            host: host.into(),
            kind,
            message: message.into(),
        }
    }

    /// A TLS problem, or an HTTP client that cannot be set up.
    pub fn tls(host: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RegistryErrorKind::Tls, host, message)
    }

    /// Something Harbor does not hold.
    pub fn not_found(host: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RegistryErrorKind::NotFound, host, message)
    }

    /// An answer vimes could not use.
    pub fn protocol(host: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RegistryErrorKind::Protocol, host, message)
    }
}
