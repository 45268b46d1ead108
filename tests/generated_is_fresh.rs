//! The checked-in client/generated.rs is exactly what the `codegen` build generates from the
//! spec (`cargo test --features codegen`). As in rust-analyzer: in CI (`CI` set) a stale
//! file fails the test; locally the test also rewrites it, so rerunning passes.
#![cfg(feature = "codegen")]

use std::path::Path;

#[test]
fn the_checked_in_client_is_what_the_spec_generates() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/generated.rs"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("client/generated.rs");
    let checked_in = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\r\n", "\n");
    if checked_in == generated {
        return;
    }
    if std::env::var_os("CI").is_some() {
        panic!("client/generated.rs is stale: run `cargo xtask gen` and commit the result");
    }
    let temporary = path.with_extension("rs.tmp");
    std::fs::write(&temporary, generated).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
    panic!("client/generated.rs was stale and has been rewritten: review it, commit it and rerun");
}
