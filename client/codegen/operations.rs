//! THE model of an operation, and everything generated from it beside progenitor's client.
//!
//! [`model`] reads every operation of the spec once: its id, method, path, docs, and the
//! policy extensions (`x-idempotent`, `x-if-outcome-unknown`, `x-vendor-docs`). From that
//! model and progenitor's generated builders, [`source`] writes `client/operations.rs`: the
//! `Operation` enum (whose exhaustive `match`es are the retry policy: a new operation cannot
//! lack one) and one builder per operation whose `send` returns this crate's `Error`.
//! [`readme_table`] writes the README's table of operations. So adding an operation to the
//! spec is all it takes; no hand-written file names one.

use serde_json::Value;
use syn::{ImplItem, Item, ReturnType, Type};

use answering_agent_spec::{Spec, SpecError};

/// Whether an operation may be sent twice. Mirrors `answering_agent::retry::Idempotency`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// Changes nothing (GET, HEAD, OPTIONS, TRACE; RFC 9110 "safe").
    Safe,
    /// Changes something, but twice is the same as once (PUT, DELETE; RFC 9110 "idempotent").
    Idempotent,
    /// Twice may do it twice (POST, PATCH).
    NotIdempotent,
}

impl Idempotency {
    /// What the HTTP method implies (RFC 9110, 9.2.1 and 9.2.2; RFC 5789 for PATCH).
    fn of_method(method: &str) -> Idempotency {
        match method {
            "get" | "head" | "options" | "trace" => Idempotency::Safe,
            "put" | "delete" => Idempotency::Idempotent,
            _ => Idempotency::NotIdempotent,
        }
    }

    fn variant(self) -> &'static str {
        match self {
            Idempotency::Safe => "Safe",
            Idempotency::Idempotent => "Idempotent",
            Idempotency::NotIdempotent => "NotIdempotent",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Idempotency::Safe => "safe",
            Idempotency::Idempotent => "idempotent",
            Idempotency::NotIdempotent => "not idempotent",
        }
    }
}

/// One operation of the spec, as every generated piece sees it.
#[derive(Clone, Debug)]
pub struct OperationModel {
    /// The operationId (`createOrganization`).
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template (`/organizations/{organization_id}`).
    pub path: String,
    /// The JSON pointer of the operation object.
    pub pointer: String,
    /// The one-line summary.
    pub summary: String,
    /// The longer description.
    pub description: String,
    /// Whether it may be sent twice.
    pub idempotency: Idempotency,
    /// Whether `x-idempotent` overrode what the method implies.
    pub idempotency_overridden: bool,
    /// How a caller finds out whether it took effect (`x-if-outcome-unknown`).
    pub if_outcome_unknown: Option<String>,
    /// What the vendor documents of it (`x-vendor-docs`).
    pub vendor_docs: Option<String>,
    /// Its parameters, merged as OpenAPI says (the path item's and its own).
    pub parameters: Vec<ParameterDoc>,
    /// Whether the spec requires a request body.
    pub body_required: bool,
}

/// What the generated docs say of a parameter.
#[derive(Clone, Debug)]
pub struct ParameterDoc {
    /// Its name in the spec.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Its description, on one line.
    pub description: String,
    /// Whether the spec requires it (a path parameter always is).
    pub required: bool,
}

impl OperationModel {
    /// The parameter a builder setter sets (progenitor names setters in snake case).
    pub fn parameter_of_setter(&self, setter: &str) -> Option<&ParameterDoc> {
        self.parameters.iter().find(|p| snake(&p.name) == setter)
    }

    /// The enum variant and builder name progenitor also uses (`CreateOrganization`).
    pub fn type_name(&self) -> String {
        super::type_name(&self.id)
    }
}

