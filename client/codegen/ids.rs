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

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        id: {x-id: ThingId, type: integer, format: int64}\n        owner: {x-id: OwnerKey, type: string, nullable: true, x-redact: external_id}\n";

    #[test]
    fn a_marked_schema_becomes_a_reference_to_its_id_type_for_the_generator_only() {
        let spec = Spec::parse("t.yaml", SPEC).unwrap();
        let typed = typed(&spec).unwrap();
        let properties = &typed["components"]["schemas"]["Thing"]["properties"];
        assert_eq!(
            properties["id"],
            json!({"$ref": "#/components/schemas/ThingId"})
        );
        assert_eq!(
            properties["owner"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/OwnerKey"}]})
        );
        assert_eq!(typed["components"]["schemas"]["ThingId"]["format"], "int64");
        assert_eq!(typed["components"]["schemas"]["OwnerKey"]["type"], "string");
        // The spec itself is unchanged: its other readers see the wire type.
        assert_eq!(
            spec.value["components"]["schemas"]["Thing"]["properties"]["id"]["type"],
            "integer"
        );
        assert_eq!(names(&spec), ["ThingId", "OwnerKey"]);
    }

    #[test]
    fn one_name_for_two_types_or_a_taken_name_is_refused_with_its_line() {
        let text = SPEC.replace("OwnerKey", "ThingId");
        let errors = typed(&Spec::parse("t.yaml", &text).unwrap()).unwrap_err();
        assert!(
            errors[0].to_string().contains("t.yaml:10:"),
            "{}",
            errors[0]
        );
        let taken = SPEC.replace("x-id: OwnerKey", "x-id: Thing");
        let errors = typed(&Spec::parse("t.yaml", &taken).unwrap()).unwrap_err();
        assert!(
            errors[0].to_string().contains("already has a schema"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn an_id_type_gets_what_an_id_needs() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, PartialEq)]
                pub struct ThingId(pub i64);
                #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
                pub struct OwnerKey(pub ::std::string::String);
            }
        };
        let names = ["ThingId".to_string(), "OwnerKey".to_string()];
        assert_eq!(complete(&mut file, &names).unwrap(), 2);
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        assert!(
            text.contains("# [derive (Copy , Eq , Hash , PartialOrd , Ord)] pub struct ThingId"),
            "{text}"
        );
        assert!(text.contains("PartialEq < i64 > for ThingId"), "{text}");
        assert!(text.contains("From < & str > for OwnerKey"), "{text}");
        // Derives typify already wrote are not written twice.
        assert!(
            !text.contains("# [derive (Eq , Hash , PartialOrd , Ord)] pub struct OwnerKey"),
            "{text}"
        );
        assert!(complete(&mut file, &["Missing".to_string()]).is_err());
    }
}
