//! The spec, read once into what the fake serves: routes, operations and what each does to
//! the state, request validators, and the resources behind the paths.
//!
//! What an operation does follows from its method and the shape of its path (REST; the
//! spec crate's `rest::Kind`). "act" answers from the record the path names after dropping the fields the operation's
//! `x-fake-regenerates` lists (and merging its body, if it has one). Everything else the
//! fake knows of the API is in the spec's `x-fake-*` extensions (see the spec's header).

use std::collections::BTreeMap;

use serde_json::Value;

use answering_agent_spec::pointer::{escape, ref_target};
use answering_agent_spec::schema::{self, Direction};
use answering_agent_spec::{Node, Spec};

pub(crate) use answering_agent_spec::rest::Kind;

/// A path or query parameter.
pub(crate) struct Parameter {
    pub name: String,
    pub required: bool,
    /// The resolved schema object.
    pub schema: Value,
    pub validator: jsonschema::Validator,
}

/// The request body of an operation.
pub(crate) struct Body {
    pub required: bool,
    /// The schema object (may be a `$ref`).
    pub schema: Value,
    pub validator: jsonschema::Validator,
}

/// One operation of the spec.
pub(crate) struct Operation {
    pub id: String,
    pub kind: Kind,
    /// The collection the path starts with (`users` for `/users/{external_id}/embed-token`).
    pub resource: String,
    /// Whether the API key is required.
    pub secured: bool,
    pub path_parameters: Vec<Parameter>,
    pub query: Vec<Parameter>,
    pub body: Option<Body>,
    /// The first documented 2xx status and its schema (None: no JSON body).
    pub success: (u16, Option<Value>),
    /// Validators of the documented JSON answers, by status.
    pub answers: BTreeMap<u16, jsonschema::Validator>,
    /// `x-fake-filter`: query parameter -> the record field (dotted path) it filters on.
    pub filters: BTreeMap<String, String>,
    /// `x-fake-regenerates`: record fields this operation throws away (made anew when shown).
    pub regenerates: Vec<String>,
}

/// One path template, split into segments (`None` for a `{parameter}`).
pub(crate) struct Route {
    /// The template as the spec writes it.
    pub path: String,
    pub segments: Vec<Option<String>>,
    /// By upper-case method.
    pub methods: BTreeMap<String, Operation>,
}

/// A collection of records: `/organizations`.
#[derive(Debug, Default)]
pub(crate) struct Resource {
    /// The `$ref` of the schema its records are shown as (`#/components/schemas/User`).
    pub schema_ref: Option<String>,
    /// The schema's name, for Laravel's "No query results for model [...]".
    pub model: String,
    /// The record field the item path's parameter names: a property of that name, else `id`.
    /// Unique within the collection.
    pub key: String,
}

/// The spec, ready to serve.
pub(crate) struct Api {
    pub spec: Value,
    /// The path prefix of the first server (`/api/v1`).
    pub base_path: String,
    pub routes: Vec<Route>,
    pub resources: BTreeMap<String, Resource>,
    /// The header that carries the API key (`x-api-key`), lower case.
    pub key_header: Option<String>,
}