/// Every operation of the spec, by tag (in the order of the spec's `tags`), path and method,
/// or every problem with their policy extensions.
pub fn model(spec: &Spec) -> Result<Vec<OperationModel>, Vec<SpecError>> {
    let mut operations = Vec::new();
    let mut errors = Vec::new();
    let mut found = spec.operations().map_err(|e| vec![e])?;
    // By path, then method (stable: the spec model lists a path's methods in OpenAPI's order).
    found.sort_by(|a, b| a.path.cmp(b.path));
    for operation in found {
        let Some(id) = operation.id else {
            continue; // lint.rs reports it
        };
        let (method, pointer) = (operation.method, &operation.node.pointer);
        let text = |key: &str| operation.text(key).map(str::to_string);
        let mut idempotency = Idempotency::of_method(method);
        let mut idempotency_overridden = false;
        match operation.get("x-idempotent") {
            None => {}
            Some(Value::Bool(flag)) => {
                let wanted = match (*flag, idempotency) {
                    (true, Idempotency::Safe) => Idempotency::Safe,
                    (true, _) => Idempotency::Idempotent,
                    (false, _) => Idempotency::NotIdempotent,
                };
                idempotency_overridden = wanted != idempotency;
                idempotency = wanted;
            }
            Some(other) => errors.push(spec.error(
                &format!("{pointer}/x-idempotent"),
                format!("operation `{id}`: `x-idempotent` must be true or false, not {other}"),
            )),
        }
        let if_outcome_unknown = text("x-if-outcome-unknown").map(|s| one_line(&s));
        if idempotency == Idempotency::NotIdempotent && if_outcome_unknown.is_none() {
            errors.push(spec.error(
                pointer,
                format!(
                    "operation `{id}` is not idempotent ({}) but has no `x-if-outcome-unknown`: \
                     say how a caller finds out whether it took effect after a timeout or a 502 \
                     (or mark it `x-idempotent: true` and say why in its description)",
                    method.to_uppercase()
                ),
            ));
        }
        operations.push(OperationModel {
            id: id.to_string(),
            method: method.to_uppercase(),
            path: operation.path.to_string(),
            pointer: pointer.clone(),
            summary: text("summary").unwrap_or_default(),
            description: text("description").unwrap_or_default(),
            idempotency,
            idempotency_overridden,
            if_outcome_unknown,
            vendor_docs: text("x-vendor-docs").map(|s| one_line(&s)),
            parameters: operation
                .parameters
                .iter()
                .map(|p| ParameterDoc {
                    name: p.name.to_string(),
                    location: p.location.to_string(),
                    description: p.node.text("description").map(one_line).unwrap_or_default(),
                    required: p.required,
                })
                .collect(),
            body_required: operation
                .request_body
                .as_ref()
                .is_some_and(|body| body.value.get("required") == Some(&Value::Bool(true))),
        });
    }
    // In the order of the spec's tags (the vendor's order: organizations, users, embed
    // tokens, locations), then path, then method; stable, so the order within a tag stays.
    let tags: Vec<&str> = spec
        .get("/tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| tag.get("name")?.as_str())
        .collect();
    let tag_rank = |op: &OperationModel| {
        spec.get(&format!("{}/tags/0", op.pointer))
            .and_then(Value::as_str)
            .and_then(|tag| tags.iter().position(|t| *t == tag))
            .unwrap_or(tags.len())
    };
    operations.sort_by_key(|op| tag_rank(op));
    if errors.is_empty() {
        Ok(operations)
    } else {
        Err(errors)
    }
}

/// `The id` -> `the id`, for a description after a colon; `URL` stays `URL`.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            format!("{}{}", first.to_lowercase(), &text[first.len_utf8()..])
        }
        _ => text.to_string(),
    }
}

