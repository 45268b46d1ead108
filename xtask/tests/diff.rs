//! `cargo xtask diff`: spec pairs, one or more per rule, each asserting the rule ids and
//! levels it reports; identical, reordered and reformatted specs report nothing; and the
//! command itself on git revisions, files and bad input.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use xtask::codegen::spec::Spec;
use xtask::diff::compare::{Change, compare};
use xtask::diff::rules::{Level, RULES};

const BASE: &str = r#"openapi: 3.0.3
info:
  title: Test
  version: '1'
servers:
  - url: https://api.example.com/v1
security:
  - apiKey: []
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - name: limit
          in: query
          required: false
          schema:
            type: integer
            minimum: 1
            maximum: 100
        - name: X-Trace
          in: header
          required: false
          schema:
            type: string
      responses:
        '200':
          description: ok
          headers:
            X-Total:
              schema:
                type: integer
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/Item'
        '404':
          description: not found
    post:
      operationId: createItem
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/NewItem'
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Item'
        '422':
          description: invalid
  /items/{id}:
    delete:
      operationId: deleteItem
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: integer
      responses:
        '204':
          description: gone
components:
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-API-KEY
  schemas:
    NewItem:
      type: object
      required:
        - name
      properties:
        name:
          type: string
          maxLength: 50
        note:
          type: string
          nullable: true
        kind:
          type: string
          enum:
            - a
            - b
        tags:
          type: array
          maxItems: 5
          items:
            type: string
        code:
          type: string
          pattern: '^[A-Z]+$'
    Item:
      type: object
      required:
        - id
        - name
      properties:
        id:
          type: integer
          format: int64
        name:
          type: string
        note:
          type: string
        kind:
          type: string
          enum:
            - a
            - b
        parent:
          $ref: '#/components/schemas/Item'
        score:
          type: number
          minimum: 0
          maximum: 10
        code:
          type: string
"#;

fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "the fixture does not contain {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

fn changes(base_edits: &[(&str, &str)], head_edits: &[(&str, &str)]) -> Vec<Change> {
    let base = Spec::parse("base.yaml", &edited(base_edits)).unwrap();
    let head = Spec::parse("head.yaml", &edited(head_edits)).unwrap();
    compare(&base, &head)
}

fn rules_of(changes: &[Change]) -> BTreeSet<(&'static str, Level)> {
    changes.iter().map(|c| (c.rule, c.level)).collect()
}

use Level::{Breaking as B, NonBreaking as N, PotentiallyBreaking as P};

/// Every case: a name, edits to the old side, edits to the new side, and exactly the rules
/// (with levels) it must report.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, Level)],
);

