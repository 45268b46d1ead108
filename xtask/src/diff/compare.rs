//! The semantic comparison of two OpenAPI 3.0 documents: operations, parameters, bodies,
//! responses, schemas in depth (`$ref`s followed, cycles cut), security and servers. Order
//! and formatting never matter: maps are compared by key, `required` and `enum` as sets.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::rules::{self, Level};
use crate::report::SpecPlace;
use answering_agent_spec::{Operation, Parameter, Spec, pointer::escape};

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
    /// The id of its cause, the place in the spec that changed: its rule and pointer
    /// (`response-required-property-removed /components/schemas/Location/properties/updated_at`).
    /// Changes with one cause read as one in the review (`causes.rs`).
    pub cause: String,
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
pub(super) use answering_agent_spec::schema::Direction as Dir;

/// Every change from `base` to `head`, in a stable order.
pub fn compare(base: &Spec, head: &Spec) -> Vec<Change> {
    // A `$ref` that leads nowhere hides what it names on that side, as it would from a
    // client; the diff still compares the rest.
    let by_label = |spec| -> BTreeMap<String, Operation<'_>> {
        let (operations, _broken_refs) = Spec::operations_despite_broken_refs(spec);
        operations.into_iter().map(|op| (op.route(), op)).collect()
    };
    let mut diff = Diff {
        base,
        head,
        out: Vec::new(),
        stack: HashSet::new(),
    };
    diff.operations(&by_label(base), &by_label(head));
    diff.security();
    diff.servers();
    diff.out
        .sort_by(|a, b| (a.level, a.place(), a.rule).cmp(&(b.level, b.place(), b.rule)));
    diff.out.dedup();
    diff.out
}

/// A node of one side, with its JSON pointer.
pub(super) type Node<'a> = (&'a Value, String);

pub(super) struct Diff<'a> {
    pub(super) base: &'a Spec,
    pub(super) head: &'a Spec,
    out: Vec<Change>,
    /// Pairs of schemas being compared right now: a pair seen again is a cycle.
    pub(super) stack: HashSet<(String, String)>,
}

