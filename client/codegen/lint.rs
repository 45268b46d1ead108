//! The spec shapes that make progenitor 0.15.1 panic (assert!, todo!, unwrap in its source),
//! rejected before it runs, each with the operation and the spec line.
//!
//! The list comes from reading progenitor-impl's `method.rs`, `util.rs` and `to_schema.rs`;
//! `generate` in this module's parent also catches any panic that slips past it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use answering_agent_spec::{Node, Spec, SpecError, pointer::escape, walk};

const SCHEMA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Every shape in `spec` that progenitor cannot take. Its references must all resolve
/// ([`Spec::dangling_refs`] first).
pub fn check(spec: &Spec) -> Vec<SpecError> {
    let mut errors = Vec::new();
    let operations = match spec.operations() {
        Ok(operations) => operations,
        Err(e) => return vec![e],
    };
    let mut operation_ids = BTreeMap::<&str, &str>::new();
    let mut referenced_items = BTreeSet::new();
    for operation in &operations {
        if operation.path_item.is_reference() {
            if referenced_items.insert(operation.path) {
                errors.push(spec.error(
                    &operation.path_item.written_at,
                    format!(
                        "path `{}` is a `$ref`; progenitor needs path items written out",
                        operation.path
                    ),
                ));
            }
            continue;
        }
        let pointer = &operation.node.pointer;
        let name = match operation.id {
            Some(id) => {
                if let Some(first) = operation_ids.insert(id, pointer) {
                    errors.push(spec.error(
                        &format!("{pointer}/operationId"),
                        format!("operation `{id}`: operationId already used at {first}"),
                    ));
                }
                id.to_string()
            }
            None => {
                let name = format!("{} {}", operation.method.to_uppercase(), operation.path);
                errors.push(spec.error(
                    pointer,
                    format!("`{name}` has no operationId; progenitor names methods after it"),
                ));
                name
            }
        };
        let checked = Operation {
            spec,
            operation,
            name,
        };
        checked.check_parameters(&mut errors);
        checked.check_request_body(&mut errors);
        checked.check_responses(&mut errors);
    }
    check_schemas(spec, &mut errors);
    // Not progenitor's concern, but every reader's: a guess is data (`x-guess`).
    errors.extend(spec.unmarked_guesses());
    errors.extend(spec.guesses().1);
    errors
}

struct Operation<'a> {
    spec: &'a Spec,
    operation: &'a answering_agent_spec::Operation<'a>,
    name: String,
}

