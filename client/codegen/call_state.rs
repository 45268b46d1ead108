//! The call's state as an argument: every generated `send` takes `call: &mut
//! crate::hooks::Call`, which it hands to the retry loop (`exec_with_retries`,
//! client/hooks.rs; the call is written by client/codegen/rebuild.rs). The loop records the
//! attempts and the response there for the errors (client/call.rs). A tokio task-local did
//! that job before: it set the state around each `send` and looked it up in the loop, which
//! cost every call 1.5 % of its time (the measurement is in BENCHMARKS.md). As an argument,
//! the borrow checker proves what the task-local promised: no call sees another's state.

/// Adds the parameter to one generated `send`; the retry loop's call that takes it is
/// written by client/codegen/rebuild.rs, which runs before.
pub fn pass_explicitly(send: &mut syn::ImplItemFn) -> Result<(), String> {
    let takes_self_only = matches!(
        send.sig.inputs.iter().collect::<Vec<_>>().as_slice(),
        [syn::FnArg::Receiver(_)]
    );
    if !takes_self_only {
        return Err("it does not take `self` alone".to_string());
    }
    send.sig
        .inputs
        .push(syn::parse_quote!(call: &mut crate::hooks::Call));
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::super::passes::{sends_by_builder, tests::sample};

    #[test]
    fn every_send_takes_the_call_once() {
        let mut file = sample();
        for (builder, send) in sends_by_builder(&mut file) {
            super::pass_explicitly(send).unwrap_or_else(|e| panic!("{builder}: {e}"));
            assert_eq!(
                send.sig.inputs.to_token_stream().to_string(),
                "self , call : & mut crate :: hooks :: Call"
            );
            assert!(super::pass_explicitly(send).is_err(), "{builder}: twice");
        }
    }
}
