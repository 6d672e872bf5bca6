//! A registry client on oci-client: credentials per host, TLS settings from
//! vimes.yaml, bounded retries of transient failures, and errors that name the
//! registry and what failed (never a credential).

use super::auth::{self, Credentials};
use super::manifest::Manifest;
use super::reference::ImageRef;
use crate::config::{Config, RegistryConfig};
use crate::error::{Error, RegistryError, Result};
use futures_util::StreamExt;
use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::errors::OciDistributionError;
use oci_client::manifest::OciDescriptor;
use oci_client::secrets::RegistryAuth;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod catalog;
mod raw_get;
mod referrers;
mod retry;

use retry::{chain_text, describe, is_rate_limited, is_transient, registry_error};
pub use retry::{is_not_found, retry_after, RetryBounds, RetryPolicy};

/// Manifest media types vimes reads and copies.
pub const MANIFEST_MEDIA_TYPES: &[&str] = &[
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// Largest tag list read (about 100,000 tags of cosign's length).
const MAX_TAG_LIST_BYTES: u64 = 8 * 1024 * 1024;

/// (registry, repository, push) of a cached `Authorization` value.
type AuthorizationKey = (String, String, bool);

/// A client for every registry a command touches.
pub struct RegistryClient {
    oci: oci_client::Client,
    config: Config,
    retry: RetryPolicy,
    bounds: RetryBounds,
    auths: tokio::sync::Mutex<HashMap<String, RegistryAuth>>,
    /// The raw HTTP client (referrers), built once: building one loads the
    /// system trust store, which costs more than the request.
    http: std::sync::OnceLock<reqwest::Client>,
    /// `Authorization` values for raw requests per (registry, repository,
    /// push), with when they were obtained.
    authorizations: Mutex<HashMap<AuthorizationKey, (Option<String>, std::time::Instant)>>,
}

impl RegistryClient {
    /// Builds the client: plain HTTP only for registries marked `insecure`,
    /// extra CAs from `ca_file` entries (`SSL_CERT_FILE`: see [`super::tls`]).
    pub fn new(config: &Config) -> Result<Self> {
        // oci-client matches this list by spelling; every spelling of an
        // insecure registry's identity goes in, so `localhost:P` reaches a
        // registry configured as `127.0.0.1:P` the same way.
        let mut insecure: Vec<String> = config
            .registries
            .values()
            .filter(|r| r.insecure)
            .flat_map(|r| {
                let mut s = super::identity::RegistryIdentity::of(&r.url).spellings();
                s.push(r.url.to_ascii_lowercase());
                s
            })
            .collect();
        insecure.sort();
        insecure.dedup();
        super::tls::check_ssl_cert_file()?;
        let mut extra_root_certificates = Vec::new();
        for path in super::tls::ca_files(config) {
            let data = std::fs::read(&path).map_err(|error| Error::File {
                path: path.clone(),
                error,
            })?;
            extra_root_certificates.push(Certificate {
                encoding: CertificateEncoding::Pem,
                data,
            });
        }
        let client_config = ClientConfig {
            protocol: if insecure.is_empty() {
                ClientProtocol::Https
            } else {
                ClientProtocol::HttpsExcept(insecure)
            },
            extra_root_certificates,
            // One PUT per blob: fewer round trips than 4 MiB PATCH chunks.
            use_monolithic_push: true,
            connect_timeout: Some(Duration::from_secs(15)),
            read_timeout: Some(Duration::from_secs(120)),
            user_agent: concat!("vimes/", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        };
        let oci = oci_client::Client::try_from(client_config).map_err(|e| {
            RegistryError::tls("(all)", format!("cannot set up the HTTP client: {e}"))
        })?;
        Ok(RegistryClient {
            oci,
            config: config.clone(),
            retry: RetryPolicy::default(),
            bounds: RetryBounds::default(),
            auths: tokio::sync::Mutex::new(HashMap::new()),
            http: std::sync::OnceLock::new(),
            authorizations: Mutex::new(HashMap::new()),
        })
    }

    /// The vimes.yaml entry for the registry `image` lives in, if any.
    pub fn registry_config(&self, image: &ImageRef) -> Option<&RegistryConfig> {
        self.config
            .registry_for_host(&image.registry, &image.repository)
            .map(|(_, r)| r)
    }

    /// The oci-client auth for a host, looked up once and cached.
    async fn auth_for(&self, image: &ImageRef) -> Result<RegistryAuth> {
        let mut auths = self.auths.lock().await;
        if let Some(auth) = auths.get(&image.registry) {
            return Ok(auth.clone());
        }
        let registry = self.registry_config(image);
        let (creds, source) = auth::credentials_for(&image.registry, registry).await?;
        tracing::debug!(registry = %image.registry, ?source, "credentials");
        if matches!(creds, Credentials::Basic { .. }) {
            // oci-client sends the password to whatever realm the registry names.
            let http = self.http()?;
            if let Err(why) = super::realm::probe(&http, &image.registry, registry).await? {
                return Err(RegistryError::auth(
                    &image.registry,
                    format!(
                        "refusing to send credentials for {} to its token service: {why}",
                        image.registry
                    ),
                )
                .into());
            }
        }
        let auth = match creds {
            Credentials::Anonymous => RegistryAuth::Anonymous,
            Credentials::Basic { username, password } => RegistryAuth::Basic(username, password),
        };
        self.oci.store_auth_if_needed(&image.registry, &auth).await;
        auths.insert(image.registry.clone(), auth.clone());
        Ok(auth)
    }

    /// Runs `op` with bounded exponential backoff on transient failures and
    /// turns a final failure into an [`Error`] naming the registry and `what`.
    async fn with_retry<T, F, Fut>(&self, image: &ImageRef, what: &str, op: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, OciDistributionError>>,
    {
        self.retrying(image, what, Some(self.bounds.attempt_timeout), op)
            .await
            .map_err(|(err, attempts)| registry_error(image, what, &err, attempts))
    }

    /// Runs `op` until it succeeds, fails for good, or the retry policy is
    /// spent. `attempt_timeout` cuts off one attempt (a stalled small
    /// request); streamed transfers pass `None`. The error comes with the
    /// number of attempts made.
    async fn retrying<T, F, Fut>(
        &self,
        image: &ImageRef,
        what: &str,
        attempt_timeout: Option<Duration>,
        mut op: F,
    ) -> std::result::Result<T, (OciDistributionError, u32)>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, OciDistributionError>>,
    {
        let started = std::time::Instant::now();
        let mut attempt = 1;
        loop {
            let outcome = match attempt_timeout {
                Some(limit) => match tokio::time::timeout(limit, op()).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(OciDistributionError::IoError(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("no answer within {}s", limit.as_secs()),
                    ))),
                },
                None => op().await,
            };
            let err = match outcome {
                Ok(value) => return Ok(value),
                Err(err) => err,
            };
            let delay = is_transient(&err)
                .then(|| {
                    self.retry.next_delay(
                        &self.bounds,
                        attempt,
                        started.elapsed(),
                        is_rate_limited(&err),
                    )
                })
                .flatten();
            let Some(delay) = delay else {
                return Err((err, attempt));
            };
            tracing::info!(registry = %image.registry, attempt, "{what}: {}; retrying in {delay:?}", describe(&err));
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Resolves `image` to its manifest digest; a missing image is
    /// `missing`'s error (usage for a command's argument, policy for `verify`).
    pub async fn resolve_digest(
        &self,
        image: &ImageRef,
        missing: impl FnOnce(String) -> Error,
    ) -> Result<String> {
        match self.get_manifest(image).await? {
            Some(m) => Ok(m.digest),
            None => Err(missing(format!("image {image} not found in its registry"))),
        }
    }

    /// The digest a reference names, or the one its tag points to now (a
    /// missing image is a usage error).
    pub async fn digest_of(&self, image: &ImageRef) -> Result<String> {
        match &image.digest {
            Some(d) => Ok(d.clone()),
            None => self.resolve_digest(image, Error::Usage).await,
        }
    }

    /// Fetches a manifest (by tag or digest, at most 4 MiB)
    /// and verifies its bytes against the digest asked for. `None` when the
    /// registry says it does not exist.
    pub async fn get_manifest(&self, image: &ImageRef) -> Result<Option<Manifest>> {
        let Some(bytes) = self.get_manifest_bytes(image).await? else {
            return Ok(None);
        };
        let manifest = Manifest::from_bytes(bytes).map_err(|reason| {
            RegistryError::protocol(
                &image.registry,
                format!("manifest of {image} is not valid: {reason}"),
            )
        })?;
        if let Some(expected) = &image.digest {
            if &manifest.digest != expected {
                return Err(RegistryError::digest_mismatch(
                    &image.registry,
                    &format!("manifest {image}"),
                    expected,
                    &manifest.digest,
                )
                .into());
            }
        }
        Ok(Some(manifest))
    }

    /// The tags of `image`'s repository (empty when the repository does not exist).
    pub async fn list_tags(&self, image: &ImageRef) -> Result<Vec<String>> {
        #[derive(serde::Deserialize)]
        struct TagList {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let what = format!("listing tags of {}", image.repository_name());
        let found = self
            .get_bounded(image, "tags", "list", None, MAX_TAG_LIST_BYTES, &what)
            .await?;
        let Some((body, _)) = found else {
            return Ok(Vec::new());
        };
        let list: TagList = serde_json::from_slice(&body).map_err(|e| {
            RegistryError::protocol(
                &image.registry,
                format!("{what}: the tag list is not valid JSON: {e}"),
            )
        })?;
        Ok(list.tags.unwrap_or_default())
    }

    /// Whether the repository of `image` holds the blob `digest`.
    pub async fn blob_exists(&self, image: &ImageRef, digest: &str) -> Result<bool> {
        self.auth_for(image).await?;
        let reference = image.to_oci();
        self.with_retry(image, &format!("checking blob {digest}"), || {
            self.oci.blob_exists(&reference, digest)
        })
        .await
    }

    /// Asks the registry to mount `digest` from `source`'s repository into
    /// `target`'s (same registry). `false` when the registry declined.
    pub async fn mount_blob(
        &self,
        target: &ImageRef,
        source: &ImageRef,
        digest: &str,
    ) -> Result<bool> {
        self.auth_for(target).await?;
        match self
            .oci
            .mount_blob(&target.to_oci(), &source.to_oci(), digest)
            .await
        {
            Ok(()) => Ok(true),
            Err(e) => {
                tracing::debug!("mount of {digest} declined: {}", describe(&e));
                Ok(false)
            }
        }
    }

    /// Streams one blob from `source` to `target`, verifying its digest on the
    /// way; the registry checks it again before committing. Returns the bytes moved.
    pub async fn stream_blob(
        &self,
        source: &ImageRef,
        target: &ImageRef,
        descriptor: &super::manifest::Descriptor,
    ) -> Result<u64> {
        self.auth_for(source).await?;
        self.auth_for(target).await?;
        let src = source.to_oci();
        let dst = target.to_oci();
        let oci_desc = OciDescriptor {
            media_type: descriptor.media_type.clone(),
            digest: descriptor.digest.clone(),
            size: descriptor.size as i64,
            ..Default::default()
        };
        let mismatch: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
        let what = format!("copying blob {}", descriptor.digest);
        // No per-attempt limit: a large blob may take long; a stall is cut
        // off by the client's read timeout. A digest mismatch is not retried.
        let result = self
            .retrying(target, &what, None, || {
                let mismatch = Arc::clone(&mismatch);
                let oci_desc = oci_desc.clone();
                let (src, dst) = (&src, &dst);
                async move {
                    let pulled = self.oci.pull_blob_stream(src, &oci_desc).await?;
                    let verified = verify_stream(
                        pulled.stream,
                        oci_desc.digest.clone(),
                        oci_desc.size as u64,
                        Arc::clone(&mismatch),
                    );
                    let pushed = self
                        .oci
                        .push_blob_stream(
                            dst,
                            verified,
                            &oci_desc.digest,
                            Some(oci_desc.size as u64),
                        )
                        .await;
                    let recorded = mismatch.lock().ok().and_then(|slot| slot.clone());
                    match (pushed, recorded) {
                        (Ok(location), None) => Ok(location),
                        // Whatever the push said: the bytes were wrong, so it
                        // must not count, and retrying will not heal a source
                        // that serves other content under this digest.
                        (_, Some(actual)) => Err(OciDistributionError::DigestError(
                            oci_client::errors::DigestError::VerificationError {
                                expected: oci_desc.digest.clone(),
                                actual,
                            },
                        )),
                        (Err(e), None) => Err(e),
                    }
                }
            })
            .await;
        let recorded = mismatch.lock().ok().and_then(|mut slot| slot.take());
        match (result, recorded) {
            (_, Some(detail)) => Err(RegistryError::digest_mismatch(
                &source.registry,
                &format!("blob in {}", source.repository_name()),
                &descriptor.digest,
                &detail,
            )
            .into()),
            (Ok(_), None) => Ok(descriptor.size),
            (Err((err, attempts)), None) => Err(registry_error(target, &what, &err, attempts)),
        }
    }

    /// Pushes a small blob from memory.
    pub async fn push_blob(&self, target: &ImageRef, data: Vec<u8>, digest: &str) -> Result<()> {
        self.auth_for(target).await?;
        let dst = target.to_oci();
        let data = bytes::Bytes::from(data);
        self.with_retry(target, &format!("pushing blob {digest}"), || {
            self.oci.push_blob(&dst, data.clone(), digest)
        })
        .await
        .map(|_| ())
    }

    /// Pulls a small blob (configs, signature payloads, attestations) into
    /// memory, verified; reading stops as soon as it passes `max_size`.
    pub async fn pull_blob(
        &self,
        source: &ImageRef,
        digest: &str,
        max_size: u64,
    ) -> Result<Vec<u8>> {
        super::reference::validate_digest(digest).map_err(|reason| {
            RegistryError::protocol(&source.registry, format!("blob {digest:?}: {reason}"))
        })?;
        self.get_blob_bytes(source, digest, max_size).await
    }

    /// Pushes `manifest` under `image`'s tag, or by its digest when the reference has no tag.
    pub async fn put_manifest(&self, image: &ImageRef, manifest: &Manifest) -> Result<()> {
        self.auth_for(image).await?;
        let reference = match &image.tag {
            Some(tag) => image.with_tag(tag).to_oci(),
            None => image.with_digest(&manifest.digest).to_oci(),
        };
        let content_type = reqwest_header(&manifest.media_type).map_err(|_| {
            RegistryError::protocol(
                &image.registry,
                format!(
                    "media type {:?} is not a valid header value",
                    manifest.media_type
                ),
            )
        })?;
        let body = bytes::Bytes::from(manifest.bytes.clone());
        let what = format!("pushing manifest {image}");
        self.with_retry(image, &what, || {
            self.oci
                .push_manifest_raw(&reference, body.clone(), content_type.clone())
        })
        .await
        .map(|_| ())
    }
}

/// Checks a blob stream against its digest and size *before* handing on the
/// last bytes: on a mismatch the final chunk is replaced by an error, so the
/// upload never completes and the destination never commits the blob.
fn verify_stream(
    stream: futures_util::stream::BoxStream<
        'static,
        std::result::Result<bytes::Bytes, std::io::Error>,
    >,
    expected: String,
    size: u64,
    mismatch: Arc<Mutex<Option<String>>>,
) -> impl futures_util::Stream<Item = std::result::Result<bytes::Bytes, OciDistributionError>> {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    let mut seen: u64 = 0;
    let wanted = expected.clone();
    let record = move |actual: String| {
        if let Ok(mut slot) = mismatch.lock() {
            *slot = Some(actual.clone());
        }
        OciDistributionError::IoError(std::io::Error::other(format!(
            "digest mismatch: expected {expected}, got {actual}"
        )))
    };
    stream.map(move |chunk| {
        let chunk = chunk.map_err(OciDistributionError::IoError)?;
        seen += chunk.len() as u64;
        hasher.update(&chunk);
        if seen > size {
            return Err(record(format!(
                "more than the {size} bytes the manifest declares"
            )));
        }
        if seen == size {
            let actual = format!("sha256:{}", hex::encode(hasher.clone().finalize()));
            if actual != wanted {
                return Err(record(actual));
            }
        }
        Ok(chunk)
    })
}

fn reqwest_header(
    value: &str,
) -> std::result::Result<http::HeaderValue, http::header::InvalidHeaderValue> {
    http::HeaderValue::from_str(value)
}
