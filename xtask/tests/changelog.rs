//! `cargo xtask changelog` on a repository with a release tag: a breaking spec change fails
//! the check naming the version it needs, the command writes a section that names the
//! change, hand-written prose survives reruns, and bumping to the named version passes.

#[path = "support/repository.rs"]
mod repository;

use std::path::Path;
use std::process::Output;

use repository::{git, xtask};

const SPEC: &str = include_str!("../../openapi/answering-agent.yaml");

fn manifest(version: &str) -> String {
    format!(
        "[workspace.package]\nversion = \"{version}\"\n\n[package]\nname = \"answering-agent\"\nversion.workspace = true\n"
    )
}

fn write(root: &Path, path: &str, text: &str) {
    std::fs::write(root.join(path), text).unwrap();
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A repository whose spec was released as v0.2.0, with a changelog for it.
fn released() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("openapi")).unwrap();
    write(root, "openapi/answering-agent.yaml", SPEC);
    write(root, "Cargo.toml", &manifest("0.2.0"));
    write(
        root,
        "CHANGELOG.md",
        "# Changelog\n\n## [0.2.0] - 2026-12-04\n\nThe first release.\n",
    );
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "release 0.2.0"]);
    git(root, &["tag", "v0.2.0"]);
    dir
}

/// The owner's `name` becomes required in `POST /organizations`: a breaking change.
fn breaking(spec: &str) -> String {
    let changed = spec.replacen(
        "      required:\n        - external_id\n        - email\n",
        "      required:\n        - external_id\n        - email\n        - name\n",
        1,
    );
    assert_ne!(changed, spec, "the edit applies");
    changed
}