impl Operation<'_> {
    fn error(&self, pointer: &str, message: impl std::fmt::Display) -> SpecError {
        self.spec
            .error(pointer, format!("operation `{}`: {message}", self.name))
    }

    /// A `$ref` of this kind must point into `#/components/{section}/` (progenitor looks
    /// it up by name there).
    fn check_reference(&self, node: &Node<'_>, kind: &str, section: &str) -> Option<SpecError> {
        (node.is_reference() && !node.pointer.starts_with(&format!("/components/{section}/"))).then(
            || {
                self.error(
                    &format!("{}/$ref", node.written_at),
                    format!("a {kind} `$ref` must point into #/components/{section}/"),
                )
            },
        )
    }

    /// Path parameters and the `{names}` in the path must match (progenitor panics with
    /// "missing from path" otherwise).
    fn check_parameters(&self, errors: &mut Vec<SpecError>) {
        let path = self.operation.path;
        let in_template: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let mut declared = BTreeSet::new();
        for parameter in &self.operation.parameters {
            errors.extend(self.check_reference(&parameter.node, "parameter", "parameters"));
            if parameter.location == "path" {
                if !in_template.contains(parameter.name) {
                    errors.push(self.error(
                        &parameter.node.written_at,
                        format!(
                            "path parameter `{}` does not appear in the path `{path}`",
                            parameter.name
                        ),
                    ));
                }
                declared.insert(parameter.name);
            }
        }
        for name in in_template {
            if !declared.contains(name) {
                errors.push(self.error(
                    &self.operation.node.pointer,
                    format!("the path has `{{{name}}}` but no path parameter declares it"),
                ));
            }
        }
    }

    /// One request media type, no `encoding` on it, and a schema (progenitor: todo!).
    fn check_request_body(&self, errors: &mut Vec<SpecError>) {
        let Some(body_node) = &self.operation.request_body else {
            return;
        };
        errors.extend(self.check_reference(body_node, "requestBody", "requestBodies"));
        let (body, resolved) = (body_node.value, &body_node.pointer);
        let Some(Value::Object(content)) = body.get("content") else {
            return;
        };
        if content.len() > 1 {
            let types: Vec<&str> = content.keys().map(String::as_str).collect();
            errors.push(self.error(
                &format!("{resolved}/content"),
                format!(
                    "{} request media types ({}); progenitor takes one",
                    types.len(),
                    types.join(", ")
                ),
            ));
        }
        for (media_type, media) in content {
            let at = format!("{resolved}/content/{}", escape(media_type));
            if media
                .get("encoding")
                .is_some_and(|e| e.as_object().is_some_and(|m| !m.is_empty()))
            {
                errors.push(self.error(
                    &format!("{at}/encoding"),
                    format!("`encoding` on `{media_type}`; progenitor cannot take it"),
                ));
            }
            if media.get("schema").is_none() {
                errors.push(self.error(
                    &at,
                    format!("the request media type `{media_type}` has no schema"),
                ));
            }
        }
    }

    /// Status codes progenitor can read, one body type among the successes and one among
    /// the errors (`default` counts as both), and no JSON response without a schema.
    fn check_responses(&self, errors: &mut Vec<SpecError>) {
        let pointer = format!("{}/responses", self.operation.node.pointer);
        if self.operation.get("responses").is_none() {
            return errors.push(self.error(&self.operation.node.pointer, "no `responses`"));
        }
        let responses = &self.operation.responses;
        let mut success = BTreeMap::<String, Vec<String>>::new();
        let mut failure = BTreeMap::<String, Vec<String>>::new();
        let has_success_range = self.operation.response("2XX").is_some();
        for response in responses {
            let status = response.status;
            let Some(class) = StatusClass::of(status) else {
                errors.push(self.error(&response.node.written_at, format!("`{status}` is not a status code (100-599), a range such as `2XX`, or `default`")));
                continue;
            };
            let kind = match self.response_kind(&response.node) {
                Ok(kind) => kind,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            // progenitor drops `default` from the successes when `2XX` covers them.
            if class.is_success() && !(class == StatusClass::Default && has_success_range) {
                success
                    .entry(kind.clone())
                    .or_default()
                    .push(status.to_string());
            }
            if class.is_error() {
                failure.entry(kind).or_default().push(status.to_string());
            }
        }
        for (group, kinds) in [("success", &success), ("error", &failure)] {
            if kinds.len() > 1 {
                let detail: Vec<String> = kinds
                    .iter()
                    .map(|(kind, statuses)| format!("{} -> {kind}", statuses.join(", ")))
                    .collect();
                let default_note = if self.operation.response("default").is_some() {
                    " (`default` counts as both a success and an error)"
                } else {
                    ""
                };
                errors.push(self.error(
                    &pointer,
                    format!("progenitor needs one {group} body type per operation, this one has {}: {}{default_note}", kinds.len(), detail.join("; ")),
                ));
            }
        }
    }

    /// What progenitor makes of one response: a typed JSON body (named by its schema), a raw
    /// body, or none.
    fn response_kind(&self, node: &Node<'_>) -> Result<String, SpecError> {
        if let Some(error) = self.check_reference(node, "response", "responses") {
            return Err(error);
        }
        let (response, resolved) = (node.value, &node.pointer);
        let Some(Value::Object(content)) = response.get("content") else {
            return Ok("no body".to_string());
        };
        let json = content.iter().find(|(media_type, _)| {
            *media_type == "application/json" || media_type.starts_with("application/json;")
        });
        let Some((media_type, media)) = json else {
            return Ok(if content.is_empty() {
                "no body"
            } else {
                "raw body"
            }
            .to_string());
        };
        let at = format!("{resolved}/content/{}", escape(media_type));
        if media
            .get("encoding")
            .is_some_and(|e| e.as_object().is_some_and(|m| !m.is_empty()))
        {
            return Err(self.error(
                &format!("{at}/encoding"),
                "`encoding` on a JSON response; progenitor cannot take it",
            ));
        }
        match media.get("schema") {
            None => Err(self.error(
                &at,
                "a JSON response without a schema; progenitor cannot take it",
            )),
            Some(schema) => Ok(match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => format!("`{reference}`"),
                // progenitor gives every inline schema a type of its own.
                None => format!("the inline schema at {at}/schema"),
            }),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StatusClass {
    Code(u16),
    Range(u16),
    Default,
}

impl StatusClass {
    fn of(status: &str) -> Option<StatusClass> {
        if status == "default" {
            return Some(StatusClass::Default);
        }
        if let Some(digit) = status.strip_suffix("XX").filter(|d| d.len() == 1) {
            return digit
                .parse()
                .ok()
                .filter(|d| (1..=5).contains(d))
                .map(StatusClass::Range);
        }
        status
            .parse()
            .ok()
            .filter(|code| (100..=599).contains(code) && status.len() == 3)
            .map(StatusClass::Code)
    }

    fn is_success(self) -> bool {
        matches!(
            self,
            StatusClass::Default
                | StatusClass::Code(101)
                | StatusClass::Code(200..=299)
                | StatusClass::Range(2)
        )
    }

    fn is_error(self) -> bool {
        matches!(
            self,
            StatusClass::Default | StatusClass::Code(400..=599) | StatusClass::Range(4..=5)
        )
    }
}

/// Schema keywords progenitor's conversion to JSON Schema panics on.
fn check_schemas(spec: &Spec, errors: &mut Vec<SpecError>) {
    walk(&spec.value, &mut String::new(), &mut |pointer, node| {
        let Value::Object(schema) = node else { return };
        let in_schema = pointer.contains("/schema") || pointer.starts_with("/components/schemas/");
        if !in_schema || pointer.contains("/example") {
            return;
        }
        if let Some(Value::String(kind)) = schema.get("type")
            && !SCHEMA_TYPES.contains(&kind.as_str())
        {
            errors.push(spec.error(
                &format!("{pointer}/type"),
                format!("unknown schema type `{kind}`"),
            ));
        }
        for (flag, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if schema.get(flag) == Some(&Value::Bool(true)) && !schema.contains_key(bound) {
                errors.push(spec.error(
                    &format!("{pointer}/{flag}"),
                    format!("`{flag}: true` without `{bound}`; progenitor cannot take it"),
                ));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(paths: &str) -> Vec<String> {
        let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}");
        let spec = Spec::parse("t.yaml", &text).unwrap();
        check(&spec).into_iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn two_success_types_are_named_with_their_line() {
        let errors = errors_of(concat!(
            "  /x:\n    get:\n      operationId: getX\n      responses:\n",
            "        '200': {description: a, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}\n",
            "        '201': {description: b, content: {application/json: {schema: {$ref: '#/components/schemas/B'}}}}\n",
        ));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(
                "t.yaml:7:7: operation `getX`: progenitor needs one success body type"
            ),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn default_next_to_a_typed_success_is_refused() {
        let errors = errors_of(concat!(
            "  /x:\n    get:\n      operationId: getX\n      responses:\n",
            "        '200': {description: a, content: {application/json: {schema: {type: string}}}}\n",
            "        default: {description: e}\n",
        ));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("`default` counts as both"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn media_types_encoding_and_status_codes() {
        let errors = errors_of(concat!(
            "  /x/{id}:\n    post:\n      operationId: postX\n",
            "      requestBody:\n        content:\n",
            "          application/json: {schema: {type: object}, encoding: {a: {contentType: text/plain}}}\n",
            "          text/plain: {schema: {type: string}}\n",
            "      responses:\n        '2000': {description: a}\n",
        ));
        let joined = errors.join("\n");
        assert!(joined.contains("2 request media types"), "{joined}");
        assert!(
            joined.contains("`encoding` on `application/json`"),
            "{joined}"
        );
        assert!(joined.contains("`2000` is not a status code"), "{joined}");
        assert!(joined.contains("`{id}` but no path parameter"), "{joined}");
    }

    #[test]
    fn the_projects_spec_is_clean() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../openapi/answering-agent.yaml"
        ))
        .or_else(|_| {
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/openapi/answering-agent.yaml"
            ))
        })
        .unwrap();
        let spec = Spec::parse("answering-agent.yaml", &text).unwrap();
        assert_eq!(check(&spec), vec![]);
    }
}
