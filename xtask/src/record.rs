//! `cargo xtask record <operationId> --body FILE [--name CASE]`: call the real API and keep
//! its answer as a new example, with personal data redacted and no secret in it.
//!
//! The key comes from `ANSWERING_AGENT_API_KEY` and goes out only as the `X-API-KEY` header:
//! it is never printed, and a response that contains it (or anything shaped like a secret)
//! is refused, not written. The playground is the default; production needs `--production`.
//! Redaction replaces the values at the paths in `openapi/examples/redact.toml` by
//! pseudonyms derived from the values themselves, so the same email is the same pseudonym in
//! every recording (and across a file), and a re-recording diffs cleanly. Pseudonyms hide
//! data from readers; they are not encryption (a guessed value can be checked against one).

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

use crate::codegen::spec::{Spec, escape};
use crate::workspace;

/// The redaction rules, relative to the workspace root.
pub const REDACT_PATH: &str = "openapi/examples/redact.toml";

const PLAYGROUND: &str = "https://playground.answeringagent.com/api/v1";
const PRODUCTION: &str = "https://answeringagent.com/api/v1";

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
            Arg::new("force")
                .long("force")
                .action(ArgAction::SetTrue)
                .help("Replace an example file that already exists"),
        )
}

/// A redaction rule: a JSON path pattern (`*` one segment, `**` any number) and the kind of
/// pseudonym that replaces the value.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// `/**/email`, `/organization/name`.
    pub path: String,
    /// `email`, `person`, `organization`, `external_id`, `phone`, `address`, `text`.
    pub with: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rules {
    redact: Vec<Rule>,
}

/// Loads the redaction rules.
pub fn load_rules(path: &Path) -> Result<Vec<Rule>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("error: {}: {e}", path.display()))?;
    let rules: Rules =
        toml::from_str(&text).map_err(|e| format!("error: {}: {}", path.display(), e.message()))?;
    for rule in &rules.redact {
        if ![
            "email",
            "person",
            "organization",
            "external_id",
            "phone",
            "address",
            "text",
        ]
        .contains(&rule.with.as_str())
        {
            return Err(format!(
                "error: {}: unknown pseudonym kind `{}` for {}",
                path.display(),
                rule.with,
                rule.path
            ));
        }
    }
    Ok(rules.redact)
}

/// Replaces every value at a rule's path by its pseudonym; returns what it replaced
/// (pointer, kind), in document order.
pub fn redact(value: &mut Value, rules: &[Rule]) -> Vec<(String, String)> {
    let mut done = Vec::new();
    walk(value, &mut Vec::new(), rules, &mut done);
    done
}

fn walk(
    value: &mut Value,
    path: &mut Vec<String>,
    rules: &[Rule],
    done: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                path.push(key.clone());
                walk(child, path, rules, done);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                walk(child, path, rules, done);
                path.pop();
            }
        }
        Value::String(text) => {
            if let Some(rule) = rules.iter().find(|rule| matches(&rule.path, path)) {
                *text = pseudonym(&rule.with, text);
                let pointer: String = path.iter().map(|s| format!("/{}", escape(s))).collect();
                done.push((pointer, rule.with.clone()));
            }
        }
        _ => {}
    }
}

/// Whether a path pattern (`/**/email`) matches a path.
fn matches(pattern: &str, path: &[String]) -> bool {
    fn go(pattern: &[&str], path: &[String]) -> bool {
        match (pattern.first(), path.first()) {
            (None, None) => true,
            (Some(&"**"), _) => {
                go(&pattern[1..], path) || (!path.is_empty() && go(pattern, &path[1..]))
            }
            (Some(p), Some(s)) if *p == "*" || p == s => go(&pattern[1..], &path[1..]),
            _ => false,
        }
    }
    let pattern: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    go(&pattern, path)
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
pub fn run(args: &clap::ArgMatches) -> Result<PathBuf, String> {
    let root = workspace::root();
    let operation = args
        .get_one::<String>("operation")
        .expect("required")
        .clone();
    let key = std::env::var("ANSWERING_AGENT_API_KEY").ok().filter(|k| !k.trim().is_empty()).ok_or(
        "error: no API key: set ANSWERING_AGENT_API_KEY (a playground key, unless you pass --production)",
    )?;
    let environment = std::env::var("ANSWERING_AGENT_ENVIRONMENT").unwrap_or_default();
    let base = match (
        args.get_one::<String>("base-url"),
        args.get_flag("production"),
    ) {
        (Some(url), false) => url.trim_end_matches('/').to_string(),
        (Some(_), true) => {
            return Err("error: give --base-url or --production, not both".to_string());
        }
        (None, true) => PRODUCTION.to_string(),
        (None, false)
            if environment.eq_ignore_ascii_case("production")
                || environment.trim_end_matches('/') == PRODUCTION =>
        {
            return Err("error: ANSWERING_AGENT_ENVIRONMENT says production: recording from production needs --production".to_string());
        }
        (None, false) => PLAYGROUND.to_string(),
    };

    let spec_text = workspace::read(&root.join(crate::codegen::SPEC_PATH))?;
    let spec =
        Spec::parse(crate::codegen::SPEC_PATH, &spec_text).map_err(|e| format!("error: {e}"))?;
    let (method, path) = find_operation(&spec, &operation)?;
    let body = match args.get_one::<String>("body") {
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| format!("error: {file}: {e}"))?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("error: {file}:{}:{}: not JSON: {e}", e.line(), e.column()))?;
            Some(value)
        }
        None => None,
    };
    let rules = load_rules(&root.join(REDACT_PATH))?;

    println!("calling {method} {base}{path} ({operation})");
    let (status, bytes) = call(&base, &method, &path, &key, body.as_ref())?;
    let mut value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "error: the {status} response is not JSON ({e}); nothing was written. It starts: {:?}",
            preview(&bytes, &key)
        )
    })?;
    let redacted = redact(&mut value, &rules);
    let text = serde_json::to_string_pretty(&value).expect("JSON serializes") + "\n";
    let secrets = secrets_in(&text, &key);
    if !secrets.is_empty() {
        return Err(format!(
            "error: the {status} response still contains {} after redaction; nothing was written. Add its path to {REDACT_PATH}.",
            secrets.join(", ")
        ));
    }
    let case = args
        .get_one::<String>("name")
        .cloned()
        .unwrap_or_else(|| format!("recorded-{}", chrono::Utc::now().format("%Y%m%d-%H%M%S")));
    if case.is_empty()
        || !case
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "error: the case name `{case}` must be letters, digits, `-` or `_`"
        ));
    }
    let target: PathBuf = root
        .join("openapi/examples")
        .join(&operation)
        .join(format!("{status}-{case}.json"));
    if target.exists() && !args.get_flag("force") {
        return Err(format!(
            "error: {} exists; pick another --name or pass --force",
            target.display()
        ));
    }
    std::fs::create_dir_all(target.parent().expect("a folder"))
        .map_err(|e| format!("error: {e}"))?;
    workspace::write_atomically(&target, &text)?;
    println!(
        "wrote {} ({status}, {} bytes)",
        target.strip_prefix(&root).unwrap_or(&target).display(),
        text.len()
    );
    if redacted.is_empty() {
        println!("redacted nothing (no value matched {REDACT_PATH})");
    } else {
        println!(
            "redacted {} value{} ({REDACT_PATH}):",
            redacted.len(),
            if redacted.len() == 1 { "" } else { "s" }
        );
        for (pointer, kind) in &redacted {
            println!("  {pointer} -> {kind} pseudonym");
        }
    }
    Ok(target)
}

