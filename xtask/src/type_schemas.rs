//! The check that needs no recording: each generated type's own JSON Schema (from schemars,
//! through the `schemars` derive the pipeline adds) against the spec's schema for it.
//!
//! typify can silently drop a property it cannot express, widen or narrow a type, or lose a
//! `nullable`; an example only catches that if one happens to exercise it. This compares the
//! two schemas property by property: a property in the spec but not in the type (or the other
//! way round), a JSON type the type accepts that the spec does not (widened) or the other way
//! round (narrowed), a `nullable` the type refuses, a required property the type makes
//! optional (or the reverse), and an enum value with no variant. Deliberate differences are
//! not findings: an optional property is an `Option` (schemars writes it as nullable), and
//! enums are open (`Unknown(String)`) by design.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::report::{Class, Finding, SpecPlace};
use answering_agent_spec::{Spec, pointer::escape};

/// One row of the generated table: a component schema and its generated type's schema.
pub struct TypeSchema {
    /// The component's name (`Organization`).
    pub component: &'static str,
    /// The generated type (`types::Organization`).
    pub rust_type: &'static str,
    /// The type's JSON Schema, from schemars.
    pub schema: fn() -> Value,
}

/// Every mismatch between the generated types and the spec. `generated` is the generated
/// client's source, to name the line of each type.
pub fn check(
    spec: &Spec,
    types: &[TypeSchema],
    generated_file: &str,
    generated: &str,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for row in types {
        let rust = (row.schema)();
        let pointer = format!("/components/schemas/{}", escape(row.component));
        let Some(spec_schema) = spec.get(&pointer) else {
            continue;
        };
        let place = TypePlace {
            file: generated_file,
            line: line_of(generated, row.rust_type),
            rust_type: row.rust_type,
        };
        compare(spec, &pointer, spec_schema, &rust, &place, &mut findings);
    }
    findings
}

struct TypePlace<'a> {
    file: &'a str,
    line: Option<usize>,
    rust_type: &'a str,
}

fn line_of(generated: &str, rust_type: &str) -> Option<usize> {
    let name = rust_type.rsplit("::").next()?;
    let struct_line = format!("pub struct {name} ");
    let enum_line = format!("pub enum {name} ");
    generated
        .lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(&struct_line) || l.starts_with(&enum_line)
        })
        .map(|index| index + 1)
}

