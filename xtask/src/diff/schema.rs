//! Schemas compared in depth, with request or response semantics: types, formats,
//! nullability, enums, defaults, bounds, patterns, objects (properties, `readOnly` and
//! `writeOnly`, additional properties), arrays, and composition member by member.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use serde_json::Value;

use super::compare::{Diff, Dir, Node, is_deprecated, toggled};
use super::rules;
use answering_agent_spec::pointer::escape;
use answering_agent_spec::schema::{deref, nullable};

/// Where a schema comparison is: the direction, the operation and location, the path into
/// the instance, and the new side's pointer (where findings point).
struct At<'p> {
    dir: Dir,
    label: &'p str,
    location: &'p str,
    path: &'p str,
    /// `request body /owner/email`.
    at: String,
    /// `` `/owner/email` `` or `the body`, for messages.
    what: String,
    pointer: String,
}

impl At<'_> {
    fn rule(&self, suffix: &str) -> &'static str {
        let prefix = match self.dir {
            Dir::Request => "request-property",
            Dir::Response => "response-property",
        };
        rule_id(prefix, suffix)
    }

    /// `` `/age`: maximum 10 became 5 ``.
    fn became(&self, what: &str, before: impl Display, after: impl Display) -> String {
        format!("{}: {what} {before} became {after}", self.what)
    }
}

/// What a schema at the root of a location describes, for messages.
fn subject(location: &str) -> &'static str {
    if location.starts_with("parameter ") {
        "the parameter"
    } else if location.contains(" header ") {
        "the header"
    } else {
        "the body"
    }
}

/// Equal JSON values, numbers by value (`10` and `10.0` are the same default).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A keyword's value for messages, `(none)` when absent.
fn show(value: Option<impl Display>) -> String {
    value.map_or("(none)".to_string(), |v| v.to_string())
}

