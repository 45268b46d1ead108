//! The two conversions behind `Client::send_json` (generated in client/operations.rs): an
//! argument given as JSON into the type the operation's builder takes, and a typed response
//! back into JSON.

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

/// The typed response as JSON (`null` for an operation that answers with no body).
pub(crate) fn response<T: Serialize>(response: Response<T>) -> Result<Response<Value>, Error> {
    let mut failed = None;
    let converted = response.map(|body| {
        serde_json::to_value(body).unwrap_or_else(|error| {
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
