//! Copying an image by digest: every platform of an index, every blob checked
//! by digest, blobs mounted within a registry and streamed several at a time
//! between registries, cosign `.sig`/`.att`/`.sbom` tags and OCI referrers
//! (Sigstore bundles) carried along, and the destination tag written last.

use super::client::RegistryClient;
use super::manifest::{Content, Descriptor, Manifest};
use super::reference::{cosign_tag, ImageRef};
use crate::error::{Error, RegistryError, Result};
use futures_util::{stream, StreamExt, TryStreamExt};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

/// Options of one copy.
#[derive(Clone, Debug)]
pub struct CopyOptions {
    /// Carry cosign signature/attestation/SBOM tags along.
    pub signatures: bool,
    /// Blobs transferred at once.
    pub jobs: usize,
    /// Refuse to move an existing destination tag, even with `force` (the
    /// registry is immutable).
    pub immutable: bool,
    /// Move an existing destination tag that points to another digest
    /// (`vimes copy --force`); without it such a copy is refused.
    pub force: bool,
    /// Write the destination tag at the end (false: the caller writes it
    /// after its own checks, e.g. verification in production).
    pub write_tag: bool,
}

/// What a copy did, for the user and for scripts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CopyReport {
    /// The source as resolved, `repo@digest`.
    pub source: String,
    /// The destination `repo@digest`.
    pub destination: String,
    /// The manifest digest (the same at both ends).
    pub digest: String,
    /// The destination tag written, if any.
    pub tag: Option<String>,
    /// Whether the destination already held everything (nothing was written).
    pub unchanged: bool,
    /// Manifests pushed (images, indexes, signature manifests).
    pub manifests_pushed: u64,
    /// Blobs mounted from the source repository.
    pub blobs_mounted: u64,
    /// Blobs streamed across.
    pub blobs_copied: u64,
    /// Blobs already present at the destination.
    pub blobs_present: u64,
    /// Bytes streamed.
    pub bytes_copied: u64,
    /// cosign tags carried along (`sha256-<hex>.sig` ...).
    pub signature_tags: Vec<String>,
    /// Referrer manifests (Sigstore bundles ...) carried along, by digest.
    pub referrers: Vec<String>,
}

#[derive(Default)]
struct Counters {
    manifests_pushed: AtomicU64,
    blobs_mounted: AtomicU64,
    blobs_copied: AtomicU64,
    blobs_present: AtomicU64,
    bytes_copied: AtomicU64,
}

/// The attachment suffixes of cosign's legacy tag scheme.
const COSIGN_SUFFIXES: [&str; 3] = ["sig", "att", "sbom"];

/// Copies `source` to `destination` (tag taken from the source when the
/// destination names none). The destination tag is written only after the
/// image and its attachments are complete.
pub async fn copy_image(
    client: &RegistryClient,
    source: &ImageRef,
    destination: &ImageRef,
    options: &CopyOptions,
) -> Result<CopyReport> {
    let manifest = client.get_manifest(source).await?.ok_or_else(|| {
        RegistryError::not_found(&source.registry, format!("image {source} not found"))
    })?;
    let digest = manifest.digest.clone();
    if let Some(wanted) = &destination.digest {
        if wanted != &digest {
            return Err(Error::Usage(format!(
                "destination names digest {wanted}, but the source is {digest}"
            )));
        }
    }
    let tag = destination.tag.clone().or_else(|| source.tag.clone());
    let source_pinned = source.with_digest(&digest);
    let target_pinned = destination.with_digest(&digest);

    // Checked before anything is written: an immutable tag never moves.
    let existing = match &tag {
        Some(t) => client
            .get_manifest(&destination.with_tag(t))
            .await?
            .map(|m| m.digest),
        None => None,
    };
    if let (Some(t), Some(current)) = (&tag, &existing) {
        refuse_tag_move(destination, t, current, &digest, options)?;
    }

    let counters = Counters::default();
    let engine = Engine {
        client,
        options,
        counters: &counters,
    };
    engine
        .copy_tree(&source_pinned, &target_pinned, &manifest)
        .await?;

    let mut signature_tags = Vec::new();
    let mut referrers = Vec::new();
    if options.signatures {
        // One tag listing instead of a lookup per subject and suffix.
        let source_tags: BTreeSet<String> = client.list_tags(source).await?.into_iter().collect();
        for d in attachment_subjects(&manifest) {
            for suffix in COSIGN_SUFFIXES {
                let t = cosign_tag(&d, suffix);
                if source_tags.contains(&t)
                    && engine.copy_attachment(source, destination, &t).await?
                {
                    signature_tags.push(t);
                }
            }
            referrers.extend(engine.copy_referrers(source, destination, &d).await?);
        }
    }

    let tag_unchanged = existing.as_deref() == Some(digest.as_str());
    if let Some(t) = tag.as_ref().filter(|_| options.write_tag) {
        if !tag_unchanged {
            client
                .put_manifest(&destination.with_tag(t), &manifest)
                .await?;
            counters.manifests_pushed.fetch_add(1, Ordering::Relaxed);
        }
    }

    let manifests_pushed = counters.manifests_pushed.load(Ordering::Relaxed);
    let bytes_copied = counters.bytes_copied.load(Ordering::Relaxed);
    let blobs_mounted = counters.blobs_mounted.load(Ordering::Relaxed);
    let blobs_copied = counters.blobs_copied.load(Ordering::Relaxed);
    Ok(CopyReport {
        source: format!("{}@{digest}", source.repository_name()),
        destination: format!("{}@{digest}", destination.repository_name()),
        digest,
        tag,
        unchanged: manifests_pushed == 0 && blobs_mounted == 0 && blobs_copied == 0,
        manifests_pushed,
        blobs_mounted,
        blobs_copied,
        blobs_present: counters.blobs_present.load(Ordering::Relaxed),
        bytes_copied,
        signature_tags,
        referrers,
    })
}