/// The names of the component schemas marked `x-secret: true`.
pub fn secret_schemas(spec: &Spec) -> Vec<String> {
    spec.get("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, schema)| schema.get("x-secret") == Some(&Value::Bool(true)))
        .map(|(name, _)| name.clone())
        .collect()
}

/// What progenitor generated for one operation: the client method and its builder.
struct GeneratedOperation {
    method: syn::Ident,
    builder: syn::Ident,
    setters: Vec<syn::ImplItemFn>,
    success: Type,
}

/// The source of `client/operations.rs` (without the header) for the operations and the
/// progenitor-generated client they were generated into.
pub fn source(
    spec: &Spec,
    operations: &[OperationModel],
    generated: &syn::File,
) -> Result<String, Vec<SpecError>> {
    let mut out = String::new();
    out.push_str(
        "// Every operation of the spec: the `Operation` enum (with its retry policy) and one\n\
         // builder per operation, around progenitor's, whose `send` returns this crate's\n\
         // `Error`. Generated from the spec by client/codegen/operations.rs.\n\n\
         use crate::client::Client;\n\
         use crate::error::Error;\n\
         use crate::generated;\n\
         use crate::json_call;\n\
         use crate::options::CallOptions;\n\
         use crate::response::Response;\n\
         use crate::retry::{Idempotency, RetryPolicy};\n\
         #[allow(unused_imports)]\n\
         use crate::types;\n\n",
    );
    // The enum.
    out.push_str(
        "/// Every operation of the API, one variant each. Its methods are the operation's\n\
         /// retry policy and identity; they are exhaustive `match`es, so no operation lacks one.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n\
         #[non_exhaustive]\n\
         pub enum Operation {\n",
    );
    for op in operations {
        out.push_str(&format!(
            "    /// `{} {}`: {}\n    {},\n",
            op.method,
            op.path,
            doc_escape(&op.summary),
            op.type_name()
        ));
    }
    out.push_str("}\n\nimpl Operation {\n");
    out.push_str("    /// Every operation, in the order of the spec's tags, then paths.\n    pub const ALL: &'static [Operation] = &[\n");
    for op in operations {
        out.push_str(&format!("        Operation::{},\n", op.type_name()));
    }
    out.push_str("    ];\n\n");
    let arms = |f: &dyn Fn(&OperationModel) -> String| -> String {
        operations
            .iter()
            .map(|op| format!("            Operation::{} => {},\n", op.type_name(), f(op)))
            .collect()
    };
    /// One generated `const fn`: its doc, name, return type, and each operation's value.
    type Accessor<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a dyn Fn(&OperationModel) -> String,
    );
    let methods: [Accessor; 5] = [
        (
            "The spec's operationId (`createOrganization`).",
            "id",
            "&'static str",
            &|op| format!("{:?}", op.id),
        ),
        (
            "The HTTP method (`POST`).",
            "method",
            "&'static str",
            &|op| format!("{:?}", op.method),
        ),
        (
            "The path template, under the environment's base URL (`/organizations`).",
            "path",
            "&'static str",
            &|op| format!("{:?}", op.path),
        ),
        (
            "Whether it may be sent twice: what the HTTP method implies, unless the spec's\n    /// `x-idempotent` says otherwise. It decides which failures are retried.",
            "idempotency",
            "Idempotency",
            &|op| format!("Idempotency::{}", op.idempotency.variant()),
        ),
        (
            "For an operation that is not idempotent: how to find out whether it took effect\n    /// after [`Error::OutcomeUnknown`] (the spec's `x-if-outcome-unknown`).",
            "if_outcome_unknown",
            "Option<&'static str>",
            &|op| match &op.if_outcome_unknown {
                Some(text) => format!("Some({text:?})"),
                None => "None".to_string(),
            },
        ),
    ];
    for (doc, name, ty, value) in methods {
        let body = if operations.is_empty() {
            "        match self {}\n".to_string()
        } else {
            format!("        match self {{\n{}        }}\n", arms(value))
        };
        out.push_str(&format!(
            "    /// {doc}\n    pub const fn {name}(self) -> {ty} {{\n{body}    }}\n\n"
        ));
    }
    out.push_str("}\n\n");
    out.push_str(
        "impl std::fmt::Display for Operation {\n\
         \x20   /// `createOrganization (POST /organizations)`.\n\
         \x20   fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n\
         \x20       write!(f, \"{} ({} {})\", self.id(), self.method(), self.path())\n\
         \x20   }\n\
         }\n",
    );

    // The builders.
    let found = generated_operations(generated);
    for op in operations {
        let Some(generated) = found
            .iter()
            .find(|g| normalize(&g.builder.to_string()) == normalize(&op.id))
        else {
            return Err(vec![spec.error(
                &op.pointer,
                format!(
                    "operation `{}`: progenitor generated no builder for it (looked for `builder::{}`)",
                    op.id,
                    op.type_name()
                ),
            )]);
        };
        if let Some(clash) = generated
            .setters
            .iter()
            .map(|setter| setter.sig.ident.to_string())
            .find(|name| CALL_OPTION_NAMES.contains(&name.as_str()))
        {
            return Err(vec![spec.error(
                &op.pointer,
                format!(
                    "operation `{}`: its parameter `{clash}` would clash with the per-call setting of that name on every builder ({}); the spec must name it otherwise",
                    op.id,
                    CALL_OPTION_NAMES.join(", ")
                ),
            )]);
        }
        out.push('\n');
        out.push_str(&builder_source(op, generated));
    }
    out.push_str(&send_json_source(operations, &found));
    Ok(out)
}

