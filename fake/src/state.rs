//! What a valid request does to the store, and the answer it gets: one function for every
//! operation, led by the operation's kind (see `api`) and the spec's `x-fake-*` extensions:
//!
//! - `x-fake-creates: {resource, set}` on an object property of a request body: that object
//!   is a record of `resource` created with the parent (an organization's owner);
//! - `x-fake-set: {field: template}` on a request body schema: record fields built from the
//!   body, `'{name}'` standing for the body's `name` (`'{name|default}'` when absent); not
//!   applied when a placeholder without default has no value;
//! - `x-fake-refers-to: resource` on a property: an id of a record of `resource`; a request
//!   naming one that does not exist is refused (Laravel's `exists` rule, 422).
//!
//! A resource's key (see `api::Resource`) is unique: a second record with the same key is
//! refused (Laravel's `unique` rule, 422).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::api::{Api, Kind, Operation};
use crate::render::Renderer;
use crate::store::{Record, Store, key_text, now, values_at};

/// A request that passed validation, with its parameters typed.
pub(crate) struct Call<'a> {
    pub operation: &'a Operation,
    /// The path parameters, in order: (name, value).
    pub path: Vec<(String, Value)>,
    /// The query parameters that were sent.
    pub query: Map<String, Value>,
    /// The JSON body, if the operation has one.
    pub body: Option<Map<String, Value>>,
}

/// How a call ends.
pub(crate) enum Outcome {
    /// A success status and its body.
    Done(u16, Option<Value>),
    /// 404: Laravel's message for a model that is not found.
    NotFound(String),
    /// 422: the field errors, keyed by dotted field name.
    Invalid(BTreeMap<String, Vec<String>>),
}

/// Carries out `call` on `store`.
pub(crate) fn execute(api: &Api, store: &mut Store, call: &Call) -> Outcome {
    let operation = call.operation;
    let resource = operation.resource.as_str();
    let key = api.key(resource);
    let (status, schema) = (operation.success.0, operation.success.1.as_ref());
    let tokens: Vec<String> = (0..4).map(|_| store.token(32)).collect();
    match operation.kind {
        Kind::List => {
            let wanted: Vec<(&str, &Value)> = call
                .query
                .iter()
                .map(|(name, value)| (operation.filters.get(name).unwrap_or(name).as_str(), value))
                .collect();
            let records: Vec<Value> = store
                .records(resource)
                .map(|record| Value::Object(record.clone()))
                .filter(|record| {
                    wanted
                        .iter()
                        .all(|(path, value)| values_at(record, path).contains(value))
                })
                .collect();
            let renderer = Renderer::new(api, store, None, tokens);
            let body = schema.and_then(|s| renderer.render(s, Some(&Value::Array(records)), false));
            Outcome::Done(status, body)
        }
        Kind::Create => {
            let body_schema = operation.body.as_ref().map(|b| api.deref(&b.schema));
            let mut fields = with_query(call, body_schema);
            let mut errors = BTreeMap::new();
            // The records created with this one (`owner`), checked before anything is stored.
            let mut nested = Vec::new();
            let creates_all = body_schema
                .and_then(|s| s.get("x-fake-creates"))
                .and_then(Value::as_object);
            for (name, creates) in creates_all.into_iter().flatten() {
                let property = body_schema
                    .and_then(|s| s.get("properties")?.get(name))
                    .map(|property| api.deref(property));
                let Some(Value::Object(object)) = fields.remove(name) else {
                    continue;
                };
                let Some(target) = creates.get("resource").and_then(Value::as_str) else {
                    continue;
                };
                if let Some(missing) = missing_reference(api, store, property, &object) {
                    return Outcome::NotFound(missing);
                }
                let object = declared(property, object);
                check_unique(api, store, target, &object, None, name, &mut errors);
                nested.push((name.clone(), target, object, creates.get("set")));
            }
            if let Some(missing) = missing_reference(api, store, body_schema, &fields) {
                return Outcome::NotFound(missing);
            }
            check_unique(api, store, resource, &fields, None, "", &mut errors);
            if !errors.is_empty() {
                return Outcome::Invalid(errors);
            }
            apply_set(body_schema, &mut fields);
            let id = store.insert(resource, key, fields);
            let mut source = store.get(resource, id).cloned().unwrap_or_default();
            for (name, target, mut object, set) in nested {
                object.extend(filled(set, &source));
                let nested_id = store.insert(target, api.key(target), object);
                let record = store.get(target, nested_id).cloned().unwrap_or_default();
                source.insert(name, Value::Object(record));
            }
            answer(api, store, operation, id, source, tokens)
        }
        Kind::Read | Kind::Update | Kind::Replace | Kind::Delete | Kind::Act => {
            let Some((_, value)) = call.path.first() else {
                // A path under a collection that names no record (`POST /things/action`).
                return Outcome::NotFound(not_found(api, resource, &Value::String(String::new())));
            };
            let Some(id) = store.find(resource, key, &key_text(value)) else {
                return Outcome::NotFound(not_found(api, resource, value));
            };
            let body_schema = operation.body.as_ref().map(|b| api.deref(&b.schema));
            match operation.kind {
                Kind::Read => {}
                Kind::Delete => {
                    let record = store.remove(resource, key, id).unwrap_or_default();
                    cascade(api, store, resource, &record);
                    let renderer = Renderer::new(api, store, None, tokens);
                    let body = schema
                        .and_then(|s| renderer.render(s, Some(&Value::Object(Map::new())), false));
                    return Outcome::Done(status, body);
                }
                _ => {
                    let mut fields = with_query(call, body_schema);
                    let mut errors = BTreeMap::new();
                    if let Some(missing) = missing_reference(api, store, body_schema, &fields) {
                        return Outcome::NotFound(missing);
                    }
                    check_unique(api, store, resource, &fields, Some(id), "", &mut errors);
                    if !errors.is_empty() {
                        return Outcome::Invalid(errors);
                    }
                    apply_set(body_schema, &mut fields);
                    let replace = operation.kind == Kind::Replace;
                    let regenerates = &operation.regenerates;
                    let changed = !fields.is_empty() || !regenerates.is_empty();
                    store.update(resource, key, id, |record| {
                        if replace {
                            record.retain(|name, _| {
                                ["id", "created_at", key].contains(&name.as_str())
                            });
                        }
                        for field in regenerates {
                            record.remove(field);
                        }
                        record.extend(fields);
                        if changed {
                            record.insert("updated_at".into(), Value::String(now()));
                        }
                    });
                }
            }
            let mut source = store.get(resource, id).cloned().unwrap_or_default();
            for (name, value) in &call.path {
                source.entry(name.clone()).or_insert_with(|| value.clone());
            }
            answer(api, store, operation, id, source, tokens)
        }
    }
}

