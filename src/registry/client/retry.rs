//! Retry policy and error classification of the registry client: which
//! oci-client errors are transient, how long to wait, when to give up, and the
//! one-line, credential-free messages that name the registry.

use crate::error::{Error, RegistryError, RegistryErrorKind};
use crate::registry::reference::ImageRef;
use oci_client::errors::{OciDistributionError, OciErrorCode};
use std::time::Duration;

/// How often transient failures are retried (shared with the Harbor client).
///
/// Transient: connection failures and resets, timeouts, truncated bodies,
/// HTTP 5xx and 429. Everything else (401/403, 404, a digest mismatch, a TLS
/// certificate problem) fails at once. See [`RetryBounds`] for the limits in
/// time that the registry client adds.
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

/// Limits in time of one retried registry operation.
///
/// No retry starts once `max_elapsed` has passed since the first attempt, and
/// a backoff never sleeps past that point. Small requests (manifests, HEAD,
/// tag lists, small blobs) are also cut off after `attempt_timeout` each;
/// streamed blobs are bounded by the client's read timeout (a stall), not by
/// their total duration.
///
/// HTTP 429: oci-client does not expose response headers, so `Retry-After`
/// cannot be read; a rate-limited request waits at least `rate_limit_delay`
/// (capped by [`RetryPolicy::max_delay`]) before its retry.
#[derive(Clone, Copy, Debug)]
pub struct RetryBounds {
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// Least delay after HTTP 429.
    pub rate_limit_delay: Duration,
    /// Limit of one attempt of a small (non-streamed) request.
    pub attempt_timeout: Duration,
}

impl Default for RetryBounds {
    fn default() -> Self {
        RetryBounds {
            max_elapsed: Duration::from_secs(90),
            rate_limit_delay: Duration::from_secs(1),
            attempt_timeout: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based), or `None` when no
    /// retry may start: out of attempts, or the wait would end after
    /// `bounds.max_elapsed` (`elapsed` is the time since the first attempt).
    pub fn next_delay(
        &self,
        bounds: &RetryBounds,
        retry: u32,
        elapsed: Duration,
        rate_limited: bool,
    ) -> Option<Duration> {
        if retry >= self.attempts {
            return None;
        }
        let exponent = retry.saturating_sub(1).min(16);
        let mut delay = self
            .initial_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        if rate_limited {
            delay = delay.max(bounds.rate_limit_delay.min(self.max_delay));
        }
        (elapsed + delay < bounds.max_elapsed).then_some(delay)
    }

    /// [`RetryPolicy::next_delay`] for requests whose answer vimes reads
    /// itself (referrers, Harbor): a 429's `Retry-After` is honoured when it
    /// asks for longer, as long as the wait still ends before the deadline.
    pub fn next_delay_after(
        &self,
        bounds: &RetryBounds,
        retry: u32,
        elapsed: Duration,
        rate_limited: bool,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let delay = self.next_delay(bounds, retry, elapsed, rate_limited)?;
        match retry_after {
            Some(wait) if wait > delay => (elapsed + wait < bounds.max_elapsed).then_some(wait),
            _ => Some(delay),
        }
    }
}

/// A `Retry-After` header in seconds (the HTTP-date form is not used by
/// registries and is ignored), at most a minute.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds.min(60)))
}

