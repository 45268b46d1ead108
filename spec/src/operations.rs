//! The operations of a spec: each path and method, with its parameters merged as OpenAPI
//! defines, its request body and its responses, every `$ref` already followed.

use serde_json::{Map, Value};

use crate::document::{Spec, SpecError};
use crate::pointer::{escape, ref_target};

/// The methods a path item may hold, in the order operations are listed: reads, then
/// writes, delete last (the order of the client's `Operation::ALL` and the README's table).
pub const METHODS: [&str; 8] = [
    "get", "head", "options", "put", "post", "patch", "delete", "trace",
];

/// A node of the spec after its `$ref`s, and the pointer where it really is.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    /// The node itself.
    pub value: &'a Value,
    /// Its JSON pointer: where a `$ref` led, not where the `$ref` was.
    pub pointer: String,
    /// Where it is written: the `$ref`'s place when it was one, else [`Node::pointer`].
    pub written_at: String,
}

impl<'a> Node<'a> {
    /// A member of this node.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        let pointer = format!("{}/{}", self.pointer, escape(key));
        Some(Node {
            value: self.value.get(key)?,
            written_at: pointer.clone(),
            pointer,
        })
    }

    /// Whether it was written as a `$ref`.
    pub fn is_reference(&self) -> bool {
        self.written_at != self.pointer
    }

    /// A member's text, trimmed; `None` when absent, empty or not text.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        let text = self.value.get(key)?.as_str()?.trim();
        (!text.is_empty()).then_some(text)
    }

    /// The schema of its `application/json` content (of a request body or a response),
    /// as written: it may be a `$ref`.
    pub fn json_schema(&self) -> Option<Node<'a>> {
        self.get("content")?.get("application/json")?.get("schema")
    }
}

/// One parameter of an operation.
#[derive(Clone, Debug)]
pub struct Parameter<'a> {
    /// Its name.
    pub name: &'a str,
    /// Where it travels: `path`, `query`, `header` or `cookie`.
    pub location: &'a str,
    /// Whether it must be given (a path parameter always must).
    pub required: bool,
    /// The parameter object, resolved.
    pub node: Node<'a>,
}

impl<'a> Parameter<'a> {
    /// Its schema, as written (it may be a `$ref`).
    pub fn schema(&self) -> Option<Node<'a>> {
        self.node.get("schema")
    }
}

/// One documented response of an operation.
#[derive(Clone, Debug)]
pub struct Response<'a> {
    /// The status as the spec writes it: `200`, `4XX` or `default`.
    pub status: &'a str,
    /// The response object, resolved.
    pub node: Node<'a>,
}

impl Response<'_> {
    /// The status as a number; `None` for a range (`4XX`) or `default`.
    pub fn code(&self) -> Option<u16> {
        self.status.parse().ok()
    }
}

/// One operation: a method of a path.
#[derive(Clone, Debug)]
pub struct Operation<'a> {
    /// The path template (`/users/{external_id}`).
    pub path: &'a str,
    /// The path item the operation is in, resolved.
    pub path_item: Node<'a>,
    /// The method, lower case as in the spec (`post`).
    pub method: &'static str,
    /// Its `operationId`, when it has one.
    pub id: Option<&'a str>,
    /// The operation object (for its extensions, summary and description).
    pub node: Node<'a>,
    /// Its parameters: the path item's, each overridden by the operation's own with the same
    /// name and location, in that order.
    pub parameters: Vec<Parameter<'a>>,
    /// Its request body, resolved.
    pub request_body: Option<Node<'a>>,
    /// Its responses, in the spec's order.
    pub responses: Vec<Response<'a>>,
}

impl<'a> Operation<'a> {
    /// A member of the operation object: an extension (`x-idempotent`) or a field.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.node.value.get(key)
    }

    /// A text member, trimmed; `None` when absent or empty.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        self.node.text(key)
    }

    /// The operation as people name it: `POST /organizations`.
    pub fn route(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// Its tags.
    pub fn tags(&self) -> Vec<&'a str> {
        self.get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// The response documented for `status` (exactly, as the spec writes it).
    pub fn response(&self, status: &str) -> Option<&Response<'a>> {
        self.responses.iter().find(|r| r.status == status)
    }

    /// The response that describes an answer with `code`, as OpenAPI picks it: the exact
    /// status, else its range (`4XX`), else `default`.
    pub fn response_for(&self, code: u16) -> Option<&Response<'a>> {
        self.response(&code.to_string())
            .or_else(|| self.response(&format!("{}XX", code / 100)))
            .or_else(|| self.response("default"))
    }
}

