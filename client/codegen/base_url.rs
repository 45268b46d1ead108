//! No URL parse per call: progenitor formats every request's URL as a string
//! (`format!("{}/organizations", client.baseurl)`) that reqwest then parses in full:
//! scheme, host (IDNA included) and path: about 7 k instructions, 6 % of a call on
//! loopback. The base URL is parsed once, when the client is built; this pass makes
//! each `send` format only the operation's path and hand it to `Context::endpoint`
//! (client/urls.rs), which puts it on the parsed base. The path goes through the same
//! parser (`Url::set_path`), so the URL sent is the one a full parse gives.

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Expr, LitStr, Stmt, Token};

/// Rewrites the URL of every generated `send`; returns how many were rewritten.
pub fn parse_once(file: &mut syn::File) -> Result<usize, String> {
    let mut rewritten = 0;
    for stmts in super::sends_mut(file) {
        let mut found = 0;
        for stmt in &mut *stmts {
            if let Some(replacement) = endpoint_statement(stmt)? {
                *stmt = replacement;
                found += 1;
            }
        }
        if found != 1 {
            return Err(format!(
                "a `send` of progenitor's builders has {found} `let url = format!(..)` statements, not 1: has progenitor changed? (client/codegen/base_url.rs)"
            ));
        }
        rewritten += 1;
    }
    Ok(rewritten)
}

/// `let url = format!("{}/path/{}", client.baseurl, args..);` becomes
/// `let url = client.inner.endpoint(format_args!("/path/{}", args..));`; any other
/// statement is left alone (`None`).
fn endpoint_statement(stmt: &Stmt) -> Result<Option<Stmt>, String> {
    let Stmt::Local(local) = stmt else {
        return Ok(None);
    };
    if local.pat.to_token_stream().to_string() != "url" {
        return Ok(None);
    }
    let Some(Expr::Macro(call)) = local.init.as_ref().map(|init| &*init.expr) else {
        return Ok(None);
    };
    if !call.mac.path.is_ident("format") {
        return Ok(None);
    }
    let unexpected = |why: &str| {
        format!(
            "progenitor's URL `{}` {why}: has progenitor changed? (client/codegen/base_url.rs)",
            call.mac.tokens
        )
    };
    let arguments = call
        .mac
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .map_err(|e| unexpected(&format!("does not parse ({e})")))?;
    let mut arguments = arguments.into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    })) = arguments.next()
    else {
        return Err(unexpected("does not start with a string"));
    };
    let Some(path) = template.value().strip_prefix("{}").map(str::to_string) else {
        return Err(unexpected("does not start with the base URL"));
    };
    match arguments.next() {
        Some(base) if base.to_token_stream().to_string() == "client . baseurl" => {}
        _ => return Err(unexpected("does not take `client.baseurl` first")),
    }
    let path = LitStr::new(&path, template.span());
    let rest: Vec<Expr> = arguments.collect();
    Ok(Some(syn::parse_quote! {
        let url = client.inner.endpoint(format_args!(#path #(, #rest)*));
    }))
}
