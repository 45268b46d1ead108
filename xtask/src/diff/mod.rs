//! `cargo xtask diff`: what a spec change breaks for callers, what it changes in the Rust
//! client, and the semver bump it needs.
//!
//! The sides: by default the spec at the merge-base with `main` against the working tree;
//! `--base REF` and `--head REF` pick git revisions; two files compare any two OpenAPI 3.0
//! documents.

pub mod causes;
pub mod compare;
pub mod render;
pub mod rules;
pub mod rust_impact;
mod schema;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde::Deserialize;

use self::compare::Change;
use self::render::Sides;
use self::rules::Level;
use crate::codegen::SPEC_PATH;
use crate::workspace;
use answering_agent_spec::Spec;

/// The accepted-changes file, relative to the workspace root.
pub const ACCEPTED_PATH: &str = "openapi/accepted-changes.toml";

/// The command line of `diff`.
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction};
    clap::Command::new("diff")
        .about("Compare two versions of the spec: what breaks for callers, what changes in the Rust client")
        .long_about(
            "Compares the spec at the merge-base with main against the working tree (default), two git \
             revisions (--base/--head), or two OpenAPI 3.0 files. Each change gets a rule id, a level and a \
             location; the Rust client is generated from both sides and its public items compared.",
        )
        .arg(Arg::new("files").value_name("FILE").num_args(0..=2).action(ArgAction::Append).help("BASE_FILE HEAD_FILE: compare two files"))
        .arg(Arg::new("base").long("base").value_name("REF").help("The old side: the spec at this git revision [default: merge-base with main]"))
        .arg(Arg::new("head").long("head").value_name("REF").help("The new side: the spec at this git revision [default: the working tree]"))
        .arg(Arg::new("format").long("format").value_parser(["text", "markdown", "json"]).default_value("text").help("Output format"))
        .arg(
            Arg::new("fail-on")
                .long("fail-on")
                .value_parser(["breaking", "potentially-breaking", "never"])
                .default_value("breaking")
                .help("Exit 1 when a change at this level or worse is not accepted"),
        )
        .arg(Arg::new("accepted").long("accepted").value_name("FILE").help(format!("Accepted changes, each with a reason [default: {ACCEPTED_PATH}]")))
        .arg(Arg::new("no-rust").long("no-rust").action(ArgAction::SetTrue).help("Skip generating both sides for the Rust impact"))
}

/// Runs `diff` with parsed arguments.
pub fn run(matches: &clap::ArgMatches) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let files: Vec<PathBuf> = matches
        .get_many::<String>("files")
        .into_iter()
        .flatten()
        .map(PathBuf::from)
        .collect();
    let base_ref = matches.get_one::<String>("base");
    let head_ref = matches.get_one::<String>("head");
    let ((base_name, base_text), (head_name, head_text)) = match files.as_slice() {
        [base, head] => {
            if base_ref.is_some() || head_ref.is_some() {
                anyhow::bail!("give two files or --base/--head, not both");
            }
            (read_file("base", base)?, read_file("head", head)?)
        }
        [_] => {
            anyhow::bail!("give two files (BASE_FILE HEAD_FILE), or none to compare git revisions");
        }
        _ => {
            let base = match base_ref {
                Some(reference) => reference.clone(),
                None => merge_base(&root)?,
            };
            let base = at_revision(&root, "base", &base)?;
            let head = match head_ref {
                Some(reference) => at_revision(&root, "head", reference)?,
                None => {
                    let (_, text) = read_file("head", &root.join(SPEC_PATH))?;
                    (format!("{SPEC_PATH} (working tree)"), text)
                }
            };
            (base, head)
        }
    };
    let (base, head) = parse_sides((&base_name, &base_text), (&head_name, &head_text))?;

    let mut changes = compare::compare(&base, &head);
    let accepted_path = matches
        .get_one::<String>("accepted")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(ACCEPTED_PATH));
    accept(&mut changes, &accepted_path)?;
    let rust = (!matches.get_flag("no-rust")).then(|| {
        // The next version follows the last release (a `v*` tag), whatever Cargo.toml says
        // already; outside a repository with one, Cargo.toml's version.
        let current = crate::changelog::Release::last(&root)
            .ok()
            .map(|release| release.version.to_string())
            .or_else(|| crate_version(&root));
        rust_impact::rust_impact((&base_name, &base_text), (&head_name, &head_text), current)
    });

    // Against the working tree, the release this branch would make: the changes since
    // the last release tag, not only this diff's, decide the version it needs.
    let release = (rust.is_some() && files.is_empty() && head_ref.is_none())
        .then(|| crate::changelog::merge_note(&root))
        .flatten();
    let sides = Sides {
        base: base_name,
        head: head_name,
        release,
    };
    let output = match matches.get_one::<String>("format").map(String::as_str) {
        Some("markdown") => render::markdown(&sides, &changes, rust.as_ref()),
        Some("json") => render::json(&sides, &changes, rust.as_ref()),
        _ => render::text(&sides, &changes, rust.as_ref()),
    };
    print!("{output}");
    let threshold = match matches.get_one::<String>("fail-on").map(String::as_str) {
        Some("never") => None,
        Some("potentially-breaking") => Some(Level::PotentiallyBreaking),
        _ => Some(Level::Breaking),
    };
    let failing = threshold.is_some_and(|worst| {
        changes
            .iter()
            .any(|c| c.accepted.is_none() && c.level <= worst)
    });
    Ok(if failing {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Both sides parsed and checked (OpenAPI 3.0.x, no dangling `$ref`), one thread each: a
/// large spec takes a while, and the sides are independent. Errors name the side.
pub fn parse_sides(base: (&str, &str), head: (&str, &str)) -> anyhow::Result<(Spec, Spec)> {
    let parse = |side: &str, (name, text): (&str, &str)| -> anyhow::Result<Spec> {
        let spec = Spec::parse(name, text).and_then(|spec| {
            spec.check_openapi_30()?;
            match spec.dangling_refs().into_iter().next() {
                Some(e) => Err(e),
                None => Ok(spec),
            }
        });
        spec.map_err(|e| anyhow::anyhow!("{side} ({name}): {e}"))
    };
    std::thread::scope(|scope| {
        let base = scope.spawn(|| parse("base", base));
        let head = parse("head", head);
        let base = base
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("base: the parser panicked")));
        Ok((base?, head?))
    })
}

