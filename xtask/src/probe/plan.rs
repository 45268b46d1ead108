//! What the probe asks, derived from the spec alone: every operation in the order that
//! exercises the API from nothing and leaves nothing (`rest::exercise_order`), and after
//! the creates the refusals worth knowing (a missing field, a duplicate `external_id`, an
//! unknown id, a wrong key). Bodies are the spec's documented request examples, or made
//! from the schema, with every name and `external_id` carrying the run id.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use answering_agent_spec::rest::{Kind, exercise_order};
use answering_agent_spec::schema::{child, composition_members, deref};
use answering_agent_spec::{Operation, Spec};

/// Why a call is made, and so which answer the spec leads one to expect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The operation as a caller uses it: a documented 2xx.
    Exercise,
    /// A create without this required field: 422.
    MissingField(String),
    /// A create that repeats the `external_id`s of the one before: 422.
    Duplicate,
    /// A read of an id nobody has: 404.
    UnknownId,
    /// A list with a key that is not the key: 401.
    WrongKey,
}

impl Purpose {
    /// A slug for file names and reports.
    pub fn slug(&self) -> &'static str {
        match self {
            Purpose::Exercise => "exercise",
            Purpose::MissingField(_) => "missing-field",
            Purpose::Duplicate => "duplicate",
            Purpose::UnknownId => "unknown-id",
            Purpose::WrongKey => "wrong-key",
        }
    }

    /// The status a refusal should get; `None`: any documented 2xx.
    pub fn expected_status(&self) -> Option<u16> {
        match self {
            Purpose::Exercise => None,
            Purpose::MissingField(_) | Purpose::Duplicate => Some(422),
            Purpose::UnknownId => Some(404),
            Purpose::WrongKey => Some(401),
        }
    }

    /// For people: what the call checks.
    pub fn describe(&self) -> String {
        match self {
            Purpose::Exercise => "exercise".to_string(),
            Purpose::MissingField(field) => format!("without the required `{field}`"),
            Purpose::Duplicate => "the same `external_id` again".to_string(),
            Purpose::UnknownId => "an id nobody has".to_string(),
            Purpose::WrongKey => "a wrong API key".to_string(),
        }
    }
}

/// One call of the plan.
#[derive(Clone, Debug)]
pub struct Step<'o, 'a> {
    /// The operation called.
    pub operation: &'o Operation<'a>,
    /// Why.
    pub purpose: Purpose,
}

/// The calls, in order.
pub fn steps<'o, 'a>(spec: &Spec, operations: &'o [Operation<'a>]) -> Vec<Step<'o, 'a>> {
    let order = exercise_order(spec, operations);
    let mut steps = Vec::new();
    let mut refused = false;
    for operation in &order {
        if !refused && operation.kind() != Kind::Create {
            steps.extend(refusals(spec, &order));
            refused = true;
        }
        steps.push(Step {
            operation,
            purpose: Purpose::Exercise,
        });
    }
    steps
}

fn refusals<'o, 'a>(spec: &Spec, order: &[&'o Operation<'a>]) -> Vec<Step<'o, 'a>> {
    let mut steps = Vec::new();
    let mut step = |operation: &'o Operation<'a>, purpose| steps.push(Step { operation, purpose });
    for operation in order.iter().filter(|op| op.kind() == Kind::Create) {
        let Some((schema, pointer)) = body_schema(spec, operation) else {
            continue;
        };
        // The field left out is one that does not mark the record as the probe's, so that a
        // server that accepts the body anyway makes a record the cleanup can find.
        let required = required_of(spec, schema, &pointer);
        let marks = |name: &str| {
            child(&spec.value, (schema, &pointer), name, false)
                .is_some_and(|(property, _)| property.get("x-redact").is_some())
        };
        if let Some(field) = required
            .iter()
            .rev()
            .find(|name| !marks(name))
            .or(required.last())
        {
            step(operation, Purpose::MissingField(field.clone()));
        }
        if carries_external_id(spec, schema, &pointer, 0) {
            step(operation, Purpose::Duplicate);
        }
    }
    for operation in order.iter().filter(|op| op.kind() == Kind::Read) {
        step(operation, Purpose::UnknownId);
    }
    if let Some(list) = order.iter().find(|op| op.kind() == Kind::List) {
        step(list, Purpose::WrongKey);
    }
    steps
}

/// The JSON schema of an operation's request body, resolved, and its pointer.
pub fn body_schema<'a>(spec: &'a Spec, operation: &Operation<'a>) -> Option<(&'a Value, String)> {
    let node = operation.request_body.as_ref()?.json_schema()?;
    Some(deref(&spec.value, node.value, &node.pointer))
}

