//! `vimes sbom index`: SBOM files (parsed on worker threads, filed in
//! batches), images (their signed SBOM attestation) and whole repositories,
//! filed in the inventory. One target that cannot be read does not stop the
//! others: it is reported in the outcome.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::pipeline::attested_sbom::attested_sbom;
use crate::pipeline::registry_walk::{registry_entry, RegistryWalk};
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::sbom::document::{self, ReadError};
use crate::sbom::inventory::{ImageRecord, Indexed};
use crate::sbom::{Inventory, Sbom};
use crate::signing::keys::{load_configured_keys, load_public_keys, PublicKey};
use crate::ui::progress::{watch, Progress};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What to index.
#[derive(Debug, Default)]
pub struct IndexRequest {
    /// SBOM files, directories of `*.json` SBOM files, or images.
    pub targets: Vec<String>,
    /// Repositories whose every tagged image is indexed.
    pub repositories: Vec<String>,
    /// Registry entries of vimes.yaml whose every repository is indexed,
    /// digests already in the inventory left alone.
    pub registries: Vec<String>,
    /// The image a single SBOM file describes (default: what the SBOM records).
    pub image: Option<String>,
    /// Trusted public keys for attestations (default: `signing.public_keys`).
    pub keys: Vec<String>,
}

/// What indexing did.
#[derive(Debug)]
pub struct IndexOutcome {
    /// The SBOMs filed.
    pub indexed: Vec<Indexed>,
    /// Targets that could not be read or checked, with why.
    pub failed: Vec<(String, Error)>,
    /// Digests of a repository without a signed SBOM, with why.
    pub skipped: Vec<(String, String)>,
    /// Digests `--registry` found already indexed, left alone.
    pub already_indexed: u64,
    /// The inventory's file.
    pub inventory: crate::sbom::inventory::Location,
    /// Images the inventory holds now.
    pub images: u64,
    /// Packages the inventory holds now.
    pub packages: u64,
    /// Promotions the inventory has recorded (`vimes promote` records them).
    pub promotions: u64,
}

/// Files what `request` names in `inventory`.
pub async fn index(
    config: &Config,
    config_dir: Option<&Path>,
    inventory: &mut Inventory,
    request: &IndexRequest,
    progress: &dyn Progress,
) -> Result<IndexOutcome> {
    let (mut files, mut images) = (Vec::new(), Vec::new());
    for target in &request.targets {
        expand_target(target, &mut files, &mut images)?;
    }
    if request.image.is_some() && (files.len() != 1 || !images.is_empty()) {
        return Err(Error::Usage(
            "--image names the image of exactly one SBOM file".into(),
        ));
    }
    let mut report = IndexOutcome {
        indexed: Vec::new(),
        failed: Vec::new(),
        skipped: Vec::new(),
        already_indexed: 0,
        inventory: inventory.location().clone(),
        images: 0,
        packages: 0,
        promotions: 0,
    };
    let walks_registries = !request.repositories.is_empty() || !request.registries.is_empty();
    let needs_registry = !images.is_empty() || walks_registries || request.image.is_some();
    let client = match needs_registry {
        true => Some(RegistryClient::new(config)?),
        false => None,
    };
    let identity = match (&request.image, &client) {
        (Some(reference), Some(client)) => {
            let image = ImageRef::resolve(config, reference, Side::Source)?;
            let digest = client.digest_of(&image).await?;
            Some((image.repository_name(), digest, image.tag.clone()))
        }
        _ => None,
    };
    // Keys are checked before anything is filed.
    let keys = match images.is_empty() && !walks_registries {
        true => None,
        false => Some(trusted_keys(config, config_dir, &request.keys)?),
    };
    index_files(inventory, &files, identity.as_ref(), &mut report)?;
    if let (Some(client), Some(keys)) = (&client, keys) {
        for target in &images {
            // One image that cannot be read does not stop the others.
            let found = async {
                let image = ImageRef::resolve(config, target, Side::Source)?;
                let digest = client.resolve_digest(&image, Error::Usage).await?;
                let sbom = attested_sbom(client, &image, &digest, &keys).await?;
                Ok::<_, Error>((image, digest, sbom))
            };
            match found.await {
                Ok((image, digest, sbom)) => {
                    let record = ImageRecord {
                        repository: image.repository_name(),
                        digest,
                        tags: image.tag.iter().cloned().collect(),
                        replace_tags: false,
                        origin: "attestation".into(),
                    };
                    report.indexed.extend(inventory.index(&[(record, &sbom)])?);
                }
                Err(e) => report.failed.push((target.clone(), e)),
            }
        }
        let walk = Walk {
            registry: RegistryWalk::new(config, client).await?,
            client,
            keys: &keys,
            progress,
        };
        for repository in &request.repositories {
            let repo = ImageRef::resolve(config, repository, Side::Source)?;
            if !walk
                .repository(inventory, &repo, false, &mut report)
                .await?
            {
                // Indexing nothing must not look like success: the usual cause is a
                // short name that resolved under promotion.from instead of production.
                return Err(Error::Usage(format!(
                    "{} has no image tags or does not exist (a short name resolves under promotion.from; give host/project/repository)",
                    repo.repository_name()
                )));
            }
        }
        for name in &request.registries {
            walk.registry(config, inventory, name, &mut report).await?;
        }
    }
    (report.images, report.packages) = inventory.counts()?;
    report.promotions = inventory.promotion_count()?;
    Ok(report)
}

