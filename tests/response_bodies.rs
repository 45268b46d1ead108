//! How a response body is read, whatever the server frames it as: a success of known length
//! is left to the generated code to read, anything else is read by the hooks (client/hooks.rs),
//! and either way an error keeps the raw bytes and no call holds more than
//! `MAX_RESPONSE_BODY` (an error keeps the first `MAX_KEPT_BODY` bytes).

use answering_agent::types::{NewOrganization, NewOwner};
use answering_agent::{Client, Environment, Error, MAX_KEPT_BODY, MAX_RESPONSE_BODY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const FRESH: &str = include_str!("../openapi/examples/createOrganization/201-fresh.json");

fn client(base: &str) -> Client {
    Client::builder()
        .api_key("sk_test_bodies")
        .environment(Environment::custom(base).unwrap())
        .build()
        .unwrap()
}

async fn create(base: &str) -> Result<String, Error> {
    client(base)
        .create_organization(
            NewOrganization::builder().name("Acme").owner(
                NewOwner::builder()
                    .external_id("user_1")
                    .email("a@example.com"),
            ),
        )
        .send()
        .await
        .map(|created| created.organization.name.to_string())
}

/// A server that answers every request with `head` (status line and headers) and then
/// `body` in HTTP/1.1 chunks of at most 64 KiB: a length the client cannot know in advance.
async fn chunked_server(head: &'static str, body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let mut response =
                    format!("{head}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n")
                        .into_bytes();
                for chunk in body.chunks(64 * 1024) {
                    response.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    response.extend_from_slice(chunk);
                    response.extend_from_slice(b"\r\n");
                }
                response.extend_from_slice(b"0\r\n\r\n");
                // The client may stop reading at its bound and close: that is not a failure.
                let _ = socket.write_all(&response).await;
            });
        }
    });
    base
}

fn invalid_response(error: Error) -> (answering_agent::ErrorResponse, String) {
    match error {
        Error::InvalidResponse { response, reason } => (response, reason),
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_chunked_success_decodes() {
    let base = chunked_server(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json",
        FRESH.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(create(&base).await.unwrap(), "Pizza Palace");
}

#[tokio::test]
async fn a_chunked_success_that_does_not_decode_keeps_its_bytes() {
    let base = chunked_server(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json",
        b"{\"organization\":".to_vec(),
    )
    .await;
    let (response, reason) = invalid_response(create(&base).await.unwrap_err());
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.body(), b"{\"organization\":");
    assert!(reason.contains("does not decode"), "{reason}");
}

#[tokio::test]
async fn a_success_over_the_bound_is_refused_with_its_start_whatever_its_framing() {
    let huge = vec![b' '; MAX_RESPONSE_BODY + 10];
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(huge.clone(), "application/json"))
        .mount(&server)
        .await;
    let chunked = chunked_server(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json",
        huge,
    )
    .await;
    for base in [server.uri(), chunked] {
        let (response, reason) = invalid_response(create(&base).await.unwrap_err());
        assert_eq!(response.status().as_u16(), 201, "{base}");
        assert_eq!(response.body().len(), MAX_KEPT_BODY, "{base}");
        assert!(response.is_body_truncated(), "{base}");
        assert!(
            reason.contains(&format!("longer than {MAX_RESPONSE_BODY} bytes")),
            "{reason}"
        );
    }
}

#[tokio::test]
async fn an_undocumented_success_status_keeps_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(202).set_body_raw(r#"{"queued":true}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let (response, reason) = invalid_response(create(&server.uri()).await.unwrap_err());
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.body(), br#"{"queued":true}"#);
    assert!(reason.contains("not a success status"), "{reason}");
}
