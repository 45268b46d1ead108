//! `cargo xtask record <operationId> [--param NAME=VALUE] [--body FILE] [--name CASE]`: call
//! the real API and keep its answer as a new example, with personal data redacted and no
//! secret in it. What is redacted, and how, is read from the spec (`x-secret`, `x-redact`).
//!
//! The key comes from `ANSWERING_AGENT_API_KEY` and goes out only as the `X-API-KEY` header:
//! it is never printed, and a response that contains it (or anything shaped like a secret)
//! is refused, not written. The playground is the default; production needs `--production`.
//! Redaction follows the operation's response schema: values whose schema says
//! `x-redact: <kind>` become pseudonyms derived from the values themselves, so the same email is the same pseudonym in
//! every recording (and across a file), and a re-recording diffs cleanly. Pseudonyms hide
//! data from readers; they are not encryption (a guessed value can be checked against one).

use regex::Regex;

use serde_json::Value;
use std::path::PathBuf;

use crate::http::Caller;
use crate::workspace;
use answering_agent_spec::{Operation, Spec, pointer::escape};

/// The vendor's playground, the default of `record` and `probe`.
pub const PLAYGROUND: &str = "https://playground.answeringagent.com/api/v1";
/// Production, which `record` and `probe` call only with `--production`.
pub const PRODUCTION: &str = "https://answeringagent.com/api/v1";

/// The command line of `record`.
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction};
    clap::Command::new("record")
        .about("Call the real API and save its response as a redacted example, then verify it")
        .arg(
            Arg::new("operation")
                .required(true)
                .value_name("OPERATION_ID")
                .help("The operationId, such as createOrganization"),
        )
        .arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE")
                .help("The JSON request body to send"),
        )
        .arg(
            Arg::new("name")
                .long("name")
                .value_name("CASE")
                .help("The example's case name [default: recorded-<UTC date>]"),
        )
        .arg(
            Arg::new("production")
                .long("production")
                .action(ArgAction::SetTrue)
                .help("Call production instead of the playground"),
        )
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .help("Call this base URL instead (a mock or a proxy)"),
        )
        .arg(
            Arg::new("param")
                .long("param")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("A path parameter, such as --param external_id=cust_789 (percent-encoded as one segment)"),
        )
        .arg(
            Arg::new("force")
                .long("force")
                .action(ArgAction::SetTrue)
                .help("Replace an example file that already exists"),
        )
}

/// The kinds of pseudonym an `x-redact` extension may name.
pub const KINDS: [&str; 7] = [
    "email",
    "person",
    "organization",
    "external_id",
    "phone",
    "address",
    "text",
];

/// Every `x-redact` in the spec names a known kind; else an error with its line.
pub fn check_redaction_kinds(spec: &Spec) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    answering_agent_spec::walk(&spec.value, &mut String::new(), &mut |pointer, node| {
        if let Some(kind) = node.get("x-redact")
            && !kind.as_str().is_some_and(|k| KINDS.contains(&k))
        {
            let message = format!("`x-redact: {kind}` is not one of {}", KINDS.join(", "));
            problems.push(
                spec.error(&format!("{pointer}/x-redact"), message)
                    .to_string(),
            );
        }
    });
    anyhow::ensure!(problems.is_empty(), "{}", problems.join("\nerror: "));
    Ok(())
}

/// A stable pseudonym of `value`: the same value always gives the same one.
fn pseudonym(kind: &str, value: &str) -> String {
    let hash = crate::codegen::fingerprint::of_spec(&format!("{kind}:{value}"));
    let short = &hash[..8];
    let digits: String = hash
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .take(7)
        .collect();
    match kind {
        "email" => format!("user-{short}@example.com"),
        "person" => format!("Person {short}"),
        "organization" => format!("Organization {short}"),
        "external_id" => format!("ext_{short}"),
        "phone" => format!("+1555{digits}"),
        "address" => format!(
            "{} Example St, Springfield",
            u32::from_str_radix(&hash[..4], 16).unwrap_or(1) % 9000 + 100
        ),
        _ => format!("redacted-{short}"),
    }
}

