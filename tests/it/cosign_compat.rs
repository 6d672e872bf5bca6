//! A second, independent implementation of cosign's legacy format for the
//! tests: RustCrypto's p256 (vimes signs through sigstore/aws-lc), with the
//! `.sig`/`.att` structures laid out as Go cosign lays them out. vimes'
//! signatures are checked with it, and it makes signatures vimes never made.

use crate::support::{sha256_digest, Registry};
use base64::Engine;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use serde_json::{json, Value};

pub const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
pub const DSSE: &str = "application/vnd.dsse.envelope.v1+json";
pub const SIG_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

/// A key pair that is not vimes'.
pub struct ForeignKey {
    signing: SigningKey,
}

impl ForeignKey {
    pub fn from_seed(seed: u8) -> ForeignKey {
        let mut bytes = [seed; 32];
        bytes[0] = 1; // keep the scalar in range and non-zero
        ForeignKey {
            signing: SigningKey::from_slice(&bytes).expect("valid scalar"),
        }
    }

    pub fn public_pem(&self) -> String {
        VerifyingKey::from(&self.signing)
            .to_public_key_pem(LineEnding::LF)
            .expect("encode public key")
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let sig: DerSignature = self.signing.sign(message);
        sig.as_bytes().to_vec()
    }
}

/// Whether `sig` (DER) over `message` verifies with the PEM public key.
pub fn verifies(public_pem: &str, message: &[u8], sig: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_public_key_pem(public_pem) else {
        return false;
    };
    let Ok(sig) = DerSignature::from_bytes(sig) else {
        return false;
    };
    key.verify(message, &sig).is_ok()
}

/// The payload Go cosign signs, byte for byte.
pub fn payload(docker_reference: &str, digest: &str) -> Vec<u8> {
    crate::support::simple_signing_payload(docker_reference, digest)
}

/// DSSE pre-authentication encoding.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// One layer of an attachment manifest.
pub struct Layer {
    pub media_type: &'static str,
    pub blob: Vec<u8>,
    pub annotations: Value,
}

impl Layer {
    /// A signature layer: `payload` signed by `key`.
    pub fn signature(key: &ForeignKey, payload: Vec<u8>) -> Layer {
        let sig = b64(&key.sign(&payload));
        Layer {
            media_type: SIMPLE_SIGNING,
            blob: payload,
            annotations: json!({ SIG_ANNOTATION: sig }),
        }
    }

    /// An attestation layer as `cosign attest` writes it.
    pub fn attestation(
        key: &ForeignKey,
        repository: &str,
        digest: &str,
        predicate_type: &str,
        predicate: Value,
    ) -> Layer {
        let statement = serde_json::to_vec(&json!({
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": predicate_type,
            "subject": [{ "name": repository, "digest": { "sha256": digest.trim_start_matches("sha256:") } }],
            "predicate": predicate,
        }))
        .unwrap();
        let sig = key.sign(&pae("application/vnd.in-toto+json", &statement));
        let envelope = serde_json::to_vec(&json!({
            "payloadType": "application/vnd.in-toto+json",
            "payload": b64(&statement),
            "signatures": [{ "keyid": "", "sig": b64(&sig) }],
        }))
        .unwrap();
        Layer {
            media_type: DSSE,
            blob: envelope,
            annotations: json!({ SIG_ANNOTATION: "", "predicateType": predicate_type }),
        }
    }
}

/// Pushes an attachment manifest under `sha256-<hex>.<suffix>` the way
/// go-containerregistry builds cosign's images. Returns its digest.
pub fn push_attachment(
    registry: &Registry,
    repo: &str,
    image_digest: &str,
    suffix: &str,
    layers: &[Layer],
) -> String {
    let client = registry.client();
    let mut descriptors = Vec::new();
    for layer in layers {
        let digest = client.push_blob(repo, &layer.blob);
        descriptors.push(json!({
            "mediaType": layer.media_type,
            "size": layer.blob.len(),
            "digest": digest,
            "annotations": layer.annotations,
        }));
    }
    let diff_ids: Vec<String> = layers.iter().map(|l| sha256_digest(&l.blob)).collect();
    let history: Vec<Value> = layers
        .iter()
        .map(|_| json!({"created": "0001-01-01T00:00:00Z"}))
        .collect();
    let config = serde_json::to_vec(&json!({
        "architecture": "", "created": "0001-01-01T00:00:00Z", "history": history, "os": "",
        "rootfs": { "type": "layers", "diff_ids": diff_ids }, "config": {}
    }))
    .unwrap();
    let config_digest = client.push_blob(repo, &config);
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "size": config.len(), "digest": config_digest },
        "layers": descriptors,
    }))
    .unwrap();
    let tag = format!("{}.{suffix}", image_digest.replacen(':', "-", 1));
    client.push_manifest(repo, &tag, OCI_MANIFEST, &manifest)
}

/// Reads the attachment manifest `suffix` of `image_digest`: (media type, JSON).
pub fn read_attachment(
    registry: &Registry,
    repo: &str,
    image_digest: &str,
    suffix: &str,
) -> Option<(String, Value)> {
    let tag = format!("{}.{suffix}", image_digest.replacen(':', "-", 1));
    registry
        .client()
        .get_manifest(repo, &tag)
        .map(|(media_type, bytes, _)| {
            (
                media_type,
                serde_json::from_slice(&bytes).expect("manifest JSON"),
            )
        })
}

pub mod bundle;
