//! An operation costs a spec edit and nothing else: on a copy of the workspace, add an
//! operation to the spec, run `cargo xtask gen`, build a program that calls the new
//! operation against the fake, see the command line offer it, and prove that no
//! hand-written file changed.
//!
//! Slow (it builds the copied workspace: minutes on 2 cores), so it is ignored by
//! `cargo test --workspace`; `.ci/run` runs it with
//! `cargo test -p xtask --test new_operation -- --ignored`.

#[path = "support/nested_cargo.rs"]
mod nested_cargo;
#[path = "support/workspace_copy.rs"]
mod workspace_copy;

use std::path::Path;
use std::process::Command;

use workspace_copy::{tracked, workspace};

const SPEC: &str = "openapi/answering-agent.yaml";
/// What `cargo xtask gen` writes, relative to the workspace root.
const GENERATED: [&str; 7] = xtask::GENERATED_FILES;
const PROGRAM: &str = "examples/call_the_new_operation.rs";

/// The new operation: a path, parameters (one a header), a response schema and an example, as a
/// maintainer would write it after the vendor documents a new endpoint.
const NEW_PATH: &str = r#"paths:
  /organizations/{organization_id}/summary:
    parameters:
      - $ref: '#/components/parameters/OrganizationId'
      - name: X-Request-Id
        in: header
        required: false
        description: An id for the vendor's logs (a header parameter, built again for a retry).
        schema:
          type: string
    get:
      operationId: getOrganizationSummary
      summary: Summarize an organization
      description: How many users and locations an organization has.
      x-vendor-docs: invented by a test
      responses:
        '200':
          description: The summary.
          content:
            application/json:
              schema:
                type: object
                description: The counts.
                required: [users, locations]
                properties:
                  users:
                    type: integer
                    description: How many users.
                  locations:
                    type: integer
                    description: How many locations.
              examples:
                counted:
                  summary: Two users and one location
                  value:
                    users: 2
                    locations: 1
        '401':
          $ref: '#/components/responses/Unauthorized'
"#;

/// A caller of the new operation, through the client only, against the fake of the API
/// (which serves the copy's spec, new operation included).
const CALLER: &str = r#"
use answering_agent::types::{NewOrganization, NewOwner};

fn main() {
    let fake = answering_agent::fake::Fake::builder().spawn().unwrap();
    let client = answering_agent::Client::builder().fake(&fake).build().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let request = NewOrganization::builder()
        .name("Scratch")
        .owner(NewOwner::builder().external_id("scratch_1").email("s@example.com"));
    let created = runtime.block_on(client.create_organization(request).send()).unwrap();
    let summary = runtime
        .block_on(
            client
                .get_organization_summary(created.organization.id)
                .x_request_id("scratch-request")
                .send(),
        )
        .unwrap();
    let operation = answering_agent::Operation::GetOrganizationSummary;
    println!(
        "{operation}: users={} locations={} idempotency={:?} status={}",
        summary.users,
        summary.locations,
        operation.idempotency(),
        summary.status().as_u16()
    );
}
"#;

/// A cargo for the copy, building into the workspace's target folder.
fn cargo(root: &Path) -> Command {
    nested_cargo::cargo(root, &workspace().join("target"))
}

/// Gives the copy's packages artifacts of their own in the shared target folder. Cargo
/// names a path package's artifacts by its path relative to its workspace, so the copy's
/// `answering-agent` would overwrite the workspace's, and the next build of the workspace
/// would compile it back: a rebuild ping-pong. A profile setting that changes nothing in the
/// code (256 is the default) changes those names; it lives in a cargo config beside the
/// copy, where every cargo run in it (the nested ones too) reads it and no tracked file changes.
fn own_artifacts(scratch: &Path) {
    let packages = [
        "answering-agent",
        "answering-agent-fake",
        "answering-agent-cli",
        "xtask",
        "workspace-hack",
    ];
    let config: String = packages
        .iter()
        .map(|package| format!("[profile.dev.package.{package}]\ncodegen-units = 255\n"))
        .collect();
    std::fs::create_dir_all(scratch.join(".cargo")).unwrap();
    std::fs::write(scratch.join(".cargo/config.toml"), config).unwrap();
}

