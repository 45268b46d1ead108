//! Loading an OpenAPI document once, YAML or JSON, and finding the line of any JSON pointer
//! in it, so that every error names the file and the line the same way.

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser};
use serde_json::Value;

use crate::pointer::{self, escape};

/// A line and column in a spec file, both counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

/// A problem in a spec, located as precisely as the problem allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The file, as the user named it.
    pub file: String,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// The JSON pointer of the offending node, when there is one.
    pub pointer: Option<String>,
    /// What is wrong and, where it helps, what to do.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(at) = self.location {
            write!(f, ":{}:{}", at.line, at.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(
                f,
                " (at {})",
                if pointer.is_empty() { "/" } else { pointer }
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// A parsed spec: its JSON value and the location of every node.
#[derive(Clone)]
pub struct Spec {
    /// The file, as the user named it.
    pub file: String,
    /// The document as JSON (YAML map keys such as `200` become strings).
    pub value: Value,
    locations: HashMap<String, Location>,
}

impl Spec {
    /// Parses YAML or JSON. Fails with the line and column of a syntax error.
    pub fn parse(file: impl Into<String>, text: &str) -> Result<Spec, SpecError> {
        let file = file.into();
        let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| SpecError {
            location: e.location().map(|l| Location {
                line: l.line(),
                column: l.column(),
            }),
            file: file.clone(),
            pointer: None,
            message: format!("invalid YAML: {}", strip_location(&e.to_string())),
        })?;
        let mut spec = Spec {
            file,
            value: Value::Null,
            locations: HashMap::new(),
        };
        spec.value =
            yaml_to_json(yaml, "").map_err(|(pointer, message)| spec.error(&pointer, message))?;
        spec.locations = locate_nodes(text);
        Ok(spec)
    }

    /// The location of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let mut pointer = pointer;
        loop {
            if let Some(at) = self.locations.get(pointer) {
                return Some(*at);
            }
            pointer = &pointer[..pointer.rfind('/')?];
        }
    }

    /// An error about the node at `pointer`.
    pub fn error(&self, pointer: &str, message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.clone(),
            location: self.locate(pointer),
            pointer: Some(pointer.to_string()),
            message: message.into(),
        }
    }

    /// The node at a JSON pointer.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }

    /// Follows `$ref`s from the node at `pointer` to the node they end at, and returns that
    /// node with its pointer (see [`pointer::follow`]). Errors name the failing `$ref`'s line.
    pub fn resolve<'a>(&'a self, pointer: &str) -> Result<(&'a Value, String), SpecError> {
        let node = self
            .get(pointer)
            .ok_or_else(|| self.error(pointer, "nothing at this JSON pointer"))?;
        self.follow(node, pointer)
    }

    /// [`pointer::follow`] from `node` (at `pointer`), with errors located in the file.
    pub fn follow<'a>(
        &'a self,
        node: &'a Value,
        pointer: &str,
    ) -> Result<(&'a Value, String), SpecError> {
        pointer::follow(&self.value, node, pointer).map_err(|e| self.error(&e.pointer, e.message))
    }

    /// The path of the first server's URL, where the API is served: `/api/v1` for
    /// `https://host/api/v1/` and for a relative `/api/v1`; empty without a server.
    pub fn base_path(&self) -> String {
        let url = self
            .value
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
        path.trim_end_matches('/').to_string()
    }

    /// Checks that the document says `openapi: 3.0.x`, the only version progenitor takes.
    pub fn check_openapi_30(&self) -> Result<(), SpecError> {
        match self.value.get("openapi") {
            Some(Value::String(v)) if v.trim().starts_with("3.0.") => Ok(()),
            Some(other) => Err(self.error(
                "/openapi",
                format!("not an OpenAPI 3.0.x document: `openapi: {other}` (progenitor takes 3.0.x only)"),
            )),
            None if self.value.get("swagger").is_some() => Err(self.error(
                "/swagger",
                "a Swagger 2.0 document; convert it to OpenAPI 3.0.x first",
            )),
            None => Err(self.error(
                "",
                "not an OpenAPI document: there is no top-level `openapi: 3.0.x` field",
            )),
        }
    }

    /// Every `$ref` that cannot be followed: into another document, to nothing, or in a
    /// cycle of references.
    pub fn dangling_refs(&self) -> Vec<SpecError> {
        let mut errors = Vec::new();
        walk(&self.value, &mut String::new(), &mut |at, node| {
            if node.get("$ref").is_some_and(Value::is_string)
                && let Err(e) = pointer::follow(&self.value, node, at)
                && e.pointer == format!("{at}/$ref")
            {
                errors.push(self.error(&e.pointer, e.message));
            }
        });
        errors
    }

    /// The document as typed OpenAPI 3.0, with the pointer of the first field that does not
    /// fit the OpenAPI 3.0 schema.
    #[cfg(feature = "openapiv3")]
    pub fn to_openapi(&self) -> Result<openapiv3::OpenAPI, SpecError> {
        serde_path_to_error::deserialize(&self.value).map_err(|e| {
            let pointer = path_to_pointer(e.path());
            self.error(&pointer, format!("not valid OpenAPI 3.0: {}", e.inner()))
        })
    }
}

/// `value` as YAML text, as a spec is written (for specs made from parts of another).
pub fn yaml_text(value: &Value) -> Result<String, serde_norway::Error> {
    serde_norway::to_string(value)
}

