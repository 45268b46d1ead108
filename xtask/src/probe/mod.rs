//! `cargo xtask probe`: checks the spec against a live API and cleans up after itself.
//!
//! It calls every operation in the order `rest::exercise_order` derives (create before
//! read, update and delete; delete last), plus the refusals worth knowing, with data that
//! carries the run id; writes each answer, redacted as `record` redacts, as a recording
//! and verifies it (schema, generated type, round trip); removes what it made, also after
//! a failure or Ctrl-C; and reports per operation what was seen and per guess whether it
//! holds. Every call that may make a record is written to the run's journal first, so
//! `--cleanup RUN_ID` removes what a killed run left.
//!
//! It runs in `xtask-verify`, which compiles the generated client, for the type checks.

mod assess;
mod cleanup;
mod journal;
mod plan;
mod render;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use answering_agent_spec::rest::Kind;
use answering_agent_spec::{Operation, Spec};

use crate::decoders::Decoder;
use crate::http::Caller;
use crate::record::{PLAYGROUND, PRODUCTION, redact, secrets_in};
use crate::verify::Verifier;
use crate::workspace;
use assess::{Contradiction, Touched};
use journal::{Entry, Journal};
use plan::{Brander, Created, Keys, Purpose};
use render::{Call, Report};

/// The command line of `probe`, shared by `xtask` (for help) and `xtask-verify`.
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction};
    clap::Command::new("probe")
        .about("Check the spec against a live API: call every operation, report which guesses hold, remove what was made")
        .long_about(
            "Calls every operation of the spec in an order derived from it (create first, delete \
             last) and the refusals worth knowing (a missing field, a duplicate external_id, an \
             unknown id, a wrong key), with names and external_ids that carry the run id. Each \
             answer is redacted, written under --out and verified. The report gives per operation \
             the statuses and shapes seen and per guess (x-guess) whether it is contradicted, \
             consistent with what was seen, or not exercised. Everything made is removed at the end, \
             after a failure or Ctrl-C too; `--cleanup RUN_ID` removes what a killed run left.\n\n\
             The key comes from ANSWERING_AGENT_API_KEY. Exit: 0 nothing contradicted, 1 something \
             is, 2 the probe could not run (or was stopped).",
        )
        .arg(
            Arg::new("environment")
                .long("environment")
                .value_name("playground|production|URL")
                .help("The API to probe [default: playground]"),
        )
        .arg(
            Arg::new("production")
                .long("production")
                .action(ArgAction::SetTrue)
                .help("Confirms that production may be probed (it creates and deletes records there)"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("The run's folder: journal, recordings, report [default: target/probe/RUN_ID]"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["text", "markdown", "json"])
                .default_value("text")
                .help("How the report is printed (and written as report.txt, report.md or report.json)"),
        )
        .arg(
            Arg::new("cleanup")
                .long("cleanup")
                .value_name("RUN_ID")
                .help("Only remove what run RUN_ID left (its journal is in --out, or target/probe/RUN_ID)"),
        )
}

