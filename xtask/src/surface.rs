//! The public surface of a generated client: its operations, types, fields and variants,
//! each with a normalized text so two generations can be compared item by item.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{Fields, ImplItem, Item, Visibility};

/// One generation's public items, keyed by a readable path.
#[derive(Default)]
pub struct Surface {
    /// `Client::create_organization` -> its signature.
    pub operations: BTreeMap<String, String>,
    /// `types::User` -> the item without its docs.
    pub types: BTreeMap<String, String>,
    /// `types::User.name` and `types::Role::Owner` -> the field or variant without docs.
    pub members: BTreeMap<String, String>,
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
                    for member in &block.items {
                        if let ImplItem::Fn(method) = member {
                            // Operations return their request builder; `new` and
                            // `new_with_client` are constructors.
                            let returns_builder = text(&method.sig.output).contains("builder ::");
                            if matches!(method.vis, Visibility::Public(_)) && returns_builder {
                                surface.operations.insert(
                                    format!("Client::{}", method.sig.ident),
                                    text(&method.sig),
                                );
                            }
                        }
                    }
                }
                Item::Mod(module) if module.ident == "types" => {
                    for item in module.content.iter().flat_map(|(_, items)| items) {
                        surface.add_type(item);
                    }
                }
                _ => {}
            }
        }
        Ok(surface)
    }

    fn add_type(&mut self, item: &Item) {
        let mut item = item.clone();
        let name = match &mut item {
            Item::Struct(s) => {
                s.attrs.retain(|a| !a.path().is_ident("doc"));
                for (index, field) in s.fields.iter_mut().enumerate() {
                    field.attrs.retain(|a| !a.path().is_ident("doc"));
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
                e.attrs.retain(|a| !a.path().is_ident("doc"));
                for variant in e.variants.iter_mut() {
                    variant.attrs.retain(|a| !a.path().is_ident("doc"));
                    if let Fields::Named(fields) = &mut variant.fields {
                        for field in fields.named.iter_mut() {
                            field.attrs.retain(|a| !a.path().is_ident("doc"));
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
                t.attrs.retain(|a| !a.path().is_ident("doc"));
                t.ident.to_string()
            }
            _ => return,
        };
        self.types.insert(format!("types::{name}"), text(&item));
    }
}

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
