//! `cargo xtask changelog`: the release notes, from the spec diff since the last release.
//!
//! The last release is the newest `v*` tag reachable from HEAD (before the first tag: the
//! commit that created the spec, at the version its Cargo.toml had). The spec there is
//! compared with the working tree's exactly as `cargo xtask diff` compares two sides: the
//! wire changes by level, grouped by cause, and the Rust client generated from both sides.
//! From them follows the version the next release needs, by Cargo's rules (in 0.x a
//! breaking change bumps the minor number, anything else the patch number).
//!
//! `CHANGELOG.md` follows Keep a Changelog: `## [Unreleased]`, then `## [X.Y.Z] - DATE`
//! newest first. The command owns one block per section, between two HTML comments; prose
//! a maintainer writes around it survives every rerun. The newest section above the last
//! release is the one it writes: `[Unreleased]` while Cargo.toml still has the released
//! version, `[X.Y.Z] - today` once it has been bumped.
//!
//! `--check` writes nothing. It fails when Cargo.toml's version is lower than the changes
//! need (naming the version they need), or when that section's block is not what the
//! command would write.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use crate::diff::causes::{self, Cause};
use crate::diff::compare::{self, Change};
use crate::diff::git;
use crate::diff::rules::Level;
use crate::diff::rust_impact::{self, Bump, RustImpact, Version};
use crate::workspace;

/// The changelog, relative to the workspace root.
pub const CHANGELOG_PATH: &str = "CHANGELOG.md";

const BEGIN: &str = "<!-- cargo xtask changelog: begin. Generated from the spec diff; write prose outside these markers. -->";
const END: &str = "<!-- cargo xtask changelog: end -->";

const PREAMBLE: &str = "# Changelog

Every release of the crates users take: the client `answering-agent`, `answering-agent-fake`,
`answering-agent-cli` and the spec's reader `answering-agent-spec`, which share one version.
The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/); versions follow
[Semantic Versioning](https://semver.org/spec/v2.0.0.html) as Cargo reads it, where in 0.x a
breaking change bumps the minor number and anything else the patch number.

`cargo xtask changelog` writes the block between the markers of the newest section, from the
spec diff since the last release tag; the prose around it is written by hand.
";

/// The command line of `changelog`.
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction};
    clap::Command::new("changelog")
        .about("Write the spec changes since the last release (v* tag) into CHANGELOG.md, with the version they need")
        .long_about(
            "Compares the spec at the newest v* tag (before the first one: the spec's first commit) with the \
             working tree, as `cargo xtask diff` does, and writes the wire changes by level and cause, the Rust \
             API changes and the version they need into CHANGELOG.md's newest section. Prose outside the \
             generated markers is kept. With --check nothing is written: exit 1 when Cargo.toml's version is \
             lower than the changes need, or when CHANGELOG.md does not describe them.",
        )
        .arg(
            Arg::new("check")
                .long("check")
                .action(ArgAction::SetTrue)
                .help("Write nothing; exit 1 naming the version required when Cargo.toml's is too low, or when CHANGELOG.md is out of date"),
        )
}

/// Runs `changelog` with parsed arguments.
pub fn run(matches: &clap::ArgMatches) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let pending = Pending::since_last_release(&root)?;
    let path = root.join(CHANGELOG_PATH);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => anyhow::bail!("{}: cannot read: {e}", path.display()),
    };
    let today = chrono::Utc::now().date_naive().to_string();
    if matches.get_flag("check") {
        let problems = pending.problems(existing.as_deref());
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        if problems.is_empty() {
            println!("{}", pending.summary());
            return Ok(ExitCode::SUCCESS);
        }
        return Ok(ExitCode::FAILURE);
    }
    let updated = update(existing.as_deref().unwrap_or(PREAMBLE), &pending, &today);
    if existing.as_deref() == Some(updated.as_str()) {
        println!("{CHANGELOG_PATH} is up to date. {}", pending.summary());
    } else {
        workspace::write_atomically(&path, &updated)?;
        println!("wrote {CHANGELOG_PATH}. {}", pending.summary());
    }
    Ok(ExitCode::SUCCESS)
}

/// The last release: its version and the commit of its spec.
#[derive(Debug, Clone)]
pub struct Release {
    /// `v0.2.0`, or the first commit's short hash when nothing was tagged yet.
    pub name: String,
    /// Its version.
    pub version: Version,
    /// The commit.
    pub commit: String,
}

