//! No `api-version` header: progenitor builds a header map per call only to send
//! `api-version: <info.version of the spec>`. The vendor versions by path (`/api/v1`) and
//! documents no such header; our spec's version means nothing to the server and could be
//! misread by a versioning middleware. Removing it here, after progenitor, also spares every
//! call the map's allocation and the hook's removal of the header.

use quote::ToTokens;
use syn::Stmt;

/// Removes the header from every generated `send`; returns how many it was removed from.
pub fn remove(file: &mut syn::File) -> Result<usize, String> {
    let mut removed = 0;
    for stmts in super::sends_mut(file) {
        let before = stmts.len();
        stmts.retain(|stmt| !tokens(stmt).contains("\"api-version\""));
        if stmts.len() + 1 != before {
            return Err(format!(
                "a `send` of progenitor's builders has {} `api-version` statements, not 1: has progenitor changed? (client/codegen/version_header.rs)",
                before - stmts.len()
            ));
        }
        removed += 1;
        // A map with no header left to append: an empty one allocates nothing.
        if !stmts
            .iter()
            .any(|s| tokens(s).contains("header_map . append"))
        {
            for stmt in stmts.iter_mut() {
                if tokens(stmt).starts_with("let mut header_map =") {
                    *stmt = syn::parse_quote! {
                        let header_map = ::reqwest::header::HeaderMap::new();
                    };
                }
            }
        }
    }
    Ok(removed)
}

fn tokens(stmt: &Stmt) -> String {
    stmt.to_token_stream().to_string()
}
