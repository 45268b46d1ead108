//! The `answering-agent` command, one subcommand per operation, against the fake of the API:
//! flags and `--body`, output formats, exit codes per error class, and a key that is never
//! shown.

use std::io::Write;
use std::process::{Command, Output, Stdio};

mod support;

use answering_agent_fake::Fake;
use serde_json::Value;
use support::{KEY, cli, fake, text};

fn create(fake: &Fake, external_id: &str) -> Output {
    cli(fake)
        .args([
            "organizations",
            "create",
            "--name",
            "Acme",
            "--owner-email",
            "john@acme.example",
        ])
        .args(["--owner-external-id", external_id])
        .output()
        .unwrap()
}

#[test]
fn create_from_flags_prints_the_response_as_json() {
    let fake = fake();
    let output = create(&fake, "user_1");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let created: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["organization"]["name"], "Acme");
    assert_eq!(created["owner"]["external_id"], "user_1");
    assert_eq!(fake.records("organizations").len(), 1);
}

#[test]
fn a_body_from_standard_input_with_flags_on_top() {
    let fake = fake();
    let mut child = cli(&fake)
        .args([
            "organizations",
            "create",
            "--body",
            "-",
            "--name",
            "From The Flag",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"name": "From The Body", "owner": {"external_id": "u", "email": "u@example.com"}}"#)
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(fake.records("organizations")[0]["name"], "From The Flag");
}

#[test]
fn path_parameters_are_positional_and_tables_are_rows() {
    let fake = fake();
    assert_eq!(create(&fake, "user_1").status.code(), Some(0));
    assert_eq!(create(&fake, "user_2").status.code(), Some(0));
    let output = cli(&fake)
        .args(["users", "get", "user_2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let user: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(user["external_id"], "user_2");

    let output = cli(&fake)
        .args(["--output", "table", "users", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let table = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two rows:\n{table}");
    assert!(
        lines[0].contains("external_id") && lines[0].contains("email"),
        "{table}"
    );
    assert!(lines[2].contains("user_2"), "{table}");
}

#[test]
fn each_class_of_error_has_its_exit_code_and_one_clear_message() {
    let fake = fake();
    assert_eq!(create(&fake, "user_1").status.code(), Some(0));

    // 422 from the server: the field's message, no debug dump.
    let output = create(&fake, "user_1");
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: the server rejected the request data (422"),
        "{}",
        text(&output)
    );
    assert!(stderr.contains("owner.external_id: "), "{}", text(&output));
    assert!(
        !stderr.contains("ErrorResponse") && !stderr.contains("{ "),
        "{}",
        text(&output)
    );

    // A body that does not fit the spec: nothing is sent.
    let calls = fake.calls("createOrganization");
    let output = cli(&fake)
        .args([
            "organizations",
            "create",
            "--name",
            "X",
            "--owner-external-id",
            "u9",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("owner.email: required, and missing"));
    assert_eq!(fake.calls("createOrganization"), calls);

    // A bad argument.
    let output = cli(&fake)
        .args(["organizations", "get", "twelve"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("organization_id: `twelve` is not a whole number")
    );

    // 404.
    let output = cli(&fake)
        .args(["organizations", "get", "999"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));

    // A wrong key: 401, and the key shows nowhere.
    let output = cli(&fake)
        .env("ANSWERING_AGENT_API_KEY", "sk_wrong_canary_99")
        .args(["organizations", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", text(&output));
    assert!(
        !text(&output).contains("sk_wrong_canary_99"),
        "{}",
        text(&output)
    );

    // No key at all.
    let output = cli(&fake)
        .env_remove("ANSWERING_AGENT_API_KEY")
        .args(["organizations", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--api-key-file"));

    // Nothing listens: the network class, after the retries.
    let output = cli(&fake)
        .env("ANSWERING_AGENT_ENVIRONMENT", "http://127.0.0.1:9/api/v1")
        .args(["organizations", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(9), "{}", text(&output));

    // An environment that is neither a name nor a URL.
    let output = cli(&fake)
        .args(["--environment", "staging", "organizations", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
}

#[test]
fn the_key_comes_from_a_file_and_never_from_an_argument() {
    let fake = fake();
    let dir = std::env::temp_dir().join(format!("aa-cli-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let output = cli(&fake)
        .env_remove("ANSWERING_AGENT_API_KEY")
        .arg("--api-key-file")
        .arg(&key_file)
        .args(["organizations", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(!text(&output).contains(KEY));
    let output = cli(&fake)
        .args(["--api-key", KEY, "organizations", "list"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "there is no --api-key: {}",
        text(&output)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_operation_of_the_spec_is_a_subcommand() {
    let output = Command::new(env!("CARGO_BIN_EXE_answering-agent"))
        .args(["organizations", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for verb in ["list", "create", "get", "update", "delete", "import"] {
        assert!(
            help.contains(&format!("  {verb} ")),
            "no `{verb}` in\n{help}"
        );
    }
    for (group, verb) in [
        ("users", "get"),
        ("embed-tokens", "generate"),
        ("locations", "create"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_answering-agent"))
            .args([group, verb, "--help"])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{group} {verb}: {}",
            text(&output)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("Exit codes:"));
    }
}