/// Renders the operation's answer about record `id` from `source`, and keeps what it made up.
fn answer(
    api: &Api,
    store: &mut Store,
    operation: &Operation,
    id: u64,
    source: Record,
    tokens: Vec<String>,
) -> Outcome {
    let resource = operation.resource.as_str();
    let (status, Some(schema)) = &operation.success else {
        return Outcome::Done(operation.success.0, None);
    };
    let Some(record) = store.get(resource, id).cloned() else {
        return Outcome::NotFound(String::new());
    };
    let (body, made_up) = {
        let renderer = Renderer::new(api, store, Some((resource, &record)), tokens);
        let body = renderer.render(schema, Some(&Value::Object(source)), true);
        (body, renderer.made_up.into_inner())
    };
    if !made_up.is_empty() {
        store.update(resource, api.key(resource), id, |record| {
            for (name, value) in made_up {
                record.entry(name).or_insert(value);
            }
        });
    }
    Outcome::Done(*status, body)
}

/// The body's fields the schema declares (others are dropped, as Laravel's `validated()`
/// drops them), with the query parameters the body could also carry (the body wins).
fn with_query(call: &Call, body_schema: Option<&Value>) -> Map<String, Value> {
    let mut fields = declared(body_schema, call.body.clone().unwrap_or_default());
    for (name, value) in &call.query {
        let in_body =
            body_schema.is_some_and(|s| s.pointer(&format!("/properties/{name}")).is_some());
        if in_body && !fields.contains_key(name) {
            fields.insert(name.clone(), value.clone());
        }
    }
    fields
}

/// Only the fields `schema` lists among its properties.
fn declared(schema: Option<&Value>, mut fields: Map<String, Value>) -> Map<String, Value> {
    fields.retain(|name, _| properties(schema).any(|(declared, _)| declared == name));
    fields
}

