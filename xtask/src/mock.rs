//! A loopback mock of the API the spec describes: `cargo xtask mock`, and the in-process
//! server `examples/create_organization.rs` starts when there is no API key.
//!
//! It checks each request against the spec the way the real server is documented (or
//! guessed) to: 404 or 405 for paths and methods the spec lacks, 401 without the API key,
//! 422 with a Laravel-style body (`message`, and `errors` keyed by field) naming every
//! invalid field of the body. A valid request gets a recorded example: the one named by
//! `Prefer: example=<case>`, else the operation's first success example.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use jsonschema::error::ValidationErrorKind;
use serde_json::{Value, json};

use crate::codegen::spec::{Spec, escape};
use crate::examples::{self, ExampleName};
use crate::schema::{self, Direction};

/// What the mock answers one request with.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
    /// Extra headers (`Allow` on a 405).
    pub headers: Vec<(String, String)>,
    /// For the log line: which example, or why it refused.
    pub note: String,
}

struct Operation {
    id: String,
    pointer: String,
}

/// One path template of the spec, split into segments (`None` for a `{parameter}`).
struct Route {
    segments: Vec<Option<String>>,
    methods: BTreeMap<String, Operation>,
}

/// The mock: routes, request validators and examples, built once from the spec.
pub struct Mock {
    spec: Spec,
    base_path: String,
    routes: Vec<Route>,
    /// operationId -> the request body validator.
    validators: BTreeMap<String, jsonschema::Validator>,
    /// operationId -> (status, case, body): the recorded ones by status and case, then
    /// the spec's.
    examples: BTreeMap<String, Vec<(u16, String, Value)>>,
    requests: AtomicU64,
}

