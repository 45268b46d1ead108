//! OpenAPI 3.0 schema objects as the JSON Schema (draft 4) that the `jsonschema` crate
//! validates, the validators built from them, and finding the spec's schema for any place
//! in a JSON instance.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::types::JsonType;
use serde_json::{Map, Value};

use crate::pointer::{self, escape};

/// Which way a body travels: `readOnly` properties are not required in requests,
/// `writeOnly` ones not in responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// A request body.
    Request,
    /// A response body.
    Response,
}

/// OpenAPI-only keywords that JSON Schema does not know (or knows differently).
const OPENAPI_ONLY: [&str; 8] = [
    "nullable",
    "readOnly",
    "writeOnly",
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
];

/// A JSON Schema document that validates instances against the schema at `target` (a JSON
/// pointer into `spec`): the translated target, with the translated component schemas
/// beside it so that `#/components/schemas/...` references resolve.
/// With `closed`, an object schema that lists its properties and says nothing of others
/// refuses others (drift, for `verify`); without, it takes them as OpenAPI says (the mock).
pub fn validation_document(
    spec: &Value,
    target: &Value,
    direction: Direction,
    closed: bool,
) -> Value {
    let mut components = Map::new();
    if let Some(Value::Object(schemas)) = spec.pointer("/components/schemas") {
        for (name, schema) in schemas {
            components.insert(name.clone(), translate(spec, schema, direction, closed));
        }
    }
    serde_json::json!({
        "allOf": [translate(spec, target, direction, closed)],
        "components": { "schemas": components },
    })
}

/// A validator of instances against the schema `target` (a schema object of `spec`):
/// JSON Schema draft 4 with formats checked, as OpenAPI 3.0's schemas are. `closed` as for
/// [`validation_document`].
pub fn validator(
    spec: &Value,
    target: &Value,
    direction: Direction,
    closed: bool,
) -> Result<jsonschema::Validator, jsonschema::ValidationError<'static>> {
    let document = validation_document(spec, target, direction, closed);
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&document)
}

/// One schema object translated: `nullable` becomes a `null` type (and enum value),
/// `required` drops the properties that do not travel in this direction, and OpenAPI-only
/// keywords and extensions go.
pub fn translate(spec: &Value, schema: &Value, direction: Direction, closed: bool) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    if let Some(reference) = object.get("$ref") {
        // OpenAPI 3.0 ignores a reference's siblings.
        return serde_json::json!({ "$ref": reference });
    }
    let mut out = Map::new();
    for (key, value) in object {
        if OPENAPI_ONLY.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let translated = match key.as_str() {
            "properties" => match value {
                Value::Object(properties) => Value::Object(
                    properties
                        .iter()
                        .map(|(name, property)| {
                            (name.clone(), translate(spec, property, direction, closed))
                        })
                        .collect(),
                ),
                other => other.clone(),
            },
            "items" | "not" => translate(spec, value, direction, closed),
            "additionalProperties" if value.is_object() => {
                translate(spec, value, direction, closed)
            }
            "allOf" | "anyOf" | "oneOf" => match value {
                Value::Array(branches) => Value::Array(
                    branches
                        .iter()
                        .map(|b| translate(spec, b, direction, closed))
                        .collect(),
                ),
                other => other.clone(),
            },
            "required" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|name| {
                        let property = name.as_str().and_then(|n| object.get("properties")?.get(n));
                        !property.is_some_and(|p| skipped_in(spec, p, direction))
                    })
                    .cloned()
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }
    let composed = ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| object.contains_key(*k));
    let nullable = nullable(schema);
    // Beside a composition (`nullable: true` + `allOf: [$ref]`, the OpenAPI 3.0 way to make a
    // referenced schema nullable), null is its own branch below: the members refuse it.
    if nullable && !composed {
        if let Some(Value::String(kind)) = out.get("type") {
            let kind = kind.clone();
            out.insert("type".into(), serde_json::json!([kind, "null"]));
        }
        if let Some(Value::Array(values)) = out.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
    }
    // A schema that lists its properties and says nothing of others: in OpenAPI others are
    // allowed, but here a property it does not list is drift, and jsonschema reports it
    // (as `additionalProperties`) on the same pass. Not under composition, where another
    // branch may list the property.
    if closed && closed_to_unknown_properties(schema) && !composed {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    if out
        .get("required")
        .is_some_and(|r| r.as_array().is_some_and(Vec::is_empty))
    {
        // Draft 4 wants at least one name in `required`.
        out.remove("required");
    }
    if nullable && composed {
        return serde_json::json!({ "anyOf": [{ "type": "null" }, Value::Object(out)] });
    }
    Value::Object(out)
}

/// Every error `validator` finds in `value`, each named by its innermost cause.
///
/// A nullable composition (`nullable: true` beside `allOf: [$ref]`) is translated to
/// `anyOf: [{type: null}, ...]`, and for a value that is not null jsonschema reports only
/// that the `anyOf` failed. Its null branch refused the value for not being null, which
/// says nothing; the other branch's errors (an unknown field, a bad enum value, a missing
/// property, ...) are the ones that name the cause, so they take its place, as they
/// would where the schema is not nullable.
pub fn errors(
    validator: &jsonschema::Validator,
    value: &Value,
) -> Vec<jsonschema::ValidationError<'static>> {
    let mut out = Vec::new();
    for error in validator.iter_errors(value) {
        see_through_null(error.to_owned(), &mut out);
    }
    out
}

