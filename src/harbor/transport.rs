//! HTTP plumbing of the Harbor client: URLs (repository names encoded twice),
//! Basic auth, bounded retries of transient failures, Harbor's error envelope
//! turned into errors that name its code, and paging.

use super::types::ApiErrors;
use super::HarborClient;
use crate::error::{chain_text, Error, HarborError, RegistryErrorKind, Result};
use crate::registry::auth::Credentials;
use crate::registry::bounded::{read_response, BoundedError};
use crate::registry::client::{retry_after, RetryBounds};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Largest page Harbor serves (`page_size` ≤ 100).
const PAGE_SIZE: usize = 100;

/// A safety stop for paging through a list that never ends.
const MAX_PAGES: usize = 100;

/// Largest answer read from Harbor's API (a page of 100 artifacts with their
/// scan overviews is well under 1 MiB).
const MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;

/// What Harbor answered (any status: callers decide what each one means).
#[derive(Debug)]
pub(crate) struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Response body.
    pub body: bytes::Bytes,
    /// Attempts it took (1 when the first answer was final).
    pub attempts: u32,
}

impl Answer {
    /// Harbor's first error code and message, when the body is its error envelope.
    pub fn harbor_error(&self) -> Option<(String, String)> {
        let parsed: ApiErrors = serde_json::from_slice(&self.body).ok()?;
        parsed
            .errors
            .into_iter()
            .next()
            .map(|e| (e.code, e.message))
    }

    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        self.status.is_success()
    }
}

/// Percent-encodes one path segment (RFC 3986 unreserved characters, `:` and
/// `@` stay as they are).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A repository name as Harbor wants it in a path: URL-encoded twice, so
/// `a/b` becomes `a%252Fb` (Harbor decodes once for routing, once more itself).
pub fn encode_repository(repository: &str) -> String {
    encode_segment(&encode_segment(repository))
}

/// Whether an answer is worth asking again for.
fn transient_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

fn transient_error(err: &reqwest::Error) -> bool {
    // A TLS or certificate problem does not heal by retrying.
    let text = chain_text(err).to_ascii_lowercase();
    !text.contains("certificate") && (err.is_timeout() || err.is_connect() || err.is_request())
}

impl HarborClient {
    /// `<base>/<path>` plus query pairs; `path` is already encoded.
    pub(crate) fn url(&self, path: &str, query: &[(&str, String)]) -> Result<Url> {
        let text = format!("{}{}", self.base, path);
        let mut url = Url::parse(&text).map_err(|e| {
            HarborError::protocol(
                &self.host,
                format!("cannot build the Harbor URL {text:?}: {e}"),
            )
        })?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// `/projects/{p}/repositories/{r}` with both parts encoded.
    pub(crate) fn repository_path(&self, project: &str, repository: &str) -> String {
        format!(
            "/projects/{}/repositories/{}",
            encode_segment(project),
            encode_repository(repository)
        )
    }

    /// Sends one request, retrying network failures, 429 and 5xx with bounded
    /// backoff. Any final HTTP answer is returned as is.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        headers: &[(&str, &str)],
        what: &str,
    ) -> Result<Answer> {
        let bounds = RetryBounds::default();
        let started = std::time::Instant::now();
        let mut attempt = 1;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                // A Harbor that stops answering costs one attempt.
                .timeout(bounds.attempt_timeout)
                .header(reqwest::header::ACCEPT, "application/json");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            if let Credentials::Basic { username, password } = &self.credentials {
                request = request.basic_auth(username, Some(password));
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            tracing::debug!(%method, path = url.path(), attempt, "Harbor request");
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match read_response(response, MAX_ANSWER_BYTES).await {
                        Ok(body) => Ok(Answer {
                            status,
                            headers,
                            body: body.into(),
                            attempts: attempt,
                        }),
                        Err(BoundedError::Stream(e)) => Err(e),
                        Err(BoundedError::TooLarge { limit }) => {
                            return Err(HarborError::protocol(&self.host, format!(
                                    "{what}: Harbor's answer is larger than {limit} bytes; reading stopped at the limit"
                                )).into())
                        }
                    }
                }
                Err(e) => Err(e),
            };
            // The registry client's policy: bounded attempts, a deadline for
            // the whole operation, and 429's wait (Retry-After when given).
            let next = |rate_limited: bool, asked: Option<Duration>| {
                self.retry.next_delay_after(
                    &bounds,
                    attempt,
                    started.elapsed(),
                    rate_limited,
                    asked,
                )
            };
            let delay = match outcome {
                Ok(answer) if transient_status(answer.status) => {
                    let rate_limited = answer.status == StatusCode::TOO_MANY_REQUESTS;
                    match next(rate_limited, retry_after(&answer.headers)) {
                        Some(delay) => delay,
                        None => return Ok(answer),
                    }
                }
                Ok(answer) => return Ok(answer),
                Err(e) => match next(false, None).filter(|_| transient_error(&e)) {
                    Some(delay) => {
                        tracing::debug!("{what}: {}", chain_text(&e));
                        delay
                    }
                    None => {
                        return Err(HarborError::new(
                            RegistryErrorKind::of_unanswered(&chain_text(&e)),
                            self.host.clone(),
                            format!(
                                "{what}: cannot reach Harbor: {}{}",
                                chain_text(&e),
                                retried(attempt)
                            ),
                        )
                        .into())
                    }
                },
            };
            tracing::info!(registry = %self.host, attempt, "{what}: retrying in {delay:?}");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The error for an answer vimes did not expect: names Harbor's status and
    /// error code, with a hint for the auth statuses (exit 4).
    pub(crate) fn failure(&self, what: &str, answer: &Answer) -> Error {
        HarborError::new(
            RegistryErrorKind::of_status(answer.status.as_u16()),
            self.host.clone(),
            format!("{what}: {}", describe(answer)),
        )
        .into()
    }