/// Compares one component (or property) schema with the type's schema.
fn compare(
    spec: &Spec,
    pointer: &str,
    spec_schema: &Value,
    rust_root: &Value,
    place: &TypePlace,
    findings: &mut Vec<Finding>,
) {
    let mut report = |member: &str, message: String, expected: String, actual: String, at: &str| {
        let mut finding = Finding::new(
            Class::TypeSchemaMismatch,
            place.file,
            member.to_string(),
            message,
        );
        finding.line = place.line;
        finding.expected = Some(expected);
        finding.actual = Some(actual);
        finding.spec = Some(SpecPlace {
            file: spec.file.clone(),
            pointer: at.to_string(),
            line: spec.locate(at).map(|l| l.line),
        });
        finding.fix = Some(
            "make the spec say what typify can express (or patch the type in client/codegen/), then run `cargo xtask gen`".to_string(),
        );
        findings.push(finding);
    };
    let rust = resolve(rust_root, rust_root);
    // Enums: every value needs a variant.
    if let Some(values) = spec_schema.get("enum").and_then(Value::as_array) {
        let known = enum_values(rust_root, rust);
        for value in values {
            if !value.is_null() && !known.contains(&value.to_string()) {
                report(
                    "",
                    format!(
                        "{} has no variant for the spec's enum value {value}",
                        place.rust_type
                    ),
                    format!("the value {value}"),
                    format!(
                        "variants for {}",
                        known.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                    &format!("{pointer}/enum"),
                );
            }
        }
        return;
    }
    let Some(spec_properties) = spec_schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let empty = serde_json::Map::new();
    let rust_properties = rust
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let spec_required = names(spec_schema.get("required"));
    let rust_required = names(rust.get("required"));
    for (name, property) in spec_properties {
        let at = format!("{pointer}/properties/{}", escape(name));
        let member = format!("/properties/{}", escape(name));
        let Some(rust_property) = rust_properties.get(name) else {
            report(
                &member,
                format!(
                    "{} has no field for the spec's property `{name}` (typify dropped it)",
                    place.rust_type
                ),
                format!("a property `{name}`"),
                "no such field".to_string(),
                &at,
            );
            continue;
        };
        let mut mismatch = |words: &str, expected: String, actual: String| {
            let message = format!("{}.{name} {words}", place.rust_type);
            report(&member, message, expected, actual, &at);
        };
        let (property, _) = answering_agent_spec::schema::deref(&spec.value, property, &at);
        let wanted = spec_types(&spec.value, property, 0);
        let accepted = rust_types(rust_root, rust_property);
        let required = spec_required.contains(name);
        if let (Some(wanted), Some(accepted)) = (wanted, accepted) {
            let null = match (wanted.contains("null"), accepted.contains("null")) {
                (true, false) => Some("refuses null, which the spec allows (a nullable was lost)"),
                (false, true) if required => {
                    Some("accepts null, which the spec does not (widened)")
                }
                _ => None,
            };
            if let Some(words) = null {
                mismatch(words, describe(&wanted), describe(&accepted));
            }
            let not_null = |types: &BTreeSet<String>| -> BTreeSet<String> {
                types.iter().filter(|t| *t != "null").cloned().collect()
            };
            let (wanted, accepted) = (not_null(&wanted), not_null(&accepted));
            let widened = not_covered(&accepted, &wanted);
            let narrowed = not_covered(&wanted, &accepted);
            let words = if !narrowed.is_empty() {
                Some(format!(
                    "refuses {} that the spec allows (narrowed)",
                    narrowed.join(", ")
                ))
            } else if !widened.is_empty() {
                Some(format!(
                    "accepts {} that the spec does not (widened)",
                    widened.join(", ")
                ))
            } else {
                None
            };
            if let Some(words) = words {
                mismatch(&words, describe(&wanted), describe(&accepted));
            }
        }
        let has_default = property.get("default").is_some();
        match (required, rust_required.contains(name)) {
            (true, false) if !has_default => mismatch(
                "is optional, but the spec requires it",
                "required".to_string(),
                "optional".to_string(),
            ),
            (false, true) => mismatch(
                "is required, but the spec makes it optional (narrowed)",
                "optional".to_string(),
                "required".to_string(),
            ),
            _ => {}
        }
    }
    for name in rust_properties.keys() {
        if !spec_properties.contains_key(name) {
            report(
                &format!("/properties/{}", escape(name)),
                format!(
                    "{} has a field `{name}` the spec's schema does not list",
                    place.rust_type
                ),
                "no such property".to_string(),
                format!("a field `{name}`"),
                pointer,
            );
        }
    }
}

fn names(list: Option<&Value>) -> BTreeSet<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The types of `types` that `by` does not take. A JSON integer is a number: a type for
/// numbers takes integers too.
fn not_covered<'t>(types: &'t BTreeSet<String>, by: &BTreeSet<String>) -> Vec<&'t str> {
    let covers = |kind: &str| by.contains(kind) || (kind == "integer" && by.contains("number"));
    types
        .iter()
        .map(String::as_str)
        .filter(|t| !covers(t))
        .collect()
}

fn describe(types: &BTreeSet<String>) -> String {
    types.iter().cloned().collect::<Vec<_>>().join(" or ")
}

/// Follows `$ref`s into the schema's `$defs` (schemars writes `#/$defs/Name`), with the
/// spec's one `$ref` follower.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    answering_agent_spec::schema::deref(root, node, "").0
}

/// The JSON types a schemars schema accepts; `None` when it accepts anything.
fn rust_types(root: &Value, node: &Value) -> Option<BTreeSet<String>> {
    let node = resolve(root, node);
    if node == &Value::Bool(true) || node.as_object().is_some_and(|o| o.is_empty()) {
        return None;
    }
    let mut types = BTreeSet::new();
    match node.get("type") {
        Some(Value::String(kind)) => {
            types.insert(kind.clone());
        }
        Some(Value::Array(kinds)) => {
            types.extend(kinds.iter().filter_map(|k| k.as_str().map(str::to_string)))
        }
        _ => {}
    }
    types.extend(enum_and_const(node).map(|value| json_type(value).to_string()));
    // A member that accepts anything makes the whole accept anything.
    for member in answering_agent_spec::schema::composition_members(node) {
        types.extend(rust_types(root, member)?);
    }
    if types.is_empty() && node.get("properties").is_some() {
        types.insert("object".to_string());
    }
    if types.is_empty() { None } else { Some(types) }
}

/// The JSON types an OpenAPI 3.0 schema accepts (`nullable` adds null); `None` for anything,
/// and for a composition that refers back to itself deeper than `depth` can tell.
fn spec_types(spec: &Value, node: &Value, depth: usize) -> Option<BTreeSet<String>> {
    if depth > 32 {
        return None;
    }
    let (node, _) = answering_agent_spec::schema::deref(spec, node, "");
    let mut types = BTreeSet::new();
    if let Some(kind) = node.get("type").and_then(Value::as_str) {
        types.insert(kind.to_string());
    }
    for member in answering_agent_spec::schema::composition_members(node) {
        types.extend(spec_types(spec, member, depth + 1)?);
    }
    if types.is_empty() {
        if node.get("properties").is_some() {
            types.insert("object".to_string());
        } else {
            return None;
        }
    }
    if answering_agent_spec::schema::nullable(node) {
        types.insert("null".to_string());
    }
    Some(types)
}

