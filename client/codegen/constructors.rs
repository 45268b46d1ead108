//! `new` for every generated struct: its required fields as arguments, so that a value
//! without one does not compile; and a `with_…` setter for each optional field, taking
//! `impl Into<T>` (`.with_description("x")`, no `Some(..to_string())`). typify's builders check required fields only when the
//! value is built (at run time), and the types are `#[non_exhaustive]`, so outside this
//! crate no struct literal can make one either.

use quote::ToTokens;
use syn::{Fields, Item, Type};

/// Adds `new` to every struct with named fields of the `types` module that derives
/// serde's traits; returns how many got one. Its arguments are in the order of the
/// schema's `required` list when `required` has the type (by name), else in field order.
pub fn add(
    file: &mut syn::File,
    required_order: &std::collections::BTreeMap<String, Vec<String>>,
) -> Result<usize, String> {
    let types =
        super::module_mut(file, "types").ok_or("progenitor's output has no `types` module")?;
    let mut added: Vec<Item> = Vec::new();
    for item in types.iter() {
        let Item::Struct(item) = item else { continue };
        let Fields::Named(fields) = &item.fields else {
            continue;
        };
        if !item.attrs.iter().any(super::derives::derives_serde) {
            continue;
        }
        let mut arguments = Vec::new();
        let mut fields_init = Vec::new();
        let mut required = Vec::new();
        let mut setters: Vec<syn::ImplItemFn> = Vec::new();
        let order = required_order.get(&item.ident.to_string());
        let rank = |field: &&syn::Field| {
            let name = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            order
                .and_then(|o| o.iter().position(|r| *r == name))
                .unwrap_or(usize::MAX)
        };
        let mut in_order: Vec<&syn::Field> = fields.named.iter().collect();
        in_order.sort_by_key(rank);
        for field in in_order {
            let name = field.ident.as_ref().expect("named");
            let ty = &field.ty;
            if optional(field) {
                fields_init.push(quote::quote!(#name: ::std::default::Default::default()));
                let setter = quote::format_ident!("with_{}", name);
                let doc = format!("Sets the optional `{name}`.");
                setters.push(match option_inner(ty) {
                    Some(inner) => syn::parse_quote! {
                        #[doc = #doc]
                        pub fn #setter(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                            self.#name = ::std::option::Option::Some(value.into());
                            self
                        }
                    },
                    None => syn::parse_quote! {
                        #[doc = #doc]
                        pub fn #setter(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                            self.#name = value.into();
                            self
                        }
                    },
                });
            } else {
                arguments.push(quote::quote!(#name: impl ::std::convert::Into<#ty>));
                fields_init.push(quote::quote!(#name: #name.into()));
                required.push(format!("`{name}`"));
            }
        }
        let ident = &item.ident;
        let doc = if required.is_empty() {
            "A value with every field empty; set them with the `with_…` methods.".to_string()
        } else {
            format!(
                "A value with its required fields ({}); the optional ones are empty: set them with the `with_…` methods.",
                required.join(", ")
            )
        };
        added.push(syn::parse_quote! {
            impl #ident {
                #[doc = #doc]
                #[allow(clippy::new_without_default)]
                pub fn new(#(#arguments),*) -> Self {
                    Self { #(#fields_init),* }
                }
                #(#setters)*
            }
        });
    }
    let count = added.len();
    types.extend(added);
    Ok(count)
}

/// `T` of `Option<T>` (by any path to `Option`).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// A field a value may leave empty: an `Option`, or one serde fills in when it is absent.
fn optional(field: &syn::Field) -> bool {
    let option = matches!(&field.ty, Type::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "Option"));
    let defaulted = field
        .attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && a.to_token_stream().to_string().contains("default"));
    option || defaulted
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::super::passes::tests::sample;

    #[test]
    fn every_serde_struct_gets_new_with_its_required_fields() {
        let mut file = sample();
        let count = super::add(&mut file, &Default::default()).unwrap();
        assert!(count >= 2, "{count}");
        let types = super::super::module(&file, "types");
        let text: String = types
            .iter()
            .map(|i| i.to_token_stream().to_string())
            .collect();
        assert_eq!(text.matches("pub fn new (").count(), count);
        // NewWidget: `name` is required, `color` optional (testdata/sample.yaml).
        assert!(
            text.contains("impl NewWidget { # [doc = \"A value with its required fields (`name`); the optional ones are empty: set them with the `with_…` methods.\"] # [allow (clippy :: new_without_default)] pub fn new (name : impl :: std :: convert :: Into < :: std :: string :: String >) -> Self { Self { color : :: std :: default :: Default :: default () , name : name . into () } } # [doc = \"Sets the optional `color`.\"] pub fn with_color (mut self , value : impl :: std :: convert :: Into < Color >) -> Self { self . color = :: std :: option :: Option :: Some (value . into ()) ; self } }"),
            "{text}"
        );
    }
}