fn properties(schema: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// `x-fake-refers-to` on the body's properties: each id must name a record. The message of
/// the 404 for the first that does not (a GUESS of the spec: the server looks the record up
/// as it does a path's id; a Laravel `exists` rule would make it a 422).
fn missing_reference(
    api: &Api,
    store: &Store,
    schema: Option<&Value>,
    fields: &Map<String, Value>,
) -> Option<String> {
    properties(schema).find_map(|(name, property)| {
        let target = property.get("x-fake-refers-to")?.as_str()?;
        let value = fields.get(name).filter(|v| !v.is_null())?;
        let exists = value
            .as_u64()
            .is_some_and(|id| store.get(target, id).is_some());
        (!exists).then(|| not_found(api, target, value))
    })
}

/// Laravel's message for a record that is not there.
pub(crate) fn not_found(api: &Api, resource: &str, key: &Value) -> String {
    let model = api
        .resources
        .get(resource)
        .map_or("Resource", |r| r.model.as_str());
    format!(
        "No query results for model [App\\Models\\{model}] {}",
        key_text(key)
    )
}

/// A resource's key must be unique.
fn check_unique(
    api: &Api,
    store: &Store,
    resource: &str,
    fields: &Map<String, Value>,
    except: Option<u64>,
    prefix: &str,
    errors: &mut BTreeMap<String, Vec<String>>,
) {
    // Keyed by `id` (as a resource the spec does not serve is), nothing is ever taken.
    let key = api.key(resource);
    if let Some(value) = fields.get(key)
        && store.taken(resource, key, &key_text(value), except)
    {
        let field = dotted(prefix, key);
        errors
            .entry(field.clone())
            .or_default()
            .push(format!("The {} has already been taken.", attribute(&field)));
    }
}

/// `x-fake-set` of the body schema, applied to the fields about to be stored.
fn apply_set(schema: Option<&Value>, fields: &mut Map<String, Value>) {
    let values = filled(schema.and_then(|s| s.get("x-fake-set")), fields);
    fields.extend(values);
}

/// The fields an `x-fake-set` (`{field: template}`) makes of `source`: those whose template
/// [`fill`] can fill.
fn filled(set: Option<&Value>, source: &Map<String, Value>) -> Vec<(String, Value)> {
    set.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(field, template)| Some((field.clone(), fill(template, source)?)))
        .collect()
}

/// `template` with each `'{name}'` / `'{name|default}'` replaced by `fields[name]` (its JSON
/// type kept); `None` if a placeholder without default has no value.
fn fill(template: &Value, fields: &Map<String, Value>) -> Option<Value> {
    match template {
        Value::String(text) if text.starts_with('{') && text.ends_with('}') => {
            let inner = &text[1..text.len() - 1];
            let (name, default) = match inner.split_once('|') {
                Some((name, default)) => (name, Some(default)),
                None => (inner, None),
            };
            match fields.get(name).filter(|v| !v.is_null()) {
                Some(value) => Some(value.clone()),
                None => default.map(|d| Value::String(d.to_string())),
            }
        }
        Value::Array(items) => items
            .iter()
            .map(|i| fill(i, fields))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| Some((k.clone(), fill(v, fields)?)))
            .collect::<Option<Map<_, _>>>()
            .map(Value::Object),
        other => Some(other.clone()),
    }
}

/// `x-fake-related` with `cascade: true`: the related records go with the deleted one.
fn cascade(api: &Api, store: &mut Store, resource: &str, record: &Record) {
    let Some(id) = record.get("id") else {
        return;
    };
    for (target, path, related) in api.related(resource) {
        if related.get("cascade") != Some(&Value::Bool(true)) {
            continue;
        }
        let doomed: Vec<u64> = store
            .records(target)
            .filter(|r| values_at(&Value::Object((*r).clone()), path).contains(&id))
            .filter_map(|r| r.get("id")?.as_u64())
            .collect();
        for other in doomed {
            store.remove(target, api.key(target), other);
        }
    }
}

pub(crate) fn dotted(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// How Laravel names a field in a message: `owner.external_id` -> `owner.external id`.
pub(crate) fn attribute(field: &str) -> String {
    field.replace('_', " ")
}
