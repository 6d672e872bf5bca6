//! The OCI referrers API (distribution-spec v1.1) and its tag-schema fallback.
//!
//! A referrer is a manifest whose `subject` names another manifest of the
//! same repository (a Sigstore bundle naming the image it signs). A registry
//! with the referrers API indexes it when it is pushed, says so with the
//! `OCI-Subject` response header, and lists it at
//! `GET /v2/<name>/referrers/<digest>`. A registry without it (distribution
//! 2.8 answers that route with 404) needs the client to keep the list itself:
//! an OCI index under the tag `sha256-<hex>` of the subject, updated by
//! read-modify-write so that no other writer's entry is ever dropped.
//!
//! oci-client neither returns response headers nor says whether it fell back,
//! so these few calls go through reqwest with the client's TLS settings and
//! credentials.

mod http;

use super::RegistryClient;
use crate::config::Config;
use crate::error::{Error, RegistryError, Result};
use crate::registry::manifest::{Manifest, OCI_INDEX, OCI_MANIFEST};
use crate::registry::ImageRef;
use http::{http_error, next_link, read_limited};
use oci_client::RegistryOperation;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// Response header a registry with the referrers API sets on a manifest push
/// that carries a `subject`.
pub const OCI_SUBJECT_HEADER: &str = "OCI-Subject";
/// Largest referrers index page read.
const MAX_INDEX_BYTES: usize = 4 * 1024 * 1024;
/// Pages of a paginated referrers list followed at most.
const MAX_PAGES: usize = 16;
/// Read-modify-write rounds of the fallback tag before giving up.
const TAG_ROUNDS: usize = 16;

/// One entry of a referrers list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferrerDescriptor {
    /// Media type of the referrer manifest.
    pub media_type: String,
    /// Its digest.
    pub digest: String,
    /// Its size.
    pub size: u64,
    /// Its `artifactType` (or its config media type when it has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Its manifest annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl ReferrerDescriptor {
    fn from_value(value: &Value) -> Option<Self> {
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
        let annotations = value
            .get("annotations")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        Some(ReferrerDescriptor {
            media_type: text("mediaType").unwrap_or_default(),
            digest: text("digest")?,
            size: value.get("size").and_then(Value::as_u64)?,
            artifact_type: text("artifactType"),
            annotations,
        })
    }

    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The referrers of one subject.
#[derive(Clone, Debug, Default)]
pub struct Referrers {
    /// Whether the registry answered through the referrers API.
    pub api: bool,
    /// Every referrer listed (API and fallback tag merged, by digest).
    pub descriptors: Vec<ReferrerDescriptor>,
}

/// Where a pushed referrer was recorded.
#[derive(Clone, Debug, Serialize)]
pub struct ReferrerPush {
    /// Digest of the referrer manifest.
    pub digest: String,
    /// Whether the registry indexed it itself (`OCI-Subject` was returned).
    pub api: bool,
    /// The fallback tag updated when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_tag: Option<String>,
}

/// The fallback tag of a subject: `sha256:<hex>` becomes `sha256-<hex>`.
pub fn referrers_tag(subject: &str) -> String {
    subject.replacen(':', "-", 1)
}

impl RegistryClient {
    /// The configuration this client was built from (the signing commands
    /// read `signing.format` from it).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Lists the referrers of `subject` in `repository`'s repository: through
    /// the referrers API when the registry has one, plus whatever the
    /// fallback tag lists.
    pub async fn referrers(&self, repository: &ImageRef, subject: &str) -> Result<Referrers> {
        let mut out = Referrers::default();
        let mut url = Some(format!(
            "{}/v2/{}/referrers/{subject}",
            self.base_url(repository),
            repository.repository
        ));
        let mut pages = 0;
        while let Some(next) = url.take() {
            pages += 1;
            let what = format!("listing referrers of {subject}");
            let response = self
                .send_raw(
                    repository,
                    &what,
                    RegistryOperation::Pull,
                    reqwest::Method::GET,
                    &next,
                    None,
                    Some(OCI_INDEX),
                )
                .await?;
            let status = response.status();
            if status == reqwest::StatusCode::NOT_FOUND && pages == 1 {
                break;
            }
            if !status.is_success() {
                return Err(http_error(repository, &what, status));
            }
            out.api = true;
            url = next_link(&response, &next).filter(|_| pages < MAX_PAGES);
            let body = read_limited(repository, &what, response).await?;
            let doc: Value = serde_json::from_slice(&body).map_err(|e| {
                RegistryError::protocol(
                    &repository.registry,
                    format!("{what}: the registry's answer is not an index: {e}"),
                )
            })?;
            merge(&mut out.descriptors, &doc);
        }
        let tag = repository.with_tag(&referrers_tag(subject));
        if let Some(index) = self.get_manifest(&tag).await? {
            if let Ok(doc) = serde_json::from_slice::<Value>(&index.bytes) {
                merge(&mut out.descriptors, &doc);
            }
        }
        Ok(out)
    }

