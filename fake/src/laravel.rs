//! The error bodies a Laravel application answers with: `{"message": ...}`, and on a 422
//! also `errors`, each invalid field (dotted: `owner.email`) with its messages, worded as
//! Laravel words them.

use std::collections::BTreeMap;

use answering_agent_spec::pointer::unescape;
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
        let at = unescape(
            &error
                .instance_path()
                .as_str()
                .trim_start_matches('/')
                .replace('/', "."),
        );
        let field = match error.kind() {
            ValidationErrorKind::Required { property } => {
                dotted(&at, property.as_str().unwrap_or_default())
            }
            _ => at,
        };
        let name = attribute(&field);
        let message = match error.kind() {
            ValidationErrorKind::Required { .. } => format!("The {name} field is required."),
            ValidationErrorKind::Type { kind } => {
                let kind = format!("{kind:?}").to_lowercase();
                let expected = [
                    ("string", "a string"),
                    ("integer", "an integer"),
                    ("number", "a number"),
                    ("boolean", "true or false"),
                ]
                .into_iter()
                .find(|(type_name, _)| kind.contains(type_name))
                .map_or("an array", |(_, expected)| expected);
                format!("The {name} field must be {expected}.")
            }
            ValidationErrorKind::Format { format } if format == "email" => {
                format!("The {name} field must be a valid email address.")
            }
            ValidationErrorKind::Format { format } => {
                format!("The {name} field must be a valid {format}.")
            }
            ValidationErrorKind::Enum { .. } => format!("The selected {name} is invalid."),
            ValidationErrorKind::MaxLength { limit } => {
                format!("The {name} field must not be greater than {limit} characters.")
            }
            ValidationErrorKind::MinLength { limit } => {
                format!("The {name} field must be at least {limit} characters.")
            }
            _ => format!("The {name} field format is invalid."),
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
