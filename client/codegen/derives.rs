//! `schemars::JsonSchema` for every generated type, behind the client's `schemars` feature.
//!
//! typify could add the derive itself (`with_derive`), but unconditionally: every user would
//! compile schemars. So, after progenitor, each struct and enum of the `types` module that
//! derives serde's traits gets `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`;
//! schemars reads the same serde attributes (renames, defaults, `untagged`) the wire uses.

use syn::{Attribute, Item};

/// Adds the conditional derive; returns how many types got it.
pub fn add_json_schema(file: &mut syn::File) -> Result<usize, String> {
    let Some(types) = super::module_mut(file, "types") else {
        return Ok(0);
    };
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

fn derives_serde(attribute: &Attribute) -> bool {
    attribute.path().is_ident("derive")
        && quote::ToTokens::to_token_stream(attribute)
            .to_string()
            .contains("Deserialize")
}