/// Secret-shaped strings: the names only are ever printed, never what matched.
pub fn secret_patterns() -> Vec<(&'static str, Regex)> {
    [
        ("an API key (sk_...)", r"\bsk_(live|test)_[A-Za-z0-9]{8,}"),
        ("a bearer token", r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{16,}"),
        (
            "a JSON Web Token",
            r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
        ),
        ("an AWS access key", r"\bAKIA[0-9A-Z]{16}\b"),
        ("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
        (
            "a credential field",
            r#"(?i)"[a-z_]*(secret|password|api[_-]?key|token)[a-z_]*"\s*:\s*"[^"]{8,}""#,
        ),
    ]
    .into_iter()
    .map(|(name, pattern)| (name, Regex::new(pattern).expect("a valid pattern")))
    .collect()
}

/// Why a text must not be written: the key, or a secret-shaped string (by name only).
pub fn secrets_in(text: &str, key: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    if !key.is_empty() && text.contains(key) {
        found.push("the API key itself");
    }
    for (name, pattern) in secret_patterns() {
        // A value this tool redacted is a pseudonym, not a credential.
        if pattern
            .find_iter(text)
            .any(|m| !m.as_str().contains("\"redacted-"))
        {
            found.push(name);
        }
    }
    found
}

/// Runs `record` with parsed arguments; the example it wrote.
pub fn run(args: &clap::ArgMatches) -> anyhow::Result<PathBuf> {
    let root = workspace::root();
    let operation = args
        .get_one::<String>("operation")
        .expect("required")
        .clone();
    let key = std::env::var("ANSWERING_AGENT_API_KEY").ok().filter(|k| !k.trim().is_empty()).ok_or(
        anyhow::anyhow!("no API key: set ANSWERING_AGENT_API_KEY (a playground key, unless you pass --production)"),
    )?;
    let environment = std::env::var("ANSWERING_AGENT_ENVIRONMENT").unwrap_or_default();
    let base = match (
        args.get_one::<String>("base-url"),
        args.get_flag("production"),
    ) {
        (Some(url), false) => url.trim_end_matches('/').to_string(),
        (Some(_), true) => anyhow::bail!("give --base-url or --production, not both"),
        (None, true) => PRODUCTION.to_string(),
        (None, false)
            if environment.eq_ignore_ascii_case("production")
                || environment.trim_end_matches('/') == PRODUCTION =>
        {
            anyhow::bail!(
                "ANSWERING_AGENT_ENVIRONMENT says production: recording from production needs --production"
            )
        }
        (None, false) => PLAYGROUND.to_string(),
    };

    let spec = workspace::spec(&root)?;
    let operations = spec.operations()?;
    let found = find_operation(&operations, &operation)?;
    let (method, template) = (found.method.to_ascii_uppercase(), found.path);
    let parameters: Vec<&String> = args
        .get_many::<String>("param")
        .into_iter()
        .flatten()
        .collect();
    let path = fill_path(template, &parameters)?;
    let body = args
        .get_one::<String>("body")
        .map(|file| -> anyhow::Result<Value> {
            let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{file}:{}:{}: not JSON: {e}", e.line(), e.column()))
        })
        .transpose()?;
    check_redaction_kinds(&spec)?;

    println!("calling {method} {base}{path} ({operation})");
    let answer = Caller::new(&base, &key, "record")?.call(&method, &path, body.as_ref(), None)?;
    let (status, bytes) = (answer.status, answer.body);
    let mut value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "the {status} response is not JSON ({e}); nothing was written. It starts: {:?}",
            preview(&bytes, &key)
        )
    })?;
    let redacted = redact(&spec, found, status, &mut value);
    let text = serde_json::to_string_pretty(&value).expect("JSON serializes") + "\n";
    let secrets = secrets_in(&text, &key);
    anyhow::ensure!(
        secrets.is_empty(),
        "the {status} response still contains {} after redaction; nothing was written. Mark its schema `x-secret: true` (a credential) or `x-redact: <kind>` in {}.",
        secrets.join(", "),
        crate::codegen::SPEC_PATH
    );
    let case = args
        .get_one::<String>("name")
        .cloned()
        .unwrap_or_else(|| format!("recorded-{}", chrono::Utc::now().format("%Y%m%d-%H%M%S")));
    anyhow::ensure!(
        !case.is_empty()
            && case
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "the case name `{case}` must be letters, digits, `-` or `_`"
    );
    let target: PathBuf = root
        .join("openapi/examples")
        .join(&operation)
        .join(format!("{status}-{case}.json"));
    anyhow::ensure!(
        !target.exists() || args.get_flag("force"),
        "{} exists; pick another --name or pass --force",
        target.display()
    );
    std::fs::create_dir_all(target.parent().expect("a folder"))?;
    workspace::write_atomically(&target, &text)?;
    println!(
        "wrote {} ({status}, {} bytes)",
        target.strip_prefix(&root).unwrap_or(&target).display(),
        text.len()
    );
    if redacted.is_empty() {
        println!("redacted nothing (no value has an `x-secret` or `x-redact` schema)");
    } else {
        println!(
            "redacted {} value{} (the spec's `x-secret` and `x-redact`):",
            redacted.len(),
            crate::report::plural(redacted.len())
        );
        for (pointer, kind) in &redacted {
            println!("  {pointer} -> {kind} pseudonym");
        }
    }
    Ok(target)
}

