//! `cargo xtask fuzz [TARGET]... [--seconds N]`: a short run of each fuzz target of fuzz/
//! (cargo-fuzz, nightly), from seed corpora written fresh from the spec and the examples.
//!
//! The seeds are built here, from the repository's files, in the input format each target
//! documents at its top (fuzz/fuzz_targets/). Nothing here names an operation: the seeds
//! come from whatever the spec and openapi/examples hold.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use answering_agent_spec::{Spec, schema};
use serde_json::{Map, Value};

use crate::codegen::SPEC_PATH;
use crate::examples::ExampleName;
use crate::verify::EXAMPLES_DIR;
use crate::workspace;

/// The targets, in the order they run.
pub const TARGETS: &[&str] = &["spec", "diff", "verify", "fake", "client"];

/// The longest input libFuzzer makes, by target: a slice of the spec is at most 18 kB, a
/// pair of them twice that; everything else is small. (libFuzzer's default is the longest
/// seed, or 4,096 bytes.)
const MAX_LEN: &[(&str, usize)] = &[
    ("spec", 24_000),
    ("diff", 48_000),
    ("verify", 8_192),
    ("fake", 8_192),
    ("client", 8_192),
];

/// The key the `fake` target's fake accepts (fuzz/fuzz_targets/fake.rs).
const FAKE_KEY: &str = "fuzz-key";

/// The command line of `fuzz`.
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction};
    clap::Command::new("fuzz")
        .about("Run each fuzz target of fuzz/ for a short while (cargo-fuzz on nightly), from seeds written from the spec and the examples")
        .arg(
            Arg::new("targets")
                .value_name("TARGET")
                .action(ArgAction::Append)
                .value_parser(clap::builder::PossibleValuesParser::new(TARGETS))
                .help("Which targets [default: all]"),
        )
        .arg(
            Arg::new("seconds")
                .long("seconds")
                .value_parser(clap::value_parser!(u64).range(1..))
                .default_value("20")
                .help("How long each target runs"),
        )
        .arg(
            Arg::new("seeds-only")
                .long("seeds-only")
                .action(ArgAction::SetTrue)
                .help("Write the seed corpora (fuzz/corpus/TARGET/seed-*) and stop"),
        )
}

/// One target's run, as libFuzzer reported it.
struct Run {
    target: String,
    executions: u64,
    seconds: u64,
    crashed: bool,
    /// The input that crashed it, as libFuzzer wrote it.
    artifact: Option<String>,
}

pub fn run(matches: &clap::ArgMatches) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let targets: Vec<String> = match matches.get_many::<String>("targets") {
        Some(chosen) => chosen.cloned().collect(),
        None => TARGETS.iter().map(|t| t.to_string()).collect(),
    };
    let seconds = *matches.get_one::<u64>("seconds").unwrap_or(&20);
    let seeds = seeds(&root)?;
    for target in &targets {
        let corpus = root.join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", corpus.display()))?;
        for (name, bytes) in seeds
            .iter()
            .filter(|(t, _, _)| t == target)
            .map(|(_, n, b)| (n, b))
        {
            workspace::write_atomically(&corpus.join(name), bytes)?;
        }
    }
    println!(
        "seed corpora written to fuzz/corpus/ ({} files)",
        seeds.len()
    );
    if matches.get_flag("seeds-only") {
        return Ok(ExitCode::SUCCESS);
    }
    check_cargo_fuzz(&root)?;
    let mut runs = Vec::new();
    for target in &targets {
        println!("\n=== fuzz target `{target}`, {seconds} s");
        runs.push(run_target(&root, target, seconds)?);
    }
    println!(
        "\n{:<8} {:>12} {:>8} {:>10}  result",
        "target", "executions", "seconds", "exec/s"
    );
    for run in &runs {
        println!(
            "{:<8} {:>12} {:>8} {:>10}  {}",
            run.target,
            run.executions,
            run.seconds,
            run.executions / run.seconds.max(1),
            if run.crashed {
                "CRASH (see above)"
            } else {
                "no crash"
            }
        );
    }
    let crashed: Vec<&Run> = runs.iter().filter(|r| r.crashed).collect();
    for run in &crashed {
        let input = run
            .artifact
            .as_deref()
            .unwrap_or("fuzz/artifacts/TARGET/crash-...");
        eprintln!(
            "error: fuzz target `{}` crashed on {input}\n  reproduce: cargo +nightly fuzz run --sanitizer none {} {input}\n  then fix it, and keep the input as a regression test (fuzz/README.md)",
            run.target, run.target
        );
    }
    if !crashed.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// cargo-fuzz and a nightly toolchain, or an error that says how to get them.
