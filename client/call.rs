//! The end of every call, whatever the operation: run the generated `send` as one
//! [`Call`], then turn what happened into the typed response or this crate's [`Error`].
//!
//! The generated builders (client/operations.rs) all end in [`Client::execute`]; what differs
//! between operations is only their [`Operation`], whose idempotency decides here whether a
//! failure is ambiguous ([`Error::OutcomeUnknown`]) or a retried 404 is
//! [`Error::NotFoundAfterRetry`].

use std::future::Future;
use std::time::{Duration, Instant};

use bytes::Bytes;
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::Operation;
use crate::client::Client;
use crate::error::{Error, ErrorResponse};
use crate::hooks::{Call, Captured, MAX_RESPONSE_BODY, read_bounded};
use crate::options::CallOptions;
use crate::response::Response;
use crate::retry::{self, Idempotency};

impl Client {
    /// Runs one generated `send` as `operation` with the call's own `options`, with the
    /// call's state it borrows (client/codegen/call_state.rs), and answers with this
    /// crate's types. A header the options refused fails the call before anything is sent;
    /// a deadline bounds the whole of it.
    ///
    /// The generated future (about 2 KB: the request, the retry loop, the response) lives
    /// on the heap, so what a caller holds for each call in flight, and copies at every
    /// move, is a pointer (tested in `tests/create_organization.rs`).
    pub(crate) fn execute<T, E, S>(
        operation: Operation,
        options: CallOptions,
        send: S,
    ) -> impl Future<Output = Result<Response<T>, Error>>
    where
        T: DeserializeOwned,
        S: AsyncFnOnce(&mut Call) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
    {
        // One heap block holds the call's state and the generated future that borrows it.
        Box::pin(async move {
            let started = Instant::now();
            let deadline = options.get().and_then(|o| o.deadline);
            if let Some(refused) = options.get().and_then(|o| o.refused.clone()) {
                return Err(Error::InvalidRequest(refused));
            }
            let mut call = Call::new(operation, options);
            let outcome = match deadline {
                None => send(&mut call).await,
                Some(deadline) => match tokio::time::timeout(deadline, send(&mut call)).await {
                    Ok(outcome) => outcome,
                    Err(_) => return Err(deadline_exceeded(operation, deadline, call.attempts())),
                },
            };
            match outcome {
                Ok(response) => Ok(success(response, &mut call, started.elapsed())),
                // Rare, and its future is large: in a block of its own.
                Err(error) => Box::pin(failure(error, &mut call, started))
                    .await
                    .map_err(|error| error.with_cost(call.attempts(), started.elapsed())),
            }
        })
    }
}

/// A passed deadline; for an operation that is not idempotent, an unknown outcome once an
/// attempt had started (it may have arrived).
fn deadline_exceeded(operation: Operation, deadline: Duration, attempts: u32) -> Error {
    let error = Error::DeadlineExceeded {
        operation,
        deadline,
        attempts,
    };
    match operation.idempotency() {
        Idempotency::NotIdempotent if attempts > 0 => Error::OutcomeUnknown {
            operation,
            cause: Box::new(error),
        },
        _ => error,
    }
}

/// The typed response, with the status and headers the hooks captured (client/hooks.rs
/// moves the headers out of the response instead of copying them), and what it cost.
fn success<T>(response: ResponseValue<T>, call: &mut Call, elapsed: Duration) -> Response<T> {
    let attempts = call.attempts();
    match call.take_captured() {
        Some(captured) => Response::new(
            response.into_inner(),
            captured.status,
            captured.headers,
            attempts,
            elapsed,
        ),
        None => {
            let status = response.status();
            let headers = response.headers().clone();
            Response::new(response.into_inner(), status, headers, attempts, elapsed)
        }
    }
}

/// This crate's error for what happened (or the empty success `convert` makes of a
/// missing body).
async fn failure<T: DeserializeOwned, E>(
    error: progenitor_client::Error<E>,
    call: &mut Call,
    started: Instant,
) -> Result<Response<T>, Error> {
    let attempts = call.attempts();
    let error = match convert::<T, E>(error, call.take_captured(), attempts).await {
        Ok(empty) => {
            let (status, headers) = (empty.status(), empty.headers().clone());
            let elapsed = started.elapsed();
            return Ok(Response::new(
                empty.into_inner(),
                status,
                headers,
                attempts,
                elapsed,
            ));
        }
        Err(error) => error,
    };
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

/// This crate's error for a generated client's error and the response the hooks captured;
/// or, for a success without a body where one with no required field was expected (such as
/// the answer to a delete), the response read as `{}`: the spec guesses those bodies, and
/// a server that sends none must not fail the call. The status decides the variant,
/// whatever the body holds.
async fn convert<T: DeserializeOwned, E>(
    error: progenitor_client::Error<E>,
    captured: Option<Captured>,
    attempts: u32,
) -> Result<ResponseValue<T>, Error> {
    use progenitor_client::Error as Generated;
    let (error, captured) = match (error, captured) {
        (Generated::InvalidRequest(why) | Generated::Custom(why), _) => {
            return Err(Error::InvalidRequest(why));
        }
        (
            Generated::CommunicationError(e)
            | Generated::ResponseBodyError(e)
            | Generated::InvalidUpgrade(e),
            _,
        ) => {
            return Err(Error::Transport {
                error: e,
                attempts,
                elapsed: Duration::ZERO,
            });
        }
        (error, Some(captured)) => (error, captured),
        // Every response passes through the hooks' retry loop, which captures it.
        (_, None) => {
            return Err(Error::InvalidRequest(
                "internal error: the response was not captured".to_string(),
            ));
        }
    };
    let decoding = match &error {
        Generated::InvalidResponsePayload(_, e) => Some(format!(
            "the body does not decode: {}",
            crate::error::without_quoted_values(&e.to_string())
        )),
        _ => None,
    };
    // A success the hooks left to progenitor: its body is in the error, or still unread in
    // the response progenitor did not expect.
    let (body, truncated) = match (captured.body, error) {
        (Some(body), _) => (body, captured.truncated),
        (None, Generated::InvalidResponsePayload(bytes, _)) => (bytes, false),
        (None, Generated::UnexpectedResponse(response)) => {
            let body = http::Response::from(response).into_body();
            read_bounded(body, MAX_RESPONSE_BODY)
                .await
                .map_err(|error| Error::Transport {
                    error,
                    attempts,
                    elapsed: Duration::ZERO,
                })?
        }
        (None, _) => (Bytes::new(), false),
    };
    let status = captured.status;
    if status.is_success()
        && !truncated
        && body.iter().all(u8::is_ascii_whitespace)
        && let Ok(value) = serde_json::from_str::<T>("{}")
    {
        return Ok(ResponseValue::new(value, status, captured.headers));
    }
    let reason = match decoding {
        _ if truncated => format!("the body is longer than {MAX_RESPONSE_BODY} bytes"),
        Some(decoding) => decoding,
        None => format!("{status} is not a success status of this operation"),
    };
    let response = ErrorResponse::new(status, captured.headers, body, truncated);
    Err(if status.is_success() {
        Error::InvalidResponse { response, reason }
    } else {
        Error::from_status(response)
    })
}
