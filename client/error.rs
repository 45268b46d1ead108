//! The errors users match on: [`Error`] for calls, [`ConfigError`] for building a client.
//!
//! A call's error is chosen by the HTTP status, never by the shape of the body, and keeps
//! the status, the headers and the raw body (up to [`MAX_KEPT_BODY`] bytes), also when the
//! body is not JSON. No error ever holds the API key.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::Operation;
use crate::types;

/// How many bytes of a response body an error keeps.
pub const MAX_KEPT_BODY: usize = 64 * 1024;

/// Why a call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Nothing was sent: the request body did not convert to the spec's type (for example
    /// a required field was never set).
    InvalidRequest(String),
    /// 401: the API key is missing, invalid or revoked.
    Unauthorized(ErrorResponse),
    /// 403: the key is valid but may not do this.
    Forbidden(ErrorResponse),
    /// 404: the resource does not exist or does not belong to your partner account.
    NotFound(ErrorResponse),
    /// 422: the server rejected the request data; see [`ErrorResponse::field_errors`].
    Validation(ErrorResponse),
    /// 429: too many requests (after the retries the policy allows).
    RateLimited {
        /// The last 429.
        response: ErrorResponse,
        /// How long the server asked to wait (`Retry-After`), if it said.
        retry_after: Option<std::time::Duration>,
    },
    /// 5xx: an error on the server's side or in a proxy in front of it.
    Server(ErrorResponse),
    /// Another error status, one the spec does not document (such as 400 or 409).
    UnexpectedStatus(ErrorResponse),
    /// A success status whose body is not what the spec describes (or is too large).
    /// The response is kept whole, up to [`MAX_KEPT_BODY`] bytes.
    InvalidResponse {
        /// The response as received.
        response: ErrorResponse,
        /// Why it could not be read, with the line and column for JSON errors.
        reason: String,
    },
    /// The request or its response did not make it across the network: connection
    /// refused, DNS or TLS failure, timeout, connection reset.
    Transport {
        /// reqwest's error (its `Display` names the URL, never the key).
        error: reqwest::Error,
        /// How many attempts the call made.
        attempts: u32,
        /// How long the whole call took, every attempt and wait included.
        elapsed: std::time::Duration,
    },
    /// A request that is not idempotent (creating an organization, a user or a location,
    /// generating an embed token, updating a user) failed after it may have reached the
    /// server: a timeout or a reset after it was sent, or a 502/504 from a gateway. It was
    /// **not** retried, since that could do it twice. Find out first:
    /// [`Operation::if_outcome_unknown`] says how, for each operation (and this error's
    /// `Display` quotes it).
    ///
    /// Renamed from `MayHaveBeenCreated` (0.1), which spoke only of organizations.
    OutcomeUnknown {
        /// The operation; `operation.if_outcome_unknown()` says how to check.
        operation: Operation,
        /// The failure itself: [`Error::Transport`] or [`Error::Server`].
        cause: Box<Error>,
    },
    /// 404 from an idempotent operation (a delete) on a retry, after an earlier attempt
    /// failed without an answer (a timeout, a reset, a 502): that attempt most likely did
    /// it, and the resource is already gone. Not an error for most callers of a delete.
    NotFoundAfterRetry {
        /// The operation.
        operation: Operation,
        /// The 404 of the last attempt.
        response: ErrorResponse,
        /// How many attempts the call made.
        attempts: u32,
    },
    /// The call's deadline (its builder's `.deadline`) passed before it ended; what was in
    /// flight was dropped. For an operation that is not idempotent it comes inside
    /// [`Error::OutcomeUnknown`] once an attempt had started: that attempt may have arrived.
    DeadlineExceeded {
        /// The operation.
        operation: Operation,
        /// The deadline.
        deadline: std::time::Duration,
        /// How many attempts had started.
        attempts: u32,
    },
}

