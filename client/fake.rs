//! A stateful fake of the whole API, for your tests (feature `fake`): a loopback server that
//! serves every operation of the spec this client is generated from, keeps what you create,
//! refuses a wrong key (401) and invalid requests (422, naming each field) the way the
//! Laravel server does, and fails on demand ([`Fault`]), so that your own retry and
//! [`OutcomeUnknown`](crate::Error::OutcomeUnknown) handling can be tested.
//!
//! ```
//! use answering_agent::fake::{Fake, Fault};
//! use answering_agent::types::{NewOrganization, NewOwner};
//! use answering_agent::{Client, Operation};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = Fake::start().await?;
//! let client = Client::builder().fake(&fake).build()?;
//!
//! // A rate limit first: the client waits for `Retry-After` and tries again.
//! fake.inject(Fault::TooManyRequests { retry_after: std::time::Duration::from_millis(10) }
//!     .on(Operation::CreateOrganization.id()));
//! let request = NewOrganization::builder()
//!     .name("Pizza Palace")
//!     .owner(NewOwner::builder().external_id("cust_789").email("maria@pizzapalace.example"));
//! let created = client.create_organization(request).send().await?;
//!
//! let read = client.get_organization(created.organization.id).send().await?;
//! assert_eq!(read.name, "Pizza Palace");
//! assert_eq!(fake.calls(Operation::CreateOrganization.id()), 2);
//! # Ok(()) }
//! ```
//!
//! `cargo xtask mock` serves the same fake from the command line, for other languages and
//! for trying the API by hand.

pub use answering_agent_fake::{Error, Fake, FakeBuilder, Fault, Injection};

use crate::{ClientBuilder, Environment};

impl ClientBuilder {
    /// Points the client at `fake`, with its key: `Client::builder().fake(&fake).build()`.
    pub fn fake(self, fake: &Fake) -> ClientBuilder {
        let environment = Environment::custom(fake.base_url())
            .expect("a fake's base URL is an http URL on loopback");
        self.api_key(fake.api_key()).environment(environment)
    }
}