impl Diff<'_> {
    fn report(&mut self, at: &At<'_>, suffix: &str, message: String) {
        let place = self.new_place(&at.pointer);
        self.push(at.rule(suffix), Some(at.label), &at.at, message, place);
    }

    /// Compares the two schemas of a location (a parameter, a header, a body).
    pub(super) fn schema(
        &mut self,
        dir: Dir,
        label: &str,
        location: &str,
        base: Node<'_>,
        head: Node<'_>,
    ) {
        self.schema_with(dir, label, location, "", base, head, true);
    }

    /// Compares two schemas inside those at `at`, at `path`.
    fn below(&mut self, at: &At<'_>, path: &str, base: Node<'_>, head: Node<'_>) {
        self.schema_with(at.dir, at.label, at.location, path, base, head, true);
    }

    /// Compares two schemas at `path` (a pointer into the instance, `*` for array items);
    /// without the properties for an `allOf` member, whose properties count as the
    /// object's own and are compared there.
    #[allow(clippy::too_many_arguments)]
    fn schema_with(
        &mut self,
        dir: Dir,
        label: &str,
        location: &str,
        path: &str,
        base: Node<'_>,
        head: Node<'_>,
        with_properties: bool,
    ) {
        let (b, b_pointer) = deref(&self.base.value, base.0, &base.1);
        let (h, h_pointer) = deref(&self.head.value, head.0, &head.1);
        let pair = (b_pointer.clone(), h_pointer.clone());
        if !self.stack.insert(pair.clone()) {
            return; // A cycle: this pair is being compared further up.
        }
        let (here, what) = if path.is_empty() {
            (location.to_string(), subject(location).to_string())
        } else {
            (format!("{location} {path}"), format!("`{path}`"))
        };
        let at = At {
            dir,
            label,
            location,
            path,
            at: here,
            what,
            pointer: h_pointer.clone(),
        };
        if self.types(&at, b, h) {
            self.formats(&at, b, h);
            self.flags(&at, b, h);
            self.enums(&at, b, h);
            self.defaults(&at, b, h);
            self.bounds(&at, b, h);
            self.composition(&at, (b, &b_pointer), (h, &h_pointer));
            self.discriminator(&at, b, h);
            self.additional_properties(&at, (b, &b_pointer), (h, &h_pointer));
            if with_properties {
                self.properties(&at, (b, &b_pointer), (h, &h_pointer));
            }
            if let (Some(b_items), Some(h_items)) = (b.get("items"), h.get("items")) {
                let b_items = (b_items, format!("{b_pointer}/items"));
                let h_items = (h_items, format!("{h_pointer}/items"));
                self.below(&at, &format!("{path}/*"), b_items, h_items);
            }
        }
        self.stack.remove(&pair);
    }

    /// The `type`; false when it changed so much that nothing below it compares.
    fn types(&mut self, at: &At<'_>, b: &Value, h: &Value) -> bool {
        let (Some(b_type), Some(h_type)) = (b.get("type"), h.get("type")) else {
            return true;
        };
        if b_type == h_type {
            return true;
        }
        // Every integer is a number: a request that takes numbers still takes the integers
        // callers send; a response of integers still decodes where numbers were expected.
        let suffix = match (at.dir, b_type.as_str(), h_type.as_str()) {
            (Dir::Request, Some("integer"), Some("number")) => "type-generalized",
            (Dir::Response, Some("number"), Some("integer")) => "type-specialized",
            _ => "type-changed",
        };
        self.report(at, suffix, at.became("type", b_type, h_type));
        suffix != "type-changed"
    }

    fn formats(&mut self, at: &At<'_>, b: &Value, h: &Value) {
        let (before, after) = (b.get("format"), h.get("format"));
        if before != after {
            let message = at.became("format", show(before), show(after));
            self.report(at, "format-changed", message);
        }
    }

    /// `nullable` and `deprecated`.
    fn flags(&mut self, at: &At<'_>, b: &Value, h: &Value) {
        let (now_null, no_null) = match at.dir {
            Dir::Request => ("now takes null", "no longer takes null"),
            Dir::Response => ("may now be null", "is no longer null"),
        };
        let changes = [
            toggled(
                (nullable(b), nullable(h)),
                ("became-nullable", now_null),
                ("became-not-nullable", no_null),
            ),
            toggled(
                (is_deprecated(b), is_deprecated(h)),
                ("deprecated", "was deprecated"),
                ("reactivated", "is no longer deprecated"),
            ),
        ];
        for (suffix, text) in changes.into_iter().flatten() {
            self.report(at, suffix, format!("{} {text}", at.what));
        }
    }

    fn enums(&mut self, at: &At<'_>, b: &Value, h: &Value) {
        let values = |s: &Value| -> Option<BTreeSet<String>> {
            s.get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(Value::to_string).collect())
        };
        let what = &at.what;
        match (values(b), values(h)) {
            (None, None) => {}
            (None, Some(after)) => {
                let list = after.into_iter().collect::<Vec<_>>().join(", ");
                self.report(at, "became-enum", format!("{what} now takes only {list}"));
            }
            (Some(_), None) => {
                self.report(at, "no-longer-enum", format!("{what} is no longer an enum"));
            }
            (Some(before), Some(after)) => {
                for value in after.difference(&before) {
                    let message = format!("{what}: the value {value} was added");
                    self.report(at, "enum-value-added", message);
                }
                for value in before.difference(&after) {
                    let message = format!("{what}: the value {value} was removed");
                    self.report(at, "enum-value-removed", message);
                }
            }
        }
    }

    /// `default`: what the server assumes when a caller leaves a value out.
    fn defaults(&mut self, at: &At<'_>, b: &Value, h: &Value) {
        let (before, after) = (b.get("default"), h.get("default"));
        let suffix = match (before, after) {
            (Some(x), Some(y)) if same_value(x, y) => return,
            (None, None) => return,
            (None, Some(_)) => "default-value-added",
            (Some(_), None) => "default-value-removed",
            (Some(_), Some(_)) => "default-value-changed",
        };
        self.report(at, suffix, at.became("default", show(before), show(after)));
    }

    /// Length, range, item and property bounds, `multipleOf`, and `pattern`.
    fn bounds(&mut self, at: &At<'_>, b: &Value, h: &Value) {
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
            let upper = keyword.starts_with("max");
            let tightened = match (before, after) {
                (x, y) if x == y => continue,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                // Every multiple of 4 is a multiple of 2. A request breaks callers unless
                // every old value is still accepted (the old divisor a multiple of the new);
                // a response breaks them unless every new value was valid before.
                (Some(x), Some(y)) if keyword == "multipleOf" => match at.dir {
                    Dir::Request => x % y != 0.0,
                    Dir::Response => y % x == 0.0,
                },
                (Some(x), Some(y)) if upper => y < x,
                (Some(x), Some(y)) => y > x,
                (None, None) => continue,
            };
            let suffix = if tightened {
                "bound-tightened"
            } else {
                "bound-loosened"
            };
            self.report(at, suffix, at.became(keyword, show(before), show(after)));
        }
        for keyword in ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] {
            let flag = |s: &Value| s.get(keyword) == Some(&Value::Bool(true));
            let (before, after) = (flag(b), flag(h));
            if before != after {
                let suffix = if after {
                    "bound-tightened"
                } else {
                    "bound-loosened"
                };
                self.report(at, suffix, format!("{}: {keyword} became {after}", at.what));
            }
        }
        let (before, after) = (b.get("pattern"), h.get("pattern"));
        if before != after {
            let suffix = match (before.is_some(), after.is_some()) {
                (false, _) => "pattern-added",
                (_, false) => "pattern-removed",
                _ => "pattern-changed",
            };
            self.report(at, suffix, at.became("pattern", show(before), show(after)));
        }
    }

    /// `allOf`, `anyOf` and `oneOf` member by member: members are matched by the schema
    /// they `$ref`, then by `title`, then by being equal, then in order; each unmatched one
    /// is an addition or a removal, each matched pair is compared in depth (an `allOf`
    /// member without its properties: they count as the object's own, see `all_properties`).
    fn composition(&mut self, at: &At<'_>, base: (&Value, &str), head: (&Value, &str)) {
        for (keyword, suffix) in [
            ("allOf", "all-of"),
            ("anyOf", "any-of"),
            ("oneOf", "one-of"),
        ] {
            let b = members(&self.base.value, base.0, base.1, keyword);
            let h = members(&self.head.value, head.0, head.1, keyword);
            if b.is_empty() && h.is_empty() {
                continue;
            }
            let (pairs, removed, added) = match_members(&b, &h);
            let removed = removed
                .iter()
                .map(|m| (m, "removed", self.old_place(&m.pointer)));
            let added = added
                .iter()
                .map(|m| (m, "added", self.new_place(&m.pointer)));
            for (member, what, place) in removed.chain(added).collect::<Vec<_>>() {
                let message = format!(
                    "{}: the {keyword} member {} was {what}",
                    at.what, member.name
                );
                let rule = at.rule(&format!("{suffix}-{what}"));
                self.push(rule, Some(at.label), &at.at, message, place);
            }
            for (b_member, h_member) in pairs {
                let path = format!("{}/{keyword}/{}", at.path, h_member.index);
                let b = (b_member.node, b_member.pointer.clone());
                let h = (h_member.node, h_member.pointer.clone());
                let (dir, label, location) = (at.dir, at.label, at.location);
                self.schema_with(dir, label, location, &path, b, h, keyword != "allOf");
            }
        }
    }

    /// The `discriminator` of a `oneOf`/`anyOf`: its property and its mapping.
    fn discriminator(&mut self, at: &At<'_>, b: &Value, h: &Value) {
        let what = &at.what;
        let (before, after) = match (b.get("discriminator"), h.get("discriminator")) {
            (Some(before), Some(after)) => (before, after),
            (None, None) => return,
            (None, Some(_)) => {
                let message = format!("{what}: a discriminator was added");
                return self.report(at, "discriminator-added", message);
            }
            (Some(_), None) => {
                let message = format!("{what}: the discriminator was removed");
                return self.report(at, "discriminator-removed", message);
            }
        };
        let (b_name, h_name) = (before.get("propertyName"), after.get("propertyName"));
        if b_name != h_name {
            let message = at.became("the discriminator property", show(b_name), show(h_name));
            self.report(at, "discriminator-property-name-changed", message);
        }
        let (b_map, h_map) = (tag_values(b, before), tag_values(h, after));
        for value in b_map.keys().chain(h_map.keys()).collect::<BTreeSet<_>>() {
            let (suffix, change) = match (b_map.get(value), h_map.get(value)) {
                (None, _) => ("discriminator-mapping-added", "was added".to_string()),
                (_, None) => ("discriminator-mapping-removed", "was removed".to_string()),
                (Some(old), Some(target)) if old != target => (
                    "discriminator-mapping-changed",
                    format!("now maps to {target} (was {old})"),
                ),
                _ => continue,
            };
            let message = format!("{what}: the discriminator value `{value}` {change}");
            self.report(at, suffix, message);
        }
    }

    fn additional_properties(&mut self, at: &At<'_>, base: (&Value, &str), head: (&Value, &str)) {
        let is_object = |s: &Value| {
            s.get("type").and_then(Value::as_str) == Some("object") || s.get("properties").is_some()
        };
        if !is_object(base.0) || !is_object(head.0) {
            return;
        }
        // What other properties may be: none (`false`), anything (absent, `true`, `{}`; absent
        // means allowed in OpenAPI 3.0), or values of a schema.
        #[derive(PartialEq)]
        enum Others {
            None,
            Any,
            Schema,
        }
        let others = |s: &Value| match s.get("additionalProperties") {
            Some(Value::Bool(false)) => Others::None,
            Some(Value::Object(schema)) if !schema.is_empty() => Others::Schema,
            _ => Others::Any,
        };
        let (before, after) = (others(base.0), others(head.0));
        let change = match (&before, &after) {
            (Others::Any | Others::Schema, Others::None) => {
                Some(("restricted", "no longer takes other properties"))
            }
            (Others::Any, Others::Schema) => {
                Some(("restricted", "takes other properties only of a schema now"))
            }
            (Others::None, Others::Any | Others::Schema) => {
                Some(("allowed", "now takes other properties"))
            }
            (Others::Schema, Others::Any) => {
                Some(("allowed", "takes other properties of any kind now"))
            }
            _ => None,
        };
        if let Some((suffix, text)) = change {
            let message = format!("{} {text}", at.what);
            self.report(at, &format!("additional-properties-{suffix}"), message);
        }
        if let (Some(b @ Value::Object(_)), Some(h @ Value::Object(_))) = (
            base.0.get("additionalProperties"),
            head.0.get("additionalProperties"),
        ) {
            let b = (b, format!("{}/additionalProperties", base.1));
            let h = (h, format!("{}/additionalProperties", head.1));
            self.below(at, &format!("{}/{{*}}", at.path), b, h);
        }
    }

    /// Properties (also through `allOf`) that travel this way: a `readOnly` property is never
    /// sent in a request and a `writeOnly` one never comes back in a response, so one that
    /// becomes `readOnly` is, for a request, removed.
    fn properties(&mut self, at: &At<'_>, base: (&Value, &str), head: (&Value, &str)) {
        let dir = at.dir;
        let (b_all, b_required) = all_properties(&self.base.value, base.0, base.1);
        let (h_all, h_required) = all_properties(&self.head.value, head.0, head.1);
        if b_all.is_empty() && h_all.is_empty() {
            return;
        }
        let hidden_by = match dir {
            Dir::Request => "readOnly",
            Dir::Response => "writeOnly",
        };
        let hidden = |spec: &Value, node: &Value| {
            deref(spec, node, "").0.get(hidden_by) == Some(&Value::Bool(true))
        };
        let b_props: BTreeMap<_, _> = b_all
            .iter()
            .filter(|(_, (node, _))| !hidden(&self.base.value, node))
            .collect();
        let h_props: BTreeMap<_, _> = h_all
            .iter()
            .filter(|(_, (node, _))| !hidden(&self.head.value, node))
            .collect();
        // Why a property that exists on both sides appears or disappears here.
        let note = |name: &String, now_hidden: bool| -> String {
            if b_all.contains_key(name) && h_all.contains_key(name) {
                let state = if now_hidden { "became" } else { "is no longer" };
                format!(" (it {state} {hidden_by})")
            } else {
                String::new()
            }
        };
        let path = at.path;
        let location = at.location;
        for (name, (node, h_pointer)) in &h_props {
            let child = format!("{path}/{}", escape(name));
            let here = format!("{location} {child}");
            let required = h_required.contains(*name);
            let Some((b_node, b_pointer)) = b_props.get(name) else {
                let why = note(name, false);
                let (rule, article) = match (dir, required) {
                    (Dir::Request, true) => ("new-required-request-property", "a required"),
                    (Dir::Request, false) => ("new-optional-request-property", "an optional"),
                    (Dir::Response, _) => ("response-property-added", "the"),
                };
                let message = format!("{article} property `{child}` was added{why}");
                let place = self.new_place(h_pointer);
                self.push(rule, Some(at.label), &here, message, place);
                continue;
            };
            let was = b_required.contains(*name);
            if let Some(state) = toggled((was, required), "required", "optional") {
                let rule = at.rule(&format!("became-{state}"));
                let message = format!("`{child}` became {state}");
                let place = self.new_place(h_pointer);
                self.push(rule, Some(at.label), &here, message, place);
            }
            let (b, h) = ((*b_node, b_pointer.clone()), (*node, h_pointer.clone()));
            self.below(at, &child, b, h);
        }
        for (name, (_, b_pointer)) in &b_props {
            if h_props.contains_key(name) {
                continue;
            }
            let child = format!("{path}/{}", escape(name));
            let rule = match (dir, b_required.contains(*name)) {
                (Dir::Request, _) => "request-property-removed",
                (Dir::Response, true) => "response-required-property-removed",
                (Dir::Response, false) => "response-optional-property-removed",
            };
            let here = format!("{location} {child}");
            let message = format!("the property `{child}` was removed{}", note(name, true));
            let place = self.old_place(b_pointer);
            self.push(rule, Some(at.label), &here, message, place);
        }
    }
}

