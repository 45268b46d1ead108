//! An outside judge of `cargo xtask diff`'s Rust impact: cargo-semver-checks, on the client
//! crate generated from each spec edit of the corpus (semver-corpus/cases.toml).
//!
//! Two tests. The first (cheap, generator only) applies every edit and checks our bump
//! against the one recorded for it. The second, ignored, builds the client crate's rustdoc
//! JSON for the spec and for every edit, runs cargo-semver-checks on each pair, and checks
//! its verdict against the recorded one too, and that the two agree wherever the corpus
//! does not say why they do not:
//!
//! ```text
//! cargo install cargo-semver-checks --locked
//! cargo test -p xtask --test semver_corpus -- --ignored --nocapture
//! ```
//!
//! It prints the table of BENCHMARKS.md ("Rust impact vs cargo-semver-checks") and keeps it
//! in target/semver-corpus/report.md. `SEMVER_CORPUS=name,name` runs only those cases.

#[path = "support/nested_cargo.rs"]
mod nested_cargo;
#[path = "support/workspace_copy.rs"]
mod workspace_copy;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Deserialize;
use workspace_copy::workspace;
use xtask::diff::rust_impact::{Bump, compare, public_surface};
use xtask::surface::Surface;

const CASES: &str = include_str!("semver-corpus/cases.toml");

#[derive(Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    ours: Verdict,
    semver_checks: Verdict,
    /// Why the two disagree on whether the change is major; only where they do.
    why: Option<String>,
    edit: Vec<Edit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    after: Option<String>,
    find: String,
    replace: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
enum Verdict {
    None,
    Minor,
    Major,
}

impl Verdict {
    fn name(self) -> &'static str {
        match self {
            Verdict::None => "none",
            Verdict::Minor => "minor",
            Verdict::Major => "major",
        }
    }
}

impl From<Bump> for Verdict {
    fn from(bump: Bump) -> Verdict {
        match bump {
            Bump::None => Verdict::None,
            Bump::Minor => Verdict::Minor,
            Bump::Major => Verdict::Major,
        }
    }
}

/// Agreement is on the question that matters for a release: is the change breaking?
/// cargo-semver-checks has no lints for additions, so its "none" for a new item agrees with
/// our "minor".
fn agree(ours: Verdict, theirs: Verdict) -> bool {
    (ours == Verdict::Major) == (theirs == Verdict::Major)
}

fn base_spec() -> String {
    std::fs::read_to_string(workspace().join(xtask::codegen::SPEC_PATH)).unwrap()
}

/// The corpus, or the cases `SEMVER_CORPUS` names (comma-separated).
fn cases() -> Vec<Case> {
    let corpus: Corpus = toml::from_str(CASES).expect("semver-corpus/cases.toml parses");
    let Ok(only) = std::env::var("SEMVER_CORPUS") else {
        return corpus.case;
    };
    let wanted: Vec<&str> = only.split(',').map(str::trim).collect();
    corpus
        .case
        .into_iter()
        .filter(|case| wanted.contains(&case.name.as_str()))
        .collect()
}

/// The spec with the case's edits.
fn apply(spec: &str, case: &Case) -> String {
    let mut text = spec.to_string();
    for edit in &case.edit {
        let start = match &edit.after {
            Some(after) => {
                assert_eq!(
                    text.matches(after.as_str()).count(),
                    1,
                    "{}: `after` {after:?} must occur once",
                    case.name
                );
                text.find(after.as_str()).unwrap() + after.len()
            }
            None => {
                assert_eq!(
                    text.matches(edit.find.as_str()).count(),
                    1,
                    "{}: `find` {:?} must occur once (or give `after`)",
                    case.name,
                    edit.find
                );
                0
            }
        };
        let at = start
            + text[start..]
                .find(edit.find.as_str())
                .unwrap_or_else(|| panic!("{}: {:?} not found", case.name, edit.find));
        text.replace_range(at..at + edit.find.len(), &edit.replace);
    }
    assert_ne!(text, spec, "{}: the edits change nothing", case.name);
    text
}

/// The base spec's public items: generated once, every case compares its head with them.
fn base_surface(base: &str) -> Surface {
    public_surface(xtask::codegen::SPEC_PATH, base).expect("the spec generates")
}

/// Our bump for base -> head, with the items behind it.
fn ours(base: &Surface, head: &str) -> Result<(Verdict, Vec<String>), String> {
    let impact = compare(base, &public_surface("head.yaml", head)?, None);
    let items = impact
        .changes
        .iter()
        .map(|c| {
            format!(
                "{} {}{}",
                c.change,
                c.item,
                if c.breaking { " (breaking)" } else { "" }
            )
        })
        .collect();
    Ok((impact.bump.into(), items))
}

