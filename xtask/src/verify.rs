//! `cargo xtask verify [PATH...]`: every recorded example (and every example in the spec)
//! checked three ways, in one report: against the spec's schema (`jsonschema`), by decoding
//! into the generated Rust type, and by encoding that again and comparing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::decoders::{Decode, Decoder, RoundTrip, Slot};
use crate::examples::{self, ExampleName, MAX_EXAMPLE_BYTES};
use crate::report::{self, Class, Finding, Format, SpecPlace, plural};
use crate::roundtrip::PathIndex;
use crate::{allow, workspace};
use answering_agent_spec::pointer::{escape, unescape};
use answering_agent_spec::schema::{self, Direction};
use answering_agent_spec::{Operation, Spec, SpecError};

/// The folder of recorded examples, relative to the workspace root.
pub const EXAMPLES_DIR: &str = "openapi/examples";

/// The command line of `verify`, shared by `xtask` (for help) and `xtask-verify`.
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction};
    clap::Command::new("verify")
        .about("Check the recorded examples against the spec and the generated types")
        .long_about(
            "Checks every example under openapi/examples/ and the examples inside the spec, plus \
             any file or folder given: against the spec's schema, by decoding into the generated \
             Rust type, and by encoding that again. Exits 1 on any finding not allowed in \
             openapi/examples/allowed-drift.toml. Never writes.",
        )
        .arg(Arg::new("examples").value_name("PATH").num_args(0..).action(ArgAction::Append).help(
            "More example files or folders, named <operationId>/<status>-<case>.json or <operationId>/request-<case>.json",
        ))
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["text", "json", "github"])
                .default_value("text")
                .help("text (colour on a terminal), json (one object per finding) or github (annotations)"),
        )
}

/// The options in parsed arguments.
pub fn options(matches: &clap::ArgMatches) -> anyhow::Result<Options> {
    let format = matches
        .get_one::<String>("format")
        .map(String::as_str)
        .unwrap_or("text");
    Ok(Options {
        paths: matches
            .get_many::<String>("examples")
            .into_iter()
            .flatten()
            .map(PathBuf::from)
            .collect(),
        format: Format::parse(format)
            .ok_or_else(|| anyhow::anyhow!("unknown format `{format}`"))?,
    })
}

/// What `verify` was asked to do.
pub struct Options {
    /// Files or folders to check besides `openapi/examples/`.
    pub paths: Vec<PathBuf>,
    /// How to print findings.
    pub format: Format,
}