/// Runs `probe`: 0 when nothing in the spec is contradicted, 1 when something is, and an
/// error (exit 2) when it cannot run.
pub fn run(matches: &clap::ArgMatches, decoders: &[Decoder]) -> anyhow::Result<ExitCode> {
    let key = std::env::var("ANSWERING_AGENT_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| anyhow::anyhow!("no API key: set ANSWERING_AGENT_API_KEY (a playground key unless you pass --production)"))?;
    let environment = matches.get_one::<String>("environment");
    let production = matches.get_flag("production");
    let root = workspace::root();
    let spec = workspace::spec(&root)?;
    let operations = spec.operations()?;
    if let Some(run) = matches.get_one::<String>("cleanup") {
        // The cleanup deletes what has the run id in a name: a short or made-up id could
        // name somebody else's records.
        anyhow::ensure!(
            is_run_id(run),
            "--cleanup {run}: not a run id (a run prints its id first, as probe-YYYYMMDD-HHMMSS-xxxx)"
        );
        let journal_path = out_dir(matches, &root, run).join(journal::FILE_NAME);
        // Without its journal (killed before it was made, or run elsewhere) the run's
        // records are still found: every name it gives carries the run id.
        let (entries, base) = if journal_path.exists() {
            let entries = journal::read(&journal_path)?;
            let Some(Entry::Started { base, .. }) = entries.first() else {
                unreachable!("journal::read checks the first entry");
            };
            let base = base.clone();
            if let Some(asked) = environment {
                let asked = base_url(asked, production)?;
                anyhow::ensure!(
                    asked == base,
                    "run {run} probed {base}, not {asked}: leave out --environment to clean where it ran"
                );
            }
            (entries, base_url(&base, production)?)
        } else {
            println!(
                "no journal at {}: looking for records named after {run} only",
                journal_path.display()
            );
            let base = base_url(environment.map_or("playground", String::as_str), production)?;
            (Vec::new(), base)
        };
        let caller = Caller::new(&base, &key, "probe")?;
        let keys = Keys::of(&operations);
        let done = cleanup::clean(&spec, &operations, &keys, &caller, run, &entries);
        for (deleted, resource, keys) in done.deleted() {
            println!("{deleted} {} {resource}", keys.len());
        }
        for left in &done.left {
            println!("left {} {}: {}", left.resource, left.key, left.why);
        }
        return Ok(if done.incomplete() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    let base = base_url(environment.map_or("playground", String::as_str), production)?;
    let run = run_id();
    let dir = out_dir(matches, &root, &run);
    // The run id first: it is what `--cleanup` needs if this process is killed.
    println!(
        "probe run {run} against {base} (journal in {})",
        dir.display()
    );
    let steps = plan::steps(&spec, &operations);
    if base == PRODUCTION {
        println!(
            "production: this run asks for these records, named after {run}, and deletes them at the end:"
        );
        for (route, count) in creates(&steps) {
            println!(
                "  {route}: {count} call{} (the refusals among them should make nothing)",
                crate::report::plural(count)
            );
        }
        for operation in operations.iter().filter(|op| op.kind() == Kind::Create) {
            let resource = operation.resource();
            if !operations
                .iter()
                .any(|op| op.kind() == Kind::Delete && op.resource() == resource)
            {
                println!(
                    "  {resource} cannot be deleted (the spec has no delete for them): they stay"
                );
            }
        }
    }
    let mut journal = Journal::create(&dir, &run, &base)?;
    let caller = Caller::new(&base, &key, "probe")?;
    let verifier = Verifier::new(&spec, decoders)?;
    let interrupted = on_ctrl_c();
    let mut probe = Probe {
        spec: &spec,
        keys: Keys::of(&operations),
        brander: Brander::new(&spec, &run),
        caller: &caller,
        verifier: &verifier,
        dir: &dir,
        run: &run,
        key: &key,
        created: Created::new(),
        made: Default::default(),
        touched: Touched::default(),
        contradictions: Vec::new(),
        calls: Vec::new(),
    };
    let mut stopped = None;
    for step in steps {
        if interrupted.load(Ordering::SeqCst) {
            stopped = Some("interrupted (Ctrl-C)".to_string());
            break;
        }
        if let Err(error) = probe.step(&step, &mut journal) {
            stopped = Some(format!("{error:#}"));
            break;
        }
    }
    let entries = journal::read(&dir.join(journal::FILE_NAME))?;
    let cleanup = cleanup::clean(&spec, &operations, &probe.keys, &caller, &run, &entries);
    let (guesses, problems) = spec.guesses();
    if let Some(problem) = problems.first() {
        anyhow::bail!("{problem}");
    }
    let (assessed, unguessed) =
        assess::assess(&spec, &guesses, &probe.touched, &probe.contradictions);
    let report = Report {
        run: run.clone(),
        base,
        spec: crate::codegen::SPEC_PATH.to_string(),
        operations: operations.len(),
        calls: probe.calls,
        guesses: assessed,
        contradictions: probe.contradictions,
        unguessed,
        cleanup,
        stopped,
    };
    let lines_of = |pointer: &str| spec.locate(pointer).map(|l| l.line);
    let (text, file) = match matches.get_one::<String>("format").map(String::as_str) {
        Some("markdown") => (report.markdown(&lines_of), "report.md"),
        Some("json") => (report.json(), "report.json"),
        _ => (report.text(&lines_of), "report.txt"),
    };
    workspace::write_atomically(&dir.join(file), &text)?;
    print!("{text}");
    Ok(if report.stopped.is_some() || report.cleanup.incomplete() {
        ExitCode::from(2)
    } else if report.contradictions.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The base URL `environment` names; production only with `--production`.
fn base_url(environment: &str, production: bool) -> anyhow::Result<String> {
    let base = match environment {
        "playground" => PLAYGROUND.to_string(),
        "production" => PRODUCTION.to_string(),
        url if url.starts_with("http://") || url.starts_with("https://") => {
            url.trim_end_matches('/').to_string()
        }
        other => anyhow::bail!(
            "--environment {other}: give playground, production or a URL (http://... or https://...)"
        ),
    };
    anyhow::ensure!(
        base != PRODUCTION || production,
        "probing production creates and deletes records there: pass --production as well"
    );
    Ok(base)
}

fn out_dir(matches: &clap::ArgMatches, root: &Path, run: &str) -> PathBuf {
    matches
        .get_one::<PathBuf>("out")
        .cloned()
        .unwrap_or_else(|| root.join("target/probe").join(run))
}

/// `probe-YYYYMMDD-HHMMSS-xxxx`: sortable, and unlikely to be in anybody else's data.
fn run_id() -> String {
    let now = chrono::Utc::now();
    let nanos = now.timestamp_subsec_nanos() ^ std::process::id().rotate_left(16);
    format!(
        "probe-{}-{:04x}",
        now.format("%Y%m%d-%H%M%S"),
        nanos & 0xffff
    )
}

fn is_run_id(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    matches!(parts.as_slice(), ["probe", date, time, random]
        if digits(date, 8) && digits(time, 6) && random.len() == 4
            && random.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A flag Ctrl-C sets; a second Ctrl-C ends the process at once (the journal remains).
fn on_ctrl_c() -> &'static AtomicBool {
    static INTERRUPTED: AtomicBool = AtomicBool::new(false);
    #[cfg(unix)]
    {
        extern "C" fn handle(_: libc::c_int) {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                // SAFETY: `_exit` is async-signal-safe.
                unsafe { libc::_exit(130) };
            }
        }
        // SAFETY: the handler only touches an atomic and calls `_exit`.
        unsafe {
            libc::signal(libc::SIGINT, handle as *const () as libc::sighandler_t);
        }
    }
    &INTERRUPTED
}

/// A run in progress.
struct Probe<'r, 's> {
    spec: &'s Spec,
    keys: Keys,
    brander: Brander<'s>,
    caller: &'r Caller,
    verifier: &'r Verifier<'s>,
    dir: &'r Path,
    run: &'r str,
    key: &'r str,
    /// The key of each resource the run made.
    created: Created,
    /// The body each create was made with, by operationId.
    made: std::collections::BTreeMap<String, Value>,
    touched: Touched,
    contradictions: Vec<Contradiction>,
    calls: Vec<Call>,
}

impl<'s> Probe<'_, 's> {
    /// Makes one call of the plan; an error stops the run (the API cannot be reached, the
    /// key is refused, the journal cannot be written).
    fn step(&mut self, step: &plan::Step<'_, 's>, journal: &mut Journal) -> anyhow::Result<()> {
        let operation = step.operation;
        let id = operation.id.unwrap_or(operation.path).to_string();
        let mut call = Call {
            operation: id.clone(),
            route: operation.route(),
            purpose: step.purpose.describe(),
            expected: match step.purpose.expected_status() {
                Some(status) => status.to_string(),
                None => documented_successes(operation),
            },
            ..Call::default()
        };
        let (path, body) = match self.request(step) {
            Ok(request) => request,
            Err(why) => {
                call.skipped = Some(why);
                self.calls.push(call);
                return Ok(());
            }
        };
        if operation.kind() == Kind::Create {
            journal.write(&Entry::Asking {
                resource: operation.resource().to_string(),
                operation: id.clone(),
            })?;
        }
        let wrong_key = format!("{}-not-the-key", self.run);
        let other_key = (step.purpose == Purpose::WrongKey).then_some(wrong_key.as_str());
        let answer = self
            .caller
            .call(operation.method, &path, body.as_ref(), other_key)?;
        let status = answer.status;
        call.status = Some(status);
        call.millis = Some(u64::try_from(answer.elapsed.as_millis()).unwrap_or(u64::MAX));
        if status == 401
            && step.purpose != Purpose::WrongKey
            && self.calls.iter().all(|c| c.status.is_none())
        {
            self.calls.push(call);
            anyhow::bail!(
                "the API refused the key (401) on the first call: check ANSWERING_AGENT_API_KEY and --environment"
            );
        }
        let value: Option<Value> = serde_json::from_slice(&answer.body).ok();
        if operation.kind() == Kind::Create && (200..300).contains(&status) {
            let key = value.as_ref().and_then(|v| {
                self.keys
                    .key_of_created(self.spec, operation, status, body.as_ref(), v)
            });
            if let Some(key) = &key {
                journal.write(&Entry::Created {
                    resource: operation.resource().to_string(),
                    key: key.clone(),
                })?;
            }
            if step.purpose == Purpose::Exercise {
                if let Some(key) = key {
                    self.created.insert(operation.resource().to_string(), key);
                }
                if let Some(body) = &body {
                    self.made.insert(id.clone(), body.clone());
                }
            }
        }
        self.touched
            .call(self.spec, operation, body.as_ref(), status, value.as_ref());
        call.shape = value.as_ref().map(render::shape);
        self.check_status(step, status, &id);
        if let Some(mut value) = value {
            call.recording = self.record(step, status, &id, &mut value);
        } else if !answer.body.is_empty() {
            self.contradict(
                step,
                &id,
                format!("answered {status} with a body that is not JSON"),
                assess::response_place(operation, status),
                None,
            );
        }
        self.calls.push(call);
        Ok(())
    }

    /// The path (with its query) and body of a step, or why it cannot be made.
    fn request(&mut self, step: &plan::Step<'_, 's>) -> Result<(String, Option<Value>), String> {
        let operation = step.operation;
        let own = self.keys.parameter(operation.resource());
        let mut path = operation.path.to_string();
        let mut query = Vec::new();
        for parameter in &operation.parameters {
            let value = if step.purpose == Purpose::UnknownId && Some(parameter.name) == own {
                Some(plan::unknown_key(
                    self.spec,
                    operation,
                    parameter.name,
                    self.run,
                ))
            } else if Some(parameter.name) == own && parameter.location == "path" {
                self.created.get(operation.resource()).cloned()
            } else {
                plan::resource_named_by(parameter.name, &self.created)
                    .and_then(|r| self.created.get(&r).cloned())
            };
            match (parameter.location, value) {
                ("path", Some(value)) => path = cleanup::fill(&path, parameter.name, &value),
                ("query", Some(value)) => query.push(format!(
                    "{}={}",
                    parameter.name,
                    progenitor_client::encode_path(&cleanup::key_text(&value))
                )),
                (_, None) if parameter.required => {
                    return Err(format!("nothing made gives `{}`", parameter.name));
                }
                _ => {}
            }
        }
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let body = match &step.purpose {
            Purpose::Duplicate => {
                let id = operation.id.unwrap_or_default();
                let made = self
                    .made
                    .get(id)
                    .ok_or("the create it repeats was not made")?
                    .clone();
                self.brander.duplicate(operation, &made, &self.created)
            }
            Purpose::MissingField(field) => self
                .brander
                .body(operation, &self.created)
                .map(|b| plan::without(b, field)),
            _ => self.brander.body(operation, &self.created),
        };
        Ok((path, body))
    }

    /// A contradiction when the status is not the one expected, or not documented.
    fn check_status(&mut self, step: &plan::Step<'_, 's>, status: u16, id: &str) {
        let operation = step.operation;
        let expected = step.purpose.expected_status();
        let documented = operation.response_for(status).is_some();
        let as_expected = match expected {
            Some(expected) => status == expected,
            None => (200..300).contains(&status),
        };
        if as_expected && documented {
            return;
        }
        let message = match (as_expected, expected) {
            (true, _) => format!("answered {status}, which the spec does not document"),
            (false, Some(expected)) => format!("answered {status}, not {expected}"),
            (false, None) => format!(
                "answered {status}, not a documented success ({})",
                documented_successes(operation)
            ),
        };
        let places = assess::places_of_status(self.spec, operation, expected, status);
        self.contradict(step, id, message, places, None);
    }

    /// Redacts, writes and verifies one answer; the recording's path in the run's folder.
    fn record(
        &mut self,
        step: &plan::Step<'_, 's>,
        status: u16,
        id: &str,
        value: &mut Value,
    ) -> Option<String> {
        let operation = step.operation;
        redact(self.spec, operation, status, value);
        let text = serde_json::to_string_pretty(value).expect("JSON serializes") + "\n";
        let secrets = secrets_in(&text, self.key);
        if !secrets.is_empty() {
            let message = format!(
                "the {status} answer still has {} after redaction: not written",
                secrets.join(", ")
            );
            self.contradict(
                step,
                id,
                message,
                assess::response_place(operation, status),
                None,
            );
            return None;
        }
        let mut name = format!("{id}/{status}-{}.json", step.purpose.slug());
        let mut n = 1;
        while self.dir.join("recordings").join(&name).exists() {
            n += 1;
            name = format!("{id}/{status}-{}-{n}.json", step.purpose.slug());
        }
        let path = self.dir.join("recordings").join(&name);
        let written = path
            .parent()
            .map(std::fs::create_dir_all)
            .transpose()
            .map_err(anyhow::Error::from)
            .and_then(|_| workspace::write_atomically(&path, &text));
        if let Err(error) = written {
            self.contradict(
                step,
                id,
                format!("cannot write the recording: {error:#}"),
                Vec::new(),
                None,
            );
            return None;
        }
        let relative = format!("recordings/{name}");
        // An undocumented status is reported once, by `check_status`.
        if operation.response_for(status).is_some() {
            for finding in self.verifier.check_bytes(&path, &relative, text.as_bytes()) {
                let places = assess::places_of_finding(operation, status, &finding);
                let message = format!("{}: {} {}", relative, finding.pointer, finding.message);
                self.contradict(step, id, message, places, Some(finding));
            }
        }
        Some(relative)
    }

    fn contradict(
        &mut self,
        step: &plan::Step<'_, 's>,
        id: &str,
        message: String,
        places: impl IntoIterator<Item = String>,
        finding: Option<crate::report::Finding>,
    ) {
        self.contradictions.push(Contradiction {
            operation: id.to_string(),
            purpose: step.purpose.slug().to_string(),
            message,
            places: places.into_iter().collect(),
            finding,
        });
    }
}

/// Each create of the plan and how many times it is called.
fn creates(steps: &[plan::Step<'_, '_>]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for step in steps.iter().filter(|s| s.operation.kind() == Kind::Create) {
        let route = step.operation.route();
        match counts.iter_mut().find(|(r, _)| *r == route) {
            Some((_, count)) => *count += 1,
            None => counts.push((route, 1)),
        }
    }
    counts
}

fn documented_successes(operation: &Operation<'_>) -> String {
    let codes: Vec<String> = operation
        .responses
        .iter()
        .filter_map(|r| r.code().filter(|c| (200..300).contains(c)))
        .map(|c| c.to_string())
        .collect();
    if codes.is_empty() {
        "2xx".to_string()
    } else {
        codes.join(" or ")
    }
}
