//! Runs the `xtask-verify` binary: straight away when it is known to be fresh, else through
//! `cargo run`, which rebuilds it first.
//!
//! A nested cargo costs a quarter of a second even when it has nothing to build: half of a
//! warm `cargo xtask gen --check`. So after each cargo run that succeeds, a stamp beside the
//! binary records when that run started and which binary it left. The binary is fresh when
//! it is still that one and nothing it was built from changed since: no source file cargo
//! listed for it (its `.d` file), no manifest, lock file or cargo config, was modified after
//! the run started. That is cargo's own rule (file times against the build's start), on the
//! files cargo itself names; anything unknown (no stamp, no `.d`, a file gone) means cargo.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::SystemTime;

/// Runs `xtask-verify` with `args`: the binary named by `XTASK_VERIFY_BIN` (tests set it),
/// the fresh binary, or cargo.
pub fn run(args: &[OsString]) -> anyhow::Result<ExitCode> {
    let binary = std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name(format!("xtask-verify{}", std::env::consts::EXE_SUFFIX)));
    let status = match (std::env::var_os("XTASK_VERIFY_BIN"), binary) {
        (Some(named), _) => status(Command::new(named).args(args))?,
        (None, Some(binary)) if is_fresh(&binary, &xtask::workspace::root()) => {
            status(Command::new(binary).args(args))?
        }
        (None, binary) => {
            let started = SystemTime::now();
            let status = status(cargo_run().args(args))?;
            // Verify exits 0, 1 or 2, so it was built and ran. Cargo exits 101 when the build
            // fails, and an interrupted build ends by a signal: then the binary there may be
            // an old one, and must not be stamped as built from today's sources.
            if let Some(binary) = binary
                && matches!(status.code(), Some(0..=2))
            {
                stamp(&binary, started);
            }
            status
        }
    };
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

fn status(command: &mut Command) -> anyhow::Result<std::process::ExitStatus> {
    command
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run xtask-verify: {e}"))
}

/// `cargo run --bin xtask-verify`, without the variables cargo set for this process
/// (`workspace::drop_cargo_variables`).
fn cargo_run() -> Command {
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    xtask::workspace::drop_cargo_variables(&mut cargo);
    cargo.args(["run", "--quiet"]);
    // The profile this xtask was built with (`cargo xtask-release` is optimized).
    if release() {
        cargo.arg("--release");
    }
    cargo
        .args(["--package", "xtask", "--bin", "xtask-verify", "--"])
        .current_dir(xtask::workspace::root());
    cargo
}

/// Whether this binary is cargo's release build (it lives in `target/release/`).
fn release() -> bool {
    std::env::current_exe().is_ok_and(|exe| {
        exe.parent()
            .and_then(|folder| folder.file_name())
            .is_some_and(|name| name == "release")
    })
}

fn stamp_path(binary: &Path) -> PathBuf {
    binary.with_extension("stamp")
}

/// The binary's identity: size and modification time.
pub fn identity(binary: &Path) -> Option<String> {
    let meta = std::fs::metadata(binary).ok()?;
    Some(format!("{} {}", meta.len(), nanos(meta.modified().ok()?)?))
}

fn nanos(time: SystemTime) -> Option<u128> {
    Some(time.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_nanos())
}

/// Records that a cargo run started at `started` left this binary. Best effort: without a
/// stamp the next run goes through cargo.
fn stamp(binary: &Path, started: SystemTime) {
    if let (Some(identity), Some(started)) = (identity(binary), nanos(started)) {
        let _ = xtask::workspace::write_atomically(
            &stamp_path(binary),
            &format!("{started}\n{identity}\n"),
        );
    }
}

/// Whether `binary` is what cargo would build now from the workspace at `root`.
fn is_fresh(binary: &Path, root: &Path) -> bool {
    let Some((started, dep_info)) = stamped(binary) else {
        return false;
    };
    let mut inputs = dep_info_inputs(&dep_info);
    inputs.extend(
        ["Cargo.toml", "Cargo.lock", ".cargo/config.toml"]
            .iter()
            .map(|name| root.join(name)),
    );
    inputs.extend(member_manifests(root));
    inputs.iter().all(|input| {
        std::fs::metadata(input)
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(nanos)
            .is_some_and(|modified| modified < started)
    })
}

