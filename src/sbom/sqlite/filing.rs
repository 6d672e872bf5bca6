//! Filing SBOMs into the SQLite inventory: one transaction per batch, each
//! package one row under its interned name, plus one alias row per other
//! name it answers to. Re-filing a digest first deletes exactly the rows it had.

use super::{db_error, Sqlite};
use crate::clock::rfc3339;
use crate::error::Result;
use crate::sbom::document::{Package, Sbom};
use crate::sbom::filing::{aliases, Keys};
use crate::sbom::inventory::{format_name, ImageRecord, Indexed};
use crate::sbom::purl::normalize_name;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::time::SystemTime;

impl Sqlite {
    /// Files SBOMs, one transaction for all: each image's earlier packages
    /// are replaced, so indexing the same digest again changes nothing else.
    pub fn index(&mut self, items: &[(ImageRecord, &Sbom)]) -> Result<Vec<Indexed>> {
        let result = self.index_all(items);
        if result.is_err() {
            // The transaction rolled back: names interned in it are gone again.
            self.interned.clear();
        }
        result.map_err(|e| db_error(&self.path, &e))
    }

    fn index_all(&mut self, items: &[(ImageRecord, &Sbom)]) -> rusqlite::Result<Vec<Indexed>> {
        let now = rfc3339(SystemTime::now());
        let interned = &mut self.interned;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = Vec::with_capacity(items.len());
        let mut queue = Queue::default();
        for (record, sbom) in items {
            done.push(file_image(&tx, interned, record, sbom, &now, &mut queue)?);
        }
        let Queue {
            mut rows,
            mut alias_rows,
            ..
        } = queue;
        // In key order, each insert lands next to the previous one: the
        // b-tree pages on the way are already in cache. Random order costs
        // several times more per row.
        rows.sort_unstable_by_key(|(name_id, image_id, seq, _)| (*name_id, *image_id, *seq));
        alias_rows.sort_unstable();
        {
            let mut insert_package = tx.prepare_cached(
                "INSERT INTO packages (name_id, image_id, seq, name, version, type, purl, source, source_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (name_id, image_id, seq, p) in &rows {
                insert_package.execute(params![
                    name_id,
                    image_id,
                    seq,
                    p.name,
                    p.version,
                    p.kind,
                    p.purl,
                    p.source,
                    p.source_version
                ])?;
            }
            let mut insert_alias = tx.prepare_cached(
                "INSERT OR IGNORE INTO aliases (alias_id, image_id, seq, name_id) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for row in &alias_rows {
                insert_alias.execute(params![row.0, row.1, row.2, row.3])?;
            }
        }
        tx.commit()?;
        Ok(done)
    }
}

/// The id of `key` in `names`, inserted when new.
fn intern(tx: &Transaction, cache: &mut HashMap<String, i64>, key: &str) -> rusqlite::Result<i64> {
    if let Some(id) = cache.get(key) {
        return Ok(*id);
    }
    // An upsert answers the id whether the key is new or not.
    let id: i64 = tx
        .prepare_cached(
            "INSERT INTO names (key) VALUES (?1) ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id",
        )?
        .query_row([key], |r| r.get(0))?;
    cache.insert(key.to_string(), id);
    Ok(id)
}

/// Rows waiting to be inserted in key order.
#[derive(Default)]
struct Queue<'a> {
    /// (name id, image id, seq, package).
    rows: Vec<(i64, i64, i64, &'a Package)>,
    /// (alias id, image id, seq, name id).
    alias_rows: Vec<(i64, i64, i64, i64)>,
    /// Images with rows in the queue.
    images: std::collections::HashSet<i64>,
}

/// Writes or updates the image row (deleting its old package and alias rows)
/// and queues its package and alias rows for insertion.
fn file_image<'a>(
    tx: &Transaction,
    interned: &mut HashMap<String, i64>,
    record: &ImageRecord,
    sbom: &'a Sbom,
    now: &str,
    queue: &mut Queue<'a>,
) -> rusqlite::Result<Indexed> {
    let existing: Option<(i64, String, String)> = tx
        .prepare_cached(
            "SELECT i.id, i.tags, coalesce(k.keys, '{}') FROM images i LEFT JOIN image_keys k ON k.image_id = i.id
             WHERE i.repository = ?1 AND i.digest = ?2",
        )?
        .query_row(params![record.repository, record.digest], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    // Ids first: the image row records them, the package rows use them.
    let mut keys = Keys::default();
    let mut filed = Vec::with_capacity(sbom.packages.len());
    for p in &sbom.packages {
        let name_key = normalize_name(&p.kind, &p.name);
        let name_id = intern(tx, interned, &name_key)?;
        keys.names.insert(name_id);
        let mut alias_ids = Vec::new();
        for alias in aliases(p, &name_key) {
            let id = intern(tx, interned, &alias)?;
            keys.aliases.insert(id);
            alias_ids.push(id);
        }
        filed.push((name_id, alias_ids));
    }
    let keys_json = serde_json::to_string(&keys).unwrap_or_else(|_| "{}".into());
    let mut tags = record.tags.clone();
    if let (Some((_, old, _)), false) = (&existing, record.replace_tags) {
        tags.extend(serde_json::from_str::<Vec<String>>(old).unwrap_or_default());
    }
    tags.sort();
    tags.dedup();
    let tags_json = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into());
    let format = format_name(sbom.format);
    let count = i64::try_from(sbom.packages.len()).unwrap_or(i64::MAX);
    let image_id = match existing {
        Some((id, _, old_keys)) => {
            // The same digest twice in one batch: the later SBOM wins.
            if queue.images.contains(&id) {
                queue.rows.retain(|r| r.1 != id);
                queue.alias_rows.retain(|r| r.1 != id);
            }
            let old: Keys = serde_json::from_str(&old_keys).unwrap_or_default();
            let mut drop_package =
                tx.prepare_cached("DELETE FROM packages WHERE name_id = ?1 AND image_id = ?2")?;
            for name_id in &old.names {
                drop_package.execute([name_id, &id])?;
            }
            let mut drop_alias =
                tx.prepare_cached("DELETE FROM aliases WHERE alias_id = ?1 AND image_id = ?2")?;
            for alias_id in &old.aliases {
                drop_alias.execute([alias_id, &id])?;
            }
            tx.prepare_cached(
                "UPDATE images SET tags = ?2, format = ?3, origin = ?4, indexed_at = ?5, package_count = ?6
                 WHERE id = ?1",
            )?
            .execute(params![id, tags_json, format, record.origin, now, count])?;
            id
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO images (repository, digest, tags, format, origin, indexed_at, package_count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                record.repository,
                record.digest,
                tags_json,
                format,
                record.origin,
                now,
                count
            ])?;
            tx.last_insert_rowid()
        }
    };
    tx.prepare_cached("INSERT OR REPLACE INTO image_keys (image_id, keys) VALUES (?1, ?2)")?
        .execute(params![image_id, keys_json])?;
    for (seq, (p, (name_id, alias_ids))) in sbom.packages.iter().zip(filed).enumerate() {
        let seq = seq as i64;
        queue.rows.push((name_id, image_id, seq, p));
        queue
            .alias_rows
            .extend(alias_ids.into_iter().map(|a| (a, image_id, seq, name_id)));
    }
    queue.images.insert(image_id);
    Ok(Indexed {
        repository: record.repository.clone(),
        digest: record.digest.clone(),
        tags,
        format,
        packages: sbom.packages.len(),
        origin: record.origin.clone(),
        indexed_at: now.to_string(),
    })
}
