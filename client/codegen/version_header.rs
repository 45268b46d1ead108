//! No `api-version` header: progenitor builds a header map per call only to send
//! `api-version: <info.version of the spec>`. The vendor versions by path (`/api/v1`) and
//! documents no such header; our spec's version means nothing to the server and could be
//! misread by a versioning middleware. Removing it here, after progenitor, also spares every
//! call the map's allocation and the hook's removal of the header.

use syn::visit::Visit;
use syn::{Expr, ExprMethodCall, ImplItemFn, Pat, Stmt};

/// Removes the header from one generated `send`: the one statement
/// `header_map.append(HeaderName::from_static("api-version"), ..)`, and, when no other
/// header is appended, the map's capacity (`let header_map = HeaderMap::new()`).
pub fn remove(send: &mut ImplItemFn) -> Result<(), String> {
    let stmts = &mut send.block.stmts;
    let before = stmts.len();
    stmts.retain(|stmt| !matches!(stmt, Stmt::Expr(Expr::MethodCall(call), _) if appends(call, Some("api-version"))));
    if before - stmts.len() != 1 {
        return Err(format!(
            "{} statements append the `api-version` header, not 1",
            before - stmts.len()
        ));
    }
    let mut others = Appends(0);
    for stmt in stmts.iter() {
        others.visit_stmt(stmt);
    }
    if others.0 == 0 {
        // A map with no header left to append: an empty one allocates nothing.
        let map = stmts
            .iter_mut()
            .find(|stmt| matches!(stmt, Stmt::Local(local) if is_mut_binding(&local.pat, "header_map")))
            .ok_or("no `let mut header_map` to empty")?;
        *map = syn::parse_quote! {
            let header_map = ::reqwest::header::HeaderMap::new();
        };
    }
    Ok(())
}

/// Whether `call` is `header_map.append(..)`, of the header `name` when one is given
/// (`HeaderName::from_static("name")`).
fn appends(call: &ExprMethodCall, name: Option<&str>) -> bool {
    let on_map = matches!(&*call.receiver, Expr::Path(path) if path.path.is_ident("header_map"));
    let named = || match call.args.first() {
        Some(Expr::Call(header)) => match (&*header.func, header.args.first()) {
            (
                Expr::Path(function),
                Some(Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                })),
            ) => {
                function
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "from_static")
                    && Some(text.value().as_str()) == name
            }
            _ => false,
        },
        _ => false,
    };
    call.method == "append" && on_map && (name.is_none() || named())
}

/// `mut name` as a pattern.
fn is_mut_binding(pat: &Pat, name: &str) -> bool {
    matches!(pat, Pat::Ident(binding) if binding.mutability.is_some() && binding.ident == name)
}

/// Counts `header_map.append(..)` calls anywhere (an optional header's is inside an `if`).
struct Appends(usize);

impl<'ast> Visit<'ast> for Appends {
    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        if appends(call, None) {
            self.0 += 1;
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::super::passes::{sends_by_builder, tests::sample};

    #[test]
    fn the_header_goes_and_an_empty_map_allocates_nothing() {
        let mut file = sample();
        for (builder, send) in sends_by_builder(&mut file) {
            super::remove(send).unwrap_or_else(|e| panic!("{builder}: {e}"));
            let text = send.block.to_token_stream().to_string();
            assert!(!text.contains("api-version"), "{builder}: {text}");
            // Only createWidget has a header of its own (`X-Trace`) to append.
            assert_eq!(
                text.contains("HeaderMap :: new ()"),
                builder != "CreateWidget",
                "{builder}: {text}"
            );
        }
    }

    #[test]
    fn a_send_without_the_header_is_refused() {
        let mut file = sample();
        let (_, send) = sends_by_builder(&mut file).into_iter().next().unwrap();
        super::remove(send).unwrap();
        let error = super::remove(send).unwrap_err();
        assert!(error.contains("0 statements append"), "{error}");
    }
}
