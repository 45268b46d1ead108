//! The round trip's fast path: does a decoded value encode back to the example it came
//! from, as the wire means it? Checked by serializing the typed value straight against the
//! example (a `Serializer` that compares instead of writing), so a clean example costs no
//! second tree. Any doubt answers "no", and the caller then builds the encoded tree and
//! compares it in detail (`verify.rs`), so the fast path can be wrong only towards slowness.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::Value;

use answering_agent_spec::pointer::escape;
use answering_agent_spec::schema;

/// What the spec says of each place of a body that the comparison needs: which strings
/// are date-times (`...09Z` and `...09.000000Z` are one instant), and which properties may
/// be left out, with their default (an absent optional property equals `null` or its
/// default). Places are JSON pointers with `*` for any array index.
#[derive(Default)]
pub struct PathIndex {
    date_times: HashSet<String>,
    optional: HashMap<String, Option<Value>>,
}

impl PathIndex {
    /// The index of the schema `root` (at `pointer`), to a depth of 16 and without
    /// following a `$ref` into itself.
    pub fn of(spec: &Value, root: &Value, pointer: &str) -> PathIndex {
        let mut index = PathIndex::default();
        index.visit(spec, root, pointer, &mut String::new(), &mut Vec::new());
        index
    }

    fn visit(
        &mut self,
        spec: &Value,
        schema: &Value,
        at: &str,
        path: &mut String,
        refs: &mut Vec<String>,
    ) {
        if refs.len() > 16 || path.len() > 512 {
            return;
        }
        let (schema, at) = schema::deref(spec, schema, at);
        if refs.contains(&at) {
            return;
        }
        refs.push(at.clone());
        if schema.get("format").and_then(Value::as_str) == Some("date-time") {
            self.date_times.insert(path.clone());
        }
        let length = path.len();
        if let Some(items) = schema.get("items") {
            path.push_str("/*");
            self.visit(spec, items, &format!("{at}/items"), path, refs);
            path.truncate(length);
        }
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                path.push('/');
                path.push_str(&escape(name));
                if !schema::requires(spec, schema, name) {
                    let (resolved, _) = schema::deref(spec, property, "");
                    self.optional
                        .insert(path.clone(), resolved.get("default").cloned());
                }
                let property_at = format!("{at}/properties/{}", escape(name));
                self.visit(spec, property, &property_at, path, refs);
                path.truncate(length);
            }
        }
        if let Some(Value::Array(branches)) = schema.get("allOf") {
            for (i, branch) in branches.iter().enumerate() {
                self.visit(spec, branch, &format!("{at}/allOf/{i}"), path, refs);
            }
        }
        refs.pop();
    }
}

/// Whether `typed` encodes to `expected`, as the wire means it.
pub fn matches<T: Serialize>(typed: &T, expected: &Value, index: &PathIndex) -> bool {
    let mut state = State {
        index,
        path: String::with_capacity(128),
        seen: Vec::with_capacity(64),
        buffer: String::with_capacity(64),
    };
    typed
        .serialize(Compare {
            expected,
            state: &mut state,
        })
        .is_ok()
}

struct State<'i> {
    index: &'i PathIndex,
    /// Reused for values that serialize through `collect_str`.
    buffer: String,
    /// The place being compared, as in the index.
    path: String,
    /// The fields each open struct has written, as one stack.
    seen: Vec<&'static str>,
}

/// Not the same (or not sure): the caller takes the slow path.
#[derive(Debug)]
pub struct Differs;

impl fmt::Display for Differs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("differs")
    }
}

impl std::error::Error for Differs {}

impl ser::Error for Differs {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Differs
    }
}

fn same(ok: bool) -> Result<(), Differs> {
    if ok { Ok(()) } else { Err(Differs) }
}

struct Compare<'a, 's, 'i> {
    expected: &'a Value,
    state: &'s mut State<'i>,
}

impl<'a, 's, 'i> Compare<'a, 's, 'i> {
    fn number(self, equal: impl Fn(&serde_json::Number) -> bool) -> Result<(), Differs> {
        same(matches!(self.expected, Value::Number(n) if equal(n)))
    }
}

