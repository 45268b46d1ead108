//! `answering-agent`: every operation of the Answering Agent Partner API from the command
//! line, one subcommand each, built from the spec; and `organizations import`, a bulk
//! onboarding that can be interrupted and run again without creating anyone twice.
//!
//! The exit codes are in `--help` (`commands::EXIT_CODES`) and cli/README.md.

mod commands;
mod exit;
mod import;
mod output;
mod spec;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use answering_agent::{Client, Environment};
use clap::ArgMatches;

use crate::exit::Failure;
use crate::output::Format;

/// A reader that stops early (`answering-agent users list | head`) ends the command
/// quietly, as it does any Unix tool: Rust ignores SIGPIPE, so the next `println!` would
/// panic instead.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: first thing in `main`, before any thread exists; it restores the default
    // action of one signal and touches no Rust state.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    match start() {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// The commands from the spec, the arguments, and the run, on a runtime of its own.
fn start() -> Result<u8, Failure> {
    let commands = spec::commands().map_err(Failure::usage)?;
    let matches = commands::cli(&commands, import::command()).get_matches();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start: {e}")))?;
    runtime.block_on(run(&commands, &matches))
}

async fn run(commands: &[spec::Command], matches: &ArgMatches) -> Result<u8, Failure> {
    let (group, group_matches) = matches.subcommand().expect("clap requires a subcommand");
    let (verb, matches) = group_matches
        .subcommand()
        .expect("clap requires a subcommand");
    let imported = commands.iter().find(|c| c.operation == import::OPERATION);
    if let Some(create) = imported.filter(|c| c.group == group && verb == import::VERB) {
        let body = create
            .body
            .as_ref()
            .ok_or_else(|| Failure::usage("the spec has no request body for the import"))?;
        return import::run(body, matches, || client(matches)).await;
    }
    let command = commands
        .iter()
        .find(|c| c.group == group && c.verb == verb)
        .expect("clap only accepts the commands it was given");
    let arguments = commands::arguments(command, matches)?;
    let client = client(matches)?;
    let format = Format::parse(
        matches
            .get_one::<String>("output")
            .map_or("json", String::as_str),
    );
    // The user asked for this answer, embed tokens included.
    let response = client
        .send_json_revealing_secrets(command.operation, &arguments)
        .await
        .map_err(|error| Failure::from(&error))?;
    let text = output::render(response.as_ref(), format);
    if text.is_empty() {
        eprintln!("done: {} answered {}", command.operation, response.status());
    }
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error of ours.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    Ok(0)
}

/// The client: the key from `--api-key-file` or the environment variable, never from an
/// argument (it would show in the shell history and in `ps`).
fn client(matches: &ArgMatches) -> Result<Client, Failure> {
    let mut builder = Client::builder();
    let key = match matches.get_one::<PathBuf>("api-key-file") {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("--api-key-file {}: {e}", path.display())))?;
            let key = text.trim().to_string();
            if key.is_empty() {
                return Err(Failure::usage(format!(
                    "--api-key-file {}: the file is empty",
                    path.display()
                )));
            }
            key
        }
        None => std::env::var(answering_agent::API_KEY_VARIABLE)
            .ok()
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| Failure {
                code: exit::CONFIG,
                message: format!(
                    "no API key: set {} or pass --api-key-file FILE",
                    answering_agent::API_KEY_VARIABLE
                ),
            })?,
    };
    builder = builder.api_key(key.trim());
    if let Some(name) = matches
        .get_one::<String>("environment")
        .filter(|n| !n.trim().is_empty())
    {
        builder = builder.environment(Environment::parse(name).map_err(|e| Failure::config(&e))?);
    }
    builder.build().map_err(|e| Failure::config(&e))
}
