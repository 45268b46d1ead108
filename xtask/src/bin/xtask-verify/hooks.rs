//! What the generated client needs from its crate to compile here: its per-call context
//! type and a `ClientHooks` impl. Nothing here sends requests.

use progenitor_client::ClientHooks;

#[derive(Clone, Debug)]
pub struct Context;

impl ClientHooks<Context> for crate::generated::Client {}
