//! [`Interceptor`]: your own code on every attempt of every call, registered on the
//! [`ClientBuilder`](crate::ClientBuilder): add a header, count, time, log.
//!
//! Modelled on smithy-rs's interceptors and reqwest-middleware, with three differences
//! that are the reason it is not simply reqwest-middleware: the retry policy stays this
//! crate's (idempotency decides what may be sent twice, and a middleware that retried on
//! its own could create an organization twice); an interceptor sees each attempt with its
//! operation and attempt number, which a reqwest middleware cannot know; and it never sees
//! the API key, which is added after it has run.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use crate::Operation;

/// Code run for every attempt of every call. Both methods do nothing unless implemented.
///
/// ```
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use answering_agent::interceptor::{AttemptOutcome, AttemptRequest, Interceptor};
///
/// /// Tags each request and counts the answers that were not a success.
/// #[derive(Default)]
/// struct Tagging { failures: AtomicU32 }
///
/// impl Interceptor for Tagging {
///     fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
///         request.insert_header("x-partner-trace", "onboarding").expect("a valid header");
///     }
///     fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
///         if !outcome.status.is_some_and(|s| s.is_success()) {
///             self.failures.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
///
/// let client = answering_agent::Client::builder()
///     .api_key("key")
///     .interceptor(Tagging::default())
///     .build()
///     .unwrap();
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// Before each attempt is sent: read the request, add headers. The API key is not
    /// there yet; it is added after every interceptor has run.
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let _ = request;
    }

    /// After each attempt: its status and headers, or the transport error, and its latency.
    /// Whether it is retried is the client's retry policy's decision, not this one's.
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        let _ = outcome;
    }
}

/// An interceptor shared with other code (say, a test that reads what it recorded).
impl<T: Interceptor> Interceptor for std::sync::Arc<T> {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        (**self).before_attempt(request);
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        (**self).after_attempt(outcome);
    }
}

/// An attempt about to be sent, as an [`Interceptor`] sees it.
#[derive(Debug)]
pub struct AttemptRequest<'a> {
    /// The operation.
    pub operation: Operation,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    pub(crate) request: &'a mut reqwest::Request,
}

impl AttemptRequest<'_> {
    /// The method.
    pub fn method(&self) -> &Method {
        self.request.method()
    }

    /// The URL.
    pub fn url(&self) -> &Url {
        self.request.url()
    }

    /// The headers so far (never the key: it is added after the interceptors).
    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// Adds (or replaces) a header. `X-API-KEY` is refused: the client sets the key.
    pub fn insert_header(&mut self, name: &str, value: &str) -> Result<(), HeaderRefused> {
        let (name, value) = header(name, value)?;
        self.request.headers_mut().insert(name, value);
        Ok(())
    }
}

/// What an attempt got, as an [`Interceptor`] sees it.
#[derive(Debug)]
pub struct AttemptOutcome<'a> {
    /// The operation.
    pub operation: Operation,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// The status, when an answer arrived.
    pub status: Option<StatusCode>,
    /// The answer's headers (empty when none arrived).
    pub headers: &'a HeaderMap,
    /// Why no answer arrived, when none did.
    pub error: Option<&'a reqwest::Error>,
    /// From sending to the answer's headers (or the failure).
    pub latency: Duration,
}

/// Why a header was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRefused(pub(crate) String);

impl std::fmt::Display for HeaderRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HeaderRefused {}

/// A header a caller may set: a valid name and value, and never the key's header.
pub(crate) fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), HeaderRefused> {
    let name = HeaderName::try_from(name)
        .map_err(|_| HeaderRefused(format!("`{name}` is not a valid header name")))?;
    if name == crate::hooks::API_KEY_HEADER {
        return Err(HeaderRefused(
            "`X-API-KEY` is the client's own header: give the key to `ClientBuilder::api_key`"
                .to_string(),
        ));
    }
    // The value is not quoted: it may be a credential of the caller's.
    let value = HeaderValue::try_from(value).map_err(|_| {
        HeaderRefused(format!(
            "the value of header `{name}` is not valid in a header"
        ))
    })?;
    Ok((name, value))
}