fn builder_source(op: &OperationModel, generated: &GeneratedOperation) -> String {
    let method = &generated.method;
    let builder = &generated.builder;
    let variant = op.type_name();
    let mut docs = String::new();
    let mut doc = |line: &str| {
        if line.is_empty() {
            docs.push_str("    ///\n");
        } else {
            docs.push_str(&format!("    /// {line}\n"));
        }
    };
    doc(&format!(
        "`{} {}`: {}",
        op.method,
        op.path,
        doc_escape(&op.summary)
    ));
    if !op.description.is_empty() {
        doc("");
        for line in op.description.lines() {
            doc(line.trim_end());
        }
    }
    doc("");
    let policy = match op.idempotency {
        Idempotency::Safe => {
            "Safe: retried on transport failures and on 429, 502, 503 and 504.".to_string()
        }
        Idempotency::Idempotent => format!(
            "Idempotent{}: retried on transport failures and on 429, 502, 503 and 504; a 404 \
             on a retry is [`Error::NotFoundAfterRetry`].",
            if op.idempotency_overridden {
                " (the spec's `x-idempotent`)"
            } else {
                ""
            }
        ),
        Idempotency::NotIdempotent => format!(
            "Not idempotent{}: retried only when the request provably never reached the \
             server, or on 429. A failure after it may have arrived (a timeout or reset after \
             sending, a 502 or 504) is [`Error::OutcomeUnknown`]; to find out whether it took \
             effect, {}.",
            if op.idempotency_overridden {
                " (the spec's `x-idempotent`)"
            } else {
                ""
            },
            op.if_outcome_unknown.as_deref().unwrap_or("look")
        ),
    };
    doc(&policy);
    let inputs = inputs(op, generated);
    let required: Vec<&Input> = inputs.iter().filter(|i| i.required).collect();
    if !required.is_empty() {
        doc("");
        doc("Required inputs, as arguments:");
        for input in &required {
            doc(&format!("- `{}`: {}", input.name, input.doc));
        }
    }
    // An example, compiled as a doctest: the call with its required inputs.
    let parameters: String = required
        .iter()
        .map(|input| {
            format!(
                ", {}: {}",
                input.name,
                input.ty.replace("types ::", "answering_agent::types::")
            )
        })
        .collect();
    let arguments: Vec<&str> = required.iter().map(|input| input.name.as_str()).collect();
    doc("");
    doc("```no_run");
    doc(&format!(
        "# async fn demo(client: answering_agent::Client{parameters}) -> Result<(), answering_agent::Error> {{"
    ));
    doc(&format!(
        "let answer = client.{method}({}).send().await?;",
        arguments.join(", ")
    ));
    doc("println!(\"{} in {:?}\", answer.status(), answer.elapsed());");
    doc("# Ok(()) }");
    doc("```");
    let success = tokens(&generated.success);
    let mut out = String::new();
    // The method: the required inputs as arguments, converted at once.
    let mut generics = Vec::new();
    let mut arguments = String::new();
    let mut bounds = Vec::new();
    let mut fields_init = String::new();
    for input in &inputs {
        let name = &input.name;
        match (input.required, input.body) {
            (true, true) => {
                generics.push("B");
                arguments.push_str(&format!(", {name}: B"));
                bounds.push(format!(
                    "B: std::convert::TryInto<{ty}>, <B as std::convert::TryInto<{ty}>>::Error: std::fmt::Display",
                    ty = input.ty
                ));
                fields_init.push_str(&format!(
                    "{name}: {name}.try_into().map_err(|e| format!(\"`{name}`: {{e}}\")), "
                ));
            }
            (true, false) => {
                arguments.push_str(&format!(", {name}: impl Into<{}>", input.ty));
                fields_init.push_str(&format!("{name}: {name}.into(), "));
            }
            (false, _) => fields_init.push_str(&format!("{name}: None, ")),
        }
    }
    let generics = if generics.is_empty() {
        String::new()
    } else {
        format!("<{}>", generics.join(", "))
    };
    let where_clause = if bounds.is_empty() {
        String::new()
    } else {
        format!(" where {}", bounds.join(", "))
    };
    out.push_str(&format!(
        "impl Client {{\n{docs}    pub fn {method}{generics}(&self{arguments}) -> {builder}{where_clause} {{\n\
         \x20       {builder} {{ client: self.clone(), {fields_init}options: CallOptions::default() }}\n\
         \x20   }}\n}}\n\n"
    ));
    // The builder owns what the call needs, so the call's future is `'static` and `Send`.
    let mut fields = String::new();
    for input in &inputs {
        let ty = match (input.required, input.body) {
            (true, true) => format!("Result<{}, String>", input.ty),
            (true, false) => input.ty.clone(),
            (false, true) => format!("Option<Result<{}, String>>", input.ty),
            (false, false) => format!("Option<{}>", input.ty),
        };
        fields.push_str(&format!("    {}: {ty},\n", input.name));
    }
    out.push_str(&format!(
        "/// Builder for [`Client::{method}`]: set what else it needs, then [`send`](Self::send) it.\n\
         /// It owns a clone of the client (cheap), so the call's future is `'static` and `Send`.\n\
         #[derive(Debug, Clone)]\n\
         #[must_use = \"nothing is sent until `.send().await`\"]\n\
         pub struct {builder} {{\n\
         \x20   client: Client,\n{fields}\
         \x20   options: CallOptions,\n\
         }}\n\nimpl {builder} {{\n"
    ));
    for input in inputs.iter().filter(|i| !i.required) {
        let name = &input.name;
        if input.body {
            out.push_str(&format!(
                "    /// Optional. {}\n    pub fn {name}<B>(mut self, value: B) -> Self\n\
                 \x20   where B: std::convert::TryInto<{ty}>, <B as std::convert::TryInto<{ty}>>::Error: std::fmt::Display {{\n\
                 \x20       self.{name} = Some(value.try_into().map_err(|e| format!(\"`{name}`: {{e}}\")));\n\
                 \x20       self\n\
                 \x20   }}\n\n",
                input.doc,
                ty = input.ty
            ));
        } else {
            out.push_str(&format!(
                "    /// Optional. {}\n    pub fn {name}(mut self, value: impl Into<{}>) -> Self {{\n\
                 \x20       self.{name} = Some(value.into());\n\
                 \x20       self\n\
                 \x20   }}\n\n",
                input.doc, input.ty
            ));
        }
    }
    out.push_str(CALL_OPTIONS);
    // `send`: progenitor's builder, made inside the call's future from what this one owns.
    let mut names = String::new();
    let mut apply = String::new();
    for input in &inputs {
        let name = &input.name;
        let setter = &input.setter;
        names.push_str(&format!("{name}, "));
        apply.push_str(&match (input.required, input.body) {
            (true, true) => format!(
                "            let request = request.{setter}({name}.map_err(progenitor_client::Error::InvalidRequest)?);\n"
            ),
            (true, false) => format!("            let request = request.{setter}({name});\n"),
            (false, true) => format!(
                "            let request = match {name} {{ Some(value) => request.{setter}(value.map_err(progenitor_client::Error::InvalidRequest)?), None => request }};\n"
            ),
            (false, false) => format!(
                "            let request = match {name} {{ Some(value) => request.{setter}(value), None => request }};\n"
            ),
        });
    }
    out.push_str(&format!(
        "    /// Sends the request: the response body, with its status, headers and what the\n\
         \x20   /// call cost, or this crate's [`Error`].\n\
         \x20   pub fn send(self) -> impl Future<Output = Result<Response<{success}>, Error>> + Send + 'static {{\n\
         \x20       let Self {{ client, {names}options }} = self;\n\
         \x20       Client::execute(Operation::{variant}, options, async move |call| {{\n\
         \x20           let request = generated::builder::{builder}::new(client.generated());\n{apply}\
         \x20           request.send(call).await\n\
         \x20       }})\n\
         \x20   }}\n}}\n"
    ));
    out
}

