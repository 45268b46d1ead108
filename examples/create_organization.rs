//! Create an organization with its owner, handling every failure a caller should handle.
//!
//! ```sh
//! ANSWERING_AGENT_API_KEY=sk_... cargo run --example create_organization
//! ANSWERING_AGENT_ENVIRONMENT=http://127.0.0.1:8080/api/v1 ANSWERING_AGENT_API_KEY=any cargo run --example create_organization
//! ```

use std::process::ExitCode;

use answering_agent::types::{CreateOrganizationRequest, OwnerInput};
use answering_agent::{Client, Error};

const OWNER_EXTERNAL_ID: &str = "cust_789";

#[tokio::main]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
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
        Err(error @ Error::MayHaveBeenCreated { .. }) => {
            // Never just send it again: find out first.
            eprintln!("{error}");
            match client.list_organizations().send().await {
                Ok(organizations) => {
                    let existing = organizations
                        .iter()
                        .find(|o| o.users.iter().any(|u| u.external_id == OWNER_EXTERNAL_ID));
                    match existing {
                        Some(organization) => {
                            println!("it was created after all: organization {}", organization.id)
                        }
                        None => eprintln!("it was not created; it is safe to try again"),
                    }
                }
                Err(check) => {
                    eprintln!("could not check either ({check}); try list_organizations later")
                }
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
