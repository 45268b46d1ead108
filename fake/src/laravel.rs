//! The error bodies a Laravel application answers with: `{"message": ...}`, and on a 422
//! also `errors`, each invalid field (dotted: `owner.email`) with its messages, worded as
//! Laravel words them.

use std::collections::BTreeMap;

use answering_agent_spec::schema;
use jsonschema::error::ValidationErrorKind;
use serde_json::{Value, json};

use crate::state::{attribute, dotted};

/// `{"message": message}`.
pub(crate) fn message(message: &str) -> Value {
    json!({ "message": message })
}

/// The 422 body: the first message (and how many more), and every field's messages.
pub(crate) fn validation_failed(errors: &BTreeMap<String, Vec<String>>) -> Value {
    let count: usize = errors.values().map(Vec::len).sum();
    let first = errors
        .values()
        .flatten()
        .next()
        .cloned()
        .unwrap_or_default();
    let message = match count {
        0 | 1 => first,
        2 => format!("{first} (and 1 more error)"),
        n => format!("{first} (and {} more errors)", n - 1),
    };
    json!({ "message": message, "errors": errors })
}

/// Laravel's `required` refuses an empty string too (its TrimStrings middleware makes one of
/// spaces empty first): every required field of `value` sent as `""` or blanks, at any
/// depth of objects, is "required" in `errors`. JSON Schema cannot say it without
/// `minLength`, which the vendor does not document.
pub(crate) fn blank_required(
    spec: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    errors: &mut BTreeMap<String, Vec<String>>,
) {
    let Value::Object(fields) = value else {
        return;
    };
    for (name, field) in fields {
        let field_name = dotted(at, name);
        match field {
            Value::String(text)
                if text.trim().is_empty() && schema::requires(spec, schema, name) =>
            {
                // Its other rules (`email`, ...) are not run on an empty value.
                let message = format!("The {} field is required.", attribute(&field_name));
                errors.insert(field_name, vec![message]);
            }
            Value::Object(_) => {
                if let Some((child, _)) = schema::child(spec, (schema, ""), name, false) {
                    blank_required(spec, child, field, &field_name, errors);
                }
            }
            _ => {}
        }
    }
}

/// Every validation error, keyed by Laravel's dotted field name, with Laravel's wording.
pub(crate) fn field_errors(
    validator: &jsonschema::Validator,
    value: &Value,
) -> BTreeMap<String, Vec<String>> {
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for error in schema::errors(validator, value) {
        let at = error
            .instance_path()
            .as_str()
            .trim_start_matches('/')
            .replace('/', ".")
            .replace("~1", "/")
            .replace("~0", "~");
        let (field, message) = match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let field = dotted(&at, name);
                let message = format!("The {} field is required.", attribute(&field));
                (field, message)
            }
            ValidationErrorKind::Type { kind } => {
                let expected = format!("{kind:?}").to_lowercase();
                let expected = if expected.contains("string") {
                    "a string"
                } else if expected.contains("integer") {
                    "an integer"
                } else if expected.contains("number") {
                    "a number"
                } else if expected.contains("boolean") {
                    "true or false"
                } else {
                    "an array"
                };
                (
                    at.clone(),
                    format!("The {} field must be {expected}.", attribute(&at)),
                )
            }
            ValidationErrorKind::Format { format } if format == "email" => (
                at.clone(),
                format!(
                    "The {} field must be a valid email address.",
                    attribute(&at)
                ),
            ),
            ValidationErrorKind::Format { format } => (
                at.clone(),
                format!("The {} field must be a valid {format}.", attribute(&at)),
            ),
            ValidationErrorKind::Enum { .. } => (
                at.clone(),
                format!("The selected {} is invalid.", attribute(&at)),
            ),
            ValidationErrorKind::MaxLength { limit } => (
                at.clone(),
                format!(
                    "The {} field must not be greater than {limit} characters.",
                    attribute(&at)
                ),
            ),
            ValidationErrorKind::MinLength { limit } => (
                at.clone(),
                format!(
                    "The {} field must be at least {limit} characters.",
                    attribute(&at)
                ),
            ),
            _ => (
                at.clone(),
                format!("The {} field format is invalid.", attribute(&at)),
            ),
        };
        let field = if field.is_empty() {
            "body".to_string()
        } else {
            field
        };
        errors.entry(field).or_default().push(message);
    }
    errors
}