/// One input of an operation: a parameter or the body, as its builder takes it.
struct Input {
    /// The name in Rust (progenitor's setter name).
    name: String,
    /// progenitor's setter.
    setter: String,
    /// The type progenitor's setter converts to.
    ty: String,
    /// A required input is an argument of the client's method; others are setters.
    required: bool,
    /// The request body (converted with `TryInto`, which also takes a type's builder).
    body: bool,
    /// What the spec says of it.
    doc: String,
}

/// The inputs of an operation: required ones first (path parameters in the path's order,
/// then the rest, then the body), each with the type progenitor's setter converts to.
fn inputs(op: &OperationModel, generated: &GeneratedOperation) -> Vec<Input> {
    let mut inputs = Vec::new();
    for setter in &generated.setters {
        let name = setter.sig.ident.to_string();
        let Some(target) = conversion_target(&setter.sig) else {
            continue; // `body_map` takes a closure: one builder layer is enough
        };
        let body = name == "body";
        let (required, doc) = match op.parameter_of_setter(&name) {
            Some(parameter) => (
                parameter.required || parameter.location == "path",
                format!(
                    "The `{}` {} parameter: {}",
                    parameter.name,
                    parameter.location,
                    lower_first(&doc_escape(&parameter.description))
                ),
            ),
            None if body => (
                op.body_required,
                "The request body: the type, or its builder (`types::…::builder()`).".to_string(),
            ),
            None => (false, format!("Sets `{name}`.")),
        };
        inputs.push(Input {
            setter: name.clone(),
            name,
            ty: tokens(&target),
            required,
            body,
            doc,
        });
    }
    let position = |input: &Input| {
        op.path
            .find(&format!("{{{}}}", input.name))
            .unwrap_or(usize::MAX)
    };
    inputs.sort_by_key(|input| (!input.required, input.body, position(input)));
    inputs
}