/// The method and path of an operation; path parameters are not filled in yet.
fn find_operation(spec: &Spec, operation: &str) -> Result<(String, String), String> {
    for (path, item) in spec
        .get("/paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (method, details) in item.as_object().into_iter().flatten() {
            if details.get("operationId").and_then(Value::as_str) == Some(operation) {
                if path.contains('{') {
                    return Err(format!(
                        "error: {operation} has path parameters ({path}); record does not fill them in yet"
                    ));
                }
                return Ok((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    Err(format!(
        "error: no operation `{operation}` in {}",
        crate::codegen::SPEC_PATH
    ))
}

/// Sends the request; the status and the raw body. The key goes out as a sensitive header.
fn call(
    base: &str,
    method: &str,
    path: &str,
    key: &str,
    body: Option<&Value>,
) -> Result<(u16, Vec<u8>), String> {
    // A CLI may install the process-wide provider; reqwest is built without one here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("error: {e}"))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "answering-agent-xtask-record/",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| format!("error: cannot build the HTTP client: {e}"))?;
        let method =
            reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| format!("error: {e}"))?;
        let mut key_header = reqwest::header::HeaderValue::from_str(key)
            .map_err(|_| "error: the API key cannot be sent as a header".to_string())?;
        key_header.set_sensitive(true);
        let mut request = client
            .request(method, format!("{base}{path}"))
            .header("x-api-key", key_header)
            .header("accept", "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        // reqwest's errors name the URL, never the headers.
        let response = request
            .send()
            .await
            .map_err(|e| format!("error: the request failed: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("error: reading the response failed: {e}"))?;
        Ok((status, bytes.to_vec()))
    })
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

    fn rules() -> Vec<Rule> {
        vec![
            Rule {
                path: "/**/email".into(),
                with: "email".into(),
            },
            Rule {
                path: "/owner/name".into(),
                with: "person".into(),
            },
            Rule {
                path: "/organization/users/*/name".into(),
                with: "person".into(),
            },
        ]
    }

    #[test]
    fn patterns() {
        let path = |p: &str| p.split('/').skip(1).map(str::to_string).collect::<Vec<_>>();
        assert!(matches("/**/email", &path("/owner/email")));
        assert!(matches("/**/email", &path("/organization/users/0/email")));
        assert!(matches("/**/email", &path("/email")));
        assert!(!matches("/**/email", &path("/owner/emails")));
        assert!(matches(
            "/organization/users/*/name",
            &path("/organization/users/3/name")
        ));
        assert!(!matches(
            "/organization/users/*/name",
            &path("/organization/name")
        ));
    }

    #[test]
    fn redaction_is_deterministic_and_consistent() {
        let mut value = json!({
            "owner": {"email": "maria@pizzapalace.example", "name": "Maria Rossi"},
            "organization": {"name": "Pizza Palace", "users": [{"email": "maria@pizzapalace.example", "name": "Maria Rossi"}]}
        });
        let done = redact(&mut value, &rules());
        assert_eq!(done.len(), 4);
        assert_eq!(
            value["owner"]["email"],
            value["organization"]["users"][0]["email"]
        );
        assert_eq!(
            value["owner"]["name"],
            value["organization"]["users"][0]["name"]
        );
        assert_eq!(
            value["organization"]["name"], "Pizza Palace",
            "not configured, not touched"
        );
        let email = value["owner"]["email"].as_str().unwrap();
        assert!(
            email.starts_with("user-") && email.ends_with("@example.com"),
            "{email}"
        );
        assert_eq!(
            pseudonym("email", "maria@pizzapalace.example"),
            email,
            "the same every time"
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
