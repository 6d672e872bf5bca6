//! A registry client on oci-client: credentials per host, TLS settings from
//! vimes.yaml, bounded retries of transient failures, and errors that name the
//! registry and what failed (never a credential).

use super::auth::{self, Credentials};
use super::manifest::Manifest;
use super::reference::ImageRef;
use crate::config::{Config, RegistryConfig};
use crate::error::{Error, Result};
use futures_util::StreamExt;
use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::manifest::OciDescriptor;
use oci_client::secrets::RegistryAuth;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Manifest media types vimes reads and copies.
pub const MANIFEST_MEDIA_TYPES: &[&str] = &[
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// How often and how long transient failures are retried.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Delay before the first retry; doubled each time.
    pub initial_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            initial_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
        }
    }
}

/// A client for every registry a command touches.
pub struct RegistryClient {
    oci: oci_client::Client,
    config: Config,
    retry: RetryPolicy,
    auths: tokio::sync::Mutex<HashMap<String, RegistryAuth>>,
}

impl RegistryClient {
    /// Builds the client: plain HTTP only for registries marked `insecure`,
    /// extra CAs from `ca_file` entries and `SSL_CERT_FILE`.
    pub fn new(config: &Config) -> Result<Self> {
        let insecure: Vec<String> = config
            .registries
            .values()
            .filter(|r| r.insecure)
            .map(|r| r.url.to_ascii_lowercase())
            .collect();
        let mut ca_files: Vec<std::path::PathBuf> = config
            .registries
            .values()
            .filter_map(|r| r.ca_file.as_ref().map(Into::into))
            .collect();
        if let Some(path) = std::env::var_os("SSL_CERT_FILE") {
            ca_files.push(path.into());
        }
        let mut extra_root_certificates = Vec::new();
        for path in ca_files {
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
        let oci = oci_client::Client::try_from(client_config).map_err(|e| Error::Registry {
            registry: "(all)".into(),
            message: format!("cannot set up the HTTP client: {e}"),
        })?;
        Ok(RegistryClient {
            oci,
            config: config.clone(),
            retry: RetryPolicy::default(),
            auths: tokio::sync::Mutex::new(HashMap::new()),
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
        let (creds, source) =
            auth::credentials_for(&image.registry, self.registry_config(image)).await?;
        tracing::debug!(registry = %image.registry, ?source, "credentials");
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
        self.retrying(image, what, op)
            .await
            .map_err(|(err, attempts)| registry_error(image, what, &err, attempts))
    }

    /// Like [`Self::with_retry`], but `None` when the registry says "not found".
    async fn with_retry_optional<T, F, Fut>(
        &self,
        image: &ImageRef,
        what: &str,
        op: F,
    ) -> Result<Option<T>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, OciDistributionError>>,
    {
        match self.retrying(image, what, op).await {
            Ok(value) => Ok(Some(value)),
            Err((err, _)) if is_not_found(&err) => Ok(None),
            Err((err, attempts)) => Err(registry_error(image, what, &err, attempts)),
        }
    }

    async fn retrying<T, F, Fut>(
        &self,
        image: &ImageRef,
        what: &str,
        mut op: F,
    ) -> std::result::Result<T, (OciDistributionError, u32)>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, OciDistributionError>>,
    {
        let mut delay = self.retry.initial_delay;
        let mut attempt = 1;
        loop {
            match op().await {
                Ok(value) => return Ok(value),
                Err(err) if attempt < self.retry.attempts && is_transient(&err) => {
                    tracing::info!(registry = %image.registry, attempt, "{what}: {}; retrying in {delay:?}", describe(&err));
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(self.retry.max_delay);
                    attempt += 1;
                }
                Err(err) => return Err((err, attempt)),
            }
        }
    }

    /// Fetches a manifest (by tag or digest) and verifies its bytes against the
    /// digest asked for. `None` when the registry says it does not exist.
    pub async fn get_manifest(&self, image: &ImageRef) -> Result<Option<Manifest>> {
        let auth = self.auth_for(image).await?;
        let reference = image.to_oci();
        let what = format!("fetching manifest {image}");
        let found = self
            .with_retry_optional(image, &what, || {
                self.oci
                    .pull_manifest_raw(&reference, &auth, MANIFEST_MEDIA_TYPES)
            })
            .await?;
        let Some((bytes, _)) = found else {
            return Ok(None);
        };
        let manifest = Manifest::from_bytes(bytes.to_vec()).map_err(|reason| Error::Registry {
            registry: image.registry.clone(),
            message: format!("manifest of {image} is not valid: {reason}"),
        })?;
        if let Some(expected) = &image.digest {
            if &manifest.digest != expected {
                return Err(Error::DigestMismatch {
                    registry: image.registry.clone(),
                    what: format!("manifest {image}"),
                    expected: expected.clone(),
                    actual: manifest.digest.clone(),
                });
            }
        }
        Ok(Some(manifest))
    }

    /// The tags of `image`'s repository (empty when the repository does not exist).
    pub async fn list_tags(&self, image: &ImageRef) -> Result<Vec<String>> {
        let auth = self.auth_for(image).await?;
        let reference = image.to_oci();
        let what = format!("listing tags of {}", image.repository_name());
        let found = self
            .with_retry_optional(image, &what, || {
                self.oci.list_tags(&reference, &auth, None, None)
            })
            .await?;
        Ok(found.map(|r| r.tags).unwrap_or_default())
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
        let result = self
            .with_retry(target, &what, || {
                let mismatch = Arc::clone(&mismatch);
                let oci_desc = oci_desc.clone();
                let (src, dst) = (&src, &dst);
                async move {
                    let pulled = self.oci.pull_blob_stream(src, &oci_desc).await?;
                    let verified = verify_stream(
                        pulled.stream,
                        oci_desc.digest.clone(),
                        oci_desc.size as u64,
                        mismatch,
                    );
                    self.oci
                        .push_blob_stream(
                            dst,
                            verified,
                            &oci_desc.digest,
                            Some(oci_desc.size as u64),
                        )
                        .await
                }
            })
            .await;
        let recorded = mismatch.lock().ok().and_then(|mut slot| slot.take());
        match (result, recorded) {
            (_, Some(detail)) => Err(Error::DigestMismatch {
                registry: source.registry.clone(),
                what: format!("blob in {}", source.repository_name()),
                expected: descriptor.digest.clone(),
                actual: detail,
            }),
            (Ok(_), None) => Ok(descriptor.size),
            (Err(e), None) => Err(e),
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

    /// Pulls a small blob (configs, signature payloads) into memory, verified.
    pub async fn pull_blob(
        &self,
        source: &ImageRef,
        digest: &str,
        max_size: u64,
    ) -> Result<Vec<u8>> {
        self.auth_for(source).await?;
        let src = source.to_oci();
        let desc = OciDescriptor {
            digest: digest.to_string(),
            ..Default::default()
        };
        let what = format!("fetching blob {digest}");
        let bytes = self
            .with_retry(source, &what, || async {
                let mut out = Vec::new();
                self.oci.pull_blob(&src, &desc, &mut out).await?;
                Ok(out)
            })
            .await?;
        if bytes.len() as u64 > max_size {
            return Err(Error::Registry {
                registry: source.registry.clone(),
                message: format!("blob {digest} is larger than {max_size} bytes"),
            });
        }
        Ok(bytes)
    }

    /// Pushes `manifest` under `image`'s tag, or by its digest when the reference has no tag.
    pub async fn put_manifest(&self, image: &ImageRef, manifest: &Manifest) -> Result<()> {
        self.auth_for(image).await?;
        let reference = match &image.tag {
            Some(tag) => image.with_tag(tag).to_oci(),
            None => image.with_digest(&manifest.digest).to_oci(),
        };
        let content_type = reqwest_header(&manifest.media_type).map_err(|_| Error::Registry {
            registry: image.registry.clone(),
            message: format!(
                "media type {:?} is not a valid header value",
                manifest.media_type
            ),
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

fn is_transient(err: &OciDistributionError) -> bool {
    match err {
        OciDistributionError::RequestError(e) => {
            // A TLS or certificate problem does not heal by retrying.
            !chain_text(e).to_ascii_lowercase().contains("certificate")
                && (e.is_timeout()
                    || e.is_connect()
                    || e.is_request()
                    || e.is_body()
                    || e.is_decode())
        }
        OciDistributionError::ServerError { code, .. } => *code == 429 || *code >= 500,
        OciDistributionError::RegistryError { envelope, .. } => envelope
            .errors
            .iter()
            .any(|e| e.code == OciErrorCode::Toomanyrequests),
        OciDistributionError::IoError(_) => true,
        _ => false,
    }
}

/// Whether an oci-client error means "no such manifest/blob/repository".
pub fn is_not_found(err: &OciDistributionError) -> bool {
    match err {
        OciDistributionError::ServerError { code, .. } => *code == 404,
        OciDistributionError::RegistryError { envelope, .. } => envelope.errors.iter().any(|e| {
            matches!(
                e.code,
                OciErrorCode::ManifestUnknown
                    | OciErrorCode::NameUnknown
                    | OciErrorCode::BlobUnknown
                    | OciErrorCode::NotFound
            )
        }),
        OciDistributionError::ImageManifestNotFoundError(_) => true,
        _ => false,
    }
}

fn chain_text(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// A one-line description of an oci-client error, with its causes.
fn describe(err: &OciDistributionError) -> String {
    match err {
        OciDistributionError::UnauthorizedError { .. } => {
            "authentication failed (HTTP 401): credentials missing or rejected".to_string()
        }
        OciDistributionError::AuthenticationFailure(reason) => {
            format!("authentication failed: {}", reason.trim())
        }
        OciDistributionError::RegistryError { envelope, .. } => envelope
            .errors
            .iter()
            .map(|e| format!("{:?}: {}", e.code, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        OciDistributionError::ServerError { code, message, .. } => {
            let message: String = message.trim().chars().take(200).collect();
            format!(
                "HTTP {code}{}",
                if message.is_empty() {
                    String::new()
                } else {
                    format!(": {message}")
                }
            )
        }
        other => chain_text(other),
    }
}

fn registry_error(
    image: &ImageRef,
    what: &str,
    err: &OciDistributionError,
    attempts: u32,
) -> Error {
    if let OciDistributionError::DigestError(d) = err {
        return Error::DigestMismatch {
            registry: image.registry.clone(),
            what: what.to_string(),
            expected: image.digest.clone().unwrap_or_default(),
            actual: d.to_string(),
        };
    }
    let retried = if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    };
    Error::Registry {
        registry: image.registry.clone(),
        message: format!("{what}: {}{retried}", describe(err)),
    }
}

mod referrers;
