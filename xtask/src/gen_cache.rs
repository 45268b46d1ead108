//! What `cargo xtask gen` generated last time, kept beside the xtask binary, so that a run
//! with the spec unchanged skips the generator (most of a warm `gen --check`).
//!
//! The outputs are a function of two things only: the spec's text and the generator's
//! code. The cache stores the spec text whole (compared byte for byte, no hash to collide)
//! and the identity of the binary that generated them (its size and modification time:
//! cargo rewrites it whenever the generator's code or dependencies change). Anything else
//! (a missing, unreadable or foreign cache) is a miss, and a miss only costs the generator.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use xtask::workspace;

/// Everything `gen` writes, before it is compared with the files.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct Outputs {
    pub client: String,
    pub operations: String,
    pub mock: String,
    pub decoder_table: String,
    pub readme_table: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    generator: String,
    spec: String,
    outputs: Outputs,
}

/// The outputs for `spec`, from the cache when this generator made them from this very
/// text, else from `generate` (and then cached; a cache that cannot be written is skipped).
pub fn outputs(
    spec: &str,
    generate: impl FnOnce() -> Result<Outputs, String>,
) -> Result<Outputs, String> {
    let Some((path, generator)) = location() else {
        return generate();
    };
    if let Some(entry) = std::fs::read(&path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Entry>(&bytes).ok())
        && entry.generator == generator
        && entry.spec == spec
    {
        return Ok(entry.outputs);
    }
    let outputs = generate()?;
    let entry = Entry {
        generator,
        spec: spec.to_string(),
        outputs,
    };
    if let Ok(text) = serde_json::to_string(&entry) {
        // Atomic, so that two runs at once never read half a cache.
        let _ = workspace::write_atomically(&path, &text);
    }
    Ok(entry.outputs)
}

/// Where the cache lives (beside the running binary, in cargo's target folder) and the
/// running generator's identity; `None` when either cannot be known.
fn location() -> Option<(PathBuf, String)> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let identity = format!("{} {} {}", exe.display(), meta.len(), modified.as_nanos());
    Some((exe.with_file_name("xtask-gen.cache.json"), identity))
}
