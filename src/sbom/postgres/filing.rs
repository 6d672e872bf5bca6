//! Filing SBOMs into the PostgreSQL inventory, the same rows as the SQLite
//! backend writes, safe with several writers at once: the image row (unique
//! per repository and digest) is upserted and so locked before its old rows
//! are read and replaced, so two processes filing one digest queue behind
//! each other and the second replaces what the first wrote. Names are
//! interned and images locked in sorted order, which keeps concurrent
//! batches from deadlocking; if the server still reports a deadlock or a
//! serialization failure, the whole batch runs again.

use super::{pg_error, pg_text, retryable, Postgres};
use crate::clock::rfc3339;
use crate::error::Result;
use crate::sbom::document::{Package, Sbom};
use crate::sbom::filing::{aliases, Keys};
use crate::sbom::inventory::{format_name, ImageRecord, Indexed};
use crate::sbom::purl::normalize_name;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, SystemTime};
use tokio_postgres::Client;

/// How often a batch is tried when the server asks for a retry.
const ATTEMPTS: u32 = 6;

/// Package rows per INSERT (each column is one array parameter).
const CHUNK: usize = 10_000;

impl Postgres {
    /// Files SBOMs in one transaction (see the module comment).
    pub fn index(&mut self, items: &[(ImageRecord, &Sbom)]) -> Result<Vec<Indexed>> {
        let now = rfc3339(SystemTime::now());
        let place = self.place.clone();
        let Some(rt) = self.rt.0.as_ref() else {
            return Ok(Vec::new());
        };
        let client = &mut self.client;
        super::block_on(rt, async {
            let mut attempt = 0;
            loop {
                match file_batch(client, items, &now).await {
                    Err(e) if retryable(&e) && attempt + 1 < ATTEMPTS => {
                        attempt += 1;
                        tokio::time::sleep(Duration::from_millis(20 << attempt)).await;
                    }
                    other => return other.map_err(|e| pg_error(&place, &e)),
                }
            }
        })
    }
}

/// Rows waiting to be inserted.
#[derive(Default)]
struct Queue<'a> {
    /// (name id, image id, seq, package).
    rows: Vec<(i64, i64, i64, &'a Package)>,
    /// (alias id, image id, seq, name id).
    alias_rows: Vec<(i64, i64, i64, i64)>,
    /// Images with rows in the queue.
    images: HashSet<i64>,
}

/// The keys each package is filed under: (name key, alias keys).
fn package_keys(sbom: &Sbom) -> Vec<(String, Vec<String>)> {
    sbom.packages
        .iter()
        .map(|p| {
            let name_key = normalize_name(&p.kind, &p.name);
            let alias_keys = aliases(p, &name_key)
                .iter()
                .map(|a| pg_text(a).into_owned())
                .collect();
            (pg_text(&name_key).into_owned(), alias_keys)
        })
        .collect()
}