impl Api {
    /// The model of `spec`, ready to serve.
    pub fn new(spec: Spec) -> Result<Api, String> {
        let base_path = spec.base_path();
        let key_header = spec
            .value
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .find(|(_, s)| s["type"] == "apiKey" && s["in"] == "header")
            .and_then(|(_, s)| s["name"].as_str())
            .map(str::to_ascii_lowercase);
        let mut routes: Vec<Route> = Vec::new();
        let mut resources: BTreeMap<String, Resource> = BTreeMap::new();
        let operations = spec.operations().map_err(|e| e.to_string())?;
        if operations.is_empty() {
            return Err(spec
                .error("/paths", "the spec has no operations")
                .to_string());
        }
        for operation in operations {
            let Some(id) = operation.id else {
                continue;
            };
            if routes.last().is_none_or(|r| r.path != operation.path) {
                routes.push(Route {
                    path: operation.path.to_string(),
                    segments: operation
                        .path
                        .trim_matches('/')
                        .split('/')
                        .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_string()))
                        .collect(),
                    methods: BTreeMap::new(),
                });
            }
            let served = read_operation(&spec.value, &operation, id)
                .map_err(|e| spec.error(&operation.node.pointer, e).to_string())?;
            let entry = resources.entry(served.resource.clone()).or_default();
            if matches!(
                served.kind,
                Kind::Read | Kind::Update | Kind::Delete | Kind::Replace
            ) {
                if served.kind == Kind::Read
                    && let Some(reference) = served
                        .success
                        .1
                        .as_ref()
                        .and_then(|s| s.get("$ref"))
                        .and_then(Value::as_str)
                {
                    entry.schema_ref = Some(reference.to_string());
                    entry.model = reference.rsplit('/').next().unwrap_or_default().to_string();
                }
                if let Some(parameter) = served.path_parameters.first() {
                    entry.key = parameter.name.clone();
                }
            }
            let route = routes.last_mut().expect("pushed above");
            route
                .methods
                .insert(operation.method.to_ascii_uppercase(), served);
        }
        let spec = spec.value;
        // A parameter names the record field of the same name if the records have one.
        for resource in resources.values_mut() {
            let has_field = resource
                .schema_ref
                .as_deref()
                .and_then(ref_target)
                .and_then(|p| spec.pointer(&format!("{p}/properties/{}", escape(&resource.key))))
                .is_some();
            if !has_field {
                resource.key = "id".to_string();
            }
            if resource.model.is_empty() {
                resource.model = "Resource".to_string();
            }
        }
        Ok(Api {
            spec,
            base_path,
            routes,
            resources,
            key_header,
        })
    }

    /// Every (resource, dotted path) an `x-fake-related` of a resource's schema declares:
    /// the relations the store indexes.
    pub fn relations(&self) -> Vec<(String, String)> {
        self.resources
            .keys()
            .flat_map(|resource| self.related(resource))
            .map(|(target, path, _)| (target.to_string(), path.to_string()))
            .collect()
    }

    /// The `x-fake-related` of each property of `resource`'s schema that names its
    /// `resource` and `where`: (that resource, the dotted path, the whole declaration).
    pub fn related(&self, resource: &str) -> Vec<(&str, &str, &Value)> {
        let schema = self
            .resources
            .get(resource)
            .and_then(|r| ref_target(r.schema_ref.as_deref()?))
            .and_then(|pointer| self.spec.pointer(&pointer))
            .map(|schema| self.deref(schema));
        schema
            .and_then(|s| s.get("properties")?.as_object())
            .into_iter()
            .flatten()
            .filter_map(|(_, property)| {
                let related = property.get("x-fake-related")?;
                let target = related.get("resource")?.as_str()?;
                Some((target, related.get("where")?.as_str()?, related))
            })
            .collect()
    }

    /// The record field that keys `resource` (`id` for one the spec does not serve).
    pub fn key(&self, resource: &str) -> &str {
        self.resources
            .get(resource)
            .map_or("id", |r| r.key.as_str())
    }

    /// Follows `$ref`s.
    pub fn deref<'a>(&'a self, node: &'a Value) -> &'a Value {
        schema::deref(&self.spec, node, "").0
    }

    /// The resource whose records are shown with the schema `reference` names.
    pub fn resource_of_schema(&self, reference: &str) -> Option<&str> {
        self.resources
            .iter()
            .find(|(_, r)| r.schema_ref.as_deref() == Some(reference))
            .map(|(name, _)| name.as_str())
    }

    /// The route and operation for `method` on `segments`: `Err(None)` if no path matches,
    /// `Err(Some(allowed))` if the path does but the method does not.
    pub fn route<'a>(
        &'a self,
        method: &str,
        segments: &[&str],
    ) -> Result<(&'a Route, &'a Operation), Option<Vec<&'a str>>> {
        let route = self
            .routes
            .iter()
            .filter(|route| {
                route.segments.len() == segments.len()
                    && route
                        .segments
                        .iter()
                        .zip(segments)
                        .all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
            })
            // A literal segment wins over a parameter (`/users/me` before `/users/{id}`).
            .max_by_key(|route| route.segments.iter().filter(|s| s.is_some()).count())
            .ok_or(None)?;
        let wanted = if method == "HEAD" { "GET" } else { method };
        if let Some(operation) = route.methods.get(wanted) {
            return Ok((route, operation));
        }
        let mut allowed: Vec<&str> = route.methods.keys().map(String::as_str).collect();
        if allowed.contains(&"GET") {
            allowed.push("HEAD");
        }
        Err(Some(allowed))
    }
}

