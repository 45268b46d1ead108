//! What every request goes through: the `ClientHooks` of the generated client, and the retry
//! loop its `send`s call.
//!
//! `exec_with_retries` prepares each attempt: the call's own headers, what the
//! interceptors add (client/interceptor.rs; they never see the key), then the key (a
//! sensitive header), the User-Agent and the timeout: the call's own, or on a user's own
//! reqwest client the client's (progenitor's `api-version` header is removed from the
//! generated code: client/codegen/version_header.rs). It sends the request, and builds
//! it again for each retry the operation's policy allows (client/retry.rs; the generated
//! `send`s hand it their request building: client/codegen/rebuild.rs), in a tracing span per
//! attempt; then it keeps the status and headers in the [`Call`] the `send` hands it
//! (client/codegen/call_state.rs), and the body too unless the response is a success of
//! known length within the bound (progenitor reads that one and hands its bytes back if they
//! do not decode): progenitor drops the status of a body it cannot decode, and errors must
//! keep status, headers and raw body (see client/call.rs and client/error.rs).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{ResponseBuilderExt, StatusCode};

use tracing::Instrument;

use crate::Operation;
use crate::generated;
use crate::interceptor::{AttemptOutcome, AttemptRequest, Interceptor};
use crate::options::CallOptions;
use crate::retry::{self, RetryPolicy};
use crate::urls::Urls;

/// The largest response body a call reads; a longer one ends the call with
/// [`Error::InvalidResponse`](crate::Error::InvalidResponse).
pub const MAX_RESPONSE_BODY: usize = 8 * 1024 * 1024;

pub(crate) const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// What every call of one client shares.
pub(crate) struct Shared {
    /// The key, as a header value marked sensitive (its `Debug` prints `Sensitive`).
    pub api_key: HeaderValue,
    pub user_agent: HeaderValue,
    /// The total time one attempt may take, set on each request: only for a user's own
    /// reqwest client given a timeout (ours carries it itself, see `ClientBuilder::build`).
    pub timeout: Option<Duration>,
    pub retry: RetryPolicy,
    /// The environment's URLs, parsed once (client/urls.rs).
    pub urls: Urls,
    /// Run on every attempt, in the order registered.
    pub interceptors: Vec<Arc<dyn Interceptor>>,
}

/// The generated client's `inner`: the settings every call of one [`Client`](crate::Client)
/// shares. Cheap to clone.
#[derive(Clone)]
pub struct Context(pub(crate) Arc<Shared>);

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").finish_non_exhaustive()
    }
}

impl Context {
    /// The URL of one call, for the generated `send`s (client/codegen/base_url.rs).
    pub(crate) fn endpoint(&self, path: std::fmt::Arguments<'_>) -> reqwest::Url {
        self.0.urls.endpoint(path)
    }
}

/// One call's state: which operation, how many attempts, and the response as received.
/// [`Client::execute`](crate::Client) owns it, the generated `send` borrows it for the
/// call and hands it to `exec_with_retries` (client/codegen/call_state.rs): concurrent
/// calls never see each other's responses, and one generated client serves them all.
pub(crate) struct Call {
    pub operation: Operation,
    /// What the call's builder set (`.timeout`, `.retry`, `.header`).
    pub options: CallOptions,
    captured: Option<Captured>,
    attempts: u32,
}

/// A response as received, before progenitor decodes it.
pub(crate) struct Captured {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as read here; `None` for a success left to progenitor to read (see `exec_with_retries`),
    /// whose body `convert` (client/call.rs) takes from where progenitor leaves it.
    pub body: Option<Bytes>,
    /// The body was longer than [`MAX_RESPONSE_BODY`]; `body` is its start.
    pub truncated: bool,
}

impl Call {
    pub(crate) fn new(operation: Operation, options: CallOptions) -> Call {
        Call {
            operation,
            options,
            captured: None,
            attempts: 0,
        }
    }

    /// How many attempts the call made.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The response `exec_with_retries` received, if one arrived.
    pub(crate) fn take_captured(&mut self) -> Option<Captured> {
        self.captured.take()
    }
}

// Every attempt is prepared in `exec_with_retries`, where the call's own settings are.
impl ClientHooks<Context> for generated::Client {}

