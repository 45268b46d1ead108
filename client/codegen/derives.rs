//! `schemars::JsonSchema` for every generated type, behind the client's `schemars` feature.
//!
//! typify could add the derive itself (`with_derive`), but unconditionally: every user would
//! compile schemars. So, after progenitor, each struct and enum of the `types` module that
//! derives serde's traits gets `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`;
//! schemars reads the same serde attributes (renames, defaults, `untagged`) the wire uses.

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Token};

/// Adds the conditional derive; returns how many types got it.
pub fn add_json_schema(file: &mut syn::File) -> Result<usize, String> {
    let types =
        super::module_mut(file, "types").ok_or("progenitor's output has no `types` module")?;
    let attribute: Attribute = syn::parse_quote!(
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
    );
    let mut count = 0;
    for item in types.iter_mut() {
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
fn derives_serde(attribute: &Attribute) -> bool {
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
}