/// Calls `visit` with the pointer of every node, depth first.
pub fn walk(value: &Value, pointer: &mut String, visit: &mut impl FnMut(&str, &Value)) {
    visit(pointer, value);
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointer.push('/');
                pointer.push_str(&escape(key));
                walk(child, pointer, visit);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&index.to_string());
                walk(child, pointer, visit);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(feature = "openapiv3")]
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", escape(key))),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// serde_norway appends " at line L column C" to its messages; we print the location first.
fn strip_location(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

/// YAML allows map keys that JSON does not (`200:` is a number); OpenAPI means strings.
fn yaml_to_json(yaml: serde_norway::Value, pointer: &str) -> Result<Value, (String, String)> {
    use serde_norway::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        (
                            pointer.to_string(),
                            format!("the number {f} has no JSON form"),
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &format!("{pointer}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => {
                        return Err((
                            pointer.to_string(),
                            "a map key that is not a scalar".to_string(),
                        ));
                    }
                };
                let child = yaml_to_json(value, &format!("{pointer}/{}", escape(&key)))?;
                object.insert(key, child);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

/// Maps the JSON pointer of every node to where it starts; for a map entry, where its key
/// starts, since that is the line a reader looks for. Runs only on text that already parsed.
fn locate_nodes(text: &str) -> HashMap<String, Location> {
    enum Frame {
        Map {
            pointer: String,
            key: Option<String>,
        },
        Seq {
            pointer: String,
            next: usize,
        },
        /// A complex (non-scalar) map key: skipped, with its nesting depth.
        Skip(usize),
    }
    let mut locations = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let at = Location {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        if let Some(Frame::Skip(depth)) = stack.last_mut() {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => *depth += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    *depth -= 1;
                    if *depth == 0 {
                        stack.pop();
                        if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                            *key = Some("?".to_string());
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        if !is_node {
            if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
                stack.pop();
                finish_value(&mut stack);
            }
            continue;
        }
        // A map expecting a key?
        if let Some(Frame::Map { pointer, key }) = stack.last_mut()
            && key.is_none()
        {
            match &event {
                Event::Scalar(value, ..) => {
                    let child = format!("{pointer}/{}", escape(value));
                    locations.entry(child).or_insert(at);
                    *key = Some(value.to_string());
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => stack.push(Frame::Skip(1)),
                _ => *key = Some("?".to_string()),
            }
            continue;
        }
        let pointer = match stack.last() {
            None => String::new(),
            Some(Frame::Map { pointer, key }) => {
                format!("{pointer}/{}", escape(key.as_deref().unwrap_or("?")))
            }
            Some(Frame::Seq { pointer, next }) => format!("{pointer}/{next}"),
            Some(Frame::Skip(_)) => unreachable!("skipped above"),
        };
        locations.entry(pointer.clone()).or_insert(at);
        match event {
            Event::MappingStart(..) => stack.push(Frame::Map { pointer, key: None }),
            Event::SequenceStart(..) => stack.push(Frame::Seq { pointer, next: 0 }),
            _ => finish_value(&mut stack),
        }
    }
    return locations;

    fn finish_value(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { next, .. }) => *next += 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    get:\n      responses:\n        200:\n          description: ok\nlist: [x, {y: 1}]\n";

    #[test]
    fn the_base_path_is_the_first_server_s_path() {
        let base = |servers: &str| Spec::parse("t.yaml", servers).unwrap().base_path();
        assert_eq!(
            base("servers: [{url: 'https://h.example/api/v1/'}]"),
            "/api/v1"
        );
        assert_eq!(base("servers: [{url: /api/v1}, {url: /other}]"), "/api/v1");
        assert_eq!(base("servers: [{url: 'https://h.example'}]"), "");
        assert_eq!(base("openapi: 3.0.3"), "");
    }

    #[test]
    fn pointers_map_to_the_key_line() {
        let spec = Spec::parse("t.yaml", DOC).unwrap();
        assert_eq!(spec.locate("/paths/~1a~1{b}/get").map(|l| l.line), Some(4));
        assert_eq!(
            spec.locate("/paths/~1a~1{b}/get/responses/200/description")
                .map(|l| l.line),
            Some(7)
        );
        assert_eq!(
            spec.locate("/list/1/y"),
            Some(Location {
                line: 8,
                column: 12
            })
        );
        // A pointer below a leaf falls back to the nearest ancestor.
        assert_eq!(spec.locate("/list/1/y/zz").map(|l| l.line), Some(8));
        assert_eq!(
            spec.value["paths"]["/a/{b}"]["get"]["responses"]["200"]["description"],
            "ok"
        );
    }

    #[test]
    fn yaml_errors_have_a_line() {
        let Err(err) = Spec::parse("bad.yaml", "a: [1, 2\nb: 3\n") else {
            panic!("parsed")
        };
        assert!(err.location.is_some(), "{err}");
        assert!(err.to_string().starts_with("bad.yaml:"), "{err}");
    }

    #[test]
    fn dangling_refs_are_found() {
        let spec = Spec::parse(
            "t.yaml",
            "a:\n  $ref: '#/nope'\nb:\n  $ref: 'other.yaml#/x'\nc:\n  $ref: '#/a'\n",
        )
        .unwrap();
        let errors = spec.dangling_refs();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].pointer.as_deref(), Some("/a/$ref"));
        assert_eq!(errors[0].location.map(|l| l.line), Some(2));
        assert_eq!(errors[1].pointer.as_deref(), Some("/b/$ref"));
    }
}
