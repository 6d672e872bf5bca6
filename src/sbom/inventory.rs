//! The SBOM inventory: per image digest, the packages of its SBOM, indexed by
//! name, source package and PURL so that "which images contain X?" is one
//! indexed lookup instead of a scan of every SBOM. Two backends hold the
//! same schema: an SQLite file (the default, one machine) and a PostgreSQL
//! database (a team's shared inventory). Everything above this module sees
//! only [`Inventory`]; the backend is chosen by [`Location`].

use super::document::Sbom;
use super::lookup::{Lookup, Plan, Row};
pub use super::postgres::PostgresTarget;
pub use super::schema::PromotionEntry;
use super::{postgres, sqlite};
use crate::config::{InventoryTarget, SbomConfig, SbomFormat};
use crate::error::{Error, Result};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Where an inventory is, with what it takes to open it.
#[derive(Clone)]
pub enum Location {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database.
    Postgres(PostgresTarget),
}

impl Location {
    /// The inventory `sbom` configures: `sbom.inventory` (a path relative to
    /// `base`, the directory of vimes.yaml, or a `postgres://` URL), else
    /// `<data dir>/vimes/inventory.db`. `password` is the value of the
    /// variable `sbom.password_env` names, read by the caller.
    pub fn configured(
        sbom: &SbomConfig,
        base: Option<&Path>,
        password: Option<String>,
    ) -> Result<Self> {
        let target = sbom
            .inventory
            .as_deref()
            .map(crate::config::parse_inventory)
            .transpose()
            .map_err(|e| Error::Usage(e.to_string()))?;
        Ok(match target {
            Some(InventoryTarget::Postgres(url)) => Location::Postgres(PostgresTarget {
                url,
                password: password.map(Zeroizing::new),
                ca_file: sbom.ca_file.as_deref().map(|f| relative_to(f, base)),
            }),
            Some(InventoryTarget::Sqlite(path)) => Location::Sqlite(relative_to(&path, base)),
            None => Location::Sqlite(Inventory::default_path(None, base)?),
        })
    }
}