/// The names of the per-call settings every builder has; a parameter of the same name
/// would clash with one (the setters every builder gets).
pub const CALL_OPTION_NAMES: [&str; 4] = ["timeout", "deadline", "retry", "header"];

/// The per-call settings of every builder, the same for each operation.
const CALL_OPTIONS: &str =
    "    /// This call's time limit for each attempt, instead of the client's
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.options.timeout(timeout);
        self
    }

    /// A time limit for the whole call: every attempt and the waits between them. When it
    /// passes, the call ends with [`Error::DeadlineExceeded`], inside
    /// [`Error::OutcomeUnknown`] for an operation that is not idempotent once an attempt
    /// has started.
    pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
        self.options.deadline(deadline);
        self
    }

    /// This call's retry policy, instead of the client's ([`RetryPolicy::none`] for one
    /// attempt). The operation's idempotency still decides which failures may be retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry(policy);
        self
    }

    /// A header for this call's every attempt. An invalid name or value, or `X-API-KEY`
    /// (the client's own), fails the call with [`Error::InvalidRequest`] before anything
    /// is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options.header(name, value);
        self
    }

";

/// `Client::send_json`: every operation called with its arguments as JSON, each argument
/// converted to the type its builder setter takes (`V: TryInto<T>`), for tools that choose
/// the operation at run time (the command-line client).
fn send_json_source(operations: &[OperationModel], found: &[GeneratedOperation]) -> String {
    let mut arms = String::new();
    for op in operations {
        let Some(generated) = found
            .iter()
            .find(|g| normalize(&g.builder.to_string()) == normalize(&op.id))
        else {
            continue; // `source` has refused the spec already
        };
        let mut required = Vec::new();
        let mut setters = String::new();
        for input in inputs(op, generated) {
            let argument = if input.body {
                "body".to_string()
            } else {
                op.parameter_of_setter(&input.name)
                    .map_or_else(|| input.name.clone(), |p| p.name.clone())
            };
            let read = format!(
                "json_call::argument::<{}>(arguments, {argument:?})?",
                input.ty
            );
            if input.required {
                required.push(format!(
                    "{read}.ok_or_else(|| Error::InvalidRequest(\"`{argument}` is required\".to_string()))?"
                ));
            } else {
                setters.push_str(&format!(
                    "                let request = match {read} {{\n\
                     \x20                   Some(value) => request.{}(value),\n\
                     \x20                   None => request,\n\
                     \x20               }};\n",
                    input.name
                ));
            }
        }
        arms.push_str(&format!(
            "            Operation::{} => {{\n\
             \x20               let request = self.{}({});\n{setters}\
             \x20               json_call::response(request.send().await?, secrets)\n\
             \x20           }}\n",
            op.type_name(),
            generated.method,
            required.join(", ")
        ));
    }
    let body = if operations.is_empty() {
        "        let _ = (arguments, secrets);\n        match operation {}\n".to_string()
    } else {
        format!("        match operation {{\n{arms}        }}\n")
    };
    format!(
        "\nimpl Client {{\n\
         \x20   /// [`Client::send_json`] and [`Client::send_json_revealing_secrets`]: `secrets`\n\
         \x20   /// says what a [`Secret`](crate::Secret) in the answer becomes.\n\
         \x20   pub(crate) async fn send_json_as(\n\
         \x20       &self,\n\
         \x20       operation: Operation,\n\
         \x20       arguments: &serde_json::Map<String, serde_json::Value>,\n\
         \x20       secrets: json_call::Secrets,\n\
         \x20   ) -> Result<Response<serde_json::Value>, Error> {{\n{body}    }}\n}}\n"
    )
}

