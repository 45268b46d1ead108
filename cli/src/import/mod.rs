//! `answering-agent organizations import FILE`: one organization with its owner per row,
//! several at a time, with a journal so that a run that was interrupted and run again
//! creates every row exactly once.
//!
//! A row is known by its owner's `external_id`, unique across a partner account. After an
//! unknown outcome (a 502 or a timeout after the create was sent, or a crash before its
//! answer was written down) the row is looked up by that id before it is sent again: the
//! operation's `x-if-outcome-unknown` in the spec says how, and [`look_up`] does that.

mod journal;
mod lines;
mod rows;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use answering_agent::types::NewOrganization;
use answering_agent::{Client, Error, Operation};
use clap::{Arg, ArgAction, ArgMatches};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::exit::{self, Failure};
use crate::spec::Body;
use journal::{Journal, State};

/// The operation the import sends, and under whose group the command is.
pub const OPERATION: Operation = Operation::CreateOrganization;
/// The subcommand's name.
pub const VERB: &str = "import";
/// The field that identifies a row: unique across a partner account, and the way to look
/// an organization up by its owner (`GET /users/{external_id}`).
const KEY: [&str; 2] = ["owner", "external_id"];

/// The clap command.
pub fn command() -> clap::Command {
    clap::Command::new(VERB)
        .about("Create an organization with its owner for every row of a CSV or JSON Lines file")
        .long_about(
            "Create an organization with its owner for every row of a CSV or JSON Lines file.\n\n\
             A CSV file has a header row whose columns are the request body's fields, nested ones \
             joined by a dot: name, description, owner.external_id, owner.email, owner.name (as \
             `organizations create --help` lists them). A JSON Lines file has one request body a line.\n\n\
             Every event is written to a journal (FILE.journal) as it happens. Run the same \
             command again after an interruption (Ctrl-C, a crash, a lost network): rows already \
             created are skipped, rows whose outcome is unknown are looked up by their owner's \
             external_id first, and the rest are sent. Every row is created exactly once.",
        )
        .after_help(crate::commands::EXIT_CODES)
        .arg(
            Arg::new("FILE")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("The rows: CSV, or JSON Lines (.jsonl, .ndjson)"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["csv", "jsonl"])
                .help("The file's format [default: from its extension, else csv]"),
        )
        .arg(
            Arg::new("jobs")
                .long("jobs")
                .short('j')
                .value_parser(clap::value_parser!(u16).range(1..=64))
                .default_value("4")
                .help("How many rows are sent at once"),
        )
        .arg(
            Arg::new("retry-for")
                .long("retry-for")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..))
                .default_value("60")
                .help("How long a row keeps being retried through 429s, 5xx and network failures; after that the import starts no more rows (run it again later)"),
        )
        .arg(
            Arg::new("journal")
                .long("journal")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("The journal [default: FILE.journal]"),
        )
        .arg(
            Arg::new("ids")
                .long("ids")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Where to write the ids of the created organizations, as CSV [default: FILE.ids.csv]"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Check every row against the spec, and say what a run would do; send nothing"),
        )
}

/// One valid row, ready to send.
struct Pending {
    line: u64,
    key: String,
    request: NewOrganization,
    /// Whether an earlier run may have created it: look it up before sending.
    look_up_first: bool,
}

/// How one row ended in this run.
enum Outcome {
    Created {
        organization_id: i64,
        owner_id: i64,
        how: How,
    },
    Failed(String),
    Unknown(String),
    /// Not started, or left between two tries, because the run was interrupted.
    Interrupted,
}

/// How a row came to be created.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// Sent, and the answer said so.
    Sent,
    /// Found by a look-up: an earlier attempt whose outcome was unknown had created it.
    Found,
    /// Found by a look-up after the server refused it as a duplicate: an earlier attempt had
    /// created it, and the journal did not know (it was lost, or another tool did it).
    FoundAfterRefusal,
}

