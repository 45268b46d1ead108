//! What the generated client needs from its crate to compile here: its per-call context
//! type and a `ClientHooks` impl. Nothing here sends requests.

use progenitor_client::ClientHooks;

#[derive(Clone, Debug)]
pub struct Context;

impl ClientHooks<Context> for crate::generated::Client {}

impl Context {
    /// Where the generated `send`s put their URL (client/codegen/base_url.rs). Never called:
    /// nothing here sends requests.
    pub fn endpoint(&self, _path: std::fmt::Arguments<'_>) -> reqwest::Url {
        unreachable!("xtask-verify sends no request")
    }
}

/// The per-call state the generated `send`s take (client/codegen/call_state.rs).
pub struct Call;

impl crate::generated::Client {
    /// Where the generated `send`s send their request (client/codegen/rebuild.rs). Never
    /// called: nothing here sends requests.
    pub async fn exec_with_retries<E>(
        &self,
        _request: reqwest::Request,
        _info: &progenitor_client::OperationInfo,
        _build: &impl Fn() -> Result<reqwest::Request, progenitor_client::Error<E>>,
        _call: &mut Call,
    ) -> reqwest::Result<reqwest::Response> {
        unreachable!("xtask-verify sends no request")
    }
}
