//! A vendor that adds enum values and fields before its docs do: the response still reaches
//! the caller, with the new values kept.

use answering_agent::types::{CreatedOrganization, LocationStatus, Role};
use serde_json::{Value, json};

const FRESH: &str = include_str!("../openapi/examples/createOrganization/201-fresh.json");

fn evolved() -> Value {
    let mut body: Value = serde_json::from_str(FRESH).unwrap();
    body["organization"]["timezone"] = json!("America/Denver");
    body["organization"]["phone_numbers"] = json!([{
        "id": 889, "name": "Main St", "phone_number": "+13035551234", "status": "suspended",
        "address": "123 Main St, Denver, CO", "google_place_id": "ChIJN1t_tDeuEmsRUsoyG83frY4",
        "created_at": "2026-11-29T03:21:09.000000Z", "updated_at": "2026-11-29T03:21:09.000000Z",
        "forwarding": {"enabled": true}
    }]);
    body["owner"]["organizations"][0]["role"] = json!("billing");
    body["owner"]["locale"] = json!("en_US");
    body
}

#[test]
fn new_enum_values_are_kept_and_new_fields_are_harmless() {
    let response: CreatedOrganization = serde_json::from_value(evolved()).unwrap();
    let location = &response.organization.phone_numbers[0];
    assert_eq!(
        location.status,
        LocationStatus::Unknown("suspended".to_string())
    );
    assert_eq!(location.status.to_string(), "suspended");
    assert_eq!(
        response.owner.organizations[0].role,
        Role::Unknown("billing".to_string())
    );

    // Kept as sent: encoding gives the same strings back.
    let encoded = serde_json::to_value(&response).unwrap();
    assert_eq!(
        encoded["organization"]["phone_numbers"][0]["status"],
        "suspended"
    );
    assert_eq!(encoded["owner"]["organizations"][0]["role"], "billing");
}

#[test]
fn known_values_still_decode_to_their_variants() {
    let response: CreatedOrganization = serde_json::from_str(FRESH).unwrap();
    assert_eq!(response.owner.organizations[0].role, Role::Owner);
    assert_eq!(
        "active".parse::<LocationStatus>().unwrap(),
        LocationStatus::Active
    );
    assert_eq!(
        "retired".parse::<LocationStatus>().unwrap(),
        LocationStatus::Unknown("retired".into())
    );
    assert_eq!(serde_json::to_value(Role::Manager).unwrap(), "manager");
}

#[tokio::test]
async fn an_evolved_response_reaches_the_caller_through_the_client() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(evolved()))
        .mount(&server)
        .await;
    let client = answering_agent::Client::builder()
        .api_key("sk_test")
        .environment(
            answering_agent::Environment::custom(&format!("{}/api/v1", server.uri())).unwrap(),
        )
        .build()
        .unwrap();
    let body = answering_agent::types::NewOrganization::builder()
        .name("Pizza Palace")
        .owner(
            answering_agent::types::NewOwner::builder()
                .external_id("cust_789")
                .email("maria@pizzapalace.example"),
        );
    let created = client.create_organization(body).send().await.unwrap();
    assert_eq!(
        created.organization.phone_numbers[0].status,
        LocationStatus::Unknown("suspended".into())
    );
}
