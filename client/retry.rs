//! When a failed attempt is tried again, and when it must not be.
//!
//! Each operation's [`Idempotency`] is [`Operation::idempotency`](crate::Operation::idempotency),
//! generated from the spec: what the HTTP method implies (GET safe; PUT and DELETE
//! idempotent; POST and PATCH not), unless the operation's `x-idempotent` says otherwise.
//! A *safe* or *idempotent* operation is retried on any transport failure and on 429, 502,
//! 503 and 504. A *not idempotent* one (creating an organization: the API has no idempotency
//! key) is retried only when the server provably never got the request (the connection, DNS
//! lookup or TLS handshake failed) or refused it (429). Every other failure of such an
//! operation is ambiguous, and becomes
//! [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) instead of a retry.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Whether an operation may be sent twice (RFC 9110, 9.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// It changes nothing (GET): retried on transport failures and 429/502/503/504.
    Safe,
    /// It changes something, but twice is the same as once (DELETE): retried like a safe
    /// one. A 404 on a retry becomes
    /// [`Error::NotFoundAfterRetry`](crate::Error::NotFoundAfterRetry): an earlier attempt
    /// most likely did it.
    Idempotent,
    /// Sending it twice may do it twice (POST): retried only when provably not received
    /// (or 429).
    NotIdempotent,
}

/// How failed attempts are retried. The default: 3 attempts in all, backoff from 200 ms
/// doubling to at most 5 s with full jitter, and a server's `Retry-After` honoured up to
/// 30 s (a longer one is returned as [`Error::RateLimited`](crate::Error::RateLimited)
/// at once, not slept).
///
/// ```
/// use std::time::Duration;
/// use answering_agent::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(500));
/// assert_eq!(patient.max_attempts, 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The backoff ceiling of the first retry; it doubles for each further one.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling.
    pub max_backoff: Duration,
    /// The longest `Retry-After` that is waited out.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The backoff ceiling of the first retry; it doubles for each further one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff ceiling.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` that is waited out.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// No retries: every call makes one attempt.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first): "full jitter", a uniformly
    /// random time between zero and `min(max_backoff, initial_backoff * 2^(retry-1))`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        ceiling.mul_f64(random_fraction())
    }
}

/// What to do after an attempt's response arrived.
pub(crate) fn retry_status(kind: Idempotency, status: StatusCode) -> bool {
    match kind {
        Idempotency::Safe | Idempotency::Idempotent => {
            matches!(status.as_u16(), 429 | 502 | 503 | 504)
        }
        Idempotency::NotIdempotent => status == StatusCode::TOO_MANY_REQUESTS,
    }
}

/// Whether a transport failure may be retried.
pub(crate) fn retry_transport(kind: Idempotency, error: &reqwest::Error) -> bool {
    match kind {
        Idempotency::Safe | Idempotency::Idempotent => true,
        Idempotency::NotIdempotent => never_sent(error),
    }
}

/// Whether the request provably never reached the server: the connection (DNS lookup, TCP
/// connect, TLS handshake, or the connect timeout) failed before a byte of it was written.
pub(crate) fn never_sent(error: &reqwest::Error) -> bool {
    error.is_connect()
}

/// For a not idempotent operation: a failure that leaves it unknown whether the server
/// acted (sent, then a timeout or a reset; or a gateway error).
pub(crate) fn ambiguous_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 502 | 504)
}

/// The server's `Retry-After`: seconds, or an HTTP date (RFC 9110).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A random number in [0, 1) for jitter, from the standard library's per-hasher random
/// keys (no random-number crate for one number per retry).
fn random_fraction() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn backoff_is_jittered_below_a_doubling_ceiling() {
        let policy = RetryPolicy::default();
        for retry in 1..=8 {
            let ceiling =
                Duration::from_millis(200 * 2u64.pow(retry - 1)).min(Duration::from_secs(5));
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= ceiling);
            }
        }
        let spread: std::collections::HashSet<_> = (0..20).map(|_| policy.backoff(3)).collect();
        assert!(spread.len() > 10, "jitter varies");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(120);
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
        );
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(110) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn the_generated_policy_follows_the_method_and_the_extension() {
        use crate::Operation;
        for operation in Operation::ALL {
            let expected = match operation.method() {
                "GET" | "HEAD" | "OPTIONS" => Idempotency::Safe,
                "PUT" | "DELETE" => Idempotency::Idempotent,
                _ => Idempotency::NotIdempotent,
            };
            // `x-idempotent: true` in the spec, each with its reason in the description.
            let overridden = matches!(
                operation.idempotency(),
                Idempotency::Idempotent if operation.method() == "PATCH"
            );
            assert!(
                operation.idempotency() == expected || overridden,
                "{operation}: {:?}",
                operation.idempotency()
            );
            assert_eq!(
                operation.if_outcome_unknown().is_some(),
                operation.idempotency() == Idempotency::NotIdempotent,
                "{operation}: a way to check exactly when not idempotent"
            );
        }
        assert!(retry_status(
            Idempotency::NotIdempotent,
            StatusCode::TOO_MANY_REQUESTS
        ));
        assert!(!retry_status(
            Idempotency::NotIdempotent,
            StatusCode::BAD_GATEWAY
        ));
        assert!(retry_status(
            Idempotency::Safe,
            StatusCode::SERVICE_UNAVAILABLE
        ));
        assert!(retry_status(
            Idempotency::Idempotent,
            StatusCode::BAD_GATEWAY
        ));
        assert!(!retry_status(
            Idempotency::Safe,
            StatusCode::INTERNAL_SERVER_ERROR
        ));
    }
}
