//! A copy of the workspace as git tracks it, for the tests that edit one and build it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace's root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The paths git tracks.
fn ls_files() -> Vec<String> {
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(workspace())
        .output()
        .expect("git runs");
    assert!(listed.status.success());
    listed
        .stdout
        .split(|b| *b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| String::from_utf8(name.to_vec()).unwrap())
        .collect()
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

/// Every file git tracks, read under `root`, with its contents; not the symlinks (whose
/// contents are their targets', tracked on their own).
pub fn tracked(root: &Path) -> BTreeMap<String, Vec<u8>> {
    ls_files()
        .into_iter()
        .filter(|name| !is_symlink(&root.join(name)))
        .filter_map(|name| {
            let bytes = std::fs::read(root.join(&name)).ok()?;
            Some((name, bytes))
        })
        .collect()
}

/// Writes `files` under `root`, and makes the symlinks git tracks again there:
/// spec/answering-agent.yaml links to ../openapi/answering-agent.yaml (so that the packaged
/// spec crate carries the spec), and must read the copy's edited spec, not a snapshot of
/// the workspace's.
pub fn copy(files: &BTreeMap<String, Vec<u8>>, root: &Path) {
    for (name, bytes) in files {
        let to = root.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    #[cfg(unix)]
    for name in ls_files() {
        let from = workspace().join(&name);
        if is_symlink(&from) {
            let to = root.join(&name);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(std::fs::read_link(&from).unwrap(), to).unwrap();
        }
    }
}
