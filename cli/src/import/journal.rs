//! The import's journal: one JSON line per event, appended as the import goes, so that a run
//! that was interrupted in any way knows what the last one did.
//!
//! - `sending` is written **before** a create is sent. A row whose last event it is may or
//!   may not have been created: the next run looks it up before sending it again.
//! - `created` ends a row: it is never sent again. It holds the ids.
//! - `failed` and `unknown` end this run's attempt; the next run tries the row again (after a
//!   look-up, for `unknown`).
//!
//! Each event is one `write` to a file opened for appending, so a killed process leaves
//! whole lines (a torn last line, from a full disk or a power cut, is skipped on reading).
//! The file is locked while an import runs: two at once would send the same rows.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Value, json};

/// Where a row stands, after the events so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Sent, and no answer recorded: look it up before sending again.
    Sending,
    Created {
        organization_id: i64,
        owner_id: i64,
    },
    Failed(String),
    Unknown(String),
}

/// The journal file, open for appending.
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// Opens (or creates) the journal and reads every row's state from it.
    pub fn open(path: &Path) -> Result<(Journal, HashMap<String, State>), String> {
        let name = path.display();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(|e| format!("{name}: {e}"))?;
        file.try_lock().map_err(|e| match e {
            TryLockError::WouldBlock => {
                format!("{name}: another import is using this journal; wait for it to end")
            }
            TryLockError::Error(e) => format!("{name}: {e}"),
        })?;
        let (states, whole) = read(path)?;
        let length = file.metadata().map_err(|e| format!("{name}: {e}"))?.len();
        if whole < length {
            // A torn last line: cut it off, or the next event would be glued to it.
            file.set_len(whole).map_err(|e| format!("{name}: {e}"))?;
        }
        Ok((
            Journal {
                path: path.to_path_buf(),
                file: Mutex::new(file),
            },
            states,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event for the row with this key (one `write`).
    pub fn record(&self, key: &str, line: u64, state: &State) -> Result<(), String> {
        let mut event = match state {
            State::Sending => json!({ "event": "sending" }),
            State::Created {
                organization_id,
                owner_id,
            } => json!({
                "event": "created",
                "organization_id": organization_id,
                "owner_id": owner_id,
            }),
            State::Failed(error) => json!({ "event": "failed", "error": error }),
            State::Unknown(error) => json!({ "event": "unknown", "error": error }),
        };
        event["key"] = Value::from(key);
        event["line"] = Value::from(line);
        let text = format!("{event}\n");
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(text.as_bytes())
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

/// Every row's state, read without taking the lock or changing the file (for `--dry-run`);
/// none when there is no journal yet.
pub fn states(path: &Path) -> Result<HashMap<String, State>, String> {
    if !path.exists() {
        return Ok(HashMap::new());
    }
    read(path).map(|(states, _)| states)
}

/// Every row's state (its last event), and the length of the file's whole lines. A last
/// line without its newline is torn by a crash and skipped; a bad line elsewhere is refused.
fn read(path: &Path) -> Result<(HashMap<String, State>, u64), String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let whole = text
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |end| end + 1);
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let mut states = HashMap::new();
    for (index, line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let torn = index + 1 == lines.len(); // no newline after it
        let event = serde_json::from_slice::<Value>(line)
            .ok()
            .and_then(|event| parse(&event));
        match event {
            Some((key, state)) if !torn => {
                states.insert(key, state);
            }
            _ if torn => {
                eprintln!(
                    "warning: {}: line {} is cut short (a crash while writing it); ignored",
                    path.display(),
                    index + 1
                );
            }
            _ => {
                return Err(format!(
                    "{}: line {}: not an event of an import journal",
                    path.display(),
                    index + 1
                ));
            }
        }
    }
    Ok((states, whole as u64))
}

fn parse(event: &Value) -> Option<(String, State)> {
    let key = event.get("key")?.as_str()?.to_string();
    let text = |name: &str| {
        event
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let state = match event.get("event")?.as_str()? {
        "sending" => State::Sending,
        "created" => State::Created {
            organization_id: event.get("organization_id")?.as_i64()?,
            owner_id: event.get("owner_id")?.as_i64()?,
        },
        "failed" => State::Failed(text("error")),
        "unknown" => State::Unknown(text("error")),
        _ => return None,
    };
    Some((key, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_event_wins_and_a_torn_line_is_skipped() {
        let dir = std::env::temp_dir().join(format!("journal-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j");
        let _ = std::fs::remove_file(&path);
        {
            let (journal, states) = Journal::open(&path).unwrap();
            assert!(states.is_empty());
            journal.record("a", 2, &State::Sending).unwrap();
            journal
                .record(
                    "a",
                    2,
                    &State::Created {
                        organization_id: 7,
                        owner_id: 8,
                    },
                )
                .unwrap();
            journal.record("b", 3, &State::Sending).unwrap();
        }
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"key\":\"b\",\"ev").unwrap();
        drop(file);
        let (journal, states) = Journal::open(&path).unwrap();
        journal.record("b", 3, &State::Failed("x".into())).unwrap();
        drop(journal);
        let (_journal, states_after) = Journal::open(&path).unwrap();
        assert_eq!(states_after["b"], State::Failed("x".into()));
        assert_eq!(
            states["a"],
            State::Created {
                organization_id: 7,
                owner_id: 8
            }
        );
        assert_eq!(states["b"], State::Sending);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
