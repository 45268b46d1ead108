//! One request builder per operation, around the generated one: the same `body` and
//! `body_map`, and a `send` that returns this crate's [`Error`].
//!
//! The generated builder borrows a generated client, and each call needs a generated client
//! of its own (its [`CallContext`](crate::hooks::CallContext) captures the response), so
//! these builders hold the body and make the generated call in `send`.

use progenitor_client::ResponseValue;

use crate::client::Client;
use crate::error::{Error, ErrorResponse};
use crate::hooks::Captured;
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
    pub async fn send(self) -> Result<ResponseValue<types::CreateOrganizationResponse>, Error> {
        let body = self.body.map_err(Error::InvalidRequest)?;
        let call = self.client.for_call();
        let result = call.create_organization().body(body).send().await;
        result.map_err(|e| convert(e, call.inner.take_captured()))
    }
}

/// This crate's error for a generated client's error and the response `exec` captured.
/// The status decides the variant, whatever the body holds.
fn convert<E>(error: progenitor_client::Error<E>, captured: Option<Captured>) -> Error {
    use progenitor_client::Error as Generated;
    match (error, captured) {
        (Generated::InvalidRequest(why) | Generated::Custom(why), _) => Error::InvalidRequest(why),
        (
            Generated::CommunicationError(e)
            | Generated::ResponseBodyError(e)
            | Generated::InvalidUpgrade(e),
            _,
        ) => Error::Transport(e),
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
