//! `openapi/examples/allowed-drift.toml`: drift that is known and accepted, each entry with a
//! reason. An entry that matches no finding is itself a finding (a ratchet): once the spec
//! catches up, the entry must go.
//!
//! ```toml
//! [[allow]]
//! file = "createOrganization/201-suspended-location.json"  # relative to openapi/examples/; "*" for any
//! pointer = "/organization/phone_numbers/0/status"
//! class = "unknown-enum-value"                              # or "unknown-field"
//! reason = "the vendor added `suspended`; waiting for their docs"
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::report::{Class, Finding};

/// The allow-list's name in the examples folder.
pub const FILE_NAME: &str = "allowed-drift.toml";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default)]
    allow: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    pointer: String,
    class: String,
    reason: String,
}

/// The loaded allow-list.
pub struct AllowList {
    entries: Vec<Entry>,
    name: String,
    text: String,
}

impl AllowList {
    /// Loads the allow-list at `path` (none is an empty list); `name` is how errors name it.
    pub fn load(path: &Path, name: &str) -> anyhow::Result<AllowList> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => anyhow::bail!("{name}: cannot read: {e}"),
        };
        let document: Document = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |span| line_column(&text, span.start));
            anyhow::anyhow!("{name}:{line}:{column}: {}", e.message())
        })?;
        for (index, entry) in document.allow.iter().enumerate() {
            let line = line_of_entry(&text, index);
            let drift = [Class::UnknownField, Class::UnknownEnumValue];
            anyhow::ensure!(
                drift.iter().any(|c| c.name() == entry.class),
                "{name}:{line}: class `{}` cannot be allowed; only drift can: `unknown-field`, `unknown-enum-value`",
                entry.class
            );
            anyhow::ensure!(
                !entry.reason.trim().is_empty(),
                "{name}:{line}: every entry needs a reason"
            );
        }
        Ok(AllowList {
            entries: document.allow,
            name: name.to_string(),
            text,
        })
    }

    /// Marks the drift the list accepts (`allowed` set to the reason), and adds a finding for
    /// every entry that accepted nothing. `relative` turns a finding's file into the form
    /// entries use.
    pub fn apply(
        &self,
        mut findings: Vec<Finding>,
        relative: impl Fn(&str) -> String,
    ) -> Vec<Finding> {
        let mut used = vec![false; self.entries.len()];
        for finding in findings.iter_mut().filter(|f| f.class.is_drift()) {
            let file = relative(&finding.file);
            let matching = self.entries.iter().position(|entry| {
                entry.class == finding.class.name()
                    && entry.pointer == finding.pointer
                    && (entry.file == "*" || entry.file == file)
            });
            if let Some(index) = matching {
                used[index] = true;
                finding.allowed = Some(self.entries[index].reason.clone());
            }
        }
        for (index, entry) in self.entries.iter().enumerate() {
            if used[index] {
                continue;
            }
            let mut finding = Finding::new(
                Class::StaleAllowEntry,
                self.name.clone(),
                format!("/allow/{index}"),
                format!(
                    "this entry ({} at {} in {}) matches no finding any more: remove it",
                    entry.class, entry.pointer, entry.file
                ),
            );
            finding.line = Some(line_of_entry(&self.text, index));
            findings.push(finding);
        }
        findings
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// The line of the `index`-th `[[allow]]` header.
fn line_of_entry(text: &str, index: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with("[[allow]]"))
        .nth(index)
        .map_or(1, |(number, _)| number + 1)
}