/// Every edit applies, and our bump for it is the recorded one; a case on which the two
/// tools disagree says why, and one on which they agree does not.
#[test]
fn every_case_applies_and_our_bump_is_the_recorded_one() {
    let base = base_spec();
    let base_items = base_surface(&base);
    let cases = cases();
    // Each case generates its head once; the cases are independent, so they share the cores.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut verdicts: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut found = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(case) = cases.get(i) else {
                            break found;
                        };
                        found.push((i, ours(&base_items, &apply(&base, case))));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a case's worker panicked"))
            .collect()
    });
    verdicts.sort_by_key(|(i, _)| *i);
    let mut wrong = Vec::new();
    for ((_, verdict), case) in verdicts.into_iter().zip(&cases) {
        let (verdict, items) = match verdict {
            Ok(found) => found,
            Err(error) => {
                wrong.push(format!("{}: {error}", case.name));
                continue;
            }
        };
        println!("{}: {} ({})", case.name, verdict.name(), items.join("; "));
        if verdict != case.ours {
            wrong.push(format!(
                "{}: ours is {} (recorded: {}): {items:#?}",
                case.name,
                verdict.name(),
                case.ours.name()
            ));
        }
        let agreed = agree(case.ours, case.semver_checks);
        if agreed == case.why.is_some() {
            wrong.push(format!(
                "{}: {}",
                case.name,
                if agreed {
                    "the tools agree: no `why`"
                } else {
                    "the tools disagree: say `why`"
                }
            ));
        }
    }
    if std::env::var_os("SEMVER_CORPUS").is_none() {
        assert!(cases.len() >= 20, "{} cases", cases.len());
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A cargo for the copy of the workspace, with a target folder of its own inside the shared
/// one (its `RUSTFLAGS` differ from the workspace's builds, which would otherwise rebuild
/// each other's dependencies).
fn cargo(root: &Path) -> Command {
    nested_cargo::cargo(root, &target_dir())
}

fn target_dir() -> PathBuf {
    workspace().join("target/semver-corpus")
}

/// Writes the spec and the client files generated from it into the copy.
fn generate_into(root: &Path, spec: &str) {
    let path = xtask::codegen::SPEC_PATH;
    let generated = xtask::codegen::generate_all(path, spec).unwrap_or_else(|e| panic!("{e:?}"));
    let mock =
        xtask::codegen::generate_mock(path, spec, "crate").unwrap_or_else(|e| panic!("{e:?}"));
    for (file, text) in [
        (path, spec),
        (xtask::codegen::GENERATED_PATH, generated.client.as_str()),
        (
            xtask::codegen::OPERATIONS_PATH,
            generated.operations.as_str(),
        ),
        (xtask::codegen::MOCK_PATH, mock.as_str()),
    ] {
        std::fs::write(root.join(file), text).unwrap();
    }
}

/// The features whose API the spec decides (the typed mocks, the schemas' derive).
const FEATURES: &str = "mock,schemars";

/// The client crate's rustdoc JSON, built as cargo-semver-checks builds it (its flags and
/// `RUSTC_BOOTSTRAP=1` on the stable toolchain), copied to `to`.
fn rustdoc_json(root: &Path, to: &Path) {
    let mut command = cargo(root);
    command
        .env("RUSTC_BOOTSTRAP", "1")
        .env(
            "RUSTDOCFLAGS",
            "-Z unstable-options --document-private-items --document-hidden-items \
             --output-format=json --cap-lints=allow",
        )
        .env("RUSTFLAGS", "--cap-lints=allow")
        .args([
            "doc",
            "--quiet",
            "--package",
            "answering-agent",
            "--lib",
            "--no-deps",
            "--features",
            FEATURES,
        ]);
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo doc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::copy(target_dir().join("doc/answering_agent.json"), to).unwrap();
}

/// cargo-semver-checks' verdict for two rustdoc JSON files, and the lints that fired
/// (`(warn)` after a lint whose level is warn). The verdict is the larger of the bump it
/// requires (its deny-level lints) and the one it suggests (its warn-level lints).
fn semver_checks(baseline: &Path, current: &Path) -> (Verdict, Vec<String>) {
    let output = Command::new("cargo")
        .args(["semver-checks", "--color", "never"])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        // Every deny-level lint that fires is a failure, so the summary counts them all.
        .args(["--release-type", "patch"])
        .output()
        .expect("cargo-semver-checks runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lints: Vec<String> = stdout
        .lines()
        .filter_map(|line| {
            let (rest, warn) = match line.strip_prefix("--- failure ") {
                Some(rest) => (rest, ""),
                None => (line.strip_prefix("--- warning ")?, " (warn)"),
            };
            Some(format!("{}{warn}", rest.split(':').next()?))
        })
        .collect();
    let summary = stderr
        .lines()
        .find(|line| line.trim_start().starts_with("Summary"))
        .unwrap_or_else(|| panic!("no summary from cargo-semver-checks:\n{stdout}\n{stderr}"));
    let required = if summary.contains("no semver update required") {
        Verdict::None
    } else if summary.contains("requires new major version") {
        Verdict::Major
    } else if summary.contains("requires new minor version") {
        Verdict::Minor
    } else {
        panic!("an unexpected summary from cargo-semver-checks: {summary}\n{stdout}\n{stderr}")
    };
    // `Warning produced 1 major and 0 minor level warnings`.
    let suggested = stderr
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("Warning produced "))
        .map_or(Verdict::None, |counts| {
            let mut numbers = counts
                .split_whitespace()
                .filter_map(|word| word.parse::<u32>().ok());
            match (numbers.next(), numbers.next()) {
                (Some(major), _) if major > 0 => Verdict::Major,
                (_, Some(minor)) if minor > 0 => Verdict::Minor,
                _ => Verdict::None,
            }
        });
    (required.max(suggested), lints)
}

struct Row {
    name: String,
    ours: Verdict,
    theirs: Verdict,
    lints: Vec<String>,
    why: Option<String>,
    build: Duration,
    check: Duration,
}

#[test]
#[ignore = "builds the client's rustdoc JSON for every case (minutes); needs cargo-semver-checks"]
fn cargo_semver_checks_agrees_with_our_rust_impact() {
    let version = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output();
    match version {
        Ok(output) if output.status.success() => {
            println!("{}", String::from_utf8_lossy(&output.stdout).trim());
        }
        _ => panic!(
            "cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked` \
             (the corpus was recorded with 0.51.0), then run this test again"
        ),
    }
    let started = Instant::now();
    let scratch = tempfile::tempdir().unwrap();
    let root = &scratch.path().join("copy");
    workspace_copy::copy(&workspace_copy::tracked(&workspace()), root);

    let base = base_spec();
    let baseline = scratch.path().join("base.json");
    let clock = Instant::now();
    generate_into(root, &base);
    rustdoc_json(root, &baseline);
    println!(
        "baseline rustdoc JSON: {:.1} s",
        clock.elapsed().as_secs_f64()
    );

    let base_items = base_surface(&base);
    let mut rows = Vec::new();
    for (index, case) in cases().into_iter().enumerate() {
        let head = apply(&base, &case);
        let (ours, items) =
            ours(&base_items, &head).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let current = scratch.path().join(format!("case-{index}.json"));
        let clock = Instant::now();
        generate_into(root, &head);
        rustdoc_json(root, &current);
        let build = clock.elapsed();
        let clock = Instant::now();
        let (theirs, lints) = semver_checks(&baseline, &current);
        let check = clock.elapsed();
        println!(
            "{}: ours {} ({}), cargo-semver-checks {} ({}) [{:.1} s + {:.1} s]",
            case.name,
            ours.name(),
            items.join("; "),
            theirs.name(),
            lints.join(", "),
            build.as_secs_f64(),
            check.as_secs_f64()
        );
        assert_eq!(ours, case.ours, "{}: our bump changed", case.name);
        rows.push((
            Row {
                name: case.name.clone(),
                ours,
                theirs,
                lints,
                why: case.why.clone(),
                build,
                check,
            },
            case.semver_checks,
        ));
    }
    let report = report(
        &rows.iter().map(|(r, _)| r).collect::<Vec<_>>(),
        started.elapsed(),
    );
    println!("{report}");
    std::fs::create_dir_all(target_dir()).unwrap();
    std::fs::write(target_dir().join("report.md"), &report).unwrap();

    let mut wrong = Vec::new();
    for (row, recorded) in &rows {
        if row.theirs != *recorded {
            wrong.push(format!(
                "{}: cargo-semver-checks says {} ({}), recorded {}",
                row.name,
                row.theirs.name(),
                row.lints.join(", "),
                recorded.name()
            ));
        }
        if !agree(row.ours, row.theirs) && row.why.is_none() {
            wrong.push(format!(
                "{}: ours {}, cargo-semver-checks {}, and the corpus does not say why",
                row.name,
                row.ours.name(),
                row.theirs.name()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The Markdown table of BENCHMARKS.md, and the totals.
fn report(rows: &[&Row], total: Duration) -> String {
    let mut out = String::from(
        "| Spec change | Ours | cargo-semver-checks (lints) | Agree |\n|---|---|---|---|\n",
    );
    for row in rows {
        let lints = if row.lints.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                row.lints
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let agreed = if agree(row.ours, row.theirs) {
            "yes".to_string()
        } else {
            format!("no: {}", row.why.as_deref().unwrap_or("?"))
        };
        out.push_str(&format!(
            "| {} | {} | {}{lints} | {agreed} |\n",
            row.name,
            row.ours.name(),
            row.theirs.name()
        ));
    }
    let agreeing = rows.iter().filter(|r| agree(r.ours, r.theirs)).count();
    let build: Duration = rows.iter().map(|r| r.build).sum();
    let check: Duration = rows.iter().map(|r| r.check).sum();
    out.push_str(&format!(
        "\n{} cases, {agreeing} agree, {} disagree. Total {:.0} s: per case {:.1} s to \
         generate and build the rustdoc JSON, {:.1} s for cargo-semver-checks (means).\n",
        rows.len(),
        rows.len() - agreeing,
        total.as_secs_f64(),
        build.as_secs_f64() / rows.len().max(1) as f64,
        check.as_secs_f64() / rows.len().max(1) as f64,
    ));
    out
}
