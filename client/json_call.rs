//! `Client::send_json` and the two conversions behind it (its `match` over the operations
//! is generated in client/operations.rs): an argument given as JSON into the type the
//! operation's builder takes, and a typed response back into JSON, with every
//! [`Secret`](crate::Secret) in it redacted unless the caller asks for it.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::response::Response;

/// `arguments[name]` as `T`; `None` when it is absent (or `null`, for a parameter).
pub(crate) fn argument<T: DeserializeOwned>(
    arguments: &Map<String, Value>,
    name: &str,
) -> Result<Option<T>, Error> {
    match arguments.get(name) {
        None => Ok(None),
        Some(Value::Null) if name != "body" => Ok(None),
        Some(value) => T::deserialize(value).map(Some).map_err(|error| {
            Error::InvalidRequest(format!("`{name}` does not fit the spec: {error}"))
        }),
    }
}

/// What a [`Secret`](crate::Secret) in an answer becomes in its JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Secrets {
    /// `"<redacted>"`.
    Redact,
    /// The value.
    Reveal,
}

impl crate::Client {
    /// Sends `operation` with its arguments given as JSON, and answers with the response
    /// body as JSON: for tools that choose the operation at run time. Everywhere else the
    /// typed methods are the better choice.
    ///
    /// `arguments` holds the operation's parameters under their names in the spec
    /// (`organization_id`) and the request body under `body`. Each is converted to the
    /// spec's type first; one that does not convert is [`Error::InvalidRequest`], and
    /// nothing is sent. A missing required one is too. Unknown names are ignored.
    ///
    /// Every [`Secret`](crate::Secret) in the answer (an embed token) is `"<redacted>"`:
    /// JSON is easy to print or log by accident. A tool whose user asked for the secret
    /// calls [`send_json_revealing_secrets`](Self::send_json_revealing_secrets).
    pub async fn send_json(
        &self,
        operation: crate::Operation,
        arguments: &Map<String, Value>,
    ) -> Result<Response<Value>, Error> {
        self.send_json_as(operation, arguments, Secrets::Redact)
            .await
    }

    /// [`send_json`](Self::send_json), with every [`Secret`](crate::Secret) in the answer
    /// as its value: for a tool whose user asked for it (the command-line client prints an
    /// embed token that was asked for).
    pub async fn send_json_revealing_secrets(
        &self,
        operation: crate::Operation,
        arguments: &Map<String, Value>,
    ) -> Result<Response<Value>, Error> {
        self.send_json_as(operation, arguments, Secrets::Reveal)
            .await
    }
}

/// The typed response as JSON (`null` for an operation that answers with no body).
pub(crate) fn response<T: Serialize>(
    response: Response<T>,
    secrets: Secrets,
) -> Result<Response<Value>, Error> {
    let mut failed = None;
    let converted = response.map(|body| {
        let convert = || serde_json::to_value(body);
        let value = match secrets {
            Secrets::Redact => crate::secret::redacting(convert),
            Secrets::Reveal => convert(),
        };
        value.unwrap_or_else(|error| {
            failed = Some(error);
            Value::Null
        })
    });
    match failed {
        None => Ok(converted),
        // The request was sent and answered: the error says so, with the answer's status.
        Some(error) => Err(Error::InvalidResponse {
            response: crate::error::ErrorResponse::new(
                converted.status(),
                converted.headers().clone(),
                bytes::Bytes::new(),
                false,
            ),
            reason: format!("the typed response does not convert to JSON: {error}"),
        }),
    }
}
