//! `create_organization` against a loopback server: the exact request, every documented
//! response, and the responses a real network adds (HTML from a proxy, a cut-off body).

use answering_agent::types::{CreatedOrganization, NewOrganization, NewOwner, Role};
use answering_agent::{Client, Environment, Error};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk_test_Zq8VvX2mN4bC7dK1pLr9";
const DOCUMENTED: &str = include_str!("../openapi/examples/createOrganization/201-documented.json");
const FRESH: &str = include_str!("../openapi/examples/createOrganization/201-fresh.json");
const VALIDATION: &str = include_str!("../openapi/examples/createOrganization/422-laravel.json");

async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/organizations"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn client_for(server: &MockServer) -> Client {
    let environment = Environment::custom(&format!("{}/api/v1", server.uri())).unwrap();
    Client::builder()
        .api_key(KEY)
        .environment(environment)
        .build()
        .unwrap()
}

fn request() -> answering_agent::types::builder::NewOrganization {
    NewOrganization::builder().name("Acme Corporation").owner(
        NewOwner::builder()
            .external_id("user_123")
            .email("john.doe@example.com")
            .name(Some("John Doe".to_string())),
    )
}

async fn the_only_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "exactly one request reaches the server");
    received.remove(0)
}

#[tokio::test]
async fn sends_exactly_the_request_the_user_built() {
    let server =
        server_answering(ResponseTemplate::new(201).set_body_raw(DOCUMENTED, "application/json"))
            .await;
    client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap();

    let sent = the_only_request(&server).await;
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(sent.url.path(), "/api/v1/organizations");
    assert_eq!(sent.headers["x-api-key"], KEY);
    assert_eq!(sent.headers["content-type"], "application/json");
    assert_eq!(sent.headers["accept"], "application/json");
    let agent = sent.headers["user-agent"].to_str().unwrap();
    assert_eq!(
        agent,
        format!("answering-agent-rust/{}", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        sent.headers.get("api-version").is_none(),
        "progenitor's api-version header does not go out"
    );
    // `description` is optional: left unset, it is absent (the spec allows absent and null alike).
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        body,
        json!({"name": "Acme Corporation", "owner": {"external_id": "user_123", "email": "john.doe@example.com", "name": "John Doe"}})
    );
}

#[tokio::test]
async fn a_success_keeps_every_response_header() {
    // The hooks move the headers aside for errors and put them back on success: a user who
    // reads a rate-limit or request-id header must find them.
    let server = server_answering(
        ResponseTemplate::new(201)
            .set_body_raw(DOCUMENTED, "application/json")
            .insert_header("x-request-id", "req-42")
            .insert_header("x-ratelimit-remaining", "59"),
    )
    .await;
    let response = client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["x-request-id"], "req-42");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "59");
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn sends_the_description_and_leaves_out_an_unset_owner_name() {
    let server =
        server_answering(ResponseTemplate::new(201).set_body_raw(FRESH, "application/json")).await;
    let body = NewOrganization::builder()
        .name("Pizza Palace")
        .owner(
            NewOwner::builder()
                .external_id("cust_789")
                .email("maria@pizzapalace.example"),
        )
        .description(Some("Wood-fired".to_string()));
    client_for(&server)
        .create_organization(body)
        .send()
        .await
        .unwrap();

    let body: Value = serde_json::from_slice(&the_only_request(&server).await.body).unwrap();
    assert_eq!(
        body,
        json!({"name": "Pizza Palace", "owner": {"external_id": "cust_789", "email": "maria@pizzapalace.example"}, "description": "Wood-fired"})
    );
}

#[tokio::test]
async fn a_201_and_a_200_both_give_the_typed_response() {
    let expected: CreatedOrganization = serde_json::from_str(DOCUMENTED).unwrap();
    for status in [201, 200] {
        let server = server_answering(
            ResponseTemplate::new(status).set_body_raw(DOCUMENTED, "application/json"),
        )
        .await;
        let created = client_for(&server)
            .create_organization(request())
            .send()
            .await
            .unwrap();
        assert_eq!(created.status().as_u16(), status);
        assert_eq!(created.organization.id, 1);
        assert_eq!(
            created.organization.users[0].organizations[0].role,
            Role::Owner
        );
        assert_eq!(
            created.organization.created_at.to_rfc3339(),
            "2024-01-15T10:30:00+00:00"
        );
        assert_eq!(created.into_inner(), expected);
    }
}

#[tokio::test]
async fn a_fresh_organization_with_microsecond_timestamps_decodes() {
    let server =
        server_answering(ResponseTemplate::new(201).set_body_raw(FRESH, "application/json")).await;
    let created = client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap();
    assert!(created.organization.phone_numbers.is_empty());
    assert_eq!(created.owner.external_id, "cust_789");
    assert_eq!(created.organization.created_at.timestamp(), 1_795_922_469);
}

