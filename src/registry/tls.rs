//! TLS trust shared by every HTTP client vimes builds: the platform's roots
//! plus the `ca_file` entries of vimes.yaml. `SSL_CERT_FILE` is honoured by
//! the platform verifier itself (rustls-native-certs reads it instead of the
//! system store), so it is not parsed a second time as extra roots, which
//! cost a few milliseconds per client on every command.

use crate::error::{ConfigError, Error, Result};
use std::path::PathBuf;

/// Checks that `SSL_CERT_FILE`, when set, can be read: the platform verifier
/// would only log a warning and go on without it, and a user who set it
/// expects either that trust or a clear error.
pub fn check_ssl_cert_file() -> Result<()> {
    let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    std::fs::File::open(&path)
        .map(drop)
        .map_err(|error| Error::File { path, error })
}

/// The `ca_file` of every registry entry, in vimes.yaml order (read by every
/// client, since one command may reach several registries).
pub fn ca_files(config: &crate::config::Config) -> Vec<PathBuf> {
    config
        .registries
        .values()
        .filter_map(|r| r.ca_file.as_ref().map(Into::into))
        .collect()
}

/// Reads `paths` as PEM certificate bundles (every certificate of a chain
/// counts) for a reqwest client.
pub fn reqwest_roots(paths: &[PathBuf]) -> Result<Vec<reqwest::Certificate>> {
    let mut roots = Vec::new();
    for path in paths {
        let pem = std::fs::read(path).map_err(|error| Error::File {
            path: path.clone(),
            error,
        })?;
        roots.extend(reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            ConfigError::in_file(path.display(), format!("not a PEM certificate file: {e}"))
        })?);
    }
    Ok(roots)
}
