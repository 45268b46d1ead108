//! One call's own settings (`.timeout`, `.deadline`, `.retry`, `.header`), what an answer
//! cost (`Response`: attempts, time, request id), and interceptors, against the fake and
//! its faults on loopback.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use answering_agent::fake::{Fake, Fault};
use answering_agent::interceptor::{AttemptOutcome, AttemptRequest, Interceptor};
use answering_agent::types::{NewOrganization, NewOwner};
use answering_agent::{Client, Environment, Error, RetryPolicy};

fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

async fn fake_and_client() -> (Fake, Client) {
    let fake = Fake::start().await.unwrap();
    let client = Client::builder()
        .fake(&fake)
        .retry(quick_retries())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    (fake, client)
}

#[tokio::test]
async fn the_answer_says_how_many_attempts_it_took_how_long_and_its_request_id() {
    let (fake, client) = fake_and_client().await;
    fake.inject(Fault::Unavailable.times(2).on("listOrganizations"));
    let organizations = client.list_organizations().send().await.unwrap();
    assert_eq!(organizations.attempts(), 3);
    assert_eq!(fake.calls("listOrganizations"), 3);
    assert!(organizations.elapsed() > Duration::ZERO);
    // The fake numbers its answers, as a server's request id.
    assert!(organizations.request_id().unwrap().starts_with("fake-"));
    // A list is iterated as it is (by reference and by value) and read through `Deref`.
    assert!(organizations.is_empty());
    assert_eq!((&organizations).into_iter().count(), 0);
    assert_eq!(organizations.into_iter().count(), 0);
}

#[tokio::test]
async fn retry_none_makes_one_attempt() {
    let (fake, client) = fake_and_client().await;
    fake.inject(Fault::Unavailable.times(3).on("listOrganizations"));
    let error = client
        .list_organizations()
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    assert_eq!(fake.calls("listOrganizations"), 1);
}

#[tokio::test]
async fn a_per_call_timeout_beats_the_clients() {
    let (fake, client) = fake_and_client().await;
    fake.inject(Fault::Delay(Duration::from_secs(3)).on("listOrganizations"));
    let started = Instant::now();
    let error = client
        .list_organizations()
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_deadline_caps_a_retrying_call() {
    let fake = Fake::start().await.unwrap();
    // 429s that ask for a second's wait each: without a deadline, 10 attempts and 9 s.
    let client = Client::builder()
        .fake(&fake)
        .retry(RetryPolicy::default().max_attempts(10))
        .build()
        .unwrap();
    fake.inject(
        Fault::TooManyRequests {
            retry_after: Duration::from_secs(1),
        }
        .times(100),
    );
    let started = Instant::now();
    let error = client
        .list_organizations()
        .deadline(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::DeadlineExceeded { attempts: 1, .. }),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fake.calls("listOrganizations"), 1);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_create_whose_deadline_passes_in_flight_is_an_unknown_outcome_and_may_exist() {
    let (fake, client) = fake_and_client().await;
    // Carried out, then answered late: the deadline drops the call in between.
    fake.inject(Fault::Delay(Duration::from_millis(600)).on("createOrganization"));
    let request = NewOrganization::builder().name("Late Inc").owner(
        NewOwner::builder()
            .external_id("late_1")
            .email("late@example.com"),
    );
    let error = client
        .create_organization(request)
        .deadline(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { cause, .. } = &error else {
        panic!("{error}");
    };
    assert!(matches!(**cause, Error::DeadlineExceeded { .. }), "{error}");
    assert!(
        error.to_string().contains("GET /users/{external_id}"),
        "{error}"
    );
    // What the caller is told to check: the organization was made after all.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(fake.records("organizations").len(), 1);
}

#[tokio::test]
async fn a_per_call_header_arrives_and_x_api_key_is_refused_before_sending() {
    use wiremock::matchers::{header, method, path};
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("GET"))
        .and(path("/organizations"))
        .and(header("x-partner-trace", "t-1"))
        .and(header("x-api-key", "the-key"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("the-key")
        .environment(Environment::custom(&server.uri()).unwrap())
        .build()
        .unwrap();
    client
        .list_organizations()
        .header("x-partner-trace", "t-1")
        .send()
        .await
        .unwrap();
    let error = client
        .list_organizations()
        .header("X-API-KEY", "another")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert!(error.to_string().contains("X-API-KEY"), "{error}");
    assert!(!error.to_string().contains("another"), "{error}");
    let bad = client
        .list_organizations()
        .header("bad header", "x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::InvalidRequest(_)), "{bad}");
    // Only the first call reached the server.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Records every attempt it sees.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl Interceptor for Recorder {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let key_visible = request.headers().contains_key("x-api-key");
        self.seen.lock().unwrap().push(format!(
            "before {} #{} key visible: {key_visible}",
            request.operation.id(),
            request.attempt
        ));
        request.insert_header("x-seen-by", "recorder").unwrap();
        assert!(request.insert_header("x-api-key", "stolen").is_err());
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        self.seen.lock().unwrap().push(format!(
            "after #{} {}",
            outcome.attempt,
            outcome.status.map_or(0, |s| s.as_u16())
        ));
    }
}

#[tokio::test]
async fn an_interceptor_sees_every_attempt_and_never_the_key() {
    let fake = Fake::start().await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder()
        .fake(&fake)
        .retry(quick_retries())
        .interceptor(recorder.clone())
        .build()
        .unwrap();
    fake.inject(Fault::Unavailable.times(2).on("listOrganizations"));
    let answer = client.list_organizations().send().await.unwrap();
    assert_eq!(answer.attempts(), 3);
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "before listOrganizations #1 key visible: false",
            "after #1 503",
            "before listOrganizations #2 key visible: false",
            "after #2 503",
            "before listOrganizations #3 key visible: false",
            "after #3 200",
        ]
    );
}

#[tokio::test]
async fn a_call_is_static_and_send_so_it_can_be_spawned() {
    let (fake, client) = fake_and_client().await;
    let request = NewOrganization::builder().name("Spawned Inc").owner(
        NewOwner::builder()
            .external_id("spawned_1")
            .email("spawned@example.com"),
    );
    // The builder owns a clone of the client: nothing borrows `client` once it is built.
    let call = client.create_organization(request).send();
    drop(client);
    let created = tokio::spawn(call).await.unwrap().unwrap();
    assert_eq!(created.owner.external_id, "spawned_1");
    assert_eq!(fake.records("organizations").len(), 1);
}

#[tokio::test]
async fn an_error_says_how_many_attempts_it_took_how_long_and_its_request_id() {
    let (fake, client) = fake_and_client().await;
    fake.inject(Fault::Unavailable.times(10).on("listOrganizations"));
    let error = client.list_organizations().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    assert_eq!(error.attempts(), Some(3));
    assert_eq!(fake.calls("listOrganizations"), 3);
    assert!(
        error.elapsed().is_some_and(|d| d > Duration::ZERO),
        "{error:?}"
    );
    assert!(error.request_id().unwrap().starts_with("fake-"));
}