impl Release {
    /// The newest `v*` tag reachable from HEAD; before the first, the commit that created
    /// the spec, at the version its Cargo.toml had.
    pub fn last(root: &Path) -> anyhow::Result<Release> {
        // A shallow clone has neither the tags nor the first commit: the answer would be
        // made up, so there is none.
        if git(root, &["rev-parse", "--is-shallow-repository"])? == "true" {
            anyhow::bail!(
                "this is a shallow clone: the last release (a v* tag) is not in it; fetch the \
                 history and tags (`git fetch --unshallow --tags`, or actions/checkout with fetch-depth: 0)"
            );
        }
        let tags = git(
            root,
            &[
                "tag",
                "--list",
                "v*",
                "--merged",
                "HEAD",
                "--sort=-v:refname",
            ],
        )?;
        for tag in tags.lines() {
            if let Some(version) = tag.strip_prefix('v').and_then(Version::parse) {
                let commit = git(root, &["rev-parse", &format!("{tag}^{{commit}}")])?;
                return Ok(Release {
                    name: tag.to_string(),
                    version,
                    commit,
                });
            }
        }
        let spec = crate::codegen::SPEC_PATH;
        let first = git(root, &["log", "--diff-filter=A", "--format=%H", "--", spec])?;
        let commit = first.lines().last().ok_or_else(|| {
            anyhow::anyhow!("no v* tag, and {spec} is in no commit: commit the spec first")
        })?;
        let manifest = git(root, &["show", &format!("{commit}:Cargo.toml")])?;
        let version = crate_version(&manifest)
            .and_then(|v| Version::parse(&v))
            .ok_or_else(|| {
                anyhow::anyhow!("Cargo.toml at {commit} names no version for the client crate")
            })?;
        Ok(Release {
            name: commit[..7.min(commit.len())].to_string(),
            version,
            commit: commit.to_string(),
        })
    }
}

/// The client crate's version in a Cargo.toml: `[package] version`, or the workspace's
/// when the package inherits it.
pub fn crate_version(manifest: &str) -> Option<String> {
    let manifest: toml::Table = toml::from_str(manifest).ok()?;
    let own = manifest.get("package")?.get("version")?;
    match own.as_str() {
        Some(version) => Some(version.to_string()),
        None => manifest
            .get("workspace")?
            .get("package")?
            .get("version")?
            .as_str()
            .map(str::to_string),
    }
}

/// `merging this needs 0.3.0 (...)` when Cargo.toml's version is lower than the spec
/// changes since the last release need; `None` when it is not, or cannot be told (no git,
/// no release): the note is a hint beside the diff, which does not depend on it.
pub fn merge_note(root: &Path) -> Option<String> {
    let pending = Pending::since_last_release(root).ok()?;
    let required = pending.required()?;
    (pending.current < required).then(|| {
        format!(
            "merging this needs {required}: the spec changes since {} need it, and Cargo.toml says {}",
            pending.release.name, pending.current
        )
    })
}

/// What changed since the last release, and what that means for the next version.
pub struct Pending {
    /// The last release.
    pub release: Release,
    /// Cargo.toml's version now.
    pub current: Version,
    /// The wire changes.
    pub changes: Vec<Change>,
    /// The Rust client's changes.
    pub rust: RustImpact,
}

impl Pending {
    /// Compares the spec of the last release with the working tree's.
    pub fn since_last_release(root: &Path) -> anyhow::Result<Pending> {
        let release = Release::last(root)?;
        let manifest = workspace::read(&root.join("Cargo.toml"))?;
        let current = crate_version(&manifest)
            .and_then(|v| Version::parse(&v))
            .ok_or_else(|| anyhow::anyhow!("Cargo.toml names no version for the client crate"))?;
        let spec = crate::codegen::SPEC_PATH;
        let base_text = git(root, &["show", &format!("{}:{spec}", release.commit)])
            .map_err(|e| anyhow::anyhow!("{spec} at {}: {e}", release.name))?
            + "\n";
        let base_name = format!("{}:{spec}", release.name);
        let head_text = workspace::read(&root.join(spec))?;
        let (base, head) = crate::diff::parse_sides((&base_name, &base_text), (spec, &head_text))?;
        let mut changes = compare::compare(&base, &head);
        let accepted = root.join(crate::diff::ACCEPTED_PATH);
        crate::diff::accept(&mut changes, &accepted)?;
        let rust = rust_impact::rust_impact(
            (&base_name, &base_text),
            (spec, &head_text),
            Some(release.version.to_string()),
        );
        Ok(Pending {
            release,
            current,
            changes,
            rust,
        })
    }