/// Refuses to move `destination:tag` from `current` to `digest` (exit 1):
/// always on an immutable registry, otherwise unless `options.force`. A tag
/// that silently changed its digest is how an unvetted image takes a vetted
/// one's place.
pub fn refuse_tag_move(
    destination: &ImageRef,
    tag: &str,
    current: &str,
    digest: &str,
    options: &CopyOptions,
) -> Result<()> {
    if current == digest {
        return Ok(());
    }
    let name = destination.repository_name();
    if options.immutable {
        return Err(Error::Policy(format!(
            "{name}:{tag} is immutable and already points to {current}; refusing to move it to {digest} (--force does not apply to an immutable registry)"
        )));
    }
    if !options.force {
        return Err(Error::Policy(format!(
            "{name}:{tag} already points to {current}; refusing to move it to {digest} (pass --force to move the tag)"
        )));
    }
    Ok(())
}

/// The digests whose cosign attachments travel with the image: the top
/// manifest and, for an index, each platform manifest (cosign signs either).
fn attachment_subjects(manifest: &Manifest) -> Vec<String> {
    let mut subjects = vec![manifest.digest.clone()];
    if let Content::Index { manifests } = &manifest.content {
        subjects.extend(manifests.iter().map(|d| d.digest.clone()));
    }
    subjects
}

struct Engine<'a> {
    client: &'a RegistryClient,
    options: &'a CopyOptions,
    counters: &'a Counters,
}

