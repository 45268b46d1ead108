//! The semantic comparison of two OpenAPI 3.0 documents: operations, parameters, bodies,
//! responses, schemas in depth (`$ref`s followed, cycles cut), security and servers. Order
//! and formatting never matter: maps are compared by key, `required` and `enum` as sets.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::rules::{self, Level};
use crate::codegen::spec::{Spec, escape};
use crate::report::SpecPlace;
use crate::schema::deref;

/// One change between the two documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The stable rule id (see `rules.rs`).
    pub rule: &'static str,
    /// How it affects existing callers.
    pub level: Level,
    /// `POST /organizations`, when the change is inside an operation.
    pub operation: Option<String>,
    /// Where inside it: `request body /owner/email`, `response 201`, `parameter query.limit`.
    pub location: String,
    /// One line: what changed.
    pub message: String,
    /// The place in the spec: the new side, or the old side for a removal.
    pub spec: Option<SpecPlace>,
    /// Set when the accepted-changes file accepts this change: its reason.
    pub accepted: Option<String>,
}

impl Change {
    /// The operation and location, for people: `POST /organizations request body /owner`.
    pub fn place(&self) -> String {
        match &self.operation {
            Some(operation) if self.location.is_empty() => operation.clone(),
            Some(operation) => format!("{operation} {}", self.location),
            None => self.location.clone(),
        }
    }
}

/// Which way a schema's values travel.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Request,
    Response,
}

/// Every change from `base` to `head`, in a stable order.
pub fn compare(base: &Spec, head: &Spec) -> Vec<Change> {
    let mut diff = Diff {
        base,
        head,
        out: Vec::new(),
        stack: HashSet::new(),
    };
    diff.operations();
    diff.security();
    diff.servers();
    diff.out
        .sort_by(|a, b| (a.level, a.place(), a.rule).cmp(&(b.level, b.place(), b.rule)));
    diff.out.dedup();
    diff.out
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A node of one side, with its JSON pointer.
type Node<'a> = (&'a Value, String);

struct Diff<'a> {
    base: &'a Spec,
    head: &'a Spec,
    out: Vec<Change>,
    /// Pairs of schemas being compared right now: a pair seen again is a cycle.
    stack: HashSet<(String, String)>,
}

impl<'a> Diff<'a> {
    fn push(
        &mut self,
        rule: &'static str,
        operation: Option<&str>,
        location: &str,
        message: String,
        place: SpecPlace,
    ) {
        self.out.push(Change {
            rule,
            level: rules::level(rule),
            operation: operation.map(str::to_string),
            location: location.to_string(),
            message,
            spec: Some(place),
            accepted: None,
        });
    }

    fn place_in(&self, spec: &Spec, pointer: &str) -> SpecPlace {
        SpecPlace {
            file: spec.file.clone(),
            pointer: pointer.to_string(),
            line: spec.locate(pointer).map(|l| l.line),
        }
    }

    fn new_place(&self, pointer: &str) -> SpecPlace {
        self.place_in(self.head, pointer)
    }

    fn old_place(&self, pointer: &str) -> SpecPlace {
        self.place_in(self.base, pointer)
    }

    // Operations -------------------------------------------------------------------------

    fn operations(&mut self) {
        let base = operations_of(self.base);
        let head = operations_of(self.head);
        for (key, (label, pointer)) in &base {
            if !head.contains_key(key) {
                self.push(
                    "api-operation-removed",
                    Some(label),
                    "",
                    format!("{label} was removed"),
                    self.old_place(pointer),
                );
            }
        }
        for (key, (label, pointer)) in &head {
            match base.get(key) {
                None => self.push(
                    "api-operation-added",
                    Some(label),
                    "",
                    format!("{label} was added"),
                    self.new_place(pointer),
                ),
                Some((_, base_pointer)) => self.operation(label, base_pointer, pointer),
            }
        }
    }

    fn operation(&mut self, label: &str, base_pointer: &str, head_pointer: &str) {
        let (b, h) = (
            self.base.get(base_pointer).unwrap_or(&Value::Null),
            self.head.get(head_pointer).unwrap_or(&Value::Null),
        );
        let (b_id, h_id) = (b.get("operationId"), h.get("operationId"));
        if b_id != h_id {
            let show =
                |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("(none)").to_string();
            self.push(
                "api-operation-id-changed",
                Some(label),
                "",
                format!("operationId {} became {}", show(b_id), show(h_id)),
                self.new_place(&format!("{head_pointer}/operationId")),
            );
        }
        self.parameters(label, base_pointer, head_pointer);
        self.request_body(label, base_pointer, head_pointer);
        self.responses(label, base_pointer, head_pointer);
        self.operation_security(label, base_pointer, head_pointer);
    }

