//! The spec shapes that make progenitor 0.15.1 panic (assert!, todo!, unwrap in its source),
//! rejected before it runs, each with the operation and the spec line.
//!
//! The list comes from reading progenitor-impl's `method.rs`, `util.rs` and `to_schema.rs`;
//! `generate` in this module's parent also catches any panic that slips past it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::spec::{Spec, SpecError, escape, walk};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const SCHEMA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Every shape in `spec` that progenitor cannot take.
pub fn check(spec: &Spec) -> Vec<SpecError> {
    let mut errors = Vec::new();
    let mut operation_ids = BTreeMap::<String, String>::new();
    if let Some(Value::Object(paths)) = spec.get("/paths") {
        for (path, item) in paths {
            let item_pointer = format!("/paths/{}", escape(path));
            if item.get("$ref").is_some() {
                errors.push(spec.error(
                    &item_pointer,
                    format!("path `{path}` is a `$ref`; progenitor needs path items written out"),
                ));
                continue;
            }
            for method in METHODS {
                if item.get(method).is_none() {
                    continue;
                }
                let pointer = format!("{item_pointer}/{method}");
                let name = match spec
                    .get(&format!("{pointer}/operationId"))
                    .and_then(Value::as_str)
                {
                    Some(id) => {
                        if let Some(first) = operation_ids.insert(id.to_string(), pointer.clone()) {
                            errors.push(spec.error(
                                &format!("{pointer}/operationId"),
                                format!("operation `{id}`: operationId already used at {first}"),
                            ));
                        }
                        id.to_string()
                    }
                    None => {
                        errors.push(spec.error(
                            &pointer,
                            format!(
                                "`{} {path}` has no operationId; progenitor names methods after it",
                                method.to_uppercase()
                            ),
                        ));
                        format!("{} {path}", method.to_uppercase())
                    }
                };
                let operation = Operation {
                    spec,
                    pointer,
                    name,
                    path,
                };
                operation.check_parameters(item, &mut errors);
                operation.check_request_body(&mut errors);
                operation.check_responses(&mut errors);
            }
        }
    }
    check_schemas(spec, &mut errors);
    errors
}

struct Operation<'a> {
    spec: &'a Spec,
    pointer: String,
    name: String,
    path: &'a str,
}

impl Operation<'_> {
    fn error(&self, pointer: &str, message: impl std::fmt::Display) -> SpecError {
        self.spec
            .error(pointer, format!("operation `{}`: {message}", self.name))
    }

    /// Path parameters and the `{names}` in the path must match (progenitor panics with
    /// "missing from path" otherwise).
    fn check_parameters(&self, item: &Value, errors: &mut Vec<SpecError>) {
        let in_template: BTreeSet<&str> = self
            .path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let mut declared = BTreeSet::new();
        let item_pointer = self
            .pointer
            .rsplit_once('/')
            .map_or("", |(item, _)| item)
            .to_string();
        let lists = [
            (item.get("parameters"), format!("{item_pointer}/parameters")),
            (
                self.spec.get(&format!("{}/parameters", self.pointer)),
                format!("{}/parameters", self.pointer),
            ),
        ];
        for (list, list_pointer) in lists {
            let Some(Value::Array(parameters)) = list else {
                continue;
            };
            for index in 0..parameters.len() {
                let pointer = format!("{list_pointer}/{index}");
                let (parameter, resolved) = match self.spec.resolve(&pointer) {
                    Ok(found) => found,
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                };
                if resolved != pointer && !resolved.starts_with("/components/parameters/") {
                    errors.push(self.error(
                        &format!("{pointer}/$ref"),
                        "a parameter `$ref` must point into #/components/parameters/",
                    ));
                }
                if parameter.get("in").and_then(Value::as_str) == Some("path") {
                    let name = parameter
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    if !in_template.contains(name) {
                        errors.push(self.error(
                            &pointer,
                            format!(
                                "path parameter `{name}` does not appear in the path `{}`",
                                self.path
                            ),
                        ));
                    }
                    declared.insert(name.to_string());
                }
            }
        }
        for name in in_template {
            if !declared.contains(name) {
                errors.push(self.error(
                    &self.pointer,
                    format!("the path has `{{{name}}}` but no path parameter declares it"),
                ));
            }
        }
    }

    /// One request media type, no `encoding` on it, and a schema (progenitor: todo!).
    fn check_request_body(&self, errors: &mut Vec<SpecError>) {
        let pointer = format!("{}/requestBody", self.pointer);
        if self.spec.get(&pointer).is_none() {
            return;
        }
        let (body, resolved) = match self.spec.resolve(&pointer) {
            Ok(found) => found,
            Err(e) => return errors.push(e),
        };
        if resolved != pointer && !resolved.starts_with("/components/requestBodies/") {
            errors.push(self.error(
                &format!("{pointer}/$ref"),
                "a requestBody `$ref` must point into #/components/requestBodies/",
            ));
        }
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
        let pointer = format!("{}/responses", self.pointer);
        let Some(Value::Object(responses)) = self.spec.get(&pointer) else {
            return errors.push(self.error(&self.pointer, "no `responses`"));
        };
        let mut success = BTreeMap::<String, Vec<String>>::new();
        let mut failure = BTreeMap::<String, Vec<String>>::new();
        let has_success_range = responses.contains_key("2XX");
        for status in responses.keys() {
            let at = format!("{pointer}/{}", escape(status));
            let Some(class) = StatusClass::of(status) else {
                errors.push(self.error(&at, format!("`{status}` is not a status code (100-599), a range such as `2XX`, or `default`")));
                continue;
            };
            let kind = match self.response_kind(&at) {
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
                    .push(status.clone());
            }
            if class.is_error() {
                failure.entry(kind).or_default().push(status.clone());
            }
        }
        for (group, kinds) in [("success", &success), ("error", &failure)] {
            if kinds.len() > 1 {
                let detail: Vec<String> = kinds
                    .iter()
                    .map(|(kind, statuses)| format!("{} -> {kind}", statuses.join(", ")))
                    .collect();
                let default_note = if responses.contains_key("default") {
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
    fn response_kind(&self, pointer: &str) -> Result<String, SpecError> {
        let (response, resolved) = self.spec.resolve(pointer)?;
        if resolved != pointer && !resolved.starts_with("/components/responses/") {
            return Err(self.error(
                &format!("{pointer}/$ref"),
                "a response `$ref` must point into #/components/responses/",
            ));
        }
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
