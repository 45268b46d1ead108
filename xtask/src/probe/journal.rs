//! The run's journal: one JSON object a line, each written and flushed to disk before the
//! call it announces. A run killed at any moment leaves a journal that names everything it
//! may have made, so `cargo xtask probe --cleanup RUN_ID` can remove it.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The journal's file name in the run's folder.
pub const FILE_NAME: &str = "journal.jsonl";

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Entry {
    /// The first line: which run, against which API.
    Started {
        /// The run id every name carries.
        run: String,
        /// The base URL.
        base: String,
    },
    /// About to ask for a record of `resource` (it may exist from here on).
    Asking {
        /// The collection.
        resource: String,
        /// The operation.
        operation: String,
    },
    /// The server made a record of `resource` with this key.
    Created {
        /// The collection.
        resource: String,
        /// The key its item path takes.
        key: Value,
    },
}

/// An open journal, appended to.
pub struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    /// Creates `DIR/journal.jsonl` for a new run; refuses to overwrite one.
    ///
    /// The journal appears with its first line already on disk (written beside it, then
    /// linked into place), so a run killed at any moment leaves either no journal or one
    /// that names its run.
    pub fn create(dir: &Path, run: &str, base: &str) -> anyhow::Result<Journal> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
        let path = dir.join(FILE_NAME);
        let draft = dir.join(format!(".{FILE_NAME}.{}", std::process::id()));
        let cannot_create =
            |e: std::io::Error| anyhow::anyhow!("{}: cannot create: {e}", path.display());
        let file = File::create(&draft).map_err(cannot_create)?;
        let mut journal = Journal {
            file,
            path: path.clone(),
        };
        let started = Entry::Started {
            run: run.to_string(),
            base: base.to_string(),
        };
        // A hard link, unlike a rename, fails when the journal already exists.
        let created = journal
            .write(&started)
            .and_then(|()| std::fs::hard_link(&draft, &path).map_err(cannot_create));
        let _ = std::fs::remove_file(&draft);
        created?;
        Ok(journal)
    }

    /// Appends `entry` and waits until it is on disk.
    pub fn write(&mut self, entry: &Entry) -> anyhow::Result<()> {
        let line = serde_json::to_string(entry).expect("an entry serializes") + "\n";
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", self.path.display()))
    }
}

/// The entries of a journal. A last line cut short by a kill is ignored; any other line
/// that is not an entry is an error with its line number.
pub fn read(path: &Path) -> anyhow::Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
    let lines: Vec<&str> = text.split('\n').collect();
    let mut entries = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(line) {
            Ok(entry) => entries.push(entry),
            // Only the last line can be cut short (it has no newline yet).
            Err(_) if index + 1 == lines.len() => {}
            Err(e) => anyhow::bail!(
                "{}:{}:{}: not a journal entry: {e}",
                path.display(),
                index + 1,
                e.column()
            ),
        }
    }
    match entries.first() {
        Some(Entry::Started { .. }) => Ok(entries),
        _ => anyhow::bail!(
            "{}:1: the journal does not start with its run",
            path.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_cut_short_at_the_end_is_ignored_and_one_in_the_middle_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::create(dir.path(), "probe-x", "http://h/api").unwrap();
        journal
            .write(&Entry::Created {
                resource: "organizations".into(),
                key: Value::from(3),
            })
            .unwrap();
        let path = dir.path().join(FILE_NAME);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"event\":\"asking\",\"reso");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(read(&path).unwrap().len(), 2);
        std::fs::write(
            &path,
            text.replacen("{\"event\":\"created\"", "{oops", 1) + "\n",
        )
        .unwrap();
        let error = read(&path).unwrap_err().to_string();
        assert!(error.contains("journal.jsonl:2:"), "{error}");
        assert!(Journal::create(dir.path(), "probe-y", "http://h/api").is_err());
    }
}
