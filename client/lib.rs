//! A typed client for the [Answering Agent](https://answeringagent.com) Partner API,
//! generated from the hand-maintained OpenAPI spec in `openapi/answering-agent.yaml`.
//!
//! ```no_run
//! use answering_agent::{Client, Error, types::{NewOrganization, NewOwner}};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // ANSWERING_AGENT_API_KEY; the playground by default
//! let request = NewOrganization::builder()
//!     .name("Acme Corporation")
//!     .owner(NewOwner::builder().external_id("user_123").email("john@acme.com").name(Some("John Doe".to_string())));
//! match client.create_organization(request).send().await {
//!     Ok(created) => println!("organization {} owned by user {}", created.organization.id, created.owner.id),
//!     Err(Error::Validation(response)) => eprintln!("invalid: {:?}", response.field_errors()),
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(()) }
//! ```
//!
//! - [`Client`]: the key (`X-API-KEY`), the [`Environment`], timeouts.
//! - [`types`]: the request and response types, generated from the spec's schemas.
//! - [`Error`]: chosen by HTTP status; keeps status, headers and the raw body.
//! - [`Operation`]: every operation of the API, with its idempotency (which failures are
//!   retried) and, when it is not idempotent, how to check an unknown outcome. One method
//!   of [`Client`] per operation, with a builder of the same name; all generated from the
//!   spec.
//! - [`Secret`]: a credential the API hands out (an embed token), never shown by accident.
//! - [`Response`]: a success: the body, and what the answer cost (request id, attempts, time).
//!
//! Required inputs are the method's arguments, so a call without one does not compile
//! (the first block compiles; the two after it, each missing one input, do not):
//!
//! ```no_run
//! # async fn demo(client: answering_agent::Client) {
//! let organization = client.get_organization(7).send().await;
//! # }
//! ```
//!
//! ```compile_fail
//! # async fn demo(client: answering_agent::Client) {
//! let organization = client.get_organization().send().await; // no organization_id
//! # }
//! ```
//!
//! ```compile_fail
//! # async fn demo(client: answering_agent::Client) {
//! let created = client.create_organization().send().await; // no body
//! # }
//! ```
//!
//! A body's own required fields are `new`'s arguments, in the order of the spec's `required`,
//! and each optional one has a `with_…` setter taking `impl Into<T>` (the builders,
//! `types::NewOrganization::builder()`, check required fields only when the value is built):
//!
//! ```no_run
//! use answering_agent::types::{NewOrganization, NewOwner};
//! # async fn demo(client: answering_agent::Client) -> Result<(), answering_agent::Error> {
//! let owner = NewOwner::new("user_123", "john@acme.com").with_name("John Doe"); // external_id, email
//! let organization = NewOrganization::new("Acme", owner).with_description("Pizza");
//! let created = client.create_organization(organization).send().await?;
//! # Ok(()) }
//! ```
//!
//! ```compile_fail
//! let body = answering_agent::types::NewOrganization::new("Acme"); // no owner
//! ```
//!
//! Ids are typed (`types::OrganizationId`, `LocationId`, `UserId`, `ExternalId`: the
//! spec's `x-id`), in paths, bodies and answers alike, so one kind cannot be passed for
//! another. A plain integer or string still converts (`client.get_organization(7)`):
//!
//! ```no_run
//! # async fn demo(client: answering_agent::Client, location: answering_agent::types::Location) {
//! let same = client.get_location(location.id).send().await;
//! # }
//! ```
//!
//! ```compile_fail
//! # async fn demo(client: answering_agent::Client, location: answering_agent::types::Location) {
//! let wrong = client.get_organization(location.id).send().await; // a LocationId
//! # }
//! ```
//! - `fake` (feature `fake`): a stateful fake of the whole API to run your tests against.
//!
//! The crate's README (what crates.io shows; `client/README.md` in the repository) has the
//! rest of a user's guide: configuration, the errors and retries in full, per-call options,
//! the fake and the typed mocks for tests, features and TLS, and migrating from 0.1.

