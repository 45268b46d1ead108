//! One request builder per operation, around the generated one: the same `body` and
//! `body_map`, and a `send` that returns this crate's [`Error`].
//!
//! The generated builder borrows a generated client, and each call needs a generated client
//! of its own (its [`CallContext`](crate::hooks::CallContext) captures the response), so
//! these builders hold the body and make the generated call in `send`.

use progenitor_client::ResponseValue;

use crate::client::Client;
use crate::error::{Error, ErrorResponse};
use crate::generated;
use crate::hooks::Captured;
use crate::retry::{self, Idempotency};
use crate::types;

/// Builder for [`Client::create_organization`]: set the body, then [`send`](Self::send).
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until `.send().await`"]
pub struct CreateOrganization<'a> {
    client: &'a Client,
    body: Result<types::builder::CreateOrganizationRequest, String>,
}

impl Client {
    /// `POST /organizations`: creates an organization together with its owner user.
    ///
    /// Not idempotent: the API documents no idempotency key, so the same request sent
    /// twice may create two organizations.
    pub fn create_organization(&self) -> CreateOrganization<'_> {
        CreateOrganization {
            client: self,
            body: Ok(Default::default()),
        }
    }
}

impl CreateOrganization<'_> {
    /// The request body: a [`types::CreateOrganizationRequest`] or its builder.
    pub fn body<V>(mut self, value: V) -> Self
    where
        V: TryInto<types::CreateOrganizationRequest>,
        V::Error: std::fmt::Display,
    {
        self.body = value
            .try_into()
            .map(From::from)
            .map_err(|e| format!("the body is not a valid CreateOrganizationRequest: {e}"));
        self
    }

    /// Changes the body through its builder.
    pub fn body_map(
        mut self,
        f: impl FnOnce(
            types::builder::CreateOrganizationRequest,
        ) -> types::builder::CreateOrganizationRequest,
    ) -> Self {
        self.body = self.body.map(f);
        self
    }

    /// Sends the request; the created organization and its owner, with the status and
    /// headers of the response.
    ///
    /// Retried only when the request provably never reached the server, or on 429; any
    /// other failure after it may have arrived is [`Error::MayHaveBeenCreated`].
    pub async fn send(self) -> Result<ResponseValue<types::CreateOrganizationResponse>, Error> {
        let body = self.body.map_err(Error::InvalidRequest)?;
        let call = self.client.for_call();
        let result = call.create_organization().body(body).send().await;
        finish(result, &call, "create_organization")
    }
}

/// Builder for [`Client::list_organizations`]; [`send`](Self::send) it.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until `.send().await`"]
pub struct ListOrganizations<'a> {
    client: &'a Client,
}

impl Client {
    /// `GET /organizations`: every organization of your partner account, with its users
    /// and locations. Safe to retry; retried on transport failures and 429/502/503/504.
    pub fn list_organizations(&self) -> ListOrganizations<'_> {
        ListOrganizations { client: self }
    }
}

impl ListOrganizations<'_> {
    /// Sends the request; the organizations, with the status and headers of the response.
    pub async fn send(self) -> Result<ResponseValue<Vec<types::Organization>>, Error> {
        let call = self.client.for_call();
        let result = call.list_organizations().send().await;
        finish(result, &call, "list_organizations")
    }
}

/// The end of every call: the typed response, or this crate's error for what happened.
fn finish<T, E>(
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    call: &generated::Client,
    operation: &'static str,
) -> Result<ResponseValue<T>, Error> {
    let error = match result {
        Ok(response) => return Ok(response),
        Err(error) => convert(error, call.inner.take_captured(), call.inner.attempts()),
    };
    if retry::idempotency(operation) == Idempotency::Safe {
        return Err(error);
    }
    let ambiguous = match &error {
        Error::Transport { error, .. } => !retry::never_sent(error),
        Error::Server(response) => retry::ambiguous_status(response.status()),
        _ => false,
    };
    Err(if ambiguous {
        Error::MayHaveBeenCreated {
            operation,
            cause: Box::new(error),
        }
    } else {
        error
    })
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
                Generated::InvalidResponsePayload(_, e) => format!("the body does not decode: {e}"),
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
