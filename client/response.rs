//! [`Response`]: what a successful call answers. The body by value (and by `Deref`), with
//! what the answer cost: its status and headers, the request id, the number of attempts and
//! the time the whole call took. Our own type, so that no dependency's version is part of
//! this crate's API.

use std::ops::{Deref, DerefMut};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A successful call's answer: the typed body, and what it cost.
///
/// ```no_run
/// # async fn demo(client: answering_agent::Client) -> Result<(), answering_agent::Error> {
/// let organizations = client.list_organizations().send().await?;
/// println!(
///     "{} organizations in {:?} ({} attempt(s), request {})",
///     organizations.len(),           // the body, through `Deref`
///     organizations.elapsed(),
///     organizations.attempts(),
///     organizations.request_id().unwrap_or("-"),
/// );
/// for organization in &organizations {
///     println!("{} {}", organization.id, organization.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Response<T> {
    body: T,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    elapsed: Duration,
}

impl<T> Response<T> {
    pub(crate) fn new(
        body: T,
        status: StatusCode,
        headers: HeaderMap,
        attempts: u32,
        elapsed: Duration,
    ) -> Response<T> {
        Response {
            body,
            status,
            headers,
            attempts,
            elapsed,
        }
    }

    /// The body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id the server (or a proxy) sent, to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        crate::error::request_id(&self.headers)
    }

    /// How many attempts the call made (1 unless it was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How long the whole call took: every attempt, and the waits between them.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The same answer with its body changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            body: f(self.body),
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
            elapsed: self.elapsed,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> AsRef<T> for Response<T> {
    fn as_ref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("attempts", &self.attempts)
            .field("elapsed", &self.elapsed)
            .field("body", &self.body)
            .finish()
    }
}

/// A list's items, by value.
impl<T> IntoIterator for Response<Vec<T>> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.body.into_iter()
    }
}

/// A list's items, by reference.
impl<'a, T> IntoIterator for &'a Response<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.body.iter()
    }
}
