//! Connecting to the inventory's server: TLS through rustls with the
//! system's roots plus `sbom.ca_file`, verifying the certificate and the host
//! name (libpq's `verify-full`); plain TCP only when the URL says
//! `sslmode=disable`, which the configuration allows for loopback hosts only.
//! The password comes from the environment variable `sbom.password_env`
//! names, read at the command edge.

use super::pg_error;
use super::PostgresTarget;
use crate::error::{Error, RegistryError, Result};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, NoTls};

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The TLS client configuration: system roots and the extra CA file.
pub(super) fn tls_config(ca_file: Option<&Path>) -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    // A system store that cannot be read leaves only the CA file: the
    // connection then fails verification, it never goes unverified.
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let invalid = |why: String| Error::File {
            path: path.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::InvalidData, why),
        };
        let pem = crate::regular_file::read(path).map_err(|error| Error::File {
            path: path.to_path_buf(),
            error,
        })?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| invalid(format!("sbom.ca_file is not PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| invalid(format!("sbom.ca_file holds an unusable certificate: {e}")))?;
            added += 1;
        }
        if added == 0 {
            return Err(invalid("sbom.ca_file holds no certificate".into()));
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Internal(format!("TLS setup for the inventory: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Connects and spawns the connection's task on `rt`.
pub(super) async fn connect(
    rt: &Runtime,
    target: &PostgresTarget,
    tls: Option<rustls::ClientConfig>,
) -> Result<Client> {
    let url = &target.url;
    let place = url.to_string();
    let mut config = tokio_postgres::Config::new();
    config
        .host(&url.host)
        .port(url.port)
        .user(&url.user)
        .dbname(&url.dbname)
        .application_name("vimes")
        .connect_timeout(CONNECT_TIMEOUT);
    if let Some(password) = &target.password {
        config.password(password.as_bytes());
    }
    let hint = |e: tokio_postgres::Error| {
        let error = pg_error(&place, &e);
        match (&error, target.password.is_none()) {
            (Error::Registry(e), true) if e.message.contains("password") => {
                RegistryError::new(
                    e.kind,
                    e.host.clone(),
                    format!(
                        "{} (no password given: set the variable sbom.password_env names, default PGPASSWORD)",
                        e.message
                    ),
                )
                .into()
            }
            _ => error,
        }
    };
    match tls {
        Some(tls) => {
            config.ssl_mode(SslMode::Require);
            let (client, connection) = config
                .connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
                .await
                .map_err(hint)?;
            rt.spawn(connection);
            Ok(client)
        }
        None => {
            config.ssl_mode(SslMode::Disable);
            let (client, connection) = config.connect(NoTls).await.map_err(hint)?;
            rt.spawn(connection);
            Ok(client)
        }
    }
}
