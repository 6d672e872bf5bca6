//! Lookups in the inventory: each name asked about is turned into its
//! interned id, then the packages filed under it (or aliased to it) are read
//! as ranges of the two clustered tables, with their images.

use super::inventory::{db_error, Inventory};
use super::purl::{facts, normalize_name, Purl};
use crate::error::Result;
use rusqlite::OptionalExtension;
use std::collections::BTreeSet;

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
    /// The package of a PURL (type, namespace and name; version and
    /// qualifiers are the caller's to check).
    Purl(&'a Purl),
    /// A package of one PURL type by name or source name (advisories).
    Typed {
        /// PURL type.
        kind: &'a str,
        /// Package name as the advisory writes it.
        name: &'a str,
    },
}

impl Inventory {
    fn name_id(&self, key: &str) -> Result<Option<i64>> {
        self.conn
            .prepare_cached("SELECT id FROM names WHERE key = ?1")
            .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
            .map_err(|e| db_error(&self.path, &e))
    }

    /// The packages matching `lookup`, with their images, ordered by image.
    pub fn lookup(&self, lookup: Lookup<'_>) -> Result<Vec<Row>> {
        // Name ids (packages filed under them), name ids only for PyPI
        // packages, and alias ids (source and PURL names).
        let mut names = Vec::new();
        let mut pypi_names = Vec::new();
        let mut aliases = Vec::new();
        let mut purl_key = None;
        let kind_filter = match lookup {
            // The typed name, its lower case (deb, npm), its PEP 503 form (PyPI
            // only), or a source package name: `openssl` finds libssl3.
            Lookup::Name { name, kind } => {
                names.push(name.to_string());
                names.push(name.to_ascii_lowercase());
                pypi_names.push(normalize_name("pypi", name).into_owned());
                aliases.push(name.to_string());
                kind
            }
            Lookup::Purl(purl) => {
                let short = normalize_name(&purl.kind, &purl.name).into_owned();
                let long = match purl.namespace.is_empty() {
                    true => short.clone(),
                    false => {
                        normalize_name(&purl.kind, &format!("{}/{}", purl.namespace, purl.name))
                            .into_owned()
                    }
                };
                names.extend([short.clone(), long.clone()]);
                aliases.extend([short, long]);
                purl_key = Some(purl.key());
                Some(purl.kind.as_str())
            }
            Lookup::Typed { kind, name } => {
                names.push(normalize_name(kind, name).into_owned());
                aliases.push(name.to_string());
                Some(kind)
            }
        };
        let ids = |keys: Vec<String>| -> Result<BTreeSet<i64>> {
            let mut out = BTreeSet::new();
            for key in keys {
                out.extend(self.name_id(&key)?);
            }
            Ok(out)
        };
        let (names, pypi_names, aliases) = (ids(names)?, ids(pypi_names)?, ids(aliases)?);
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
        if let Some(kind) = kind_filter {
            sql.push_str(" WHERE p.type = ?1");
            params.push(kind.to_string());
        }
        sql.push_str(" ORDER BY i.repository, i.digest, p.name, p.version");
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
        let mut rows = rows.collect::<rusqlite::Result<Vec<_>>>().map_err(err)?;
        if let Some(key) = purl_key {
            rows.retain(|r| {
                r.purl
                    .as_deref()
                    .and_then(facts)
                    .is_some_and(|f| f.key == key)
            });
        }
        Ok(rows)
    }
}
