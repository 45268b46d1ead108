//! What the tests that run the xtask in a scratch git repository share.

use std::path::Path;
use std::process::{Command, Output};

/// `cargo xtask ARGS` with `root` as the workspace.
pub fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_ROOT", root)
        .output()
        .unwrap()
}

/// `git ARGS` in `root`, as a committer named `t`; panics with git's message on failure.
pub fn git(root: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