/// What each discriminator value selects, as OpenAPI 3.0 reads it: the explicit `mapping`
/// (a bare name is a schema of `#/components/schemas/`), and for each `$ref`ed member no
/// mapping names, its schema's name.
fn tag_values(schema: &Value, discriminator: &Value) -> BTreeMap<String, String> {
    let schema_of = |target: &str| {
        if target.contains('/') {
            target.to_string()
        } else {
            format!("#/components/schemas/{target}")
        }
    };
    let mut values: BTreeMap<String, String> = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(value, target)| Some((value.clone(), schema_of(target.as_str()?))))
        .collect();
    let named: BTreeSet<String> = values.values().cloned().collect();
    for keyword in ["oneOf", "anyOf"] {
        let members = schema.get(keyword).and_then(Value::as_array);
        for reference in members
            .into_iter()
            .flatten()
            .filter_map(|m| m.get("$ref")?.as_str())
        {
            if !named.contains(reference) {
                let name = reference.rsplit('/').next().unwrap_or(reference);
                values
                    .entry(name.to_string())
                    .or_insert_with(|| reference.to_string());
            }
        }
    }
    values
}

/// One member of an `allOf`/`anyOf`/`oneOf`.
struct Member<'s> {
    index: usize,
    node: &'s Value,
    pointer: String,
    /// `#/components/schemas/Cat` for a `$ref`, the `title`, or the position (`#2`).
    name: String,
    /// The `$ref` or the title, when there is one.
    key: Option<String>,
    /// The member after `$ref`s.
    resolved: &'s Value,
}