/// Runs `verify`: 0 when nothing disagrees (or only allowed drift), 1 on findings, and an
/// error (exit 2) when the input itself cannot be used. Never writes a file.
pub fn run(
    options: &Options,
    decoders: &[Decoder],
    types: &[crate::type_schemas::TypeSchema],
) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let spec = workspace::spec(&root)?;
    let verifier = Verifier::new(&spec, decoders)?;

    // The project's examples folder may be empty; a folder the user names may not.
    let examples_dir = root.join(EXAMPLES_DIR);
    let mut files = if examples_dir.is_dir() {
        examples::collect(std::slice::from_ref(&examples_dir), false)?
    } else {
        Vec::new()
    };
    files.extend(examples::collect(&options.paths, true)?);
    files.sort();
    files.dedup();

    let mut findings = Vec::new();
    for file in &files {
        findings.extend(verifier.check_file(file, &display(&root, file)));
    }
    let (spec_examples, spec_findings) = verifier.check_spec_examples();
    findings.extend(spec_findings);
    // Needs no recording: each generated type's schema against the spec's.
    let generated_path = crate::codegen::GENERATED_PATH;
    let generated = std::fs::read_to_string(root.join(generated_path)).unwrap_or_default();
    let mismatches = crate::type_schemas::check(&spec, types, generated_path, &generated);
    findings.extend(mismatches);

    let allow_path = examples_dir.join(allow::FILE_NAME);
    let allow_list = allow::AllowList::load(&allow_path, &display(&root, &allow_path))?;
    let findings = allow_list.apply(findings, |file| relative_to(&examples_dir, &root, file));

    let failing = findings.iter().filter(|f| f.allowed.is_none()).count();
    let colour = options.format == Format::Text && report::stdout_wants_colour();
    print!("{}", report::render(&findings, options.format, colour));
    let summary = format!(
        "verified {} example file{}, {} example{} in the spec and {} generated type{}: {} finding{}{}",
        files.len(),
        plural(files.len()),
        spec_examples,
        plural(spec_examples),
        types.len(),
        plural(types.len()),
        failing,
        plural(failing),
        match findings.len() - failing {
            0 => String::new(),
            allowed => format!(" ({allowed} allowed drift)"),
        }
    );
    if options.format == Format::Text {
        println!("{summary}");
    } else {
        eprintln!("{summary}");
    }
    Ok(if failing == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A path as the user should read it: relative to the workspace when inside it.
fn display(root: &Path, path: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    absolute
        .strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A finding's file relative to `openapi/examples/`, as allow-list entries name it.
fn relative_to(examples_dir: &Path, root: &Path, file: &str) -> String {
    let prefix = display(root, examples_dir);
    file.strip_prefix(&prefix)
        .map(|f| f.trim_start_matches('/').to_string())
        .unwrap_or_else(|| file.to_string())
}

/// What an example is checked against.
struct Target {
    /// The JSON pointer of the body's schema in the spec.
    schema: String,
    validator: Compiled,
    /// What the round trip's fast path needs to know of the schema.
    index: Rc<PathIndex>,
    /// The generated type's decoder, when the generated client has this body.
    decode: Option<Decode>,
}

/// An example name's operation and status (`None`: the request).
type TargetKey = (String, Option<u16>);

/// A schema compiled for `jsonschema`, or why it does not compile.
type Compiled = Rc<Result<jsonschema::Validator, String>>;

/// The checks, with the validators it has compiled so far.
pub struct Verifier<'a> {
    spec: &'a Spec,
    decoders: &'a [Decoder],
    operations: HashMap<String, Operation<'a>>,
    validators: RefCell<HashMap<(String, Direction), Compiled>>,
    /// What each example name means, by operation and status (`None`: the request). Only
    /// names the spec knows are kept, so the map is bounded by the spec, whatever names
    /// it is asked about (the fuzz target asks about millions).
    targets: RefCell<HashMap<TargetKey, Rc<Target>>>,
}

impl<'a> Verifier<'a> {
    /// A verifier for a spec and the generated client's decoders; the spec's operations
    /// must resolve.
    pub fn new(spec: &'a Spec, decoders: &'a [Decoder]) -> Result<Self, SpecError> {
        let operations = spec
            .operations()?
            .into_iter()
            .filter_map(|op| Some((op.id?.to_string(), op)))
            .collect();
        Ok(Verifier {
            spec,
            decoders,
            operations,
            validators: RefCell::new(HashMap::new()),
            targets: RefCell::new(HashMap::new()),
        })
    }

    /// Checks one example file; `name` is how findings name it.
    pub fn check_file(&self, path: &Path, name: &str) -> Vec<Finding> {
        let example = match ExampleName::parse(path) {
            Ok(example) => example,
            Err(why) => {
                let mut finding = Finding::new(
                    Class::UnmappedFile,
                    name,
                    "",
                    format!("the name maps to no operation or status: {why}"),
                );
                finding.fix = Some(format!(
                    "name it {EXAMPLES_DIR}/<operationId>/<status>-<case>.json (a response) or .../request-<case>.json (a request body)"
                ));
                return vec![finding];
            }
        };
        if let Err(finding) = self.cached_target(example) {
            return vec![finding.with_file(name)];
        }
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size >= MAX_EXAMPLE_BYTES {
            let message = format!(
                "the file has {size} bytes; examples of {MAX_EXAMPLE_BYTES} bytes or more are not read"
            );
            return vec![Finding::new(Class::UnreadableFile, name, "", message)];
        }
        match std::fs::read(path) {
            Ok(bytes) => self.check_bytes(path, name, &bytes),
            Err(e) => vec![Finding::new(
                Class::UnreadableFile,
                name,
                "",
                format!("cannot read: {e}"),
            )],
        }
    }

    /// Checks the contents of an example file named `path` (for its operation and status);
    /// `name` is how findings name it.
    pub fn check_bytes(&self, path: &Path, name: &str, bytes: &[u8]) -> Vec<Finding> {
        let target = ExampleName::parse(path)
            .map_err(|why| Box::new(Finding::new(Class::UnmappedFile, name, "", why)))
            .and_then(|example| self.cached_target(example));
        let target = match target {
            Ok(target) => target,
            Err(finding) => return vec![finding.with_file(name)],
        };
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(value) => value,
            Err(e) => {
                let mut finding =
                    Finding::new(Class::InvalidJson, name, "", format!("not JSON: {e}"));
                finding.line = Some(e.line());
                finding.column = Some(e.column());
                return vec![finding];
            }
        };
        let mut findings = self.check_value(name, &value, &target);
        if !findings.is_empty() {
            // Lines are worth a second parse only when there is something to point at.
            let text = String::from_utf8_lossy(bytes);
            if let Ok(located) = Spec::parse(name, &text) {
                for finding in &mut findings {
                    if let Some(at) = located.locate(&finding.pointer) {
                        finding.line = Some(at.line);
                        finding.column = Some(at.column);
                    }
                }
            }
        }
        findings
    }

    /// Checks the `example` and `examples` of request and response bodies in the spec (all
    /// three ways) and the `example` of each component schema property (against its schema).
    /// Returns how many examples were checked, and the findings.
    pub fn check_spec_examples(&self) -> (usize, Vec<Finding>) {
        let mut findings = Vec::new();
        let mut checked = std::collections::HashSet::new();
        let mut operations: Vec<_> = self.operations.iter().collect();
        operations.sort_by_key(|(id, _)| *id);
        for (operation, model) in operations {
            let bodies = model
                .request_body
                .iter()
                .map(|node| (node, None))
                .chain(model.responses.iter().map(|r| (&r.node, Some(r.status))));
            for (body, status) in bodies {
                let Some(media_node) = body.get("content").and_then(|c| c.get("application/json"))
                else {
                    continue;
                };
                let (media, media_value) = (media_node.pointer, media_node.value);
                let slot = match status {
                    None => Slot::Request,
                    Some(s) if s.starts_with('2') || s == "default" => Slot::Success,
                    Some(_) => Slot::Error,
                };
                let target = self.build_target(operation, slot, format!("{media}/schema"));
                let mut values = Vec::new();
                if media_value.get("example").is_some() {
                    values.push(format!("{media}/example"));
                }
                for name in media_value
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|m| m.keys())
                {
                    values.push(format!("{media}/examples/{}/value", escape(name)));
                }
                for at in values {
                    // A response component shared by 200 and 201 is checked once.
                    if !checked.insert((at.clone(), operation.clone(), slot)) {
                        continue;
                    }
                    let Some(value) = self.spec.get(&at) else {
                        continue;
                    };
                    let label = format!("{}#{at}", self.spec.file);
                    let mut found = self.check_value(&label, value, &target);
                    for finding in &mut found {
                        finding.line = self
                            .spec
                            .locate(&format!("{at}{}", finding.pointer))
                            .map(|l| l.line);
                    }
                    findings.extend(found);
                }
            }
        }
        let mut property_examples = Vec::new();
        answering_agent_spec::walk(
            self.spec.get("/components/schemas").unwrap_or(&Value::Null),
            &mut "/components/schemas".to_string(),
            &mut |pointer, node| {
                if node.get("example").is_some()
                    && (node.get("type").is_some() || node.get("enum").is_some())
                {
                    property_examples.push(pointer.to_string());
                }
            },
        );
        for schema_pointer in &property_examples {
            let at = format!("{schema_pointer}/example");
            let Some(example) = self.spec.get(&at) else {
                continue;
            };
            let label = format!("{}#{at}", self.spec.file);
            let line = self.spec.locate(&at).map(|l| l.line);
            let validator = self.validator(schema_pointer, Direction::Response);
            findings.extend(
                self.schema_findings(&label, example, schema_pointer, &validator)
                    .into_iter()
                    .map(|finding| Finding { line, ..finding }),
            );
            checked.insert((schema_pointer.clone(), String::new(), Slot::Success));
        }
        (checked.len(), findings)
    }

    /// `target`, computed once per operation and status.
    fn cached_target(&self, example: ExampleName) -> Result<Rc<Target>, Box<Finding>> {
        let key = (example.operation, example.status);
        if let Some(found) = self.targets.borrow().get(&key) {
            return Ok(found.clone());
        }
        // A name the spec does not know is a finding, cheap to make again.
        let target = Rc::new(self.target(&key.0, key.1)?);
        self.targets.borrow_mut().insert(key, target.clone());
        Ok(target)
    }

    /// Everything a body's checks need, compiled once.
    fn build_target(&self, operation: &str, slot: Slot, schema: String) -> Target {
        let direction = if slot == Slot::Request {
            Direction::Request
        } else {
            Direction::Response
        };
        let root = self.spec.get(&schema).unwrap_or(&Value::Null);
        Target {
            validator: self.validator(&schema, direction),
            index: Rc::new(PathIndex::of(&self.spec.value, root, &schema)),
            decode: self
                .decoders
                .iter()
                .find(|d| d.operation == operation && d.slot == slot)
                .map(|d| d.decode),
            schema,
        }
    }

    /// What the spec says an example of operation `id` with this status (`None`: the
    /// request) is, or why it says nothing.
    fn target(&self, id: &str, status: Option<u16>) -> Result<Target, Box<Finding>> {
        let Some(operation) = self.operations.get(id) else {
            let mut known: Vec<&String> = self.operations.keys().collect();
            known.sort();
            let mut finding = Finding::new(
                Class::UnmappedFile,
                "",
                "",
                format!("no operation `{id}` in the spec (the folder names the operationId)"),
            );
            finding.fix = Some(format!(
                "move the file into a folder named after one of: {}",
                join(&known)
            ));
            return Err(Box::new(finding));
        };
        let written = match status {
            None => operation.request_body.clone(),
            Some(status) => {
                let Some(response) = operation.response_for(status) else {
                    let documented: Vec<&str> =
                        operation.responses.iter().map(|r| r.status).collect();
                    let mut finding = Finding::new(
                        Class::UndocumentedStatus,
                        "",
                        "",
                        format!("operation `{id}` documents no {status} response"),
                    );
                    finding.expected = Some(format!("one of {}", documented.join(", ")));
                    finding.actual = Some(status.to_string());
                    finding.spec =
                        Some(self.place(&format!("{}/responses", operation.node.pointer)));
                    finding.fix = Some(format!(
                        "document a {status} response in the spec, or rename the file"
                    ));
                    return Err(Box::new(finding));
                };
                Some(response.node.clone())
            }
        };
        let Some(schema) = written.as_ref().and_then(|node| node.json_schema()) else {
            let what = match status {
                Some(_) => "this status",
                None => "the request",
            };
            let mut finding = Finding::new(
                Class::UndocumentedStatus,
                "",
                "",
                format!("the spec documents no JSON body for {what}"),
            );
            let place = written.map_or_else(
                || format!("{}/requestBody", operation.node.pointer),
                |node| node.written_at,
            );
            finding.spec = Some(self.place(&place));
            return Err(Box::new(finding));
        };
        let schema = schema.pointer;
        let slot = match status {
            None => Slot::Request,
            Some(status) if (200..300).contains(&status) => Slot::Success,
            Some(_) => Slot::Error,
        };
        Ok(self.build_target(id, slot, schema))
    }

    /// The three checks of one body. Schema findings come first and cover what follows
    /// from them: a type or round-trip finding at or below (or above) the same place is the
    /// same disagreement seen again, and is not repeated.
    fn check_value(&self, file: &str, value: &Value, target: &Target) -> Vec<Finding> {
        let mut findings = self.schema_findings(file, value, &target.schema, &target.validator);
        let root = self.spec.get(&target.schema).unwrap_or(&Value::Null);
        let covered = |pointer: &str, findings: &[Finding]| {
            findings.iter().any(|f| related(&f.pointer, pointer))
        };
        let Some(decode) = target.decode else {
            return findings;
        };
        match decode(value, &target.index) {
            Ok(RoundTrip::Same) => {}
            Err(error) => {
                if !covered(&error.pointer, &findings) {
                    let mut finding = Finding::new(
                        Class::TypeMismatch,
                        file,
                        error.pointer.clone(),
                        format!("the generated type refuses this value: {}", error.message),
                    );
                    self.annotate(&mut finding, value, (root, &target.schema));
                    finding.fix = Some(
                        "the schema accepts what the generated type refuses: run `cargo xtask gen` if client/generated.rs is stale, else tighten the schema".to_string(),
                    );
                    findings.push(finding);
                }
            }
            Ok(RoundTrip::Changed(encoded)) => {
                let mut round_trip = Vec::new();
                self.compare(
                    file,
                    value,
                    &encoded,
                    Some((root, target.schema.clone())),
                    "",
                    &mut round_trip,
                );
                round_trip.retain(|f| !covered(&f.pointer, &findings));
                findings.extend(round_trip);
            }
        }
        findings
    }

    /// The `jsonschema` verdict on `value`, one finding per error, classified.
    fn schema_findings(
        &self,
        file: &str,
        value: &Value,
        schema_pointer: &str,
        validator: &Compiled,
    ) -> Vec<Finding> {
        let validator = match validator.as_ref() {
            Ok(validator) => validator,
            Err(why) => {
                let mut finding = Finding::new(
                    Class::SchemaViolation,
                    file,
                    "",
                    format!("the spec's schema does not compile: {why}"),
                );
                finding.spec = Some(self.place(schema_pointer));
                return vec![finding];
            }
        };
        if validator.is_valid(value) {
            return Vec::new();
        }
        let root = self.spec.get(schema_pointer).unwrap_or(&Value::Null);
        let mut findings = Vec::new();
        for error in schema::errors(validator, value) {
            let at = error.instance_path().as_str().to_string();
            let instance = value.pointer(&at).unwrap_or(&Value::Null);
            let (class, pointer, fix) = match error.kind() {
                ValidationErrorKind::Required { property } => {
                    let name = property.as_str().unwrap_or_default();
                    (
                        Class::MissingRequired,
                        format!("{at}/{}", escape(name)),
                        format!("if the server may leave out `{name}`, drop it from `required`"),
                    )
                }
                ValidationErrorKind::Type { .. } if instance.is_null() => (
                    Class::NullNotNullable,
                    at.clone(),
                    "if the server may send null here, add `nullable: true`".to_string(),
                ),
                ValidationErrorKind::Type { .. } => (
                    Class::InvalidType,
                    at.clone(),
                    "correct the `type` in the spec, or the example".to_string(),
                ),
                ValidationErrorKind::Format { format } => (
                    Class::InvalidFormat,
                    at.clone(),
                    format!("if the server really sends this, drop or change `format: {format}`"),
                ),
                ValidationErrorKind::Enum { .. } if instance.is_string() => (
                    Class::UnknownEnumValue,
                    at.clone(),
                    format!(
                        "add {instance} to the enum, or list the value in {EXAMPLES_DIR}/{}",
                        allow::FILE_NAME
                    ),
                ),
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    for name in unexpected {
                        let pointer = format!("{at}/{}", escape(name));
                        let mut finding = Finding::new(
                            Class::UnknownField,
                            file,
                            pointer.clone(),
                            format!("`{name}` is not a property the spec describes"),
                        );
                        self.annotate(&mut finding, value, (root, schema_pointer));
                        if let Some((parent, _)) =
                            schema::at(&self.spec.value, (root, schema_pointer), value, &at)
                        {
                            finding.expected = Some(format!(
                                "only the properties {}",
                                join(&property_names(parent))
                            ));
                        }
                        finding.fix = Some(format!(
                            "describe `{name}` in the properties at {}, or list it in {EXAMPLES_DIR}/{}",
                            finding.spec.as_ref().map_or(String::new(), |s| format!(
                                "{}:{}",
                                s.file,
                                s.line.unwrap_or(0)
                            )),
                            allow::FILE_NAME
                        ));
                        findings.push(finding);
                    }
                    continue;
                }
                _ => (
                    Class::SchemaViolation,
                    at.clone(),
                    "correct the schema or the example".to_string(),
                ),
            };
            let mut finding = Finding::new(class, file, pointer.clone(), error.to_string());
            self.annotate(&mut finding, value, (root, schema_pointer));
            finding.fix = Some(fix);
            findings.push(finding);
        }
        findings
    }

    /// Compares an example with what the generated type made of it.
    fn compare(
        &self,
        file: &str,
        original: &Value,
        encoded: &Value,
        schema: Option<(&Value, String)>,
        pointer: &str,
        out: &mut Vec<Finding>,
    ) {
        if original == encoded {
            return;
        }
        let child = |key: &str, array: bool| {
            let (node, at) = schema.as_ref()?;
            schema::child(&self.spec.value, (node, at), key, array)
        };
        match (original, encoded) {
            (Value::Object(before), Value::Object(after)) => {
                for (key, value) in before {
                    let here = format!("{pointer}/{}", escape(key));
                    let property = child(key, false);
                    match after.get(key) {
                        Some(again) => self.compare(file, value, again, property, &here, out),
                        // Not in the spec: reported as an unknown field, or expected extra.
                        None if property.is_none() => {}
                        None => {
                            let required = schema.as_ref().is_some_and(|(node, _)| {
                                schema::requires(&self.spec.value, node, key)
                            });
                            let default =
                                property.as_ref().and_then(|(node, _)| node.get("default"));
                            // For an optional property, null and its default mean the same
                            // as absent.
                            if required || !(value.is_null() || default == Some(value)) {
                                let (class, message) = if value.is_null() {
                                    (
                                        Class::RoundTripChanged,
                                        "null became absent, but the spec requires the property"
                                            .to_string(),
                                    )
                                } else {
                                    (
                                        Class::DroppedByType,
                                        format!("the generated type dropped `{key}`"),
                                    )
                                };
                                let mut finding = Finding::new(class, file, here, message);
                                finding.actual = Some(short(value));
                                finding.expected =
                                    property.as_ref().map(|(node, _)| schema::describe(node));
                                finding.spec = property.as_ref().map(|(_, at)| self.place(at));
                                finding.fix = Some("check how the schema of this property generates (client/generated.rs)".to_string());
                                out.push(finding);
                            }
                        }
                    }
                }
                for (key, value) in after.iter().filter(|(key, _)| !before.contains_key(*key)) {
                    let property = child(key, false);
                    let default = property.as_ref().and_then(|(node, _)| node.get("default"));
                    if default != Some(value) {
                        let mut finding = Finding::new(
                            Class::RoundTripChanged,
                            file,
                            format!("{pointer}/{}", escape(key)),
                            format!("the generated type added `{key}`, absent from the example"),
                        );
                        finding.actual = Some("absent".to_string());
                        finding.expected = Some(format!("re-encoded as {}", short(value)));
                        finding.spec = property.as_ref().map(|(_, at)| self.place(at));
                        out.push(finding);
                    }
                }
            }
            (Value::Array(before), Value::Array(after)) if before.len() == after.len() => {
                for (index, (value, again)) in before.iter().zip(after).enumerate() {
                    let here = format!("{pointer}/{index}");
                    self.compare(file, value, again, child("", true), &here, out);
                }
            }
            _ if same_on_the_wire(original, encoded, schema.as_ref().map(|(node, _)| *node)) => {}
            _ => {
                let mut finding = Finding::new(
                    Class::RoundTripChanged,
                    file,
                    pointer,
                    "decoding into the generated type and encoding again changed the value",
                );
                finding.actual = Some(short(original));
                finding.expected = Some(format!(
                    "the same value; re-encoded as {}{}",
                    short(encoded),
                    schema
                        .as_ref()
                        .map(|(node, _)| format!(" (spec: {})", schema::describe(node)))
                        .unwrap_or_default()
                ));
                finding.spec = schema.as_ref().map(|(_, at)| self.place(at));
                finding.fix =
                    Some("check the type and format of this property in the spec".to_string());
                out.push(finding);
            }
        }
    }

    /// Fills in what the spec says at the finding's place, and where.
    fn annotate(&self, finding: &mut Finding, value: &Value, root: (&Value, &str)) {
        let pointer = finding.pointer.clone();
        finding.actual = Some(match value.pointer(&pointer) {
            Some(found) => short(found),
            None => "absent".to_string(),
        });
        if let Some((node, at)) = schema::at(&self.spec.value, root, value, &pointer) {
            let mut said = schema::describe(node);
            if let Some((parent, name)) = pointer.rsplit_once('/')
                && let Some((parent_node, _)) = schema::at(&self.spec.value, root, value, parent)
            {
                let required = schema::requires(&self.spec.value, parent_node, &unescape(name));
                said.push_str(if required { ", required" } else { ", optional" });
            }
            finding.expected = Some(said);
            finding.spec = Some(self.place(&at));
        } else if let Some((parent, _)) = pointer.rsplit_once('/')
            && let Some((node, at)) = schema::at(&self.spec.value, root, value, parent)
        {
            finding.expected = Some(schema::describe(node));
            finding.spec = Some(self.place(&at));
        }
    }

    fn place(&self, pointer: &str) -> SpecPlace {
        SpecPlace {
            file: self.spec.file.clone(),
            pointer: pointer.to_string(),
            line: self.spec.locate(pointer).map(|l| l.line),
        }
    }

    fn validator(&self, schema_pointer: &str, direction: Direction) -> Compiled {
        let key = (schema_pointer.to_string(), direction);
        if let Some(found) = self.validators.borrow().get(&key) {
            return found.clone();
        }
        let target = self.spec.get(schema_pointer).unwrap_or(&Value::Null);
        let built = Rc::new(
            schema::validator(&self.spec.value, target, direction, true).map_err(|e| e.to_string()),
        );
        self.validators.borrow_mut().insert(key, built.clone());
        built
    }
}

