//! cosign v3's bundle format, written independently for the tests: Sigstore
//! bundles v0.3 (key-based, no tlog) in OCI referrer manifests, laid out as
//! cosign stores them, pushed by digest and listed in the referrers tag
//! schema (`sha256-<hex>` index) when the registry has no referrers API.

use super::{b64, pae, unb64, verifies, ForeignKey};
use crate::support::{sha256_digest, OciClient};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

pub const BUNDLE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
pub const EMPTY: &str = "application/vnd.oci.empty.v1+json";
pub const SIGN_PREDICATE: &str = "https://sigstore.dev/cosign/sign/v1";
pub const IN_TOTO: &str = "application/vnd.in-toto+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// The statement `cosign sign --new-bundle-format` signs: in-toto v1, no
/// subject name, annotations on the subject, empty predicate.
pub fn sign_statement(digest: &str, annotations: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"digest": {"sha256": digest.trim_start_matches("sha256:")}, "annotations": annotations}],
        "predicateType": SIGN_PREDICATE,
        "predicate": {},
    }))
    .unwrap()
}

/// A key-based bundle v0.3 around `statement`, signed by `key`.
pub fn bundle(key: &ForeignKey, statement: &[u8]) -> Vec<u8> {
    let sig = key.sign(&pae(IN_TOTO, statement));
    let der = p256::pkcs8::DecodePublicKey::from_public_key_pem(&key.public_pem())
        .map(|k: p256::ecdsa::VerifyingKey| {
            p256::pkcs8::EncodePublicKey::to_public_key_der(&k)
                .unwrap()
                .as_bytes()
                .to_vec()
        })
        .unwrap();
    serde_json::to_vec(&json!({
        "mediaType": BUNDLE,
        "verificationMaterial": {"publicKey": {"hint": b64(&Sha256::digest(der))}},
        "dsseEnvelope": {"payload": b64(statement), "payloadType": IN_TOTO, "signatures": [{"sig": b64(&sig)}]},
    }))
    .unwrap()
}

/// Pushes `bundle` as cosign does: empty config, one layer, `subject` = the
/// image (`subject_media_type`, manifest `subject_size`), by digest; then, if
/// `fallback`, adds it to the `sha256-<hex>` index. Returns the manifest digest.
#[allow(clippy::too_many_arguments)]
pub fn push_bundle(
    client: &OciClient,
    repo: &str,
    subject: &str,
    subject_media_type: &str,
    subject_size: usize,
    bundle: &[u8],
    predicate_type: &str,
    fallback: bool,
) -> String {
    let config_digest = client.push_blob(repo, b"{}");
    let layer_digest = client.push_blob(repo, bundle);
    let annotations = json!({
        "dev.sigstore.bundle.content": "dsse-envelope",
        "dev.sigstore.bundle.predicateType": predicate_type,
        "org.opencontainers.image.created": "2026-01-02T03:04:05Z",
    });
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": super::OCI_MANIFEST,
        "artifactType": BUNDLE,
        "config": {"mediaType": EMPTY, "digest": config_digest, "size": 2},
        "layers": [{"mediaType": BUNDLE, "digest": layer_digest, "size": bundle.len(),
            "annotations": {"org.opencontainers.image.title": format!("{}.sigstore.json", layer_digest.replacen(':', "-", 1))}}],
        "subject": {"mediaType": subject_media_type, "digest": subject, "size": subject_size},
        "annotations": annotations,
    }))
    .unwrap();
    let digest = sha256_digest(&manifest);
    client.push_manifest(repo, &digest, super::OCI_MANIFEST, &manifest);
    if fallback {
        let tag = subject.replacen(':', "-", 1);
        let mut index = client
            .get_manifest(repo, &tag)
            .map(|(_, b, _)| serde_json::from_slice::<Value>(&b).unwrap())
            .unwrap_or_else(
                || json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}),
            );
        index["manifests"].as_array_mut().unwrap().push(json!({
            "mediaType": super::OCI_MANIFEST, "digest": digest, "size": manifest.len(),
            "artifactType": BUNDLE, "annotations": annotations,
        }));
        client.push_manifest(repo, &tag, OCI_INDEX, &serde_json::to_vec(&index).unwrap());
    }
    digest
}

