//! A partner's whole onboarding of one customer, with nothing but the client: create the
//! organization with its owner, add a second user, create a location, fetch the owner's
//! embed token for the dashboard, and rename the organization.
//!
//! ```sh
//! cargo xtask mock --port 8080 --api-key try-me &       # a local fake of the API, no real key needed
//! ANSWERING_AGENT_ENVIRONMENT=http://127.0.0.1:8080/api/v1 ANSWERING_AGENT_API_KEY=try-me \
//!     cargo run --example onboarding
//! ANSWERING_AGENT_API_KEY=sk_... cargo run --example onboarding   # the playground
//! ```
//!
//! Every step that is not idempotent can end in `Error::OutcomeUnknown` (a timeout or a 502
//! after the request was sent): the program then says how to find out whether it happened,
//! as the operation documents, instead of sending it again.

use std::process::ExitCode;

use answering_agent::types::{
    NewLocation, NewOrganization, NewOwner, NewUser, OrganizationUpdate, Role,
};
use answering_agent::{Client, Error};

const OWNER: &str = "cust_789";
const MANAGER: &str = "cust_790";

#[tokio::main]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!(
                "no key? start the fake with `cargo xtask mock --api-key try-me` and point ANSWERING_AGENT_ENVIRONMENT at it"
            );
            return ExitCode::from(2);
        }
    };
    println!("onboarding Pizza Palace on {}", client.environment());
    match onboard(&client).await {
        Ok(()) => {
            println!("onboarding complete");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(id) = error.request_id() {
                eprintln!("request id for support: {id}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn onboard(client: &Client) -> Result<(), Error> {
    // 1. The organization and its owner, in one call.
    let created = client
        .create_organization(
            NewOrganization::builder()
                .name("Pizza Palace")
                .description(Some("Wood-fired pizza in Denver".to_string()))
                .owner(
                    NewOwner::builder()
                        .external_id(OWNER)
                        .email("maria@pizzapalace.example")
                        .name(Some("Maria Rossi".to_string())),
                ),
        )
        .send()
        .await?;
    let organization_id = created.organization.id;
    println!(
        "1. created organization {organization_id} with owner {} ({})",
        created.owner.external_id, created.owner.email
    );

    // 2. A second user, a manager of the same organization.
    let user = client
        .create_user(
            NewUser::builder()
                .external_id(MANAGER)
                .email("luca@pizzapalace.example")
                .name(Some("Luca Bianchi".to_string()))
                .organization_id(Some(organization_id))
                .role(Some(Role::Manager)),
        )
        .send()
        .await?;
    println!(
        "2. added user {} with roles {:?}",
        user.user.external_id,
        user.user
            .organizations
            .iter()
            .map(|m| m.role.to_string())
            .collect::<Vec<_>>()
    );

    // 3. A location, whose number is provisioned from the area code.
    let location = client
        .create_location(
            NewLocation::builder()
                .organization_id(organization_id)
                .name("Pizza Palace Downtown")
                .area_code(Some("303".to_string()))
                .address(Some("1600 Larimer St, Denver, CO".to_string())),
        )
        .send()
        .await?;
    println!(
        "3. created location {} ({}), status {}",
        location.id, location.name, location.status
    );

    // 4. The owner's embed token, for the dashboard inside the partner's app. It is a
    //    credential: printed only as `Secret(<redacted>)`; `expose_secret()` reads it.
    let token = client.get_embed_token(OWNER).send().await?;
    println!(
        "4. embed token for {}: {:?} ({} characters, for https://answeringagent.com/dashboard.html?token=...)",
        token.user_id,
        token.embed_token,
        token.embed_token.expose_secret().len()
    );

    // 5. The customer renamed their business.
    let renamed = client
        .update_organization(
            organization_id,
            OrganizationUpdate::builder().name(Some("Pizza Palace Group".to_string())),
        )
        .send()
        .await?;
    println!(
        "5. organization {} is now {:?} (status {})",
        renamed.id,
        renamed.name,
        renamed.status()
    );
    Ok(())
}
