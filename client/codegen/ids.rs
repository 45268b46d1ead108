//! Typed ids. A schema the spec marks `x-id: Name` (an id property, a path or query
//! parameter's schema) is, for the generator only, a reference to a component schema `Name`
//! of the same type, so that typify makes one newtype per kind of id (`OrganizationId(i64)`,
//! `ExternalId(String)`) and uses it in paths, bodies and responses alike: one kind of id
//! cannot be passed for another. Every other reader of the spec sees the plain integer or
//! string it is on the wire, with its siblings (`x-redact`, `x-fake-refers-to`) in place.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use answering_agent_spec::{Spec, SpecError, walk};

/// The marker's name.
pub const EXTENSION: &str = "x-id";

/// `spec`'s document with every `x-id` schema replaced by a reference to its id type, and
/// those types added to `components/schemas`; or every marker that cannot be one (not a
/// name, not an integer or string, one name with two types, a name a schema already has).
pub fn typed(spec: &Spec) -> Result<Value, Vec<SpecError>> {
    let mut marked: Vec<String> = Vec::new();
    walk(&spec.value, &mut String::new(), &mut |pointer, node| {
        if node.get(EXTENSION).is_some() {
            marked.push(pointer.to_string());
        }
    });
    let mut kinds: BTreeMap<String, (Value, String)> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut value = spec.value.clone();
    for pointer in &marked {
        let node = spec.value.pointer(pointer).expect("walked");
        let name = node.get(EXTENSION).and_then(Value::as_str).unwrap_or("");
        let ty = node.get("type").and_then(Value::as_str).unwrap_or("");
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric())
            || !matches!(ty, "integer" | "string")
        {
            problems.push(spec.error(
                &format!("{pointer}/{EXTENSION}"),
                "`x-id` names an id type (letters and digits) on an integer or string schema",
            ));
            continue;
        }
        let base =
            json!({"type": ty, "format": node.get("format").cloned().unwrap_or(Value::Null)});
        match kinds.get(name) {
            Some((seen, at)) if *seen != base => problems.push(spec.error(
                pointer,
                format!("`x-id: {name}` is {base} here but {seen} at {at}"),
            )),
            Some(_) => {}
            None => {
                kinds.insert(name.to_string(), (base, pointer.clone()));
            }
        }
        let reference = json!({"$ref": format!("#/components/schemas/{name}")});
        let replacement = if node.get("nullable") == Some(&Value::Bool(true)) {
            json!({"nullable": true, "allOf": [reference]})
        } else {
            reference
        };
        if let Some(slot) = value.pointer_mut(pointer) {
            *slot = replacement;
        }
    }
    let schemas = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    let mut added = Map::new();
    for (name, (base, at)) in kinds {
        if spec.get(&format!("/components/schemas/{name}")).is_some() {
            problems.push(spec.error(
                at.as_str(),
                format!("`x-id: {name}`: the spec already has a schema of that name"),
            ));
            continue;
        }
        let mut schema = json!({"type": base["type"], "description": format!("An id of this kind only (`x-id: {name}`): another kind of id is another type.")});
        if !base["format"].is_null() {
            schema["format"] = base["format"].clone();
        }
        added.insert(name, schema);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    match schemas {
        Some(schemas) => schemas.extend(added),
        None if added.is_empty() => {}
        None => {
            return Err(vec![
                spec.error("/components", "`x-id` needs `components/schemas`"),
            ]);
        }
    }
    Ok(value)
}

/// The id types the spec's `x-id` markers name.
pub fn names(spec: &Spec) -> Vec<String> {
    let mut names = Vec::new();
    walk(&spec.value, &mut String::new(), &mut |_, node| {
        if let Some(name) = node.get(EXTENSION).and_then(Value::as_str)
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_string());
        }
    });
    names
}

/// What an id needs beyond typify's newtype: `Copy` (an integer id), `Eq`, `Hash` and
/// order (a key in a map or set), `From<&str>` (a string id from a literal), and
/// comparison with the plain value (`id == 7`, `external_id == "cust_1"`). Returns how
/// many id types got them; every name must have its type.
pub fn complete(file: &mut syn::File, names: &[String]) -> Result<usize, String> {
    let types =
        super::module_mut(file, "types").ok_or("progenitor's output has no `types` module")?;
    let mut added: Vec<syn::Item> = Vec::new();
    let mut done = 0;
    for item in types.iter_mut() {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        if !names.iter().any(|n| item.ident == n) {
            continue;
        }
        let syn::Fields::Unnamed(fields) = &item.fields else {
            return Err(format!("`{}` is not a newtype", item.ident));
        };
        let inner = fields.unnamed.first().map(|f| &f.ty);
        let integer = matches!(inner, Some(syn::Type::Path(p)) if p.path.is_ident("i64"));
        let ident = item.ident.clone();
        let wanted: &[&str] = if integer {
            &["Copy", "Eq", "Hash", "PartialOrd", "Ord"]
        } else {
            &["Eq", "Hash", "PartialOrd", "Ord"]
        };
        let have = derived(&item.attrs);
        let missing: Vec<syn::Ident> = wanted
            .iter()
            .filter(|w| !have.iter().any(|h| h == *w))
            .map(|w| syn::Ident::new(w, proc_macro2::Span::call_site()))
            .collect();
        if !missing.is_empty() {
            item.attrs.push(syn::parse_quote!(#[derive(#(#missing),*)]));
        }
        if integer {
            added.push(syn::parse_quote! {
                impl ::std::cmp::PartialEq<i64> for #ident {
                    fn eq(&self, other: &i64) -> bool {
                        self.0 == *other
                    }
                }
            });
        } else {
            added.push(syn::parse_quote! {
                impl ::std::convert::From<&str> for #ident {
                    fn from(value: &str) -> Self {
                        Self(value.to_string())
                    }
                }
            });
            added.push(syn::parse_quote! {
                impl ::std::cmp::PartialEq<str> for #ident {
                    fn eq(&self, other: &str) -> bool {
                        self.0 == other
                    }
                }
            });
            added.push(syn::parse_quote! {
                impl ::std::cmp::PartialEq<&str> for #ident {
                    fn eq(&self, other: &&str) -> bool {
                        self.0 == *other
                    }
                }
            });
        }
        done += 1;
    }
    if done != names.len() {
        return Err(format!(
            "found {done} of the {} id types ({}) in progenitor's output",
            names.len(),
            names.join(", ")
        ));
    }
    types.extend(added);
    Ok(done)
}

/// The last segment of every path in an item's `#[derive(..)]`s.
fn derived(attributes: &[syn::Attribute]) -> Vec<String> {
    use syn::punctuated::Punctuated;
    attributes
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .filter_map(|p| p.segments.last().map(|s| s.ident.to_string()))
        .collect()
}
