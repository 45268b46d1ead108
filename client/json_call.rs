//! The two conversions behind `Client::send_json` (generated in client/operations.rs): an
//! argument given as JSON into the type the operation's builder takes, and a typed response
//! back into JSON.

use progenitor_client::ResponseValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Error;

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
pub(crate) fn response<T: Serialize>(
    response: ResponseValue<T>,
) -> Result<ResponseValue<Value>, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let value = serde_json::to_value(response.into_inner()).map_err(|error| {
        Error::InvalidRequest(format!("the response does not convert to JSON: {error}"))
    })?;
    Ok(ResponseValue::new(value, status, headers))
}
