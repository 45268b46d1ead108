//! One HTTP request through the fake, in the order a Laravel server takes it: the route
//! (404), the method (405), the API key (401), an injected fault, the path parameters
//! (404), the query and the body (422), then the state (404, 422 or success). Each answer
//! is checked against the spec before it goes out: a mismatch is a 500 that says where.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use answering_agent_spec::schema;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::{Map, Value};

use crate::api::{Api, Parameter};
use crate::faults::{Fault, Injection};
use crate::laravel;
use crate::state::{self, Call, Outcome, attribute};
use crate::store::Store;

/// What every connection of one fake shares.
pub(crate) struct Shared {
    pub api: Arc<Api>,
    pub keys: Vec<String>,
    pub store: Mutex<Store>,
    pub faults: Mutex<Vec<Injection>>,
    pub calls: Mutex<BTreeMap<String, usize>>,
    /// How each operation's requests that were carried out ended: (operationId, status).
    pub outcomes: Mutex<BTreeMap<(String, u16), usize>>,
    pub requests: AtomicU64,
    pub log: bool,
}

/// A lock whose holder may have panicked: the fake's state stays usable for the others.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The answer to one request, before it is written.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Option<Bytes>,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    /// For the log line: the operation, or why it was refused.
    pub(crate) note: String,
    /// Close the connection instead of answering.
    reset: bool,
    /// Answer only after this long.
    delay: Option<Duration>,
}

impl Reply {
    fn json(status: u16, body: Option<&Value>, note: impl Into<String>) -> Reply {
        Reply {
            status,
            body: body.map(|b| Bytes::from(serde_json::to_vec(b).unwrap_or_default())),
            content_type: "application/json",
            headers: Vec::new(),
            note: note.into(),
            reset: false,
            delay: None,
        }
    }

    /// Laravel's `{"message": ...}` answer.
    fn message(status: u16, message: &str, note: impl Into<String>) -> Reply {
        Reply::json(status, Some(&laravel::message(message)), note)
    }

    fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

impl Shared {
    /// The shared state of a fake of `api` with an empty store.
    pub fn new(api: Arc<Api>, keys: Vec<String>, log: bool) -> Shared {
        let store = Mutex::new(Store::new(api.relations()));
        Shared {
            api,
            keys,
            store,
            faults: Mutex::default(),
            calls: Mutex::default(),
            outcomes: Mutex::default(),
            requests: AtomicU64::new(0),
            log,
        }
    }

