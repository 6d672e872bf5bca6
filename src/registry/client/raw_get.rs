//! Manifests and small blobs fetched over the client's own HTTP connection
//! instead of oci-client, whose pulls read a whole body into memory before
//! its size can be looked at (a chunked 1 GiB manifest cost 2 GB). Here every
//! body, error answers included, stops at its limit while it arrives.

use super::{is_not_found, registry_error, RegistryClient, MANIFEST_MEDIA_TYPES};
use crate::error::{RegistryError, Result};
use crate::registry::bounded::{read_response, BoundedError};
use crate::registry::ImageRef;
use oci_client::errors::{OciDistributionError, OciEnvelope};
use oci_client::RegistryOperation;

/// Largest manifest vimes reads: what distribution itself accepts (4 MiB),
/// and the limit the OCI distribution spec advises registries to enforce.
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

/// Largest error answer read to tell what a registry said.
const MAX_ERROR_BYTES: u64 = 64 * 1024;

/// A body of `kind` was over its limit: reading stopped, and a retry would
/// only read the same bytes again.
struct TooLarge(u64);

/// A body and the `Docker-Content-Digest` the registry sent with it.
pub(super) type Fetched = (Vec<u8>, Option<String>);

impl RegistryClient {
    /// GETs `/v2/<repository>/<kind>/<reference>` with the client's
    /// credentials and retry policy, reading at most `limit` bytes of the
    /// answer. `None` when the registry says it does not exist.
    pub(super) async fn get_bounded(
        &self,
        image: &ImageRef,
        kind: &str,
        reference: &str,
        accept: Option<&str>,
        limit: u64,
        what: &str,
    ) -> Result<Option<Fetched>> {
        let url = format!(
            "{}/v2/{}/{kind}/{reference}",
            self.base_url(image),
            image.repository
        );
        self.get_bounded_url(image, &url, accept, limit, what).await
    }

    /// GETs `url` (on `image`'s registry, with the credentials for its
    /// repository) as [`Self::get_bounded`] does.
    pub(super) async fn get_bounded_url(
        &self,
        image: &ImageRef,
        url: &str,
        accept: Option<&str>,
        limit: u64,
        what: &str,
    ) -> Result<Option<Fetched>> {
        let http = self.http()?;
        let authorization = self.authorization(image, RegistryOperation::Pull).await?;
        let outcome = self
            .retrying(image, what, Some(self.bounds.attempt_timeout), || {
                let (http, authorization) = (&http, &authorization);
                async move {
                    let mut request = http.get(url);
                    if let Some(value) = authorization {
                        request = request.header(reqwest::header::AUTHORIZATION, value);
                    }
                    if let Some(accept) = accept {
                        request = request.header(reqwest::header::ACCEPT, accept);
                    }
                    let response = request.send().await?;
                    let status = response.status();
                    if status != reqwest::StatusCode::OK {
                        // An error answer over its limit is judged by its status alone.
                        let body = read_response(response, MAX_ERROR_BYTES)
                            .await
                            .unwrap_or_default();
                        return Err(status_error(status, &body, url));
                    }
                    let digest = response
                        .headers()
                        .get("docker-content-digest")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    match read_response(response, limit).await {
                        Ok(body) => Ok(Ok((body, digest))),
                        Err(BoundedError::TooLarge { limit }) => Ok(Err(TooLarge(limit))),
                        Err(BoundedError::Stream(e)) => Err(OciDistributionError::RequestError(e)),
                    }
                }
            })
            .await;
        match outcome {
            Ok(Ok(found)) => Ok(Some(found)),
            Ok(Err(TooLarge(limit))) => Err(RegistryError::protocol(
                &image.registry,
                format!(
                    "{what}: the answer is larger than {limit} bytes; reading stopped at the limit"
                ),
            )
            .into()),
            Err((err, _)) if is_not_found(&err) => Ok(None),
            Err((err, attempts)) => Err(registry_error(image, what, &err, attempts)),
        }
    }

    /// The raw bytes of the manifest `image` names (at most
    /// [`MAX_MANIFEST_BYTES`]), checked against the `Docker-Content-Digest`
    /// the registry sent, if any.
    pub(super) async fn get_manifest_bytes(&self, image: &ImageRef) -> Result<Option<Vec<u8>>> {
        let reference = match (&image.digest, &image.tag) {
            (Some(digest), _) => digest.as_str(),
            (None, Some(tag)) => tag.as_str(),
            (None, None) => "latest",
        };
        let what = format!("fetching manifest {image}");
        let accept = MANIFEST_MEDIA_TYPES.join(", ");
        let found = self
            .get_bounded(
                image,
                "manifests",
                reference,
                Some(&accept),
                MAX_MANIFEST_BYTES,
                &what,
            )
            .await?;
        let Some((bytes, header)) = found else {
            return Ok(None);
        };
        if let Some(header) = header {
            let actual = sha256(&bytes);
            // Only sha256 is computed; another algorithm is left to the
            // digest the caller asked for.
            if header.starts_with("sha256:") && header != actual {
                return Err(RegistryError::digest_mismatch(
                    &image.registry,
                    &format!("manifest {image} (Docker-Content-Digest)"),
                    &header,
                    &actual,
                )
                .into());
            }
        }
        Ok(Some(bytes))
    }

    /// A blob of at most `max_size` bytes, verified against `digest`.
    pub(super) async fn get_blob_bytes(
        &self,
        image: &ImageRef,
        digest: &str,
        max_size: u64,
    ) -> Result<Vec<u8>> {
        let what = format!("fetching blob {digest}");
        let (bytes, _) = self
            .get_bounded(image, "blobs", digest, None, max_size, &what)
            .await?
            .ok_or_else(|| {
                RegistryError::not_found(
                    &image.registry,
                    format!("{what}: blob unknown to the registry"),
                )
            })?;
        let actual = sha256(&bytes);
        if actual != digest {
            return Err(RegistryError::digest_mismatch(
                &image.registry,
                &format!("blob in {}", image.repository_name()),
                digest,
                &actual,
            )
            .into());
        }
        Ok(bytes)
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)))
}

/// The error of a non-200 answer, as oci-client would classify it (so retry
/// and "not found" decisions stay the same).
fn status_error(status: reqwest::StatusCode, body: &[u8], url: &str) -> OciDistributionError {
    let url = url.to_string();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return OciDistributionError::UnauthorizedError { url };
    }
    if status.is_success() {
        return OciDistributionError::SpecViolationError(format!(
            "expected HTTP 200, got {status}"
        ));
    }
    if status.is_client_error() {
        if let Ok(envelope) = serde_json::from_slice::<OciEnvelope>(body) {
            return OciDistributionError::RegistryError { envelope, url };
        }
    }
    OciDistributionError::ServerError {
        code: status.as_u16(),
        url,
        message: String::from_utf8_lossy(body).into_owned(),
    }
}