/// Runs the import; `client` is called only when something is to be sent.
pub async fn run(
    body: &Body,
    matches: &ArgMatches,
    client: impl FnOnce() -> Result<Client, Failure>,
) -> Result<u8, Failure> {
    let file = matches.get_one::<PathBuf>("FILE").expect("required");
    let format = rows::Format::of(
        file,
        matches.get_one::<String>("format").map(String::as_str),
    );
    let journal_path = matches
        .get_one::<PathBuf>("journal")
        .cloned()
        .unwrap_or_else(|| beside(file, "journal"));
    let ids_path = matches
        .get_one::<PathBuf>("ids")
        .cloned()
        .unwrap_or_else(|| beside(file, "ids.csv"));
    let jobs = usize::from(*matches.get_one::<u16>("jobs").expect("has a default"));
    let patience =
        Duration::from_secs(*matches.get_one::<u64>("retry-for").expect("has a default"));

    let rows = rows::read(file, format, body).map_err(Failure::usage)?;
    let total = rows.len();
    let (pending, invalid) = check(rows, &file.display().to_string());

    if matches.get_flag("dry-run") {
        let states = journal::states(&journal_path).map_err(Failure::usage)?;
        let done = pending
            .iter()
            .filter(|p| matches!(states.get(&p.key), Some(State::Created { .. })))
            .count();
        println!(
            "dry run of {}: {total} rows: {} to send, {done} already created (journal {}), {invalid} invalid; nothing was sent",
            file.display(),
            pending.len() - done,
            journal_path.display(),
        );
        return Ok(if invalid > 0 { exit::PARTIAL } else { 0 });
    }

    let (journal, states) = Journal::open(&journal_path).map_err(Failure::usage)?;
    let mut todo = Vec::new();
    let mut created: HashMap<String, (u64, i64, i64)> = HashMap::new();
    for mut row in pending {
        match states.get(&row.key) {
            Some(State::Created {
                organization_id,
                owner_id,
            }) => {
                created.insert(row.key.clone(), (row.line, *organization_id, *owner_id));
            }
            state => {
                row.look_up_first = matches!(state, Some(State::Sending | State::Unknown(_)));
                todo.push(row);
            }
        }
    }
    let before = created.len();
    let client = (!todo.is_empty()).then(client).transpose()?;

    let halt = Arc::new(Halt::default());
    watch_for_ctrl_c(halt.clone());
    let progress = progress_bar(todo.len());
    let journal = Arc::new(journal);
    let limit = Arc::new(tokio::sync::Semaphore::new(jobs));
    let mut tasks = tokio::task::JoinSet::new();
    for row in todo {
        let client = client.clone().expect("made when there are rows to send");
        let (journal, halt, limit) = (journal.clone(), halt.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("never closed");
            let outcome = if halt.halted() {
                Outcome::Interrupted
            } else {
                import_row(&client, &journal, &row, &halt, patience).await
            };
            (row.line, row.key, outcome)
        });
    }

    let mut counts = Counts::default();
    while let Some(joined) = tasks.join_next().await {
        let (line, key, outcome) =
            joined.map_err(|e| Failure::usage(format!("a row's task failed: {e}")))?;
        let (count, message) = match &outcome {
            Outcome::Created {
                organization_id,
                owner_id,
                how,
            } => {
                created.insert(key.clone(), (line, *organization_id, *owner_id));
                let organization = format!("organization {organization_id} (owner {key})");
                match how {
                    How::Sent => (&mut counts.created, format!("created {organization}")),
                    How::Found => (
                        &mut counts.found,
                        format!("{organization} was created by an earlier attempt"),
                    ),
                    How::FoundAfterRefusal => (
                        &mut counts.found,
                        format!("{organization} existed already: the server refused a duplicate"),
                    ),
                }
            }
            Outcome::Failed(error) => (&mut counts.failed, format!("failed: {error}")),
            Outcome::Unknown(error) => (
                &mut counts.unknown,
                format!("outcome unknown, the next run checks it: {error}"),
            ),
            Outcome::Interrupted => {
                counts.interrupted += 1;
                continue;
            }
        };
        *count += 1;
        let message = format!("line {line}: {message}");
        match &progress {
            Some(bar) if matches!(outcome, Outcome::Created { .. }) => bar.inc(1),
            Some(bar) => {
                bar.println(&message);
                bar.inc(1);
            }
            None => eprintln!("{message}"),
        }
    }
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }

    write_ids(&ids_path, &created).map_err(Failure::usage)?;
    let interrupted = halt.interrupted.load(Ordering::SeqCst);
    println!("import of {}: {total} rows", file.display());
    println!(
        "  created: {} now, {} by an earlier attempt (found by a look-up), {before} in an earlier run",
        counts.created, counts.found
    );
    println!(
        "  failed: {}, outcome unknown: {}, invalid: {invalid}, not started: {}",
        counts.failed, counts.unknown, counts.interrupted
    );
    println!(
        "  ids of the {} organizations: {}",
        created.len(),
        ids_path.display()
    );
    println!("  journal: {}", journal.path().display());
    if interrupted {
        println!("interrupted: run the same command again to finish");
        return Ok(exit::INTERRUPTED);
    }
    if let Some(reason) = halt.reason() {
        println!("stopped early, starting no more rows: {reason}");
        println!("run the same command again when the server answers");
        return Ok(exit::PARTIAL);
    }
    if counts.failed + counts.unknown + invalid > 0 {
        println!(
            "some rows are not created: fix what is reported above and run the same command again"
        );
        return Ok(exit::PARTIAL);
    }
    Ok(0)
}

