//! Sigstore bundles v0.3 as cosign v3 writes them for key-based signing with
//! no transparency log: a DSSE envelope around an in-toto statement, and
//! `verificationMaterial.publicKey.hint` naming the key. An image signature is
//! a statement of predicate type [`COSIGN_SIGN_PREDICATE_TYPE`] with an empty
//! predicate (cosign's `sign --new-bundle-format`); an attestation is the
//! statement `cosign attest` makes. Field names are protobuf-JSON (camelCase).

use super::payload::{b64, pae, unb64, IN_TOTO_PAYLOAD_TYPE};
use crate::error::BundleError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Media type (and `artifactType`) of a Sigstore bundle v0.3.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// Prefix every Sigstore bundle media type starts with (v0.1 to v0.3).
pub const BUNDLE_MEDIA_TYPE_PREFIX: &str = "application/vnd.dev.sigstore.bundle";
/// Predicate type of a cosign v3 image signature.
pub const COSIGN_SIGN_PREDICATE_TYPE: &str = "https://sigstore.dev/cosign/sign/v1";
/// in-toto Statement v1, which cosign v3 signs images with.
pub const IN_TOTO_STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// Manifest annotation: `dsse-envelope` or `message-signature`.
pub const CONTENT_ANNOTATION: &str = "dev.sigstore.bundle.content";
/// Manifest annotation: the statement's predicate type.
pub const PREDICATE_ANNOTATION: &str = "dev.sigstore.bundle.predicateType";
/// Manifest annotation: when the bundle was made (RFC 3339).
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";
/// Layer annotation: a file name for the bundle.
pub const TITLE_ANNOTATION: &str = "org.opencontainers.image.title";
/// [`CONTENT_ANNOTATION`] of a DSSE bundle.
pub const CONTENT_DSSE: &str = "dsse-envelope";

/// A Sigstore bundle (the parts vimes reads and writes).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    /// [`BUNDLE_MEDIA_TYPE`] (or an older bundle version).
    pub media_type: String,
    /// The key or certificate, and transparency-log entries.
    #[serde(default)]
    pub verification_material: VerificationMaterial,
    /// A DSSE envelope (what cosign writes for images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsse_envelope: Option<BundleEnvelope>,
    /// A bare message signature (`cosign sign-blob`); never an image signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_signature: Option<serde_json::Value>,
}

/// `verificationMaterial`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMaterial {
    /// The signing key's identifier, for key-based bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PublicKeyHint>,
    /// A Fulcio certificate (keyless signing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<serde_json::Value>,
    /// A certificate chain (older keyless bundles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x509_certificate_chain: Option<serde_json::Value>,
    /// Rekor entries (none when signed with a key offline).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tlog_entries: Vec<serde_json::Value>,
}

/// `verificationMaterial.publicKey`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PublicKeyHint {
    /// base64 of the SHA-256 of the DER public key, as sigstore-go sets it.
    #[serde(default)]
    pub hint: String,
}

/// A DSSE envelope in protobuf-JSON form.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEnvelope {
    /// base64 of the statement.
    pub payload: String,
    /// [`IN_TOTO_PAYLOAD_TYPE`].
    pub payload_type: String,
    /// The signatures over the PAE.
    #[serde(default)]
    pub signatures: Vec<BundleSignature>,
}

/// One DSSE signature (protobuf-JSON omits an empty `keyid`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BundleSignature {
    /// base64 of the DER ECDSA signature.
    pub sig: String,
    /// Key id, usually absent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
}

/// The in-toto Statement v1 cosign v3 signs an image with.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SignStatement {
    /// [`IN_TOTO_STATEMENT_V1`].
    #[serde(rename = "_type")]
    pub kind: String,
    /// The image.
    pub subject: Vec<ResourceDescriptor>,
    /// [`COSIGN_SIGN_PREDICATE_TYPE`].
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// Empty for a signature.
    pub predicate: serde_json::Value,
}

/// An in-toto v1 resource descriptor (field order as protobuf-JSON writes it).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ResourceDescriptor {
    /// `host/repository` (vimes binds the repository; cosign leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `{"sha256": "<hex>"}`.
    #[serde(default)]
    pub digest: BTreeMap<String, String>,
    /// `-a key=value` annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, serde_json::Value>>,
}

