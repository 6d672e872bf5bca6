//! Raw HTTP for the few calls oci-client cannot make: the TLS trust and
//! credentials of the registry client, and its retry policy.

use super::super::{registry_error, RegistryClient};
use super::MAX_INDEX_BYTES;
use crate::error::{Error, RegistryError, RegistryErrorKind, Result};
use crate::registry::identity::same_registry;
use crate::registry::ImageRef;
use base64::Engine;
use oci_client::secrets::RegistryAuth;
use oci_client::RegistryOperation;
use std::time::Duration;

/// How long an `Authorization` value is reused without asking again.
const AUTHORIZATION_REUSE: Duration = Duration::from_secs(50);

impl RegistryClient {
    pub(in crate::registry::client) fn base_url(&self, image: &ImageRef) -> String {
        let insecure = self
            .config
            .registries
            .values()
            .any(|r| r.insecure && same_registry(&r.url, &image.registry));
        let scheme = if insecure { "http" } else { "https" };
        format!("{scheme}://{}", image.registry)
    }

    /// A reqwest client with the same TLS trust as the oci-client one, built
    /// on first use and shared (a clone shares the connection pool).
    pub(in crate::registry::client) fn http(&self) -> Result<reqwest::Client> {
        if let Some(client) = self.http.get() {
            return Ok(client.clone());
        }
        let client = self.build_http()?;
        // Two tasks racing here both build one; either is fine to keep.
        Ok(self.http.get_or_init(|| client).clone())
    }

    fn build_http(&self) -> Result<reqwest::Client> {
        let certs =
            crate::registry::tls::reqwest_roots(&crate::registry::tls::ca_files(&self.config))?;
        reqwest::Client::builder()
            .tls_certs_merge(certs)
            .connect_timeout(Duration::from_secs(15))
            .read_timeout(Duration::from_secs(120))
            .user_agent(concat!("vimes/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                RegistryError::tls("(all)", format!("cannot set up the HTTP client: {e}")).into()
            })
    }

    /// The `Authorization` header for `image`'s registry, as oci-client
    /// would send it (a bearer token from the registry's challenge, else
    /// Basic). Reused for [`AUTHORIZATION_REUSE`]: asking costs a round trip,
    /// and registry tokens live at least 60 s (distribution token spec).
    pub(in crate::registry::client) async fn authorization(
        &self,
        image: &ImageRef,
        operation: RegistryOperation,
    ) -> Result<Option<String>> {
        let key = (
            image.registry.clone(),
            image.repository.clone(),
            matches!(operation, RegistryOperation::Push),
        );
        let cached = self.authorizations.lock().ok().and_then(|cache| {
            cache
                .get(&key)
                .filter(|(_, at)| at.elapsed() < AUTHORIZATION_REUSE)
                .map(|(value, _)| value.clone())
        });
        if let Some(value) = cached {
            return Ok(value);
        }
        let value = self.fresh_authorization(image, operation).await?;
        if let Ok(mut cache) = self.authorizations.lock() {
            cache.insert(key, (value.clone(), std::time::Instant::now()));
        }
        Ok(value)
    }

