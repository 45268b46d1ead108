//! The spec loader and the whole generation pipeline (YAML, OpenAPI checks, the lint,
//! progenitor, the operations) on any bytes: a client or errors that name the file, never
//! a panic or a hang.
//!
//! Input: the spec's text. Seeds: the repository's spec, and one slice of it per operation.

#![no_main]

use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzzed.yaml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match xtask::codegen::generate_all(FILE, text) {
        Ok(generated) => {
            assert!(generated.client.contains("pub struct Client"));
            assert_eq!(
                generated.model.is_empty(),
                !generated
                    .operations
                    .contains("pub enum Operation {\n    ///")
            );
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a failure without an error");
            for error in &errors {
                assert_eq!(error.file, FILE, "{error}");
                assert!(!error.message.is_empty(), "an empty message: {error:?}");
            }
        }
    }
});