#[test]
fn right_after_a_release_tag_the_check_passes() {
    let repo = released();
    let output = xtask(repo.path(), &["changelog", "--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        text(&output).contains("No spec change since v0.2.0"),
        "{}",
        text(&output)
    );
    // Nothing to write: the released section stays as it is.
    let before = read(repo.path(), "CHANGELOG.md");
    assert_eq!(xtask(repo.path(), &["changelog"]).status.code(), Some(0));
    assert_eq!(read(repo.path(), "CHANGELOG.md"), before);
}

#[test]
fn a_breaking_change_needs_the_next_minor_version_and_a_section() {
    let repo = released();
    let root = repo.path();
    write(root, "openapi/answering-agent.yaml", &breaking(SPEC));

    // The check fails, naming the version and the missing description.
    let output = xtask(root, &["changelog", "--check"]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("the spec changes since v0.2.0 need version 0.3.0"),
        "{said}"
    );
    assert!(said.contains("Cargo.toml says 0.2.0"), "{said}");
    assert!(
        said.contains("CHANGELOG.md does not describe the spec changes since v0.2.0"),
        "{said}"
    );

    // The command writes an [Unreleased] section that names the change, above the release.
    let output = xtask(root, &["changelog"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let log = read(root, "CHANGELOG.md");
    let unreleased = log.find("## [Unreleased]").expect("an Unreleased section");
    let released = log
        .find("## [0.2.0] - 2026-12-04")
        .expect("the release kept");
    assert!(unreleased < released, "{log}");
    let section = &log[unreleased..released];
    for expected in [
        "### Breaking",
        "- `POST /organizations`",
        "`request-property-became-required`",
        "The release needs **0.3.0** or later (a breaking change)",
        "### Rust API",
        "`types::NewOwner.name` changed",
    ] {
        assert!(section.contains(expected), "{expected:?} in:\n{section}");
    }
    assert!(log.contains("The first release."), "{log}");

    // Only the version is wrong now.
    let output = xtask(root, &["changelog", "--check"]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("need version 0.3.0"), "{said}");
    assert!(!said.contains("does not describe"), "{said}");

    // Prose written by hand in the section survives a rerun, which changes nothing else.
    let with_prose = log.replacen(
        "## [Unreleased]\n",
        "## [Unreleased]\n\nOwners need a name from now on.\n",
        1,
    );
    write(root, "CHANGELOG.md", &with_prose);
    assert_eq!(xtask(root, &["changelog"]).status.code(), Some(0));
    assert_eq!(read(root, "CHANGELOG.md"), with_prose, "idempotent");

    // The pull request's comment says so beside the semver line.
    let comment = text(&xtask(
        root,
        &["diff", "--format", "markdown", "--fail-on", "never"],
    ));
    assert!(
        comment.contains("**merging this needs 0.3.0: the spec changes since v0.2.0 need it, and Cargo.toml says 0.2.0**"),
        "{comment}"
    );

    // Bumping to the named version passes.
    write(root, "Cargo.toml", &manifest("0.3.0"));
    let comment = text(&xtask(
        root,
        &["diff", "--format", "markdown", "--fail-on", "never"],
    ));
    assert!(
        comment.contains(
            "**Semver: major (code using the client can stop compiling): 0.2.0 -> 0.3.0**"
        ),
        "{comment}"
    );
    assert!(!comment.contains("merging this needs"), "{comment}");
    let output = xtask(root, &["changelog", "--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));

    // Rerun after the bump: the section is headed by the version and dated, prose kept.
    assert_eq!(xtask(root, &["changelog"]).status.code(), Some(0));
    let log = read(root, "CHANGELOG.md");
    assert!(!log.contains("## [Unreleased]"), "{log}");
    assert!(log.contains("## [0.3.0] - "), "{log}");
    assert!(log.contains("Owners need a name from now on."), "{log}");
    assert!(log.contains("## [0.2.0] - 2026-12-04"), "{log}");
    let again = xtask(root, &["changelog"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(read(root, "CHANGELOG.md"), log, "idempotent after the bump");
    assert_eq!(
        xtask(root, &["changelog", "--check"]).status.code(),
        Some(0)
    );

    // A later edit of the block by hand is caught.
    write(
        root,
        "CHANGELOG.md",
        &log.replace("`request-property-became-required`", "`something-else`"),
    );
    let output = xtask(root, &["changelog", "--check"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("does not describe"));
}

#[test]
fn an_addition_needs_a_patch_release_in_0x() {
    let repo = released();
    let root = repo.path();
    // An optional property of the organization a create answers with: an addition.
    let added = add_response_property(SPEC);
    write(root, "openapi/answering-agent.yaml", &added);
    let output = xtask(root, &["changelog", "--check"]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("need version 0.2.1"), "{said}");
    write(root, "Cargo.toml", &manifest("0.2.1"));
    assert_eq!(xtask(root, &["changelog"]).status.code(), Some(0));
    let log = read(root, "CHANGELOG.md");
    assert!(log.contains("## [0.2.1] - "), "{log}");
    assert!(log.contains("### Non-breaking"), "{log}");
    assert!(log.contains("`response-property-added`"), "{log}");
    let output = xtask(root, &["changelog", "--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

/// Adds an optional `region` property to the `Organization` schema.
fn add_response_property(spec: &str) -> String {
    let start = spec
        .find("\n    Organization:\n")
        .expect("an Organization schema");
    let properties = spec[start..].find("      properties:\n").unwrap() + start;
    let at = properties + "      properties:\n".len();
    format!(
        "{}        region:\n          type: string\n          description: Where it operates.\n{}",
        &spec[..at],
        &spec[at..]
    )
}

#[test]
fn before_the_first_tag_the_spec_s_first_commit_is_the_last_release() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("openapi")).unwrap();
    write(root, "openapi/answering-agent.yaml", SPEC);
    write(root, "Cargo.toml", &manifest("0.1.0"));
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "the spec"]);
    write(root, "openapi/answering-agent.yaml", &breaking(SPEC));
    let output = xtask(root, &["changelog", "--check"]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("need version 0.2.0"), "{said}");
    write(root, "Cargo.toml", &manifest("0.2.0"));
    assert_eq!(xtask(root, &["changelog"]).status.code(), Some(0));
    let log = read(root, "CHANGELOG.md");
    assert!(log.starts_with("# Changelog\n"), "{log}");
    assert!(log.contains("Keep a Changelog"), "{log}");
    assert!(log.contains("## [0.2.0] - "), "{log}");
    assert!(log.contains("since the spec's first commit"), "{log}");
    let output = xtask(root, &["changelog", "--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

#[test]
fn bad_input_is_named() {
    let repo = released();
    let root = repo.path();
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"answering-agent\"\n",
    );
    let output = xtask(root, &["changelog", "--check"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("Cargo.toml names no version"),
        "{}",
        text(&output)
    );
    write(root, "Cargo.toml", &manifest("0.2.0"));
    write(
        root,
        "openapi/answering-agent.yaml",
        "openapi: 3.0.3\ninfo: [\n",
    );
    let output = xtask(root, &["changelog", "--check"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("openapi/answering-agent.yaml:"),
        "{}",
        text(&output)
    );
}
