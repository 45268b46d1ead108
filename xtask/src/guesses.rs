//! `cargo xtask guesses [--format text|json]`: every guess of the spec (its `x-guess`
//! markers), with the file, line and JSON pointer where it is made.

use std::io::Write;
use std::process::ExitCode;

use clap::{Arg, Command};
use serde_json::json;

use crate::codegen::SPEC_PATH;
use crate::workspace;

/// The subcommand's arguments.
pub fn command() -> Command {
    Command::new("guesses")
        .about("List every guess of the spec (its x-guess markers) with file:line, JSON pointer, claim and evidence")
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["text", "json"])
                .default_value("text")
                .help("text: one guess a paragraph; json: one JSON object a line"),
        )
}

/// Prints the guesses; a spec whose markers are malformed, or with a GUESS in words and no
/// marker, is an error naming each place.
pub fn run(matches: &clap::ArgMatches) -> anyhow::Result<ExitCode> {
    let spec = workspace::spec(&workspace::root())?;
    let (guesses, mut problems) = spec.guesses();
    problems.extend(spec.unmarked_guesses());
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::bail!("{}", lines.join("\nerror: "));
    }
    let json = matches.get_one::<String>("format").map(String::as_str) == Some("json");
    let mut out = String::new();
    for guess in &guesses {
        let line = spec.locate(&guess.pointer).map_or(0, |l| l.line);
        if json {
            let record = json!({
                "file": SPEC_PATH, "line": line, "pointer": guess.pointer,
                "place": guess.place(), "claim": guess.claim,
                "evidence": guess.evidence, "copes": guess.copes,
            });
            out.push_str(&format!("{record}\n"));
        } else {
            out.push_str(&format!(
                "{SPEC_PATH}:{line}: {} ({})\n  guess:    {}\n  evidence: {}\n",
                guess.place(),
                guess.pointer,
                guess.claim,
                guess.evidence
            ));
            if let Some(copes) = guess.copes {
                out.push_str(&format!("  if wrong: {copes}\n"));
            }
        }
    }
    if !json {
        out.push_str(&format!("{} guesses in {SPEC_PATH}\n", guesses.len()));
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