impl Mock {
    /// A mock of the spec `text` (named `file` in errors), answering with the examples in
    /// `examples_dir` (named `<operationId>/<status>-<case>.json`) and the spec's own.
    pub fn new(file: &str, text: &str, examples_dir: Option<&Path>) -> Result<Mock, String> {
        let spec = Spec::parse(file, text).map_err(|e| format!("error: {e}"))?;
        spec.check_openapi_30().map_err(|e| format!("error: {e}"))?;
        let base_path = spec
            .get("/servers/0/url")
            .and_then(Value::as_str)
            .and_then(|url| reqwest::Url::parse(url).ok())
            .map(|url| url.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        let mut routes = Vec::new();
        let mut validators = BTreeMap::new();
        for (path, item) in spec
            .get("/paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let mut methods = BTreeMap::new();
            for (method, operation) in item.as_object().into_iter().flatten() {
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let pointer = format!("/paths/{}/{method}", escape(path));
                let schema = format!("{pointer}/requestBody");
                if let Ok((_, body)) = spec.resolve(&schema) {
                    let schema_pointer = format!("{body}/content/application~1json/schema");
                    if let Some(target) = spec.get(&schema_pointer) {
                        let document = schema::validation_document(
                            &spec.value,
                            target,
                            Direction::Request,
                            false,
                        );
                        let validator = jsonschema::draft4::options()
                            .should_validate_formats(true)
                            .build(&document)
                            .map_err(|e| format!("error: {file}: the request schema of {id} does not compile: {e}"))?;
                        validators.insert(id.to_string(), validator);
                    }
                }
                methods.insert(
                    method.to_ascii_uppercase(),
                    Operation {
                        id: id.to_string(),
                        pointer,
                    },
                );
            }
            let segments = path
                .trim_matches('/')
                .split('/')
                .map(|s| {
                    if s.starts_with('{') && s.ends_with('}') {
                        None
                    } else {
                        Some(s.to_string())
                    }
                })
                .collect();
            routes.push(Route { segments, methods });
        }
        let mut mock = Mock {
            spec,
            base_path,
            routes,
            validators,
            examples: BTreeMap::new(),
            requests: AtomicU64::new(0),
        };
        mock.load_examples(examples_dir)?;
        Ok(mock)
    }

    /// The path prefix of the spec's first server (`/api/v1`), under which the mock serves.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    fn load_examples(&mut self, folder: Option<&Path>) -> Result<(), String> {
        if let Some(folder) = folder.filter(|f| f.is_dir()) {
            for file in examples::collect(&[folder.to_path_buf()], false)? {
                let Ok(ExampleName {
                    operation,
                    status: Some(status),
                    case,
                }) = ExampleName::parse(&file)
                else {
                    continue;
                };
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| format!("error: {}: {e}", file.display()))?;
                let body: Value = serde_json::from_str(&text).map_err(|e| {
                    format!(
                        "error: {}:{}:{}: not JSON: {e}",
                        file.display(),
                        e.line(),
                        e.column()
                    )
                })?;
                self.examples
                    .entry(operation)
                    .or_default()
                    .push((status, case, body));
            }
            for list in self.examples.values_mut() {
                list.sort_by(|(a, x, _), (b, y, _)| (a, x).cmp(&(b, y)));
            }
        }
        // The spec's own examples of success responses, after the recorded ones.
        let mut from_spec = Vec::new();
        for route in &self.routes {
            for operation in route.methods.values() {
                let responses = format!("{}/responses", operation.pointer);
                for (status, _) in self
                    .spec
                    .get(&responses)
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let Ok(code) = status.parse::<u16>() else {
                        continue;
                    };
                    let Ok((_, response)) = self.spec.resolve(&format!("{responses}/{status}"))
                    else {
                        continue;
                    };
                    let media = format!("{response}/content/application~1json");
                    for (name, value) in self
                        .spec
                        .get(&format!("{media}/examples"))
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(body) = value.get("value") {
                            from_spec.push((
                                operation.id.clone(),
                                code,
                                name.clone(),
                                body.clone(),
                            ));
                        }
                    }
                }
            }
        }
        // After the recorded ones; a case recorded under any status wins over the spec's.
        from_spec.sort_by(|(o, a, x, _), (p, b, y, _)| (o, a, x).cmp(&(p, b, y)));
        for (operation, status, case, body) in from_spec {
            let known = self.examples.entry(operation).or_default();
            if !known.iter().any(|(_, c, _)| *c == case) {
                known.push((status, case, body));
            }
        }
        Ok(())
    }

    /// The answer to one request. `header` looks a request header up by lower-case name.
    pub fn answer(
        &self,
        method: &str,
        path: &str,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
    ) -> Answer {
        let Some(rest) = path
            .strip_prefix(&self.base_path)
            .filter(|r| r.is_empty() || r.starts_with('/'))
        else {
            return refusal(404, "Not Found.", format!("not under {}", self.base_path));
        };
        let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
        let Some(route) = self.routes.iter().find(|route| {
            route.segments.len() == segments.len()
                && route
                    .segments
                    .iter()
                    .zip(&segments)
                    .all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
        }) else {
            return refusal(404, "Not Found.", "no such path in the spec".to_string());
        };
        let Some(operation) = route.methods.get(&method.to_ascii_uppercase()) else {
            let allowed: Vec<&str> = route.methods.keys().map(String::as_str).collect();
            let mut answer = refusal(
                405,
                &format!(
                    "The {method} method is not supported for this route. Supported methods: {}.",
                    allowed.join(", ")
                ),
                "no such method in the spec".to_string(),
            );
            answer
                .headers
                .push(("allow".to_string(), allowed.join(", ")));
            return answer;
        };
        if !self.authorized(&operation.pointer, header) {
            return refusal(
                401,
                "Unauthenticated.",
                format!("{}: no API key", operation.id),
            );
        }
        if let Some(validator) = self.validators.get(&operation.id) {
            let is_json = header("content-type")
                .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/json"));
            if !is_json {
                return refusal(
                    415,
                    "The request body must be application/json.",
                    format!("{}: content type", operation.id),
                );
            }
            let value: Value = match serde_json::from_slice(body) {
                Ok(value) => value,
                Err(e) => {
                    return validation_failed(
                        &operation.id,
                        BTreeMap::from([(
                            "body".to_string(),
                            vec![format!("The body is not valid JSON: {e}.")],
                        )]),
                    );
                }
            };
            let errors = laravel_errors(validator, &value);
            if !errors.is_empty() {
                return validation_failed(&operation.id, errors);
            }
        }
        self.example(&operation.id, header("prefer").as_deref())
    }

    fn authorized(&self, operation: &str, header: &dyn Fn(&str) -> Option<String>) -> bool {
        let security = self
            .spec
            .get(&format!("{operation}/security"))
            .or_else(|| self.spec.get("/security"));
        let Some(Value::Array(alternatives)) = security else {
            return true;
        };
        if alternatives.is_empty() {
            return true;
        }
        alternatives
            .iter()
            .filter_map(Value::as_object)
            .any(|requirement| {
                requirement.keys().all(|scheme| {
                    let definition = self
                        .spec
                        .get(&format!("/components/securitySchemes/{}", escape(scheme)));
                    match definition.and_then(|d| Some((d.get("type")?.as_str()?, d))) {
                        Some(("apiKey", d))
                            if d.get("in").and_then(Value::as_str) == Some("header") =>
                        {
                            let name = d
                                .get("name")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_ascii_lowercase();
                            header(&name).is_some_and(|v| !v.trim().is_empty())
                        }
                        Some(("http", _)) => {
                            header("authorization").is_some_and(|v| !v.trim().is_empty())
                        }
                        _ => true,
                    }
                })
            })
    }

    fn example(&self, operation: &str, prefer: Option<&str>) -> Answer {
        let known = self
            .examples
            .get(operation)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let wanted = prefer.and_then(|p| {
            p.split(',')
                .find_map(|part| part.trim().strip_prefix("example="))
                .map(|c| c.trim_matches('"').to_string())
        });
        let chosen = match &wanted {
            Some(case) => known.iter().find(|(_, c, _)| c == case),
            None => known
                .iter()
                .find(|(status, _, _)| (200..300).contains(status)),
        };
        match chosen {
            Some((status, case, body)) => Answer {
                status: *status,
                body: body.clone(),
                headers: Vec::new(),
                note: format!("{operation}/{status}-{case}"),
            },
            None => {
                let cases: Vec<String> =
                    known.iter().map(|(s, c, _)| format!("{c} ({s})")).collect();
                let status = if wanted.is_some() { 400 } else { 501 };
                let message = match wanted {
                    Some(case) => format!(
                        "mock: no example `{case}` for {operation}; known: {}",
                        if cases.is_empty() {
                            "none".to_string()
                        } else {
                            cases.join(", ")
                        }
                    ),
                    None => format!(
                        "mock: no success example for {operation}: add one to openapi/examples/{operation}/"
                    ),
                };
                refusal(status, &message, "no example".to_string())
            }
        }
    }
}