fn see_through_null(
    error: jsonschema::ValidationError<'static>,
    out: &mut Vec<jsonschema::ValidationError<'static>>,
) {
    let null_branch = match error.kind() {
        ValidationErrorKind::AnyOf { context }
            if context.len() == 2 && !error.instance().is_null() =>
        {
            context
                .iter()
                .position(|branch| refuses_only_for_not_null(branch))
        }
        _ => None,
    };
    let Some(null_branch) = null_branch else {
        out.push(error);
        return;
    };
    if let ValidationErrorKind::AnyOf { mut context } = error.into_parts().kind {
        for inner in context.swap_remove(1 - null_branch) {
            see_through_null(inner, out);
        }
    }
}

/// Whether a branch's errors are exactly "not null": the null branch of a nullable.
fn refuses_only_for_not_null(branch: &[jsonschema::ValidationError<'_>]) -> bool {
    matches!(branch, [only] if matches!(
        only.kind(),
        ValidationErrorKind::Type { kind: TypeKind::Single(JsonType::Null) }
    ))
}

fn skipped_in(spec: &Value, property: &Value, direction: Direction) -> bool {
    let (property, _) = deref(spec, property, "");
    let flag = match direction {
        Direction::Request => "readOnly",
        Direction::Response => "writeOnly",
    };
    property.get(flag) == Some(&Value::Bool(true))
}

/// The member schemas of a node's `allOf`, `anyOf` and `oneOf`, in that order.
pub fn composition_members(node: &Value) -> impl Iterator<Item = &Value> {
    ["allOf", "anyOf", "oneOf"]
        .into_iter()
        .filter_map(|keyword| node.get(keyword)?.as_array())
        .flatten()
}

/// Follows `$ref`s from `node` (at `pointer`) to the schema they name. A reference that
/// cannot be followed ends the walk at the node that holds it: [`Spec::parse`]'s users
/// report such references with their line ([`Spec::dangling_refs`]) before they validate.
///
/// [`Spec::parse`]: crate::Spec::parse
/// [`Spec::dangling_refs`]: crate::Spec::dangling_refs
pub fn deref<'a>(spec: &'a Value, node: &'a Value, pointer: &str) -> (&'a Value, String) {
    match pointer::follow(spec, node, pointer) {
        Ok(found) => found,
        Err(error) => {
            let at = error.pointer.trim_end_matches("/$ref");
            match spec.pointer(at) {
                Some(holder) if at != pointer => (holder, at.to_string()),
                _ => (node, pointer.to_string()),
            }
        }
    }
}

/// The schema of one child of an instance node whose schema is `parent`: a property (or an
/// `additionalProperties` value) for objects, `items` for arrays. Looks into `allOf`, each
/// schema once, so an `allOf` that refers back to its own schema ends.
pub fn child<'a>(
    spec: &'a Value,
    parent: (&'a Value, &str),
    key: &str,
    array: bool,
) -> Option<(&'a Value, String)> {
    child_within(spec, parent, key, array, &mut Vec::new())
}

fn child_within<'a>(
    spec: &'a Value,
    parent: (&'a Value, &str),
    key: &str,
    array: bool,
    seen: &mut Vec<String>,
) -> Option<(&'a Value, String)> {
    let (schema, pointer) = deref(spec, parent.0, parent.1);
    if array {
        let items = schema.get("items")?;
        return Some(deref(spec, items, &format!("{pointer}/items")));
    }
    if let Some(property) = schema.get("properties").and_then(|p| p.get(key)) {
        return Some(deref(
            spec,
            property,
            &format!("{pointer}/properties/{}", escape(key)),
        ));
    }
    if let Some(Value::Array(branches)) = schema.get("allOf")
        && first_visit(seen, &pointer)
        && let Some(found) = branches.iter().enumerate().find_map(|(index, branch)| {
            let at = format!("{pointer}/allOf/{index}");
            child_within(spec, (branch, &at), key, false, seen)
        })
    {
        return Some(found);
    }
    let extra = schema
        .get("additionalProperties")
        .filter(|extra| extra.is_object())?;
    Some(deref(
        spec,
        extra,
        &format!("{pointer}/additionalProperties"),
    ))
}

/// Notes the schema at `pointer` as visited; `false` when it already was. A walk that looks
/// into each schema once ends on any cycle of `$ref`s and takes time linear in the spec.
fn first_visit(seen: &mut Vec<String>, pointer: &str) -> bool {
    let first = !seen.iter().any(|p| p == pointer);
    if first {
        seen.push(pointer.to_string());
    }
    first
}

