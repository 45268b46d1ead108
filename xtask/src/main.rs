//! `cargo xtask <command>`: argument parsing and dispatch only.
//!
//! This binary never compiles the generated client, so it works even when
//! client/generated.rs is broken (a bad merge, a hand edit): `cargo xtask gen` can always
//! repair it. `verify` and `probe` run in the `xtask-verify` binary, which does compile it.

mod gen_cache;
mod gen_cmd;
mod verify_runner;

use std::ffi::OsString;
use std::process::{Command as Process, ExitCode};

use clap::{Arg, ArgAction, Command};

fn cli() -> Command {
    Command::new("xtask")
        .bin_name("cargo xtask")
        .about("Maintainer tooling for the answering-agent workspace")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("gen")
                .about("Regenerate client/generated.rs from openapi/answering-agent.yaml, then verify the examples")
                .arg(
                    Arg::new("check")
                        .long("check")
                        .short('c')
                        .action(ArgAction::SetTrue)
                        .help("Write nothing; fail with a diff when a generated file is stale"),
                ),
        )
        .subcommand(xtask::verify::command())
        .subcommand(xtask::diff::command())
        .subcommand(xtask::changelog::command())
        .subcommand(xtask::record::command())
        .subcommand(xtask::fuzz::command())
        .subcommand(xtask::guesses::command())
        .subcommand(xtask::probe::command())
        .subcommand(
            Command::new("bench")
                .about("Run every benchmark of BENCHMARKS.md: the client, verify, diff; with --build-cost also the consumer build times")
                .arg(Arg::new("build-cost").long("build-cost").action(ArgAction::SetTrue).help("Also time clean builds of three consumer crates (minutes)")),
        )
        .subcommand(
            Command::new("mock")
                .about("Serve the stateful fake of the API on loopback (the spec's operations, keeping what was created)")
                .arg(Arg::new("port").long("port").value_parser(clap::value_parser!(u16)).default_value("8080").help("The port on 127.0.0.1 (0: any free one)"))
                .arg(Arg::new("spec").long("spec").value_name("FILE").value_parser(clap::value_parser!(std::path::PathBuf)).help("Serve this OpenAPI 3.0 spec (YAML or JSON) instead of the project's, e.g. a vendor's variant [default: openapi/answering-agent.yaml]"))
                .arg(Arg::new("api-key").long("api-key").value_name("KEY").help("The key to accept in X-API-KEY [default: one is generated and printed]"))
                .arg(Arg::new("quiet").long("quiet").short('q').action(ArgAction::SetTrue).help("No line per request on stderr"))
                .arg(
                    Arg::new("fault")
                        .long("fault")
                        .value_name("[OPERATION:]FAULT[:TIMES]")
                        .action(ArgAction::Append)
                        .value_parser(|text: &str| text.parse::<answering_agent_fake::Injection>())
                        .help("Fail the next requests: FAULT is 429[=SECONDS], 503, 502-after-commit, reset or delay=MILLISECONDS (e.g. createOrganization:502-after-commit:2); repeatable"),
                ),
        )
}

fn main() -> ExitCode {
    xtask::workspace::quiet_on_closed_pipe();
    let matches = cli().get_matches();
    let outcome = match matches.subcommand() {
        Some(("gen", args)) => gen_cmd::run(args.get_flag("check")).and_then(|generated| {
            let verified = verify_runner::run(&[])?;
            Ok(if generated == ExitCode::SUCCESS {
                verified
            } else {
                generated
            })
        }),
        Some(("diff", args)) => xtask::diff::run(args),
        Some(("changelog", args)) => xtask::changelog::run(args),
        Some(("fuzz", args)) => xtask::fuzz::run(args),
        Some(("mock", args)) => mock(args),
        Some(("guesses", args)) => xtask::guesses::run(args),
        Some(("bench", args)) => bench(args.get_flag("build-cost")),
        Some(("record", args)) => xtask::record::run(args)
            .and_then(|written| verify_runner::run(&[written.into_os_string()])),
        Some(("verify", _)) => verify_runner::run(&forwarded("verify", false)),
        // The probe verifies what it records against the generated types, as verify does.
        Some(("probe", _)) => verify_runner::run(&forwarded("probe", true)),
        _ => unreachable!("clap requires a known subcommand"),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// The arguments after `subcommand`, for `xtask-verify`; with the subcommand's name when
/// `xtask-verify` needs it to tell its commands apart.
fn forwarded(subcommand: &str, named: bool) -> Vec<OsString> {
    let mut args = std::env::args_os().skip_while(|a| a != subcommand);
    let name = args.next();
    name.filter(|_| named).into_iter().chain(args).collect()
}

/// `cargo xtask bench`: each benchmark in turn, one after the other (they share two cores).
fn bench(build_cost: bool) -> anyhow::Result<ExitCode> {
    let root = xtask::workspace::root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut runs: Vec<(String, Process)> = Vec::new();
    for (package, bench) in [
        ("answering-agent", "client"),
        ("answering-agent", "load"),
        ("xtask", "verify"),
        ("xtask", "diff"),
    ] {
        let mut command = Process::new(&cargo);
        command
            .args(["bench", "--quiet", "--package", package, "--bench", bench])
            .current_dir(&root);
        runs.push((format!("cargo bench -p {package} --bench {bench}"), command));
    }
    if build_cost {
        let mut command = Process::new(root.join(".ci/build-cost"));
        command.current_dir(&root);
        runs.push((".ci/build-cost".to_string(), command));
    }
    for (name, mut command) in runs {
        println!("\n=== {name}");
        let status = command
            .status()
            .map_err(|e| anyhow::anyhow!("cannot run {name}: {e}"))?;
        anyhow::ensure!(status.success(), "{name} failed");
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask mock`: serves the fake of the spec on disk until interrupted.
fn mock(args: &clap::ArgMatches) -> anyhow::Result<ExitCode> {
    let root = xtask::workspace::root();
    let (path, name) = match args.get_one::<std::path::PathBuf>("spec") {
        Some(file) => (file.clone(), file.display().to_string()),
        None => (
            root.join(xtask::codegen::SPEC_PATH),
            xtask::codegen::SPEC_PATH.to_string(),
        ),
    };
    let spec = xtask::workspace::read(&path)?;
    let port = args.get_one::<u16>("port").copied().unwrap_or(8080);
    let mut builder = answering_agent_fake::Fake::builder()
        .spec(name.clone(), spec)
        .port(port)
        .log_requests(!args.get_flag("quiet"));
    if let Some(key) = args.get_one::<String>("api-key") {
        builder = builder.api_key(key);
    }
    let fake = builder.spawn()?;
    for injection in args
        .get_many::<answering_agent_fake::Injection>("fault")
        .into_iter()
        .flatten()
    {
        fake.inject(injection.clone());
    }
    // The banner goes out in one write: a reader that stops after its first line (a test, a
    // script waiting for the address) has the rest in the pipe already, so no later print of
    // it meets a closed pipe (SIGPIPE) while the fake serves.
    let base = fake.base_url();
    let key = fake.api_key();
    // A key of this fake, made for it: printing it gives nothing away.
    let banner = format!(
        "fake of {name} listening on {base}\n  API key: {key}\n  try: ANSWERING_AGENT_ENVIRONMENT={base} ANSWERING_AGENT_API_KEY={key} cargo run --example onboarding\n  Ctrl-C stops it; what it keeps is gone then\n"
    );
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(banner.as_bytes())?;
        out.flush()?;
    }
    fake.wait();
    Ok(ExitCode::SUCCESS)
}