/// The operation with the id `operation`.
fn find_operation<'o, 's>(
    operations: &'o [Operation<'s>],
    operation: &str,
) -> anyhow::Result<&'o Operation<'s>> {
    operations
        .iter()
        .find(|op| op.id == Some(operation))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no operation `{operation}` in {}",
                crate::codegen::SPEC_PATH
            )
        })
}

/// The path with every `{name}` filled from `NAME=VALUE` arguments, each value
/// percent-encoded as one segment (as the client does).
pub fn fill_path(template: &str, parameters: &[&String]) -> anyhow::Result<String> {
    let mut path = template.to_string();
    for parameter in parameters {
        let (name, value) = parameter
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--param {parameter}: write it as NAME=VALUE"))?;
        let placeholder = format!("{{{name}}}");
        anyhow::ensure!(
            path.contains(&placeholder),
            "--param {name}: the path {template} has no parameter `{name}`"
        );
        path = path.replace(&placeholder, &progenitor_client::encode_path(value));
    }
    if let Some((_, rest)) = path.split_once('{') {
        let name = rest.split_once('}').map_or(rest, |(name, _)| name);
        anyhow::bail!("the path {template} needs --param {name}=VALUE");
    }
    Ok(path)
}

/// What replaces a credential in a recording: fixed, never derived from the value.
pub const SECRET_PLACEHOLDER: &str = "redacted-secret";

/// Redacts a response body by the spec's response schema for this operation and status:
/// a string whose schema is marked `x-secret: true` (an embed token) becomes
/// [`SECRET_PLACEHOLDER`]; one whose schema says `x-redact: <kind>` becomes a stable
/// pseudonym of that kind. The schema decides, not the place in the body, so a `name` is a
/// person's in a user and an organization's in an organization. Returns what it replaced
/// (pointer, kind), in document order.
pub fn redact(
    spec: &Spec,
    operation: &Operation<'_>,
    status: u16,
    value: &mut Value,
) -> Vec<(String, String)> {
    let mut done = Vec::new();
    let schema = operation
        .response_for(status)
        .and_then(|response| response.node.json_schema());
    if let Some(schema) = schema {
        redact_by_schema(&spec.value, schema.value, value, "", &mut done, 0);
    }
    done
}