fn refusal(status: u16, message: &str, note: String) -> Answer {
    Answer {
        status,
        body: json!({ "message": message }),
        headers: Vec::new(),
        note,
    }
}

fn validation_failed(operation: &str, errors: BTreeMap<String, Vec<String>>) -> Answer {
    let count: usize = errors.values().map(Vec::len).sum();
    let first = errors
        .values()
        .flatten()
        .next()
        .cloned()
        .unwrap_or_default();
    let message = match count {
        0 | 1 => first,
        2 => format!("{first} (and 1 more error)"),
        n => format!("{first} (and {} more errors)", n - 1),
    };
    let fields: Vec<&String> = errors.keys().collect();
    let note = format!(
        "{operation}: invalid {}",
        fields
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Answer {
        status: 422,
        body: json!({ "message": message, "errors": errors }),
        headers: Vec::new(),
        note,
    }
}

/// Every validation error, keyed by Laravel's dotted field name, with Laravel's wording.
fn laravel_errors(
    validator: &jsonschema::Validator,
    value: &Value,
) -> BTreeMap<String, Vec<String>> {
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for error in validator.iter_errors(value) {
        let at = error
            .instance_path()
            .as_str()
            .trim_start_matches('/')
            .replace('/', ".")
            .replace("~1", "/")
            .replace("~0", "~");
        let (field, message) = match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let field = if at.is_empty() {
                    name.to_string()
                } else {
                    format!("{at}.{name}")
                };
                let message = format!("The {field} field is required.");
                (field, message)
            }
            ValidationErrorKind::Type { kind } => {
                let expected = format!("{kind:?}").to_lowercase();
                let expected = if expected.contains("string") {
                    "a string"
                } else if expected.contains("integer") {
                    "an integer"
                } else if expected.contains("number") {
                    "a number"
                } else if expected.contains("boolean") {
                    "true or false"
                } else {
                    "an array"
                };
                (at.clone(), format!("The {at} field must be {expected}."))
            }
            ValidationErrorKind::Format { format } if format == "email" => (
                at.clone(),
                format!("The {at} field must be a valid email address."),
            ),
            ValidationErrorKind::Format { format } => (
                at.clone(),
                format!("The {at} field must be a valid {format}."),
            ),
            ValidationErrorKind::Enum { .. } => {
                (at.clone(), format!("The selected {at} is invalid."))
            }
            ValidationErrorKind::MaxLength { limit } => (
                at.clone(),
                format!("The {at} field must not be greater than {limit} characters."),
            ),
            ValidationErrorKind::MinLength { limit } => (
                at.clone(),
                format!("The {at} field must be at least {limit} characters."),
            ),
            _ => (at.clone(), format!("The {at} field is invalid: {error}.")),
        };
        let field = if field.is_empty() {
            "body".to_string()
        } else {
            field
        };
        errors.entry(field).or_default().push(message);
    }
    errors
}

