//! The call's state as an argument: every generated `send` takes `call: &mut
//! crate::hooks::Call`, which it hands to the retry loop (`exec_with_retries`,
//! client/hooks.rs; the call is written by client/codegen/rebuild.rs). The loop records the
//! attempts and the response there for the errors (client/call.rs). A tokio task-local did
//! that job before: it set the state around each `send` and looked it up in the loop, which
//! cost every call 1.5 % of its time (the measurement is in BENCHMARKS.md). As an argument,
//! the borrow checker proves what the task-local promised: no call sees another's state.

/// Adds the parameter to every generated `send`; returns how many there were.
pub fn pass_explicitly(file: &mut syn::File) -> usize {
    let mut rewritten = 0;
    for send in super::send_fns_mut(file) {
        send.sig
            .inputs
            .push(syn::parse_quote!(call: &mut crate::hooks::Call));
        rewritten += 1;
    }
    rewritten
}