impl Engine<'_> {
    /// Copies a manifest and everything below it, children first, so the
    /// registry never holds a manifest whose content is missing.
    async fn copy_tree(
        &self,
        source: &ImageRef,
        target: &ImageRef,
        manifest: &Manifest,
    ) -> Result<()> {
        if self.client.get_manifest(target).await?.is_some() {
            return Ok(());
        }
        self.copy_contents(source, target, manifest).await?;
        self.client.put_manifest(target, manifest).await?;
        self.counters
            .manifests_pushed
            .fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Copies what a manifest references (child manifests, blobs), not the
    /// manifest itself.
    async fn copy_contents(
        &self,
        source: &ImageRef,
        target: &ImageRef,
        manifest: &Manifest,
    ) -> Result<()> {
        match &manifest.content {
            Content::Index { manifests } => {
                for child in manifests {
                    let child_src = source.with_digest(&child.digest);
                    let child_manifest =
                        self.client.get_manifest(&child_src).await?.ok_or_else(|| {
                            RegistryError::not_found(
                                &source.registry,
                                format!(
                                    "index {} names manifest {} which the registry does not have",
                                    source, child.digest
                                ),
                            )
                        })?;
                    let child_dst = target.with_digest(&child.digest);
                    Box::pin(self.copy_tree(&child_src, &child_dst, &child_manifest)).await?;
                }
            }
            Content::Image { config, layers } => {
                let mut seen = BTreeSet::new();
                let blobs: Vec<&Descriptor> = std::iter::once(config)
                    .chain(layers)
                    .filter(|d| seen.insert(d.digest.clone()))
                    .collect();
                stream::iter(blobs)
                    .map(|blob| self.copy_blob(source, target, blob))
                    .buffer_unordered(self.options.jobs.max(1))
                    .try_collect::<Vec<()>>()
                    .await?;
            }
        }
        Ok(())
    }

    /// Carries the referrers of `subject` that the destination does not list
    /// yet: contents first, then the manifest through the referrers API (or
    /// added to the destination's fallback index, whose entries are kept).
    /// Entries whose manifest is gone or names another subject are skipped.
    async fn copy_referrers(
        &self,
        source: &ImageRef,
        destination: &ImageRef,
        subject: &str,
    ) -> Result<Vec<String>> {
        let listed = self.client.referrers(source, subject).await?;
        if listed.descriptors.is_empty() {
            return Ok(Vec::new());
        }
        let present = self.client.referrers(destination, subject).await?;
        let mut carried = Vec::new();
        for entry in &listed.descriptors {
            if present.descriptors.iter().any(|p| p.digest == entry.digest) {
                continue;
            }
            let src = source.with_digest(&entry.digest);
            let Some(manifest) = self.client.get_manifest(&src).await? else {
                tracing::warn!(
                    "referrer {} of {subject} is listed but missing",
                    entry.digest
                );
                continue;
            };
            let names_subject = serde_json::from_slice::<serde_json::Value>(&manifest.bytes)
                .ok()
                .and_then(|d| d.pointer("/subject/digest")?.as_str().map(str::to_string))
                .is_some_and(|d| d == subject);
            if !names_subject {
                tracing::warn!(
                    "referrer {} does not name {subject}; not copied",
                    entry.digest
                );
                continue;
            }
            let dst = destination.with_digest(&entry.digest);
            self.copy_contents(&src, &dst, &manifest).await?;
            self.client.push_referrer(destination, &manifest).await?;
            self.counters
                .manifests_pushed
                .fetch_add(1, Ordering::Relaxed);
            carried.push(entry.digest.clone());
        }
        Ok(carried)
    }

    async fn copy_blob(
        &self,
        source: &ImageRef,
        target: &ImageRef,
        blob: &Descriptor,
    ) -> Result<()> {
        if self.client.blob_exists(target, &blob.digest).await? {
            self.counters.blobs_present.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if super::identity::same_registry(&source.registry, &target.registry)
            && source.repository != target.repository
            && self.client.mount_blob(target, source, &blob.digest).await?
        {
            self.counters.blobs_mounted.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let bytes = self.client.stream_blob(source, target, blob).await?;
        self.counters.blobs_copied.fetch_add(1, Ordering::Relaxed);
        self.counters
            .bytes_copied
            .fetch_add(bytes, Ordering::Relaxed);
        Ok(())
    }

    /// Carries one cosign tag across. When the destination already has that
    /// tag with other content, the layers are merged so no signature is lost.
    async fn copy_attachment(
        &self,
        source: &ImageRef,
        destination: &ImageRef,
        tag: &str,
    ) -> Result<bool> {
        let src_tag = source.with_tag(tag);
        let Some(src_manifest) = self.client.get_manifest(&src_tag).await? else {
            return Ok(false);
        };
        let dst_tag = destination.with_tag(tag);
        let dst_manifest = self.client.get_manifest(&dst_tag).await?;
        if dst_manifest.as_ref().map(|m| &m.digest) == Some(&src_manifest.digest) {
            return Ok(true);
        }
        let src_pinned = source.with_digest(&src_manifest.digest);
        let dst_pinned = destination.with_digest(&src_manifest.digest);
        self.copy_tree(&src_pinned, &dst_pinned, &src_manifest)
            .await?;
        let to_tag = match dst_manifest {
            Some(existing) => merge_attachments(&existing, &src_manifest)?,
            None => src_manifest,
        };
        self.client.put_manifest(&dst_tag, &to_tag).await?;
        self.counters
            .manifests_pushed
            .fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }
}

/// Appends to `existing` the layers of `incoming` it does not have yet
/// (compared by digest), keeping `existing`'s config and order.
pub fn merge_attachments(existing: &Manifest, incoming: &Manifest) -> Result<Manifest> {
    let invalid = |why: &str| {
        RegistryError::protocol(
            String::new(),
            format!("cannot merge signature manifests: {why}"),
        )
    };
    let mut doc: serde_json::Value = serde_json::from_slice(&existing.bytes)
        .map_err(|_| invalid("existing manifest is not JSON"))?;
    let incoming_doc: serde_json::Value = serde_json::from_slice(&incoming.bytes)
        .map_err(|_| invalid("incoming manifest is not JSON"))?;
    let new_layers = incoming_doc
        .get("layers")
        .and_then(|l| l.as_array())
        .cloned()
        .unwrap_or_default();
    let layers = doc
        .get_mut("layers")
        .and_then(|l| l.as_array_mut())
        .ok_or_else(|| invalid("existing manifest has no layers"))?;
    let known: BTreeSet<String> = layers
        .iter()
        .filter_map(|l| l.get("digest").and_then(|d| d.as_str()).map(str::to_string))
        .collect();
    for layer in new_layers {
        let digest = layer
            .get("digest")
            .and_then(|d| d.as_str())
            .unwrap_or_default();
        if !known.contains(digest) {
            layers.push(layer);
        }
    }
    let bytes = serde_json::to_vec(&doc).map_err(|e| {
        Error::internal(format!("cannot serialise merged signature manifests: {e}"))
    })?;
    Manifest::from_bytes(bytes).map_err(|e| invalid(&e.to_string()).into())
}