fn run(mut command: Command, what: &str) -> String {
    let output = command.output().expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

#[test]
#[ignore = "builds a copy of the workspace (minutes); .ci/run runs it"]
fn an_operation_added_to_the_spec_needs_no_hand_written_line() {
    let scratch = tempfile::tempdir().unwrap();
    let root = &scratch.path().join("copy");
    own_artifacts(scratch.path());
    let before = tracked(&workspace());
    workspace_copy::copy(&before, root);

    // The spec edit, and nothing else by hand.
    let spec = std::fs::read_to_string(root.join(SPEC)).unwrap();
    assert!(spec.contains("\npaths:\n"));
    std::fs::write(
        root.join(SPEC),
        spec.replacen("\npaths:\n", &format!("\n{NEW_PATH}"), 1),
    )
    .unwrap();

    let mut gen_command = cargo(root);
    gen_command.args(["xtask", "gen"]);
    let generated = run(gen_command, "cargo xtask gen");
    assert!(
        generated.contains("Client::get_organization_summary"),
        "gen names the new operation: {generated}"
    );
    assert!(generated.contains("0 findings"), "{generated}");

    // Only generated files changed (the crate's README only between its markers; the new
    // operation guesses nothing, so the table of guesses stays).
    let after = tracked(root);
    let mut changed: Vec<&str> = after
        .iter()
        .filter(|(name, bytes)| before.get(*name) != Some(bytes))
        .map(|(name, _)| name.as_str())
        .collect();
    changed.sort();
    let mut expected: Vec<&str> = GENERATED
        .iter()
        .copied()
        .filter(|file| *file != xtask::GUESSES_TABLE_PATH)
        .chain([SPEC])
        .collect();
    expected.sort();
    assert_eq!(changed, expected, "the files that changed");
    let outside_markers = |text: &[u8]| {
        let text = String::from_utf8_lossy(text).into_owned();
        let begin = text.find("<!-- operations:").unwrap();
        let end = text.find("<!-- end of operations -->").unwrap();
        format!("{}{}", &text[..begin], &text[end..])
    };
    assert_eq!(
        outside_markers(&before[xtask::OPERATIONS_TABLE_PATH]),
        outside_markers(&after[xtask::OPERATIONS_TABLE_PATH]),
        "the crate's README changed outside the generated table"
    );
    let readme = String::from_utf8_lossy(&after[xtask::OPERATIONS_TABLE_PATH]).into_owned();
    assert!(
        readme.contains("| GET | `/organizations/{organization_id}/summary` | `get_organization_summary(organization_id)` | safe | invented by a test |"),
        "the README's table has the new operation"
    );

    // Its typed httpmock helper and its decoder in verify were generated too.
    let text = |name: &str| String::from_utf8_lossy(&after[name]).into_owned();
    assert!(
        text("client/generated_mock.rs").contains("fn get_organization_summary<F>"),
        "the typed mock helper"
    );
    assert!(
        text("xtask/src/bin/xtask-verify/decoders.rs")
            .contains("operation: \"getOrganizationSummary\", slot: Slot::Success"),
        "verify's decoder"
    );
    assert!(
        text("client/operations.rs")
            .contains("Operation::GetOrganizationSummary => Idempotency::Safe"),
        "its retry policy, from its method"
    );

    // Compile a caller, and call the new operation against the fake: it serves the new
    // operation without a change (the counts, which nothing in the spec relates to the
    // organization's records, are the made-up 0s of required integers).
    std::fs::write(root.join(PROGRAM), CALLER).unwrap();
    let mut call = cargo(root);
    call.args(["run", "--quiet", "--example", "call_the_new_operation"]);
    let printed = run(call, "the caller of the new operation");
    assert_eq!(
        printed.trim(),
        "getOrganizationSummary (GET /organizations/{organization_id}/summary): users=0 locations=0 idempotency=Safe status=200"
    );

    // The command line has it too: `organizations get-summary ORGANIZATION_ID` (no tag, so
    // the group is the first path segment; the verb is the operationId without its noun).
    let mut help = cargo(root);
    help.args([
        "run",
        "--quiet",
        "-p",
        "answering-agent-cli",
        "--",
        "organizations",
        "get-summary",
        "--help",
    ]);
    let printed = run(help, "the command line's help for the new operation");
    assert!(
        printed.contains(
            "Usage: answering-agent organizations get-summary [OPTIONS] <ORGANIZATION_ID>"
        ),
        "{printed}"
    );
    assert!(
        printed.contains("`getOrganizationSummary` (GET /organizations/{organization_id}/summary)"),
        "{printed}"
    );
}
