//! cosign's legacy attachment store: one OCI manifest per subject digest under
//! the tag `sha256-<hex>.<suffix>` in the image's repository, one layer per
//! signature. New layers are appended, never replacing what is there, except
//! that a re-scan's attestation replaces the same key's older one of its type
//! ([`replace_all`]).

use crate::error::{Error, RegistryError, Result};
use crate::registry::manifest::{sha256_digest, Manifest};
use crate::registry::reference::cosign_tag;
use crate::registry::{ImageRef, RegistryClient};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Layer media type of a simple-signing payload.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Layer media type of a DSSE envelope.
pub const DSSE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";
/// Layer annotation holding the base64 signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Layer annotation naming an attestation's predicate type.
pub const PREDICATE_TYPE_ANNOTATION: &str = "predicateType";
/// At most this many layers of one attachment manifest are examined.
pub const MAX_LAYERS: usize = 256;

/// A layer descriptor as go-containerregistry serialises it (field order kept).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LayerDescriptor {
    /// Layer media type.
    pub media_type: String,
    /// Blob size.
    pub size: u64,
    /// Blob digest.
    pub digest: String,
    /// Layer annotations (signature, predicate type, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigDescriptor {
    media_type: String,
    size: u64,
    digest: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttachmentManifest {
    schema_version: u32,
    media_type: String,
    config: ConfigDescriptor,
    layers: Vec<LayerDescriptor>,
}

/// The attachment manifest of one subject, with its layers.
#[derive(Clone, Debug)]
pub struct Attachments {
    /// Digest of the attachment manifest.
    pub manifest_digest: String,
    /// Its layers, in order.
    pub layers: Vec<LayerDescriptor>,
}

/// Reads the `.sig`/`.att` manifest of `subject` in `repository`; `None` when absent.
pub async fn read(
    client: &RegistryClient,
    repository: &ImageRef,
    subject: &str,
    suffix: &str,
) -> Result<Option<Attachments>> {
    let tag = cosign_tag(subject, suffix);
    let Some(manifest) = client.get_manifest(&repository.with_tag(&tag)).await? else {
        return Ok(None);
    };
    let doc: AttachmentManifest = serde_json::from_slice(&manifest.bytes).map_err(|e| {
        RegistryError::protocol(
            &repository.registry,
            format!("{tag} is not a cosign attachment manifest: {e}"),
        )
    })?;
    Ok(Some(Attachments {
        manifest_digest: manifest.digest,
        layers: doc.layers,
    }))
}

/// What [`append`] did.
#[derive(Clone, Debug, Serialize)]
pub struct AppendOutcome {
    /// The attachment tag written.
    pub tag: String,
    /// The attachment manifest digest now under the tag.
    pub manifest_digest: String,
    /// Where it is stored: `repo:tag` (legacy) or `repo@digest` (bundle referrer).
    pub location: String,
    /// Whether a layer was added (false: an equivalent one was already there).
    pub added: bool,
}

/// A layer to attach.
pub struct NewLayer {
    /// The blob (payload or envelope).
    pub blob: Vec<u8>,
    /// Its media type.
    pub media_type: &'static str,
    /// Its annotations.
    pub annotations: BTreeMap<String, String>,
}

/// Appends `new` to the attachment manifest (`suffix`) of `subject`, unless
/// `already_present` says one of the existing layers is equivalent.
pub async fn append(
    client: &RegistryClient,
    repository: &ImageRef,
    subject: &str,
    suffix: &str,
    new: NewLayer,
    already_present: impl AsyncFn(&LayerDescriptor) -> Result<bool>,
) -> Result<AppendOutcome> {
    let mut outcomes = append_all(
        client,
        repository,
        subject,
        suffix,
        vec![new],
        async |_, layer: &LayerDescriptor| already_present(layer).await,
    )
    .await?;
    outcomes
        .pop()
        .ok_or_else(|| Error::internal("appending one layer reported no outcome"))
}

/// Appends each of `new` that `already_present(index, layer)` finds no
/// equivalent for among the existing layers, in one read and one manifest
/// write: several attestations of one promotion cost one round of requests,
/// not one each. Outcomes are in the order of `new`.
pub async fn append_all(
    client: &RegistryClient,
    repository: &ImageRef,
    subject: &str,
    suffix: &str,
    new: Vec<NewLayer>,
    already_present: impl AsyncFn(usize, &LayerDescriptor) -> Result<bool>,
) -> Result<Vec<AppendOutcome>> {
    let existing = read(client, repository, subject, suffix).await?;
    let mut present = vec![false; new.len()];
    if let Some(existing) = &existing {
        for (index, found) in present.iter_mut().enumerate() {
            for layer in existing.layers.iter().take(MAX_LAYERS) {
                if already_present(index, layer).await? {
                    *found = true;
                    break;
                }
            }
        }
    }
    let tag = cosign_tag(subject, suffix);
    let location = format!("{}:{tag}", repository.repository_name());
    let outcome = |manifest_digest: &str, added: bool| AppendOutcome {
        tag: tag.clone(),
        manifest_digest: manifest_digest.to_string(),
        location: location.clone(),
        added,
    };
    let missing: Vec<NewLayer> = new
        .into_iter()
        .zip(&present)
        .filter(|(_, found)| !**found)
        .map(|(layer, _)| layer)
        .collect();
    if missing.is_empty() {
        // Everything asked for is there already (or nothing was asked for).
        return Ok(existing
            .map(|e| {
                present
                    .iter()
                    .map(|_| outcome(&e.manifest_digest, false))
                    .collect()
            })
            .unwrap_or_default());
    }
    let digest = write_layers(client, repository, &tag, existing, missing).await?;
    Ok(present
        .iter()
        .map(|found| outcome(&digest, !found))
        .collect())
}

