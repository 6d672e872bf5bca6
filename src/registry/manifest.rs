//! The parts of OCI/Docker manifests and indexes the copy engine needs; the
//! bytes are kept as they came so digests never change.

use serde::Deserialize;
use sha2::{Digest as _, Sha256};

/// OCI image index media type.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest media type.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker manifest list media type.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker schema 2 manifest media type.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// A content descriptor.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// Media type of the referenced content.
    #[serde(default)]
    pub media_type: String,
    /// `sha256:<hex>`.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
    /// Platform, for index entries.
    #[serde(default)]
    pub platform: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestView {
    schema_version: Option<u32>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Option<Vec<Descriptor>>,
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
}

/// What a manifest points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// An image (or artifact) manifest: config plus layers.
    Image {
        /// The config blob.
        config: Descriptor,
        /// The layer blobs.
        layers: Vec<Descriptor>,
    },
    /// An index / manifest list of child manifests.
    Index {
        /// The child manifests.
        manifests: Vec<Descriptor>,
    },
}

/// A manifest as raw bytes plus what was learnt from them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The exact bytes (the digest is over these).
    pub bytes: Vec<u8>,
    /// `sha256:` digest of `bytes`.
    pub digest: String,
    /// Media type (from the document, or inferred for OCI documents without one).
    pub media_type: String,
    /// What it references.
    pub content: Content,
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// What is wrong with a manifest.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Over the size registries are required to accept.
    #[error("manifest is larger than 4 MiB")]
    TooLarge,
    /// Not JSON of a manifest's shape.
    #[error("not a manifest: {0}")]
    NotJson(#[from] serde_json::Error),
    /// A schema version other than 2.
    #[error("schemaVersion {0:?} is not supported (only 2)")]
    SchemaVersion(Option<u32>),
    /// Both or neither of `manifests` and `config`.
    #[error("neither an image manifest nor an index")]
    Shape,
    /// A media type that is not an OCI or Docker v2 manifest or index.
    #[error("media type {0:?} is not supported")]
    MediaType(String),
    /// An index typed as an image manifest, or the other way round.
    #[error("content does not match its media type {0:?}")]
    MediaTypeMismatch(String),
    /// A descriptor with an invalid digest.
    #[error(transparent)]
    Digest(#[from] super::reference::ReferenceError),
}

impl Manifest {
    /// Parses and checks a manifest; the error says what is wrong with it.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ManifestError> {
        if bytes.len() > 4 * 1024 * 1024 {
            return Err(ManifestError::TooLarge);
        }
        let view: ManifestView = serde_json::from_slice(&bytes)?;
        if view.schema_version != Some(2) {
            return Err(ManifestError::SchemaVersion(view.schema_version));
        }
        let content = match (view.manifests, view.config, view.layers) {
            (Some(manifests), None, _) => Content::Index { manifests },
            (None, Some(config), layers) => Content::Image {
                config,
                layers: layers.unwrap_or_default(),
            },
            _ => return Err(ManifestError::Shape),
        };
        let media_type = match (view.media_type, &content) {
            (Some(m), _) => m,
            (None, Content::Index { .. }) => OCI_INDEX.to_string(),
            (None, Content::Image { .. }) => OCI_MANIFEST.to_string(),
        };
        let known = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];
        if !known.contains(&media_type.as_str()) {
            return Err(ManifestError::MediaType(media_type));
        }
        let is_index_type = media_type == OCI_INDEX || media_type == DOCKER_LIST;
        if is_index_type != matches!(content, Content::Index { .. }) {
            return Err(ManifestError::MediaTypeMismatch(media_type));
        }
        for d in content.descriptors() {
            super::reference::validate_digest(&d.digest)?;
        }
        Ok(Manifest {
            digest: sha256_digest(&bytes),
            bytes,
            media_type,
            content,
        })
    }
}

impl Content {
    /// Every descriptor this manifest references.
    pub fn descriptors(&self) -> Vec<&Descriptor> {
        match self {
            Content::Image { config, layers } => std::iter::once(config).chain(layers).collect(),
            Content::Index { manifests } => manifests.iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn parses_oci_image_and_index() {
        let image = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{D}","size":2}},"layers":[{{"mediaType":"x","digest":"{D}","size":5}}]}}"#
        );
        let m = Manifest::from_bytes(image.clone().into_bytes()).unwrap();
        assert_eq!(m.media_type, OCI_MANIFEST);
        assert_eq!(m.digest, sha256_digest(image.as_bytes()));
        assert_eq!(m.content.descriptors().len(), 2);
        let index = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{{"mediaType":"{OCI_MANIFEST}","digest":"{D}","size":9,"platform":{{"os":"linux","architecture":"arm64"}}}}]}}"#
        );
        let m = Manifest::from_bytes(index.into_bytes()).unwrap();
        assert!(matches!(m.content, Content::Index { ref manifests } if manifests.len() == 1));
    }

    #[test]
    fn rejects_bad_manifests() {
        for bad in [
            "not json",
            r#"{"schemaVersion":1}"#,
            r#"{"schemaVersion":2}"#,
            r#"{"schemaVersion":2,"config":{"digest":"sha256:abc","size":1},"layers":[]}"#,
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{"digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","size":1}}"#,
            r#"{"schemaVersion":2,"config":{"digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","size":-1}}"#,
        ] {
            assert!(
                Manifest::from_bytes(bad.as_bytes().to_vec()).is_err(),
                "{bad}"
            );
        }
    }
}
