//! Fault injection on loopback, counting what the server received: rate limits, unavailable
//! servers, resets and timeouts, refused connections. Creating an organization is never
//! sent twice unless the first attempt provably never arrived. The key appears in no log
//! line and no error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use answering_agent::types::{NewOrganization, NewOwner};
use answering_agent::{Client, Environment, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{log_text, logs};

const KEY: &str = "sk_test_9fQ2LmXr7TzK4cVb";
const CREATED: &str = include_str!("../openapi/examples/createOrganization/201-fresh.json");

/// Quick retries, so the tests do not wait for production backoffs.
fn client(base: &str, timeout: Duration) -> Client {
    logs();
    let policy = RetryPolicy::default()
        .max_attempts(4)
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(200));
    Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&format!("{base}/api/v1")).unwrap())
        .timeout(timeout)
        .retry(policy)
        .build()
        .unwrap()
}

fn body() -> answering_agent::types::builder::NewOrganization {
    NewOrganization::builder().name("Pizza Palace").owner(
        NewOwner::builder()
            .external_id("cust_789")
            .email("maria@pizzapalace.example"),
    )
}

async fn requests_to(server: &MockServer, http_method: &str) -> usize {
    let received = server.received_requests().await.unwrap();
    received
        .iter()
        .filter(|r| r.method.as_str() == http_method)
        .count()
}

fn assert_no_key(error: &Error) {
    for text in [format!("{error:?}"), error.to_string(), log_text()] {
        assert!(!text.contains(KEY), "the key leaked: {text}");
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_the_create_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/organizations"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/organizations"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(CREATED, "application/json"))
        .mount(&server)
        .await;

    let started = Instant::now();
    let created = client(&server.uri(), Duration::from_secs(5))
        .create_organization(body())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(requests_to(&server, "POST").await, 2);
    let logs = log_text();
    assert!(logs.contains("status=429"), "{logs}");
    assert!(logs.contains("operation=\"create_organization\""), "{logs}");
}

#[tokio::test]
async fn a_retried_request_is_the_first_one_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(CREATED, "application/json"))
        .mount(&server)
        .await;
    client(&server.uri(), Duration::from_secs(5))
        .create_organization(body())
        .send()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let (first, retry) = (&received[0], &received[1]);
    assert_eq!(retry.method, first.method);
    assert_eq!(retry.url, first.url);
    assert_eq!(retry.body, first.body);
    assert!(!first.body.is_empty());
    let headers = |request: &wiremock::Request| {
        let mut all: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_string()))
            .collect();
        all.sort();
        all
    };
    assert_eq!(headers(retry), headers(first));
    assert!(headers(first).iter().any(|(name, _)| name == "x-api-key"));
}

#[tokio::test]
async fn a_timeout_on_a_users_own_reqwest_client_holds_for_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    logs();
    let own = answering_agent::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&format!("{}/api/v1", server.uri())).unwrap())
        .http_client(own)
        .timeout(Duration::from_millis(300))
        .retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.list_organizations().send().await.unwrap_err();
    let Error::Transport {
        error, attempts, ..
    } = &error
    else {
        panic!("expected a transport error, got {error:?}")
    };
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(*attempts, 2);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the retry waited for the server"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_returned_not_slept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server.uri(), Duration::from_secs(5))
        .create_organization(body())
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    let Error::RateLimited { retry_after, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
    assert!(error.is_retryable());
    assert_eq!(requests_to(&server, "POST").await, 1);
    assert_no_key(&error);
}

#[tokio::test]
async fn a_safe_call_is_retried_through_two_503s() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("Service Unavailable", "text/plain"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    let organizations = format!(
        "[{}]",
        serde_json::to_string(
            &serde_json::from_str::<serde_json::Value>(CREATED).unwrap()["organization"]
        )
        .unwrap()
    );
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(organizations, "application/json"))
        .mount(&server)
        .await;

    let listed = client(&server.uri(), Duration::from_secs(5))
        .list_organizations()
        .send()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, 4711);
    assert_eq!(requests_to(&server, "GET").await, 3);
}

