//! `cargo xtask <command>`: the maintainers' tooling. Argument parsing and dispatch only;
//! each command lives in a module of its own.

#[path = "../../client/codegen/mod.rs"]
mod codegen;
mod gen_cmd;
mod surface;
mod workspace;

use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};

fn cli() -> Command {
    Command::new("xtask")
        .bin_name("cargo xtask")
        .about("Maintainer tooling for the answering-agent workspace")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("gen")
                .about("Regenerate client/generated.rs from openapi/answering-agent.yaml")
                .arg(
                    Arg::new("check")
                        .long("check")
                        .short('c')
                        .action(ArgAction::SetTrue)
                        .help("Write nothing; fail with a diff when the checked-in file is stale"),
                ),
        )
}

fn main() -> ExitCode {
    let matches = cli().get_matches();
    let outcome = match matches.subcommand() {
        Some(("gen", args)) => gen_cmd::run(args.get_flag("check")),
        _ => unreachable!("clap requires a known subcommand"),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
