//! JSON pointers (RFC 6901) into the spec, and the one way a `$ref` is followed.

use serde_json::Value;

/// Escapes one JSON pointer segment: `~` as `~0`, `/` as `~1`.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`] for one segment.
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The JSON pointer a local `$ref` (`#/components/...`) names, its percent-escapes decoded
/// (a `$ref` is a URI, so `#/paths/~1users~1%7Bid%7D` names `/paths/~1users~1{id}`); `None`
/// for a reference into another document.
pub fn ref_target(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    if !(fragment.is_empty() || fragment.starts_with('/')) {
        return None;
    }
    Some(
        percent_encoding::percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Why a `$ref` could not be followed, at the pointer of the `$ref` itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefError {
    /// The pointer of the `$ref` that could not be followed (`.../schema/$ref`).
    pub pointer: String,
    /// What is wrong with it.
    pub message: String,
}

/// Follows the `$ref`s from `node` (found at `pointer` in `root`) to the node they end at,
/// and returns that node with its pointer. A node without `$ref` is its own end. Only local
/// references are followed; one into another document, one to nothing, and a cycle of
/// references are errors at the `$ref` that fails.
pub fn follow<'a>(
    root: &'a Value,
    node: &'a Value,
    pointer: &str,
) -> Result<(&'a Value, String), RefError> {
    walk(root, node, pointer, &mut Vec::new())
}

/// Every place [`follow`] passes through from `node` (found at `pointer`): `pointer`, then
/// the target of each `$ref` in turn, as far as the references can be followed.
pub fn chain(root: &Value, node: &Value, pointer: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let _ = walk(root, node, pointer, &mut seen);
    std::iter::once(pointer.to_string()).chain(seen).collect()
}

/// [`follow`], noting in `seen` each target it reaches.
fn walk<'a>(
    root: &'a Value,
    node: &'a Value,
    pointer: &str,
    seen: &mut Vec<String>,
) -> Result<(&'a Value, String), RefError> {
    let mut node = node;
    let mut pointer = pointer.to_string();
    while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let fail = |message: String| {
            let pointer = format!("{pointer}/$ref");
            Err(RefError { pointer, message })
        };
        let Some(target) = ref_target(reference) else {
            return fail(format!(
                "`$ref: {reference}` points outside this document; only local references (`#/...`) are supported"
            ));
        };
        if seen.contains(&target) {
            return fail(format!(
                "`$ref: {reference}` is a cycle of references to itself"
            ));
        }
        let Some(next) = root.pointer(&target) else {
            return fail(format!("dangling `$ref: {reference}`: nothing at {target}"));
        };
        seen.push(target.clone());
        node = next;
        pointer = target;
    }
    Ok((node, pointer))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_are_uris_with_escaped_pointers() {
        assert_eq!(
            ref_target("#/paths/~1users~1%7Bexternal_id%7D").as_deref(),
            Some("/paths/~1users~1{external_id}")
        );
        assert_eq!(ref_target("#").as_deref(), Some(""));
        assert_eq!(ref_target("other.yaml#/a"), None);
        assert_eq!(ref_target("#a"), None);
        assert_eq!(unescape(&escape("a/b~c")), "a/b~c");
        assert_eq!(escape("a/b~c"), "a~1b~0c");
    }

    #[test]
    fn chains_end_cycles_and_dangling_references_fail_where_they_are() {
        let root = json!({
            "a": {"$ref": "#/b"}, "b": {"$ref": "#/c~1d"}, "c/d": {"type": "string"},
            "x": {"$ref": "#/y"}, "y": {"$ref": "#/x"}, "z": {"$ref": "#/nope"},
            "p%": {"$ref": "#/p%25"}
        });
        let (node, pointer) = follow(&root, &root["a"], "/a").unwrap();
        assert_eq!(
            (node, pointer.as_str()),
            (&json!({"type": "string"}), "/c~1d")
        );
        let cycle = follow(&root, &root["x"], "/x").unwrap_err();
        assert!(cycle.message.contains("cycle"), "{cycle:?}");
        let dangling = follow(&root, &root["z"], "/z").unwrap_err();
        assert_eq!(dangling.pointer, "/z/$ref");
        let itself = follow(&root, &root["p%"], "/p%").unwrap_err();
        assert!(itself.message.contains("cycle"), "{itself:?}");
        assert_eq!(chain(&root, &root["a"], "/a"), ["/a", "/b", "/c~1d"]);
        assert_eq!(chain(&root, &root["z"], "/z"), ["/z"]);
        assert_eq!(chain(&root, &root["x"], "/x"), ["/x", "/y", "/x"]);
    }
}
