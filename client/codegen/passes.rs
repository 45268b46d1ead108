//! The passes over progenitor's output, in the order they run, and the rule they share:
//! a pass rewrites what it targets in every operation, or generation fails naming the pass
//! and the operation. Each pass matches syntax (statements, calls, patterns), never the
//! text of tokens, and each is unit-tested on a pinned sample of progenitor's output
//! (testdata/sample_progenitor.rs, generated from testdata/sample.yaml; `xtask/tests/gen.rs`
//! fails when progenitor no longer writes it). What each buys is measured in BENCHMARKS.md.

use syn::{ImplItem, ImplItemFn, Item, Type};

use super::operations::OperationModel;
use super::{
    base_url, call_state, constructors, derives, ids, open_enums, rebuild, sealed, version_header,
};

/// A pass over one generated `send`: the operation's builder method that makes the call.
pub struct SendPass {
    /// Its name, as errors and counts give it.
    pub name: &'static str,
    /// Rewrites one `send`, or says what it did not find there.
    pub apply: fn(&mut ImplItemFn) -> Result<(), String>,
}

/// The passes over every `send`, in order.
pub const SEND_PASSES: [SendPass; 4] = [
    SendPass {
        name: "version_header",
        apply: version_header::remove,
    },
    SendPass {
        name: "base_url",
        apply: base_url::parse_once,
    },
    SendPass {
        name: "rebuild",
        apply: rebuild::build_on_demand,
    },
    SendPass {
        name: "call_state",
        apply: call_state::pass_explicitly,
    },
];

/// What each pass rewrote: (pass, how many items).
pub type Counts = Vec<(&'static str, usize)>;

/// What the passes need to know of the spec besides its operations.
#[derive(Default)]
pub struct SpecFacts {
    /// The id types its `x-id` markers name.
    pub id_types: Vec<String>,
    /// Each component schema's `required` list, by type name.
    pub required: std::collections::BTreeMap<String, Vec<String>>,
}

/// Runs every pass over `file`, progenitor's client for `operations`.
pub fn run(
    file: &mut syn::File,
    operations: &[OperationModel],
    facts: &SpecFacts,
) -> Result<Counts, String> {
    let mut counts = Counts::new();
    let enums = open_enums::open(file).map_err(|e| format!("the pass `open_enums`: {e}"))?;
    counts.push(("open_enums", enums.len()));
    let types = derives::add_json_schema(file).map_err(|e| format!("the pass `derives`: {e}"))?;
    counts.push(("derives", types));
    let growing = derives::mark_non_exhaustive(file)
        .map_err(|e| format!("the pass `non_exhaustive`: {e}"))?;
    counts.push(("non_exhaustive", growing));
    let ids =
        ids::complete(file, &facts.id_types).map_err(|e| format!("the pass `typed_ids`: {e}"))?;
    counts.push(("typed_ids", ids));
    let made = constructors::add(file, &facts.required)
        .map_err(|e| format!("the pass `constructors`: {e}"))?;
    counts.push(("constructors", made));
    let mut sends = sends_by_builder(file);
    for operation in operations {
        let builder = operation.type_name();
        let found = sends.iter().filter(|(name, _)| *name == builder).count();
        if found != 1 {
            return Err(format!(
                "progenitor's builder `{builder}` of operation `{}` has {found} `send` methods, not 1: has progenitor changed? (client/codegen/passes.rs)",
                operation.id
            ));
        }
    }
    for pass in SEND_PASSES {
        for (builder, send) in &mut sends {
            (pass.apply)(send).map_err(|why| {
                format!(
                    "the pass `{}` (client/codegen/{}.rs) does not apply to the `send` of `{builder}`: {why}; has progenitor changed?",
                    pass.name, pass.name
                )
            })?;
        }
        counts.push((pass.name, sends.len()));
    }
    Ok(counts)
}

/// Runs every pass over `file`, progenitor's typed mocks (feature `mock`): `sealed`, which
/// seals the extension traits so that an operation added to the spec is a new method that
/// breaks no one.
pub fn run_mock(file: &mut syn::File) -> Result<Counts, String> {
    let traits = sealed::seal(file)
        .map_err(|e| format!("the pass `sealed` (client/codegen/sealed.rs): {e}"))?;
    Ok(vec![("sealed", traits.len())])
}

/// Every `send` of the generated `builder` module, with the name of its builder
/// (`CreateOrganization`).
pub fn sends_by_builder(file: &mut syn::File) -> Vec<(String, &mut ImplItemFn)> {
    super::module_mut(file, "builder")
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            Item::Impl(block) if block.trait_.is_none() => {
                let name = type_name(&block.self_ty)?;
                Some((name, &mut block.items))
            }
            _ => None,
        })
        .flat_map(|(name, items)| {
            items.iter_mut().filter_map(move |member| match member {
                ImplItem::Fn(function) if function.sig.ident == "send" => {
                    Some((name.clone(), function))
                }
                _ => None,
            })
        })
        .collect()
}

/// The name of a path type, without its generics (`CreateOrganization<'a>` -> `CreateOrganization`).
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => Some(path.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    /// progenitor's output for testdata/sample.yaml, before the passes.
    pub(crate) fn sample() -> syn::File {
        syn::parse_str(include_str!("testdata/sample_progenitor.rs"))
            .expect("the pinned sample parses")
    }

    #[test]
    fn every_send_of_the_sample_is_found_with_its_builder() {
        let mut file = sample();
        let names: Vec<String> = super::sends_by_builder(&mut file)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(
            names,
            [
                "ListWidgets",
                "CreateWidget",
                "DeleteWidget",
                "UpdateWidget"
            ]
        );
    }
}
