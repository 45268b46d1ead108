//! The fake's request handling without a socket, for the fuzz target `fake` (fuzz/). Only
//! compiled under `--cfg fuzzing`, which `cargo fuzz` sets: no user ever sees it.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::serve::Shared;
use crate::store::Store;
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
        let api = default_api()?;
        let store = Store::new(api.relations());
        Ok(InProcess(Arc::new(Shared {
            api,
            keys: vec![key.to_string()],
            store: Mutex::new(store),
            faults: Mutex::new(Vec::new()),
            calls: Mutex::new(BTreeMap::new()),
            outcomes: Mutex::new(BTreeMap::new()),
            requests: AtomicU64::new(0),
            log: false,
        })))
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
