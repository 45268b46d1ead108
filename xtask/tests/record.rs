//! `cargo xtask record` against crafted responses on loopback (never the network): what it
//! redacts, what it refuses to write, and that the key never shows.

#[path = "support/recording.rs"]
mod recording;

use std::path::Path;
use std::process::{Command, Output};

use recording::{server, workspace};

const KEY: &str = "sk_test_R3c0rdM3N0tL3ak";
const FRESH: &str = include_str!("../../openapi/examples/createOrganization/201-fresh.json");

fn record(root: &Path, args: &[&str], key: Option<&str>, environment: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .arg("record")
        .args(args)
        .current_dir(root)
        .env("XTASK_ROOT", root)
        .env("XTASK_VERIFY_BIN", env!("CARGO_BIN_EXE_xtask-verify"))
        .env_remove("ANSWERING_AGENT_API_KEY")
        .env_remove("ANSWERING_AGENT_ENVIRONMENT");
    if let Some(key) = key {
        command.env("ANSWERING_AGENT_API_KEY", key);
    }
    if let Some(environment) = environment {
        command.env("ANSWERING_AGENT_ENVIRONMENT", environment);
    }
    command.output().unwrap()
}

fn all_output(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_recording_is_redacted_written_and_verified() {
    let root = workspace();
    let (base, requests) = server(201, FRESH.to_string());
    let output = record(
        root.path(),
        &[
            "createOrganization",
            "--body",
            "body.json",
            "--name",
            "first",
            "--base-url",
            &base,
        ],
        Some(KEY),
        None,
    );
    let text = all_output(&output);
    assert!(output.status.success(), "{text}");

    let written = std::fs::read_to_string(
        root.path()
            .join("openapi/examples/createOrganization/201-first.json"),
    )
    .unwrap();
    for personal in [
        "maria@pizzapalace.example",
        "Maria Rossi",
        "cust_789",
        "Pizza Palace",
    ] {
        assert!(
            !written.contains(personal),
            "{personal} survived: {written}"
        );
    }
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        value["owner"]["email"], value["organization"]["users"][0]["email"],
        "one email, one pseudonym"
    );
    assert!(
        value["owner"]["email"]
            .as_str()
            .unwrap()
            .ends_with("@example.com")
    );
    assert_eq!(value["organization"]["id"], 4711, "ids are kept");
    assert!(text.contains("redacted 9 values"), "{text}");
    assert!(text.contains("/owner/email -> email pseudonym"), "{text}");
    assert!(
        text.contains("verified 1 example file"),
        "verify ran on it: {text}"
    );
    assert!(text.contains("0 findings"), "{text}");

    // The key went out as the header, and nowhere else.
    let request = requests.lock().unwrap()[0].clone();
    assert!(
        request
            .to_ascii_lowercase()
            .contains(&format!("x-api-key: {}", KEY.to_ascii_lowercase())),
        "{request}"
    );
    assert!(
        request.starts_with("POST /api/v1/organizations "),
        "{request}"
    );
    assert!(!text.contains(KEY) && !written.contains(KEY));

    // The same response recorded again gives the same file.
    let again = record(
        root.path(),
        &[
            "createOrganization",
            "--body",
            "body.json",
            "--name",
            "second",
            "--base-url",
            &base,
        ],
        Some(KEY),
        None,
    );
    assert!(again.status.success(), "{}", all_output(&again));
    let second = std::fs::read_to_string(
        root.path()
            .join("openapi/examples/createOrganization/201-second.json"),
    )
    .unwrap();
    assert_eq!(written, second);

    // An existing file is not replaced without --force.
    let clash = record(
        root.path(),
        &[
            "createOrganization",
            "--body",
            "body.json",
            "--name",
            "first",
            "--base-url",
            &base,
        ],
        Some(KEY),
        None,
    );
    assert_eq!(clash.status.code(), Some(2));
    assert!(all_output(&clash).contains("exists; pick another --name or pass --force"));
}

fn refused(body: String, expected: &str) {
    let root = workspace();
    let (base, _) = server(200, body);
    let output = record(
        root.path(),
        &[
            "createOrganization",
            "--body",
            "body.json",
            "--name",
            "leak",
            "--base-url",
            &base,
        ],
        Some(KEY),
        None,
    );
    let text = all_output(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains(expected), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert!(
        !text.contains(KEY),
        "the key leaked into the output: {text}"
    );
    assert!(
        !root
            .path()
            .join("openapi/examples/createOrganization")
            .exists(),
        "a file was written"
    );
}

#[test]
fn a_response_that_echoes_the_key_is_refused() {
    let mut value: serde_json::Value = serde_json::from_str(FRESH).unwrap();
    value["organization"]["note"] = serde_json::json!(format!("created with {KEY}"));
    refused(value.to_string(), "the API key itself");
}

#[test]
fn a_response_with_a_secret_shaped_value_is_refused() {
    let mut value: serde_json::Value = serde_json::from_str(FRESH).unwrap();
    value["owner"]["api_token"] =
        serde_json::json!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc");
    refused(value.to_string(), "a JSON Web Token");
}

#[test]
fn production_needs_the_flag_and_a_key_is_required() {
    let root = workspace();
    let output = record(
        root.path(),
        &["createOrganization", "--body", "body.json"],
        Some(KEY),
        Some("production"),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        all_output(&output).contains("needs --production"),
        "{}",
        all_output(&output)
    );

    let output = record(
        root.path(),
        &["createOrganization", "--body", "body.json"],
        None,
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(all_output(&output).contains("no API key: set ANSWERING_AGENT_API_KEY"));

    let output = record(root.path(), &["noSuchOperation"], Some(KEY), None);
    assert!(all_output(&output).contains("no operation `noSuchOperation`"));
}

#[test]
fn an_embed_token_is_never_recorded_and_path_parameters_are_filled() {
    const CANARY: &str = "Q0FOQVJZfHJlY29yZC1jYW5hcnktdG9rZW4";
    let root = workspace();
    let body = format!(
        r#"{{"embed_token":"{CANARY}","user_id":"cust_789","message":"New embed token generated successfully"}}"#
    );
    let (base, requests) = server(200, body);
    let output = record(
        root.path(),
        &[
            "generateEmbedToken",
            "--param",
            "external_id=cust 789/a",
            "--name",
            "rotated",
            "--base-url",
            &base,
        ],
        Some(KEY),
        None,
    );
    let text = all_output(&output);
    assert!(output.status.success(), "{text}");
    let written = std::fs::read_to_string(
        root.path()
            .join("openapi/examples/generateEmbedToken/200-rotated.json"),
    )
    .unwrap();
    assert!(!written.contains(CANARY), "{written}");
    assert!(!text.contains(CANARY), "{text}");
    assert!(
        written.contains(r#""embed_token": "redacted-secret""#),
        "{written}"
    );
    assert!(
        !written.contains("cust_789"),
        "the external id is personal: {written}"
    );
    assert!(text.contains("/embed_token -> secret pseudonym"), "{text}");
    assert!(
        text.contains("0 findings"),
        "the redacted file still verifies: {text}"
    );
    let request = requests.lock().unwrap()[0].clone();
    assert!(
        request.starts_with("POST /api/v1/users/cust%20789%2Fa/embed-token "),
        "{request}"
    );

    let missing = record(
        root.path(),
        &["getEmbedToken", "--base-url", &base],
        Some(KEY),
        None,
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        all_output(&missing).contains("needs --param external_id=VALUE"),
        "{}",
        all_output(&missing)
    );
}
