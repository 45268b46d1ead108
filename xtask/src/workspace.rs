//! Where the workspace is, and writing files in it without ever leaving one half-written.

use std::io::Write;
use std::path::{Path, PathBuf};

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
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("error: {}: cannot read: {e}", path.display()))
}

/// Writes `contents` to `path` atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over the target. A crash leaves either the old file or the new one.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let fail = |e: std::io::Error| format!("error: {}: cannot write: {e}", path.display());
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
