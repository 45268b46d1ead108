//! `cargo xtask verify` on any example: any name, any bytes as its body. Findings are fine;
//! a panic or a hang is not, and every finding names the file.
//!
//! Input: the example's name under openapi/examples (`createOrganization/201-fresh.json`),
//! a newline, the body. Seeds: every example of the repository.

#![no_main]

// The generated client and its decoder table, exactly as xtask-verify compiles them.
#[allow(dead_code, unused_imports, missing_docs, clippy::all)]
#[rustfmt::skip]
#[path = "../../client/generated.rs"]
mod generated;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../xtask/src/bin/xtask-verify/decoders.rs"]
mod decoders;
#[path = "../../xtask/src/bin/xtask-verify/hooks.rs"]
mod hooks;
#[allow(dead_code)]
#[path = "../../client/secret.rs"]
mod secret;

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use answering_agent_spec::Spec;
use xtask::verify::Verifier;

thread_local! {
    static VERIFIER: Verifier<'static> = {
        let spec = Spec::parse(xtask::codegen::SPEC_PATH, answering_agent_spec::SPEC)
            .expect("the repository's spec parses");
        Verifier::new(Box::leak(Box::new(spec)), decoders::DECODERS).unwrap()
    };
}

const FILE: &str = "fuzzed.json";

fuzz_target!(|data: &[u8]| {
    let (name, body) = match data.iter().position(|&b| b == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (&data[..0], data),
    };
    let Ok(name) = std::str::from_utf8(name) else {
        return;
    };
    VERIFIER.with(|verifier| {
        for finding in verifier.check_bytes(Path::new(name), FILE, body) {
            assert_eq!(finding.file, FILE, "{finding:?}");
            assert!(!finding.message.is_empty(), "{finding:?}");
        }
    });
});
