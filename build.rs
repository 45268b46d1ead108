//! The client's build script.
//!
//! With feature `codegen`, it generates the client from the spec into OUT_DIR through the
//! one pipeline in client/codegen/, and the crate compiles that. Without it (the default,
//! what consumers get), it compiles no generator at all and only guards the link from spec
//! to client: when the spec no longer matches the fingerprint in client/generated.rs, the
//! build stops with one line that says what to do.

// Shared with the xtask, which uses more of them than this script does.
#[cfg(feature = "codegen")]
#[allow(dead_code, unused_imports)]
#[path = "client/codegen/mod.rs"]
mod codegen;
#[cfg(feature = "codegen")]
use codegen::fingerprint;
#[cfg(not(feature = "codegen"))]
#[allow(dead_code)]
#[path = "client/codegen/fingerprint.rs"]
mod fingerprint;

use fingerprint::{
    GENERATED_PATH as GENERATED, MOCK_PATH as MOCK, OPERATIONS_PATH as OPERATIONS,
    SPEC_PATH as SPEC,
};

fn main() {
    println!("cargo::rerun-if-changed={SPEC}");
    println!("cargo::rerun-if-changed={GENERATED}");
    println!("cargo::rerun-if-changed={MOCK}");
    println!("cargo::rerun-if-changed={OPERATIONS}");
    println!("cargo::rerun-if-changed=client/codegen");
    if let Err(message) = run() {
        println!("cargo::error={message}");
    }
}

#[cfg(feature = "codegen")]
fn run() -> Result<(), String> {
    let text = std::fs::read_to_string(SPEC).map_err(|e| format!("{SPEC}: cannot read: {e}"))?;
    let one_line = |errors: Vec<answering_agent_spec::SpecError>| {
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        all.join("; ")
    };
    let generated = codegen::generate_all(SPEC, &text).map_err(one_line)?;
    let mock = codegen::generate_mock(SPEC, &text, "crate").map_err(one_line)?;
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    for (name, code) in [
        ("generated.rs", generated.client),
        ("operations.rs", generated.operations),
        ("generated_mock.rs", mock),
    ] {
        std::fs::write(out.join(name), code)
            .map_err(|e| format!("cannot write into OUT_DIR: {e}"))?;
    }
    Ok(())
}

#[cfg(not(feature = "codegen"))]
fn run() -> Result<(), String> {
    let spec = match std::fs::read_to_string(SPEC) {
        Ok(text) => text,
        // A packaged copy without the spec has nothing to guard.
        Err(_) => return Ok(()),
    };
    for generated_path in [GENERATED, OPERATIONS, MOCK] {
        let generated = std::fs::read_to_string(generated_path)
            .map_err(|e| format!("{generated_path}: cannot read: {e}"))?;
        match fingerprint::recorded_in(&generated) {
            Some(recorded) if recorded == fingerprint::of_spec(&spec) => {}
            Some(_) => {
                return Err(format!(
                    "{SPEC} changed since {generated_path} was generated from it: run `cargo xtask gen` and commit the result"
                ));
            }
            None => {
                return Err(format!(
                    "{generated_path} has no `spec-fnv1a64` header line: run `cargo xtask gen`"
                ));
            }
        }
    }
    Ok(())
}
