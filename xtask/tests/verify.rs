//! `cargo xtask verify` on fixtures: one per finding class, each asserting the exact class
//! and pointer; and the legitimate variants that must produce no finding at all.
//!
//! Each test builds a workspace of its own (the spec, optionally edited, and the fixtures)
//! and runs the `xtask-verify` binary on it with `--format json`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const FRESH: &str = include_str!("../../openapi/examples/createOrganization/201-fresh.json");
const SPEC: &str = include_str!("../../openapi/answering-agent.yaml");

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    /// A workspace with the project's spec, with `edits` (from, to) applied.
    fn new(edits: &[(&str, &str)]) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = SPEC.to_string();
        for (from, to) in edits {
            assert!(spec.contains(from), "the spec no longer contains {from:?}");
            spec = spec.replacen(from, to, 1);
        }
        std::fs::create_dir_all(dir.path().join("openapi/examples")).unwrap();
        std::fs::write(dir.path().join("openapi/answering-agent.yaml"), spec).unwrap();
        Workspace { dir }
    }

    /// Writes a fixture at `openapi/examples/<relative>`.
    fn example(&self, relative: &str, body: &str) -> PathBuf {
        let path = self.dir.path().join("openapi/examples").join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, body).unwrap();
        path
    }

    /// Runs verify; its exit code and findings.
    fn verify(&self, extra: &[&Path]) -> (i32, Vec<Value>) {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask-verify"))
            .arg("--format")
            .arg("json")
            .args(extra)
            .env("XTASK_ROOT", self.dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        let findings = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (output.status.code().unwrap(), findings)
    }
}

/// The fresh-organization example with one change.
fn fresh(change: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(FRESH).unwrap();
    change(&mut value);
    serde_json::to_string_pretty(&value).unwrap()
}

/// Splits off the findings of the check that needs no recording (each generated type's
/// schema against the spec's): a spec edited without regenerating has those too.
fn type_schema_findings(findings: Vec<Value>) -> (Vec<Value>, Vec<Value>) {
    findings
        .into_iter()
        .partition(|f| f["class"] == "type-schema-mismatch")
}

/// Asserts exactly one finding, of `class` at `pointer`, and returns it.
fn only(findings: &[Value], class: &str, pointer: &str) -> Value {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["class"], class, "{findings:#?}");
    assert_eq!(findings[0]["pointer"], pointer, "{findings:#?}");
    findings[0].clone()
}

fn one_finding(file: &str, body: &str, class: &str, pointer: &str) -> Value {
    let workspace = Workspace::new(&[]);
    workspace.example(file, body);
    let (code, findings) = workspace.verify(&[]);
    assert_eq!(code, 1, "{findings:#?}");
    only(&findings, class, pointer)
}

#[test]
fn the_projects_examples_and_spec_examples_are_clean() {
    let (code, findings) = Workspace::new(&[]).verify(&[Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/examples"
    ))]);
    assert_eq!((code, findings), (0, vec![]));
}

#[test]
fn legitimate_variants_give_no_finding() {
    let workspace = Workspace::new(&[]);
    // Microsecond timestamps and an empty phone_numbers (the fresh example itself).
    workspace.example("createOrganization/201-fresh.json", FRESH);
    workspace.example(
        "createOrganization/201-offsets.json",
        &fresh(|v| {
            v["organization"]["created_at"] = json!("2026-11-29T03:21:09+00:00");
            v["owner"]["updated_at"] = json!("2026-11-29T04:21:09.5+01:00");
        }),
    );
    workspace.example(
        "createOrganization/201-second-membership.json",
        &fresh(|v| {
            let manager = json!({"id": 12, "name": "Pizza Palace North", "role": "manager"});
            v["owner"]["organizations"]
                .as_array_mut()
                .unwrap()
                .push(manager);
        }),
    );
    workspace.example(
        "createOrganization/201-nullable-and-absent.json",
        &fresh(|v| {
            v["owner"]["name"] = Value::Null;
            v["organization"]["users"][0]
                .as_object_mut()
                .unwrap()
                .remove("name");
            v["organization"]["phone_numbers"] = json!([{
                "id": 889, "name": "Main St", "phone_number": null, "status": "active",
                "created_at": "2025-05-14T15:30:00Z", "updated_at": "2025-05-14T15:30:00.000000Z"
            }]);
        }),
    );
    let (code, findings) = workspace.verify(&[]);
    assert_eq!((code, findings), (0, vec![]));
}