    /// The bump the changes need: the Rust client's, and at least what the wire changes
    /// say (a breaking wire change is a breaking release even where the Rust code still
    /// compiles; any other change is at least a patch).
    pub fn bump(&self) -> Option<Bump> {
        if self.changes.is_empty() && self.rust.changes.is_empty() {
            return None;
        }
        let wire = Bump::of(
            self.changes.iter().any(|c| c.level == Level::Breaking),
            self.changes.is_empty(),
        );
        Some(wire.max(self.rust.bump))
    }

    /// The lowest version the next release may have, when anything changed.
    pub fn required(&self) -> Option<Version> {
        self.bump().map(|bump| self.release.version.after(bump))
    }

    /// One line for the terminal.
    pub fn summary(&self) -> String {
        match self.required() {
            None => format!("No spec change since {}.", self.release.name),
            Some(required) => format!(
                "Spec changes since {}: {}; they need {required} or later (Cargo.toml: {}).",
                self.release.name,
                self.counted(),
                self.current
            ),
        }
    }

    /// `17 (18 places)`: causes, and the places of the API they reach.
    fn counted(&self) -> String {
        let causes = causes::group(&self.changes).len();
        match self.changes.len() {
            places if places == causes => causes.to_string(),
            places => format!("{causes} ({places} places)"),
        }
    }

    /// Why `--check` fails: the version is too low, or the changelog does not describe
    /// the changes. Empty when it passes.
    pub fn problems(&self, changelog: Option<&str>) -> Vec<String> {
        let mut problems = Vec::new();
        let Some(required) = self.required() else {
            return problems;
        };
        if self.current < required {
            problems.push(format!(
                "the spec changes since {} need version {required} ({}); Cargo.toml says {}. \
                 Set `version = \"{required}\"` in [workspace.package] of Cargo.toml",
                self.release.name,
                bump_words(self.bump().unwrap_or(Bump::None)),
                self.current
            ));
        }
        let expected = self.block();
        let described = changelog.map(Changelog::parse).is_some_and(|log| {
            log.newest_unreleased(self.release.version)
                .is_some_and(|section| section.block() == Some(expected.as_str()))
        });
        if !described {
            problems.push(format!(
                "{CHANGELOG_PATH} does not describe the spec changes since {}: run `cargo xtask changelog`",
                self.release.name
            ));
        }
        problems
    }

    /// The generated block, markers included.
    pub fn block(&self) -> String {
        let mut out = format!("{BEGIN}\n");
        let required = self.required();
        let base = if self.release.name.starts_with('v') {
            self.release.name.clone()
        } else {
            format!(
                "the spec's first commit ({}, version {})",
                self.release.name, self.release.version
            )
        };
        if let (Some(required), Some(bump)) = (required, self.bump()) {
            let _ = writeln!(
                out,
                "Spec changes since {base}: {}. The release needs **{required}** or later ({}).",
                self.counted(),
                bump_words(bump)
            );
        } else {
            let _ = writeln!(out, "No spec change since {base}.");
        }
        let grouped = causes::group(&self.changes);
        for (level, at_level) in causes::by_level(&grouped) {
            if at_level.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {}\n", level.title());
            out.push_str(&by_operation(&at_level));
        }
        if required.is_some() {
            out.push_str("\n### Rust API\n\n");
            out.push_str(&rust_lines(&self.rust));
        }
        out.push_str(END);
        out.push('\n');
        out
    }
}

fn bump_words(bump: Bump) -> &'static str {
    match bump {
        Bump::Major => "a breaking change",
        Bump::Minor => "additions only",
        Bump::None => "no public Rust item changed",
    }
}

