//! The SQLite backend of the inventory: one file (in the user's data
//! directory unless `sbom.inventory` says otherwise). Its schema version is
//! SQLite's `user_version`; migrations run inside an IMMEDIATE transaction,
//! which is SQLite's writer lock, so two vimes opening a new file at once
//! both succeed and neither applies a step twice.

mod filing;
mod lookup;

use super::schema::{self, Migration, PromotionEntry, REBUILD_HINT};
use crate::error::{Error, Result};
use rusqlite::{Connection, ErrorCode};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

// Packages are clustered by their name (WITHOUT ROWID, primary key name_id,
// image_id, seq): "which images contain X" is one range of one b-tree, and
// filing a package is one b-tree insert. Other names a package answers to
// (its source package, its PURL name when different) are rows of `aliases`
// pointing at it. Names are interned in `names`; `image_keys` lists the name
// and alias ids an image used, so re-indexing it deletes exactly its rows
// (kept apart from `images`, whose rows stay small for counts and joins).
// Fewer b-tree inserts per package is what keeps indexing at thousands of
// SBOMs a second.
const SCHEMA_V2: &str = "
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

// Version 3: what each promotion recorded, one row per production
// repository and digest (the identity: promoting the same digest again
// records nothing new), the promotion record as JSON.
use super::schema::PROMOTIONS_TABLE as SCHEMA_V3;

/// The schema, step by step (see `postgres/migrations.rs` for the same steps).
static MIGRATIONS: [Migration; 2] = [
    Migration {
        version: 2,
        sql: SCHEMA_V2,
    },
    Migration {
        version: 3,
        sql: SCHEMA_V3,
    },
];

/// The tables every vimes inventory has (version 2 on; later versions add
/// tables, which their migration creates).
const TABLES: [&str; 5] = ["images", "image_keys", "names", "packages", "aliases"];

/// An open SQLite inventory.
pub(super) struct Sqlite {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// `names` as far as this process has seen it (ids never change).
    pub(super) interned: HashMap<String, i64>,
}

impl Sqlite {
    /// Opens the inventory, creating it (and its directory) when absent.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|error| Error::File {
                path: dir.to_path_buf(),
                error,
            })?;
        }
        let conn = Connection::open(path).map_err(|e| db_error(path, &e))?;
        let inventory = Sqlite {
            conn,
            path: path.to_path_buf(),
            interned: HashMap::new(),
        };
        inventory.prepare().map_err(|e| db_error(path, &e))?;
        inventory.check_schema()?;
        Ok(inventory)
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
        // Versions first: an old or newer file says so, not "not vimes'".
        let steps = schema::pending(version, &MIGRATIONS)
            .map_err(|why| why.error(&path.display().to_string()))?;
        if (version == 0 && objects != 0) || (version != 0 && ours != TABLES.len() as i64) {
            return Err(unusable(path, "it is not a vimes SBOM inventory"));
        }
        if steps.is_empty() {
            return Ok(());
        }
        self.migrate().map_err(|e| db_error(path, &e))
    }

    /// Applies the pending steps inside one IMMEDIATE transaction, reading
    /// the version again once the lock is held: another vimes may have
    /// migrated in between.
    fn migrate(&self) -> rusqlite::Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| {
            let version: i64 = self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let steps = schema::pending(version, &MIGRATIONS).unwrap_or(&[]);
            for step in steps {
                // IF NOT EXISTS: the first step also meets files created
                // before migrations were versioned.
                self.conn.execute_batch(step.sql)?;
                self.conn
                    .execute_batch(&format!("PRAGMA user_version = {}", step.version))?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => self.conn.execute_batch("COMMIT"),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// How many images are filed (an index-only count: cheap for queries).
    pub fn image_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM images", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| db_error(&self.path, &e))
    }

    /// The digests filed under `repository`.
    pub fn digests_of(&self, repository: &str) -> Result<Vec<String>> {
        let fail = |e: rusqlite::Error| db_error(&self.path, &e);
        let mut statement = self
            .conn
            .prepare_cached("SELECT digest FROM images WHERE repository = ?1")
            .map_err(fail)?;
        let rows = statement
            .query_map([repository], |r| r.get::<_, String>(0))
            .map_err(fail)?;
        rows.collect::<std::result::Result<Vec<_>, _>>()
            .map_err(fail)
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

impl Sqlite {
    /// Records a promotion unless its repository and digest already have one.
    pub fn record_promotion(&mut self, entry: &PromotionEntry) -> Result<bool> {
        self.conn
            .execute(
                "INSERT INTO promotions (repository, digest, tag, promoted_at, record)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (repository, digest) DO NOTHING",
                rusqlite::params![
                    entry.repository,
                    entry.digest,
                    entry.tag,
                    entry.promoted_at,
                    entry.record
                ],
            )
            .map(|n| n > 0)
            .map_err(|e| db_error(&self.path, &e))
    }

    /// How many promotions are recorded.
    pub fn promotion_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM promotions", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n.unsigned_abs())
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
pub(in crate::sbom) fn db_error(path: &Path, e: &rusqlite::Error) -> Error {
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