/// When the cargo run that left `binary` started, and the `.d` file of that build; `None`
/// when there is no stamp, or it records another binary.
fn stamped(binary: &Path) -> Option<(u128, String)> {
    let stamp = std::fs::read_to_string(stamp_path(binary)).ok()?;
    let mut lines = stamp.lines();
    let started = lines.next()?.parse::<u128>().ok()?;
    if identity(binary).as_deref() != Some(lines.next()?) {
        return None;
    }
    Some((
        started,
        std::fs::read_to_string(binary.with_extension("d")).ok()?,
    ))
}

/// The inputs a make-style `.d` file lists after `target:`; spaces in paths are escaped.
fn dep_info_inputs(dep_info: &str) -> Vec<PathBuf> {
    let Some((_, inputs)) = dep_info
        .lines()
        .next()
        .and_then(|line| line.split_once(": "))
    else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    let mut current = String::new();
    let mut chars = inputs.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ' ' => paths
                .extend((!current.is_empty()).then(|| PathBuf::from(std::mem::take(&mut current)))),
            c => current.push(c),
        }
    }
    paths.extend((!current.is_empty()).then(|| PathBuf::from(current)));
    paths
}

/// The Cargo.toml of every folder one level below the root (the workspace's members).
fn member_manifests(root: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("Cargo.toml"))
        .filter(|manifest| manifest.is_file())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Past the coarse clock that file times come from (a few milliseconds).
    fn later() {
        std::thread::sleep(Duration::from_millis(50));
    }

    #[test]
    fn the_binary_is_fresh_until_something_it_was_built_from_changes() {
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path();
        for (name, text) in [
            ("Cargo.toml", "[workspace]"),
            ("Cargo.lock", "version = 4"),
            (".cargo/config.toml", "[alias]"),
            ("xtask/Cargo.toml", "[package]"),
            ("xtask/src/main.rs", "fn main() {}"),
            ("target/debug/xtask-verify", "binary 1"),
        ] {
            std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            std::fs::write(root.join(name), text).unwrap();
        }
        let binary = root.join("target/debug/xtask-verify");
        let source = root.join("xtask/src/main.rs");
        std::fs::write(
            binary.with_extension("d"),
            format!("{}: {}\n", binary.display(), source.display()),
        )
        .unwrap();
        assert!(!is_fresh(&binary, root), "no stamp yet");

        later();
        stamp(&binary, SystemTime::now());
        assert!(is_fresh(&binary, root), "stamped after its sources");

        later();
        std::fs::write(&source, "fn main() { println!(); }").unwrap();
        assert!(
            !is_fresh(&binary, root),
            "a source listed in the .d changed"
        );
        stamp(&binary, SystemTime::now());
        assert!(is_fresh(&binary, root), "stamped again");

        later();
        std::fs::write(root.join("Cargo.lock"), "version = 4 # edited").unwrap();
        assert!(!is_fresh(&binary, root), "the lock file changed");
        stamp(&binary, SystemTime::now());

        later();
        std::fs::write(root.join("xtask/Cargo.toml"), "[package] # edited").unwrap();
        assert!(!is_fresh(&binary, root), "a member's manifest changed");
        stamp(&binary, SystemTime::now());

        std::fs::write(&binary, "binary 2, built by someone else").unwrap();
        assert!(
            !is_fresh(&binary, root),
            "not the binary the stamp recorded"
        );
        stamp(&binary, SystemTime::now());
        assert!(is_fresh(&binary, root));

        std::fs::remove_file(binary.with_extension("d")).unwrap();
        assert!(!is_fresh(&binary, root), "no .d: cargo decides");
    }

    #[test]
    fn dep_info_inputs_unescape_spaces() {
        let inputs = dep_info_inputs("/t/xtask-verify: /a/b.rs /my\\ dir/c.rs /d.rs\n");
        assert_eq!(
            inputs,
            ["/a/b.rs", "/my dir/c.rs", "/d.rs"]
                .map(PathBuf::from)
                .to_vec()
        );
    }
}