async fn file_batch(
    client: &mut Client,
    items: &[(ImageRecord, &Sbom)],
    now: &str,
) -> std::result::Result<Vec<Indexed>, tokio_postgres::Error> {
    let keyed: Vec<Vec<(String, Vec<String>)>> =
        items.iter().map(|(_, sbom)| package_keys(sbom)).collect();
    let all_keys: Vec<String> = keyed
        .iter()
        .flatten()
        .flat_map(|(name, aliases)| std::iter::once(name).chain(aliases))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO names (key) SELECT k FROM unnest($1::text[]) AS t(k) ORDER BY k
         ON CONFLICT (key) DO NOTHING",
        &[&all_keys],
    )
    .await?;
    let ids: HashMap<String, i64> = tx
        .query(
            "SELECT key, id FROM names WHERE key = ANY($1)",
            &[&all_keys],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let upsert = tx
        .prepare(
            "INSERT INTO images (repository, digest, tags, format, origin, indexed_at, package_count)
             VALUES ($1, $2, '[]', $3, $4, $5, 0)
             ON CONFLICT (repository, digest) DO UPDATE SET repository = excluded.repository
             RETURNING id",
        )
        .await?;
    let previous = tx
        .prepare(
            "SELECT i.tags, coalesce(k.keys, '{}') FROM images i
             LEFT JOIN image_keys k ON k.image_id = i.id WHERE i.id = $1",
        )
        .await?;
    let drop_packages = tx
        .prepare("DELETE FROM packages WHERE image_id = $1 AND name_id = ANY($2)")
        .await?;
    let drop_aliases = tx
        .prepare("DELETE FROM aliases WHERE image_id = $1 AND alias_id = ANY($2)")
        .await?;
    let update = tx
        .prepare(
            "UPDATE images SET tags = $2, format = $3, origin = $4, indexed_at = $5, package_count = $6
             WHERE id = $1",
        )
        .await?;
    let set_keys = tx
        .prepare(
            "INSERT INTO image_keys (image_id, keys) VALUES ($1, $2)
             ON CONFLICT (image_id) DO UPDATE SET keys = excluded.keys",
        )
        .await?;
    // Images in sorted order (a stable sort: of one digest twice in a
    // batch, the later SBOM still wins).
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|a, b| {
        let key = |i: &usize| (&items[*i].0.repository, &items[*i].0.digest);
        key(a).cmp(&key(b))
    });
    let mut done: Vec<Option<Indexed>> = vec![None; items.len()];
    let mut queue = Queue::default();
    for i in order {
        let (record, sbom) = &items[i];
        let repository = pg_text(&record.repository);
        let digest = pg_text(&record.digest);
        let origin = pg_text(&record.origin);
        let format = format_name(sbom.format);
        let image_id: i64 = tx
            .query_one(&upsert, &[&repository, &digest, &format, &origin, &now])
            .await?
            .get(0);
        let old = tx.query_one(&previous, &[&image_id]).await?;
        let (old_tags, old_keys): (String, String) = (old.get(0), old.get(1));
        if queue.images.contains(&image_id) {
            queue.rows.retain(|r| r.1 != image_id);
            queue.alias_rows.retain(|r| r.1 != image_id);
        }
        let old_keys: Keys = serde_json::from_str(&old_keys).unwrap_or_default();
        let names: Vec<i64> = old_keys.names.into_iter().collect();
        let alias_ids: Vec<i64> = old_keys.aliases.into_iter().collect();
        tx.execute(&drop_packages, &[&image_id, &names]).await?;
        tx.execute(&drop_aliases, &[&image_id, &alias_ids]).await?;
        let mut keys = Keys::default();
        for (seq, (p, (name_key, alias_keys))) in sbom.packages.iter().zip(&keyed[i]).enumerate() {
            let seq = seq as i64;
            // Every key was interned above, in this transaction.
            let Some(&name_id) = ids.get(name_key) else {
                continue;
            };
            keys.names.insert(name_id);
            queue.rows.push((name_id, image_id, seq, p));
            for alias in alias_keys {
                if let Some(&alias_id) = ids.get(alias) {
                    keys.aliases.insert(alias_id);
                    queue.alias_rows.push((alias_id, image_id, seq, name_id));
                }
            }
        }
        queue.images.insert(image_id);
        let mut tags: Vec<String> = record
            .tags
            .iter()
            .map(|t| pg_text(t).into_owned())
            .collect();
        if !record.replace_tags {
            tags.extend(serde_json::from_str::<Vec<String>>(&old_tags).unwrap_or_default());
        }
        tags.sort();
        tags.dedup();
        let tags_json = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into());
        let keys_json = serde_json::to_string(&keys).unwrap_or_else(|_| "{}".into());
        let count = i64::try_from(sbom.packages.len()).unwrap_or(i64::MAX);
        tx.execute(
            &update,
            &[&image_id, &tags_json, &format, &origin, &now, &count],
        )
        .await?;
        tx.execute(&set_keys, &[&image_id, &keys_json]).await?;
        done[i] = Some(Indexed {
            repository: record.repository.clone(),
            digest: record.digest.clone(),
            tags,
            format,
            packages: sbom.packages.len(),
            origin: record.origin.clone(),
            indexed_at: now.to_string(),
        });
    }
    insert_rows(&tx, &mut queue).await?;
    tx.commit().await?;
    Ok(done.into_iter().flatten().collect())
}

/// The queued package and alias rows, in key order, a chunk per statement.
async fn insert_rows(
    tx: &tokio_postgres::Transaction<'_>,
    queue: &mut Queue<'_>,
) -> std::result::Result<(), tokio_postgres::Error> {
    queue
        .rows
        .sort_unstable_by_key(|(name_id, image_id, seq, _)| (*name_id, *image_id, *seq));
    queue.alias_rows.sort_unstable();
    let insert_packages = tx
        .prepare(
            "INSERT INTO packages (name_id, image_id, seq, name, version, type, purl, source, source_version)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],
                                  $6::text[], $7::text[], $8::text[], $9::text[])",
        )
        .await?;
    for chunk in queue.rows.chunks(CHUNK) {
        let ints =
            |f: fn(&(i64, i64, i64, &Package)) -> i64| chunk.iter().map(f).collect::<Vec<_>>();
        let text = |f: fn(&Package) -> &str| {
            chunk
                .iter()
                .map(|r| pg_text(f(r.3)).into_owned())
                .collect::<Vec<_>>()
        };
        let maybe = |f: fn(&Package) -> Option<&str>| {
            chunk
                .iter()
                .map(|r| f(r.3).map(|s| pg_text(s).into_owned()))
                .collect::<Vec<_>>()
        };
        tx.execute(
            &insert_packages,
            &[
                &ints(|r| r.0),
                &ints(|r| r.1),
                &ints(|r| r.2),
                &text(|p| &p.name),
                &text(|p| &p.version),
                &text(|p| &p.kind),
                &maybe(|p| p.purl.as_deref()),
                &maybe(|p| p.source.as_deref()),
                &maybe(|p| p.source_version.as_deref()),
            ],
        )
        .await?;
    }
    let insert_aliases = tx
        .prepare(
            "INSERT INTO aliases (alias_id, image_id, seq, name_id)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])
             ON CONFLICT DO NOTHING",
        )
        .await?;
    for chunk in queue.alias_rows.chunks(CHUNK) {
        let column = |f: fn(&(i64, i64, i64, i64)) -> i64| chunk.iter().map(f).collect::<Vec<_>>();
        tx.execute(
            &insert_aliases,
            &[
                &column(|r| r.0),
                &column(|r| r.1),
                &column(|r| r.2),
                &column(|r| r.3),
            ],
        )
        .await?;
    }
    Ok(())
}
