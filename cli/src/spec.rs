//! The spec as the command line sees it: for every operation of the client, its command
//! group and verb, its parameters, and its request body as a list of fields (nested ones
//! joined by dots, `owner.external_id`) with a validator. All read from the spec the client
//! was generated from, so an operation added to the spec is a command without a line here.

use std::collections::BTreeMap;

use answering_agent::Operation;
use answering_agent_spec::pointer::unescape;
use answering_agent_spec::schema::{self, Direction};
use answering_agent_spec::{SPEC, SPEC_PATH, Spec};
use serde_json::{Map, Value};

/// What a value on the command line or in a CSV cell is read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// One of these strings.
    Enum(Vec<String>),
    /// Anything else (an array, an object): the text is JSON.
    Json,
}

impl Kind {
    fn of(schema: &Value) -> Kind {
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let strings: Vec<String> = values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            if strings.len() == values.len() {
                return Kind::Enum(strings);
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => Kind::String,
            Some("integer") => Kind::Integer,
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Boolean,
            _ => Kind::Json,
        }
    }

    /// `text` as the JSON value it stands for, or why it cannot be.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        match self {
            Kind::String => Ok(Value::String(text.to_string())),
            Kind::Enum(values) if values.iter().any(|v| v == text) => {
                Ok(Value::String(text.to_string()))
            }
            Kind::Enum(values) => Err(format!("`{text}` is not one of {}", values.join(", "))),
            Kind::Integer => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("`{text}` is not a whole number")),
            Kind::Number => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
                .ok_or_else(|| format!("`{text}` is not a number")),
            Kind::Boolean => match text.trim() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("`{text}` is neither true nor false")),
            },
            Kind::Json => serde_json::from_str(text).map_err(|e| format!("not JSON: {e}")),
        }
    }
}

/// A path or query parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// Its name in the spec (`organization_id`).
    pub name: String,
    /// Whether it is in the path (else the query).
    pub in_path: bool,
    pub required: bool,
    pub description: String,
    pub kind: Kind,
}

/// A field of a request body that holds a value (not an object of fields).
#[derive(Clone, Debug)]
pub struct Field {
    /// Its names from the body's root (`["owner", "external_id"]`).
    pub path: Vec<String>,
    /// Whether a body must have it: it and every object above it are required.
    pub required: bool,
    pub description: String,
    pub kind: Kind,
}

impl Field {
    /// `owner.external_id`: the CSV column, and how errors name the field.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }
}

/// A request body: its fields, and a validator against the spec's schema.
pub struct Body {
    pub required: bool,
    pub fields: Vec<Field>,
    validator: jsonschema::Validator,
}

impl Body {
    /// Every way `body` does not fit the spec, one line each, naming the field
    /// (`owner.email: "x" is not a "email"`); empty when it fits.
    pub fn problems(&self, body: &Value) -> Vec<String> {
        let mut problems: Vec<String> = schema::errors(&self.validator, body)
            .into_iter()
            .map(|error| {
                let mut field: Vec<String> = error
                    .instance_path()
                    .as_str()
                    .split('/')
                    .skip(1)
                    .map(unescape)
                    .collect();
                if let jsonschema::error::ValidationErrorKind::Required { property } = error.kind()
                    && let Some(name) = property.as_str()
                {
                    field.push(name.to_string());
                    return format!("{}: required, and missing", field.join("."));
                }
                let place = if field.is_empty() {
                    "the body".to_string()
                } else {
                    field.join(".")
                };
                format!("{place}: {error}")
            })
            .collect();
        problems.sort();
        problems.dedup();
        problems
    }
}

/// One operation, as a command.
pub struct Command {
    pub operation: Operation,
    /// The group it is under: its first tag (`organizations`), else the first path segment.
    pub group: String,
    /// The verb: its operationId without the group's noun (`create`, `get-embed-token`).
    pub verb: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
}

/// Every operation of the client, as commands, in the order of [`Operation::ALL`]. The
/// spec is the one the client was generated from, compiled in.
pub fn commands() -> Result<Vec<Command>, String> {
    let spec = Spec::parse(SPEC_PATH, SPEC).map_err(|e| e.to_string())?;
    commands_of(&spec)
}

/// [`commands`] from any spec that has the client's operations.
pub fn commands_of(spec: &Spec) -> Result<Vec<Command>, String> {
    let found: BTreeMap<&str, answering_agent_spec::Operation<'_>> = spec
        .operations()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|op| Some((op.id?, op)))
        .collect();
    let mut commands = Vec::new();
    for &operation in Operation::ALL {
        let Some(model) = found.get(operation.id()) else {
            return Err(format!(
                "{SPEC_PATH}: no operation `{}`, which the client has; rebuild after `cargo xtask gen`",
                operation.id()
            ));
        };
        commands.push(command(spec, operation, model)?);
    }
    name_verbs_uniquely(&mut commands);
    Ok(commands)
}