impl<'a, 's, 'i> ser::Serializer for Compare<'a, 's, 'i> {
    type Ok = ();
    type Error = Differs;
    type SerializeSeq = Seq<'a, 's, 'i>;
    type SerializeTuple = Seq<'a, 's, 'i>;
    type SerializeTupleStruct = Seq<'a, 's, 'i>;
    type SerializeTupleVariant = Impossible<(), Differs>;
    type SerializeMap = Map<'a, 's, 'i>;
    type SerializeStruct = Struct<'a, 's, 'i>;
    type SerializeStructVariant = Impossible<(), Differs>;

    fn serialize_bool(self, v: bool) -> Result<(), Differs> {
        same(self.expected == &Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Differs> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Differs> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Differs> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Differs> {
        self.number(|n| {
            n.as_i64() == Some(v) || n.as_f64() == Some(v as f64) && n.as_i64().is_none()
        })
    }
    fn serialize_u8(self, v: u8) -> Result<(), Differs> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Differs> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Differs> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Differs> {
        self.number(|n| n.as_u64() == Some(v))
    }
    fn serialize_f32(self, v: f32) -> Result<(), Differs> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Differs> {
        self.number(|n| n.as_f64() == Some(v))
    }
    fn serialize_char(self, v: char) -> Result<(), Differs> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Differs> {
        compare_str(self.expected, self.state, v)
    }
    /// chrono writes date-times through here: into a reused buffer, not a new `String`.
    fn collect_str<T: ?Sized + fmt::Display>(self, value: &T) -> Result<(), Differs> {
        use std::fmt::Write as _;
        let Compare { expected, state } = self;
        let mut buffer = std::mem::take(&mut state.buffer);
        buffer.clear();
        let result = match write!(buffer, "{value}") {
            Ok(()) => compare_str(expected, state, &buffer),
            Err(_) => Err(Differs),
        };
        state.buffer = buffer;
        result
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Differs> {
        Err(Differs)
    }
    fn serialize_none(self) -> Result<(), Differs> {
        same(self.expected.is_null())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Differs> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Differs> {
        same(self.expected.is_null())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Differs> {
        same(self.expected.is_null())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Differs> {
        same(self.expected.as_str() == Some(variant))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Differs> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Differs> {
        Err(Differs)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a, 's, 'i>, Differs> {
        let Value::Array(items) = self.expected else {
            return Err(Differs);
        };
        let length = self.state.path.len();
        self.state.path.push_str("/*");
        Ok(Seq {
            items,
            next: 0,
            length,
            state: self.state,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 's, 'i>, Differs> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Seq<'a, 's, 'i>, Differs> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Differs> {
        Err(Differs)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a, 's, 'i>, Differs> {
        let Value::Object(object) = self.expected else {
            return Err(Differs);
        };
        Ok(Map {
            object,
            key: None,
            written: 0,
            state: self.state,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Struct<'a, 's, 'i>, Differs> {
        let Value::Object(object) = self.expected else {
            return Err(Differs);
        };
        let seen_from = self.state.seen.len();
        Ok(Struct {
            object,
            seen_from,
            state: self.state,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Differs> {
        Err(Differs)
    }
}

fn compare_str(expected: &Value, state: &State<'_>, v: &str) -> Result<(), Differs> {
    let Value::String(expected) = expected else {
        return Err(Differs);
    };
    if expected == v {
        return Ok(());
    }
    let date_time = state.index.date_times.contains(&state.path);
    let parse = chrono::DateTime::parse_from_rfc3339;
    same(date_time && matches!((parse(expected), parse(v)), (Ok(a), Ok(b)) if a == b))
}

struct Seq<'a, 's, 'i> {
    items: &'a [Value],
    next: usize,
    /// The path's length before `/*`.
    length: usize,
    state: &'s mut State<'i>,
}

impl ser::SerializeSeq for Seq<'_, '_, '_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Differs> {
        let expected = self.items.get(self.next).ok_or(Differs)?;
        self.next += 1;
        value.serialize(Compare {
            expected,
            state: self.state,
        })
    }
    fn end(self) -> Result<(), Differs> {
        self.state.path.truncate(self.length);
        same(self.next == self.items.len())
    }
}

impl ser::SerializeTuple for Seq<'_, '_, '_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Differs> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Differs> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq<'_, '_, '_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Differs> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Differs> {
        ser::SerializeSeq::end(self)
    }
}

/// A map (typify's maps have string keys): every key written must be expected, and all
/// expected keys written.
struct Map<'a, 's, 'i> {
    object: &'a serde_json::Map<String, Value>,
    key: Option<&'a Value>,
    written: usize,
    state: &'s mut State<'i>,
}

impl ser::SerializeMap for Map<'_, '_, '_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Differs> {
        let key = serde_json::to_value(key).map_err(|_| Differs)?;
        self.key = Some(
            self.object
                .get(key.as_str().ok_or(Differs)?)
                .ok_or(Differs)?,
        );
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Differs> {
        let expected = self.key.take().ok_or(Differs)?;
        self.written += 1;
        // Map values have no place of their own in the index.
        let length = self.state.path.len();
        self.state.path.push_str("/?");
        let result = value.serialize(Compare {
            expected,
            state: self.state,
        });
        self.state.path.truncate(length);
        result
    }
    fn end(self) -> Result<(), Differs> {
        same(self.written == self.object.len())
    }
}

/// A struct: every field written must be expected; an expected field not written must be
/// an optional property holding `null` or its default.
struct Struct<'a, 's, 'i> {
    object: &'a serde_json::Map<String, Value>,
    seen_from: usize,
    state: &'s mut State<'i>,
}

impl ser::SerializeStruct for Struct<'_, '_, '_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Differs> {
        let expected = self.object.get(key).ok_or(Differs)?;
        self.state.seen.push(key);
        let length = self.state.path.len();
        push_segment(&mut self.state.path, key);
        let result = value.serialize(Compare {
            expected,
            state: self.state,
        });
        self.state.path.truncate(length);
        result
    }
    fn end(self) -> Result<(), Differs> {
        let written = self.state.seen.len() - self.seen_from;
        let mut result = Ok(());
        if written != self.object.len() {
            for (key, value) in self.object {
                if self.state.seen[self.seen_from..].contains(&key.as_str()) {
                    continue;
                }
                let length = self.state.path.len();
                push_segment(&mut self.state.path, key);
                let optional = self.state.index.optional.get(&self.state.path);
                let droppable = optional
                    .is_some_and(|default| value.is_null() || default.as_ref() == Some(value));
                self.state.path.truncate(length);
                if !droppable {
                    result = Err(Differs);
                    break;
                }
            }
        }
        self.state.seen.truncate(self.seen_from);
        result
    }
}

fn push_segment(path: &mut String, key: &str) {
    path.push('/');
    if key.contains(['~', '/']) {
        path.push_str(&escape(key));
    } else {
        path.push_str(key);
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::json;

    use super::*;

    #[derive(Serialize)]
    struct Item {
        at: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        count: i64,
    }

    fn index() -> PathIndex {
        let spec = json!({});
        let schema = json!({
            "type": "object", "required": ["at", "count"],
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "default": [], "items": {"type": "string"}},
                "note": {"type": "string", "nullable": true},
                "count": {"type": "integer"}
            }
        });
        PathIndex::of(&spec, &schema, "")
    }

    fn item() -> Item {
        Item {
            at: "2026-11-29T03:21:09Z".into(),
            tags: vec![],
            note: None,
            count: 1,
        }
    }

    #[test]
    fn equal_on_the_wire() {
        let index = index();
        assert!(matches(
            &item(),
            &json!({"at": "2026-11-29T03:21:09Z", "count": 1}),
            &index
        ));
        // The same instant, defaults and nulls of optional properties, 1 as 1.0.
        let wire =
            json!({"at": "2026-11-29T03:21:09.000000Z", "tags": [], "note": null, "count": 1.0});
        assert!(matches(&item(), &wire, &index));
    }

    #[test]
    fn different_on_the_wire() {
        let index = index();
        for wire in [
            json!({"at": "2026-11-29T03:21:10Z", "count": 1}),
            json!({"at": "2026-11-29T03:21:09Z", "count": 2}),
            json!({"at": "2026-11-29T03:21:09Z", "count": 1, "extra": true}),
            json!({"at": "2026-11-29T03:21:09Z"}),
            json!({"at": "2026-11-29T03:21:09Z", "count": 1, "tags": ["x"]}),
        ] {
            assert!(!matches(&item(), &wire, &index), "{wire}");
        }
    }
}
