//! One model of the spec: a rewrite of the spec that keeps its meaning (written as JSON,
//! keys in another order, references inlined or extracted, parameters at path or operation
//! level: `answering_agent_spec::rewrite`) changes nothing downstream. Here: every
//! generated file beyond its fingerprint, `diff` both ways, and `verify`'s findings. The
//! command line's commands and help are checked in cli/src/spec.rs, the fake's answers in
//! fake/tests/one_model.rs.

use std::path::Path;
use std::process::Command;

use answering_agent_spec::{Spec, rewrite};
use serde_json::Value;
use xtask::codegen::{self, SPEC_PATH};

fn project_spec() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(SPEC_PATH),
    )
    .unwrap()
}

/// A generated file without its header, whose fingerprint is the spec text's.
fn body(generated: &str) -> &str {
    generated
        .split_once(codegen::fingerprint::HEADER_PREFIX)
        .and_then(|(_, rest)| rest.split_once('\n'))
        .map_or(generated, |(_, rest)| rest)
}

#[test]
fn every_generated_file_is_the_same() {
    let text = project_spec();
    let spec = Spec::parse(SPEC_PATH, &text).unwrap();
    let original = codegen::generate_all(SPEC_PATH, &text).unwrap();
    let mock = codegen::generate_mock(SPEC_PATH, &text, "crate").unwrap();
    let raw = codegen::generate_raw(SPEC_PATH, &text).unwrap();
    for (what, rewritten) in rewrite::meaning_preserving(&spec) {
        let generated = codegen::generate_all(SPEC_PATH, &rewritten)
            .unwrap_or_else(|e| panic!("{what}: {}", e[0]));
        assert!(
            body(&generated.client) == body(&original.client),
            "{what}: client/generated.rs differs"
        );
        assert!(
            body(&generated.operations) == body(&original.operations),
            "{what}: client/operations.rs differs"
        );
        assert_eq!(
            codegen::operations::readme_table(&generated.model),
            codegen::operations::readme_table(&original.model),
            "{what}: the README's table differs"
        );
        let rewritten_mock = codegen::generate_mock(SPEC_PATH, &rewritten, "crate").unwrap();
        assert!(
            body(&rewritten_mock) == body(&mock),
            "{what}: the mocks differ"
        );
        let rewritten_raw = codegen::generate_raw(SPEC_PATH, &rewritten).unwrap();
        assert!(
            body(&rewritten_raw) == body(&raw),
            "{what}: the raw client differs"
        );
    }
}

#[test]
fn diff_sees_no_change_either_way() {
    let text = project_spec();
    let spec = Spec::parse(SPEC_PATH, &text).unwrap();
    for (what, rewritten) in rewrite::meaning_preserving(&spec) {
        let other = Spec::parse("rewritten.yaml", &rewritten).unwrap();
        let there = xtask::diff::compare::compare(&spec, &other);
        assert!(there.is_empty(), "{what}: {there:#?}");
        let back = xtask::diff::compare::compare(&other, &spec);
        assert!(back.is_empty(), "{what}: {back:#?}");
    }
}

/// verify on the project's examples and three drifted ones, with the spec as it is and as
/// each rewrite: the same findings (the same class, file, pointer and spec pointer; only
/// the spec's line numbers may move with its text).
#[test]
fn verify_finds_the_same() {
    let text = project_spec();
    let spec = Spec::parse(SPEC_PATH, &text).unwrap();
    let findings = |spec_text: &str| -> Vec<Value> {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        copy_dir(
            &root.join("openapi/examples"),
            &dir.path().join("openapi/examples"),
        );
        std::fs::write(dir.path().join(SPEC_PATH), spec_text).unwrap();
        std::fs::create_dir_all(dir.path().join("client")).unwrap();
        std::fs::copy(
            root.join(codegen::GENERATED_PATH),
            dir.path().join(codegen::GENERATED_PATH),
        )
        .unwrap();
        let drifted = dir.path().join("openapi/examples/createOrganization");
        let fresh: Value =
            serde_json::from_str(&std::fs::read_to_string(drifted.join("201-fresh.json")).unwrap())
                .unwrap();
        for (name, change) in [
            (
                "201-drift-field.json",
                ("/organization", "timezone", Value::from("UTC")),
            ),
            (
                "201-drift-type.json",
                ("/organization", "id", Value::from("4711")),
            ),
            ("201-drift-null.json", ("/owner", "email", Value::Null)),
        ] {
            let mut body = fresh.clone();
            body.pointer_mut(change.0).unwrap()[change.1] = change.2;
            std::fs::write(drifted.join(name), body.to_string()).unwrap();
        }
        let output = Command::new(env!("CARGO_BIN_EXE_xtask-verify"))
            .args(["--format", "json"])
            .env("XTASK_ROOT", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let mut findings: Vec<Value> = stdout
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .map(|mut finding| {
                if let Some(spec) = finding.get_mut("spec").and_then(Value::as_object_mut) {
                    spec.remove("line");
                }
                // A fix names the spec's line too: `...answering-agent.yaml:629, or ...`.
                if let Some(Value::String(fix)) = finding.get_mut("fix")
                    && let Some((before, after)) = fix.split_once(&format!("{SPEC_PATH}:"))
                {
                    let rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
                    *fix = format!("{before}{SPEC_PATH}:LINE{rest}");
                }
                finding
            })
            .collect();
        findings.sort_by_key(|f| f.to_string());
        findings
    };
    let expected = findings(&text);
    assert_eq!(expected.len(), 3, "{expected:#?}");
    for (what, rewritten) in rewrite::meaning_preserving(&spec) {
        assert_eq!(findings(&rewritten), expected, "{what}");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