fn relative_to(path: &str, base: Option<&Path>) -> PathBuf {
    let path = PathBuf::from(path);
    match base {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Self {
        Location::Sqlite(path.to_path_buf())
    }
}

impl From<&PathBuf> for Location {
    fn from(path: &PathBuf) -> Self {
        Location::Sqlite(path.clone())
    }
}

impl From<&Location> for Location {
    fn from(location: &Location) -> Self {
        location.clone()
    }
}

impl fmt::Display for Location {
    /// The file path, or the URL (which never holds the password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(target) => write!(f, "{}", target.url),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An open inventory.
pub struct Inventory {
    backend: Backend,
    location: Location,
}

enum Backend {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

/// Where an SBOM is filed.
#[derive(Clone, Debug)]
pub struct ImageRecord {
    /// `host/repository`.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Tags known to point at the digest.
    pub tags: Vec<String>,
    /// The tags are the complete current set (a repository listing): replace
    /// the recorded ones instead of adding to them.
    pub replace_tags: bool,
    /// Where the SBOM came from (a file path, or `attestation`, `syft`).
    pub origin: String,
}

/// One image as filed.
#[derive(Clone, Debug, Serialize)]
pub struct Indexed {
    /// `host/repository`.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Tags recorded for it.
    pub tags: Vec<String>,
    /// SBOM format.
    pub format: &'static str,
    /// Number of packages filed.
    pub packages: usize,
    /// Where the SBOM came from.
    pub origin: String,
    /// When (RFC 3339, UTC).
    pub indexed_at: String,
}

/// The short name of a format, as the CLI and the database write it.
pub fn format_name(format: SbomFormat) -> &'static str {
    match format {
        SbomFormat::CyclonedxJson => "cyclonedx-json",
        SbomFormat::SpdxJson => "spdx-json",
    }
}

impl Inventory {
    /// The SQLite inventory file: `configured` (relative to `base`, the
    /// directory of vimes.yaml) or `<data dir>/vimes/inventory.db`
    /// (XDG_DATA_HOME on Linux).
    pub fn default_path(configured: Option<&str>, base: Option<&Path>) -> Result<PathBuf> {
        if let Some(p) = configured {
            return Ok(relative_to(p, base));
        }
        crate::paths::data_dir()
            .map(|d| d.join("inventory.db"))
            .ok_or_else(|| {
                Error::Usage(
                    "no user data directory (HOME unset?): set sbom.inventory in vimes.yaml".into(),
                )
            })
    }

    /// Opens the inventory, creating it (an SQLite file and its directory,
    /// or the tables of a PostgreSQL database) when absent, and brings its
    /// schema up to the version this vimes uses.
    pub fn open(location: impl Into<Location>) -> Result<Self> {
        let location = location.into();
        let backend = match &location {
            Location::Sqlite(path) => Backend::Sqlite(sqlite::Sqlite::open(path)?),
            Location::Postgres(target) => Backend::Postgres(created(postgres::Postgres::open(
                target,
                postgres::Mode::Create,
            )?)?),
        };
        Ok(Inventory { backend, location })
    }

    /// Opens an inventory that must already exist (queries: an absent
    /// inventory must not look like "no image is affected").
    pub fn open_existing(location: impl Into<Location>) -> Result<Self> {
        let location = location.into();
        let backend = match &location {
            Location::Sqlite(path) if !path.exists() => return Err(never_indexed(&location)),
            Location::Sqlite(path) => Backend::Sqlite(sqlite::Sqlite::open(path)?),
            Location::Postgres(target) => {
                match postgres::Postgres::open(target, postgres::Mode::Existing)? {
                    Some(pg) => Backend::Postgres(pg),
                    None => return Err(never_indexed(&location)),
                }
            }
        };
        Ok(Inventory { backend, location })
    }

    /// Deletes the inventory and creates it empty.
    pub fn recreate(location: impl Into<Location>) -> Result<Self> {
        let location = location.into();
        let backend = match &location {
            Location::Sqlite(path) => Backend::Sqlite(sqlite::Sqlite::recreate(path)?),
            Location::Postgres(target) => Backend::Postgres(created(postgres::Postgres::open(
                target,
                postgres::Mode::Recreate,
            )?)?),
        };
        Ok(Inventory { backend, location })
    }

    /// Where it is (a path or a URL without password), for messages and JSON.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Files SBOMs, one transaction for all: each image's earlier packages
    /// are replaced, so indexing the same digest again changes nothing else.
    pub fn index(&mut self, items: &[(ImageRecord, &Sbom)]) -> Result<Vec<Indexed>> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.index(items),
            Backend::Postgres(db) => db.index(items),
        }
    }

    /// Records a promotion once per repository and digest: `Ok(false)` when
    /// that digest's promotion is already recorded (a re-run), which is
    /// left as it was, so the first promotion's evidence stands.
    pub fn record_promotion(&mut self, entry: &PromotionEntry) -> Result<bool> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.record_promotion(entry),
            Backend::Postgres(db) => db.record_promotion(entry),
        }
    }

    /// How many promotions are recorded.
    pub fn promotion_count(&self) -> Result<u64> {
        match &self.backend {
            Backend::Sqlite(db) => db.promotion_count(),
            Backend::Postgres(db) => db.promotion_count(),
        }
    }

    /// The packages matching `lookup`, with their images, ordered by image.
    pub fn lookup(&self, lookup: Lookup<'_>) -> Result<Vec<Row>> {
        let plan = Plan::new(lookup);
        let rows = match &self.backend {
            Backend::Sqlite(db) => db.fetch(&plan)?,
            Backend::Postgres(db) => db.fetch(&plan)?,
        };
        Ok(plan.finish(rows))
    }

    /// How many images are filed (an index-only count: cheap for queries).
    pub fn image_count(&self) -> Result<u64> {
        match &self.backend {
            Backend::Sqlite(db) => db.image_count(),
            Backend::Postgres(db) => db.image_count(),
        }
    }

    /// The digests filed under `repository` (`host/repository`), in no
    /// particular order: what `sbom index --registry` need not read again.
    pub fn digests_of(&self, repository: &str) -> Result<Vec<String>> {
        match &self.backend {
            Backend::Sqlite(db) => db.digests_of(repository),
            Backend::Postgres(db) => db.digests_of(repository),
        }
    }

    /// How many images and packages are filed.
    pub fn counts(&self) -> Result<(u64, u64)> {
        match &self.backend {
            Backend::Sqlite(db) => db.counts(),
            Backend::Postgres(db) => db.counts(),
        }
    }
}

/// A PostgreSQL inventory opened in a mode that creates it is always there.
fn created(pg: Option<postgres::Postgres>) -> Result<postgres::Postgres> {
    pg.ok_or_else(|| Error::Internal("the inventory was created but is not there".into()))
}

fn never_indexed(location: &Location) -> Error {
    Error::Usage(format!(
        "no SBOM inventory at {location}: index SBOMs first (vimes sbom index FILE|IMAGE|--repository REPO)"
    ))
}

#[cfg(test)]
#[path = "inventory_tests.rs"]
mod tests;