fn read_file(side: &str, path: &Path) -> anyhow::Result<(String, String)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{side}: {}: {e}", path.display()))?;
    Ok((path.display().to_string(), text))
}

pub(crate) fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_string())
    } else {
        anyhow::bail!("{}", String::from_utf8_lossy(&output.stderr).trim())
    }
}

/// The merge-base of HEAD with `main` (or `origin/main`).
fn merge_base(root: &Path) -> anyhow::Result<String> {
    for main in ["main", "origin/main"] {
        if let Ok(base) = git(root, &["merge-base", main, "HEAD"]) {
            return Ok(base);
        }
    }
    anyhow::bail!("base: no merge-base with `main` or `origin/main`; name one with --base REF")
}

/// The spec at a revision, named `REF@abc1234:openapi/answering-agent.yaml`.
fn at_revision(root: &Path, side: &str, reference: &str) -> anyhow::Result<(String, String)> {
    let revision = format!("{reference}^{{commit}}");
    let commit = git(root, &["rev-parse", "--verify", "--quiet", &revision])
        .map_err(|_| anyhow::anyhow!("{side}: unknown git revision `{reference}`"))?;
    let short = &commit[..7.min(commit.len())];
    let prefix = git(root, &["rev-parse", "--show-prefix"]).unwrap_or_default();
    let text = git(root, &["show", &format!("{commit}:{prefix}{SPEC_PATH}")]).map_err(|_| {
        anyhow::anyhow!("{side}: {SPEC_PATH} does not exist at `{reference}` ({short})")
    })?;
    let name = if reference.len() >= 7 && commit.starts_with(reference) {
        format!("{short}:{SPEC_PATH}")
    } else {
        format!("{reference}@{short}:{SPEC_PATH}")
    };
    Ok((name, text + "\n"))
}

/// The client crate's version, from the workspace's Cargo.toml.
fn crate_version(root: &Path) -> Option<String> {
    crate::changelog::crate_version(&std::fs::read_to_string(root.join("Cargo.toml")).ok()?)
}

/// `openapi/accepted-changes.toml`: breaking changes a reviewer accepted, each with a reason.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Accepted {
    #[serde(default)]
    accept: Vec<AcceptedChange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptedChange {
    rule: String,
    /// One place, as the output shows it: `POST /organizations request body /owner`.
    place: Option<String>,
    /// A cause, every place it reaches: the spec pointer the output gives it
    /// (`/components/schemas/Location/properties/updated_at`).
    pointer: Option<String>,
    reason: String,
}

impl AcceptedChange {
    fn accepts(&self, change: &Change) -> bool {
        self.rule == change.rule
            && match (&self.place, &self.pointer) {
                (Some(place), _) => *place == change.place(),
                (None, Some(pointer)) => {
                    change.spec.as_ref().is_some_and(|s| s.pointer == *pointer)
                }
                (None, None) => false,
            }
    }

    fn names(&self) -> &str {
        self.place
            .as_deref()
            .or(self.pointer.as_deref())
            .unwrap_or("")
    }
}

/// Marks the changes `openapi/accepted-changes.toml` accepts; an entry that accepts no
/// change is reported on standard error (it may be stale), and a malformed one is an error.
pub(crate) fn accept(changes: &mut [Change], path: &Path) -> anyhow::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(anyhow::anyhow!("{}: {e}", path.display())),
    };
    let accepted: Accepted = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))?;
    for entry in &accepted.accept {
        if entry.reason.trim().is_empty() {
            anyhow::bail!(
                "{}: the entry for `{}` needs a reason",
                path.display(),
                entry.rule
            );
        }
        if entry.place.is_some() == entry.pointer.is_some() {
            anyhow::bail!(
                "{}: the entry for `{}` needs either `place` (one change) or `pointer` (a cause, every place it reaches)",
                path.display(),
                entry.rule
            );
        }
    }
    for change in changes.iter_mut() {
        if let Some(entry) = accepted.accept.iter().find(|a| a.accepts(change)) {
            change.accepted = Some(entry.reason.clone());
        }
    }
    for entry in &accepted.accept {
        if !changes.iter().any(|c| entry.accepts(c)) {
            eprintln!(
                "warning: {}: the entry for `{}` at `{}` accepts no change of this diff",
                path.display(),
                entry.rule,
                entry.names()
            );
        }
    }
    Ok(())
}
