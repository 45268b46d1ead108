//! The review says each change once: `cargo xtask diff` groups the places a change reaches
//! under its cause (the one place in the spec that changed), in text and markdown; JSON
//! keeps every place with its cause's id; accepting a cause accepts all its places; and the
//! comment renders as GitHub renders Markdown.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const SPEC: &str = include_str!("../../openapi/answering-agent.yaml");

/// The project's spec with three edits: `Location.updated_at` removed, `suspended` added to
/// `LocationStatus`, and one operation added.
fn three_edits() -> String {
    let mut head = SPEC.to_string();
    let location = head.find("    Location:\n").unwrap();
    // The property's lines: its key, and those indented below it.
    let start = location + head[location..].find("        updated_at:\n").unwrap();
    let length = "        updated_at:\n".len()
        + head[start..]
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("          "))
            .map(|l| l.len() + 1)
            .sum::<usize>();
    head.replace_range(start..start + length, "");
    let required = location + head[location..].find("        - updated_at\n").unwrap();
    head.replace_range(required..required + "        - updated_at\n".len(), "");
    head = head.replacen(
        "      enum:\n        - pending\n        - active\n",
        "      enum:\n        - pending\n        - active\n        - suspended\n",
        1,
    );
    head.replacen(
        "  /locations/{location_id}:\n",
        "  /locations/{location_id}/calls:\n    parameters:\n      - $ref: '#/components/parameters/LocationId'\n    get:\n      operationId: listLocationCalls\n      tags: [locations]\n      summary: List calls\n      responses:\n        '200':\n          description: the calls\n          content:\n            application/json:\n              schema: {type: array, items: {type: object}}\n  /locations/{location_id}:\n",
        1,
    )
}

/// `cargo xtask diff base.yaml head.yaml` in a folder holding both (names relative to it).
fn diff(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "base.yaml", "head.yaml", "--no-rust"])
        .args(extra)
        .current_dir(dir)
        .env("XTASK_ROOT", dir)
        .output()
        .unwrap()
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.yaml"), SPEC).unwrap();
    std::fs::write(dir.path().join("head.yaml"), three_edits()).unwrap();
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn three_edits_are_three_causes_each_saying_what_it_reaches() {
    let dir = workspace();
    let markdown = stdout(&diff(dir.path(), &["--format", "markdown"]));
    let rows: Vec<&str> = markdown.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), 3, "one row per cause: {markdown}");
    assert!(
        rows[0].starts_with("| `response-required-property-removed` | `Location.updated_at` |"),
        "{}",
        rows[0]
    );
    assert!(
        rows[0].contains("<summary>9 responses of 8 operations</summary>"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].starts_with("| `response-property-enum-value-added` | `LocationStatus` |"),
        "{}",
        rows[1]
    );
    assert!(
        rows[2].starts_with("| `api-operation-added` | `GET /locations/{location_id}/calls` |"),
        "{}",
        rows[2]
    );
    assert!(markdown.contains("| Breaking | 1 (9) | 0 |"), "{markdown}");
    assert!(
        markdown.contains("| Potentially breaking | 1 (9) | 0 |"),
        "{markdown}"
    );

    let text = stdout(&diff(dir.path(), &[]));
    assert!(text.contains("Breaking (1 cause, 9 places):"), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("reaches 9 responses of 8 operations"))
            .count(),
        2,
        "{text}"
    );

    // Machines keep every place, each with its cause.
    let json: Value =
        serde_json::from_str(&stdout(&diff(dir.path(), &["--format", "json"]))).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 19);
    let causes: std::collections::BTreeSet<&str> = changes
        .iter()
        .map(|c| c["cause"].as_str().unwrap())
        .collect();
    assert_eq!(causes.len(), 3, "{causes:?}");
    assert!(causes.contains(
        "response-required-property-removed /components/schemas/Location/properties/updated_at"
    ));
}

