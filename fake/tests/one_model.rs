//! One model of the spec: the fake serving the project's spec as each rewrite that keeps
//! its meaning (`answering_agent_spec::rewrite`: as JSON, keys in another order, references
//! inlined or extracted, parameters at path or operation level) answers a whole session of
//! requests, refusals included, exactly as it does from the spec as written.

use answering_agent_spec::{SPEC, SPEC_PATH, Spec, rewrite};
use serde_json::{Value, json};

mod support;

const KEY: &str = "one-model-key";

/// Every answer of one session against a fake of `text`; times and tokens, which differ
/// from run to run, masked.
async fn session(text: &str) -> Vec<(String, u16, Value)> {
    let fake = answering_agent_fake::Fake::builder()
        .spec(SPEC_PATH, text)
        .api_key(KEY)
        .start()
        .await
        .unwrap();
    let base = fake.base_url().to_string();
    let owner = json!({"external_id": "cust_1", "email": "maria@example.com", "name": "Maria"});
    let steps: Vec<(&str, String, Option<Value>)> = vec![
        (
            "POST",
            "/organizations".into(),
            Some(json!({"name": "Pizza Palace", "owner": owner})),
        ),
        ("GET", "/organizations/1".into(), None),
        (
            "PATCH",
            "/organizations/1".into(),
            Some(json!({"name": "Pizza Group"})),
        ),
        ("GET", "/organizations".into(), None),
        (
            "POST",
            "/users".into(),
            Some(
                json!({"external_id": "cust_2", "email": "luca@example.com", "organization_id": 1, "role": "manager"}),
            ),
        ),
        ("GET", "/users/cust_2".into(), None),
        ("GET", "/users?organization_id=1".into(), None),
        (
            "PATCH",
            "/users/cust_2".into(),
            Some(json!({"name": "Luca"})),
        ),
        ("POST", "/users/cust_1/embed-token".into(), None),
        ("GET", "/users/cust_1/embed-token".into(), None),
        ("DELETE", "/users/cust_1/embed-token".into(), None),
        (
            "POST",
            "/locations".into(),
            Some(json!({"organization_id": 1, "name": "Downtown"})),
        ),
        ("GET", "/locations/1".into(), None),
        (
            "PATCH",
            "/locations/1".into(),
            Some(json!({"name": "Uptown"})),
        ),
        ("GET", "/locations".into(), None),
        ("DELETE", "/locations/1".into(), None),
        // Refusals: unknown ids, invalid bodies and parameters, a duplicate key.
        ("GET", "/organizations/999".into(), None),
        ("GET", "/organizations/x".into(), None),
        (
            "POST",
            "/organizations".into(),
            Some(json!({"owner": {"email": "nope"}})),
        ),
        (
            "POST",
            "/users".into(),
            Some(json!({"external_id": "cust_3", "email": "r@example.com", "role": "boss"})),
        ),
        (
            "POST",
            "/users".into(),
            Some(json!({"external_id": "cust_2", "email": "again@example.com"})),
        ),
        ("GET", "/users?organization_id=x".into(), None),
        ("PUT", "/organizations/1".into(), None),
        ("DELETE", "/organizations/1".into(), None),
        ("GET", "/organizations/1".into(), None),
    ];
    let mut answers = Vec::new();
    for (method, path, body) in steps {
        let (status, body) = support::call(method, format!("{base}{path}"), KEY, body).await;
        answers.push((format!("{method} {path}"), status, masked(body)));
    }
    // And a wrong key.
    let (status, body) = support::call("GET", format!("{base}/organizations"), "wrong", None).await;
    answers.push(("GET /organizations with a wrong key".into(), status, body));
    answers
}

/// `value` with every timestamp and every token replaced by a placeholder.
fn masked(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| match (key.as_str(), &value) {
                    ("token" | "embed_token", Value::String(_)) => (key, json!("<token>")),
                    _ => (key, masked(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(masked).collect()),
        Value::String(text) if chrono_like(&text) => json!("<time>"),
        other => other,
    }
}

/// `2026-12-04T13:24:01...`: a timestamp the fake made.
fn chrono_like(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 19
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[..4].iter().all(u8::is_ascii_digit)
}

#[tokio::test]
async fn every_rewrite_of_the_spec_is_served_alike() {
    let expected = session(SPEC).await;
    let statuses: Vec<u16> = expected.iter().map(|(_, status, _)| *status).collect();
    // The session means something: successes, and each kind of refusal.
    for wanted in [200, 201, 404, 405, 422, 401] {
        assert!(statuses.contains(&wanted), "{wanted} in {expected:#?}");
    }
    let spec = Spec::parse(SPEC_PATH, SPEC).unwrap();
    for (what, text) in rewrite::meaning_preserving(&spec) {
        let answers = session(&text).await;
        for (expected, answer) in expected.iter().zip(&answers) {
            assert_eq!(answer, expected, "{what}");
        }
        assert_eq!(answers.len(), expected.len(), "{what}");
    }
}
