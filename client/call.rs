//! The end of every call, whatever the operation: run the generated `send` as one
//! [`Call`], then turn what happened into the typed response or this crate's [`Error`].
//!
//! The generated builders (client/operations.rs) all end in [`Client::execute`]; what differs
//! between operations is only their [`Operation`], whose idempotency decides here whether a
//! failure is ambiguous ([`Error::OutcomeUnknown`]) or a retried 404 is
//! [`Error::NotFoundAfterRetry`].

use std::future::Future;

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::Operation;
use crate::client::Client;
use crate::error::{Error, ErrorResponse};
use crate::hooks::{Call, Captured};
use crate::retry::{self, Idempotency};

impl Client {
    /// Runs one generated `send` as `operation`, and answers with this crate's types.
    pub(crate) async fn execute<T, E>(
        &self,
        operation: Operation,
        send: impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    ) -> Result<ResponseValue<T>, Error>
    where
        T: DeserializeOwned,
    {
        let call = Call::new(operation);
        let result = call.scope(send).await;
        finish(result, &call)
    }
}

/// The typed response, or the error for what happened.
fn finish<T: DeserializeOwned, E>(
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    call: &Call,
) -> Result<ResponseValue<T>, Error> {
    let error = match result {
        // The headers went to the capture (client/hooks.rs): they come back here.
        Ok(response) => {
            return Ok(match call.take_captured() {
                Some(captured) => {
                    ResponseValue::new(response.into_inner(), captured.status, captured.headers)
                }
                None => response,
            });
        }
        Err(error) => error,
    };
    let captured = call.take_captured();
    if let Some(response) = captured.as_ref().and_then(empty_success::<T>) {
        return Ok(response);
    }
    let attempts = call.attempts();
    let error = convert(error, captured, attempts);
    let operation = call.operation;
    Err(match operation.idempotency() {
        Idempotency::Safe => error,
        Idempotency::Idempotent => match error {
            Error::NotFound(response) if attempts > 1 => Error::NotFoundAfterRetry {
                operation,
                response,
                attempts,
            },
            other => other,
        },
        Idempotency::NotIdempotent => {
            let ambiguous = match &error {
                Error::Transport { error, .. } => !retry::never_sent(error),
                Error::Server(response) => retry::ambiguous_status(response.status()),
                _ => false,
            };
            if ambiguous {
                Error::OutcomeUnknown {
                    operation,
                    cause: Box::new(error),
                }
            } else {
                error
            }
        }
    })
}

/// A success without a body (a 204, or a 200 with nothing in it) where the spec expects a
/// body with no required field, such as the answer to a delete: read as `{}`. The spec
/// guesses those bodies; a server that sends none must not fail the call.
fn empty_success<T: DeserializeOwned>(captured: &Captured) -> Option<ResponseValue<T>> {
    if !captured.status.is_success()
        || captured.truncated
        || !captured.body.iter().all(u8::is_ascii_whitespace)
    {
        return None;
    }
    let value = serde_json::from_str::<T>("{}").ok()?;
    Some(ResponseValue::new(
        value,
        captured.status,
        captured.headers.clone(),
    ))
}

/// This crate's error for a generated client's error and the response `exec` captured.
/// The status decides the variant, whatever the body holds.
fn convert<E>(
    error: progenitor_client::Error<E>,
    captured: Option<Captured>,
    attempts: u32,
) -> Error {
    use progenitor_client::Error as Generated;
    match (error, captured) {
        (Generated::InvalidRequest(why) | Generated::Custom(why), _) => Error::InvalidRequest(why),
        (
            Generated::CommunicationError(e)
            | Generated::ResponseBodyError(e)
            | Generated::InvalidUpgrade(e),
            _,
        ) => Error::Transport { error: e, attempts },
        (error, Some(c)) => {
            let success = c.status.is_success();
            let reason = match error {
                _ if c.truncated => format!(
                    "the body is longer than {} bytes",
                    crate::hooks::MAX_RESPONSE_BODY
                ),
                Generated::InvalidResponsePayload(_, e) => format!(
                    "the body does not decode: {}",
                    crate::error::without_quoted_values(&e.to_string())
                ),
                _ => format!("{} is not a success status of this operation", c.status),
            };
            let response = ErrorResponse::new(c.status, c.headers, c.body, c.truncated);
            if success {
                Error::InvalidResponse { response, reason }
            } else {
                Error::from_status(response)
            }
        }
        // Every response passes through `exec`, which captures it.
        (_, None) => {
            Error::InvalidRequest("internal error: the response was not captured".to_string())
        }
    }
}