impl generated::Client {
    /// What every attempt gets, in this order: the call's own headers, what the
    /// interceptors add (they never see the key), the key and User-Agent, the timeout.
    fn prepare(&self, request: &mut reqwest::Request, call: &Call, attempt: u32) {
        let shared = &self.inner.0;
        let own = call.options.get();
        if let Some(own) = own {
            for (name, value) in &own.headers {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        if !shared.interceptors.is_empty() {
            let mut view = AttemptRequest {
                operation: call.operation,
                attempt,
                request,
            };
            for interceptor in &shared.interceptors {
                interceptor.before_attempt(&mut view);
            }
        }
        let headers = request.headers_mut();
        headers.insert(API_KEY_HEADER, shared.api_key.clone());
        headers.insert(USER_AGENT, shared.user_agent.clone());
        if let Some(timeout) = own.and_then(|o| o.timeout).or(shared.timeout) {
            *request.timeout_mut() = Some(timeout);
        }
    }

    /// Tells the interceptors what an attempt got.
    fn after_attempt(
        &self,
        call: &Call,
        attempt: u32,
        outcome: &reqwest::Result<reqwest::Response>,
        latency: Duration,
    ) {
        let empty = HeaderMap::new();
        let (status, headers, error) = match outcome {
            Ok(response) => (Some(response.status()), response.headers(), None),
            Err(error) => (None, &empty, Some(error)),
        };
        let seen = AttemptOutcome {
            operation: call.operation,
            attempt,
            status,
            headers,
            error,
            latency,
        };
        for interceptor in &self.inner.0.interceptors {
            interceptor.after_attempt(&seen);
        }
    }

    /// Sends `request`, and again, as the operation's retry policy allows, what `build`
    /// makes (client/codegen/rebuild.rs puts every generated `send`'s request building in
    /// it); then captures the response in `call`. Called by the generated `send`s in place
    /// of `ClientHooks::exec`.
    // Not an `async fn`: one moves its arguments into locals, which would keep the request
    // twice in the call's future (rust-lang/rust#62958).
    #[allow(clippy::manual_async_fn)]
    pub(crate) fn exec_with_retries<'a, E>(
        &'a self,
        mut request: reqwest::Request,
        info: &'a OperationInfo,
        build: &'a impl Fn() -> Result<reqwest::Request, progenitor_client::Error<E>>,
        call: &'a mut Call,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + 'a {
        async move {
            let own_policy = call.options.get().and_then(|o| o.retry.clone());
            let policy = own_policy.as_ref().unwrap_or(&self.inner.0.retry);
            let kind = call.operation.idempotency();
            let intercepted = !self.inner.0.interceptors.is_empty();
            let mut attempt = 1;
            let (mut response, span) = loop {
                self.prepare(&mut request, call, attempt);
                call.attempts = attempt;
                let span = tracing::info_span!(
                    "answering_agent.request",
                    operation = info.operation_id,
                    method = %request.method(),
                    path = request.url().path(),
                    attempt,
                    status = tracing::field::Empty,
                    latency_ms = tracing::field::Empty,
                );
                // The clock only when someone listens: two reads per call otherwise wasted.
                let started = (intercepted || !span.is_disabled()).then(Instant::now);
                #[cfg(not(fuzzing))]
                let sending = self.client.execute(request);
                #[cfg(fuzzing)]
                let sending = crate::fuzzing::execute(&self.client, request);
                // Entering and leaving a span nobody listens to costs on every poll.
                let outcome = if span.is_disabled() {
                    sending.await
                } else {
                    sending.instrument(span.clone()).await
                };
                if let Some(started) = started {
                    let latency = started.elapsed();
                    span.record("latency_ms", latency.as_millis() as u64);
                    if intercepted {
                        self.after_attempt(call, attempt, &outcome, latency);
                    }
                }
                let wait = match &outcome {
                    Ok(response) => {
                        span.record("status", response.status().as_u16());
                        // Retry-After is read only for a status that may be retried.
                        if !retry::retry_status(kind, response.status()) {
                            None
                        } else {
                            match retry::retry_after(response.headers()) {
                                // Longer than we wait: the caller gets the 429 and its
                                // Retry-After.
                                Some(wait) if wait > policy.max_retry_after => None,
                                asked => Some(asked.unwrap_or_else(|| policy.backoff(attempt))),
                            }
                        }
                    }
                    Err(error) if retry::retry_transport(kind, error) => {
                        Some(policy.backoff(attempt))
                    }
                    Err(_) => None,
                };
                // The next attempt's request, built again only now that one is due. The
                // same statements built the first: it cannot fail where that one did not,
                // and if it did, the caller gets this outcome.
                let next = wait
                    .filter(|_| attempt < policy.max_attempts)
                    .and_then(|_| build().ok());
                let (Some(next), Some(wait)) = (next, wait) else {
                    match outcome {
                        Ok(response) => break (response, span),
                        Err(error) => {
                            span.in_scope(|| tracing::info!(error = %error, "failed"));
                            return Err(error);
                        }
                    }
                };
                span.in_scope(|| match &outcome {
                    Ok(response) => tracing::info!(status = response.status().as_u16(), wait_ms = wait.as_millis() as u64, "retrying"),
                    Err(error) => tracing::info!(error = %error, wait_ms = wait.as_millis() as u64, "retrying"),
                });
                drop(outcome);
                tokio::time::sleep(wait).await;
                request = next;
                attempt += 1;
            };
            let status = response.status();
            span.in_scope(|| tracing::info!(status = status.as_u16(), "response"));
            // The headers move into the capture instead of being copied: progenitor only
            // copies them into its value, and `success` (client/call.rs) puts them back.
            let headers = std::mem::take(response.headers_mut());
            let capture = |body, truncated| {
                call.captured = Some(Captured {
                    status,
                    headers,
                    body,
                    truncated,
                });
            };
            // A success whose length is known and within the bound (HTTP/1 and 2 stop
            // reading at the length): progenitor reads it as it comes, and hands the bytes
            // back if they do not decode. Reading and rebuilding it here would cost every
            // call a copy of the URL and two conversions.
            if let Some(length) = response
                .content_length()
                .filter(|&length| status.is_success() && length <= MAX_RESPONSE_BODY as u64)
            {
                span.in_scope(|| tracing::trace!(bytes = length, "body left to decode"));
                capture(None, false);
                return Ok(response);
            }
            // Any other response is read here, bounded, and kept for the error.
            let (response, body, truncated) = read_response(response).await?;
            // Bodies are never logged at info: they may hold personal data.
            span.in_scope(|| tracing::trace!(bytes = body.len(), truncated, "body read"));
            capture(Some(body), truncated);
            Ok(response)
        }
    }
}

/// Reads the body of `response`, bounded by [`MAX_RESPONSE_BODY`], and rebuilds the
/// response around what was read: the body, and whether it was longer.
async fn read_response(
    response: reqwest::Response,
) -> reqwest::Result<(reqwest::Response, Bytes, bool)> {
    // The conversion to `http` parts drops the URL, and the one back parses a placeholder
    // URL unless the parts carry one: carry the real one.
    let url = response.url().clone();
    let (mut parts, body) = http::Response::from(response).into_parts();
    if let Ok(carrier) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(carrier.into_parts().0.extensions);
    }
    let (body, truncated) = read_bounded(body, MAX_RESPONSE_BODY).await?;
    let response = reqwest::Response::from(http::Response::from_parts(
        parts,
        reqwest::Body::from(body.clone()),
    ));
    Ok((response, body, truncated))
}

/// Reads at most `limit` bytes of the body; says whether there was more. A body that
/// arrives in one frame (the usual case) is kept as it came, without a copy.
pub(crate) async fn read_bounded(
    mut body: reqwest::Body,
    limit: usize,
) -> reqwest::Result<(Bytes, bool)> {
    use http_body_util::BodyExt;
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        let held = first.as_ref().map_or(0, Bytes::len) + rest.len();
        if held + data.len() > limit {
            let mut all = BytesMut::from(first.take().unwrap_or_default());
            all.extend_from_slice(&rest);
            all.extend_from_slice(&data[..limit - held]);
            return Ok((all.freeze(), true));
        }
        match &first {
            None => first = Some(data),
            Some(_) => rest.extend_from_slice(&data),
        }
    }
    let first = first.unwrap_or_default();
    if rest.is_empty() {
        return Ok((first, false));
    }
    let mut all = BytesMut::from(first);
    all.extend_from_slice(&rest);
    Ok((all.freeze(), false))
}
