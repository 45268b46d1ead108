//! The fingerprint that ties `client/generated.rs` to the spec it was generated from.
//!
//! Dependency-free on purpose: `build.rs` includes this file in every build, also for
//! consumers who never compile a generator. The hash is FNV-1a (64 bit). It detects edits,
//! not attacks, and a ten-line hash spares every consumer the build of a digest crate.

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/answering-agent.yaml";
/// The checked-in generated client, relative to the workspace root.
pub const GENERATED_PATH: &str = "client/generated.rs";
/// The checked-in typed `httpmock` helpers (feature `mock`), relative to the workspace root.
pub const MOCK_PATH: &str = "client/generated_mock.rs";
/// The generated operations (the `Operation` enum and a builder per operation).
pub const OPERATIONS_PATH: &str = "client/operations.rs";

/// The header line that carries the fingerprint; `build.rs` looks for it.
pub const HEADER_PREFIX: &str = "// spec-fnv1a64: ";

/// The fingerprint of a spec text. Line endings do not matter: CRLF and CR are read as LF,
/// so a checkout with `core.autocrlf` gives the same fingerprint.
pub fn of_spec(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut bytes = text.bytes().peekable();
    while let Some(mut byte) = bytes.next() {
        if byte == b'\r' {
            if bytes.peek() == Some(&b'\n') {
                continue;
            }
            byte = b'\n';
        }
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The fingerprint recorded in the header of a generated file, if it has one.
pub fn recorded_in(generated: &str) -> Option<&str> {
    generated
        .lines()
        .take(10)
        .find_map(|line| line.trim_end().strip_prefix(HEADER_PREFIX))
        .map(str::trim)
}
