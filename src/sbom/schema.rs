//! The inventory's schema version, one number for both backends: each
//! backend keeps its own list of migrations (the same tables in its SQL
//! dialect), and both decide here what a database of a given version needs.

use crate::error::Error;

/// The schema version this vimes writes and reads.
pub const SCHEMA_VERSION: i64 = 3;

/// The oldest version a migration leads on from; older inventories
/// (before versioned migrations) are rebuilt, not converted.
const OLDEST_MIGRATABLE: i64 = 2;

/// The hint every "cannot use this database" error carries.
pub const REBUILD_HINT: &str =
    "recreate it with `vimes sbom index --rebuild` and index the SBOMs again";

/// One step of the schema: applied to a database at `version - 1` (or, for
/// the first step, to an empty one) it leaves it at `version`.
#[derive(Debug)]
pub struct Migration {
    /// The version the step leads to.
    pub version: i64,
    /// The statements, in the backend's dialect.
    pub sql: &'static str,
}

/// What a database of version `found` (0: no vimes tables) needs, given the
/// backend's `migrations` (ascending; the first creates the schema).
pub fn pending(found: i64, migrations: &'static [Migration]) -> Result<&'static [Migration], Why> {
    if found > SCHEMA_VERSION {
        return Err(Why::Newer(found));
    }
    if found == 0 {
        return Ok(migrations);
    }
    if found < OLDEST_MIGRATABLE {
        return Err(Why::Older(found));
    }
    let start = migrations.partition_point(|m| m.version <= found);
    Ok(&migrations[start..])
}

/// Why an inventory cannot be used as it is.
#[derive(Debug, PartialEq, Eq)]
pub enum Why {
    /// Written by a newer vimes.
    Newer(i64),
    /// Older than any migration.
    Older(i64),
}

impl Why {
    /// The error for the inventory at `place` (a path or a URL): exit 2,
    /// naming both versions. A newer inventory is never offered a rebuild,
    /// which would throw away what the newer vimes wrote.
    pub fn error(&self, place: &str) -> Error {
        Error::Usage(match self {
            Why::Newer(v) => format!(
                "{place}: cannot use this SBOM inventory: its schema version {v} is newer than \
                 the version {SCHEMA_VERSION} this vimes knows; upgrade vimes"
            ),
            Why::Older(v) => format!(
                "{place}: cannot use this SBOM inventory: its schema version {v} is not the \
                 {SCHEMA_VERSION} this vimes uses; {REBUILD_HINT}"
            ),
        })
    }
}

/// Version 3 of the schema, the same on both backends: one promotion per
/// production repository and digest (the identity: promoting the digest again
/// records nothing new), its record as JSON text.
pub const PROMOTIONS_TABLE: &str = "
CREATE TABLE IF NOT EXISTS promotions (
    repository TEXT NOT NULL,
    digest TEXT NOT NULL,
    tag TEXT NOT NULL,
    promoted_at TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (repository, digest)
);
";

/// A promotion as the inventory keeps it: where it went, and its evidence
/// (the promotion record, serialised by the caller: this module knows no
/// pipeline types).
#[derive(Clone, Debug)]
pub struct PromotionEntry {
    /// `host/repository` in production.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// The production tag.
    pub tag: String,
    /// When the promotion finished (RFC 3339, UTC).
    pub promoted_at: String,
    /// The promotion record, as JSON.
    pub record: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    static STEPS: [Migration; 2] = [
        Migration {
            version: 2,
            sql: "create",
        },
        Migration {
            version: 3,
            sql: "alter",
        },
    ];

    #[test]
    fn versions_decide_the_steps() {
        assert_eq!(pending(0, &STEPS).map(<[_]>::len), Ok(2));
        assert_eq!(pending(2, &STEPS).map(|m| m[0].version), Ok(3));
        assert_eq!(pending(1, &STEPS).err(), Some(Why::Older(1)));
        let newer = pending(SCHEMA_VERSION + 1, &STEPS).unwrap_err();
        let text = newer.error("inv").to_string();
        assert!(
            text.contains(&format!("version {}", SCHEMA_VERSION + 1)),
            "{text}"
        );
        assert!(
            text.contains(&format!("version {SCHEMA_VERSION} this vimes")),
            "{text}"
        );
        assert!(!text.contains("--rebuild"), "{text}");
    }
}