impl<'a> Diff<'a> {
    pub(super) fn push(
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
            cause: super::causes::id(rule, Some(&place)),
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

    pub(super) fn new_place(&self, pointer: &str) -> SpecPlace {
        self.place_in(self.head, pointer)
    }

    pub(super) fn old_place(&self, pointer: &str) -> SpecPlace {
        self.place_in(self.base, pointer)
    }

    // Operations -------------------------------------------------------------------------

    /// Each side's operations, by their label (`POST /organizations`: two path items may
    /// share one operation object through a `$ref`), matched by method and path.
    fn operations(
        &mut self,
        base: &BTreeMap<String, Operation<'a>>,
        head: &BTreeMap<String, Operation<'a>>,
    ) {
        let (base, head) = (operations_of(base), operations_of(head));
        for (key, (label, op)) in &base {
            if !head.contains_key(key) {
                let operation = op.node.value;
                let (rule, message) = match (is_deprecated(operation), sunset(operation)) {
                    (false, _) => ("api-operation-removed", format!("{label} was removed")),
                    (true, Some(date)) if date.as_str() > today().as_str() => (
                        "api-removed-before-sunset",
                        format!("{label} was removed before its sunset ({date})"),
                    ),
                    (true, _) => (
                        "api-deprecated-operation-removed",
                        format!("{label}, deprecated, was removed"),
                    ),
                };
                let place = self.old_place(&op.node.pointer);
                self.push(rule, Some(label), "", message, place);
            }
        }
        for (key, (label, op)) in &head {
            match base.get(key) {
                None => {
                    let place = self.new_place(&op.node.pointer);
                    let message = format!("{label} was added");
                    self.push("api-operation-added", Some(label), "", message, place);
                }
                Some((_, before)) => self.operation(label, before, op),
            }
        }
    }

    /// One operation on both sides, named by its head side's `label` (which differs from
    /// the base side's when a path parameter was renamed).
    fn operation(&mut self, label: &str, base: &Operation<'a>, head: &Operation<'a>) {
        let (b, h) = (base.node.value, head.node.value);
        let (base_pointer, head_pointer) = (base.node.pointer.as_str(), head.node.pointer.as_str());
        if let Some((rule, what)) = toggled(
            (is_deprecated(b), is_deprecated(h)),
            ("api-operation-deprecated", "was deprecated"),
            ("api-operation-reactivated", "is no longer deprecated"),
        ) {
            let place = self.new_place(head_pointer);
            self.push(rule, Some(label), "", format!("{label} {what}"), place);
        }
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
        self.parameters(label, base, head);
        self.request_body(label, base_pointer, head_pointer);
        self.responses(label, base, head);
        self.operation_security(label, base_pointer, head_pointer);
    }

    fn parameters(&mut self, label: &str, base_op: &Operation<'a>, head_op: &Operation<'a>) {
        let (base, head) = (parameters_of(base_op), parameters_of(head_op));
        // A path parameter is its place in the template: `{group_id}` becoming `{groupId}`
        // at the same place is a rename, not a removal and an addition.
        let renamed: BTreeMap<String, String> = path_parameters(base_op.path)
            .into_iter()
            .zip(path_parameters(head_op.path))
            .filter(|(old, new)| old != new)
            .map(|(old, new)| (new, old))
            .collect();
        let base_key = |place: &str, name: &str| {
            let name = match renamed.get(name) {
                Some(old) if place == "path" => old.clone(),
                _ => name.to_string(),
            };
            (place.to_string(), name)
        };
        let matched: BTreeSet<(String, String)> = head
            .keys()
            .map(|(place, name)| base_key(place, name))
            .collect();
        for ((place, name), parameter) in &base {
            if matched.contains(&(place.clone(), name.clone())) {
                continue;
            }
            let (rule, deprecated) = if is_deprecated(parameter.node.value) {
                ("request-deprecated-parameter-removed", "deprecated ")
            } else {
                ("request-parameter-removed", "")
            };
            let message = format!("the {deprecated}{place} parameter `{name}` was removed");
            let location = format!("parameter {place}.{name}");
            let at = self.old_place(&parameter.node.pointer);
            self.push(rule, Some(label), &location, message, at);
        }
        for ((place, name), parameter) in &head {
            let location = format!("parameter {place}.{name}");
            let at = self.new_place(&parameter.node.pointer);
            let Some(before) = base.get(&base_key(place, name)) else {
                let (rule, kind) = if parameter.required {
                    ("new-required-request-parameter", "required")
                } else {
                    ("new-optional-request-parameter", "optional")
                };
                let message = format!("a {kind} {place} parameter `{name}` was added");
                self.push(rule, Some(label), &location, message, at);
                continue;
            };
            let report = |diff: &mut Self, rule: &'static str, message: String| {
                diff.push(rule, Some(label), &location, message, at.clone());
            };
            if let Some(old) = renamed.get(name).filter(|_| place == "path") {
                // `{a}/{b}` becoming `{b}/{a}`: the names changed places, and so does what a
                // caller passing them by name sends in each segment.
                if renamed.values().any(|other| other == name) {
                    report(
                        self,
                        "request-path-parameters-reordered",
                        format!(
                            "the path parameter `{old}` is now called `{name}`, the name of another segment before"
                        ),
                    );
                } else {
                    report(
                        self,
                        "request-path-parameter-renamed",
                        format!("the path parameter `{old}` was renamed `{name}`"),
                    );
                }
            }
            let deprecated = |p: &Parameter<'_>| is_deprecated(p.node.value);
            let flags = [
                toggled(
                    (before.required, parameter.required),
                    ("request-parameter-became-required", "became required"),
                    ("request-parameter-became-optional", "became optional"),
                ),
                toggled(
                    (deprecated(before), deprecated(parameter)),
                    ("request-parameter-deprecated", "was deprecated"),
                    ("request-parameter-reactivated", "is no longer deprecated"),
                ),
            ];
            for (rule, what) in flags.into_iter().flatten() {
                report(self, rule, format!("`{name}` {what}"));
            }
            if let (Some(b), Some(h)) = (before.schema(), parameter.schema()) {
                let (b, h) = ((b.value, b.pointer), (h.value, h.pointer));
                self.schema(Dir::Request, label, &location, b, h);
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
            (Some((_, pointer)), None) => self.push(
                "request-body-removed",
                Some(label),
                location,
                "the request body was removed".into(),
                self.old_place(&pointer),
            ),
            (None, Some((node, pointer))) => {
                let (rule, kind) = if required(node) {
                    ("request-body-added-required", "required")
                } else {
                    ("request-body-added-optional", "optional")
                };
                let message = format!("a {kind} request body was added");
                let place = self.new_place(&pointer);
                self.push(rule, Some(label), location, message, place);
            }
            (Some((b, b_pointer)), Some((h, h_pointer))) => {
                if let Some((rule, state)) = toggled(
                    (required(b), required(h)),
                    ("request-body-became-required", "required"),
                    ("request-body-became-optional", "optional"),
                ) {
                    let message = format!("the request body became {state}");
                    let place = self.new_place(&h_pointer);
                    self.push(rule, Some(label), location, message, place);
                }
                let (b, h) = ((b, b_pointer), (h, h_pointer));
                self.content(Dir::Request, label, location, b, h);
            }
        }
    }

    fn responses(&mut self, label: &str, base_op: &Operation<'a>, head_op: &Operation<'a>) {
        let statuses = |op: &Operation<'a>| -> BTreeSet<&'a str> {
            op.responses.iter().map(|r| r.status).collect()
        };
        let (base, head) = (statuses(base_op), statuses(head_op));
        let (base_pointer, head_pointer) = (&base_op.node.pointer, &head_op.node.pointer);
        for status in base.union(&head) {
            let location = format!("response {status}");
            let b_pointer = format!("{base_pointer}/responses/{}", escape(status));
            let h_pointer = format!("{head_pointer}/responses/{}", escape(status));
            let success = status.starts_with('2');
            let (rule, message, place) = match (base.contains(status), head.contains(status)) {
                (true, false) => (
                    if success {
                        "response-success-status-removed"
                    } else {
                        "response-non-success-status-removed"
                    },
                    format!("the {status} response was removed"),
                    self.old_place(&b_pointer),
                ),
                (false, _) => (
                    if success {
                        "response-success-status-added"
                    } else {
                        "response-non-success-status-added"
                    },
                    format!("a {status} response was added"),
                    self.new_place(&h_pointer),
                ),
                (true, true) => {
                    let b = resolved(self.base, &b_pointer);
                    let h = resolved(self.head, &h_pointer);
                    if let (Some(b), Some(h)) = (b, h) {
                        self.headers(label, &location, &b, &h);
                        self.content(Dir::Response, label, &location, b, h);
                    }
                    continue;
                }
            };
            self.push(rule, Some(label), &location, message, place);
        }
    }

    /// Response headers, by name in any case: removed (breaking when it was required),
    /// added, made optional, and their schemas (as response values).
    fn headers(&mut self, label: &str, location: &str, base: &Node<'_>, head: &Node<'_>) {
        let headers = |spec: &'a Spec, node: &Node<'_>| -> BTreeMap<String, Node<'a>> {
            let Some(Value::Object(headers)) = node.0.get("headers") else {
                return BTreeMap::new();
            };
            headers
                .keys()
                .filter_map(|name| {
                    let pointer = format!("{}/headers/{}", node.1, escape(name));
                    Some((name.to_ascii_lowercase(), resolved(spec, &pointer)?))
                })
                .collect()
        };
        let (b, h) = (headers(self.base, base), headers(self.head, head));
        let required = |node: &Value| node.get("required") == Some(&Value::Bool(true));
        for (name, (node, pointer)) in &b {
            if h.contains_key(name) {
                continue;
            }
            let rule = if required(node) {
                "response-required-header-removed"
            } else {
                "response-optional-header-removed"
            };
            let message = format!("the header `{name}` was removed");
            let place = self.old_place(pointer);
            self.push(rule, Some(label), location, message, place);
        }
        for (name, (node, pointer)) in &h {
            let place = self.new_place(pointer);
            let Some((b_node, b_pointer)) = b.get(name) else {
                let message = format!("the header `{name}` was added");
                let rule = "response-header-added";
                self.push(rule, Some(label), location, message, place);
                continue;
            };
            if required(b_node) && !required(node) {
                let message = format!("the header `{name}` may now be absent");
                let rule = "response-header-became-optional";
                self.push(rule, Some(label), location, message, place);
            }
            if let (Some(b_schema), Some(h_schema)) = (b_node.get("schema"), node.get("schema")) {
                self.schema(
                    Dir::Response,
                    label,
                    &format!("{location} header {name}"),
                    (b_schema, format!("{b_pointer}/schema")),
                    (h_schema, format!("{pointer}/schema")),
                );
            }
        }
    }

