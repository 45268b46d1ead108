//! Create an organization with its owner, handling every failure a caller should handle.
//!
//! ```sh
//! cargo run --example create_organization                                  # no key: a local mock
//! ANSWERING_AGENT_API_KEY=sk_... cargo run --example create_organization   # the playground
//! ```
//!
//! Without `ANSWERING_AGENT_API_KEY` it starts, in this process, the mock that
//! `cargo xtask mock` serves (requests checked against the spec, answered with the recorded
//! examples), so it runs on a machine with no key and no network.

use std::process::ExitCode;

use answering_agent::types::{CreateOrganizationRequest, OwnerInput};
use answering_agent::{Client, ConfigError, Environment, Error};

const OWNER_EXTERNAL_ID: &str = "cust_789";

#[tokio::main]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(ConfigError::MissingApiKey { .. }) => match local_mock() {
            Ok(client) => client,
            Err(error) => {
                eprintln!("error: no API key, and the local mock did not start: {error}");
                return ExitCode::from(2);
            }
        },
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    println!("creating an organization on {}", client.environment());

    let owner = OwnerInput::builder()
        .external_id(OWNER_EXTERNAL_ID)
        .email("maria@pizzapalace.example")
        .name(Some("Maria Rossi".to_string()));
    let request = CreateOrganizationRequest::builder()
        .name("Pizza Palace")
        .owner(owner)
        .description(Some("Wood-fired pizza, three locations".to_string()));

    match client.create_organization().body(request).send().await {
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
            match client
                .get_user()
                .external_id(OWNER_EXTERNAL_ID)
                .send()
                .await
            {
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

/// No key: the API's mock (what `cargo xtask mock` serves), started in this process on a
/// free loopback port, and a client for it.
fn local_mock() -> Result<Client, String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = std::fs::read_to_string(root.join("openapi/answering-agent.yaml"))
        .map_err(|e| e.to_string())?;
    let mock = xtask::mock::Mock::new(
        "openapi/answering-agent.yaml",
        &spec,
        Some(&root.join("openapi/examples")),
    )?;
    let running = xtask::mock::serve(mock, 0)?;
    println!(
        "no ANSWERING_AGENT_API_KEY: using a local mock of the API at {}",
        running.base_url
    );
    let environment = Environment::custom(&running.base_url).map_err(|e| e.to_string())?;
    Client::builder()
        .api_key("mock-key")
        .environment(environment)
        .build()
        .map_err(|e| e.to_string())
}
