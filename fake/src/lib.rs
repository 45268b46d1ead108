//! A stateful fake of the Answering Agent Partner API, for tests: a loopback HTTP server
//! that serves every operation of the OpenAPI spec, keeps what was created, checks the API
//! key and every request the way the real (Laravel) server does, and fails on demand.
//!
//! Nothing in it is written per operation: routes, validation and answers come from the
//! spec (`openapi/answering-agent.yaml`), what each operation does to the state from its
//! method and path, and the relations between resources from the spec's `x-fake-*`
//! extensions. An operation added to the spec is served without a change here.
//!
//! The client crate offers it as `answering_agent::fake` (feature `fake`), and
//! `cargo xtask mock` serves it from the command line.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use answering_agent_fake::{Fake, Fault};
//!
//! let fake = Fake::start().await?;
//! println!("{} with key {}", fake.base_url(), fake.api_key());
//! // The next create answers 502 after it took effect:
//! fake.inject(Fault::BadGatewayAfterCommit.on("createOrganization"));
//! # Ok(()) }
//! ```
//!
//! What it decides where the vendor documents nothing (each is a GUESS in the spec too):
//! - errors have Laravel's bodies: 401 `{"message": "Unauthenticated."}`, 404 for unknown
//!   routes and records, 405 with `Allow` for a method a path lacks, 422 with `errors` naming
//!   every invalid field;
//! - a missing or unreadable JSON body is read as no input (Laravel's way): 422 naming the
//!   required fields (the fake also refuses it where nothing is required);
//! - a required field sent as an empty (or blank) string is missing, a 422 (Laravel's
//!   `required`);
//! - a resource's key (a user's `external_id`) is unique: a second one is a 422;
//! - ids count from 1 per resource; timestamps are the time of the request.

mod api;
mod faults;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod laravel;
mod render;
mod serve;
mod state;
mod store;

use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

pub use faults::{Fault, Injection};

use api::Api;
use serve::{Shared, lock};

/// The spec the client is generated from, served unless [`FakeBuilder::spec`] says
/// otherwise; and its path in the repository, for messages.
pub use answering_agent_spec::{SPEC, SPEC_PATH};