    fn parameters(&mut self, label: &str, base_pointer: &str, head_pointer: &str) {
        let base = parameters_of(self.base, base_pointer);
        let head = parameters_of(self.head, head_pointer);
        for ((place, name), (node, pointer)) in &base {
            if !head.contains_key(&(place.clone(), name.clone())) {
                let location = format!("parameter {place}.{name}");
                let _ = node;
                self.push(
                    "request-parameter-removed",
                    Some(label),
                    &location,
                    format!("the {place} parameter `{name}` was removed"),
                    self.old_place(pointer),
                );
            }
        }
        for ((place, name), (node, pointer)) in &head {
            let location = format!("parameter {place}.{name}");
            let required = is_required_parameter(node);
            match base.get(&(place.clone(), name.clone())) {
                None => {
                    let rule = if required {
                        "new-required-request-parameter"
                    } else {
                        "new-optional-request-parameter"
                    };
                    let kind = if required { "required" } else { "optional" };
                    self.push(
                        rule,
                        Some(label),
                        &location,
                        format!("a {kind} {place} parameter `{name}` was added"),
                        self.new_place(pointer),
                    );
                }
                Some((base_node, base_pointer)) => {
                    let was = is_required_parameter(base_node);
                    if !was && required {
                        self.push(
                            "request-parameter-became-required",
                            Some(label),
                            &location,
                            format!("`{name}` became required"),
                            self.new_place(pointer),
                        );
                    }
                    if was && !required {
                        self.push(
                            "request-parameter-became-optional",
                            Some(label),
                            &location,
                            format!("`{name}` became optional"),
                            self.new_place(pointer),
                        );
                    }
                    if let (Some(b), Some(h)) = (base_node.get("schema"), node.get("schema")) {
                        let b = (b, format!("{base_pointer}/schema"));
                        let h = (h, format!("{pointer}/schema"));
                        self.schema(Dir::Request, label, &location, "", b, h);
                    }
                }
            }
        }
    }

    fn request_body(&mut self, label: &str, base_pointer: &str, head_pointer: &str) {
        let base = resolved(self.base, &format!("{base_pointer}/requestBody"));
        let head = resolved(self.head, &format!("{head_pointer}/requestBody"));
        let location = "request body";
        let required = |node: &Value| node.get("required") == Some(&Value::Bool(true));
        match (base, head) {
            (None, None) => {}
            (Some((_, pointer)), None) => {
                self.push(
                    "request-body-removed",
                    Some(label),
                    location,
                    "the request body was removed".into(),
                    self.old_place(&pointer),
                );
            }
            (None, Some((node, pointer))) => {
                let (rule, kind) = if required(node) {
                    ("request-body-added-required", "required")
                } else {
                    ("request-body-added-optional", "optional")
                };
                self.push(
                    rule,
                    Some(label),
                    location,
                    format!("a {kind} request body was added"),
                    self.new_place(&pointer),
                );
            }
            (Some((b, b_pointer)), Some((h, h_pointer))) => {
                if !required(b) && required(h) {
                    self.push(
                        "request-body-became-required",
                        Some(label),
                        location,
                        "the request body became required".into(),
                        self.new_place(&h_pointer),
                    );
                }
                if required(b) && !required(h) {
                    self.push(
                        "request-body-became-optional",
                        Some(label),
                        location,
                        "the request body became optional".into(),
                        self.new_place(&h_pointer),
                    );
                }
                self.content(
                    Dir::Request,
                    label,
                    location,
                    (b, b_pointer),
                    (h, h_pointer),
                );
            }
        }
    }