/// Adds the referrer manifest `digest` to the fallback index of `under`
/// (whatever its own subject is), as a careless or hostile writer could.
pub fn list_under(client: &OciClient, repo: &str, under: &str, digest: &str) {
    let (_, bytes, _) = client.get_manifest(repo, digest).unwrap();
    let tag = under.replacen(':', "-", 1);
    let mut index = client
        .get_manifest(repo, &tag)
        .map(|(_, b, _)| serde_json::from_slice::<Value>(&b).unwrap())
        .unwrap_or_else(|| json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}));
    index["manifests"].as_array_mut().unwrap().push(json!({
        "mediaType": super::OCI_MANIFEST, "digest": digest, "size": bytes.len(), "artifactType": BUNDLE,
    }));
    client.push_manifest(repo, &tag, OCI_INDEX, &serde_json::to_vec(&index).unwrap());
}

/// The referrers of `subject`: through the API when there is one, else the
/// fallback index. Returns (whether the API answered, descriptors).
pub fn referrers(client: &OciClient, repo: &str, subject: &str) -> (bool, Vec<Value>) {
    if let Some(index) = client.referrers_api(repo, subject) {
        return (
            true,
            index["manifests"].as_array().cloned().unwrap_or_default(),
        );
    }
    let tag = subject.replacen(':', "-", 1);
    let entries = client
        .get_manifest(repo, &tag)
        .map(|(media_type, bytes, _)| {
            assert_eq!(media_type, OCI_INDEX, "the referrers tag holds an index");
            let index: Value = serde_json::from_slice(&bytes).unwrap();
            index["manifests"].as_array().cloned().unwrap_or_default()
        })
        .unwrap_or_default();
    (false, entries)
}

/// One bundle as stored: its manifest, its bundle JSON and statement.
pub struct Stored {
    pub manifest_digest: String,
    pub manifest: Value,
    pub bundle: Value,
    pub statement_bytes: Vec<u8>,
    pub statement: Value,
}

impl Stored {
    /// Whether the DSSE signature verifies with `public_pem` (independent p256).
    pub fn verifies_with(&self, public_pem: &str) -> bool {
        let sig = unb64(
            self.bundle["dsseEnvelope"]["signatures"][0]["sig"]
                .as_str()
                .unwrap(),
        );
        verifies(public_pem, &pae(IN_TOTO, &self.statement_bytes), &sig)
    }
}

/// Every bundle referrer of `subject`, read and checked for cosign's layout.
pub fn read_bundles(client: &OciClient, repo: &str, subject: &str) -> Vec<Stored> {
    let (_, entries) = referrers(client, repo, subject);
    entries
        .iter()
        .filter(|e| e["artifactType"] == BUNDLE)
        .map(|entry| {
            let digest = entry["digest"].as_str().unwrap().to_string();
            let (media_type, bytes, served) = client.get_manifest(repo, &digest).unwrap();
            assert_eq!(served, digest);
            assert_eq!(media_type, super::OCI_MANIFEST);
            let manifest: Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(manifest["mediaType"], super::OCI_MANIFEST);
            assert_eq!(manifest["artifactType"], BUNDLE);
            assert_eq!(manifest["config"]["mediaType"], EMPTY);
            assert_eq!(manifest["config"]["size"], 2);
            let config = client
                .get_blob(repo, manifest["config"]["digest"].as_str().unwrap())
                .unwrap();
            assert_eq!(config, b"{}");
            assert_eq!(manifest["subject"]["digest"], subject);
            let layers = manifest["layers"].as_array().unwrap();
            assert_eq!(layers.len(), 1);
            assert_eq!(layers[0]["mediaType"], BUNDLE);
            let blob = client
                .get_blob(repo, layers[0]["digest"].as_str().unwrap())
                .unwrap();
            assert_eq!(sha256_digest(&blob), layers[0]["digest"].as_str().unwrap());
            let bundle: Value = serde_json::from_slice(&blob).unwrap();
            assert_eq!(bundle["mediaType"], BUNDLE);
            assert_eq!(bundle["dsseEnvelope"]["payloadType"], IN_TOTO);
            let statement_bytes = unb64(bundle["dsseEnvelope"]["payload"].as_str().unwrap());
            let statement = serde_json::from_slice(&statement_bytes).unwrap();
            Stored {
                manifest_digest: digest,
                manifest,
                bundle,
                statement_bytes,
                statement,
            }
        })
        .collect()
}