/// `T` of a setter `fn x<V>(self, value: V) -> Self where V: TryInto<T>`.
fn conversion_target(sig: &syn::Signature) -> Option<Type> {
    let predicates = &sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
                return None;
            };
            arguments.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
        })
    })
}

/// Every operation progenitor generated: `impl Client { pub fn x(&self) -> builder::X }`
/// and the `builder::X` methods other than `new` and `send`.
fn generated_operations(file: &syn::File) -> Vec<GeneratedOperation> {
    let mut found = Vec::new();
    for item in &file.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || tokens(&block.self_ty) != "Client" {
            continue;
        }
        for member in &block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let ReturnType::Type(_, returned) = &function.sig.output else {
                continue;
            };
            let Type::Path(path) = returned.as_ref() else {
                continue;
            };
            let segments: Vec<_> = path.path.segments.iter().collect();
            if segments.len() == 2 && segments[0].ident == "builder" {
                found.push(GeneratedOperation {
                    method: function.sig.ident.clone(),
                    builder: segments[1].ident.clone(),
                    setters: Vec::new(),
                    success: syn::parse_quote!(()),
                });
            }
        }
    }
    for item in super::module(file, "builder") {
        let Item::Impl(block) = item else { continue };
        let Type::Path(path) = block.self_ty.as_ref() else {
            continue;
        };
        let Some(name) = path.path.segments.last().map(|s| s.ident.clone()) else {
            continue;
        };
        let Some(operation) = found.iter_mut().find(|g| g.builder == name) else {
            continue;
        };
        for member in &block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            match function.sig.ident.to_string().as_str() {
                "new" => {}
                "send" => {
                    if let Some(success) = success_type(&function.sig.output) {
                        operation.success = success;
                    }
                }
                _ => operation.setters.push(function.clone()),
            }
        }
    }
    found
}

/// `T` of `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, returned) = output else {
        return None;
    };
    let first_argument = |ty: &Type| -> Option<Type> {
        let Type::Path(path) = ty else { return None };
        let syn::PathArguments::AngleBracketed(arguments) = &path.path.segments.last()?.arguments
        else {
            return None;
        };
        arguments.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
    };
    first_argument(&first_argument(returned)?)
}

/// The README's table of operations, between its markers.
pub fn readme_table(operations: &[OperationModel]) -> String {
    let mut out = String::from(
        "| Method | Path | Client method | Idempotency | What the vendor documents |\n\
         |---|---|---|---|---|\n",
    );
    for op in operations {
        let idempotency = match (op.idempotency, op.idempotency_overridden) {
            (kind, true) => format!("{} (`x-idempotent`)", kind.describe()),
            (kind, false) => kind.describe().to_string(),
        };
        // The required inputs, as the method takes them (see `inputs`).
        let mut required: Vec<&ParameterDoc> = op
            .parameters
            .iter()
            .filter(|p| p.required || p.location == "path")
            .collect();
        required.sort_by_key(|p| {
            op.path
                .find(&format!("{{{}}}", p.name))
                .unwrap_or(usize::MAX)
        });
        let mut arguments: Vec<String> = required.iter().map(|p| snake(&p.name)).collect();
        if op.body_required {
            arguments.push("body".to_string());
        }
        out.push_str(&format!(
            "| {} | `{}` | `{}({})` | {} | {} |\n",
            op.method,
            op.path,
            snake(&op.id),
            arguments.join(", "),
            idempotency,
            op.vendor_docs
                .as_deref()
                .unwrap_or("not said")
                .replace('|', "\\|")
        ));
    }
    out
}