impl SignStatement {
    /// The statement for `repository@digest` with `annotations`.
    pub fn new(repository: &str, digest: &str, annotations: &BTreeMap<String, String>) -> Self {
        let (algorithm, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
        SignStatement {
            kind: IN_TOTO_STATEMENT_V1.to_string(),
            subject: vec![ResourceDescriptor {
                name: Some(repository.to_string()),
                digest: BTreeMap::from([(algorithm.to_string(), hex.to_string())]),
                annotations: Some(
                    annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect(),
                ),
            }],
            predicate_type: COSIGN_SIGN_PREDICATE_TYPE.to_string(),
            predicate: serde_json::Value::Object(serde_json::Map::new()),
        }
    }
}

/// `base64(sha256(DER public key))` from a `sha256:<hex>` fingerprint.
pub fn key_hint(fingerprint: &str) -> String {
    let hex = fingerprint.strip_prefix("sha256:").unwrap_or(fingerprint);
    hex::decode(hex).map(|raw| b64(&raw)).unwrap_or_default()
}

impl Bundle {
    /// A key-based bundle over `statement` (in-toto JSON) with `signature`
    /// (DER, over the DSSE PAE) by the key with `fingerprint`.
    pub fn dsse(statement: &[u8], signature: &[u8], fingerprint: &str) -> Self {
        Bundle {
            media_type: BUNDLE_MEDIA_TYPE.to_string(),
            verification_material: VerificationMaterial {
                public_key: Some(PublicKeyHint {
                    hint: key_hint(fingerprint),
                }),
                ..VerificationMaterial::default()
            },
            dsse_envelope: Some(BundleEnvelope {
                payload: b64(statement),
                payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
                signatures: vec![BundleSignature {
                    sig: b64(signature),
                    keyid: String::new(),
                }],
            }),
            message_signature: None,
        }
    }

    /// The bytes stored as the bundle layer.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// What the DSSE content of a bundle says, before any signature is checked.
#[derive(Debug)]
pub struct Opened {
    /// The statement bytes (decoded payload).
    pub statement: Vec<u8>,
    /// The message the signatures are over (the PAE).
    pub message: Vec<u8>,
    /// The decoded signatures (undecodable ones left out).
    pub signatures: Vec<Vec<u8>>,
    /// The statement's predicate type, when it parses.
    pub predicate_type: Option<String>,
}

/// Opens a bundle's DSSE envelope; the error says why it cannot be checked.
pub fn open(bundle: &Bundle) -> Result<Opened, BundleError> {
    if !bundle.media_type.starts_with(BUNDLE_MEDIA_TYPE_PREFIX) {
        return Err(BundleError::MediaType(bundle.media_type.clone()));
    }
    let Some(envelope) = &bundle.dsse_envelope else {
        return Err(if bundle.message_signature.is_some() {
            BundleError::MessageSignature
        } else {
            BundleError::Empty
        });
    };
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(BundleError::PayloadType(envelope.payload_type.clone()));
    }
    let statement = unb64(&envelope.payload).ok_or(BundleError::PayloadEncoding)?;
    let predicate_type = serde_json::from_slice::<serde_json::Value>(&statement)
        .ok()
        .and_then(|v| v.get("predicateType")?.as_str().map(str::to_string));
    Ok(Opened {
        message: pae(&envelope.payload_type, &statement),
        signatures: envelope
            .signatures
            .iter()
            .filter_map(|s| unb64(&s.sig))
            .filter(|s| !s.is_empty())
            .collect(),
        statement,
        predicate_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_statement_is_cosign_v3_shaped() {
        let s = SignStatement::new(
            "r.example/app",
            "sha256:00ff",
            &BTreeMap::from([("env".into(), "prod".into())]),
        );
        assert_eq!(
            String::from_utf8(serde_json::to_vec(&s).unwrap()).unwrap(),
            r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"r.example/app","digest":{"sha256":"00ff"},"annotations":{"env":"prod"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}"#
        );
    }

    #[test]
    fn bundle_round_trips_and_opens() {
        let b = Bundle::dsse(b"{\"predicateType\":\"x\"}", b"sig", "sha256:00ff");
        let text = String::from_utf8(b.to_bytes()).unwrap();
        assert!(text.starts_with(r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"AP8="}},"dsseEnvelope":{"#), "{text}");
        let parsed: Bundle = serde_json::from_str(&text).unwrap();
        let opened = open(&parsed).unwrap();
        assert_eq!(opened.predicate_type.as_deref(), Some("x"));
        assert_eq!(opened.signatures, vec![b"sig".to_vec()]);
        let mut other = parsed.clone();
        other.dsse_envelope = None;
        other.message_signature = Some(serde_json::json!({}));
        assert_eq!(open(&other).unwrap_err(), BundleError::MessageSignature);
        assert!(BundleError::MessageSignature
            .to_string()
            .contains("message-signature"));
    }
}
