//! What every generated operation shares, proven on one operation of each kind on loopback:
//! path parameters percent-encoded on the wire, retries by idempotency (a PATCH marked
//! `x-idempotent`, a DELETE whose retry finds nothing, a PATCH that is not idempotent),
//! empty success bodies, and embed tokens that never show up where they should not.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use answering_agent::types::{OrganizationUpdate, UserUpdate};
use answering_agent::{Client, Environment, Error, Idempotency, Operation, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{log_text, logs};

const KEY: &str = "sk_test_Ops7Hq2Lw9Xc4Vb";
/// A token that must never appear in any output but `expose_secret()`.
const CANARY: &str = "Q0FOQVJZfGNhbmFyeS10b2tlbi01NTE3";
const ORGANIZATION: &str =
    include_str!("../openapi/examples/getOrganization/200-with-location.json");

fn client(base: &str) -> Client {
    logs();
    Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&format!("{base}/api/v1")).unwrap())
        .timeout(Duration::from_secs(5))
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(50)),
        )
        .build()
        .unwrap()
}

async fn count(server: &MockServer, http_method: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == http_method)
        .count()
}

/// A server that answers every request with `answer` and hands back each request line.
async fn raw_server(answer: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = lines.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                seen.lock()
                    .unwrap()
                    .push(text.lines().next().unwrap_or_default().to_string());
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (address, lines)
}

#[tokio::test]
async fn a_path_parameter_reaches_the_server_as_one_percent_encoded_segment() {
    let (address, lines) = raw_server(
        r#"{"id":1,"external_id":"a/b c?d#e%","email":"x@example.com","created_at":"2026-11-29T03:21:09Z","updated_at":"2026-11-29T03:21:09Z"}"#,
    )
    .await;
    let user = client(&address)
        .get_user("a/b c?d#e%")
        .send()
        .await
        .unwrap();
    assert_eq!(user.external_id, "a/b c?d#e%");
    let lines = lines.lock().unwrap().clone();
    assert_eq!(
        lines,
        ["GET /api/v1/users/a%2Fb%20c%3Fd%23e%25 HTTP/1.1"],
        "one segment: no slash, space, ? or # survives unencoded"
    );
}

#[tokio::test]
async fn query_parameters_are_encoded_and_optional() {
    let (address, lines) = raw_server("[]").await;
    let client = client(&address);
    client.list_locations().send().await.unwrap();
    client
        .list_locations()
        .organization_id(4711)
        .send()
        .await
        .unwrap();
    let lines = lines.lock().unwrap().clone();
    assert_eq!(
        lines,
        [
            "GET /api/v1/locations HTTP/1.1",
            "GET /api/v1/locations?organization_id=4711 HTTP/1.1"
        ]
    );
}

#[tokio::test]
async fn a_patch_marked_idempotent_is_retried_through_a_502() {
    assert_eq!(
        Operation::UpdateOrganization.idempotency(),
        Idempotency::Idempotent
    );
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/organizations/4711"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(ORGANIZATION, "application/json"))
        .mount(&server)
        .await;
    let organization = client(&server.uri())
        .update_organization(
            4711,
            OrganizationUpdate::builder().name(Some("Pizza Palace".to_string())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(organization.id, 4711);
    assert_eq!(count(&server, "PATCH").await, 2);
}

#[tokio::test]
async fn a_patch_that_is_not_idempotent_is_sent_once_and_says_how_to_check() {
    assert_eq!(
        Operation::UpdateUser.idempotency(),
        Idempotency::NotIdempotent
    );
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .update_user(
            "cust_790",
            UserUpdate::builder().name(Some("Luca".to_string())),
        )
        .send()
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { operation, cause } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*operation, Operation::UpdateUser);
    assert_eq!(cause.status().map(|s| s.as_u16()), Some(504));
    let text = error.to_string();
    assert!(
        text.starts_with("updateUser (PATCH /users/{external_id}) may have taken effect"),
        "{text}"
    );
    assert!(text.contains("GET /users/{external_id}"), "{text}");
    assert_eq!(count(&server, "PATCH").await, 1, "never sent twice");
}

#[tokio::test]
async fn a_delete_whose_retry_finds_nothing_says_an_earlier_attempt_did_it() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"message":"No query results for model [App\\Models\\Location] 5150"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .delete_location(5150)
        .send()
        .await
        .unwrap_err();
    let Error::NotFoundAfterRetry {
        operation,
        attempts,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((*operation, *attempts), (Operation::DeleteLocation, 2));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(
        error.to_string().contains("an earlier attempt failed"),
        "{error}"
    );

    // A 404 on the first attempt is a plain 404.
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .delete_location(5150)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
}

#[tokio::test]
async fn a_delete_answered_by_204_without_a_body_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/organizations/4711"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let deleted = client(&server.uri())
        .delete_organization(4711)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(deleted.message, None);
}

#[tokio::test]
async fn an_empty_body_where_one_is_required_is_still_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .get_organization(1)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
}

#[tokio::test]
async fn embed_tokens_never_show_up_in_debug_errors_or_logs() {
    let server = MockServer::start().await;
    let token_body = format!(r#"{{"embed_token":"{CANARY}","user_id":"cust_789"}}"#);
    Mock::given(method("GET"))
        .and(path("/api/v1/users/cust_789/embed-token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(token_body, "application/json"))
        .mount(&server)
        .await;
    // A success that does not decode (a token where a number belongs, so serde's message
    // would quote it): the error keeps the body, but shows none of it.
    let broken = format!(r#"{{"id":"{CANARY}","external_id":"cust_789"}}"#);
    Mock::given(method("GET"))
        .and(path("/api/v1/users/cust_789"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(broken, "application/json"))
        .mount(&server)
        .await;
    let created = format!(
        r#"{{"embed_token":"{CANARY}","user":{},"team":null,"locations":[]}}"#,
        include_str!("../openapi/examples/getUser/200-owner.json")
    );
    Mock::given(method("POST"))
        .and(path("/api/v1/users"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(created, "application/json"))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let token = client.get_embed_token("cust_789").send().await.unwrap();
    assert_eq!(
        token.embed_token.expose_secret(),
        CANARY,
        "readable on purpose"
    );
    let user = client
        .create_user(
            answering_agent::types::NewUser::builder()
                .external_id("cust_789")
                .email("maria@pizzapalace.example"),
        )
        .send()
        .await
        .unwrap();
    let error = client.get_user("cust_789").send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
    assert!(error.response().unwrap().body_text().contains(CANARY));

    let outputs = [
        format!("{token:?}"),
        format!("{:#?}", *token),
        format!("{user:?}"),
        format!("{:#?}", user.embed_token),
        format!("{error}"),
        format!("{error:?}"),
        format!("{:?}", error.response().unwrap()),
        log_text(),
    ];
    for (index, output) in outputs.iter().enumerate() {
        assert!(
            !output.contains(CANARY),
            "output {index} shows the token: {output}"
        );
    }
    assert!(outputs[0].contains("Secret(<redacted>)"), "{}", outputs[0]);
    assert!(
        outputs[4].contains(r#"invalid type: string "…", expected i64"#),
        "{}",
        outputs[4]
    );
}