fn check_cargo_fuzz(root: &Path) -> anyhow::Result<()> {
    let works = nested_cargo()
        .args(["+nightly", "fuzz", "--version"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    anyhow::ensure!(
        works,
        "`cargo +nightly fuzz` does not run here: install cargo-fuzz with `cargo install cargo-fuzz` and a nightly toolchain with `rustup toolchain install nightly`"
    );
    Ok(())
}

fn run_target(root: &Path, target: &str, seconds: u64) -> anyhow::Result<Run> {
    // No sanitizer: the code is safe Rust, and ASan would halve the executions; panics,
    // aborts, hangs (-timeout) and memory blow-ups (-rss_limit_mb) are what is looked for.
    let output = nested_cargo()
        .args(["+nightly", "fuzz", "run", "--sanitizer", "none", target])
        .arg(format!("fuzz/corpus/{target}"))
        .args([
            "--",
            "-timeout=10",
            "-rss_limit_mb=4096",
            "-print_final_stats=1",
        ])
        .args(
            MAX_LEN
                .iter()
                .filter(|(t, _)| *t == target)
                .map(|(_, n)| format!("-max_len={n}")),
        )
        .arg(format!("-max_total_time={seconds}"))
        .current_dir(root)
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|child| child.wait_with_output())
        .map_err(|e| anyhow::anyhow!("cannot run cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    // libFuzzer's progress and a panic's backtrace are long: what matters is the build's
    // errors, the panic's message, where the input went, and the final figures.
    let lines: Vec<&str> = log.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let wanted = line.starts_with("error")
            || line.starts_with("stat::")
            || line.starts_with("Done ")
            || line.contains("ERROR:")
            || line.contains("Test unit written to")
            || line.contains("panicked at")
            || (i > 0 && lines[i - 1].contains("panicked at"));
        if wanted {
            eprintln!("{line}");
        }
    }
    let stat = |name: &str| {
        log.lines().rev().find_map(|l| {
            l.strip_prefix(name)?
                .trim()
                .trim_start_matches(':')
                .trim()
                .parse::<u64>()
                .ok()
        })
    };
    let executions = stat("stat::number_of_executed_units");
    // It ran when it counted executions, finished, or crashed.
    anyhow::ensure!(
        executions.is_some()
            || output.status.success()
            || log.contains("deadly signal")
            || log.contains("panicked"),
        "fuzz target `{target}` did not run (the build failed?): see above"
    );
    Ok(Run {
        target: target.to_string(),
        executions: executions.unwrap_or(0),
        seconds: seconds.min(stat("Done ").unwrap_or(seconds).max(1)),
        crashed: !output.status.success(),
        artifact: log
            .lines()
            .find_map(|l| Some(l.split_once("Test unit written to ")?.1.trim().to_string())),
    })
}

/// Every seed: (target, file name, contents).
pub fn seeds(root: &Path) -> anyhow::Result<Vec<(String, String, String)>> {
    let spec = workspace::spec(root)?;
    let operations = operations(&spec)?;
    let slices: Vec<(String, String)> = operations
        .iter()
        .map(|op| Ok((op.id.clone(), slice(&spec, op)?)))
        .collect::<anyhow::Result<_>>()?;
    // The whole spec goes through the same code in every `gen` and test; the fuzzer's time
    // goes further on its slices (MAX_LEN).
    let mut seeds = Vec::new();
    let mut seed = |target: &str, name: String, text: String| {
        seeds.push((target.to_string(), name, text));
    };
    for (i, (id, text)) in slices.iter().enumerate() {
        seed("spec", format!("seed-{id}"), text.clone());
        let (next_id, next) = &slices[(i + 1) % slices.len()];
        let pair = format!("{text}\0{next}");
        seed("diff", format!("seed-{id}-{next_id}"), pair);
        seed("diff", format!("seed-{id}"), format!("{text}\0{text}"));
    }
    for (name, body) in examples(root)? {
        let file = name.replace('/', "-");
        seed("verify", format!("seed-{file}"), format!("{name}\n{body}"));
        let example = ExampleName::parse(Path::new(&name));
        if let Ok(ExampleName {
            operation,
            status: Some(status),
            ..
        }) = example
        {
            let head = format!("{operation} {status}\ncontent-type: application/json\n");
            seed("client", format!("seed-{file}"), format!("{head}\n{body}"));
        }
    }
    let creates = creates(&operations);
    // Where the fake serves.
    let base_path = spec.base_path();
    for op in &operations {
        let id = &op.id;
        seed(
            "client",
            format!("seed-{id}-429"),
            format!("{id} 429\nretry-after: 1\n\n{{}}"),
        );
        seed("client", format!("seed-{id}-204"), format!("{id} 204\n\n"));
        // Twice: a create whose body refers to another's record succeeds the second time.
        let requests: Vec<String> = creates
            .iter()
            .chain(&creates)
            .copied()
            .chain([op])
            .map(|o| request(o, &operations, &base_path))
            .collect();
        seed("fake", format!("seed-{id}"), requests.join("\0"));
    }
    Ok(seeds)
}

/// What the seeds and the `client` target need of one operation.
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    /// Path and query parameters: (name, in, example or a value of the type).
    pub parameters: Vec<(String, String, Value)>,
    /// The request body's first example, or one made of its properties' examples.
    pub body: Option<Value>,
}

impl Operation {
    /// The operation's arguments for `Client::send_json`: parameters by name, and `body`.
    pub fn arguments(&self) -> Map<String, Value> {
        let mut arguments: Map<String, Value> = self
            .parameters
            .iter()
            .map(|(name, _, value)| (name.clone(), value.clone()))
            .collect();
        if let Some(body) = &self.body {
            arguments.insert("body".to_string(), body.clone());
        }
        arguments
    }
}

/// Every operation of a spec that has an `operationId`, in the spec's order.
pub fn operations(spec: &Spec) -> anyhow::Result<Vec<Operation>> {
    let resolved = |node: &Value| schema::deref(&spec.value, node, "").0.clone();
    let mut found = Vec::new();
    for op in spec.operations()? {
        let Some(id) = op.id else {
            continue;
        };
        let parameters = op
            .parameters
            .iter()
            .map(|p| {
                let kind = p.schema().map(|s| resolved(s.value)["type"].clone());
                let value = match (
                    p.node.value.get("example"),
                    kind.as_ref().and_then(Value::as_str),
                ) {
                    (Some(example), _) => example.clone(),
                    (None, Some("integer" | "number")) => Value::from(1),
                    (None, Some("boolean")) => Value::from(true),
                    _ => Value::from("x"),
                };
                (p.name.to_string(), p.location.to_string(), value)
            })
            .collect();
        let content = op
            .request_body
            .as_ref()
            .and_then(|b| b.get("content")?.get("application/json"))
            .map(|c| c.value.clone())
            .unwrap_or(Value::Null);
        let body = match content.get("examples").and_then(Value::as_object) {
            Some(examples) => examples
                .values()
                .next()
                .map(|e| resolved(e)["value"].clone()),
            None => content
                .get("example")
                .cloned()
                .or_else(|| content.get("schema").map(|s| example_of(&spec.value, s, 0))),
        };
        found.push(Operation {
            id: id.to_string(),
            method: op.method.to_uppercase(),
            path: op.path.to_string(),
            parameters,
            body,
        });
    }
    Ok(found)
}

/// A value of `schema` made of its examples: the schema's own, else an object of every
/// property that has one (and of every required one), else a value of its type.
fn example_of(spec: &Value, schema: &Value, depth: usize) -> Value {
    let (schema, _) = schema::deref(spec, schema, "");
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if depth > 8 {
        return Value::Null;
    }
    match schema["type"].as_str() {
        Some("integer" | "number") => Value::from(1),
        Some("boolean") => Value::from(true),
        Some("string") => Value::from("x"),
        Some("array") => Value::Array(vec![example_of(spec, &schema["items"], depth + 1)]),
        _ => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let object = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(name, property)| {
                    required.contains(&name.as_str()) || property.get("example").is_some()
                })
                .map(|(name, property)| (name.clone(), example_of(spec, property, depth + 1)))
                .collect();
            Value::Object(object)
        }
    }
}

