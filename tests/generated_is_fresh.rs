//! The checked-in client/generated.rs, client/operations.rs and client/generated_mock.rs are exactly what the
//! `codegen` build generates from the spec (`cargo test --features codegen`). As in
//! rust-analyzer: in CI (`CI` set) a stale file fails the test; locally the test also
//! rewrites it, so rerunning passes.
#![cfg(feature = "codegen")]

use std::path::Path;

fn ensure_fresh(checked_in: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(checked_in);
    let current = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\r\n", "\n");
    if current == generated {
        return;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{checked_in} is stale: run `cargo xtask gen` and commit the result");
    }
    let temporary = path.with_extension("rs.tmp");
    std::fs::write(&temporary, generated).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
    panic!("{checked_in} was stale and has been rewritten: review it, commit it and rerun");
}

#[test]
fn the_checked_in_client_is_what_the_spec_generates() {
    ensure_fresh(
        "client/generated.rs",
        include_str!(concat!(env!("OUT_DIR"), "/generated.rs")),
    );
}

#[test]
fn the_checked_in_mocks_are_what_the_spec_generates() {
    ensure_fresh(
        "client/generated_mock.rs",
        include_str!(concat!(env!("OUT_DIR"), "/generated_mock.rs")),
    );
}

#[test]
fn the_checked_in_operations_are_what_the_spec_generates() {
    ensure_fresh(
        "client/operations.rs",
        include_str!(concat!(env!("OUT_DIR"), "/operations.rs")),
    );
}
