//! Schemas compared in depth, with request or response semantics: types, formats,
//! nullability, enums, defaults, bounds, patterns, objects (properties, `readOnly` and
//! `writeOnly`, additional properties), arrays, and composition member by member.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::compare::{Diff, Dir, Node};
use super::rules;
use crate::codegen::spec::escape;
use crate::schema::deref;

impl Diff<'_> {
    // Schemas ----------------------------------------------------------------------------

    /// Compares two schemas at `path` (a pointer into the instance, `*` for array items).
    pub(super) fn schema(
        &mut self,
        dir: Dir,
        label: &str,
        location: &str,
        path: &str,
        base: Node<'_>,
        head: Node<'_>,
    ) {
        let (b, b_pointer) = deref(&self.base.value, base.0, &base.1);
        let (h, h_pointer) = deref(&self.head.value, head.0, &head.1);
        let pair = (b_pointer.clone(), h_pointer.clone());
        if !self.stack.insert(pair.clone()) {
            return; // A cycle: this pair is being compared further up.
        }
        let at = if path.is_empty() {
            location.to_string()
        } else {
            format!("{location} {path}")
        };
        let prefix = match dir {
            Dir::Request => "request-property",
            Dir::Response => "response-property",
        };
        let rule = |suffix: &str| -> &'static str { rule_id(prefix, suffix) };
        let what = if path.is_empty() {
            "the body".to_string()
        } else {
            format!("`{path}`")
        };

        let (b_type, h_type) = (b.get("type"), h.get("type"));
        if b_type.is_some() && h_type.is_some() && b_type != h_type {
            let show = |v: Option<&Value>| v.map(Value::to_string).unwrap_or_default();
            self.push(
                rule("type-changed"),
                Some(label),
                &at,
                format!("{what}: type {} became {}", show(b_type), show(h_type)),
                self.new_place(&h_pointer),
            );
            self.stack.remove(&pair);
            return;
        }
        if b.get("format") != h.get("format") {
            let show =
                |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("(none)").to_string();
            self.push(
                rule("format-changed"),
                Some(label),
                &at,
                format!(
                    "{what}: format {} became {}",
                    show(b.get("format")),
                    show(h.get("format"))
                ),
                self.new_place(&h_pointer),
            );
        }
        let nullable = |s: &Value| s.get("nullable") == Some(&Value::Bool(true));
        let nullability = match (dir, nullable(b), nullable(h)) {
            (Dir::Request, true, false) => Some(("became-not-nullable", "no longer takes null")),
            (Dir::Request, false, true) => Some(("became-nullable", "now takes null")),
            (Dir::Response, false, true) => Some(("became-nullable", "may now be null")),
            (Dir::Response, true, false) => Some(("became-not-nullable", "is no longer null")),
            _ => None,
        };
        if let Some((suffix, text)) = nullability {
            self.push(
                rule(suffix),
                Some(label),
                &at,
                format!("{what} {text}"),
                self.new_place(&h_pointer),
            );
        }
        self.enums(dir, label, &at, &what, b, h, &h_pointer);
        self.bounds(dir, label, &at, &what, b, h, &h_pointer);
        for keyword in ["allOf", "anyOf", "oneOf"] {
            if b.get(keyword) != h.get(keyword) {
                self.push(
                    rule("composition-changed"),
                    Some(label),
                    &at,
                    format!("{what}: `{keyword}` changed"),
                    self.new_place(&h_pointer),
                );
            }
        }
        self.additional_properties(
            dir,
            label,
            &at,
            path,
            &what,
            (b, &b_pointer),
            (h, &h_pointer),
        );
        self.properties(dir, label, location, path, (b, &b_pointer), (h, &h_pointer));
        if let (Some(b_items), Some(h_items)) = (b.get("items"), h.get("items")) {
            let items = (b_items, format!("{b_pointer}/items"));
            self.schema(
                dir,
                label,
                location,
                &format!("{path}/*"),
                items,
                (h_items, format!("{h_pointer}/items")),
            );
        }
        self.stack.remove(&pair);
    }

    #[allow(clippy::too_many_arguments)]
    fn enums(
        &mut self,
        dir: Dir,
        label: &str,
        at: &str,
        what: &str,
        b: &Value,
        h: &Value,
        h_pointer: &str,
    ) {
        let values = |s: &Value| -> Option<BTreeSet<String>> {
            s.get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(Value::to_string).collect())
        };
        let (Some(b_values), Some(h_values)) = (values(b), values(h)) else {
            return;
        };
        let prefix = if dir == Dir::Request {
            "request-property"
        } else {
            "response-property"
        };
        for value in h_values.difference(&b_values) {
            self.push(
                rule_id(prefix, "enum-value-added"),
                Some(label),
                at,
                format!("{what}: the value {value} was added"),
                self.new_place(h_pointer),
            );
        }
        for value in b_values.difference(&h_values) {
            self.push(
                rule_id(prefix, "enum-value-removed"),
                Some(label),
                at,
                format!("{what}: the value {value} was removed"),
                self.new_place(h_pointer),
            );
        }
    }

    /// Length, range, item and property bounds, `multipleOf`, and `pattern`.
    #[allow(clippy::too_many_arguments)]
    fn bounds(
        &mut self,
        dir: Dir,
        label: &str,
        at: &str,
        what: &str,
        b: &Value,
        h: &Value,
        h_pointer: &str,
    ) {
        let prefix = if dir == Dir::Request {
            "request-property"
        } else {
            "response-property"
        };
        let number = |s: &Value, k: &str| s.get(k).and_then(Value::as_f64);
        for keyword in [
            "maxLength",
            "maximum",
            "maxItems",
            "maxProperties",
            "minLength",
            "minimum",
            "minItems",
            "minProperties",
            "multipleOf",
        ] {
            let (before, after) = (number(b, keyword), number(h, keyword));
            if before == after {
                continue;
            }
            let upper = keyword.starts_with("max");
            let tightened = match (before, after) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) if keyword == "multipleOf" => y % x != 0.0 || y > x,
                (Some(x), Some(y)) => {
                    if upper {
                        y < x
                    } else {
                        y > x
                    }
                }
                (None, None) => continue,
            };
            let show = |v: Option<f64>| v.map_or("(none)".to_string(), |v| v.to_string());
            let suffix = if tightened {
                "bound-tightened"
            } else {
                "bound-loosened"
            };
            self.push(
                rule_id(prefix, suffix),
                Some(label),
                at,
                format!("{what}: {keyword} {} became {}", show(before), show(after)),
                self.new_place(h_pointer),
            );
        }
        for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
            let (before, after) = (
                b.get(keyword) == Some(&Value::Bool(true)),
                h.get(keyword) == Some(&Value::Bool(true)),
            );
            if before != after {
                let suffix = if after {
                    "bound-tightened"
                } else {
                    "bound-loosened"
                };
                self.push(
                    rule_id(prefix, suffix),
                    Some(label),
                    at,
                    format!("{what}: {keyword} became {after}"),
                    self.new_place(h_pointer),
                );
            }
        }
        let (before, after) = (b.get("pattern"), h.get("pattern"));
        if before != after {
            let suffix = match (dir, before.is_some(), after.is_some()) {
                (Dir::Request, _, true) => "pattern-changed",
                (Dir::Request, _, false) => "pattern-removed",
                (Dir::Response, false, true) => "pattern-added",
                (Dir::Response, _, _) => "pattern-changed",
            };
            let show = |v: Option<&Value>| v.map_or("(none)".to_string(), Value::to_string);
            self.push(
                rule_id(prefix, suffix),
                Some(label),
                at,
                format!("{what}: pattern {} became {}", show(before), show(after)),
                self.new_place(h_pointer),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn additional_properties(
        &mut self,
        dir: Dir,
        label: &str,
        at: &str,
        path: &str,
        what: &str,
        base: (&Value, &str),
        head: (&Value, &str),
    ) {
        let is_object = |s: &Value| {
            s.get("type").and_then(Value::as_str) == Some("object") || s.get("properties").is_some()
        };
        if !is_object(base.0) || !is_object(head.0) {
            return;
        }
        // Absent means allowed in OpenAPI 3.0.
        let allowed =
            |s: &Value| !matches!(s.get("additionalProperties"), Some(Value::Bool(false)));
        let prefix = if dir == Dir::Request {
            "request-property"
        } else {
            "response-property"
        };
        match (allowed(base.0), allowed(head.0)) {
            (true, false) => self.push(
                rule_id(prefix, "additional-properties-restricted"),
                Some(label),
                at,
                format!("{what} no longer takes other properties"),
                self.new_place(head.1),
            ),
            (false, true) => self.push(
                rule_id(prefix, "additional-properties-allowed"),
                Some(label),
                at,
                format!("{what} now takes other properties"),
                self.new_place(head.1),
            ),
            _ => {}
        }
        if let (Some(b @ Value::Object(_)), Some(h @ Value::Object(_))) = (
            base.0.get("additionalProperties"),
            head.0.get("additionalProperties"),
        ) {
            let b = (b, format!("{}/additionalProperties", base.1));
            let h = (h, format!("{}/additionalProperties", head.1));
            let location = at
                .strip_suffix(path)
                .map(str::trim_end)
                .unwrap_or(at)
                .to_string();
            self.schema(dir, label, &location, &format!("{path}/{{*}}"), b, h);
        }
    }

    fn properties(
        &mut self,
        dir: Dir,
        label: &str,
        location: &str,
        path: &str,
        base: (&Value, &str),
        head: (&Value, &str),
    ) {
        let (b_props, h_props) = (
            all_properties(&self.base.value, base.0),
            all_properties(&self.head.value, head.0),
        );
        if b_props.is_empty() && h_props.is_empty() {
            return;
        }
        let (b_required, h_required) = (
            all_required(&self.base.value, base.0),
            all_required(&self.head.value, head.0),
        );
        for (name, (node, pointer_in)) in &h_props {
            let child = format!("{path}/{}", escape(name));
            let at = format!("{location} {child}");
            let required = h_required.contains(name);
            let h_pointer = format!("{}{pointer_in}", head.1);
            match b_props.get(name) {
                None => {
                    let (rule, message) = match (dir, required) {
                        (Dir::Request, true) => (
                            "new-required-request-property",
                            format!("a required property `{child}` was added"),
                        ),
                        (Dir::Request, false) => (
                            "new-optional-request-property",
                            format!("an optional property `{child}` was added"),
                        ),
                        (Dir::Response, _) => (
                            "response-property-added",
                            format!("the property `{child}` was added"),
                        ),
                    };
                    self.push(rule, Some(label), &at, message, self.new_place(&h_pointer));
                }
                Some((b_node, b_pointer_in)) => {
                    let was = b_required.contains(name);
                    let rule = match (dir, was, required) {
                        (Dir::Request, false, true) => Some("request-property-became-required"),
                        (Dir::Request, true, false) => Some("request-property-became-optional"),
                        (Dir::Response, true, false) => Some("response-property-became-optional"),
                        (Dir::Response, false, true) => Some("response-property-became-required"),
                        _ => None,
                    };
                    if let Some(rule) = rule {
                        let state = if required { "required" } else { "optional" };
                        self.push(
                            rule,
                            Some(label),
                            &at,
                            format!("`{child}` became {state}"),
                            self.new_place(&h_pointer),
                        );
                    }
                    let b = (*b_node, format!("{}{b_pointer_in}", base.1));
                    self.schema(dir, label, location, &child, b, (*node, h_pointer));
                }
            }
        }
        for (name, (_, pointer_in)) in &b_props {
            if h_props.contains_key(name) {
                continue;
            }
            let child = format!("{path}/{}", escape(name));
            let at = format!("{location} {child}");
            let was_required = b_required.contains(name);
            let rule = match (dir, was_required) {
                (Dir::Request, _) => "request-property-removed",
                (Dir::Response, true) => "response-required-property-removed",
                (Dir::Response, false) => "response-optional-property-removed",
            };
            self.push(
                rule,
                Some(label),
                &at,
                format!("the property `{child}` was removed"),
                self.old_place(&format!("{}{pointer_in}", base.1)),
            );
        }
    }

}


/// The id of a rule that exists for both directions: `request-property-` or
/// `response-property-` and a suffix.
fn rule_id(prefix: &str, suffix: &str) -> &'static str {
    let id = format!("{prefix}-{suffix}");
    rules::RULES
        .iter()
        .map(|(rule, _, _)| *rule)
        .find(|rule| *rule == id)
        .unwrap_or("unknown-rule")
}


/// The properties of an object schema, also through `allOf`, each with its pointer relative
/// to the schema.
fn all_properties<'s>(spec: &'s Value, schema: &'s Value) -> BTreeMap<String, (&'s Value, String)> {
    let mut out = BTreeMap::new();
    collect_properties(spec, schema, "", &mut out, 0);
    out
}

fn collect_properties<'s>(
    spec: &'s Value,
    schema: &'s Value,
    prefix: &str,
    out: &mut BTreeMap<String, (&'s Value, String)>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            out.entry(name.clone())
                .or_insert((property, format!("{prefix}/properties/{}", escape(name))));
        }
    }
    if let Some(Value::Array(branches)) = schema.get("allOf") {
        for (index, branch) in branches.iter().enumerate() {
            let (branch, _) = deref(spec, branch, "");
            collect_properties(
                spec,
                branch,
                &format!("{prefix}/allOf/{index}"),
                out,
                depth + 1,
            );
        }
    }
}

fn all_required(spec: &Value, schema: &Value) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if let Some(Value::Array(branches)) = schema.get("allOf") {
        for branch in branches {
            let (branch, _) = deref(spec, branch, "");
            out.extend(all_required(spec, branch));
        }
    }
    out
}
