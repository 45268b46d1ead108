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
pub mod probe;
pub mod record;
pub mod report;
pub mod roundtrip;
pub mod surface;
pub mod type_schemas;
pub mod verify;
pub mod workspace;

/// Every file `cargo xtask gen` writes from the spec, relative to the workspace root, in the
/// order it writes them (README.md only between its markers): the tests that check what gen
/// writes, and gen itself, take the list from here.
pub const GENERATED_FILES: [&str; 6] = [
    codegen::GENERATED_PATH,
    codegen::OPERATIONS_PATH,
    codegen::MOCK_PATH,
    decoders::TABLE_PATH,
    codegen::RAW_PROGENITOR_PATH,
    README_PATH,
];

/// The README, whose table of operations gen keeps.
pub const README_PATH: &str = "README.md";
