//! Create an organization with its owner, handling every failure a caller should handle.
//!
//! ```sh
//! cargo run --example create_organization                                  # no key: a local fake
//! ANSWERING_AGENT_API_KEY=sk_... cargo run --example create_organization   # the playground
//! ```
//!
//! Without `ANSWERING_AGENT_API_KEY` it starts, in this process, the fake of the API that
//! the client's `fake` feature offers (and `cargo xtask mock` serves), so it runs on a
//! machine with no key and no network.

use std::process::ExitCode;

use answering_agent::fake::Fake;
use answering_agent::types::{NewOrganization, NewOwner};
use answering_agent::{Client, ConfigError, Error};

const OWNER_EXTERNAL_ID: &str = "cust_789";

#[tokio::main]
async fn main() -> ExitCode {
    // Kept to the end of `main`: the fake stops when it is dropped.
    let mut _fake = None;
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(ConfigError::MissingApiKey { .. }) => match local_fake() {
            Ok((started, client)) => {
                _fake = Some(started);
                client
            }
            Err(error) => {
                eprintln!("error: no API key, and the local fake did not start: {error}");
                return ExitCode::from(2);
            }
        },
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    println!("creating an organization on {}", client.environment());

    let owner = NewOwner::builder()
        .external_id(OWNER_EXTERNAL_ID)
        .email("maria@pizzapalace.example")
        .name(Some("Maria Rossi".to_string()));
    let request = NewOrganization::builder()
        .name("Pizza Palace")
        .owner(owner)
        .description(Some("Wood-fired pizza, three locations".to_string()));

    match client.create_organization(request).send().await {
        Ok(created) => {
            println!(
                "created organization {} ({:?}), owner user {} <{}>, status {}",
                created.organization.id,
                created.organization.name,
                created.owner.id,
                created.owner.email,
                created.status()
            );
            ExitCode::SUCCESS
        }
        Err(Error::Validation(response)) => {
            eprintln!(
                "the server rejected the request: {}",
                response.message().unwrap_or("no message")
            );
            for (field, messages) in response.field_errors() {
                eprintln!("  {field}: {}", messages.join(" "));
            }
            ExitCode::FAILURE
        }
        Err(Error::Unauthorized(_)) => {
            eprintln!(
                "the API key was refused: check ANSWERING_AGENT_API_KEY and that it is a key for this environment"
            );
            ExitCode::FAILURE
        }
        Err(error @ Error::OutcomeUnknown { .. }) => {
            // Never just send it again: find out first, the way the operation documents
            // (`Operation::CreateOrganization.if_outcome_unknown()`): look the owner up.
            eprintln!("{error}");
            match client.get_user(OWNER_EXTERNAL_ID).send().await {
                Ok(owner) => match owner.organizations.first() {
                    Some(membership) => println!(
                        "it was created after all: organization {} ({:?})",
                        membership.id, membership.name
                    ),
                    None => eprintln!("the owner exists but belongs to no organization"),
                },
                Err(Error::NotFound(_)) => eprintln!("it was not created; it is safe to try again"),
                Err(check) => eprintln!("could not check either ({check}); try get_user later"),
            }
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(id) = error.request_id() {
                eprintln!("request id for support: {id}");
            }
            if error.is_retryable() {
                eprintln!("this may succeed later");
            }
            ExitCode::FAILURE
        }
    }
}

/// No key: the API's fake, started in this process on a free loopback port, and a client
/// for it.
fn local_fake() -> Result<(Fake, Client), Box<dyn std::error::Error>> {
    let fake = Fake::builder().log_requests(true).spawn()?;
    println!(
        "no ANSWERING_AGENT_API_KEY: using a local fake of the API at {}",
        fake.base_url()
    );
    let client = Client::builder().fake(&fake).build()?;
    Ok((fake, client))
}
