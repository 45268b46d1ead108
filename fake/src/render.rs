//! An answer body built from a response schema and the records: each property the schema
//! lists comes from the record (or what `x-fake-from`, `x-fake-related` and
//! `x-fake-refers-to` say), a required one the record lacks is made up from its schema, and
//! an optional one it lacks is left out. So answers echo what was sent and always have the
//! shape the spec gives them.

use std::cell::RefCell;

use serde_json::{Map, Value};

use crate::api::Api;
use crate::store::{Record, Store, key_text, now};
use answering_agent_spec::schema;

/// Deeper than any answer of the spec nests; stops a schema that refers to itself.
const MAX_DEPTH: usize = 12;

pub(crate) struct Renderer<'a> {
    api: &'a Api,
    store: &'a Store,
    /// The record the operation is about, and its resource: a property whose schema is
    /// that resource's shows it (`organization` in the create's answer).
    main: Option<(&'a str, &'a Record)>,
    /// Values made up for required fields of the main record; the caller stores them, so
    /// that the next answer shows the same (a location's `status`, an embed token).
    pub made_up: RefCell<Record>,
    /// Values the store cannot make without `&mut` (tokens), taken from a seed.
    tokens: RefCell<Vec<String>>,
}

impl<'a> Renderer<'a> {
    pub fn new(
        api: &'a Api,
        store: &'a Store,
        main: Option<(&'a str, &'a Record)>,
        tokens: Vec<String>,
    ) -> Renderer<'a> {
        Renderer {
            api,
            store,
            main,
            made_up: RefCell::new(Map::new()),
            tokens: RefCell::new(tokens),
        }
    }

    /// `source` shown as `schema`; `None` if it is a reference to a record that is gone.
    /// `is_main`: `source` is the main record (its made-up fields are kept).
    pub fn render(&self, schema: &Value, source: Option<&Value>, is_main: bool) -> Option<Value> {
        self.render_at(schema, source, is_main, 0)
    }

    fn render_at(
        &self,
        schema: &Value,
        source: Option<&Value>,
        is_main: bool,
        depth: usize,
    ) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let resolved = self.api.deref(schema);
        if source == Some(&Value::Null) {
            return schema::nullable(resolved).then_some(Value::Null);
        }
        // `type` + `nullable` + `allOf: [$ref]`: the OpenAPI 3.0 nullable reference.
        if let Some(Value::Array(members)) = resolved.get("allOf")
            && members.len() == 1
            && resolved.get("properties").is_none()
        {
            return self.render_at(&members[0], source, is_main, depth + 1);
        }
        // An object naming a record of another resource (a membership names an
        // organization): the record's fields fill what the object lacks; gone, it is left out.
        let filled;
        let source = match resolved.get("x-fake-refers-to").and_then(Value::as_str) {
            Some(resource) if resolved.get("properties").is_some() => {
                let object = source?.as_object()?;
                let id = object.get("id")?.as_u64()?;
                let mut record = self.store.get(resource, id)?.clone();
                record.extend(object.clone());
                filled = Value::Object(record);
                Some(&filled)
            }
            _ => source,
        };
        if let Some(Value::Object(properties)) = resolved.get("properties") {
            let fields = source.and_then(Value::as_object);
            let mut out = Map::new();
            for (name, property) in properties {
                let value = if let Some(related) = property.get("x-fake-related") {
                    self.related(related, property, fields, depth)
                } else if let Some(from) = property.get("x-fake-from").and_then(Value::as_str) {
                    fields
                        .and_then(|f| f.get(from))
                        .and_then(|v| self.render_at(property, Some(v), false, depth + 1))
                } else if let Some(value) = fields.and_then(|f| f.get(name)) {
                    self.render_at(property, Some(value), false, depth + 1)
                } else if let Some((_, record)) = self
                    .main
                    .filter(|(resource, _)| self.shows(property, resource))
                {
                    let record = Value::Object(record.clone());
                    self.render_at(property, Some(&record), true, depth + 1)
                } else if schema::requires(&self.api.spec, resolved, name) {
                    let value = self.make_up(property, depth);
                    if is_main && let Some(value) = &value {
                        self.made_up
                            .borrow_mut()
                            .insert(name.clone(), value.clone());
                    }
                    value
                } else {
                    None
                };
                if let Some(value) = value {
                    out.insert(name.clone(), value);
                }
            }
            return Some(Value::Object(out));
        }
        if resolved.get("type").and_then(Value::as_str) == Some("array") {
            let items = resolved.get("items").unwrap_or(&Value::Null);
            return Some(match source {
                Some(Value::Array(values)) => Value::Array(
                    values
                        .iter()
                        .filter_map(|v| self.render_at(items, Some(v), false, depth + 1))
                        .collect(),
                ),
                _ => Value::Array(Vec::new()),
            });
        }
        match source {
            Some(value) => Some(value.clone()),
            None => self.make_up(schema, depth),
        }
    }

    /// Whether `property`'s schema is the one `resource`'s records are shown as.
    fn shows(&self, property: &Value, resource: &str) -> bool {
        let reference = property.get("$ref").and_then(Value::as_str).or_else(|| {
            // Also through the nullable-reference wrapper.
            property
                .get("allOf")?
                .as_array()
                .filter(|m| m.len() == 1)?
                .first()?
                .get("$ref")?
                .as_str()
        });
        reference.is_some_and(|r| self.api.resource_of_schema(r) == Some(resource))
    }

    /// `x-fake-related: {resource, where}`: the records of `resource` whose `where` field
    /// holds this record's id, shown as the property's items.
    fn related(
        &self,
        related: &Value,
        property: &Value,
        fields: Option<&Map<String, Value>>,
        depth: usize,
    ) -> Option<Value> {
        let resource = related.get("resource")?.as_str()?;
        let path = related.get("where")?.as_str()?;
        let id = key_text(fields?.get("id")?);
        // The store indexes every relation the spec declares (`Api::relations`).
        let ids = self.store.related(resource, path, &id);
        let items = self
            .api
            .deref(property)
            .get("items")
            .unwrap_or(&Value::Null);
        Some(Value::Array(
            ids.into_iter()
                .filter_map(|id| self.store.get(resource, id))
                .filter_map(|record| {
                    let record = Value::Object(record.clone());
                    self.render_at(items, Some(&record), false, depth + 1)
                })
                .collect(),
        ))
    }

    /// A value for a required field nobody sent: the first of an enum, now for a date-time,
    /// a token for a pattern, the example, or the type's plain value.
    fn make_up(&self, schema: &Value, depth: usize) -> Option<Value> {
        let resolved = self.api.deref(schema);
        if let Some(Value::Array(values)) = resolved.get("enum")
            && let Some(first) = values.iter().find(|v| !v.is_null())
        {
            return Some(first.clone());
        }
        if let Some(Value::Array(members)) = resolved.get("allOf")
            && let Some(first) = members.first()
        {
            return self.make_up(first, depth + 1);
        }
        let kind = resolved.get("type").and_then(Value::as_str);
        let format = resolved.get("format").and_then(Value::as_str);
        let example = resolved.get("example");
        Some(match (kind, format) {
            (Some("string"), Some("date-time")) => Value::String(now()),
            (Some("string"), Some("date")) => Value::String(now()[..10].to_string()),
            (Some("string"), Some("email")) => Value::String("user@example.com".into()),
            (Some("string"), _) if resolved.get("pattern").is_some() => {
                Value::String(self.tokens.borrow_mut().pop().unwrap_or_default())
            }
            (Some("string"), _) => example
                .filter(|e| e.is_string())
                .cloned()
                .unwrap_or_else(|| Value::String(String::new())),
            (Some("integer"), _) => Value::from(0),
            (Some("number"), _) => Value::from(0.0),
            (Some("boolean"), _) => Value::Bool(false),
            (Some("array"), _) => Value::Array(Vec::new()),
            (Some("object"), _) | (None, _) if resolved.get("properties").is_some() => {
                return self.render_at(schema, None, false, depth + 1);
            }
            _ => example.cloned().unwrap_or(Value::Null),
        })
    }
}
