//! cosign's legacy attachment store: one OCI manifest per subject digest under
//! the tag `sha256-<hex>.<suffix>` in the image's repository, one layer per
//! signature. New layers are appended, never replacing what is there.

use crate::error::{Error, Result};
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
    /// `sha256-<hex>.<suffix>`.
    pub tag: String,
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
    let doc: AttachmentManifest =
        serde_json::from_slice(&manifest.bytes).map_err(|e| Error::Registry {
            registry: repository.registry.clone(),
            message: format!("{tag} is not a cosign attachment manifest: {e}"),
        })?;
    Ok(Some(Attachments {
        tag,
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
    let NewLayer {
        blob,
        media_type,
        annotations,
    } = new;
    let existing = read(client, repository, subject, suffix).await?;
    let mut layers = Vec::new();
    if let Some(existing) = &existing {
        for layer in existing.layers.iter().take(MAX_LAYERS) {
            if already_present(layer).await? {
                return Ok(AppendOutcome {
                    location: format!("{}:{}", repository.repository_name(), existing.tag),
                    tag: existing.tag.clone(),
                    manifest_digest: existing.manifest_digest.clone(),
                    added: false,
                });
            }
        }
        layers = existing.layers.clone();
    }
    let blob_digest = sha256_digest(&blob);
    let layer = LayerDescriptor {
        media_type: media_type.to_string(),
        size: blob.len() as u64,
        digest: blob_digest.clone(),
        annotations,
    };
    client.push_blob(repository, blob, &blob_digest).await?;
    layers.push(layer);

    let config = config_for(&layers);
    let config_digest = sha256_digest(&config);
    let config_size = config.len() as u64;
    client.push_blob(repository, config, &config_digest).await?;
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
    let bytes = serde_json::to_vec(&doc).map_err(|e| Error::Registry {
        registry: repository.registry.clone(),
        message: format!("cannot serialise the attachment manifest: {e}"),
    })?;
    let manifest = Manifest::from_bytes(bytes).map_err(|e| Error::Registry {
        registry: repository.registry.clone(),
        message: format!("built an invalid attachment manifest: {e}"),
    })?;
    let tag = cosign_tag(subject, suffix);
    client
        .put_manifest(&repository.with_tag(&tag), &manifest)
        .await?;
    Ok(AppendOutcome {
        location: format!("{}:{tag}", repository.repository_name()),
        tag,
        manifest_digest: manifest.digest,
        added: true,
    })
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