impl Error {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(ErrorResponse::status)
    }

    /// The request id the server (or a proxy) sent, to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.response().and_then(ErrorResponse::request_id)
    }

    /// Whether the same call may succeed if you try it again later, and trying it again is
    /// safe: rate limits, gateway and availability errors, transport failures. Never for
    /// [`Error::OutcomeUnknown`]: check first.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. }
            | Error::Transport { .. }
            | Error::DeadlineExceeded { .. } => true,
            Error::Server(response) => matches!(response.status().as_u16(), 502..=504),
            _ => false,
        }
    }

    /// How many attempts the call made, when it made any.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Transport { attempts, .. }
            | Error::NotFoundAfterRetry { attempts, .. }
            | Error::DeadlineExceeded { attempts, .. } => Some(*attempts),
            Error::OutcomeUnknown { cause, .. } => cause.attempts(),
            _ => self.response().map(|r| r.0.attempts).filter(|n| *n > 0),
        }
    }

    /// How long the whole call took, every attempt and wait included (for a passed
    /// deadline, the deadline).
    pub fn elapsed(&self) -> Option<std::time::Duration> {
        match self {
            Error::Transport { elapsed, .. } => Some(*elapsed),
            Error::DeadlineExceeded { deadline, .. } => Some(*deadline),
            Error::OutcomeUnknown { cause, .. } => cause.elapsed(),
            _ => self
                .response()
                .map(|r| r.0.elapsed)
                .filter(|d| !d.is_zero()),
        }
    }

    /// The error with what the call cost written into it (`Client::execute`).
    pub(crate) fn with_cost(mut self, attempts: u32, elapsed: std::time::Duration) -> Error {
        match &mut self {
            Error::Transport { elapsed: at, .. } => *at = elapsed,
            Error::OutcomeUnknown { cause, .. } => {
                let inner = std::mem::replace(cause.as_mut(), Error::InvalidRequest(String::new()));
                **cause = inner.with_cost(attempts, elapsed);
            }
            Error::Unauthorized(r)
            | Error::Forbidden(r)
            | Error::NotFound(r)
            | Error::Validation(r)
            | Error::RateLimited { response: r, .. }
            | Error::Server(r)
            | Error::UnexpectedStatus(r)
            | Error::InvalidResponse { response: r, .. }
            | Error::NotFoundAfterRetry { response: r, .. } => {
                r.0.attempts = attempts;
                r.0.elapsed = elapsed;
            }
            Error::InvalidRequest(_) | Error::DeadlineExceeded { .. } => {}
        }
        self
    }

    /// The response, when one arrived.
    pub fn response(&self) -> Option<&ErrorResponse> {
        match self {
            Error::Unauthorized(r)
            | Error::Forbidden(r)
            | Error::NotFound(r)
            | Error::Validation(r)
            | Error::RateLimited { response: r, .. }
            | Error::Server(r)
            | Error::UnexpectedStatus(r)
            | Error::InvalidResponse { response: r, .. }
            | Error::NotFoundAfterRetry { response: r, .. } => Some(r),
            Error::OutcomeUnknown { cause, .. } => cause.response(),
            Error::InvalidRequest(_) | Error::Transport { .. } | Error::DeadlineExceeded { .. } => {
                None
            }
        }
    }

    /// The error for a response with an error status.
    pub(crate) fn from_status(response: ErrorResponse) -> Error {
        match response.status().as_u16() {
            401 => Error::Unauthorized(response),
            403 => Error::Forbidden(response),
            404 => Error::NotFound(response),
            422 => Error::Validation(response),
            429 => Error::RateLimited {
                retry_after: crate::retry::retry_after(response.headers()),
                response,
            },
            500..=599 => Error::Server(response),
            _ => Error::UnexpectedStatus(response),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(why) => write!(f, "the request was not sent: {why}"),
            Error::Unauthorized(r) => write!(
                f,
                "the API key was refused ({}){}; check the key and that it belongs to this environment",
                r.status(),
                r.summary()
            ),
            Error::Forbidden(r) => write!(
                f,
                "the API key may not do this ({}){}",
                r.status(),
                r.summary()
            ),
            Error::NotFound(r) => write!(
                f,
                "not found, or not in your partner account ({}){}",
                r.status(),
                r.summary()
            ),
            Error::Validation(r) => {
                write!(
                    f,
                    "the server rejected the request data ({}){}",
                    r.status(),
                    r.summary()
                )?;
                let mut fields: Vec<_> = r.field_errors().iter().collect();
                fields.sort();
                for (field, messages) in fields {
                    write!(f, "; {field}: {}", messages.join(" "))?;
                }
                Ok(())
            }
            Error::RateLimited {
                response,
                retry_after,
            } => {
                write!(
                    f,
                    "too many requests ({}){}",
                    response.status(),
                    response.summary()
                )?;
                match retry_after {
                    Some(wait) => write!(f, "; the server asks to wait {} s", wait.as_secs()),
                    None => Ok(()),
                }
            }
            Error::OutcomeUnknown { operation, cause } => {
                write!(
                    f,
                    "{operation} may have taken effect on the server although the call failed ({cause}); \
                     it was not retried, because sending it again could do it twice"
                )?;
                match operation.if_outcome_unknown() {
                    Some(how) => write!(f, ". Before trying again, {how}"),
                    None => Ok(()),
                }
            }
            Error::NotFoundAfterRetry {
                operation,
                response,
                attempts,
            } => write!(
                f,
                "{operation}: not found on attempt {attempts} ({}){}, after an earlier attempt failed \
                 without an answer: that attempt most likely already did it",
                response.status(),
                response.summary()
            ),
            Error::DeadlineExceeded {
                operation,
                deadline,
                attempts,
            } => write!(
                f,
                "{operation}: the call's deadline of {deadline:?} passed after {attempts} attempt(s) had started"
            ),
            Error::Server(r) => write!(f, "the server failed ({}){}", r.status(), r.summary()),
            Error::UnexpectedStatus(r) => write!(
                f,
                "the server answered with a status the spec does not document ({}){}",
                r.status(),
                r.summary()
            ),
            Error::InvalidResponse { response, reason } => write!(
                f,
                "the response ({}) is not what the spec describes: {reason}",
                response.status()
            ),
            Error::Transport {
                error, attempts, ..
            } => {
                write!(f, "the request failed in transport")?;
                if *attempts > 1 {
                    write!(f, " after {attempts} attempts")?;
                }
                write!(f, ": {error}")?;
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { error, .. } => Some(error),
            Error::OutcomeUnknown { cause, .. } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

/// A response that ended a call in an error: status, headers and the raw body.
#[derive(Clone, Debug)]
pub struct ErrorResponse(Box<Parts>);

/// Boxed, so that `Result<_, Error>` stays small.
#[derive(Clone)]
struct Parts {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    body_truncated: bool,
    detail: Option<types::ErrorBody>,
    /// What the call cost, written in when it ends (`Error::with_cost`); 0 until then.
    attempts: u32,
    elapsed: std::time::Duration,
}

impl ErrorResponse {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        mut body: Bytes,
        mut body_truncated: bool,
    ) -> Self {
        // Decoded before truncation, so a long but complete JSON body still yields details.
        let detail = serde_json::from_slice::<types::ErrorBody>(&body).ok();
        if body.len() > MAX_KEPT_BODY {
            body.truncate(MAX_KEPT_BODY);
            body_truncated = true;
        }
        ErrorResponse(Box::new(Parts {
            status,
            headers,
            body,
            body_truncated,
            detail,
            attempts: 0,
            elapsed: std::time::Duration::ZERO,
        }))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The raw body, at most [`MAX_KEPT_BODY`] bytes of it.
    pub fn body(&self) -> &[u8] {
        &self.0.body
    }

    /// The raw body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0.body)
    }

    /// Whether [`ErrorResponse::body`] is only the start of a longer body.
    pub fn is_body_truncated(&self) -> bool {
        self.0.body_truncated
    }

    /// The body decoded as the spec's error object, when it is one.
    pub fn detail(&self) -> Option<&types::ErrorBody> {
        self.0.detail.as_ref()
    }

    /// The `message` of the error body, when there is one.
    pub fn message(&self) -> Option<&str> {
        self.0.detail.as_ref()?.message.as_deref()
    }

    /// The messages for each invalid field (the `errors` of a 422 body); empty when none.
    pub fn field_errors(&self) -> &HashMap<String, Vec<String>> {
        static EMPTY: std::sync::OnceLock<HashMap<String, Vec<String>>> =
            std::sync::OnceLock::new();
        match &self.0.detail {
            Some(detail) => &detail.errors,
            None => EMPTY.get_or_init(HashMap::new),
        }
    }

    /// The request id the server or a proxy sent (`X-Request-Id` or a common alias), to quote
    /// to support.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.0.headers)
    }

    /// `: message` or `: start of the body`, for `Display`.
    fn summary(&self) -> String {
        let text = match self.message() {
            Some(message) => message.to_string(),
            None => {
                // One line: a proxy's HTML error page is its tags stripped (`502 Bad
                // Gateway`), and any body is cut to 200 characters.
                let body = self.body_text();
                let text = if body.trim_start().starts_with('<') {
                    strip_tags(&body)
                } else {
                    body.split_whitespace().collect::<Vec<_>>().join(" ")
                };
                let mut short: String = text.chars().take(200).collect();
                if short.len() < text.len() {
                    short.push('…');
                }
                short
            }
        };
        let id = self
            .request_id()
            .map(|id| format!(" (request id {id})"))
            .unwrap_or_default();
        if text.is_empty() {
            id
        } else {
            format!(": {text}{id}")
        }
    }
}

/// The text of an HTML page on one line, without its tags, and without a heading that only
/// repeats the title (`<title>502 Bad Gateway</title>...<h1>502 Bad Gateway</h1>`).
fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let half = words.len() / 2;
    if words.len().is_multiple_of(2) && half > 0 && words[..half] == words[half..] {
        words.truncate(half);
    }
    words.join(" ")
}