/// The causes of one level, under the operation they change; a cause that reaches several
/// operations (a shared schema) is one entry naming them.
fn by_operation(causes: &[&Cause]) -> String {
    let mut operations: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut shared: Vec<String> = Vec::new();
    for cause in causes {
        let mut reached: Vec<&str> = cause
            .places
            .iter()
            .filter_map(|c| c.operation.as_deref())
            .collect();
        reached.sort_by_key(|operation| operation_order(operation));
        reached.dedup();
        let accepted = cause
            .accepted()
            .map(|reason| format!(" Accepted: {reason}"))
            .unwrap_or_default();
        let line = format!("`{}`: {}{accepted}", cause.rule, cause.sentence());
        match reached.as_slice() {
            [operation] => operations
                .entry(operation_order(operation))
                .or_default()
                .push(line),
            _ => {
                let reach = if reached.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (reaches {}: {})",
                        cause.reaches(),
                        reached
                            .iter()
                            .map(|o| format!("`{o}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                shared.push(format!("- `{}`{reach}\n  - {line}", cause.name()));
            }
        }
    }
    let mut out = String::new();
    for (key, lines) in operations {
        let operation = key.split_once('\t').map_or(key.as_str(), |(_, o)| o);
        let _ = writeln!(out, "- `{operation}`");
        for line in lines {
            let _ = writeln!(out, "  - {line}");
        }
    }
    for entry in shared {
        let _ = writeln!(out, "{entry}");
    }
    out
}

/// Operations sorted by path, then method: `GET /users` before `POST /users`.
fn operation_order(operation: &str) -> String {
    match operation.split_once(' ') {
        Some((method, path)) => format!("{path} {method}\t{operation}"),
        None => format!("{operation}\t{operation}"),
    }
}

fn rust_lines(rust: &RustImpact) -> String {
    if let Some(error) = &rust.error {
        let first = error.lines().next().unwrap_or_default();
        return format!(
            "Not compared: one side does not generate with today's generator, whose checks \
             are newer than that spec ({first}).\n"
        );
    }
    if rust.changes.is_empty() {
        return "No public item of the generated client changed.\n".to_string();
    }
    let mut out = String::new();
    for change in &rust.changes {
        let _ = writeln!(
            out,
            "- {}: `{}` {}: {}",
            change.mark(),
            change.item,
            change.change,
            change.note
        );
    }
    out
}

/// `CHANGELOG.md` as its preamble and its `## ` sections.
struct Changelog<'t> {
    preamble: &'t str,
    sections: Vec<Section<'t>>,
}

struct Section<'t> {
    heading: &'t str,
    body: &'t str,
}

/// What a section's heading names.
#[derive(Debug, PartialEq)]
enum Heading {
    Unreleased,
    Release(Version),
    Other,
}

impl<'t> Changelog<'t> {
    fn parse(text: &'t str) -> Changelog<'t> {
        let mut starts: Vec<usize> = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if line.starts_with("## ") {
                starts.push(offset);
            }
            offset += line.len();
        }
        let preamble = &text[..starts.first().copied().unwrap_or(text.len())];
        let sections = starts
            .iter()
            .enumerate()
            .map(|(i, &start)| {
                let end = starts.get(i + 1).copied().unwrap_or(text.len());
                let section = &text[start..end];
                let heading_end = section.find('\n').map_or(section.len(), |n| n + 1);
                Section {
                    heading: &section[..heading_end],
                    body: &section[heading_end..],
                }
            })
            .collect();
        Changelog { preamble, sections }
    }

    /// The newest section above the last release: `[Unreleased]` or a higher version.
    fn newest_unreleased(&self, released: Version) -> Option<&Section<'t>> {
        self.sections
            .first()
            .filter(|section| match section.kind() {
                Heading::Unreleased => true,
                Heading::Release(version) => version > released,
                Heading::Other => false,
            })
    }
}

impl Section<'_> {
    fn kind(&self) -> Heading {
        let title = self.heading.trim_start_matches("## ").trim();
        let Some(name) = title
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
            .map(|(name, _)| name)
        else {
            return Heading::Other;
        };
        if name.eq_ignore_ascii_case("unreleased") {
            return Heading::Unreleased;
        }
        Version::parse(name).map_or(Heading::Other, Heading::Release)
    }

    /// The generated block, markers included.
    fn block(&self) -> Option<&str> {
        let start = self.body.find(BEGIN)?;
        let end = self.body[start..].find(END)? + start + END.len();
        let end = end + usize::from(self.body[end..].starts_with('\n'));
        Some(&self.body[start..end])
    }

    /// The date of a `## [X.Y.Z] - DATE` heading.
    fn date(&self) -> Option<&str> {
        let (_, date) = self.heading.trim_end().rsplit_once(" - ")?;
        Some(date.trim())
    }
}

