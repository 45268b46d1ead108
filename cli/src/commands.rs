//! The command line, built from the spec's operations ([`crate::spec`]): a group per tag, a
//! subcommand per operation, a positional argument per path parameter, a flag per query
//! parameter and per body field (`--owner-external-id`), and `--body FILE|-`. And the way
//! back: what the user typed, as the arguments of `Client::send_json`.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches};
use serde_json::{Map, Value};

use crate::exit::Failure;
use crate::spec::{self, Command, Kind};

/// The exit codes, for `--help` (cli/README.md has the same table).
pub const EXIT_CODES: &str = "\
Exit codes:
  0   success
  1   an import ended with rows that failed or whose outcome is still unknown
  2   a bad argument, file or request body (nothing was sent)
  3   configuration: no API key, or an unusable environment
  4   401 or 403: the API key is missing, wrong, or may not do this
  5   404: not found
  6   422: the server refused the data (its field errors are printed)
  7   429: rate limited, still after the retries
  8   a server error (5xx), another status, or a response that does not fit the spec
  9   the network: no answer came back (after the retries)
  10  outcome unknown: a create may or may not have happened; check before sending it again
  130 interrupted (Ctrl-C)";

/// The global options every subcommand takes.
fn global_args() -> Vec<Arg> {
    vec![
        Arg::new("environment")
            .long("environment")
            .global(true)
            .env(answering_agent::ENVIRONMENT_VARIABLE)
            .value_name("playground|production|URL")
            .help("Where to send requests [default: playground]"),
        Arg::new("api-key-file")
            .long("api-key-file")
            .global(true)
            .value_name("FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .help(format!(
                "Read the API key from this file (else from {}); never pass a key as an argument",
                answering_agent::API_KEY_VARIABLE
            )),
        Arg::new("output")
            .long("output")
            .short('o')
            .global(true)
            .value_parser(["json", "table"])
            .default_value("json")
            .help("How to print responses: pretty JSON, or a table"),
    ]
}

/// The whole command line. The import is added by the caller (`crate::import::command`).
pub fn cli(commands: &[Command], import: clap::Command) -> clap::Command {
    let mut root = clap::Command::new("answering-agent")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every operation of the Answering Agent Partner API, from the command line")
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    // Each group once, in the order of its first operation (an untagged operation comes
    // last in `Operation::ALL`, but may share its path's group with tagged ones).
    let mut groups: Vec<String> = Vec::new();
    for command in commands {
        if !groups.contains(&command.group) {
            groups.push(command.group.clone());
        }
    }
    let mut import = Some(import);
    for group in groups {
        let mut sub = clap::Command::new(group.clone())
            .about(format!("The {group} operations"))
            .subcommand_required(true)
            .arg_required_else_help(true);
        for command in commands.iter().filter(|c| c.group == group) {
            sub = sub.subcommand(operation_command(command));
        }
        let imports_here = commands
            .iter()
            .any(|c| c.group == group && c.operation == crate::import::OPERATION);
        if let Some(import) = import.take_if(|_| imports_here) {
            sub = sub.subcommand(import);
        }
        root = root.subcommand(sub);
    }
    root
}

/// The flag of a body field; `--body-...` when a parameter already has that name.
fn field_flag(command: &Command, dotted: &str) -> String {
    let flag = dotted.replace(['.', '_'], "-");
    let clashes = flag == "body"
        || command
            .parameters
            .iter()
            .any(|p| !p.in_path && p.name.replace('_', "-") == flag);
    if clashes {
        format!("body-{flag}")
    } else {
        flag
    }
}

fn operation_command(command: &Command) -> clap::Command {
    let about = if command.summary.is_empty() {
        command.operation.id()
    } else {
        &command.summary
    };
    let long_about = format!(
        "{}\n\n{}\n\n`{}` ({} {})",
        command.summary,
        command.description,
        command.operation.id(),
        command.operation.method(),
        command.operation.path()
    );
    let mut sub = clap::Command::new(command.verb.clone())
        .about(about.to_string())
        .long_about(long_about)
        .after_help(EXIT_CODES);
    for parameter in &command.parameters {
        // A path parameter is positional, and always required.
        let mut arg = Arg::new(parameter_id(&parameter.name))
            .value_name(parameter.name.to_uppercase())
            .help(parameter.description.clone())
            .value_parser(value_parser(&parameter.kind))
            .required(parameter.required);
        if !parameter.in_path {
            arg = arg.long(parameter.name.replace('_', "-"));
        }
        sub = sub.arg(arg);
    }
    if let Some(body) = &command.body {
        sub = sub.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .value_parser(clap::value_parser!(PathBuf))
                .help("The request body as JSON, from a file or `-` for standard input; the field flags below change it"),
        );
        for field in &body.fields {
            let flag = field_flag(command, &field.dotted());
            let mut help = field.description.clone();
            if field.required {
                help = format!("{help} [required, here or in --body]");
            }
            let value_name = field.path.last().cloned().unwrap_or_default();
            sub = sub.arg(
                Arg::new(field_id(&field.dotted()))
                    .long(flag)
                    .value_name(value_name.to_uppercase())
                    .help(help)
                    .value_parser(value_parser(&field.kind))
                    .action(ArgAction::Set),
            );
        }
    }
    sub
}