/// Why a fake could not start: the spec does not parse or serve, or the port is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// A running fake. It stops when dropped.
pub struct Fake {
    base_url: String,
    api_key: String,
    shared: Arc<Shared>,
    stop: Arc<tokio::sync::Notify>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the key: a test's log is no place for it, even a fake's.
        f.debug_struct("Fake")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Fake {
    /// A fake of the spec the client is generated from, on a free loopback port, accepting
    /// one generated key ([`Fake::api_key`]).
    pub async fn start() -> Result<Fake, Error> {
        Fake::builder().spawn()
    }

    /// To choose the spec, the keys, the port or logging.
    pub fn builder() -> FakeBuilder {
        FakeBuilder::default()
    }

    /// `http://127.0.0.1:PORT/api/v1`: the base URL to give a client.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The (first) key it accepts in `X-API-KEY`; any other gets a 401.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Makes the next matching request(s) fail: `fake.inject(Fault::Unavailable.times(2))`.
    /// Injections apply in the order they were made.
    pub fn inject(&self, injection: impl Into<Injection>) {
        lock(&self.shared.faults).push(injection.into());
    }

    /// Drops the injections not used up yet: the server and the network are well again.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// How many requests reached the operation `operation_id` (refused ones included).
    pub fn calls(&self, operation_id: &str) -> usize {
        lock(&self.shared.calls)
            .get(operation_id)
            .copied()
            .unwrap_or(0)
    }

    /// How many requests of the operation `operation_id` were carried out with this status
    /// (`fake.outcomes("createOrganization", 422)`): the status the operation itself gave,
    /// also when an injected fault then sent the caller something else (a 502, a delay).
    /// Requests refused before the operation (a 401, an injected 429) are not counted.
    pub fn outcomes(&self, operation_id: &str, status: u16) -> usize {
        lock(&self.shared.outcomes)
            .get(&(operation_id.to_string(), status))
            .copied()
            .unwrap_or(0)
    }

    /// The stored records of a resource (`"organizations"`), in the order of their ids: to
    /// check the state behind the API's answers.
    pub fn records(&self, resource: &str) -> Vec<Value> {
        lock(&self.shared.store)
            .records(resource)
            .cloned()
            .map(Value::Object)
            .collect()
    }

    /// Blocks until the fake stops (for a command that only serves).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

/// Options of a [`Fake`].
#[derive(Default)]
pub struct FakeBuilder {
    spec: Option<(String, String)>,
    keys: Vec<String>,
    port: u16,
    log: bool,
}

impl std::fmt::Debug for FakeBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBuilder")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl FakeBuilder {
    /// Serve this spec (its YAML or JSON `text`; `file` names it in errors) instead of the
    /// one the client is generated from.
    pub fn spec(mut self, file: impl Into<String>, text: impl Into<String>) -> FakeBuilder {
        self.spec = Some((file.into(), text.into()));
        self
    }

    /// Accept this key; call it again to accept several. Without it, one key is generated.
    pub fn api_key(mut self, key: impl Into<String>) -> FakeBuilder {
        self.keys.push(key.into());
        self
    }

    /// Listen on this loopback port (default 0: any free one).
    pub fn port(mut self, port: u16) -> FakeBuilder {
        self.port = port;
        self
    }

    /// Print one line per request to stderr (method, path, status, operation; never a key
    /// or a body). Off by default.
    pub fn log_requests(mut self, log: bool) -> FakeBuilder {
        self.log = log;
        self
    }

    /// Starts the fake.
    pub async fn start(self) -> Result<Fake, Error> {
        self.spawn()
    }

    /// Starts the fake from synchronous code: it serves from a thread and a runtime of its
    /// own, so it runs under any runtime or none.
    pub fn spawn(self) -> Result<Fake, Error> {
        let api = match &self.spec {
            None => default_api()?,
            Some((file, text)) => Arc::new(load(file, text)?),
        };
        let keys = if self.keys.is_empty() {
            vec![format!(
                "fake_{:016x}",
                RandomState::new().hash_one(std::time::SystemTime::now())
            )]
        } else {
            self.keys
        };
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))
            .map_err(|e| Error(format!("cannot listen on 127.0.0.1:{}: {e}", self.port)))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error(e.to_string()))?;
        let address = listener.local_addr().map_err(|e| Error(e.to_string()))?;
        let base_url = format!("http://{address}{}", api.base_path);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error(format!("cannot start the fake's runtime: {e}")))?;
        let shared = Arc::new(Shared::new(api, keys.clone(), self.log));
        let stop = Arc::new(tokio::sync::Notify::new());
        let thread = {
            let (shared, stop) = (shared.clone(), stop.clone());
            std::thread::Builder::new()
                .name("answering-agent-fake".into())
                .spawn(move || runtime.block_on(accept(listener, shared, stop)))
                .map_err(|e| Error(format!("cannot start the fake's thread: {e}")))?
        };
        Ok(Fake {
            base_url,
            api_key: keys[0].clone(),
            shared,
            stop,
            thread: Some(thread),
        })
    }
}

/// Accepts connections until told to stop; dropping the runtime then ends them.
async fn accept(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    stop: Arc<tokio::sync::Notify>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let shared = shared.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request| shared.clone().serve(request));
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    stop.notified().await;
}

/// The served model of the spec the client is generated from, read once per process.
fn default_api() -> Result<Arc<Api>, Error> {
    static API: OnceLock<Result<Arc<Api>, Error>> = OnceLock::new();
    API.get_or_init(|| load(SPEC_PATH, SPEC).map(Arc::new))
        .clone()
}

fn load(file: &str, text: &str) -> Result<Api, Error> {
    let spec = answering_agent_spec::Spec::parse(file, text).map_err(|e| Error(e.to_string()))?;
    if let Some(broken) = spec.dangling_refs().into_iter().next() {
        return Err(Error(broken.to_string()));
    }
    Api::new(spec).map_err(Error)
}

/// The README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
