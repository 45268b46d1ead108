//! [`Secret`]: a credential the API hands out (an embed token), which the client never shows.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A credential from the API, such as a user's embed token: every schema the spec marks
/// `x-secret: true` is this type.
///
/// It never shows its value by accident: `Debug` prints `Secret(<redacted>)`, there is no
/// `Display`, and errors and logs never hold one. Read it on purpose with
/// [`expose_secret`](Secret::expose_secret) (to put it in the embedded dashboard's URL or
/// `data-token` attribute). It serializes as the plain string, because that is what the
/// wire and your own storage need; `Client::send_json`, whose JSON is easily printed,
/// serializes it as `"<redacted>"`.
///
/// ```
/// use answering_agent::Secret;
///
/// let token: Secret = serde_json::from_str("\"MTIzNDV8ZDgyZDk3Mzg1OTAxNTkzNA\"").unwrap();
/// assert_eq!(format!("{token:?}"), "Secret(<redacted>)");
/// assert_eq!(token.expose_secret(), "MTIzNDV8ZDgyZDk3Mzg1OTAxNTkzNA");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself. Everything else about a `Secret` keeps it hidden.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_string())
    }
}

thread_local! {
    /// Set while `redacting` runs: a `Secret` then serializes as `"<redacted>"`.
    static REDACTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every `Secret` it serializes written as `"<redacted>"`.
#[allow(dead_code)] // The xtask's copy of this file (verify's round trip) never redacts.
pub(crate) fn redacting<R>(f: impl FnOnce() -> R) -> R {
    let before = REDACTING.with(|r| r.replace(true));
    let result = f();
    REDACTING.with(|r| r.set(before));
    result
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if REDACTING.with(std::cell::Cell::get) {
            serializer.serialize_str("<redacted>")
        } else {
            serializer.serialize_str(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// A credential's schema: a string. (Feature `schemars`.)
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Secret {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Secret".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A credential (an embed token); the client never shows its value."
        })
    }

    fn inline_schema() -> bool {
        true
    }
}
