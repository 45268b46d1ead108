//! Removing what a run made: every key its journal names, and every record a list shows
//! with the run id in it (a create whose answer was lost, or a refusal the server accepted),
//! deleted in the order `rest::exercise_order` gives deletes; then the lists are read again.
//! What the spec gives no delete for is reported, not hidden.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use answering_agent_spec::rest::{Kind, exercise_order};
use answering_agent_spec::{Operation, Spec};

use super::journal::Entry;
use super::plan::Keys;
use crate::http::Caller;

/// A record the cleanup could not remove.
#[derive(Clone, Debug, Serialize)]
pub struct Left {
    /// The collection.
    pub resource: String,
    /// Its key.
    pub key: Value,
    /// Why it is still there.
    pub why: String,
}

/// What the cleanup did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cleanup {
    /// Deleted by the cleanup, by resource.
    pub removed: BTreeMap<String, Vec<Value>>,
    /// Gone before the cleanup came (the run deleted them), by resource.
    pub gone: BTreeMap<String, Vec<Value>>,
    /// Still there.
    pub left: Vec<Left>,
}

impl Cleanup {
    /// Whether something that could be deleted is still there.
    pub fn incomplete(&self) -> bool {
        self.left
            .iter()
            .any(|l| !l.why.starts_with("the spec has no delete"))
    }

    /// What is gone, by resource: (`removed` or `already deleted`, resource, keys).
    pub fn deleted(&self) -> impl Iterator<Item = (&'static str, &String, &Vec<Value>)> {
        let removed = self.removed.iter().map(|(r, k)| ("removed", r, k));
        removed.chain(self.gone.iter().map(|(r, k)| ("already deleted", r, k)))
    }
}

/// Removes what run `run` made, as its journal says and the lists show.
pub fn clean(
    spec: &Spec,
    operations: &[Operation<'_>],
    keys: &Keys,
    caller: &Caller,
    run: &str,
    journal: &[Entry],
) -> Cleanup {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut values: BTreeMap<String, Value> = BTreeMap::new();
    let mut note = |resource: &str, key: &Value| {
        let text = key_text(key);
        values.insert(text.clone(), key.clone());
        found.entry(resource.to_string()).or_default().insert(text);
    };
    for entry in journal {
        if let Entry::Created { resource, key } = entry {
            note(resource, key);
        }
    }
    let lists: Vec<&Operation<'_>> = operations
        .iter()
        .filter(|op| op.kind() == Kind::List)
        .collect();
    for list in &lists {
        for key in run_keys(caller, keys, list, run) {
            note(list.resource(), &key);
        }
    }
    let mut cleanup = Cleanup::default();
    let order = exercise_order(spec, operations);
    let deletes: Vec<&&Operation<'_>> = order
        .iter()
        .filter(|op| op.kind() == Kind::Delete)
        .collect();
    for delete in &deletes {
        for text in found.get(delete.resource()).into_iter().flatten() {
            let key = &values[text];
            let path = fill(
                delete.path,
                keys.parameter(delete.resource()).unwrap_or(""),
                key,
            );
            let why = match caller.call(delete.method, &path, None, None) {
                Ok(answer) if answer.status == 404 || (200..300).contains(&answer.status) => {
                    let done = if answer.status == 404 {
                        &mut cleanup.gone
                    } else {
                        &mut cleanup.removed
                    };
                    done.entry(delete.resource().to_string())
                        .or_default()
                        .push(key.clone());
                    continue;
                }
                Ok(answer) => format!("{} answered {}", delete.route(), answer.status),
                Err(error) => format!("{error:#}"),
            };
            cleanup.left.push(Left {
                resource: delete.resource().to_string(),
                key: key.clone(),
                why,
            });
        }
    }
    let deletable = |resource: &str| deletes.iter().any(|d| d.resource() == resource);
    for (resource, texts) in found.iter().filter(|(r, _)| !deletable(r)) {
        for text in texts {
            cleanup.left.push(Left {
                resource: resource.clone(),
                key: values[text].clone(),
                why: format!("the spec has no delete for {resource}"),
            });
        }
    }
    // What a delete answered is not the last word: the lists are.
    for list in lists.iter().filter(|list| deletable(list.resource())) {
        for key in run_keys(caller, keys, list, run) {
            let text = key_text(&key);
            if let Some(removed) = cleanup.removed.get_mut(list.resource()) {
                removed.retain(|k| key_text(k) != text);
            }
            cleanup.left.push(Left {
                resource: list.resource().to_string(),
                key,
                why: "still listed after its delete".to_string(),
            });
        }
    }
    cleanup
}

/// The records a list answers: a bare array, or the first array in an object (`data`).
fn listed(caller: &Caller, list: &Operation<'_>) -> Vec<Value> {
    let Ok(answer) = caller.call(list.method, list.path, None, None) else {
        return Vec::new();
    };
    let items = match serde_json::from_slice::<Value>(&answer.body) {
        Ok(Value::Object(fields)) => fields.into_values().find(Value::is_array),
        other => other.ok(),
    };
    match items {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// The keys of the records `list` answers whose top-level text fields carry the run id
/// (names, `external_id`).
fn run_keys(caller: &Caller, keys: &Keys, list: &Operation<'_>, run: &str) -> Vec<Value> {
    let mentions = |record: &Value| {
        record
            .as_object()
            .into_iter()
            .flatten()
            .any(|(_, v)| v.as_str().is_some_and(|s| s.contains(run)))
    };
    listed(caller, list)
        .iter()
        .filter(|record| mentions(record))
        .filter_map(|record| keys.key_of(list.resource(), record))
        .collect()
}

/// A key as it goes into a path or query: a string as itself, anything else as JSON.
pub fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `template` with `{parameter}` replaced by `key`, percent-encoded as one segment.
pub fn fill(template: &str, parameter: &str, key: &Value) -> String {
    template.replace(
        &format!("{{{parameter}}}"),
        &progenitor_client::encode_path(&key_text(key)),
    )
}
