//! Open enums: every string enum the generator writes gets an `Unknown(String)` variant.
//!
//! typify writes closed enums: a value the spec does not list fails the whole response. A
//! real API adds values (a new location status, a new role) before its docs do, and a
//! client must keep working and hand the value on. So, after progenitor and before
//! formatting, each generated string enum gets a last variant
//! `#[serde(untagged)] Unknown(String)` (serde tries it after the named ones), `Copy` is
//! dropped from its derives, `Display` writes the kept value, and `FromStr` accepts any
//! string. `cargo xtask verify` still reports such a value as drift: it checks the spec's
//! schema, not the open type.

use syn::parse::Parser;
use syn::{Arm, Attribute, Expr, Fields, ImplItem, Item, Stmt, Variant};

/// Opens every string enum of the generated `types` module; returns their names.
pub fn open(file: &mut syn::File) -> Result<Vec<String>, String> {
    let types =
        super::module_mut(file, "types").ok_or("progenitor's output has no `types` module")?;
    let mut opened = Vec::new();
    for item in types.iter_mut() {
        if let Item::Enum(enumeration) = item
            && is_string_enum(enumeration)
        {
            open_enum(enumeration)?;
            opened.push(enumeration.ident.to_string());
        }
    }
    for item in types.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let Some((trait_path, _)) = &block.trait_ else {
            continue;
        };
        let self_name = quote_free_name(&block.self_ty);
        if !opened.contains(&self_name) {
            continue;
        }
        let trait_name = trait_path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let (method, arm) = match trait_name.as_str() {
            "Display" => ("fmt", "Self::Unknown(ref value) => f.write_str(value),"),
            "FromStr" => ("from_str", "other => Ok(Self::Unknown(other.to_string())),"),
            _ => continue,
        };
        let arm: Arm = syn::parse_str(arm).map_err(|e| e.to_string())?;
        for member in &mut block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            if function.sig.ident != method {
                continue;
            }
            let arms = function
                .block
                .stmts
                .iter_mut()
                .find_map(|stmt| match stmt {
                    Stmt::Expr(Expr::Match(found), _) => Some(&mut found.arms),
                    _ => None,
                })
                .ok_or_else(|| format!("`{trait_name} for {self_name}` has no match to open"))?;
            // FromStr ends in `_ => Err("invalid value")`: any other string is now a value.
            arms.retain(|existing| !matches!(existing.pat, syn::Pat::Wild(_)));
            arms.push(arm.clone());
        }
    }
    Ok(opened)
}

/// An enum whose variants are all unit variants renamed to strings: typify's string enum.
fn is_string_enum(enumeration: &syn::ItemEnum) -> bool {
    !enumeration.variants.is_empty()
        && enumeration.variants.iter().all(|variant| {
            matches!(variant.fields, Fields::Unit)
                && variant.attrs.iter().any(|a| a.path().is_ident("serde"))
        })
}

fn open_enum(enumeration: &mut syn::ItemEnum) -> Result<(), String> {
    for attribute in &mut enumeration.attrs {
        if !attribute.path().is_ident("derive") {
            continue;
        }
        let paths = attribute
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .map_err(|e| e.to_string())?;
        let kept: Vec<String> = paths
            .iter()
            .filter(|path| !path.is_ident("Copy"))
            .map(|path| {
                path.segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::")
            })
            .map(|path| {
                if path.starts_with("serde::") {
                    format!("::{path}")
                } else {
                    path
                }
            })
            .collect();
        let mut rebuilt = Attribute::parse_outer
            .parse_str(&format!("#[derive({})]", kept.join(", ")))
            .map_err(|e| e.to_string())?;
        *attribute = rebuilt.remove(0);
    }
    let unknown: Variant = syn::parse_str(
        "/// A value this client does not know yet (the server added it), kept as sent.\n\
         #[serde(untagged)]\n\
         Unknown(::std::string::String)",
    )
    .map_err(|e| e.to_string())?;
    enumeration.variants.push(unknown);
    Ok(())
}

/// The last identifier of a type path (`Role` for `Role` or `types::Role`).
fn quote_free_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::super::passes::tests::sample;

    #[test]
    fn the_string_enum_gets_an_unknown_variant_and_keeps_any_value() {
        let mut file = sample();
        assert_eq!(super::open(&mut file).unwrap(), ["Color"]);
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains("Unknown (:: std :: string :: String)")
                || text.contains("Unknown (String)"),
            "{text}"
        );
        assert!(text.contains("Self :: Unknown (ref value) => f . write_str (value)"));
        assert!(text.contains("other => Ok (Self :: Unknown (other . to_string ()))"));
    }
}