/// The clap ids of a parameter and of a body field, apart: `POST /users` has an
/// `organization_id` in its query and in its body.
fn parameter_id(name: &str) -> String {
    format!("parameter:{name}")
}

fn field_id(dotted: &str) -> String {
    format!("body:{dotted}")
}

/// What clap checks before we do: an enum's values (so `--help` lists them); the rest is
/// text, read by its [`Kind`] afterwards with an error that names the flag.
fn value_parser(kind: &Kind) -> clap::builder::ValueParser {
    match kind {
        Kind::Enum(values) => clap::builder::PossibleValuesParser::new(values.clone()).into(),
        _ => clap::builder::NonEmptyStringValueParser::new().into(),
    }
}

/// The arguments of `Client::send_json` for what the user typed: the parameters by name, and
/// the body (`--body`, then each field flag on top), checked against the spec.
pub fn arguments(command: &Command, matches: &ArgMatches) -> Result<Map<String, Value>, Failure> {
    let mut arguments = Map::new();
    for parameter in &command.parameters {
        if let Some(text) = matches.get_one::<String>(&parameter_id(&parameter.name)) {
            let value = parameter
                .kind
                .parse(text)
                .map_err(|e| Failure::usage(format!("{}: {e}", parameter.name)))?;
            arguments.insert(parameter.name.clone(), value);
        }
    }
    let Some(body) = &command.body else {
        return Ok(arguments);
    };
    let file = matches.get_one::<PathBuf>("body");
    let mut given = file.is_some();
    let mut object = file.map(read_body).transpose()?.unwrap_or_default();
    for field in &body.fields {
        let Some(text) = matches.get_one::<String>(&field_id(&field.dotted())) else {
            continue;
        };
        let value = field.kind.parse(text).map_err(|e| {
            Failure::usage(format!("--{}: {e}", field_flag(command, &field.dotted())))
        })?;
        spec::set(&mut object, &field.path, value);
        given = true;
    }
    if given || body.required {
        let value = Value::Object(object);
        let problems = body.problems(&value);
        if !problems.is_empty() {
            return Err(Failure::usage(format!(
                "the request body does not fit the spec, nothing was sent:\n  {}",
                problems.join("\n  ")
            )));
        }
        arguments.insert("body".to_string(), value);
    }
    Ok(arguments)
}

/// A JSON object from a file, or from standard input for `-`.
fn read_body(path: &PathBuf) -> Result<Map<String, Value>, Failure> {
    let (name, text) = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Failure::usage(format!("standard input: {e}")))?;
        ("standard input".to_string(), text)
    } else {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        (path.display().to_string(), text)
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(Failure::usage(format!(
            "{name}: the body must be a JSON object"
        ))),
        Err(e) => Err(Failure::usage(format!("{name}: not JSON: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_tree_is_valid_for_every_operation() {
        let commands = crate::spec::commands().unwrap();
        // clap's own checks of every subcommand (unique ids and flags, ...).
        super::cli(&commands, crate::import::command()).debug_assert();
    }

    /// The help of every command, for a spec as it is written.
    fn every_help(spec: &answering_agent_spec::Spec) -> Vec<String> {
        let commands = crate::spec::commands_of(spec).unwrap();
        let mut tree = super::cli(&commands, crate::import::command());
        let mut helps = vec![tree.render_long_help().to_string()];
        for group in tree.get_subcommands_mut() {
            helps.push(group.render_long_help().to_string());
            for command in group.get_subcommands_mut() {
                helps.push(command.render_long_help().to_string());
            }
        }
        helps
    }

    /// One model of the spec: however the spec is written (as JSON, references inlined or
    /// extracted, parameters at path or operation level), the commands and every help text
    /// are the same.
    #[test]
    fn a_rewrite_of_the_spec_that_keeps_its_meaning_changes_no_command_or_help() {
        use answering_agent_spec::{SPEC, SPEC_PATH, Spec, rewrite};
        let spec = Spec::parse(SPEC_PATH, SPEC).unwrap();
        let expected = every_help(&spec);
        assert!(expected.len() > 20, "{} help texts", expected.len());
        for (what, text) in rewrite::meaning_preserving(&spec) {
            let rewritten = Spec::parse(SPEC_PATH, &text).unwrap();
            assert_eq!(every_help(&rewritten), expected, "{what}");
        }
    }
}