    async fn fresh_authorization(
        &self,
        image: &ImageRef,
        operation: RegistryOperation,
    ) -> Result<Option<String>> {
        let auth = self.auth_for(image).await?;
        let reference = image.to_oci();
        let what = format!("authenticating to {}", image.repository_name());
        let token = self
            .with_retry(image, &what, || self.oci.auth(&reference, &auth, operation))
            .await?;
        Ok(match (token, &auth) {
            (Some(token), _) => {
                crate::redact::register(None, &token);
                Some(format!("Bearer {token}"))
            }
            (None, RegistryAuth::Basic(user, password)) => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )),
            _ => None,
        })
    }

    /// Sends one request with retries of transient failures (connection
    /// errors, 429, 5xx); any other answer is returned to the caller.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn send_raw(
        &self,
        image: &ImageRef,
        what: &str,
        operation: RegistryOperation,
        method: reqwest::Method,
        url: &str,
        body: Option<(&str, &[u8])>,
        accept: Option<&str>,
    ) -> Result<reqwest::Response> {
        let http = self.http()?;
        let authorization = self.authorization(image, operation).await?;
        let started = std::time::Instant::now();
        let mut attempt = 1;
        loop {
            // Each attempt is cut off like the client's other small requests:
            // a registry that stops answering costs one attempt, not the
            // whole read timeout.
            let mut request = http
                .request(method.clone(), url)
                .timeout(self.bounds.attempt_timeout);
            if let Some(value) = &authorization {
                request = request.header(reqwest::header::AUTHORIZATION, value);
            }
            if let Some(accept) = accept {
                request = request.header(reqwest::header::ACCEPT, accept);
            }
            if let Some((content_type, bytes)) = body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(bytes.to_vec());
            }
            let outcome = request.send().await;
            let transient = match &outcome {
                Ok(r) => r.status().as_u16() == 429 || r.status().is_server_error(),
                // A TLS or certificate problem does not heal by retrying.
                Err(e) => {
                    !super::super::chain_text(e)
                        .to_ascii_lowercase()
                        .contains("certificate")
                        && (e.is_connect() || e.is_timeout() || e.is_request())
                }
            };
            // The registry client's policy: bounded attempts, a deadline for
            // the whole operation, and a longer wait after 429.
            let rate_limited = outcome.as_ref().is_ok_and(|r| r.status().as_u16() == 429);
            let asked = outcome
                .as_ref()
                .ok()
                .and_then(|r| super::super::retry_after(r.headers()));
            let delay = transient
                .then(|| {
                    self.retry.next_delay_after(
                        &self.bounds,
                        attempt,
                        started.elapsed(),
                        rate_limited,
                        asked,
                    )
                })
                .flatten();
            let Some(delay) = delay else {
                return outcome.map_err(|e| {
                    let err = oci_client::errors::OciDistributionError::RequestError(e);
                    registry_error(image, what, &err, attempt)
                });
            };
            let detail = match &outcome {
                Ok(r) => format!("HTTP {}", r.status().as_u16()),
                Err(e) => e.to_string(),
            };
            tracing::info!(registry = %image.registry, attempt, "{what}: {detail}; retrying in {delay:?}");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}

pub(super) fn http_error(image: &ImageRef, what: &str, status: reqwest::StatusCode) -> Error {
    let detail = match status.as_u16() {
        401 => "authentication failed (HTTP 401): credentials missing or rejected".to_string(),
        403 => "access denied (HTTP 403)".to_string(),
        code => format!("HTTP {code}"),
    };
    RegistryError::new(
        RegistryErrorKind::of_status(status.as_u16()),
        image.registry.clone(),
        format!("{what}: {detail}"),
    )
    .into()
}

pub(super) async fn read_limited(
    image: &ImageRef,
    what: &str,
    mut response: reqwest::Response,
) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_INDEX_BYTES {
                    return Err(RegistryError::protocol(
                        &image.registry,
                        format!("{what}: answer larger than {MAX_INDEX_BYTES} bytes"),
                    )
                    .into());
                }
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                let err = oci_client::errors::OciDistributionError::RequestError(e);
                return Err(registry_error(image, what, &err, 1));
            }
        }
    }
}

/// The `rel="next"` target of a `Link` header, resolved against `current`.
pub(super) fn next_link(response: &reqwest::Response, current: &str) -> Option<String> {
    let link = response
        .headers()
        .get(reqwest::header::LINK)?
        .to_str()
        .ok()?;
    let (target, params) = link.split_once(';')?;
    if !params.contains("rel=\"next\"") && !params.contains("rel=next") {
        return None;
    }
    let target = target.trim().trim_start_matches('<').trim_end_matches('>');
    let base = reqwest::Url::parse(current).ok()?;
    let next = base.join(target).ok()?;
    // Never follow a link to another host with our credentials.
    (next.host_str() == base.host_str() && next.port() == base.port()).then(|| next.to_string())
}
