//! The signed documents, byte for byte as Go cosign writes them: the
//! simple-signing payload of `.sig` layers and the DSSE envelope with an
//! in-toto Statement v0.1 of `.att` layers.

use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `type` of a cosign simple-signing payload.
pub const SIMPLE_SIGNING_TYPE: &str = "cosign container image signature";
/// DSSE payload type of in-toto statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// in-toto Statement type cosign writes.
pub const IN_TOTO_STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";

/// cosign's payload. Field order and names follow sigstore/sigstore's Go struct,
/// so `serde_json` produces the same bytes Go's `json.Marshal` does.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SimpleSigning {
    /// What is signed.
    pub critical: Critical,
    /// Annotations (`-a key=value`); `null` when there are none.
    pub optional: Option<BTreeMap<String, serde_json::Value>>,
}

/// The `critical` section.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Critical {
    /// The repository the signature is for.
    pub identity: Identity,
    /// The manifest digest signed.
    pub image: ImageDigest,
    /// Always [`SIMPLE_SIGNING_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
}

/// `critical.identity`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Identity {
    /// `host/repository`, without tag or digest (as Go cosign writes it).
    #[serde(rename = "docker-reference")]
    pub docker_reference: String,
}

/// `critical.image`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImageDigest {
    /// `sha256:<hex>` of the signed manifest.
    #[serde(rename = "docker-manifest-digest")]
    pub docker_manifest_digest: String,
}

impl SimpleSigning {
    /// The payload for `repository` at `digest` with `annotations`.
    pub fn new(repository: &str, digest: &str, annotations: &BTreeMap<String, String>) -> Self {
        SimpleSigning {
            critical: Critical {
                identity: Identity {
                    docker_reference: repository.to_string(),
                },
                image: ImageDigest {
                    docker_manifest_digest: digest.to_string(),
                },
                kind: SIMPLE_SIGNING_TYPE.to_string(),
            },
            optional: if annotations.is_empty() {
                None
            } else {
                Some(
                    annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect(),
                )
            },
        }
    }

    /// The exact bytes that get signed and stored.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// A DSSE envelope.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Envelope {
    /// Always [`IN_TOTO_PAYLOAD_TYPE`] for attestations.
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// Base64 of the statement bytes.
    pub payload: String,
    /// The signatures over the pre-authentication encoding.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One DSSE signature.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// Key id (cosign leaves it empty).
    #[serde(default)]
    pub keyid: String,
    /// Base64 of the signature.
    pub sig: String,
}

/// DSSE's pre-authentication encoding, which is what is actually signed.
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

/// An in-toto statement as cosign writes it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Statement {
    /// [`IN_TOTO_STATEMENT_V01`].
    #[serde(rename = "_type")]
    pub kind: String,
    /// What the statement is about.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The image(s) the statement covers.
    pub subject: Vec<Subject>,
    /// The predicate document.
    pub predicate: serde_json::Value,
}

/// An in-toto subject.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Subject {
    /// `host/repository`.
    pub name: String,
    /// `{"sha256": "<hex>"}`.
    pub digest: BTreeMap<String, String>,
}

impl Statement {
    /// A statement about `repository@digest`.
    pub fn new(
        repository: &str,
        digest: &str,
        predicate_type: &str,
        predicate: serde_json::Value,
    ) -> Self {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        Statement {
            kind: IN_TOTO_STATEMENT_V01.to_string(),
            predicate_type: predicate_type.to_string(),
            subject: vec![Subject {
                name: repository.to_string(),
                digest: BTreeMap::from([("sha256".to_string(), hex.to_string())]),
            }],
            predicate,
        }
    }
}

/// Standard base64, as cosign uses everywhere.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard base64, tolerating the line breaks Go's decoder skips.
pub fn unb64(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_bytes_match_go_cosign() {
        let p = SimpleSigning::new(
            "127.0.0.1:5000/prod/api",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            &BTreeMap::new(),
        );
        assert_eq!(
            String::from_utf8(p.to_bytes()).unwrap(),
            r#"{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/prod/api"},"image":{"docker-manifest-digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},"type":"cosign container image signature"},"optional":null}"#
        );
        let with = SimpleSigning::new(
            "r",
            "sha256:00",
            &BTreeMap::from([("b".into(), "2".into()), ("a".into(), "1".into())]),
        );
        assert!(String::from_utf8(with.to_bytes())
            .unwrap()
            .ends_with(r#""optional":{"a":"1","b":"2"}}"#));
    }

    #[test]
    fn pae_matches_the_dsse_spec() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }
}
