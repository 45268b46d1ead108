//! The fake's request handling without a socket, for the fuzz target `fake` (fuzz/). Only
//! compiled under `--cfg fuzzing`, which `cargo fuzz` sets: no user ever sees it.

use std::sync::Arc;

use bytes::Bytes;

use crate::serve::Shared;
use crate::{Error, default_api};

/// A fake with a fresh, empty store, answering requests in-process.
pub struct InProcess(Arc<Shared>);

/// One answer: the status and the body.
pub struct Answer {
    pub status: u16,
    pub body: Option<Bytes>,
    pub note: String,
}

impl InProcess {
    /// A fake of the repository's spec that accepts `key`.
    pub fn new(key: &str) -> Result<InProcess, Error> {
        let shared = Shared::new(default_api()?, vec![key.to_string()], false);
        Ok(InProcess(Arc::new(shared)))
    }

    /// Answers one request as the served fake would (before a reset or a delay is applied).
    pub fn reply(
        &self,
        method: &str,
        uri: &hyper::Uri,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Answer {
        let reply = self.0.reply(method, uri, headers, body);
        Answer {
            status: reply.status,
            body: reply.body,
            note: reply.note,
        }
    }
}
