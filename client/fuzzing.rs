//! A response handed to the client without a socket, for the fuzz target `client` (fuzz/):
//! the call goes through every hook, retry and conversion as usual, and each attempt gets
//! this response instead of one from the network. Only compiled under `--cfg fuzzing`,
//! which `cargo fuzz` sets: no user ever sees it, and no call pays for it.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// The response every attempt of a call gets.
#[derive(Clone, Debug)]
pub struct Canned {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body, whole.
    pub body: Bytes,
}

tokio::task_local! {
    static CANNED: Canned;
}

/// Runs `future` (a call) with every attempt answered by `canned`.
pub async fn answered<F: Future>(canned: Canned, future: F) -> F::Output {
    CANNED.scope(canned, future).await
}

/// What the hooks' retry loop sends with: the canned response inside [`answered`], else the network.
pub(crate) fn execute(
    client: &reqwest::Client,
    request: reqwest::Request,
) -> Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + '_>> {
    let canned = CANNED
        .try_with(|canned| {
            let mut response = http::Response::new(reqwest::Body::from(canned.body.clone()));
            *response.status_mut() = canned.status;
            *response.headers_mut() = canned.headers.clone();
            reqwest::Response::from(response)
        })
        .ok();
    match canned {
        Some(response) => Box::pin(std::future::ready(Ok(response))),
        None => Box::pin(client.execute(request)),
    }
}