/// The body of an error status is shown (it explains the error); the body of a success that
/// failed to decode is not: it may hold credentials (an embed token) or personal data. Both
/// stay readable through [`ErrorResponse::body`].
impl fmt::Debug for Parts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("ErrorResponse");
        out.field("status", &self.status)
            .field("headers", &self.headers);
        if self.status.is_success() {
            out.field(
                "body",
                &format_args!(
                    "<{} bytes, not shown: a success body may hold credentials>",
                    self.body.len()
                ),
            );
        } else {
            out.field("body", &String::from_utf8_lossy(&self.body));
        }
        out.field("body_truncated", &self.body_truncated)
            .field("detail", &self.detail)
            .finish()
    }
}

/// A decode error's message without the string values it quotes (serde writes
/// `invalid type: string "...", expected ...`): a success body may hold a credential.
pub(crate) fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' if quoted => {
                out.push_str("…\"");
                quoted = false;
            }
            '"' => {
                out.push('"');
                quoted = true;
            }
            _ if quoted => {}
            _ => out.push(c),
        }
    }
    out
}

/// The request id in response headers, under the names servers and proxies commonly use.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id", "x-amzn-requestid", "cf-ray"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No API key: the environment variable is unset or empty.
    MissingApiKey {
        /// The variable that was read.
        variable: &'static str,
    },
    /// The API key cannot be sent as an HTTP header value. The key itself is not kept.
    InvalidApiKey {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A custom base URL that cannot be used.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// An environment name that is neither `playground`, `production` nor a URL.
    InvalidEnvironment {
        /// The value as given.
        value: String,
    },
    /// The HTTP client could not be built (for example the TLS configuration failed).
    Http(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingApiKey { variable } => write!(
                f,
                "no API key: set {variable} to a partner API key (Settings > API Keys in the partner dashboard)"
            ),
            ConfigError::InvalidApiKey { reason } => {
                write!(f, "the API key is not usable: {reason}")
            }
            ConfigError::InvalidBaseUrl { url, reason } => {
                write!(f, "the base URL `{url}` is not usable: {reason}")
            }
            ConfigError::InvalidEnvironment { value } => write!(
                f,
                "unknown environment `{value}`: use `playground`, `production` or a base URL such as http://127.0.0.1:8080/api/v1"
            ),
            ConfigError::Http(why) => write!(f, "the HTTP client could not be built: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    #[test]
    fn a_proxys_html_page_is_one_line_of_text() {
        let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                    <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                    </body>\r\n</html>\r\n";
        assert_eq!(
            super::strip_tags(page),
            "502 Bad Gateway 502 Bad Gateway nginx"
        );
        let plain = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
        assert_eq!(super::strip_tags(plain), "502 Bad Gateway");
    }
}