#[test]
fn the_rust_item_a_cause_changes_is_in_its_row() {
    let dir = workspace();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "base.yaml", "head.yaml", "--format", "markdown"])
        .current_dir(dir.path())
        .env("XTASK_ROOT", dir.path())
        .output()
        .unwrap();
    let markdown = stdout(&output);
    let row = markdown
        .lines()
        .find(|l| l.starts_with("| `response-required-property-removed`"))
        .unwrap();
    assert!(
        row.contains("<br>Rust: `types::Location.updated_at` removed"),
        "{row}"
    );
    let row = markdown
        .lines()
        .find(|l| l.starts_with("| `response-property-enum-value-added`"))
        .unwrap();
    assert!(
        row.contains("Rust: `types::LocationStatus::Suspended` added"),
        "{row}"
    );
}

#[test]
fn accepting_a_cause_accepts_every_place_and_a_stale_entry_is_reported() {
    let dir = workspace();
    std::fs::write(
        dir.path().join("accepted.toml"),
        r#"
[[accept]]
rule = "response-required-property-removed"
pointer = "/components/schemas/Location/properties/updated_at"
reason = "the vendor never sends it"

[[accept]]
rule = "response-property-enum-value-added"
place = "GET /locations response 200 /*/status"
reason = "one place, as before"

[[accept]]
rule = "request-parameter-removed"
pointer = "/components/parameters/Nothing"
reason = "stale"
"#,
    )
    .unwrap();
    let output = diff(
        dir.path(),
        &["--format", "json", "--accepted", "accepted.toml"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "the only breaking cause is accepted"
    );
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let accepted = |rule: &str| {
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["rule"] == rule && !c["accepted"].is_null())
            .count()
    };
    assert_eq!(accepted("response-required-property-removed"), 9);
    assert_eq!(accepted("response-property-enum-value-added"), 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the entry for `request-parameter-removed` at `/components/parameters/Nothing` accepts no change"),
        "{stderr}"
    );
}

/// The comment as GitHub renders it: every table inside its `<details>` is a table (GitHub
/// needs a blank line between an HTML block and a table), and no path outside the
/// repository shows.
#[test]
fn the_comment_renders_with_its_tables_inside_the_folds() {
    let dir = workspace();
    let markdown = stdout(&diff(dir.path(), &["--format", "markdown"]));
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let parser = pulldown_cmark::Parser::new_ext(&markdown, options);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    // Four tables: the summary, and one in each level's fold.
    assert_eq!(html.matches("<table>").count(), 4, "{html}");
    for level in ["Breaking", "Potentially breaking", "Non-breaking"] {
        let fold = html.find(&format!("<summary>{level} (")).unwrap();
        let table = fold + html[fold..].find("<table>").unwrap();
        let close = fold + html[fold..].find("</details>\n").unwrap();
        // The table opens inside the fold (the places' folds in its cells close within
        // their cell, `</details></td>`).
        assert!(table < close, "{level}: {html}");
    }
    assert!(
        !html.contains("| `"),
        "a row that is not in a table: {html}"
    );
    assert!(
        !markdown.contains(&dir.path().display().to_string()),
        "{markdown}"
    );
    assert!(markdown.contains("base.yaml:"), "{markdown}");
}

/// A reader that stops early (`cargo xtask diff | head`) ends the diff quietly: no panic
/// about a closed pipe, however much output is left.
#[test]
fn a_reader_that_stops_early_gets_no_panic() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let side = |added: &str| {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
        for i in 0..1500 {
            text.push_str(&format!(
                "  /r{i}:\n    get:\n      operationId: get{i}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, properties: {{a: {{type: string}}{added}}}}}\n"
            ));
        }
        text
    };
    std::fs::write(dir.path().join("base.yaml"), side("")).unwrap();
    std::fs::write(dir.path().join("head.yaml"), side(", b: {type: string}")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "base.yaml", "head.yaml", "--no-rust"])
        .current_dir(dir.path())
        .env("XTASK_ROOT", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("spec diff:"), "{first}");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