    /// Serves one request; an `Err` closes the connection without an answer.
    pub async fn serve(
        self: Arc<Shared>,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, std::io::Error> {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let mut reply = self.reply(parts.method.as_str(), &parts.uri, &parts.headers, &body);
        let number = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(delay) = reply.delay {
            tokio::time::sleep(delay).await;
        }
        if self.log {
            // One line per request; never a header value (the key) or a body.
            eprintln!(
                "fake: #{number} {} {} -> {} {} ({:.1} ms)",
                parts.method,
                parts.uri.path(),
                if reply.reset {
                    "reset".to_string()
                } else {
                    reply.status.to_string()
                },
                reply.note,
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        if reply.reset {
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected reset",
            ));
        }
        if parts.method == hyper::Method::HEAD {
            reply.body = None;
        }
        let mut response = Response::builder()
            .status(reply.status)
            .header("x-request-id", format!("fake-{number}"));
        if reply.body.is_some() {
            response = response.header("content-type", reply.content_type);
        }
        for (name, value) in &reply.headers {
            response = response.header(*name, value);
        }
        Ok(response
            .body(Full::new(reply.body.unwrap_or_default()))
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()))))
    }

    pub(crate) fn reply(
        &self,
        method: &str,
        uri: &hyper::Uri,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Reply {
        let api = &self.api;
        let path = uri.path();
        let route_name = path.trim_start_matches('/');
        let not_found = || {
            let message = format!("The route {route_name} could not be found.");
            Reply::message(404, &message, "no such route")
        };
        let Some(rest) = path
            .strip_prefix(api.base_path.as_str())
            .filter(|r| r.is_empty() || r.starts_with('/'))
        else {
            return not_found();
        };
        // Each segment percent-decoded (bytes that are not UTF-8 replaced).
        let segments: Vec<String> = rest
            .trim_matches('/')
            .split('/')
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let (route, operation) = match api.route(method, &segments) {
            Ok(found) => found,
            Err(None) => return not_found(),
            Err(Some(allowed)) => {
                let allowed = allowed.join(", ");
                let message = format!(
                    "The {method} method is not supported for route {route_name}. Supported methods: {allowed}."
                );
                return Reply::message(405, &message, "method not allowed")
                    .with_header("allow", allowed);
            }
        };
        let id = operation.id.as_str();
        *lock(&self.calls).entry(id.to_string()).or_default() += 1;
        if operation.secured {
            let sent = api
                .key_header
                .as_deref()
                .and_then(|name| headers.get(name)?.to_str().ok());
            if !sent.is_some_and(|key| self.keys.iter().any(|k| k == key)) {
                return Reply::message(401, "Unauthenticated.", format!("{id}: no valid API key"));
            }
        }
        let fault = self.take_fault(id);
        match fault {
            Some(Fault::TooManyRequests { retry_after }) => {
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                return Reply::message(429, "Too Many Attempts.", format!("{id}: injected 429"))
                    .with_header("retry-after", seconds.to_string())
                    .with_header("x-ratelimit-remaining", "0".to_string());
            }
            Some(Fault::Unavailable) => {
                return Reply::message(503, "Service Unavailable", format!("{id}: injected 503"));
            }
            Some(Fault::ResetAfterBody) => {
                return Reply {
                    reset: true,
                    ..Reply::json(0, None, format!("{id}: injected reset, nothing done"))
                };
            }
            _ => {}
        }
        let mut reply = self.carry_out(route, operation, &segments, uri.query(), body);
        *lock(&self.outcomes)
            .entry((id.to_string(), reply.status))
            .or_default() += 1;
        match fault {
            Some(Fault::BadGatewayAfterCommit) => {
                let note = format!("{id}: done, then an injected 502 (was {})", reply.status);
                reply = Reply {
                    body: Some(Bytes::from_static(BAD_GATEWAY.as_bytes())),
                    content_type: "text/html",
                    ..Reply::json(502, None, note)
                };
            }
            Some(Fault::Delay(delay)) => reply.delay = Some(delay),
            _ => {}
        }
        reply
    }

    /// Parameters, body and state, for a request that reached its operation.
    fn carry_out(
        &self,
        route: &crate::api::Route,
        operation: &crate::api::Operation,
        segments: &[&str],
        query: Option<&str>,
        body: &[u8],
    ) -> Reply {
        let id = operation.id.as_str();
        let api = &self.api;
        // Path parameters: a value that cannot be the parameter's type names no record.
        let mut path = Vec::new();
        let values = segments
            .iter()
            .zip(&route.segments)
            .filter(|(_, template)| template.is_none());
        for ((segment, _), parameter) in values.zip(&operation.path_parameters) {
            match typed(parameter, segment) {
                Some(value) if parameter.validator.is_valid(&value) => {
                    path.push((parameter.name.clone(), value))
                }
                _ => {
                    let message = state::not_found(
                        api,
                        &operation.resource,
                        &Value::String(segment.to_string()),
                    );
                    return Reply::message(404, &message, format!("{id}: bad {}", parameter.name));
                }
            }
        }
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        // The last of repeated names wins.
        let sent: BTreeMap<String, String> =
            form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        let mut query = Map::new();
        for parameter in &operation.query {
            let name = attribute(&parameter.name);
            let message = match sent.get(&parameter.name) {
                Some(text) => match typed(parameter, text) {
                    Some(value) if parameter.validator.is_valid(&value) => {
                        query.insert(parameter.name.clone(), value);
                        continue;
                    }
                    _ => format!("The {name} field must be {}.", expected(&parameter.schema)),
                },
                None if parameter.required => format!("The {name} field is required."),
                None => continue,
            };
            errors
                .entry(parameter.name.clone())
                .or_default()
                .push(message);
        }
        let mut fields = None;
        if let Some(schema) = &operation.body {
            // Laravel reads a missing or unreadable JSON body as no input at all: every
            // required field is reported missing. Where nothing is required it would carry
            // on; the fake refuses instead, as the spec says the body is JSON.
            let value = serde_json::from_slice::<Value>(body)
                .ok()
                .filter(Value::is_object);
            let input = value.clone().unwrap_or_else(|| Value::Object(Map::new()));
            let mut body_errors = laravel::field_errors(&schema.validator, &input);
            laravel::blank_required(&api.spec, &schema.schema, &input, "", &mut body_errors);
            if value.is_none() && (schema.required || !body.is_empty()) && body_errors.is_empty() {
                body_errors.insert(
                    "body".into(),
                    vec!["The request body must be a JSON object.".into()],
                );
            }
            for (field, messages) in body_errors {
                errors.entry(field).or_default().extend(messages);
            }
            fields = value.and_then(|v| v.as_object().cloned());
        }
        if !errors.is_empty() {
            let note = format!("{id}: invalid {}", field_names(&errors));
            return Reply::json(422, Some(&laravel::validation_failed(&errors)), note);
        }
        let call = Call {
            operation,
            path,
            query,
            body: fields,
        };
        let outcome = state::execute(api, &mut lock(&self.store), &call);
        let (status, body, note) = match outcome {
            Outcome::Done(status, body) => (status, body, id.to_string()),
            Outcome::NotFound(message) => (
                404,
                Some(laravel::message(&message)),
                format!("{id}: not found"),
            ),
            Outcome::Invalid(errors) => {
                let note = format!("{id}: refused {}", field_names(&errors));
                (422, Some(laravel::validation_failed(&errors)), note)
            }
        };
        if let (Some(body), Some(validator)) = (&body, operation.answers.get(&status))
            && let Some(error) = schema::errors(validator, body).into_iter().next()
        {
            let message = format!(
                "fake: the {status} answer of {id} does not match the spec at {}: {error}",
                if error.instance_path().as_str().is_empty() {
                    "/"
                } else {
                    error.instance_path().as_str()
                }
            );
            return Reply::message(500, &message, format!("{id}: answer off the spec"));
        }
        Reply::json(status, body.as_ref(), note)
    }

    fn take_fault(&self, operation: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|i| i.applies_to(operation))?;
        let fault = faults[index].fault.clone();
        faults[index].times -= 1;
        if faults[index].times == 0 {
            faults.remove(index);
        }
        Some(fault)
    }
}

/// What an upstream proxy answers when the application behind it failed.
const BAD_GATEWAY: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

/// A parameter's text as the JSON value its schema's type makes of it.
fn typed(parameter: &Parameter, text: &str) -> Option<Value> {
    match parameter.schema.get("type").and_then(Value::as_str) {
        Some("integer") => text.parse::<i64>().ok().map(Value::from),
        Some("number") => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        Some("boolean") => match text {
            "true" | "1" => Some(Value::Bool(true)),
            "false" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => Some(Value::String(text.to_string())),
    }
}

/// Laravel's words for what a parameter must be.
fn expected(schema: &Value) -> &'static str {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => "an integer",
        Some("number") => "a number",
        Some("boolean") => "true or false",
        _ if schema.get("enum").is_some() => "one of the listed values",
        _ => "a valid string",
    }
}

/// The fields named in a 422, for the log line.
fn field_names(errors: &BTreeMap<String, Vec<String>>) -> String {
    errors.keys().cloned().collect::<Vec<_>>().join(", ")
}
