//! The PostgreSQL backend of the inventory: a team's shared database, written
//! by several promotions at once. The driver is `tokio-postgres` (async) on a
//! runtime of its own, so the inventory keeps the same blocking interface as
//! the SQLite backend whether its caller is async code or a plain thread:
//! each call runs on a short-lived scoped thread that drives the runtime
//! (a runtime cannot be entered from inside another one).

mod connect;
mod filing;
mod lookup;
mod migrations;

use super::schema::PromotionEntry;
use crate::config::PostgresUrl;
use crate::error::{Error, RegistryError, RegistryErrorKind, Result};
use std::borrow::Cow;
use std::future::Future;
use std::path::PathBuf;
use tokio::runtime::Runtime;
use tokio_postgres::Client;
use zeroize::Zeroizing;

/// A PostgreSQL inventory: its URL, the password read from the environment
/// at the edge, and the extra CA to trust.
#[derive(Clone)]
pub struct PostgresTarget {
    /// The checked URL (it holds no password).
    pub url: PostgresUrl,
    /// The password, when `sbom.password_env` names a set variable.
    pub password: Option<Zeroizing<String>>,
    /// PEM file of an extra CA (resolved against vimes.yaml's directory).
    pub ca_file: Option<PathBuf>,
}

/// How an inventory is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// Create the tables when there are none.
    Create,
    /// The tables must exist (queries): `None` when they do not.
    Existing,
    /// Drop the tables and create them empty (`sbom index --rebuild`).
    Recreate,
}

/// An open PostgreSQL inventory.
pub(super) struct Postgres {
    rt: OwnRuntime,
    client: Client,
    /// The URL, for messages (it holds no password).
    place: String,
}

impl Postgres {
    /// Connects (TLS with verification unless the URL says `sslmode=disable`
    /// for a loopback host), then brings the schema up to date under the
    /// migration lock.
    pub fn open(target: &PostgresTarget, mode: Mode) -> Result<Option<Self>> {
        let place = target.url.to_string();
        let rt = OwnRuntime(Some(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| {
                    Error::Internal(format!("cannot start the inventory's runtime: {e}"))
                })?,
        ));
        let Some(runtime) = rt.0.as_ref() else {
            return Err(Error::Internal("the inventory's runtime is gone".into()));
        };
        let tls = match target.url.tls {
            true => Some(connect::tls_config(target.ca_file.as_deref())?),
            false => None,
        };
        let mut client = block_on(runtime, connect::connect(runtime, target, tls))?;
        let found = block_on(runtime, migrations::migrate(&mut client, mode, &place))?;
        Ok(found.then_some(Postgres { rt, client, place }))
    }

    /// Runs `fut` to completion on this inventory's runtime.
    fn block<F>(&self, fut: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        match &self.rt.0 {
            Some(rt) => block_on(rt, fut),
            // Only `drop` takes the runtime, and nothing runs after it.
            None => unreachable!("the inventory's runtime is gone"),
        }
    }

    /// How many images are filed.
    pub fn image_count(&self) -> Result<u64> {
        let row = self
            .block(self.client.query_one("SELECT count(*) FROM images", &[]))
            .map_err(|e| pg_error(&self.place, &e))?;
        Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
    }

    /// The digests filed under `repository`.
    pub fn digests_of(&self, repository: &str) -> Result<Vec<String>> {
        let rows = self
            .block(self.client.query(
                "SELECT digest FROM images WHERE repository = $1",
                &[&repository],
            ))
            .map_err(|e| pg_error(&self.place, &e))?;
        Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
    }

    /// How many images and packages are filed.
    pub fn counts(&self) -> Result<(u64, u64)> {
        let row = self
            .block(self.client.query_one(
                "SELECT count(*), coalesce(sum(package_count), 0)::bigint FROM images",
                &[],
            ))
            .map_err(|e| pg_error(&self.place, &e))?;
        let count = |i: usize| u64::try_from(row.get::<_, i64>(i)).unwrap_or(0);
        Ok((count(0), count(1)))
    }
}

impl Postgres {
    /// Records a promotion unless its repository and digest already have
    /// one; the primary key decides, so concurrent promotions of one digest
    /// record it once.
    pub fn record_promotion(&mut self, entry: &PromotionEntry) -> Result<bool> {
        let (repository, digest, tag) = (
            pg_text(&entry.repository),
            pg_text(&entry.digest),
            pg_text(&entry.tag),
        );
        let (promoted_at, record) = (pg_text(&entry.promoted_at), pg_text(&entry.record));
        let inserted = self
            .block(self.client.execute(
                "INSERT INTO promotions (repository, digest, tag, promoted_at, record)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (repository, digest) DO NOTHING",
                &[&repository, &digest, &tag, &promoted_at, &record],
            ))
            .map_err(|e| pg_error(&self.place, &e))?;
        Ok(inserted > 0)
    }

    /// How many promotions are recorded.
    pub fn promotion_count(&self) -> Result<u64> {
        let row = self
            .block(
                self.client
                    .query_one("SELECT count(*) FROM promotions", &[]),
            )
            .map_err(|e| pg_error(&self.place, &e))?;
        Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
    }
}

/// The inventory's runtime. Dropping a runtime inside async code panics
/// (vimes' commands are async); shutting it down in the background does
/// not, and the connection's task just ends.
struct OwnRuntime(Option<Runtime>);

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// Drives `fut` on `rt` from a scoped thread of its own: the caller may be
/// inside another runtime, where `block_on` would panic.
fn block_on<F>(rt: &Runtime, fut: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| rt.block_on(fut))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Text as PostgreSQL stores it: `text` cannot hold NUL, which an SBOM (an
/// image's own files) may contain; it becomes U+FFFD.
fn pg_text(s: &str) -> Cow<'_, str> {
    match s.contains('\0') {
        true => Cow::Owned(s.replace('\0', "\u{FFFD}")),
        false => Cow::Borrowed(s),
    }
}

/// Deadlocks and serialization failures: the transaction is run again.
fn retryable(e: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    e.code().is_some_and(|c| {
        *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

/// A database failure as vimes reports it: connection, TLS and
/// authentication failures are exit 4 (as a registry's are); a database that
/// does not exist is a configuration error (exit 2). The server's messages
/// never hold the password.
pub(super) fn pg_error(place: &str, e: &tokio_postgres::Error) -> Error {
    use tokio_postgres::error::SqlState;
    match e.as_db_error() {
        Some(db) if *db.code() == SqlState::INVALID_CATALOG_NAME => Error::Usage(format!(
            "{place}: SBOM inventory: {} (create the database first)",
            db.message()
        )),
        Some(db) => {
            let message = format!(
                "SBOM inventory: {} (SQLSTATE {})",
                db.message(),
                db.code().code()
            );
            // Class 28: invalid authorization (wrong password, no such role).
            let kind = match db.code().code().starts_with("28") {
                true => RegistryErrorKind::Auth,
                false => RegistryErrorKind::Protocol,
            };
            RegistryError::new(kind, place, message).into()
        }
        None => {
            // The driver's own message names only the step ("error
            // performing TLS handshake"); the cause says why.
            let mut message = format!("SBOM inventory: {e}");
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                let text = c.to_string();
                if !message.contains(&text) {
                    message.push_str(&format!(": {text}"));
                }
                cause = c.source();
            }
            let tls = ["tls", "certificate", "handshake"]
                .iter()
                .any(|w| message.to_ascii_lowercase().contains(w));
            let kind = match tls {
                true => RegistryErrorKind::Tls,
                false => RegistryErrorKind::Transient,
            };
            RegistryError::new(kind, place, message).into()
        }
    }
}