fn members<'s>(
    spec: &'s Value,
    schema: &'s Value,
    pointer: &str,
    keyword: &str,
) -> Vec<Member<'s>> {
    let Some(Value::Array(list)) = schema.get(keyword) else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .map(|(index, node)| {
            let reference = node.get("$ref").and_then(Value::as_str).map(str::to_string);
            let resolved = deref(spec, node, "").0;
            let title = resolved
                .get("title")
                .and_then(Value::as_str)
                .map(|t| format!("`{t}`"));
            let key = reference.clone().or(title);
            Member {
                index,
                node,
                pointer: format!("{pointer}/{keyword}/{index}"),
                name: key.clone().unwrap_or_else(|| format!("#{}", index + 1)),
                key,
                resolved,
            }
        })
        .filter(|member| keyword != "allOf" || !annotation_only(member.resolved))
        .collect()
}

/// A schema that constrains nothing (`description`, `title`, `example`, extensions): as an
/// `allOf` member it changes nothing callers see.
fn annotation_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|keys| {
        keys.keys().all(|k| {
            k.starts_with("x-")
                || matches!(
                    k.as_str(),
                    "description" | "title" | "example" | "externalDocs" | "deprecated"
                )
        })
    })
}

/// Pairs of members that are the same member (by key, by equality, then in order), and
/// the removed and added rest.
#[allow(clippy::type_complexity)]
fn match_members<'m, 's>(
    base: &'m [Member<'s>],
    head: &'m [Member<'s>],
) -> (
    Vec<(&'m Member<'s>, &'m Member<'s>)>,
    Vec<&'m Member<'s>>,
    Vec<&'m Member<'s>>,
) {
    let mut b_free: Vec<&Member> = base.iter().collect();
    let mut h_free: Vec<&Member> = head.iter().collect();
    let mut pairs = Vec::new();
    let mut take = |same: &dyn Fn(&Member, &Member) -> bool| {
        let mut i = 0;
        while i < b_free.len() {
            match h_free.iter().position(|h| same(b_free[i], h)) {
                Some(j) => pairs.push((b_free.remove(i), h_free.remove(j))),
                None => i += 1,
            }
        }
    };
    take(&|b, h| b.key.is_some() && b.key == h.key);
    // The same schema written another way: a `$ref` inlined, or a component renamed.
    take(&|b, h| b.resolved == h.resolved);
    // What is left of the inline members pairs up in order: a changed member.
    take(&|b, h| b.key.is_none() && h.key.is_none());
    (pairs, b_free, h_free)
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

/// The properties of an object schema at `pointer`, also through `allOf`, each with the
/// pointer of where it is written (after `$ref`s: a schema that reaches itself through an
/// `allOf` is then recognised as the same schema, and its comparison ends); and the names
/// it requires, also through `allOf`.
fn all_properties<'s>(
    spec: &'s Value,
    schema: &'s Value,
    pointer: &str,
) -> (BTreeMap<String, Node<'s>>, BTreeSet<String>) {
    let (mut properties, mut required) = (BTreeMap::new(), BTreeSet::new());
    collect_properties(spec, schema, pointer, (&mut properties, &mut required), 0);
    (properties, required)
}

fn collect_properties<'s>(
    spec: &'s Value,
    schema: &'s Value,
    pointer: &str,
    (properties, required): (&mut BTreeMap<String, Node<'s>>, &mut BTreeSet<String>),
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    if let Some(Value::Object(own)) = schema.get("properties") {
        for (name, property) in own {
            properties
                .entry(name.clone())
                .or_insert((property, format!("{pointer}/properties/{}", escape(name))));
        }
    }
    required.extend(
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string),
    );
    if let Some(Value::Array(branches)) = schema.get("allOf") {
        for (index, branch) in branches.iter().enumerate() {
            let (branch, branch_pointer) = deref(spec, branch, &format!("{pointer}/allOf/{index}"));
            collect_properties(
                spec,
                branch,
                &branch_pointer,
                (properties, required),
                depth + 1,
            );
        }
    }
}
