//! The one reader of the Answering Agent OpenAPI spec. Start here.
//!
//! Everything in the workspace that needs the spec asks this crate: the code generator
//! (`build.rs` with `codegen`, and `cargo xtask gen`), `verify`, `record`, the fuzz seeds,
//! both sides of `diff`, the fake and the command line. None of them parses the spec's text
//! or walks its `paths` on its own, so they cannot disagree about what it says.
//!
//! - [`Spec::parse`] loads YAML or JSON (OpenAPI's numeric map keys such as `200:` become
//!   strings) and knows the line and column of every JSON pointer: [`Spec::locate`], and
//!   every [`SpecError`] prints `file:line:column: message (at /json/pointer)`.
//! - [`pointer::follow`] is the one way a `$ref` is followed: local references only,
//!   percent-escapes and `~0`/`~1` decoded, a cycle or a dangling reference an error at the
//!   `$ref` that fails. [`Spec::resolve`] and [`Spec::follow`] put its line on it.
//! - [`Spec::operations`] is the model of the API: each [`Operation`] with its method, path,
//!   `operationId`, tags, parameters merged as OpenAPI says (an operation's parameter
//!   overrides the path item's one with the same name *and* location), request body and
//!   responses, every `$ref` followed. The project's own extensions (`x-idempotent`,
//!   `x-if-outcome-unknown`, `x-secret`, `x-fake-*`, ...) are read from [`Operation::get`]
//!   and [`Node::value`] where they are written; the spec's header says what each means.
//! - [`schema`] (feature `validate`) translates OpenAPI 3.0 schema objects to the JSON
//!   Schema that the `jsonschema` crate validates, builds the validators, and names each
//!   validation error by its innermost cause.
//! - [`rest`]: what each operation does by its method and path (list, create, read,
//!   update, delete, act: the fake serves by it), and [`rest::exercise_order`], the order
//!   that exercises an API from nothing and leaves nothing (creates first, deletes last).
//! - [`guesses`]: the `x-guess` markers, where the spec assumes what the vendor does not
//!   document ([`Spec::guesses`]), and every GUESS in words that lacks one.
//! - [`Spec::to_openapi`] (feature `openapiv3`) gives the document as `openapiv3`'s types,
//!   for progenitor, with the pointer of the first field that is not OpenAPI 3.0.
//!
//! ```
//! use answering_agent_spec::{Spec, SPEC, SPEC_PATH};
//!
//! let spec = Spec::parse(SPEC_PATH, SPEC)?;
//! let create = spec
//!     .operations()?
//!     .into_iter()
//!     .find(|op| op.method == "post" && op.path == "/organizations")
//!     .expect("the spec creates organizations");
//! assert_eq!(create.id, Some("createOrganization"));
//! let line = spec.locate(&create.node.pointer).expect("a line").line;
//! println!("{SPEC_PATH}:{line}: {} {}", create.method, create.path);
//! # Ok::<(), answering_agent_spec::SpecError>(())
//! ```

mod document;
pub mod guesses;
mod operations;
pub mod pointer;
pub mod rest;
pub mod rewrite;
#[cfg(feature = "validate")]
pub mod schema;

pub use document::{Location, Spec, SpecError, walk, yaml_text};
pub use operations::{METHODS, Node, Operation, Parameter, Response};

// Through spec/answering-agent.yaml, a symlink to ../openapi/answering-agent.yaml: a
// published crate holds only the files under its own folder, and `cargo package` stores a
// symlinked file as a plain file with the target's contents, so the packaged crate carries
// the spec while the repository keeps one copy of it (no second file to keep in sync).
/// The project's spec, compiled in: what the client is generated from, the fake serves and
/// the command line reads.
pub const SPEC: &str = include_str!("../answering-agent.yaml");
// A checkout without symlinks (git's `core.symlinks = false`, the default on Windows without
// developer mode) writes the link as a one-line file holding its target's path: stop the
// build there, rather than compile that path in as the spec.
const _: () = assert!(
    SPEC.len() > 1000,
    "spec/answering-agent.yaml is not the spec: check it out with symlinks (git config core.symlinks true), it links to ../openapi/answering-agent.yaml"
);

/// Its path in the repository, for messages.
pub const SPEC_PATH: &str = "openapi/answering-agent.yaml";
