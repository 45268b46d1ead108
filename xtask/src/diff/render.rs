//! A diff for people (text), for a pull-request comment (markdown: summary table first,
//! details folded), and for tools (JSON).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;

use super::causes::{self, Cause, plural};
use super::compare::Change;
use super::rules::Level;
use super::rust_impact::{Bump, RustChange, RustImpact};
use crate::report::markdown_cell;

/// What the two sides were.
pub struct Sides {
    /// `main@1a2b3c4:openapi/answering-agent.yaml`, or a file.
    pub base: String,
    /// `working tree`, a revision or a file.
    pub head: String,
    /// `merging this needs 0.3.0 (...)`, when the head's version is lower than the spec
    /// changes since the last release need (`changelog::merge_note`).
    pub release: Option<String>,
}

fn bump_text(rust: &RustImpact) -> String {
    let bump = match rust.bump {
        Bump::None => "no bump (no public item changed)",
        Bump::Minor => "minor (additions only)",
        Bump::Major => "major (code using the client can stop compiling)",
    };
    match (&rust.current, &rust.next) {
        (Some(current), Some(next)) if current != next => format!("{bump}: {current} -> {next}"),
        _ => bump.to_string(),
    }
}

fn line_of(change: &Change) -> String {
    change
        .spec
        .as_ref()
        .map_or(String::new(), |place| match place.line {
            Some(line) => format!("{}:{line}", place.file),
            None => place.file.clone(),
        })
}

