//! Rewrites of a spec that keep what it means: the inputs of the test that every reader
//! of the spec sees the same API whichever way it is written (the codegen, verify, diff,
//! the command line and the fake; `xtask/tests/one_model.rs` and the tests beside them).

use serde_json::{Map, Value};

use crate::document::{Spec, yaml_text};
use crate::pointer::{escape, ref_target};

/// Every rewrite of `spec`: (what it does, the rewritten text).
pub fn meaning_preserving(spec: &Spec) -> Vec<(&'static str, String)> {
    let yaml = |value: &Value| yaml_text(value).expect("a spec's value is YAML");
    vec![
        (
            "written as JSON",
            serde_json::to_string_pretty(&spec.value).expect("a spec's value is JSON"),
        ),
        (
            "every map's keys in reverse order",
            reversed_json(&spec.value),
        ),
        (
            "references to parameters, request bodies and responses inlined",
            yaml(&inlined(&spec.value)),
        ),
        (
            "inline parameters extracted into components",
            yaml(&parameters_extracted(spec)),
        ),
        (
            "path-level parameters moved into each operation",
            yaml(&parameters_on_operations(spec)),
        ),
    ]
}

/// `value` as JSON text, every object's keys in the reverse of their sorted order.
fn reversed_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .rev()
                .map(|(key, value)| {
                    format!("{}: {}", Value::from(key.as_str()), reversed_json(value))
                })
                .collect();
            format!("{{{}}}", members.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(reversed_json).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// The sections whose components are inlined where they are referenced.
const INLINED: [&str; 3] = ["parameters", "requestBodies", "responses"];

/// Every `$ref` into the inlined sections replaced by what it names; the sections go.
fn inlined(document: &Value) -> Value {
    fn walk(root: &Value, node: &Value, depth: usize) -> Value {
        if let Some(target) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_target)
            && INLINED
                .iter()
                .any(|section| target.starts_with(&format!("/components/{section}/")))
            && let Some(found) = root.pointer(&target)
            && depth < 16
        {
            return walk(root, found, depth + 1);
        }
        match node {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, value)| (key.clone(), walk(root, value, depth)))
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| walk(root, v, depth)).collect())
            }
            other => other.clone(),
        }
    }
    let mut out = walk(document, document, 0);
    if let Some(Value::Object(components)) = out.get_mut("components") {
        for section in INLINED {
            components.remove(section);
        }
    }
    out
}

/// Every parameter written inline in a path item or an operation moved into
/// `components/parameters` and referenced from where it was.
fn parameters_extracted(spec: &Spec) -> Value {
    let mut out = spec.value.clone();
    let mut extracted = Map::new();
    let Some(Value::Object(paths)) = out.get_mut("paths") else {
        return out;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (owner, node) in item.iter_mut() {
            let lists: Vec<&mut Value> = if owner == "parameters" {
                vec![node]
            } else {
                node.get_mut("parameters").into_iter().collect()
            };
            for list in lists {
                for (index, parameter) in list.as_array_mut().into_iter().flatten().enumerate() {
                    if parameter.get("$ref").is_some() {
                        continue;
                    }
                    let name = format!(
                        "extracted_{}_{owner}_{index}",
                        path.trim_matches('/').replace(['/', '{', '}'], "_")
                    );
                    let reference = format!("#/components/parameters/{}", escape(&name));
                    let written =
                        std::mem::replace(parameter, serde_json::json!({ "$ref": reference }));
                    extracted.insert(name, written);
                }
            }
        }
    }
    if extracted.is_empty() {
        return out;
    }
    let components = out
        .as_object_mut()
        .expect("a spec is an object")
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        let parameters = components
            .entry("parameters")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(parameters) = parameters.as_object_mut() {
            parameters.extend(extracted);
        }
    }
    out
}

/// Each path item's own parameters written into each of its operations (before the
/// operation's own, and only where the operation has none with the same name and
/// location, which would override it), and taken off the path item.
fn parameters_on_operations(spec: &Spec) -> Value {
    let mut out = spec.value.clone();
    let Some(Value::Object(paths)) = out.get_mut("paths") else {
        return out;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let Some(Value::Array(shared)) = item.remove("parameters") else {
            continue;
        };
        let key = |parameter: &Value| {
            let (parameter, _) = crate::pointer::follow(&spec.value, parameter, "")
                .unwrap_or((parameter, String::new()));
            (parameter.get("name").cloned(), parameter.get("in").cloned())
        };
        for method in crate::METHODS {
            let Some(Value::Object(operation)) = item.get_mut(method) else {
                continue;
            };
            let own: Vec<Value> = operation
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut merged: Vec<Value> = shared
                .iter()
                .filter(|p| !own.iter().any(|o| key(o) == key(p)))
                .cloned()
                .collect();
            merged.extend(own);
            operation.insert("parameters".to_string(), Value::Array(merged));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rewrite_parses_and_keeps_the_operations() {
        let spec = Spec::parse(crate::SPEC_PATH, crate::SPEC).unwrap();
        let shape = |spec: &Spec| -> Vec<(String, Vec<(String, String)>)> {
            spec.operations()
                .unwrap()
                .iter()
                .map(|op| {
                    let mut parameters: Vec<(String, String)> = op
                        .parameters
                        .iter()
                        .map(|p| (p.name.to_string(), p.location.to_string()))
                        .collect();
                    parameters.sort();
                    (format!("{} {}", op.method, op.path), parameters)
                })
                .collect()
        };
        let expected = shape(&spec);
        for (what, text) in meaning_preserving(&spec) {
            let rewritten =
                Spec::parse("rewritten.yaml", &text).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(rewritten.dangling_refs().is_empty(), "{what}");
            assert_eq!(shape(&rewritten), expected, "{what}");
            assert_ne!(text, crate::SPEC, "{what}: a rewrite changes the text");
        }
    }
}