#[test]
fn invalid_json_is_reported_with_line_and_column() {
    let finding = one_finding(
        "createOrganization/201-cut.json",
        &FRESH[..200],
        "invalid-json",
        "",
    );
    assert!(finding["line"].as_u64().unwrap() > 1, "{finding}");
    assert!(finding["column"].as_u64().is_some(), "{finding}");
}

#[test]
fn a_name_that_maps_to_nothing() {
    one_finding(
        "createOrganization/created-x.json",
        FRESH,
        "unmapped-file",
        "",
    );
    let finding = one_finding("createOrg/201-x.json", FRESH, "unmapped-file", "");
    assert!(
        finding["fix"]
            .as_str()
            .unwrap()
            .contains("`createOrganization`"),
        "{finding}"
    );
}

#[test]
fn a_status_the_spec_does_not_document() {
    let finding = one_finding(
        "createOrganization/204-empty.json",
        "{}",
        "undocumented-status",
        "",
    );
    assert_eq!(finding["actual"], "204");
    assert!(finding["spec"]["line"].as_u64().is_some(), "{finding}");
}

#[test]
fn invalid_type() {
    let body = fresh(|v| v["organization"]["id"] = json!("4711"));
    let finding = one_finding(
        "createOrganization/201-x.json",
        &body,
        "invalid-type",
        "/organization/id",
    );
    assert_eq!(finding["actual"], "\"4711\"");
    assert!(
        finding["expected"]
            .as_str()
            .unwrap()
            .starts_with("integer, format int64"),
        "{finding}"
    );
    assert_eq!(
        finding["spec"]["pointer"],
        "/components/schemas/Organization/properties/id"
    );
    let spec_line = SPEC
        .lines()
        .position(|l| l.contains("The organization's id."))
        .unwrap(); // the line after `id:`'s type
    assert!(
        finding["spec"]["line"].as_u64().unwrap() as usize <= spec_line,
        "{finding}"
    );
    assert!(finding["line"].as_u64().is_some(), "{finding}");
}

#[test]
fn invalid_format() {
    let body = fresh(|v| v["organization"]["created_at"] = json!("2026-11-29 03:21:09"));
    one_finding(
        "createOrganization/201-x.json",
        &body,
        "invalid-format",
        "/organization/created_at",
    );
}

#[test]
fn missing_required() {
    let body = fresh(|v| {
        v["owner"].as_object_mut().unwrap().remove("external_id");
    });
    let finding = one_finding(
        "createOrganization/201-x.json",
        &body,
        "missing-required",
        "/owner/external_id",
    );
    assert_eq!(finding["actual"], "absent");
}

#[test]
fn null_where_not_nullable() {
    let body = fresh(|v| v["organization"]["name"] = Value::Null);
    let finding = one_finding(
        "createOrganization/201-x.json",
        &body,
        "null-not-nullable",
        "/organization/name",
    );
    assert!(
        finding["expected"]
            .as_str()
            .unwrap()
            .contains("not nullable"),
        "{finding}"
    );
}

#[test]
fn unknown_field_is_drift() {
    let body = fresh(|v| v["organization"]["timezone"] = json!("America/Denver"));
    let finding = one_finding(
        "createOrganization/201-x.json",
        &body,
        "unknown-field",
        "/organization/timezone",
    );
    assert!(
        finding["fix"]
            .as_str()
            .unwrap()
            .contains("allowed-drift.toml"),
        "{finding}"
    );
}

#[test]
fn unknown_enum_value_is_drift() {
    let body = fresh(|v| {
        v["organization"]["phone_numbers"] = json!([{
            "id": 889, "name": "Main St", "status": "suspended",
            "created_at": "2025-05-14T15:30:00Z", "updated_at": "2025-05-14T15:30:00Z"
        }]);
    });
    let finding = one_finding(
        "createOrganization/201-x.json",
        &body,
        "unknown-enum-value",
        "/organization/phone_numbers/0/status",
    );
    assert!(
        finding["expected"]
            .as_str()
            .unwrap()
            .contains("one of \"pending\", \"active\""),
        "{finding}"
    );
}