impl Spec {
    /// Every operation, path by path in the document's order, methods in [`METHODS`]'s.
    /// A `$ref` that cannot be followed (on a path item, parameter, request body or
    /// response) is an error with its line.
    pub fn operations(&self) -> Result<Vec<Operation<'_>>, SpecError> {
        let (operations, mut problems) = self.operations_despite_broken_refs();
        match problems.is_empty() {
            true => Ok(operations),
            false => Err(problems.swap_remove(0)),
        }
    }

    /// [`Spec::operations`] for tools that must read any document (the diff, fuzzed
    /// inputs): what a broken `$ref` hides is left out (a path item, a parameter) or kept
    /// as written (a request body, a response), and each broken `$ref` is a problem beside.
    pub fn operations_despite_broken_refs(&self) -> (Vec<Operation<'_>>, Vec<SpecError>) {
        let mut operations = Vec::new();
        let mut problems = Vec::new();
        let Some(paths) = self.value.get("paths").and_then(Value::as_object) else {
            return (operations, problems);
        };
        for (path, item) in paths {
            let path_item = match self.node(item, &format!("/paths/{}", escape(path))) {
                Ok(node) => node,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let (item, item_pointer) = (path_item.value, &path_item.pointer);
            let path_level = self.parameters(item, item_pointer, &mut problems);
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let pointer = format!("{item_pointer}/{method}");
                let mut parameters = path_level.clone();
                for own in self.parameters(operation, &pointer, &mut problems) {
                    parameters.retain(|p| !(p.name == own.name && p.location == own.location));
                    parameters.push(own);
                }
                let request_body = operation.get("requestBody").map(|body| {
                    self.node_or_as_written(body, format!("{pointer}/requestBody"), &mut problems)
                });
                let responses = operation
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(status, response)| Response {
                        status,
                        node: self.node_or_as_written(
                            response,
                            format!("{pointer}/responses/{}", escape(status)),
                            &mut problems,
                        ),
                    })
                    .collect();
                operations.push(Operation {
                    path,
                    path_item: path_item.clone(),
                    method,
                    id: operation.get("operationId").and_then(Value::as_str),
                    node: Node {
                        value: operation,
                        written_at: pointer.clone(),
                        pointer,
                    },
                    parameters,
                    request_body,
                    responses,
                });
            }
        }
        (operations, problems)
    }

    /// This document with `operation` as its only operation (beside its path item's shared
    /// parameters) and only the components it reaches, directly or through others (all
    /// security schemes stay): a valid spec a fraction of the size, for tests and fuzzing.
    pub fn with_only(&self, operation: &Operation<'_>) -> Value {
        let mut item = Map::new();
        item.insert(operation.method.to_string(), operation.node.value.clone());
        if let Some(shared) = operation.path_item.value.get("parameters") {
            item.insert("parameters".to_string(), shared.clone());
        }
        let mut reached: Vec<String> = Vec::new();
        let mut pending = references(&Value::Object(item.clone()));
        pending.extend(
            self.value
                .get("security")
                .map(references)
                .unwrap_or_default(),
        );
        while let Some(target) = pending.pop() {
            if reached.contains(&target) {
                continue;
            }
            if let Some(node) = self.value.pointer(&target) {
                pending.extend(references(node));
            }
            reached.push(target);
        }
        let mut components = Map::new();
        for (kind, entries) in self
            .value
            .get("components")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let kept: Map<String, Value> = entries
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(name, _)| {
                    kind == "securitySchemes"
                        || reached.contains(&format!(
                            "/components/{}/{}",
                            escape(kind),
                            escape(name)
                        ))
                })
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            if !kept.is_empty() {
                components.insert(kind.clone(), Value::Object(kept));
            }
        }
        let mut sliced = self.value.clone();
        if let Some(document) = sliced.as_object_mut() {
            let mut paths = Map::new();
            paths.insert(operation.path.to_string(), Value::Object(item));
            document.insert("paths".to_string(), Value::Object(paths));
            document.insert("components".to_string(), Value::Object(components));
        }
        sliced
    }

    /// `node` after its `$ref`s, or as written when they lead nowhere (a problem).
    fn node_or_as_written<'a>(
        &'a self,
        node: &'a Value,
        at: String,
        problems: &mut Vec<SpecError>,
    ) -> Node<'a> {
        self.node(node, &at).unwrap_or_else(|e| {
            problems.push(e);
            Node {
                value: node,
                pointer: at.clone(),
                written_at: at,
            }
        })
    }

    /// `node` (at `pointer`) after its `$ref`s.
    pub fn node<'a>(&'a self, node: &'a Value, pointer: &str) -> Result<Node<'a>, SpecError> {
        let (value, resolved) = self.follow(node, pointer)?;
        Ok(Node {
            value,
            pointer: resolved,
            written_at: pointer.to_string(),
        })
    }

    /// The `parameters` of a path item or operation object at `pointer`, resolved; one
    /// whose `$ref` cannot be followed is a problem, and left out.
    fn parameters<'a>(
        &'a self,
        owner: &'a Value,
        pointer: &str,
        problems: &mut Vec<SpecError>,
    ) -> Vec<Parameter<'a>> {
        let mut parameters = Vec::new();
        for (index, parameter) in owner
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let node = match self.node(parameter, &format!("{pointer}/parameters/{index}")) {
                Ok(node) => node,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let text = |key: &str| node.value.get(key).and_then(Value::as_str).unwrap_or("");
            let (name, location) = (text("name"), text("in"));
            parameters.push(Parameter {
                name,
                location,
                required: location == "path"
                    || node.value.get("required") == Some(&Value::Bool(true)),
                node,
            });
        }
        parameters
    }
}