/// Writes `new` into the attachment manifest (`suffix`) of `subject`,
/// dropping the existing layers `superseded` says the new ones replace; every
/// other layer (another signer's, another type) is kept in order. One read
/// and one manifest write.
pub async fn replace_all(
    client: &RegistryClient,
    repository: &ImageRef,
    subject: &str,
    suffix: &str,
    new: Vec<NewLayer>,
    superseded: impl AsyncFn(&LayerDescriptor) -> Result<bool>,
) -> Result<Vec<AppendOutcome>> {
    let mut existing = read(client, repository, subject, suffix).await?;
    if let Some(found) = &mut existing {
        let mut kept = Vec::with_capacity(found.layers.len());
        for (position, layer) in found.layers.drain(..).enumerate() {
            // Layers past the examined limit are kept as they are.
            if position >= MAX_LAYERS || !superseded(&layer).await? {
                kept.push(layer);
            }
        }
        found.layers = kept;
    }
    let count = new.len();
    let tag = cosign_tag(subject, suffix);
    let location = format!("{}:{tag}", repository.repository_name());
    let digest = write_layers(client, repository, &tag, existing, new).await?;
    Ok((0..count)
        .map(|_| AppendOutcome {
            tag: tag.clone(),
            manifest_digest: digest.clone(),
            location: location.clone(),
            added: true,
        })
        .collect())
}

/// Pushes the blobs of `missing` and the config (all at once), then the
/// manifest listing the existing layers followed by the new ones. Returns the
/// new manifest's digest.
async fn write_layers(
    client: &RegistryClient,
    repository: &ImageRef,
    tag: &str,
    existing: Option<Attachments>,
    missing: Vec<NewLayer>,
) -> Result<String> {
    let mut layers = existing.map(|e| e.layers).unwrap_or_default();
    let mut blobs = Vec::new();
    for NewLayer {
        blob,
        media_type,
        annotations,
    } in missing
    {
        let digest = sha256_digest(&blob);
        layers.push(LayerDescriptor {
            media_type: media_type.to_string(),
            size: blob.len() as u64,
            digest: digest.clone(),
            annotations,
        });
        blobs.push((blob, digest));
    }
    let config = config_for(&layers);
    let config_digest = sha256_digest(&config);
    let config_size = config.len() as u64;
    blobs.push((config, config_digest.clone()));
    // The manifest goes last: it must never name a blob the registry lacks.
    futures_util::future::try_join_all(
        blobs
            .into_iter()
            .map(|(blob, digest)| async move { client.push_blob(repository, blob, &digest).await }),
    )
    .await?;
    let doc = AttachmentManifest {
        schema_version: 2,
        media_type: crate::registry::manifest::OCI_MANIFEST.to_string(),
        config: ConfigDescriptor {
            media_type: "application/vnd.oci.image.config.v1+json".to_string(),
            size: config_size,
            digest: config_digest,
        },
        layers,
    };
    let bytes = serde_json::to_vec(&doc)
        .map_err(|e| Error::internal(format!("cannot serialise the attachment manifest: {e}")))?;
    let manifest = Manifest::from_bytes(bytes)
        .map_err(|e| Error::internal(format!("built an invalid attachment manifest: {e}")))?;
    client
        .put_manifest(&repository.with_tag(tag), &manifest)
        .await?;
    Ok(manifest.digest)
}

/// The image config go-containerregistry writes for cosign's attachment
/// images; a struct keeps Go's field order.
fn config_for(layers: &[LayerDescriptor]) -> Vec<u8> {
    #[derive(Serialize)]
    struct History {
        created: &'static str,
    }
    #[derive(Serialize)]
    struct RootFs<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        diff_ids: Vec<&'a str>,
    }
    #[derive(Serialize)]
    struct ConfigFile<'a> {
        architecture: &'static str,
        created: &'static str,
        history: Vec<History>,
        os: &'static str,
        rootfs: RootFs<'a>,
        config: serde_json::Map<String, serde_json::Value>,
    }
    const ZERO_TIME: &str = "0001-01-01T00:00:00Z";
    let config = ConfigFile {
        architecture: "",
        created: ZERO_TIME,
        history: layers
            .iter()
            .map(|_| History { created: ZERO_TIME })
            .collect(),
        os: "",
        rootfs: RootFs {
            kind: "layers",
            diff_ids: layers.iter().map(|l| l.digest.as_str()).collect(),
        },
        config: serde_json::Map::new(),
    };
    serde_json::to_vec(&config).unwrap_or_default()
}