#[test]
fn an_error_body_is_checked_against_the_error_schema() {
    let body = r#"{"message": "The given data was invalid.", "errors": {"name": "required"}}"#;
    one_finding(
        "createOrganization/422-x.json",
        body,
        "invalid-type",
        "/errors/name",
    );
}

#[test]
fn a_request_body_is_checked_against_the_request_schema() {
    one_finding(
        "createOrganization/request-x.json",
        r#"{"name": "Acme"}"#,
        "missing-required",
        "/owner",
    );
}

#[test]
fn another_schema_keyword() {
    let workspace = Workspace::new(&[(
        "          description: The organization's name.\n",
        "          description: The organization's name.\n          minLength: 1\n",
    )]);
    workspace.example(
        "createOrganization/201-x.json",
        &fresh(|v| v["organization"]["name"] = json!("")),
    );
    let (_, findings) = workspace.verify(&[]);
    only(&findings, "schema-violation", "/organization/name");
}

/// The spec says `number`, the generated type (from the spec before) says `i64`: the schema
/// accepts 4711.5, the type refuses it.
#[test]
fn the_generated_type_refuses_what_the_schema_accepts() {
    let workspace = Workspace::new(&[(
        "        id:\n          x-id: OrganizationId\n          type: integer\n          format: int64\n          description: The organization's id.",
        "        id:\n          type: number\n          description: The organization's id.",
    )]);
    workspace.example(
        "createOrganization/201-x.json",
        &fresh(|v| v["organization"]["id"] = json!(4711.5)),
    );
    let (_, findings) = workspace.verify(&[]);
    let (types, findings) = type_schema_findings(findings);
    only(&findings, "type-mismatch", "/organization/id");
    let mismatch = only(&types, "type-schema-mismatch", "/properties/id");
    assert_eq!(mismatch["file"], "client/generated.rs", "{mismatch}");
    assert!(
        mismatch["message"]
            .as_str()
            .unwrap()
            .contains("types::Organization.id refuses number that the spec allows (narrowed)"),
        "{mismatch}"
    );
}

/// The spec says a plain string, the generated type a date-time: the round trip rewrites it.
#[test]
fn a_value_changed_by_the_round_trip() {
    let workspace = Workspace::new(&[(
        "          format: date-time\n          description: When the organization was created.",
        "          description: When the organization was created.",
    )]);
    workspace.example("createOrganization/201-fresh.json", FRESH);
    let (_, findings) = workspace.verify(&[]);
    let finding = only(&findings, "round-trip-changed", "/organization/created_at");
    assert_eq!(finding["actual"], "\"2026-11-29T03:21:09.000000Z\"");
    assert!(
        finding["expected"]
            .as_str()
            .unwrap()
            .contains("\"2026-11-29T03:21:09Z\""),
        "{finding}"
    );
}

/// The spec describes a property the generated type (not regenerated) lacks.
#[test]
fn a_field_dropped_by_the_generated_type() {
    let workspace = Workspace::new(&[(
        "    Organization:\n      type: object\n",
        "    Organization:\n      type: object\n      properties:\n        timezone:\n          type: string\n          description: x\n",
    )]);
    // The edit above adds a second `properties` key; merge it instead.
    let spec_path = workspace.dir.path().join("openapi/answering-agent.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let spec = spec.replacen(
        "      properties:\n        timezone:\n          type: string\n          description: x\n",
        "",
        1,
    );
    let spec = spec.replacen(
        "        phone_numbers:\n          type: array\n",
        "        timezone:\n          type: string\n          description: x\n        phone_numbers:\n          type: array\n",
        1,
    );
    std::fs::write(&spec_path, spec).unwrap();
    workspace.example(
        "createOrganization/201-x.json",
        &fresh(|v| v["organization"]["timezone"] = json!("UTC")),
    );
    let (_, findings) = workspace.verify(&[]);
    let (types, findings) = type_schema_findings(findings);
    only(&findings, "dropped-by-type", "/organization/timezone");
    let mismatch = only(&types, "type-schema-mismatch", "/properties/timezone");
    assert_eq!(
        mismatch["spec"]["pointer"],
        "/components/schemas/Organization/properties/timezone"
    );
}

