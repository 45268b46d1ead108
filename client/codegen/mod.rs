//! THE generation pipeline and its settings: spec -> checks -> progenitor -> prettyplease ->
//! `@generated` header. `build.rs` (feature `codegen`) and `cargo xtask gen` both include
//! this directory with `#[path]`, so the client is generated in exactly one way. It is never
//! compiled into the client library.

pub mod base_url;
pub mod call_state;
pub mod constructors;
pub mod derives;
pub mod fingerprint;
pub mod guess_table;
pub mod ids;
pub mod lint;
pub mod open_enums;
pub mod operations;
pub mod passes;
pub mod rebuild;
pub mod sealed;
pub mod version_header;

use std::panic;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};

use answering_agent_spec::{Spec, SpecError};

pub use self::fingerprint::{GENERATED_PATH, MOCK_PATH, OPERATIONS_PATH, SPEC_PATH};
/// A client generated from the same spec by progenitor alone, for the client benchmark
/// only (`benches/client.rs`): what the hooks and wrappers cost is measured against it.
pub const RAW_PROGENITOR_PATH: &str = "benches/support/raw_progenitor.rs";
/// The generator, as the header names it. Bump it with the pinned version in Cargo.toml.
pub const GENERATOR: &str = "progenitor 0.15.1";

/// The progenitor settings for a spec. Change them here and nowhere else.
pub fn settings(spec: &Spec) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    // A schema marked `x-secret: true` (the embed token) becomes the client's `Secret`, whose
    // `Debug` never shows the value (client/secret.rs).
    for name in operations::secret_schemas(spec) {
        settings.with_replacement(
            type_name(&name),
            "crate::secret::Secret",
            std::iter::empty(),
        );
    }
    settings
        // `client.create_organization().body(...).send()`: named arguments survive new
        // optional parameters; positional ones do not.
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The key, User-Agent, retries and response capture live in client/hooks.rs; with
        // `Expected`, forgetting that impl is a compile error instead of an unauthenticated
        // client.
        .with_hooks(HooksMode::Expected)
        // Per-call state the hooks need (see client/hooks.rs).
        .with_inner_type("crate::hooks::Context".parse().expect("a valid Rust path"))
        // Tests compare whole values.
        .with_derive("PartialEq");
    settings
}

/// The client progenitor generates from the spec without this crate's hooks, inner type,
/// type replacements or extra derives: the same builder interface and merged tags, so that
/// a call is written the same way. Only the benchmark compiles it.
pub fn generate_raw(file: &str, text: &str) -> Result<String, Vec<SpecError>> {
    let (spec, openapi) = prepare_plain(file, text)?;
    let tokens = run_progenitor(&spec, || {
        let mut settings = GenerationSettings::new();
        settings
            .with_interface(InterfaceStyle::Builder)
            .with_tag(TagStyle::Merged);
        Generator::new(&settings).generate_tokens(&openapi)
    })?;
    let file_ast: syn::File = syn::parse2(tokens).map_err(|e| {
        vec![spec.error(
            "",
            format!("progenitor produced code that does not parse: {e}"),
        )]
    })?;
    Ok(format!(
        "{}{}",
        header(text),
        prettyplease::unparse(&file_ast)
    ))
}

/// What one run of the pipeline generates, headers included.
pub struct Generated {
    /// progenitor's client: client/generated.rs.
    pub client: String,
    /// The operations around it: client/operations.rs.
    pub operations: String,
    /// The model of every operation, for the crate README's table.
    pub model: Vec<operations::OperationModel>,
    /// What each pass over progenitor's output rewrote.
    pub passes: passes::Counts,
    /// ARCHITECTURE.md's table of the spec's guesses.
    pub guesses: String,
}

/// Generates the client source for a spec text, header included. Every problem found
/// before progenitor runs is returned, not only the first.
pub fn generate(file: &str, text: &str) -> Result<String, Vec<SpecError>> {
    generate_all(file, text).map(|generated| generated.client)
}

/// Generates the client and its operations from a spec text.
pub fn generate_all(file: &str, text: &str) -> Result<Generated, Vec<SpecError>> {
    let (spec, mut file_ast, model) = before_passes(file, text)?;
    let passes = passes::run(&mut file_ast, &model, &spec_facts(&spec))
        .map_err(|e| vec![spec.error("", e)])?;
    let operations_source = operations::source(&spec, &model, &file_ast)?;
    let operations_ast: syn::File = syn::parse_str(&operations_source)
        .map_err(|e| vec![spec.error("", format!("the generated operations do not parse: {e}"))])?;
    Ok(Generated {
        client: format!("{}{}", header(text), prettyplease::unparse(&file_ast)),
        operations: format!("{}{}", header(text), prettyplease::unparse(&operations_ast)),
        guesses: guess_table::table(&spec),
        model,
        passes,
    })
}

/// progenitor's client for a spec text, with this pipeline's settings, before the passes:
/// what the passes' unit tests are pinned to (testdata/sample_progenitor.rs).
pub fn generate_before_passes(file: &str, text: &str) -> Result<String, Vec<SpecError>> {
    let (_, file_ast, _) = before_passes(file, text)?;
    Ok(prettyplease::unparse(&file_ast))
}

fn before_passes(
    file: &str,
    text: &str,
) -> Result<(Spec, syn::File, Vec<operations::OperationModel>), Vec<SpecError>> {
    let (spec, openapi) = prepare(file, text)?;
    let model = operations::model(&spec)?;
    let tokens = run_progenitor(&spec, || {
        Generator::new(&settings(&spec)).generate_tokens(&openapi)
    })?;
    let file_ast: syn::File = syn::parse2(tokens).map_err(|e| {
        vec![spec.error(
            "",
            format!("progenitor produced code that does not parse: {e}"),
        )]
    })?;
    Ok((spec, file_ast, model))
}