fn redact_by_schema(
    spec: &Value,
    schema: &Value,
    value: &mut Value,
    pointer: &str,
    done: &mut Vec<(String, String)>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let (schema, _) = answering_agent_spec::schema::deref(spec, schema, "");
    if let Value::String(text) = value {
        if schema.get("x-secret") == Some(&Value::Bool(true)) {
            *text = SECRET_PLACEHOLDER.to_string();
            done.push((pointer.to_string(), "secret".to_string()));
            return;
        }
        if let Some(kind) = schema.get("x-redact").and_then(Value::as_str) {
            *text = pseudonym(kind, text);
            done.push((pointer.to_string(), kind.to_string()));
            return;
        }
    }
    for member in answering_agent_spec::schema::composition_members(schema) {
        redact_by_schema(spec, member, value, pointer, done, depth + 1);
    }
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for (key, child) in map.iter_mut() {
                let child_schema = properties
                    .and_then(|p| p.get(key))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
                if let Some(child_schema) = child_schema {
                    let at = format!("{pointer}/{}", escape(key));
                    redact_by_schema(spec, child_schema, child, &at, done, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (index, child) in items.iter_mut().enumerate() {
                    let at = format!("{pointer}/{index}");
                    redact_by_schema(spec, item_schema, child, &at, done, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The start of a body for an error message, with the key blanked out.
fn preview(bytes: &[u8], key: &str) -> String {
    let text: String = String::from_utf8_lossy(bytes).chars().take(120).collect();
    text.replace(key, "<key>")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A small spec of its own: people and companies both have a `name`, one a person's and
    /// the other an organization's; a pass carries a credential.
    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /people:
    get:
      operationId: listPeople
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Person'}}
  /companies:
    get:
      operationId: listCompanies
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Company'}}
  /passes:
    post:
      operationId: issuePass
      responses:
        '201':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pass'}
components:
  schemas:
    Person:
      type: object
      properties:
        name: {type: string, x-redact: person}
        email: {type: string, x-redact: email}
        companies: {type: array, items: {$ref: '#/components/schemas/Company'}}
    Company:
      type: object
      properties:
        id: {type: integer}
        name: {type: string, x-redact: organization}
    Token: {type: string, x-secret: true}
    Pass:
      type: object
      properties:
        token: {$ref: '#/components/schemas/Token'}
        holder: {type: string, x-redact: external_id}
        company: {type: object, nullable: true, allOf: [{$ref: '#/components/schemas/Company'}]}
"#;

    fn redacted(operation: &str, status: u16, mut value: Value) -> (Value, Vec<(String, String)>) {
        let spec = Spec::parse("t.yaml", SPEC).unwrap();
        let operations = spec.operations().unwrap();
        let found = find_operation(&operations, operation).unwrap();
        let done = redact(&spec, found, status, &mut value);
        (value, done)
    }

    #[test]
    fn the_schema_decides_what_a_name_is() {
        let (people, done) = redacted(
            "listPeople",
            200,
            json!([{"name": "Maria Rossi", "email": "maria@pizzapalace.example", "companies": [{"id": 7, "name": "Pizza Palace"}]}]),
        );
        let (companies, _) = redacted(
            "listCompanies",
            200,
            json!([{"id": 7, "name": "Pizza Palace"}]),
        );
        assert!(
            people[0]["name"].as_str().unwrap().starts_with("Person "),
            "{people}"
        );
        assert!(
            companies[0]["name"]
                .as_str()
                .unwrap()
                .starts_with("Organization "),
            "{companies}"
        );
        assert_eq!(
            people[0]["companies"][0]["name"], companies[0]["name"],
            "one value, one pseudonym, wherever it is"
        );
        assert_eq!(
            people[0]["companies"][0]["id"], 7,
            "what no schema marks is kept"
        );
        let email = people[0]["email"].as_str().unwrap();
        assert!(
            email.starts_with("user-") && email.ends_with("@example.com"),
            "{email}"
        );
        assert_eq!(
            pseudonym("email", "maria@pizzapalace.example"),
            email,
            "the same every time"
        );
        assert_eq!(
            done,
            [
                (
                    "/0/companies/0/name".to_string(),
                    "organization".to_string()
                ),
                ("/0/email".to_string(), "email".to_string()),
                ("/0/name".to_string(), "person".to_string()),
            ]
        );
    }

    #[test]
    fn credentials_are_replaced_wherever_the_schema_puts_them() {
        let token = "Q0FOQVJZfGNhbmFyeS10b2tlbg";
        let (pass, done) = redacted(
            "issuePass",
            201,
            json!({"token": token, "holder": "cust_790", "company": {"id": 7, "name": "Pizza Palace"}}),
        );
        assert_eq!(pass["token"], SECRET_PLACEHOLDER);
        assert!(
            done.contains(&("/token".to_string(), "secret".to_string())),
            "{done:?}"
        );
        assert!(
            pass["holder"].as_str().unwrap().starts_with("ext_"),
            "{pass}"
        );
        assert!(
            pass["company"]["name"]
                .as_str()
                .unwrap()
                .starts_with("Organization "),
            "through a nullable allOf: {pass}"
        );
        assert!(secrets_in(&pass.to_string(), "sk_test_unused_1234").is_empty());
        let (none, _) = redacted("issuePass", 201, json!({"token": null, "company": null}));
        assert_eq!(
            none,
            json!({"token": null, "company": null}),
            "only strings are replaced"
        );
    }

    #[test]
    fn an_unknown_kind_is_refused_with_its_line() {
        let spec = Spec::parse(
            "t.yaml",
            &SPEC.replace("x-redact: person", "x-redact: secretive"),
        )
        .unwrap();
        let error = check_redaction_kinds(&spec).unwrap_err().to_string();
        assert!(error.contains("t.yaml:37:30:"), "{error}");
        assert!(
            error.contains("`x-redact: \"secretive\"` is not one of email, person"),
            "{error}"
        );
    }

    #[test]
    fn path_parameters_are_filled_and_encoded() {
        let external_id = "external_id=a/b c".to_string();
        assert_eq!(
            fill_path("/users/{external_id}/embed-token", &[&external_id]).unwrap(),
            "/users/a%2Fb%20c/embed-token"
        );
        assert!(
            fill_path("/users/{external_id}", &[])
                .unwrap_err()
                .to_string()
                .contains("--param external_id=VALUE")
        );
        let wrong = "id=1".to_string();
        assert!(
            fill_path("/users/{external_id}", &[&wrong])
                .unwrap_err()
                .to_string()
                .contains("has no parameter `id`")
        );
    }

    #[test]
    fn secrets_are_found_by_shape_and_not_quoted() {
        assert_eq!(
            secrets_in(r#"{"a":"sk_live_AbCdEfGhIjKlMnOp"}"#, "other"),
            vec!["an API key (sk_...)"]
        );
        assert_eq!(
            secrets_in(
                r#"{"embed_token":"MTIzNDV8ZDgyZDk3Mzg1OTAxNTkzNA"}"#,
                "sk_test_unused_1234"
            ),
            vec!["a credential field"]
        );
        assert!(
            secrets_in(
                r#"{"embed_token":"redacted-1a2b3c4d"}"#,
                "sk_test_unused_1234"
            )
            .is_empty()
        );
        assert_eq!(
            secrets_in("the key is xyz123secretvalue", "xyz123secretvalue"),
            vec!["the API key itself"]
        );
        assert!(
            secrets_in(
                include_str!("../../openapi/examples/createOrganization/201-fresh.json"),
                "sk_x"
            )
            .is_empty()
        );
    }
}
