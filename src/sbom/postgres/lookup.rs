//! Lookups in the PostgreSQL inventory: the plan's keys become name ids in
//! one statement, the rows filed under them (or aliased to them) come back
//! in a second. The caller checks and orders them as for SQLite.

use super::{pg_error, pg_text, Postgres};
use crate::error::Result;
use crate::sbom::lookup::{Plan, Row};
use std::collections::HashMap;

impl Postgres {
    /// The rows the plan's keys lead to (unchecked, unordered).
    pub fn fetch(&self, plan: &Plan) -> Result<Vec<Row>> {
        let err = |e: tokio_postgres::Error| pg_error(&self.place, &e);
        let clean = |keys: &[String]| -> Vec<String> {
            keys.iter().map(|k| pg_text(k).into_owned()).collect()
        };
        let (names, pypi_names, aliases) = (
            clean(&plan.names),
            clean(&plan.pypi_names),
            clean(&plan.aliases),
        );
        let all: Vec<&String> = names.iter().chain(&pypi_names).chain(&aliases).collect();
        let ids: HashMap<String, i64> = self
            .block(
                self.client
                    .query("SELECT key, id FROM names WHERE key = ANY($1)", &[&all]),
            )
            .map_err(err)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let ids_of = |keys: &[String]| -> Vec<i64> {
            keys.iter().filter_map(|k| ids.get(k).copied()).collect()
        };
        let (names, pypi_names, aliases) = (ids_of(&names), ids_of(&pypi_names), ids_of(&aliases));
        if names.is_empty() && pypi_names.is_empty() && aliases.is_empty() {
            return Ok(Vec::new());
        }
        let kind = plan.kind.as_deref().map(|k| pg_text(k).into_owned());
        let rows = self
            .block(self.client.query(
                "WITH hits (name_id, image_id, seq) AS (
                     SELECT name_id, image_id, seq FROM packages WHERE name_id = ANY($1)
                     UNION SELECT name_id, image_id, seq FROM packages WHERE name_id = ANY($2) AND type = 'pypi'
                     UNION SELECT name_id, image_id, seq FROM aliases WHERE alias_id = ANY($3))
                 SELECT i.repository, i.digest, i.tags, p.name, p.version, p.type, p.purl, p.source, p.source_version
                 FROM hits h
                 JOIN packages p ON p.name_id = h.name_id AND p.image_id = h.image_id AND p.seq = h.seq
                 JOIN images i ON i.id = h.image_id
                 WHERE $4::text IS NULL OR p.type = $4",
                &[&names, &pypi_names, &aliases, &kind],
            ))
            .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| Row {
                repository: r.get(0),
                digest: r.get(1),
                tags: serde_json::from_str(r.get::<_, &str>(2)).unwrap_or_default(),
                name: r.get(3),
                version: r.get(4),
                kind: r.get(5),
                purl: r.get(6),
                source: r.get(7),
                source_version: r.get(8),
            })
            .collect())
    }
}
