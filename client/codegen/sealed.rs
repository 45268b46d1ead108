//! Sealed extension traits in the typed mocks (feature `mock`).
//!
//! progenitor's `httpmock` generator writes `pub trait MockServerExt` with one method per
//! operation, implemented for `::httpmock::MockServer`. A public trait that anyone may
//! implement turns every operation added to the spec into a breaking change: an outside
//! impl lacks the new method (cargo-semver-checks' `trait_method_added`). Nobody needs to
//! implement it (its only impl is the one generated), so every public trait of the mock
//! code gets a supertrait in a private module, `sealed::Sealed`, implemented for the types
//! the generated impls are for and nothing else. Code outside the crate can still call
//! the methods, but cannot implement the trait: a new operation is a new method, a minor
//! change, as `cargo xtask diff` counts it.

use quote::ToTokens;
use syn::{Item, ItemTrait, Visibility};

/// The private module that holds the supertrait.
const MODULE: &str = "sealed";

/// Seals every public trait at the top of the generated mock code; returns their names.
/// Fails when there is none, when a trait has no impl to keep, or when the file already
/// has an item named like the private module.
pub fn seal(file: &mut syn::File) -> Result<Vec<String>, String> {
    if file.items.iter().any(|item| named(item, MODULE)) {
        return Err(format!(
            "the mock code already has an item named `{MODULE}`"
        ));
    }
    let mut sealed = Vec::new();
    // The types of the generated impls of the sealed traits, each once, in order.
    let mut implementors: Vec<syn::Type> = Vec::new();
    for index in 0..file.items.len() {
        let Item::Trait(tr) = &file.items[index] else {
            continue;
        };
        if !matches!(tr.vis, Visibility::Public(_)) {
            continue;
        }
        let name = tr.ident.clone();
        let impls: Vec<syn::Type> = file
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Impl(block) => {
                    let (path, _) = block.trait_.as_ref()?;
                    path.is_ident(&name).then(|| (*block.self_ty).clone())
                }
                _ => None,
            })
            .collect();
        if impls.is_empty() {
            return Err(format!(
                "`{name}` has no impl in the mock code: nothing to seal it for"
            ));
        }
        for ty in impls {
            let text = ty.to_token_stream().to_string();
            if !implementors
                .iter()
                .any(|known| known.to_token_stream().to_string() == text)
            {
                implementors.push(ty);
            }
        }
        let Item::Trait(tr) = &mut file.items[index] else {
            unreachable!("checked above")
        };
        add_supertrait(tr);
        sealed.push(name.to_string());
    }
    if sealed.is_empty() {
        return Err("the mock code has no public trait to seal: has progenitor changed?".into());
    }
    let module = syn::Ident::new(MODULE, proc_macro2::Span::call_site());
    file.items.push(syn::parse_quote! {
        /// The supertrait that seals this module's extension traits: public, so that it may
        /// bound them, in a private module, so that no other crate can implement it.
        mod #module {
            pub trait Sealed {}
            #(impl Sealed for #implementors {})*
        }
    });
    Ok(sealed)
}

/// `sealed::Sealed` as the trait's first supertrait, and a line of its docs that says so.
fn add_supertrait(tr: &mut ItemTrait) {
    let module = syn::Ident::new(MODULE, proc_macro2::Span::call_site());
    let bound: syn::TypeParamBound = syn::parse_quote!(#module::Sealed);
    tr.supertraits.insert(0, bound);
    if tr.colon_token.is_none() {
        tr.colon_token = Some(Default::default());
    }
    let docs: [syn::Attribute; 3] = [
        syn::parse_quote!(#[doc = ""]),
        syn::parse_quote!(#[doc = " Sealed: only this crate implements it, so an operation added to the spec is"]),
        syn::parse_quote!(#[doc = " a new method here, not a breaking change."]),
    ];
    // After the trait's own docs, before any other attribute.
    let at = tr
        .attrs
        .iter()
        .rposition(|a| a.path().is_ident("doc"))
        .map_or(0, |last| last + 1);
    for (offset, doc) in docs.into_iter().enumerate() {
        tr.attrs.insert(at + offset, doc);
    }
}

fn named(item: &Item, name: &str) -> bool {
    match item {
        Item::Mod(m) => m.ident == name,
        Item::Trait(t) => t.ident == name,
        Item::Struct(s) => s.ident == name,
        Item::Enum(e) => e.ident == name,
        Item::Fn(f) => f.sig.ident == name,
        Item::Use(_) => false,
        Item::Type(t) => t.ident == name,
        Item::Const(c) => c.ident == name,
        Item::Static(s) => s.ident == name,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    const SAMPLE_SPEC: &str = include_str!("testdata/sample.yaml");
    const PROJECT_SPEC: &str = include_str!("../../openapi/answering-agent.yaml");

    #[test]
    fn the_sample_mock_trait_is_sealed_for_the_mock_server_only() {
        let mut file = super::super::mock_before_passes("sample.yaml", SAMPLE_SPEC, "crate")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(super::seal(&mut file).unwrap(), ["MockServerExt"]);
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains("pub trait MockServerExt : sealed :: Sealed {"),
            "{text}"
        );
        assert!(
            text.contains(
                "mod sealed { pub trait Sealed { } impl Sealed for :: httpmock :: MockServer { } }"
            ),
            "{text}"
        );
        // The generated impl is untouched, and the trait's docs say why it is sealed.
        assert!(text.contains("impl MockServerExt for :: httpmock :: MockServer {"));
        assert!(text.contains("only this crate implements it"));
    }

    #[test]
    fn the_project_mock_is_counted_and_still_parses() {
        let (code, counts) =
            super::super::generate_mock_counted("answering-agent.yaml", PROJECT_SPEC, "crate")
                .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(counts, [("sealed", 1)]);
        assert_eq!(code.matches("mod sealed {").count(), 1);
        syn::parse_file(&code).unwrap();
    }

    #[test]
    fn nothing_to_seal_or_a_trait_without_an_impl_is_refused() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod operations {}
        };
        let error = super::seal(&mut file).unwrap_err();
        assert!(error.contains("no public trait to seal"), "{error}");

        let mut file: syn::File = syn::parse_quote! {
            pub trait MockServerExt { fn list(&self); }
        };
        let error = super::seal(&mut file).unwrap_err();
        assert!(error.contains("`MockServerExt` has no impl"), "{error}");

        let mut file: syn::File = syn::parse_quote! {
            pub trait MockServerExt { fn list(&self); }
            impl MockServerExt for ::httpmock::MockServer { fn list(&self) {} }
            fn sealed() {}
        };
        let error = super::seal(&mut file).unwrap_err();
        assert!(
            error.contains("already has an item named `sealed`"),
            "{error}"
        );
    }

    #[test]
    fn a_private_trait_is_left_alone() {
        let mut file: syn::File = syn::parse_quote! {
            trait Helper { fn help(&self); }
            pub trait MockServerExt { fn list(&self); }
            impl MockServerExt for ::httpmock::MockServer { fn list(&self) {} }
        };
        assert_eq!(super::seal(&mut file).unwrap(), ["MockServerExt"]);
        let text = file.to_token_stream().to_string();
        assert!(text.contains("trait Helper { fn help"), "{text}");
    }
}
