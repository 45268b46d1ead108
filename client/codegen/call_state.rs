//! The call's state as an argument: every generated `send` takes `call: &mut
//! crate::hooks::Call` and hands it to the retry loop (`exec_with_retries`,
//! client/hooks.rs), which records the attempts and the response there for the errors
//! (client/call.rs). A tokio task-local did that job before: it set the state around each
//! `send` and looked it up in the loop, which cost every call 1.5 % of its time (the
//! measurement is in BENCHMARKS.md). As an argument, the borrow checker proves what the
//! task-local promised: no call sees another's state.
//!
//! Runs after client/codegen/rebuild.rs, which writes the call of `exec_with_retries`.

use quote::ToTokens;

/// The statement client/codegen/rebuild.rs writes, as tokens print.
const SENT: &str = "let result = client . exec_with_retries (request , & info , & build) . await ;";

/// Rewrites every generated `send`; returns how many were rewritten.
pub fn pass_explicitly(file: &mut syn::File) -> Result<usize, String> {
    let mut rewritten = 0;
    for send in super::send_fns_mut(file) {
        let stmts = &mut send.block.stmts;
        let mut sent = stmts
            .iter()
            .enumerate()
            .filter(|(_, stmt)| stmt.to_token_stream().to_string() == SENT)
            .map(|(index, _)| index);
        let (Some(index), None) = (sent.next(), sent.next()) else {
            return Err(format!(
                "a generated `send` has not exactly one `{SENT}`: has client/codegen/rebuild.rs \
                 or progenitor changed? (client/codegen/call_state.rs)"
            ));
        };
        stmts[index] = syn::parse_quote! {
            let result = client.exec_with_retries(request, &info, &build, call).await;
        };
        send.sig
            .inputs
            .push(syn::parse_quote!(call: &mut crate::hooks::Call));
        rewritten += 1;
    }
    Ok(rewritten)
}