/// Sorts a target into SBOM files (a directory's `*.json` files included) or images.
fn expand_target(target: &str, files: &mut Vec<PathBuf>, images: &mut Vec<String>) -> Result<()> {
    let path = Path::new(target);
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|error| Error::File {
            path: path.to_path_buf(),
            error,
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            // A `*.json` entry that is not a regular file (a FIFO, a device)
            // is kept so that reading it fails by name rather than being
            // passed over in silence; subdirectories are not descended.
            .filter(|p| {
                !p.is_dir()
                    && p.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            })
            .collect();
        found.sort();
        files.extend(found);
    } else if path.exists()
        || target.to_ascii_lowercase().ends_with(".json")
        || target.starts_with(['.', '/', '~'])
    {
        // Something path-like that does not exist is a missing file, not an image on Docker Hub.
        files.push(path.to_path_buf());
    } else {
        images.push(target.to_string());
    }
    Ok(())
}

/// Parses files on worker threads (file `i` on worker `i % n`, received in
/// file order, so a digest filed twice ends as the last file says) while this
/// thread writes batches bounded by count and by packages.
fn index_files(
    inventory: &mut Inventory,
    files: &[PathBuf],
    identity: Option<&(String, String, Option<String>)>,
    report: &mut IndexOutcome,
) -> Result<()> {
    // Bigger transactions rewrite fewer pages and sort more rows together;
    // these bounds keep a batch near 100 MB of parsed packages.
    const BATCH_FILES: usize = 2048;
    const BATCH_PACKAGES: usize = 400_000;
    if files.is_empty() {
        return Ok(());
    }
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    std::thread::scope(|scope| -> Result<()> {
        let mut receivers = Vec::with_capacity(workers);
        for worker in 0..workers {
            let (sender, receiver) = std::sync::mpsc::sync_channel(4);
            receivers.push(receiver);
            scope.spawn(move || {
                for file in files.iter().skip(worker).step_by(workers) {
                    if sender.send((file, read_sbom_file(file, identity))).is_err() {
                        break;
                    }
                }
            });
        }
        let mut batch: Vec<(ImageRecord, Sbom)> = Vec::new();
        let mut packages = 0;
        let mut flush = |batch: &mut Vec<(ImageRecord, Sbom)>| -> Result<()> {
            let items: Vec<(ImageRecord, &Sbom)> =
                batch.iter().map(|(r, s)| (r.clone(), s)).collect();
            report.indexed.extend(inventory.index(&items)?);
            batch.clear();
            Ok(())
        };
        let mut failed = Vec::new();
        for i in 0..files.len() {
            // A worker only stops early by panicking; the scope re-raises that.
            let Ok((file, result)) = receivers[i % workers].recv() else {
                break;
            };
            match result {
                Ok(item) => {
                    packages += item.1.packages.len();
                    batch.push(item);
                    if batch.len() >= BATCH_FILES || packages >= BATCH_PACKAGES {
                        flush(&mut batch)?;
                        packages = 0;
                    }
                }
                Err(e) => failed.push((file.display().to_string(), e)),
            }
        }
        flush(&mut batch)?;
        report.failed.extend(failed);
        Ok(())
    })
}