    /// Pushes a referrer manifest (one with a `subject`) by digest. When the
    /// registry does not confirm with `OCI-Subject` that it indexed it, the
    /// manifest is added to the subject's fallback tag, keeping every entry
    /// already there.
    pub async fn push_referrer(
        &self,
        repository: &ImageRef,
        manifest: &Manifest,
    ) -> Result<ReferrerPush> {
        let invalid = |why: &str| {
            RegistryError::protocol(
                &repository.registry,
                format!("referrer manifest {}: {why}", manifest.digest),
            )
        };
        let doc: Value =
            serde_json::from_slice(&manifest.bytes).map_err(|_| invalid("not JSON"))?;
        let subject = doc
            .pointer("/subject/digest")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("it has no subject"))?
            .to_string();
        let what = format!("pushing referrer manifest {}", manifest.digest);
        let url = format!(
            "{}/v2/{}/manifests/{}",
            self.base_url(repository),
            repository.repository,
            manifest.digest
        );
        let response = self
            .send_raw(
                repository,
                &what,
                RegistryOperation::Push,
                reqwest::Method::PUT,
                &url,
                Some((&manifest.media_type, &manifest.bytes)),
                None,
            )
            .await?;
        let status = response.status();
        if !status.is_success() {
            return Err(http_error(repository, &what, status));
        }
        let confirmed = response
            .headers()
            .get(OCI_SUBJECT_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() == subject);
        if confirmed {
            return Ok(ReferrerPush {
                digest: manifest.digest.clone(),
                api: true,
                fallback_tag: None,
            });
        }
        let descriptor = descriptor_of(manifest, &doc);
        let tag = self
            .add_to_referrers_tag(repository, &subject, &descriptor)
            .await?;
        Ok(ReferrerPush {
            digest: manifest.digest.clone(),
            api: false,
            fallback_tag: Some(tag),
        })
    }

    /// Adds `descriptor` to the fallback index of `subject` unless it is
    /// listed already; re-reads after writing and tries again when a
    /// concurrent writer replaced the index meanwhile. Returns the tag.
    pub async fn add_to_referrers_tag(
        &self,
        repository: &ImageRef,
        subject: &str,
        descriptor: &ReferrerDescriptor,
    ) -> Result<String> {
        let tag = referrers_tag(subject);
        let tagged = repository.with_tag(&tag);
        // Without conditional writes, a writer that read the index before our
        // write can replace it after: once our entry is listed, look again
        // after longer than such a cycle takes, and add it back if it is gone.
        let (mut wrote, mut settled) = (false, false);
        for _ in 0..TAG_ROUNDS {
            let mut doc = match self.get_manifest(&tagged).await? {
                Some(m) if m.media_type == OCI_INDEX => serde_json::from_slice::<Value>(&m.bytes)
                    .map_err(|e| {
                    RegistryError::protocol(&repository.registry, format!("{tag} is not JSON: {e}"))
                })?,
                Some(m) => {
                    return Err(RegistryError::protocol(
                        &repository.registry,
                        format!(
                        "tag {tag} holds a {} rather than a referrers index; not overwriting it",
                        m.media_type
                    ),
                    )
                    .into())
                }
                None => json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}),
            };
            if lists(&doc, &descriptor.digest) {
                if !wrote || settled {
                    return Ok(tag);
                }
                tokio::time::sleep(settle_delay()).await;
                settled = true;
                continue;
            }
            if wrote {
                tracing::info!(%tag, "a concurrent writer replaced the referrers index; adding the entry again");
            }
            settled = false;
            let Some(entries) = doc.get_mut("manifests").and_then(Value::as_array_mut) else {
                return Err(RegistryError::protocol(
                    &repository.registry,
                    format!("tag {tag} is an index without a manifests list"),
                )
                .into());
            };
            entries.push(descriptor.to_value());
            let bytes = serde_json::to_vec(&doc).map_err(|e| {
                Error::internal(format!("cannot serialise the referrers index: {e}"))
            })?;
            let index = Manifest::from_bytes(bytes)
                .map_err(|e| Error::internal(format!("built an invalid referrers index: {e}")))?;
            self.put_manifest(&tagged, &index).await?;
            wrote = true;
        }
        Err(RegistryError::transient(
            &repository.registry,
            format!("the referrers index {tag} kept changing under concurrent writers"),
        )
        .into())
    }
}

