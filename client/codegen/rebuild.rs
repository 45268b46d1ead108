//! No copy of a request in case it is retried: reqwest consumes the request it sends, so a
//! retry needs another one, and copying each request before it is sent (URL, headers, body:
//! four allocations) made every call pay about 1.4 % for a retry most never make. The typed
//! body and the parameters are still at hand in the generated `send` while the request is
//! out, so this pass puts the statements that build the request in a closure, `build`, and
//! hands it to the hooks' retry loop (`exec_with_retries`, client/hooks.rs), which calls it
//! again only when an attempt is retried. The same statements build every attempt: the same
//! URL, headers and body bytes.

use syn::Stmt;

/// Rewrites one generated `send`.
pub fn build_on_demand(send: &mut syn::ImplItemFn) -> Result<(), String> {
    let error = error_type(&send.sig.output)
        .ok_or_else(|| unexpected("does not return `Result<_, Error<_>>`"))?;
    rewrite(&mut send.block.stmts, &error)
}

fn unexpected(why: &str) -> String {
    format!("it {why}")
}

/// The error type of `-> Result<T, E>`.
fn error_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else {
        return None;
    };
    let result = path.path.segments.last().filter(|s| s.ident == "Result")?;
    let syn::PathArguments::AngleBracketed(arguments) = &result.arguments else {
        return None;
    };
    match arguments.args.iter().nth(1)? {
        syn::GenericArgument::Type(error) => Some(error.clone()),
        _ => None,
    }
}

/// In one `send`: the statements from `let url = ..` to `let mut request = ..build()?;`
/// become `let build = || -> Result<_, E> { ..; Ok(..build()?) };` and
/// `let mut request = build()?;`, and `client.exec(request, &info)` becomes
/// `client.exec_with_retries(request, &info, &build, call)`.
fn rewrite(stmts: &mut Vec<Stmt>, error: &syn::Type) -> Result<(), String> {
    let url = only(stmts, |s| binds(s, "url", false))
        .ok_or_else(|| unexpected("has not exactly one `let url`"))?;
    let request = only(stmts, |s| binds(s, "request", true))
        .ok_or_else(|| unexpected("has not exactly one `let mut request`"))?;
    let exec = only(stmts, is_exec)
        .ok_or_else(|| unexpected("has not exactly one `client.exec(request, &info)`"))?;
    if !(url < request && request < exec) {
        return Err(unexpected("builds its request in another order"));
    }
    let Stmt::Local(local) = &stmts[request] else {
        unreachable!("local_named matched it")
    };
    let attrs = local.attrs.clone();
    let Some(built) = local.init.as_ref().map(|init| &init.expr) else {
        return Err(unexpected("declares its request without building it"));
    };
    let mut preparing = stmts[url..request].to_vec();
    let (closure, first): (Stmt, Stmt) = if moves_its_body(built) {
        // A raw body (`reqwest::Body`, a text `String`) is moved into the request: it can
        // be sent once, as reqwest's own retries treat a streamed body.
        (
            syn::parse_quote! {
                let build = || -> Result<::reqwest::Request, #error> {
                    Err(Error::InvalidRequest("a raw body is sent once".to_string()))
                };
            },
            syn::parse_quote! {
                #(#attrs)*
                let mut request = { #(#preparing)* #built };
            },
        )
    } else {
        // An optional header parameter is matched by value (`if let Some(value) =
        // x_id`): by reference, the closure can run again.
        preparing.iter_mut().for_each(borrow_optional_header);
        // The closure fails as `send` does (a header value that cannot be sent, a request
        // reqwest cannot build), so its `?`s keep their meaning.
        (
            syn::parse_quote! {
                let build = || -> Result<::reqwest::Request, #error> {
                    #(#preparing)*
                    Ok(#built)
                };
            },
            syn::parse_quote! {
                #(#attrs)*
                let mut request = build()?;
            },
        )
    };
    // `call`: the `send`'s parameter for the call's state (client/codegen/call_state.rs).
    stmts[exec] = syn::parse_quote! {
        let result = client.exec_with_retries(request, &info, &build, call).await;
    };
    stmts.splice(url..=request, [closure, first]);
    Ok(())
}