/// One SBOM file and the image it is filed under.
fn read_sbom_file(
    path: &Path,
    identity: Option<&(String, String, Option<String>)>,
) -> Result<(ImageRecord, Sbom)> {
    let sbom = document::parse_file(path).map_err(|e| match e {
        ReadError::Io(error) => Error::File {
            path: path.to_path_buf(),
            error,
        },
        ReadError::Invalid(why) => Error::Usage(format!("{}: {why}", path.display())),
    })?;
    let (repository, digest, tag) = match identity {
        Some((repository, digest, tag)) => (repository.clone(), digest.clone(), tag.clone()),
        None => {
            let subject = sbom.subject.as_ref();
            let Some((name, digest)) = subject.and_then(|s| Some((&s.name, s.digest.clone()?)))
            else {
                return Err(Error::Usage(format!(
                    "{}: the SBOM does not record the digest of the image it describes; pass --image HOST/REPO@sha256:...",
                    path.display()
                )));
            };
            match ImageRef::parse(name) {
                Ok(r) => (r.repository_name(), digest, r.tag),
                Err(_) => (name.clone(), digest, None),
            }
        }
    };
    let origin = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    Ok((
        ImageRecord {
            repository,
            digest,
            tags: tag.into_iter().collect(),
            replace_tags: false,
            origin: origin.display().to_string(),
        },
        sbom,
    ))
}

/// `--key` keys, else `signing.public_keys` (relative to vimes.yaml).
fn trusted_keys(
    config: &Config,
    config_dir: Option<&Path>,
    explicit: &[String],
) -> Result<Vec<PublicKey>> {
    let keys = match explicit.is_empty() {
        true => load_configured_keys(&config.signing.public_keys, config_dir)?,
        false => load_public_keys(explicit, None)?,
    };
    if keys.is_empty() {
        return Err(Error::Usage(
            "no trusted public key to check SBOM attestations: pass --key or set signing.public_keys".into(),
        ));
    }
    Ok(keys)
}

/// What walking repositories needs.
struct Walk<'a> {
    registry: RegistryWalk<'a>,
    client: &'a RegistryClient,
    keys: &'a [PublicKey],
    progress: &'a dyn Progress,
}

impl Walk<'_> {
    /// Every repository of the registry entry `name`; one repository that
    /// cannot be read is reported and the others still indexed.
    async fn registry(
        &self,
        config: &Config,
        inventory: &mut Inventory,
        name: &str,
        report: &mut IndexOutcome,
    ) -> Result<()> {
        let entry = registry_entry(config, name)?;
        let step = "index";
        self.progress.started(step, &format!("listing {name}"));
        let repositories = watch(self.progress, step, self.registry.repositories(entry).await)?;
        let total = repositories.len().max(1);
        for (done, repository) in repositories.iter().enumerate() {
            let percent = u8::try_from(done * 100 / total).unwrap_or(100);
            self.progress
                .percent(step, percent, &repository.repository_name());
            if let Err(e) = self.repository(inventory, repository, true, report).await {
                report.failed.push((repository.repository_name(), e));
            }
        }
        self.progress.finished(
            step,
            &format!("{} repositories of {name}", repositories.len()),
            false,
        );
        Ok(())
    }

    /// Every tagged digest of `repository` (cosign `sha256-*` tags left out),
    /// with all of its tags; digests without a signed SBOM are reported as
    /// skipped, and with `skip_indexed` digests the inventory already holds
    /// are not read. `false` when the repository has no image tags.
    async fn repository(
        &self,
        inventory: &mut Inventory,
        repo: &ImageRef,
        skip_indexed: bool,
        report: &mut IndexOutcome,
    ) -> Result<bool> {
        let name = repo.repository_name();
        let by_digest = self.registry.tagged_digests(repo).await?;
        if by_digest.is_empty() {
            return Ok(false);
        }
        let known: HashSet<String> = match skip_indexed {
            true => inventory.digests_of(&name)?.into_iter().collect(),
            false => HashSet::new(),
        };
        for (digest, tags) in by_digest {
            if known.contains(&digest) {
                report.already_indexed += 1;
                continue;
            }
            let image = repo.with_digest(&digest);
            match attested_sbom(self.client, &image, &digest, self.keys).await {
                Ok(sbom) => {
                    let record = ImageRecord {
                        repository: name.clone(),
                        digest,
                        tags,
                        replace_tags: true,
                        origin: "attestation".into(),
                    };
                    report.indexed.extend(inventory.index(&[(record, &sbom)])?);
                }
                Err(Error::Policy(why)) => report.skipped.push((format!("{name}@{digest}"), why)),
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }
}