fn required_of(spec: &Spec, schema: &Value, pointer: &str) -> Vec<String> {
    let (schema, _) = deref(&spec.value, schema, pointer);
    let mut names: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| Some(n.as_str()?.to_string()))
        .collect();
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        names.extend(required_of(spec, member, pointer));
    }
    names
}

fn carries_external_id(spec: &Spec, schema: &Value, pointer: &str, depth: usize) -> bool {
    let (schema, pointer) = deref(&spec.value, schema, pointer);
    if depth > 8 {
        return false;
    }
    if schema.get("x-redact").and_then(Value::as_str) == Some("external_id") {
        return true;
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    properties.into_iter().flatten().any(|(name, child)| {
        let at = format!("{pointer}/properties/{name}");
        carries_external_id(spec, child, &at, depth + 1)
    }) || composition_members(schema).any(|m| carries_external_id(spec, m, &pointer, depth + 1))
}

/// What the probe has made so far, by resource: the key its item path takes.
pub type Created = BTreeMap<String, Value>;

/// Makes the values the probe sends: names and `external_id`s carry the run id, and each
/// `external_id` and email is new unless a duplicate is wanted.
pub struct Brander<'s> {
    spec: &'s Spec,
    run: &'s str,
    counter: usize,
}

impl<'s> Brander<'s> {
    /// Values for run `run`.
    pub fn new(spec: &'s Spec, run: &'s str) -> Brander<'s> {
        Brander {
            spec,
            run,
            counter: 0,
        }
    }

    /// The body of `operation`: its documented request example, else one made from its
    /// schema (the required fields, or the first field of a schema that requires none);
    /// every value whose schema says `x-redact` a name or id is the probe's, and every
    /// `x-fake-refers-to` names what `created` has.
    pub fn body(&mut self, operation: &Operation<'s>, created: &Created) -> Option<Value> {
        let node = operation.request_body.as_ref()?;
        let schema = node.json_schema()?;
        let content = node.value.pointer("/content/application~1json")?;
        let documented = content
            .get("example")
            .or_else(|| {
                content
                    .get("examples")?
                    .as_object()?
                    .values()
                    .next()?
                    .get("value")
            })
            .cloned();
        let mut body = documented.unwrap_or_else(|| self.made(schema.value, &schema.pointer, 0));
        self.brand(schema.value, &schema.pointer, &mut body, created, 0);
        Some(body)
    }

    /// A value for `schema`, from its examples, enums and formats.
    fn made(&self, schema: &Value, pointer: &str, depth: usize) -> Value {
        let (schema, pointer) = deref(&self.spec.value, schema, pointer);
        if depth > 8 {
            return Value::Null;
        }
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        if let Some(member) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .and_then(|m| m.first())
        {
            return self.made(member, &format!("{pointer}/allOf/0"), depth + 1);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") | None if schema.get("properties").is_some() => {
                let properties = schema["properties"].as_object().expect("checked");
                let mut wanted = required_of(self.spec, schema, &pointer);
                if wanted.is_empty() {
                    wanted.extend(properties.keys().next().cloned());
                }
                let mut object = Map::new();
                for name in wanted {
                    if let Some(child) = properties.get(&name) {
                        let at = format!(
                            "{pointer}/properties/{}",
                            answering_agent_spec::pointer::escape(&name)
                        );
                        object.insert(name, self.made(child, &at, depth + 1));
                    }
                }
                Value::Object(object)
            }
            Some("array") => Value::Array(Vec::new()),
            Some("integer") => Value::from(1),
            Some("number") => Value::from(1.0),
            Some("boolean") => Value::Bool(true),
            Some("string") => Value::String(match schema.get("format").and_then(Value::as_str) {
                Some("email") => format!("{}@example.com", self.run),
                Some("date-time") => "2026-01-01T00:00:00Z".to_string(),
                Some("date") => "2026-01-01".to_string(),
                _ => self.run.to_string(),
            }),
            _ => Value::Null,
        }
    }

    fn brand(
        &mut self,
        schema: &Value,
        pointer: &str,
        value: &mut Value,
        created: &Created,
        depth: usize,
    ) {
        let (schema, pointer) = deref(&self.spec.value, schema, pointer);
        if depth > 8 {
            return;
        }
        if let Some(resource) = schema.get("x-fake-refers-to").and_then(Value::as_str)
            && schema.get("properties").is_none()
            && let Some(key) = created.get(resource)
        {
            *value = key.clone();
            return;
        }
        if let (Some(kind), Value::String(text)) =
            (schema.get("x-redact").and_then(Value::as_str), &mut *value)
        {
            match kind {
                "external_id" | "email" => {
                    self.counter += 1;
                    let domain = if kind == "email" { "@example.com" } else { "" };
                    *text = format!("{}-{}{domain}", self.run, self.counter);
                }
                "organization" | "person" | "text" => *text = format!("{} {kind}", self.run),
                _ => {}
            }
            return;
        }
        for member in composition_members(schema) {
            self.brand(member, &pointer, value, created, depth + 1);
        }
        match value {
            Value::Object(object) => {
                for (name, field) in object.iter_mut() {
                    if let Some((child_schema, child_pointer)) =
                        child(&self.spec.value, (schema, &pointer), name, false)
                    {
                        self.brand(child_schema, &child_pointer, field, created, depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(items_schema) = schema.get("items") {
                    let at = format!("{pointer}/items");
                    for item in items {
                        self.brand(items_schema, &at, item, created, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// `body` with new names and `external_id`s, except the `external_id`s (and emails),
    /// which stay: a duplicate of a create that was made.
    pub fn duplicate(
        &mut self,
        operation: &Operation<'s>,
        made: &Value,
        created: &Created,
    ) -> Option<Value> {
        let mut body = self.body(operation, created)?;
        keep_external_ids(self.spec, operation, made, &mut body);
        Some(body)
    }
}

/// Copies every `external_id`-kind value of `from` into `into` (same places).
fn keep_external_ids(spec: &Spec, operation: &Operation<'_>, from: &Value, into: &mut Value) {
    fn copy(
        spec: &Spec,
        schema: &Value,
        pointer: &str,
        from: &Value,
        into: &mut Value,
        depth: usize,
    ) {
        let (schema, pointer) = deref(&spec.value, schema, pointer);
        if depth > 8 {
            return;
        }
        if schema.get("x-redact").and_then(Value::as_str) == Some("external_id") {
            *into = from.clone();
            return;
        }
        if let (Value::Object(into), Value::Object(from)) = (into, from) {
            for (name, value) in into.iter_mut() {
                if let (Some(source), Some((property, at))) = (
                    from.get(name),
                    child(&spec.value, (schema, &pointer), name, false),
                ) {
                    copy(spec, property, &at, source, value, depth + 1);
                }
            }
        }
    }
    if let Some((schema, pointer)) = body_schema(spec, operation) {
        copy(spec, schema, &pointer, from, into, 0);
    }
}

/// `body` without `field` (a missing-field refusal).
pub fn without(mut body: Value, field: &str) -> Value {
    if let Value::Object(object) = &mut body {
        object.remove(field);
    }
    body
}

/// How the probe names a resource's records in paths: the item path's parameter (`/users/
/// {external_id}`) and the record field it takes, a property of that name, else `id`.
#[derive(Clone, Debug)]
pub struct Keys {
    by_resource: BTreeMap<String, (String, Option<String>)>,
}

impl Keys {
    /// For every resource with an item path.
    pub fn of(operations: &[Operation<'_>]) -> Keys {
        let mut by_resource = BTreeMap::new();
        for operation in operations {
            if !matches!(
                operation.kind(),
                Kind::Read | Kind::Update | Kind::Replace | Kind::Delete
            ) {
                continue;
            }
            let Some(parameter) = operation
                .path
                .rsplit('/')
                .next()
                .and_then(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            else {
                continue;
            };
            let read_schema = operations
                .iter()
                .find(|op| op.resource() == operation.resource() && op.kind() == Kind::Read)
                .and_then(|read| success_schema_ref(read));
            by_resource
                .entry(operation.resource().to_string())
                .or_insert((parameter.to_string(), read_schema));
        }
        Keys { by_resource }
    }

    /// The path parameter of `resource`'s items.
    pub fn parameter(&self, resource: &str) -> Option<&str> {
        self.by_resource.get(resource).map(|(p, _)| p.as_str())
    }

    /// The key of a record shown as `record`: its field named like the parameter, else `id`.
    pub fn key_of(&self, resource: &str, record: &Value) -> Option<Value> {
        let parameter = self.parameter(resource)?;
        record
            .get(parameter)
            .or_else(|| record.get("id"))
            .filter(|k| k.is_string() || k.is_number())
            .cloned()
    }

    /// The key of what a create made: the sent body's field named like the parameter, else
    /// the record in the answer (the answer itself, or its property whose schema is the
    /// resource's).
    pub fn key_of_created(
        &self,
        spec: &Spec,
        create: &Operation<'_>,
        status: u16,
        sent: Option<&Value>,
        answer: &Value,
    ) -> Option<Value> {
        let resource = create.resource();
        let (parameter, schema_ref) = self.by_resource.get(resource)?;
        if let Some(key) = sent.and_then(|b| b.get(parameter)).filter(|k| !k.is_null()) {
            return Some(key.clone());
        }
        let answer_schema = create
            .response_for(status)
            .and_then(|r| r.node.json_schema())
            .map(|node| deref(&spec.value, node.value, &node.pointer).0);
        let nested = match (answer_schema, schema_ref) {
            (Some(schema), Some(wanted)) => schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .find(|(_, property)| refers_to(property, wanted))
                .and_then(|(name, _)| answer.get(name)),
            _ => None,
        };
        self.key_of(resource, nested.unwrap_or(answer))
    }
}

fn refers_to(schema: &Value, reference: &str) -> bool {
    schema.get("$ref").and_then(Value::as_str) == Some(reference)
        || composition_members(schema).any(|m| refers_to(m, reference))
}

/// The `$ref` of an operation's documented success body (`#/components/schemas/User`).
fn success_schema_ref(operation: &Operation<'_>) -> Option<String> {
    operation
        .responses
        .iter()
        .filter(|r| r.code().is_some_and(|c| (200..300).contains(&c)))
        .find_map(|r| {
            let schema = r.node.json_schema()?;
            schema.value.get("$ref")?.as_str().map(str::to_string)
        })
}

/// The collection a `NAME_id` parameter names: `organization_id` -> `organizations`.
pub fn resource_named_by(parameter: &str, created: &Created) -> Option<String> {
    let stem = parameter.strip_suffix("_id")?;
    created
        .keys()
        .find(|resource| resource.strip_suffix('s') == Some(stem) || resource.as_str() == stem)
        .cloned()
}

/// A key nobody has, of the type the parameter's schema gives.
pub fn unknown_key(spec: &Spec, operation: &Operation<'_>, parameter: &str, run: &str) -> Value {
    let integer = operation
        .parameters
        .iter()
        .find(|p| p.name == parameter)
        .and_then(|p| p.schema())
        .map(|s| deref(&spec.value, s.value, &s.pointer).0)
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t == "integer" || t == "number");
    if integer {
        Value::from(2_147_483_000_u64)
    } else {
        Value::String(format!("{run}-nobody"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Spec {
        Spec::parse(crate::codegen::SPEC_PATH, answering_agent_spec::SPEC).unwrap()
    }

    #[test]
    fn the_projects_plan_refuses_after_the_creates_and_deletes_last() {
        let spec = project();
        let operations = spec.operations().unwrap();
        let steps = steps(&spec, &operations);
        let creates = operations
            .iter()
            .filter(|o| o.kind() == Kind::Create)
            .count();
        assert!(
            steps[..creates]
                .iter()
                .all(|s| s.operation.kind() == Kind::Create)
        );
        let refusals: Vec<&str> = steps[creates..]
            .iter()
            .take_while(|s| s.purpose != Purpose::Exercise)
            .map(|s| s.purpose.slug())
            .collect();
        // Organizations (missing field, duplicate owner), locations (missing field), users
        // (missing field, duplicate), three unknown ids, one wrong key.
        assert_eq!(
            refusals,
            [
                "missing-field",
                "duplicate",
                "missing-field",
                "missing-field",
                "duplicate",
                "unknown-id",
                "unknown-id",
                "unknown-id",
                "wrong-key"
            ]
        );
        assert_eq!(steps.last().unwrap().operation.kind(), Kind::Delete);
        let exercised = steps
            .iter()
            .filter(|s| s.purpose == Purpose::Exercise)
            .count();
        assert_eq!(exercised, operations.len());
    }

    #[test]
    fn bodies_carry_the_run_id_and_what_was_created() {
        let spec = project();
        let operations = spec.operations().unwrap();
        let create = |resource: &str| {
            operations
                .iter()
                .find(|o| o.kind() == Kind::Create && o.resource() == resource)
                .unwrap()
        };
        let mut brander = Brander::new(&spec, "probe-x");
        let created = Created::from([("organizations".to_string(), Value::from(7))]);
        let organization = brander.body(create("organizations"), &created).unwrap();
        assert_eq!(organization["name"], "probe-x organization");
        let owner = &organization["owner"];
        assert!(
            owner["external_id"]
                .as_str()
                .unwrap()
                .starts_with("probe-x-"),
            "{owner}"
        );
        assert!(
            owner["email"].as_str().unwrap().ends_with("@example.com"),
            "{owner}"
        );
        assert!(
            owner["email"].as_str().unwrap().starts_with("probe-x-"),
            "{owner}"
        );
        let location = brander.body(create("locations"), &created).unwrap();
        assert_eq!(location["organization_id"], 7, "{location}");
        assert_eq!(location["name"], "probe-x text", "{location}");
        let again = brander
            .duplicate(create("organizations"), &organization, &created)
            .unwrap();
        assert_eq!(again["owner"]["external_id"], owner["external_id"]);
        assert_ne!(again["owner"]["email"], organization["owner"]["email"]);
    }
}
