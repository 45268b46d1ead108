//! The maintainers' tooling behind `cargo xtask`, as a library shared by its two binaries:
//! `xtask` (gen, and everything that must work while the generated client is broken) and
//! `xtask-verify` (which also compiles the generated client, to decode examples into it).

pub mod allow;
pub mod changelog;
#[path = "../../client/codegen/mod.rs"]
pub mod codegen;
pub mod decoders;
pub mod diff;
pub mod examples;
pub mod fuzz;
pub mod guesses;
pub mod http;
pub mod probe;
pub mod record;
pub mod report;
pub mod roundtrip;
pub mod surface;
pub mod type_schemas;
pub mod verify;
pub mod workspace;

/// Every file `cargo xtask gen` writes from the spec, relative to the workspace root, in the
/// order it writes them (the two documents only between their markers): the tests that
/// check what gen writes, and gen itself, take the list from here.
pub const GENERATED_FILES: [&str; 7] = [
    codegen::GENERATED_PATH,
    codegen::OPERATIONS_PATH,
    codegen::MOCK_PATH,
    decoders::TABLE_PATH,
    codegen::RAW_PROGENITOR_PATH,
    OPERATIONS_TABLE_PATH,
    GUESSES_TABLE_PATH,
];

/// The client crate's README, for its users: gen keeps its table of operations.
pub const OPERATIONS_TABLE_PATH: &str = "client/README.md";

/// The maintainers' document: gen keeps its table of the spec's guesses.
pub const GUESSES_TABLE_PATH: &str = "ARCHITECTURE.md";