#[test]
fn allowed_drift_passes_and_a_stale_entry_fails() {
    let workspace = Workspace::new(&[]);
    workspace.example(
        "createOrganization/201-x.json",
        &fresh(|v| v["owner"]["locale"] = json!("en")),
    );
    let entry = |pointer: &str| {
        format!(
            "[[allow]]\nfile = \"createOrganization/201-x.json\"\npointer = \"{pointer}\"\nclass = \"unknown-field\"\nreason = \"the vendor sends it; not documented yet\"\n"
        )
    };
    workspace.example("allowed-drift.toml", &entry("/owner/locale"));
    let (code, findings) = workspace.verify(&[]);
    assert_eq!(code, 0, "{findings:#?}");
    let finding = only(&findings, "unknown-field", "/owner/locale");
    assert_eq!(
        finding["allowed"],
        "the vendor sends it; not documented yet"
    );

    workspace.example(
        "allowed-drift.toml",
        &format!("{}\n{}", entry("/owner/locale"), entry("/owner/gone")),
    );
    let (code, findings) = workspace.verify(&[]);
    assert_eq!(code, 1);
    let stale: Vec<_> = findings
        .iter()
        .filter(|f| f["class"] == "stale-allow-entry")
        .collect();
    assert_eq!(stale.len(), 1, "{findings:#?}");
    assert_eq!(stale[0]["pointer"], "/allow/1");
    assert_eq!(stale[0]["line"], 7);
}

#[test]
fn a_file_of_50_mb_is_not_read() {
    let workspace = Workspace::new(&[]);
    let path = workspace.example("createOrganization/201-huge.json", "");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    let (code, findings) = workspace.verify(&[]);
    assert_eq!(code, 1);
    only(&findings, "unreadable-file", "");
}

