//! The mock of the API (`cargo xtask mock`) against the real client: it answers valid
//! requests with recorded examples and refuses bad ones with the right status and field
//! names.

use answering_agent::types::{CreateOrganizationRequest, OwnerInput};
use answering_agent::{Client, Environment, Error};

fn start() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = std::fs::read_to_string(root.join("openapi/answering-agent.yaml")).unwrap();
    let mock = xtask::mock::Mock::new(
        "openapi/answering-agent.yaml",
        &spec,
        Some(&root.join("openapi/examples")),
    )
    .unwrap();
    xtask::mock::serve(mock, 0).unwrap().base_url
}

fn client(base_url: &str, prefer: Option<&str>) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(prefer) = prefer {
        headers.insert("prefer", prefer.parse().unwrap());
    }
    let http = answering_agent::http_client_builder()
        .unwrap()
        .default_headers(headers)
        .build()
        .unwrap();
    Client::builder()
        .api_key("sk_test_mock")
        .environment(Environment::custom(base_url).unwrap())
        .http_client(http)
        .build()
        .unwrap()
}

fn owner(email: &str) -> answering_agent::types::builder::OwnerInput {
    OwnerInput::builder().external_id("cust_789").email(email)
}

#[tokio::test]
async fn a_valid_create_gets_the_first_success_example() {
    let base = start();
    let created = client(&base, None)
        .create_organization()
        .body(
            CreateOrganizationRequest::builder()
                .name("Pizza Palace")
                .owner(owner("maria@pizzapalace.example")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.organization.id, 1, "201-documented comes first");
    assert!(
        created.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .starts_with("mock-")
    );
}

#[tokio::test]
async fn prefer_picks_an_example_by_case() {
    let base = start();
    let request = || {
        CreateOrganizationRequest::builder()
            .name("Pizza Palace")
            .owner(owner("maria@pizzapalace.example"))
    };
    let fresh = client(&base, Some("example=fresh"))
        .create_organization()
        .body(request())
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.organization.id, 4711);
    let error = client(&base, Some("example=laravel"))
        .create_organization()
        .body(request())
        .send()
        .await
        .unwrap_err();
    let Error::Validation(response) = &error else {
        panic!("{error:?}")
    };
    assert!(response.field_errors().contains_key("owner.email"));

    let listed = client(&base, None)
        .list_organizations()
        .send()
        .await
        .unwrap();
    assert_eq!(listed[0].name, "Acme Corporation");
}

#[tokio::test]
async fn an_invalid_body_gets_a_laravel_422_naming_each_field() {
    let base = start();
    let error = client(&base, None)
        .create_organization()
        .body(
            CreateOrganizationRequest::builder()
                .name("Pizza Palace")
                .owner(owner("not an email")),
        )
        .send()
        .await
        .unwrap_err();
    let Error::Validation(response) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        response.field_errors()["owner.email"],
        ["The owner.email field must be a valid email address."]
    );
    assert_eq!(
        response.message(),
        Some("The owner.email field must be a valid email address.")
    );

    // Several invalid fields, sent raw: every one is named.
    let raw = answering_agent::http_client_builder().unwrap().build().unwrap()
        .post(format!("{base}/organizations"))
        .header("x-api-key", "sk_test_mock")
        .json(&serde_json::json!({"name": 42, "owner": {"email": "x@example.com"}, "description": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 422);
    let body: serde_json::Value = raw.json().await.unwrap();
    let fields: Vec<&String> = body["errors"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["description", "name", "owner.external_id"]);
    assert_eq!(
        body["message"],
        "The description field must be a string. (and 2 more errors)"
    );
}

#[tokio::test]
async fn no_key_unknown_paths_and_methods_are_refused() {
    let base = start();
    let http = answering_agent::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let no_key = http
        .post(format!("{base}/organizations"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status().as_u16(), 401);
    assert_eq!(
        no_key.json::<serde_json::Value>().await.unwrap()["message"],
        "Unauthenticated."
    );

    let unknown = http
        .get(format!("{base}/teams"))
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 404);
    let wrong_method = http
        .delete(format!("{base}/organizations"))
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status().as_u16(), 405);
    assert_eq!(wrong_method.headers()["allow"], "GET, POST");
    let not_json = http
        .post(format!("{base}/organizations"))
        .header("x-api-key", "k")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status().as_u16(), 415);
}
