//! `cargo xtask gen` on copies of the workspace: it writes, reports, checks, and refuses bad
//! specs with the file and line, never a panic, never touching the generated file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "openapi/answering-agent.yaml";
const GENERATED: &str = xtask::codegen::GENERATED_PATH;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A temporary workspace with the real spec and every file gen writes.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in std::iter::once(SPEC).chain(xtask::GENERATED_FILES) {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(workspace().join(file), to).unwrap();
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_ROOT", root)
        .env("XTASK_VERIFY_BIN", env!("CARGO_BIN_EXE_xtask-verify"))
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn edit_spec(root: &Path, from: &str, to: &str) {
    let path = root.join(SPEC);
    let spec = std::fs::read_to_string(&path).unwrap();
    assert!(spec.contains(from), "the spec no longer contains {from:?}");
    std::fs::write(&path, spec.replacen(from, to, 1)).unwrap();
}

/// Runs `gen` on a broken spec: it must fail with `expected` on stderr and leave the
/// generated file as it was.
fn refuses(root: &Path, expected: &[&str]) -> String {
    let before = std::fs::read(root.join(GENERATED)).unwrap();
    let output = xtask(root, &["gen"]);
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success(),
        "gen accepted a broken spec: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "a panic trace: {stderr}");
    for part in expected {
        assert!(stderr.contains(part), "missing {part:?} in: {stderr}");
    }
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        std::fs::read(root.join(GENERATED)).unwrap(),
        before,
        "the generated file was touched"
    );
    stderr
}