const CASES: &[Case] = &[
    ("identical", &[], &[], &[]),
    // Operations
    (
        "operation removed",
        &[],
        &[(
            "  /items/{id}:\n    delete:",
            "  /items/{id}:\n    x-delete:",
        )],
        &[("api-operation-removed", B)],
    ),
    (
        "operation added",
        &[(
            "  /items/{id}:\n    delete:",
            "  /items/{id}:\n    x-delete:",
        )],
        &[],
        &[("api-operation-added", N)],
    ),
    (
        "operationId changed",
        &[],
        &[("operationId: deleteItem", "operationId: removeItem")],
        &[("api-operation-id-changed", P)],
    ),
    (
        "path parameter renamed is the same operation",
        &[],
        &[
            ("  /items/{id}:", "  /items/{itemId}:"),
            (
                "        - name: id\n          in: path",
                "        - name: itemId\n          in: path",
            ),
        ],
        &[
            ("request-parameter-removed", P),
            ("new-required-request-parameter", B),
        ],
    ),
    // Parameters
    (
        "required parameter added",
        &[],
        &[(
            "        - name: X-Trace\n          in: header\n          required: false",
            "        - name: X-Trace\n          in: header\n          required: false\n          schema:\n            type: string\n        - name: page\n          in: query\n          required: true",
        )],
        &[("new-required-request-parameter", B)],
    ),
    (
        "optional parameter added",
        &[],
        &[(
            "        - name: X-Trace\n          in: header\n          required: false",
            "        - name: X-Trace\n          in: header\n          required: false\n          schema:\n            type: string\n        - name: page\n          in: query\n          required: false",
        )],
        &[("new-optional-request-parameter", N)],
    ),
    (
        "parameter removed",
        &[],
        &[("        - name: X-Trace\n", "        - name: X-Span\n")],
        &[
            ("request-parameter-removed", P),
            ("new-optional-request-parameter", N),
        ],
    ),
    (
        "parameter became required",
        &[],
        &[(
            "          in: query\n          required: false",
            "          in: query\n          required: true",
        )],
        &[("request-parameter-became-required", B)],
    ),
    (
        "parameter became optional",
        &[(
            "          in: header\n          required: false",
            "          in: header\n          required: true",
        )],
        &[],
        &[("request-parameter-became-optional", N)],
    ),
    (
        "parameter type changed",
        &[],
        &[(
            "          schema:\n            type: integer\n            minimum: 1",
            "          schema:\n            type: string\n            minimum: 1",
        )],
        &[("request-property-type-changed", B)],
    ),
    (
        "parameter maximum lowered",
        &[],
        &[("            maximum: 100", "            maximum: 50")],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "parameter maximum raised",
        &[],
        &[("            maximum: 100", "            maximum: 500")],
        &[("request-property-bound-loosened", N)],
    ),
    (
        "parameter minimum removed",
        &[],
        &[("            minimum: 1\n", "")],
        &[("request-property-bound-loosened", N)],
    ),
    // Request bodies
    (
        "request body became optional",
        &[],
        &[(
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        )],
        &[("request-body-became-optional", N)],
    ),
    (
        "request body became required",
        &[(
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        )],
        &[],
        &[("request-body-became-required", B)],
    ),
    (
        "request body removed",
        &[],
        &[("      requestBody:\n", "      x-requestBody:\n")],
        &[("request-body-removed", P)],
    ),
    (
        "required request body added",
        &[("      requestBody:\n", "      x-requestBody:\n")],
        &[],
        &[("request-body-added-required", B)],
    ),
    (
        "optional request body added",
        &[(
            "      requestBody:\n        required: true",
            "      x-requestBody:\n        required: false",
        )],
        &[(
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        )],
        &[("request-body-added-optional", N)],
    ),
    (
        "request media type replaced",
        &[],
        &[(
            "      requestBody:\n        required: true\n        content:\n          application/json:",
            "      requestBody:\n        required: true\n        content:\n          application/xml:",
        )],
        &[
            ("request-body-media-type-removed", B),
            ("request-body-media-type-added", N),
        ],
    ),
    // Request properties
    (
        "required request property added",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n",
            "      required:\n        - name\n        - owner\n      properties:\n        owner:\n          type: string\n",
        )],
        &[("new-required-request-property", B)],
    ),
    (
        "optional request property added",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n",
            "      required:\n        - name\n      properties:\n        owner:\n          type: string\n",
        )],
        &[("new-optional-request-property", N)],
    ),
    (
        "request property removed",
        &[],
        &[(
            "        code:\n          type: string\n          pattern: '^[A-Z]+$'\n",
            "",
        )],
        &[("request-property-removed", P)],
    ),
    (
        "request property became required",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n        name:",
            "      required:\n        - name\n        - note\n      properties:\n        name:",
        )],
        &[("request-property-became-required", B)],
    ),
    (
        "request property became optional",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n        name:",
            "      properties:\n        name:",
        )],
        &[("request-property-became-optional", N)],
    ),
    (
        "request property no longer nullable",
        &[],
        &[(
            "          type: string\n          nullable: true\n",
            "          type: string\n",
        )],
        &[("request-property-became-not-nullable", B)],
    ),
    (
        "request property became nullable",
        &[],
        &[(
            "          type: string\n          maxLength: 50",
            "          type: string\n          nullable: true\n          maxLength: 50",
        )],
        &[("request-property-became-nullable", N)],
    ),
    (
        "request enum value removed",
        &[],
        &[(
            "            - a\n            - b\n        tags:",
            "            - a\n        tags:",
        )],
        &[("request-property-enum-value-removed", B)],
    ),
    (
        "request enum value added",
        &[],
        &[(
            "            - a\n            - b\n        tags:",
            "            - a\n            - b\n            - c\n        tags:",
        )],
        &[("request-property-enum-value-added", N)],
    ),
    (
        "request maxLength lowered",
        &[],
        &[("          maxLength: 50", "          maxLength: 20")],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "request maxItems raised",
        &[],
        &[("          maxItems: 5", "          maxItems: 10")],
        &[("request-property-bound-loosened", N)],
    ),
    (
        "request pattern changed",
        &[],
        &[(
            "          pattern: '^[A-Z]+$'",
            "          pattern: '^[A-Z0-9]+$'",
        )],
        &[("request-property-pattern-changed", P)],
    ),
    (
        "request pattern removed",
        &[],
        &[("          pattern: '^[A-Z]+$'\n", "")],
        &[("request-property-pattern-removed", N)],
    ),
    (
        "request object closed",
        &[],
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      additionalProperties: false\n",
        )],
        &[("request-property-additional-properties-restricted", B)],
    ),
    (
        "request object opened",
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      additionalProperties: false\n",
        )],
        &[],
        &[("request-property-additional-properties-allowed", N)],
    ),
    (
        "request property type changed",
        &[],
        &[(
            "        name:\n          type: string\n          maxLength: 50",
            "        name:\n          type: integer\n          maxLength: 50",
        )],
        &[("request-property-type-changed", B)],
    ),
    (
        "request format added",
        &[],
        &[(
            "          type: string\n          pattern: '^[A-Z]+$'",
            "          type: string\n          format: uuid\n          pattern: '^[A-Z]+$'",
        )],
        &[("request-property-format-changed", P)],
    ),
    (
        "request composition changed",
        &[],
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      allOf:\n        - required:\n            - kind\n",
        )],
        &[
            ("request-property-composition-changed", P),
            ("request-property-became-required", B),
        ],
    ),
    // Responses
    (
        "success status removed",
        &[],
        &[(
            "        '201':\n          description: created",
            "        '202':\n          description: created",
        )],
        &[
            ("response-success-status-removed", B),
            ("response-success-status-added", N),
        ],
    ),
    (
        "error status removed",
        &[],
        &[("        '404':\n          description: not found\n", "")],
        &[("response-non-success-status-removed", P)],
    ),
    (
        "error status added",
        &[],
        &[(
            "        '422':\n          description: invalid\n",
            "        '422':\n          description: invalid\n        '500':\n          description: boom\n",
        )],
        &[("response-non-success-status-added", N)],
    ),
    (
        "response media type replaced",
        &[],
        &[(
            "          content:\n            application/json:\n              schema:\n                type: array",
            "          content:\n            application/vnd.items+json:\n              schema:\n                type: array",
        )],
        &[
            ("response-media-type-removed", B),
            ("response-media-type-added", N),
        ],
    ),
    (
        "response header removed",
        &[],
        &[("            X-Total:", "            X-Count:")],
        &[("response-header-removed", P), ("response-header-added", N)],
    ),
    // Response properties (Item is in two operations: each reports it)
    (
        "response property added",
        &[],
        &[(
            "        score:\n          type: number",
            "        rank:\n          type: integer\n        score:\n          type: number",
        )],
        &[("response-property-added", N)],
    ),
    (
        "required response property removed",
        &[],
        &[
            (
                "      required:\n        - id\n        - name\n",
                "      required:\n        - id\n",
            ),
            (
                "        name:\n          type: string\n        note:\n          type: string\n        kind:",
                "        note:\n          type: string\n        kind:",
            ),
        ],
        &[("response-required-property-removed", B)],
    ),
    (
        "optional response property removed",
        &[],
        &[(
            "        note:\n          type: string\n        kind:",
            "        kind:",
        )],
        &[("response-optional-property-removed", P)],
    ),
    (
        "response property became optional",
        &[],
        &[(
            "      required:\n        - id\n        - name\n",
            "      required:\n        - id\n",
        )],
        &[("response-property-became-optional", B)],
    ),
    (
        "response property became required",
        &[],
        &[(
            "      required:\n        - id\n        - name\n",
            "      required:\n        - id\n        - name\n        - note\n",
        )],
        &[("response-property-became-required", N)],
    ),
    (
        "response property became nullable",
        &[],
        &[(
            "        note:\n          type: string\n        kind:",
            "        note:\n          type: string\n          nullable: true\n        kind:",
        )],
        &[("response-property-became-nullable", B)],
    ),
    (
        "response property no longer nullable",
        &[(
            "        note:\n          type: string\n        kind:",
            "        note:\n          type: string\n          nullable: true\n        kind:",
        )],
        &[],
        &[("response-property-became-not-nullable", N)],
    ),
    (
        "response enum value added",
        &[],
        &[(
            "            - a\n            - b\n        parent:",
            "            - a\n            - b\n            - c\n        parent:",
        )],
        &[("response-property-enum-value-added", P)],
    ),
    (
        "response enum value removed",
        &[],
        &[(
            "            - a\n            - b\n        parent:",
            "            - a\n        parent:",
        )],
        &[("response-property-enum-value-removed", N)],
    ),
    (
        "response maximum raised",
        &[],
        &[("          maximum: 10\n", "          maximum: 20\n")],
        &[("response-property-bound-loosened", P)],
    ),
    (
        "response maximum lowered",
        &[],
        &[("          maximum: 10\n", "          maximum: 5\n")],
        &[("response-property-bound-tightened", N)],
    ),
    (
        "response type changed",
        &[],
        &[(
            "        id:\n          type: integer\n          format: int64",
            "        id:\n          type: string\n          format: int64",
        )],
        &[("response-property-type-changed", B)],
    ),
    (
        "response format changed",
        &[],
        &[("          format: int64", "          format: int32")],
        &[("response-property-format-changed", P)],
    ),
    (
        "response pattern added",
        &[],
        &[(
            "          maximum: 10\n        code:\n          type: string\n",
            "          maximum: 10\n        code:\n          type: string\n          pattern: '^[a-z]+$'\n",
        )],
        &[("response-property-pattern-added", N)],
    ),
    (
        "response pattern changed",
        &[(
            "          maximum: 10\n        code:\n          type: string\n",
            "          maximum: 10\n        code:\n          type: string\n          pattern: '^[a-z]+$'\n",
        )],
        &[(
            "          maximum: 10\n        code:\n          type: string\n",
            "          maximum: 10\n        code:\n          type: string\n          pattern: '^[a-z0-9]+$'\n",
        )],
        &[("response-property-pattern-changed", P)],
    ),
    (
        "response object opened",
        &[(
            "    Item:\n      type: object\n",
            "    Item:\n      type: object\n      additionalProperties: false\n",
        )],
        &[],
        &[("response-property-additional-properties-allowed", P)],
    ),
    (
        "response object closed",
        &[],
        &[(
            "    Item:\n      type: object\n",
            "    Item:\n      type: object\n      additionalProperties: false\n",
        )],
        &[("response-property-additional-properties-restricted", N)],
    ),
    (
        "response composition changed",
        &[],
        &[(
            "    Item:\n      type: object\n",
            "    Item:\n      type: object\n      oneOf:\n        - required:\n            - note\n",
        )],
        &[("response-property-composition-changed", P)],
    ),
    // Security
    (
        "security requirement added to an open operation",
        &[(
            "      operationId: deleteItem\n",
            "      operationId: deleteItem\n      security: []\n",
        )],
        &[],
        &[("security-requirement-added", B)],
    ),
    (
        "security requirement removed",
        &[],
        &[(
            "      operationId: deleteItem\n",
            "      operationId: deleteItem\n      security: []\n",
        )],
        &[("security-requirement-removed", N)],
    ),
    (
        "security scheme changed",
        &[],
        &[("      name: X-API-KEY", "      name: X-KEY")],
        &[("security-scheme-changed", B)],
    ),
    (
        "security scheme added",
        &[],
        &[(
            "      name: X-API-KEY\n",
            "      name: X-API-KEY\n    bearer:\n      type: http\n      scheme: bearer\n",
        )],
        &[("security-scheme-added", N)],
    ),
    (
        "security scheme removed",
        &[(
            "      name: X-API-KEY\n",
            "      name: X-API-KEY\n    bearer:\n      type: http\n      scheme: bearer\n",
        )],
        &[],
        &[("security-scheme-removed", B)],
    ),
    // Servers
    (
        "server moved",
        &[],
        &[(
            "  - url: https://api.example.com/v1",
            "  - url: https://api.example.com/v2",
        )],
        &[("server-removed", P), ("server-added", N)],
    ),
    (
        "trailing slash on a server is no change",
        &[],
        &[(
            "  - url: https://api.example.com/v1",
            "  - url: https://api.example.com/v1/",
        )],
        &[],
    ),
];