#[test]
fn bad_paths_are_refused_clearly() {
    let workspace = Workspace::new(&[]);
    let empty = workspace.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for (path, expected) in [
        (empty.as_path(), "no .json files in this folder"),
        (Path::new("/no/such/path"), "/no/such/path: No such file"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask-verify"))
            .arg(path)
            .env("XTASK_ROOT", workspace.dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn examples_given_as_arguments_are_checked_too() {
    let workspace = Workspace::new(&[]);
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("createOrganization/201-mine.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, fresh(|v| v["organization"]["id"] = json!(true))).unwrap();
    let (code, findings) = workspace.verify(&[outside.path()]);
    assert_eq!(code, 1);
    let finding = only(&findings, "invalid-type", "/organization/id");
    assert!(
        finding["file"]
            .as_str()
            .unwrap()
            .ends_with("createOrganization/201-mine.json"),
        "{finding}"
    );
}

#[test]
fn the_spec_examples_are_verified_the_same_way() {
    let workspace = Workspace::new(&[(
        "              status: pending\n",
        "              status: retired\n",
    )]);
    let (code, findings) = workspace.verify(&[]);
    assert_eq!(code, 1);
    // The first `status: pending` of the spec: the documented list of organizations.
    let finding = only(&findings, "unknown-enum-value", "/0/phone_numbers/0/status");
    assert!(
        finding["file"]
            .as_str()
            .unwrap()
            .starts_with("openapi/answering-agent.yaml#/paths/~1organizations/get/responses/200"),
        "{finding}"
    );
    let line = SPEC
        .lines()
        .position(|l| l.contains("status: pending"))
        .unwrap()
        + 1;
    assert_eq!(finding["line"], line as u64);
}

#[test]
fn text_and_github_formats() {
    let workspace = Workspace::new(&[]);
    workspace.example(
        "createOrganization/201-x.json",
        &fresh(|v| v["organization"]["name"] = Value::Null),
    );
    let run = |format: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask-verify"))
            .args(["--format", format])
            .env("XTASK_ROOT", workspace.dir.path())
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let text = run("text");
    assert!(
        text.contains("null-not-nullable at /organization/name"),
        "{text}"
    );
    assert!(
        !text.contains('\x1b'),
        "no colour when not on a terminal: {text}"
    );
    let github = run("github");
    assert!(
        github.starts_with("::error file=openapi/examples/createOrganization/201-x.json,line="),
        "{github}"
    );
    assert!(github.contains("title=null-not-nullable::"), "{github}");
}

/// A nullable object or array item (`nullable: true` beside `allOf: [$ref]`) is checked as
/// its schema is: each finding inside it has its own class and the innermost pointer, not
/// "not valid under any of the schemas listed in the 'anyOf' keyword".
#[test]
fn findings_inside_a_nullable_object_or_array_item_name_their_cause() {
    let nullable = |reference: &str, indent: &str| {
        format!(
            "{indent}nullable: true\n{indent}allOf:\n{indent}  - $ref: '#/components/schemas/{reference}'"
        )
    };
    let workspace = Workspace::new(&[
        (
            "        organization:\n          $ref: '#/components/schemas/Organization'\n        owner:",
            &format!(
                "        organization:\n          type: object\n{}\n        owner:",
                nullable("Organization", "          ")
            ),
        ),
        (
            "            cascade: true\n          items:\n            $ref: '#/components/schemas/Location'",
            &format!(
                "            cascade: true\n          items:\n            type: object\n{}",
                nullable("Location", "            ")
            ),
        ),
    ]);
    let location = json!({
        "id": 889, "name": "Main St", "status": "active",
        "created_at": "2025-05-14T15:30:00Z", "updated_at": "2025-05-14T15:30:00Z"
    });
    type Case = (&'static str, fn(&mut Value), &'static str, &'static str);
    let cases: [Case; 11] = [
        (
            "object",
            |v| v["timezone"] = json!("UTC"),
            "unknown-field",
            "/timezone",
        ),
        ("object", |v| v["id"] = json!("4711"), "invalid-type", "/id"),
        (
            "object",
            |v| v["created_at"] = json!("yesterday"),
            "invalid-format",
            "/created_at",
        ),
        (
            "object",
            |v| {
                v.as_object_mut().unwrap().remove("name");
            },
            "missing-required",
            "/name",
        ),
        (
            "object",
            |v| v["name"] = Value::Null,
            "null-not-nullable",
            "/name",
        ),
        (
            "item",
            |v| v["status"] = json!("suspended"),
            "unknown-enum-value",
            "/status",
        ),
        ("item", |v| v["floor"] = json!(3), "unknown-field", "/floor"),
        ("item", |v| v["id"] = json!(true), "invalid-type", "/id"),
        (
            "item",
            |v| v["updated_at"] = json!("soon"),
            "invalid-format",
            "/updated_at",
        ),
        (
            "item",
            |v| {
                v.as_object_mut().unwrap().remove("status");
            },
            "missing-required",
            "/status",
        ),
        (
            "item",
            |v| v["name"] = Value::Null,
            "null-not-nullable",
            "/name",
        ),
    ];
    for (index, (inside, change, class, pointer)) in cases.iter().enumerate() {
        let body = fresh(|v| {
            v["organization"]["phone_numbers"] = json!([location.clone()]);
            match *inside {
                "object" => change(&mut v["organization"]),
                _ => change(&mut v["organization"]["phone_numbers"][0]),
            }
        });
        let file = workspace.example(&format!("createOrganization/201-case{index}.json"), &body);
        let (code, findings) = workspace.verify(&[]);
        std::fs::remove_file(file).unwrap();
        assert_eq!(code, 1, "{class} inside a nullable {inside}: {findings:#?}");
        let (_, findings) = type_schema_findings(findings);
        let prefix = match *inside {
            "object" => "/organization",
            _ => "/organization/phone_numbers/0",
        };
        only(&findings, class, &format!("{prefix}{pointer}"));
    }
    // And the spec as it is: `CreatedUser.team` is a nullable reference.
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/examples/createUser/201-member.json"
    ))
    .unwrap();
    let mut value: Value = serde_json::from_str(&body).unwrap();
    value["team"] = json!({"id": 1, "name": "Pizza Palace", "leader": "luca"});
    let finding = one_finding(
        "createUser/201-team.json",
        &serde_json::to_string(&value).unwrap(),
        "unknown-field",
        "/team/leader",
    );
    assert!(
        finding["message"].as_str().unwrap().contains("`leader`"),
        "{finding}"
    );
}
