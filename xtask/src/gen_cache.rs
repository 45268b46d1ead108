//! What `cargo xtask gen` generated last time, kept beside the xtask binary, so that a run
//! with the spec unchanged skips the generator (most of a warm `gen --check`).
//!
//! The outputs are a function of two things only: the spec's text and the generator's
//! code. The cache stores the spec text whole (compared byte for byte, no hash to collide)
//! and the identity of the binary that generated them (its size and modification time:
//! cargo rewrites it whenever the generator's code or dependencies change). Anything else
//! (a missing, unreadable or foreign cache) is a miss, and a miss only costs the generator.

use std::path::{Path, PathBuf};

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
    pub readme_guesses: String,
    pub raw_progenitor: String,
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
    generate: impl FnOnce() -> anyhow::Result<Outputs>,
) -> anyhow::Result<Outputs> {
    match location() {
        Some((path, generator)) => cached(&path, &generator, spec, generate),
        None => generate(),
    }
}

/// [`outputs`] with the cache file and the generator's identity given.
fn cached(
    path: &Path,
    generator: &str,
    spec: &str,
    generate: impl FnOnce() -> anyhow::Result<Outputs>,
) -> anyhow::Result<Outputs> {
    if let Some(entry) = std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Entry>(&bytes).ok())
        && entry.generator == generator
        && entry.spec == spec
    {
        return Ok(entry.outputs);
    }
    let outputs = generate()?;
    let entry = Entry {
        generator: generator.to_string(),
        spec: spec.to_string(),
        outputs,
    };
    if let Ok(text) = serde_json::to_string(&entry) {
        // Atomic, so that two runs at once never read half a cache.
        let _ = workspace::write_atomically(path, &text);
    }
    Ok(entry.outputs)
}

/// Where the cache lives (beside the running binary, in cargo's target folder) and the
/// running generator's identity; `None` when either cannot be known.
fn location() -> Option<(PathBuf, String)> {
    let exe = std::env::current_exe().ok()?;
    let identity = format!(
        "{} {}",
        exe.display(),
        crate::verify_runner::identity(&exe)?
    );
    Some((exe.with_file_name("xtask-gen.cache.json"), identity))
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn made_from(spec: &str) -> Outputs {
        let text = format!("from {spec}");
        Outputs {
            client: text.clone(),
            operations: text.clone(),
            mock: text.clone(),
            decoder_table: text.clone(),
            readme_table: text.clone(),
            readme_guesses: text.clone(),
            raw_progenitor: text,
        }
    }

    #[test]
    fn the_generator_runs_only_when_the_spec_or_the_generator_changed() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("cache.json");
        let runs = Cell::new(0);
        let generate = |spec: &'static str| {
            let runs = &runs;
            move || {
                runs.set(runs.get() + 1);
                Ok(made_from(spec))
            }
        };
        let run = |generator, spec| cached(&path, generator, spec, generate(spec)).unwrap();

        assert_eq!(run("generator 1", "spec a"), made_from("spec a"));
        assert_eq!(runs.get(), 1, "an empty cache is a miss");
        assert_eq!(run("generator 1", "spec a"), made_from("spec a"));
        assert_eq!(runs.get(), 1, "same spec, same generator: a hit");
        assert_eq!(run("generator 1", "spec b"), made_from("spec b"));
        assert_eq!(runs.get(), 2, "another spec: a miss");
        assert_eq!(run("generator 2", "spec b"), made_from("spec b"));
        assert_eq!(runs.get(), 3, "another generator: a miss");

        std::fs::write(&path, "{ half a cache").unwrap();
        assert_eq!(run("generator 2", "spec b"), made_from("spec b"));
        assert_eq!(runs.get(), 4, "an unreadable cache: a miss");
    }

    #[test]
    fn a_failed_generation_is_not_cached() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("cache.json");
        let failed = cached(&path, "g", "broken", || Err(anyhow::anyhow!("broken")));
        assert_eq!(failed.unwrap_err().to_string(), "broken");
        assert!(!path.exists());
    }
}