#[derive(Default)]
struct Counts {
    created: usize,
    found: usize,
    failed: usize,
    unknown: usize,
    interrupted: usize,
}

/// `FILE.suffix` beside the file.
fn beside(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// The valid rows, and how many were not (each reported on standard error with its line).
fn check(rows: Vec<rows::Row>, file: &str) -> (Vec<Pending>, usize) {
    let mut pending: Vec<Pending> = Vec::new();
    let mut lines_of: HashMap<String, u64> = HashMap::new();
    let mut invalid = 0;
    for row in rows {
        let request = row.body.and_then(|body| {
            let key = KEY
                .iter()
                .try_fold(&body, |node, name| node.get(name))
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{}: required, and missing", KEY.join(".")))?;
            if let Some(first) = lines_of.get(&key) {
                return Err(format!(
                    "{} `{key}` is also on line {first}; each owner is created once",
                    KEY.join(".")
                ));
            }
            let request = serde_json::from_value::<NewOrganization>(body)
                .map_err(|e| format!("does not fit the request type: {e}"))?;
            Ok((key, request))
        });
        match request {
            Ok((key, request)) => {
                lines_of.insert(key.clone(), row.line);
                pending.push(Pending {
                    line: row.line,
                    key,
                    request,
                    look_up_first: false,
                });
            }
            Err(error) => {
                invalid += 1;
                eprintln!("{file}: line {}: {error}", row.line);
            }
        }
    }
    (pending, invalid)
}

/// Sends one row (after a look-up when it may exist already), retrying what can be retried.
async fn import_row(
    client: &Client,
    journal: &Journal,
    row: &Pending,
    halt: &Halt,
    patience: Duration,
) -> Outcome {
    let end = |outcome: Outcome| conclude(journal, row, outcome, halt);
    let mut look_up_first = row.look_up_first;
    let mut refused_as_duplicate = false;
    let mut last_error = String::new();
    let started = std::time::Instant::now();
    let mut tries = 0;
    for round in 0.. {
        if round > 0 && halt.halted() {
            return Outcome::Interrupted; // the journal says `sending`: the next run looks it up
        }
        if round > 0 && started.elapsed() >= patience {
            break;
        }
        tries = round + 1;
        if look_up_first {
            match look_up(client, &row.key, &row.request.name).await {
                Ok(Found::Created {
                    organization_id,
                    owner_id,
                }) => {
                    let how = if refused_as_duplicate {
                        How::FoundAfterRefusal
                    } else {
                        How::Found
                    };
                    return end(Outcome::Created {
                        organization_id,
                        owner_id,
                        how,
                    });
                }
                Ok(Found::Absent) if refused_as_duplicate => {
                    return end(Outcome::Failed(format!(
                        "{last_error} (yet no user has that owner.external_id)"
                    )));
                }
                Ok(Found::Absent) => look_up_first = false,
                Ok(Found::Elsewhere(error)) => return end(Outcome::Failed(error)),
                Err(error) if error.is_retryable() => {
                    last_error = error.to_string();
                    tokio::time::sleep(backoff(round, &error)).await;
                    continue;
                }
                Err(error) => return end(Outcome::Unknown(error.to_string())),
            }
        }
        if let Err(e) = journal.record(&row.key, row.line, &State::Sending) {
            return stop(halt, e);
        }
        match client.create_organization(row.request.clone()).send().await {
            Ok(created) => {
                return end(Outcome::Created {
                    organization_id: *created.organization.id,
                    owner_id: *created.owner.id,
                    how: How::Sent,
                });
            }
            Err(error @ Error::OutcomeUnknown { .. }) => {
                last_error = error.to_string();
                look_up_first = true;
            }
            Err(Error::Validation(response))
                if !refused_as_duplicate
                    && response.field_errors().contains_key(&KEY.join(".")) =>
            {
                // Taken: by an earlier attempt of ours whose answer was lost, or by someone else.
                last_error = Error::Validation(response).to_string();
                refused_as_duplicate = true;
                look_up_first = true;
            }
            Err(error) if error.is_retryable() => {
                last_error = error.to_string();
                tokio::time::sleep(backoff(round, &error)).await;
            }
            Err(error) => return end(Outcome::Failed(error.to_string())),
        }
    }
    let error = format!(
        "still not done after {tries} tries in {} s: {last_error}",
        patience.as_secs()
    );
    // The server or the network keeps failing: the other rows would too, each for a minute.
    halt.give_up(format!("line {}: {error}", row.line));
    end(Outcome::Unknown(error))
}

/// How the row ended, once the journal has it (the state follows from the outcome); if the
/// journal cannot be written, the run stops.
fn conclude(journal: &Journal, row: &Pending, outcome: Outcome, halt: &Halt) -> Outcome {
    let state = match &outcome {
        Outcome::Created {
            organization_id,
            owner_id,
            ..
        } => State::Created {
            organization_id: *organization_id,
            owner_id: *owner_id,
        },
        Outcome::Failed(error) => State::Failed(error.clone()),
        Outcome::Unknown(error) => State::Unknown(error.clone()),
        Outcome::Interrupted => return outcome, // the journal's `sending` stands
    };
    match journal.record(&row.key, row.line, &state) {
        Ok(()) => outcome,
        Err(e) => stop(halt, e),
    }
}

/// Why the import starts no more rows: Ctrl-C, or a failure that would fail the rest too.
#[derive(Default)]
struct Halt {
    interrupted: AtomicBool,
    /// The first reason to give up (a row that could not be sent in all its tries, a
    /// journal that cannot be written).
    gave_up: std::sync::Mutex<Option<String>>,
}

impl Halt {
    fn halted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst) || self.reason().is_some()
    }

    fn give_up(&self, reason: String) {
        let mut gave_up = self.gave_up.lock().unwrap_or_else(|p| p.into_inner());
        gave_up.get_or_insert(reason);
    }

    fn reason(&self) -> Option<String> {
        self.gave_up
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Without its journal the import cannot promise anything: stop sending.
fn stop(halt: &Halt, error: String) -> Outcome {
    halt.give_up(format!("the journal cannot be written: {error}"));
    Outcome::Unknown(format!(
        "the journal cannot be written, so the import stops: {error}"
    ))
}

/// What a look-up of a row's owner found.
enum Found {
    Created {
        organization_id: i64,
        owner_id: i64,
    },
    /// No such user: the organization was not created.
    Absent,
    /// The user exists but owns no organization of that name: someone else's.
    Elsewhere(String),
}

/// Looks the owner up by `external_id`, as the spec's `x-if-outcome-unknown` for creating
/// an organization says: a 404 means it was not created; an owner's membership of an
/// organization with the row's name means it was.
async fn look_up(client: &Client, key: &str, name: &str) -> Result<Found, Error> {
    match client.get_user(key).send().await {
        Ok(user) => {
            let owned = user.organizations.iter().find(|membership| {
                membership.name == name
                    && serde_json::to_value(&membership.role).ok() == Some(Value::from("owner"))
            });
            Ok(match owned {
                Some(membership) => Found::Created {
                    organization_id: *membership.id,
                    owner_id: *user.id,
                },
                None => Found::Elsewhere(format!(
                    "a user with {} `{key}` exists already and owns no organization named `{name}`",
                    KEY.join(".")
                )),
            })
        }
        Err(Error::NotFound(_)) => Ok(Found::Absent),
        Err(error) => Err(error),
    }
}

/// How long to wait before the next round: what a 429 asked for, else doubling from a
/// quarter second up to 8 s, with jitter so that parallel rows do not retry in step.
fn backoff(round: u32, error: &Error) -> Duration {
    if let Error::RateLimited {
        retry_after: Some(wait),
        ..
    } = error
    {
        return *wait;
    }
    let base = Duration::from_millis(250)
        .saturating_mul(1 << round.min(5))
        .min(Duration::from_secs(8));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    base + base.mul_f64(f64::from(nanos % 1000) / 2000.0)
}

/// A progress bar with rate and ETA when standard error is a terminal; else `None`, and
/// each row gets a plain log line.
fn progress_bar(rows: usize) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() || rows == 0 {
        return None;
    }
    let bar = ProgressBar::new(rows as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// Ctrl-C once: start no new row, finish those in flight. Twice: stop now (the journal
/// keeps the next run right either way).
fn watch_for_ctrl_c(halt: Arc<Halt>) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        halt.interrupted.store(true, Ordering::SeqCst);
        eprintln!("interrupted: finishing the rows in flight (Ctrl-C again to stop now)");
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(i32::from(exit::INTERRUPTED));
        }
    });
}

/// The ids of every organization created so far, in the file's order, written whole or
/// not at all (a temporary file, then a rename).
fn write_ids(path: &Path, created: &HashMap<String, (u64, i64, i64)>) -> Result<(), String> {
    let mut rows: Vec<(&String, &(u64, i64, i64))> = created.iter().collect();
    rows.sort_by_key(|(_, (line, _, _))| *line);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["line", &KEY.join("."), "organization_id", "owner_id"])
        .map_err(|e| e.to_string())?;
    for (key, (line, organization, owner)) in rows {
        writer
            .write_record([
                line.to_string(),
                key.clone(),
                organization.to_string(),
                owner.to_string(),
            ])
            .map_err(|e| e.to_string())?;
    }
    let text = writer.into_inner().map_err(|e| e.to_string())?;
    let temporary = beside(path, "tmp");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}
