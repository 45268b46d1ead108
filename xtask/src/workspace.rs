//! Where the workspace is, and writing files in it without ever leaving one half-written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root: the parent of this crate's folder, or `XTASK_ROOT` when set (the
/// xtask's own tests run it on copies of the workspace).
pub fn root() -> PathBuf {
    if let Some(root) = std::env::var_os("XTASK_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a folder of the workspace")
        .to_path_buf()
}

/// Reads a UTF-8 file, with an error that names it.
pub fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))
}

/// The project's spec (`openapi/answering-agent.yaml` under `root`), read and parsed; an
/// error names the file, and for bad YAML the line and column.
pub fn spec(root: &Path) -> anyhow::Result<answering_agent_spec::Spec> {
    let path = crate::codegen::SPEC_PATH;
    Ok(answering_agent_spec::Spec::parse(
        path,
        &read(&root.join(path))?,
    )?)
}

/// A reader that stops early (`cargo xtask diff | head`) ends the process quietly, as it
/// does any Unix tool: Rust ignores SIGPIPE, so the next `println!` would panic instead.
/// Call it first thing in `main`.
pub fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: at the start of `main`, before any thread exists; it restores the default
    // action of one signal and touches no Rust state.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Writes `contents` to `path` atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over the target. A crash leaves either the old file or the new one,
/// and at most a temporary file beside it, which the next write of that file removes.
pub fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    remove_abandoned_temporaries(folder, name);
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let fail = |e: std::io::Error| anyhow::anyhow!("{}: cannot write: {e}", path.display());
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(fail)
}

/// Removes the temporary files of writes of `name` whose process is gone (killed before its
/// rename): `.{name}.{pid}.tmp`. Where the system does not say whether a process lives
/// (no `/proc`), a temporary file an hour old counts as abandoned.
fn remove_abandoned_temporaries(folder: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let prefix = format!(".{name}.");
    let proc_mounted = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let abandoned = if proc_mounted {
            pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600)
        };
        if abandoned {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes from `command` the variables cargo set for this process (`CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_*`, `CARGO`, ...), for a nested cargo: build scripts that watch them (ring's)
/// would rerun, and the next outer build would rebuild them back. Variables a user set for
/// cargo (`CARGO_HOME`, `CARGO_TARGET_DIR`, `CARGO_PROFILE_*`, ...) pass through.
pub fn drop_cargo_variables(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_by_cargo = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_BIN_",
            "CARGO_CRATE_",
        ]
        .iter()
        .any(|prefix| name.starts_with(prefix))
            || matches!(
                name.as_ref(),
                "CARGO"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_RUSTC_CURRENT_DIR"
                    | "CARGO_TARGET_TMPDIR"
            );
        if set_by_cargo {
            command.env_remove(name.as_ref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Liveness comes from /proc; elsewhere only an hour-old temporary file counts.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_write_removes_what_a_killed_write_of_the_same_file_left() {
        let dir = tempfile::tempdir().unwrap();
        // A process that has ended: its temporary file is abandoned.
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        let dead = ended.id();
        ended.wait().unwrap();
        let abandoned = dir.path().join(format!(".spec.yaml.{dead}.tmp"));
        let other_file = dir.path().join(format!(".other.yaml.{dead}.tmp"));
        // A process still running: its write may yet finish.
        let mut running = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let live = dir.path().join(format!(".spec.yaml.{}.tmp", running.id()));
        for path in [&abandoned, &other_file, &live] {
            std::fs::write(path, "half").unwrap();
        }
        write_atomically(&dir.path().join("spec.yaml"), "whole\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("spec.yaml")).unwrap(),
            "whole\n"
        );
        assert!(!abandoned.exists());
        assert!(other_file.exists(), "another file's temporary is not ours");
        let still_there = live.exists();
        let _ = running.kill();
        let _ = running.wait();
        assert!(
            still_there,
            "a running writer's temporary file is left alone"
        );
    }
}