/// The README's markers around the table.
pub const README_BEGIN: &str =
    "<!-- operations: generated by `cargo xtask gen` from the spec; do not edit -->\n";
/// The end marker.
pub const README_END: &str = "<!-- end of operations -->\n";

/// `readme` with the text between the operations' markers replaced by `table`; `None`
/// without markers.
pub fn splice_readme(readme: &str, table: &str) -> Option<String> {
    splice(readme, (README_BEGIN, README_END), table)
}

/// `text` with what stands between the lines `markers` replaced by `table`; `None` when a
/// marker is missing.
pub fn splice(text: &str, markers: (&str, &str), table: &str) -> Option<String> {
    let (begin, end) = markers;
    let start = text.find(begin)? + begin.len();
    let stop = start + text[start..].find(end)?;
    Some(format!("{}{table}{}", &text[..start], &text[stop..]))
}

/// progenitor's name for an operation's method or a parameter's setter: heck's snake
/// case, as progenitor itself names them (`createOrganization` -> `create_organization`).
pub fn snake(id: &str) -> String {
    heck::ToSnakeCase::to_snake_case(id)
}

fn normalize(name: &str) -> String {
    name.to_lowercase().replace(['_', '-'], "")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text safe on one `///` line.
fn doc_escape(text: &str) -> String {
    one_line(text)
}

fn tokens(item: &impl quote::ToTokens) -> String {
    item.to_token_stream().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("makeWidget"), "make_widget");
        assert_eq!(snake("getWidgetToken"), "get_widget_token");
        assert_eq!(snake("list-widgets"), "list_widgets");
        let op = |id: &str| OperationModel {
            id: id.into(),
            method: "GET".into(),
            path: "/".into(),
            pointer: String::new(),
            summary: String::new(),
            description: String::new(),
            idempotency: Idempotency::Safe,
            idempotency_overridden: false,
            if_outcome_unknown: None,
            vendor_docs: None,
            body_required: false,
            parameters: Vec::new(),
        };
        assert_eq!(op("makeWidget").type_name(), "MakeWidget");
        assert_eq!(op("list-widgets").type_name(), "ListWidgets");
    }

    #[test]
    fn a_not_idempotent_operation_needs_a_way_to_check() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n      operationId: makeX\n      responses: {'200': {description: ok}}\n    delete:\n      operationId: dropX\n      x-idempotent: maybe\n      responses: {'200': {description: ok}}\n";
        let spec = Spec::parse("t.yaml", text).unwrap();
        let errors = model(&spec).unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(
            messages[0].contains("t.yaml:5:5")
                && messages[0]
                    .contains("`makeX` is not idempotent (POST) but has no `x-if-outcome-unknown`"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].contains("`x-idempotent` must be true or false"),
            "{}",
            messages[1]
        );
    }

    #[test]
    fn the_extension_overrides_the_method() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    patch:\n      operationId: setX\n      x-idempotent: true\n      responses: {'200': {description: ok}}\n    get:\n      operationId: getX\n      responses: {'200': {description: ok}}\n    delete:\n      operationId: dropX\n      responses: {'200': {description: ok}}\n";
        let spec = Spec::parse("t.yaml", text).unwrap();
        let ops = model(&spec).unwrap();
        let kinds: Vec<_> = ops
            .iter()
            .map(|o| (o.id.as_str(), o.idempotency, o.idempotency_overridden))
            .collect();
        assert_eq!(
            kinds,
            [
                ("getX", Idempotency::Safe, false),
                ("setX", Idempotency::Idempotent, true),
                ("dropX", Idempotency::Idempotent, false),
            ]
        );
    }
}