/// The changelog with the newest section written for `pending`; everything else kept.
fn update(text: &str, pending: &Pending, today: &str) -> String {
    let log = Changelog::parse(text);
    let newest = log.newest_unreleased(pending.release.version);
    let mut out = String::from(log.preamble);
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    let rest = &log.sections[usize::from(newest.is_some())..];
    if pending.required().is_some() || newest.is_some() {
        let heading = if pending.current > pending.release.version {
            let date = newest
                .filter(|s| s.kind() == Heading::Release(pending.current))
                .and_then(Section::date)
                .unwrap_or(today);
            format!("## [{}] - {date}\n", pending.current)
        } else {
            "## [Unreleased]\n".to_string()
        };
        out.push_str(&heading);
        let block = pending
            .required()
            .map(|_| pending.block())
            .unwrap_or_default();
        let body = match newest {
            Some(section) => match section.block() {
                Some(old) => section.body.replacen(old, &block, 1),
                None => append_block(section.body, &block),
            },
            None => format!("\n{block}\n"),
        };
        out.push_str(&body);
    }
    for section in rest {
        out.push_str(section.heading);
        out.push_str(section.body);
    }
    out
}

/// A section's prose with the block after it, one blank line between sections.
fn append_block(body: &str, block: &str) -> String {
    let prose = body.trim_end();
    match (prose.is_empty(), block.is_empty()) {
        (_, true) => format!("{prose}\n\n"),
        (true, false) => format!("\n{block}\n"),
        (false, false) => format!("{prose}\n\n{block}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_cargo_rules_for_0x() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(v("0.2.0").after(Bump::Major), v("0.3.0"));
        assert_eq!(v("0.2.0").after(Bump::Minor), v("0.2.1"));
        assert_eq!(v("0.2.3").after(Bump::None), v("0.2.4"));
        assert_eq!(v("1.4.2").after(Bump::Major), v("2.0.0"));
        assert_eq!(v("1.4.2").after(Bump::Minor), v("1.5.0"));
        assert!(v("0.10.0") > v("0.9.9"));
        assert_eq!(Version::parse("0.2"), None);
        assert_eq!(Version::parse("0.2.0.1"), None);
        assert_eq!(Version::parse("0.2.0-beta"), None);
    }

    #[test]
    fn the_version_is_the_package_s_or_the_workspace_s() {
        assert_eq!(
            crate_version("[package]\nname = \"a\"\nversion = \"0.3.1\"\n").as_deref(),
            Some("0.3.1")
        );
        assert_eq!(
            crate_version(
                "[workspace.package]\nversion = \"0.2.0\"\n[package]\nname = \"a\"\nversion.workspace = true\n"
            )
            .as_deref(),
            Some("0.2.0")
        );
        assert_eq!(crate_version("[package]\nname = \"a\"\n"), None);
    }

    #[test]
    fn sections_and_their_blocks_are_found() {
        let text = format!(
            "# Changelog\n\nintro\n\n## [Unreleased]\n\nprose\n\n{BEGIN}\nbody\n{END}\n\n## [0.2.0] - 2026-12-04\n\nold\n"
        );
        let log = Changelog::parse(&text);
        assert_eq!(log.preamble, "# Changelog\n\nintro\n\n");
        assert_eq!(log.sections.len(), 2);
        assert_eq!(log.sections[0].kind(), Heading::Unreleased);
        assert_eq!(
            log.sections[1].kind(),
            Heading::Release(Version::parse("0.2.0").unwrap())
        );
        assert_eq!(log.sections[1].date(), Some("2026-12-04"));
        assert_eq!(
            log.sections[0].block(),
            Some(format!("{BEGIN}\nbody\n{END}\n").as_str())
        );
        let released = Version::parse("0.2.0").unwrap();
        assert!(log.newest_unreleased(released).is_some());
        let only_released = Changelog::parse("## [0.2.0] - 2026-12-04\n");
        assert!(only_released.newest_unreleased(released).is_none());
    }
}
