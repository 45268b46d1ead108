//! The maintainers' tooling behind `cargo xtask`, as a library shared by its two binaries:
//! `xtask` (gen, and everything that must work while the generated client is broken) and
//! `xtask-verify` (which also compiles the generated client, to decode examples into it).

pub mod allow;
#[path = "../../client/codegen/mod.rs"]
pub mod codegen;
pub mod decoders;
pub mod diff;
pub mod examples;
pub mod fuzz;
pub mod record;
pub mod report;
pub mod roundtrip;
pub use answering_agent_fake::schema;
pub mod surface;
pub mod type_schemas;
pub mod verify;
pub mod workspace;