    /// Media types of a request body or response, and the schema of each one both have.
    fn content(&mut self, dir: Dir, label: &str, location: &str, base: Node<'_>, head: Node<'_>) {
        // Media types by their essence (`application/json` for `application/json;
        // charset=utf-8`, in any case), each with its key as written.
        let types = |node: &Value| -> BTreeMap<String, String> {
            node.get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.keys())
                .map(|k| {
                    let essence = k.split(';').next().unwrap_or(k);
                    (essence.trim().to_ascii_lowercase(), k.clone())
                })
                .collect()
        };
        let (b, h) = (types(base.0), types(head.0));
        let [added, removed, schema_added, schema_removed] = match dir {
            Dir::Request => [
                "request-body-media-type-added",
                "request-body-media-type-removed",
                "request-body-media-type-schema-added",
                "request-body-media-type-schema-removed",
            ],
            Dir::Response => [
                "response-media-type-added",
                "response-media-type-removed",
                "response-body-media-type-schema-added",
                "response-body-media-type-schema-removed",
            ],
        };
        for media in b.keys().filter(|m| !h.contains_key(*m)) {
            let message = format!("the media type `{media}` was removed");
            let place = self.old_place(&format!("{}/content", base.1));
            self.push(removed, Some(label), location, message, place);
        }
        for media in h.keys().filter(|m| !b.contains_key(*m)) {
            let message = format!("the media type `{media}` was added");
            let place = self.new_place(&format!("{}/content", head.1));
            self.push(added, Some(label), location, message, place);
        }
        for (media, b_key) in &b {
            let Some(h_key) = h.get(media) else { continue };
            let b_pointer = format!("{}/content/{}/schema", base.1, escape(b_key));
            let h_pointer = format!("{}/content/{}/schema", head.1, escape(h_key));
            match (self.base.get(&b_pointer), self.head.get(&h_pointer)) {
                (None, Some(_)) => {
                    let message = format!("`{media}` now has a schema");
                    let place = self.new_place(&h_pointer);
                    self.push(schema_added, Some(label), location, message, place);
                }
                (Some(_), None) => {
                    let message = format!("`{media}` no longer has a schema");
                    let place = self.old_place(&b_pointer);
                    self.push(schema_removed, Some(label), location, message, place);
                }
                (Some(b), Some(h)) => {
                    self.schema(dir, label, location, (b, b_pointer), (h, h_pointer));
                }
                (None, None) => {}
            }
        }
    }

    // Security and servers ---------------------------------------------------------------

    /// The effective security of an operation (its own, or the document's): a list of
    /// alternatives, each a set of schemes with their scopes. Alternatives are matched by
    /// their schemes, so a scope change is one change, not a removal and an addition.
    fn operation_security(&mut self, label: &str, base_pointer: &str, head_pointer: &str) {
        let effective = |spec: &Spec, pointer: &str| {
            alternatives(
                spec.get(&format!("{pointer}/security"))
                    .or_else(|| spec.get("/security")),
            )
        };
        let (b, h) = (
            effective(self.base, base_pointer),
            effective(self.head, head_pointer),
        );
        let place = self.new_place(&format!("{head_pointer}/security"));
        let mut report = |rule: &'static str, message: String| {
            self.push(rule, Some(label), "security", message, place.clone());
        };
        match (anonymous(&b), anonymous(&h)) {
            (true, false) => {
                let list = h.iter().map(describe).collect::<Vec<_>>().join(" or ");
                return report("security-became-required", format!("now requires {list}"));
            }
            (false, true) => {
                report(
                    "security-no-longer-required",
                    "no longer requires credentials".to_string(),
                );
            }
            _ => {}
        }
        // The same alternative on both sides first; then alternatives of the same schemes
        // pair up, one to one, those sharing the most scopes first: a scope change.
        let mut b_free: Vec<&Alternative> = b.iter().filter(|a| !a.is_empty()).collect();
        let mut h_free: Vec<&Alternative> = Vec::new();
        for alternative in h.iter().filter(|a| !a.is_empty()) {
            match b_free.iter().position(|a| *a == alternative) {
                Some(i) => {
                    b_free.remove(i);
                }
                None => h_free.push(alternative),
            }
        }
        for alternative in h_free {
            let shared = |a: &Alternative| -> usize {
                a.iter()
                    .map(|(scheme, scopes)| scopes.intersection(&alternative[scheme]).count())
                    .sum()
            };
            let before = b_free
                .iter()
                .enumerate()
                .filter(|(_, a)| a.keys().eq(alternative.keys()))
                .max_by_key(|(_, a)| shared(a))
                .map(|(i, _)| i);
            let Some(before) = before.map(|i| b_free.remove(i)) else {
                report(
                    "security-requirement-added",
                    format!("now also accepts {}", describe(alternative)),
                );
                continue;
            };
            for (scheme, scopes) in alternative {
                let old = &before[scheme];
                for scope in scopes.difference(old) {
                    report(
                        "security-scope-added",
                        format!("`{scheme}` now also requires the scope `{scope}`"),
                    );
                }
                for scope in old.difference(scopes) {
                    report(
                        "security-scope-removed",
                        format!("`{scheme}` no longer requires the scope `{scope}`"),
                    );
                }
            }
        }
        // Where anonymous calls are taken, no way to authenticate is needed any more.
        if anonymous(&h) {
            return;
        }
        for alternative in b_free {
            report(
                "security-requirement-removed",
                format!("no longer accepts {}", describe(alternative)),
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
        let essentials =
            |s: &Value| ["type", "in", "name", "scheme", "bearerFormat"].map(|k| s.get(k).cloned());
        for name in b.keys().chain(h.keys()).collect::<BTreeSet<_>>() {
            let pointer = format!("/components/securitySchemes/{}", escape(name));
            let (rule, what, place) = match (b.get(name), h.get(name)) {
                (Some(_), None) => (
                    "security-scheme-removed",
                    "was removed",
                    self.old_place(&pointer),
                ),
                (None, _) => (
                    "security-scheme-added",
                    "was added",
                    self.new_place(&pointer),
                ),
                (Some(before), Some(after)) if essentials(before) != essentials(after) => (
                    "security-scheme-changed",
                    "changed its type, location or name",
                    self.new_place(&pointer),
                ),
                _ => continue,
            };
            self.push(
                rule,
                None,
                &format!("security scheme {name}"),
                format!("the security scheme `{name}` {what}"),
                place,
            );
        }
    }

    fn servers(&mut self) {
        let urls = |spec: &Spec| -> BTreeSet<String> {
            spec.get("/servers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("url")?.as_str())
                .map(|u| u.trim_end_matches('/').to_string())
                .collect()
        };
        let (b, h) = (urls(self.base), urls(self.head));
        for url in b.symmetric_difference(&h) {
            let (rule, what, place) = if h.contains(url) {
                ("server-added", "added", self.new_place("/servers"))
            } else {
                ("server-removed", "removed", self.old_place("/servers"))
            };
            let message = format!("the server {url} was {what}");
            self.push(rule, None, "servers", message, place);
        }
    }
}

/// Operations keyed by method and path with parameter names blanked (`/orgs/{}`), each
/// with its label.
fn operations_of<'m, 's>(
    operations: &'m BTreeMap<String, Operation<'s>>,
) -> BTreeMap<(String, String), (&'m str, &'m Operation<'s>)> {
    operations
        .iter()
        .map(|(label, op)| {
            let key = (op.method.to_string(), normalize_path(op.path));
            (key, (label.as_str(), op))
        })
        .collect()
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
    spec.resolve(pointer).ok()
}

/// An operation's parameters (path-level ones overridden by its own), by location and name.
fn parameters_of<'o, 's>(
    operation: &'o Operation<'s>,
) -> BTreeMap<(String, String), &'o Parameter<'s>> {
    let or_unknown = |text: &str| if text.is_empty() { "?" } else { text }.to_string();
    operation
        .parameters
        .iter()
        .map(|p| ((or_unknown(p.location), or_unknown(p.name)), p))
        .collect()
}

/// The names of a template's parameters, in order: `["org", "id"]` for `/o/{org}/u/{id}`.
fn path_parameters(template: &str) -> Vec<String> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}'))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Whether a node says `deprecated: true`.
pub(super) fn is_deprecated(node: &Value) -> bool {
    node.get("deprecated") == Some(&Value::Bool(true))
}

