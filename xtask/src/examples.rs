//! Finding recorded examples and reading what their names say.
//!
//! `openapi/examples/<operationId>/<status>-<case>.json` is a response body with that status;
//! `openapi/examples/<operationId>/request-<case>.json` is a request body. Files outside such
//! a folder are named the same way inside any folder named after the operation.

use std::path::{Path, PathBuf};

/// Files at or above this size are refused unread.
pub const MAX_EXAMPLE_BYTES: u64 = 50 * 1024 * 1024;

/// What an example's name says it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleName {
    /// The operationId (the folder's name).
    pub operation: String,
    /// A response status (`201`), or `None` for a request body.
    pub status: Option<u16>,
    /// The rest of the name: what the example shows.
    pub case: String,
}

impl ExampleName {
    /// Reads `<operationId>/<status>-<case>.json` or `<operationId>/request-<case>.json`;
    /// else why the name maps to nothing (a finding's words, not a failure).
    pub fn parse(path: &Path) -> Result<ExampleName, String> {
        let stem = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
            .ok_or("an example's name ends in `.json`")?;
        let operation = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .ok_or("an example lives in a folder named after its operationId")?
            .to_string();
        let (head, case) = stem
            .split_once('-')
            .ok_or("the name has no `-<case>` part")?;
        if case.is_empty() {
            return Err("the `<case>` part of the name is empty".to_string());
        }
        let status = match head {
            "request" => None,
            code if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) => {
                Some(code.parse().expect("three digits"))
            }
            other => return Err(format!("`{other}` is neither a status code nor `request`")),
        };
        Ok(ExampleName {
            operation,
            status,
            case: case.to_string(),
        })
    }
}

/// Every `.json` file under the given paths (files as they are, folders recursively), in a
/// stable order. A path that does not exist is an error, and so is a folder with no `.json`
/// file when `require_files` is set.
pub fn collect(paths: &[PathBuf], require_files: bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let metadata =
            std::fs::metadata(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if metadata.is_file() {
            files.push(path.clone());
            continue;
        }
        let before = files.len();
        walk(path, &mut files).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if require_files && files.len() == before {
            anyhow::bail!("{}: no .json files in this folder", path.display());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(folder: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let parse = |p: &str| ExampleName::parse(Path::new(p));
        assert_eq!(
            parse("x/makeWidget/201-fresh-org.json"),
            Ok(ExampleName {
                operation: "makeWidget".into(),
                status: Some(201),
                case: "fresh-org".into()
            })
        );
        assert_eq!(
            parse("makeWidget/request-minimal.json").unwrap().status,
            None
        );
        assert!(parse("makeWidget/ok-x.json").is_err());
        assert!(parse("makeWidget/201.json").is_err());
        assert!(parse("makeWidget/2010-x.json").is_err());
    }
}