pub(super) fn is_transient(err: &OciDistributionError) -> bool {
    match err {
        OciDistributionError::RequestError(e) => {
            // A status turned into an error by oci-client (e.g. HEAD of a blob).
            if let Some(status) = e.status() {
                return status.as_u16() == 429 || status.is_server_error();
            }
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

/// Whether the registry asked to slow down (HTTP 429 / TOOMANYREQUESTS).
pub(super) fn is_rate_limited(err: &OciDistributionError) -> bool {
    match err {
        OciDistributionError::RequestError(e) => e.status().is_some_and(|s| s.as_u16() == 429),
        OciDistributionError::ServerError { code, .. } => *code == 429,
        OciDistributionError::RegistryError { envelope, .. } => envelope
            .errors
            .iter()
            .any(|e| e.code == OciErrorCode::Toomanyrequests),
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

pub(super) use crate::error::chain_text;

/// A one-line description of an oci-client error, with its causes.
pub(super) fn describe(err: &OciDistributionError) -> String {
    match err {
        OciDistributionError::UnauthorizedError { .. } => {
            "authentication failed (HTTP 401): credentials missing or rejected".to_string()
        }
        // The body is the token endpoint's to fill, and may echo the
        // credential it was sent: its status is all that is shown.
        OciDistributionError::AuthenticationFailure(_) => {
            "authentication failed: the token endpoint refused the credentials".to_string()
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

/// Which kind of registry failure an oci-client error is, once the retries
/// have run out.
fn kind_of(err: &OciDistributionError) -> RegistryErrorKind {
    match err {
        OciDistributionError::UnauthorizedError { .. }
        | OciDistributionError::AuthenticationFailure(_) => RegistryErrorKind::Auth,
        OciDistributionError::RequestError(e) => match e.status() {
            Some(status) => RegistryErrorKind::of_status(status.as_u16()),
            None => RegistryErrorKind::of_unanswered(&chain_text(e)),
        },
        OciDistributionError::ServerError { code, .. } => RegistryErrorKind::of_status(*code),
        _ if is_not_found(err) => RegistryErrorKind::NotFound,
        _ if is_transient(err) => RegistryErrorKind::Transient,
        _ => RegistryErrorKind::Protocol,
    }
}

pub(super) fn registry_error(
    image: &ImageRef,
    what: &str,
    err: &OciDistributionError,
    attempts: u32,
) -> Error {
    if let OciDistributionError::DigestError(d) = err {
        let (expected, actual) = match d {
            oci_client::errors::DigestError::VerificationError { expected, actual } => {
                (expected.clone(), actual.clone())
            }
            other => (
                image.digest.clone().unwrap_or_default(),
                format!("unverifiable ({other})"),
            ),
        };
        return RegistryError::digest_mismatch(&image.registry, what, &expected, &actual).into();
    }
    let retried = if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    };
    RegistryError::new(
        kind_of(err),
        image.registry.clone(),
        format!("{what}: {}{retried}", describe(err)),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::{retry_after, RetryBounds, RetryPolicy};
    use std::time::Duration;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_stops_after_the_attempts() {
        let (p, b) = (RetryPolicy::default(), RetryBounds::default());
        let zero = Duration::ZERO;
        let delays: Vec<_> = (1..=5).map(|r| p.next_delay(&b, r, zero, false)).collect();
        assert_eq!(
            delays,
            [
                Some(Duration::from_millis(250)),
                Some(Duration::from_millis(500)),
                Some(Duration::from_secs(1)),
                Some(Duration::from_secs(2)),
                None,
            ]
        );
        let total: Duration = delays.iter().flatten().sum();
        assert!(total < b.max_elapsed);
    }

    #[test]
    fn no_retry_starts_past_the_deadline_and_429_waits_longer() {
        let (p, b) = (RetryPolicy::default(), RetryBounds::default());
        assert_eq!(p.next_delay(&b, 1, b.max_elapsed, false), None);
        assert_eq!(
            p.next_delay(&b, 1, b.max_elapsed - Duration::from_millis(100), false),
            None,
            "a backoff never sleeps past the deadline"
        );
        assert_eq!(
            p.next_delay(&b, 1, Duration::ZERO, true),
            Some(b.rate_limit_delay)
        );
        assert_eq!(
            p.next_delay(&b, 4, Duration::ZERO, true),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn retry_after_is_honoured_within_the_deadline() {
        let (p, b) = (RetryPolicy::default(), RetryBounds::default());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, "7".parse().unwrap());
        let asked = retry_after(&headers);
        assert_eq!(asked, Some(Duration::from_secs(7)));
        assert_eq!(
            p.next_delay_after(&b, 1, Duration::ZERO, true, asked),
            Some(Duration::from_secs(7))
        );
        // A shorter Retry-After never shortens the 429 wait.
        assert_eq!(
            p.next_delay_after(&b, 1, Duration::ZERO, true, Some(Duration::ZERO)),
            Some(b.rate_limit_delay)
        );
        // Not past the deadline, and not past the attempts.
        let late = b.max_elapsed - Duration::from_secs(3);
        assert_eq!(p.next_delay_after(&b, 1, late, true, asked), None);
        assert_eq!(p.next_delay_after(&b, 5, Duration::ZERO, true, asked), None);
        headers.insert(
            reqwest::header::RETRY_AFTER,
            "Wed, 21 Oct 2026 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
        headers.insert(reqwest::header::RETRY_AFTER, "86400".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(60)));
    }
}
