//! Lookups in the SQLite inventory: each key of the plan is turned into its
//! interned id, then the packages filed under it (or aliased to it) are read
//! as ranges of the two clustered tables, with their images.

use super::{db_error, Sqlite};
use crate::error::Result;
use crate::sbom::lookup::{Plan, Row};
use rusqlite::OptionalExtension;
use std::collections::BTreeSet;

impl Sqlite {
    fn name_id(&self, key: &str) -> Result<Option<i64>> {
        self.conn
            .prepare_cached("SELECT id FROM names WHERE key = ?1")
            .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
            .map_err(|e| db_error(&self.path, &e))
    }

    /// The rows the plan's keys lead to (unchecked, unordered: the caller
    /// finishes them).
    pub fn fetch(&self, plan: &Plan) -> Result<Vec<Row>> {
        let ids = |keys: &[String]| -> Result<BTreeSet<i64>> {
            let mut out = BTreeSet::new();
            for key in keys {
                out.extend(self.name_id(key)?);
            }
            Ok(out)
        };
        let (names, pypi_names, aliases) = (
            ids(&plan.names)?,
            ids(&plan.pypi_names)?,
            ids(&plan.aliases)?,
        );
        let list = |set: &BTreeSet<i64>| {
            set.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut hits = Vec::new();
        if !names.is_empty() {
            hits.push(format!(
                "SELECT name_id, image_id, seq FROM packages WHERE name_id IN ({})",
                list(&names)
            ));
        }
        if !pypi_names.is_empty() {
            hits.push(format!(
                "SELECT name_id, image_id, seq FROM packages WHERE name_id IN ({}) AND type = 'pypi'",
                list(&pypi_names)
            ));
        }
        if !aliases.is_empty() {
            hits.push(format!(
                "SELECT name_id, image_id, seq FROM aliases WHERE alias_id IN ({})",
                list(&aliases)
            ));
        }
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        // The ids are integers read from the database, so inlining them is safe.
        let mut sql = format!(
            "WITH hits (name_id, image_id, seq) AS ({})
             SELECT i.repository, i.digest, i.tags, p.name, p.version, p.type, p.purl, p.source, p.source_version
             FROM hits h
             JOIN packages p ON p.name_id = h.name_id AND p.image_id = h.image_id AND p.seq = h.seq
             JOIN images i ON i.id = h.image_id",
            hits.join(" UNION ")
        );
        let mut params = Vec::new();
        if let Some(kind) = &plan.kind {
            sql.push_str(" WHERE p.type = ?1");
            params.push(kind.clone());
        }
        let err = |e: rusqlite::Error| db_error(&self.path, &e);
        let mut stmt = self.conn.prepare(&sql).map_err(err)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
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
}