/// Plain text, grouped by level.
pub fn text(sides: &Sides, changes: &[Change], rust: Option<&RustImpact>) -> String {
    let mut out = format!("spec diff: {} -> {}\n", sides.base, sides.head);
    if changes.is_empty() {
        out.push_str("no changes\n");
    }
    let causes = causes::group(changes);
    let rust_changes = rust.map_or(&[][..], |r| r.changes.as_slice());
    for (level, group) in causes::by_level(&causes) {
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({}):", level.title(), counts(&group));
        for cause in group {
            let accepted = cause
                .accepted()
                .map(|r| format!(" [accepted: {r}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<44} {}: {}{accepted}",
                cause.rule,
                cause.name(),
                cause.sentence()
            );
            if cause.places.len() > 1 {
                let places: Vec<String> = cause.places.iter().map(|c| c.place()).collect();
                let _ = writeln!(
                    out,
                    "  {:<44} reaches {}: {}",
                    "",
                    cause.reaches(),
                    places.join(", ")
                );
            }
            for item in cause.rust(rust_changes) {
                let _ = writeln!(out, "  {:<44} Rust: {} {}", "", item.item, item.change);
            }
            let _ = writeln!(out, "  {:<44} at {}", "", line_of(cause.places[0]));
        }
    }
    if let Some(rust) = rust {
        let _ = writeln!(out, "\nRust client:");
        match &rust.error {
            Some(error) => {
                let _ = writeln!(out, "  not computed: {error}");
            }
            None => {
                for change in &rust.changes {
                    let _ = writeln!(
                        out,
                        "  {:<9} {} {}: {}",
                        change.mark(),
                        change.item,
                        change.change,
                        change.note
                    );
                }
                let _ = writeln!(out, "  semver: {}", bump_text(rust));
                if let Some(note) = &sides.release {
                    let _ = writeln!(out, "  {note}");
                }
            }
        }
    }
    out
}

/// A pull-request comment: what breaks, the Rust impact and the bump first; details folded.
pub fn markdown(sides: &Sides, changes: &[Change], rust: Option<&RustImpact>) -> String {
    let mut out = String::from("### OpenAPI spec diff\n\n");
    let _ = writeln!(out, "`{}` → `{}`\n", sides.base, sides.head);
    let causes = causes::group(changes);
    out.push_str("| Level | Causes (places) | Accepted |\n|---|---:|---:|\n");
    for (level, group) in causes::by_level(&causes) {
        let places: usize = group.iter().map(|c| c.places.len()).sum();
        let accepted = group.iter().filter(|c| c.accepted().is_some()).count();
        let _ = writeln!(
            out,
            "| {} | {} ({places}) | {accepted} |",
            level.title(),
            group.len()
        );
    }
    if let Some(rust) = rust {
        match &rust.error {
            Some(error) => {
                let _ = writeln!(
                    out,
                    "\n**Rust client:** not computed ({})",
                    markdown_cell(error)
                );
            }
            None => {
                let breaking = rust.changes.iter().filter(|c| c.breaking).count();
                let _ = writeln!(
                    out,
                    "\n**Rust client:** {} public item{} changed, {breaking} breaking. **Semver: {}**{}",
                    rust.changes.len(),
                    if rust.changes.len() == 1 { "" } else { "s" },
                    bump_text(rust),
                    sides
                        .release
                        .as_ref()
                        .map(|note| format!(" — **{note}**"))
                        .unwrap_or_default()
                );
            }
        }
    }
    if changes.is_empty() {
        out.push_str("\nNo API changes.\n");
    }
    // The comment must fit GitHub's limit (65,536 characters) with the Rust section after
    // the changes: rows beyond the budget are counted, not shown.
    let mut budget = COMMENT_BUDGET.saturating_sub(out.len());
    let rust_changes = rust.map_or(&[][..], |r| r.changes.as_slice());
    for (level, group) in causes::by_level(&causes) {
        if !group.is_empty() {
            let section = level_section(level, &group, rust_changes, &mut budget);
            out.push_str(&section);
        }
    }
    if let Some(rust) = rust.filter(|r| !r.changes.is_empty()) {
        let _ = writeln!(
            out,
            "\n<details><summary>Rust API ({})</summary>\n",
            rust.changes.len()
        );
        out.push_str("| Item | Change | Breaking | Why |\n|---|---|---|---|\n");
        // What is left of the budget, and the room the Rust rows had kept.
        budget += COMMENT_RESERVE;
        let mut left_out = 0;
        for change in &rust.changes {
            let row = format!(
                "| `{}` | {} | {} | {} |\n",
                change.item,
                change.change,
                if change.breaking { "yes" } else { "no" },
                change.note
            );
            push_row(&mut out, &row, &mut budget, &mut left_out);
        }
        out.push_str(&not_shown(left_out));
        out.push_str("\n</details>\n");
    }
    out
}

/// What the markdown may take for its rows of changes, and what is kept for the Rust items
/// after them: 54,000 characters of rows. The rest is bounded too (the heading and summary,
/// table headers, and a count per rule: at most the 125 rules' ids once, under 8,000), so a
/// comment stays under GitHub's limit of 65,536.
const COMMENT_BUDGET: usize = 44_000;
const COMMENT_RESERVE: usize = 10_000;

/// Rows shown per level before the rest is folded.
const SHOWN_PER_LEVEL: usize = 25;

/// A level's causes: how many of each rule, then one row per cause, the first
/// [`SHOWN_PER_LEVEL`] shown (breaking ones unfolded) and the rest one click away.
fn level_section(
    level: Level,
    group: &[&Cause],
    rust: &[RustChange],
    budget: &mut usize,
) -> String {
    let mut out = String::new();
    let open = if level == Level::Breaking {
        " open"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "\n<details{open}><summary>{} ({})</summary>\n",
        level.title(),
        counts(group)
    );
    if group.len() > 1 {
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for cause in group {
            *by_rule.entry(cause.rule).or_default() += 1;
        }
        let mut by_rule: Vec<(&str, usize)> = by_rule.into_iter().collect();
        by_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let rules: Vec<String> = by_rule
            .iter()
            .map(|(rule, count)| format!("`{rule}` {count}"))
            .collect();
        let _ = writeln!(out, "By rule: {}\n", rules.join(", "));
    }
    let (shown, folded) = group.split_at(group.len().min(SHOWN_PER_LEVEL));
    let mut left_out = 0;
    out.push_str(&cause_table(shown, rust, budget, &mut left_out));
    if !folded.is_empty() {
        let _ = writeln!(out, "\n<details><summary>{} more</summary>\n", folded.len());
        out.push_str(&cause_table(folded, rust, budget, &mut left_out));
        out.push_str("\n</details>\n");
    }
    out.push_str(&not_shown(left_out));
    out.push_str("\n</details>\n");
    out
}

/// `3 causes, 19 places`, or `1 change` when each cause is one place.
fn counts(group: &[&Cause]) -> String {
    let places: usize = group.iter().map(|c| c.places.len()).sum();
    let causes = group.len();
    if causes == places {
        format!("{causes} {}", plural(causes, "change", "changes"))
    } else {
        format!(
            "{causes} {}, {places} places",
            plural(causes, "cause", "causes")
        )
    }
}

/// One row per cause: its rule, where it is, what changed (and the Rust items it changes),
/// what it reaches (the places one click away), and the spec's line. Rows that do not fit
/// the budget are counted in `left_out`.
fn cause_table(
    causes: &[&Cause],
    rust: &[RustChange],
    budget: &mut usize,
    left_out: &mut usize,
) -> String {
    let mut out =
        String::from("| Rule | Where | Change | Reaches | Spec |\n|---|---|---|---|---|\n");
    for cause in causes {
        let accepted = cause
            .accepted()
            .map(|r| format!(" *(accepted: {})*", markdown_cell(r)))
            .unwrap_or_default();
        let items: Vec<String> = cause
            .rust(rust)
            .iter()
            .map(|item| format!("<br>Rust: `{}` {}", item.item, item.change))
            .collect();
        let reaches = if cause.places.len() == 1 {
            cause.reaches()
        } else {
            let places: Vec<String> = cause
                .places
                .iter()
                .map(|c| markdown_cell(&c.place()))
                .collect();
            format!(
                "<details><summary>{}</summary>{}</details>",
                cause.reaches(),
                places.join("<br>")
            )
        };
        let row = format!(
            "| `{}` | `{}` | {}{accepted}{} | {reaches} | {} |\n",
            cause.rule,
            markdown_cell(&cause.name()),
            markdown_cell(&cause.sentence()),
            items.concat(),
            markdown_cell(&line_of(cause.places[0]))
        );
        push_row(&mut out, &row, budget, left_out);
    }
    out
}

/// Appends `row` when it fits the budget; counts it in `left_out` when it does not.
fn push_row(out: &mut String, row: &str, budget: &mut usize, left_out: &mut usize) {
    if row.len() > *budget {
        *left_out += 1;
    } else {
        *budget -= row.len();
        out.push_str(row);
    }
}

/// The line saying how many rows the size limit left out, if any.
fn not_shown(left_out: usize) -> String {
    if left_out == 0 {
        return String::new();
    }
    format!(
        "\n{left_out} more not shown (a comment has a size limit): `cargo xtask diff` lists them all.\n"
    )
}

/// One JSON document.
pub fn json(sides: &Sides, changes: &[Change], rust: Option<&RustImpact>) -> String {
    let document = json!({
        "base": sides.base,
        "head": sides.head,
        "changes": changes,
        "rust": rust,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("a diff serializes");
    text.push('\n');
    text
}
