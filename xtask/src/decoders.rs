//! Which generated Rust type each example decodes into.
//!
//! `cargo xtask gen` writes the table (`TABLE_PATH`) from the generated client itself: for
//! every operation, the types its builder takes and returns. Only the `xtask-verify` binary
//! compiles it, next to the generated client, so a wrong type name fails to compile there
//! and nowhere else.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use syn::{ImplItem, Item};

use crate::roundtrip::PathIndex;
use answering_agent_spec::Spec;

/// The generated table, relative to the workspace root.
pub const TABLE_PATH: &str = "xtask/src/bin/xtask-verify/decoders.rs";

/// Which body of an operation an example is. progenitor gives an operation one success
/// type and one error type, whatever the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The request body.
    Request,
    /// A success response body.
    Success,
    /// An error response body.
    Error,
}

/// The generated type's verdict on a value: decoded and encoded back the same (as the wire
/// means it), decoded and encoded into something else, or refused.
pub type Decode = fn(&Value, &PathIndex) -> Result<RoundTrip, TypeError>;

/// One row of the table.
pub struct Decoder {
    /// The operationId.
    pub operation: &'static str,
    /// Which body.
    pub slot: Slot,
    /// Decodes into the generated type and encodes again.
    pub decode: Decode,
}

/// What decoding and encoding again gave.
pub enum RoundTrip {
    /// The same value, as the wire means it.
    Same,
    /// Another value: the encoded one, to compare in detail.
    Changed(Value),
}

/// Why the generated type refused a value.
#[derive(Debug)]
pub struct TypeError {
    /// Where in the value.
    pub pointer: String,
    /// serde's message.
    pub message: String,
}

/// Decodes `value` into `T` and encodes it again.
pub fn roundtrip<T: DeserializeOwned + Serialize>(
    value: &Value,
    index: &PathIndex,
) -> Result<RoundTrip, TypeError> {
    match T::deserialize(value) {
        Ok(typed) if crate::roundtrip::matches(&typed, value, index) => Ok(RoundTrip::Same),
        Ok(typed) => serde_json::to_value(&typed)
            .map(RoundTrip::Changed)
            .map_err(|e| TypeError {
                pointer: String::new(),
                message: format!("does not encode again: {e}"),
            }),
        // The slow path, only on failure: where in the value it failed.
        Err(error) => {
            let pointer = match serde_path_to_error::deserialize::<_, T>(value) {
                Err(e) => path_pointer(e.path()),
                Ok(_) => String::new(),
            };
            Err(TypeError {
                pointer,
                message: error.to_string(),
            })
        }
    }
}

fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => {
                Some(format!("/{}", answering_agent_spec::pointer::escape(key)))
            }
            _ => None,
        })
        .collect()
}

/// The source of the table for a generated client and its spec.
pub fn table_source(spec: &Spec, generated: &str) -> anyhow::Result<String> {
    let file = syn::parse_file(generated)
        .map_err(|e| anyhow::anyhow!("generated code does not parse: {e}"))?;
    let operation_ids: Vec<&str> = spec.operations()?.iter().filter_map(|op| op.id).collect();
    let mut rows = Vec::new();
    for item in crate::codegen::module(&file, "builder") {
        let Item::Impl(block) = item else { continue };
        let mut generated_id = None;
        let mut slots = Vec::new();
        for member in &block.items {
            let ImplItem::Fn(method) = member else {
                continue;
            };
            let signature = crate::surface::text(&method.sig);
            if method.sig.ident == "send" {
                let body = crate::surface::text(&method.block);
                generated_id = between(&body, "operation_id : \"", "\"");
                slots.extend(
                    generic_argument(&signature, "ResponseValue <").map(|t| (Slot::Success, t)),
                );
                slots.extend(generic_argument(&signature, "Error <").map(|t| (Slot::Error, t)));
            } else if method.sig.ident == "body" {
                slots.extend(generic_argument(&signature, "TryInto <").map(|t| (Slot::Request, t)));
            }
        }
        let Some(generated_id) = generated_id else {
            continue;
        };
        let normalize = |id: &str| id.to_lowercase().replace(['_', '-'], "");
        let operation = operation_ids
            .iter()
            .find(|id| normalize(id) == normalize(&generated_id))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "the generated operation `{generated_id}` matches no operationId of the spec"
                )
            })?;
        for (slot, rust_type) in slots {
            // `()` (no body) and raw byte streams have nothing to decode.
            if rust_type.starts_with("types ::") {
                rows.push(format!(
                    "    Decoder {{ operation: \"{operation}\", slot: Slot::{slot:?}, decode: roundtrip::<{}> }},\n",
                    rust_type.replace(' ', "")
                ));
            }
        }
    }
    // Every component schema that has a generated type of its name, for the check of the
    // types' own schemas (xtask/src/type_schemas.rs).
    let generated_types: std::collections::BTreeSet<String> =
        crate::codegen::module(&file, "types")
            .iter()
            .filter_map(|item| match item {
                Item::Struct(s) => Some(s.ident.to_string()),
                Item::Enum(e) => Some(e.ident.to_string()),
                _ => None,
            })
            .collect();
    let mut schema_rows = Vec::new();
    for component in spec
        .get("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys())
    {
        let rust = crate::codegen::type_name(component);
        if generated_types.contains(&rust) {
            schema_rows.push(format!(
                "    TypeSchema {{ component: {component:?}, rust_type: \"types::{rust}\", schema: || schemars::schema_for!(types::{rust}).to_value() }},\n"
            ));
        }
    }
    Ok(format!(
        "// @generated by `cargo xtask gen` from {} and {}.\n\
         // Do not edit: run `cargo xtask gen`.\n\
         //! Which generated type each example decodes into, one row per operation and body;\n\
         //! and each component schema's generated type, whose own schema verify compares.\n\
         //! A type name the generated client lacks fails to compile here.\n\n\
         use xtask::decoders::{{Decoder, Slot, roundtrip}};\n\
         use xtask::type_schemas::TypeSchema;\n\n\
         use crate::generated::types;\n\n\
         pub const DECODERS: &[Decoder] = &[\n{}];\n\n\
         pub const TYPE_SCHEMAS: &[TypeSchema] = &[\n{}];\n",
        crate::codegen::SPEC_PATH,
        crate::codegen::GENERATED_PATH,
        rows.concat(),
        schema_rows.concat()
    ))
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    Some(text.split_once(start)?.1.split_once(end)?.0.to_string())
}

/// The first generic argument after `opener` (`ResponseValue <`), angle brackets balanced.
fn generic_argument(text: &str, opener: &str) -> Option<String> {
    let rest = &text[text.find(opener)? + opener.len()..];
    let mut depth = 0usize;
    for (index, c) in rest.char_indices() {
        match c {
            '<' => depth += 1,
            '>' if depth == 0 => return Some(rest[..index].trim().to_string()),
            '>' => depth -= 1,
            _ => {}
        }
    }
    None
}
