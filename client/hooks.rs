//! What every request goes through: the `ClientHooks` of the generated client.
//!
//! `pre` adds the key (a sensitive header), the User-Agent and the timeout, and removes the
//! `api-version` header progenitor adds. `exec` sends the request and reads the whole
//! response body (bounded), keeping a copy in the call's [`CallContext`]: progenitor drops
//! the status of a body it cannot decode and the raw bytes of one it can, and errors must
//! keep both (see client/error.rs).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Version};

use crate::generated;

/// The largest response body a call reads; a longer one ends the call with
/// [`Error::InvalidResponse`](crate::Error::InvalidResponse).
pub const MAX_RESPONSE_BODY: usize = 8 * 1024 * 1024;

const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");
/// progenitor sends `api-version: <info.version of the spec>`. The vendor versions by path
/// (`/api/v1`) and documents no such header; our spec's version string means nothing to the
/// server and could be misread by a versioning middleware, so it does not go out.
const PROGENITOR_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");

/// What every call of one client shares.
pub(crate) struct Shared {
    /// The key, as a header value marked sensitive (its `Debug` prints `Sensitive`).
    pub api_key: HeaderValue,
    pub user_agent: HeaderValue,
    /// The total time a request may take; `None` leaves a user-supplied client's own.
    pub timeout: Option<Duration>,
}

/// The per-call state of the generated client (its `inner`): a fresh one for every call,
/// so concurrent calls never see each other's responses.
pub struct CallContext {
    shared: Arc<Shared>,
    captured: Mutex<Option<Captured>>,
}

/// A response as received, before progenitor decodes it.
pub(crate) struct Captured {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The body was longer than [`MAX_RESPONSE_BODY`]; `body` is its start.
    pub truncated: bool,
}

// The generated client derives both; a clone starts with nothing captured.
impl Clone for CallContext {
    fn clone(&self) -> Self {
        CallContext::new(self.shared.clone())
    }
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext").finish_non_exhaustive()
    }
}

impl CallContext {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        CallContext {
            shared,
            captured: Mutex::new(None),
        }
    }

    /// The response `exec` received, if one arrived.
    pub(crate) fn take_captured(&self) -> Option<Captured> {
        self.captured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

impl ClientHooks<CallContext> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let shared = &self.inner.shared;
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        headers.insert(API_KEY_HEADER, shared.api_key.clone());
        headers.insert(USER_AGENT, shared.user_agent.clone());
        if let Some(timeout) = shared.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let mut response = self.client.execute(request).await?;
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let (body, truncated) = read_bounded(&mut response, MAX_RESPONSE_BODY).await?;
        *self
            .inner
            .captured
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Captured {
            status,
            headers: headers.clone(),
            body: body.clone(),
            truncated,
        });
        Ok(rebuild(status, version, headers, body))
    }
}

/// Reads at most `limit` bytes of the body; says whether there was more.
async fn read_bounded(
    response: &mut reqwest::Response,
    limit: usize,
) -> reqwest::Result<(Bytes, bool)> {
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            body.extend_from_slice(&chunk[..limit - body.len()]);
            return Ok((body.freeze(), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body.freeze(), false))
}

/// A response with an already-read body, for progenitor to decode.
fn rebuild(
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
) -> reqwest::Response {
    let mut response = http::Response::new(reqwest::Body::from(body));
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}
