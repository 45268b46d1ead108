//! What the command's tests share: a fake of the API that takes one key, the command
//! pointed at it, and its output as text for assertion messages.

#![allow(dead_code)] // each test file uses its part

use std::path::Path;
use std::process::{Command, Output, Stdio};

use answering_agent_fake::Fake;

/// The key the fake accepts and the command sends; a canary that must never be printed.
pub const KEY: &str = "sk_cli_canary_5f1e2d";

pub fn fake() -> Fake {
    Fake::builder()
        .api_key(KEY)
        .spawn()
        .expect("the fake starts")
}

/// `answering-agent`, with the key and the fake's URL in its environment.
pub fn cli(fake: &Fake) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_answering-agent"));
    command
        .env("ANSWERING_AGENT_API_KEY", KEY)
        .env("ANSWERING_AGENT_ENVIRONMENT", fake.base_url())
        .stdin(Stdio::null());
    command
}

/// `answering-agent organizations import FILE EXTRA...`, run to its end.
pub fn import(fake: &Fake, file: &Path, extra: &[&str]) -> Output {
    cli(fake)
        .args(["organizations", "import"])
        .arg(file)
        .args(extra)
        .output()
        .expect("the command runs")
}

/// The exit code, standard output and standard error, for an assertion's message.
pub fn text(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