/// 300-500 ms, varied so that concurrent writers do not stay in step.
fn settle_delay() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    Duration::from_millis(300 + u64::from(nanos % 200))
}

/// Adds the entries of an index document not yet in `into` (by digest).
fn merge(into: &mut Vec<ReferrerDescriptor>, doc: &Value) {
    let Some(entries) = doc.get("manifests").and_then(Value::as_array) else {
        return;
    };
    for entry in entries {
        if let Some(d) = ReferrerDescriptor::from_value(entry) {
            if !into.iter().any(|e| e.digest == d.digest) {
                into.push(d);
            }
        }
    }
}

fn lists(doc: &Value, digest: &str) -> bool {
    doc.get("manifests")
        .and_then(Value::as_array)
        .is_some_and(|m| {
            m.iter()
                .any(|e| e.get("digest").and_then(Value::as_str) == Some(digest))
        })
}

/// The index entry of a referrer manifest: `artifactType` (else its config
/// media type) and its annotations, as the distribution spec asks.
fn descriptor_of(manifest: &Manifest, doc: &Value) -> ReferrerDescriptor {
    let artifact_type = doc
        .get("artifactType")
        .and_then(Value::as_str)
        .or_else(|| doc.pointer("/config/mediaType").and_then(Value::as_str))
        .map(str::to_string);
    let annotations = doc
        .get("annotations")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_else(Map::new)
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
        .collect();
    ReferrerDescriptor {
        media_type: if manifest.media_type.is_empty() {
            OCI_MANIFEST.to_string()
        } else {
            manifest.media_type.clone()
        },
        digest: manifest.digest.clone(),
        size: manifest.bytes.len() as u64,
        artifact_type,
        annotations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    #[test]
    fn merge_keeps_one_entry_per_digest_and_skips_junk() {
        let mut into = Vec::new();
        let doc = json!({"manifests": [
            {"mediaType": OCI_MANIFEST, "digest": D1, "size": 10, "artifactType": "a",
             "annotations": {"k": "v", "n": 1}},
            {"digest": D2},
        ]});
        merge(&mut into, &doc);
        merge(&mut into, &doc);
        assert_eq!(into.len(), 1);
        assert_eq!(into[0].annotations.get("k").map(String::as_str), Some("v"));
        assert!(lists(&doc, D1) && !lists(&json!({}), D1));
        assert_eq!(referrers_tag(D1), D1.replacen(':', "-", 1));
    }

    #[test]
    fn the_index_entry_falls_back_to_the_config_media_type() {
        let bytes = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"mediaType":"application/x","digest":"{D1}","size":2}},"layers":[],"subject":{{"digest":"{D2}","size":1}},"annotations":{{"a":"b"}}}}"#
        );
        let manifest = Manifest::from_bytes(bytes.into_bytes()).unwrap();
        let doc: Value = serde_json::from_slice(&manifest.bytes).unwrap();
        let entry = descriptor_of(&manifest, &doc);
        assert_eq!(entry.artifact_type.as_deref(), Some("application/x"));
        assert_eq!(entry.size, manifest.bytes.len() as u64);
        assert_eq!(entry.to_value()["annotations"]["a"], "b");
    }

    #[test]
    fn next_links_stay_on_the_same_registry() {
        let response = |link: &str| {
            reqwest::Response::from(
                ::http::Response::builder()
                    .header("Link", link)
                    .body(Vec::new())
                    .unwrap(),
            )
        };
        let current = "http://r.test:5000/v2/a/referrers/sha256:1";
        assert_eq!(
            next_link(
                &response(r#"</v2/a/referrers/sha256:1?last=x>; rel="next""#),
                current
            )
            .as_deref(),
            Some("http://r.test:5000/v2/a/referrers/sha256:1?last=x")
        );
        assert!(next_link(&response(r#"<http://evil.test/x>; rel="next""#), current).is_none());
        assert!(next_link(&response(r#"</x>; rel="prev""#), current).is_none());
    }
}
