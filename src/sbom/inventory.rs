//! The SBOM inventory: one SQLite file (in the user's data directory unless
//! `sbom.inventory` says otherwise) holding, per image digest, the packages of
//! its SBOM, indexed by name, source package and PURL so that "which images
//! contain X?" is one indexed lookup instead of a scan of every SBOM.

use super::document::Sbom;
use super::purl::normalize_name;
use crate::config::SbomFormat;
use crate::error::{Error, Result};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Version of the schema below, kept in SQLite's `user_version`.
pub const SCHEMA_VERSION: i64 = 1;

/// The hint every "cannot use this database" error carries.
const REBUILD_HINT: &str =
    "recreate it with `vimes sbom index --rebuild` and index the SBOMs again";

// Packages are clustered by image (WITHOUT ROWID, primary key image_id, seq),
// so replacing one image's packages touches one key range. Lookup keys (the
// normalised name, the source name, the PURL key) are interned in `names`:
// the lookup indexes then hold small integers, which is what keeps indexing
// at thousands of SBOMs a second.
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
CREATE TABLE IF NOT EXISTS names (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS packages (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    type TEXT NOT NULL,
    purl TEXT,
    source TEXT,
    source_version TEXT,
    name_id INTEGER NOT NULL,
    source_id INTEGER,
    purl_id INTEGER,
    PRIMARY KEY (image_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS packages_by_name ON packages (name_id);
CREATE INDEX IF NOT EXISTS packages_by_source ON packages (source_id) WHERE source_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS packages_by_purl ON packages (purl_id) WHERE purl_id IS NOT NULL;
";

/// The tables a vimes inventory has.
const TABLES: [&str; 3] = ["images", "names", "packages"];

/// An open inventory.
pub struct Inventory {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// `names` as far as this process has seen it (ids never change).
    interned: HashMap<String, i64>,
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

/// One package of one image, as a lookup returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `host/repository`.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Tags recorded for the image.
    pub tags: Vec<String>,
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// PURL type.
    pub kind: String,
    /// PURL as written.
    pub purl: Option<String>,
    /// Source package name.
    pub source: Option<String>,
    /// Source package version, when it differs.
    pub source_version: Option<String>,
}

/// What to look up.
#[derive(Clone, Copy, Debug)]
pub enum Lookup<'a> {
    /// A package by name (binary or source name), optionally of one PURL type.
    Name {
        /// The name as the user typed it.
        name: &'a str,
        /// Only this PURL type.
        kind: Option<&'a str>,
    },
    /// A package by normalised PURL key ([`super::purl::Purl::key`]).
    PurlKey(&'a str),
    /// A package of one PURL type by name or source name (advisories).
    Typed {
        /// PURL type.
        kind: &'a str,
        /// Package name as the advisory writes it.
        name: &'a str,
    },
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
        dirs::data_dir()
            .map(|d| d.join("vimes").join("inventory.db"))
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
            // A larger page cache keeps the index b-trees in memory during
            // bulk indexing instead of re-reading pages through the kernel.
            .execute_batch(
                "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
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
        let (objects, ours): (i64, i64) = self
            .conn
            .query_row(
                "SELECT count(*), count(*) FILTER (WHERE type = 'table' AND name IN ('images', 'names', 'packages'))
                 FROM sqlite_master",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| db_error(path, &e))?;
        match version {
            0 if objects == 0 => self
                .conn
                .execute_batch(&format!(
                    // IF NOT EXISTS + IMMEDIATE: two vimes creating it at once both succeed.
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

    /// Files SBOMs, one transaction for all: each image's earlier packages
    /// are replaced, so indexing the same digest again changes nothing else.
    pub fn index(&mut self, items: &[(ImageRecord, &Sbom)]) -> Result<Vec<Indexed>> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| db_error(&path, &e);
        let now = rfc3339(SystemTime::now());
        let tx = self.conn.transaction().map_err(err)?;
        let mut done = Vec::with_capacity(items.len());
        {
            let mut find = tx
                .prepare_cached("SELECT id, tags FROM images WHERE repository = ?1 AND digest = ?2")
                .map_err(err)?;
            let mut insert_image = tx
                .prepare_cached(
                    "INSERT INTO images (repository, digest, tags, format, origin, indexed_at, package_count)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(err)?;
            let mut update_image = tx
                .prepare_cached(
                    "UPDATE images SET tags = ?2, format = ?3, origin = ?4, indexed_at = ?5, package_count = ?6
                     WHERE id = ?1",
                )
                .map_err(err)?;
            let mut clear = tx
                .prepare_cached("DELETE FROM packages WHERE image_id = ?1")
                .map_err(err)?;
            let mut insert_package = tx
                .prepare_cached(
                    "INSERT INTO packages (image_id, seq, name, name_key, version, type, purl, purl_key, source, source_version)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(err)?;
            for (record, sbom) in items {
                let format = format_name(sbom.format);
                let existing: Option<(i64, String)> = find
                    .query_row(params![record.repository, record.digest], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()
                    .map_err(err)?;
                let mut tags = record.tags.clone();
                if let (Some((_, old)), false) = (&existing, record.replace_tags) {
                    tags.extend(serde_json::from_str::<Vec<String>>(old).unwrap_or_default());
                }
                tags.sort();
                tags.dedup();
                let tags_json = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into());
                let count = i64::try_from(sbom.packages.len()).unwrap_or(i64::MAX);
                let id = match existing {
                    Some((id, _)) => {
                        update_image
                            .execute(params![id, tags_json, format, record.origin, now, count])
                            .map_err(err)?;
                        clear.execute([id]).map_err(err)?;
                        id
                    }
                    None => {
                        insert_image
                            .execute(params![
                                record.repository,
                                record.digest,
                                tags_json,
                                format,
                                record.origin,
                                now,
                                count
                            ])
                            .map_err(err)?;
                        tx.last_insert_rowid()
                    }
                };
                for (seq, p) in sbom.packages.iter().enumerate() {
                    insert_package
                        .execute(params![
                            id,
                            seq as i64,
                            p.name,
                            normalize_name(&p.kind, &p.name),
                            p.version,
                            p.kind,
                            p.purl,
                            p.purl_key,
                            p.source,
                            p.source_version
                        ])
                        .map_err(err)?;
                }
                done.push(Indexed {
                    repository: record.repository.clone(),
                    digest: record.digest.clone(),
                    tags,
                    format,
                    packages: sbom.packages.len(),
                    origin: record.origin.clone(),
                    indexed_at: now.clone(),
                });
            }
        }
        tx.commit().map_err(err)?;
        Ok(done)
    }

    /// The packages matching `lookup`, with their images, ordered by image.
    pub fn lookup(&self, lookup: Lookup<'_>) -> Result<Vec<Row>> {
        const SELECT: &str = "SELECT i.repository, i.digest, i.tags, p.name, p.version, p.type, p.purl, p.source, p.source_version
             FROM packages p JOIN images i ON i.id = p.image_id WHERE ";
        const ORDER: &str = " ORDER BY i.repository, i.digest, p.name, p.version";
        let (condition, args): (String, Vec<String>) = match lookup {
            // The typed name, its lower case (deb, npm), its PEP 503 form (PyPI
            // only), or a source package name: `openssl` finds libssl3.
            Lookup::Name { name, kind } => {
                let mut args = vec![
                    name.to_string(),
                    name.to_ascii_lowercase(),
                    normalize_name("pypi", name),
                ];
                let by_name = "(p.name_key IN (?1, ?2) OR (p.type = 'pypi' AND p.name_key = ?3) OR p.source = ?1)";
                match kind {
                    Some(kind) => {
                        args.push(kind.to_string());
                        (format!("{by_name} AND p.type = ?4"), args)
                    }
                    None => (by_name.to_string(), args),
                }
            }
            Lookup::PurlKey(key) => ("p.purl_key = ?1".to_string(), vec![key.to_string()]),
            Lookup::Typed { kind, name } => (
                "p.type = ?1 AND (p.name_key = ?2 OR p.source = ?3)".to_string(),
                vec![
                    kind.to_string(),
                    normalize_name(kind, name),
                    name.to_string(),
                ],
            ),
        };
        let sql = format!("{SELECT}{condition}{ORDER}");
        let err = |e: rusqlite::Error| db_error(&self.path, &e);
        let mut stmt = self.conn.prepare_cached(&sql).map_err(err)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                let tags: String = r.get(2)?;
                Ok(Row {
                    repository: r.get(0)?,
                    digest: r.get(1)?,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    name: r.get(3)?,
                    version: r.get(4)?,
                    kind: r.get(5)?,
                    purl: r.get(6)?,
                    source: r.get(7)?,
                    source_version: r.get(8)?,
                })
            })
            .map_err(err)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(err)
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
fn db_error(path: &Path, e: &rusqlite::Error) -> Error {
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

/// `YYYY-MM-DDTHH:MM:SSZ` for a time after 1970.
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (proleptic Gregorian), by 400-year eras.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
#[path = "inventory_tests.rs"]
mod tests;