/// The operations that create something from nothing: a POST with a body and no path
/// parameter, in the spec's order.
fn creates(operations: &[Operation]) -> Vec<&Operation> {
    operations
        .iter()
        .filter(|o| o.method == "POST" && o.body.is_some() && !o.path.contains('{'))
        .collect()
}

/// One request of the `fake` target's input format. A string path parameter takes a value
/// of the same name from a create's example body (`external_id`), so that it finds
/// something; an integer one is 1, the fake's first id.
fn request(op: &Operation, all: &[Operation], base_path: &str) -> String {
    let from_bodies = |name: &str| {
        all.iter()
            .filter_map(|o| o.body.as_ref())
            .find_map(|body| find(body, name))
    };
    let mut path = format!("{base_path}{}", op.path);
    let mut query = Vec::new();
    for (name, place, value) in &op.parameters {
        let value = match value {
            Value::String(_) => from_bodies(name).unwrap_or_else(|| value.clone()),
            other => other.clone(),
        };
        let text = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match place.as_str() {
            "path" => path = path.replace(&format!("{{{name}}}"), &text),
            "query" => query.push(format!("{name}={text}")),
            _ => {}
        }
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let body = op
        .body
        .as_ref()
        .map(|b| first_ids(b.clone()).to_string())
        .unwrap_or_default();
    format!(
        "{} {path}\nx-api-key: {FAKE_KEY}\ncontent-type: application/json\naccept: application/json\n\n{body}",
        op.method
    )
}

/// `value` with every integer under a name ending in `_id` set to 1, the fake's first id.
fn first_ids(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(name, v)| {
                    let v = match v {
                        Value::Number(_) if name.ends_with("_id") => Value::from(1),
                        other => first_ids(other),
                    };
                    (name, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(first_ids).collect()),
        other => other,
    }
}

/// The first value under `name` anywhere in `value`.
fn find(value: &Value, name: &str) -> Option<Value> {
    match value {
        Value::Object(map) => map
            .get(name)
            .cloned()
            .or_else(|| map.values().find_map(|v| find(v, name))),
        Value::Array(items) => items.iter().find_map(|v| find(v, name)),
        _ => None,
    }
}

/// The spec with one operation only and the components it reaches: a valid spec of a few
/// kilobytes, where the whole spec has sixty (parsing and generating take time in
/// proportion, and the fuzzer runs ten times as many inputs).
fn slice(spec: &Spec, op: &Operation) -> anyhow::Result<String> {
    let model = spec
        .operations()?
        .into_iter()
        .find(|m| m.id == Some(op.id.as_str()))
        .ok_or_else(|| anyhow::anyhow!("no operation `{}` in {SPEC_PATH}", op.id))?;
    answering_agent_spec::yaml_text(&spec.with_only(&model))
        .map_err(|e| anyhow::anyhow!("slicing {SPEC_PATH}: {e}"))
}

/// Every example file: (`operationId/file.json`, contents).
fn examples(root: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let dir = root.join(EXAMPLES_DIR);
    crate::examples::collect(std::slice::from_ref(&dir), false)?
        .into_iter()
        .map(|file| {
            let name = file.strip_prefix(&dir).unwrap_or(&file).to_string_lossy();
            Ok((name.replace('\\', "/"), workspace::read(&file)?))
        })
        .collect()
}

/// `cargo` through the rustup proxy, so that `+nightly` works, as a nested cargo.
fn nested_cargo() -> Command {
    let mut cargo = Command::new("cargo");
    workspace::drop_cargo_variables(&mut cargo);
    // The outer cargo's toolchain must not pin the nested one.
    cargo.env_remove("RUSTUP_TOOLCHAIN");
    cargo
}
