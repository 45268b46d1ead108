//! The fake's state: one table of records per resource, each record the JSON object the
//! requests built, with the `id`, `created_at` and `updated_at` the server would add.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasher, RandomState};

use serde_json::{Map, Value};

/// One stored resource, as JSON.
pub(crate) type Record = Map<String, Value>;

#[derive(Default)]
struct Table {
    next_id: u64,
    records: BTreeMap<u64, Record>,
    /// The key field's value (as text) -> id, for resources keyed by another field than `id`.
    by_key: HashMap<String, u64>,
}

/// Every table, behind the one lock the server takes per request: each request is atomic.
pub(crate) struct Store {
    tables: BTreeMap<String, Table>,
    /// (resource, dotted path) -> value (as text) -> the ids of the records holding it
    /// there: kept up to date on every write, so that showing a record's related records
    /// (an organization's users) costs no scan of the whole table.
    indexes: HashMap<(String, String), HashMap<String, BTreeSet<u64>>>,
    random: u64,
}

impl Store {
    /// An empty store that indexes `relations`: (resource, dotted path) pairs.
    pub fn new(relations: impl IntoIterator<Item = (String, String)>) -> Store {
        Store {
            tables: BTreeMap::new(),
            indexes: relations.into_iter().map(|r| (r, HashMap::new())).collect(),
            random: RandomState::new().hash_one(std::time::SystemTime::now()) | 1,
        }
    }

    /// The ids of the records of `resource` whose `path` holds `value`; none if that
    /// relation is not indexed.
    pub fn related(&self, resource: &str, path: &str, value: &str) -> Vec<u64> {
        let index = self.indexes.get(&(resource.to_string(), path.to_string()));
        let ids = index.and_then(|index| index.get(value));
        ids.into_iter().flatten().copied().collect()
    }

    /// Adds (or with `add` false removes) `record`'s entries in the indexes of `resource`.
    fn index(&mut self, resource: &str, id: u64, record: &Record, add: bool) {
        let value = Value::Object(record.clone());
        for ((indexed, path), index) in &mut self.indexes {
            if indexed != resource {
                continue;
            }
            for held in values_at(&value, path) {
                let ids = index.entry(key_text(held)).or_default();
                if add {
                    ids.insert(id);
                } else {
                    ids.remove(&id);
                }
            }
        }
    }

    /// Changes record `id` of `resource`, keeping the key and the indexes right.
    pub fn update(&mut self, resource: &str, key: &str, id: u64, change: impl FnOnce(&mut Record)) {
        let Some(mut record) = self.remove(resource, key, id) else {
            return;
        };
        change(&mut record);
        self.put(resource, key, id, record);
    }

    /// Stores `record` as record `id` of `resource`, and notes it in the key and the indexes.
    fn put(&mut self, resource: &str, key: &str, id: u64, record: Record) {
        self.index(resource, id, &record, true);
        let table = self.tables.entry(resource.to_string()).or_default();
        if key != "id"
            && let Some(text) = record.get(key).map(key_text)
        {
            table.by_key.insert(text, id);
        }
        table.records.insert(id, record);
    }

    /// The id of the record of `resource` whose `key` field is `text` (the path segment).
    pub fn find(&self, resource: &str, key: &str, text: &str) -> Option<u64> {
        let table = self.tables.get(resource)?;
        if key == "id" {
            let id = text.parse::<u64>().ok()?;
            table.records.contains_key(&id).then_some(id)
        } else {
            table.by_key.get(text).copied()
        }
    }

    /// Whether a record of `resource` other than `except` has `text` as its `key` field.
    pub fn taken(&self, resource: &str, key: &str, text: &str, except: Option<u64>) -> bool {
        key != "id"
            && self
                .tables
                .get(resource)
                .and_then(|t| t.by_key.get(text))
                .is_some_and(|id| Some(*id) != except)
    }

    pub fn get(&self, resource: &str, id: u64) -> Option<&Record> {
        self.tables.get(resource)?.records.get(&id)
    }

    /// Every record of `resource`, by id.
    pub fn records(&self, resource: &str) -> impl Iterator<Item = &Record> {
        self.tables
            .get(resource)
            .into_iter()
            .flat_map(|t| t.records.values())
    }

    /// Stores `fields` as a new record of `resource`, with a new id and timestamps.
    pub fn insert(&mut self, resource: &str, key: &str, mut fields: Record) -> u64 {
        let table = self.tables.entry(resource.to_string()).or_default();
        table.next_id += 1;
        let id = table.next_id;
        let now = now();
        fields.insert("id".into(), Value::from(id));
        fields.insert("created_at".into(), Value::String(now.clone()));
        fields.insert("updated_at".into(), Value::String(now));
        self.put(resource, key, id, fields);
        id
    }

    pub fn remove(&mut self, resource: &str, key: &str, id: u64) -> Option<Record> {
        let table = self.tables.get_mut(resource)?;
        let record = table.records.remove(&id)?;
        if let Some(text) = record.get(key).map(key_text) {
            table.by_key.remove(&text);
        }
        self.index(resource, id, &record, false);
        Some(record)
    }

    /// `length` random characters of `[A-Za-z0-9]` (xorshift; a fake's tokens need no more).
    pub fn token(&mut self, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..length)
            .map(|_| {
                self.random ^= self.random << 13;
                self.random ^= self.random >> 7;
                self.random ^= self.random << 17;
                ALPHABET[(self.random % ALPHABET.len() as u64) as usize] as char
            })
            .collect()
    }
}

/// A key value as the text a path segment carries.
pub(crate) fn key_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Now, the way Laravel serializes timestamps (`2024-01-15T10:30:00.000000Z`).
pub(crate) fn now() -> String {
    // From SystemTime: chrono's `clock` feature (and its time-zone crates) is not needed.
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// Every value at the dotted `path` of `value`, looking into arrays on the way
/// (`organizations.id` of a user: the ids of its memberships).
pub(crate) fn values_at<'a>(value: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![value];
    for part in path.split('.') {
        current = current
            .into_iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().filter_map(|i| i.get(part)).collect(),
                other => other.get(part).into_iter().collect::<Vec<_>>(),
            })
            .collect();
    }
    current
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .collect()
}