/// Every enum or const value anywhere in a schemars schema, as JSON text.
fn enum_values(root: &Value, node: &Value) -> BTreeSet<String> {
    let node = resolve(root, node);
    let mut values: BTreeSet<String> = enum_and_const(node).map(Value::to_string).collect();
    for member in answering_agent_spec::schema::composition_members(node) {
        values.extend(enum_values(root, member));
    }
    values
}

/// A schemars schema's own `enum` values and `const`.
fn enum_and_const(node: &Value) -> impl Iterator<Item = &Value> {
    let values = node.get("enum").and_then(Value::as_array).into_iter();
    values.flatten().chain(node.get("const"))
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      required: [id, name]\n      properties:\n        id: {type: integer}\n        name: {type: string}\n        note: {type: string, nullable: true}\n        size: {type: number}\n    Colour:\n      type: string\n      enum: [red, green]\n";

    fn findings(thing: Value, colour: Value) -> Vec<String> {
        let spec = Spec::parse("t.yaml", SPEC).unwrap();
        thread_local! { static SCHEMAS: std::cell::RefCell<(Value, Value)> = const { std::cell::RefCell::new((Value::Null, Value::Null)) }; }
        SCHEMAS.with(|s| *s.borrow_mut() = (thing, colour));
        let rows = [
            TypeSchema {
                component: "Thing",
                rust_type: "types::Thing",
                schema: || SCHEMAS.with(|s| s.borrow().0.clone()),
            },
            TypeSchema {
                component: "Colour",
                rust_type: "types::Colour",
                schema: || SCHEMAS.with(|s| s.borrow().1.clone()),
            },
        ];
        check(
            &spec,
            &rows,
            "client/generated.rs",
            "    pub struct Thing {\n",
        )
        .iter()
        .map(|f| {
            format!(
                "{} {} | {} | {}",
                f.pointer,
                f.message,
                f.spec
                    .as_ref()
                    .map(|s| format!("{}:{}", s.pointer, s.line.unwrap_or(0)))
                    .unwrap_or_default(),
                f.line.unwrap_or(0)
            )
        })
        .collect()
    }

    fn faithful() -> (Value, Value) {
        (
            json!({"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer", "format": "int64"},
                "name": {"type": "string"},
                "note": {"type": ["string", "null"]},
                "size": {"type": ["number", "null"], "format": "double"}
            }}),
            json!({"anyOf": [{"type": "string", "enum": ["red", "green"]}, {"type": "string"}]}),
        )
    }

    #[test]
    fn a_composition_that_refers_back_to_itself_accepts_anything() {
        let spec = json!({"components": {"schemas": {
            "Loop": {"oneOf": [{"$ref": "#/components/schemas/Loop"}]}
        }}});
        let looping = json!({"$ref": "#/components/schemas/Loop"});
        assert_eq!(spec_types(&spec, &looping, 0), None);
        let text = json!({"type": "string", "nullable": true});
        let expected = ["null", "string"].map(String::from).into();
        assert_eq!(spec_types(&spec, &text, 0), Some(expected));
    }

    #[test]
    fn a_faithful_type_has_no_finding() {
        let (thing, colour) = faithful();
        assert_eq!(findings(thing, colour), Vec::<String>::new());
    }

    #[test]
    fn drops_widenings_narrowings_and_lost_nullables_are_named_with_both_places() {
        let (mut thing, _) = faithful();
        thing["properties"].as_object_mut().unwrap().remove("size");
        thing["properties"]["id"] = json!({"type": "number"});
        thing["properties"]["name"] = json!({"type": "integer"});
        thing["properties"]["note"] = json!({"type": "string"});
        let found = findings(thing, json!({"type": "string", "enum": ["red"]}));
        assert_eq!(
            found,
            [
                "/properties/id types::Thing.id accepts number that the spec does not (widened) | /components/schemas/Thing/properties/id:10 | 1",
                "/properties/name types::Thing.name refuses string that the spec allows (narrowed) | /components/schemas/Thing/properties/name:11 | 1",
                "/properties/note types::Thing.note refuses null, which the spec allows (a nullable was lost) | /components/schemas/Thing/properties/note:12 | 1",
                "/properties/size types::Thing has no field for the spec's property `size` (typify dropped it) | /components/schemas/Thing/properties/size:13 | 1",
                " types::Colour has no variant for the spec's enum value \"green\" | /components/schemas/Colour/enum:16 | 0",
            ]
        );
    }
}