fn read_operation(
    spec: &Value,
    operation: &answering_agent_spec::Operation<'_>,
    id: &str,
) -> Result<Operation, String> {
    let kind = operation.kind();
    let deref = |node: Node<'_>| schema::deref(spec, node.value, &node.pointer).0.clone();
    let mut path_parameters = Vec::new();
    let mut query = Vec::new();
    for parameter in &operation.parameters {
        let name = parameter.name.to_string();
        let schema = parameter.schema().map(deref).unwrap_or(Value::Null);
        let validator = schema::validator(spec, &schema, Direction::Request, false)
            .map_err(|e| format!("the schema of parameter `{name}` does not compile: {e}"))?;
        let parameter_of = Parameter {
            name,
            required: parameter.required,
            schema,
            validator,
        };
        match parameter.location {
            "path" => path_parameters.push(parameter_of),
            "query" => query.push(parameter_of),
            _ => {}
        }
    }
    let body = match (
        &operation.request_body,
        operation.request_body.as_ref().and_then(Node::json_schema),
    ) {
        (Some(body), Some(schema)) => Some(Body {
            required: body.value["required"] == true,
            schema: schema.value.clone(),
            validator: schema::validator(spec, schema.value, Direction::Request, false)
                .map_err(|e| format!("the request body's schema does not compile: {e}"))?,
        }),
        _ => None,
    };
    let mut success = None;
    let mut answers = BTreeMap::new();
    for response in &operation.responses {
        let Some(code) = response.code() else {
            continue;
        };
        let schema = response.node.json_schema().map(|s| s.value.clone());
        if let Some(schema) = &schema {
            let validator = schema::validator(spec, schema, Direction::Response, false)
                .map_err(|e| format!("the schema of the {code} answer does not compile: {e}"))?;
            answers.insert(code, validator);
        }
        // The lowest 2xx, except that a create answers 201 Created when it is documented.
        let better = |current: u16| match (kind, code, current) {
            (Kind::Create, 201, _) => true,
            (Kind::Create, _, 201) => false,
            _ => code < current,
        };
        if (200..300).contains(&code) && success.as_ref().is_none_or(|(c, _)| better(*c)) {
            success = Some((code, schema));
        }
    }
    let success = success.ok_or_else(|| format!("{id} documents no 2xx answer"))?;
    let filters = operation
        .get("x-fake-filter")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect();
    let regenerates = operation
        .get("x-fake-regenerates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let security = operation.get("security").or_else(|| spec.get("security"));
    let secured = security
        .and_then(Value::as_array)
        .is_some_and(|alternatives| {
            !alternatives.is_empty()
                && alternatives
                    .iter()
                    .all(|a| a.as_object().is_some_and(|a| !a.is_empty()))
        });
    Ok(Operation {
        id: id.to_string(),
        kind,
        resource: operation.resource().to_string(),
        secured,
        path_parameters,
        query,
        body,
        success,
        answers,
        filters,
        regenerates,
    })
}