/// The index of the one statement that matches; `None` for none or several.
fn only(stmts: &[Stmt], matches: impl Fn(&Stmt) -> bool) -> Option<usize> {
    let mut found = stmts.iter().enumerate().filter(|(_, s)| matches(s));
    match (found.next(), found.next()) {
        (Some((index, _)), None) => Some(index),
        _ => None,
    }
}

/// Whether `stmt` is `let name = ..` (`let mut name` when `mutable`).
fn binds(stmt: &Stmt, name: &str, mutable: bool) -> bool {
    matches!(stmt, Stmt::Local(local)
        if matches!(&local.pat, syn::Pat::Ident(binding)
            if binding.ident == name && binding.mutability.is_some() == mutable))
}

/// `let result = client.exec(request, &info).await;`
fn is_exec(stmt: &Stmt) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let Some(syn::Expr::Await(awaited)) = local.init.as_ref().map(|init| &*init.expr) else {
        return false;
    };
    let syn::Expr::MethodCall(call) = &*awaited.base else {
        return false;
    };
    let is_path = |expr: &syn::Expr, name: &str| matches!(expr, syn::Expr::Path(path) if path.path.is_ident(name));
    let args: Vec<&syn::Expr> = call.args.iter().collect();
    call.method == "exec"
        && is_path(&call.receiver, "client")
        && matches!(args.as_slice(), [request, syn::Expr::Reference(info)]
            if is_path(request, "request") && is_path(&info.expr, "info"))
}

/// Whether the request chain moves a value into the request: `.body(body)`.
fn moves_its_body(built: &syn::Expr) -> bool {
    let mut expr = built;
    loop {
        match expr {
            syn::Expr::Try(inner) => expr = &inner.expr,
            syn::Expr::MethodCall(call) if call.method == "body" => return true,
            syn::Expr::MethodCall(call) => expr = &call.receiver,
            _ => return false,
        }
    }
}

/// `if let Some(value) = x { .. }` becomes `if let Some(value) = &x { .. }`.
fn borrow_optional_header(stmt: &mut Stmt) {
    if let Stmt::Expr(syn::Expr::If(branch), _) = stmt
        && let syn::Expr::Let(binding) = &mut *branch.cond
        && let syn::Expr::Path(_) = &*binding.expr
    {
        let value = &binding.expr;
        *binding.expr = syn::parse_quote!(&#value);
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::super::passes::{sends_by_builder, tests::sample};

    #[test]
    fn each_request_is_built_by_a_closure_the_retry_loop_calls_again() {
        let mut file = sample();
        for (builder, send) in sends_by_builder(&mut file) {
            super::build_on_demand(send).unwrap_or_else(|e| panic!("{builder}: {e}"));
            let text = send.block.to_token_stream().to_string();
            assert!(text.contains("let build = | |"), "{builder}: {text}");
            assert!(
                text.contains("let mut request = build () ?"),
                "{builder}: {text}"
            );
            assert!(
                text.contains("client . exec_with_retries (request , & info , & build , call)"),
                "{builder}: {text}"
            );
            // Once rewritten, there is no `exec` left for it to find.
            let error = super::build_on_demand(send).unwrap_err();
            assert!(error.contains("exactly one"), "{builder}: {error}");
        }
    }

    #[test]
    fn an_optional_header_is_borrowed_so_the_closure_can_run_again() {
        let mut file = sample();
        let (_, send) = sends_by_builder(&mut file)
            .into_iter()
            .find(|(builder, _)| builder == "CreateWidget")
            .unwrap();
        super::build_on_demand(send).unwrap();
        let text = send.block.to_token_stream().to_string();
        assert!(text.contains("= & x_trace"), "{text}");
    }
}