fn command(
    spec: &Spec,
    operation: Operation,
    model: &answering_agent_spec::Operation<'_>,
) -> Result<Command, String> {
    let text = |key: &str| model.text(key).unwrap_or("").to_string();
    let path_group = Some(model.resource()).filter(|r| !r.is_empty());
    let group = model
        .tags()
        .first()
        .copied()
        .or(path_group)
        .unwrap_or("api")
        .to_string();
    let verb = verb(operation.id(), &group);
    let parameters = model
        .parameters
        .iter()
        // Headers and cookies: the client sets what it needs.
        .filter(|p| !p.name.is_empty() && matches!(p.location, "path" | "query"))
        .map(|parameter| {
            let schema = parameter.schema().map_or(&Value::Null, |s| {
                schema::deref(&spec.value, s.value, &s.pointer).0
            });
            Parameter {
                name: parameter.name.to_string(),
                in_path: parameter.location == "path",
                required: parameter.required,
                description: one_line(parameter.node.value.get("description")),
                kind: Kind::of(schema),
            }
        })
        .collect();
    let body = model.request_body.as_ref().map(|request| {
        let error = |message: String| spec.error(&request.pointer, message).to_string();
        let body_schema = request
            .json_schema()
            .ok_or_else(|| error("the request body has no application/json schema".into()))?;
        let mut fields = Vec::new();
        flatten(
            &spec.value,
            body_schema.value,
            &mut Vec::new(),
            true,
            &mut fields,
        );
        let validator =
            schema::validator(&spec.value, body_schema.value, Direction::Request, false)
                .map_err(|e| error(e.to_string()))?;
        Ok::<_, String>(Body {
            required: request.value.get("required") == Some(&Value::Bool(true)),
            fields,
            validator,
        })
    });
    Ok(Command {
        operation,
        group,
        verb,
        summary: text("summary"),
        description: text("description"),
        parameters,
        body: body.transpose()?,
    })
}

/// The leaf fields of an object schema, depth first, in the spec's order; `path` leads to
/// `node`, so its length is the depth.
fn flatten(
    spec: &Value,
    node: &Value,
    path: &mut Vec<String>,
    required: bool,
    out: &mut Vec<Field>,
) {
    let (node, _) = schema::deref(spec, node, "");
    let properties = node.get("properties").and_then(Value::as_object);
    match properties {
        Some(properties) if path.len() < 8 => {
            for (name, property) in properties {
                let (property, _) = schema::deref(spec, property, "");
                if property.get("readOnly") == Some(&Value::Bool(true)) {
                    continue;
                }
                path.push(name.clone());
                let required = required && schema::requires(spec, node, name);
                flatten(spec, property, path, required, out);
                path.pop();
            }
        }
        _ if !path.is_empty() => out.push(Field {
            path: path.clone(),
            required,
            description: one_line(node.get("description")),
            kind: Kind::of(node),
        }),
        _ => {}
    }
}

/// `createOrganization` in group `organizations` is `create`; `getEmbedToken` in
/// `embed-tokens` is `get`; an operationId without the group's noun stays whole, in
/// kebab case (`generate-embed-token` in `users`).
fn verb(operation_id: &str, group: &str) -> String {
    let words = kebab_words(operation_id);
    let plural: Vec<String> = group.split(['-', '_']).map(str::to_lowercase).collect();
    let singular: Vec<String> = plural
        .iter()
        .map(|w| w.strip_suffix('s').unwrap_or(w).to_string())
        .collect();
    for noun in [&plural, &singular] {
        if noun.is_empty() || noun.len() >= words.len() {
            continue;
        }
        if let Some(start) =
            (0..=words.len() - noun.len()).find(|&i| words[i..i + noun.len()] == noun[..])
        {
            let mut rest = words.clone();
            rest.drain(start..start + noun.len());
            return rest.join("-");
        }
    }
    words.join("-")
}

/// When two operations of a group would have the same verb, both keep their whole
/// operationId instead.
fn name_verbs_uniquely(commands: &mut [Command]) {
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for command in commands.iter() {
        *seen
            .entry((command.group.clone(), command.verb.clone()))
            .or_default() += 1;
    }
    for command in commands.iter_mut() {
        if seen[&(command.group.clone(), command.verb.clone())] > 1 {
            command.verb = kebab_words(command.operation.id()).join("-");
        }
    }
}

/// The words of an operationId, lower case (`getEmbedToken` -> get, embed, token).
fn kebab_words(id: &str) -> Vec<String> {
    heck::ToKebabCase::to_kebab_case(id)
        .split('-')
        .map(str::to_string)
        .collect()
}

fn one_line(text: Option<&Value>) -> String {
    text.and_then(Value::as_str)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sets `value` at a field's place in `body`, creating the objects above it.
pub fn set(body: &mut Map<String, Value>, path: &[String], value: Value) {
    let Some((last, above)) = path.split_last() else {
        return;
    };
    let mut node = body;
    for name in above {
        let entry = node
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        node = entry.as_object_mut().expect("made an object above");
    }
    node.insert(last.clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_drop_the_groups_noun() {
        assert_eq!(verb("createOrganization", "organizations"), "create");
        assert_eq!(verb("listOrganizations", "organizations"), "list");
        assert_eq!(verb("getEmbedToken", "embed-tokens"), "get");
        assert_eq!(verb("generateEmbedToken", "users"), "generate-embed-token");
        assert_eq!(verb("organizations", "organizations"), "organizations");
    }

    #[test]
    fn every_operation_is_a_command_with_a_unique_name() {
        let commands = commands().unwrap();
        assert_eq!(commands.len(), Operation::ALL.len());
        let mut names: Vec<(String, String)> = commands
            .iter()
            .map(|c| (c.group.clone(), c.verb.clone()))
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), commands.len());
    }

    #[test]
    fn the_create_body_is_fields_with_dots() {
        let commands = commands().unwrap();
        let create = commands
            .iter()
            .find(|c| c.group == "organizations" && c.verb == "create")
            .unwrap();
        let body = create.body.as_ref().unwrap();
        let names: Vec<String> = body.fields.iter().map(Field::dotted).collect();
        assert!(
            names.contains(&"owner.external_id".to_string()),
            "{names:?}"
        );
        let email = body
            .fields
            .iter()
            .find(|f| f.dotted() == "owner.email")
            .unwrap();
        assert!(email.required);
        let problems =
            body.problems(&serde_json::json!({"name": "A", "owner": {"external_id": "x"}}));
        assert_eq!(problems, ["owner.email: required, and missing"]);
    }
}