/// The schema for the instance node at `instance_pointer`, walking down from `root`.
pub fn at<'a>(
    spec: &'a Value,
    root: (&'a Value, &str),
    instance: &Value,
    instance_pointer: &str,
) -> Option<(&'a Value, String)> {
    let mut current = deref(spec, root.0, root.1);
    let mut node = instance;
    for raw in instance_pointer.split('/').skip(1) {
        let key = pointer::unescape(raw);
        let array = node.is_array();
        current = child(spec, (current.0, &current.1), &key, array)?;
        node = if array {
            node.get(key.parse::<usize>().ok()?)?
        } else {
            node.get(&key)?
        };
    }
    Some(current)
}

/// Whether `schema` (an object schema) lists `name` in `required`, also through `allOf`
/// (each schema once, so an `allOf` that refers back to its own schema ends).
pub fn requires(spec: &Value, schema: &Value, name: &str) -> bool {
    fn within(spec: &Value, schema: &Value, name: &str, seen: &mut Vec<String>) -> bool {
        let (schema, pointer) = deref(spec, schema, "");
        let direct = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == name));
        let branches = schema.get("allOf").and_then(Value::as_array);
        direct
            || (first_visit(seen, &pointer)
                && branches.is_some_and(|b| b.iter().any(|b| within(spec, b, name, seen))))
    }
    within(spec, schema, name, &mut Vec::new())
}

/// Whether the schema says `nullable: true`.
pub fn nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
}

/// Whether an object schema describes its properties and says nothing of others: then a
/// property it does not list is drift. An explicit `additionalProperties` (true or a
/// schema) means others are expected.
pub fn closed_to_unknown_properties(schema: &Value) -> bool {
    schema.get("properties").is_some() && schema.get("additionalProperties").is_none()
}

/// What a schema says, in one line: `string, format date-time, nullable`.
pub fn describe(schema: &Value) -> String {
    let mut parts = Vec::new();
    match schema.get("type") {
        Some(Value::String(kind)) => parts.push(kind.clone()),
        Some(other) => parts.push(other.to_string()),
        None => parts.push("any type".to_string()),
    }
    if let Some(Value::String(format)) = schema.get("format") {
        parts.push(format!("format {format}"));
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        let values: Vec<String> = values.iter().map(Value::to_string).collect();
        parts.push(format!("one of {}", values.join(", ")));
    }
    if let Some(Value::Array(required)) = schema.get("required") {
        let names: Vec<&str> = required.iter().filter_map(Value::as_str).collect();
        parts.push(format!("requires {}", names.join(", ")));
    }
    parts.push(if nullable(schema) {
        "nullable".to_string()
    } else {
        "not nullable".to_string()
    });
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn required_and_children_are_found_through_all_of_and_a_cycle_of_all_of_ends() {
        let spec = json!({"components": {"schemas": {
            "Base": {"required": ["id"]},
            "Item": {"allOf": [{"$ref": "#/components/schemas/Base"}], "required": ["name"]},
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}]},
            "Twice": {"allOf": [
                {"$ref": "#/components/schemas/Twice"},
                {"$ref": "#/components/schemas/Twice"},
                {"$ref": "#/components/schemas/Item"}
            ]}
        }}});
        let item = &spec["components"]["schemas"]["Item"];
        assert!(requires(&spec, item, "id") && requires(&spec, item, "name"));
        assert!(!requires(&spec, item, "other"));
        let looping = &spec["components"]["schemas"]["Loop"];
        assert!(!requires(&spec, looping, "id"));
        let at = (looping, "/components/schemas/Loop");
        assert_eq!(child(&spec, at, "id", false), None);
        // Two ways back to itself: each schema is looked into once, not 2^depth times.
        let twice = &spec["components"]["schemas"]["Twice"];
        assert!(requires(&spec, twice, "id") && !requires(&spec, twice, "other"));
        let at = (twice, "/components/schemas/Twice");
        assert_eq!(child(&spec, at, "other", false), None);
    }

    #[test]
    fn nullable_and_read_only_are_translated() {
        let spec = json!({});
        let schema = json!({
            "type": "object", "required": ["id", "name"], "x-internal": true, "example": {},
            "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string", "nullable": true},
                "kind": {"type": "string", "enum": ["a"], "nullable": true}
            }
        });
        let request = translate(&spec, &schema, Direction::Request, true);
        assert_eq!(request["required"], json!(["name"]));
        assert_eq!(
            request["properties"]["name"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(request["properties"]["kind"]["enum"], json!(["a", null]));
        assert!(request.get("x-internal").is_none() && request.get("example").is_none());
        assert_eq!(
            translate(&spec, &schema, Direction::Response, true)["required"],
            json!(["id", "name"])
        );
    }

    #[test]
    fn the_schema_of_a_nested_value_is_found_through_refs() {
        let spec = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/B"}}}},
            "B": {"type": "object", "properties": {"when": {"type": "string", "format": "date-time"}}}
        }}});
        let root = json!({"$ref": "#/components/schemas/A"});
        let instance = json!({"items": [{"when": "x"}]});
        let (schema, pointer) = at(&spec, (&root, "/root"), &instance, "/items/0/when").unwrap();
        assert_eq!(schema["format"], "date-time");
        assert_eq!(pointer, "/components/schemas/B/properties/when");
    }
}