impl Finding {
    fn with_file(mut self: Box<Self>, file: &str) -> Finding {
        self.file = file.to_string();
        *self
    }
}

/// Whether two pointers name the same place or one contains the other.
fn related(a: &str, b: &str) -> bool {
    let within = |outer: &str, inner: &str| {
        inner == outer || inner.starts_with(&format!("{outer}/")) || outer.is_empty()
    };
    within(a, b) || within(b, a)
}

/// Equal as the wire means them: `1` and `1.0`; the same instant written `...09Z`,
/// `...09.000000Z` or `+00:00` where the spec says `date-time`.
fn same_on_the_wire(a: &Value, b: &Value, schema: Option<&Value>) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::String(x), Value::String(y)) => {
            let format = schema.and_then(|s| s.get("format")).and_then(Value::as_str);
            let parse = chrono::DateTime::parse_from_rfc3339;
            match format {
                Some("date-time") => matches!((parse(x), parse(y)), (Ok(x), Ok(y)) if x == y),
                _ => x == y,
            }
        }
        _ => a == b,
    }
}

fn property_names(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value in at most 80 characters, for reports.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 80 {
        text
    } else {
        format!("{}…", text.chars().take(79).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_spec_does_not_know_are_not_kept() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(crate::codegen::SPEC_PATH),
        )
        .unwrap();
        let spec = Spec::parse(crate::codegen::SPEC_PATH, &text).unwrap();
        let verifier = Verifier::new(&spec, &[]).unwrap();
        for i in 0..100 {
            let unknown = format!("noSuchOperation{i}/201-x.json");
            let findings = verifier.check_bytes(Path::new(&unknown), "x.json", b"{}");
            assert_eq!(findings.len(), 1, "{findings:?}");
            let undocumented = format!("createOrganization/{}-x.json", 300 + i);
            let findings = verifier.check_bytes(Path::new(&undocumented), "x.json", b"{}");
            assert_eq!(findings.len(), 1, "{findings:?}");
        }
        verifier.check_bytes(
            Path::new("createOrganization/201-fresh.json"),
            "x.json",
            b"{}",
        );
        assert_eq!(
            verifier.targets.borrow().len(),
            1,
            "only the known name is kept"
        );
    }
}
