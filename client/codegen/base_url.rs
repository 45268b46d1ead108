//! No URL parse per call: progenitor formats every request's URL as a string
//! (`format!("{}/organizations", client.baseurl)`) that reqwest then parses in full:
//! scheme, host (IDNA included) and path: about 7 k instructions, 6 % of a call on
//! loopback. The base URL is parsed once, when the client is built; this pass makes
//! each `send` format only the operation's path and hand it to `Context::endpoint`
//! (client/urls.rs), which puts it on the parsed base. The path goes through the same
//! parser (`Url::set_path`), so the URL sent is the one a full parse gives.

use syn::punctuated::Punctuated;
use syn::{Expr, ImplItemFn, LitStr, Stmt, Token};

/// Rewrites the URL of one generated `send`: its one `let url = format!(..)`.
pub fn parse_once(send: &mut ImplItemFn) -> Result<(), String> {
    let mut found = 0;
    for stmt in &mut send.block.stmts {
        if let Some(replacement) = endpoint_statement(stmt)? {
            *stmt = replacement;
            found += 1;
        }
    }
    match found {
        1 => Ok(()),
        _ => Err(format!(
            "it has {found} `let url = format!(..)` statements, not 1"
        )),
    }
}

/// `let url = format!("{}/path/{}", client.baseurl, args..);` becomes
/// `let url = client.inner.endpoint(format_args!("/path/{}", args..));`; any other
/// statement is left alone (`None`).
fn endpoint_statement(stmt: &Stmt) -> Result<Option<Stmt>, String> {
    let Stmt::Local(local) = stmt else {
        return Ok(None);
    };
    if !matches!(&local.pat, syn::Pat::Ident(binding) if binding.ident == "url") {
        return Ok(None);
    }
    let Some(Expr::Macro(call)) = local.init.as_ref().map(|init| &*init.expr) else {
        return Ok(None);
    };
    if !call.mac.path.is_ident("format") {
        return Ok(None);
    }
    let unexpected = |why: &str| format!("its URL `format!({})` {why}", call.mac.tokens);
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
        Some(Expr::Field(field))
            if matches!(&field.member, syn::Member::Named(name) if name == "baseurl")
                && matches!(&*field.base, Expr::Path(base) if base.path.is_ident("client")) => {}
        _ => return Err(unexpected("does not take `client.baseurl` first")),
    }
    let path = LitStr::new(&path, template.span());
    let rest: Vec<Expr> = arguments.collect();
    Ok(Some(syn::parse_quote! {
        let url = client.inner.endpoint(format_args!(#path #(, #rest)*));
    }))
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::super::passes::{sends_by_builder, tests::sample};

    #[test]
    fn each_url_is_its_path_on_the_parsed_base() {
        let mut file = sample();
        let mut urls = Vec::new();
        for (builder, send) in sends_by_builder(&mut file) {
            super::parse_once(send).unwrap_or_else(|e| panic!("{builder}: {e}"));
            let text = send.block.to_token_stream().to_string();
            assert!(!text.contains("baseurl"), "{builder}: {text}");
            let start = text.find("endpoint (").expect("the endpoint call");
            urls.push(text[start..].split(')').next().unwrap().to_string());
        }
        assert!(
            urls.iter()
                .any(|u| u.contains("\"/widgets/{}\" , encode_path")),
            "{urls:?}"
        );
    }

    #[test]
    fn a_send_without_its_url_is_refused() {
        let mut file = sample();
        let (_, send) = sends_by_builder(&mut file).into_iter().next().unwrap();
        super::parse_once(send).unwrap();
        let error = super::parse_once(send).unwrap_err();
        assert!(error.contains("0 `let url = format!(..)`"), "{error}");
    }
}