/// A mock serving on loopback, in a thread of its own.
pub struct Running {
    /// `http://127.0.0.1:PORT/api/v1`: the base URL for a client.
    pub base_url: String,
    thread: std::thread::JoinHandle<()>,
}

impl Running {
    /// Blocks until the server stops (it does not, unless it fails).
    pub fn wait(self) {
        let _ = self.thread.join();
    }
}

/// Serves `mock` on 127.0.0.1:`port` (0: any free port) and logs each request in one
/// line to stderr; returns once it listens.
pub fn serve(mock: Mock, port: u16) -> Result<Running, String> {
    // Bound here, synchronously, so that the caller learns the port or the error at once;
    // served from a thread with a runtime of its own, so that callers inside a runtime
    // (an async test, an async main) can start it too.
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("error: cannot listen on 127.0.0.1:{port}: {e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("error: {e}"))?;
    let address = listener.local_addr().map_err(|e| format!("error: {e}"))?;
    let base_url = format!("http://{address}{}", mock.base_path);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("error: cannot start the mock's runtime: {e}"))?;
    let mock = Arc::new(mock);
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            while let Ok((stream, _)) = listener.accept().await {
                let mock = mock.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request| handle(mock.clone(), request));
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        });
    });
    Ok(Running { base_url, thread })
}

async fn handle(
    mock: Arc<Mock>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let answer = mock.answer(parts.method.as_str(), parts.uri.path(), &header, &body);
    let number = mock.requests.fetch_add(1, Ordering::Relaxed) + 1;
    // One line per request; never a header value (the key) or a body.
    eprintln!(
        "mock: #{number} {} {} -> {} {} ({:.1} ms)",
        parts.method,
        parts.uri.path(),
        answer.status,
        answer.note,
        started.elapsed().as_secs_f64() * 1000.0
    );
    let mut response = Response::builder()
        .status(answer.status)
        .header("content-type", "application/json")
        .header("x-request-id", format!("mock-{number}"));
    for (name, value) in &answer.headers {
        response = response.header(name, value);
    }
    let body = serde_json::to_vec(&answer.body).unwrap_or_default();
    Ok(response
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()))))
}