/// The items of a top-level inline module of generated code (`types`, `builder`); none
/// when there is no such module.
pub fn module<'a>(file: &'a syn::File, name: &str) -> &'a [syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == name => {
                module.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or(&[])
}

/// [`module`], to change its items.
pub fn module_mut<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// progenitor's and typify's type name for a schema or an operation id: heck's Pascal
/// case, as they name types (`embed_token` -> `EmbedToken`, `createOrganization` ->
/// `CreateOrganization`).
pub fn type_name(schema: &str) -> String {
    heck::ToPascalCase::to_pascal_case(schema)
}

/// Generates progenitor's typed `httpmock` helpers for the client (feature `mock`): one
/// `MockServerExt` method per operation, with `When`/`Then` builders that only take the
/// spec's types. `crate_path` is where the client's `types` module is.
pub fn generate_mock(file: &str, text: &str, crate_path: &str) -> Result<String, Vec<SpecError>> {
    generate_mock_counted(file, text, crate_path).map(|(code, _)| code)
}

/// [`generate_mock`], with what each pass over progenitor's mock code rewrote
/// ([`passes::run_mock`]).
pub fn generate_mock_counted(
    file: &str,
    text: &str,
    crate_path: &str,
) -> Result<(String, passes::Counts), Vec<SpecError>> {
    let (spec, mut file_ast) = mock_ast(file, text, crate_path)?;
    let counts = passes::run_mock(&mut file_ast).map_err(|e| vec![spec.error("", e)])?;
    Ok((
        format!("{}{}", header(text), prettyplease::unparse(&file_ast)),
        counts,
    ))
}

/// progenitor's typed mocks for a spec text, before the passes: what the passes' unit
/// tests run on.
pub fn mock_before_passes(
    file: &str,
    text: &str,
    crate_path: &str,
) -> Result<syn::File, Vec<SpecError>> {
    mock_ast(file, text, crate_path).map(|(_, file_ast)| file_ast)
}

fn mock_ast(file: &str, text: &str, crate_path: &str) -> Result<(Spec, syn::File), Vec<SpecError>> {
    let (spec, openapi) = prepare(file, text)?;
    let tokens = run_progenitor(&spec, || {
        Generator::new(&settings(&spec)).httpmock(&openapi, crate_path)
    })?;
    let file_ast = syn::parse2(tokens).map_err(|e| {
        vec![spec.error(
            "",
            format!("progenitor produced mock code that does not parse: {e}"),
        )]
    })?;
    Ok((spec, file_ast))
}

/// The spec parsed and checked for everything progenitor cannot take.
/// What the passes need to know of the spec besides its operations.
fn spec_facts(spec: &Spec) -> passes::SpecFacts {
    let required = spec
        .get("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            let required = schema
                .get("required")
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| Some(heck::ToSnakeCase::to_snake_case(r.as_str()?)))
                .collect();
            (type_name(name), required)
        })
        .collect();
    passes::SpecFacts {
        id_types: ids::names(spec),
        required,
    }
}

/// The checked spec and what progenitor reads: the spec with typed ids (client/codegen/ids.rs).
fn prepare(file: &str, text: &str) -> Result<(Spec, openapiv3::OpenAPI), Vec<SpecError>> {
    let (spec, _) = prepare_plain(file, text)?;
    let typed = ids::typed(&spec)?;
    let openapi = serde_json::from_value(typed).map_err(|e| {
        vec![spec.error(
            "",
            format!("the spec with typed ids is not OpenAPI 3.0: {e}"),
        )]
    })?;
    Ok((spec, openapi))
}

/// The checked spec as it is written: what raw progenitor reads (the benchmark's client).
fn prepare_plain(file: &str, text: &str) -> Result<(Spec, openapiv3::OpenAPI), Vec<SpecError>> {
    let spec = Spec::parse(file, text).map_err(|e| vec![e])?;
    spec.check_openapi_30().map_err(|e| vec![e])?;
    let mut problems = spec.dangling_refs();
    if problems.is_empty() {
        problems = lint::check(&spec);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let openapi = spec.to_openapi().map_err(|e| vec![e])?;
    Ok((spec, openapi))
}

/// Runs progenitor. The checks in `prepare` cover every panic we know of in progenitor
/// 0.15.1; this turns any other into an error instead of a panic trace.
fn run_progenitor(
    spec: &Spec,
    generate: impl FnOnce() -> Result<proc_macro2::TokenStream, progenitor::Error> + panic::UnwindSafe,
) -> Result<proc_macro2::TokenStream, Vec<SpecError>> {
    let fail = |message: String| vec![spec.error("", message)];
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let tokens = panic::catch_unwind(generate);
    panic::set_hook(previous_hook);
    match tokens {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(fail(format!("progenitor refused the spec: {e}"))),
        Err(payload) => {
            let why = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("no message");
            Err(fail(format!(
                "progenitor cannot take a shape in this spec (it panicked: {why}); \
                 add a check for it to client/codegen/lint.rs"
            )))
        }
    }
}

/// The `@generated` header: what made the file, from what, and the spec's fingerprint.
pub fn header(spec_text: &str) -> String {
    format!(
        "// @generated by `cargo xtask gen` from {SPEC_PATH} with {GENERATOR}.\n\
         // Do not edit: change the spec (or client/codegen/) and run `cargo xtask gen`.\n\
         {}{}\n\n",
        fingerprint::HEADER_PREFIX,
        fingerprint::of_spec(spec_text),
    )
}