#[tokio::test]
async fn a_401_keeps_status_headers_and_body() {
    let response = ResponseTemplate::new(401)
        .insert_header("x-request-id", "req-401")
        .set_body_raw(r#"{"message":"Unauthenticated."}"#, "application/json");
    let server = server_answering(response).await;
    let error = client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap_err();

    let Error::Unauthorized(response) = &error else {
        panic!("expected Unauthorized, got {error:?}")
    };
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(response.message(), Some("Unauthenticated."));
    assert_eq!(response.request_id(), Some("req-401"));
    assert_eq!(response.body(), br#"{"message":"Unauthenticated."}"#);
    assert!(
        error
            .to_string()
            .contains("Unauthenticated. (request id req-401)"),
        "{error}"
    );
}

#[tokio::test]
async fn a_422_carries_the_field_errors() {
    let server =
        server_answering(ResponseTemplate::new(422).set_body_raw(VALIDATION, "application/json"))
            .await;
    let error = client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap_err();

    let Error::Validation(response) = &error else {
        panic!("expected Validation, got {error:?}")
    };
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(
        response.field_errors()["owner.email"],
        ["The owner.email field must be a valid email address."]
    );
    assert_eq!(
        response.field_errors()["name"],
        ["The name field is required."]
    );
    assert_eq!(response.body(), VALIDATION.as_bytes());
    let text = error.to_string();
    assert!(text.contains("name: The name field is required."), "{text}");
}

#[tokio::test]
async fn a_500_with_a_body_that_is_not_json_keeps_it() {
    let server = server_answering(
        ResponseTemplate::new(500)
            .set_body_raw("Whoops, looks like something went wrong.", "text/plain"),
    )
    .await;
    let error = client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap_err();

    let Error::Server(response) = &error else {
        panic!("expected Server, got {error:?}")
    };
    assert_eq!(response.status().as_u16(), 500);
    assert_eq!(response.detail(), None);
    assert_eq!(
        response.body_text(),
        "Whoops, looks like something went wrong."
    );
}

#[tokio::test]
async fn an_html_502_from_a_proxy_keeps_status_and_raw_bytes() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";
    let server = server_answering(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;
    let error = client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap_err();

    // A gateway error after a create leaves it unknown whether the organization exists.
    let Error::OutcomeUnknown { cause, .. } = &error else {
        panic!("expected OutcomeUnknown, got {error:?}")
    };
    let Error::Server(response) = cause.as_ref() else {
        panic!("expected Server, got {cause:?}")
    };
    assert_eq!(response.status().as_u16(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert_eq!(response.body(), html.as_bytes());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.response().unwrap().body(), html.as_bytes());
    // Its message is one line of text: the page's title, not its markup.
    let message = error.to_string();
    assert!(
        message.contains("(502 Bad Gateway): 502 Bad Gateway)"),
        "{message}"
    );
    assert!(
        !message.contains('<') && !message.contains('\n'),
        "{message}"
    );
}

#[tokio::test]
async fn a_truncated_success_body_keeps_status_and_raw_bytes() {
    let truncated = &DOCUMENTED[..DOCUMENTED.len() / 2];
    let server =
        server_answering(ResponseTemplate::new(201).set_body_raw(truncated, "application/json"))
            .await;
    let error = client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap_err();

    let Error::InvalidResponse { response, reason } = &error else {
        panic!("expected InvalidResponse, got {error:?}")
    };
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.body(), truncated.as_bytes());
    assert!(reason.contains("EOF while parsing"), "{reason}");
}

#[tokio::test]
async fn an_undocumented_status_is_kept_as_such() {
    let server = server_answering(
        ResponseTemplate::new(409).set_body_raw(r#"{"message":"taken"}"#, "application/json"),
    )
    .await;
    let error = client_for(&server)
        .create_organization(request())
        .send()
        .await
        .unwrap_err();
    let Error::UnexpectedStatus(response) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}")
    };
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(response.message(), Some("taken"));
}

#[tokio::test]
async fn an_incomplete_body_is_refused_before_anything_is_sent() {
    let server =
        server_answering(ResponseTemplate::new(201).set_body_raw(DOCUMENTED, "application/json"))
            .await;
    let missing_owner = NewOrganization::builder().name("No owner");
    let error = client_for(&server)
        .create_organization(missing_owner)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("owner"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_key_appears_in_no_debug_or_display_output() {
    let server =
        server_answering(ResponseTemplate::new(422).set_body_raw(VALIDATION, "application/json"))
            .await;
    let client = client_for(&server);
    let error = client
        .create_organization(request())
        .send()
        .await
        .unwrap_err();
    let unreachable = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom("http://127.0.0.1:9/api/v1").unwrap())
        .build()
        .unwrap();
    let transport = unreachable
        .create_organization(request())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(transport, Error::Transport { .. }),
        "{transport:?}"
    );
    let bad_key = Client::new("line\nbreak").unwrap_err();

    let builder = client.create_organization(request());
    let outputs = [
        format!("{client:?}"),
        format!("{error:?}"),
        error.to_string(),
        format!("{transport:?}"),
        transport.to_string(),
        format!("{bad_key:?}"),
        bad_key.to_string(),
        format!("{builder:?}"),
    ];
    for output in outputs {
        assert!(!output.contains(KEY), "the key leaked into: {output}");
        assert!(
            !output.contains("Zq8VvX2"),
            "part of the key leaked into: {output}"
        );
    }
}

#[test]
fn the_send_future_can_be_spawned() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::new(KEY).unwrap();
    let future = client.create_organization(request()).send();
    assert_send(&future);
}

#[test]
fn a_call_in_flight_holds_its_large_state_on_the_heap() {
    // The generated future (request, retry loop, response: about 2 KB) and the call's
    // state are boxed in `Client::execute` (client/call.rs): what a caller keeps per call
    // in flight, and copies at every move, is a pointer.
    let client = Client::new(KEY).unwrap();
    let future = client.create_organization(request()).send();
    let size = std::mem::size_of_val(&future);
    assert!(size <= 64, "a call's future is {size} bytes");
}