/// The targets of every local `$ref` in `value`.
fn references(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, v)| match (key.as_str(), v) {
                ("$ref", Value::String(reference)) => ref_target(reference).into_iter().collect(),
                _ => references(v),
            })
            .collect(),
        Value::Array(items) => items.iter().flat_map(references).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}, description: path level}
      - {name: id, in: query, schema: {type: string}}
      - $ref: '#/components/parameters/Limit'
    get:
      operationId: getThing
      tags: [things]
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}, description: operation level}
      responses:
        '200': {$ref: '#/components/responses/Thing'}
        default: {description: an error}
    delete:
      responses: {'204': {description: gone}}
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
  responses:
    Thing:
      description: a thing
      content: {application/json: {schema: {type: object}}}
"##;

    #[test]
    fn parameters_merge_by_name_and_location_and_references_are_followed() {
        let spec = Spec::parse("t.yaml", DOC).unwrap();
        let operations = spec.operations().unwrap();
        assert_eq!(operations.len(), 2);
        let get = &operations[0];
        assert_eq!(
            (get.method, get.id, get.tags()),
            ("get", Some("getThing"), vec!["things"])
        );
        let merged: Vec<(&str, &str, Option<&str>)> = get
            .parameters
            .iter()
            .map(|p| (p.name, p.location, p.node.text("description")))
            .collect();
        // The path's `id` in the path is overridden; its `id` in the query is another parameter.
        assert_eq!(
            merged,
            [
                ("id", "query", None),
                ("limit", "query", None),
                ("id", "path", Some("operation level")),
            ]
        );
        assert_eq!(
            get.parameters[1].node.pointer,
            "/components/parameters/Limit"
        );
        let ok = get.response("200").unwrap();
        assert_eq!(ok.code(), Some(200));
        assert_eq!(ok.node.pointer, "/components/responses/Thing");
        assert_eq!(
            ok.node.json_schema().unwrap().pointer,
            "/components/responses/Thing/content/application~1json/schema"
        );
        assert_eq!(get.response("default").unwrap().code(), None);
        assert_eq!(get.response_for(200).unwrap().status, "200");
        assert_eq!(get.response_for(503).unwrap().status, "default");
        let delete = &operations[1];
        assert_eq!((delete.method, delete.id), ("delete", None));
        assert_eq!(delete.node.pointer, "/paths/~1things~1{id}/delete");
        assert_eq!(delete.parameters.len(), 3, "the path item's, unchanged");
    }

    #[test]
    fn a_reference_that_cannot_be_followed_is_an_error_with_its_line() {
        let text = DOC.replace(
            "'#/components/parameters/Limit'",
            "'#/components/parameters/Nope'",
        );
        let spec = Spec::parse("t.yaml", &text).unwrap();
        let error = spec.operations().unwrap_err();
        assert_eq!(
            error.pointer.as_deref(),
            Some("/paths/~1things~1{id}/parameters/2/$ref")
        );
        assert_eq!(error.location.map(|l| l.line), Some(9));
    }
}