    fn responses(&mut self, label: &str, base_pointer: &str, head_pointer: &str) {
        let statuses = |spec: &Spec, pointer: &str| -> BTreeSet<String> {
            spec.get(&format!("{pointer}/responses"))
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (base, head) = (
            statuses(self.base, base_pointer),
            statuses(self.head, head_pointer),
        );
        let success = |status: &str| status.starts_with('2');
        for status in base.difference(&head) {
            let rule = if success(status) {
                "response-success-status-removed"
            } else {
                "response-non-success-status-removed"
            };
            let pointer = format!("{base_pointer}/responses/{}", escape(status));
            self.push(
                rule,
                Some(label),
                &format!("response {status}"),
                format!("the {status} response was removed"),
                self.old_place(&pointer),
            );
        }
        for status in head.difference(&base) {
            let rule = if success(status) {
                "response-success-status-added"
            } else {
                "response-non-success-status-added"
            };
            let pointer = format!("{head_pointer}/responses/{}", escape(status));
            self.push(
                rule,
                Some(label),
                &format!("response {status}"),
                format!("a {status} response was added"),
                self.new_place(&pointer),
            );
        }
        for status in base.intersection(&head) {
            let location = format!("response {status}");
            let b = resolved(
                self.base,
                &format!("{base_pointer}/responses/{}", escape(status)),
            );
            let h = resolved(
                self.head,
                &format!("{head_pointer}/responses/{}", escape(status)),
            );
            let (Some(b), Some(h)) = (b, h) else { continue };
            self.headers(label, &location, &b, &h);
            self.content(Dir::Response, label, &location, b, h);
        }
    }

    fn headers(&mut self, label: &str, location: &str, base: &Node<'_>, head: &Node<'_>) {
        let names = |node: &Value| -> BTreeSet<String> {
            node.get("headers")
                .and_then(Value::as_object)
                .map(|m| m.keys().map(|k| k.to_ascii_lowercase()).collect())
                .unwrap_or_default()
        };
        let (b, h) = (names(base.0), names(head.0));
        for name in b.difference(&h) {
            self.push(
                "response-header-removed",
                Some(label),
                location,
                format!("the header `{name}` was removed"),
                self.old_place(&format!("{}/headers", base.1)),
            );
        }
        for name in h.difference(&b) {
            self.push(
                "response-header-added",
                Some(label),
                location,
                format!("the header `{name}` was added"),
                self.new_place(&format!("{}/headers", head.1)),
            );
        }
    }

    /// Media types of a request body or response, and the schema of each one both have.
    fn content(&mut self, dir: Dir, label: &str, location: &str, base: Node<'_>, head: Node<'_>) {
        let types = |node: &Value| -> BTreeMap<String, String> {
            node.get("content")
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .map(|k| {
                            (
                                k.split(';').next().unwrap_or(k).trim().to_ascii_lowercase(),
                                k.clone(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (b, h) = (types(base.0), types(head.0));
        let (added, removed) = match dir {
            Dir::Request => (
                "request-body-media-type-added",
                "request-body-media-type-removed",
            ),
            Dir::Response => ("response-media-type-added", "response-media-type-removed"),
        };
        for media in b.keys().filter(|m| !h.contains_key(*m)) {
            self.push(
                removed,
                Some(label),
                location,
                format!("the media type `{media}` was removed"),
                self.old_place(&format!("{}/content", base.1)),
            );
        }
        for media in h.keys().filter(|m| !b.contains_key(*m)) {
            self.push(
                added,
                Some(label),
                location,
                format!("the media type `{media}` was added"),
                self.new_place(&format!("{}/content", head.1)),
            );
        }
        for (media, b_key) in &b {
            let Some(h_key) = h.get(media) else { continue };
            let b_pointer = format!("{}/content/{}/schema", base.1, escape(b_key));
            let h_pointer = format!("{}/content/{}/schema", head.1, escape(h_key));
            if let (Some(b_schema), Some(h_schema)) =
                (self.base.get(&b_pointer), self.head.get(&h_pointer))
            {
                self.schema(
                    dir,
                    label,
                    location,
                    "",
                    (b_schema, b_pointer),
                    (h_schema, h_pointer),
                );
            }
        }
    }

    // Schemas ----------------------------------------------------------------------------

    /// Compares two schemas at `path` (a pointer into the instance, `*` for array items).
    fn schema(
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

    // Security and servers ---------------------------------------------------------------

    fn operation_security(&mut self, label: &str, base_pointer: &str, head_pointer: &str) {
        let effective = |spec: &Spec, pointer: &str| {
            requirements(
                spec.get(&format!("{pointer}/security"))
                    .or_else(|| spec.get("/security")),
            )
        };
        let (b, h) = (
            effective(self.base, base_pointer),
            effective(self.head, head_pointer),
        );
        for requirement in h.difference(&b) {
            self.push(
                "security-requirement-added",
                Some(label),
                "security",
                format!("now requires {requirement}"),
                self.new_place(&format!("{head_pointer}/security")),
            );
        }
        for requirement in b.difference(&h) {
            self.push(
                "security-requirement-removed",
                Some(label),
                "security",
                format!("no longer requires {requirement}"),
                self.new_place(&format!("{head_pointer}/security")),
            );
        }
    }

    fn security(&mut self) {
        let schemes = |spec: &'a Spec| -> BTreeMap<String, &'a Value> {
            spec.get("/components/securitySchemes")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
                .unwrap_or_default()
        };
        let (b, h) = (schemes(self.base), schemes(self.head));
        for (name, scheme) in &h {
            let pointer = format!("/components/securitySchemes/{}", escape(name));
            match b.get(name) {
                None => self.push(
                    "security-scheme-added",
                    None,
                    &format!("security scheme {name}"),
                    format!("the security scheme `{name}` was added"),
                    self.new_place(&pointer),
                ),
                Some(before) => {
                    let essentials = |s: &Value| {
                        ["type", "in", "name", "scheme", "bearerFormat"].map(|k| s.get(k).cloned())
                    };
                    if essentials(before) != essentials(scheme) {
                        self.push(
                            "security-scheme-changed",
                            None,
                            &format!("security scheme {name}"),
                            format!(
                                "the security scheme `{name}` changed its type, location or name"
                            ),
                            self.new_place(&pointer),
                        );
                    }
                }
            }
        }
        for name in b.keys().filter(|n| !h.contains_key(*n)) {
            let pointer = format!("/components/securitySchemes/{}", escape(name));
            self.push(
                "security-scheme-removed",
                None,
                &format!("security scheme {name}"),
                format!("the security scheme `{name}` was removed"),
                self.old_place(&pointer),
            );
        }
    }

    fn servers(&mut self) {
        let urls = |spec: &Spec| -> BTreeSet<String> {
            spec.get("/servers")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.get("url")?.as_str())
                        .map(|u| u.trim_end_matches('/').to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let (b, h) = (urls(self.base), urls(self.head));
        for url in b.difference(&h) {
            self.push(
                "server-removed",
                None,
                "servers",
                format!("the server {url} was removed"),
                self.old_place("/servers"),
            );
        }
        for url in h.difference(&b) {
            self.push(
                "server-added",
                None,
                "servers",
                format!("the server {url} was added"),
                self.new_place("/servers"),
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

/// Operations keyed by method and path with parameter names blanked (`/orgs/{}`).
fn operations_of(spec: &Spec) -> BTreeMap<(String, String), (String, String)> {
    let mut operations = BTreeMap::new();
    let Some(Value::Object(paths)) = spec.get("/paths") else {
        return operations;
    };
    for (path, item) in paths {
        let item_pointer = format!("/paths/{}", escape(path));
        let (item, item_pointer) = match spec.resolve(&item_pointer) {
            Ok((item, pointer)) => (item, pointer),
            Err(_) => (item, item_pointer),
        };
        for method in METHODS {
            if item.get(method).is_some() {
                let normalized = normalize_path(path);
                let label = format!("{} {path}", method.to_uppercase());
                operations.insert(
                    (method.to_string(), normalized),
                    (label, format!("{item_pointer}/{method}")),
                );
            }
        }
    }
    operations
}

fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_brace = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_brace = true;
                out.push_str("{}");
            }
            '}' => in_brace = false,
            _ if in_brace => {}
            _ => out.push(c),
        }
    }
    out
}

/// A node after `$ref`s, with its pointer; `None` when absent or dangling.
fn resolved<'s>(spec: &'s Spec, pointer: &str) -> Option<(&'s Value, String)> {
    spec.get(pointer)?;
    spec.resolve(pointer).ok()
}

/// The parameters of an operation (path-level ones overridden by its own), by location
/// and name.
fn parameters_of<'s>(spec: &'s Spec, operation: &str) -> BTreeMap<(String, String), Node<'s>> {
    let mut parameters = BTreeMap::new();
    let item = operation.rsplit_once('/').map_or("", |(item, _)| item);
    for list in [
        format!("{item}/parameters"),
        format!("{operation}/parameters"),
    ] {
        let Some(Value::Array(entries)) = spec.get(&list) else {
            continue;
        };
        for index in 0..entries.len() {
            let Some((node, pointer)) = resolved(spec, &format!("{list}/{index}")) else {
                continue;
            };
            let place = node
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let name = node
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            parameters.insert((place, name), (node, pointer));
        }
    }
    parameters
}

fn is_required_parameter(node: &Value) -> bool {
    node.get("required") == Some(&Value::Bool(true))
        || node.get("in").and_then(Value::as_str) == Some("path")
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

/// Security requirements as readable sets: `apiKey`, `oauth (read, write)`; an empty list
/// (or none) requires nothing.
fn requirements(security: Option<&Value>) -> BTreeSet<String> {
    let Some(Value::Array(alternatives)) = security else {
        return BTreeSet::new();
    };
    alternatives
        .iter()
        .filter_map(Value::as_object)
        .filter(|requirement| !requirement.is_empty())
        .map(|requirement| {
            requirement
                .iter()
                .map(
                    |(name, scopes)| match scopes.as_array().filter(|s| !s.is_empty()) {
                        Some(scopes) => format!(
                            "{name} ({})",
                            scopes
                                .iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => name.clone(),
                    },
                )
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect()
}
