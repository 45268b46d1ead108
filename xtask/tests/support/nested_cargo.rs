//! A cargo run from a test, as the tests that build a workspace (a copy of it, or its
//! packages) need it.

use std::path::Path;
use std::process::Command;

/// A cargo in `dir` building into `target`, without the variables cargo set for this test
/// (`xtask::workspace::drop_cargo_variables`) or the test harness's (`RUST_TEST_*`).
pub fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    xtask::workspace::drop_cargo_variables(&mut command);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RUST_TEST") {
            command.env_remove(&name);
        }
    }
    command.current_dir(dir).env("CARGO_TARGET_DIR", target);
    command
}