    /// Parses a JSON body, or says which answer was not what Harbor documents.
    pub(crate) fn parse<T: DeserializeOwned>(&self, what: &str, answer: &Answer) -> Result<T> {
        serde_json::from_slice(&answer.body).map_err(|e| {
            HarborError::protocol(
                &self.host,
                format!("{what}: Harbor's answer could not be read: {e}"),
            )
            .into()
        })
    }

    /// GETs every page of a list (`page`, `page_size`; stops at the last page
    /// as told by `Link: rel="next"` or `X-Total-Count`).
    pub(crate) async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        headers: &[(&str, &str)],
        what: &str,
    ) -> Result<Vec<T>> {
        let mut items: Vec<T> = Vec::new();
        for page in 1..=MAX_PAGES {
            let mut q: Vec<(&str, String)> = query.to_vec();
            q.push(("page", page.to_string()));
            q.push(("page_size", PAGE_SIZE.to_string()));
            let url = self.url(path, &q)?;
            let answer = self.send(Method::GET, url, None, headers, what).await?;
            if !answer.ok() {
                return Err(self.failure(what, &answer));
            }
            let batch: Vec<T> = self.parse(what, &answer)?;
            let got = batch.len();
            items.extend(batch);
            let total = answer
                .headers
                .get("x-total-count")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<usize>().ok());
            let has_next = answer
                .headers
                .get_all(reqwest::header::LINK)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.contains("rel=\"next\""));
            let more = has_next || total.is_some_and(|t| items.len() < t);
            if got == 0 || !more {
                return Ok(items);
            }
        }
        Err(HarborError::protocol(
            &self.host,
            format!("{what}: Harbor kept paging past {MAX_PAGES} pages"),
        )
        .into())
    }
}

fn retried(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

/// `Harbor 403 FORBIDDEN: <message> (<hint>)`.
pub(crate) fn describe(answer: &Answer) -> String {
    let status = answer.status.as_u16();
    let (code, message) = answer.harbor_error().unwrap_or_else(|| {
        let text: String = String::from_utf8_lossy(&answer.body)
            .trim()
            .chars()
            .take(200)
            .collect();
        (
            answer
                .status
                .canonical_reason()
                .unwrap_or("no error code")
                .to_ascii_uppercase()
                .replace(' ', "_"),
            text,
        )
    });
    let hint = match status {
        401 => " (credentials missing or wrong: Harbor treats wrong Basic credentials as anonymous)",
        403 => " (these credentials may not do this; Harbor also answers 403 for a project that does not exist)",
        _ => "",
    };
    let message = if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    };
    format!(
        "Harbor {status} {code}{message}{hint}{}",
        retried(answer.attempts)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names_are_encoded_twice() {
        assert_eq!(encode_repository("a/b"), "a%252Fb");
        assert_eq!(
            encode_repository("payments/api/v2"),
            "payments%252Fapi%252Fv2"
        );
        assert_eq!(encode_repository("plain"), "plain");
        assert_eq!(encode_segment("sha256:ab"), "sha256:ab");
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn errors_name_harbors_code() {
        let answer = Answer {
            status: StatusCode::FORBIDDEN,
            headers: HeaderMap::new(),
            body: bytes::Bytes::from_static(
                br#"{"errors":[{"code":"FORBIDDEN","message":"forbidden"}]}"#,
            ),
            attempts: 1,
        };
        let text = describe(&answer);
        assert!(
            text.starts_with("Harbor 403 FORBIDDEN: forbidden"),
            "{text}"
        );
        let proxy = Answer {
            status: StatusCode::BAD_GATEWAY,
            headers: HeaderMap::new(),
            body: bytes::Bytes::from_static(b"<html>bad gateway</html>"),
            attempts: 5,
        };
        let text = describe(&proxy);
        assert!(text.starts_with("Harbor 502 BAD_GATEWAY: <html>"), "{text}");
        assert!(text.ends_with("(after 5 attempts)"), "{text}");
    }
}