/// The `x-sunset` date of an operation (`2026-06-30`, or the date of a date-time).
fn sunset(operation: &Value) -> Option<String> {
    let text = operation.get("x-sunset")?.as_str()?;
    let date = text.get(..10)?;
    let digits = |range: std::ops::Range<usize>| date[range].bytes().all(|b| b.is_ascii_digit());
    (digits(0..4) && &date[4..5] == "-" && digits(5..7) && &date[7..8] == "-" && digits(8..10))
        .then(|| date.to_string())
}

/// Today's date in UTC, `YYYY-MM-DD`, to compare with an `x-sunset`.
fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// `on` when a flag became set, `off` when it was cleared, `None` when it stayed.
pub(super) fn toggled<T>(flag: (bool, bool), on: T, off: T) -> Option<T> {
    match flag {
        (false, true) => Some(on),
        (true, false) => Some(off),
        _ => None,
    }
}

/// One way to authenticate: each scheme it needs, with the scopes it needs.
type Alternative = BTreeMap<String, BTreeSet<String>>;

/// A `security` list as alternatives; none (or an empty list) takes anonymous calls, and so
/// does an empty alternative `{}`.
fn alternatives(security: Option<&Value>) -> Vec<Alternative> {
    let Some(Value::Array(list)) = security else {
        return Vec::new();
    };
    list.iter()
        .filter_map(Value::as_object)
        .map(|requirement| {
            requirement
                .iter()
                .map(|(scheme, scopes)| {
                    let scopes = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                    (scheme.clone(), scopes)
                })
                .collect()
        })
        .collect()
}

fn anonymous(alternatives: &[Alternative]) -> bool {
    alternatives.is_empty() || alternatives.iter().any(BTreeMap::is_empty)
}

/// `apiKey`, `oauth (read, write) + apiKey`.
fn describe(alternative: &Alternative) -> String {
    alternative
        .iter()
        .map(|(scheme, scopes)| {
            if scopes.is_empty() {
                scheme.clone()
            } else {
                let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                format!("{scheme} ({})", scopes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}