#[test]
fn every_case_reports_exactly_its_rules() {
    let mut failures = Vec::new();
    for (name, base_edits, head_edits, expected) in CASES {
        let found = rules_of(&changes(base_edits, head_edits));
        let expected: BTreeSet<(&str, Level)> = expected.iter().copied().collect();
        if found != expected {
            failures.push(format!("{name}: expected {expected:?}, found {found:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    assert!(CASES.len() >= 40);
}

#[test]
fn every_rule_is_covered_by_a_case() {
    let covered: BTreeSet<&str> = CASES
        .iter()
        .flat_map(|(_, _, _, expected)| expected.iter().map(|(rule, _)| *rule))
        .collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|(rule, _, _)| *rule)
        .filter(|rule| !covered.contains(rule))
        .collect();
    assert!(missing.is_empty(), "rules no case covers: {missing:?}");
    for (rule, level, _) in RULES {
        assert_eq!(xtask::diff::rules::level(rule), *level);
    }
}

#[test]
fn a_change_to_a_shared_schema_is_reported_where_it_is_used() {
    let found = changes(
        &[],
        &[("          format: int64", "          format: int32")],
    );
    let places: BTreeSet<String> = found.iter().map(Change::place).collect();
    assert_eq!(
        places,
        BTreeSet::from([
            "GET /items response 200 /*/id".to_string(),
            "POST /items response 201 /id".to_string(),
        ])
    );
    let line = edited(&[("          format: int64", "          format: int32")])
        .lines()
        .position(|l| l.contains("format: int32"))
        .unwrap();
    assert!(
        found
            .iter()
            .all(|c| c.spec.as_ref().unwrap().line.unwrap() <= line + 1),
        "{found:#?}"
    );
}

#[test]
fn a_reordered_and_reformatted_spec_is_no_change() {
    let base = Spec::parse("base.yaml", BASE).unwrap();
    // The same document as JSON, keys sorted, arrays of names reversed, paths reordered.
    let mut value = base.value.clone();
    value["components"]["schemas"]["Item"]["required"] = serde_json::json!(["name", "id"]);
    value["components"]["schemas"]["NewItem"]["properties"]["kind"]["enum"] =
        serde_json::json!(["b", "a"]);
    let parameters = value["paths"]["/items"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    parameters.reverse();
    let json = serde_json::to_string_pretty(&value).unwrap();
    let head = Spec::parse("head.json", &json).unwrap();
    assert_eq!(compare(&base, &head), vec![]);
}

#[test]
fn a_recursive_schema_terminates() {
    // Item.parent is Item: comparing it must not loop, and a change inside is found once
    // per place it is reached from the root, not once per level of recursion.
    let found = changes(
        &[],
        &[(
            "        score:\n          type: number",
            "        rank:\n          type: integer\n        score:\n          type: number",
        )],
    );
    assert_eq!(found.len(), 2, "{found:#?}");
}

// The command -------------------------------------------------------------------------

fn xtask(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_ROOT", root)
        .output()
        .unwrap()
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// A git repository whose `main` has the project's spec, and whose working tree adds a
/// required request property.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("openapi")).unwrap();
    let spec = include_str!("../../openapi/answering-agent.yaml");
    std::fs::write(root.join("openapi/answering-agent.yaml"), spec).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"answering-agent\"\nversion = \"0.3.1\"\n",
    )
    .unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    let changed = spec.replacen(
        "      required:\n        - external_id\n        - email\n",
        "      required:\n        - external_id\n        - email\n        - name\n",
        1,
    );
    assert_ne!(changed, spec);
    std::fs::write(root.join("openapi/answering-agent.yaml"), changed).unwrap();
    dir
}

#[test]
fn the_default_compares_the_merge_base_with_the_working_tree() {
    let repo = repository();
    let output = xtask(repo.path(), &["diff", "--format", "markdown"]);
    let markdown = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "breaking changes fail by default: {markdown}"
    );
    assert!(markdown.starts_with("### OpenAPI spec diff"), "{markdown}");
    assert!(markdown.contains("| Breaking | 1 | 0 |"), "{markdown}");
    assert!(
        markdown.contains(
            "`request-property-became-required` | `POST /organizations request body /owner/name`"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("Semver: major"), "{markdown}");
    assert!(markdown.contains("0.3.1 -> 0.4.0"), "{markdown}");
    assert!(
        markdown.contains("`types::OwnerInput.name` | changed | yes"),
        "{markdown}"
    );
}

#[test]
fn fail_on_and_accepted_changes_set_the_exit_code() {
    let repo = repository();
    assert_eq!(
        xtask(repo.path(), &["diff", "--no-rust", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        xtask(
            repo.path(),
            &["diff", "--no-rust", "--fail-on", "potentially-breaking"]
        )
        .status
        .code(),
        Some(1)
    );
    std::fs::write(
        repo.path().join("openapi/accepted-changes.toml"),
        "[[accept]]\nrule = \"request-property-became-required\"\nplace = \"POST /organizations request body /owner/name\"\nreason = \"the server always required it\"\n",
    )
    .unwrap();
    let output = xtask(repo.path(), &["diff", "--no-rust"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("[accepted: the server always required it]"),
        "{text}"
    );
}

#[test]
fn revisions_files_and_json() {
    let repo = repository();
    git(repo.path(), &["commit", "-q", "-am", "head"]);
    let output = xtask(
        repo.path(),
        &[
            "diff",
            "--no-rust",
            "--base",
            "main~1",
            "--head",
            "main",
            "--format",
            "json",
        ],
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        document["changes"][0]["rule"],
        "request-property-became-required"
    );
    assert_eq!(document["changes"][0]["level"], "breaking");
    assert!(
        document["base"].as_str().unwrap().starts_with("main~1@"),
        "{document}"
    );

    let base = repo.path().join("base.yaml");
    std::fs::write(&base, include_str!("../../openapi/answering-agent.yaml")).unwrap();
    let output = xtask(
        repo.path(),
        &[
            "diff",
            "--no-rust",
            base.to_str().unwrap(),
            base.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("no changes"));
}

#[test]
fn bad_input_names_the_side_and_the_place() {
    let repo = repository();
    let cases: [(&[&str], &str); 4] = [
        (
            &["diff", "--base", "no-such-branch"],
            "error: base: unknown git revision `no-such-branch`",
        ),
        (
            &["diff", "missing.yaml", "other.yaml"],
            "error: base: missing.yaml",
        ),
        (
            &[
                "diff",
                "--head",
                "main",
                "--base",
                "main",
                "extra.yaml",
                "x.yaml",
            ],
            "not both",
        ),
        (&["diff", "--base", "main"], ""),
    ];
    for (args, expected) in &cases[..3] {
        let output = xtask(repo.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    std::fs::write(
        repo.path().join("openapi/answering-agent.yaml"),
        "openapi: 3.0.3\npaths: [\n",
    )
    .unwrap();
    let output = xtask(repo.path(), cases[3].0);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: head (openapi/answering-agent.yaml (working tree)): openapi/answering-agent.yaml (working tree):"), "{stderr}");
    assert!(stderr.contains("invalid YAML"), "{stderr}");
}
