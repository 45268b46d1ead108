//! A typed client for the [Answering Agent](https://answeringagent.com) Partner API,
//! generated from the hand-maintained OpenAPI spec in `openapi/answering-agent.yaml`.
//!
//! ```no_run
//! use answering_agent::{Client, Error, types::{CreateOrganizationRequest, OwnerInput}};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // ANSWERING_AGENT_API_KEY; the playground by default
//! let request = CreateOrganizationRequest::builder()
//!     .name("Acme Corporation")
//!     .owner(OwnerInput::builder().external_id("user_123").email("john@acme.com").name(Some("John Doe".to_string())));
//! match client.create_organization().body(request).send().await {
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

#![deny(missing_docs)]

mod client;
mod environment;
mod error;
mod hooks;
mod operations;
pub mod retry;
#[cfg(feature = "rustls")]
mod tls;

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

pub use client::{
    API_KEY_VARIABLE, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    ENVIRONMENT_VARIABLE, http_client_builder,
};
pub use environment::Environment;
pub use error::{ConfigError, Error, ErrorResponse, MAX_KEPT_BODY};
pub use hooks::MAX_RESPONSE_BODY;
pub use operations::{CreateOrganization, ListOrganizations};
pub use progenitor_client::ResponseValue;
pub use retry::RetryPolicy;

/// The request and response types of the API, generated from the spec's schemas, with a
/// builder for each (`types::User::builder()`).
pub mod types {
    pub use crate::generated::types::*;
}

/// The README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