#![deny(missing_docs)]

mod call;
mod client;
mod environment;
mod error;
#[cfg(feature = "fake")]
pub mod fake;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod hooks;
pub mod interceptor;
mod json_call;
mod options;
mod response;
pub mod retry;
mod secret;
#[cfg(feature = "rustls")]
mod tls;
mod urls;

// The operations (`Operation` and a builder per operation), generated from the spec like
// the client itself (client/codegen/operations.rs). Never edited by hand.
#[cfg(not(feature = "codegen"))]
#[rustfmt::skip]
mod operations;
#[cfg(feature = "codegen")]
mod operations {
    include!(concat!(env!("OUT_DIR"), "/operations.rs"));
}

// The generated client: checked in, or generated at build time with feature `codegen`
// (build.rs). Never edited by hand; its public types are re-exported below.
#[cfg(not(feature = "codegen"))]
#[allow(missing_docs, clippy::all, dead_code, unused_imports)]
#[rustfmt::skip]
#[path = "generated.rs"]
mod generated;
#[cfg(feature = "codegen")]
#[allow(missing_docs, clippy::all, dead_code, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

/// Typed mocks for your own tests (feature `mock`): progenitor's `httpmock` helpers, one
/// [`MockServerExt`](mock::MockServerExt) method per operation, whose `When`/`Then`
/// builders only take the spec's types. Generated by the same pipeline as the client.
///
/// ```
/// use answering_agent::mock::MockServerExt;
/// use answering_agent::types::{CreatedOrganization, NewOwner, NewOrganization};
/// use answering_agent::{Client, Environment};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = httpmock::MockServer::start_async().await;
/// let created: CreatedOrganization =
///     serde_json::from_str(include_str!("../openapi/examples/createOrganization/201-fresh.json")).unwrap();
/// let mock = server.create_organization(|when, then| {
///     when.into_inner().header_exists("x-api-key");
///     then.created(&created);
/// });
///
/// // Your code under test, pointed at the mock server.
/// let client = Client::builder()
///     .api_key("sk_test")
///     .environment(Environment::custom(&server.base_url()).unwrap())
///     .build()
///     .unwrap();
/// let request = NewOrganization::builder()
///     .name("Pizza Palace")
///     .owner(NewOwner::builder().external_id("cust_789").email("maria@pizzapalace.example"));
/// let response = client.create_organization(request).send().await.unwrap();
///
/// assert_eq!(response.organization.id, 4711);
/// mock.assert();
/// # }
/// ```
#[cfg(all(feature = "mock", not(feature = "codegen")))]
#[allow(missing_docs, clippy::all)]
#[rustfmt::skip]
#[path = "generated_mock.rs"]
pub mod mock;
/// Typed mocks for your own tests (feature `mock`), generated at build time.
#[cfg(all(feature = "mock", feature = "codegen"))]
#[allow(missing_docs, clippy::all)]
pub mod mock {
    include!(concat!(env!("OUT_DIR"), "/generated_mock.rs"));
}

pub use client::{
    API_KEY_VARIABLE, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    ENVIRONMENT_VARIABLE, http_client_builder,
};
pub use environment::Environment;
pub use error::{ConfigError, Error, ErrorResponse, MAX_KEPT_BODY};
pub use hooks::MAX_RESPONSE_BODY;
pub use operations::*;
pub use response::Response;
pub use retry::{Idempotency, RetryPolicy};
pub use secret::Secret;

/// The request and response types of the API, generated from the spec's schemas, with a
/// builder for each (`types::User::builder()`).
pub mod types {
    pub use crate::generated::types::*;
}

/// The Rust examples of the crate's README (client/README.md), compiled as doctests so they
/// cannot rot.
#[cfg(doctest)]
#[doc = include_str!("README.md")]
pub struct ReadmeDoctests;
