//! The probe's report: per operation the statuses and shapes seen, per guess its verdict
//! with the evidence and the spec line to change, every other contradiction, and the
//! cleanup. As text, markdown (for a pull request) or JSON.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::assess::{Assessed, Contradiction, Verdict};
use super::cleanup::Cleanup;
use crate::report::{markdown_cell, plural};

/// One call the plan made (or skipped).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Call {
    /// The operationId.
    pub operation: String,
    /// `POST /locations`.
    pub route: String,
    /// What the call checks.
    pub purpose: String,
    /// The status answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What the spec leads one to expect.
    pub expected: String,
    /// The answer's shape (types, not values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
    /// The redacted recording, relative to the run's folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<String>,
    /// Why the call was not made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// How long the answer took, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub millis: Option<u64>,
}

/// Everything a run learned.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The run id its records carry.
    pub run: String,
    /// The API probed.
    pub base: String,
    /// The spec file, and the number of operations in it.
    pub spec: String,
    /// The number of operations in the spec.
    pub operations: usize,
    /// The calls, in order.
    pub calls: Vec<Call>,
    /// Every guess of the spec, with its verdict.
    pub guesses: Vec<Assessed>,
    /// Every disagreement seen.
    pub contradictions: Vec<Contradiction>,
    /// The contradictions no guess covers (indexes).
    pub unguessed: Vec<usize>,
    /// What the cleanup removed and left.
    pub cleanup: Cleanup,
    /// Why the run stopped before the end of its plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl Report {
    /// How many operations at least one call reached.
    pub fn exercised(&self) -> usize {
        let seen: BTreeSet<&str> = self
            .calls
            .iter()
            .filter(|c| c.status.is_some())
            .map(|c| c.operation.as_str())
            .collect();
        seen.len()
    }

    fn count(&self, verdict: Verdict) -> usize {
        self.guesses.iter().filter(|g| g.verdict == verdict).count()
    }

    fn headline(&self) -> String {
        format!(
            "probe {} of {}: {} calls, {} of {} operations exercised; {} contradiction{}; guesses: {} contradicted, {} consistent, {} not exercised",
            self.run,
            self.base,
            self.calls.iter().filter(|c| c.status.is_some()).count(),
            self.exercised(),
            self.operations,
            self.contradictions.len(),
            plural(self.contradictions.len()),
            self.count(Verdict::Contradicted),
            self.count(Verdict::Consistent),
            self.count(Verdict::NotExercised),
        )
    }

    fn spec_line(&self, pointer: &str, line: Option<usize>) -> String {
        match line {
            Some(line) => format!("{}:{line} ({pointer})", self.spec),
            None => format!("{} ({pointer})", self.spec),
        }
    }

    /// Where the spec states what contradiction `index` (which no guess covers) says is wrong.
    fn stated_at(&self, index: usize, lines_of: &dyn Fn(&str) -> Option<usize>) -> String {
        let place = self.contradictions[index]
            .places
            .first()
            .map_or("", String::as_str);
        self.spec_line(place, lines_of(place))
    }

    fn evidence(&self, index: usize) -> String {
        let c = &self.contradictions[index];
        format!("{} ({}): {}", c.operation, c.purpose, c.message)
    }

    /// For a terminal.
    pub fn text(&self, lines_of: &dyn Fn(&str) -> Option<usize>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.headline());
        if let Some(why) = &self.stopped {
            let _ = writeln!(out, "stopped early: {why}");
        }
        let _ = writeln!(out, "\ncalls:");
        for call in &self.calls {
            let answer = match (call.status, &call.skipped) {
                (Some(status), _) => format!("{status} in {} ms", call.millis.unwrap_or(0)),
                (None, Some(why)) => format!("skipped: {why}"),
                (None, None) => "no answer".to_string(),
            };
            let _ = writeln!(
                out,
                "  {:<22} {:<38} {:<32} {} (expected {})",
                call.operation, call.route, call.purpose, answer, call.expected
            );
            if let Some(shape) = &call.shape {
                let _ = writeln!(out, "  {:<22} {shape}", "");
            }
        }
        let _ = writeln!(out, "\nguesses:");
        for guess in &self.guesses {
            let _ = writeln!(
                out,
                "  {:<13} {}: {} — {}",
                guess.verdict.name(),
                self.spec_line(&guess.pointer, guess.line),
                guess.place,
                guess.claim
            );
            for index in &guess.evidence {
                let _ = writeln!(out, "                seen: {}", self.evidence(*index));
            }
        }
        if !self.unguessed.is_empty() {
            let _ = writeln!(out, "\ncontradicted where the spec does not guess:");
            for index in &self.unguessed {
                let _ = writeln!(
                    out,
                    "  {}\n      seen: {}",
                    self.stated_at(*index, lines_of),
                    self.evidence(*index)
                );
            }
        }
        let _ = writeln!(out, "\ncleanup:");
        for (deleted, resource, keys) in self.cleanup.deleted() {
            let _ = writeln!(
                out,
                "  {deleted} {} {resource}: {}",
                keys.len(),
                keys_text(keys)
            );
        }
        for left in &self.cleanup.left {
            let _ = writeln!(out, "  left {} {}: {}", left.resource, left.key, left.why);
        }
        out
    }

    /// For a pull request: GitHub-flavoured markdown.
    pub fn markdown(&self, lines_of: &dyn Fn(&str) -> Option<usize>) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## Probe `{}`\n\n{}\n",
            self.run,
            markdown_cell(&self.headline())
        );
        if let Some(why) = &self.stopped {
            let _ = writeln!(out, "**Stopped early:** {}\n", markdown_cell(why));
        }
        let contradicted: Vec<&Assessed> = self
            .guesses
            .iter()
            .filter(|g| g.verdict == Verdict::Contradicted)
            .collect();
        if !contradicted.is_empty() || !self.unguessed.is_empty() {
            let _ = writeln!(
                out,
                "### Contradicted\n\n| Spec line | Claim | Seen |\n|---|---|---|"
            );
            for guess in contradicted {
                let seen: Vec<String> = guess
                    .evidence
                    .iter()
                    .map(|i| markdown_cell(&self.evidence(*i)))
                    .collect();
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    self.spec_line(&guess.pointer, guess.line),
                    markdown_cell(&guess.claim),
                    seen.join("<br>")
                );
            }
            for index in &self.unguessed {
                let _ = writeln!(
                    out,
                    "| `{}` | (stated, not guessed) | {} |",
                    self.stated_at(*index, lines_of),
                    markdown_cell(&self.evidence(*index))
                );
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "### Calls\n\n| Operation | Call | Status | Expected | Shape |\n|---|---|---|---|---|"
        );
        for call in &self.calls {
            let status = match (call.status, &call.skipped) {
                (Some(s), _) => s.to_string(),
                (None, Some(why)) => format!("skipped: {}", markdown_cell(why)),
                (None, None) => "no answer".to_string(),
            };
            let _ = writeln!(
                out,
                "| `{}` {} | {} | {status} | {} | {} |",
                call.operation,
                markdown_cell(&call.route),
                markdown_cell(&call.purpose),
                markdown_cell(&call.expected),
                call.shape
                    .as_deref()
                    .map(|s| format!("`{}`", s.replace('|', "\\|")))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(
            out,
            "\n### Guesses\n\n| Verdict | Spec line | Claim |\n|---|---|---|"
        );
        for guess in &self.guesses {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} |",
                guess.verdict.name(),
                self.spec_line(&guess.pointer, guess.line),
                markdown_cell(&guess.claim)
            );
        }
        let _ = writeln!(out, "\n### Cleanup\n");
        for (deleted, resource, keys) in self.cleanup.deleted() {
            let count = keys.len();
            let keys = markdown_cell(&keys_text(keys));
            let _ = writeln!(out, "- {deleted} {count} {resource}: {keys}");
        }
        for left in &self.cleanup.left {
            let _ = writeln!(
                out,
                "- **left** {} `{}`: {}",
                left.resource,
                left.key,
                markdown_cell(&left.why)
            );
        }
        out
    }

    /// One JSON document.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serializes") + "\n"
    }
}

fn keys_text(keys: &[Value]) -> String {
    keys.iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The shape of a JSON value: its types and field names, two levels deep.
pub fn shape(value: &Value) -> String {
    fn at(value: &Value, depth: usize) -> String {
        match value {
            Value::Null => "null".into(),
            Value::Bool(_) => "boolean".into(),
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer".into(),
            Value::Number(_) => "number".into(),
            Value::String(_) => "string".into(),
            Value::Array(items) => match items.first() {
                Some(first) if depth < 2 => format!("[{}]", at(first, depth + 1)),
                Some(_) => "[…]".into(),
                None => "[]".into(),
            },
            Value::Object(fields) if depth < 2 => format!(
                "{{{}}}",
                fields
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", at(v, depth + 1)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Object(_) => "{…}".into(),
        }
    }
    at(value, 0)
}
