//! `schemars::JsonSchema` for every generated type, behind the client's `schemars` feature;
//! and `#[non_exhaustive]` on every type the spec can grow.
//!
//! typify could add the derive itself (`with_derive`), but unconditionally: every user would
//! compile schemars. So, after progenitor, each struct and enum of the `types` module that
//! derives serde's traits gets `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`;
//! schemars reads the same serde attributes (renames, defaults, `untagged`) the wire uses.

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Token};

/// Adds the conditional derive; returns how many types got it.
pub fn add_json_schema(file: &mut syn::File) -> Result<usize, String> {
    let attribute: Attribute = syn::parse_quote!(
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
    );
    mark_serde_types(file, &attribute, |_| true)
}

/// Marks every struct with named fields and every enum of the `types` module that derives
/// serde's traits `#[non_exhaustive]`: the spec can add an optional field or an enum value
/// without a breaking change on the wire, and then it is none in Rust either (no struct
/// literal or exhaustive `match` outside this crate to break; builders make the types).
/// Returns how many types got it.
pub fn mark_non_exhaustive(file: &mut syn::File) -> Result<usize, String> {
    let attribute: Attribute = syn::parse_quote!(#[non_exhaustive]);
    mark_serde_types(file, &attribute, |item| match item {
        Item::Struct(item) => matches!(item.fields, syn::Fields::Named(_)),
        _ => true,
    })
}

/// Adds `attribute` to every struct and enum of the `types` module that derives serde's
/// traits and that `wanted` accepts; returns how many got it.
fn mark_serde_types(
    file: &mut syn::File,
    attribute: &Attribute,
    wanted: impl Fn(&Item) -> bool,
) -> Result<usize, String> {
    let types =
        super::module_mut(file, "types").ok_or("progenitor's output has no `types` module")?;
    let mut count = 0;
    for item in types.iter_mut() {
        if !wanted(item) {
            continue;
        }
        let attributes = match item {
            Item::Struct(item) => &mut item.attrs,
            Item::Enum(item) => &mut item.attrs,
            _ => continue,
        };
        if attributes.iter().any(derives_serde) {
            attributes.push(attribute.clone());
            count += 1;
        }
    }
    Ok(count)
}

/// `#[derive(.., Deserialize, ..)]`, by any path (`::serde::Deserialize`).
pub(super) fn derives_serde(attribute: &Attribute) -> bool {
    attribute.path().is_ident("derive")
        && attribute
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .is_ok_and(|paths| {
                paths
                    .iter()
                    .any(|p| p.segments.last().is_some_and(|s| s.ident == "Deserialize"))
            })
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::super::passes::tests::sample;

    #[test]
    fn every_serde_type_derives_the_schema_behind_the_feature() {
        let mut file = sample();
        let count = super::add_json_schema(&mut file).unwrap();
        let types = super::super::module(&file, "types");
        let serde_types = types
            .iter()
            .filter(|item| matches!(item, syn::Item::Struct(_) | syn::Item::Enum(_)))
            .filter(|item| item.to_token_stream().to_string().contains("Deserialize"))
            .count();
        // Color, Error, NewWidget, Widget, and the builder-less ones typify adds.
        assert!(count >= 4, "{count}");
        assert_eq!(count, serde_types);
        let text = file.to_token_stream().to_string();
        assert_eq!(
            text.matches("cfg_attr (feature = \"schemars\" , derive (:: schemars :: JsonSchema))")
                .count(),
            count
        );
    }

    #[test]
    fn every_serde_struct_and_enum_is_non_exhaustive() {
        let mut file = sample();
        let count = super::mark_non_exhaustive(&mut file).unwrap();
        let types = super::super::module(&file, "types");
        let marked: Vec<String> = types
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s)
                    if s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) =>
                {
                    Some(s.ident.to_string())
                }
                syn::Item::Enum(e)
                    if e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) =>
                {
                    Some(e.ident.to_string())
                }
                _ => None,
            })
            .collect();
        assert_eq!(marked.len(), count);
        for name in ["Color", "NewWidget", "Widget"] {
            assert!(marked.iter().any(|m| m == name), "{name}: {marked:?}");
        }
    }
}
