//! The public surface of a generated client: its operations, types, fields, variants and
//! methods, each with a normalized text so two generations can be compared item by item.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{Attribute, Fields, ImplItem, ImplItemFn, Item, Visibility};

/// One generation's public items, keyed by a readable path.
#[derive(Default)]
pub struct Surface {
    /// `Client::create_organization` -> its signature.
    pub operations: BTreeMap<String, String>,
    /// `types::User` -> the item without its docs.
    pub types: BTreeMap<String, String>,
    /// `types::User.name` and `types::Role::Owner` -> the field or variant without docs.
    pub members: BTreeMap<String, String>,
    /// Public inherent methods, by owner: a type's (`types::User::new`,
    /// `types::User::with_name`) and, with [`Surface::of_crate`], an operation's builder's
    /// (`ListUsers::organization_id`, `ListUsers::send`) -> the signature.
    pub methods: BTreeMap<String, String>,
}

impl Surface {
    /// Reads the surface of generated Rust source.
    pub fn of(code: &str) -> anyhow::Result<Surface> {
        let file = syn::parse_file(code)
            .map_err(|e| anyhow::anyhow!("generated code does not parse: {e}"))?;
        let mut surface = Surface::default();
        for item in &file.items {
            match item {
                Item::Impl(block) if block.trait_.is_none() && text(&block.self_ty) == "Client" => {
                    // Operations return their request builder; `new` and
                    // `new_with_client` are constructors.
                    for method in public_fns(&block.items) {
                        if text(&method.sig.output).contains("builder ::") {
                            surface
                                .operations
                                .insert(format!("Client::{}", method.sig.ident), text(&method.sig));
                        }
                    }
                }
                Item::Mod(module) if module.ident == "types" => {
                    for item in module.content.iter().flat_map(|(_, items)| items) {
                        surface.add_type(item);
                        if let Item::Impl(block) = item
                            && block.trait_.is_none()
                        {
                            let owner = format!("types::{}", text(&block.self_ty));
                            surface.add_methods(&owner, &block.items);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(surface)
    }

    /// The surface of the crate users call: [`Surface::of`] the generated client for its
    /// types, and the generated operations (client/operations.rs) for the operations, as
    /// the crate exports them: `Client`'s methods (the required inputs as arguments) and
    /// their builders' methods (the optional inputs, `send` with the response's type).
    /// progenitor's own `Client` is private to the crate, so its methods are not counted.
    pub fn of_crate(client: &str, operations: &str) -> anyhow::Result<Surface> {
        let mut surface = Surface::of(client)?;
        surface.operations.clear();
        let file = syn::parse_file(operations)
            .map_err(|e| anyhow::anyhow!("the generated operations do not parse: {e}"))?;
        let builders: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Struct(s) if matches!(s.vis, Visibility::Public(_)) => {
                    Some(s.ident.to_string())
                }
                _ => None,
            })
            .collect();
        for item in &file.items {
            let Item::Impl(block) = item else { continue };
            if block.trait_.is_some() {
                continue;
            }
            let owner = text(&block.self_ty);
            if owner == "Client" {
                for method in public_fns(&block.items) {
                    surface
                        .operations
                        .insert(format!("Client::{}", method.sig.ident), text(&method.sig));
                }
            } else if builders.contains(&owner) {
                surface.add_methods(&owner, &block.items);
            }
        }
        Ok(surface)
    }

    /// Whether a type (`types::User`) or a builder (`ListUsers`) of this surface has methods
    /// or is a type.
    pub fn has_owner(&self, owner: &str) -> bool {
        self.types.contains_key(owner)
            || self
                .methods
                .keys()
                .any(|key| key.rsplit_once("::").is_some_and(|(o, _)| o == owner))
    }

    fn add_methods(&mut self, owner: &str, items: &[ImplItem]) {
        for method in public_fns(items) {
            self.methods
                .insert(format!("{owner}::{}", method.sig.ident), text(&method.sig));
        }
    }

    fn add_type(&mut self, item: &Item) {
        let mut item = item.clone();
        let name = match &mut item {
            Item::Struct(s) => {
                strip_docs(&mut s.attrs);
                for (index, field) in s.fields.iter_mut().enumerate() {
                    strip_docs(&mut field.attrs);
                    let field_name = field
                        .ident
                        .as_ref()
                        .map_or(index.to_string(), ToString::to_string);
                    self.members
                        .insert(format!("types::{}.{field_name}", s.ident), text(&*field));
                }
                s.ident.to_string()
            }
            Item::Enum(e) => {
                strip_docs(&mut e.attrs);
                for variant in e.variants.iter_mut() {
                    strip_docs(&mut variant.attrs);
                    if let Fields::Named(fields) = &mut variant.fields {
                        for field in fields.named.iter_mut() {
                            strip_docs(&mut field.attrs);
                        }
                    }
                    self.members.insert(
                        format!("types::{}::{}", e.ident, variant.ident),
                        text(&*variant),
                    );
                }
                e.ident.to_string()
            }
            Item::Type(t) => {
                strip_docs(&mut t.attrs);
                t.ident.to_string()
            }
            _ => return,
        };
        self.types.insert(format!("types::{name}"), text(&item));
    }
}

/// The public methods among an impl block's items.
fn public_fns(items: &[ImplItem]) -> impl Iterator<Item = &ImplItemFn> {
    items.iter().filter_map(|member| match member {
        ImplItem::Fn(method) if matches!(method.vis, Visibility::Public(_)) => Some(method),
        _ => None,
    })
}

fn strip_docs(attrs: &mut Vec<Attribute>) {
    attrs.retain(|a| !a.path().is_ident("doc"));
}

/// The tokens of a node as one line of text: what two generations' items are compared by.
pub fn text(node: &impl ToTokens) -> String {
    node.to_token_stream().to_string()
}

/// What changed between two maps of items: added, removed and changed keys.
pub fn compare<'a>(
    old: &'a BTreeMap<String, String>,
    new: &'a BTreeMap<String, String>,
) -> (Vec<&'a str>, Vec<&'a str>, Vec<&'a str>) {
    let added = new
        .keys()
        .filter(|k| !old.contains_key(*k))
        .map(String::as_str)
        .collect();
    let removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .map(String::as_str)
        .collect();
    let changed = new
        .iter()
        .filter(|(k, v)| old.get(*k).is_some_and(|o| o != *v))
        .map(|(k, _)| k.as_str())
        .collect();
    (added, removed, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = r#"
        pub struct Client {}
        impl Client {
            pub fn list_widgets(&self) -> builder::ListWidgets<'_> { todo!() }
        }
        pub mod types {
            pub struct Widget { pub name: String, pub size: Option<i64> }
            impl Widget {
                pub fn new(name: impl Into<String>) -> Self { todo!() }
                pub fn with_size(mut self, value: impl Into<i64>) -> Self { todo!() }
                fn private(&self) {}
            }
            impl std::fmt::Display for Widget {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { todo!() }
            }
        }
    "#;

    const OPERATIONS: &str = r#"
        impl Client {
            pub fn list_widgets(&self, owner: impl Into<types::OwnerId>) -> ListWidgets { todo!() }
        }
        pub struct ListWidgets { client: Client }
        impl ListWidgets {
            pub fn limit(mut self, value: impl Into<u64>) -> Self { todo!() }
            pub fn send(self) -> impl Future<Output = Result<Response<Vec<types::Widget>>, Error>> { async { todo!() } }
            fn private(&self) {}
        }
        impl std::fmt::Debug for ListWidgets {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { todo!() }
        }
    "#;

    #[test]
    fn the_crate_surface_has_the_exported_operations_and_every_public_method() {
        let surface = Surface::of_crate(CLIENT, OPERATIONS).unwrap();
        // The operations as the crate exports them: the required input is an argument.
        assert_eq!(
            surface.operations.keys().collect::<Vec<_>>(),
            ["Client::list_widgets"]
        );
        assert!(surface.operations["Client::list_widgets"].contains("owner"));
        assert_eq!(
            surface.methods.keys().collect::<Vec<_>>(),
            [
                "ListWidgets::limit",
                "ListWidgets::send",
                "types::Widget::new",
                "types::Widget::with_size"
            ]
        );
        assert!(surface.methods["ListWidgets::send"].contains("types :: Widget"));
        assert!(surface.has_owner("ListWidgets"));
        assert!(surface.has_owner("types::Widget"));
        assert!(!surface.has_owner("types::Gadget"));
        // The client alone keeps progenitor's operations (what `gen` summarizes).
        let client = Surface::of(CLIENT).unwrap();
        assert!(client.operations["Client::list_widgets"].contains("builder ::"));
    }
}
