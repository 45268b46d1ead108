//! The half of `cargo xtask verify` (and `probe`) that compiles the generated client, to
//! decode every example into its types. `cargo xtask verify`, `probe` and `gen` run it.

// The generated client and its decoder table, exactly as the client crate compiles them.
#[allow(dead_code, unused_imports, missing_docs, clippy::all)]
#[rustfmt::skip]
#[path = "../../../../client/generated.rs"]
mod generated;
#[rustfmt::skip]
mod decoders;
mod hooks;
// The type the spec's `x-secret` schemas are generated as, exactly as the client has it.
#[allow(dead_code)]
#[path = "../../../../client/secret.rs"]
mod secret;

use std::process::ExitCode;

fn main() -> ExitCode {
    xtask::workspace::quiet_on_closed_pipe();
    let probe = std::env::args_os().nth(1).is_some_and(|a| a == "probe");
    let outcome = if probe {
        let matches = xtask::probe::command()
            .bin_name("cargo xtask probe")
            .get_matches_from(std::env::args_os().skip(1));
        xtask::probe::run(&matches, decoders::DECODERS)
    } else {
        let matches = xtask::verify::command()
            .bin_name("cargo xtask verify")
            .get_matches();
        xtask::verify::options(&matches).and_then(|options| {
            xtask::verify::run(&options, decoders::DECODERS, decoders::TYPE_SCHEMAS)
        })
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