#[tokio::test]
async fn a_create_answered_by_a_503_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let error = client(&server.uri(), Duration::from_secs(5))
        .create_organization(body())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(requests_to(&server, "POST").await, 1);
}

#[tokio::test]
async fn a_502_after_a_create_may_have_created_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(502).set_body_raw("<html>Bad Gateway</html>", "text/html"),
        )
        .mount(&server)
        .await;
    let error = client(&server.uri(), Duration::from_secs(5))
        .create_organization(body())
        .send()
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { operation, cause } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*operation, answering_agent::Operation::CreateOrganization);
    assert!(matches!(cause.as_ref(), Error::Server(_)));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(
        error.response().unwrap().body(),
        b"<html>Bad Gateway</html>"
    );
    assert!(!error.is_retryable());
    assert!(
        error
            .to_string()
            .contains(operation.if_outcome_unknown().unwrap()),
        "{error}"
    );
    assert_eq!(requests_to(&server, "POST").await, 1);
}

/// A server that reads each request whole, counts it, and resets the connection instead
/// of answering.
async fn resetting_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                loop {
                    let Ok(read) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..read]);
                    let text = String::from_utf8_lossy(&request);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap())
                            })
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                socket.set_zero_linger().unwrap(); // dropping it now sends a reset
                drop(socket);
            });
        }
    });
    (address, received)
}

#[tokio::test]
async fn a_reset_after_the_create_was_sent_may_have_created_it_and_is_sent_once() {
    let (address, received) = resetting_server().await;
    let error = client(&address, Duration::from_secs(5))
        .create_organization(body())
        .send()
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { cause, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        matches!(cause.as_ref(), Error::Transport { attempts: 1, .. }),
        "{cause:?}"
    );
    assert_eq!(
        received.load(Ordering::SeqCst),
        1,
        "exactly one POST reached the server"
    );
    assert_no_key(&error);
}

#[tokio::test]
async fn a_reset_of_a_safe_call_is_retried() {
    let (address, received) = resetting_server().await;
    let error = client(&address, Duration::from_secs(5))
        .list_organizations()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 4, .. }),
        "{error:?}"
    );
    assert_eq!(received.load(Ordering::SeqCst), 4);
    assert!(error.to_string().contains("after 4 attempts"), "{error}");
}

#[tokio::test]
async fn a_create_that_times_out_may_have_created_it_and_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_raw(CREATED, "application/json")
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let error = client(&server.uri(), Duration::from_millis(300))
        .create_organization(body())
        .send()
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { cause, .. } = &error else {
        panic!("{error:?}")
    };
    let Error::Transport {
        error: transport, ..
    } = cause.as_ref()
    else {
        panic!("{cause:?}")
    };
    assert!(transport.is_timeout(), "{transport:?}");
    assert_eq!(requests_to(&server, "POST").await, 1);
    assert_no_key(&error);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create() {
    // A port nobody listens on, until a server opens it a moment after the first attempt.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = vec![0u8; 8192];
            let _ = socket.read(&mut buffer).await;
            counter.fetch_add(1, Ordering::SeqCst);
            let response = format!(
                "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{CREATED}",
                CREATED.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    let policy = RetryPolicy::default()
        .max_attempts(8)
        .initial_backoff(Duration::from_millis(100));
    let client = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&format!("http://127.0.0.1:{port}/api/v1")).unwrap())
        .retry(policy)
        .build()
        .unwrap();
    logs();
    let created = client.create_organization(body()).send().await.unwrap();
    assert_eq!(created.organization.id, 4711);
    assert_eq!(
        received.load(Ordering::SeqCst),
        1,
        "the refused attempts never reached a server"
    );
    assert!(
        log_text().contains("retrying"),
        "a refused attempt was retried"
    );
}

#[tokio::test]
async fn no_retries_when_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&format!("{}/api/v1", server.uri())).unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.list_organizations().send().await.unwrap_err();
    assert!(error.is_retryable(), "a 503 may succeed later");
    assert_eq!(requests_to(&server, "GET").await, 1);
}