#[test]
fn an_up_to_date_client_is_left_alone_and_passes_the_check() {
    let root = copy();
    let output = xtask(root.path(), &["gen"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("is up to date"),
        "{}",
        text(&output.stdout)
    );
    assert!(xtask(root.path(), &["gen", "--check"]).status.success());
}

#[test]
fn a_spec_change_is_regenerated_and_summarized_and_check_shows_the_diff() {
    let root = copy();
    edit_spec(
        root.path(),
        "        - manager\n        - user\n",
        "        - manager\n        - user\n        - billing\n",
    );
    let before = std::fs::read_to_string(root.path().join(GENERATED)).unwrap();

    let check = xtask(root.path(), &["gen", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let diff = text(&check.stdout);
    assert!(diff.contains("+        Billing,"), "{diff}");
    assert!(diff.starts_with("--- a/client/generated.rs"), "{diff}");
    assert!(
        text(&check.stderr).contains("is stale"),
        "{}",
        text(&check.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(root.path().join(GENERATED)).unwrap(),
        before,
        "--check wrote"
    );

    // The verify binary this test has was compiled from the workspace's client, which has
    // no `Billing`: it would rightly report the new enum value as a type-schema mismatch.
    // In real use `gen` rebuilds it from the file it just wrote; here it is skipped.
    let without_verify = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .env("XTASK_ROOT", root.path())
            .env("XTASK_VERIFY_BIN", "true")
            .output()
            .unwrap()
    };
    let generate = without_verify(&["gen"]);
    let summary = text(&generate.stdout);
    assert!(
        generate.status.success(),
        "{summary}{}",
        text(&generate.stderr)
    );
    assert!(summary.contains("wrote client/generated.rs"), "{summary}");
    assert!(summary.contains("types: ~1 (types::Role)"), "{summary}");
    assert!(
        summary.contains("fields and variants: +1 (types::Role::Billing)"),
        "{summary}"
    );
    assert!(summary.contains("lines: +"), "{summary}");
    assert!(without_verify(&["gen", "--check"]).status.success());
    let mut leftovers: Vec<_> = std::fs::read_dir(root.path().join("client"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        [
            "README.md",
            "generated.rs",
            "generated_mock.rs",
            "operations.rs"
        ],
        "a temporary file was left behind"
    );
}

#[test]
fn invalid_yaml_is_reported_with_line_and_column() {
    let root = copy();
    edit_spec(
        root.path(),
        "  title: Answering Agent Partner API\n",
        "  title: [Answering Agent\n",
    );
    refuses(
        root.path(),
        &["error: openapi/answering-agent.yaml:", "invalid YAML"],
    );
}

#[test]
fn a_document_that_is_not_openapi_3_0_is_refused() {
    let root = copy();
    edit_spec(root.path(), "openapi: 3.0.3", "openapi: 3.1.0");
    let spec = std::fs::read_to_string(root.path().join("openapi/answering-agent.yaml")).unwrap();
    let line = 1 + spec
        .lines()
        .position(|l| l.starts_with("openapi:"))
        .unwrap();
    let expected = format!("openapi/answering-agent.yaml:{line}:1: not an OpenAPI 3.0.x document");
    refuses(root.path(), &[expected.as_str(), "(at /openapi)"]);
}

#[test]
fn a_dangling_ref_names_its_line_and_pointer() {
    let root = copy();
    edit_spec(
        root.path(),
        "$ref: '#/components/schemas/NewOwner'",
        "$ref: '#/components/schemas/Owner'",
    );
    let stderr = refuses(
        root.path(),
        &[
            "dangling `$ref: #/components/schemas/Owner`",
            "(at /components/schemas/NewOrganization/properties/owner/$ref)",
        ],
    );
    let spec = std::fs::read_to_string(root.path().join(SPEC)).unwrap();
    let line = spec
        .lines()
        .position(|l| l.contains("schemas/Owner'"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!("openapi/answering-agent.yaml:{line}:")),
        "{stderr}"
    );
}

#[test]
fn a_shape_progenitor_cannot_take_names_the_operation() {
    let root = copy();
    // A 200 with another body than the 201: progenitor would panic.
    edit_spec(
        root.path(),
        "        '200':\n          $ref: '#/components/responses/OrganizationCreated'\n",
        "        '200':\n          $ref: '#/components/responses/Unauthorized'\n",
    );
    refuses(
        root.path(),
        &[
            "operation `createOrganization`: progenitor needs one success body type",
            "(at /paths/~1organizations/post/responses)",
        ],
    );
}

#[test]
fn a_field_that_does_not_fit_openapi_names_its_pointer() {
    let root = copy();
    edit_spec(
        root.path(),
        "      required:\n        - name\n        - owner\n",
        "      required: yes\n",
    );
    refuses(
        root.path(),
        &[
            "not valid OpenAPI 3.0",
            "/components/schemas/NewOrganization",
        ],
    );
}

#[test]
fn no_operation_sends_api_version_and_header_parameters_still_go_out() {
    // progenitor adds `api-version` to every request; the pipeline removes it
    // (client/codegen/version_header.rs) and keeps the headers the spec declares.
    let text = std::fs::read_to_string(workspace().join(xtask::codegen::SPEC_PATH)).unwrap();
    let mut spec: serde_json::Value = serde_norway::from_str(&text).unwrap();
    let get = spec
        .pointer_mut("/paths/~1organizations~1{organization_id}/get")
        .unwrap();
    let header = serde_json::json!({
        "name": "X-Trace-Id", "in": "header", "required": false, "schema": {"type": "string"}
    });
    match get
        .get_mut("parameters")
        .and_then(serde_json::Value::as_array_mut)
    {
        Some(parameters) => parameters.push(header),
        None => get["parameters"] = serde_json::json!([header]),
    }
    let edited = serde_norway::to_string(&spec).unwrap();

    let plain = xtask::codegen::generate_all("spec.yaml", &text)
        .unwrap()
        .client;
    assert!(!plain.contains("api-version"));
    assert!(!plain.contains("header_map.append"));
    assert!(plain.contains("let header_map = ::reqwest::header::HeaderMap::new();"));

    let with_header = xtask::codegen::generate_all("spec.yaml", &edited)
        .unwrap()
        .client;
    assert!(!with_header.contains("api-version"));
    assert_eq!(with_header.matches("header_map.append(").count(), 1);
    assert!(
        with_header.contains("\"X-Trace-Id\""),
        "the declared header still goes out"
    );
    // Built again for a retry (client/codegen/rebuild.rs), the optional header is borrowed.
    assert!(with_header.contains("if let Some(value) = &x_trace_id"));
}

#[test]
fn no_operation_copies_its_request_for_a_retry() {
    // The pipeline puts each `send`'s request building in a closure the retry loop calls
    // again only for a retry (client/codegen/rebuild.rs), instead of a copy on every call.
    let (client, sends) = generated_sends();
    assert_eq!(
        client
            .matches("let build = || -> Result<::reqwest::Request, Error<types::ErrorBody>> {")
            .count(),
        sends
    );
    assert_eq!(client.matches("let mut request = build()?;").count(), sends);
    assert_eq!(
        client
            .matches("client.exec_with_retries(request, &info, &build, call).await")
            .count(),
        sends
    );
    assert!(
        !client.contains("client.exec(request"),
        "no send bypasses the retry loop"
    );
    assert!(
        !client.contains("a raw body is sent once"),
        "every body here is JSON"
    );
}

#[test]
fn every_send_takes_the_call_state_as_an_argument() {
    // Each call's state (attempts, captured response) is borrowed by its `send` and handed
    // to the retry loop (client/codegen/call_state.rs), not looked up in a task-local.
    // (That each hands it on is in `no_operation_copies_its_request_for_a_retry`.)
    let (client, sends) = generated_sends();
    assert_eq!(
        client.matches("call: &mut crate::hooks::Call,").count(),
        sends
    );
}

#[test]
fn every_operation_puts_its_path_on_the_base_url_parsed_once() {
    // progenitor formats `{baseurl}/path` for reqwest to parse whole on every call; the
    // pipeline makes each `send` format only the path (client/codegen/base_url.rs).
    let (client, sends) = generated_sends();
    assert_eq!(client.matches(".endpoint(").count(), sends);
    assert!(
        !client.contains("client.baseurl,"),
        "no URL is formatted from the base"
    );
    let compact: String = client.split_whitespace().collect();
    assert!(
        compact.contains(r#"format_args!("/locations/{}",encode_path(&location_id.to_string()))"#),
        "path parameters are still encoded"
    );
}

/// The client the pipeline generates from the workspace's spec, and its number of `send`s
/// (one per operation).
fn generated_sends() -> (String, usize) {
    let text = std::fs::read_to_string(workspace().join(xtask::codegen::SPEC_PATH)).unwrap();
    let client = xtask::codegen::generate_all("spec.yaml", &text)
        .unwrap()
        .client;
    let sends = client.matches("pub async fn send(").count();
    assert!(sends >= 17, "{sends} sends");
    (client, sends)
}

const SAMPLE_SPEC: &str = "client/codegen/testdata/sample.yaml";
const SAMPLE_OUTPUT: &str = "client/codegen/testdata/sample_progenitor.rs";

/// The passes' unit tests run on progenitor's output for a small spec, pinned in
/// client/codegen/testdata/. It must be what progenitor writes today, or the tests would
/// pass on code progenitor no longer writes. As with the generated client: in CI (`CI` set)
/// a stale sample fails; locally it is also rewritten, so a rerun passes (review its diff).
#[test]
fn the_passes_sample_is_what_progenitor_writes() {
    let spec = std::fs::read_to_string(workspace().join(SAMPLE_SPEC)).unwrap();
    let now = format!(
        "// @generated by xtask/tests/gen.rs from {SAMPLE_SPEC} with {}: progenitor's output\n\
         // before the pipeline's passes, which their unit tests rewrite. Do not edit.\n\n{}",
        xtask::codegen::GENERATOR,
        xtask::codegen::generate_before_passes(SAMPLE_SPEC, &spec).unwrap()
    );
    let path = workspace().join(SAMPLE_OUTPUT);
    if std::fs::read_to_string(&path).ok().as_deref() == Some(now.as_str()) {
        return;
    }
    if std::env::var_os("CI").is_none() {
        std::fs::write(&path, &now).unwrap();
    }
    panic!(
        "{SAMPLE_OUTPUT} is not what progenitor writes for {SAMPLE_SPEC}; it was rewritten (outside CI): run the passes' tests again"
    );
}

/// Every pass applies to every operation of the sample, and says how many items it rewrote.
#[test]
fn every_pass_applies_to_every_operation_and_is_counted() {
    let spec = std::fs::read_to_string(workspace().join(SAMPLE_SPEC)).unwrap();
    let generated = xtask::codegen::generate_all(SAMPLE_SPEC, &spec).unwrap();
    let counts: Vec<(&str, usize)> = generated.passes.clone();
    let names: Vec<&str> = counts.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "open_enums",
            "derives",
            "non_exhaustive",
            "typed_ids",
            "constructors",
            "version_header",
            "base_url",
            "rebuild",
            "call_state"
        ]
    );
    assert_eq!(counts[0].1, 1, "one string enum: {counts:?}");
    assert_eq!(
        counts[1].1, counts[2].1,
        "every serde type is also non_exhaustive: {counts:?}"
    );
    assert_eq!(counts[3].1, 0, "the sample marks no id: {counts:?}");
    assert!(
        counts[4].1 >= 2,
        "NewWidget and Widget get `new`: {counts:?}"
    );
    for (name, count) in &counts[5..] {
        assert_eq!(*count, generated.model.len(), "{name}: every operation");
    }
    // The project's spec: every pass over every one of its operations.
    let project = std::fs::read_to_string(workspace().join(SPEC)).unwrap();
    let generated = xtask::codegen::generate_all(SPEC, &project).unwrap();
    assert_eq!(
        generated.passes[3],
        ("typed_ids", 4),
        "OrganizationId, LocationId, UserId, ExternalId"
    );
    for (name, count) in &generated.passes[5..] {
        assert_eq!(*count, generated.model.len(), "{name}");
    }
}

/// A pass that finds nothing to rewrite in an operation stops generation, naming both.
#[test]
fn a_pass_that_does_not_apply_names_itself_and_the_operation() {
    let spec = std::fs::read_to_string(workspace().join(SAMPLE_SPEC)).unwrap();
    let mut file: syn::File =
        syn::parse_str(&xtask::codegen::generate_before_passes(SAMPLE_SPEC, &spec).unwrap())
            .unwrap();
    // As if progenitor no longer sent `api-version` from one operation.
    let sends = xtask::codegen::passes::sends_by_builder(&mut file);
    let (_, send) = sends
        .into_iter()
        .find(|(b, _)| b == "DeleteWidget")
        .unwrap();
    xtask::codegen::version_header::remove(send).unwrap();
    let answer = answering_agent_spec::Spec::parse(SAMPLE_SPEC, &spec).unwrap();
    let model = xtask::codegen::operations::model(&answer).unwrap();
    let error = xtask::codegen::passes::run(&mut file, &model, &Default::default()).unwrap_err();
    assert!(
        error.contains("the pass `version_header`") && error.contains("`DeleteWidget`"),
        "{error}"
    );
}

/// Guesses are data: a description that says GUESS needs an `x-guess` beside it, and a
/// marker needs a claim and its evidence; `gen` names the line of each that does not.
#[test]
fn a_guess_without_its_marker_is_refused_with_its_line() {
    let root = copy();
    edit_spec(
        root.path(),
        "      x-guess:\n        claim: \"a location id is an integer\"\n        evidence: \"every id in the vendor's examples is one\"\n",
        "",
    );
    edit_spec(
        root.path(),
        "evidence: \"the only two values in the vendor's examples\"",
        "proof: \"the only two values in the vendor's examples\"",
    );
    let stderr = refuses(
        root.path(),
        &[
            "the description says GUESS but there is no `x-guess: {claim, evidence}` beside it (at /components/parameters/LocationId/description)",
            "`x-guess` takes `claim` and `evidence` (text), and optionally `copes` (at /components/schemas/LocationStatus/x-guess)",
        ],
    );
    assert!(stderr.contains("openapi/answering-agent.yaml:"), "{stderr}");
}

/// `cargo xtask guesses`: every marker with its file, line, pointer, claim and evidence.
#[test]
fn guesses_lists_every_marker_with_its_line() {
    let root = copy();
    let output = xtask(root.path(), &["guesses", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let guesses: Vec<serde_json::Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(guesses.len(), 40);
    let spec = std::fs::read_to_string(root.path().join(SPEC)).unwrap();
    let lines: Vec<&str> = spec.lines().collect();
    for guess in &guesses {
        let line = guess["line"].as_u64().unwrap() as usize;
        let place = lines[line - 1].trim();
        // The line is the node's key: its last pointer segment.
        let last = guess["pointer"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        let last = last.replace("~1", "/").replace("~0", "~");
        assert!(
            place.starts_with(&format!("{last}:")) || place.starts_with(&format!("'{last}':")),
            "{guess} at {place:?}"
        );
        assert!(!guess["claim"].as_str().unwrap().is_empty());
    }
    let text_output = text(&xtask(root.path(), &["guesses"]).stdout);
    assert!(
        text_output.contains("openapi/answering-agent.yaml:"),
        "{text_output}"
    );
    assert!(text_output.ends_with("40 guesses in openapi/answering-agent.yaml\n"));
}
