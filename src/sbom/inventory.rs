//! The SBOM inventory: one SQLite file (in the user's data directory unless
//! `sbom.inventory` says otherwise) holding, per image digest, the packages of
//! its SBOM, indexed by name, source package and PURL so that "which images
//! contain X?" is one indexed lookup instead of a scan of every SBOM.

use crate::config::SbomFormat;
use crate::error::{Error, Result};
use rusqlite::{Connection, ErrorCode};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Version of the schema below, kept in SQLite's `user_version`.
pub const SCHEMA_VERSION: i64 = 2;

/// The hint every "cannot use this database" error carries.
const REBUILD_HINT: &str =
    "recreate it with `vimes sbom index --rebuild` and index the SBOMs again";

// Packages are clustered by their name (WITHOUT ROWID, primary key name_id,
// image_id, seq): "which images contain X" is one range of one b-tree, and
// filing a package is one b-tree insert. Other names a package answers to
// (its source package, its PURL name when different) are rows of `aliases`
// pointing at it. Names are interned in `names`; `image_keys` lists the name
// and alias ids an image used, so re-indexing it deletes exactly its rows
// (kept apart from `images`, whose rows stay small for counts and joins).
// Fewer b-tree inserts per package is what keeps indexing at thousands of
// SBOMs a second.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY,
    repository TEXT NOT NULL,
    digest TEXT NOT NULL,
    tags TEXT NOT NULL,
    format TEXT NOT NULL,
    origin TEXT NOT NULL,
    indexed_at TEXT NOT NULL,
    promoted_at TEXT,
    package_count INTEGER NOT NULL,
    UNIQUE (repository, digest)
);
CREATE TABLE IF NOT EXISTS image_keys (
    image_id INTEGER PRIMARY KEY REFERENCES images(id),
    keys TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS names (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS packages (
    name_id INTEGER NOT NULL,
    image_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    type TEXT NOT NULL,
    purl TEXT,
    source TEXT,
    source_version TEXT,
    PRIMARY KEY (name_id, image_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases (
    alias_id INTEGER NOT NULL,
    image_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    name_id INTEGER NOT NULL,
    PRIMARY KEY (alias_id, image_id, seq)
) WITHOUT ROWID;
";

/// The tables a vimes inventory has.
const TABLES: [&str; 5] = ["images", "image_keys", "names", "packages", "aliases"];

/// An open inventory.
pub struct Inventory {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// `names` as far as this process has seen it (ids never change).
    pub(super) interned: HashMap<String, i64>,
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
    /// The inventory file: `configured` (relative to `base`, the directory of
    /// vimes.yaml) or `<data dir>/vimes/inventory.db` (XDG_DATA_HOME on Linux).
    pub fn default_path(configured: Option<&str>, base: Option<&Path>) -> Result<PathBuf> {
        if let Some(p) = configured {
            let path = PathBuf::from(p);
            return Ok(match base {
                Some(dir) if path.is_relative() => dir.join(path),
                _ => path,
            });
        }
        crate::paths::data_dir()
            .map(|d| d.join("inventory.db"))
            .ok_or_else(|| {
                Error::Usage(
                    "no user data directory (HOME unset?): set sbom.inventory in vimes.yaml".into(),
                )
            })
    }

    /// Opens the inventory, creating it (and its directory) when absent.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|error| Error::File {
                path: dir.to_path_buf(),
                error,
            })?;
        }
        let conn = Connection::open(path).map_err(|e| db_error(path, &e))?;
        let inventory = Inventory {
            conn,
            path: path.to_path_buf(),
            interned: HashMap::new(),
        };
        inventory.prepare().map_err(|e| db_error(path, &e))?;
        inventory.check_schema()?;
        Ok(inventory)
    }

    /// Opens an inventory that must already exist (queries: an absent
    /// inventory must not look like "no image is affected").
    pub fn open_existing(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(Error::Usage(format!(
                "no SBOM inventory at {}: index SBOMs first (vimes sbom index FILE|IMAGE|--repository REPO)",
                path.display()
            )));
        }
        Self::open(path)
    }

    /// Deletes the inventory (and SQLite's side files) and creates it empty.
    pub fn recreate(path: &Path) -> Result<Self> {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let file = PathBuf::from(file);
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(Error::File { path: file, error }),
            }
        }
        Self::open(path)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn prepare(&self) -> rusqlite::Result<()> {
        // Another vimes may be indexing: wait for its transaction instead of failing.
        self.conn.busy_timeout(Duration::from_secs(30))?;
        // WAL + NORMAL: readers never block the writer and a commit costs no
        // fsync; a crash can lose the last commits, never corrupt the file.
        let _: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        self.conn
            // A 128 MiB page cache (used only as pages are touched) keeps the
            // b-tree pages of a bulk load in memory instead of re-reading them
            // through the kernel.
            .execute_batch(
                "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -131072;",
            )
    }

    fn check_schema(&self) -> Result<()> {
        let path = &self.path;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| db_error(path, &e))?;
        // (all objects, ours): an empty file gets the schema; another
        // program's database is left alone.
        let tables = TABLES.map(|t| format!("'{t}'")).join(", ");
        let (objects, ours): (i64, i64) = self
            .conn
            .query_row(
                &format!(
                    "SELECT count(*), count(*) FILTER (WHERE type = 'table' AND name IN ({tables}))
                     FROM sqlite_master"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| db_error(path, &e))?;
        match version {
            // IF NOT EXISTS + IMMEDIATE: two vimes creating it at once both succeed.
            0 if objects == 0 => self
                .conn
                .execute_batch(&format!(
                    "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))
                .map_err(|e| db_error(path, &e)),
            SCHEMA_VERSION if ours == TABLES.len() as i64 => Ok(()),
            0 | SCHEMA_VERSION => Err(unusable(path, "it is not a vimes SBOM inventory")),
            other => Err(unusable(
                path,
                &format!("its schema version {other} is not the {SCHEMA_VERSION} this vimes uses"),
            )),
        }
    }

    /// How many images are filed (an index-only count: cheap for queries).
    pub fn image_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM images", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| db_error(&self.path, &e))
    }

    /// How many images and packages are filed.
    pub fn counts(&self) -> Result<(u64, u64)> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM images), (SELECT coalesce(sum(package_count), 0) FROM images)",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(|e| db_error(&self.path, &e))
    }
}

fn unusable(path: &Path, why: &str) -> Error {
    Error::File {
        path: path.to_path_buf(),
        error: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("cannot use this SBOM inventory: {why}; {REBUILD_HINT}"),
        ),
    }
}

/// A database failure as an error on the inventory file; corruption gets the rebuild hint.
pub(super) fn db_error(path: &Path, e: &rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => unusable(
            path,
            &format!("the file is corrupt or not an SQLite database ({e})"),
        ),
        _ => Error::File {
            path: path.to_path_buf(),
            error: std::io::Error::other(format!("SBOM inventory: {e}")),
        },
    }
}

#[cfg(test)]
#[path = "inventory_tests.rs"]
mod tests;
